/* SPDX-License-Identifier: ISC */
/*
 * Per-link run-time state of the daemon: per address family the probe, the
 * health state machine and its timer; the drain flag; and what follows a
 * change of health: a reconcile in the same loop turn, a conntrack flush of
 * a dead link's connections, hooks, an event for status and watchers.
 */
#ifndef UPLINKD_DLINK_H
#define UPLINKD_DLINK_H

#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-event.h>

#include "daemon.h"
#include "health.h"
#include "plan.h"

#define DLINK_RATE_S 10

struct probe;
struct dlink;

struct dlink_fam {
	struct dlink *link;
	int family;			/* AF_INET, AF_INET6 */
	enum health_state state;	/* what the plan uses */
	uint64_t since_s;		/* unix time of the last change */
	struct health health;		/* valid while probing */
	struct probe *probe;		/* NULL: not probing */
	struct addr src;		/* the source probes use */
	unsigned int tmap[CONF_MAX_TARGETS];	/* conf target -> health
						 * target index */
	unsigned int ntargets;		/* targets of this family */
	sd_event_source *timer;		/* health deadline */
	uint64_t last_ms;		/* the latest time given to health */
	bool was_active;
	uint64_t changes;
};

struct dlink {
	struct daemon *d;
	const struct conf_link *conf;
	struct dlink_fam v4, v6;
	bool drained;
	bool carrier;			/* as last observed */
	/* firewall counters, sampled each second; the ring gives the rate
	 * over the last DLINK_RATE_S seconds */
	uint64_t tx_bytes, rx_bytes, tx_packets, rx_packets;
	uint64_t ring_tx[DLINK_RATE_S + 1], ring_rx[DLINK_RATE_S + 1];
	unsigned int ring_n;		/* samples taken */
	struct cap_link cap;		/* weight = auto; valid once
					 * cap.started */
};

int dlink_init_all(struct daemon *d);
void dlink_fini_all(struct daemon *d);
void dlink_plan_input(const struct dlink *l, struct plan_link_in *in);
/* Netlink changed: carrier losses take links down at once. */
void dlink_observe(struct daemon *d);
int dlink_start(struct daemon *d);
void dlink_stop(struct daemon *d);
int dlink_apply_firewall(struct daemon *d, struct plan *p);
void dlink_remove_firewall(struct daemon *d);
/* After a reconcile: start, move or stop probes to match the plan; flush
 * the connections of links that went down. */
void dlink_after_plan(struct daemon *d, const struct plan *p);
int dlink_reload(struct daemon *d, struct conf *nc, struct conf **old);
void dlink_set_drained(struct dlink *l, bool drained);
/* keepalived says the router's role ("master", "backup", "fault"): 0, or
 * -EINVAL. May be called from a callback. */
int dlink_ha_role(struct daemon *d, const char *role);
/* conf->ha_track_file follows the links' health (ha.h); after each plan. */
void dlink_ha_track(struct daemon *d);

#endif
