/* SPDX-License-Identifier: ISC */
/*
 * kobj: struct kstate add/replace/delete semantics (what "the same object"
 * means for each kind) and the identity and equality functions reconcile
 * relies on.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>
#include <linux/rtnetlink.h>

#include "kobj.h"
#include "testaddr.h"

static struct kroute
route(uint32_t table, const char *dst, int oif, uint32_t prio)
{
	struct kroute r;

	memset(&r, 0, sizeof(r));
	r.family = AF_INET;
	r.table = table;
	r.dst = P(dst);
	r.oif = oif;
	r.priority = prio;
	r.protocol = 250;
	r.type = RTN_UNICAST;
	return r;
}

static void
test_links(void **state)
{
	struct kstate s;
	struct klink l;
	struct kaddr a;
	struct kroute r;
	struct knh n;

	kobj_init(&s);
	memset(&l, 0, sizeof(l));
	l.ifindex = 3;
	strcpy(l.ifname, "eth0");
	assert_int_equal(kobj_add_link(&s, &l), 0);
	/* a rename replaces by ifindex */
	strcpy(l.ifname, "wan0");
	l.carrier = true;
	assert_int_equal(kobj_add_link(&s, &l), 0);
	assert_int_equal(s.nlinks, 1);
	assert_null(kobj_link_by_name(&s, "eth0"));
	assert_non_null(kobj_link_by_name(&s, "wan0"));
	assert_true(kobj_link_by_index(&s, 3)->carrier);
	assert_null(kobj_link_by_index(&s, 4));

	l.ifindex = 4;
	strcpy(l.ifname, "lan0");
	assert_int_equal(kobj_add_link(&s, &l), 0);
	/* objects of link 3 and of link 4 */
	memset(&a, 0, sizeof(a));
	a.ifindex = 3;
	a.local = P("198.18.1.2/24");
	assert_int_equal(kobj_add_addr(&s, &a), 0);
	a.ifindex = 4;
	a.local = P("100.64.0.1/24");
	assert_int_equal(kobj_add_addr(&s, &a), 0);
	r = route(1001, "0.0.0.0/0", 3, 0);
	assert_int_equal(kobj_add_route(&s, &r), 0);
	r = route(1002, "0.0.0.0/0", 4, 0);
	assert_int_equal(kobj_add_route(&s, &r), 0);
	memset(&n, 0, sizeof(n));
	n.id = 101;
	n.oif = 3;
	assert_int_equal(kobj_add_nh(&s, &n), 0);
	n.id = 102;
	n.oif = 4;
	assert_int_equal(kobj_add_nh(&s, &n), 0);

	/* deleting link 3 takes its addresses, routes and nexthops */
	kobj_del_link(&s, 3);
	assert_int_equal(s.nlinks, 1);
	assert_int_equal(s.links[0].ifindex, 4);
	assert_int_equal(s.naddrs, 1);
	assert_int_equal(s.addrs[0].ifindex, 4);
	assert_int_equal(s.nroutes, 1);
	assert_int_equal(s.routes[0].oif, 4);
	assert_int_equal(s.nnhs, 1);
	assert_int_equal(s.nhs[0].id, 102);
	kobj_clear(&s);
	assert_int_equal(s.nlinks + s.naddrs + s.nroutes + s.nnhs, 0);
	/* still usable */
	assert_int_equal(kobj_add_link(&s, &l), 0);
	kobj_clear(&s);
}

static void
test_addrs(void **state)
{
	struct kstate s;
	struct kaddr a, b;

	kobj_init(&s);
	memset(&a, 0, sizeof(a));
	a.ifindex = 3;
	a.local = P("198.18.1.2/24");
	a.flags = 0;
	assert_int_equal(kobj_add_addr(&s, &a), 0);
	b = a;
	b.flags = 0x80;			/* same address, new flags */
	assert_int_equal(kobj_add_addr(&s, &b), 0);
	assert_int_equal(s.naddrs, 1);
	assert_int_equal(s.addrs[0].flags, 0x80);
	b.local = P("198.18.1.2/25");	/* another prefix length: another */
	assert_int_equal(kobj_add_addr(&s, &b), 0);
	b.local = P("198.18.1.2/24");
	b.ifindex = 4;			/* same address on another link */
	assert_int_equal(kobj_add_addr(&s, &b), 0);
	assert_int_equal(s.naddrs, 3);
	kobj_del_addr(&s, &a);
	assert_int_equal(s.naddrs, 2);
	kobj_del_addr(&s, &a);	/* absent: nothing */
	assert_int_equal(s.naddrs, 2);
	kobj_clear(&s);
}

