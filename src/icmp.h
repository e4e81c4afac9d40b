/* SPDX-License-Identifier: ISC */
/*
 * ICMP and ICMPv6 echo: build a request carrying our magic and the send
 * time, and parse and validate what a raw socket received. Pure: no I/O;
 * the parser never reads outside the buffer it is given (it is fuzzed).
 */
#ifndef UPLINKD_ICMP_H
#define UPLINKD_ICMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "addr.h"

#define ICMP_MAGIC		0x75706c6bU	/* "uplk" */
#define ICMP_HDR_LEN		8
#define ICMP_PAYLOAD_MIN	12		/* magic + sent_us */
#define ICMP_PAYLOAD_TAGGED	20		/* + an 8-byte tag */
#define ICMP_PAYLOAD_MAX	1452
#define ICMP_PACKET_MAX		(60 + ICMP_HDR_LEN + ICMP_PAYLOAD_MAX)

struct icmp_reply {
	struct addr src;	/* who replied */
	uint16_t id, seq;
	bool magic_ok;		/* the payload is one of ours */
	uint64_t sent_us;	/* from the payload; valid if magic_ok */
	bool has_tag;		/* the payload is long enough for one */
	uint64_t tag;		/* from the payload; valid if has_tag */
};

/*
 * Write an echo request for family (AF_INET or AF_INET6) to buf: header,
 * then payload_len bytes of payload (at least ICMP_PAYLOAD_MIN, at most
 * ICMP_PAYLOAD_MAX) holding ICMP_MAGIC and sent_us in network order, tag
 * when the payload has room for it (ICMP_PAYLOAD_TAGGED), and a fill
 * pattern. The IPv4 checksum is computed; the ICMPv6 one is left 0 for
 * the kernel. Returns the length, or -EINVAL (family, size) or -ENOSPC
 * (buflen).
 */
ssize_t icmp_build_echo(int family, uint16_t id, uint16_t seq,
    uint64_t sent_us, uint64_t tag, size_t payload_len, void *buf,
    size_t buflen);

/*
 * Parse what a raw socket of family received. AF_INET: buf starts with the
 * IPv4 header (version, ihl, total length, protocol, no fragment, header
 * and ICMP checksums are checked) and the source is taken from it.
 * AF_INET6: buf starts at the ICMPv6 header (the kernel checked the
 * checksum) and the source is *from, which is required. Returns 0 for an
 * echo reply, -EBADMSG for a malformed or truncated packet or a bad
 * checksum, -ENOMSG for well-formed ICMP that is not an echo reply,
 * -EINVAL for bad arguments.
 */
int icmp_parse_reply(int family, const void *buf, size_t len,
    const struct addr *from, struct icmp_reply *r);

/* The Internet checksum of len bytes (RFC 1071). */
uint16_t icmp_checksum(const void *buf, size_t len);

#endif
