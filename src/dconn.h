/* SPDX-License-Identifier: ISC */
/*
 * The connections of a link that died: once the kernel no longer routes
 * through it, its conntrack entries are flushed so that their next packets
 * are balanced afresh instead of black-holed (ctrack.h does it off the
 * loop). The HA backup keeps them: conntrackd synced them for a master
 * whose link may still work.
 */
#ifndef UPLINKD_DCONN_H
#define UPLINKD_DCONN_H

#include "dlink.h"
#include "ha.h"
#include "plan.h"

struct ctrack;

/* After the plan p was applied: flush the connections of the families
 * that left it dead, cancel a flush for those that came back. */
void dconn_after_plan(struct ctrack *t, struct dlink_set *s,
    const struct plan *p, enum ha_role role);
/* The router became master: let go of the connections of the links that
 * are dead in p (the plan applied now). */
void dconn_master(struct ctrack *t, const struct dlink_set *s,
    const struct plan *p);

#endif
