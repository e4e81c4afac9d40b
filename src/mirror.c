/* SPDX-License-Identifier: ISC */
/* The kernel mirror's rules (see mirror.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/rtnetlink.h>

#include "mirror.h"
#include "rtmsg.h"

#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP	0x10000	/* linux/if.h, which clashes with net/if.h */
#endif

void
mirror_filter_init(struct mirror_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->table_lo = 1;	/* an empty range */
	f->table_hi = 0;
}

void
mirror_filter_neighs(struct mirror_filter *f, const char *const *ifnames,
    unsigned int n)
{
	unsigned int i;

	f->nneigh_if = n < MIRROR_NEIGH_IFS ? n : MIRROR_NEIGH_IFS;
	for (i = 0; i < f->nneigh_if; i++)
		snprintf(f->neigh_if[i], sizeof(f->neigh_if[i]), "%s",
		    ifnames[i]);
}

static bool
route_wanted(const struct mirror_filter *f, const struct kroute *r)
{
	if (r->table >= f->table_lo && r->table <= f->table_hi)
		return true;
	return r->dst.len == 0 && r->table != RT_TABLE_LOCAL;
}

static bool
neigh_wanted(const struct mirror_filter *f, const struct kstate *s,
    const struct kneigh *n)
{
	const struct klink *l = kobj_link_by_index(s, n->ifindex);
	unsigned int i;

	if (!l)
		return false;
	for (i = 0; i < f->nneigh_if; i++)
		if (strcmp(f->neigh_if[i], l->ifname) == 0)
			return true;
	return false;
}

union kobj_any {
	struct kaddr a;
	struct kroute r;
	struct krule ru;
	struct knh n;
};

static bool
have_link(const struct kstate *s, const struct klink *l)
{
	const struct klink *o = kobj_link_by_index(s, l->ifindex);

	return o && kobj_link_eq(o, l);
}

static bool
have_addr(const struct kstate *s, const struct kaddr *a)
{
	unsigned int i;

	for (i = 0; i < s->naddrs; i++)
		if (kobj_addr_eq(&s->addrs[i], a))
			return true;
	return false;
}

static bool
have_route(const struct kstate *s, const struct kroute *r)
{
	const struct kroute *o = kobj_find_route(s, r);

	return o && kobj_route_eq(o, r) && o->flags == r->flags;
}

static bool
have_nh(const struct kstate *s, const struct knh *n)
{
	const struct knh *o = kobj_find_nh(s, n->id);

	return o && kobj_nh_eq(o, n);
}

/*
 * What the kernel flushes without telling: the nexthops of a device that
 * goes down or loses carrier (with their group memberships and routes) and
 * the IPv4 routes of a device that goes down.
 */
static void
flush_link(struct kstate *s, const struct klink *l, bool gone)
{
	bool down = gone || !(l->flags & IFF_UP);
	bool nocarrier = down || !(l->flags & (IFF_RUNNING | IFF_LOWER_UP));
	unsigned int i;

	if (!nocarrier)
		return;
	for (i = 0; i < s->nnhs;)
		if (!s->nhs[i].is_group && s->nhs[i].oif == l->ifindex) {
			kobj_drop_nh(s, s->nhs[i].id);
			i = 0;
		} else
			i++;
	if (!down)
		return;
	for (i = 0; i < s->nroutes;)
		if (s->routes[i].family == AF_INET &&
		    s->routes[i].oif == l->ifindex)
			kobj_del_route(s, &s->routes[i]);
		else
			i++;
}

static int
added(int err)
{
	return err < 0 ? -ENOMEM : 1;
}

/* mirror_event's answer for an event that added nothing: ret, the
 * parser's, says whether it was malformed. */
static int
settled(const struct kstate *s, unsigned int before, int ret)
{
	if (ret < 0)
		return -EINVAL;
	return kobj_size(s) != before;
}

