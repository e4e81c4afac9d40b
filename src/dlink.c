/* SPDX-License-Identifier: ISC */
/*
 * Per-link run-time state: per address family a probe feeding a health
 * state machine, armed with a timer at the machine's next deadline; carrier
 * from netlink. A change of health is acted on in the same loop turn: the
 * kernel is reconciled (the link leaves or joins the group), the dead
 * link's connections are flushed from conntrack, the hooks run, and the
 * change is recorded for status and watchers.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "control.h"
#include "ctlsetup.h"
#include "ctrack.h"
#include "dlink.h"
#include "fw.h"
#include "fwapply.h"
#include "hooks.h"
#include "log.h"
#include "probe.h"

static uint64_t
unix_s(void)
{
	return (uint64_t)time(NULL);
}

static char
famc(const struct dlink_fam *f)
{
	return f->family == AF_INET ? '4' : '6';
}

static void fam_stop(struct dlink_fam *f);

static void
fam_init(struct dlink *l, struct dlink_fam *f, int family)
{
	memset(f, 0, sizeof(*f));
	f->link = l;
	f->family = family;
	f->since_s = unix_s();
}

int
dlink_init_all(struct daemon *d)
{
	unsigned int i;

	d->links = calloc(d->conf->nlinks ? d->conf->nlinks : 1,
	    sizeof(*d->links));
	if (!d->links)
		return -ENOMEM;
	d->ha_track = -1;
	for (i = 0; i < d->conf->nlinks; i++) {
		struct dlink *l = &d->links[i];

		l->d = d;
		l->conf = &d->conf->links[i];
		fam_init(l, &l->v4, AF_INET);
		fam_init(l, &l->v6, AF_INET6);
	}
	return 0;
}

void
dlink_fini_all(struct daemon *d)
{
	unsigned int i;

	/* after a failed start, dlink_stop has not run */
	hooks_free(d->hooks);
	d->hooks = NULL;
	if (!d->links)
		return;
	for (i = 0; i < d->conf->nlinks; i++) {
		fam_stop(&d->links[i].v4);
		fam_stop(&d->links[i].v6);
	}
	free(d->links);
	d->links = NULL;
}

void
dlink_plan_input(const struct dlink *l, struct plan_link_in *in)
{
	in->health4 = l->v4.state;
	in->health6 = l->v6.state;
	in->drained = l->drained;
	in->weight = l->conf->weight_auto && l->cap.started ? l->cap.weight :
	    0;
}

/* Record a state change: log, event ring, watchers, hooks. */
static void
fam_changed(struct dlink_fam *f, enum health_state to, const char *reason)
{
	struct dlink *l = f->link;
	struct daemon *d = l->d;
	struct status_event *ev;
	struct health_figures hf;
	enum health_state from = f->state;
	char rtt[32] = "", loss[32] = "", env[10][200];
	const char *envp[11];
	unsigned int i;

	if (from == to)
		return;
	f->state = to;
	f->since_s = unix_s();
	f->changes++;
	log_info("link %s: ipv%c %s -> %s (%s)", l->conf->name, famc(f),
	    health_state_name(from), health_state_name(to), reason);

	ev = &d->events[d->nevents++ % DAEMON_EVENTS_MAX];
	ev->when_s = f->since_s;
	snprintf(ev->link, sizeof(ev->link), "%s", l->conf->name);
	ev->from = from;
	ev->to = to;
	ev->family = famc(f);
	snprintf(ev->reason, sizeof(ev->reason), "%s", reason);
	daemon_event_posted(d, ev);

	if (f->probe) {
		health_figures(&f->health, probe_now_ms(), &hf);
		if (hf.has_reply)
			snprintf(rtt, sizeof(rtt), "%.1f",
			    hf.f.rtt_avg_us / 1000.0);
		snprintf(loss, sizeof(loss), "%u", hf.f.loss_pct);
	}
	snprintf(env[0], sizeof(env[0]), "LINK=%s", l->conf->name);
	snprintf(env[1], sizeof(env[1]), "INTERFACE=%s", l->conf->ifname);
	snprintf(env[2], sizeof(env[2]), "STATE=%s", health_state_name(to));
	snprintf(env[3], sizeof(env[3]), "PREVIOUS_STATE=%s",
	    health_state_name(from));
	snprintf(env[4], sizeof(env[4]), "FAMILY=ipv%c", famc(f));
	snprintf(env[5], sizeof(env[5]), "RTT_MS=%s", rtt);
	snprintf(env[6], sizeof(env[6]), "LOSS_PCT=%s", loss);
	snprintf(env[7], sizeof(env[7]), "REASON=%s", reason);
	if (l->conf->weight_auto)
		snprintf(env[8], sizeof(env[8]), "WEIGHT=auto");
	else
		snprintf(env[8], sizeof(env[8]), "WEIGHT=%u", l->conf->weight);
	snprintf(env[9], sizeof(env[9]), "HA_ROLE=%s",
	    ha_role_name(d->ha_role));
	for (i = 0; i < 10; i++)
		envp[i] = env[i];
	envp[10] = NULL;
	if (d->hooks)
		hooks_run(d->hooks, envp);
}

