/* SPDX-License-Identifier: ISC */
/*
 * One nfnetlink request and its answer; see nfreq.h.
 */
#include <errno.h>
#include <stdbool.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>

#include "nfreq.h"

struct nlmsghdr *
nfreq_request(void *buf, uint8_t subsys, uint8_t msg, uint16_t flags,
    uint8_t family)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *nfg;

	nlh->nlmsg_type = (uint16_t)((subsys << 8) | msg);
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = (uint32_t)time(NULL);
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = family;
	nfg->version = NFNETLINK_V0;
	nfg->res_id = 0;
	return nlh;
}

/* One batch of the answer: 1 to read on, 0 at its end, or -errno. */
static int
batch(const void *buf, int len, uint32_t seq, uint32_t portid,
    nfreq_msg_fn fn, void *arg)
{
	const struct nlmsghdr *m;
	const struct nlmsgerr *e;
	int r;

	for (m = buf; mnl_nlmsg_ok(m, len); m = mnl_nlmsg_next(m, &len)) {
		if (m->nlmsg_seq != seq || m->nlmsg_pid != portid)
			continue;
		if (m->nlmsg_type == NLMSG_DONE)
			return 0;
		if (m->nlmsg_type == NLMSG_ERROR) {
			if (m->nlmsg_len < mnl_nlmsg_size(sizeof(*e)))
				return -EBADMSG;
			e = mnl_nlmsg_get_payload(m);
			return e->error;	/* 0: the ACK */
		}
		if (fn != NULL && (r = fn(m, arg)) < 0)
			return r;
	}
	return 1;
}

int
nfreq_talk(struct nlmsghdr *req, nfreq_msg_fn fn, void *arg)
{
	char buf[32768];	/* a dump batch is at most 32 KiB */
	struct mnl_socket *nl;
	uint32_t portid;
	ssize_t len;
	int r = 1;

	if ((nl = mnl_socket_open(NETLINK_NETFILTER)) == NULL)
		return -errno;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		r = -errno;
		goto out;
	}
	portid = mnl_socket_get_portid(nl);
	if (mnl_socket_sendto(nl, req, req->nlmsg_len) < 0) {
		r = -errno;
		goto out;
	}
	while (r == 1) {
		if ((len = mnl_socket_recvfrom(nl, buf, sizeof(buf))) <= 0) {
			r = len < 0 ? -errno : -EIO;
			break;
		}
		r = batch(buf, (int)len, req->nlmsg_seq, portid, fn, arg);
	}
out:
	mnl_socket_close(nl);
	return r;
}
