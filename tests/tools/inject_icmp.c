/* SPDX-License-Identifier: ISC */
/*
 * inject_icmp: a hostile ISP for the namespace tests (tests/netns/
 * hostile.bats). It watches the ICMP echo requests uplinkd's probes send
 * through an ISP router's customer interface and answers each with a forged
 * echo reply, wrong in one chosen way, sent from the namespace it runs in
 * (raw IPv4, IP_HDRINCL, so any source address can be forged):
 *
 *   exact      the reply a live target would send (id, seq, payload and
 *              source right): the positive control, it must be accepted
 *   wrong-id   the request's identifier with its top bit flipped
 *   wrong-seq  a sequence number 0x4000 ahead (never sent)
 *   wrong-src  from an address that is not the probed target (the target
 *              with 100 added to its last byte)
 *   other-src  from another probe target (one of the link's, not the one
 *              this request went to): give it with --src
 *   wrong-tag  id, sequence, source and send time right, but the tag
 *              (payload bytes 12-19: uplinkd's keyed MAC) changed, as a
 *              forger who cannot compute it must send
 *   blast      blind: without looking at requests, every identifier
 *              0..65535 with a random sequence number and uplinkd's magic,
 *              from --src to --dst, over and over
 *
 * It runs for --duration seconds and prints "inject_icmp: MODE: N requests
 * seen, M replies sent". Sniffing may happen in another namespace
 * (--sniff-ns NAME, from /run/netns) than sending: replies to one link's
 * probes then arrive on another link.
 *
 *   inject_icmp --sniff-ns P_isp1 --sniff-if cust --mode wrong-id \
 *       --duration 5            (run in P_isp1: ip netns exec P_isp1 ...)
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>

#define MAGIC	0x75706c6bU	/* src/icmp.h ICMP_MAGIC */

enum mode { M_EXACT, M_WRONG_ID, M_WRONG_SEQ, M_WRONG_SRC, M_OTHER_SRC,
	M_BLAST, M_WRONG_TAG };
static const char *mode_names[] = { "exact", "wrong-id", "wrong-seq",
	"wrong-src", "other-src", "blast", "wrong-tag" };

static void __attribute__((noreturn))
die(const char *what)
{
	fprintf(stderr, "inject_icmp: %s: %s\n", what, strerror(errno));
	exit(1);
}

static uint16_t
csum(const uint8_t *p, size_t len)
{
	uint32_t s = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		s += (uint32_t)p[len - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Build an IPv4 echo reply src -> dst in out; returns its length. */
static size_t
build_reply(uint8_t *out, struct in_addr src, struct in_addr dst,
    uint16_t id, uint16_t seq, const uint8_t *payload, size_t plen)
{
	uint8_t *ic = out + 20;
	uint16_t c;
	size_t len = 20 + 8 + plen;

	memset(out, 0, 28);
	out[0] = 0x45;
	out[2] = len >> 8;
	out[3] = len & 0xff;
	out[8] = 64;
	out[9] = 1;
	memcpy(out + 12, &src, 4);
	memcpy(out + 16, &dst, 4);
	c = csum(out, 20);
	out[10] = c >> 8;
	out[11] = c & 0xff;
	ic[0] = 0;	/* echo reply */
	ic[4] = id >> 8;
	ic[5] = id & 0xff;
	ic[6] = seq >> 8;
	ic[7] = seq & 0xff;
	memcpy(ic + 8, payload, plen);
	c = csum(ic, 8 + plen);
	ic[2] = c >> 8;
	ic[3] = c & 0xff;
	return len;
}

static void
send_ip(int fd, const uint8_t *pkt, size_t len, struct in_addr dst,
    unsigned long *sent)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr = dst };

	if (sendto(fd, pkt, len, 0, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		if (errno != ENOBUFS && errno != EAGAIN)
			die("sendto");
		return;
	}
	(*sent)++;
}

static int
sniff_socket(const char *ns, const char *ifname)
{
	struct sockaddr_ll sll;
	int fd, nsfd = -1, self = -1;
	char path[256];

	if (ns) {
		snprintf(path, sizeof(path), "%s%s", strchr(ns, '/') ? "" :
		    "/run/netns/", ns);
		if ((self = open("/proc/self/ns/net", O_RDONLY)) < 0)
			die("/proc/self/ns/net");
		if ((nsfd = open(path, O_RDONLY)) < 0)
			die(path);
		if (setns(nsfd, CLONE_NEWNET) < 0)
			die("setns");
	}
	if ((fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK,
	    htons(ETH_P_IP))) < 0)
		die("packet socket");
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_IP);
	if ((sll.sll_ifindex = (int)if_nametoindex(ifname)) == 0)
		die(ifname);
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		die("bind packet socket");
	if (ns) {
		if (setns(self, CLONE_NEWNET) < 0)
			die("setns back");
		close(self);
		close(nsfd);
	}
	return fd;
}

