/* SPDX-License-Identifier: ISC */
/*
 * conntrack talks to the kernel's connection tracking over ctnetlink:
 * the NEW/DESTROY event stream and the closes among the updates (libmnl;
 * parsed by ctcount.c), a flush of
 * one uplink's entries as one filtered request that the kernel carries out
 * alone (CTA_MARK and CTA_MARK_MASK with no tuple), and a full count by
 * mark through libnetfilter_conntrack's dump. See conntrack.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack_tcp.h>

#include "conntrack.h"
#include "log.h"
#include "nfreq.h"

#define EVENTS_RCVBUF	(8 << 20)	/* bytes: ~10k events of slack */

int
conntrack_events_open(void)
{
	struct sockaddr_nl sa = {
		.nl_family = AF_NETLINK,
		.nl_groups = NF_NETLINK_CONNTRACK_NEW |
		    NF_NETLINK_CONNTRACK_DESTROY,
	};
	int fd, sz = EVENTS_RCVBUF, r;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    NETLINK_NETFILTER);
	if (fd < 0)
		return -errno;
	/* FORCE needs CAP_NET_ADMIN, which the daemon keeps; else the
	 * system's limit applies */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	return fd;
}

/*
 * Updates, the closes only: a filter on the socket (BPF, run by the
 * kernel) passes TCP entries whose state is TIME_WAIT or CLOSE, so the
 * many other updates of a connection's life never wake the daemon.
 */
int
conntrack_closes_open(void)
{
	struct sockaddr_nl sa = {
		.nl_family = AF_NETLINK,
		.nl_groups = NF_NETLINK_CONNTRACK_UPDATE,
	};
	struct nfct_filter_proto tw = { IPPROTO_TCP, TCP_CONNTRACK_TIME_WAIT };
	struct nfct_filter_proto cl = { IPPROTO_TCP, TCP_CONNTRACK_CLOSE };
	struct nfct_filter *f;
	int fd, sz = EVENTS_RCVBUF, r = 0;

	if ((f = nfct_filter_create()) == NULL)
		return -ENOMEM;
	nfct_filter_add_attr_u32(f, NFCT_FILTER_L4PROTO, IPPROTO_TCP);
	nfct_filter_add_attr(f, NFCT_FILTER_L4PROTO_STATE, &tw);
	nfct_filter_add_attr(f, NFCT_FILTER_L4PROTO_STATE, &cl);
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    NETLINK_NETFILTER);
	if (fd < 0)
		r = -errno;
	else if (nfct_filter_attach(fd, f) < 0)
		r = errno ? -errno : -EINVAL;
	else {
		if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz,
		    sizeof(sz)) < 0)
			setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
		if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
			r = -errno;
	}
	nfct_filter_destroy(f);
	if (r < 0 && fd >= 0)
		close(fd);
	return r < 0 ? r : fd;
}

int
conntrack_events_read(int fd, unsigned int budget,
    void (*fn)(void *ud, const struct ctcount_ev *ev), void *ud)
{
	uint8_t buf[8192];
	const struct nlmsghdr *nlh;
	struct ctcount_ev ev;
	unsigned int n = 0;
	ssize_t len;
	int rest;

	/* one event is one datagram; a few may share one */
	while (n < budget) {
		len = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (len < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				break;
			return -errno;
		}
		n++;
		rest = (int)len;
		for (nlh = (const struct nlmsghdr *)buf; mnl_nlmsg_ok(nlh, rest);
		    nlh = mnl_nlmsg_next(nlh, &rest))
			if (ctcount_parse_event(nlh, (size_t)rest, &ev) == 0)
				fn(ud, &ev);
	}
	return (int)n;
}

int
conntrack_flush_mark(int family, uint32_t mark, uint32_t mask)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;

	/* no tuple: the kernel walks its table and deletes what the mark
	 * filter matches, then answers once */
	nlh = nfreq_request(buf, NFNL_SUBSYS_CTNETLINK, IPCTNL_MSG_CT_DELETE,
	    NLM_F_ACK, (uint8_t)family);
	/* the kernel honours the family of a flush only when the version
	 * says so (version 0: both families, for old callers) */
	((struct nfgenmsg *)mnl_nlmsg_get_payload(nlh))->version = 1;
	mnl_attr_put_u32(nlh, CTA_MARK, htonl(mark & mask));
	mnl_attr_put_u32(nlh, CTA_MARK_MASK, htonl(mask));
	return nfreq_talk(nlh, NULL, NULL);
}

struct count_arg {
	uint32_t mask;
	unsigned int shift;
	uint64_t *n;
};

static int
count_cb(enum nf_conntrack_msg_type type, struct nf_conntrack *ct,
    void *data)
{
	struct count_arg *a = data;
	uint32_t v;

	v = (nfct_get_attr_u32(ct, ATTR_MARK) & a->mask) >> a->shift;
	a->n[v < CTCOUNT_SLOTS ? v : 0]++;
	return NFCT_CB_CONTINUE;
}

int
conntrack_count_marks(uint32_t mask, uint64_t *n)
{
	struct count_arg a = { mask, mask ? __builtin_ctz(mask) : 0, n };
	struct nfct_handle *h;
	uint32_t family = AF_UNSPEC;
	int r = 0;

	memset(n, 0, CTCOUNT_SLOTS * sizeof(*n));
	if ((h = nfct_open(CONNTRACK, 0)) == NULL)
		return -errno;
	nfct_callback_register(h, NFCT_T_ALL, count_cb, &a);
	if (nfct_query(h, NFCT_Q_DUMP, &family) < 0)
		r = -errno;
	nfct_close(h);
	return r;
}

int64_t
conntrack_kernel_count(void)
{
	char buf[32];
	ssize_t n;
	int fd;

	fd = open("/proc/sys/net/netfilter/nf_conntrack_count",
	    O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = '\0';
	return strtoll(buf, NULL, 10);
}
