/* SPDX-License-Identifier: ISC */
/*
 * rtmsg: builders compared byte for byte with hand-built messages (host
 * byte order: little-endian, as on every Debian target uplinkd runs on),
 * build -> parse round trips, kernel-shaped messages the builders never
 * make (multipath, compat-mode nexthop routes, clones), and a table of
 * malformed messages every parser must reject.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>
#include <libmnl/libmnl.h>
#include <linux/fib_rules.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/nexthop.h>
#include <linux/rtnetlink.h>

#include "rtmsg.h"
#include "testaddr.h"

#define IFF_LOWER_UP_	0x10000

static struct prefix
P0(int family)
{
	struct prefix p;

	memset(&p, 0, sizeof(p));
	p.addr.family = family;
	return p;
}

static void
assert_bytes(const struct nlmsghdr *nlh, const uint8_t *want, size_t len)
{
	size_t i;

	assert_int_equal(nlh->nlmsg_len, len);
	for (i = 0; i < len; i++)
		if (((const uint8_t *)nlh)[i] != want[i]) {
			print_error("byte %zu: got %#04x want %#04x\n", i,
			    ((const uint8_t *)nlh)[i], want[i]);
			fail();
		}
}

/* Builders, byte for byte. */

/* ip route replace default via 198.18.1.1 dev ifindex 3 table 1001
 *   proto 250 src 198.18.1.2 */
static void
test_build_route(void **state)
{
	static const uint8_t want[] = {
		60, 0, 0, 0,		/* nlmsg_len */
		24, 0,			/* RTM_NEWROUTE */
		0x05, 0x05,		/* REQUEST|ACK|REPLACE|CREATE */
		1, 0, 0, 0,		/* seq */
		0, 0, 0, 0,		/* pid */
		2, 0, 0, 0,		/* AF_INET, dst_len, src_len, tos */
		0, 250, 0, 1,		/* table UNSPEC, proto, scope, UNICAST */
		0, 0, 0, 0,		/* rtm_flags */
		8, 0, 15, 0, 0xe9, 0x03, 0, 0,	/* RTA_TABLE 1001 */
		8, 0, 5, 0, 198, 18, 1, 1,	/* RTA_GATEWAY */
		8, 0, 7, 0, 198, 18, 1, 2,	/* RTA_PREFSRC */
		8, 0, 4, 0, 3, 0, 0, 0,		/* RTA_OIF 3 */
	};
	struct kroute r;

	memset(&r, 0, sizeof(r));
	r.family = AF_INET;
	r.table = 1001;
	r.dst = P0(AF_INET);
	r.gateway = A("198.18.1.1");
	r.prefsrc = A("198.18.1.2");
	r.oif = 3;
	r.protocol = 250;
	assert_bytes(rtmsg_route(mbuf.b, RTM_NEWROUTE,
	    NLM_F_CREATE | NLM_F_REPLACE, 1, &r), want, sizeof(want));
}

/* ip addr add 198.18.254.1/32 dev ifindex 1 (uplinkd's own source) */
static void
test_build_addr(void **state)
{
	static const uint8_t want[] = {
		40, 0, 0, 0,		/* nlmsg_len */
		20, 0,			/* RTM_NEWADDR */
		0x05, 0x06,		/* REQUEST|ACK|EXCL|CREATE */
		7, 0, 0, 0,		/* seq */
		0, 0, 0, 0,		/* pid */
		2, 32, 0, 0,		/* AF_INET, /32, flags, scope global */
		1, 0, 0, 0,		/* ifindex 1 */
		8, 0, 2, 0, 198, 18, 254, 1,	/* IFA_LOCAL */
		8, 0, 1, 0, 198, 18, 254, 1,	/* IFA_ADDRESS */
	};
	struct kaddr a, back;

	(void)state;
	memset(&a, 0, sizeof(a));
	a.ifindex = 1;
	a.local.addr = A("198.18.254.1");
	a.local.len = 32;
	assert_bytes(rtmsg_addr(mbuf.b, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL,
	    7, &a), want, sizeof(want));
	/* and an IPv6 one with IFA_F_NODAD parses back as it was built */
	a.local.addr = A("2001:db8:fe::1");
	a.local.len = 128;
	a.flags = IFA_F_NODAD;
	assert_int_equal(rtmsg_parse_addr(rtmsg_addr(mbuf.b, RTM_NEWADDR, 0, 8,
	    &a), &back), 0);
	assert_int_equal(back.ifindex, 1);
	assert_true(prefix_eq(&back.local, &a.local));
	assert_false(addr_is_set(&back.peer));
	assert_int_equal(back.flags, IFA_F_NODAD);
}

/* ip rule add fwmark 0x10000/0xff0000 lookup 1001 pref 1001 protocol 250 */
static void
test_build_rule_fwmark(void **state)
{
	static const uint8_t want[] = {
		68, 0, 0, 0,
		32, 0,			/* RTM_NEWRULE */
		0x05, 0x06,		/* REQUEST|ACK|EXCL|CREATE */
		2, 0, 0, 0,
		0, 0, 0, 0,
		2, 0, 0, 0,		/* AF_INET, dst_len, src_len, tos */
		0, 0, 0, 1,		/* table UNSPEC, res1, res2, TO_TBL */
		0, 0, 0, 0,		/* flags */
		8, 0, 6, 0, 0xe9, 0x03, 0, 0,	/* FRA_PRIORITY 1001 */
		8, 0, 15, 0, 0xe9, 0x03, 0, 0,	/* FRA_TABLE 1001 */
		8, 0, 10, 0, 0, 0, 1, 0,	/* FRA_FWMARK 0x10000 */
		8, 0, 16, 0, 0, 0, 0xff, 0,	/* FRA_FWMASK 0xff0000 */
		5, 0, 21, 0, 250, 0, 0, 0,	/* FRA_PROTOCOL + pad */
	};
	struct krule r;

	memset(&r, 0, sizeof(r));
	r.family = AF_INET;
	r.priority = 1001;
	r.table = 1001;
	r.fwmark = 0x10000;
	r.fwmask = 0xff0000;
	r.suppress_prefixlen = -1;
	r.protocol = 250;
	assert_bytes(rtmsg_rule(mbuf.b, RTM_NEWRULE,
	    NLM_F_CREATE | NLM_F_EXCL, 2, &r), want, sizeof(want));
}

