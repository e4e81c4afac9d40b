/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of reconcile_diff and reconcile_inverse, no root: the kernel
 * states are a host (wan1..wanN, lo) plus the objects of real plans, and
 * the ops are played on a copy with reconcile_effect. Each test guards one
 * rule of the diff: ownership (nothing of others is in the list, even
 * where it matches a planned object), ordering (no intermediate state
 * where a link that stays up has no default route, or a rule points at an
 * empty table), kind changes (delete, then add), adoption of uplinkd's own
 * leftovers after kill -9, and rollback (the inverse of ops 0..k-1 gives
 * the state back).
 */
#include <errno.h>
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

#include "conf.h"
#include "plan.h"
#include "reconcile.h"
#include "testutil.h"

#define PROTO	250	/* the default route-protocol */
#define NHBASE	1000000	/* the default nexthop-id-base */
#define TBASE	1000	/* the default table-base */

static const char two[] =
    "link isp1 { interface = wan1\n gateway = 198.18.1.1 }\n"
    "link isp2 { interface = wan2\n gateway = 198.18.2.1 }\n";
static const char three[] =
    "link isp1 { interface = wan1\n gateway = 198.18.1.1 }\n"
    "link isp2 { interface = wan2\n gateway = 198.18.2.1 }\n"
    "link isp3 { interface = wan3\n gateway = 198.18.3.1\n weight = 2 }\n";

/* lo (ifindex 1) and wan1..wan3 (ifindex 11..13), 198.18.K.2/24, but
 * wan1 at wan1_addr when that is not NULL. */
static void
host_at(struct kstate *s, const char *wan1_addr)
{
	struct klink l = { 0 };
	struct kaddr a = { 0 };
	char buf[32];
	unsigned int k;

	kstate_init(s);
	l.ifindex = 1;
	strcpy(l.ifname, "lo");
	l.flags = IFF_UP | IFF_RUNNING | IFF_LOOPBACK;
	l.carrier = true;
	assert_int_equal(kstate_add_link(s, &l), 0);
	for (k = 1; k <= 3; k++) {
		l.ifindex = 10 + k;
		snprintf(l.ifname, sizeof(l.ifname), "wan%u", k);
		l.flags = IFF_UP | IFF_RUNNING;
		assert_int_equal(kstate_add_link(s, &l), 0);
		a.ifindex = l.ifindex;
		snprintf(buf, sizeof(buf), "198.18.%u.2/24", k);
		a.local = P(k == 1 && wan1_addr ? wan1_addr : buf);
		assert_int_equal(kstate_add_addr(s, &a), 0);
	}
}

static void
host(struct kstate *s)
{
	host_at(s, NULL);
}

static void
merge(struct kstate *s, const struct kstate *k)
{
	unsigned int i;

	for (i = 0; i < k->naddrs; i++)
		assert_int_equal(kstate_add_addr(s, &k->addrs[i]), 0);
	for (i = 0; i < k->nroutes; i++)
		assert_int_equal(kstate_add_route(s, &k->routes[i]), 0);
	for (i = 0; i < k->nrules; i++)
		assert_int_equal(kstate_add_rule(s, &k->rules[i]), 0);
	for (i = 0; i < k->nnhs; i++)
		assert_int_equal(kstate_add_nh(s, &k->nhs[i]), 0);
}

/*
 * The plan for conf text with each link's health from h ('u' up, 'd'
 * down, '?' unknown; one per link), on the host; also merged into *have
 * when have is not NULL (the kernel after uplinkd applied it).
 */
static void
planned_at(const char *text, const char *h, const char *wan1_addr,
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
	host_at(&obs, wan1_addr);
	in.conf = c;
	in.obs = &obs;
	in.links = in_links;
	assert_int_equal(plan_build(&in, p), 0);
	kstate_clear(&obs);
	if (have)
		merge(have, &p->k);
	if (cp)
		*cp = c;
	else
		conf_free(c);
}

static void
planned(const char *text, const char *h, struct plan *p, struct conf **cp,
    struct kstate *have)
{
	planned_at(text, h, NULL, p, cp, have);
}

/* s after ops 0..k-1 (what the applier does with the mirror). */
static void
play(struct kstate *s, const struct reconcile_ops *ops, unsigned int k)
{
	unsigned int i;

	for (i = 0; i < k && i < ops->nops; i++)
		if (!ops->ops[i].implicit)
			assert_int_equal(reconcile_effect(s,
			    &ops->ops[i]), 0);
}

