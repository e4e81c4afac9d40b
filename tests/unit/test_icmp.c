/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of ICMP echo building and reply parsing (icmp.c): requests
 * compared byte for byte with hand-built ones, and a table of received
 * packets, well-formed and not (truncated, wrong type, bad checksums, IP
 * options, fragments, foreign payload).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "icmp.h"
#include "testtable.h"
#include "testutil.h"

static void
test_build_v4(void **state)
{
	static const uint8_t want[] = {
		0x08, 0x00, 0x00, 0x00, 0x12, 0x34, 0x00, 0x07,
		0x75, 0x70, 0x6c, 0x6b,			/* magic */
		0x00, 0x00, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, /* sent_us */
		0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, /* tag */
		0x1c, 0x1d, 0x1e, 0x1f,			/* fill */
	};
	uint8_t buf[64], w[sizeof(want)];
	uint16_t ck;

	(void)state;
	memcpy(w, want, sizeof(w));
	ck = icmp_checksum(w, sizeof(w));
	w[2] = ck >> 8;
	w[3] = ck & 0xff;
	assert_int_equal(icmp_build_echo(AF_INET, 0x1234, 7, 0x102030405ULL,
	    0x1122334455667788ULL, 24, buf, sizeof(buf)), 32);
	assert_memory_equal(buf, w, sizeof(w));
	assert_int_equal(icmp_checksum(buf, 32), 0);
	/* without room for the tag, none is written */
	assert_int_equal(icmp_build_echo(AF_INET, 0x1234, 7, 0x102030405ULL,
	    0x1122334455667788ULL, 16, buf, sizeof(buf)), 24);
	assert_int_equal(buf[20], 0x14);
}

static void
test_build_v6(void **state)
{
	uint8_t buf[64];

	(void)state;
	assert_int_equal(icmp_build_echo(AF_INET6, 1, 2, 3, 0, 12, buf,
	    sizeof(buf)), 20);
	assert_int_equal(buf[0], 128);
	assert_int_equal(buf[2], 0);	/* checksum left to the kernel */
	assert_int_equal(buf[3], 0);
}

static void
test_tag_round_trip(void **state)
{
	struct icmp_reply r;
	struct addr from;
	uint8_t buf[64];
	ssize_t n;

	(void)state;
	from = A("2001:db8::1");
	n = icmp_build_echo(AF_INET6, 7, 9, 99, 0xfeedfacecafebeefULL,
	    ICMP_PAYLOAD_TAGGED, buf, sizeof(buf));
	assert_int_equal(n, ICMP_HDR_LEN + ICMP_PAYLOAD_TAGGED);
	buf[0] = 129;		/* echo reply */
	assert_int_equal(icmp_parse_reply(AF_INET6, buf, (size_t)n, &from,
	    &r), 0);
	assert_true(r.magic_ok && r.has_tag);
	assert_true(r.tag == 0xfeedfacecafebeefULL);
	/* one byte short of the tag: none */
	assert_int_equal(icmp_parse_reply(AF_INET6, buf, (size_t)n - 1,
	    &from, &r), 0);
	assert_false(r.has_tag);
}

