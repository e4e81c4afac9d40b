/* SPDX-License-Identifier: ISC */
/*
 * Growable arrays of kernel objects (struct kstate) and their identity and
 * equality. See kobj.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "kobj.h"

void
kobj_init(struct kstate *s)
{
	memset(s, 0, sizeof(*s));
}

void
kobj_clear(struct kstate *s)
{
	free(s->links);
	free(s->addrs);
	free(s->routes);
	free(s->rules);
	free(s->nhs);
	free(s->neighs);
	kobj_init(s);
}

/* Append one element to *arr (of *n elements of size sz). */
static void *
grow(void **arr, unsigned int *n, size_t sz)
{
	void *p;

	/* capacity: next power of two >= n+1 */
	unsigned int cap = 8;
	while (cap < *n + 1)
		cap *= 2;
	if (*n == 0 || *n == cap / 2 || (*n & (*n - 1)) == 0) {
		p = realloc(*arr, (size_t)cap * sz);
		if (!p)
			return NULL;
		*arr = p;
	}
	p = (char *)*arr + (size_t)(*n) * sz;
	(*n)++;
	return p;
}

static void
remove_at(void *arr, unsigned int *n, size_t sz, unsigned int i)
{
	char *a = arr;

	memmove(a + i * sz, a + (i + 1) * sz, (size_t)(*n - i - 1) * sz);
	(*n)--;
}

#define ADD_OR_REPLACE(arr, n, obj, same)				\
	do {								\
		unsigned int i_;					\
		void *slot_;						\
		for (i_ = 0; i_ < (n); i_++)				\
			if (same(&(arr)[i_], (obj))) {			\
				(arr)[i_] = *(obj);			\
				return 0;				\
			}						\
		slot_ = grow((void **)&(arr), &(n), sizeof(*(arr)));	\
		if (!slot_)						\
			return -ENOMEM;					\
		memcpy(slot_, (obj), sizeof(*(arr)));			\
		return 0;						\
	} while (0)

static bool
link_same(const struct klink *a, const struct klink *b)
{
	return a->ifindex == b->ifindex;
}

int
kobj_add_link(struct kstate *s, const struct klink *l)
{
	ADD_OR_REPLACE(s->links, s->nlinks, l, link_same);
}

void
kobj_del_link(struct kstate *s, int ifindex)
{
	unsigned int i;

	for (i = 0; i < s->nlinks; i++)
		if (s->links[i].ifindex == ifindex) {
			remove_at(s->links, &s->nlinks, sizeof(*s->links), i);
			break;
		}
	kobj_del_links_objects(s, ifindex);
}

static bool
addr_same(const struct kaddr *a, const struct kaddr *b)
{
	return a->ifindex == b->ifindex && prefix_eq(&a->local, &b->local);
}

int
kobj_add_addr(struct kstate *s, const struct kaddr *a)
{
	ADD_OR_REPLACE(s->addrs, s->naddrs, a, addr_same);
}

void
kobj_del_addr(struct kstate *s, const struct kaddr *a)
{
	unsigned int i;

	for (i = 0; i < s->naddrs; i++)
		if (addr_same(&s->addrs[i], a)) {
			remove_at(s->addrs, &s->naddrs, sizeof(*s->addrs), i);
			return;
		}
}

/* The kernel's identity of a route: table, family, destination, metric
 * (and type, tos which we keep at 0). */
bool
kobj_route_same(const struct kroute *a, const struct kroute *b)
{
	return a->family == b->family && a->table == b->table &&
	    prefix_eq(&a->dst, &b->dst) && a->priority == b->priority &&
	    /* several default routes of one table differ by device in the
	     * mirror (e.g. two DHCP defaults in main) */
	    (a->table < 256 ? a->oif == b->oif : 1);
}

bool
kobj_route_eq(const struct kroute *a, const struct kroute *b)
{
	if (!kobj_route_same(a, b))
		return false;
	/* a route through a nexthop object is reported with that nexthop's
	 * gateway and device: compare the object, not what it resolves to */
	if (a->nhid || b->nhid)
		return a->nhid == b->nhid && a->protocol == b->protocol &&
		    a->type == b->type && addr_eq(&a->prefsrc, &b->prefsrc);
	return addr_eq(&a->gateway, &b->gateway) &&
	    addr_eq(&a->prefsrc, &b->prefsrc) && a->oif == b->oif &&
	    a->protocol == b->protocol &&
	    a->scope == b->scope && a->type == b->type &&
	    a->realm == b->realm;
}

