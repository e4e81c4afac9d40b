/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of plan_build and plan_print_ip: for configs of 1, 2, 3 and 16
 * links (weights, tiers, a gateway-less point-to-point link, a learned
 * gateway) and observed kernel states built by hand, the planned objects
 * and their `ip` rendering, compared with golden files in tests/plan/.
 * UPDATE_GOLDEN=1 rewrites the golden files.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "conf.h"
#include "plan.h"

/* A host with interfaces wan1..wanN (ifindex 10+K), each with address
 * 198.18.K.2/24 and, when dhcp, a default route via 198.18.K.1 in main. */
static void
host(struct kstate *s, unsigned int n, bool dhcp)
{
	unsigned int k;

	kobj_init(s);
	for (k = 1; k <= n; k++) {
		struct klink l = { 0 };
		struct kaddr a = { 0 };
		struct kroute r = { 0 };
		char buf[32];

		l.ifindex = 10 + k;
		snprintf(l.ifname, sizeof(l.ifname), "wan%u", k);
		l.flags = IFF_UP | IFF_RUNNING;
		l.carrier = true;
		assert_int_equal(kobj_add_link(s, &l), 0);
		a.ifindex = l.ifindex;
		snprintf(buf, sizeof(buf), "198.18.%u.2/24", k);
		assert_int_equal(prefix_parse(buf, &a.local), 0);
		assert_int_equal(kobj_add_addr(s, &a), 0);
		if (!dhcp)
			continue;
		r.family = AF_INET;
		r.table = RT_TABLE_MAIN;
		r.dst.addr.family = AF_INET;
		snprintf(buf, sizeof(buf), "198.18.%u.1", k);
		assert_int_equal(addr_parse(buf, &r.gateway), 0);
		r.oif = l.ifindex;
		r.priority = 100 + k;
		r.protocol = RTPROT_DHCP;
		r.type = RTN_UNICAST;
		assert_int_equal(kobj_add_route(s, &r), 0);
	}
}

/* A PPP link: ppp0 (ifindex 30), 198.18.50.7 peer 198.18.50.1, no
 * default route, no L2 address. */
static void
add_ppp(struct kstate *s)
{
	struct klink l = { 0 };
	struct kaddr a = { 0 };

	l.ifindex = 30;
	strcpy(l.ifname, "ppp0");
	l.flags = IFF_UP | IFF_RUNNING | IFF_POINTOPOINT | IFF_NOARP;
	l.carrier = true;
	l.pointopoint = true;
	assert_int_equal(kobj_add_link(s, &l), 0);
	a.ifindex = 30;
	assert_int_equal(prefix_parse("198.18.50.7/32", &a.local), 0);
	assert_int_equal(addr_parse("198.18.50.1", &a.peer), 0);
	assert_int_equal(kobj_add_addr(s, &a), 0);
}

static struct conf *
load(const char *text)
{
	struct conf *c = conf_load_buf("test.conf", text, stderr);

	assert_non_null(c);
	return c;
}

static void
golden(const char *name, const char *got)
{
	char path[256], *want;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/tests/plan/%s.ip", SRCDIR, name);
	if (getenv("UPDATE_GOLDEN")) {
		f = fopen(path, "w");
		assert_non_null(f);
		fputs(got, f);
		fclose(f);
		return;
	}
	f = fopen(path, "r");
	if (!f)
		fail_msg("missing golden file %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	want = calloc(1, n + 1);
	assert_int_equal(fread(want, 1, n, f), (size_t)n);
	fclose(f);
	if (strcmp(want, got) != 0)
		fail_msg("%s differs from the plan:\n%s", path, got);
	free(want);
}

static char *
render(const struct plan *p, const struct conf *c, const struct kstate *obs)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	plan_print_ip(p, c, obs, f);
	fclose(f);
	return buf;
}

static const struct knh *
group(const struct plan *p)
{
	unsigned int i;

	for (i = 0; i < p->k.nnhs; i++)
		if (p->k.nhs[i].is_group)
			return &p->k.nhs[i];
	return NULL;
}

struct golden_case {
	const char *name;
	unsigned int nlinks;	/* wan interfaces in the host */
	bool dhcp;		/* gateways learned from main's defaults */
	bool ppp;
	const char *conf;
	unsigned int group_members;
};