/* ip rule add from all lookup main suppress_prefixlength 0 pref 1000 */
static void
test_build_rule_suppress(void **state)
{
	static const uint8_t want[] = {
		60, 0, 0, 0,
		32, 0,
		0x05, 0x06,
		3, 0, 0, 0,
		0, 0, 0, 0,
		2, 0, 0, 0,
		254, 0, 0, 1,		/* table main */
		0, 0, 0, 0,
		8, 0, 6, 0, 0xe8, 0x03, 0, 0,	/* FRA_PRIORITY 1000 */
		8, 0, 15, 0, 254, 0, 0, 0,	/* FRA_TABLE 254 */
		8, 0, 14, 0, 0, 0, 0, 0,	/* FRA_SUPPRESS_PREFIXLEN 0 */
		5, 0, 21, 0, 0, 0, 0, 0,	/* FRA_PROTOCOL 0 */
	};
	struct krule r;

	memset(&r, 0, sizeof(r));
	r.family = AF_INET;
	r.priority = 1000;
	r.table = RT_TABLE_MAIN;
	r.suppress_prefixlen = 0;
	assert_bytes(rtmsg_rule(mbuf.b, RTM_NEWRULE,
	    NLM_F_CREATE | NLM_F_EXCL, 3, &r), want, sizeof(want));
}

/* ip nexthop replace id 101 via 198.18.1.1 dev ifindex 3 proto 250 */
static void
test_build_nh(void **state)
{
	static const uint8_t want[] = {
		48, 0, 0, 0,
		104, 0,			/* RTM_NEWNEXTHOP */
		0x05, 0x05,
		4, 0, 0, 0,
		0, 0, 0, 0,
		2, 0, 250, 0,		/* AF_INET, scope, proto, resvd */
		0, 0, 0, 0,		/* nh_flags */
		8, 0, 1, 0, 101, 0, 0, 0,	/* NHA_ID */
		8, 0, 5, 0, 3, 0, 0, 0,		/* NHA_OIF */
		8, 0, 6, 0, 198, 18, 1, 1,	/* NHA_GATEWAY */
	};
	struct knh n;

	memset(&n, 0, sizeof(n));
	n.id = 101;
	n.family = AF_INET;
	n.protocol = 250;
	n.gateway = A("198.18.1.1");
	n.oif = 3;
	assert_bytes(rtmsg_nh(mbuf.b, RTM_NEWNEXTHOP,
	    NLM_F_CREATE | NLM_F_REPLACE, 4, &n), want, sizeof(want));
}

/* ip nexthop replace id 200 group 101/102,3 type resilient buckets 128
 *   idle_timer 60 proto 250 */
static void
test_build_nh_group(void **state)
{
	static const uint8_t want[] = {
		80, 0, 0, 0,
		104, 0,
		0x05, 0x05,
		5, 0, 0, 0,
		0, 0, 0, 0,
		0, 0, 250, 0,		/* AF_UNSPEC for groups */
		0, 0, 0, 0,
		8, 0, 1, 0, 200, 0, 0, 0,	/* NHA_ID 200 */
		20, 0, 2, 0,			/* NHA_GROUP */
		101, 0, 0, 0, 0, 0, 0, 0,	/* id 101, weight 1-1 */
		102, 0, 0, 0, 2, 0, 0, 0,	/* id 102, weight 3-1 */
		6, 0, 3, 0, 1, 0, 0, 0,		/* NHA_GROUP_TYPE RES */
		20, 0, 12, 0x80,		/* NHA_RES_GROUP, nested */
		6, 0, 1, 0, 128, 0, 0, 0,	/* BUCKETS 128 */
		8, 0, 2, 0, 0x70, 0x17, 0, 0,	/* IDLE_TIMER 6000 */
	};
	struct knh n;

	memset(&n, 0, sizeof(n));
	n.id = 200;
	n.protocol = 250;
	n.is_group = true;
	n.resilient = true;
	n.buckets = 128;
	n.idle_timer_s = 60;
	n.nmembers = 2;
	n.members[0].id = 101;
	n.members[0].weight = 1;
	n.members[1].id = 102;
	n.members[1].weight = 3;
	assert_bytes(rtmsg_nh(mbuf.b, RTM_NEWNEXTHOP,
	    NLM_F_CREATE | NLM_F_REPLACE, 5, &n), want, sizeof(want));
}

/* ip nexthop del id 101: the id alone, header zero */
static void
test_build_nh_del(void **state)
{
	static const uint8_t want[] = {
		32, 0, 0, 0,
		105, 0,			/* RTM_DELNEXTHOP */
		0x05, 0x00,		/* REQUEST|ACK */
		6, 0, 0, 0,
		0, 0, 0, 0,
		0, 0, 0, 0,
		0, 0, 0, 0,
		8, 0, 1, 0, 101, 0, 0, 0,
	};
	struct knh n;

	memset(&n, 0, sizeof(n));
	n.id = 101;
	n.family = AF_INET;
	n.protocol = 250;
	n.oif = 3;
	assert_bytes(rtmsg_nh(mbuf.b, RTM_DELNEXTHOP, 0, 6, &n), want,
	    sizeof(want));
}

static void
test_build_dump(void **state)
{
	static const uint8_t route[] = {
		28, 0, 0, 0, 26, 0, 0x01, 0x03,	/* GETROUTE, REQUEST|DUMP */
		7, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* struct rtmsg */
	};
	static const uint8_t link[] = {
		32, 0, 0, 0, 18, 0, 0x01, 0x03,	/* GETLINK */
		8, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 0,		/* struct ifinfomsg */
		0, 0, 0, 0, 0, 0, 0, 0,
	};
	static const uint8_t nh[] = {
		24, 0, 0, 0, 106, 0, 0x01, 0x03,	/* GETNEXTHOP */
		9, 0, 0, 0, 0, 0, 0, 0,
		10, 0, 0, 0, 0, 0, 0, 0,	/* nhmsg, AF_INET6 */
	};

	assert_bytes(rtmsg_dump(mbuf.b, RTM_GETROUTE, AF_UNSPEC, 7), route,
	    sizeof(route));
	assert_bytes(rtmsg_dump(mbuf.b, RTM_GETLINK, AF_UNSPEC, 8), link,
	    sizeof(link));
	assert_bytes(rtmsg_dump(mbuf.b, RTM_GETNEXTHOP, AF_INET6, 9), nh,
	    sizeof(nh));
	assert_int_equal(rtmsg_dump(mbuf.b, RTM_GETADDR, 0, 1)->nlmsg_len,
	    16 + sizeof(struct ifaddrmsg));
	assert_int_equal(rtmsg_dump(mbuf.b, RTM_GETRULE, 0, 1)->nlmsg_len,
	    16 + sizeof(struct fib_rule_hdr));
}

/* Round trips. */