static void fam_arm(struct dlink_fam *f);

/* Let the machine look at the time; act on a change at once. */
static void
fam_tick(struct dlink_fam *f, uint64_t now_ms)
{
	if (health_tick(&f->health, now_ms)) {
		fam_changed(f, health_state(&f->health),
		    health_reason(&f->health));
		daemon_reconcile_now(f->link->d);
	}
	if (f->probe)
		fam_arm(f);
}

static int
timer_cb(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct dlink_fam *f = userdata;
	uint64_t now_ms = probe_now_ms();

	if (now_ms < f->last_ms)
		now_ms = f->last_ms;
	f->last_ms = now_ms;
	fam_tick(f, now_ms);
	return 0;
}

static void
fam_arm(struct dlink_fam *f)
{
	uint64_t when_ms = health_next_deadline_ms(&f->health);
	uint64_t now_ms = probe_now_ms();
	sd_event *e = f->link->d->ev;

	/* a deadline that has passed was just looked at (fam_tick): it is
	 * stale, and must not spin the loop; look again a little later */
	if (when_ms != UINT64_MAX && when_ms <= now_ms)
		when_ms = now_ms + 10;
	if (when_ms == UINT64_MAX) {
		if (f->timer)
			sd_event_source_set_enabled(f->timer, SD_EVENT_OFF);
		return;
	}
	if (!f->timer) {
		if (sd_event_add_time(e, &f->timer, CLOCK_MONOTONIC,
		    when_ms * 1000, 1000, timer_cb, f) < 0) {
			log_warnx("link %s: health timer", f->link->conf->name);
			f->timer = NULL;
			return;
		}
		return;
	}
	sd_event_source_set_time(f->timer, when_ms * 1000);
	sd_event_source_set_enabled(f->timer, SD_EVENT_ONESHOT);
}

static void
probe_cb(void *userdata, unsigned int target, enum probe_event ev,
    uint16_t seq, uint32_t rtt_us, uint64_t now_ms)
{
	struct dlink_fam *f = userdata;
	unsigned int t = f->tmap[target];

	/* a reply counts when the kernel received it, which may be before
	 * the last probe sent or tick: health's clock never goes back */
	if (now_ms < f->last_ms)
		now_ms = f->last_ms;
	f->last_ms = now_ms;

	switch (ev) {
	case PROBE_SENT:
		health_probe_sent(&f->health, t, seq, now_ms);
		break;
	case PROBE_REPLY:
		health_probe_reply(&f->health, t, seq, rtt_us, now_ms);
		break;
	}
	fam_tick(f, now_ms);
}

static void
fam_stop(struct dlink_fam *f)
{
	if (f->probe) {
		probe_free(f->probe);
		f->probe = NULL;
	}
	f->timer = sd_event_source_disable_unref(f->timer);
	memset(&f->src, 0, sizeof(f->src));
}