static const struct golden_case golden_cases[] = {
	{ "one-link", 1, true, false,
	    "link isp1 { interface = wan1 }\n", 1 },
	{ "article-two-isps", 2, false, false,
	    "link isp1 { interface = wan1\n gateway = 198.18.1.1 }\n"
	    "link isp2 { interface = wan2\n gateway = 198.18.2.1 }\n", 2 },
	{ "three-weighted", 3, true, false,
	    "link a { interface = wan1\n weight = 2 }\n"
	    "link b { interface = wan2 }\n"
	    "link c { interface = wan3 }\n", 3 },
	{ "ppp-and-dhcp", 1, true, true,
	    "link dsl { interface = ppp0 }\n"
	    "link cable { interface = wan1\n weight = 3 }\n", 2 },
	{ "sixteen-links", 16, true, false,
	    "link l1 { interface = wan1 }\nlink l2 { interface = wan2 }\n"
	    "link l3 { interface = wan3 }\nlink l4 { interface = wan4 }\n"
	    "link l5 { interface = wan5 }\nlink l6 { interface = wan6 }\n"
	    "link l7 { interface = wan7 }\nlink l8 { interface = wan8 }\n"
	    "link l9 { interface = wan9 }\nlink l10 { interface = wan10 }\n"
	    "link l11 { interface = wan11 }\nlink l12 { interface = wan12 }\n"
	    "link l13 { interface = wan13 }\nlink l14 { interface = wan14 }\n"
	    "link l15 { interface = wan15 }\n"
	    "link l16 { interface = wan16\n weight = 255 }\n", 16 },
	{ "custom-bases", 2, true, false,
	    "table-base = 3000\nrule-priority-base = 500\n"
	    "nexthop-id-base = 77000\nfwmark-mask = 0xff\n"
	    "route-protocol = 99\nmanage-sysctl = false\n"
	    "link isp1 { interface = wan1 }\nlink isp2 { interface = wan2 }\n",
	    2 },
};

static void
test_golden(void **state)
{
	const struct golden_case *gc = *state;
	struct kstate obs;
	struct plan_input in = { 0 };
	struct plan p;
	struct conf *c;
	char *text;

	host(&obs, gc->nlinks, gc->dhcp);
	if (gc->ppp)
		add_ppp(&obs);
	c = load(gc->conf);
	in.conf = c;
	in.obs = &obs;
	assert_int_equal(plan_build(&in, &p), 0);
	assert_non_null(group(&p));
	assert_int_equal(group(&p)->nmembers, gc->group_members);
	text = render(&p, c, &obs);
	golden(gc->name, text);

	/* pure: the same inputs give the same plan */
	{
		struct plan p2;
		char *text2;

		assert_int_equal(plan_build(&in, &p2), 0);
		text2 = render(&p2, c, &obs);
		assert_string_equal(text, text2);
		free(text2);
		plan_free(&p2);
	}
	free(text);
	plan_free(&p);
	conf_free(c);
	kobj_clear(&obs);
}

/* Which links are in the group for given health: tiers, degraded,
 * drained, fail-open. */
struct active_case {
	const char *name;
	const char *conf;
	enum health_state h[3];
	bool drained[3];
	bool carrier[3];
	bool want[3];
	bool failopen;
};

#define U HEALTH_UP
#define D HEALTH_DOWN
#define G HEALTH_DEGRADED
#define K HEALTH_UNKNOWN
#define T true
#define F false

static const char three[] =
    "link a { interface = wan1 }\nlink b { interface = wan2 }\n"
    "link c { interface = wan3 }\n";
static const char tiered[] =
    "link a { interface = wan1 }\nlink b { interface = wan2 }\n"
    "link c { interface = wan3\n tier = 2 }\n";

static const struct active_case active_cases[] = {
	{ "all up", three, { U, U, U }, { F, F, F }, { T, T, T },
	    { T, T, T }, F },
	{ "one down", three, { U, D, U }, { F, F, F }, { T, T, T },
	    { T, F, T }, F },
	{ "degraded avoided while one is up", three, { U, G, G },
	    { F, F, F }, { T, T, T }, { T, F, F }, F },
	{ "degraded used when none is up", three, { G, D, G },
	    { F, F, F }, { T, T, T }, { T, F, T }, F },
	{ "all down: fail open on carrier", three, { D, D, D },
	    { F, F, F }, { T, F, T }, { T, F, T }, T },
	{ "unknown at start: fail open", three, { K, K, K },
	    { F, F, F }, { T, T, T }, { T, T, T }, T },
	{ "one up, others unknown", three, { K, U, K },
	    { F, F, F }, { T, T, T }, { F, T, F }, F },
	{ "drained leaves", three, { U, U, U }, { F, T, F },
	    { T, T, T }, { T, F, T }, F },
	{ "tier 2 unused while tier 1 up", tiered, { U, D, U },
	    { F, F, F }, { T, T, T }, { T, F, F }, F },
	{ "tier 2 used when tier 1 down", tiered, { D, D, U },
	    { F, F, F }, { T, T, T }, { F, F, T }, F },
	{ "tier 2 up beats tier 1 degraded", tiered, { G, D, U },
	    { F, F, F }, { T, T, T }, { F, F, T }, F },
	{ "no carrier: not even fail open", three, { D, D, D },
	    { F, F, F }, { F, F, F }, { F, F, F }, F },
};

