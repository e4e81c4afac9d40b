/* SPDX-License-Identifier: ISC */
/*
 * mirror: what the kernel mirror keeps of dumps and events, and what it
 * forgets without being told (a device's nexthops on carrier loss, its
 * IPv4 routes when it goes down, everything of a deleted device).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include "mirror.h"
#include "rtmsg.h"
#include "testaddr.h"

#define IFF_LOWER_UP_	0x10000
#define UP_CARRIER	(IFF_UP | IFF_RUNNING | IFF_LOWER_UP_)

static struct nlmsghdr *
link_msg(uint16_t type, int ifindex, const char *name, unsigned int flags)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC,
	    .ifi_index = ifindex, .ifi_flags = flags };
	struct nlmsghdr *nlh = msg(type, &ifi, sizeof(ifi));
	uint8_t mac[6] = { 2, 0, 0, 0, 0, (uint8_t)ifindex };

	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put(nlh, IFLA_ADDRESS, 6, mac);
	mnl_attr_put_u8(nlh, IFLA_CARRIER, !!(flags & IFF_LOWER_UP_));
	return nlh;
}

static struct nlmsghdr *
addr_msg(uint16_t type, int ifindex, const char *pfx)
{
	struct prefix p = P(pfx);
	struct ifaddrmsg ifa = { .ifa_family = p.addr.family,
	    .ifa_prefixlen = p.len, .ifa_index = ifindex };
	struct nlmsghdr *nlh = msg(type, &ifa, sizeof(ifa));
	size_t n = p.addr.family == AF_INET ? 4 : 16;

	mnl_attr_put(nlh, IFA_ADDRESS, n, p.addr.u.b);
	mnl_attr_put(nlh, IFA_LOCAL, n, p.addr.u.b);
	return nlh;
}

static struct nlmsghdr *
neigh_msg(uint16_t type, int ifindex, const char *ip, uint8_t last,
    uint16_t state)
{
	struct addr a = A(ip);
	struct ndmsg nd = { .ndm_family = a.family, .ndm_ifindex = ifindex,
	    .ndm_state = state };
	struct nlmsghdr *nlh = msg(type, &nd, sizeof(nd));
	uint8_t mac[6] = { 2, 0, 0, 0, 0xee, last };

	mnl_attr_put(nlh, NDA_DST, a.family == AF_INET ? 4 : 16, a.u.b);
	mnl_attr_put(nlh, NDA_LLADDR, 6, mac);
	return nlh;
}

static struct kroute
route(uint8_t family, uint32_t table, const char *dst, const char *gw,
    int oif)
{
	struct kroute r;

	memset(&r, 0, sizeof(r));
	r.family = family;
	r.table = table;
	r.dst = P(dst);
	if (gw)
		r.gateway = A(gw);
	r.oif = oif;
	r.protocol = RTPROT_BOOT;
	r.scope = gw ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
	r.type = RTN_UNICAST;
	return r;
}

static int
ev_route(struct kstate *s, const struct mirror_filter *f, uint16_t type,
    const struct kroute *r)
{
	return mirror_event(s, f, rtmsg_route(mbuf.b, type, 0, 1, r));
}

static int
ev_nh(struct kstate *s, const struct mirror_filter *f, uint16_t type,
    const struct knh *n)
{
	return mirror_event(s, f, rtmsg_nh(mbuf.b, type, 0, 1, n));
}

/* wan1 (4) and wan2 (5) up, each with a nexthop (1, 2) in group 100, a
 * default route in table 1001/1002 and an IPv6 route on wan1; lan0 (6). */
