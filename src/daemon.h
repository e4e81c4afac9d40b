/* SPDX-License-Identifier: ISC */
/*
 * The running daemon: one sd-event loop that mirrors the kernel over
 * netlink, probes each link, keeps each link's health, and reconciles the
 * kernel to the plan whenever any of that changes.
 */
#ifndef UPLINKD_DAEMON_H
#define UPLINKD_DAEMON_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>
#include <systemd/sd-event.h>

#include "capacity.h"
#include "ha.h"
#include "conf.h"
#include "fw.h"
#include "health.h"
#include "kobj.h"
#include "plan.h"
#include "reconcile.h"
#include "status.h"

struct rt;
struct dlink;
struct hooks;
struct control;
struct ctrack;
struct mpathnl;

#define DAEMON_EVENTS_MAX 32	/* state changes kept for status */


struct daemon {
	sd_event *ev;
	struct conf *conf;
	char *conf_path;
	struct rt *rt;
	struct kstate obs;
	struct plan plan;
	bool have_plan;
	struct dlink *links;		/* conf->nlinks, same order */
	sd_event_source *rt_src;
	sd_event_source *defer_src;	/* a reconcile is due */
	sd_event_source *urgent_src;	/* ... at once: health changed */
	sd_event_source *retry_src;	/* a failed reconcile, again later */
	sd_event_source *sig_src[4];
	unsigned int retry_ms;
	sd_event_source *resync_src;	/* a failed netlink dump, again */
	unsigned int resync_ms;		/* its backoff; 0: in sync */
	char *fw_applied;		/* last nft text applied; NULL: none */
	struct fw_objs fw_have;		/* nft objects that may exist now */
	bool fw_have_known;
	bool exec_cgroups, exec_cgroups_tried;
	struct hooks *hooks;
	struct ctrack *ctrack;		/* connections per link, flushes */
	struct control *control;
	struct mpathnl *mpath;		/* NULL: the kernel has no MPTCP */
	bool mpath_clean;		/* mptcp off, none of ours left */
	sd_event_source *sample_src;	/* counters, each second */
	struct cap_set capset;		/* weight = auto (dcapacity.c) */
	uint64_t started_s;
	bool ready;
	bool stopping;
	enum ha_role ha_role;		/* as keepalived told (uplinkctl ha) */
	int ha_track;			/* value in conf->ha_track_file; -1:
					 * not written yet */

	/* figures for status and metrics */
	uint64_t reconciles, reconcile_errors, last_reconcile_us;
	uint64_t resyncs;
	struct status_event events[DAEMON_EVENTS_MAX];	/* state changes */
	unsigned int nevents;		/* total ever; ring index % MAX */
};

/* Set up everything (netlink, signals, first dump and reconcile); fatal
 * errors are reported and returned as -errno before the loop starts. */
int daemon_init(struct daemon *d, struct conf *c, const char *conf_path);
int daemon_run(struct daemon *d);
void daemon_fini(struct daemon *d);

/* weight = auto: each link's sample, after its counters are read; a
 * reconcile when the learned weights change (dcapacity.c). */
void dcap_sample(struct daemon *d, uint64_t now_ms);

/* Ask for a reconcile at the next turn of the loop. */
void daemon_schedule(struct daemon *d);
/* Reconcile now (from any callback): a health change takes effect before
 * anything else the loop has pending but the probes, once for all the
 * changes pending together. 0 or -errno. */
int daemon_reconcile_now(struct daemon *d);
/* A state change was recorded in d->events: tell watchers. */
void daemon_event_posted(struct daemon *d, const struct status_event *ev);

/* Parse conf_path afresh and switch to it; on any error keep the running
 * config, write the errors to errf and return -EINVAL. */
int daemon_reload(struct daemon *d, FILE *errf);

/* Drain or undrain a link by name: 0 or -ENOENT. */
int daemon_drain(struct daemon *d, const char *link, bool drained);

/* dstatus.c: the control socket, the status snapshot, counter sampling. */
int daemon_control_start(struct daemon *d);
void daemon_control_stop(struct daemon *d);
/* Apply a new config's control options: metrics-listen moves, opens or
 * closes; a changed socket or socket-group refuses the reload (they are
 * set up at start only). 0, or -errno with the reason logged and written
 * to errf (may be NULL). */
int daemon_control_reload(struct daemon *d, const struct conf *nc,
    FILE *errf);
json_t *daemon_status_json(struct daemon *d);

#endif
