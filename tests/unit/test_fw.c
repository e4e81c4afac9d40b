/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of fw_render: representative configs and plans, built by hand,
 * rendered and compared byte for byte with tests/golden/fw/<case>.nft (run with
 * UPDATE_GOLDEN=1 to rewrite those), plus properties the golden files could
 * hide (a down link leaves the choice but keeps counters and inbound
 * marking; removal is written so it cannot fail; names are checked).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "fw.h"
#include "testutil.h"

#define MASK	0x00ff0000U
#define MAXL	4

struct tlink {
	const char *name, *ifname;
	unsigned int weight;
	const char *a4, *net4, *gw4;	/* NULL: no IPv4 */
	const char *a6, *net6, *gw6;	/* NULL: no IPv6 */
	bool down;
	const char *mac;		/* gateway MAC, NULL: unknown */
	enum conf_nat6 nat6;
};

struct fixture {
	struct conf c;
	struct plan p;
	struct conf_link links[MAXL];
	struct plan_link plinks[MAXL];
	struct conf_lan lans[2];
	struct conf_policy pols[4];
	unsigned int pollinks[4][MAXL];
	struct conf_rule rules[8];
	struct prefix pfx[8];
	struct conf_portrange ports[4];
};

static void
fixture_init(struct fixture *fx, const struct tlink *tl, unsigned int n)
{
	unsigned int i;

	memset(fx, 0, sizeof(*fx));
	fx->c.fwmark_mask = MASK;
	fx->c.table_base = 1000;
	fx->c.balance = BALANCE_ROUND_ROBIN;
	fx->c.links = fx->links;
	fx->c.nlinks = n;
	fx->c.lans = fx->lans;
	fx->c.policies = fx->pols;
	fx->c.rules = fx->rules;
	fx->p.links = fx->plinks;
	fx->p.nlinks = n;
	for (i = 0; i < n; i++) {
		struct conf_link *cl = &fx->links[i];
		struct plan_link *pl = &fx->plinks[i];

		snprintf(cl->name, sizeof(cl->name), "%s", tl[i].name);
		snprintf(cl->ifname, sizeof(cl->ifname), "%s", tl[i].ifname);
		cl->weight = tl[i].weight ? tl[i].weight : 1;
		cl->tier = 1;
		cl->ipv4 = cl->ipv6 = true;
		cl->nat6 = tl[i].nat6;
		cl->id = i + 1;
		cl->probe.passive_hold_ms = 30000;
		pl->conf = cl;
		pl->weight = cl->weight;
		pl->ifindex = 10 + i;
		pl->carrier = true;
		pl->mark = (i + 1) << 16;
		pl->realm = i + 1;
		pl->table = 1000 + i + 1;
		if (tl[i].a4 != NULL) {
			pl->v4.usable = true;
			pl->v4.active = !tl[i].down;
			set_addr(&pl->v4.addr, tl[i].a4);
			set_prefix(&pl->v4.net, tl[i].net4);
			set_addr(&pl->v4.gateway, tl[i].gw4);
		}
		if (tl[i].a6 != NULL) {
			pl->v6.usable = true;
			pl->v6.active = !tl[i].down;
			set_addr(&pl->v6.addr, tl[i].a6);
			set_prefix(&pl->v6.net, tl[i].net6);
			set_addr(&pl->v6.gateway, tl[i].gw6);
		}
		if (tl[i].mac != NULL) {
			unsigned int m[6], k;

			assert_int_equal(sscanf(tl[i].mac,
			    "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3],
			    &m[4], &m[5]), 6);
			for (k = 0; k < 6; k++)
				pl->gw_mac[k] = (uint8_t)m[k];
			pl->has_gw_mac = true;
		}
	}
}

static void
add_lan(struct fixture *fx, const char *ifname, bool masq)
{
	struct conf_lan *l = &fx->lans[fx->c.nlans++];

	snprintf(l->name, sizeof(l->name), "%s", ifname);
	snprintf(l->ifname, sizeof(l->ifname), "%s", ifname);
	l->masquerade = masq;
}