struct route_case {
	const char *name;
	struct kroute r;
};

static void
test_roundtrip_route(void **state)
{
	struct route_case cases[] = {
		{ "v4 default via, src, dev", { .family = AF_INET,
		    .table = 1001, .dst = P0(AF_INET),
		    .gateway = A("198.18.1.1"), .prefsrc = A("198.18.1.2"),
		    .oif = 3, .protocol = 250, .type = RTN_UNICAST } },
		{ "v4 default nhid in main", { .family = AF_INET,
		    .table = RT_TABLE_MAIN, .dst = P0(AF_INET), .nhid = 200,
		    .priority = 10, .protocol = 250, .type = RTN_UNICAST } },
		{ "v4 connected, scope link", { .family = AF_INET,
		    .table = 1002, .dst = P("198.18.1.0/24"), .oif = 7,
		    .prefsrc = A("198.18.1.2"), .protocol = RTPROT_KERNEL,
		    .scope = RT_SCOPE_LINK, .type = RTN_UNICAST } },
		{ "v4 unreachable", { .family = AF_INET, .table = 1099,
		    .dst = P0(AF_INET), .priority = 4278198272u,
		    .protocol = 250, .type = RTN_UNREACHABLE } },
		{ "v4 blackhole /32", { .family = AF_INET, .table = 1099,
		    .dst = P("100.64.0.1/32"), .protocol = 250,
		    .type = RTN_BLACKHOLE } },
		{ "v4 via v6 gateway", { .family = AF_INET, .table = 1003,
		    .dst = P0(AF_INET), .gateway = A("2001:db8::1"),
		    .oif = 2, .protocol = 250, .type = RTN_UNICAST } },
		{ "v4 onlink", { .family = AF_INET, .table = 1004,
		    .dst = P0(AF_INET), .gateway = A("100.64.9.1"),
		    .oif = 2, .protocol = 250, .type = RTN_UNICAST,
		    .flags = RTNH_F_ONLINK } },
		{ "v6 /48 via", { .family = AF_INET6, .table = 1002,
		    .dst = P("2001:db8:99::/48"), .gateway = A("2001:db8:1::1"),
		    .oif = 4, .priority = 1024, .protocol = 250,
		    .type = RTN_UNICAST } },
		{ "v6 default nhid", { .family = AF_INET6, .table = 1001,
		    .dst = P0(AF_INET6), .nhid = 201, .protocol = 250,
		    .type = RTN_UNICAST } },
	};
	struct kroute out;
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		print_message("route: %s\n", cases[i].name);
		rtmsg_route(mbuf.b, RTM_NEWROUTE, 0, i, &cases[i].r);
		assert_int_equal(rtmsg_parse_route(&mbuf.align, &out), 0);
		assert_true(kobj_route_eq(&out, &cases[i].r));
		assert_int_equal(out.flags, cases[i].r.flags);
		/* one field off must not compare equal */
		out.priority++;
		assert_false(kobj_route_eq(&out, &cases[i].r));
	}
}

static struct krule
rule(uint8_t family, uint32_t prio, uint32_t table)
{
	struct krule r;

	memset(&r, 0, sizeof(r));
	r.family = family;
	r.priority = prio;
	r.table = table;
	r.suppress_prefixlen = -1;
	r.protocol = 250;
	return r;
}

static void
test_roundtrip_rule(void **state)
{
	struct {
		const char *name;
		struct krule r;
	} cases[7];
	struct krule out;
	unsigned int i, n = 0;

	cases[n].name = "fwmark/mask";
	cases[n].r = rule(AF_INET, 1001, 1001);
	cases[n].r.fwmark = 0x10000;
	cases[n++].r.fwmask = 0xff0000;
	cases[n].name = "from address";
	cases[n].r = rule(AF_INET, 1002, 1002);
	cases[n++].r.src = P("198.18.1.2/32");
	cases[n].name = "suppress_prefixlength 0, main";
	cases[n].r = rule(AF_INET, 1000, RT_TABLE_MAIN);
	cases[n++].r.suppress_prefixlen = 0;
	cases[n].name = "unreachable";
	cases[n].r = rule(AF_INET, 1099, 0);
	cases[n++].r.action = KRULE_UNREACHABLE;
	cases[n].name = "v6 iif, ipproto, ports, to";
	cases[n].r = rule(AF_INET6, 1003, 1002);
	strcpy(cases[n].r.iifname, "br0");
	cases[n].r.ip_proto = 6;
	cases[n].r.sport_lo = 1024;
	cases[n].r.sport_hi = 65534;
	cases[n].r.dport_lo = cases[n].r.dport_hi = 443;
	cases[n++].r.dst = P("2001:db8:5::/64");
	cases[n].name = "v6 from prefix, fwmark without mask";
	cases[n].r = rule(AF_INET6, 1004, 1004);
	cases[n].r.src = P("2001:db8:1::/64");
	cases[n++].r.fwmark = 0x20000;
	cases[n].name = "v4 to prefix, table 255";
	cases[n].r = rule(AF_INET, 1005, 255);
	cases[n++].r.dst = P("100.64.0.0/10");

	for (i = 0; i < n; i++) {
		print_message("rule: %s\n", cases[i].name);
		rtmsg_rule(mbuf.b, RTM_NEWRULE, 0, i, &cases[i].r);
		assert_int_equal(rtmsg_parse_rule(&mbuf.align, &out), 0);
		assert_true(kobj_rule_eq(&out, &cases[i].r));
		out.protocol++;
		assert_false(kobj_rule_eq(&out, &cases[i].r));
	}
}

