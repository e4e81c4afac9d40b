/* SPDX-License-Identifier: ISC */
/*
 * The running daemon: one sd-event loop that mirrors the kernel over
 * netlink, probes each link, keeps each link's health, and reconciles the
 * kernel to the plan whenever any of that changes. It is the top of the
 * orchestration: the modules below report to it through callbacks and
 * none of them includes this header (src/README).
 */
#ifndef UPLINKD_DAEMON_H
#define UPLINKD_DAEMON_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>
#include <systemd/sd-event.h>

#include "conf.h"
#include "dlink.h"
#include "dnotify.h"
#include "dstatus.h"
#include "execcg.h"
#include "fwcache.h"
#include "ha.h"
#include "kobj.h"
#include "plan.h"

struct rt;
struct control;
struct ctrack;
struct mpathnl;
struct dcapacity;
struct dpassive;

struct daemon {
	sd_event *ev;
	struct conf *conf;
	char *conf_path;
	struct rt *rt;
	struct kstate obs;
	struct plan plan;
	bool have_plan;
	struct dlink_set links;		/* conf->nlinks, same order */
	sd_event_source *rt_src;
	sd_event_source *defer_src;	/* a reconcile is due */
	sd_event_source *urgent_src;	/* ... at once: health changed */
	sd_event_source *retry_src;	/* a failed reconcile, again later */
	sd_event_source *sig_src[4];
	unsigned int retry_ms;
	sd_event_source *resync_src;	/* a failed netlink dump, again */
	unsigned int resync_ms;		/* its backoff; 0: in sync */
	struct fwcache fw;		/* the firewall as last loaded */
	struct execcg execcg;		/* uplinkctl exec's cgroups */
	struct dnotify notify;		/* events, watchers, hooks */
	struct ctrack *ctrack;		/* connections per link, flushes */
	struct control *control;
	struct mpathnl *mpath;		/* NULL: the kernel has no MPTCP */
	bool mpath_clean;		/* mptcp off, none of ours left */
	sd_event_source *sample_src;	/* counters, each second */
	struct dcapacity *capacity;	/* weight = auto */
	struct dpassive *passive;	/* passive health, fast detection */
	bool stopping;
	enum ha_role ha_role;		/* as keepalived told (uplinkctl ha) */
	int ha_track;			/* value in conf->ha_track_file; -1:
					 * not written yet */
	struct dstatus_counts counts;	/* figures for status and metrics */
};

/* Set up everything (netlink, signals, first dump and reconcile); fatal
 * errors are reported and returned as -errno before the loop starts. */
int daemon_init(struct daemon *d, struct conf *c, const char *conf_path);
int daemon_run(struct daemon *d);
void daemon_fini(struct daemon *d);

#endif
