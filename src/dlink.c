/* SPDX-License-Identifier: ISC */
/*
 * Per-link run-time state: per address family a probe feeding a health
 * state machine, armed with a timer at the machine's next deadline; carrier
 * from netlink. A change of state goes up through the set's callbacks: a
 * change of health asks for a reconcile in the same loop turn; the daemon
 * tells watchers and hooks once the kernel has followed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "dlink.h"
#include "log.h"
#include "probe.h"

/* Now in unix milliseconds: when a family's state changed (watch events
 * carry it, so the tests time a cut to the daemon's own moment). */
static uint64_t
unix_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_REALTIME, &ts) < 0)
		return (uint64_t)time(NULL) * 1000;
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

char
dlink_famc(const struct dlink_fam *f)
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
	f->since_ms = unix_ms();
}

int
dlink_init_all(struct dlink_set *s, sd_event *ev, const struct conf *c,
    const struct dlink_cb *cb, void *ud)
{
	unsigned int i;

	s->ev = ev;
	s->cb = cb;
	s->ud = ud;
	s->n = 0;
	s->v = calloc(c->nlinks ? c->nlinks : 1, sizeof(*s->v));
	if (!s->v)
		return -ENOMEM;
	s->n = c->nlinks;
	for (i = 0; i < c->nlinks; i++) {
		struct dlink *l = &s->v[i];

		l->set = s;
		l->conf = &c->links[i];
		fam_init(l, &l->v4, AF_INET);
		fam_init(l, &l->v6, AF_INET6);
	}
	return 0;
}