static void
test_roundtrip_nh(void **state)
{
	static struct knh cases[6];
	struct knh *n, out;
	unsigned int i;

	memset(cases, 0, sizeof(cases));
	n = &cases[0];		/* v4 via dev */
	n->id = 101;
	n->family = AF_INET;
	n->protocol = 250;
	n->gateway = A("198.18.1.1");
	n->oif = 3;
	n = &cases[1];		/* v6 via dev */
	n->id = 102;
	n->family = AF_INET6;
	n->protocol = 250;
	n->gateway = A("fe80::1");
	n->oif = 3;
	n = &cases[2];		/* dev only (ppp) */
	n->id = 103;
	n->family = AF_INET;
	n->oif = 9;
	n = &cases[3];		/* onlink */
	n->id = 104;
	n->family = AF_INET;
	n->gateway = A("100.64.0.1");
	n->oif = 9;
	n->onlink = true;
	n = &cases[4];		/* hash-threshold group, extreme weights */
	n->id = 200;
	n->protocol = 250;
	n->is_group = true;
	n->nmembers = 3;
	n->members[0] = (struct knh_member){ 101, 1 };
	n->members[1] = (struct knh_member){ 102, 255 };
	n->members[2] = (struct knh_member){ 103, 17 };
	n = &cases[5];		/* resilient, full */
	n->id = 201;
	n->protocol = 250;
	n->is_group = true;
	n->resilient = true;
	n->buckets = 512;
	n->idle_timer_s = 120;
	n->nmembers = KNH_GROUP_MAX;
	for (i = 0; i < KNH_GROUP_MAX; i++)
		n->members[i] = (struct knh_member){ 1000 + i, 1 + i };

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		print_message("nh %u\n", cases[i].id);
		rtmsg_nh(mbuf.b, RTM_NEWNEXTHOP, 0, i, &cases[i]);
		assert_int_equal(rtmsg_parse_nh(&mbuf.align, &out), 0);
		assert_true(kobj_nh_eq(&out, &cases[i]));
		assert_int_equal(out.idle_timer_s, cases[i].idle_timer_s);
		if (out.is_group) {
			out.members[out.nmembers - 1].weight ^= 1;
			assert_false(kobj_nh_eq(&out, &cases[i]));
		}
	}
}

/* Kernel-shaped messages. A tiny writer that can also lie. */

/* An attribute whose nla_len says len_field whatever the payload. */
static void
raw(struct nlmsghdr *nlh, uint16_t type, uint16_t len_field,
    const void *data, size_t n)
{
	struct nlattr *a = mnl_nlmsg_get_payload_tail(nlh);

	a->nla_type = type;
	a->nla_len = len_field;
	memcpy(a + 1, data, n);
	nlh->nlmsg_len += MNL_ALIGN(sizeof(*a) + n);
}

static void
test_parse_route_kernel(void **state)
{
	struct rtmsg rtm = { .rtm_family = AF_INET, .rtm_table = 252,
	    .rtm_protocol = 250, .rtm_type = RTN_UNICAST };
	uint8_t mp[40], gw1[4] = { 198, 18, 1, 1 }, gw2[4] = { 198, 18, 2, 1 };
	struct rtnexthop *rtnh;
	struct nlattr *a;
	struct nlmsghdr *nlh;
	struct kroute out;
	uint32_t v;

	/* multipath: first nexthop's device and gateway */
	memset(mp, 0, sizeof(mp));
	rtnh = (struct rtnexthop *)mp;
	rtnh->rtnh_len = 16;
	rtnh->rtnh_ifindex = 5;
	a = (struct nlattr *)(mp + 8);
	a->nla_len = 8;
	a->nla_type = RTA_GATEWAY;
	memcpy(a + 1, gw1, 4);
	rtnh = (struct rtnexthop *)(mp + 16);
	rtnh->rtnh_len = 16;
	rtnh->rtnh_ifindex = 6;
	a = (struct nlattr *)(mp + 24);
	a->nla_len = 8;
	a->nla_type = RTA_GATEWAY;
	memcpy(a + 1, gw2, 4);
	nlh = msg(RTM_NEWROUTE, &rtm, sizeof(rtm));
	v = 1001;
	mnl_attr_put_u32(nlh, RTA_TABLE, v);
	mnl_attr_put(nlh, RTA_MULTIPATH, 32, mp);
	assert_int_equal(rtmsg_parse_route(nlh, &out), 0);
	assert_int_equal(out.table, 1001);
	assert_int_equal(out.oif, 5);
	assert_true(addr_eq(&out.gateway, &(struct addr){ 0 }) == false);
	assert_memory_equal(out.gateway.u.b, gw1, 4);
	assert_int_equal(out.dst.addr.family, AF_INET);

	/* nexthop_compat_mode: RTA_NH_ID plus the expansion; the route
	 * names only the nexthop */
	nlh = msg(RTM_NEWROUTE, &rtm, sizeof(rtm));
	mnl_attr_put_u32(nlh, RTA_NH_ID, 200);
	mnl_attr_put(nlh, RTA_MULTIPATH, 32, mp);
	assert_int_equal(rtmsg_parse_route(nlh, &out), 0);
	assert_int_equal(out.nhid, 200);
	assert_int_equal(out.oif, 0);
	assert_false(addr_is_set(&out.gateway));
	assert_int_equal(out.table, 252);

	/* not of interest: clones, local, multicast, other families */
	rtm.rtm_flags = RTM_F_CLONED;
	assert_int_equal(rtmsg_parse_route(msg(RTM_NEWROUTE, &rtm,
	    sizeof(rtm)), &out), 1);
	rtm.rtm_flags = 0;
	rtm.rtm_type = RTN_LOCAL;
	assert_int_equal(rtmsg_parse_route(msg(RTM_NEWROUTE, &rtm,
	    sizeof(rtm)), &out), 1);
	rtm.rtm_type = RTN_MULTICAST;
	assert_int_equal(rtmsg_parse_route(msg(RTM_NEWROUTE, &rtm,
	    sizeof(rtm)), &out), 1);
	rtm.rtm_type = RTN_UNICAST;
	rtm.rtm_family = AF_BRIDGE;
	assert_int_equal(rtmsg_parse_route(msg(RTM_NEWROUTE, &rtm,
	    sizeof(rtm)), &out), 1);
}

static void
test_parse_rule_kernel(void **state)
{
	struct fib_rule_hdr frh = { .family = AF_INET, .table = 254,
	    .action = FR_ACT_TO_TBL };
	struct nlmsghdr *nlh;
	struct krule out;

	/* dumps say 0xffffffff for no suppress_prefixlength */
	nlh = msg(RTM_NEWRULE, &frh, sizeof(frh));
	mnl_attr_put_u32(nlh, FRA_PRIORITY, 32766);
	mnl_attr_put_u32(nlh, FRA_SUPPRESS_PREFIXLEN, 0xffffffff);
	assert_int_equal(rtmsg_parse_rule(nlh, &out), 0);
	assert_int_equal(out.suppress_prefixlen, -1);
	assert_int_equal(out.table, 254);	/* from frh without FRA_TABLE */
	assert_int_equal(out.priority, 32766);
	/* and nothing for none */
	nlh = msg(RTM_NEWRULE, &frh, sizeof(frh));
	assert_int_equal(rtmsg_parse_rule(nlh, &out), 0);
	assert_int_equal(out.suppress_prefixlen, -1);
	/* "not", goto, blackhole: not modelled */
	frh.flags = FIB_RULE_INVERT;
	assert_int_equal(rtmsg_parse_rule(msg(RTM_NEWRULE, &frh,
	    sizeof(frh)), &out), 1);
	frh.flags = 0;
	frh.action = FR_ACT_BLACKHOLE;
	assert_int_equal(rtmsg_parse_rule(msg(RTM_NEWRULE, &frh,
	    sizeof(frh)), &out), 1);
}