static void
test_active(void **state)
{
	const struct active_case *ac = *state;
	struct plan_link_in li[3];
	struct plan_input in = { 0 };
	struct kstate obs;
	struct plan p;
	struct conf *c;
	unsigned int i, want_members = 0;

	host(&obs, 3, true);
	for (i = 0; i < 3; i++) {
		obs.links[i].carrier = ac->carrier[i];
		li[i].health4 = ac->h[i];
		li[i].health6 = HEALTH_UNKNOWN;
		li[i].drained = ac->drained[i];
		want_members += ac->want[i];
	}
	c = load(ac->conf);
	in.conf = c;
	in.obs = &obs;
	in.links = li;
	assert_int_equal(plan_build(&in, &p), 0);
	for (i = 0; i < 3; i++)
		if (p.links[i].v4.active != ac->want[i])
			fail_msg("%s: link %u active %d, want %d", ac->name, i,
			    p.links[i].v4.active, ac->want[i]);
	assert_int_equal(p.failopen4, ac->failopen);
	if (want_members)
		assert_int_equal(group(&p)->nmembers, want_members);
	else
		assert_null(group(&p));
	/* every link keeps its table and rules, active or not: existing
	 * connections and inbound replies still need them */
	for (i = 0; i < 3; i++) {
		unsigned int j, routes = 0;

		for (j = 0; j < p.k.nroutes; j++)
			if (p.k.routes[j].table == p.links[i].table)
				routes++;
		assert_int_equal(routes, 2);
		/* the kernel refuses nexthops on a device without carrier */
		for (j = 0; j < p.k.nnhs; j++)
			if (!p.k.nhs[j].is_group &&
			    p.k.nhs[j].oif == p.links[i].ifindex)
				assert_true(ac->carrier[i]);
	}
	plan_free(&p);
	conf_free(c);
	kobj_clear(&obs);
}

/* mptcp = on (issue 17): one subflow endpoint per link that is up, not
 * drained and has carrier; backup below the best tier; none with off. */
struct mptcp_case {
	const char *name;
	const char *conf;
	enum health_state h[3];
	bool drained[3];
	bool carrier[3];
	uint32_t want[3];	/* flags; 0: no endpoint */
};

#define SF MPATH_F_SUBFLOW
#define BK (MPATH_F_SUBFLOW | MPATH_F_BACKUP)
static const char three_mp[] =
    "mptcp = on\nlink a { interface = wan1 }\nlink b { interface = wan2 }\n"
    "link c { interface = wan3 }\n";
static const char tiered_mp[] =
    "mptcp = on\nlink a { interface = wan1 }\nlink b { interface = wan2 }\n"
    "link c { interface = wan3\n tier = 2 }\n";
static const struct mptcp_case mptcp_cases[] = {
	{ "mptcp: all up", three_mp, { U, U, U }, { F, F, F }, { T, T, T },
	  { SF, SF, SF } },
	{ "mptcp: off: none", three, { U, U, U }, { F, F, F }, { T, T, T },
	  { 0, 0, 0 } },
	{ "mptcp: down, drained, no carrier: none", three_mp, { U, D, U },
	  { F, F, T }, { T, T, T }, { SF, 0, 0 } },
	{ "mptcp: carrier lost", three_mp, { U, U, U }, { F, F, F },
	  { T, F, T }, { SF, 0, SF } },
	{ "mptcp: degraded keeps its endpoint", three_mp, { U, G, U },
	  { F, F, F }, { T, T, T }, { SF, SF, SF } },
	{ "mptcp: tier 2 is backup", tiered_mp, { U, U, U }, { F, F, F },
	  { T, T, T }, { SF, SF, BK } },
	{ "mptcp: tier 2 alone is not backup", tiered_mp, { D, D, U },
	  { F, F, F }, { T, T, T }, { 0, 0, SF } },
	{ "mptcp: all down: fail-open links keep theirs", three_mp,
	  { D, D, D }, { F, F, F }, { T, T, F }, { SF, SF, 0 } },
};

