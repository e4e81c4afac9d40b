/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of reconcile_without, no root: reconcile_apply's rounds are
 * played against a simulated kernel (reconcile_sim.h) that refuses chosen
 * requests. A refused object is gone without, and only it and what
 * depends on it: the other links' changes, the failover above all, are
 * applied all the same, and every state on the way keeps the invariants
 * of test_reconcile.c. A refused group cannot be gone without: the kernel
 * is left as it was.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "reconcile_sim.h"

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

	sim_copy(&cur, want);
	for (round = 0; round < RECONCILE_ROUNDS; round++) {
		sim_copy(&start, s);
		assert_int_equal(reconcile_diff(c, s, &cur, &ops), 0);
		for (k = 0; k < ops.nops; k++) {
			if (ops.ops[k].implicit)
				continue;
			if (refuse(&ops.ops[k]))
				break;
			sim_assert_refs(s, &ops.ops[k]);
			assert_int_equal(reconcile_effect(s, &ops.ops[k]), 0);
			sim_assert_never_routeless(c, &start, &cur, s, k);
		}
		rc = 0;
		if (k < ops.nops) {
			assert_int_equal(reconcile_inverse(&ops, k, &inv), 0);
			sim_play(s, &inv, inv.nops);
			reconcile_ops_free(&inv);
			assert_true(sim_same(s, &start));
			rc = reconcile_without(s, &cur, &ops.ops[k], &next);
			if (rc == 0)
				rc = 1;		/* another round */
		}
		reconcile_ops_free(&ops);
		kobj_clear(&start);
		if (rc <= 0)
			break;
		kobj_clear(&cur);
		cur = next;
		without++;
	}
	kobj_clear(&cur);
	if (rc == -ENOENT)
		return -1;
	assert_int_equal(rc, 0);
	return without;
}

/* have: the kernel after uplinkd applied isp1 and isp2 up, then wan1
 * moved to wan1_addr (NULL: it did not); want: the plan for conf text
 * with health h on that host. */
static void
from_two(const char *wan1_addr, const char *text, const char *h,
    struct kstate *have, struct plan *want, struct conf **c)
{
	struct plan before;

	sim_host_at(have, wan1_addr);
	sim_planned(sim_two, "uu", &before, NULL, have);
	plan_free(&before);
	sim_planned_at(text, h, wan1_addr, want, c, NULL);
}

/* The members of group id in s, as a bit set of link numbers. */
static unsigned int
members(const struct kstate *s, uint32_t id)
{
	const struct knh *g = kobj_find_nh(s, id);
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
	struct plan want;
	struct conf *c;
	unsigned int i, group = 0, rule = 0;

	from_two("198.18.1.3/24", sim_two, "ud", &have, &want, &c);
	assert_int_equal(reconcile_diff(c, &have, &want.k, &ops), 0);
	for (i = 0; i < ops.nops; i++) {
		if (refuse_group(&ops.ops[i]) && !group)
			group = i + 1;
		if (refuse_rule_1001(&ops.ops[i]) && !rule)
			rule = i + 1;
	}
	assert_true(group && rule && group < rule);
	sim_copy(&s, &have);
	assert_int_equal(apply_refusing(c, &s, &want.k, refuse_rule_1001), 1);
	assert_int_equal(members(&s, NHBASE), 1u << 1);
	sim_copy(&expect, &want.k);
	for (i = 0; i < ops.nops; i++)
		if (refuse_rule_1001(&ops.ops[i]))
			kobj_del_rule(&expect, &ops.ops[i].o.rule);
	assert_true(sim_within(&expect, &s));
	for (i = 0; i < ops.nops; i++)
		if (refuse_rule_1001(&ops.ops[i]))
			assert_false(kobj_has_rule(&s, &ops.ops[i].o.rule));
	kobj_clear(&expect);
	kobj_clear(&s);
	sim_teardown(&have, &want, c, &ops);
}

/* isp3 is added and isp2 dies; the kernel refuses isp3's nexthop: isp2
 * leaves the group all the same, isp3 is not in it, and nothing of
 * isp3's points at the missing nexthop or an empty table. */
