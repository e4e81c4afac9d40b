/* SPDX-License-Identifier: ISC */
/*
 * The daemon's event loop: netlink events update the kernel mirror, and any
 * change (an event, a health transition, a reload) schedules one reconcile
 * that builds the plan afresh and applies the difference. A failed
 * reconcile keeps what was applied and is retried with backoff. One
 * direction: the links report changes through callbacks (dlink.h); the
 * daemon decides (plan), applies (routes, firewall, conntrack) and only
 * then tells (watchers, hooks). It also serves the control socket.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <systemd/sd-daemon.h>

#include "control.h"
#include "ctrack.h"
#include "daemon.h"
#include "dconn.h"
#include "dcapacity.h"
#include "dctl.h"
#include "dpassive.h"
#include "log.h"
#include "mpathnl.h"
#include "probe.h"
#include "reconcile.h"
#include "rt.h"
#include "sysctl.h"

#define RETRY_MIN_MS	100
#define RETRY_MAX_MS	30000
#define RESYNC_MIN_MS	50
#define RESYNC_MAX_MS	5000
#define SAMPLE_US	1000000ULL

static void daemon_schedule(struct daemon *d);
static int daemon_reload(struct daemon *d, FILE *errf);
static int ctl_start(struct daemon *d);
static int ctl_reload(struct daemon *d, const struct conf *nc, FILE *errf);
static void ctl_stop(struct daemon *d);

static uint64_t
mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int
retry_cb(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct daemon *d = userdata;

	daemon_schedule(d);
	return 0;
}

/* Double *ms (from min, at most max) and arm the one-shot timer *src to
 * call cb after it; the reconcile retry and the netlink resync share it.
 * 0 or -errno (the timer could not be made). */
static int
arm_backoff(struct daemon *d, sd_event_source **src, unsigned int *ms,
    unsigned int min, unsigned int max, sd_event_time_handler_t cb)
{
	uint64_t when;

	*ms = *ms ? *ms * 2 : min;
	if (*ms > max)
		*ms = max;
	sd_event_now(d->ev, CLOCK_MONOTONIC, &when);
	when += *ms * 1000ULL;
	if (*src == NULL)
		return sd_event_add_time(d->ev, src, CLOCK_MONOTONIC, when,
		    1000, cb, d);
	sd_event_source_set_time(*src, when);
	return sd_event_source_set_enabled(*src, SD_EVENT_ONESHOT);
}

static void
schedule_retry(struct daemon *d)
{
	if (arm_backoff(d, &d->retry_src, &d->retry_ms, RETRY_MIN_MS,
	    RETRY_MAX_MS, retry_cb) < 0)
		log_warnx("reconcile: cannot arm the retry timer");
	log_info("reconcile failed; retrying in %u ms", d->retry_ms);
}

/* uplinkd's MPTCP endpoints (issue 17) brought to the plan's; with mptcp
 * off, checked once for leftovers of a killed daemon, then left alone. */
static int
apply_mptcp(struct daemon *d, const struct plan *p)
{
	int rc;

	if (!d->mpath || (!d->conf->mptcp && d->mpath_clean))
		return 0;
	rc = mpathnl_apply(d->mpath, &p->mptcp);
	d->mpath_clean = rc == 0 && !d->conf->mptcp;
	return rc;
}

