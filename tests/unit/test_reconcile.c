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
 * the state back). The simulated kernel is reconcile_sim.c, shared with
 * test_reconcile_refuse.c.
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

#include "conf.h"
#include "plan.h"
#include "reconcile.h"
#include "reconcile_sim.h"
#include "testutil.h"

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
	{ "fresh start", NULL, NULL, sim_two, "uu" },
	{ "isp2 goes down", sim_two, "uu", sim_two, "ud" },
	{ "isp2 comes back", sim_two, "ud", sim_two, "uu" },
	{ "unknown to one up", sim_two, "??", sim_two, "ud" },
	{ "all down: fail open", sim_two, "ud", sim_two, "dd" },
	{ "a link added", sim_two, "uu", sim_three, "uuu" },
	{ "a link removed", sim_three, "uuu", sim_two, "uu" },
	{ "weights changed", sim_three, "uuu", three_weights, "uuu" },
};
#define NTRANSITIONS (sizeof(transitions) / sizeof(transitions[0]))

/* have, want and the conf of transition t. */
static void
setup(const struct transition *t, struct kstate *have, struct plan *want,
    struct conf **c)
{
	struct plan before;

	sim_host(have);
	if (t->conf_before) {
		sim_planned(t->conf_before, t->h_before, &before, NULL, have);
		plan_free(&before);
	}
	sim_planned(t->conf_after, t->h_after, want, c, NULL);
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
		sim_copy(&s, &have);
		sim_play(&s, &ops, ops.nops);
		assert_true(sim_within(&want.k, &s));
		assert_int_equal(reconcile_diff(c, &s, &want.k, &again), 0);
		assert_int_equal(again.nops, 0);
		reconcile_ops_free(&again);
		kobj_clear(&s);
		sim_teardown(&have, &want, c, &ops);
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

	sim_host(&have);
	sim_planned(sim_two, "uu", &before, NULL, &have);
	plan_free(&before);
	sim_planned(sim_two, "uu", &want, &c, NULL);
	assert_int_equal(want.k.naddrs, 1);	/* own-source on lo */
	assert_int_equal(reconcile_diff(c, &have, &want.k, &ops), 0);
	assert_int_equal(ops.nops, 0);
	assert_int_equal(ops.refused, 0);
	sim_teardown(&have, &want, c, &ops);

	/* the stale state of a three-link config, isp3 up */
	sim_host(&have);
	sim_planned(sim_three, "uuu", &before, NULL, &have);
	plan_free(&before);
	sim_planned(sim_two, "ud", &want, &c, NULL);
	assert_int_equal(reconcile_diff(c, &have, &want.k, &ops), 0);
	assert_int_equal(ops.refused, 0);
	for (i = 0; i < ops.nops; i++) {
		op = &ops.ops[i];
		if (op->cmd == RECONCILE_ADD && op->obj == RECONCILE_ADDR)
			fail_msg("op %u adds an address there already", i);
		if (op->cmd == RECONCILE_ADD && op->obj == RECONCILE_NH)
			assert_null(kobj_find_nh(&have, op->o.nh.id));
		if (op->cmd == RECONCILE_ADD && op->obj == RECONCILE_RULE)
			assert_false(kobj_has_rule(&have, &op->o.rule));
		if (op->cmd == RECONCILE_DEL && op->obj == RECONCILE_NH)
			assert_null(kobj_find_nh(&want.k, op->o.nh.id));
		if (op->cmd == RECONCILE_DEL && op->obj == RECONCILE_ROUTE)
			assert_null(kobj_find_route(&want.k,
			    &op->o.route));
		if (op->cmd == RECONCILE_DEL && op->obj == RECONCILE_RULE)
			assert_false(kobj_has_rule(&want.k, &op->o.rule));
	}
	sim_copy(&s, &have);
	sim_play(&s, &ops, ops.nops);
	assert_true(sim_within(&want.k, &s));
	assert_null(kobj_find_nh(&s, NHBASE + 3));	/* isp3's, gone */
	kobj_clear(&s);
	sim_teardown(&have, &want, c, &ops);
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