/* Start probing from src, or follow a new source address. */
static void
fam_probe(struct dlink_fam *f, const struct plan_link *pl,
    const struct addr *src)
{
	struct dlink *l = f->link;
	const struct conf_probe *cp = &l->conf->probe;
	unsigned int i;

	if (f->probe && addr_eq(&f->src, src))
		return;
	if (f->probe) {
		if (probe_update_source(f->probe, src) == 0) {
			f->src = *src;
			return;
		}
		fam_stop(f);
	}
	f->ntargets = 0;
	for (i = 0; i < cp->ntargets; i++)
		if (cp->targets[i].family == f->family)
			f->tmap[i] = f->ntargets++;
	if (f->ntargets == 0)
		return;		/* nothing to ask: the link stays unknown */
	health_init(&f->health, cp, f->ntargets, probe_now_ms());
	health_carrier(&f->health, l->carrier, probe_now_ms());
	f->probe = probe_new(l->d->ev, l->conf->name, l->conf->ifname,
	    f->family, src, pl->mark, cp->targets, cp->ntargets, cp->rate_pps,
	    cp->size, probe_cb, f);
	if (!f->probe) {
		log_warn("link %s: ipv%c probes", l->conf->name, famc(f));
		return;
	}
	f->src = *src;
	fam_changed(f, HEALTH_UNKNOWN, "probing started");
	fam_arm(f);
}

/* Carrier as the kernel reports it: its loss takes a link down at once,
 * without waiting for probes. */
void
dlink_observe(struct daemon *d)
{
	unsigned int i;

	for (i = 0; i < d->conf->nlinks; i++) {
		struct dlink *l = &d->links[i];
		const struct klink *kl = kstate_link_by_name(&d->obs,
		    l->conf->ifname);
		bool carrier = kl && kl->carrier && (kl->flags & IFF_UP);
		struct dlink_fam *fams[2] = { &l->v4, &l->v6 };
		unsigned int j;

		if (carrier == l->carrier)
			continue;
		l->carrier = carrier;
		for (j = 0; j < 2; j++) {
			struct dlink_fam *f = fams[j];

			if (f->probe) {
				if (health_carrier(&f->health, carrier,
				    probe_now_ms()))
					fam_changed(f,
					    health_state(&f->health),
					    health_reason(&f->health));
				fam_arm(f);
			} else if (!carrier && f->state != HEALTH_UNKNOWN) {
				fam_changed(f, HEALTH_DOWN, kl ?
				    "carrier lost" : "interface gone");
			}
		}
	}
}

int
dlink_start(struct daemon *d)
{
	d->hooks = hooks_new(d->ev, d->conf->hooks_dir,
	    d->conf->hook_timeout_ms);
	return d->hooks ? 0 : -errno;
}

void
dlink_stop(struct daemon *d)
{
	unsigned int i;

	for (i = 0; i < d->conf->nlinks; i++) {
		fam_stop(&d->links[i].v4);
		fam_stop(&d->links[i].v6);
	}
	hooks_free(d->hooks);
	d->hooks = NULL;
}

int
dlink_apply_firewall(struct daemon *d, struct plan *p)
{
	struct fw_objs want;
	char *text;
	int rc;

	/* the cgroups `uplinkctl exec` uses must exist before the ruleset
	 * that names them is loaded */
	if (!d->exec_cgroups_tried) {
		char path[256];
		unsigned int i;
		bool ok = d->conf->nlinks > 0;

		for (i = 0; i < d->conf->nlinks; i++)
			if (ctlsetup_exec_cgroup(d->conf->links[i].name, path,
			    sizeof(path)) < 0)
				ok = false;
		d->exec_cgroups = ok;
		d->exec_cgroups_tried = true;
		if (!ok)
			log_info("no cgroup2 at /sys/fs/cgroup: uplinkctl exec "
			    "is unavailable");
	}
	p->exec_cgroups = d->exec_cgroups;
	if (!d->fw_have_known) {
		/* a previous run's table: its objects may be deleted */
		if (fw_read_objects(&d->fw_have) < 0)
			memset(&d->fw_have, 0, sizeof(d->fw_have));
		d->fw_have_known = true;
	}
	text = fw_render(d->conf, p, &d->fw_have);
	if (!text) {
		log_warn("firewall: render");
		return -errno;
	}
	if (d->fw_applied && strcmp(text, d->fw_applied) == 0) {
		free(text);
		return 0;
	}
	if ((rc = fw_apply(text)) < 0) {
		free(text);
		/* what exists is unknown now: ask the kernel next time */
		fw_objs_free(&d->fw_have);
		d->fw_have_known = false;
		return rc;
	}
	free(d->fw_applied);
	d->fw_applied = text;
	if (fw_objects(d->conf, &want) == 0) {
		fw_objs_free(&d->fw_have);
		d->fw_have = want;
	}
	return 0;
}