static void
test_parse_link(void **state)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = 4,
	    .ifi_flags = IFF_UP | IFF_RUNNING | IFF_LOWER_UP_ };
	uint8_t mac[6] = { 2, 0, 0, 0, 0, 1 };
	struct nlmsghdr *nlh;
	struct klink out;

	nlh = msg(RTM_NEWLINK, &ifi, sizeof(ifi));
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "eth0");
	mnl_attr_put(nlh, IFLA_ADDRESS, 6, mac);
	mnl_attr_put_u8(nlh, IFLA_CARRIER, 1);
	assert_int_equal(rtmsg_parse_link(nlh, &out), 0);
	assert_int_equal(out.ifindex, 4);
	assert_string_equal(out.ifname, "eth0");
	assert_true(out.carrier);
	assert_false(out.pointopoint);
	assert_true(out.has_mac);
	assert_memory_equal(out.mac, mac, 6);
	assert_int_equal(out.flags, ifi.ifi_flags);

	/* ppp: no L2 address, NOARP */
	ifi.ifi_flags = IFF_UP | IFF_NOARP;
	nlh = msg(RTM_NEWLINK, &ifi, sizeof(ifi));
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "ppp0");
	assert_int_equal(rtmsg_parse_link(nlh, &out), 0);
	assert_true(out.pointopoint);
	assert_false(out.carrier);
	assert_false(out.has_mac);

	/* IFLA_CARRIER 0 overrides a stale LOWER_UP */
	ifi.ifi_flags = IFF_UP | IFF_LOWER_UP_ | IFF_POINTOPOINT;
	nlh = msg(RTM_NEWLINK, &ifi, sizeof(ifi));
	mnl_attr_put_u8(nlh, IFLA_CARRIER, 0);
	assert_int_equal(rtmsg_parse_link(nlh, &out), 0);
	assert_false(out.carrier);
	assert_true(out.pointopoint);

	/* RTM_DELLINK: index and name */
	nlh = msg(RTM_DELLINK, &ifi, sizeof(ifi));
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "wwan0");
	assert_int_equal(rtmsg_parse_link(nlh, &out), 0);
	assert_int_equal(out.ifindex, 4);
	assert_string_equal(out.ifname, "wwan0");

	/* bridge port messages are not links */
	ifi.ifi_family = AF_BRIDGE;
	nlh = msg(RTM_DELLINK, &ifi, sizeof(ifi));
	assert_int_equal(rtmsg_parse_link(nlh, &out), 1);
}

static void
test_parse_addr(void **state)
{
	struct ifaddrmsg ifa = { .ifa_family = AF_INET, .ifa_prefixlen = 32,
	    .ifa_flags = IFA_F_PERMANENT, .ifa_index = 9 };
	uint8_t local[4] = { 100, 64, 1, 2 }, peer[4] = { 100, 64, 1, 1 };
	uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
	struct nlmsghdr *nlh;
	struct kaddr out;

	/* ppp: IFA_LOCAL ours, IFA_ADDRESS the peer */
	nlh = msg(RTM_NEWADDR, &ifa, sizeof(ifa));
	mnl_attr_put(nlh, IFA_ADDRESS, 4, peer);
	mnl_attr_put(nlh, IFA_LOCAL, 4, local);
	assert_int_equal(rtmsg_parse_addr(nlh, &out), 0);
	assert_int_equal(out.ifindex, 9);
	assert_memory_equal(out.local.addr.u.b, local, 4);
	assert_int_equal(out.local.len, 32);
	assert_memory_equal(out.peer.u.b, peer, 4);
	assert_int_equal(out.flags, IFA_F_PERMANENT);

	/* broadcast: both equal, no peer */
	ifa.ifa_prefixlen = 24;
	nlh = msg(RTM_NEWADDR, &ifa, sizeof(ifa));
	mnl_attr_put(nlh, IFA_ADDRESS, 4, local);
	mnl_attr_put(nlh, IFA_LOCAL, 4, local);
	assert_int_equal(rtmsg_parse_addr(nlh, &out), 0);
	assert_false(addr_is_set(&out.peer));

	/* IPv6: IFA_ADDRESS only; IFA_FLAGS over ifa_flags */
	ifa.ifa_family = AF_INET6;
	ifa.ifa_prefixlen = 64;
	nlh = msg(RTM_NEWADDR, &ifa, sizeof(ifa));
	mnl_attr_put(nlh, IFA_ADDRESS, 16, v6);
	mnl_attr_put_u32(nlh, IFA_FLAGS, IFA_F_NODAD | IFA_F_NOPREFIXROUTE);
	assert_int_equal(rtmsg_parse_addr(nlh, &out), 0);
	assert_int_equal(out.local.addr.family, AF_INET6);
	assert_memory_equal(out.local.addr.u.b, v6, 16);
	assert_int_equal(out.flags, IFA_F_NODAD | IFA_F_NOPREFIXROUTE);
}

/* Real kernel dumps (tests/unit/rtmsg_seeds/, taken in a namespace set up
 * with the commands below): every message parses, and what the
 * namespace held comes out.
 *   ip nexthop add id 101 via 198.18.1.1 dev veth0 proto 250
 *   ip nexthop add id 102 via 198.18.1.3 dev veth0 proto 250
 *   ip nexthop add id 200 group 101/102,3 type resilient buckets 128
 *     idle_timer 60 proto 250
 *   ip route add default nhid 200 table 1001 proto 250
 *   ip route add default via 198.18.1.1 dev veth0 table 1002
 *     src 198.18.1.2 metric 10
 *   ip route add 198.18.50.0/24 nexthop via 198.18.1.1 weight 1
 *     nexthop via 198.18.1.3 weight 2
 *   ip rule add fwmark 0x10000/0xff0000 lookup 1001 pref 1001 protocol 250
 *   ip rule add from all lookup main suppress_prefixlength 0 pref 1000
 *   ip -6 rule add iif veth0 ipproto tcp dport 443 sport 1024-2000
 *     lookup 1002 pref 1003
 *   ip rule add pref 1099 unreachable
 *   ip addr add 100.64.0.1 peer 100.64.0.2 dev veth0
 */
#ifndef SRCDIR
#define SRCDIR "."
#endif