static void
copy(struct kstate *dst, const struct kstate *src)
{
	unsigned int i;

	kstate_init(dst);
	for (i = 0; i < src->nlinks; i++)
		assert_int_equal(kstate_add_link(dst, &src->links[i]), 0);
	merge(dst, src);
}

/* a's routes, rules, nexthops and addresses are all in b, equal. */
static bool
within(const struct kstate *a, const struct kstate *b)
{
	const struct kroute *r;
	const struct knh *n;
	unsigned int i, j;

	for (i = 0; i < a->nroutes; i++)
		if (!(r = kstate_find_route(b, &a->routes[i])) ||
		    !kroute_eq(r, &a->routes[i]))
			return false;
	for (i = 0; i < a->nrules; i++)
		if (!kstate_has_rule(b, &a->rules[i]))
			return false;
	for (i = 0; i < a->nnhs; i++)
		if (!(n = kstate_find_nh(b, a->nhs[i].id)) ||
		    !knh_eq(n, &a->nhs[i]))
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

static bool
same_state(const struct kstate *a, const struct kstate *b)
{
	return a->nroutes == b->nroutes && a->nrules == b->nrules &&
	    a->nnhs == b->nnhs && a->naddrs == b->naddrs &&
	    within(a, b) && within(b, a);
}

/* Is the object of op uplinkd's (by the same rules as the diff's)? */
static bool
op_owned(const struct conf *c, const struct kstate *have,
    const struct reconcile_op *op)
{
	switch (op->obj) {
	case RECONCILE_ADDR:
		return op->cmd != RECONCILE_DEL ||
		    plan_owns_addr(c, have, &op->o.addr);
	case RECONCILE_NH:
		return plan_owns_nh(c, &op->o.nh);
	case RECONCILE_ROUTE:
		return plan_owns_route(c, &op->o.route);
	case RECONCILE_RULE:
		return plan_owns_rule(c, &op->o.rule);
	}
	return false;
}

/* The kernel's constraints on op (at state s): what a nexthop group or a
 * route refers to exists, and a nexthop is deleted only when nothing
 * refers to it (else the kernel deletes more than asked). */
static void
assert_refs(const struct kstate *s, const struct reconcile_op *op)
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
			assert_non_null(kstate_find_nh(s,
			    op->o.nh.members[i].id));
	if (op->obj == RECONCILE_ROUTE && op->o.route.nhid)
		assert_non_null(kstate_find_nh(s, op->o.route.nhid));
}

/* A change of the plan, from before (NULL: nothing of uplinkd's yet) to
 * after. */
struct transition {
	const char *name;
	const char *conf_before, *h_before;
	const char *conf_after, *h_after;
};

static const char three_weights[] =
    "link isp1 { interface = wan1\n gateway = 198.18.1.1\n weight = 3 }\n"
    "link isp2 { interface = wan2\n gateway = 198.18.2.1 }\n"
    "link isp3 { interface = wan3\n gateway = 198.18.3.1 }\n";

static const struct transition transitions[] = {
	{ "fresh start", NULL, NULL, two, "uu" },
	{ "isp2 goes down", two, "uu", two, "ud" },
	{ "isp2 comes back", two, "ud", two, "uu" },
	{ "unknown to one up", two, "??", two, "ud" },
	{ "all down: fail open", two, "ud", two, "dd" },
	{ "a link added", two, "uu", three, "uuu" },
	{ "a link removed", three, "uuu", two, "uu" },
	{ "weights changed", three, "uuu", three_weights, "uuu" },
};
#define NTRANSITIONS (sizeof(transitions) / sizeof(transitions[0]))

/* have, want and the conf of transition t. */
static void
setup(const struct transition *t, struct kstate *have, struct plan *want,
    struct conf **c)
{
	struct plan before;

	host(have);
	if (t->conf_before) {
		planned(t->conf_before, t->h_before, &before, NULL, have);
		plan_free(&before);
	}
	planned(t->conf_after, t->h_after, want, c, NULL);
}

static void
teardown(struct kstate *have, struct plan *want, struct conf *c,
    struct reconcile_ops *ops)
{
	reconcile_ops_free(ops);
	plan_free(want);
	conf_free(c);
	kstate_clear(have);
}

