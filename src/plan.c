/* SPDX-License-Identifier: ISC */
/*
 * plan_build turns the config, each link's health and the observed kernel
 * state into the kernel objects that should exist: per link a routing table
 * (connected route and default route), fwmark and source rules, nexthops and
 * the weighted resilient group of the links that take new connections, and
 * the sysctls the setup needs. Pure: no clock, no sockets, no globals.
 */
#include <errno.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "plan.h"

_Static_assert(PLAN_NH_GROUP6 <= CONF_NH_ID_SPAN,
    "nexthop-id-base is checked against CONF_NH_ID_SPAN");
_Static_assert(PLAN_NH_V6 + CONF_MAX_LINKS < PLAN_NH_GROUP6 &&
    CONF_MAX_LINKS < PLAN_NH_V6,
    "a link's nexthop ids never meet another link's or a group's");

/* The interface's usable address of a family, the lowest; not skip (the
 * link's named address, which a VRRP daemon adds as a /32 beside it) unless
 * it is the only one. */
static const struct kaddr *
find_addr_but(const struct kstate *obs, int ifindex, int family,
    const struct addr *skip)
{
	const struct kaddr *best = NULL, *skipped = NULL;
	unsigned int i;

	for (i = 0; i < obs->naddrs; i++) {
		const struct kaddr *a = &obs->addrs[i];

		if (a->ifindex != ifindex || a->local.addr.family != family)
			continue;
		if (a->scope != RT_SCOPE_UNIVERSE)
			continue;
		/* IFA_F_TENTATIVE 0x40, IFA_F_DEPRECATED 0x20,
		 * IFA_F_DADFAILED 0x08: not usable as a source */
		if (a->flags & (0x40 | 0x20 | 0x08))
			continue;
		if (skip && addr_eq(&a->local.addr, skip)) {
			skipped = a;
			continue;
		}
		/* the lowest address wins: stable whatever the dump order */
		if (!best || addr_cmp(&a->local.addr, &best->local.addr) < 0)
			best = a;
	}
	return best ? best : skipped;
}

/* Is a on the interface, usable as a source? */
static bool
has_addr(const struct kstate *obs, int ifindex, const struct addr *a)
{
	unsigned int i;

	for (i = 0; i < obs->naddrs; i++)
		if (obs->addrs[i].ifindex == ifindex &&
		    addr_eq(&obs->addrs[i].local.addr, a) &&
		    !(obs->addrs[i].flags & (0x40 | 0x20 | 0x08)))
			return true;
	return false;
}

static const struct kaddr *
find_addr(const struct kstate *obs, int ifindex, int family)
{
	return find_addr_but(obs, ifindex, family, NULL);
}

/* The default route a DHCP client, a PPP daemon or router advertisements
 * left for this interface outside uplinkd's tables: the lowest metric. */
static const struct kroute *
find_default(const struct conf *c, const struct kstate *obs, int ifindex,
    int family)
{
	const struct kroute *best = NULL;
	unsigned int i;

	for (i = 0; i < obs->nroutes; i++) {
		const struct kroute *r = &obs->routes[i];

		if (r->family != family || r->dst.len != 0 ||
		    r->oif != ifindex || r->type != RTN_UNICAST)
			continue;
		if (r->protocol == c->route_protocol ||
		    (r->table >= c->table_base &&
		    r->table <= c->table_base + CONF_MAX_LINKS))
			continue;
		if (!best || r->priority < best->priority)
			best = r;
	}
	return best;
}

static void
plan_family(const struct conf *c, const struct kstate *obs,
    const struct klink *kl, const struct conf_link *cl, int family,
    struct plan_family *pf)
{
	const struct kaddr *ka;
	const struct kroute *def;
	const struct addr *named;
	const struct addr *gw = family == AF_INET ? &cl->gateway4 :
	    &cl->gateway6;