static void
usage(void)
{
	fprintf(stderr, "usage: inject_icmp --mode MODE [--sniff-ns NS] "
	    "[--sniff-if IF] [--src ADDR] [--dst ADDR] [--duration S]\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "mode", required_argument, NULL, 'm' },
		{ "sniff-ns", required_argument, NULL, 'n' },
		{ "sniff-if", required_argument, NULL, 'i' },
		{ "src", required_argument, NULL, 's' },
		{ "dst", required_argument, NULL, 'd' },
		{ "duration", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 }
	};
	const char *sniff_ns = NULL, *sniff_if = "cust";
	struct in_addr fsrc = { 0 }, fdst = { 0 };
	double duration = 5, end;
	unsigned long seen = 0, sent = 0;
	int ch, one = 1, raw, pk = -1;
	int mode = -1;
	unsigned int i;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'm':
			for (i = 0; i < sizeof(mode_names) /
			    sizeof(mode_names[0]); i++)
				if (strcmp(optarg, mode_names[i]) == 0)
					mode = (int)i;
			break;
		case 'n':
			sniff_ns = optarg;
			break;
		case 'i':
			sniff_if = optarg;
			break;
		case 's':
			if (inet_pton(AF_INET, optarg, &fsrc) != 1)
				usage();
			break;
		case 'd':
			if (inet_pton(AF_INET, optarg, &fdst) != 1)
				usage();
			break;
		case 't':
			duration = atof(optarg);
			break;
		default:
			usage();
		}
	}
	if (mode < 0 || optind != argc || (mode == M_OTHER_SRC && !fsrc.s_addr)
	    || (mode == M_BLAST && (!fsrc.s_addr || !fdst.s_addr)))
		usage();

	if ((raw = socket(AF_INET, SOCK_RAW, IPPROTO_RAW)) < 0)
		die("raw socket");
	if (setsockopt(raw, IPPROTO_IP, IP_HDRINCL, &one, sizeof(one)) < 0)
		die("IP_HDRINCL");
	if (mode != M_BLAST)
		pk = sniff_socket(sniff_ns, sniff_if);

	end = now_s() + duration;
	if (mode == M_BLAST) {
		uint8_t payload[56], pkt[128];
		uint32_t id = 0;
		uint16_t seq;
		size_t len;

		memset(payload, 0, sizeof(payload));
		payload[0] = MAGIC >> 24;
		payload[1] = (MAGIC >> 16) & 0xff;
		payload[2] = (MAGIC >> 8) & 0xff;
		payload[3] = MAGIC & 0xff;
		while (now_s() < end) {
			for (i = 0; i < 4096; i++, id++) {
				if (getrandom(&seq, sizeof(seq), 0) !=
				    sizeof(seq))
					die("getrandom");
				len = build_reply(pkt, fsrc, fdst,
				    (uint16_t)id, seq, payload, sizeof(payload));
				send_ip(raw, pkt, len, fdst, &sent);
			}
		}
		printf("inject_icmp: blast: %u identifiers swept, %lu replies "
		    "sent\n", id, sent);
		return 0;
	}

	while (now_s() < end) {
		struct pollfd pfd = { .fd = pk, .events = POLLIN };
		uint8_t buf[2048], pkt[2048];
		struct sockaddr_ll from;
		socklen_t fl = sizeof(from);
		struct in_addr s, d, rs;
		uint16_t id, seq;
		size_t hl;
		ssize_t n;
		int left = (int)((end - now_s()) * 1000);

		if (left <= 0)
			break;
		if (poll(&pfd, 1, left) < 0) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		n = recvfrom(pk, buf, sizeof(buf), 0, (struct sockaddr *)&from,
		    &fl);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			die("recvfrom");
		}
		if (from.sll_pkttype == PACKET_OUTGOING || n < 28 ||
		    buf[0] >> 4 != 4 || buf[9] != 1)
			continue;
		hl = (size_t)(buf[0] & 0xf) * 4;
		if ((size_t)n < hl + 8 || buf[hl] != 8)
			continue;	/* not an echo request */
		seen++;
		memcpy(&s, buf + 12, 4);
		memcpy(&d, buf + 16, 4);
		id = (uint16_t)(buf[hl + 4] << 8 | buf[hl + 5]);
		seq = (uint16_t)(buf[hl + 6] << 8 | buf[hl + 7]);
		rs = d;
		switch (mode) {
		case M_WRONG_ID:
			id ^= 0x8000;
			break;
		case M_WRONG_SEQ:
			seq += 0x4000;
			break;
		case M_WRONG_SRC: {
			uint8_t *b = (uint8_t *)&rs;

			b[3] = (uint8_t)(b[3] + 100);
			break;
		}
		case M_OTHER_SRC:
			rs = fsrc;
			if (rs.s_addr == d.s_addr)
				continue;	/* not "other" for this one */
			break;
		case M_WRONG_TAG:
			if ((size_t)n >= hl + 8 + 20)
				buf[hl + 8 + 12] ^= 0x5a;
			break;
		default:
			break;
		}
		if (fdst.s_addr)
			s = fdst;
		send_ip(raw, pkt, build_reply(pkt, rs, s, id, seq,
		    buf + hl + 8, (size_t)n - hl - 8), s, &sent);
	}
	printf("inject_icmp: %s: %lu requests seen, %lu replies sent\n",
	    mode_names[mode], seen, sent);
	return 0;
}