static void
test_route_same_eq(void **state)
{
	struct {
		const char *name;
		struct kroute a, b;
		bool same, eq;
	} cases[10];
	unsigned int i, n = 0;

	cases[n].name = "identical";
	cases[n].a = cases[n].b = route(1001, "0.0.0.0/0", 3, 0);
	cases[n].same = cases[n].eq = true;
	n++;
	cases[n].name = "other gateway: same, not eq";
	cases[n].a = cases[n].b = route(1001, "0.0.0.0/0", 3, 0);
	cases[n].b.gateway = A("198.18.1.1");
	cases[n].same = true;
	cases[n++].eq = false;
	cases[n].name = "other nhid: same, not eq";
	cases[n].a = cases[n].b = route(1001, "0.0.0.0/0", 0, 0);
	cases[n].b.nhid = 7;
	cases[n].same = true;
	cases[n++].eq = false;
	cases[n].name = "other protocol: same, not eq";
	cases[n].a = cases[n].b = route(1001, "0.0.0.0/0", 3, 0);
	cases[n].b.protocol = RTPROT_BOOT;
	cases[n].same = true;
	cases[n++].eq = false;
	cases[n].name = "own table, other oif: same, not eq";
	cases[n].a = cases[n].b = route(1001, "0.0.0.0/0", 3, 0);
	cases[n].b.oif = 4;
	cases[n].same = true;
	cases[n++].eq = false;
	cases[n].name = "main, other oif: two DHCP defaults";
	cases[n].a = cases[n].b = route(RT_TABLE_MAIN, "0.0.0.0/0", 3, 100);
	cases[n].b.oif = 4;
	cases[n].same = cases[n].eq = false;
	n++;
	cases[n].name = "other metric";
	cases[n].a = cases[n].b = route(1001, "0.0.0.0/0", 3, 0);
	cases[n].b.priority = 1;
	cases[n].same = cases[n].eq = false;
	n++;
	cases[n].name = "other table";
	cases[n].a = route(1001, "0.0.0.0/0", 3, 0);
	cases[n].b = route(1002, "0.0.0.0/0", 3, 0);
	cases[n].same = cases[n].eq = false;
	n++;
	cases[n].name = "other prefix length";
	cases[n].a = route(1001, "198.18.0.0/15", 3, 0);
	cases[n].b = route(1001, "198.18.0.0/16", 3, 0);
	cases[n].same = cases[n].eq = false;
	n++;
	cases[n].name = "other family";
	cases[n].a = route(1001, "0.0.0.0/0", 3, 0);
	cases[n].b = cases[n].a;
	cases[n].b.family = AF_INET6;
	cases[n].b.dst = P("::/0");
	cases[n].same = cases[n].eq = false;
	n++;

	for (i = 0; i < n; i++) {
		print_message("route: %s\n", cases[i].name);
		assert_int_equal(kobj_route_same(&cases[i].a, &cases[i].b),
		    cases[i].same);
		assert_int_equal(kobj_route_same(&cases[i].b, &cases[i].a),
		    cases[i].same);
		assert_int_equal(kobj_route_eq(&cases[i].a, &cases[i].b),
		    cases[i].eq);
	}
}

static void
test_routes(void **state)
{
	struct kstate s;
	struct kroute r;
	char dst[32];
	unsigned int i;

	kobj_init(&s);
	/* many: the array grows and keeps everything, in order */
	for (i = 0; i < 300; i++) {
		snprintf(dst, sizeof(dst), "100.64.%u.%u/32", i / 256, i % 256);
		r = route(1001, dst, 3, 0);
		assert_int_equal(kobj_add_route(&s, &r), 0);
	}
	assert_int_equal(s.nroutes, 300);
	for (i = 0; i < 300; i++) {
		snprintf(dst, sizeof(dst), "100.64.%u.%u/32", i / 256, i % 256);
		r = route(1001, dst, 3, 0);
		assert_true(kobj_route_eq(&s.routes[i], &r));
	}
	/* replace keeps the count and takes the new attributes */
	r = route(1001, "100.64.0.7/32", 3, 0);
	r.gateway = A("198.18.1.1");
	assert_int_equal(kobj_add_route(&s, &r), 0);
	assert_int_equal(s.nroutes, 300);
	assert_true(kobj_route_eq(&s.routes[7], &r));
	/* delete by identity, order of the rest kept */
	r = route(1001, "100.64.0.7/32", 3, 0);
	kobj_del_route(&s, &r);
	assert_int_equal(s.nroutes, 299);
	r = route(1001, "100.64.0.8/32", 3, 0);
	assert_true(kobj_route_eq(&s.routes[7], &r));
	kobj_clear(&s);
}

static struct krule
rule(uint32_t prio, uint32_t table)
{
	struct krule r;

	memset(&r, 0, sizeof(r));
	r.family = AF_INET;
	r.priority = prio;
	r.table = table;
	r.suppress_prefixlen = -1;
	r.protocol = 250;
	return r;
}