	memset(pf, 0, sizeof(*pf));
	if (!kl || !(kl->flags & IFF_UP))
		return;
	if (family == AF_INET ? !cl->ipv4 : !cl->ipv6)
		return;
	named = family == AF_INET ? &cl->address4 : &cl->address6;
	ka = find_addr_but(obs, kl->ifindex, family,
	    addr_is_set(named) ? named : NULL);
	if (!ka)
		return;
	pf->addr = pf->own_addr = ka->local.addr;
	/* the named address is the source from the moment it appears (an
	 * HA pair's master); until then, the router's own */
	if (addr_is_set(named) && has_addr(obs, kl->ifindex, named))
		pf->addr = *named;
	if (addr_is_set(&ka->peer)) {
		/* point-to-point: the peer is the connected network */
		pf->net.addr = ka->peer;
		pf->net.len = addr_len(&ka->peer) * 8;
	} else {
		pf->net = ka->local;
		prefix_mask(&pf->net);
	}
	if (addr_is_set(gw)) {
		pf->gateway = *gw;
	} else if ((def = find_default(c, obs, kl->ifindex, family)) &&
	    addr_is_set(&def->gateway)) {
		pf->gateway = def->gateway;
		pf->gateway_learned = true;
	} else if (!kl->pointopoint && !addr_is_set(&ka->peer) && !def) {
		/* a broadcast interface and nobody told us the way out:
		 * wait for a gateway (a DHCP client's default route) */
		return;
	}
	pf->usable = true;
}

/* The gateway's MAC address, from the neighbour table: it tells apart,
 * inbound, links that share one interface. */
static void
gateway_mac(const struct kstate *obs, struct plan_link *pl)
{
	const struct plan_family *fams[2] = { &pl->v4, &pl->v6 };
	const struct kneigh *n;
	unsigned int i;

	for (i = 0; i < 2; i++) {
		if (!fams[i]->usable || !addr_is_set(&fams[i]->gateway))
			continue;
		n = kobj_neigh(obs, pl->ifindex, &fams[i]->gateway);
		if (n) {
			memcpy(pl->gw_mac, n->mac, sizeof(pl->gw_mac));
			pl->has_gw_mac = true;
			return;
		}
	}
}

/* How hard a link is looked for in choose_active: each pass accepts
 * more. */
enum pick {
	PICK_HEALTHY,		/* up, not drained */
	PICK_DEGRADED,		/* degraded, not drained */
	PICK_CARRIER,		/* fail-open: carrier, not drained */
	PICK_ANY,		/* fail-open: carrier, drained or not */
	PICK_NONE,
};

/* May link i take new connections in this pass? NULL: not usable. */
static struct plan_family *
eligible(struct plan *p, const struct plan_input *in, unsigned int i,
    int family, enum pick pick)
{
	struct plan_link *pl = &p->links[i];
	struct plan_family *pf = family == AF_INET ? &pl->v4 : &pl->v6;
	enum health_state h = HEALTH_UNKNOWN;
	bool drained = false;

	if (in->links) {
		h = family == AF_INET ? in->links[i].health4 :
		    in->links[i].health6;
		drained = in->links[i].drained;
	}
	if (!pf->usable || !pl->carrier)
		return NULL;
	switch (pick) {
	case PICK_HEALTHY:
		return !drained && h == HEALTH_UP ? pf : NULL;
	case PICK_DEGRADED:
		return !drained && h == HEALTH_DEGRADED ? pf : NULL;
	case PICK_CARRIER:
		return !drained ? pf : NULL;
	case PICK_ANY:
		return pf;
	case PICK_NONE:
		break;
	}
	return NULL;
}

/*
 * Which links take new connections, for one family: the healthy links of
 * the best (lowest) tier that has one; failing that the degraded links of
 * the best tier that has one; failing that (every link down or not yet
 * known) every link with carrier: fail open rather than leave no route.
 * Drained links take none unless nothing else can.
 */
static bool
choose_active(struct plan *p, const struct plan_input *in, int family)
{
	unsigned int i, best_tier = CONF_TIER_MAX + 1;
	enum pick pick;
	bool failopen;

	for (pick = PICK_HEALTHY; pick < PICK_NONE; pick++) {
		for (i = 0; i < p->nlinks; i++)
			if (eligible(p, in, i, family, pick) &&
			    p->links[i].conf->tier < best_tier)
				best_tier = p->links[i].conf->tier;
		if (best_tier <= CONF_TIER_MAX)
			break;
	}
	if (pick == PICK_NONE)
		return false;
	/* fail-open keeps every tier: a backup line is better than nothing
	 * when every primary is down */
	failopen = pick >= PICK_CARRIER;
	for (i = 0; i < p->nlinks; i++) {
		struct plan_family *pf = eligible(p, in, i, family, pick);

		if (pf && (failopen || p->links[i].conf->tier == best_tier))
			pf->active = true;
	}
	return failopen;
}