static int
add_policy(struct fixture *fx, const char *name, enum conf_balance b,
    unsigned int sticky_s, const unsigned int *links, unsigned int n)
{
	unsigned int k = fx->c.npolicies++;
	struct conf_policy *po = &fx->pols[k];

	snprintf(po->name, sizeof(po->name), "%s", name);
	memcpy(fx->pollinks[k], links, n * sizeof(*links));
	po->links = fx->pollinks[k];
	po->nlinks = n;
	po->balance = b;
	po->sticky_s = sticky_s;
	return (int)k;
}

static struct conf_rule *
add_rule(struct fixture *fx, int policy)
{
	struct conf_rule *r = &fx->rules[fx->c.nrules++];

	r->policy = policy;
	return r;
}

static const struct tlink two[] = {
	{ "isp1", "eth0", 1, "198.18.1.2", "198.18.1.0/24", "198.18.1.1",
	    "2001:db8:1::2", "2001:db8:1::/64", "2001:db8:1::1", false, NULL,
	    NAT6_NONE },
	{ "isp2", "eth1", 1, "198.18.2.2", "198.18.2.0/24", "198.18.2.1",
	    NULL, NULL, NULL, false, NULL, NAT6_NONE },
};

static const struct tlink three[] = {
	{ "fibre", "eth0", 2, "198.18.1.2", "198.18.1.0/24", "198.18.1.1",
	    NULL, NULL, NULL, false, NULL, NAT6_NONE },
	{ "dsl", "ppp0", 1, "198.18.9.7", "198.18.9.7/32", NULL,
	    NULL, NULL, NULL, false, NULL, NAT6_NONE },
	{ "lte", "wwan0", 1, "198.18.3.2", "198.18.3.0/24", "198.18.3.1",
	    NULL, NULL, NULL, false, NULL, NAT6_NONE },
};

/* The cases. Each fills fx; have (may stay empty) names old objects. */
static void
case_one_link(struct fixture *fx, struct fw_objs *have)
{
	fixture_init(fx, two, 1);
}

static void
case_two_links(struct fixture *fx, struct fw_objs *have)
{
	fixture_init(fx, two, 2);
	add_lan(fx, "br0", true);
}

static void
case_three_weighted(struct fixture *fx, struct fw_objs *have)
{
	fixture_init(fx, three, 3);
	add_lan(fx, "br0", true);
	/* passive health off on one link: no counting rules for it */
	fx->links[2].probe.passive_hold_ms = 0;
}

/* weight = auto: learned weights 20:7:13, dealt out interleaved (smooth
 * weighted round-robin), not in runs as long as each weight. */
static void
case_auto_spread(struct fixture *fx, struct fw_objs *have)
{
	static const unsigned int w[] = { 20, 7, 13 };
	unsigned int i;

	fixture_init(fx, three, 3);
	for (i = 0; i < 3; i++) {
		fx->links[i].weight_auto = true;
		fx->plinks[i].weight = w[i];
	}
}

static void
case_three_hash(struct fixture *fx, struct fw_objs *have)
{
	fixture_init(fx, three, 3);
	fx->c.balance = BALANCE_HASH;
	add_lan(fx, "br0", true);
}

/* An HA pair: each link names its floating address; isp1's is on the
 * interface (master), isp2's not (yet): the LAN is translated to both,
 * the host's own connections to isp1's only. */
static void
case_ha_address(struct fixture *fx, struct fw_objs *have)
{
	static const struct tlink l[] = {
		{ "isp1", "wan1", 1, "198.18.1.2", "198.18.1.0/24",
		    "198.18.1.1", NULL, NULL, NULL, false, NULL, NAT6_AUTO },
		{ "isp2", "wan2", 1, "198.18.2.3", "198.18.2.0/24",
		    "198.18.2.1", NULL, NULL, NULL, false, NULL, NAT6_AUTO },
	};

	(void)have;
	fixture_init(fx, l, 2);
	add_lan(fx, "lan0", true);
	set_addr(&fx->links[0].address4, "198.18.1.2");
	set_addr(&fx->plinks[0].v4.own_addr, "198.18.1.3");
	set_addr(&fx->links[1].address4, "198.18.2.2");
	fx->plinks[1].v4.own_addr = fx->plinks[1].v4.addr;
}

