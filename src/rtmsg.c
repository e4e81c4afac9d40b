/* SPDX-License-Identifier: ISC */
/*
 * rtnetlink request builders for the objects of kobj.h (see rtmsg.h; the
 * parsers are in rtmsg_parse.c). Each lays out a request in a caller's
 * buffer of RTMSG_BUFSZ bytes with libmnl, zeroed first so that messages
 * are reproducible byte for byte; the kernel's encodings (nexthop_grp
 * weight - 1, clock_t idle timers) are made from the plain values of
 * kobj.h. No I/O.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/fib_rules.h>
#include <linux/if_addr.h>
#include <linux/neighbour.h>
#include <linux/nexthop.h>
#include <linux/rtnetlink.h>

#include "rtmsg.h"

#define USER_HZ		100	/* clock_t units of NHA_RES_GROUP timers */


static struct nlmsghdr *
put_header(void *buf, uint16_t type, uint16_t flags, uint32_t seq)
{
	struct nlmsghdr *nlh;

	/* libmnl 1.0.4 leaves attribute padding as it found it: zero the
	 * whole buffer (RTMSG_BUFSZ) so that messages are reproducible */
	memset(buf, 0, RTMSG_BUFSZ);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = seq;
	return nlh;
}

static void
put_addr(struct nlmsghdr *nlh, uint16_t type, const struct addr *a)
{
	mnl_attr_put(nlh, type, addr_len(a), a->u.b);
}

struct nlmsghdr *
rtmsg_route(void *buf, uint16_t type, uint16_t flags, uint32_t seq,
    const struct kroute *r)
{
	struct nlmsghdr *nlh = put_header(buf, type, flags, seq);
	struct rtmsg *rtm;

	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = r->family;
	rtm->rtm_dst_len = r->dst.len;
	rtm->rtm_table = r->table < 256 ? r->table : RT_TABLE_UNSPEC;
	rtm->rtm_protocol = r->protocol;
	rtm->rtm_scope = r->scope;
	rtm->rtm_type = r->type ? r->type : RTN_UNICAST;
	rtm->rtm_flags = r->flags & RTNH_F_ONLINK;
	mnl_attr_put_u32(nlh, RTA_TABLE, r->table);
	if (r->dst.len > 0)
		put_addr(nlh, RTA_DST, &r->dst.addr);
	if (addr_is_set(&r->gateway)) {
		if (r->gateway.family == r->family)
			put_addr(nlh, RTA_GATEWAY, &r->gateway);
		else {
			/* struct rtvia: family then address */
			uint8_t via[2 + 16];
			uint16_t fam = r->gateway.family;

			memcpy(via, &fam, 2);
			memcpy(via + 2, r->gateway.u.b, addr_len(&r->gateway));
			mnl_attr_put(nlh, RTA_VIA, 2 + addr_len(&r->gateway),
			    via);
		}
	}
	if (addr_is_set(&r->prefsrc))
		put_addr(nlh, RTA_PREFSRC, &r->prefsrc);
	if (r->oif)
		mnl_attr_put_u32(nlh, RTA_OIF, r->oif);
	if (r->nhid)
		mnl_attr_put_u32(nlh, RTA_NH_ID, r->nhid);
	if (r->priority)
		mnl_attr_put_u32(nlh, RTA_PRIORITY, r->priority);
	if (r->realm)
		mnl_attr_put_u32(nlh, RTA_FLOW, r->realm);
	return nlh;
}

struct nlmsghdr *
rtmsg_rule(void *buf, uint16_t type, uint16_t flags, uint32_t seq,
    const struct krule *r)
{
	struct nlmsghdr *nlh = put_header(buf, type, flags, seq);
	struct fib_rule_hdr *frh;
	struct fib_rule_port_range pr;

	frh = mnl_nlmsg_put_extra_header(nlh, sizeof(*frh));
	frh->family = r->family;
	switch (r->action) {
	case KRULE_LOOKUP:
		frh->action = FR_ACT_TO_TBL;
		frh->table = r->table < 256 ? r->table : RT_TABLE_UNSPEC;
		break;
	case KRULE_UNREACHABLE:
		frh->action = FR_ACT_UNREACHABLE;
		break;
	}
	mnl_attr_put_u32(nlh, FRA_PRIORITY, r->priority);
	if (r->action == KRULE_LOOKUP)
		mnl_attr_put_u32(nlh, FRA_TABLE, r->table);
	if (r->fwmark || r->fwmask) {
		mnl_attr_put_u32(nlh, FRA_FWMARK, r->fwmark);
		mnl_attr_put_u32(nlh, FRA_FWMASK, r->fwmask);
	}
	if (addr_is_set(&r->src.addr)) {
		frh->src_len = r->src.len;
		put_addr(nlh, FRA_SRC, &r->src.addr);
	}
	if (addr_is_set(&r->dst.addr)) {
		frh->dst_len = r->dst.len;
		put_addr(nlh, FRA_DST, &r->dst.addr);
	}
	if (r->suppress_prefixlen >= 0)
		mnl_attr_put_u32(nlh, FRA_SUPPRESS_PREFIXLEN,
		    r->suppress_prefixlen);
	if (r->iifname[0])
		mnl_attr_put_strz(nlh, FRA_IIFNAME, r->iifname);
	mnl_attr_put_u8(nlh, FRA_PROTOCOL, r->protocol);
	if (r->ip_proto)
		mnl_attr_put_u8(nlh, FRA_IP_PROTO, r->ip_proto);
	if (r->sport_lo || r->sport_hi) {
		pr.start = r->sport_lo;
		pr.end = r->sport_hi;
		mnl_attr_put(nlh, FRA_SPORT_RANGE, sizeof(pr), &pr);
	}
	if (r->dport_lo || r->dport_hi) {
		pr.start = r->dport_lo;
		pr.end = r->dport_hi;
		mnl_attr_put(nlh, FRA_DPORT_RANGE, sizeof(pr), &pr);
	}
	return nlh;
}