static void
test_rules(void **state)
{
	struct kstate s;
	struct krule a = rule(1001, 1001), b;

	kobj_init(&s);
	assert_int_equal(kobj_add_rule(&s, &a), 0);
	assert_int_equal(kobj_add_rule(&s, &a), 0);
	assert_int_equal(s.nrules, 1);	/* identical: one rule */
	/* rules differing in anything are distinct (the kernel keeps both) */
	b = a;
	b.fwmark = 0x10000;
	b.fwmask = 0xff0000;
	assert_false(kobj_rule_eq(&a, &b));
	assert_int_equal(kobj_add_rule(&s, &b), 0);
	b = a;
	b.src = P("198.18.1.2/32");
	assert_false(kobj_rule_eq(&a, &b));
	b = a;
	b.suppress_prefixlen = 0;
	assert_false(kobj_rule_eq(&a, &b));
	b = a;
	strcpy(b.iifname, "lan0");
	assert_false(kobj_rule_eq(&a, &b));
	b = a;
	b.dport_lo = b.dport_hi = 443;
	assert_false(kobj_rule_eq(&a, &b));
	b = a;
	b.action = KRULE_UNREACHABLE;
	assert_false(kobj_rule_eq(&a, &b));
	b = a;
	b.protocol = 0;
	assert_false(kobj_rule_eq(&a, &b));
	b = a;
	b.family = AF_INET6;
	assert_false(kobj_rule_eq(&a, &b));
	assert_int_equal(s.nrules, 2);
	kobj_del_rule(&s, &a);
	assert_int_equal(s.nrules, 1);
	assert_int_equal(s.rules[0].fwmark, 0x10000);
	kobj_clear(&s);
}

static void
test_nhs(void **state)
{
	struct kstate s;
	static struct knh a, b, g, h;

	kobj_init(&s);
	memset(&a, 0, sizeof(a));
	a.id = 101;
	a.family = AF_INET;
	a.gateway = A("198.18.1.1");
	a.oif = 3;
	a.protocol = 250;
	b = a;
	assert_true(kobj_nh_eq(&a, &b));
	b.gateway = A("198.18.1.3");
	assert_false(kobj_nh_eq(&a, &b));
	b = a;
	b.onlink = true;
	assert_false(kobj_nh_eq(&a, &b));
	b = a;
	b.oif = 4;
	assert_false(kobj_nh_eq(&a, &b));

	memset(&g, 0, sizeof(g));
	g.id = 200;
	g.protocol = 250;
	g.is_group = true;
	g.resilient = true;
	g.buckets = 128;
	g.idle_timer_s = 60;
	g.nmembers = 2;
	g.members[0] = (struct knh_member){ 101, 1 };
	g.members[1] = (struct knh_member){ 102, 3 };
	h = g;
	assert_true(kobj_nh_eq(&g, &h));
	h.members[1].weight = 2;
	assert_false(kobj_nh_eq(&g, &h));
	h = g;
	h.nmembers = 1;
	assert_false(kobj_nh_eq(&g, &h));
	h = g;
	h.buckets = 256;
	assert_false(kobj_nh_eq(&g, &h));
	h = g;
	h.resilient = false;
	assert_false(kobj_nh_eq(&g, &h));
	h = g;
	h.is_group = false;
	assert_false(kobj_nh_eq(&g, &h));

	/* by id: add replaces */
	assert_int_equal(kobj_add_nh(&s, &a), 0);
	assert_int_equal(kobj_add_nh(&s, &g), 0);
	b = a;
	b.gateway = A("198.18.1.9");
	assert_int_equal(kobj_add_nh(&s, &b), 0);
	assert_int_equal(s.nnhs, 2);
	assert_true(kobj_nh_eq(&s.nhs[0], &b));
	kobj_del_nh(&s, 101);
	assert_int_equal(s.nnhs, 1);
	assert_int_equal(s.nhs[0].id, 200);
	kobj_del_nh(&s, 101);
	assert_int_equal(s.nnhs, 1);
	kobj_clear(&s);
}

/* Deleting a nexthop as the kernel does: out of its group, the group
 * gone once empty, and every route through either gone with it. */
static void
test_drop_nh(void **state)
{
	struct kstate s;
	struct knh a = { 0 }, b = { 0 }, g = { 0 };
	struct kroute r = { 0 };

	kobj_init(&s);
	a.id = 1;
	b.id = 2;
	g.id = 10;
	g.is_group = true;
	g.members[0].id = 1;
	g.members[1].id = 2;
	g.nmembers = 2;
	assert_int_equal(kobj_add_nh(&s, &a), 0);
	assert_int_equal(kobj_add_nh(&s, &b), 0);
	assert_int_equal(kobj_add_nh(&s, &g), 0);
	r.family = AF_INET;
	r.table = 1000;
	r.dst.addr.family = AF_INET;
	r.nhid = 10;
	assert_int_equal(kobj_add_route(&s, &r), 0);

	kobj_drop_nh(&s, 1);
	assert_null(kobj_find_nh(&s, 1));
	assert_int_equal(kobj_find_nh(&s, 10)->nmembers, 1);
	assert_non_null(kobj_find_route(&s, &r));

	kobj_drop_nh(&s, 2);
	assert_null(kobj_find_nh(&s, 10));
	assert_null(kobj_find_route(&s, &r));
	assert_int_equal(s.nnhs, 0);
	assert_int_equal(s.nroutes, 0);
	kobj_clear(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_links),
		cmocka_unit_test(test_addrs),
		cmocka_unit_test(test_route_same_eq),
		cmocka_unit_test(test_routes),
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_nhs),
		cmocka_unit_test(test_drop_nh),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
