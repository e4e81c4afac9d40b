/* SPDX-License-Identifier: ISC */
/*
 * Per-link run-time state of the daemon: health per family, probes, drain,
 * and what follows a change of it (firewall, conntrack flush, hooks).
 */
#ifndef UPLINKD_DLINK_H
#define UPLINKD_DLINK_H

#include <stdbool.h>
#include <stdint.h>

#include "daemon.h"
#include "health.h"
#include "plan.h"

struct dlink {
	const struct conf_link *conf;
	enum health_state h4, h6;	/* what the plan uses */
	uint64_t since4_s, since6_s;	/* unix time of the last change */
	bool drained;
	bool carrier;			/* as last observed */
	bool was_active4, was_active6;
	struct dlink_probe *p4, *p6;	/* NULL: not probing */
};

int dlink_init_all(struct daemon *d);
void dlink_fini_all(struct daemon *d);
void dlink_plan_input(const struct dlink *l, struct plan_link_in *in);
void dlink_observe(struct daemon *d);
int dlink_start(struct daemon *d);
void dlink_stop(struct daemon *d);
int dlink_apply_firewall(struct daemon *d, const struct plan *p);
void dlink_remove_firewall(struct daemon *d);
void dlink_after_plan(struct daemon *d, const struct plan *p);
int dlink_reload(struct daemon *d, struct conf *nc);
void dlink_set_drained(struct dlink *l, bool drained);

#endif
