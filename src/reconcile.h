/* SPDX-License-Identifier: ISC */
/*
 * Bring the kernel to a plan, in two halves: reconcile_diff (reconcile.c,
 * pure) decides the ordered list of operations that turns the observed
 * state into the planned one, for the objects uplinkd owns only;
 * reconcile_apply (reconcile_apply.c) sends them and, when one fails,
 * sends the inverse of those that succeeded.
 */
#ifndef UPLINKD_RECONCILE_H
#define UPLINKD_RECONCILE_H

#include <stdbool.h>
#include <stdint.h>

#include "conf.h"
#include "kobj.h"
#include "plan.h"

struct rt;

enum reconcile_obj {
	RECONCILE_ADDR,
	RECONCILE_NH,
	RECONCILE_ROUTE,
	RECONCILE_RULE,
};

enum reconcile_cmd {
	RECONCILE_ADD,		/* exclusive create; EEXIST is success, but
				 * for a nexthop, which is then replaced */
	RECONCILE_REPLACE,	/* create or replace */
	RECONCILE_DEL,		/* ENOENT/ESRCH/EADDRNOTAVAIL are success */
};

union reconcile_kobj {
	struct kaddr addr;
	struct knh nh;
	struct kroute route;
	struct krule rule;
};

struct reconcile_op {
	enum reconcile_obj obj;
	enum reconcile_cmd cmd;
	/* Done by the kernel itself as a side effect of the next explicit
	 * op (deleting a nexthop also deletes the routes using it and takes
	 * it out of its groups): never sent, listed so that the inverse
	 * restores it. */
	bool implicit;
	bool has_prev;		/* a replace: prev is the object before */
	union reconcile_kobj o, prev;
};

#define RECONCILE_FOREIGN_TABLES 8
#define RECONCILE_ROUNDS 4	/* applies of one plan, each without one
				 * more refused object */

struct reconcile_ops {
	struct reconcile_op *ops;
	unsigned int nops;
	/* planned objects not sent because they are not uplinkd's to write:
	 * a nexthop of another protocol in uplinkd's id range, a route in
	 * a table of uplinkd's range that holds others' routes */
	unsigned int refused;
	uint32_t refused_nh;		/* the first such nexthop; 0: none */
	uint8_t refused_nh_protocol;
	/* routes of others found in uplinkd's tables, and (the first few
	 * of) those tables */
	unsigned int foreign;
	uint32_t foreign_tables[RECONCILE_FOREIGN_TABLES];
	uint8_t foreign_protocols[RECONCILE_FOREIGN_TABLES];	/* the
					 * first other protocol seen in each */
	unsigned int nforeign_tables;
};

/*
 * The operations that turn have into want (pure). Order: own addresses,
 * single nexthops, groups, routes, rules (each after what it refers to, new
 * before old), then what uplinkd owns and want lacks: rules, routes,
 * addresses, groups, single nexthops. A nexthop that changes kind is
 * deleted and added again; an object of have equal to want's is adopted
 * (no op). Objects uplinkd does not own (conf's protocol and ranges) are
 * never in the list. *out is initialised here; 0 or -ENOMEM.
 */
int reconcile_diff(const struct conf *c, const struct kstate *have,
    const struct kstate *want, struct reconcile_ops *out);

/* The ops that undo ops->ops[0..k) (the first k, sent; op k failed), in
 * reverse order. *out is initialised here; 0 or -ENOMEM. */
int reconcile_inverse(const struct reconcile_ops *ops, unsigned int k,
    struct reconcile_ops *out);

/*
 * want without what the failed op would have written, for the rest to be
 * applied without it (pure). *out is a new state (the caller clears it).
 * A refused write keeps have's version of the object in out, or, where
 * have has none, drops it: an address, a rule, a route just so; a single
 * nexthop with its place in groups and the routes using it; and the rules
 * of a table this leaves empty (no rule may point at one). A refused
 * removal keeps the object as have holds it. A group's change, or a
 * nexthop whose drop would empty a group, is not attributable: -ENOENT,
 * nothing can be applied without it. 0, -ENOENT or -ENOMEM.
 */
int reconcile_without(const struct kstate *have, const struct kstate *want,
    const struct reconcile_op *failed, struct kstate *out);

void reconcile_ops_free(struct reconcile_ops *ops);

/* What op does to a kernel mirror (pure). 0 or -ENOMEM. */
int reconcile_effect(struct kstate *s, const struct reconcile_op *op);

struct reconcile_stats {
	unsigned int added, replaced, deleted, errors;
	unsigned int foreign;	/* routes of others found in our tables */
	bool rolled_back;	/* an op failed: what was sent was undone */
	unsigned int without;	/* refused objects applied without */
};

/*
 * Apply p. obs is updated with every request that succeeded (the event
 * stream confirms them later). At the first request that fails it undoes
 * what it sent before, then applies the plan without the refused object
 * (reconcile_without), at most RECONCILE_ROUNDS times, so one refusal
 * does not hold back every other change. Returns 0, or -EIO when a
 * request failed or a planned object was refused: the caller retries the
 * whole plan later.
 */
int reconcile_apply(struct rt *rt, const struct conf *c, const struct plan *p,
    struct kstate *obs, struct reconcile_stats *st);

/* Remove every route, rule and nexthop uplinkd owns (on SIGTERM), going on
 * past failures. */
int reconcile_remove_all(struct rt *rt, const struct conf *c,
    struct kstate *obs, struct reconcile_stats *st);

#endif