void
dlink_remove_firewall(struct daemon *d)
{
	fw_remove();
	/* the ruleset naming them is gone: the exec cgroups may go (rmdir
	 * fails, harmlessly, while a command still runs in one) */
	if (d->exec_cgroups) {
		char path[256], *slash;
		unsigned int i;

		for (i = 0; i < d->conf->nlinks; i++)
			if (ctlsetup_exec_cgroup(d->conf->links[i].name, path,
			    sizeof(path)) == 0 && rmdir(path) == 0 &&
			    (slash = strrchr(path, '/')) != NULL) {
				*slash = '\0';
				rmdir(path);
			}
	}
	free(d->fw_applied);
	d->fw_applied = NULL;
	fw_objs_free(&d->fw_have);
	d->fw_have_known = false;
}

static void
after_plan_fam(struct dlink_fam *f, const struct plan_link *pl,
    const struct plan_family *pf)
{
	struct dlink *l = f->link;

	if (pf->usable)
		fam_probe(f, pl, &pf->own_addr);
	else if (f->probe) {
		fam_stop(f);
		fam_changed(f, l->carrier ? HEALTH_DOWN : f->state,
		    "no usable address or gateway");
	}
	/* a link that died takes its connections with it, so their next
	 * packets are balanced afresh instead of black-holed; connections of
	 * other links are not touched. The kernel walks its table for that
	 * off the loop (ctrack.h). */
	if (f->was_active && !pf->active && f->state == HEALTH_DOWN &&
	    l->d->ha_role != HA_ROLE_BACKUP)
		ctrack_flush(l->d->ctrack, l->conf->name, f->family, pl->mark);
	else if (pf->active && !f->was_active)
		ctrack_flush_cancel(l->d->ctrack, f->family, pl->mark);
	f->was_active = pf->active;
}

void
dlink_after_plan(struct daemon *d, const struct plan *p)
{
	unsigned int i;

	for (i = 0; i < p->nlinks; i++) {
		after_plan_fam(&d->links[i].v4, &p->links[i], &p->links[i].v4);
		after_plan_fam(&d->links[i].v6, &p->links[i], &p->links[i].v6);
	}
	dlink_ha_track(d);
}

/* A family in use: probing, or judged once. */
static bool
fam_in_use(const struct dlink_fam *f)
{
	return f->probe != NULL || f->state != HEALTH_UNKNOWN;
}

void
dlink_ha_track(struct daemon *d)
{
	enum health_state st[2 * CONF_MAX_LINKS];
	unsigned int i, n = 0;
	int v, rc;

	if (!d->conf->ha_track_file)
		return;
	for (i = 0; i < d->conf->nlinks; i++) {
		if (fam_in_use(&d->links[i].v4))
			st[n++] = d->links[i].v4.state;
		if (fam_in_use(&d->links[i].v6))
			st[n++] = d->links[i].v6.state;
	}
	v = ha_track_value(st, n);
	if (v == d->ha_track)
		return;
	if ((rc = ha_track_write(d->conf->ha_track_file, v)) < 0) {
		log_warnx("ha: %s: %s", d->conf->ha_track_file, strerror(-rc));
		return;
	}
	log_info("ha: %s: %d (%s)", d->conf->ha_track_file, v, v ?
	    "every link is down" : "a link works");
	d->ha_track = v;
}

/* The backup keeps the connections conntrackd synced even of a link that
 * died there; a new master lets go of those of its dead links, so that
 * they are balanced afresh. */
