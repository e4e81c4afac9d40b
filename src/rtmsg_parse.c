/* SPDX-License-Identifier: ISC */
/*
 * rtnetlink parsers for the objects of kobj.h (see rtmsg.h; the builders
 * are in rtmsg.c). Each checks every length against nlmsg_len before
 * reading, validates each attribute it uses, and translates the kernel's
 * encodings (nexthop_grp weight - 1, clock_t idle timers, 0xffffffff "no
 * suppress_prefixlength") into the plain values of kobj.h. No I/O: safe
 * to fuzz.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/fib_rules.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/nexthop.h>
#include <linux/rtnetlink.h>

#include "rtmsg.h"

#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP	0x10000	/* linux/if.h, which clashes with net/if.h */
#endif

#define USER_HZ		100	/* clock_t units of NHA_RES_GROUP timers */

/* Expected type of an attribute we read; MNL_TYPE_UNSPEC: not read. */
struct policy {
	enum mnl_attr_data_type type;
	size_t len;		/* for MNL_TYPE_BINARY: exact; 0: any */
};



/*
 * Walk the attributes in [p, p + len), every one of which must fit, and
 * keep the last of each type <= max in tb[]. Attributes named in pol[] are
 * validated with libmnl; others only need to fit. 0 or -EINVAL.
 */
static int
walk_attrs(const void *p, size_t len, const struct nlattr **tb,
    unsigned int max, const struct policy *pol)
{
	const struct nlattr *a = p;
	size_t alen;
	uint16_t type;

	memset(tb, 0, (max + 1) * sizeof(*tb));
	while (len >= sizeof(*a)) {
		alen = a->nla_len;
		if (alen < sizeof(*a) || alen > len)
			return -EINVAL;
		type = mnl_attr_get_type(a);
		if (type <= max) {
			if (pol[type].type == MNL_TYPE_BINARY) {
				if (pol[type].len && mnl_attr_validate2(a,
				    MNL_TYPE_BINARY, pol[type].len) < 0)
					return -EINVAL;
			} else if (pol[type].type != MNL_TYPE_UNSPEC &&
			    mnl_attr_validate(a, pol[type].type) < 0)
				return -EINVAL;
			tb[type] = a;
		}
		alen = MNL_ALIGN(alen);
		if (alen >= len) {
			len = 0;
			break;
		}
		len -= alen;
		a = (const struct nlattr *)((const char *)a + alen);
	}
	return len == 0 ? 0 : -EINVAL;
}

/* The attributes of a message after its family header of hdrlen bytes. */
static int
parse_msg(const struct nlmsghdr *nlh, size_t hdrlen, const struct nlattr **tb,
    unsigned int max, const struct policy *pol)
{
	size_t off = MNL_NLMSG_HDRLEN + MNL_ALIGN(hdrlen);

	/* mnl_nlmsg_ok() compares nlmsg_len as an int: refuse what it
	 * would let through as negative */
	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + hdrlen ||
	    nlh->nlmsg_len > INT32_MAX)
		return -EINVAL;
	if (nlh->nlmsg_len <= off) {
		memset(tb, 0, (max + 1) * sizeof(*tb));
		return 0;
	}
	return walk_attrs((const char *)nlh + off, nlh->nlmsg_len - off, tb,
	    max, pol);
}

/* An address attribute of family: exactly 4 or 16 bytes. */
static int
get_addr(const struct nlattr *a, uint8_t family, struct addr *out)
{
	size_t n = family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;

	if (n == 0 || mnl_attr_get_payload_len(a) != n)
		return -EINVAL;
	addr_from_bytes(out, family, mnl_attr_get_payload(a));
	return 0;
}

static uint8_t
family_bits(uint8_t family)
{
	return family == AF_INET ? 32 : 128;
}

/* An interface name attribute: 1..IFNAMSIZ bytes, NUL within. */
static int
get_ifname(const struct nlattr *a, char out[IFNAMSIZ])
{
	const char *s = mnl_attr_get_payload(a);
	size_t n = mnl_attr_get_payload_len(a), l;

	l = strnlen(s, n);
	if (l >= IFNAMSIZ || l == 0)
		return -EINVAL;
	memcpy(out, s, l);
	out[l] = '\0';
	return 0;
}

/* Routes. */