static void
setup_two(struct kstate *s, struct mirror_filter *f)
{
	static const char *const ups[] = { "wan1", "wan2" };
	struct knh n;
	struct kroute r;

	kobj_init(s);
	mirror_filter_init(f);
	f->table_lo = 1000;
	f->table_hi = 1256;
	mirror_filter_neighs(f, ups, 2);
	assert_int_equal(mirror_event(s, f,
	    link_msg(RTM_NEWLINK, 4, "wan1", UP_CARRIER)), 1);
	assert_int_equal(mirror_event(s, f,
	    link_msg(RTM_NEWLINK, 5, "wan2", UP_CARRIER)), 1);
	assert_int_equal(mirror_event(s, f,
	    link_msg(RTM_NEWLINK, 6, "lan0", UP_CARRIER)), 1);
	assert_int_equal(mirror_event(s, f,
	    addr_msg(RTM_NEWADDR, 4, "198.18.1.2/24")), 1);
	assert_int_equal(mirror_event(s, f,
	    addr_msg(RTM_NEWADDR, 5, "198.18.2.2/24")), 1);

	memset(&n, 0, sizeof(n));
	n.id = 1;
	n.family = AF_INET;
	n.gateway = A("198.18.1.1");
	n.oif = 4;
	assert_int_equal(ev_nh(s, f, RTM_NEWNEXTHOP, &n), 1);
	n.id = 2;
	n.gateway = A("198.18.2.1");
	n.oif = 5;
	assert_int_equal(ev_nh(s, f, RTM_NEWNEXTHOP, &n), 1);
	memset(&n, 0, sizeof(n));
	n.id = 100;
	n.is_group = true;
	n.members[0].id = 1;
	n.members[0].weight = 1;
	n.members[1].id = 2;
	n.members[1].weight = 1;
	n.nmembers = 2;
	assert_int_equal(ev_nh(s, f, RTM_NEWNEXTHOP, &n), 1);

	r = route(AF_INET, 1001, "0.0.0.0/0", "198.18.1.1", 4);
	assert_int_equal(ev_route(s, f, RTM_NEWROUTE, &r), 1);
	r = route(AF_INET, 1002, "0.0.0.0/0", "198.18.2.1", 5);
	assert_int_equal(ev_route(s, f, RTM_NEWROUTE, &r), 1);
	r = route(AF_INET6, 1001, "::/0", "2001:db8:1::1", 4);
	assert_int_equal(ev_route(s, f, RTM_NEWROUTE, &r), 1);
}

static unsigned int
routes_via(const struct kstate *s, int oif)
{
	unsigned int i, n = 0;

	for (i = 0; i < s->nroutes; i++)
		n += s->routes[i].oif == oif;
	return n;
}

static void
test_repeat_is_no_change(void **state)
{
	struct mirror_filter f;
	struct kstate s;
	struct kroute r;

	(void)state;
	setup_two(&s, &f);
	assert_int_equal(mirror_event(&s, &f,
	    link_msg(RTM_NEWLINK, 4, "wan1", UP_CARRIER)), 0);
	assert_int_equal(mirror_event(&s, &f,
	    addr_msg(RTM_NEWADDR, 4, "198.18.1.2/24")), 0);
	r = route(AF_INET, 1001, "0.0.0.0/0", "198.18.1.1", 4);
	assert_int_equal(ev_route(&s, &f, RTM_NEWROUTE, &r), 0);
	/* a changed gateway replaces the route, it does not add one */
	r.gateway = A("198.18.1.254");
	assert_int_equal(ev_route(&s, &f, RTM_NEWROUTE, &r), 1);
	assert_int_equal(routes_via(&s, 4), 2);
	/* a delete of what is not there changes nothing */
	assert_int_equal(mirror_event(&s, &f,
	    addr_msg(RTM_DELADDR, 4, "198.18.9.9/24")), 0);
	kobj_clear(&s);
}

