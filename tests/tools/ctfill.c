/* SPDX-License-Identifier: ISC */
/*
 * ctfill fills the conntrack table of the current network namespace with
 * established TCP entries, for the scale tests and benchmarks: a busy
 * router's 100k-1M connections without the traffic. Entries are created in
 * batches (many requests per sendmsg, no ACK unless one fails), so 250k
 * take well under a second.
 *
 * usage: ctfill [-n COUNT] [-m MARK,MARK,...] [-t TIMEOUT_S] [-s SRC_BASE]
 *   COUNT entries (default 100000), their marks round-robin over the list
 *   (default 0x10000,0x20000: links 1 and 2 of the default mask), from
 *   SRC_BASE+i (default 100.64.0.0) port 1024+ to 198.19.200.1:80.
 *   Exits 0 once every entry was accepted; prints how many and how long.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack_tcp.h>

#define MARKS_MAX	64

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
usage(void)
{
	fprintf(stderr, "usage: ctfill [-n COUNT] [-m MARK,...] [-t TIMEOUT_S]"
	    " [-s SRC_BASE]\n");
	exit(2);
}

/* One create request for entry i into buf; its length. */
static size_t
build(char *buf, size_t size, uint32_t seq, uint32_t src, uint32_t mark,
    uint32_t timeout, unsigned int i)
{
	struct nf_conntrack *ct = nfct_new();
	struct nlmsghdr *nlh;
	struct nfgenmsg *nfg;
	uint16_t sport = htons(1024 + i % 60000);
	uint32_t s = htonl(src + i / 60000), d;

	if (ct == NULL || size < (size_t)MNL_SOCKET_BUFFER_SIZE / 2)
		return 0;
	inet_pton(AF_INET, "198.19.200.1", &d);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_NEW;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL;
	nlh->nlmsg_seq = seq;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = AF_INET;
	nfg->version = NFNETLINK_V0;
	nfg->res_id = 0;
	nfct_set_attr_u8(ct, ATTR_L3PROTO, AF_INET);
	nfct_set_attr_u32(ct, ATTR_IPV4_SRC, s);
	nfct_set_attr_u32(ct, ATTR_IPV4_DST, d);
	nfct_set_attr_u8(ct, ATTR_L4PROTO, IPPROTO_TCP);
	nfct_set_attr_u16(ct, ATTR_PORT_SRC, sport);
	nfct_set_attr_u16(ct, ATTR_PORT_DST, htons(80));
	nfct_setobjopt(ct, NFCT_SOPT_SETUP_REPLY);
	nfct_set_attr_u8(ct, ATTR_TCP_STATE, TCP_CONNTRACK_ESTABLISHED);
	nfct_set_attr_u32(ct, ATTR_TIMEOUT, timeout);
	nfct_set_attr_u32(ct, ATTR_MARK, mark);
	nfct_set_attr_u32(ct, ATTR_STATUS, IPS_ASSURED | IPS_SEEN_REPLY);
	nfct_nlmsg_build(nlh, ct);
	nfct_destroy(ct);
	return nlh->nlmsg_len;
}

/* Read what the kernel said about the batch: only errors come back. */
static int
errors(struct mnl_socket *nl, unsigned int *nerr)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	const struct nlmsghdr *nlh;
	ssize_t n;
	int len;

	while ((n = recv(mnl_socket_get_fd(nl), buf, sizeof(buf),
	    MSG_DONTWAIT)) > 0) {
		len = (int)n;
		for (nlh = (struct nlmsghdr *)buf; mnl_nlmsg_ok(nlh, len);
		    nlh = mnl_nlmsg_next(nlh, &len)) {
			const struct nlmsgerr *e;

			if (nlh->nlmsg_type != NLMSG_ERROR)
				continue;
			e = mnl_nlmsg_get_payload(nlh);
			if (e->error != 0) {
				if (*nerr == 0)
					fprintf(stderr, "ctfill: %s\n",
					    strerror(-e->error));
				(*nerr)++;
			}
		}
	}
	return n < 0 && errno != EAGAIN ? -errno : 0;
}

int
main(int argc, char **argv)
{
	static char batch[1 << 17];
	uint32_t marks[MARKS_MAX] = { 0x10000, 0x20000 }, src, timeout = 3600;
	unsigned int nmarks = 2, count = 100000, i, nerr = 0;
	struct mnl_socket *nl;
	struct in_addr a;
	size_t off = 0, len;
	int bufsz = 1 << 24, c;
	double t0;
	char *p, *tok;

	inet_pton(AF_INET, "100.64.0.0", &a);
	src = ntohl(a.s_addr);
	while ((c = getopt(argc, argv, "n:m:t:s:")) != -1) {
		switch (c) {
		case 'n':
			count = strtoul(optarg, NULL, 0);
			break;
		case 'm':
			nmarks = 0;
			for (p = optarg; (tok = strsep(&p, ",")) != NULL &&
			    nmarks < MARKS_MAX;)
				marks[nmarks++] = strtoul(tok, NULL, 0);
			break;
		case 't':
			timeout = strtoul(optarg, NULL, 0);
			break;
		case 's':
			if (inet_pton(AF_INET, optarg, &a) != 1)
				usage();
			src = ntohl(a.s_addr);
			break;
		default:
			usage();
		}
	}
	if (nmarks == 0)
		usage();
	if ((nl = mnl_socket_open(NETLINK_NETFILTER)) == NULL ||
	    mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		perror("ctfill: netlink");
		return 1;
	}
	setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVBUFFORCE, &bufsz,
	    sizeof(bufsz));
	t0 = now_s();
	for (i = 0; i < count; i++) {
		len = build(batch + off, sizeof(batch) - off, i + 1, src,
		    marks[i % nmarks], timeout, i);
		if (len == 0) {
			if (mnl_socket_sendto(nl, batch, off) < 0) {
				perror("ctfill: send");
				return 1;
			}
			off = 0;
			if (errors(nl, &nerr) < 0)
				return 1;
			i--;
			continue;
		}
		off += len;
	}
	if (off && mnl_socket_sendto(nl, batch, off) < 0) {
		perror("ctfill: send");
		return 1;
	}
	if (errors(nl, &nerr) < 0)
		return 1;
	printf("%u entries in %.3f s, %u refused\n", count - nerr,
	    now_s() - t0, nerr);
	mnl_socket_close(nl);
	return nerr ? 1 : 0;
}
