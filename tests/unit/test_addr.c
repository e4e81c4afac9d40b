/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of addr.c: parsing addresses and prefixes (IPv4, IPv6, the
 * malformed and the out-of-range), printing them back, comparison and
 * equality, prefix containment and masking at and off byte boundaries,
 * addresses from raw bytes and the IPv6 link-local test. One named test
 * per parse case; the other tables are walked by one test each, naming the
 * row that fails.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "addr.h"
#include "testutil.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* An input to addr_parse or prefix_parse and what must come of it. */
struct pcase {
	const char *name;
	const char *in;
	int ret;		/* 0 or -EINVAL */
	int family;		/* on success */
	unsigned int len;	/* prefix length, on success (prefix cases) */
	const char *out;	/* addr_str or prefix_str, on success */
};

static const struct pcase addr_cases[] = {
	{ "v4", "198.18.0.1", 0, AF_INET, 0, "198.18.0.1" },
	{ "v4 zero", "0.0.0.0", 0, AF_INET, 0, "0.0.0.0" },
	{ "v4 broadcast", "255.255.255.255", 0, AF_INET, 0, "255.255.255.255" },
	{ "v6", "2001:db8::1", 0, AF_INET6, 0, "2001:db8::1" },
	{ "v6 long form", "2001:0db8:0000:0000:0000:0000:0000:0001", 0,
	    AF_INET6, 0, "2001:db8::1" },
	{ "v6 unspecified", "::", 0, AF_INET6, 0, "::" },
	{ "v6 mapped v4", "::ffff:198.18.0.1", 0, AF_INET6, 0,
	    "::ffff:198.18.0.1" },
	{ "v6 link-local", "fe80::1", 0, AF_INET6, 0, "fe80::1" },
	{ "empty", "", -EINVAL, 0, 0, NULL },
	{ "v4 three parts", "198.18.0", -EINVAL, 0, 0, NULL },
	{ "v4 octet 256", "198.18.0.256", -EINVAL, 0, 0, NULL },
	{ "v4 leading space", " 198.18.0.1", -EINVAL, 0, 0, NULL },
	{ "v4 trailing dot", "198.18.0.1.", -EINVAL, 0, 0, NULL },
	{ "v4 with length", "198.18.0.1/32", -EINVAL, 0, 0, NULL },
	{ "v6 two gaps", "2001:db8::1::2", -EINVAL, 0, 0, NULL },
	{ "v6 triple colon", "2001:db8:::1", -EINVAL, 0, 0, NULL },
	{ "v6 zone", "fe80::1%eth0", -EINVAL, 0, 0, NULL },
	{ "v6 nine groups", "1:2:3:4:5:6:7:8:9", -EINVAL, 0, 0, NULL },
	{ "hostname", "localhost", -EINVAL, 0, 0, NULL },
};

static const struct pcase prefix_cases[] = {
	{ "v4 /15", "198.18.0.0/15", 0, AF_INET, 15, "198.18.0.0/15" },
	{ "v4 host bits kept", "198.18.1.2/24", 0, AF_INET, 24,
	    "198.18.1.2/24" },
	{ "v4 bare is /32", "198.18.0.1", 0, AF_INET, 32, "198.18.0.1/32" },
	{ "v4 /0", "0.0.0.0/0", 0, AF_INET, 0, "0.0.0.0/0" },
	{ "v4 /32", "100.64.0.1/32", 0, AF_INET, 32, "100.64.0.1/32" },
	{ "v6 /32", "2001:db8::/32", 0, AF_INET6, 32, "2001:db8::/32" },
	{ "v6 bare is /128", "2001:db8::1", 0, AF_INET6, 128,
	    "2001:db8::1/128" },
	{ "v6 /128", "2001:db8::1/128", 0, AF_INET6, 128, "2001:db8::1/128" },
	{ "v6 /0", "::/0", 0, AF_INET6, 0, "::/0" },
	{ "v4 /33", "198.18.0.0/33", -EINVAL, 0, 0, NULL },
	{ "v6 /129", "2001:db8::/129", -EINVAL, 0, 0, NULL },
	{ "empty length", "198.18.0.0/", -EINVAL, 0, 0, NULL },
	{ "negative length", "198.18.0.0/-1", -EINVAL, 0, 0, NULL },
	{ "plus length", "198.18.0.0/+8", -EINVAL, 0, 0, NULL },
	{ "length with junk", "198.18.0.0/8x", -EINVAL, 0, 0, NULL },
	{ "length overflow", "198.18.0.0/99999999999999999999999", -EINVAL,
	    0, 0, NULL },
	{ "two slashes", "198.18.0.0/8/8", -EINVAL, 0, 0, NULL },
	{ "no address", "/8", -EINVAL, 0, 0, NULL },
	{ "bad address", "198.18.0.256/24", -EINVAL, 0, 0, NULL },
	{ "empty", "", -EINVAL, 0, 0, NULL },
	{ "too long", "2001:0db8:0000:0000:0000:0000:0000:0001/1280000000000",
	    -EINVAL, 0, 0, NULL },
};

