/* SPDX-License-Identifier: ISC */
/*
 * Telling a change of state, after the kernel followed it: a queue of
 * changes, each with the hook environment of its moment; the ring of the
 * last changes for status; watchers; hooks.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control.h"
#include "dnotify.h"
#include "hooks.h"
#include "log.h"

struct dnotify_pending {
	struct status_event ev;
	char env[DNOTIFY_ENV_N][200];
};

int
dnotify_start(struct dnotify *n, sd_event *ev, const struct conf *c)
{
	n->hooks = hooks_new(ev, c->hooks_dir, c->hook_timeout_ms);
	return n->hooks ? 0 : -errno;
}

void
dnotify_reload(struct dnotify *n, sd_event *ev, const struct conf *c)
{
	if (!n->hooks)
		n->hooks = hooks_new(ev, c->hooks_dir, c->hook_timeout_ms);
	else if (hooks_set(n->hooks, c->hooks_dir, c->hook_timeout_ms) < 0)
		log_warnx("reload: hooks: out of memory; hooks-dir unchanged");
}

void
dnotify_stop(struct dnotify *n)
{
	hooks_free(n->hooks);
	n->hooks = NULL;
	free(n->pending);
	n->pending = NULL;
	n->npending = n->maxpending = 0;
}

/* The hook's environment of this change, as it is now. */
static void
fill_env(struct dnotify_pending *p, const struct dlink_fam *f,
    const char *reason, enum ha_role role)
{
	const struct conf_link *cl = f->link->conf;
	struct health_figures hf;
	char rtt[32] = "", loss[32] = "";

	if (dlink_figures(f, &hf)) {
		if (hf.has_reply)
			snprintf(rtt, sizeof(rtt), "%.1f",
			    hf.f.rtt_avg_us / 1000.0);
		snprintf(loss, sizeof(loss), "%u", hf.f.loss_pct);
	}
	snprintf(p->env[0], sizeof(p->env[0]), "LINK=%s", cl->name);
	snprintf(p->env[1], sizeof(p->env[1]), "INTERFACE=%s", cl->ifname);
	snprintf(p->env[2], sizeof(p->env[2]), "STATE=%s",
	    health_state_name(p->ev.to));
	snprintf(p->env[3], sizeof(p->env[3]), "PREVIOUS_STATE=%s",
	    health_state_name(p->ev.from));
	snprintf(p->env[4], sizeof(p->env[4]), "FAMILY=ipv%c", p->ev.family);
	snprintf(p->env[5], sizeof(p->env[5]), "RTT_MS=%s", rtt);
	snprintf(p->env[6], sizeof(p->env[6]), "LOSS_PCT=%s", loss);
	snprintf(p->env[7], sizeof(p->env[7]), "REASON=%s", reason);
	if (cl->weight_auto)
		snprintf(p->env[8], sizeof(p->env[8]), "WEIGHT=auto");
	else
		snprintf(p->env[8], sizeof(p->env[8]), "WEIGHT=%u",
		    cl->weight);
	snprintf(p->env[9], sizeof(p->env[9]), "HA_ROLE=%s",
	    ha_role_name(role));
}

/* Tell one change: ring, watchers, hooks. */
static void
tell(struct dnotify *n, const struct dnotify_pending *p)
{
	const char *envp[DNOTIFY_ENV_N + 1];
	unsigned int i;
	json_t *j;

	n->events[n->nevents++ % DNOTIFY_EVENTS_MAX] = p->ev;
	if (n->control && control_watching(n->control) &&
	    (j = status_event_to_json(&p->ev))) {
		control_broadcast_event(n->control, j);
		json_decref(j);
	}
	for (i = 0; i < DNOTIFY_ENV_N; i++)
		envp[i] = p->env[i];
	envp[DNOTIFY_ENV_N] = NULL;
	if (n->hooks)
		hooks_run(n->hooks, envp);
}

void
dnotify_changed(struct dnotify *n, const struct dlink_fam *f,
    enum health_state from, const char *reason, enum ha_role role)
{
	struct dnotify_pending one, *p = &one;

	if (n->npending == n->maxpending) {
		unsigned int max = n->maxpending ? 2 * n->maxpending : 8;
		struct dnotify_pending *np;

		np = reallocarray(n->pending, max, sizeof(*np));
		if (np) {
			n->pending = np;
			n->maxpending = max;
		}
	}
	if (n->npending < n->maxpending)
		p = &n->pending[n->npending];
	memset(p, 0, sizeof(*p));
	p->ev.when_s = f->since_ms / 1000;
	p->ev.when_ms = f->since_ms;
	snprintf(p->ev.link, sizeof(p->ev.link), "%s", f->link->conf->name);
	p->ev.from = from;
	p->ev.to = dlink_state(f);
	p->ev.cause = p->ev.to == HEALTH_DOWN ? health_cause(&f->health) :
	    HEALTH_CAUSE_NONE;
	p->ev.family = dlink_famc(f);
	snprintf(p->ev.reason, sizeof(p->ev.reason), "%s", reason);
	fill_env(p, f, reason, role);
	if (p == &one)		/* out of memory: tell it now, not lose it */
		tell(n, p);
	else
		n->npending++;
}

void
dnotify_flush(struct dnotify *n)
{
	unsigned int i;

	for (i = 0; i < n->npending; i++)
		tell(n, &n->pending[i]);
	n->npending = 0;
}

void
dnotify_watchers(struct dnotify *n, json_t *ev)
{
	if (ev && n->control && control_watching(n->control))
		control_broadcast_event(n->control, ev);
}

unsigned int
dnotify_events(const struct dnotify *n, struct status_event *out)
{
	unsigned int i, k = n->nevents < DNOTIFY_EVENTS_MAX ? n->nevents :
	    DNOTIFY_EVENTS_MAX;

	for (i = 0; i < k; i++)
		out[i] = n->events[(n->nevents - k + i) % DNOTIFY_EVENTS_MAX];
	return k;
}