/* Played, the ops give want; a second diff is empty. */
static void
test_converges(void **state)
{
	struct reconcile_ops ops, again;
	struct kstate have, s;
	struct plan want;
	struct conf *c;
	unsigned int t;

	for (t = 0; t < NTRANSITIONS; t++) {
		print_message("%s\n", transitions[t].name);
		setup(&transitions[t], &have, &want, &c);
		assert_int_equal(reconcile_diff(c, &have, &want.k, &ops), 0);
		assert_int_not_equal(ops.nops, 0);
		assert_int_equal(ops.refused, 0);
		copy(&s, &have);
		play(&s, &ops, ops.nops);
		assert_true(within(&want.k, &s));
		assert_int_equal(reconcile_diff(c, &s, &want.k, &again), 0);
		assert_int_equal(again.nops, 0);
		reconcile_ops_free(&again);
		kstate_clear(&s);
		teardown(&have, &want, c, &ops);
	}
}

/* After kill -9 the kernel holds uplinkd's last plan: a restart with the
 * same inputs sends nothing, and with other inputs sends only the
 * difference (it never adds what is there, never deletes what is
 * wanted). */
static void
test_adoption(void **state)
{
	struct reconcile_ops ops;
	struct kstate have, s;
	struct plan before, want;
	struct conf *c;
	const struct reconcile_op *op;
	unsigned int i;

	host(&have);
	planned(two, "uu", &before, NULL, &have);
	plan_free(&before);
	planned(two, "uu", &want, &c, NULL);
	assert_int_equal(want.k.naddrs, 1);	/* own-source on lo */
	assert_int_equal(reconcile_diff(c, &have, &want.k, &ops), 0);
	assert_int_equal(ops.nops, 0);
	assert_int_equal(ops.refused, 0);
	teardown(&have, &want, c, &ops);

	/* the stale state of a three-link config, isp3 up */
	host(&have);
	planned(three, "uuu", &before, NULL, &have);
	plan_free(&before);
	planned(two, "ud", &want, &c, NULL);
	assert_int_equal(reconcile_diff(c, &have, &want.k, &ops), 0);
	assert_int_equal(ops.refused, 0);
	for (i = 0; i < ops.nops; i++) {
		op = &ops.ops[i];
		if (op->cmd == RECONCILE_ADD && op->obj == RECONCILE_ADDR)
			fail_msg("op %u adds an address there already", i);
		if (op->cmd == RECONCILE_ADD && op->obj == RECONCILE_NH)
			assert_null(kstate_find_nh(&have, op->o.nh.id));
		if (op->cmd == RECONCILE_ADD && op->obj == RECONCILE_RULE)
			assert_false(kstate_has_rule(&have, &op->o.rule));
		if (op->cmd == RECONCILE_DEL && op->obj == RECONCILE_NH)
			assert_null(kstate_find_nh(&want.k, op->o.nh.id));
		if (op->cmd == RECONCILE_DEL && op->obj == RECONCILE_ROUTE)
			assert_null(kstate_find_route(&want.k,
			    &op->o.route));
		if (op->cmd == RECONCILE_DEL && op->obj == RECONCILE_RULE)
			assert_false(kstate_has_rule(&want.k, &op->o.rule));
	}
	copy(&s, &have);
	play(&s, &ops, ops.nops);
	assert_true(within(&want.k, &s));
	assert_null(kstate_find_nh(&s, NHBASE + 3));	/* isp3's, gone */
	kstate_clear(&s);
	teardown(&have, &want, c, &ops);
}

static struct kroute
foreign_route(uint32_t table, const char *dst)
{
	struct kroute r = { 0 };

	r.family = AF_INET;
	r.table = table;
	r.dst = P(dst);
	r.gateway = A("198.18.1.1");
	r.oif = 11;
	r.protocol = RTPROT_STATIC;
	r.type = RTN_UNICAST;
	return r;
}

/* Others' objects, several in uplinkd's ranges, one of each kind equal to
 * a planned one but for its protocol. */
static void
add_foreign(struct kstate *have, const struct plan *want,
    struct kstate *foreign)
{
	struct kroute r;
	struct krule ru;
	struct knh n;