static void
rule_base(struct krule *r, const struct conf *c, int family, uint32_t prio)
{
	memset(r, 0, sizeof(*r));
	r->family = family;
	r->priority = c->rule_priority_base + prio;
	r->action = KRULE_LOOKUP;
	r->suppress_prefixlen = -1;
	r->protocol = c->route_protocol;
}

static int
plan_link_objects(struct plan *p, const struct conf *c, struct plan_link *pl,
    int family)
{
	const struct plan_family *pf = family == AF_INET ? &pl->v4 : &pl->v6;
	struct kroute r;
	struct krule ru;
	struct knh nh;
	int rc;

	if (!pf->usable)
		return 0;

	memset(&r, 0, sizeof(r));
	r.family = family;
	r.table = pl->table;
	r.dst = pf->net;
	r.prefsrc = pf->addr;
	r.oif = pl->ifindex;
	r.protocol = c->route_protocol;
	r.scope = family == AF_INET ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE;
	r.type = RTN_UNICAST;
	r.realm = family == AF_INET ? pl->realm : 0;
	r.priority = family == AF_INET6 ? 1024 : 0;
	if ((rc = kobj_add_route(&p->k, &r)) < 0)
		return rc;

	memset(&r.dst, 0, sizeof(r.dst));
	r.dst.addr.family = family;
	r.gateway = pf->gateway;
	r.scope = addr_is_set(&pf->gateway) || family == AF_INET6 ?
	    RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
	if (addr_is_set(&pf->gateway) && !addr_is_linklocal6(&pf->gateway) &&
	    !prefix_contains(&pf->net, &pf->gateway))
		r.flags |= RTNH_F_ONLINK;
	if ((rc = kobj_add_route(&p->k, &r)) < 0)
		return rc;

	/* the nexthop the balanced group uses for this link; the kernel
	 * refuses (and removes) nexthops of a device without carrier */
	if (!pl->carrier)
		goto rules;
	memset(&nh, 0, sizeof(nh));
	nh.id = c->nexthop_id_base + pl->conf->id +
	    (family == AF_INET6 ? PLAN_NH_V6 : 0);
	nh.family = family;
	nh.protocol = c->route_protocol;
	nh.gateway = pf->gateway;
	nh.oif = pl->ifindex;
	nh.onlink = (r.flags & RTNH_F_ONLINK) != 0;
	if ((rc = kobj_add_nh(&p->k, &nh)) < 0)
		return rc;
rules:
	rule_base(&ru, c, family, PLAN_PRIO_FWMARK + pl->conf->id);
	ru.table = pl->table;
	ru.fwmark = pl->mark;
	ru.fwmask = c->fwmark_mask;
	if ((rc = kobj_add_rule(&p->k, &ru)) < 0)
		return rc;

	rule_base(&ru, c, family, PLAN_PRIO_FROM + pl->conf->id);
	ru.table = pl->table;
	ru.src.addr = pf->addr;
	ru.src.len = addr_len(&pf->addr) * 8;
	return kobj_add_rule(&p->k, &ru);
}

/* uplinkd's own source address own, on lo, as the source out: planned
 * (k.addrs) unless another interface has it (someone else's: used as it
 * is, not doubled). */
static int
own_source(struct plan *p, const struct kstate *obs, const struct addr *own,
    struct addr *out)
{
	const struct klink *lo = kobj_link_by_name(obs, "lo");
	struct kaddr ka;
	unsigned int i;

	if (!addr_is_set(own) || !lo)
		return 0;
	*out = *own;
	for (i = 0; i < obs->naddrs; i++)
		if (obs->addrs[i].ifindex != lo->ifindex &&
		    addr_eq(&obs->addrs[i].local.addr, own))
			return 0;
	memset(&ka, 0, sizeof(ka));
	ka.ifindex = lo->ifindex;
	ka.local.addr = *own;
	ka.local.len = addr_len(own) * 8;
	ka.scope = RT_SCOPE_UNIVERSE;
	ka.flags = own->family == AF_INET6 ? IFA_F_NODAD : 0;
	*(own->family == AF_INET ? &p->own_source4 : &p->own_source6) = true;
	return kobj_add_addr(&p->k, &ka);
}

/* The source for the host's unbound sockets (conf.h, local-source): given
 * (only one the host has), or a LAN interface's address, or else
 * uplinkd's own address. 0 or -ENOMEM. */