static size_t
load(const char *name, void *buf, size_t size)
{
	char path[512];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), SRCDIR "/tests/unit/rtmsg_seeds/%s", name);
	f = fopen(path, "rb");
	assert_non_null(f);
	n = fread(buf, 1, size, f);
	fclose(f);
	assert_true(n > 0);
	return n;
}

/* Parse every message of a dump with parse; count the 0s. */
static int
parse_dump(const char *name, int (*parse)(const struct nlmsghdr *, void *),
    void *out, size_t outsz, bool (*want)(const void *))
{
	static union {
		char b[65536];
		struct nlmsghdr align;
	} d;
	const struct nlmsghdr *nlh;
	int len, found = 0, ret;

	len = (int)load(name, d.b, sizeof(d.b));
	for (nlh = &d.align; mnl_nlmsg_ok(nlh, len);
	    nlh = mnl_nlmsg_next(nlh, &len)) {
		if (nlh->nlmsg_type < NLMSG_MIN_TYPE)
			continue;
		memset(out, 0xa5, outsz);
		ret = parse(nlh, out);
		assert_true(ret == 0 || ret == 1);
		if (ret == 0 && want(out))
			found++;
	}
	assert_int_equal(len, 0);
	return found;
}

static bool
want_route_nhid(const void *p)
{
	const struct kroute *r = p;

	return r->table == 1001 && r->nhid == 200 && r->dst.len == 0 &&
	    r->oif == 0 && !addr_is_set(&r->gateway) && r->protocol == 250;
}

static bool
want_route_gw(const void *p)
{
	const struct kroute *r = p;
	struct addr gw = A("198.18.1.1"), src = A("198.18.1.2");

	return r->table == 1002 && r->dst.len == 0 && r->priority == 10 &&
	    addr_eq(&r->gateway, &gw) && addr_eq(&r->prefsrc, &src) &&
	    r->oif > 0;
}

static bool
want_route_mp(const void *p)
{
	const struct kroute *r = p;
	struct prefix dst = P("198.18.50.0/24");
	struct addr gw = A("198.18.1.1");

	return r->table == RT_TABLE_MAIN && prefix_eq(&r->dst, &dst) &&
	    addr_eq(&r->gateway, &gw) && r->oif > 0;
}

static bool
want_route_v6(const void *p)
{
	const struct kroute *r = p;
	struct prefix dst = P("2001:db8:99::/48");

	return r->table == 1002 && prefix_eq(&r->dst, &dst);
}

static bool
want_rule_fwmark(const void *p)
{
	const struct krule *r = p;

	return r->priority == 1001 && r->fwmark == 0x10000 &&
	    r->fwmask == 0xff0000 && r->table == 1001 && r->protocol == 250 &&
	    r->suppress_prefixlen == -1 && r->action == KRULE_LOOKUP;
}

static bool
want_rule_suppress(const void *p)
{
	const struct krule *r = p;

	return r->priority == 1000 && r->suppress_prefixlen == 0 &&
	    r->table == RT_TABLE_MAIN && !addr_is_set(&r->src.addr);
}

static bool
want_rule_v6(const void *p)
{
	const struct krule *r = p;

	return r->family == AF_INET6 && r->priority == 1003 &&
	    strcmp(r->iifname, "veth0") == 0 && r->ip_proto == 6 &&
	    r->dport_lo == 443 && r->dport_hi == 443 &&
	    r->sport_lo == 1024 && r->sport_hi == 2000 && r->table == 1002;
}

static bool
want_rule_unreachable(const void *p)
{
	const struct krule *r = p;

	return r->priority == 1099 && r->action == KRULE_UNREACHABLE;
}

static bool
want_nh_group(const void *p)
{
	const struct knh *n = p;

	return n->id == 200 && n->is_group && n->resilient &&
	    n->buckets == 128 && n->idle_timer_s == 60 && n->nmembers == 2 &&
	    n->members[0].id == 101 && n->members[0].weight == 1 &&
	    n->members[1].id == 102 && n->members[1].weight == 3 &&
	    n->protocol == 250;
}

static bool
want_nh_single(const void *p)
{
	const struct knh *n = p;
	struct addr gw = A("198.18.1.3");

	return n->id == 102 && !n->is_group && n->family == AF_INET &&
	    addr_eq(&n->gateway, &gw) && n->oif > 0;
}

static bool
want_link_veth(const void *p)
{
	const struct klink *l = p;

	return strcmp(l->ifname, "veth0") == 0 && l->has_mac &&
	    !l->pointopoint && l->carrier;
}

static bool
want_addr_peer(const void *p)
{
	const struct kaddr *a = p;
	struct addr local = A("100.64.0.1"), peer = A("100.64.0.2");

	return addr_eq(&a->local.addr, &local) && a->local.len == 32 &&
	    addr_eq(&a->peer, &peer);
}

/* parse_dump's parse, without calling through a cast function pointer */
#define WRAP(kind, type)						\
	static int							\
	parse_##kind(const struct nlmsghdr *nlh, void *out)		\
	{								\
		return rtmsg_parse_##kind(nlh, (type *)out);		\
	}
WRAP(route, struct kroute)
WRAP(rule, struct krule)
WRAP(nh, struct knh)
WRAP(link, struct klink)
WRAP(addr, struct kaddr)

static void
test_parse_kernel_dumps(void **state)
{
	struct kroute r;
	struct krule ru;
	static struct knh n;
	struct klink l;
	struct kaddr a;

	assert_int_equal(parse_dump("dump_route.bin",
	    parse_route, &r, sizeof(r), want_route_nhid), 1);
	assert_int_equal(parse_dump("dump_route.bin",
	    parse_route, &r, sizeof(r), want_route_gw), 1);
	assert_int_equal(parse_dump("dump_route.bin",
	    parse_route, &r, sizeof(r), want_route_mp), 1);
	assert_int_equal(parse_dump("dump_route.bin",
	    parse_route, &r, sizeof(r), want_route_v6), 1);
	assert_int_equal(parse_dump("dump_rule.bin",
	    parse_rule, &ru, sizeof(ru), want_rule_fwmark), 1);
	assert_int_equal(parse_dump("dump_rule.bin",
	    parse_rule, &ru, sizeof(ru), want_rule_suppress),
	    1);
	assert_int_equal(parse_dump("dump_rule.bin",
	    parse_rule, &ru, sizeof(ru), want_rule_v6), 1);
	assert_int_equal(parse_dump("dump_rule.bin",
	    parse_rule, &ru, sizeof(ru),
	    want_rule_unreachable), 1);
	assert_int_equal(parse_dump("dump_nexthop.bin",
	    parse_nh, &n, sizeof(n), want_nh_group), 1);
	assert_int_equal(parse_dump("dump_nexthop.bin",
	    parse_nh, &n, sizeof(n), want_nh_single), 1);
	assert_int_equal(parse_dump("dump_link.bin",
	    parse_link, &l, sizeof(l), want_link_veth), 1);
	assert_int_equal(parse_dump("dump_addr.bin",
	    parse_addr, &a, sizeof(a), want_addr_peer), 1);
}