static void
case_lan_masq(struct fixture *fx, struct fw_objs *have)
{
	static const struct tlink l[] = {
		{ "isp1", "eth0", 1, "198.18.1.2", "198.18.1.0/24",
		    "198.18.1.1", "2001:db8:1::2", "2001:db8:1::/64",
		    "2001:db8:1::1", false, NULL, NAT6_MASQUERADE },
		{ "isp2", "eth1", 1, "198.18.2.2", "198.18.2.0/24",
		    "198.18.2.1", "2001:db8:2::2", "2001:db8:2::/64",
		    "2001:db8:2::1", false, NULL, NAT6_NONE },
	};

	fixture_init(fx, l, 2);
	add_lan(fx, "br0", true);
	add_lan(fx, "dmz", false);
}

static void
case_shared_iface(struct fixture *fx, struct fw_objs *have)
{
	static const struct tlink l[] = {
		{ "routerA", "eth0", 1, "198.18.0.10", "198.18.0.0/24",
		    "198.18.0.1", NULL, NULL, NULL, false,
		    "02:00:00:00:00:0a", NAT6_NONE },
		{ "routerB", "eth0", 1, "198.18.0.10", "198.18.0.0/24",
		    "198.18.0.2", NULL, NULL, NULL, false,
		    "02:00:00:00:00:0b", NAT6_NONE },
		{ "isp3", "eth1", 1, "198.18.3.2", "198.18.3.0/24",
		    "198.18.3.1", NULL, NULL, NULL, false, NULL, NAT6_NONE },
	};

	fixture_init(fx, l, 3);
	add_lan(fx, "br0", true);
}

static void
case_policies(struct fixture *fx, struct fw_objs *have)
{
	static const unsigned int only2[] = { 1 }, both[] = { 0, 1 },
	    back[] = { 1, 0 };
	struct conf_rule *r;
	int web, rnd, hsh, ssh;

	fixture_init(fx, two, 2);
	add_lan(fx, "br0", true);
	web = add_policy(fx, "web", BALANCE_ROUND_ROBIN, 600, both, 2);
	rnd = add_policy(fx, "rnd", BALANCE_RANDOM, 0, back, 2);
	hsh = add_policy(fx, "hsh", BALANCE_HASH, 0, both, 2);
	ssh = add_policy(fx, "ssh", BALANCE_ROUND_ROBIN, 0, only2, 1);

	/* tcp/22 from the LAN's first /25 over isp2 only */
	r = add_rule(fx, ssh);
	r->proto = 6;
	r->dport = &fx->ports[0];
	r->ndport = 1;
	fx->ports[0].lo = fx->ports[0].hi = 22;
	r->src = &fx->pfx[0];
	r->nsrc = 1;
	set_prefix(&fx->pfx[0], "100.64.0.0/25");
	/* the office network and a v6 prefix: bypass to main */
	r = add_rule(fx, POLICY_MAIN);
	r->dst = &fx->pfx[1];
	r->ndst = 2;
	set_prefix(&fx->pfx[1], "100.100.0.0/16");
	set_prefix(&fx->pfx[2], "2001:db8:ff::/48");
	/* nothing from the guest interface to port 25 */
	r = add_rule(fx, POLICY_UNREACHABLE);
	snprintf(r->iif, sizeof(r->iif), "guest0");
	r->dport = &fx->ports[1];
	r->ndport = 1;
	fx->ports[1].lo = fx->ports[1].hi = 25;
	/* udp source ports 1000-2000 and 5000: random */
	r = add_rule(fx, rnd);
	r->proto = 17;
	r->sport = &fx->ports[2];
	r->nsport = 2;
	fx->ports[2].lo = 1000;
	fx->ports[2].hi = 2000;
	fx->ports[3].lo = fx->ports[3].hi = 5000;
	/* web: sticky; hashed traffic to one host */
	r = add_rule(fx, web);
	r->proto = 6;
	r->dport = &fx->ports[0];
	r->ndport = 1;
	r = add_rule(fx, hsh);
	r->dst = &fx->pfx[3];
	r->ndst = 1;
	set_prefix(&fx->pfx[3], "198.19.0.1/32");
	/* explicitly the default */
	add_rule(fx, POLICY_DEFAULT);
}

static void
case_link_down(struct fixture *fx, struct fw_objs *have)
{
	static const unsigned int both[] = { 0, 1 };

	fixture_init(fx, three, 3);
	add_lan(fx, "br0", true);
	fx->plinks[1].v4.active = false;	/* dsl down */
	add_policy(fx, "web", BALANCE_ROUND_ROBIN, 300, both, 2);
	add_rule(fx, 0)->proto = 6;
}

