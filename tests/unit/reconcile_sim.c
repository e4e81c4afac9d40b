/* SPDX-License-Identifier: ISC */
/*
 * The simulated kernel of the reconcile unit tests (reconcile_sim.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>
#include <linux/rtnetlink.h>

#include "reconcile_sim.h"
#include "testutil.h"

const char sim_two[] =
    "link isp1 { interface = wan1\n gateway = 198.18.1.1 }\n"
    "link isp2 { interface = wan2\n gateway = 198.18.2.1 }\n";
const char sim_three[] =
    "link isp1 { interface = wan1\n gateway = 198.18.1.1 }\n"
    "link isp2 { interface = wan2\n gateway = 198.18.2.1 }\n"
    "link isp3 { interface = wan3\n gateway = 198.18.3.1\n weight = 2 }\n";

/* lo (ifindex 1) and wan1..wan3 (ifindex 11..13), 198.18.K.2/24, but
 * wan1 at wan1_addr when that is not NULL. */
void
sim_host_at(struct kstate *s, const char *wan1_addr)
{
	struct klink l = { 0 };
	struct kaddr a = { 0 };
	char buf[32];
	unsigned int k;

	kobj_init(s);
	l.ifindex = 1;
	strcpy(l.ifname, "lo");
	l.flags = IFF_UP | IFF_RUNNING | IFF_LOOPBACK;
	l.carrier = true;
	assert_int_equal(kobj_add_link(s, &l), 0);
	for (k = 1; k <= 3; k++) {
		l.ifindex = 10 + k;
		snprintf(l.ifname, sizeof(l.ifname), "wan%u", k);
		l.flags = IFF_UP | IFF_RUNNING;
		assert_int_equal(kobj_add_link(s, &l), 0);
		a.ifindex = l.ifindex;
		snprintf(buf, sizeof(buf), "198.18.%u.2/24", k);
		a.local = P(k == 1 && wan1_addr ? wan1_addr : buf);
		assert_int_equal(kobj_add_addr(s, &a), 0);
	}
}

void
sim_host(struct kstate *s)
{
	sim_host_at(s, NULL);
}

void
sim_merge(struct kstate *s, const struct kstate *k)
{
	unsigned int i;

	for (i = 0; i < k->naddrs; i++)
		assert_int_equal(kobj_add_addr(s, &k->addrs[i]), 0);
	for (i = 0; i < k->nroutes; i++)
		assert_int_equal(kobj_add_route(s, &k->routes[i]), 0);
	for (i = 0; i < k->nrules; i++)
		assert_int_equal(kobj_add_rule(s, &k->rules[i]), 0);
	for (i = 0; i < k->nnhs; i++)
		assert_int_equal(kobj_add_nh(s, &k->nhs[i]), 0);
}

/*
 * The plan for conf text with each link's health from h ('u' up, 'd'
 * down, '?' unknown; one per link), on the host; also merged into *have
 * when have is not NULL (the kernel after uplinkd applied it).
 */
void
sim_planned_at(const char *text, const char *h, const char *wan1_addr,
    struct plan *p, struct conf **cp, struct kstate *have)
{
	struct plan_link_in in_links[8];
	struct plan_input in = { 0 };
	struct kstate obs;
	struct conf *c;
	unsigned int i;

	c = conf_load_buf("test.conf", text, stderr);
	assert_non_null(c);
	memset(in_links, 0, sizeof(in_links));
	for (i = 0; i < c->nlinks; i++)
		in_links[i].health4 = h[i] == 'u' ? HEALTH_UP :
		    h[i] == 'd' ? HEALTH_DOWN : HEALTH_UNKNOWN;
	sim_host_at(&obs, wan1_addr);
	in.conf = c;
	in.obs = &obs;
	in.links = in_links;
	assert_int_equal(plan_build(&in, p), 0);
	kobj_clear(&obs);
	if (have)
		sim_merge(have, &p->k);
	if (cp)
		*cp = c;
	else
		conf_free(c);
}

void
sim_planned(const char *text, const char *h, struct plan *p, struct conf **cp,
    struct kstate *have)
{
	sim_planned_at(text, h, NULL, p, cp, have);
}

/* s after ops 0..k-1 (what the applier does with the mirror). */
void
sim_play(struct kstate *s, const struct reconcile_ops *ops, unsigned int k)
{
	unsigned int i;

	for (i = 0; i < k && i < ops->nops; i++)
		if (!ops->ops[i].implicit)
			assert_int_equal(reconcile_effect(s,
			    &ops->ops[i]), 0);
}