static void
test_addr_parse(void **state)
{
	const struct pcase *pc = *state;
	char buf[ADDR_STRLEN];
	struct addr a;

	memset(&a, 0xa5, sizeof(a));
	assert_int_equal(addr_parse(pc->in, &a), pc->ret);
	if (pc->ret != 0) {
		/* a failed parse leaves the address unset */
		assert_false(addr_is_set(&a));
		assert_string_equal(addr_str(&a, buf), "none");
		return;
	}
	assert_true(addr_is_set(&a));
	assert_int_equal(a.family, pc->family);
	assert_int_equal(addr_len(&a), pc->family == AF_INET ? 4 : 16);
	assert_string_equal(addr_str(&a, buf), pc->out);
}

static void
test_prefix_parse(void **state)
{
	const struct pcase *pc = *state;
	char buf[PREFIX_STRLEN];
	struct prefix p;

	memset(&p, 0xa5, sizeof(p));
	assert_int_equal(prefix_parse(pc->in, &p), pc->ret);
	if (pc->ret != 0)
		return;		/* only the return value is promised */
	assert_int_equal(p.addr.family, pc->family);
	assert_int_equal(p.len, pc->len);
	assert_string_equal(prefix_str(&p, buf), pc->out);
}

/* What prints back parses to the same value. */
static void
test_str_roundtrip(void **state)
{
	char buf[PREFIX_STRLEN];
	unsigned int i;

	for (i = 0; i < NELEM(prefix_cases); i++) {
		struct prefix p, q;

		if (prefix_cases[i].ret != 0)
			continue;
		p = P(prefix_cases[i].in);
		q = P(prefix_str(&p, buf));
		assert_true(prefix_eq(&p, &q));
	}
}

static void
test_unset(void **state)
{
	char abuf[ADDR_STRLEN], pbuf[PREFIX_STRLEN];
	struct addr a = { 0 }, b = { 0 };
	struct prefix p = { { 0 }, 0 };

	assert_false(addr_is_set(&a));
	assert_int_equal(addr_len(&a), 0);
	assert_string_equal(addr_str(&a, abuf), "none");
	assert_string_equal(prefix_str(&p, pbuf), "none/0");
	assert_true(addr_eq(&a, &b));
	assert_false(addr_is_linklocal6(&a));
}

/* addr_cmp: the sign of a - b; families order before bytes. */
static const struct {
	const char *a, *b;
	int sign;
} cmp_cases[] = {
	{ "198.18.0.1", "198.18.0.1", 0 },
	{ "198.18.0.1", "198.18.0.2", -1 },
	{ "198.18.1.0", "198.18.0.255", 1 },
	{ "9.0.0.0", "10.0.0.0", -1 },
	{ "2001:db8::1", "2001:db8::1", 0 },
	{ "2001:db8::1", "2001:db8::2", -1 },
	{ "2001:db9::", "2001:db8:ffff::", 1 },
	{ "255.255.255.255", "::", -1 },	/* AF_INET < AF_INET6 */
	{ "::", "0.0.0.0", 1 },
	{ "::ffff:198.18.0.1", "198.18.0.1", 1 },
};

static int
sign(int x)
{
	return (x > 0) - (x < 0);
}

static void
test_cmp_eq(void **state)
{
	unsigned int i;

	for (i = 0; i < NELEM(cmp_cases); i++) {
		struct addr a = A(cmp_cases[i].a), b = A(cmp_cases[i].b);

		print_message("%s <=> %s\n", cmp_cases[i].a, cmp_cases[i].b);
		assert_int_equal(sign(addr_cmp(&a, &b)), cmp_cases[i].sign);
		assert_int_equal(sign(addr_cmp(&b, &a)), -cmp_cases[i].sign);
		assert_int_equal(addr_eq(&a, &b), cmp_cases[i].sign == 0);
	}
}

static void
test_prefix_eq(void **state)
{
	struct prefix a = P("198.18.0.0/15"), b = P("198.18.0.0/15");
	struct prefix c = P("198.18.0.0/16"), d = P("198.19.0.0/15");
	struct prefix e = P("::ffff:198.18.0.0/15");

	assert_true(prefix_eq(&a, &b));
	assert_false(prefix_eq(&a, &c));	/* length differs */
	assert_false(prefix_eq(&a, &d));	/* address differs */
	assert_false(prefix_eq(&a, &e));	/* family differs */
}

static const struct {
	const char *p, *a;
	bool in;
} contains_cases[] = {
	{ "198.18.0.0/15", "198.18.0.0", true },
	{ "198.18.0.0/15", "198.19.255.255", true },
	{ "198.18.0.0/15", "198.20.0.0", false },
	{ "198.18.0.0/15", "198.17.255.255", false },
	{ "100.64.0.0/10", "100.127.255.255", true },
	{ "100.64.0.0/10", "100.128.0.0", false },
	{ "198.18.1.2/32", "198.18.1.2", true },
	{ "198.18.1.2/32", "198.18.1.3", false },
	{ "198.18.1.7/31", "198.18.1.6", true },
	{ "0.0.0.0/0", "255.255.255.255", true },
	{ "0.0.0.0/0", "::", false },		/* other family */
	{ "198.18.0.0/15", "::ffff:198.18.0.1", false },
	{ "2001:db8::/32", "2001:db8:ffff::1", true },
	{ "2001:db8::/32", "2001:db9::", false },
	{ "2001:db8::/33", "2001:db8:7fff::1", true },
	{ "2001:db8::/33", "2001:db8:8000::", false },
	{ "2001:db8::1/128", "2001:db8::1", true },
	{ "2001:db8::1/128", "2001:db8::2", false },
	{ "::/0", "2001:db8::1", true },
	{ "::/0", "198.18.0.1", false },
};