static int
local_source(struct plan *p, const struct conf *c, const struct kstate *obs,
    int family)
{
	const struct addr *want = family == AF_INET ? &c->local_source4 :
	    &c->local_source6;
	struct addr *out = family == AF_INET ? &p->local_source4 :
	    &p->local_source6;
	unsigned int i;

	memset(out, 0, sizeof(*out));
	if (!c->local_source_auto) {
		for (i = 0; i < obs->naddrs; i++)
			if (addr_is_set(want) &&
			    addr_eq(&obs->addrs[i].local.addr, want)) {
				*out = *want;
				break;
			}
		return 0;
	}
	for (i = 0; i < c->nlans; i++) {
		const struct klink *kl = kobj_link_by_name(obs,
		    c->lans[i].ifname);
		const struct kaddr *la = kl ?
		    find_addr(obs, kl->ifindex, family) : NULL;

		if (la) {
			*out = la->local.addr;
			return 0;
		}
	}
	return own_source(p, obs, family == AF_INET ? &c->own_source4 :
	    &c->own_source6, out);
}

/* Does any link of this family have an address? */
static bool
family_usable(const struct plan *p, int family)
{
	unsigned int i;

	for (i = 0; i < p->nlinks; i++)
		if ((family == AF_INET ? &p->links[i].v4 :
		    &p->links[i].v6)->usable)
			return true;
	return false;
}

static int
plan_balance(struct plan *p, const struct conf *c, const struct kstate *obs,
    int family)
{
	struct knh g;
	struct kroute r;
	struct krule ru;
	unsigned int i;
	int rc;

	if (!family_usable(p, family))
		return 0;
	/* the source first: its address exists whatever the group holds */
	if ((rc = local_source(p, c, obs, family)) < 0)
		return rc;

	/* host routes first (main without its default), then connections
	 * sent to main by a policy, then per-link marks and sources (added
	 * per link), then the balanced table */
	rule_base(&ru, c, family, PLAN_PRIO_SUPPRESS);
	ru.table = RT_TABLE_MAIN;
	ru.suppress_prefixlen = 0;
	if ((rc = kobj_add_rule(&p->k, &ru)) < 0)
		return rc;
	rule_base(&ru, c, family, PLAN_PRIO_FWMARK);
	ru.table = RT_TABLE_MAIN;
	ru.fwmark = PLAN_ID_BYPASS << __builtin_ctz(c->fwmark_mask);
	ru.fwmask = c->fwmark_mask;
	if ((rc = kobj_add_rule(&p->k, &ru)) < 0)
		return rc;
	rule_base(&ru, c, family, PLAN_PRIO_BALANCE);
	ru.table = c->table_base;
	if ((rc = kobj_add_rule(&p->k, &ru)) < 0)
		return rc;

	memset(&g, 0, sizeof(g));
	g.id = c->nexthop_id_base + (family == AF_INET6 ? PLAN_NH_GROUP6 : 0);
	g.family = AF_UNSPEC;
	g.protocol = c->route_protocol;
	g.is_group = true;
	g.resilient = true;
	g.buckets = PLAN_BUCKETS;
	/* a connection is pinned to its link by its mark, not by the group:
	 * buckets may move as soon as they are idle, so a new weight holds
	 * for new connections within a second, not after the kernel's 120 s */
	g.idle_timer_s = PLAN_IDLE_TIMER_S;
	for (i = 0; i < p->nlinks; i++) {
		const struct plan_link *pl = &p->links[i];
		const struct plan_family *pf = family == AF_INET ? &pl->v4 :
		    &pl->v6;

		if (!pf->active)
			continue;
		g.members[g.nmembers].id = c->nexthop_id_base + pl->conf->id +
		    (family == AF_INET6 ? PLAN_NH_V6 : 0);
		g.members[g.nmembers].weight = pl->weight;
		g.nmembers++;
	}
	if (g.nmembers == 0)
		return 0;	/* the host's own default route takes over */
	if ((rc = kobj_add_nh(&p->k, &g)) < 0)
		return rc;

	memset(&r, 0, sizeof(r));
	r.family = family;
	r.table = c->table_base;
	r.dst.addr.family = family;
	r.nhid = g.id;
	r.prefsrc = family == AF_INET ? p->local_source4 : p->local_source6;
	r.protocol = c->route_protocol;
	r.type = RTN_UNICAST;
	r.priority = family == AF_INET6 ? 1024 : 0;
	return kobj_add_route(&p->k, &r);
}

