/* SPDX-License-Identifier: ISC */
/*
 * The daemon's status snapshot (status.h) from the plan, the links' health
 * and the firewall's counters, which dstatus_sample reads each second for
 * the 10-second rates; and the answer to `uplinkctl exec`'s question.
 */
#ifndef UPLINKD_DSTATUS_H
#define UPLINKD_DSTATUS_H

#include <stdint.h>
#include <jansson.h>

#include "conf.h"
#include "dlink.h"
#include "dnotify.h"
#include "ha.h"
#include "plan.h"

struct fw_counter;

struct ctrack;

/* The daemon's own figures. */
struct dstatus_counts {
	uint64_t started_s;
	uint64_t reconciles, reconcile_errors, last_reconcile_us;
	uint64_t resyncs;
};

/* What a snapshot is made of; all read only. */
struct dstatus_in {
	const struct conf *conf;
	const struct dlink_set *links;
	const struct plan *plan;		/* NULL: none yet */
	struct ctrack *ctrack;
	const struct dnotify *notify;		/* the last state changes */
	const struct dstatus_counts *counts;
	enum ha_role ha_role;
};

/* The whole status, O(links). NULL when out of memory. */
json_t *dstatus_json(const struct dstatus_in *in);
/* The rates watchers get every other second. */
json_t *dstatus_rates_json(const struct dstatus_in *in);
/* `uplinkctl exec`: the link's interface, mark and addresses; NULL: no
 * such link. */
json_t *dstatus_exec_info(const struct dstatus_in *in, const char *link);
/* The firewall's counters into each link's ring (each second). */
void dstatus_sample(struct dlink_set *s, const struct fw_counter *fc,
    int n);

#endif