void
sim_copy(struct kstate *dst, const struct kstate *src)
{
	unsigned int i;

	kobj_init(dst);
	for (i = 0; i < src->nlinks; i++)
		assert_int_equal(kobj_add_link(dst, &src->links[i]), 0);
	sim_merge(dst, src);
}

/* a's routes, rules, nexthops and addresses are all in b, equal. */
bool
sim_within(const struct kstate *a, const struct kstate *b)
{
	const struct kroute *r;
	const struct knh *n;
	unsigned int i, j;

	for (i = 0; i < a->nroutes; i++)
		if (!(r = kobj_find_route(b, &a->routes[i])) ||
		    !kobj_route_eq(r, &a->routes[i]))
			return false;
	for (i = 0; i < a->nrules; i++)
		if (!kobj_has_rule(b, &a->rules[i]))
			return false;
	for (i = 0; i < a->nnhs; i++)
		if (!(n = kobj_find_nh(b, a->nhs[i].id)) ||
		    !kobj_nh_eq(n, &a->nhs[i]))
			return false;
	for (i = 0; i < a->naddrs; i++) {
		for (j = 0; j < b->naddrs; j++)
			if (b->addrs[j].ifindex == a->addrs[i].ifindex &&
			    prefix_eq(&b->addrs[j].local, &a->addrs[i].local))
				break;
		if (j == b->naddrs)
			return false;
	}
	return true;
}

bool
sim_same(const struct kstate *a, const struct kstate *b)
{
	return a->nroutes == b->nroutes && a->nrules == b->nrules &&
	    a->nnhs == b->nnhs && a->naddrs == b->naddrs &&
	    sim_within(a, b) && sim_within(b, a);
}

/* The kernel's constraints on op (at state s): what a nexthop group or a
 * route refers to exists, and a nexthop is deleted only when nothing
 * refers to it (else the kernel deletes more than asked). */
void
sim_assert_refs(const struct kstate *s, const struct reconcile_op *op)
{
	unsigned int i, j;

	if (op->obj == RECONCILE_NH && op->cmd == RECONCILE_DEL) {
		for (i = 0; i < s->nroutes; i++)
			assert_int_not_equal(s->routes[i].nhid, op->o.nh.id);
		for (i = 0; i < s->nnhs; i++)
			for (j = 0; j < s->nhs[i].nmembers; j++)
				assert_int_not_equal(s->nhs[i].members[j].id,
				    op->o.nh.id);
		return;
	}
	if (op->cmd == RECONCILE_DEL)
		return;
	if (op->obj == RECONCILE_NH)
		for (i = 0; i < op->o.nh.nmembers; i++)
			assert_non_null(kobj_find_nh(s,
			    op->o.nh.members[i].id));
	if (op->obj == RECONCILE_ROUTE && op->o.route.nhid)
		assert_non_null(kobj_find_nh(s, op->o.route.nhid));
}

void
sim_teardown(struct kstate *have, struct plan *want, struct conf *c,
    struct reconcile_ops *ops)
{
	reconcile_ops_free(ops);
	plan_free(want);
	conf_free(c);
	kobj_clear(have);
}

/* Is a default route of table in s? */
bool
sim_has_default(const struct kstate *s, uint32_t table)
{
	unsigned int i;

	for (i = 0; i < s->nroutes; i++)
		if (s->routes[i].table == table && s->routes[i].dst.len == 0)
			return true;
	return false;
}

bool
sim_table_empty(const struct kstate *s, uint32_t table)
{
	unsigned int i;

	for (i = 0; i < s->nroutes; i++)
		if (s->routes[i].table == table)
			return false;
	return true;
}

/* The invariants of every intermediate state s: each table whose default
 * is in have and want keeps it (the per-link tables of links that stay,
 * and the balanced one); no rule of uplinkd's points at an empty table of
 * its range. */
void
sim_assert_never_routeless(const struct conf *c, const struct kstate *have,
    const struct kstate *want, const struct kstate *s, unsigned int step)
{
	unsigned int t, i;

	for (t = c->table_base; t <= c->table_base + 3; t++)
		if (sim_has_default(have, t) && sim_has_default(want, t) &&
		    !sim_has_default(s, t))
			fail_msg("after op %u: table %u has no default", step,
			    t);
	for (i = 0; i < s->nrules; i++) {
		const struct krule *r = &s->rules[i];

		if (plan_owns_rule(c, r) && r->action == KRULE_LOOKUP &&
		    r->table >= c->table_base &&
		    r->table <= c->table_base + CONF_MAX_LINKS &&
		    sim_table_empty(s, r->table))
			fail_msg("after op %u: a rule points at empty table "
			    "%u", step, r->table);
	}
}