static const struct policy route_pol[RTA_MAX + 1] = {
	[RTA_DST] = { MNL_TYPE_BINARY, 0 },
	[RTA_GATEWAY] = { MNL_TYPE_BINARY, 0 },
	[RTA_PREFSRC] = { MNL_TYPE_BINARY, 0 },
	[RTA_OIF] = { MNL_TYPE_U32, 0 },
	[RTA_PRIORITY] = { MNL_TYPE_U32, 0 },
	[RTA_TABLE] = { MNL_TYPE_U32, 0 },
	[RTA_NH_ID] = { MNL_TYPE_U32, 0 },
	[RTA_MULTIPATH] = { MNL_TYPE_BINARY, 0 },
	[RTA_VIA] = { MNL_TYPE_BINARY, 0 },
	[RTA_FLOW] = { MNL_TYPE_U32, 0 },
};

/* struct rtvia: a gateway of another family (IPv4 route via IPv6). */
static int
get_via(const struct nlattr *a, struct addr *out)
{
	const uint8_t *p = mnl_attr_get_payload(a);
	uint16_t fam;

	if (mnl_attr_get_payload_len(a) < 2)
		return -EINVAL;
	memcpy(&fam, p, 2);
	if (fam != AF_INET && fam != AF_INET6)
		return -EINVAL;
	if (mnl_attr_get_payload_len(a) != 2u + (fam == AF_INET ? 4 : 16))
		return -EINVAL;
	addr_from_bytes(out, fam, p + 2);
	return 0;
}

/*
 * RTA_MULTIPATH: a sequence of struct rtnexthop, each followed by its own
 * attributes. All are checked; the first one's device and gateway are
 * reported (the mirror models one path; uplinkd's own multipath routes use
 * nexthop groups instead).
 */
static int
parse_multipath(const struct nlattr *mp, uint8_t family, struct kroute *out)
{
	static const struct policy pol[RTA_MAX + 1] = {
		[RTA_GATEWAY] = { MNL_TYPE_BINARY, 0 },
		[RTA_VIA] = { MNL_TYPE_BINARY, 0 },
	};
	const struct nlattr *tb[RTA_MAX + 1];
	const char *p = mnl_attr_get_payload(mp);
	size_t len = mnl_attr_get_payload_len(mp), step;
	const struct rtnexthop *rtnh;
	int first = 1;

	while (len > 0) {
		if (len < sizeof(*rtnh))
			return -EINVAL;
		rtnh = (const struct rtnexthop *)p;
		if (rtnh->rtnh_len < sizeof(*rtnh) || rtnh->rtnh_len > len)
			return -EINVAL;
		if (walk_attrs(p + RTNH_ALIGN(sizeof(*rtnh)),
		    rtnh->rtnh_len - RTNH_ALIGN(sizeof(*rtnh)), tb, RTA_MAX,
		    pol) < 0)
			return -EINVAL;
		if (first) {
			out->oif = rtnh->rtnh_ifindex;
			if (tb[RTA_GATEWAY] &&
			    get_addr(tb[RTA_GATEWAY], family, &out->gateway) < 0)
				return -EINVAL;
			if (tb[RTA_VIA] && get_via(tb[RTA_VIA], &out->gateway) < 0)
				return -EINVAL;
			first = 0;
		}
		step = RTNH_ALIGN(rtnh->rtnh_len);
		if (step >= len)
			break;
		len -= step;
		p += step;
	}
	return 0;
}