static void
test_build_errors(void **state)
{
	uint8_t buf[64];

	(void)state;
	assert_int_equal(icmp_build_echo(AF_UNIX, 1, 2, 3, 0, 16, buf,
	    sizeof(buf)), -EINVAL);
	assert_int_equal(icmp_build_echo(AF_INET, 1, 2, 3, 0, 11, buf,
	    sizeof(buf)), -EINVAL);
	assert_int_equal(icmp_build_echo(AF_INET, 1, 2, 3, 0,
	    ICMP_PAYLOAD_MAX + 1, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(icmp_build_echo(AF_INET, 1, 2, 3, 0, 16, buf, 23),
	    -ENOSPC);
}

/* Edits made to a good IPv4 reply (IP header + ICMP). */
enum mut {
	MUT_NONE,
	MUT_TRUNCATE,		/* cut to arg bytes */
	MUT_TYPE,		/* ICMP type = arg, checksum fixed */
	MUT_BAD_ICMP_CSUM,
	MUT_BAD_IP_CSUM,
	MUT_PROTO,		/* protocol = arg, checksums fixed */
	MUT_IHL,		/* ihl = arg, ip checksum fixed */
	MUT_TOTLEN,		/* total length = arg, ip checksum fixed */
	MUT_FRAG,		/* MF set */
	MUT_VERSION,
	MUT_MAGIC,		/* foreign payload, checksum fixed */
	MUT_OPTIONS,		/* 4 bytes of IP options (NOPs) */
	MUT_TRAILER,		/* arg bytes of garbage after tot_len */
};

struct v4_case {
	const char *name;
	enum mut mut;
	unsigned int arg;
	int want;
	bool magic_ok;
};

static const struct v4_case v4_cases[] = {
	{ "v4: good reply", MUT_NONE, 0, 0, true },
	{ "v4: with IP options", MUT_OPTIONS, 0, 0, true },
	{ "v4: trailing bytes beyond total length", MUT_TRAILER, 5, 0, true },
	{ "v4: foreign payload", MUT_MAGIC, 0, 0, false },
	{ "v4: empty", MUT_TRUNCATE, 0, -EBADMSG, false },
	{ "v4: truncated IP header", MUT_TRUNCATE, 19, -EBADMSG, false },
	{ "v4: truncated ICMP header", MUT_TRUNCATE, 27, -EBADMSG, false },
	{ "v4: truncated payload", MUT_TRUNCATE, 40, -EBADMSG, false },
	{ "v4: echo request", MUT_TYPE, 8, -ENOMSG, false },
	{ "v4: destination unreachable", MUT_TYPE, 3, -ENOMSG, false },
	{ "v4: bad ICMP checksum", MUT_BAD_ICMP_CSUM, 0, -EBADMSG, false },
	{ "v4: bad IP checksum", MUT_BAD_IP_CSUM, 0, -EBADMSG, false },
	{ "v4: not ICMP", MUT_PROTO, 17, -ENOMSG, false },
	{ "v4: ihl 4", MUT_IHL, 4, -EBADMSG, false },
	{ "v4: ihl beyond buffer", MUT_IHL, 15, -EBADMSG, false },
	{ "v4: total length beyond buffer", MUT_TOTLEN, 200, -EBADMSG, false },
	{ "v4: total length below ICMP header", MUT_TOTLEN, 24, -EBADMSG,
	    false },
	{ "v4: fragment", MUT_FRAG, 0, -EBADMSG, false },
	{ "v4: version 6", MUT_VERSION, 0, -EBADMSG, false },
};

static void
fix_ip_csum(uint8_t *p)
{
	uint16_t ck;

	p[10] = p[11] = 0;
	ck = icmp_checksum(p, (size_t)(p[0] & 0xf) * 4);
	p[10] = ck >> 8;
	p[11] = ck & 0xff;
}

static void
fix_icmp_csum(uint8_t *p, size_t len)
{
	uint16_t ck;

	p[2] = p[3] = 0;
	ck = icmp_checksum(p, len);
	p[2] = ck >> 8;
	p[3] = ck & 0xff;
}

/* A reply from 198.18.0.1 to 198.19.0.2, ihl 5 (+ opt bytes): length. */
static size_t
make_v4(uint8_t *p, size_t opt)
{
	size_t hl = 20 + opt, icmp_len;
	ssize_t n;

	memset(p, 0, 128);
	n = icmp_build_echo(AF_INET, 0xbeef, 42, 123456789, 0, 16, p + hl,
	    128 - hl);
	assert_int_equal(n, 24);
	icmp_len = (size_t)n;
	p[hl] = 0;			/* echo reply */
	fix_icmp_csum(p + hl, icmp_len);
	p[0] = 0x40 | (uint8_t)(hl / 4);
	p[2] = (hl + icmp_len) >> 8;
	p[3] = (hl + icmp_len) & 0xff;
	p[6] = 0x40;			/* DF */
	p[8] = 64;
	p[9] = 1;
	memcpy(p + 12, (uint8_t[]){ 198, 18, 0, 1 }, 4);
	memcpy(p + 16, (uint8_t[]){ 198, 19, 0, 2 }, 4);
	memset(p + 20, 1, opt);		/* NOP options */
	fix_ip_csum(p);
	return hl + icmp_len;
}

static void
test_v4(void **state)
{
	const struct v4_case *c = *state;
	uint8_t p[128];
	size_t len = make_v4(p, c->mut == MUT_OPTIONS ? 4 : 0);
	struct icmp_reply r;
	struct addr want;
	int rc;

	switch (c->mut) {
	case MUT_NONE:
	case MUT_OPTIONS:
		break;
	case MUT_TRUNCATE:
		len = c->arg;
		break;
	case MUT_TYPE:
		p[20] = (uint8_t)c->arg;
		fix_icmp_csum(p + 20, len - 20);
		break;
	case MUT_BAD_ICMP_CSUM:
		p[23] ^= 0x40;
		break;
	case MUT_BAD_IP_CSUM:
		p[8] = 63;
		break;
	case MUT_PROTO:
		p[9] = (uint8_t)c->arg;
		fix_ip_csum(p);
		break;
	case MUT_IHL:
		p[0] = 0x40 | (uint8_t)c->arg;
		break;
	case MUT_TOTLEN:
		p[2] = c->arg >> 8;
		p[3] = c->arg & 0xff;
		fix_ip_csum(p);
		break;
	case MUT_FRAG:
		p[6] = 0x20;
		fix_ip_csum(p);
		break;
	case MUT_VERSION:
		p[0] = 0x65;
		break;
	case MUT_MAGIC:
		p[28] ^= 0xff;
		fix_icmp_csum(p + 20, len - 20);
		break;
	case MUT_TRAILER:
		memset(p + len, 0xa5, c->arg);
		len += c->arg;
		break;
	}
	rc = icmp_parse_reply(AF_INET, p, len, NULL, &r);
	assert_int_equal(rc, c->want);
	if (rc < 0)
		return;
	want = A("198.18.0.1");
	assert_true(addr_eq(&r.src, &want));
	assert_int_equal(r.id, 0xbeef);
	assert_int_equal(r.seq, 42);
	assert_int_equal(r.magic_ok, c->magic_ok);
	if (r.magic_ok)
		assert_int_equal(r.sent_us, 123456789);
}

struct v6_case {
	const char *name;
	size_t len;		/* of the 24-byte reply given */
	uint8_t type;
	int want;
	bool magic_ok;
};

static const struct v6_case v6_cases[] = {
	{ "v6: good reply", 24, 129, 0, true },
	{ "v6: short payload, no magic", 12, 129, 0, false },
	{ "v6: header only", 8, 129, 0, false },
	{ "v6: truncated header", 7, 129, -EBADMSG, false },
	{ "v6: empty", 0, 129, -EBADMSG, false },
	{ "v6: echo request", 24, 128, -ENOMSG, false },
	{ "v6: destination unreachable", 24, 1, -ENOMSG, false },
};

static void
test_v6(void **state)
{
	const struct v6_case *c = *state;
	uint8_t p[64];
	struct icmp_reply r;
	struct addr from;

	assert_int_equal(icmp_build_echo(AF_INET6, 7, 9, 99, 0, 16, p,
	    sizeof(p)), 24);
	p[0] = c->type;
	from = A("2001:db8::1");
	assert_int_equal(icmp_parse_reply(AF_INET6, p, c->len, &from, &r),
	    c->want);
	if (c->want < 0)
		return;
	assert_true(addr_eq(&r.src, &from));
	assert_int_equal(r.id, 7);
	assert_int_equal(r.seq, 9);
	assert_int_equal(r.magic_ok, c->magic_ok);
	if (r.magic_ok)
		assert_int_equal(r.sent_us, 99);
}

static void
test_parse_args(void **state)
{
	uint8_t p[64] = { 129 };
	struct icmp_reply r;
	struct addr v4;

	(void)state;
	v4 = A("198.18.0.1");
	assert_int_equal(icmp_parse_reply(AF_INET6, p, 24, NULL, &r),
	    -EINVAL);
	assert_int_equal(icmp_parse_reply(AF_INET6, p, 24, &v4, &r),
	    -EINVAL);
	assert_int_equal(icmp_parse_reply(AF_UNIX, p, 24, NULL, &r),
	    -EINVAL);
}

int
main(void)
{
	struct CMUnitTest t[64];
	size_t n = 0;

	t[n++] = (struct CMUnitTest)cmocka_unit_test(test_build_v4);
	t[n++] = (struct CMUnitTest)cmocka_unit_test(test_build_v6);
	t[n++] = (struct CMUnitTest)cmocka_unit_test(test_build_errors);
	t[n++] = (struct CMUnitTest)cmocka_unit_test(test_tag_round_trip);
	t[n++] = (struct CMUnitTest)cmocka_unit_test(test_parse_args);
	TABLE(t, n, v4_cases, test_v4);
	TABLE(t, n, v6_cases, test_v6);
	return _cmocka_run_group_tests("icmp", t, n, NULL, NULL);
}