static int
link_event(struct kstate *s, const struct nlmsghdr *nlh)
{
	struct klink l;
	unsigned int before = kobj_size(s);
	int ret;

	if ((ret = rtmsg_parse_link(nlh, &l)) != 0)
		return settled(s, before, ret);
	if (nlh->nlmsg_type == RTM_DELLINK) {
		flush_link(s, &l, true);
		kobj_del_link(s, l.ifindex);
	} else if (!have_link(s, &l)) {
		/* a rename is a replace: same ifindex */
		flush_link(s, &l, false);
		return added(kobj_add_link(s, &l));
	}
	return settled(s, before, 0);
}

static int
neigh_event(struct kstate *s, const struct mirror_filter *f,
    const struct nlmsghdr *nlh)
{
	struct kneigh ne;
	unsigned int before = kobj_size(s);
	const struct kneigh *have;
	int ret;

	ret = rtmsg_parse_neigh(nlh, &ne);
	if (nlh->nlmsg_type == RTM_DELNEIGH) {
		if (ret == 0)
			kobj_del_neigh(s, &ne);
		return settled(s, before, ret);
	}
	if (ret == 1 && ne.ifindex > 0) {
		/* no longer resolved: forget it */
		kobj_del_neigh(s, &ne);
		return settled(s, before, 0);
	}
	if (ret != 0 || !neigh_wanted(f, s, &ne))
		return settled(s, before, ret);
	have = kobj_neigh(s, ne.ifindex, &ne.addr);
	if (have && memcmp(have->mac, ne.mac, sizeof(ne.mac)) == 0)
		return settled(s, before, 0);
	return added(kobj_add_neigh(s, &ne));
}

int
mirror_event(struct kstate *s, const struct mirror_filter *f,
    const struct nlmsghdr *nlh)
{
	union kobj_any o;
	unsigned int before = kobj_size(s);
	int ret;

	switch (nlh->nlmsg_type) {
	case RTM_NEWLINK:
	case RTM_DELLINK:
		return link_event(s, nlh);
	case RTM_NEWADDR:
		if ((ret = rtmsg_parse_addr(nlh, &o.a)) != 0 ||
		    have_addr(s, &o.a))
			break;
		return added(kobj_add_addr(s, &o.a));
	case RTM_DELADDR:
		if ((ret = rtmsg_parse_addr(nlh, &o.a)) == 0)
			kobj_del_addr(s, &o.a);
		break;
	case RTM_NEWROUTE:
		if ((ret = rtmsg_parse_route(nlh, &o.r)) != 0 ||
		    !route_wanted(f, &o.r) || have_route(s, &o.r))
			break;
		return added(kobj_add_route(s, &o.r));
	case RTM_DELROUTE:
		if ((ret = rtmsg_parse_route(nlh, &o.r)) == 0)
			kobj_del_route(s, &o.r);
		break;
	case RTM_NEWRULE:
		if ((ret = rtmsg_parse_rule(nlh, &o.ru)) != 0 ||
		    kobj_has_rule(s, &o.ru))
			break;
		return added(kobj_add_rule(s, &o.ru));
	case RTM_DELRULE:
		if ((ret = rtmsg_parse_rule(nlh, &o.ru)) == 0)
			kobj_del_rule(s, &o.ru);
		break;
	case RTM_NEWNEXTHOP:
		if ((ret = rtmsg_parse_nh(nlh, &o.n)) != 0 ||
		    have_nh(s, &o.n))
			break;
		return added(kobj_add_nh(s, &o.n));
	case RTM_DELNEXTHOP:
		if ((ret = rtmsg_parse_nh(nlh, &o.n)) == 0)
			kobj_drop_nh(s, o.n.id);
		break;
	case RTM_NEWNEIGH:
	case RTM_DELNEIGH:
		return neigh_event(s, f, nlh);
	default:
		return 0;
	}
	return settled(s, before, ret);
}