int
rtmsg_parse_route(const struct nlmsghdr *nlh, struct kroute *out)
{
	const struct nlattr *tb[RTA_MAX + 1];
	const struct rtmsg *rtm;

	memset(out, 0, sizeof(*out));
	if (parse_msg(nlh, sizeof(*rtm), tb, RTA_MAX, route_pol) < 0)
		return -EINVAL;
	rtm = mnl_nlmsg_get_payload(nlh);
	if (rtm->rtm_family != AF_INET && rtm->rtm_family != AF_INET6)
		return 1;
	if (rtm->rtm_dst_len > family_bits(rtm->rtm_family) ||
	    rtm->rtm_src_len > family_bits(rtm->rtm_family))
		return -EINVAL;
	if (rtm->rtm_flags & RTM_F_CLONED)
		return 1;
	if (rtm->rtm_type != RTN_UNICAST && rtm->rtm_type != RTN_UNREACHABLE &&
	    rtm->rtm_type != RTN_BLACKHOLE)
		return 1;
	if (rtm->rtm_src_len)	/* IPv6 source routing: not modelled */
		return 1;

	out->family = rtm->rtm_family;
	out->table = tb[RTA_TABLE] ? mnl_attr_get_u32(tb[RTA_TABLE]) :
	    rtm->rtm_table;
	out->dst.addr.family = rtm->rtm_family;
	out->dst.len = rtm->rtm_dst_len;
	if (tb[RTA_DST] &&
	    get_addr(tb[RTA_DST], rtm->rtm_family, &out->dst.addr) < 0)
		return -EINVAL;
	if (tb[RTA_GATEWAY] &&
	    get_addr(tb[RTA_GATEWAY], rtm->rtm_family, &out->gateway) < 0)
		return -EINVAL;
	if (tb[RTA_VIA] && get_via(tb[RTA_VIA], &out->gateway) < 0)
		return -EINVAL;
	if (tb[RTA_PREFSRC] &&
	    get_addr(tb[RTA_PREFSRC], rtm->rtm_family, &out->prefsrc) < 0)
		return -EINVAL;
	if (tb[RTA_OIF])
		out->oif = mnl_attr_get_u32(tb[RTA_OIF]);
	if (tb[RTA_MULTIPATH] &&
	    parse_multipath(tb[RTA_MULTIPATH], rtm->rtm_family, out) < 0)
		return -EINVAL;
	if (tb[RTA_NH_ID]) {
		out->nhid = mnl_attr_get_u32(tb[RTA_NH_ID]);
		/* with net.ipv4.nexthop_compat_mode the kernel also
		 * expands the nexthop into RTA_GATEWAY/OIF/MULTIPATH: the
		 * route itself only names the nexthop */
		memset(&out->gateway, 0, sizeof(out->gateway));
		out->oif = 0;
	}
	if (tb[RTA_PRIORITY])
		out->priority = mnl_attr_get_u32(tb[RTA_PRIORITY]);
	if (tb[RTA_FLOW])
		out->realm = mnl_attr_get_u32(tb[RTA_FLOW]);
	out->protocol = rtm->rtm_protocol;
	out->scope = rtm->rtm_scope;
	out->type = rtm->rtm_type;
	out->flags = rtm->rtm_flags &
	    (RTNH_F_DEAD | RTNH_F_ONLINK | RTNH_F_LINKDOWN);
	return 0;
}

/* Rules. */


static const struct policy rule_pol[FRA_MAX + 1] = {
	[FRA_DST] = { MNL_TYPE_BINARY, 0 },
	[FRA_SRC] = { MNL_TYPE_BINARY, 0 },
	[FRA_IIFNAME] = { MNL_TYPE_BINARY, 0 },	/* get_ifname */
	[FRA_PRIORITY] = { MNL_TYPE_U32, 0 },
	[FRA_FWMARK] = { MNL_TYPE_U32, 0 },
	[FRA_SUPPRESS_PREFIXLEN] = { MNL_TYPE_U32, 0 },
	[FRA_TABLE] = { MNL_TYPE_U32, 0 },
	[FRA_FWMASK] = { MNL_TYPE_U32, 0 },
	[FRA_PROTOCOL] = { MNL_TYPE_U8, 0 },
	[FRA_IP_PROTO] = { MNL_TYPE_U8, 0 },
	[FRA_SPORT_RANGE] = { MNL_TYPE_BINARY,
	    sizeof(struct fib_rule_port_range) },
	[FRA_DPORT_RANGE] = { MNL_TYPE_BINARY,
	    sizeof(struct fib_rule_port_range) },
};

/* A rule's source or destination: no attribute (or length 0) is "all",
 * kept as an unset prefix whatever the request said. */
static int
get_rule_prefix(const struct nlattr *a, uint8_t family, uint8_t len,
    struct prefix *out)
{
	memset(out, 0, sizeof(*out));
	if (len > family_bits(family))
		return -EINVAL;
	if (!a)
		return len ? -EINVAL : 0;
	if (get_addr(a, family, &out->addr) < 0)
		return -EINVAL;
	if (len == 0)
		memset(out, 0, sizeof(*out));
	out->len = len;
	return 0;
}