/* LAN IPv6 by default: translated where its source is not the link's
 * own prefix; into the delegated prefix where one is given; a link without
 * IPv6 yet translates all of it. */
static void
case_nat6_auto(struct fixture *fx, struct fw_objs *have)
{
	static const struct tlink l[] = {
		{ "isp1", "eth0", 1, "198.18.1.2", "198.18.1.0/24",
		    "198.18.1.1", "2001:db8:1::2", "2001:db8:1::/64",
		    "2001:db8:1::1", false, NULL, NAT6_AUTO },
		{ "isp2", "eth1", 1, "198.18.2.2", "198.18.2.0/24",
		    "198.18.2.1", "2001:db8:2::2", "2001:db8:2::/64",
		    "2001:db8:2::1", false, NULL, NAT6_AUTO },
		{ "lte", "wwan0", 1, "198.18.3.2", "198.18.3.0/24",
		    "198.18.3.1", NULL, NULL, NULL, false, NULL, NAT6_AUTO },
	};

	fixture_init(fx, l, 3);
	set_prefix(&fx->links[1].npt_prefix6, "2001:db8:2:8000::/64");
	add_lan(fx, "br0", true);
}

/* MPTCP subflows (issue 17): the kernel binds each to its endpoint's
 * address (and device); bound to a link's address, it keeps that link.
 * (test_bound_first adds the `uplinkctl exec` cgroups, which nft -c cannot
 * check without the cgroups themselves.) */
static void
case_mptcp_subflows(struct fixture *fx, struct fw_objs *have)
{
	static const struct tlink l[] = {
		{ "isp1", "wan1", 1, "198.18.1.2", "198.18.1.0/24",
		    "198.18.1.1", "2001:db8:1::2", "2001:db8:1::/64",
		    "2001:db8:1::1", false, NULL, NAT6_AUTO },
		{ "isp2", "wan2", 1, "198.18.2.2", "198.18.2.0/24",
		    "198.18.2.1", "2001:db8:2::2", "2001:db8:2::/64",
		    "2001:db8:2::1", false, NULL, NAT6_AUTO },
	};

	fixture_init(fx, l, 2);
}

/* Each ISP's resolvers over its own link, from the host and the LAN. */
static void
case_dns(struct fixture *fx, struct fw_objs *have)
{
	fixture_init(fx, two, 2);
	add_lan(fx, "br0", true);
	set_addr(&fx->links[0].dns[0], "198.19.1.53");
	set_addr(&fx->links[0].dns[1], "2001:db8:100:1::53");
	set_addr(&fx->links[0].dns[2], "198.19.1.54");
	fx->links[0].ndns = 3;
	set_addr(&fx->links[1].dns[0], "198.19.2.53");
	fx->links[1].ndns = 1;
}

/* A host without a LAN: its unbound sockets get uplinkd's own source,
 * translated on every way out and never let out as it is. */
static void
case_own_source(struct fixture *fx, struct fw_objs *have)
{
	fixture_init(fx, two, 2);
	fx->c.local_source_auto = true;
	set_addr(&fx->c.own_source4, "192.0.0.8");
	set_addr(&fx->c.own_source6, "100::1");
	fx->p.own_source4 = fx->p.own_source6 = true;
	fx->p.local_source4 = fx->c.own_source4;
	fx->p.local_source6 = fx->c.own_source6;
}

/* Before a reload: two links and a sticky policy. */
static void
case_removed_before(struct fixture *fx, struct fw_objs *have)
{
	static const unsigned int both[] = { 0, 1 };

	fixture_init(fx, two, 2);
	add_lan(fx, "br0", true);
	add_policy(fx, "web", BALANCE_ROUND_ROBIN, 600, both, 2);
	add_rule(fx, 0)->proto = 6;
}

/* The reload removed link isp2 and the sticky policy: the old objects are
 * removed, written so that missing ones do not fail. */
static void
case_removed(struct fixture *fx, struct fw_objs *have)
{
	struct fixture old;

	case_removed_before(&old, NULL);
	assert_int_equal(fw_objects(&old.c, have), 0);
	fixture_init(fx, two, 1);
	add_lan(fx, "br0", true);
}