	kstate_init(foreign);
	r = foreign_route(TBASE + 3, "0.0.0.0/0");	/* a table of ours */
	assert_int_equal(kstate_add_route(foreign, &r), 0);
	r = foreign_route(TBASE + 1, "198.51.100.0/24");  /* a planned one */
	assert_int_equal(kstate_add_route(foreign, &r), 0);
	r = foreign_route(RT_TABLE_MAIN, "0.0.0.0/0");
	assert_int_equal(kstate_add_route(foreign, &r), 0);
	ru = want->k.rules[0];
	ru.protocol = RTPROT_STATIC;
	assert_int_equal(kstate_add_rule(foreign, &ru), 0);
	ru.priority += 500;
	ru.table = TBASE + 3;
	assert_int_equal(kstate_add_rule(foreign, &ru), 0);
	memset(&n, 0, sizeof(n));
	n.id = NHBASE + 3;
	n.family = AF_INET;
	n.protocol = RTPROT_STATIC;
	n.oif = 13;
	assert_int_equal(kstate_add_nh(foreign, &n), 0);
	n = *kstate_find_nh(&want->k, NHBASE + 2);	/* a planned id */
	n.protocol = RTPROT_STATIC;
	assert_int_equal(kstate_add_nh(foreign, &n), 0);
	merge(have, foreign);
}

/* ops touch nothing of foreign (uplinkd's own routes in a table that
 * also holds others' may go). */
static void
assert_untouched(const struct reconcile_ops *ops,
    const struct kstate *foreign)
{
	const struct reconcile_op *op;
	unsigned int i, j;

	for (i = 0; i < ops->nops; i++) {
		op = &ops->ops[i];
		for (j = 0; j < foreign->nnhs; j++)
			assert_false(op->obj == RECONCILE_NH &&
			    op->o.nh.id == foreign->nhs[j].id);
		for (j = 0; j < foreign->nrules; j++)
			assert_false(op->obj == RECONCILE_RULE &&
			    krule_eq(&op->o.rule, &foreign->rules[j]));
		for (j = 0; j < foreign->nroutes; j++) {
			const struct kroute *r = &foreign->routes[j];

			if (op->obj != RECONCILE_ROUTE)
				continue;
			/* a write to a table of others' would clobber */
			if (op->cmd != RECONCILE_DEL &&
			    op->o.route.table == r->table)
				fail_msg("op %u writes table %u", i, r->table);
			if (op->cmd == RECONCILE_DEL &&
			    kroute_eq(&op->o.route, r))
				fail_msg("op %u deletes a route of others", i);
		}
	}
}

/* Never a table, rule, nexthop or route of others, even where it matches
 * a planned object; planned objects that would clobber them are refused.
 * Removing everything (SIGTERM) leaves theirs too. */
static void
test_ownership(void **state)
{
	struct reconcile_ops ops;
	struct kstate have, s, foreign, none;
	struct kroute gone;
	struct plan before, want;
	struct conf *c;
	unsigned int i;

	host(&have);
	planned(two, "ud", &before, NULL, &have);
	plan_free(&before);
	planned(two, "uu", &want, &c, NULL);
	add_foreign(&have, &want, &foreign);
	/* uplinkd's default of table 1001 is gone: the table is others' */
	gone = foreign_route(TBASE + 1, "0.0.0.0/0");
	kstate_del_route(&have, &gone);
	assert_int_equal(reconcile_diff(c, &have, &want.k, &ops), 0);
	for (i = 0; i < ops.nops; i++)
		assert_true(op_owned(c, &have, &ops.ops[i]));
	assert_untouched(&ops, &foreign);
	assert_int_equal(ops.refused, 2);	/* nexthop 2, table 1001 */
	assert_int_equal(ops.refused_nh, NHBASE + 2);
	assert_int_equal(ops.refused_nh_protocol, RTPROT_STATIC);
	assert_int_equal(ops.foreign, 2);
	assert_int_equal(ops.nforeign_tables, 2);
	copy(&s, &have);
	play(&s, &ops, ops.nops);
	assert_true(within(&foreign, &s));
	kstate_clear(&s);
	reconcile_ops_free(&ops);

	/* remove all */
	kstate_init(&none);
	assert_int_equal(reconcile_diff(c, &have, &none, &ops), 0);
	assert_untouched(&ops, &foreign);
	copy(&s, &have);
	for (i = 0; i < ops.nops; i++) {
		/* in order: nothing is deleted while in use */
		assert_false(ops.ops[i].implicit);
		assert_refs(&s, &ops.ops[i]);
		assert_int_equal(reconcile_effect(&s, &ops.ops[i]), 0);
	}
	assert_true(within(&foreign, &s));
	for (i = 0; i < s.nroutes; i++)
		assert_false(plan_owns_route(c, &s.routes[i]));
	for (i = 0; i < s.nrules; i++)
		assert_false(plan_owns_rule(c, &s.rules[i]));
	for (i = 0; i < s.nnhs; i++)
		assert_false(plan_owns_nh(c, &s.nhs[i]));
	assert_int_equal(s.naddrs, 3);	/* the wans' */
	kstate_clear(&s);
	kstate_clear(&foreign);
	teardown(&have, &want, c, &ops);
}