int
rtmsg_parse_rule(const struct nlmsghdr *nlh, struct krule *out)
{
	const struct nlattr *tb[FRA_MAX + 1];
	const struct fib_rule_hdr *frh;
	struct fib_rule_port_range pr;
	uint32_t v;

	memset(out, 0, sizeof(*out));
	out->suppress_prefixlen = -1;
	if (parse_msg(nlh, sizeof(*frh), tb, FRA_MAX, rule_pol) < 0)
		return -EINVAL;
	frh = mnl_nlmsg_get_payload(nlh);
	if (frh->family != AF_INET && frh->family != AF_INET6)
		return 1;
	out->family = frh->family;
	if (get_rule_prefix(tb[FRA_SRC], frh->family, frh->src_len,
	    &out->src) < 0 ||
	    get_rule_prefix(tb[FRA_DST], frh->family, frh->dst_len,
	    &out->dst) < 0)
		return -EINVAL;
	if (tb[FRA_IIFNAME] && get_ifname(tb[FRA_IIFNAME], out->iifname) < 0)
		return -EINVAL;
	if (frh->flags & FIB_RULE_INVERT)	/* "not": not modelled */
		return 1;
	switch (frh->action) {
	case FR_ACT_TO_TBL:
		out->action = KRULE_LOOKUP;
		out->table = tb[FRA_TABLE] ? mnl_attr_get_u32(tb[FRA_TABLE]) :
		    frh->table;
		break;
	case FR_ACT_UNREACHABLE:
		out->action = KRULE_UNREACHABLE;
		break;
	default:
		return 1;
	}
	if (tb[FRA_PRIORITY])
		out->priority = mnl_attr_get_u32(tb[FRA_PRIORITY]);
	if (tb[FRA_FWMARK])
		out->fwmark = mnl_attr_get_u32(tb[FRA_FWMARK]);
	if (tb[FRA_FWMASK])
		out->fwmask = mnl_attr_get_u32(tb[FRA_FWMASK]);
	if (tb[FRA_SUPPRESS_PREFIXLEN]) {
		/* dumps say 0xffffffff (-1) for none; keep -1 for any
		 * value no prefix length can have */
		v = mnl_attr_get_u32(tb[FRA_SUPPRESS_PREFIXLEN]);
		out->suppress_prefixlen = v <= 128 ? (int)v : -1;
	}
	if (tb[FRA_PROTOCOL])
		out->protocol = mnl_attr_get_u8(tb[FRA_PROTOCOL]);
	if (tb[FRA_IP_PROTO])
		out->ip_proto = mnl_attr_get_u8(tb[FRA_IP_PROTO]);
	if (tb[FRA_SPORT_RANGE]) {
		memcpy(&pr, mnl_attr_get_payload(tb[FRA_SPORT_RANGE]),
		    sizeof(pr));
		out->sport_lo = pr.start;
		out->sport_hi = pr.end;
	}
	if (tb[FRA_DPORT_RANGE]) {
		memcpy(&pr, mnl_attr_get_payload(tb[FRA_DPORT_RANGE]),
		    sizeof(pr));
		out->dport_lo = pr.start;
		out->dport_hi = pr.end;
	}
	return 0;
}

/* Nexthops. */


static const struct policy nh_pol[NHA_MAX + 1] = {
	[NHA_ID] = { MNL_TYPE_U32, 0 },
	[NHA_GROUP] = { MNL_TYPE_BINARY, 0 },
	[NHA_GROUP_TYPE] = { MNL_TYPE_U16, 0 },
	[NHA_BLACKHOLE] = { MNL_TYPE_FLAG, 0 },
	[NHA_OIF] = { MNL_TYPE_U32, 0 },
	[NHA_GATEWAY] = { MNL_TYPE_BINARY, 0 },
	[NHA_FDB] = { MNL_TYPE_FLAG, 0 },
	[NHA_RES_GROUP] = { MNL_TYPE_NESTED, 0 },
};

static const struct policy nh_res_pol[NHA_RES_GROUP_MAX + 1] = {
	[NHA_RES_GROUP_BUCKETS] = { MNL_TYPE_U16, 0 },
	[NHA_RES_GROUP_IDLE_TIMER] = { MNL_TYPE_U32, 0 },
};