int
kobj_add_route(struct kstate *s, const struct kroute *r)
{
	ADD_OR_REPLACE(s->routes, s->nroutes, r, kobj_route_same);
}

void
kobj_del_route(struct kstate *s, const struct kroute *r)
{
	unsigned int i;

	for (i = 0; i < s->nroutes; i++)
		if (kobj_route_same(&s->routes[i], r)) {
			remove_at(s->routes, &s->nroutes, sizeof(*s->routes), i);
			return;
		}
}

bool
kobj_rule_eq(const struct krule *a, const struct krule *b)
{
	return a->family == b->family && a->priority == b->priority &&
	    a->action == b->action && a->table == b->table &&
	    prefix_eq(&a->src, &b->src) && prefix_eq(&a->dst, &b->dst) &&
	    a->fwmark == b->fwmark && a->fwmask == b->fwmask &&
	    a->suppress_prefixlen == b->suppress_prefixlen &&
	    strcmp(a->iifname, b->iifname) == 0 &&
	    a->ip_proto == b->ip_proto &&
	    a->sport_lo == b->sport_lo && a->sport_hi == b->sport_hi &&
	    a->dport_lo == b->dport_lo && a->dport_hi == b->dport_hi &&
	    a->protocol == b->protocol;
}

int
kobj_add_rule(struct kstate *s, const struct krule *r)
{
	ADD_OR_REPLACE(s->rules, s->nrules, r, kobj_rule_eq);
}

void
kobj_del_rule(struct kstate *s, const struct krule *r)
{
	unsigned int i;

	for (i = 0; i < s->nrules; i++)
		if (kobj_rule_eq(&s->rules[i], r)) {
			remove_at(s->rules, &s->nrules, sizeof(*s->rules), i);
			return;
		}
}

static bool
nh_same(const struct knh *a, const struct knh *b)
{
	return a->id == b->id;
}

bool
kobj_nh_eq(const struct knh *a, const struct knh *b)
{
	unsigned int i;

	if (a->id != b->id || a->is_group != b->is_group ||
	    a->protocol != b->protocol)
		return false;
	if (!a->is_group)
		return a->family == b->family &&
		    addr_eq(&a->gateway, &b->gateway) && a->oif == b->oif &&
		    a->onlink == b->onlink;
	if (a->resilient != b->resilient || a->nmembers != b->nmembers)
		return false;
	if (a->resilient && (a->buckets != b->buckets ||
	    a->idle_timer_s != b->idle_timer_s))
		return false;
	for (i = 0; i < a->nmembers; i++)
		if (a->members[i].id != b->members[i].id ||
		    a->members[i].weight != b->members[i].weight)
			return false;
	return true;
}

int
kobj_add_nh(struct kstate *s, const struct knh *n)
{
	ADD_OR_REPLACE(s->nhs, s->nnhs, n, nh_same);
}

void
kobj_del_nh(struct kstate *s, uint32_t id)
{
	unsigned int i;

	for (i = 0; i < s->nnhs; i++)
		if (s->nhs[i].id == id) {
			remove_at(s->nhs, &s->nnhs, sizeof(*s->nhs), i);
			return;
		}
}

/* Remove nexthop id from the mirror: from every group it is in, groups
 * left empty, and the routes using any of these. */
void
kobj_drop_nh(struct kstate *s, uint32_t id)
{
	unsigned int i, j;
	struct knh *g;

	kobj_del_nh(s, id);
	for (i = 0; i < s->nroutes;)
		if (s->routes[i].nhid == id)
			kobj_del_route(s, &s->routes[i]);
		else
			i++;
	for (i = 0; i < s->nnhs; i++) {
		g = &s->nhs[i];
		if (!g->is_group)
			continue;
		for (j = 0; j < g->nmembers;)
			if (g->members[j].id == id) {
				memmove(&g->members[j], &g->members[j + 1],
				    (g->nmembers - j - 1) *
				    sizeof(g->members[0]));
				g->nmembers--;
			} else
				j++;
		if (g->nmembers == 0) {
			kobj_drop_nh(s, g->id);
			i = (unsigned int)-1;	/* the array changed */
		}
	}
}