struct tcase {
	const char *name;
	void (*setup)(struct fixture *, struct fw_objs *);
};

static const struct tcase cases[] = {
	{ "one-link", case_one_link },
	{ "two-links", case_two_links },
	{ "three-weighted", case_three_weighted },
	{ "three-hash", case_three_hash },
	{ "auto-spread", case_auto_spread },
	{ "lan-masq", case_lan_masq },
	{ "ha-address", case_ha_address },
	{ "shared-iface", case_shared_iface },
	{ "policies", case_policies },
	{ "link-down", case_link_down },
	{ "own-source", case_own_source },
	{ "nat6-auto", case_nat6_auto },
	{ "dns", case_dns },
	{ "mptcp-subflows", case_mptcp_subflows },
	{ "removed-before", case_removed_before },
	{ "removed", case_removed },
};

static char *
render_case(const struct tcase *tc)
{
	struct fixture fx;
	struct fw_objs have = { NULL, 0 };
	char *text;

	tc->setup(&fx, &have);
	text = fw_render(&fx.c, &fx.p, have.n ? &have : NULL);
	fw_objs_free(&have);
	return text;
}

static void
test_golden(void **state)
{
	const struct tcase *tc = *state;
	char path[512], *text;

	snprintf(path, sizeof(path), "%s/tests/golden/fw/%s.nft", SRCDIR,
	    tc->name);
	text = render_case(tc);
	assert_non_null(text);
	testutil_golden(path, text);
	free(text);
}

static void
test_deterministic(void **state)
{
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *a = render_case(&cases[i]), *b = render_case(&cases[i]);

		assert_non_null(a);
		assert_non_null(b);
		assert_string_equal(a, b);
		free(a);
		free(b);
	}
}

/* Lines of text that contain s. */
static unsigned int
count_lines(const char *text, const char *s)
{
	const char *p = text, *e;
	unsigned int n = 0;

	while (*p != '\0') {
		char line[4096];
		size_t len;

		e = strchr(p, '\n');
		len = e ? (size_t)(e - p) : strlen(p);
		if (len >= sizeof(line))
			len = sizeof(line) - 1;
		memcpy(line, p, len);
		line[len] = '\0';
		if (strstr(line, s) != NULL)
			n++;
		p += e ? len + 1 : len;
	}
	return n;
}

static void
test_link_down(void **state)
{
	struct fixture fx;
	struct fw_objs have = { NULL, 0 };
	char *text;

	case_link_down(&fx, &have);
	text = fw_render(&fx.c, &fx.p, NULL);
	assert_non_null(text);
	/* dsl (weight 1) left both choices: fibre 2 + lte 1 */
	assert_non_null(strstr(text, "add rule inet uplinkd choose meta mark "
	    "and 0x00ff0000 == 0 meta nfproto ipv4 numgen inc mod 3 vmap { "
	    "0-1 : goto mark_fibre, 2 : goto mark_lte }"));
	assert_int_equal(count_lines(text, "jump mark_dsl"), 0);
	assert_int_equal(count_lines(text, "goto mark_dsl"), 5);
	/* its counters (tx, rx and passive health's four), inbound marking
	 * and mark restore stay */
	assert_int_equal(count_lines(text, "counter name \"link_dsl_"), 6);
	assert_non_null(strstr(text, "\"ppp0\" : goto mark_dsl"));
	assert_non_null(strstr(text, "add set inet uplinkd sticky4_300_web_dsl"));
	/* web has only fibre left: no choice, no dsl lookup */
	assert_int_equal(count_lines(text, "@sticky4_300_web_dsl"), 0);
	assert_int_equal(count_lines(text, "@sticky4_300_web_fibre"), 2);
	free(text);

	/* everything down: no link is chosen at all */
	fx.plinks[0].v4.active = fx.plinks[2].v4.active = false;
	text = fw_render(&fx.c, &fx.p, NULL);
	assert_non_null(text);
	assert_int_equal(count_lines(text, "add rule inet uplinkd choose"), 0);
	assert_int_equal(count_lines(text, "add rule inet uplinkd pol_web"), 0);
	free(text);
}