/* Does link i take new subflows in this family (plan.h, mptcp)? */
static bool
mptcp_wanted(const struct plan *p, const struct plan_input *in,
    unsigned int i, const struct plan_family *pf, int family)
{
	enum health_state h = HEALTH_UNKNOWN;

	if (in->links) {
		if (in->links[i].drained)
			return false;
		h = family == AF_INET ? in->links[i].health4 :
		    in->links[i].health6;
	}
	return pf->usable && p->links[i].carrier && addr_is_set(&pf->addr) &&
	    (pf->active || h == HEALTH_UP || h == HEALTH_DEGRADED);
}

/* One subflow endpoint per address of each link that takes new subflows;
 * backup where the link is not of the best tier among them (links sharing
 * one interface and address: the first link's). */
static void
plan_mptcp(struct plan *p, const struct plan_input *in, int family)
{
	unsigned int i, best = CONF_TIER_MAX + 1;
	struct mpath_ep e;

	for (i = 0; i < p->nlinks; i++) {
		const struct plan_family *pf = family == AF_INET ?
		    &p->links[i].v4 : &p->links[i].v6;

		if (mptcp_wanted(p, in, i, pf, family) &&
		    p->links[i].conf->tier < best)
			best = p->links[i].conf->tier;
	}
	for (i = 0; i < p->nlinks; i++) {
		const struct plan_link *pl = &p->links[i];
		const struct plan_family *pf = family == AF_INET ? &pl->v4 :
		    &pl->v6;

		memset(&e, 0, sizeof(e));
		e.id = mpath_id(pl->conf->id, family);
		if (!e.id || !mptcp_wanted(p, in, i, pf, family) ||
		    mpath_find_addr(&p->mptcp, &pf->addr))
			continue;
		e.addr = pf->addr;
		e.ifindex = pl->ifindex;
		e.flags = MPATH_F_SUBFLOW;
		if (pl->conf->tier > best)
			e.flags |= MPATH_F_BACKUP;
		mpath_add(&p->mptcp, &e);
	}
}

static int
add_sysctl(struct plan *p, const char *path, const char *value)
{
	struct plan_sysctl *s;

	s = realloc(p->sysctls, (p->nsysctls + 1) * sizeof(*s));
	if (!s)
		return -ENOMEM;
	p->sysctls = s;
	s = &p->sysctls[p->nsysctls++];
	snprintf(s->path, sizeof(s->path), "%s", path);
	snprintf(s->value, sizeof(s->value), "%s", value);
	return 0;
}

/*
 * The sysctls the setup needs, in the host's namespace: L4 multipath
 * hashing where the host's own connections have no local source (the
 * balanced group then spreads them by connection, not by host), loose
 * reverse-path filtering on uplinks (replies of a connection balanced to
 * another uplink arrive where the strict check would drop them), ignoring
 * routes whose link has no carrier and neighbours that do not answer, and
 * forwarding when a LAN is configured.
 */
static int
plan_sysctls(struct plan *p, const struct conf *c, bool v6)
{
	char path[128];
	unsigned int i;
	int rc = 0;

	if (!c->manage_sysctl)
		return 0;
	/* the hash places only the host's unbound sockets, and only when
	 * they have no local source (nftables places the rest): left as the
	 * host has it otherwise */
	if (!addr_is_set(&p->local_source4))
		rc |= add_sysctl(p, "net/ipv4/fib_multipath_hash_policy", "1");
	rc |= add_sysctl(p, "net/ipv4/fib_multipath_use_neigh", "1");
	if (v6 && !addr_is_set(&p->local_source6))
		rc |= add_sysctl(p, "net/ipv6/fib_multipath_hash_policy", "1");
	for (i = 0; i < p->nlinks; i++) {
		const struct plan_link *pl = &p->links[i];

		if (!pl->ifindex)
			continue;
		snprintf(path, sizeof(path), "net/ipv4/conf/%s/rp_filter",
		    pl->conf->ifname);
		rc |= add_sysctl(p, path, "2");
		snprintf(path, sizeof(path),
		    "net/ipv4/conf/%s/ignore_routes_with_linkdown",
		    pl->conf->ifname);
		rc |= add_sysctl(p, path, "1");
		if (v6 && pl->v6.usable) {
			snprintf(path, sizeof(path),
			    "net/ipv6/conf/%s/ignore_routes_with_linkdown",
			    pl->conf->ifname);
			rc |= add_sysctl(p, path, "1");
		}
	}
	if (c->nlans > 0) {
		rc |= add_sysctl(p, "net/ipv4/ip_forward", "1");
		if (v6)
			rc |= add_sysctl(p, "net/ipv6/conf/all/forwarding",
			    "1");
	}
	return rc ? -ENOMEM : 0;
}