/* Is a default route of table in s? */
static bool
has_default(const struct kstate *s, uint32_t table)
{
	unsigned int i;

	for (i = 0; i < s->nroutes; i++)
		if (s->routes[i].table == table && s->routes[i].dst.len == 0)
			return true;
	return false;
}

static bool
table_empty(const struct kstate *s, uint32_t table)
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
static void
assert_never_routeless(const struct conf *c, const struct kstate *have,
    const struct kstate *want, const struct kstate *s, unsigned int step)
{
	unsigned int t, i;

	for (t = c->table_base; t <= c->table_base + 3; t++)
		if (has_default(have, t) && has_default(want, t) &&
		    !has_default(s, t))
			fail_msg("after op %u: table %u has no default", step,
			    t);
	for (i = 0; i < s->nrules; i++) {
		const struct krule *r = &s->rules[i];

		if (plan_owns_rule(c, r) && r->action == KRULE_LOOKUP &&
		    r->table >= c->table_base &&
		    r->table <= c->table_base + CONF_MAX_LINKS &&
		    table_empty(s, r->table))
			fail_msg("after op %u: a rule points at empty table "
			    "%u", step, r->table);
	}
}

/* New before old: at no point is the host without a default route for a
 * link that stays, or a rule without its table; no nexthop is deleted
 * while something uses it. */
static void
test_ordering(void **state)
{
	struct reconcile_ops ops;
	struct kstate have, s;
	struct plan want;
	struct conf *c;
	unsigned int t, i;

	for (t = 0; t < NTRANSITIONS; t++) {
		print_message("%s\n", transitions[t].name);
		setup(&transitions[t], &have, &want, &c);
		assert_int_equal(reconcile_diff(c, &have, &want.k, &ops), 0);
		copy(&s, &have);
		for (i = 0; i < ops.nops; i++) {
			assert_false(ops.ops[i].implicit);
			assert_refs(&s, &ops.ops[i]);
			play(&s, &ops, 0);
			assert_int_equal(reconcile_effect(&s, &ops.ops[i]), 0);
			assert_never_routeless(c, &have, &want.k, &s, i);
		}
		kstate_clear(&s);
		teardown(&have, &want, c, &ops);
	}
}

/* Kind changes in have (uplinkd's own, e.g. of an older version). */
enum kind_case { KIND_SINGLE_TO_GROUP, KIND_GROUP_TO_SINGLE, KIND_BUCKETS };

static void
kind_setup(enum kind_case k, struct kstate *have, struct plan *want,
    struct conf **c, uint32_t *id)
{
	struct plan before;
	struct knh n;

	host(have);
	planned(two, "uu", &before, NULL, have);
	plan_free(&before);
	planned(two, "uu", want, c, NULL);
	memset(&n, 0, sizeof(n));
	n.protocol = PROTO;
	switch (k) {
	case KIND_SINGLE_TO_GROUP:	/* the group's id was a single */
		n.id = *id = NHBASE;
		n.family = AF_INET;
		n.gateway = A("198.18.1.1");
		n.oif = 11;
		break;
	case KIND_GROUP_TO_SINGLE:	/* isp1's id was a group */
		n.id = *id = NHBASE + 1;
		n.is_group = true;
		n.members[0].id = NHBASE + 2;
		n.members[0].weight = 1;
		n.nmembers = 1;
		break;
	case KIND_BUCKETS:
		n = *kstate_find_nh(have, NHBASE);
		*id = NHBASE;
		n.buckets = 64;
		break;
	}
	assert_int_equal(kstate_add_nh(have, &n), 0);
}

/* The kernel cannot change a nexthop's kind: deleted (with what uses it,
 * listed) and added again, and what used it is made again after. */