static void
test_refused_nexthop(void **state)
{
	struct reconcile_ops ops;
	struct kstate have, s, expect;
	struct plan want;
	struct conf *c;
	unsigned int i;

	from_two(NULL, sim_three, "udu", &have, &want, &c);
	sim_copy(&s, &have);
	assert_int_equal(apply_refusing(c, &s, &want.k, refuse_nh3), 1);
	assert_int_equal(members(&s, NHBASE), 1u << 1);
	assert_null(kobj_find_nh(&s, NHBASE + 3));
	for (i = 0; i < s.nroutes; i++)
		assert_int_not_equal(s.routes[i].nhid, NHBASE + 3);
	for (i = 0; i < s.nrules; i++)
		if (s.rules[i].table == TBASE + 3)
			assert_false(sim_table_empty(&s, TBASE + 3));
	/* the rest of the plan is there: isp1's and isp2's objects */
	sim_copy(&expect, &want.k);
	kobj_drop_nh(&expect, NHBASE + 3);
	for (i = 0; i < expect.nrules;)
		if (expect.rules[i].table == TBASE + 3)
			kobj_del_rule(&expect, &expect.rules[i]);
		else
			i++;
	assert_true(sim_within(&expect, &s));
	kobj_clear(&expect);
	kobj_clear(&s);
	memset(&ops, 0, sizeof(ops));
	sim_teardown(&have, &want, c, &ops);
}

/* isp3 is added; the kernel refuses both routes of its table, one round
 * each: the rest is applied, and isp3's rules, whose table is left
 * empty, are gone without too. */
static void
test_refused_routes(void **state)
{
	struct reconcile_ops ops;
	struct kstate have, s;
	struct plan want;
	struct conf *c;
	unsigned int i, rules3 = 0;

	from_two(NULL, sim_three, "udu", &have, &want, &c);
	for (i = 0; i < want.k.nrules; i++)
		rules3 += want.k.rules[i].table == TBASE + 3;
	assert_int_not_equal(rules3, 0);
	sim_copy(&s, &have);
	assert_int_equal(apply_refusing(c, &s, &want.k, refuse_routes_1003),
	    2);
	assert_true(sim_table_empty(&s, TBASE + 3));
	for (i = 0; i < s.nrules; i++)
		assert_int_not_equal(s.rules[i].table, TBASE + 3);
	assert_int_equal(members(&s, NHBASE), 1u << 1 | 1u << 3);
	kobj_clear(&s);
	memset(&ops, 0, sizeof(ops));
	sim_teardown(&have, &want, c, &ops);
}

/* isp1's address changed and the kernel refuses to delete its old rule:
 * the old rule stays (as the kernel holds it), the new one is added. */
static void
test_refused_removal(void **state)
{
	struct reconcile_ops ops;
	struct kstate have, s;
	struct plan want;
	struct conf *c;
	unsigned int i;

	from_two("198.18.1.3/24", sim_two, "ud", &have, &want, &c);
	sim_copy(&s, &have);
	assert_int_equal(apply_refusing(c, &s, &want.k, refuse_rule_del), 1);
	assert_true(sim_within(&want.k, &s));
	assert_int_equal(members(&s, NHBASE), 1u << 1);
	for (i = 0; i < have.nrules; i++)
		assert_true(kobj_has_rule(&s, &have.rules[i]));
	kobj_clear(&s);
	memset(&ops, 0, sizeof(ops));
	sim_teardown(&have, &want, c, &ops);
}

/* A refused group is the failover itself: nothing to go without; what
 * was sent is undone and the kernel stays as it was. */
static void
test_refused_group(void **state)
{
	struct reconcile_ops ops;
	struct kstate have, s;
	struct plan want;
	struct conf *c;

	from_two(NULL, sim_two, "ud", &have, &want, &c);
	sim_copy(&s, &have);
	assert_int_equal(apply_refusing(c, &s, &want.k, refuse_group), -1);
	assert_true(sim_same(&s, &have));
	assert_int_equal(members(&s, NHBASE), 1u << 1 | 1u << 2);
	kobj_clear(&s);
	memset(&ops, 0, sizeof(ops));
	sim_teardown(&have, &want, c, &ops);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refused_rule),
		cmocka_unit_test(test_refused_nexthop),
		cmocka_unit_test(test_refused_routes),
		cmocka_unit_test(test_refused_removal),
		cmocka_unit_test(test_refused_group),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