static void
test_removal(void **state)
{
	struct fixture fx;
	struct fw_objs have = { NULL, 0 };
	char *text;
	const char *add, *del, *flush, *rules;

	case_removed(&fx, &have);
	text = fw_render(&fx.c, &fx.p, &have);
	assert_non_null(text);
	/* each removal is preceded by its creation, and chains are emptied
	 * before anything is deleted and before any rule is added */
	add = strstr(text, "add counter inet uplinkd link_isp2_tx\n");
	del = strstr(text, "delete counter inet uplinkd link_isp2_tx\n");
	assert_non_null(add);
	assert_non_null(del);
	assert_true(add < del);
	add = strstr(text, "add set inet uplinkd sticky4_600_web_isp2 {");
	del = strstr(text, "delete set inet uplinkd sticky4_600_web_isp2\n");
	assert_non_null(add);
	assert_non_null(del);
	assert_true(add < del);
	flush = strstr(text, "flush chain inet uplinkd prerouting\n");
	del = strstr(text, "delete chain inet uplinkd mark_isp2\n");
	rules = strstr(text, "add rule ");
	assert_non_null(flush);
	assert_non_null(del);
	assert_true(flush < del && del < rules);
	assert_non_null(strstr(text, "delete chain inet uplinkd pol_web\n"));
	/* what is still wanted is never deleted */
	assert_null(strstr(text, "delete counter inet uplinkd link_isp1"));
	assert_null(strstr(text, "delete chain inet uplinkd mark_isp1"));
	assert_null(strstr(text, "delete table"));
	fw_objs_free(&have);
	free(text);
}

static void
test_bad_names(void **state)
{
	struct fixture fx;

	fixture_init(&fx, two, 2);
	snprintf(fx.links[1].ifname, sizeof(fx.links[1].ifname), "eth\"1");
	errno = 0;
	assert_null(fw_render(&fx.c, &fx.p, NULL));
	assert_int_equal(errno, EINVAL);

	fixture_init(&fx, two, 2);
	snprintf(fx.links[1].ifname, sizeof(fx.links[1].ifname), "eth\\1");
	assert_null(fw_render(&fx.c, &fx.p, NULL));

	fixture_init(&fx, two, 2);
	snprintf(fx.links[0].name, sizeof(fx.links[0].name), "a b");
	assert_null(fw_render(&fx.c, &fx.p, NULL));

	fixture_init(&fx, two, 2);
	add_lan(&fx, "br\"0", true);
	assert_null(fw_render(&fx.c, &fx.p, NULL));

	fixture_init(&fx, two, 2);
	fx.c.fwmark_mask = 0;
	assert_null(fw_render(&fx.c, &fx.p, NULL));
	assert_int_equal(errno, EINVAL);

	/* ports on a protocol without them */
	fixture_init(&fx, two, 2);
	{
		struct conf_rule *r = add_rule(&fx, POLICY_DEFAULT);

		r->proto = 1;
		r->dport = &fx.ports[0];
		r->ndport = 1;
	}
	assert_null(fw_render(&fx.c, &fx.p, NULL));
}

static void
test_mask_bits(void **state)
{
	struct fixture fx;
	char *text;

	fixture_init(&fx, two, 2);
	fx.c.fwmark_mask = 0x0000ff00;
	fx.plinks[0].mark = 0x100;
	fx.plinks[1].mark = 0x200;
	text = fw_render(&fx.c, &fx.p, NULL);
	assert_non_null(text);
	assert_non_null(strstr(text, "add rule inet uplinkd mark_isp2 meta "
	    "mark set meta mark and 0xffff00ff or 0x00000200\n"));
	assert_non_null(strstr(text, "add rule inet uplinkd bypass ct mark "
	    "set ct mark and 0xffff00ff or 0x0000ff00\n"));
	free(text);
}