static void
test_carrier_loss_flushes_nexthops(void **state)
{
	struct mirror_filter f;
	struct kstate s;
	const struct knh *g;

	(void)state;
	setup_two(&s, &f);
	/* carrier lost, still up: the kernel drops the device's nexthops
	 * and their group memberships, and tells nobody */
	assert_int_equal(mirror_event(&s, &f,
	    link_msg(RTM_NEWLINK, 4, "wan1", IFF_UP)), 1);
	assert_null(kobj_find_nh(&s, 1));
	assert_non_null(kobj_find_nh(&s, 2));
	g = kobj_find_nh(&s, 100);
	assert_non_null(g);
	assert_int_equal(g->nmembers, 1);
	assert_int_equal(g->members[0].id, 2);
	/* routes stay while the device is up */
	assert_int_equal(routes_via(&s, 4), 2);
	assert_false(kobj_link_by_index(&s, 4)->carrier);

	/* down: its IPv4 routes go too, the IPv6 one stays */
	assert_int_equal(mirror_event(&s, &f,
	    link_msg(RTM_NEWLINK, 4, "wan1", 0)), 1);
	assert_int_equal(routes_via(&s, 4), 1);
	assert_int_equal(s.routes[0].family == AF_INET6 ||
	    s.routes[1].family == AF_INET6, 1);
	kobj_clear(&s);
}

static void
test_last_member_takes_group(void **state)
{
	struct mirror_filter f;
	struct kstate s;
	struct kroute r;

	(void)state;
	setup_two(&s, &f);
	r = route(AF_INET, 1000, "0.0.0.0/0", NULL, 0);
	r.nhid = 100;
	assert_int_equal(ev_route(&s, &f, RTM_NEWROUTE, &r), 1);
	assert_int_equal(mirror_event(&s, &f,
	    link_msg(RTM_NEWLINK, 4, "wan1", IFF_UP)), 1);
	assert_non_null(kobj_find_nh(&s, 100));
	assert_int_equal(mirror_event(&s, &f,
	    link_msg(RTM_NEWLINK, 5, "wan2", IFF_UP)), 1);
	/* the group is left empty: gone, with the route through it */
	assert_null(kobj_find_nh(&s, 100));
	assert_null(kobj_find_route(&s, &r));
	kobj_clear(&s);
}

static void
test_dellink_takes_everything(void **state)
{
	struct mirror_filter f;
	struct kstate s;
	unsigned int i;

	(void)state;
	setup_two(&s, &f);
	assert_int_equal(mirror_event(&s, &f, neigh_msg(RTM_NEWNEIGH, 5,
	    "198.18.2.1", 1, NUD_REACHABLE)), 1);
	assert_int_equal(mirror_event(&s, &f,
	    link_msg(RTM_DELLINK, 5, "wan2", UP_CARRIER)), 1);
	assert_null(kobj_link_by_index(&s, 5));
	assert_null(kobj_find_nh(&s, 2));
	assert_int_equal(routes_via(&s, 5), 0);
	assert_int_equal(s.nneighs, 0);
	for (i = 0; i < s.naddrs; i++)
		assert_int_not_equal(s.addrs[i].ifindex, 5);
	assert_non_null(kobj_link_by_index(&s, 4));
	assert_int_equal(routes_via(&s, 4), 2);
	kobj_clear(&s);
}

static void
test_route_filter(void **state)
{
	struct mirror_filter f;
	struct kstate s;
	struct kroute r;
	unsigned int n;

	(void)state;
	setup_two(&s, &f);
	n = s.nroutes;
	/* main: only its default routes */
	r = route(AF_INET, RT_TABLE_MAIN, "198.18.1.0/24", NULL, 4);
	assert_int_equal(ev_route(&s, &f, RTM_NEWROUTE, &r), 0);
	r = route(AF_INET, RT_TABLE_MAIN, "0.0.0.0/0", "198.18.1.1", 4);
	assert_int_equal(ev_route(&s, &f, RTM_NEWROUTE, &r), 1);
	/* local: nothing */
	r = route(AF_INET, RT_TABLE_LOCAL, "0.0.0.0/0", "198.18.1.1", 4);
	assert_int_equal(ev_route(&s, &f, RTM_NEWROUTE, &r), 0);
	/* uplinkd's range: everything */
	r = route(AF_INET, 1256, "198.18.1.0/24", NULL, 4);
	assert_int_equal(ev_route(&s, &f, RTM_NEWROUTE, &r), 1);
	r = route(AF_INET, 1257, "198.18.1.0/24", NULL, 4);
	assert_int_equal(ev_route(&s, &f, RTM_NEWROUTE, &r), 0);
	assert_int_equal(s.nroutes, n + 2);
	/* a dump's message (NLM_F_MULTI) is filtered the same */
	r = route(AF_INET, RT_TABLE_MAIN, "198.19.0.0/16", NULL, 5);
	assert_int_equal(mirror_event(&s, &f,
	    rtmsg_route(mbuf.b, RTM_NEWROUTE, NLM_F_MULTI, 1, &r)), 0);
	assert_int_equal(s.nroutes, n + 2);
	r.table = 1001;
	assert_int_equal(mirror_event(&s, &f,
	    rtmsg_route(mbuf.b, RTM_NEWROUTE, NLM_F_MULTI, 1, &r)), 1);
	assert_int_equal(s.nroutes, n + 3);
	kobj_clear(&s);
}