static int
parse_group(const struct nlattr *tb[], struct knh *out)
{
	const struct nlattr *rtb[NHA_RES_GROUP_MAX + 1];
	const struct nexthop_grp *grp;
	size_t len = mnl_attr_get_payload_len(tb[NHA_GROUP]);
	unsigned int i, n;

	if (len == 0 || len % sizeof(*grp))
		return -EINVAL;
	n = len / sizeof(*grp);
	if (n > KNH_GROUP_MAX)
		return 1;
	grp = mnl_attr_get_payload(tb[NHA_GROUP]);
	out->is_group = true;
	out->nmembers = n;
	for (i = 0; i < n; i++) {
		out->members[i].id = grp[i].id;
		/* 255 (wire 254) is the largest weight kobj.h can hold */
		out->members[i].weight = grp[i].weight < 255 ?
		    grp[i].weight + 1 : 255;
	}
	if (tb[NHA_GROUP_TYPE] &&
	    mnl_attr_get_u16(tb[NHA_GROUP_TYPE]) == NEXTHOP_GRP_TYPE_RES)
		out->resilient = true;
	if (tb[NHA_RES_GROUP]) {
		if (walk_attrs(mnl_attr_get_payload(tb[NHA_RES_GROUP]),
		    mnl_attr_get_payload_len(tb[NHA_RES_GROUP]), rtb,
		    NHA_RES_GROUP_MAX, nh_res_pol) < 0)
			return -EINVAL;
		if (rtb[NHA_RES_GROUP_BUCKETS])
			out->buckets =
			    mnl_attr_get_u16(rtb[NHA_RES_GROUP_BUCKETS]);
		if (rtb[NHA_RES_GROUP_IDLE_TIMER])
			out->idle_timer_s = mnl_attr_get_u32(
			    rtb[NHA_RES_GROUP_IDLE_TIMER]) / USER_HZ;
	}
	return 0;
}

int
rtmsg_parse_nh(const struct nlmsghdr *nlh, struct knh *out)
{
	const struct nlattr *tb[NHA_MAX + 1];
	const struct nhmsg *nhm;

	memset(out, 0, sizeof(*out));
	if (parse_msg(nlh, sizeof(*nhm), tb, NHA_MAX, nh_pol) < 0)
		return -EINVAL;
	nhm = mnl_nlmsg_get_payload(nlh);
	if (!tb[NHA_ID])
		return -EINVAL;
	out->id = mnl_attr_get_u32(tb[NHA_ID]);
	out->family = nhm->nh_family;
	out->protocol = nhm->nh_protocol;
	if (tb[NHA_GROUP])
		return parse_group(tb, out);
	if (tb[NHA_BLACKHOLE] || tb[NHA_FDB])	/* not modelled */
		return 1;
	if (nhm->nh_family != AF_INET && nhm->nh_family != AF_INET6)
		return 1;
	out->onlink = (nhm->nh_flags & RTNH_F_ONLINK) != 0;
	if (tb[NHA_OIF])
		out->oif = mnl_attr_get_u32(tb[NHA_OIF]);
	if (tb[NHA_GATEWAY] &&
	    get_addr(tb[NHA_GATEWAY], nhm->nh_family, &out->gateway) < 0)
		return -EINVAL;
	return 0;
}

/* Links and addresses. */

static const struct policy link_pol[IFLA_MAX + 1] = {
	[IFLA_ADDRESS] = { MNL_TYPE_BINARY, 0 },
	[IFLA_IFNAME] = { MNL_TYPE_BINARY, 0 },	/* get_ifname */
	[IFLA_CARRIER] = { MNL_TYPE_U8, 0 },
};

int
rtmsg_parse_link(const struct nlmsghdr *nlh, struct klink *out)
{
	const struct nlattr *tb[IFLA_MAX + 1];
	const struct ifinfomsg *ifi;

	memset(out, 0, sizeof(*out));
	if (parse_msg(nlh, sizeof(*ifi), tb, IFLA_MAX, link_pol) < 0)
		return -EINVAL;
	ifi = mnl_nlmsg_get_payload(nlh);
	if (ifi->ifi_index <= 0)
		return -EINVAL;
	if (tb[IFLA_IFNAME] && get_ifname(tb[IFLA_IFNAME], out->ifname) < 0)
		return -EINVAL;
	if (tb[IFLA_ADDRESS] && mnl_attr_get_payload_len(tb[IFLA_ADDRESS]) > 32)
		return -EINVAL;
	/* AF_BRIDGE (port) messages share the group: not the link itself */
	if (ifi->ifi_family != AF_UNSPEC)
		return 1;
	out->ifindex = ifi->ifi_index;
	out->flags = ifi->ifi_flags;
	out->carrier = (ifi->ifi_flags & IFF_LOWER_UP) != 0;
	if (tb[IFLA_CARRIER] && mnl_attr_get_u8(tb[IFLA_CARRIER]) == 0)
		out->carrier = false;
	out->pointopoint = (ifi->ifi_flags & IFF_POINTOPOINT) ||
	    ((ifi->ifi_flags & IFF_NOARP) && !tb[IFLA_ADDRESS]);
	if (tb[IFLA_ADDRESS] && mnl_attr_get_payload_len(tb[IFLA_ADDRESS]) ==
	    sizeof(out->mac)) {
		memcpy(out->mac, mnl_attr_get_payload(tb[IFLA_ADDRESS]),
		    sizeof(out->mac));
		out->has_mac = true;
	}
	return 0;
}

