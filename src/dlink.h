/* SPDX-License-Identifier: ISC */
/*
 * Per-link run-time state of the daemon: per address family the probe, the
 * health state machine and its timer; the carrier and the drain flag; the
 * firewall counters. A change of a family's state is reported up through
 * the callbacks given at creation (struct dlink_cb); what follows it (the
 * reconcile, the conntrack flush, watchers and hooks) is the daemon's.
 */
#ifndef UPLINKD_DLINK_H
#define UPLINKD_DLINK_H

#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-event.h>

#include "capacity.h"
#include "health.h"
#include "kobj.h"
#include "plan.h"

#define DLINK_RATE_S 10

struct probe;
struct dlink;
struct dlink_fam;

struct dlink_cb {
	/* A family's state changed (f->state is `to` already); reason is
	 * only valid during the call. */
	void (*changed)(void *ud, const struct dlink_fam *f,
	    enum health_state from, const char *reason);
	/* Health changed: the plan must follow before anything else. */
	void (*urgent)(void *ud);
};

/* The links of one config, same order as conf->links. */
struct dlink_set {
	sd_event *ev;
	const struct dlink_cb *cb;
	void *ud;
	struct dlink *v;
	unsigned int n;
};

struct dlink_fam {
	struct dlink *link;
	int family;			/* AF_INET, AF_INET6 */
	uint64_t since_ms;		/* unix time of the last change, ms */
	struct health health;		/* the state (dlink_state), probing
					 * or not; the rest while probing */
	struct probe *probe;		/* NULL: not probing */
	struct addr src;		/* the source probes use */
	unsigned int tmap[CONF_MAX_TARGETS];	/* conf target -> health
						 * target index */
	unsigned int ntargets;		/* targets of this family */
	sd_event_source *timer;		/* health deadline */
	uint64_t last_ms;		/* the latest time given to health */
	bool was_active;		/* in the previous plan */
	uint64_t changes;
};

struct dlink {
	struct dlink_set *set;
	const struct conf_link *conf;
	struct dlink_fam v4, v6;
	bool drained;
	bool carrier;			/* as last observed */
	/* firewall counters, sampled each second; the ring gives the rate
	 * over the last DLINK_RATE_S seconds */
	uint64_t tx_bytes, rx_bytes, tx_packets, rx_packets;
	uint64_t ring_tx[DLINK_RATE_S + 1], ring_rx[DLINK_RATE_S + 1];
	unsigned int ring_n;		/* samples taken */
	struct capacity_link cap;		/* weight = auto; valid once
					 * cap.started */
};

/* The links of c, none probing yet. 0 or -ENOMEM. */
int dlink_init_all(struct dlink_set *s, sd_event *ev, const struct conf *c,
    const struct dlink_cb *cb, void *ud);
void dlink_fini_all(struct dlink_set *s);
void dlink_plan_input(const struct dlink *l, struct plan_link_in *in);
/* Netlink changed: carrier losses take links down at once. */
void dlink_observe(struct dlink_set *s, const struct kstate *obs);
/* Stop every probe. */
void dlink_stop(struct dlink_set *s);
/* After a reconcile: start, move or stop probes to match the plan. */
void dlink_after_plan(struct dlink_set *s, const struct plan *p);
/* Switch to the links of nc, keeping the run-time state (health, probes)
 * of the links that remain, by name; links that went away stop probing.
 * 0 or -ENOMEM (nothing changed). */
int dlink_reload(struct dlink_set *s, const struct conf *nc);
/* The link called name, or NULL. */
struct dlink *dlink_by_name(struct dlink_set *s, const char *name);
/* The states of the families in use (probing, or judged once), for
 * ha_track_value; st holds 2 * s->n. Returns how many. */
unsigned int dlink_states(const struct dlink_set *s, enum health_state *st);
/* The family's health figures now; false when it is not probing. */
bool dlink_figures(const struct dlink_fam *f, struct health_figures *hf);
/* The family's state: what the plan uses. */
static inline enum health_state
dlink_state(const struct dlink_fam *f)
{
	return health_state(&f->health);
}
/* '4' or '6'. */
char dlink_famc(const struct dlink_fam *f);
/* The link's traffic says it is dead (dpassive.c): each probed family
 * goes down with cause traffic (health_traffic_down; black_hole: held
 * with the link's passive-hold), reported up as any change. */
void dlink_traffic_down(struct dlink *l, bool black_hole, const char *why);

#endif