static void
test_counter_names(void **state)
{
	char buf[FW_NAME_MAX], link[CONF_NAME_MAX];
	bool tx;

	assert_int_equal(fw_counter_name("isp-1", true, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "link_isp-1_tx");
	assert_int_equal(fw_counter_parse(buf, link, sizeof(link), &tx), 0);
	assert_string_equal(link, "isp-1");
	assert_true(tx);
	assert_int_equal(fw_counter_parse("link_a_rx", link, sizeof(link),
	    &tx), 0);
	assert_string_equal(link, "a");
	assert_false(tx);
	assert_int_equal(fw_counter_parse("link__tx", link, sizeof(link),
	    &tx), -EINVAL);
	assert_int_equal(fw_counter_parse("other_a_tx", link, sizeof(link),
	    &tx), -EINVAL);
	assert_int_equal(fw_counter_parse("link_a_xx", link, sizeof(link),
	    &tx), -EINVAL);
	assert_int_equal(fw_counter_name("a", false, buf, 6), -EINVAL);
}

static void
test_passive_counter_names(void **state)
{
	static const struct {
		const char *name, *link;
		int rc;
		enum fw_passive_kind k;
	} t[] = {
		{ "link_isp-1_syn", "isp-1", 0, FW_PASSIVE_SYN },
		{ "link_a_synack", "a", 0, FW_PASSIVE_SYNACK },
		{ "link_a_udp", "a", 0, FW_PASSIVE_UDP },
		{ "link_a_udpans", "a", 0, FW_PASSIVE_UDPANS },
		/* a link named like a suffix */
		{ "link_udp_udpans", "udp", 0, FW_PASSIVE_UDPANS },
		{ "link__syn", "", -EINVAL, 0 },
		{ "link_a_tx", "", -EINVAL, 0 },
		{ "other_a_syn", "", -EINVAL, 0 },
	};
	char buf[FW_NAME_MAX], link[CONF_NAME_MAX];
	enum fw_passive_kind k;
	bool tx;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(fw_passive_counter_parse(t[i].name, link,
		    sizeof(link), &k), t[i].rc);
		if (t[i].rc < 0)
			continue;
		assert_string_equal(link, t[i].link);
		assert_int_equal(k, t[i].k);
		assert_int_equal(fw_passive_counter_name(link, k, buf,
		    sizeof(buf)), 0);
		assert_string_equal(buf, t[i].name);
		/* never taken for a tx or rx counter */
		assert_int_equal(fw_counter_parse(t[i].name, link,
		    sizeof(link), &tx), -EINVAL);
	}
	assert_int_equal(fw_passive_counter_name("a", FW_PASSIVE_SYN, buf, 10),
	    -EINVAL);
}

/* In the output chain a socket bound to a link's address (an MPTCP
 * subflow, which also inherits its connection's cgroup) is marked with
 * that link before anything else can choose one: before the exec cgroups,
 * the policy rules and the balance. */
static void
test_bound_first(void **state)
{
	struct fixture fx;
	char *text;
	const char *rt, *v6, *cg, *rules;

	case_mptcp_subflows(&fx, NULL);
	fx.p.exec_cgroups = true;
	text = fw_render(&fx.c, &fx.p, NULL);
	assert_non_null(text);
	rt = strstr(text, "output meta rtclassid vmap { 1 : goto mark_isp1, "
	    "2 : goto mark_isp2 }");
	v6 = strstr(text, "output ip6 saddr vmap { 2001:db8:1::2 : goto "
	    "mark_isp1, 2001:db8:2::2 : goto mark_isp2 }");
	cg = strstr(text, "output socket cgroupv2");
	rules = strstr(text, "output goto rules");
	assert_non_null(rt);
	assert_non_null(v6);
	assert_non_null(cg);
	assert_non_null(rules);
	assert_true(rt < cg && v6 < cg && cg < rules);
	/* and its own address is never translated: each link masquerades
	 * only what is not from its own network */
	assert_non_null(strstr(text, "nat_postrouting oifname \"wan1\" ip "
	    "saddr != 198.18.1.0/24 fib saddr type local masquerade"));
	free(text);
}

static void
test_delete(void **state)
{
	char *t = fw_render_delete();

	assert_string_equal(t, "add table inet uplinkd\n"
	    "delete table inet uplinkd\n");
	free(t);
}

int
main(void)
{
	struct CMUnitTest tests[sizeof(cases) / sizeof(cases[0]) + 9];
	unsigned int i, n = 0;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct CMUnitTest t = { cases[i].name, test_golden, NULL,
		    NULL, (void *)&cases[i] };

		tests[n++] = t;
	}
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_deterministic);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_link_down);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_removal);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_bad_names);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_mask_bits);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_counter_names);
	tests[n++] = (struct CMUnitTest)
	    cmocka_unit_test(test_passive_counter_names);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_delete);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_bound_first);
	return _cmocka_run_group_tests("fw", tests, n, NULL, NULL);
}
