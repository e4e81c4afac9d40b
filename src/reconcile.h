/* SPDX-License-Identifier: ISC */
/*
 * Bring the kernel to a plan: send only the difference between the plan and
 * the observed state, for the objects uplinkd owns. See reconcile.c.
 */
#ifndef UPLINKD_RECONCILE_H
#define UPLINKD_RECONCILE_H

#include "conf.h"
#include "kobj.h"
#include "plan.h"

struct rt;

struct reconcile_stats {
	unsigned int added, replaced, deleted, errors;
	unsigned int foreign;	/* routes of others found in our tables */
};

/*
 * Apply p. obs is updated with every request that succeeded (the event
 * stream confirms them later). Returns 0, or -EIO when any request failed:
 * what succeeded stays, the caller retries later.
 */
int reconcile_apply(struct rt *rt, const struct conf *c, const struct plan *p,
    struct kstate *obs, struct reconcile_stats *st);

/* Remove every route, rule and nexthop uplinkd owns (on SIGTERM). */
int reconcile_remove_all(struct rt *rt, const struct conf *c,
    struct kstate *obs, struct reconcile_stats *st);

/* Write the plan's sysctls that differ from the running values. */
int reconcile_sysctls(const struct plan *p);

#endif