/* conf->ha_track_file follows the links' health (ha.h). */
static void
ha_track(struct daemon *d)
{
	enum health_state st[2 * CONF_MAX_LINKS];
	unsigned int n;
	int v, rc;

	if (!d->conf->ha_track_file)
		return;
	n = dlink_states(&d->links, st);
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

/* Decide: the plan from the config, the kernel mirror and the links. */
static int
decide(struct daemon *d, struct plan *p)
{
	struct plan_link_in *in_links;
	struct plan_input in;
	unsigned int i;
	int rc;

	in_links = calloc(d->links.n ? d->links.n : 1, sizeof(*in_links));
	if (!in_links)
		return -ENOMEM;
	for (i = 0; i < d->links.n; i++)
		dlink_plan_input(&d->links.v[i], &in_links[i]);
	in.conf = d->conf;
	in.obs = &d->obs;
	in.links = in_links;
	rc = plan_build(&in, p);
	free(in_links);
	if (rc < 0)
		log_warnx("plan: %s", strerror(-rc));
	return rc;
}

/* Apply p: routes, rules and nexthops, then the firewall, then MPTCP
 * endpoints. 0 or the first error. */
static int
apply(struct daemon *d, struct plan *p)
{
	struct reconcile_stats st;
	int rc, frc;

	sysctl_apply(p->sysctls, p->nsysctls);
	rc = reconcile_apply(d->rt, d->conf, p, &d->obs, &st);
	if (st.added || st.replaced || st.deleted || st.errors)
		log_debug("reconcile: %u added, %u replaced, %u deleted, "
		    "%u failed", st.added, st.replaced, st.deleted, st.errors);
	/* the cgroups `uplinkctl exec` uses must exist before the ruleset
	 * that names them is loaded */
	p->exec_cgroups = execcg_ensure(&d->execcg, d->conf);
	frc = fwcache_apply(&d->fw, d->conf, p);
	if (frc < 0 && rc == 0)
		rc = frc;
	if ((frc = apply_mptcp(d, p)) < 0 && rc == 0)
		rc = frc;
	return rc;
}

/* Build the plan from the current inputs, apply it, and only then tell
 * watchers and hooks what changed. Callable from any callback of the
 * loop. */
static int
converge(struct daemon *d)
{
	struct plan p;
	uint64_t t0 = mono_us();
	int rc;

	if ((rc = decide(d, &p)) < 0) {
		dnotify_flush(&d->notify);
		return rc;
	}
	rc = apply(d, &p);
	/* probes follow the plan (a new source address, a link without
	 * one), then the connections of links that died are flushed */
	dlink_after_plan(&d->links, &p);
	dconn_after_plan(d->ctrack, &d->links, &p, d->ha_role);
	if (d->have_plan)
		plan_free(&d->plan);
	d->plan = p;
	d->have_plan = true;
	ha_track(d);
	dnotify_flush(&d->notify);

	d->counts.reconciles++;
	d->counts.last_reconcile_us = mono_us() - t0;
	if (rc < 0) {
		d->counts.reconcile_errors++;
		schedule_retry(d);
	} else {
		d->retry_ms = 0;
	}
	return rc;
}

/* A health change: reconcile before anything but the probes' own
 * sources, once for every change that is pending now (many links dying
 * together cost one reconcile, not one each). */
static int
urgent_cb(sd_event_source *s, void *userdata)
{
	struct daemon *d = userdata;

	if (!d->stopping)
		converge(d);
	return 0;
}

/* dlink_cb.urgent: converge now, from any callback: a health change
 * takes effect before anything else the loop has pending but the probes,
 * once for all the changes pending together. */
static void
link_urgent(void *ud)
{
	struct daemon *d = ud;

	if (d->stopping)
		return;
	if (d->urgent_src == NULL)
		converge(d);	/* not running the loop yet */
	else
		sd_event_source_set_enabled(d->urgent_src, SD_EVENT_ONESHOT);
}

/* dlink_cb.changed: told once the plan that follows it is applied. */
static void
link_changed(void *ud, const struct dlink_fam *f, enum health_state from,
    const char *reason)
{
	struct daemon *d = ud;

	dnotify_changed(&d->notify, f, from, reason, d->ha_role);
}

static const struct dlink_cb link_cb = {
	.changed = link_changed,
	.urgent = link_urgent,
};

static int
defer_cb(sd_event_source *s, void *userdata)
{
	struct daemon *d = userdata;

	if (!d->stopping)
		converge(d);
	return 0;
}

static void
daemon_schedule(struct daemon *d)
{
	if (d->defer_src)
		sd_event_source_set_enabled(d->defer_src, SD_EVENT_ONESHOT);
}

static int resync_cb(sd_event_source *s, uint64_t usec, void *userdata);

/* Dump the kernel afresh after events were lost or unreadable; until a
 * dump succeeds, try again with backoff (the mirror keeps its last
 * consistent state meanwhile). */
static void
resync(struct daemon *d)
{
	int rc;

	d->counts.resyncs++;
	if ((rc = rt_dump(d->rt, &d->obs)) == 0) {
		if (d->resync_ms)
			log_info("netlink: resynchronised");
		d->resync_ms = 0;
		dlink_observe(&d->links, &d->obs);
		daemon_schedule(d);
		return;
	}
	if (arm_backoff(d, &d->resync_src, &d->resync_ms, RESYNC_MIN_MS,
	    RESYNC_MAX_MS, resync_cb) < 0)
		log_warnx("netlink: cannot arm the resync timer");
	log_warnx("netlink dump: %s; trying again in %u ms", strerror(-rc),
	    d->resync_ms);
}

static int
resync_cb(sd_event_source *s, uint64_t usec, void *userdata)
{
	resync(userdata);
	return 0;
}

static int
rt_cb(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct daemon *d = userdata;
	int rc;

	rc = rt_read_events(d->rt, &d->obs);
	if (rc < 0) {
		/* any event lost or unreadable: the mirror may be wrong */
		if (rc == -ENOBUFS)
			log_info("netlink events overflowed; dumping afresh");
		else
			log_warnx("netlink events: %s; dumping afresh",
			    strerror(-rc));
		resync(d);
		return 0;
	}
	if (rc > 0) {
		dlink_observe(&d->links, &d->obs);
		daemon_schedule(d);
	}
	return 0;
}

static int
signal_cb(sd_event_source *s, const struct signalfd_siginfo *si,
    void *userdata)
{
	struct daemon *d = userdata;

	switch (si->ssi_signo) {
	case SIGHUP:
		daemon_reload(d, NULL);
		break;
	case SIGTERM:
	case SIGINT:
		log_info("signal %d: removing uplinkd's routes, rules, "
		    "nexthops and firewall", si->ssi_signo);
		d->stopping = true;
		sd_notify(0, "STOPPING=1");
		sd_event_exit(d->ev, 0);
		break;
	}
	return 0;
}

/* Keep the neighbour entries of the uplinks' interfaces (gateway MACs). */
static void
set_neigh_filter(struct daemon *d)
{
	const char *names[CONF_MAX_LINKS];
	unsigned int i;

	for (i = 0; i < d->conf->nlinks; i++)
		names[i] = d->conf->links[i].ifname;
	rt_set_neigh_filter(d->rt, names, d->conf->nlinks);
}

/* Remove every kernel object of ours: routes, rules, nexthops, firewall. */
static void
remove_all(struct daemon *d)
{
	struct reconcile_stats st;

	rt_dump(d->rt, &d->obs);
	reconcile_remove_all(d->rt, d->conf, &d->obs, &st);
	if (d->mpath)
		mpathnl_remove_all(d->mpath);
	fwcache_remove(&d->fw);
	/* the ruleset naming them is gone: the exec cgroups may go */
	execcg_remove(&d->execcg, d->conf);
	log_info("removed %u objects%s", st.deleted, st.errors ?
	    ", some could not be removed" : "");
}

/* SIGTERM, SIGINT and SIGHUP into the loop. 0 or -errno. */
static int
add_signals(struct daemon *d)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP };
	sigset_t mask;
	unsigned int i;
	int rc;

	sigemptyset(&mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(&mask, sigs[i]);
	/* children (hooks, jobs) are reaped by sd-event, which needs
	 * SIGCHLD blocked */
	sigaddset(&mask, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
		return -errno;
	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if ((rc = sd_event_add_signal(d->ev, &d->sig_src[i], sigs[i],
		    signal_cb, d)) < 0)
			return rc;
	return 0;
}

int
daemon_init(struct daemon *d, struct conf *c, const char *conf_path)
{
	int rc;

	memset(d, 0, sizeof(*d));
	kobj_init(&d->obs);
	d->conf = c;
	d->conf_path = strdup(conf_path);
	if (!d->conf_path)
		return -ENOMEM;
	if ((rc = sd_event_default(&d->ev)) < 0)
		return rc;
	if ((rc = dlink_init_all(&d->links, d->ev, c, &link_cb, d)) < 0)
		return rc;
	if ((rc = add_signals(d)) < 0)
		return rc;

	/* before touching the kernel: a second instance stops here */
	if ((rc = ctl_start(d)) < 0)
		return rc;

	d->rt = rt_open(1);
	if (!d->rt) {
		rc = -errno;
		log_warn("netlink");
		return rc;
	}
	rt_set_route_filter(d->rt, c->table_base, c->table_base +
	    CONF_MAX_LINKS);
	if (!(d->mpath = mpathnl_open()) && c->mptcp)
		log_warn("mptcp: no MPTCP in this kernel: mptcp = on does "
		    "nothing");
	set_neigh_filter(d);
	if ((rc = rt_dump(d->rt, &d->obs)) < 0) {
		log_warnx("netlink dump: %s", strerror(-rc));
		return rc;
	}
	if ((rc = sd_event_add_io(d->ev, &d->rt_src, rt_event_fd(d->rt),
	    EPOLLIN, rt_cb, d)) < 0)
		return rc;
	if ((d->ctrack = ctrack_new(d->ev, c->fwmark_mask)) == NULL) {
		rc = -errno;
		log_warn("conntrack events");
		return rc;
	}
	if ((rc = sd_event_add_defer(d->ev, &d->defer_src, defer_cb, d)) < 0)
		return rc;
	sd_event_source_set_enabled(d->defer_src, SD_EVENT_OFF);
	if ((rc = sd_event_add_defer(d->ev, &d->urgent_src, urgent_cb,
	    d)) < 0 ||
	    (rc = sd_event_source_set_priority(d->urgent_src,
	    SD_EVENT_PRIORITY_IMPORTANT + 2)) < 0 ||
	    (rc = sd_event_source_set_enabled(d->urgent_src,
	    SD_EVENT_OFF)) < 0)
		return rc;
	sd_event_set_watchdog(d->ev, true);

	dlink_observe(&d->links, &d->obs);
	if ((rc = dnotify_start(&d->notify, d->ev, c)) < 0)
		return rc;
	/* routes without the firewall would send connections out unmarked
	 * and LAN traffic unmasqueraded: a ruleset refused at start is
	 * fatal (at run time the last one loaded stays and is retried) */
	if ((rc = converge(d)) < 0 && !d->fw.applied) {
		log_warnx("firewall: not loaded at start; removing uplinkd's "
		    "routes, rules and nexthops and exiting");
		remove_all(d);
		return rc;
	}
	return 0;
}

int
daemon_run(struct daemon *d)
{
	int rc;

	sd_notify(0, "READY=1\nSTATUS=running");
	log_info("ready: %u links", d->conf->nlinks);
	rc = sd_event_loop(d->ev);

	/* SIGTERM: leave nothing of ours behind */
	ctl_stop(d);
	dlink_stop(&d->links);
	dnotify_stop(&d->notify);
	remove_all(d);
	return rc;
}

void
daemon_fini(struct daemon *d)
{
	unsigned int i;

	ctl_stop(d);
	dnotify_stop(&d->notify);
	dlink_fini_all(&d->links);
	ctrack_free(d->ctrack);
	for (i = 0; i < sizeof(d->sig_src) / sizeof(d->sig_src[0]); i++)
		sd_event_source_unref(d->sig_src[i]);
	sd_event_source_unref(d->rt_src);
	sd_event_source_unref(d->defer_src);
	sd_event_source_unref(d->urgent_src);
	sd_event_source_unref(d->retry_src);
	sd_event_source_unref(d->resync_src);
	if (d->rt)
		rt_close(d->rt);
	mpathnl_close(d->mpath);
	sd_event_unref(d->ev);
	kobj_clear(&d->obs);
	if (d->have_plan)
		plan_free(&d->plan);
	fwcache_free(&d->fw);
	free(d->conf_path);
	conf_free(d->conf);
	memset(d, 0, sizeof(*d));
}

/* Make nc the running config (the old one goes to *old): objects of an
 * ownership range that changes are removed first, or they would be
 * orphaned. */
static int
switch_conf(struct daemon *d, struct conf *nc, struct conf **old)
{
	int rc;

	if (nc->table_base != d->conf->table_base ||
	    nc->rule_priority_base != d->conf->rule_priority_base ||
	    nc->nexthop_id_base != d->conf->nexthop_id_base ||
	    nc->route_protocol != d->conf->route_protocol ||
	    nc->fwmark_mask != d->conf->fwmark_mask) {
		struct reconcile_stats st;

		reconcile_remove_all(d->rt, d->conf, &d->obs, &st);
		rt_set_route_filter(d->rt, nc->table_base, nc->table_base +
		    CONF_MAX_LINKS);
	}
	execcg_reset(&d->execcg);	/* links may be new */
	ctrack_set_mask(d->ctrack, nc->fwmark_mask);
	if ((rc = dlink_reload(&d->links, nc)) < 0)
		return rc;
	*old = d->conf;
	d->conf = nc;
	d->ha_track = -1;	/* the file may have moved: write it anew */
	/* a running hook and the changes waiting for theirs carry on */
	dnotify_reload(&d->notify, d->ev, nc);
	set_neigh_filter(d);
	rt_dump(d->rt, &d->obs);
	return 0;
}

static int
daemon_reload(struct daemon *d, FILE *errf)
{
	struct conf *nc, *old, *bad;
	int rc;

	sd_notify(0, "RELOADING=1");
	nc = conf_load(d->conf_path, errf ? errf : stderr);
	if (!nc) {
		log_warnx("reload: %s has errors; keeping the running "
		    "configuration", d->conf_path);
		sd_notify(0, "READY=1\nSTATUS=reload failed");
		return -EINVAL;
	}
	if ((rc = ctl_reload(d, nc, errf)) < 0) {
		conf_free(nc);
		sd_notify(0, "READY=1\nSTATUS=reload refused");
		return rc;
	}
	conf_assign_ids(nc, d->conf);
	if ((rc = switch_conf(d, nc, &old)) < 0) {
		ctl_reload(d, d->conf, NULL);
		conf_free(nc);
		sd_notify(0, "READY=1\nSTATUS=reload failed");
		return rc;
	}
	log_info("reload: %s: %u links", d->conf_path, d->conf->nlinks);
	if (converge(d) < 0) {
		/* valid but not applicable (a table of someone else's, a
		 * firewall the kernel refuses): back to what worked */
		log_warnx("reload: %s cannot be applied; rolling back to the "
		    "running configuration", d->conf_path);
		if (errf)
			fprintf(errf, "%s: cannot be applied (see the log); "
			    "rolled back\n", d->conf_path);
		if (switch_conf(d, old, &bad) == 0) {
			conf_free(bad);
			converge(d);
			ctl_reload(d, d->conf, NULL);
		} else {
			conf_free(old);
		}
		sd_notify(0, "READY=1\nSTATUS=reload rolled back");
		return -EIO;
	}
	conf_free(old);
	sd_notify(0, "READY=1\nSTATUS=running");
	return 0;
}

static int
daemon_drain(struct daemon *d, const char *link, bool drained)
{
	struct dlink *l = dlink_by_name(&d->links, link);

	if (!l)
		return -ENOENT;
	l->drained = drained;
	log_info("link %s: %s", link, drained ? "drained" : "undrained");
	converge(d);
	return 0;
}

/* The backup keeps the connections conntrackd synced even of a link that
 * died there; a new master lets go of those of its dead links, so that
 * they are balanced afresh. */
static int
daemon_ha_role(struct daemon *d, const char *role)
{
	enum ha_role r, from = d->ha_role;
	json_t *ev;

	if (ha_role_parse(role, &r) < 0)
		return -EINVAL;
	if (r == from)
		return 0;
	d->ha_role = r;
	log_info("ha: %s -> %s", ha_role_name(from), ha_role_name(r));
	if (r == HA_ROLE_MASTER && d->have_plan)
		dconn_master(d->ctrack, &d->links, &d->plan);
	ev = json_pack("{s:I,s:s,s:s}", "time", (json_int_t)time(NULL),
	    "ha_role", ha_role_name(r), "previous", ha_role_name(from));
	dnotify_watchers(&d->notify, ev);
	json_decref(ev);
	return 0;
}

/* The control socket's requests. */

static void
status_in(struct daemon *d, struct dstatus_in *in)
{
	in->conf = d->conf;
	in->links = &d->links;
	in->plan = d->have_plan ? &d->plan : NULL;
	in->ctrack = d->ctrack;
	in->notify = &d->notify;
	in->counts = &d->counts;
	in->ha_role = d->ha_role;
}

static json_t *
op_status(void *ud)
{
	struct dstatus_in in;

	status_in(ud, &in);
	return dstatus_json(&in);
}

static int
op_reload(void *ud, char **errors)
{
	size_t len = 0;
	FILE *f = open_memstream(errors, &len);
	int rc;

	rc = daemon_reload(ud, f);
	if (f)
		fclose(f);
	if (rc == 0) {
		free(*errors);
		*errors = NULL;
	}
	return rc;
}

static int
op_drain(void *ud, const char *link, bool drained)
{
	return daemon_drain(ud, link, drained);
}

static json_t *
op_exec_info(void *ud, const char *link)
{
	struct dstatus_in in;

	status_in(ud, &in);
	return dstatus_exec_info(&in, link);
}

static int
op_ha(void *ud, const char *role)
{
	return daemon_ha_role(ud, role);
}

static const struct control_ops ops = {
	.ha = op_ha,
	.status = op_status,
	.reload = op_reload,
	.drain = op_drain,
	.exec_info = op_exec_info,
};

/* Each second: the firewall's counters into each link's ring; every other
 * second the rates to watchers. */
static int
sample_cb(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct daemon *d = userdata;
	struct fw_counter fc[CONF_MAX_LINKS];
	struct dstatus_in in;
	json_t *j;
	int n;

	ctrack_tick(d->ctrack);
	n = fwread_counters(fc, CONF_MAX_LINKS);
	dstatus_sample(&d->links, fc, n);
	dpassive_sample(d->passive, fc, n);
	if (d->control && control_watching(d->control) && d->links.n &&
	    d->links.v[0].ring_n % 2 == 0) {
		status_in(d, &in);
		j = dstatus_rates_json(&in);
		control_broadcast_rates(d->control, j);
		json_decref(j);
	}
	sd_event_source_set_time(s, usec + SAMPLE_US);
	return 0;
}

/* weight = auto learned new weights: plan with them */
static void
capacity_changed(void *ud)
{
	daemon_schedule(ud);
}

static int
ctl_start(struct daemon *d)
{
	uint64_t now;
	int rc;

	d->counts.started_s = time(NULL);
	if ((d->control = dctl_open(d->ev, d->conf, &ops, d)) == NULL)
		return -errno;
	d->notify.control = d->control;
	if ((d->passive = dpassive_new(d->ev, &d->links, &d->conf)) == NULL)
		return -ENOMEM;
	if ((d->capacity = dcapacity_new(d->ev, &d->links, &d->conf,
	    &d->ctrack, capacity_changed, d)) == NULL)
		return -errno;
	/* the first sample at once: it is every rate's baseline, so the
	 * first rates (and a busy link, for fast detection) come a second
	 * after ready, not two */
	sd_event_now(d->ev, CLOCK_MONOTONIC, &now);
	if ((rc = sd_event_add_time(d->ev, &d->sample_src, CLOCK_MONOTONIC,
	    now, 10000, sample_cb, d)) < 0)
		return rc;
	return sd_event_source_set_enabled(d->sample_src, SD_EVENT_ON);
}

static int
ctl_reload(struct daemon *d, const struct conf *nc, FILE *errf)
{
	return dctl_reload(d->control, d->conf, nc, d->conf_path, errf);
}

static void
ctl_stop(struct daemon *d)
{
	d->sample_src = sd_event_source_disable_unref(d->sample_src);
	dpassive_free(d->passive);
	d->passive = NULL;
	dcapacity_free(d->capacity);
	d->capacity = NULL;
	control_free(d->control);
	d->control = NULL;
	d->notify.control = NULL;
}