static void
test_neighbour_filter(void **state)
{
	struct mirror_filter f;
	struct kstate s;
	struct addr gw = A("198.18.1.1");

	(void)state;
	setup_two(&s, &f);
	/* a LAN host's entry is not kept */
	assert_int_equal(mirror_event(&s, &f, neigh_msg(RTM_NEWNEIGH, 6,
	    "100.64.0.2", 7, NUD_REACHABLE)), 0);
	assert_int_equal(mirror_event(&s, &f, neigh_msg(RTM_NEWNEIGH, 6,
	    "100.64.0.3", 7, NUD_REACHABLE)), 0);
	assert_int_equal(s.nneighs, 0);
	/* the gateway's is, once; a new MAC replaces it */
	assert_int_equal(mirror_event(&s, &f, neigh_msg(RTM_NEWNEIGH, 4,
	    "198.18.1.1", 1, NUD_REACHABLE)), 1);
	assert_int_equal(mirror_event(&s, &f, neigh_msg(RTM_NEWNEIGH, 4,
	    "198.18.1.1", 1, NUD_STALE)), 0);
	assert_int_equal(mirror_event(&s, &f, neigh_msg(RTM_NEWNEIGH, 4,
	    "198.18.1.1", 2, NUD_REACHABLE)), 1);
	assert_int_equal(s.nneighs, 1);
	assert_int_equal(kobj_neigh(&s, 4, &gw)->mac[5], 2);
	/* failed resolution: forgotten */
	assert_int_equal(mirror_event(&s, &f, neigh_msg(RTM_NEWNEIGH, 4,
	    "198.18.1.1", 2, NUD_FAILED)), 1);
	assert_null(kobj_neigh(&s, 4, &gw));
	kobj_clear(&s);
}

static void
test_malformed(void **state)
{
	struct mirror_filter f;
	struct kstate s;
	struct nlmsghdr *nlh;
	unsigned int n;

	(void)state;
	setup_two(&s, &f);
	n = s.nlinks + s.naddrs + s.nroutes + s.nnhs;
	/* an address message without an address */
	struct ifaddrmsg ifa = { .ifa_family = AF_INET, .ifa_index = 4 };
	nlh = msg(RTM_NEWADDR, &ifa, sizeof(ifa));
	assert_int_equal(mirror_event(&s, &f, nlh), -EINVAL);
	/* a header cut short */
	nlh = link_msg(RTM_DELLINK, 4, "wan1", 0);
	nlh->nlmsg_len = sizeof(*nlh) + 4;
	assert_int_equal(mirror_event(&s, &f, nlh), -EINVAL);
	assert_int_equal(s.nlinks + s.naddrs + s.nroutes + s.nnhs, n);
	/* types the mirror does not follow */
	nlh = msg(RTM_NEWQDISC, &ifa, sizeof(ifa));
	assert_int_equal(mirror_event(&s, &f, nlh), 0);
	kobj_clear(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_repeat_is_no_change),
		cmocka_unit_test(test_carrier_loss_flushes_nexthops),
		cmocka_unit_test(test_last_member_takes_group),
		cmocka_unit_test(test_dellink_takes_everything),
		cmocka_unit_test(test_route_filter),
		cmocka_unit_test(test_neighbour_filter),
		cmocka_unit_test(test_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