static void
test_kind_change(void **state)
{
	struct reconcile_ops ops;
	struct kstate have, s;
	struct plan want;
	struct conf *c;
	unsigned int k, i, del, add;
	uint32_t id;

	for (k = KIND_SINGLE_TO_GROUP; k <= KIND_BUCKETS; k++) {
		kind_setup(k, &have, &want, &c, &id);
		assert_int_equal(reconcile_diff(c, &have, &want.k, &ops), 0);
		del = add = ops.nops;
		for (i = 0; i < ops.nops; i++) {
			const struct reconcile_op *op = &ops.ops[i];

			if (op->obj != RECONCILE_NH || op->o.nh.id != id ||
			    op->implicit)
				continue;
			if (op->cmd == RECONCILE_DEL && del == ops.nops)
				del = i;
			else if (op->cmd == RECONCILE_ADD)
				add = i;
			else
				fail_msg("op %u replaces nexthop %u across "
				    "kinds", i, id);
		}
		assert_true(del < add && add < ops.nops);
		copy(&s, &have);
		for (i = 0; i < ops.nops; i++) {
			if (i != del && !ops.ops[i].implicit)
				assert_refs(&s, &ops.ops[i]);
			play(&s, &ops, 0);
			if (!ops.ops[i].implicit)
				assert_int_equal(reconcile_effect(&s,
				    &ops.ops[i]), 0);
		}
		assert_true(within(&want.k, &s));
		assert_true(has_default(&s, TBASE));
		kstate_clear(&s);
		teardown(&have, &want, c, &ops);
	}
}

/* A failure at op k: the inverse of ops 0..k-1, played after them, gives
 * have back, each step within the kernel's constraints. */
static void
assert_rolls_back(const struct kstate *have, const struct reconcile_ops *ops)
{
	struct reconcile_ops inv;
	struct kstate s;
	unsigned int k, i;

	for (k = 0; k <= ops->nops; k++) {
		if (k < ops->nops && ops->ops[k].implicit)
			continue;	/* not sent: cannot fail */
		copy(&s, have);
		play(&s, ops, k);
		assert_int_equal(reconcile_inverse(ops, k, &inv), 0);
		for (i = 0; i < inv.nops; i++) {
			assert_false(inv.ops[i].implicit);
			assert_refs(&s, &inv.ops[i]);
			assert_int_equal(reconcile_effect(&s, &inv.ops[i]), 0);
		}
		if (!same_state(&s, have))
			fail_msg("failure at op %u of %u: not rolled back", k,
			    ops->nops);
		reconcile_ops_free(&inv);
		kstate_clear(&s);
	}
}

static void
test_rollback(void **state)
{
	struct reconcile_ops ops;
	struct kstate have;
	struct plan want;
	struct conf *c;
	unsigned int t, k;
	uint32_t id;

	for (t = 0; t < NTRANSITIONS; t++) {
		print_message("%s\n", transitions[t].name);
		setup(&transitions[t], &have, &want, &c);
		assert_int_equal(reconcile_diff(c, &have, &want.k, &ops), 0);
		assert_rolls_back(&have, &ops);
		teardown(&have, &want, c, &ops);
	}
	for (k = KIND_SINGLE_TO_GROUP; k <= KIND_BUCKETS; k++) {
		kind_setup(k, &have, &want, &c, &id);
		assert_int_equal(reconcile_diff(c, &have, &want.k, &ops), 0);
		assert_rolls_back(&have, &ops);
		teardown(&have, &want, c, &ops);
	}
}

/* What the simulated kernel refuses. */
typedef bool refuse_fn(const struct reconcile_op *op);

static bool
refuse_rule_1001(const struct reconcile_op *op)
{
	return op->obj == RECONCILE_RULE && op->cmd != RECONCILE_DEL &&
	    op->o.rule.table == TBASE + 1;
}

static bool
refuse_nh3(const struct reconcile_op *op)
{
	return op->obj == RECONCILE_NH && op->cmd != RECONCILE_DEL &&
	    op->o.nh.id == NHBASE + 3;
}

static bool
refuse_routes_1003(const struct reconcile_op *op)
{
	return op->obj == RECONCILE_ROUTE && op->cmd != RECONCILE_DEL &&
	    op->o.route.table == TBASE + 3;
}

static bool
refuse_rule_del(const struct reconcile_op *op)
{
	return op->obj == RECONCILE_RULE && op->cmd == RECONCILE_DEL;
}

static bool
refuse_group(const struct reconcile_op *op)
{
	return op->obj == RECONCILE_NH && op->cmd != RECONCILE_DEL &&
	    op->o.nh.is_group;
}

/*
 * reconcile_apply's rounds against a simulated kernel s that refuses what
 * refuse says: each round sends the ops of a diff until one is refused,
 * undoes those sent (s must be as before), and goes on without the
 * refused object. Every state on the way keeps the invariants of
 * test_ordering. Returns the number of objects gone without, or -1 when
 * it stopped.
 */
