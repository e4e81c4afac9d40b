/* SPDX-License-Identifier: ISC */
/*
 * The daemon's event loop: netlink events update the kernel mirror, and any
 * change (an event, a health transition, a reload) schedules one reconcile
 * that builds the plan afresh and applies the difference. A failed
 * reconcile keeps what was applied and is retried with backoff.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <systemd/sd-daemon.h>

#include "ctrack.h"
#include "daemon.h"
#include "dlink.h"
#include "log.h"
#include "mpathnl.h"
#include "rt.h"
#include "sysctl.h"

#define RETRY_MIN_MS	100
#define RETRY_MAX_MS	30000
#define RESYNC_MIN_MS	50
#define RESYNC_MAX_MS	5000

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

/* Build the plan from the current inputs and apply it. Callable from any
 * callback of the loop. */
static int
reconcile(struct daemon *d)
{
	struct plan_link_in *in_links;
	struct plan_input in;
	struct plan p;
	struct reconcile_stats st;
	uint64_t t0 = mono_us();
	unsigned int i;
	int rc, frc;

	in_links = calloc(d->conf->nlinks ? d->conf->nlinks : 1,
	    sizeof(*in_links));
	if (!in_links)
		return -ENOMEM;
	for (i = 0; i < d->conf->nlinks; i++)
		dlink_plan_input(&d->links[i], &in_links[i]);
	in.conf = d->conf;
	in.obs = &d->obs;
	in.links = in_links;
	rc = plan_build(&in, &p);
	free(in_links);
	if (rc < 0) {
		log_warnx("plan: %s", strerror(-rc));
		return rc;
	}

	sysctl_apply(p.sysctls, p.nsysctls);
	rc = reconcile_apply(d->rt, d->conf, &p, &d->obs, &st);
	if (st.added || st.replaced || st.deleted || st.errors)
		log_debug("reconcile: %u added, %u replaced, %u deleted, "
		    "%u failed", st.added, st.replaced, st.deleted, st.errors);
	frc = dlink_apply_firewall(d, &p);
	if (frc < 0 && rc == 0)
		rc = frc;
	if ((frc = apply_mptcp(d, &p)) < 0 && rc == 0)
		rc = frc;
	dlink_after_plan(d, &p);

	if (d->have_plan)
		plan_free(&d->plan);
	d->plan = p;
	d->have_plan = true;
	d->reconciles++;
	d->last_reconcile_us = mono_us() - t0;
	if (rc < 0) {
		d->reconcile_errors++;
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
		reconcile(d);
	return 0;
}

int
daemon_reconcile_now(struct daemon *d)
{
	if (d->stopping)
		return 0;
	if (d->urgent_src == NULL)
		return reconcile(d);	/* not running the loop yet */
	return sd_event_source_set_enabled(d->urgent_src, SD_EVENT_ONESHOT);
}

static int
defer_cb(sd_event_source *s, void *userdata)
{
	struct daemon *d = userdata;

	if (!d->stopping)
		reconcile(d);
	return 0;
}

void
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

	d->resyncs++;
	if ((rc = rt_dump(d->rt, &d->obs)) == 0) {
		if (d->resync_ms)
			log_info("netlink: resynchronised");
		d->resync_ms = 0;
		dlink_observe(d);
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
		dlink_observe(d);
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
	dlink_remove_firewall(d);
	log_info("removed %u objects%s", st.deleted, st.errors ?
	    ", some could not be removed" : "");
}

int
daemon_init(struct daemon *d, struct conf *c, const char *conf_path)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP };
	sigset_t mask;
	unsigned int i;
	int rc;

	memset(d, 0, sizeof(*d));
	kstate_init(&d->obs);
	d->conf = c;
	d->conf_path = strdup(conf_path);
	if (!d->conf_path)
		return -ENOMEM;
	if ((rc = dlink_init_all(d)) < 0)
		return rc;

	if ((rc = sd_event_default(&d->ev)) < 0)
		return rc;
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

	/* before touching the kernel: a second instance stops here */
	if ((rc = daemon_control_start(d)) < 0)
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

	dlink_observe(d);
	if ((rc = dlink_start(d)) < 0)
		return rc;
	/* routes without the firewall would send connections out unmarked
	 * and LAN traffic unmasqueraded: a ruleset refused at start is
	 * fatal (at run time the last one loaded stays and is retried) */
	if ((rc = reconcile(d)) < 0 && !d->fw_applied) {
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

	d->ready = true;
	sd_notify(0, "READY=1\nSTATUS=running");
	log_info("ready: %u links", d->conf->nlinks);
	rc = sd_event_loop(d->ev);

	/* SIGTERM: leave nothing of ours behind */
	daemon_control_stop(d);
	dlink_stop(d);
	remove_all(d);
	return rc;
}

void
daemon_fini(struct daemon *d)
{
	unsigned int i;

	daemon_control_stop(d);
	dlink_fini_all(d);
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
	kstate_clear(&d->obs);
	if (d->have_plan)
		plan_free(&d->plan);
	free(d->fw_applied);
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
	d->exec_cgroups_tried = false;	/* links may be new */
	ctrack_set_mask(d->ctrack, nc->fwmark_mask);
	if ((rc = dlink_reload(d, nc, old)) < 0)
		return rc;
	set_neigh_filter(d);
	rt_dump(d->rt, &d->obs);
	return 0;
}

int
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
	if ((rc = daemon_control_reload(d, nc, errf)) < 0) {
		conf_free(nc);
		sd_notify(0, "READY=1\nSTATUS=reload refused");
		return rc;
	}
	conf_assign_ids(nc, d->conf);
	if ((rc = switch_conf(d, nc, &old)) < 0) {
		daemon_control_reload(d, d->conf, NULL);
		conf_free(nc);
		sd_notify(0, "READY=1\nSTATUS=reload failed");
		return rc;
	}
	log_info("reload: %s: %u links", d->conf_path, d->conf->nlinks);
	if (reconcile(d) < 0) {
		/* valid but not applicable (a table of someone else's, a
		 * firewall the kernel refuses): back to what worked */
		log_warnx("reload: %s cannot be applied; rolling back to the "
		    "running configuration", d->conf_path);
		if (errf)
			fprintf(errf, "%s: cannot be applied (see the log); "
			    "rolled back\n", d->conf_path);
		if (switch_conf(d, old, &bad) == 0) {
			conf_free(bad);
			reconcile(d);
			daemon_control_reload(d, d->conf, NULL);
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

int
daemon_drain(struct daemon *d, const char *link, bool drained)
{
	unsigned int i;

	for (i = 0; i < d->conf->nlinks; i++)
		if (strcmp(d->conf->links[i].name, link) == 0) {
			dlink_set_drained(&d->links[i], drained);
			log_info("link %s: %s", link, drained ? "drained" :
			    "undrained");
			reconcile(d);
			return 0;
		}
	return -ENOENT;
}