/* Malformed: each builds a message that its parser must reject. */

static const uint8_t v4[4] = { 198, 18, 0, 1 };

static int
bad_route_short(void)
{
	struct rtmsg rtm = { .rtm_family = AF_INET };
	struct nlmsghdr *nlh = msg(RTM_NEWROUTE, &rtm, sizeof(rtm));
	struct kroute r;

	nlh->nlmsg_len = 16 + 11;	/* rtmsg cut short */
	return rtmsg_parse_route(nlh, &r);
}

static int
bad_route_attr_len3(void)
{
	struct rtmsg rtm = { .rtm_family = AF_INET, .rtm_type = RTN_UNICAST };
	struct nlmsghdr *nlh = msg(RTM_NEWROUTE, &rtm, sizeof(rtm));
	struct kroute r;

	raw(nlh, RTA_OIF, 3, "\0\0\0\0", 4);
	return rtmsg_parse_route(nlh, &r);
}

static int
bad_route_attr_past_end(void)
{
	struct rtmsg rtm = { .rtm_family = AF_INET, .rtm_type = RTN_UNICAST };
	struct nlmsghdr *nlh = msg(RTM_NEWROUTE, &rtm, sizeof(rtm));
	struct kroute r;

	raw(nlh, RTA_OIF, 12, "\1\0\0\0", 4);	/* says 12, has 8 */
	return rtmsg_parse_route(nlh, &r);
}

static int
bad_route_oif_u16(void)
{
	struct rtmsg rtm = { .rtm_family = AF_INET, .rtm_type = RTN_UNICAST };
	struct nlmsghdr *nlh = msg(RTM_NEWROUTE, &rtm, sizeof(rtm));
	struct kroute r;

	raw(nlh, RTA_OIF, 6, "\1\0", 2);
	return rtmsg_parse_route(nlh, &r);
}

static int
bad_route_gateway_v6_in_v4(void)
{
	struct rtmsg rtm = { .rtm_family = AF_INET, .rtm_type = RTN_UNICAST };
	struct nlmsghdr *nlh = msg(RTM_NEWROUTE, &rtm, sizeof(rtm));
	uint8_t b[16] = { 0 };
	struct kroute r;

	mnl_attr_put(nlh, RTA_GATEWAY, 16, b);
	return rtmsg_parse_route(nlh, &r);
}

static int
bad_route_dst_len(void)
{
	struct rtmsg rtm = { .rtm_family = AF_INET, .rtm_dst_len = 33,
	    .rtm_type = RTN_UNICAST };
	struct nlmsghdr *nlh = msg(RTM_NEWROUTE, &rtm, sizeof(rtm));
	struct kroute r;

	mnl_attr_put(nlh, RTA_DST, 4, v4);
	return rtmsg_parse_route(nlh, &r);
}

static int
bad_route_multipath_len(void)
{
	struct rtmsg rtm = { .rtm_family = AF_INET, .rtm_type = RTN_UNICAST };
	struct nlmsghdr *nlh = msg(RTM_NEWROUTE, &rtm, sizeof(rtm));
	struct rtnexthop rtnh = { .rtnh_len = 24, .rtnh_ifindex = 1 };
	struct kroute r;

	mnl_attr_put(nlh, RTA_MULTIPATH, sizeof(rtnh), &rtnh);
	return rtmsg_parse_route(nlh, &r);
}

static int
bad_route_trailing(void)
{
	struct rtmsg rtm = { .rtm_family = AF_INET, .rtm_type = RTN_UNICAST };
	struct nlmsghdr *nlh = msg(RTM_NEWROUTE, &rtm, sizeof(rtm));
	struct kroute r;

	mnl_attr_put_u32(nlh, RTA_OIF, 1);
	nlh->nlmsg_len += 2;		/* half an attribute header */
	return rtmsg_parse_route(nlh, &r);
}

static int
bad_rule_priority_u16(void)
{
	struct fib_rule_hdr frh = { .family = AF_INET,
	    .action = FR_ACT_TO_TBL };
	struct nlmsghdr *nlh = msg(RTM_NEWRULE, &frh, sizeof(frh));
	struct krule r;

	raw(nlh, FRA_PRIORITY, 6, "\1\0", 2);
	return rtmsg_parse_rule(nlh, &r);
}

static int
bad_rule_src_len(void)
{
	struct fib_rule_hdr frh = { .family = AF_INET, .src_len = 24,
	    .action = FR_ACT_TO_TBL };
	struct nlmsghdr *nlh = msg(RTM_NEWRULE, &frh, sizeof(frh));
	struct krule r;

	return rtmsg_parse_rule(nlh, &r);	/* src_len without FRA_SRC */
}

static int
bad_rule_iifname_unterminated(void)
{
	struct fib_rule_hdr frh = { .family = AF_INET,
	    .action = FR_ACT_TO_TBL };
	struct nlmsghdr *nlh = msg(RTM_NEWRULE, &frh, sizeof(frh));
	struct krule r;

	mnl_attr_put(nlh, FRA_IIFNAME, 16, "0123456789abcdef");
	return rtmsg_parse_rule(nlh, &r);
}

static int
bad_rule_port_range(void)
{
	struct fib_rule_hdr frh = { .family = AF_INET,
	    .action = FR_ACT_TO_TBL };
	struct nlmsghdr *nlh = msg(RTM_NEWRULE, &frh, sizeof(frh));
	struct krule r;

	raw(nlh, FRA_DPORT_RANGE, 6, "\1\0", 2);
	return rtmsg_parse_rule(nlh, &r);
}

static int
bad_nh_no_id(void)
{
	struct nhmsg nhm = { .nh_family = AF_INET };
	struct nlmsghdr *nlh = msg(RTM_NEWNEXTHOP, &nhm, sizeof(nhm));
	struct knh n;

	mnl_attr_put_u32(nlh, NHA_OIF, 1);
	return rtmsg_parse_nh(nlh, &n);
}

static int
bad_nh_group_len(void)
{
	struct nhmsg nhm = { 0 };
	struct nlmsghdr *nlh = msg(RTM_NEWNEXTHOP, &nhm, sizeof(nhm));
	uint8_t g[12] = { 1 };
	struct knh n;

	mnl_attr_put_u32(nlh, NHA_ID, 1);
	mnl_attr_put(nlh, NHA_GROUP, sizeof(g), g);	/* 1.5 members */
	return rtmsg_parse_nh(nlh, &n);
}

