/* SPDX-License-Identifier: ISC */
/*
 * The plan: from the config, each link's health and the observed kernel
 * state, the kernel objects that should exist (routing tables, rules,
 * nexthops and groups, sysctls) and, per link, the facts the firewall and
 * the status need. A pure function: same inputs, same plan; no I/O.
 *
 * Layout, for table base T, rule priority base P, nexthop id base N, and a
 * link with id i (1..250) and mark M(i) = i << ctz(mask):
 *   table T+i:  <connected prefix> dev IF src ADDR scope link realm i
 *               default via GW dev IF src ADDR realm i (gateway-less: dev IF)
 *               (plain routes, not nexthop objects: the kernel ignores
 *               realms on nhid routes, and the realm is how the firewall
 *               tells a socket bound to a link's address, which routes
 *               through these tables, from an unbound one, which routes
 *               through table T and is balanced per connection)
 *   table T:    default nhid N (v4 group) / N+500 (v6 group)
 *   nexthops:   N+i (v4 via gateway or dev), N+250+i (v6), groups N, N+500
 *   rules:      P      lookup main suppress_prefixlength 0
 *               P+1    fwmark BYPASS/mask lookup main (policy main)
 *               P+1+i  fwmark M(i)/mask lookup T+i
 *               P+300+i from ADDR lookup T+i
 *               P+600.. policy rules (issue: rules), in file order
 *               P+900  lookup T
 *   mptcp:      endpoint id 128+i (IPv4), 192+i (IPv6) subflow [backup]
 *               dev IF, for links 1..63 (mpath.h), with `mptcp = on`
 *   addresses:  own-source on lo (/32, /128) where local-source = auto
 *               finds no LAN address of the family
 */
#ifndef UPLINKD_PLAN_H
#define UPLINKD_PLAN_H

#include <stdbool.h>
#include <stdio.h>

#include "conf.h"
#include "health.h"
#include "kobj.h"
#include "mpath.h"

#define PLAN_PRIO_SUPPRESS	0
#define PLAN_PRIO_FWMARK	1
#define PLAN_PRIO_FROM		300
#define PLAN_PRIO_POLICY	600
#define PLAN_PRIO_BALANCE	900
#define PLAN_PRIO_SPAN		1000
#define PLAN_NH_V6		250	/* v6 nexthop of link i: N+250+i */
#define PLAN_NH_GROUP6		500
#define PLAN_BUCKETS		128
#define PLAN_IDLE_TIMER_S	1
/* The mark value (in mask units) of connections a rule sends to the main
 * table; link ids are 1..250. */
#define PLAN_ID_BYPASS		255

/* What the plan needs to know of one link at run time. */
struct plan_link_in {
	enum health_state health4, health6;
	bool drained;		/* uplinkctl drain: no new connections */
	unsigned int weight;	/* weight = auto: the learned weight
				 * (capacity.h); 0: the config's */
};

struct plan_input {
	const struct conf *conf;
	const struct kstate *obs;
	const struct plan_link_in *links;	/* conf->nlinks entries; NULL:
						 * all unknown, none drained */
};

/* One address family of one link, as the plan sees it. */
struct plan_family {
	bool usable;		/* interface present, address, route possible */
	struct addr addr;	/* the link's source address: its named
				 * address (conf address) while that is on
				 * the interface, else own_addr */
	struct addr own_addr;	/* the interface's own: probes' source */
	struct prefix net;	/* its connected prefix (masked) */
	struct addr gateway;	/* configured or learned; unset: p2p */
	bool gateway_learned;
	bool active;		/* takes new connections now */
};

struct plan_link {
	const struct conf_link *conf;
	int ifindex;		/* 0: interface absent */
	bool carrier;
	uint32_t mark;		/* fwmark value (within mask) */
	uint32_t realm;		/* route realm of its table's routes: id */
	uint8_t gw_mac[6];	/* gateway's MAC (neighbour table), to tell
				 * links sharing an interface apart inbound */
	bool has_gw_mac;
	uint32_t table;
	unsigned int weight;	/* of new connections: the config's, or
				 * the learned one (plan_link_in) */
	struct plan_family v4, v6;
};

struct plan_sysctl {
	char path[128];		/* under /proc/sys, e.g.
				 * "net/ipv4/fib_multipath_hash_policy" */
	char value[16];
};

struct plan {
	struct kstate k;	/* routes, rules, nexthops that should exist */
	struct plan_link *links;	/* conf->nlinks entries, same order */
	unsigned int nlinks;
	struct plan_sysctl *sysctls;
	unsigned int nsysctls;
	bool failopen4, failopen6;	/* no link healthy: carrier is enough */
	struct addr local_source4, local_source6;	/* prefsrc of the
					 * balanced routes; unset: none */
	bool own_source4, own_source6;	/* local_source* is uplinkd's own
					 * address on lo (conf own-source),
					 * also in k.addrs */
	struct mpath_set mptcp;	/* conf mptcp: uplinkd's MPTCP endpoints,
				 * one per address of each link that is up
				 * (or in the group), not drained, with
				 * carrier; backup below the best tier */
	bool exec_cgroups;	/* not planned: the daemon sets it when the
				 * cgroups of `uplinkctl exec` exist */
};

/* 0 or -ENOMEM. *out is initialised here; free with plan_free. */
int plan_build(const struct plan_input *in, struct plan *out);
void plan_free(struct plan *p);

/* Is this observed object one of uplinkd's (by table/priority/id range and
 * protocol)? Used by reconcile and by the SIGTERM cleanup. */
bool plan_owns_route(const struct conf *c, const struct kroute *r);
bool plan_owns_rule(const struct conf *c, const struct krule *r);
bool plan_owns_nh(const struct conf *c, const struct knh *n);
/* An address on lo that is c's own-source (and not its local-source). */
bool plan_owns_addr(const struct conf *c, const struct kstate *obs,
    const struct kaddr *a);

/* The plan as `ip` commands in the article's style (ifnames from obs). */
void plan_print_ip(const struct plan *p, const struct conf *c,
    const struct kstate *obs, FILE *f);

#endif