static void
test_contains(void **state)
{
	unsigned int i;

	for (i = 0; i < NELEM(contains_cases); i++) {
		struct prefix p = P(contains_cases[i].p);
		struct addr a = A(contains_cases[i].a);

		print_message("%s in %s\n", contains_cases[i].a,
		    contains_cases[i].p);
		assert_int_equal(prefix_contains(&p, &a), contains_cases[i].in);
	}
}

static const struct {
	const char *in, *out;
} mask_cases[] = {
	{ "198.18.255.7/15", "198.18.0.0/15" },
	{ "198.19.1.2/16", "198.19.0.0/16" },
	{ "100.64.3.129/25", "100.64.3.128/25" },
	{ "198.18.1.2/32", "198.18.1.2/32" },
	{ "198.18.1.2/0", "0.0.0.0/0" },
	{ "2001:db8:ffff::1/35", "2001:db8:e000::/35" },
	{ "2001:db8:1:2:3:4:5:6/64", "2001:db8:1:2::/64" },
	{ "2001:db8::1/128", "2001:db8::1/128" },
	{ "2001:db8::1/0", "::/0" },
};

static void
test_mask(void **state)
{
	char buf[PREFIX_STRLEN];
	unsigned int i;

	for (i = 0; i < NELEM(mask_cases); i++) {
		struct prefix p = P(mask_cases[i].in);
		struct addr host = p.addr;

		prefix_mask(&p);
		assert_string_equal(prefix_str(&p, buf), mask_cases[i].out);
		/* the masked prefix still holds the address it came from */
		assert_true(prefix_contains(&p, &host));
		prefix_mask(&p);	/* idempotent */
		assert_string_equal(prefix_str(&p, buf), mask_cases[i].out);
	}
}

static void
test_from_bytes(void **state)
{
	static const uint8_t v4[4] = { 198, 18, 0, 1 };
	static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8,
	    [15] = 0x01 };
	struct addr a, want;
	unsigned int i;

	memset(&a, 0xa5, sizeof(a));
	addr_from_bytes(&a, AF_INET, v4);
	want = A("198.18.0.1");
	assert_true(addr_eq(&a, &want));
	for (i = 4; i < sizeof(a.u.b); i++)	/* the rest is cleared */
		assert_int_equal(a.u.b[i], 0);
	addr_from_bytes(&a, AF_INET6, v6);
	want = A("2001:db8::1");
	assert_true(addr_eq(&a, &want));
	assert_memory_equal(&a, &want, sizeof(a));
}

static const struct {
	const char *a;
	bool ll;
} ll_cases[] = {
	{ "fe80::1", true },
	{ "fe80::", true },
	{ "febf:ffff::1", true },
	{ "fec0::1", false },
	{ "fe7f::1", false },
	{ "ff02::1", false },
	{ "2001:db8::1", false },
	{ "::1", false },
	{ "254.128.0.1", false },	/* fe 80 as IPv4 bytes */
};

static void
test_linklocal6(void **state)
{
	unsigned int i;

	for (i = 0; i < NELEM(ll_cases); i++) {
		struct addr a = A(ll_cases[i].a);

		print_message("%s\n", ll_cases[i].a);
		assert_int_equal(addr_is_linklocal6(&a), ll_cases[i].ll);
	}
}

static int
run_parse(const char *group, const struct pcase *cases, size_t n,
    void (*fn)(void **))
{
	struct CMUnitTest t[NELEM(prefix_cases) + NELEM(addr_cases)];
	size_t i;

	for (i = 0; i < n; i++)
		t[i] = (struct CMUnitTest){ cases[i].name, fn, NULL, NULL,
		    (void *)&cases[i] };
	return _cmocka_run_group_tests(group, t, n, NULL, NULL);
}

int
main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_str_roundtrip),
		cmocka_unit_test(test_unset),
		cmocka_unit_test(test_cmp_eq),
		cmocka_unit_test(test_prefix_eq),
		cmocka_unit_test(test_contains),
		cmocka_unit_test(test_mask),
		cmocka_unit_test(test_from_bytes),
		cmocka_unit_test(test_linklocal6),
	};
	int fails;

	fails = run_parse("addr_parse", addr_cases, NELEM(addr_cases),
	    test_addr_parse);
	fails += run_parse("prefix_parse", prefix_cases, NELEM(prefix_cases),
	    test_prefix_parse);
	fails += cmocka_run_group_tests_name("addr", tests, NULL, NULL);
	return fails;
}