static void
test_mptcp(void **state)
{
	const struct mptcp_case *mc = *state;
	struct plan_link_in li[3];
	struct plan_input in = { 0 };
	struct kstate obs;
	struct plan p;
	struct conf *c;
	unsigned int i, j, n = 0;

	host(&obs, 3, true);
	for (i = 0; i < 3; i++) {
		obs.links[i].carrier = mc->carrier[i];
		li[i].health4 = mc->h[i];
		li[i].health6 = HEALTH_UNKNOWN;
		li[i].drained = mc->drained[i];
	}
	c = load(mc->conf);
	in.conf = c;
	in.obs = &obs;
	in.links = li;
	assert_int_equal(plan_build(&in, &p), 0);
	for (i = 0; i < 3; i++) {
		const struct mpath_ep *e = NULL;

		for (j = 0; j < p.mptcp.n; j++)
			if (p.mptcp.v[j].id == 129 + i)
				e = &p.mptcp.v[j];
		if (!mc->want[i]) {
			if (e)
				fail_msg("%s: link %u has an endpoint", mc->name, i);
			continue;
		}
		n++;
		if (!e)
			fail_msg("%s: link %u has no endpoint", mc->name, i);
		assert_int_equal(e->flags, mc->want[i]);
		assert_true(addr_eq(&e->addr, &p.links[i].v4.addr));
		assert_int_equal(e->ifindex, p.links[i].ifindex);
	}
	assert_int_equal(p.mptcp.n, n);
	plan_free(&p);
	conf_free(c);
	kobj_clear(&obs);
}

/* A link without a configured gateway, on an Ethernet interface, with no
 * default route to learn from: not usable until the DHCP client is done;
 * then its gateway is learned. */
static void
test_learn_gateway(void **state)
{
	struct plan_input in = { 0 };
	struct kstate obs;
	struct kroute r = { 0 };
	struct plan p;
	struct conf *c;
	char a[ADDR_STRLEN];

	host(&obs, 2, false);
	c = load("link isp1 { interface = wan1 }\n"
	    "link isp2 { interface = wan2 }\n");
	in.conf = c;
	in.obs = &obs;
	assert_int_equal(plan_build(&in, &p), 0);
	assert_false(p.links[0].v4.usable);
	assert_null(group(&p));
	plan_free(&p);

	r.family = AF_INET;
	r.table = RT_TABLE_MAIN;
	r.dst.addr.family = AF_INET;
	assert_int_equal(addr_parse("198.18.1.1", &r.gateway), 0);
	r.oif = 11;
	r.protocol = RTPROT_DHCP;
	r.type = RTN_UNICAST;
	assert_int_equal(kobj_add_route(&obs, &r), 0);
	assert_int_equal(plan_build(&in, &p), 0);
	assert_true(p.links[0].v4.usable);
	assert_true(p.links[0].v4.gateway_learned);
	assert_string_equal(addr_str(&p.links[0].v4.gateway, a),
	    "198.18.1.1");
	assert_false(p.links[1].v4.usable);
	assert_int_equal(group(&p)->nmembers, 1);
	plan_free(&p);

	/* the DHCP renew gives a new address and gateway */
	obs.addrs[0].local.addr.u.b[3] = 99;
	obs.routes[0].gateway.u.b[3] = 254;
	assert_int_equal(plan_build(&in, &p), 0);
	assert_string_equal(addr_str(&p.links[0].v4.addr, a), "198.18.1.99");
	assert_string_equal(addr_str(&p.links[0].v4.gateway, a),
	    "198.18.1.254");
	plan_free(&p);
	conf_free(c);
	kobj_clear(&obs);
}

/* An interface that is absent or administratively down has no nexthop,
 * routes or rules: the kernel refuses nexthops on a down device. */
static void
test_absent_interface(void **state)
{
	struct plan_input in = { 0 };
	struct kstate obs;
	struct plan p;
	struct conf *c;
	unsigned int i;

	host(&obs, 2, true);
	obs.links[1].flags &= ~IFF_UP;
	c = load("link isp1 { interface = wan1 }\n"
	    "link isp2 { interface = wan2 }\n"
	    "link isp3 { interface = wan3 }\n");
	in.conf = c;
	in.obs = &obs;
	assert_int_equal(plan_build(&in, &p), 0);
	assert_int_equal(p.links[2].ifindex, 0);
	assert_false(p.links[1].v4.usable);
	for (i = 0; i < p.k.nnhs; i++)
		assert_true(p.k.nhs[i].is_group || p.k.nhs[i].oif == 11);
	assert_int_equal(group(&p)->nmembers, 1);
	plan_free(&p);
	conf_free(c);
	kobj_clear(&obs);
}