static int
apply_refusing(const struct conf *c, struct kstate *s,
    const struct kstate *want, refuse_fn *refuse)
{
	struct reconcile_ops ops, inv;
	struct kstate cur, next, start;
	unsigned int round, k;
	int without = 0, rc;

	copy(&cur, want);
	for (round = 0; round < RECONCILE_ROUNDS; round++) {
		copy(&start, s);
		assert_int_equal(reconcile_diff(c, s, &cur, &ops), 0);
		for (k = 0; k < ops.nops; k++) {
			if (ops.ops[k].implicit)
				continue;
			if (refuse(&ops.ops[k]))
				break;
			assert_refs(s, &ops.ops[k]);
			assert_int_equal(reconcile_effect(s, &ops.ops[k]), 0);
			assert_never_routeless(c, &start, &cur, s, k);
		}
		rc = 0;
		if (k < ops.nops) {
			assert_int_equal(reconcile_inverse(&ops, k, &inv), 0);
			play(s, &inv, inv.nops);
			reconcile_ops_free(&inv);
			assert_true(same_state(s, &start));
			rc = reconcile_without(s, &cur, &ops.ops[k], &next);
			if (rc == 0)
				rc = 1;		/* another round */
		}
		reconcile_ops_free(&ops);
		kstate_clear(&start);
		if (rc <= 0)
			break;
		kstate_clear(&cur);
		cur = next;
		without++;
	}
	kstate_clear(&cur);
	if (rc == -ENOENT)
		return -1;
	assert_int_equal(rc, 0);
	return without;
}

/* The members of group id in s, as a bit set of link numbers. */
static unsigned int
members(const struct kstate *s, uint32_t id)
{
	const struct knh *g = kstate_find_nh(s, id);
	unsigned int i, set = 0;

	assert_non_null(g);
	for (i = 0; i < g->nmembers; i++)
		set |= 1u << (g->members[i].id - NHBASE);
	return set;
}

/* isp1's address changed and the kernel refuses its new rule; then isp2
 * dies. The group change comes before the rule in the ops, yet isp2 leaves
 * the group: only the rule is gone without. */
static void
test_refused_rule(void **state)
{
	struct reconcile_ops ops;
	struct kstate have, s, expect;
	struct plan before, want;
	struct conf *c;
	unsigned int i, group = 0, rule = 0;

	host_at(&have, "198.18.1.3/24");
	planned(two, "uu", &before, NULL, &have);
	plan_free(&before);
	planned_at(two, "ud", "198.18.1.3/24", &want, &c, NULL);
	assert_int_equal(reconcile_diff(c, &have, &want.k, &ops), 0);
	for (i = 0; i < ops.nops; i++) {
		if (refuse_group(&ops.ops[i]) && !group)
			group = i + 1;
		if (refuse_rule_1001(&ops.ops[i]) && !rule)
			rule = i + 1;
	}
	assert_true(group && rule && group < rule);
	copy(&s, &have);
	assert_int_equal(apply_refusing(c, &s, &want.k, refuse_rule_1001), 1);
	assert_int_equal(members(&s, NHBASE), 1u << 1);
	copy(&expect, &want.k);
	for (i = 0; i < ops.nops; i++)
		if (refuse_rule_1001(&ops.ops[i]))
			kstate_del_rule(&expect, &ops.ops[i].o.rule);
	assert_true(within(&expect, &s));
	for (i = 0; i < ops.nops; i++)
		if (refuse_rule_1001(&ops.ops[i]))
			assert_false(kstate_has_rule(&s, &ops.ops[i].o.rule));
	kstate_clear(&expect);
	kstate_clear(&s);
	teardown(&have, &want, c, &ops);
}

/* isp3 is added and isp2 dies; the kernel refuses isp3's nexthop: isp2
 * leaves the group all the same, isp3 is not in it, and nothing of
 * isp3's points at the missing nexthop or an empty table. */
