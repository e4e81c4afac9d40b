/* SPDX-License-Identifier: ISC */
/*
 * The kernel objects uplinkd reads and writes, as plain values: links,
 * addresses, routes, rules and nexthops. Observed state (from netlink dumps
 * and events) and the plan (what should exist) use the same types, so that
 * reconcile compares like with like. Pure data; no I/O.
 */
#ifndef UPLINKD_KOBJ_H
#define UPLINKD_KOBJ_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "addr.h"

#define KNH_GROUP_MAX	250

struct klink {
	int ifindex;
	char ifname[IFNAMSIZ];
	unsigned int flags;		/* IFF_* from ifi_flags */
	bool carrier;			/* IFF_LOWER_UP / operstate up */
	bool pointopoint;		/* IFF_POINTOPOINT or no L2 address */
	uint8_t mac[6];
	bool has_mac;
};

struct kaddr {
	int ifindex;
	struct prefix local;		/* IFA_LOCAL (or IFA_ADDRESS) / plen */
	struct addr peer;		/* IFA_ADDRESS when != local (ppp) */
	uint8_t scope;			/* RT_SCOPE_* */
	uint32_t flags;			/* IFA_F_* */
};

struct kroute {
	uint8_t family;
	uint32_t table;
	struct prefix dst;		/* len 0: default */
	struct addr gateway;		/* unset: none */
	struct addr prefsrc;		/* unset: none */
	int oif;			/* 0: none */
	uint32_t nhid;			/* 0: none */
	uint32_t priority;		/* metric */
	uint8_t protocol;		/* RTPROT_* */
	uint8_t scope;			/* RT_SCOPE_* */
	uint8_t type;			/* RTN_* */
	uint32_t flags;			/* RTNH_F_* (linkdown, onlink) */
	uint32_t realm;			/* RTA_FLOW (dst realm); 0: none */
};

enum krule_action {
	KRULE_LOOKUP,
	KRULE_UNREACHABLE,
};

struct krule {
	uint8_t family;
	uint32_t priority;
	enum krule_action action;
	uint32_t table;			/* with KRULE_LOOKUP */
	struct prefix src;		/* len 0 with family: any */
	struct prefix dst;
	uint32_t fwmark, fwmask;	/* 0/0: any */
	int suppress_prefixlen;		/* -1: none */
	char iifname[IFNAMSIZ];
	uint8_t ip_proto;		/* 0: any */
	uint16_t sport_lo, sport_hi;	/* 0/0: any */
	uint16_t dport_lo, dport_hi;
	uint8_t protocol;		/* originator, FRA_PROTOCOL */
};

struct knh_member {
	uint32_t id;
	uint8_t weight;			/* 1..255: the kernel's weight is
					 * nexthop_grp.weight + 1 */
};

struct knh {
	uint32_t id;
	uint8_t family;			/* AF_INET/AF_INET6; AF_UNSPEC groups */
	uint8_t protocol;
	/* a single nexthop */
	struct addr gateway;		/* unset: on-link/point-to-point */
	int oif;
	bool onlink;
	/* or a group */
	bool is_group;
	bool resilient;
	uint16_t buckets;		/* resilient groups */
	uint32_t idle_timer_s;		/* resilient groups */
	struct knh_member members[KNH_GROUP_MAX];
	unsigned int nmembers;
};

/* A neighbour (ARP/NDP) entry with a link-layer address: how uplinkd
 * learns the MAC address of each uplink's gateway. */
struct kneigh {
	int ifindex;
	struct addr addr;
	uint8_t mac[6];
};

/* Growable arrays of each, as observed or as planned. */
struct kstate {
	struct klink *links;	unsigned int nlinks;
	struct kaddr *addrs;	unsigned int naddrs;
	struct kroute *routes;	unsigned int nroutes;
	struct krule *rules;	unsigned int nrules;
	struct knh *nhs;	unsigned int nnhs;
	struct kneigh *neighs;	unsigned int nneighs;
};

void kobj_init(struct kstate *s);
void kobj_clear(struct kstate *s);	/* frees arrays, keeps s usable */
int kobj_add_link(struct kstate *s, const struct klink *l);	/* replace
					 * by ifindex; 0 or -ENOMEM */
void kobj_del_link(struct kstate *s, int ifindex);
int kobj_add_addr(struct kstate *s, const struct kaddr *a);	/* replace */
void kobj_del_addr(struct kstate *s, const struct kaddr *a);
int kobj_add_route(struct kstate *s, const struct kroute *r);	/* replace */
void kobj_del_route(struct kstate *s, const struct kroute *r);
int kobj_add_rule(struct kstate *s, const struct krule *r);
void kobj_del_rule(struct kstate *s, const struct krule *r);
int kobj_add_nh(struct kstate *s, const struct knh *n);	/* by id */
void kobj_del_nh(struct kstate *s, uint32_t id);
/* Delete nexthop id as the kernel does: also from every group, groups
 * left empty, and the routes using any of these (no events tell). */
void kobj_drop_nh(struct kstate *s, uint32_t id);
const struct knh *kobj_find_nh(const struct kstate *s, uint32_t id);
/* The route of the same identity (kobj_route_same), or NULL. */
const struct kroute *kobj_find_route(const struct kstate *s,
    const struct kroute *r);
bool kobj_has_rule(const struct kstate *s, const struct krule *r);
int kobj_add_neigh(struct kstate *s, const struct kneigh *n); /* by
					 * ifindex and address */
void kobj_del_neigh(struct kstate *s, const struct kneigh *n);
const struct kneigh *kobj_neigh(const struct kstate *s, int ifindex,
    const struct addr *a);
void kobj_del_links_objects(struct kstate *s, int ifindex);	/* addrs,
					 * routes of a vanished link */

const struct klink *kobj_link_by_name(const struct kstate *s,
    const char *ifname);
const struct klink *kobj_link_by_index(const struct kstate *s, int ifindex);

/* Identity (same kernel object, maybe different attributes) and equality
 * (nothing to change). */
bool kobj_route_same(const struct kroute *a, const struct kroute *b);
bool kobj_route_eq(const struct kroute *a, const struct kroute *b);
bool kobj_rule_eq(const struct krule *a, const struct krule *b);
bool kobj_nh_eq(const struct knh *a, const struct knh *b);
bool kobj_link_eq(const struct klink *a, const struct klink *b);
bool kobj_addr_eq(const struct kaddr *a, const struct kaddr *b);
/* Objects held, all kinds together. */
unsigned int kobj_size(const struct kstate *s);

#endif