struct nlmsghdr *
rtmsg_nh(void *buf, uint16_t type, uint16_t flags, uint32_t seq,
    const struct knh *n)
{
	struct nlmsghdr *nlh = put_header(buf, type, flags, seq);
	struct nexthop_grp grp[KNH_GROUP_MAX];
	struct nlattr *nest;
	struct nhmsg *nhm;
	unsigned int i, nmem;

	nhm = mnl_nlmsg_put_extra_header(nlh, sizeof(*nhm));
	if (type == RTM_DELNEXTHOP) {
		/* by id; the kernel rejects anything else in a delete */
		mnl_attr_put_u32(nlh, NHA_ID, n->id);
		return nlh;
	}
	nhm->nh_protocol = n->protocol;
	if (!n->is_group) {
		nhm->nh_family = n->family;
		if (n->onlink)
			nhm->nh_flags = RTNH_F_ONLINK;
		mnl_attr_put_u32(nlh, NHA_ID, n->id);
		if (n->oif)
			mnl_attr_put_u32(nlh, NHA_OIF, n->oif);
		if (addr_is_set(&n->gateway))
			put_addr(nlh, NHA_GATEWAY, &n->gateway);
		return nlh;
	}
	nhm->nh_family = AF_UNSPEC;
	mnl_attr_put_u32(nlh, NHA_ID, n->id);
	nmem = n->nmembers < KNH_GROUP_MAX ? n->nmembers : KNH_GROUP_MAX;
	memset(grp, 0, sizeof(grp));
	for (i = 0; i < nmem; i++) {
		grp[i].id = n->members[i].id;
		grp[i].weight = n->members[i].weight ?
		    n->members[i].weight - 1 : 0;
	}
	mnl_attr_put(nlh, NHA_GROUP, nmem * sizeof(grp[0]), grp);
	if (n->resilient) {
		mnl_attr_put_u16(nlh, NHA_GROUP_TYPE, NEXTHOP_GRP_TYPE_RES);
		nest = mnl_attr_nest_start(nlh, NHA_RES_GROUP);
		mnl_attr_put_u16(nlh, NHA_RES_GROUP_BUCKETS, n->buckets);
		if (n->idle_timer_s)
			mnl_attr_put_u32(nlh, NHA_RES_GROUP_IDLE_TIMER,
			    n->idle_timer_s * USER_HZ);
		mnl_attr_nest_end(nlh, nest);
	}
	return nlh;
}

struct nlmsghdr *
rtmsg_addr(void *buf, uint16_t type, uint16_t flags, uint32_t seq,
    const struct kaddr *a)
{
	struct nlmsghdr *nlh = put_header(buf, type, flags, seq);
	struct ifaddrmsg *ifa;

	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = a->local.addr.family;
	ifa->ifa_prefixlen = a->local.len;
	ifa->ifa_scope = a->scope;
	ifa->ifa_index = a->ifindex;
	put_addr(nlh, IFA_LOCAL, &a->local.addr);
	put_addr(nlh, IFA_ADDRESS, addr_is_set(&a->peer) ? &a->peer :
	    &a->local.addr);
	if (type == RTM_NEWADDR && a->flags)
		mnl_attr_put_u32(nlh, IFA_FLAGS, a->flags);
	return nlh;
}

struct nlmsghdr *
rtmsg_dump(void *buf, uint16_t type, uint8_t family, uint32_t seq)
{
	struct nlmsghdr *nlh;
	size_t hdrlen;
	uint8_t *fam;

	switch (type) {
	case RTM_GETLINK:
		hdrlen = sizeof(struct ifinfomsg);
		break;
	case RTM_GETADDR:
		hdrlen = sizeof(struct ifaddrmsg);
		break;
	case RTM_GETRULE:
		hdrlen = sizeof(struct fib_rule_hdr);
		break;
	case RTM_GETNEXTHOP:
		hdrlen = sizeof(struct nhmsg);
		break;
	case RTM_GETNEIGH:
		hdrlen = sizeof(struct ndmsg);
		break;
	default:	/* RTM_GETROUTE */
		hdrlen = sizeof(struct rtmsg);
		break;
	}
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	/* every family header starts with its family byte */
	fam = mnl_nlmsg_put_extra_header(nlh, hdrlen);
	fam[0] = family;
	return nlh;
}