static void
test_refused_nexthop(void **state)
{
	struct reconcile_ops ops;
	struct kstate have, s, expect;
	struct plan before, want;
	struct conf *c;
	unsigned int i;

	host(&have);
	planned(two, "uu", &before, NULL, &have);
	plan_free(&before);
	planned(three, "udu", &want, &c, NULL);
	copy(&s, &have);
	assert_int_equal(apply_refusing(c, &s, &want.k, refuse_nh3), 1);
	assert_int_equal(members(&s, NHBASE), 1u << 1);
	assert_null(kstate_find_nh(&s, NHBASE + 3));
	for (i = 0; i < s.nroutes; i++)
		assert_int_not_equal(s.routes[i].nhid, NHBASE + 3);
	for (i = 0; i < s.nrules; i++)
		if (s.rules[i].table == TBASE + 3)
			assert_false(table_empty(&s, TBASE + 3));
	/* the rest of the plan is there: isp1's and isp2's objects */
	copy(&expect, &want.k);
	kstate_drop_nh(&expect, NHBASE + 3);
	for (i = 0; i < expect.nrules;)
		if (expect.rules[i].table == TBASE + 3)
			kstate_del_rule(&expect, &expect.rules[i]);
		else
			i++;
	assert_true(within(&expect, &s));
	kstate_clear(&expect);
	kstate_clear(&s);
	memset(&ops, 0, sizeof(ops));
	teardown(&have, &want, c, &ops);
}

/* isp3 is added; the kernel refuses both routes of its table, one round
 * each: the rest is applied, and isp3's rules, whose table is left
 * empty, are gone without too. */
static void
test_refused_routes(void **state)
{
	struct reconcile_ops ops;
	struct kstate have, s;
	struct plan before, want;
	struct conf *c;
	unsigned int i, rules3 = 0;

	host(&have);
	planned(two, "uu", &before, NULL, &have);
	plan_free(&before);
	planned(three, "udu", &want, &c, NULL);
	for (i = 0; i < want.k.nrules; i++)
		rules3 += want.k.rules[i].table == TBASE + 3;
	assert_int_not_equal(rules3, 0);
	copy(&s, &have);
	assert_int_equal(apply_refusing(c, &s, &want.k, refuse_routes_1003),
	    2);
	assert_true(table_empty(&s, TBASE + 3));
	for (i = 0; i < s.nrules; i++)
		assert_int_not_equal(s.rules[i].table, TBASE + 3);
	assert_int_equal(members(&s, NHBASE), 1u << 1 | 1u << 3);
	kstate_clear(&s);
	memset(&ops, 0, sizeof(ops));
	teardown(&have, &want, c, &ops);
}

/* isp1's address changed and the kernel refuses to delete its old rule:
 * the old rule stays (as the kernel holds it), the new one is added. */
static void
test_refused_removal(void **state)
{
	struct reconcile_ops ops;
	struct kstate have, s;
	struct plan before, want;
	struct conf *c;
	unsigned int i;

	host_at(&have, "198.18.1.3/24");
	planned(two, "uu", &before, NULL, &have);
	plan_free(&before);
	planned_at(two, "ud", "198.18.1.3/24", &want, &c, NULL);
	copy(&s, &have);
	assert_int_equal(apply_refusing(c, &s, &want.k, refuse_rule_del), 1);
	assert_true(within(&want.k, &s));
	assert_int_equal(members(&s, NHBASE), 1u << 1);
	for (i = 0; i < have.nrules; i++)
		assert_true(kstate_has_rule(&s, &have.rules[i]));
	kstate_clear(&s);
	memset(&ops, 0, sizeof(ops));
	teardown(&have, &want, c, &ops);
}

/* A refused group is the failover itself: nothing to go without; what
 * was sent is undone and the kernel stays as it was. */
static void
test_refused_group(void **state)
{
	struct reconcile_ops ops;
	struct kstate have, s;
	struct plan before, want;
	struct conf *c;

	host(&have);
	planned(two, "uu", &before, NULL, &have);
	plan_free(&before);
	planned(two, "ud", &want, &c, NULL);
	copy(&s, &have);
	assert_int_equal(apply_refusing(c, &s, &want.k, refuse_group), -1);
	assert_true(same_state(&s, &have));
	assert_int_equal(members(&s, NHBASE), 1u << 1 | 1u << 2);
	kstate_clear(&s);
	memset(&ops, 0, sizeof(ops));
	teardown(&have, &want, c, &ops);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_converges),
		cmocka_unit_test(test_adoption),
		cmocka_unit_test(test_ownership),
		cmocka_unit_test(test_ordering),
		cmocka_unit_test(test_kind_change),
		cmocka_unit_test(test_rollback),
		cmocka_unit_test(test_refused_rule),
		cmocka_unit_test(test_refused_nexthop),
		cmocka_unit_test(test_refused_routes),
		cmocka_unit_test(test_refused_removal),
		cmocka_unit_test(test_refused_group),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