	kobj_init(foreign);
	r = foreign_route(TBASE + 3, "0.0.0.0/0");	/* a table of ours */
	assert_int_equal(kobj_add_route(foreign, &r), 0);
	r = foreign_route(TBASE + 1, "198.51.100.0/24");  /* a planned one */
	assert_int_equal(kobj_add_route(foreign, &r), 0);
	r = foreign_route(RT_TABLE_MAIN, "0.0.0.0/0");
	assert_int_equal(kobj_add_route(foreign, &r), 0);
	ru = want->k.rules[0];
	ru.protocol = RTPROT_STATIC;
	assert_int_equal(kobj_add_rule(foreign, &ru), 0);
	ru.priority += 500;
	ru.table = TBASE + 3;
	assert_int_equal(kobj_add_rule(foreign, &ru), 0);
	memset(&n, 0, sizeof(n));
	n.id = NHBASE + 3;
	n.family = AF_INET;
	n.protocol = RTPROT_STATIC;
	n.oif = 13;
	assert_int_equal(kobj_add_nh(foreign, &n), 0);
	n = *kobj_find_nh(&want->k, NHBASE + 2);	/* a planned id */
	n.protocol = RTPROT_STATIC;
	assert_int_equal(kobj_add_nh(foreign, &n), 0);
	sim_merge(have, foreign);
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
			    kobj_rule_eq(&op->o.rule, &foreign->rules[j]));
		for (j = 0; j < foreign->nroutes; j++) {
			const struct kroute *r = &foreign->routes[j];

			if (op->obj != RECONCILE_ROUTE)
				continue;
			/* a write to a table of others' would clobber */
			if (op->cmd != RECONCILE_DEL &&
			    op->o.route.table == r->table)
				fail_msg("op %u writes table %u", i, r->table);
			if (op->cmd == RECONCILE_DEL &&
			    kobj_route_eq(&op->o.route, r))
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

	sim_host(&have);
	sim_planned(sim_two, "ud", &before, NULL, &have);
	plan_free(&before);
	sim_planned(sim_two, "uu", &want, &c, NULL);
	add_foreign(&have, &want, &foreign);
	/* uplinkd's default of table 1001 is gone: the table is others' */
	gone = foreign_route(TBASE + 1, "0.0.0.0/0");
	kobj_del_route(&have, &gone);
	assert_int_equal(reconcile_diff(c, &have, &want.k, &ops), 0);
	for (i = 0; i < ops.nops; i++)
		assert_true(op_owned(c, &have, &ops.ops[i]));
	assert_untouched(&ops, &foreign);
	assert_int_equal(ops.refused, 2);	/* nexthop 2, table 1001 */
	assert_int_equal(ops.refused_nh, NHBASE + 2);
	assert_int_equal(ops.refused_nh_protocol, RTPROT_STATIC);
	assert_int_equal(ops.foreign, 2);
	assert_int_equal(ops.nforeign_tables, 2);
	sim_copy(&s, &have);
	sim_play(&s, &ops, ops.nops);
	assert_true(sim_within(&foreign, &s));
	kobj_clear(&s);
	reconcile_ops_free(&ops);

	/* remove all */
	kobj_init(&none);
	assert_int_equal(reconcile_diff(c, &have, &none, &ops), 0);
	assert_untouched(&ops, &foreign);
	sim_copy(&s, &have);
	for (i = 0; i < ops.nops; i++) {
		/* in order: nothing is deleted while in use */
		assert_false(ops.ops[i].implicit);
		sim_assert_refs(&s, &ops.ops[i]);
		assert_int_equal(reconcile_effect(&s, &ops.ops[i]), 0);
	}
	assert_true(sim_within(&foreign, &s));
	for (i = 0; i < s.nroutes; i++)
		assert_false(plan_owns_route(c, &s.routes[i]));
	for (i = 0; i < s.nrules; i++)
		assert_false(plan_owns_rule(c, &s.rules[i]));
	for (i = 0; i < s.nnhs; i++)
		assert_false(plan_owns_nh(c, &s.nhs[i]));
	assert_int_equal(s.naddrs, 3);	/* the wans' */
	kobj_clear(&s);
	kobj_clear(&foreign);
	sim_teardown(&have, &want, c, &ops);
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
		sim_copy(&s, &have);
		for (i = 0; i < ops.nops; i++) {
			assert_false(ops.ops[i].implicit);
			sim_assert_refs(&s, &ops.ops[i]);
			sim_play(&s, &ops, 0);
			assert_int_equal(reconcile_effect(&s, &ops.ops[i]), 0);
			sim_assert_never_routeless(c, &have, &want.k, &s, i);
		}
		kobj_clear(&s);
		sim_teardown(&have, &want, c, &ops);
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

	sim_host(have);
	sim_planned(sim_two, "uu", &before, NULL, have);
	plan_free(&before);
	sim_planned(sim_two, "uu", want, c, NULL);
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
		n = *kobj_find_nh(have, NHBASE);
		*id = NHBASE;
		n.buckets = 64;
		break;
	}
	assert_int_equal(kobj_add_nh(have, &n), 0);
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
		sim_copy(&s, &have);
		for (i = 0; i < ops.nops; i++) {
			if (i != del && !ops.ops[i].implicit)
				sim_assert_refs(&s, &ops.ops[i]);
			sim_play(&s, &ops, 0);
			if (!ops.ops[i].implicit)
				assert_int_equal(reconcile_effect(&s,
				    &ops.ops[i]), 0);
		}
		assert_true(sim_within(&want.k, &s));
		assert_true(sim_has_default(&s, TBASE));
		kobj_clear(&s);
		sim_teardown(&have, &want, c, &ops);
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
		sim_copy(&s, have);
		sim_play(&s, ops, k);
		assert_int_equal(reconcile_inverse(ops, k, &inv), 0);
		for (i = 0; i < inv.nops; i++) {
			assert_false(inv.ops[i].implicit);
			sim_assert_refs(&s, &inv.ops[i]);
			assert_int_equal(reconcile_effect(&s, &inv.ops[i]), 0);
		}
		if (!sim_same(&s, have))
			fail_msg("failure at op %u of %u: not rolled back", k,
			    ops->nops);
		reconcile_ops_free(&inv);
		kobj_clear(&s);
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
		sim_teardown(&have, &want, c, &ops);
	}
	for (k = KIND_SINGLE_TO_GROUP; k <= KIND_BUCKETS; k++) {
		kind_setup(k, &have, &want, &c, &id);
		assert_int_equal(reconcile_diff(c, &have, &want.k, &ops), 0);
		assert_rolls_back(&have, &ops);
		sim_teardown(&have, &want, c, &ops);
	}
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