/* Objects of others are not ours; ours are. */
static void
test_ownership(void **state)
{
	struct conf *c = load("link isp1 { interface = wan1 }\n");
	struct kroute r = { 0 };
	struct krule ru = { 0 };
	struct knh n = { 0 };

	r.table = c->table_base + 1;
	r.protocol = c->route_protocol;
	assert_true(plan_owns_route(c, &r));
	r.protocol = RTPROT_BOOT;
	assert_false(plan_owns_route(c, &r));
	r.protocol = c->route_protocol;
	r.table = RT_TABLE_MAIN;
	assert_false(plan_owns_route(c, &r));

	ru.priority = c->rule_priority_base + 999;
	ru.protocol = c->route_protocol;
	assert_true(plan_owns_rule(c, &ru));
	ru.priority = c->rule_priority_base + 1000;
	assert_false(plan_owns_rule(c, &ru));
	ru.priority = c->rule_priority_base;
	ru.protocol = RTPROT_KERNEL;
	assert_false(plan_owns_rule(c, &ru));

	n.id = c->nexthop_id_base + PLAN_NH_GROUP6;
	n.protocol = c->route_protocol;
	assert_true(plan_owns_nh(c, &n));
	n.id = c->nexthop_id_base - 1;
	assert_false(plan_owns_nh(c, &n));
	conf_free(c);
}

/* lo (ifindex 1), and lan0 (ifindex 40) with lan_addr unless NULL */
static void
add_lo_lan(struct kstate *s, const char *lan_addr)
{
	struct klink l = { 0 };
	struct kaddr a = { 0 };

	l.ifindex = 1;
	strcpy(l.ifname, "lo");
	l.flags = IFF_UP | IFF_RUNNING | IFF_LOOPBACK;
	l.carrier = true;
	assert_int_equal(kobj_add_link(s, &l), 0);
	l.ifindex = 40;
	strcpy(l.ifname, "lan0");
	l.flags = IFF_UP | IFF_RUNNING;
	assert_int_equal(kobj_add_link(s, &l), 0);
	if (!lan_addr)
		return;
	a.ifindex = 40;
	assert_int_equal(prefix_parse(lan_addr, &a.local), 0);
	assert_int_equal(kobj_add_addr(s, &a), 0);
}

static const struct kroute *
balanced_route(const struct plan *p, const struct conf *c)
{
	unsigned int i;

	for (i = 0; i < p->k.nroutes; i++)
		if (p->k.routes[i].table == c->table_base)
			return &p->k.routes[i];
	return NULL;
}

static bool
has_sysctl(const struct plan *p, const char *path)
{
	unsigned int i;

	for (i = 0; i < p->nsysctls; i++)
		if (strcmp(p->sysctls[i].path, path) == 0)
			return true;
	return false;
}

/* The host's unbound sockets' source: uplinkd's own address on lo with
 * no LAN address, the LAN's address with one, none when told so. */
static void
test_own_source(void **state)
{
	static const struct {
		const char *name, *conf, *lan_addr, *src;
		bool owned;
	} cases[] = {
		{ "no LAN: own-source", "", NULL, "192.0.0.8", true },
		{ "LAN without address: own-source", "lan l { interface = lan0 }\n",
		    NULL, "192.0.0.8", true },
		{ "LAN address", "lan l { interface = lan0 }\n",
		    "100.64.0.1/24", "100.64.0.1", false },
		{ "own-source given", "own-source = 198.18.254.1\n", NULL,
		    "198.18.254.1", true },
		{ "local-source none", "local-source = none\n", NULL, NULL,
		    false },
		{ "own-source none", "own-source = none\n", NULL, NULL, false },
	};
	char text[512], buf[ADDR_STRLEN];
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct plan_input in = { 0 };
		const struct kroute *r;
		struct kstate obs;
		struct plan p;
		struct conf *c;

		host(&obs, 2, true);
		add_lo_lan(&obs, cases[i].lan_addr);
		snprintf(text, sizeof(text), "link a { interface = wan1 }\n"
		    "link b { interface = wan2 }\n%s", cases[i].conf);
		c = load(text);
		in.conf = c;
		in.obs = &obs;
		assert_int_equal(plan_build(&in, &p), 0);
		r = balanced_route(&p, c);
		assert_non_null(r);
		print_message("%s\n", cases[i].name);
		if (cases[i].src)
			assert_string_equal(addr_str(&r->prefsrc, buf),
			    cases[i].src);
		else
			assert_false(addr_is_set(&r->prefsrc));
		assert_int_equal(p.own_source4, cases[i].owned);
		assert_int_equal(p.k.naddrs, cases[i].owned ? 1 : 0);
		if (cases[i].owned) {
			assert_int_equal(p.k.addrs[0].ifindex, 1);
			assert_int_equal(p.k.addrs[0].local.len, 32);
			assert_true(plan_owns_addr(c, &obs, &p.k.addrs[0]));
		}
		/* the multipath hash is needed only without a source */
		assert_int_equal(has_sysctl(&p,
		    "net/ipv4/fib_multipath_hash_policy"), !cases[i].src);
		plan_free(&p);
		conf_free(c);
		kobj_clear(&obs);
	}
}