int
plan_build(const struct plan_input *in, struct plan *p)
{
	const struct conf *c = in->conf;
	unsigned int i;
	bool v6 = false;
	int rc;

	memset(p, 0, sizeof(*p));
	kobj_init(&p->k);
	p->links = calloc(c->nlinks ? c->nlinks : 1, sizeof(*p->links));
	if (!p->links)
		return -ENOMEM;
	p->nlinks = c->nlinks;

	for (i = 0; i < c->nlinks; i++) {
		const struct conf_link *cl = &c->links[i];
		struct plan_link *pl = &p->links[i];
		const struct klink *kl = kobj_link_by_name(in->obs,
		    cl->ifname);

		pl->conf = cl;
		pl->mark = conf_link_mark(c, cl);
		pl->table = conf_link_table(c, cl);
		pl->realm = cl->id;
		pl->weight = in->links && in->links[i].weight ?
		    in->links[i].weight : cl->weight;
		if (kl) {
			pl->ifindex = kl->ifindex;
			pl->carrier = kl->carrier && (kl->flags & IFF_UP);
		}
		plan_family(c, in->obs, kl, cl, AF_INET, &pl->v4);
		plan_family(c, in->obs, kl, cl, AF_INET6, &pl->v6);
		gateway_mac(in->obs, pl);
		if (pl->v6.usable)
			v6 = true;
	}
	p->failopen4 = choose_active(p, in, AF_INET);
	p->failopen6 = choose_active(p, in, AF_INET6);

	for (i = 0; i < p->nlinks; i++) {
		if ((rc = plan_link_objects(p, c, &p->links[i], AF_INET)) < 0 ||
		    (rc = plan_link_objects(p, c, &p->links[i], AF_INET6)) < 0)
			goto err;
	}
	if ((rc = plan_balance(p, c, in->obs, AF_INET)) < 0 ||
	    (rc = plan_balance(p, c, in->obs, AF_INET6)) < 0 ||
	    (rc = plan_sysctls(p, c, v6)) < 0)
		goto err;
	if (c->mptcp) {
		plan_mptcp(p, in, AF_INET);
		plan_mptcp(p, in, AF_INET6);
	}
	return 0;
err:
	plan_free(p);
	return rc;
}

void
plan_free(struct plan *p)
{
	kobj_clear(&p->k);
	free(p->links);
	free(p->sysctls);
	memset(p, 0, sizeof(*p));
}

bool
plan_owns_route(const struct conf *c, const struct kroute *r)
{
	return r->protocol == c->route_protocol &&
	    r->table >= c->table_base &&
	    r->table <= c->table_base + CONF_MAX_LINKS;
}

bool
plan_owns_rule(const struct conf *c, const struct krule *r)
{
	return r->protocol == c->route_protocol &&
	    r->priority >= c->rule_priority_base &&
	    r->priority < c->rule_priority_base + PLAN_PRIO_SPAN;
}

bool
plan_owns_addr(const struct conf *c, const struct kstate *obs,
    const struct kaddr *a)
{
	const struct addr *own = a->local.addr.family == AF_INET ?
	    &c->own_source4 : &c->own_source6;
	const struct addr *ls = a->local.addr.family == AF_INET ?
	    &c->local_source4 : &c->local_source6;
	const struct klink *lo = kobj_link_by_name(obs, "lo");

	return lo && a->ifindex == lo->ifindex && addr_is_set(own) &&
	    addr_eq(&a->local.addr, own) &&
	    (c->local_source_auto || !addr_eq(own, ls));
}

bool
plan_owns_nh(const struct conf *c, const struct knh *n)
{
	return n->protocol == c->route_protocol &&
	    n->id >= c->nexthop_id_base &&
	    n->id <= c->nexthop_id_base + PLAN_NH_GROUP6;
}
