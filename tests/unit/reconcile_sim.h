/* SPDX-License-Identifier: ISC */
/*
 * A simulated kernel for the unit tests of reconcile (test_reconcile.c,
 * test_reconcile_refuse.c): a host's links and addresses, the objects of
 * real plans merged into it, ops played on it with reconcile_effect, and
 * the kernel's constraints and uplinkd's invariants checked on each state.
 * Include after cmocka.h; failures are cmocka assertions.
 */
#ifndef UPLINKD_RECONCILE_SIM_H
#define UPLINKD_RECONCILE_SIM_H

#include <stdbool.h>
#include <stdint.h>

#include "conf.h"
#include "plan.h"
#include "reconcile.h"

#define PROTO	250	/* the default route-protocol */
#define NHBASE	1000000	/* the default nexthop-id-base */
#define TBASE	1000	/* the default table-base */

/* Configurations: isp1 and isp2; isp1 to isp3 (isp3 of weight 2). */
extern const char sim_two[], sim_three[];

/* lo (ifindex 1) and wan1..wan3 (ifindex 11..13), 198.18.K.2/24, but
 * wan1 at wan1_addr when that is not NULL (sim_host: never). */
void sim_host_at(struct kstate *s, const char *wan1_addr);
void sim_host(struct kstate *s);
/* k's addresses, routes, rules and nexthops added to s. */
void sim_merge(struct kstate *s, const struct kstate *k);
/*
 * The plan for conf text with each link's health from h ('u' up, 'd'
 * down, '?' unknown; one per link), on the host; also merged into *have
 * when have is not NULL (the kernel after uplinkd applied it).
 */
void sim_planned_at(const char *text, const char *h, const char *wan1_addr,
    struct plan *p, struct conf **cp, struct kstate *have);
void sim_planned(const char *text, const char *h, struct plan *p,
    struct conf **cp, struct kstate *have);
/* s after ops 0..k-1 (what the applier does with the mirror). */
void sim_play(struct kstate *s, const struct reconcile_ops *ops,
    unsigned int k);
void sim_copy(struct kstate *dst, const struct kstate *src);
/* a's routes, rules, nexthops and addresses are all in b, equal; and
 * both ways, with as many of each (sim_same). */
bool sim_within(const struct kstate *a, const struct kstate *b);
bool sim_same(const struct kstate *a, const struct kstate *b);
/* The kernel's constraints on op (at state s): what a nexthop group or a
 * route refers to exists, and a nexthop is deleted only when nothing
 * refers to it (else the kernel deletes more than asked). */
void sim_assert_refs(const struct kstate *s, const struct reconcile_op *op);
void sim_teardown(struct kstate *have, struct plan *want, struct conf *c,
    struct reconcile_ops *ops);
/* Is there a default route in table (any route: sim_table_empty)? */
bool sim_has_default(const struct kstate *s, uint32_t table);
bool sim_table_empty(const struct kstate *s, uint32_t table);
/* The invariants of every intermediate state s: each table whose default
 * is in have and want keeps it (the per-link tables of links that stay,
 * and the balanced one); no rule of uplinkd's points at an empty table of
 * its range. step names the op in the failure message. */
void sim_assert_never_routeless(const struct conf *c,
    const struct kstate *have, const struct kstate *want,
    const struct kstate *s, unsigned int step);

#endif
