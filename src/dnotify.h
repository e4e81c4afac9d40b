/* SPDX-License-Identifier: ISC */
/*
 * What the daemon tells once the kernel has followed a change of state:
 * the event ring kept for status, the watchers of the control socket and
 * the hooks. A change is queued when it happens (with the figures and
 * environment of that moment) and told by dnotify_flush, which the daemon
 * calls after it applied the plan that follows the change.
 */
#ifndef UPLINKD_DNOTIFY_H
#define UPLINKD_DNOTIFY_H

#include <stdbool.h>
#include <jansson.h>
#include <systemd/sd-event.h>

#include "dlink.h"
#include "ha.h"
#include "status.h"

#define DNOTIFY_EVENTS_MAX 32	/* state changes kept for status */
#define DNOTIFY_ENV_N	10	/* variables a hook is given */

struct hooks;
struct control;
struct dnotify_pending;

struct dnotify {
	struct hooks *hooks;		/* NULL: none made yet */
	struct control *control;	/* the watchers' socket; may be NULL */
	struct status_event events[DNOTIFY_EVENTS_MAX];	/* state changes */
	unsigned int nevents;		/* total ever; ring index % MAX */
	struct dnotify_pending *pending;	/* queued, not told yet */
	unsigned int npending, maxpending;
};

/* Hooks from conf's hooks-dir. 0 or -errno. */
int dnotify_start(struct dnotify *n, sd_event *ev, const struct conf *c);
/* A new config's hooks-dir; a running hook and the changes waiting for
 * theirs carry on. */
void dnotify_reload(struct dnotify *n, sd_event *ev, const struct conf *c);
/* Forget what is queued, stop the hooks. */
void dnotify_stop(struct dnotify *n);
/* Queue f's change from `from` to f->state. */
void dnotify_changed(struct dnotify *n, const struct dlink_fam *f,
    enum health_state from, const char *reason, enum ha_role role);
/* Tell what is queued, in order: the event ring, watchers, hooks. */
void dnotify_flush(struct dnotify *n);
/* Send ev to the watchers, if any (ev stays the caller's). */
void dnotify_watchers(struct dnotify *n, json_t *ev);
/* The last state changes, oldest first, into out (DNOTIFY_EVENTS_MAX);
 * returns how many. */
unsigned int dnotify_events(const struct dnotify *n,
    struct status_event *out);

#endif