int
dlink_ha_role(struct daemon *d, const char *role)
{
	enum ha_role r, from = d->ha_role;
	unsigned int i;
	json_t *ev;

	if (ha_role_parse(role, &r) < 0)
		return -EINVAL;
	if (r == from)
		return 0;
	d->ha_role = r;
	log_info("ha: %s -> %s", ha_role_name(from), ha_role_name(r));
	for (i = 0; r == HA_ROLE_MASTER && d->have_plan &&
	    i < d->plan.nlinks && i < d->conf->nlinks; i++) {
		struct dlink *l = &d->links[i];

		if (l->v4.state == HEALTH_DOWN && !d->plan.links[i].v4.active)
			ctrack_flush(d->ctrack, l->conf->name, AF_INET,
			    d->plan.links[i].mark);
		if (l->v6.state == HEALTH_DOWN && !d->plan.links[i].v6.active)
			ctrack_flush(d->ctrack, l->conf->name, AF_INET6,
			    d->plan.links[i].mark);
	}
	if (d->control && control_watching(d->control) &&
	    (ev = json_pack("{s:I,s:s,s:s}", "time", (json_int_t)unix_s(),
	    "ha_role", ha_role_name(r), "previous", ha_role_name(from)))) {
		control_broadcast_event(d->control, ev);
		json_decref(ev);
	}
	return 0;
}

/* Switch to nc, keeping the run-time state (health, probes) of the links
 * that remain, by name; links that went away stop probing. The previous
 * config goes to *old (the caller frees it, or switches back to it). */
int
dlink_reload(struct daemon *d, struct conf *nc, struct conf **old)
{
	struct dlink *nl;
	bool *kept;
	unsigned int i, j;

	d->ha_track = -1;	/* the file may have moved: write it anew */
	nl = calloc(nc->nlinks ? nc->nlinks : 1, sizeof(*nl));
	kept = calloc(d->conf->nlinks ? d->conf->nlinks : 1, sizeof(*kept));
	if (!nl || !kept) {
		free(nl);
		free(kept);
		return -ENOMEM;
	}
	for (i = 0; i < nc->nlinks; i++) {
		struct dlink *l = &nl[i];

		l->d = d;
		l->conf = &nc->links[i];
		fam_init(l, &l->v4, AF_INET);
		fam_init(l, &l->v6, AF_INET6);
		for (j = 0; j < d->conf->nlinks; j++) {
			const struct conf_link *oc = &d->conf->links[j];

			if (strcmp(oc->name, nc->links[i].name) != 0)
				continue;
			/* same probing: keep state; else start afresh */
			if (strcmp(oc->ifname, nc->links[i].ifname) == 0 &&
			    memcmp(&oc->probe, &nc->links[i].probe,
			    sizeof(oc->probe)) == 0) {
				*l = d->links[j];
				l->conf = &nc->links[i];
				kept[j] = true;
			} else {
				l->v4.state = d->links[j].v4.state;
				l->v6.state = d->links[j].v6.state;
				l->drained = d->links[j].drained;
			}
			break;
		}
	}
	for (j = 0; j < d->conf->nlinks; j++)
		if (!kept[j]) {
			fam_stop(&d->links[j].v4);
			fam_stop(&d->links[j].v6);
		}
	/* the probes' callbacks point at the families: re-point them */
	for (i = 0; i < nc->nlinks; i++) {
		nl[i].v4.link = nl[i].v6.link = &nl[i];
		if (nl[i].v4.probe || nl[i].v6.probe) {
			struct dlink_fam *fams[2] = { &nl[i].v4, &nl[i].v6 };

			for (j = 0; j < 2; j++) {
				struct dlink_fam *f = fams[j];

				if (!f->probe)
					continue;
				probe_set_userdata(f->probe, f);
				if (f->timer)
					sd_event_source_set_userdata(f->timer,
					    f);
			}
		}
	}
	free(kept);
	free(d->links);
	d->links = nl;
	*old = d->conf;
	d->conf = nc;
	/* a running hook and the changes waiting for theirs carry on */
	if (!d->hooks)
		d->hooks = hooks_new(d->ev, nc->hooks_dir, nc->hook_timeout_ms);
	else if (hooks_set(d->hooks, nc->hooks_dir, nc->hook_timeout_ms) < 0)
		log_warnx("reload: hooks: out of memory; hooks-dir unchanged");
	return 0;
}

void
dlink_set_drained(struct dlink *l, bool drained)
{
	l->drained = drained;
}