void
dlink_fini_all(struct dlink_set *s)
{
	dlink_stop(s);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

void
dlink_plan_input(const struct dlink *l, struct plan_link_in *in)
{
	in->health4 = dlink_state(&l->v4);
	in->health6 = dlink_state(&l->v6);
	in->drained = l->drained;
	in->weight = !l->conf->weight_auto || !l->cap.started ? 0 :
	    l->cap.place ? l->cap.place : l->cap.weight;
}

/* The family's state moved from `from` (f->health holds the new one,
 * probing or not): record it and report it up. */
static void
fam_note(struct dlink_fam *f, enum health_state from, const char *reason)
{
	struct dlink *l = f->link;
	enum health_state to = dlink_state(f);

	if (from == to)
		return;
	f->since_ms = unix_ms();
	f->changes++;
	log_info("link %s: ipv%c %s -> %s (%s)", l->conf->name, dlink_famc(f),
	    health_state_name(from), health_state_name(to), reason);
	l->set->cb->changed(l->set->ud, f, from, reason);
}

bool
dlink_figures(const struct dlink_fam *f, struct health_figures *hf)
{
	if (!f->probe)
		return false;
	health_figures(&f->health, probe_now_ms(), hf);
	return true;
}

static void fam_arm(struct dlink_fam *f);

/* Let the machine look at the time; act on a change at once. */
static void
fam_tick(struct dlink_fam *f, uint64_t now_ms)
{
	enum health_state from = dlink_state(f);

	if (health_tick(&f->health, now_ms)) {
		fam_note(f, from, health_reason(&f->health));
		f->link->set->cb->urgent(f->link->set->ud);
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
	sd_event *e = f->link->set->ev;

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
	enum health_state from;
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
	/* the probe's first event comes from the loop, after health_init */
	f->probe = probe_new(l->set->ev, l->conf->name, l->conf->ifname,
	    f->family, src, pl->mark, cp->targets, cp->ntargets, cp->rate_pps,
	    cp->size, probe_cb, f);
	if (!f->probe) {
		log_warn("link %s: ipv%c probes", l->conf->name, dlink_famc(f));
		return;
	}
	f->src = *src;
	from = dlink_state(f);
	health_init(&f->health, cp, f->ntargets, probe_now_ms());
	fam_note(f, from, "probing started");
	if (health_carrier(&f->health, l->carrier, probe_now_ms()))
		fam_note(f, HEALTH_UNKNOWN, health_reason(&f->health));
	fam_arm(f);
}

/* Carrier as the kernel reports it: its loss takes a link down at once,
 * without waiting for probes. */
void
dlink_observe(struct dlink_set *s, const struct kstate *obs)
{
	unsigned int i;

	for (i = 0; i < s->n; i++) {
		struct dlink *l = &s->v[i];
		const struct klink *kl = kobj_link_by_name(obs,
		    l->conf->ifname);
		bool carrier = kl && kl->carrier && (kl->flags & IFF_UP);
		struct dlink_fam *fams[2] = { &l->v4, &l->v6 };
		unsigned int j;

		if (carrier == l->carrier)
			continue;
		l->carrier = carrier;
		for (j = 0; j < 2; j++) {
			struct dlink_fam *f = fams[j];
			enum health_state from = dlink_state(f);

			if (f->probe) {
				if (health_carrier(&f->health, carrier,
				    probe_now_ms()))
					fam_note(f, from,
					    health_reason(&f->health));
				fam_arm(f);
			} else if (!carrier && from != HEALTH_UNKNOWN &&
			    health_set(&f->health, HEALTH_DOWN, kl ?
			    "carrier lost" : "interface gone",
			    probe_now_ms())) {
				fam_note(f, from, health_reason(&f->health));
			}
		}
	}
}

void
dlink_stop(struct dlink_set *s)
{
	unsigned int i;

	for (i = 0; i < s->n; i++) {
		fam_stop(&s->v[i].v4);
		fam_stop(&s->v[i].v6);
	}
}

static void
after_plan_fam(struct dlink_fam *f, const struct plan_link *pl,
    const struct plan_family *pf)
{
	enum health_state from = dlink_state(f);

	if (pf->usable)
		fam_probe(f, pl, &pf->own_addr);
	else if (f->probe) {
		fam_stop(f);
		if (f->link->carrier && health_set(&f->health, HEALTH_DOWN,
		    "no usable address or gateway", probe_now_ms()))
			fam_note(f, from, health_reason(&f->health));
	}
}

void
dlink_after_plan(struct dlink_set *s, const struct plan *p)
{
	unsigned int i;

	for (i = 0; i < p->nlinks && i < s->n; i++) {
		after_plan_fam(&s->v[i].v4, &p->links[i], &p->links[i].v4);
		after_plan_fam(&s->v[i].v6, &p->links[i], &p->links[i].v6);
	}
}

/* A family in use: probing, or judged once. */
static bool
fam_in_use(const struct dlink_fam *f)
{
	return f->probe != NULL || dlink_state(f) != HEALTH_UNKNOWN;
}

unsigned int
dlink_states(const struct dlink_set *s, enum health_state *st)
{
	unsigned int i, n = 0;

	for (i = 0; i < s->n; i++) {
		if (fam_in_use(&s->v[i].v4))
			st[n++] = dlink_state(&s->v[i].v4);
		if (fam_in_use(&s->v[i].v6))
			st[n++] = dlink_state(&s->v[i].v6);
	}
	return n;
}

/* The new link l takes over what it can of its namesake o: all of it
 * when it probes the same way, else its states and drain flag. */
static bool
take_over(struct dlink *l, const struct dlink *o)
{
	const struct conf_link *nc = l->conf, *oc = o->conf;

	if (strcmp(oc->ifname, nc->ifname) == 0 &&
	    memcmp(&oc->probe, &nc->probe, sizeof(oc->probe)) == 0) {
		*l = *o;
		l->conf = nc;
		return true;
	}
	l->v4.health = o->v4.health;	/* the state, not probing */
	l->v6.health = o->v6.health;
	l->drained = o->drained;
	return false;
}

/* The probes' and timers' callbacks point at the families: re-point them
 * after l moved. */
static void
repoint(struct dlink *l)
{
	struct dlink_fam *fams[2] = { &l->v4, &l->v6 };
	unsigned int j;

	l->v4.link = l->v6.link = l;
	for (j = 0; j < 2; j++) {
		struct dlink_fam *f = fams[j];

		if (!f->probe)
			continue;
		probe_set_userdata(f->probe, f);
		if (f->timer)
			sd_event_source_set_userdata(f->timer, f);
	}
}

int
dlink_reload(struct dlink_set *s, const struct conf *nc)
{
	struct dlink *nl;
	bool *kept;
	unsigned int i, j;

	nl = calloc(nc->nlinks ? nc->nlinks : 1, sizeof(*nl));
	kept = calloc(s->n ? s->n : 1, sizeof(*kept));
	if (!nl || !kept) {
		free(nl);
		free(kept);
		return -ENOMEM;
	}
	for (i = 0; i < nc->nlinks; i++) {
		struct dlink *l = &nl[i];

		l->set = s;
		l->conf = &nc->links[i];
		fam_init(l, &l->v4, AF_INET);
		fam_init(l, &l->v6, AF_INET6);
		for (j = 0; j < s->n; j++)
			if (strcmp(s->v[j].conf->name, l->conf->name) == 0) {
				kept[j] = take_over(l, &s->v[j]);
				break;
			}
	}
	for (j = 0; j < s->n; j++)
		if (!kept[j]) {
			fam_stop(&s->v[j].v4);
			fam_stop(&s->v[j].v6);
		}
	for (i = 0; i < nc->nlinks; i++)
		repoint(&nl[i]);
	free(kept);
	free(s->v);
	s->v = nl;
	s->n = nc->nlinks;
	return 0;
}

struct dlink *
dlink_by_name(struct dlink_set *s, const char *name)
{
	unsigned int i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->v[i].conf->name, name) == 0)
			return &s->v[i];
	return NULL;
}

void
dlink_traffic_down(struct dlink *l, bool black_hole, const char *why)
{
	struct dlink_fam *fams[2] = { &l->v4, &l->v6 };
	uint64_t now_ms = probe_now_ms();
	enum health_state from;
	bool changed = false;
	unsigned int j;

	for (j = 0; j < 2; j++) {
		struct dlink_fam *f = fams[j];

		if (!f->probe)
			continue;
		if (now_ms < f->last_ms)
			now_ms = f->last_ms;
		f->last_ms = now_ms;
		from = dlink_state(f);
		if (health_traffic_down(&f->health, black_hole,
		    l->conf->probe.passive_hold_ms, now_ms, why)) {
			fam_note(f, from, health_reason(&f->health));
			changed = true;
		}
		fam_arm(f);
	}
	if (changed)
		l->set->cb->urgent(l->set->ud);
}
