/* SPDX-License-Identifier: ISC */
/*
 * Echo request building and echo reply validation for IPv4 and IPv6 raw
 * ICMP sockets. Every length is checked before the bytes it covers are
 * read. See icmp.h.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "icmp.h"

#define ICMP_ECHOREPLY_V4	0
#define ICMP_ECHO_V4		8
#define ICMP_ECHO_V6		128
#define ICMP_ECHOREPLY_V6	129
#define IP_PROTO_ICMP		1

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

uint16_t
icmp_checksum(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += get16(p + i);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

ssize_t
icmp_build_echo(int family, uint16_t id, uint16_t seq, uint64_t sent_us,
    uint64_t tag, size_t payload_len, void *buf, size_t buflen)
{
	uint8_t *p = buf;
	size_t i, len = ICMP_HDR_LEN + payload_len;

	if ((family != AF_INET && family != AF_INET6) ||
	    payload_len < ICMP_PAYLOAD_MIN || payload_len > ICMP_PAYLOAD_MAX)
		return -EINVAL;
	if (buflen < len)
		return -ENOSPC;
	p[0] = family == AF_INET ? ICMP_ECHO_V4 : ICMP_ECHO_V6;
	p[1] = 0;
	put16(p + 2, 0);
	put16(p + 4, id);
	put16(p + 6, seq);
	put32(p + 8, ICMP_MAGIC);
	put32(p + 12, sent_us >> 32);
	put32(p + 16, sent_us & 0xffffffff);
	for (i = ICMP_HDR_LEN + ICMP_PAYLOAD_MIN; i < len; i++)
		p[i] = (uint8_t)i;
	if (payload_len >= ICMP_PAYLOAD_TAGGED) {
		put32(p + 20, tag >> 32);
		put32(p + 24, tag & 0xffffffff);
	}
	if (family == AF_INET)
		put16(p + 2, icmp_checksum(p, len));
	return (ssize_t)len;
}

/* The ICMP message itself, whichever family: len >= ICMP_HDR_LEN. */
static int
parse_icmp(const uint8_t *p, size_t len, uint8_t reply_type,
    struct icmp_reply *r)
{
	if (p[0] != reply_type || p[1] != 0)
		return -ENOMSG;
	r->id = get16(p + 4);
	r->seq = get16(p + 6);
	r->magic_ok = len >= ICMP_HDR_LEN + ICMP_PAYLOAD_MIN &&
	    get32(p + 8) == ICMP_MAGIC;
	if (r->magic_ok)
		r->sent_us = (uint64_t)get32(p + 12) << 32 | get32(p + 16);
	r->has_tag = r->magic_ok && len >= ICMP_HDR_LEN + ICMP_PAYLOAD_TAGGED;
	if (r->has_tag)
		r->tag = (uint64_t)get32(p + 20) << 32 | get32(p + 24);
	return 0;
}

static int
parse4(const uint8_t *p, size_t len, struct icmp_reply *r)
{
	size_t hlen, tot;

	if (len < 20 || p[0] >> 4 != 4)
		return -EBADMSG;
	hlen = (size_t)(p[0] & 0x0f) * 4;
	tot = get16(p + 2);
	if (hlen < 20 || hlen > len || tot < hlen || tot > len)
		return -EBADMSG;
	if (icmp_checksum(p, hlen) != 0)
		return -EBADMSG;
	if (p[9] != IP_PROTO_ICMP)
		return -ENOMSG;
	/* more fragments or an offset: not a whole datagram */
	if (get16(p + 6) & 0x3fff)
		return -EBADMSG;
	if (tot - hlen < ICMP_HDR_LEN)
		return -EBADMSG;
	if (icmp_checksum(p + hlen, tot - hlen) != 0)
		return -EBADMSG;
	addr_from_bytes(&r->src, AF_INET, p + 12);
	return parse_icmp(p + hlen, tot - hlen, ICMP_ECHOREPLY_V4, r);
}

int
icmp_parse_reply(int family, const void *buf, size_t len,
    const struct addr *from, struct icmp_reply *r)
{
	if (!buf || !r)
		return -EINVAL;
	memset(r, 0, sizeof(*r));
	switch (family) {
	case AF_INET:
		return parse4(buf, len, r);
	case AF_INET6:
		if (!from || from->family != AF_INET6)
			return -EINVAL;
		if (len < ICMP_HDR_LEN)
			return -EBADMSG;
		r->src = *from;
		return parse_icmp(buf, len, ICMP_ECHOREPLY_V6, r);
	}
	return -EINVAL;
}