static const struct policy addr_pol[IFA_MAX + 1] = {
	[IFA_ADDRESS] = { MNL_TYPE_BINARY, 0 },
	[IFA_LOCAL] = { MNL_TYPE_BINARY, 0 },
	[IFA_FLAGS] = { MNL_TYPE_U32, 0 },
};

int
rtmsg_parse_addr(const struct nlmsghdr *nlh, struct kaddr *out)
{
	const struct nlattr *tb[IFA_MAX + 1];
	const struct ifaddrmsg *ifa;
	struct addr local, address;

	memset(out, 0, sizeof(*out));
	if (parse_msg(nlh, sizeof(*ifa), tb, IFA_MAX, addr_pol) < 0)
		return -EINVAL;
	ifa = mnl_nlmsg_get_payload(nlh);
	if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6)
		return 1;
	if (ifa->ifa_prefixlen > family_bits(ifa->ifa_family))
		return -EINVAL;
	if (tb[IFA_LOCAL] &&
	    get_addr(tb[IFA_LOCAL], ifa->ifa_family, &local) < 0)
		return -EINVAL;
	if (tb[IFA_ADDRESS] &&
	    get_addr(tb[IFA_ADDRESS], ifa->ifa_family, &address) < 0)
		return -EINVAL;
	if (!tb[IFA_LOCAL] && !tb[IFA_ADDRESS])
		return -EINVAL;
	out->ifindex = ifa->ifa_index;
	out->local.addr = tb[IFA_LOCAL] ? local : address;
	out->local.len = ifa->ifa_prefixlen;
	if (tb[IFA_LOCAL] && tb[IFA_ADDRESS] && !addr_eq(&local, &address))
		out->peer = address;
	out->scope = ifa->ifa_scope;
	out->flags = tb[IFA_FLAGS] ? mnl_attr_get_u32(tb[IFA_FLAGS]) :
	    ifa->ifa_flags;
	return 0;
}


/* Dump requests. */


static const struct policy neigh_pol[NDA_MAX + 1] = {
	[NDA_DST] = { MNL_TYPE_BINARY, 0 },
	[NDA_LLADDR] = { MNL_TYPE_BINARY, 0 },
};

int
rtmsg_parse_neigh(const struct nlmsghdr *nlh, struct kneigh *out)
{
	const struct nlattr *tb[NDA_MAX + 1];
	const struct ndmsg *nd;

	memset(out, 0, sizeof(*out));
	if (parse_msg(nlh, sizeof(*nd), tb, NDA_MAX, neigh_pol) < 0)
		return -EINVAL;
	nd = mnl_nlmsg_get_payload(nlh);
	if (nd->ndm_family != AF_INET && nd->ndm_family != AF_INET6)
		return 1;
	if (nd->ndm_ifindex <= 0 || !tb[NDA_DST])
		return -EINVAL;
	if (get_addr(tb[NDA_DST], nd->ndm_family, &out->addr) < 0)
		return -EINVAL;
	out->ifindex = nd->ndm_ifindex;
	if (nlh->nlmsg_type == RTM_DELNEIGH)
		return 0;
	if (nd->ndm_state & (NUD_FAILED | NUD_INCOMPLETE | NUD_NOARP))
		return 1;
	if (!tb[NDA_LLADDR] ||
	    mnl_attr_get_payload_len(tb[NDA_LLADDR]) != sizeof(out->mac))
		return 1;
	memcpy(out->mac, mnl_attr_get_payload(tb[NDA_LLADDR]),
	    sizeof(out->mac));
	return 0;
}