static int
bad_nh_res_nest(void)
{
	struct nhmsg nhm = { 0 };
	struct nlmsghdr *nlh = msg(RTM_NEWNEXTHOP, &nhm, sizeof(nhm));
	uint8_t g[8] = { 1 };
	uint8_t inner[8] = { 12, 0, 1, 0, 128, 0, 0, 0 };	/* len 12 > 8 */
	struct knh n;

	mnl_attr_put_u32(nlh, NHA_ID, 1);
	mnl_attr_put(nlh, NHA_GROUP, sizeof(g), g);
	raw(nlh, NHA_RES_GROUP | NLA_F_NESTED, 12, inner, sizeof(inner));
	return rtmsg_parse_nh(nlh, &n);
}

static int
bad_nh_gateway_len(void)
{
	struct nhmsg nhm = { .nh_family = AF_INET6 };
	struct nlmsghdr *nlh = msg(RTM_NEWNEXTHOP, &nhm, sizeof(nhm));
	struct knh n;

	mnl_attr_put_u32(nlh, NHA_ID, 1);
	mnl_attr_put(nlh, NHA_GATEWAY, 4, v4);
	return rtmsg_parse_nh(nlh, &n);
}

static int
bad_link_ifname_long(void)
{
	struct ifinfomsg ifi = { .ifi_index = 1 };
	struct nlmsghdr *nlh = msg(RTM_NEWLINK, &ifi, sizeof(ifi));
	struct klink l;

	mnl_attr_put_strz(nlh, IFLA_IFNAME, "0123456789abcdefg");
	return rtmsg_parse_link(nlh, &l);
}

static int
bad_link_carrier_u32(void)
{
	struct ifinfomsg ifi = { .ifi_index = 1 };
	struct nlmsghdr *nlh = msg(RTM_NEWLINK, &ifi, sizeof(ifi));
	struct klink l;

	mnl_attr_put_u32(nlh, IFLA_CARRIER, 1);
	return rtmsg_parse_link(nlh, &l);
}

static int
bad_link_short(void)
{
	struct ifinfomsg ifi = { .ifi_index = 1 };
	struct nlmsghdr *nlh = msg(RTM_NEWLINK, &ifi, sizeof(ifi));
	struct klink l;

	nlh->nlmsg_len = 16 + 8;
	return rtmsg_parse_link(nlh, &l);
}

static int
bad_addr_none(void)
{
	struct ifaddrmsg ifa = { .ifa_family = AF_INET, .ifa_index = 1 };
	struct nlmsghdr *nlh = msg(RTM_NEWADDR, &ifa, sizeof(ifa));
	struct kaddr a;

	mnl_attr_put_u32(nlh, IFA_FLAGS, 0);
	return rtmsg_parse_addr(nlh, &a);
}

static int
bad_addr_local_len(void)
{
	struct ifaddrmsg ifa = { .ifa_family = AF_INET6, .ifa_index = 1 };
	struct nlmsghdr *nlh = msg(RTM_NEWADDR, &ifa, sizeof(ifa));
	struct kaddr a;

	mnl_attr_put(nlh, IFA_ADDRESS, 4, v4);
	return rtmsg_parse_addr(nlh, &a);
}

static int
bad_addr_prefixlen(void)
{
	struct ifaddrmsg ifa = { .ifa_family = AF_INET, .ifa_prefixlen = 40,
	    .ifa_index = 1 };
	struct nlmsghdr *nlh = msg(RTM_NEWADDR, &ifa, sizeof(ifa));
	struct kaddr a;

	mnl_attr_put(nlh, IFA_ADDRESS, 4, v4);
	return rtmsg_parse_addr(nlh, &a);
}

static void
test_malformed(void **state)
{
	static const struct {
		const char *name;
		int (*fn)(void);
	} cases[] = {
		{ "route: rtmsg truncated", bad_route_short },
		{ "route: nla_len 3", bad_route_attr_len3 },
		{ "route: attribute past nlmsg_len", bad_route_attr_past_end },
		{ "route: RTA_OIF of 2 bytes", bad_route_oif_u16 },
		{ "route: 16-byte gateway in AF_INET", bad_route_gateway_v6_in_v4 },
		{ "route: dst_len 33", bad_route_dst_len },
		{ "route: rtnh_len past RTA_MULTIPATH", bad_route_multipath_len },
		{ "route: trailing bytes", bad_route_trailing },
		{ "rule: FRA_PRIORITY of 2 bytes", bad_rule_priority_u16 },
		{ "rule: src_len without FRA_SRC", bad_rule_src_len },
		{ "rule: iifname without NUL", bad_rule_iifname_unterminated },
		{ "rule: short port range", bad_rule_port_range },
		{ "nh: no NHA_ID", bad_nh_no_id },
		{ "nh: NHA_GROUP not n * 8", bad_nh_group_len },
		{ "nh: bad NHA_RES_GROUP nest", bad_nh_res_nest },
		{ "nh: 4-byte gateway in AF_INET6", bad_nh_gateway_len },
		{ "link: ifname of 17", bad_link_ifname_long },
		{ "link: IFLA_CARRIER u32", bad_link_carrier_u32 },
		{ "link: ifinfomsg truncated", bad_link_short },
		{ "addr: no address", bad_addr_none },
		{ "addr: 4 bytes in AF_INET6", bad_addr_local_len },
		{ "addr: prefixlen 40", bad_addr_prefixlen },
	};
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		print_message("malformed: %s\n", cases[i].name);
		assert_int_equal(cases[i].fn(), -EINVAL);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_route),
		cmocka_unit_test(test_build_addr),
		cmocka_unit_test(test_build_rule_fwmark),
		cmocka_unit_test(test_build_rule_suppress),
		cmocka_unit_test(test_build_nh),
		cmocka_unit_test(test_build_nh_group),
		cmocka_unit_test(test_build_nh_del),
		cmocka_unit_test(test_build_dump),
		cmocka_unit_test(test_roundtrip_route),
		cmocka_unit_test(test_roundtrip_rule),
		cmocka_unit_test(test_roundtrip_nh),
		cmocka_unit_test(test_parse_route_kernel),
		cmocka_unit_test(test_parse_rule_kernel),
		cmocka_unit_test(test_parse_link),
		cmocka_unit_test(test_parse_addr),
		cmocka_unit_test(test_parse_kernel_dumps),
		cmocka_unit_test(test_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