const struct knh *
kobj_find_nh(const struct kstate *s, uint32_t id)
{
	unsigned int i;

	for (i = 0; i < s->nnhs; i++)
		if (s->nhs[i].id == id)
			return &s->nhs[i];
	return NULL;
}

const struct kroute *
kobj_find_route(const struct kstate *s, const struct kroute *r)
{
	unsigned int i;

	for (i = 0; i < s->nroutes; i++)
		if (kobj_route_same(&s->routes[i], r))
			return &s->routes[i];
	return NULL;
}

bool
kobj_has_rule(const struct kstate *s, const struct krule *r)
{
	unsigned int i;

	for (i = 0; i < s->nrules; i++)
		if (kobj_rule_eq(&s->rules[i], r))
			return true;
	return false;
}

static bool
neigh_same(const struct kneigh *a, const struct kneigh *b)
{
	return a->ifindex == b->ifindex && addr_eq(&a->addr, &b->addr);
}

int
kobj_add_neigh(struct kstate *s, const struct kneigh *n)
{
	ADD_OR_REPLACE(s->neighs, s->nneighs, n, neigh_same);
}

void
kobj_del_neigh(struct kstate *s, const struct kneigh *n)
{
	unsigned int i;

	for (i = 0; i < s->nneighs; i++)
		if (neigh_same(&s->neighs[i], n)) {
			remove_at(s->neighs, &s->nneighs, sizeof(*s->neighs),
			    i);
			return;
		}
}

const struct kneigh *
kobj_neigh(const struct kstate *s, int ifindex, const struct addr *a)
{
	unsigned int i;

	for (i = 0; i < s->nneighs; i++)
		if (s->neighs[i].ifindex == ifindex &&
		    addr_eq(&s->neighs[i].addr, a))
			return &s->neighs[i];
	return NULL;
}

void
kobj_del_links_objects(struct kstate *s, int ifindex)
{
	unsigned int i;

	for (i = 0; i < s->nneighs;)
		if (s->neighs[i].ifindex == ifindex)
			remove_at(s->neighs, &s->nneighs, sizeof(*s->neighs),
			    i);
		else
			i++;

	for (i = 0; i < s->naddrs;)
		if (s->addrs[i].ifindex == ifindex)
			remove_at(s->addrs, &s->naddrs, sizeof(*s->addrs), i);
		else
			i++;
	for (i = 0; i < s->nroutes;)
		if (s->routes[i].oif == ifindex)
			remove_at(s->routes, &s->nroutes, sizeof(*s->routes), i);
		else
			i++;
	/* the kernel removes nexthops of a deleted device (and groups
	 * left empty); an event follows for each, but not always */
	for (i = 0; i < s->nnhs;)
		if (!s->nhs[i].is_group && s->nhs[i].oif == ifindex)
			remove_at(s->nhs, &s->nnhs, sizeof(*s->nhs), i);
		else
			i++;
}

const struct klink *
kobj_link_by_name(const struct kstate *s, const char *ifname)
{
	unsigned int i;

	for (i = 0; i < s->nlinks; i++)
		if (strcmp(s->links[i].ifname, ifname) == 0)
			return &s->links[i];
	return NULL;
}

const struct klink *
kobj_link_by_index(const struct kstate *s, int ifindex)
{
	unsigned int i;

	for (i = 0; i < s->nlinks; i++)
		if (s->links[i].ifindex == ifindex)
			return &s->links[i];
	return NULL;
}

bool
kobj_link_eq(const struct klink *a, const struct klink *b)
{
	return a->ifindex == b->ifindex &&
	    strcmp(a->ifname, b->ifname) == 0 && a->flags == b->flags &&
	    a->carrier == b->carrier && a->pointopoint == b->pointopoint &&
	    a->has_mac == b->has_mac &&
	    memcmp(a->mac, b->mac, sizeof(a->mac)) == 0;
}

bool
kobj_addr_eq(const struct kaddr *a, const struct kaddr *b)
{
	return a->ifindex == b->ifindex && prefix_eq(&a->local, &b->local) &&
	    addr_eq(&a->peer, &b->peer) && a->scope == b->scope &&
	    a->flags == b->flags;
}

unsigned int
kobj_size(const struct kstate *s)
{
	return s->nlinks + s->naddrs + s->nroutes + s->nrules + s->nnhs +
	    s->nneighs;
}