/* A host without a LAN as `uplinkctl plan` prints it: uplinkd's own
 * address on lo, the source of the balanced route, no hash sysctl. */
static void
test_golden_own_source(void **state)
{
	struct conf *c = load("link isp1 { interface = wan1 }\n"
	    "link isp2 { interface = wan2 }\n");
	struct plan_input in = { 0 };
	struct kstate obs;
	struct plan p;
	char *text;

	(void)state;
	host(&obs, 2, true);
	add_lo_lan(&obs, NULL);
	in.conf = c;
	in.obs = &obs;
	assert_int_equal(plan_build(&in, &p), 0);
	text = render(&p, c, &obs);
	golden("no-lan-own-source", text);
	free(text);
	plan_free(&p);
	conf_free(c);
	kobj_clear(&obs);
}

/* An explicit local-source that is also own-source is the admin's. */
static void
test_own_source_not_owned(void **state)
{
	struct conf *c = load("link a { interface = wan1 }\n"
	    "local-source = 192.0.0.8\n");
	struct kaddr a = { 0 };
	struct kstate obs;

	(void)state;
	host(&obs, 1, true);
	add_lo_lan(&obs, NULL);
	a.ifindex = 1;
	assert_int_equal(prefix_parse("192.0.0.8/32", &a.local), 0);
	assert_false(plan_owns_addr(c, &obs, &a));
	a.ifindex = 11;
	conf_free(c);
	c = load("link a { interface = wan1 }\n");
	assert_false(plan_owns_addr(c, &obs, &a));	/* not on lo */
	/* someone else has it on another interface: used, never doubled */
	{
		struct plan_input in = { 0 };
		struct plan p;

		assert_int_equal(kobj_add_addr(&obs, &a), 0);
		in.conf = c;
		in.obs = &obs;
		assert_int_equal(plan_build(&in, &p), 0);
		assert_int_equal(p.k.naddrs, 0);
		assert_false(p.own_source4);
		assert_true(addr_eq(&p.local_source4, &a.local.addr));
		plan_free(&p);
		kobj_del_addr(&obs, &a);
	}
	a.ifindex = 1;
	assert_true(plan_owns_addr(c, &obs, &a));
	conf_free(c);
	kobj_clear(&obs);
}

int
main(void)
{
	struct CMUnitTest tests[64];
	size_t n = 0, i;

	for (i = 0; i < sizeof(golden_cases) / sizeof(golden_cases[0]); i++)
		tests[n++] = (struct CMUnitTest){ golden_cases[i].name,
		    test_golden, NULL, NULL, (void *)&golden_cases[i] };
	for (i = 0; i < sizeof(active_cases) / sizeof(active_cases[0]); i++)
		tests[n++] = (struct CMUnitTest){ active_cases[i].name,
		    test_active, NULL, NULL, (void *)&active_cases[i] };
	for (i = 0; i < sizeof(mptcp_cases) / sizeof(mptcp_cases[0]); i++)
		tests[n++] = (struct CMUnitTest){ mptcp_cases[i].name,
		    test_mptcp, NULL, NULL, (void *)&mptcp_cases[i] };
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_learn_gateway);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_absent_interface);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_ownership);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_own_source);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(
	    test_golden_own_source);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(
	    test_own_source_not_owned);
	return _cmocka_run_group_tests("plan", tests, n, NULL, NULL);
}
