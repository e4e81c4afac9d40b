/* SPDX-License-Identifier: ISC */
/*
 * Link health state machine: turns the probe windows of a link's targets,
 * its carrier and the time into UNKNOWN, UP, DEGRADED or DOWN, going down
 * within down_ms and coming back only after a damped hold. The rules are
 * documented in health.h. Pure: no clocks, no I/O.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "health.h"

#define MS(us)	((double)(us) / 1000.0)

static unsigned int
quorum(const struct health *h)
{
	return h->conf.reliability;
}

static bool
answering(const struct health *h, unsigned int i, uint64_t now_ms)
{
	const struct stats *s = &h->targets[i].stats;

	return s->has_reply && now_ms < s->last_reply_ms + h->conf.down_ms;
}

static unsigned int
nanswering(const struct health *h, uint64_t now_ms)
{
	unsigned int i, n = 0;

	for (i = 0; i < h->ntargets; i++)
		n += answering(h, i, now_ms);
	return n;
}

/* When fewer than the quorum will answer if no reply comes: the q-th
 * newest reply plus down_ms. 0 when fewer than q targets ever replied. */
static uint64_t
quorum_lost_at(const struct health *h)
{
	uint64_t newest[CONF_MAX_TARGETS], t;
	unsigned int i, j, n = 0;

	for (i = 0; i < h->ntargets; i++) {
		if (!h->targets[i].stats.has_reply)
			continue;
		t = h->targets[i].stats.last_reply_ms;
		for (j = n++; j > 0 && newest[j - 1] < t; j--)
			newest[j] = newest[j - 1];
		newest[j] = t;
	}
	if (n < quorum(h))
		return 0;
	return newest[quorum(h) - 1] + h->conf.down_ms;
}

static void
pool(const struct health *h, uint64_t now_ms, uint64_t since_ms,
    struct health_figures *hf)
{
	struct stats_figures f;
	const struct stats *s;
	unsigned int i;
	bool all;

	memset(hf, 0, sizeof(*hf));
	hf->ntargets = h->ntargets;
	hf->answering = nanswering(h, now_ms);
	all = hf->answering == 0;
	for (i = 0; i < h->ntargets; i++) {
		s = &h->targets[i].stats;
		if (s->has_reply && (!hf->has_reply ||
		    s->last_reply_ms > hf->last_reply_ms)) {
			hf->has_reply = true;
			hf->last_reply_ms = s->last_reply_ms;
			hf->last_rtt_us = s->last_rtt_us;
		}
		if (!all && !answering(h, i, now_ms))
			continue;
		stats_figures(s, since_ms, &f);
		stats_figures_add(&hf->f, &f);
		hf->loss_samples_min += s->window;
	}
	/* half the pooled window: a few early losses are no verdict */
	hf->loss_samples_min /= 2;
	if (hf->loss_samples_min < HEALTH_MIN_LOSS_SAMPLES)
		hf->loss_samples_min = HEALTH_MIN_LOSS_SAMPLES;
	stats_figures_finish(&hf->f);
}

/*
 * Whether f crosses latency lat_ms or loss loss_pct (0: not judged); the
 * crossing is written to why.
 */
static bool
crosses(const struct health_figures *hf, unsigned int lat_ms,
    unsigned int loss_pct, char *why, size_t len)
{
	const struct stats_figures *f = &hf->f;

	if (loss_pct && f->replied + f->lost >= hf->loss_samples_min &&
	    f->loss_pct >= loss_pct) {
		snprintf(why, len, "loss %u%% >= %u%%", f->loss_pct,
		    loss_pct);
		return true;
	}
	if (lat_ms && f->replied >= HEALTH_MIN_RTT_SAMPLES &&
	    f->rtt_avg_us >= (uint64_t)lat_ms * 1000) {
		snprintf(why, len, "rtt %.1f ms >= %u ms", MS(f->rtt_avg_us),
		    lat_ms);
		return true;
	}
	return false;
}

/* Below 80% of both degraded thresholds (hysteresis for leaving). */
static bool
good(const struct health *h, const struct health_figures *hf)
{
	const struct stats_figures *f = &hf->f;

	if (f->replied + f->lost >= hf->loss_samples_min &&
	    f->loss_pct * 5 >= h->conf.loss_degraded_pct * 4 &&
	    h->conf.loss_degraded_pct)
		return false;
	if (f->replied >= HEALTH_MIN_RTT_SAMPLES &&
	    (uint64_t)f->rtt_avg_us * 5 >=
	    (uint64_t)h->conf.latency_degraded_ms * 1000 * 4 &&
	    h->conf.latency_degraded_ms)
		return false;
	return true;
}

static void set_state(struct health *, enum health_state, uint64_t,
    const char *, ...) __attribute__((format(printf, 4, 5)));

static void
set_state(struct health *h, enum health_state s, uint64_t now_ms,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(h->reason, sizeof(h->reason), fmt, ap);
	va_end(ap);
	h->prev_state = h->state;
	h->state = s;
	h->since_ms = now_ms;
	h->bad = h->good = false;
	if (s != HEALTH_DOWN)
		h->cause = HEALTH_CAUSE_NONE;
}

static void
damp(struct health *h, uint64_t now_ms)
{
	uint64_t up_ms = now_ms - h->up_since_ms, periods;

	if (h->conf.hold_max_ms == 0)
		return;
	/* decay: halve for each full stable period */
	for (periods = up_ms / h->conf.hold_max_ms;
	    periods > 0 && h->hold_ms > h->conf.up_ms; periods--)
		h->hold_ms /= 2;
	if (h->hold_ms < h->conf.up_ms)
		h->hold_ms = h->conf.up_ms;
	if (h->up_from_down && up_ms < h->conf.hold_max_ms) {
		h->hold_ms *= 2;
		if (h->hold_ms > h->conf.hold_max_ms)
			h->hold_ms = h->conf.hold_max_ms;
		if (h->hold_ms < h->conf.up_ms)
			h->hold_ms = h->conf.up_ms;
	}
}

static void
go_down(struct health *h, uint64_t now_ms, enum health_cause cause,
    const char *why)
{
	enum health_state s = h->state;

	switch (s) {
	case HEALTH_UP:
	case HEALTH_DEGRADED:
		damp(h, now_ms);
		break;
	case HEALTH_UNKNOWN:
	case HEALTH_DOWN:
		break;
	}
	h->ndown++;
	h->run = false;
	h->bh_down = false;
	h->cause = cause;
	set_state(h, HEALTH_DOWN, now_ms, "%s", why);
}

/* The hold of the current DOWN: a black hole's is the longer one. */
static unsigned int
down_hold(const struct health *h)
{
	return h->bh_down && h->bh_hold_ms > h->hold_ms ? h->bh_hold_ms :
	    h->hold_ms;
}

static void
down_no_quorum(struct health *h, uint64_t now_ms)
{
	struct health_figures hf;
	char why[HEALTH_REASON_MAX];

	pool(h, now_ms, 0, &hf);
	if (hf.has_reply)
		snprintf(why, sizeof(why), "no reply from %u/%u targets for "
		    "%u ms; last rtt %.1f ms", h->ntargets - hf.answering,
		    h->ntargets, h->conf.down_ms, MS(hf.last_rtt_us));
	else
		snprintf(why, sizeof(why), "no reply from %u/%u targets for "
		    "%u ms", h->ntargets - hf.answering, h->ntargets,
		    h->conf.down_ms);
	go_down(h, now_ms, HEALTH_CAUSE_PROBES, why);
}

/* To UP, or DEGRADED when the figures since epoch_ms cross a threshold. */
static void
go_up(struct health *h, uint64_t now_ms, uint64_t epoch_ms, const char *how)
{
	struct health_figures hf;
	char why[HEALTH_REASON_MAX];
	bool bad;

	pool(h, now_ms, epoch_ms, &hf);
	bad = crosses(&hf, h->conf.latency_degraded_ms,
	    h->conf.loss_degraded_pct, why, sizeof(why));
	h->up_from_down = h->state == HEALTH_DOWN;
	h->up_since_ms = now_ms;
	h->run = true;
	h->run_since_ms = epoch_ms;
	if (bad)
		set_state(h, HEALTH_DEGRADED, now_ms, "%u/%u targets answering"
		    "%s; %s", hf.answering, h->ntargets, how, why);
	else
		set_state(h, HEALTH_UP, now_ms, "%u/%u targets answering%s; "
		    "rtt %.1f ms, loss %u%%", hf.answering, h->ntargets, how,
		    MS(hf.f.rtt_avg_us), hf.f.loss_pct);
}

bool
health_traffic_down(struct health *h, bool black_hole,
    unsigned int base_hold_ms, uint64_t now_ms, const char *why)
{
	uint64_t cap = (uint64_t)base_hold_ms * 16;
	enum health_state s = h->state;

	switch (s) {
	case HEALTH_UP:
	case HEALTH_DEGRADED:
		break;
	case HEALTH_UNKNOWN:
	case HEALTH_DOWN:
		return false;
	}
	if (black_hole) {
		/* again soon after coming back: twice as long */
		if (h->bh_hold_ms == 0 || !h->up_from_down ||
		    now_ms >= h->up_since_ms + 4 * (uint64_t)h->bh_hold_ms)
			h->bh_hold_ms = base_hold_ms;
		else if ((uint64_t)h->bh_hold_ms * 2 > cap)
			h->bh_hold_ms = cap;
		else
			h->bh_hold_ms *= 2;
	}
	go_down(h, now_ms, HEALTH_CAUSE_TRAFFIC, why);
	h->bh_down = black_hole;
	return true;
}

enum health_cause
health_cause(const struct health *h)
{
	return h->cause;
}

bool
health_on_probation(const struct health *h, uint64_t now_ms)
{
	return (h->state == HEALTH_UP || h->state == HEALTH_DEGRADED) &&
	    h->bh_down && now_ms < h->up_since_ms + h->bh_hold_ms;
}

const char *
health_cause_name(enum health_cause c)
{
	switch (c) {
	case HEALTH_CAUSE_NONE:
		return "";
	case HEALTH_CAUSE_PROBES:
		return "probes";
	case HEALTH_CAUSE_CARRIER:
		return "carrier";
	case HEALTH_CAUSE_TRAFFIC:
		return "traffic";
	}
	return "?";
}

static void
tick_unknown(struct health *h, uint64_t now_ms)
{
	if (nanswering(h, now_ms) >= quorum(h))
		go_up(h, now_ms, h->start_ms, "");
	else if (now_ms >= h->start_ms + h->conf.down_ms)
		down_no_quorum(h, now_ms);
}

static void
tick_down(struct health *h, uint64_t now_ms)
{
	struct health_figures hf;
	char how[48];

	if (!h->carrier || nanswering(h, now_ms) < quorum(h)) {
		h->run = false;
		return;
	}
	if (!h->run) {
		h->run = true;
		h->run_since_ms = now_ms;
	}
	if (now_ms < h->run_since_ms + down_hold(h))
		return;
	pool(h, now_ms, h->run_since_ms, &hf);
	if (h->conf.loss_down_pct && hf.f.loss_pct >= h->conf.loss_down_pct &&
	    hf.f.replied + hf.f.lost >= hf.loss_samples_min) {
		h->run_since_ms = now_ms;	/* too lossy: start again */
		return;
	}
	snprintf(how, sizeof(how), " for %u ms", down_hold(h));
	go_up(h, now_ms, h->run_since_ms, how);
}

static void
tick_quality(struct health *h, uint64_t now_ms)
{
	struct health_figures hf;
	char why[HEALTH_REASON_MAX];
	enum health_state s = h->state;

	pool(h, now_ms, h->run_since_ms, &hf);
	switch (s) {
	case HEALTH_UP:
		if (crosses(&hf, h->conf.latency_down_ms,
		    h->conf.loss_down_pct, why, sizeof(why))) {
			set_state(h, HEALTH_DEGRADED, now_ms, "%s", why);
			break;
		}
		if (!crosses(&hf, h->conf.latency_degraded_ms,
		    h->conf.loss_degraded_pct, why, sizeof(why))) {
			h->bad = false;
			break;
		}
		if (!h->bad) {
			h->bad = true;
			h->bad_since_ms = now_ms;
		}
		if (now_ms >= h->bad_since_ms + h->persist_ms)
			set_state(h, HEALTH_DEGRADED, now_ms, "%s for %u ms",
			    why, h->persist_ms);
		break;
	case HEALTH_DEGRADED:
		if (!good(h, &hf)) {
			h->good = false;
			break;
		}
		if (!h->good) {
			h->good = true;
			h->good_since_ms = now_ms;
		}
		if (now_ms >= h->good_since_ms + h->conf.up_ms)
			set_state(h, HEALTH_UP, now_ms, "rtt %.1f ms, loss %u%% "
			    "below %u ms, %u%% for %u ms",
			    MS(hf.f.rtt_avg_us), hf.f.loss_pct,
			    h->conf.latency_degraded_ms * 4 / 5,
			    h->conf.loss_degraded_pct * 4 / 5, h->conf.up_ms);
		break;
	case HEALTH_UNKNOWN:
	case HEALTH_DOWN:
		break;
	}
}

void
health_init(struct health *h, const struct conf_probe *p,
    unsigned int ntargets, uint64_t now_ms)
{
	unsigned int i;

	uint64_t span;

	memset(h, 0, sizeof(*h));
	h->conf = *p;
	if (ntargets > CONF_MAX_TARGETS)
		ntargets = CONF_MAX_TARGETS;
	h->ntargets = ntargets;
	if (h->conf.reliability < 1)
		h->conf.reliability = 1;
	if (ntargets && h->conf.reliability > ntargets)
		h->conf.reliability = ntargets;
	for (i = 0; i < ntargets; i++)
		stats_init(&h->targets[i].stats, p->window, p->timeout_ms);
	h->state = h->prev_state = HEALTH_UNKNOWN;
	h->since_ms = h->start_ms = now_ms;
	h->carrier = true;
	h->hold_ms = p->up_ms;
	/* the time one window's worth of fresh probes takes */
	span = p->rate_pps ? (uint64_t)h->targets[0].stats.window * ntargets *
	    1000 / p->rate_pps : 0;
	h->persist_ms = span > p->up_ms ? span : p->up_ms;
}

bool
health_carrier(struct health *h, bool up, uint64_t now_ms)
{
	enum health_state old = h->state;

	h->carrier = up;
	if (!up && h->state != HEALTH_DOWN)
		go_down(h, now_ms, HEALTH_CAUSE_CARRIER, "carrier lost");
	if (!up)
		h->run = false;
	return h->state != old;
}

void
health_probe_sent(struct health *h, unsigned int target, uint16_t seq,
    uint64_t now_ms)
{
	if (target < h->ntargets)
		stats_sent(&h->targets[target].stats, seq, now_ms);
}

enum stats_reply
health_probe_reply(struct health *h, unsigned int target, uint16_t seq,
    uint32_t rtt_us, uint64_t now_ms)
{
	if (target >= h->ntargets)
		return STATS_REPLY_UNKNOWN;
	return stats_reply(&h->targets[target].stats, seq, rtt_us, now_ms);
}

bool
health_tick(struct health *h, uint64_t now_ms)
{
	enum health_state old = h->state, s;
	unsigned int i;

	for (i = 0; i < h->ntargets; i++)
		stats_expire(&h->targets[i].stats, now_ms);
	if (!h->carrier) {
		if (h->state != HEALTH_DOWN)
			go_down(h, now_ms, HEALTH_CAUSE_CARRIER, "carrier lost");
		return h->state != old;
	}
	s = h->state;
	switch (s) {
	case HEALTH_UNKNOWN:
		tick_unknown(h, now_ms);
		break;
	case HEALTH_UP:
	case HEALTH_DEGRADED:
		if (nanswering(h, now_ms) < quorum(h))
			down_no_quorum(h, now_ms);
		else
			tick_quality(h, now_ms);
		break;
	case HEALTH_DOWN:
		tick_down(h, now_ms);
		break;
	}
	return h->state != old;
}

static void
earliest(uint64_t *t, uint64_t at)
{
	if (at < *t)
		*t = at;
}

uint64_t
health_next_deadline_ms(const struct health *h)
{
	uint64_t t = UINT64_MAX, q = quorum_lost_at(h);
	unsigned int i;
	enum health_state s = h->state;

	for (i = 0; i < h->ntargets; i++)
		earliest(&t, stats_next_expiry_ms(&h->targets[i].stats));
	switch (s) {
	case HEALTH_UNKNOWN:
		earliest(&t, h->start_ms + h->conf.down_ms);
		break;
	case HEALTH_UP:
	case HEALTH_DEGRADED:
		if (q)
			earliest(&t, q);
		if (h->bad)
			earliest(&t, h->bad_since_ms + h->persist_ms);
		if (h->good)
			earliest(&t, h->good_since_ms + h->conf.up_ms);
		break;
	case HEALTH_DOWN:
		if (h->carrier && h->run) {
			if (q)
				earliest(&t, q);
			earliest(&t, h->run_since_ms + down_hold(h));
		}
		break;
	}
	return t;
}

enum health_state
health_state(const struct health *h)
{
	return h->state;
}

enum health_state
health_prev_state(const struct health *h)
{
	return h->prev_state;
}

bool
health_set(struct health *h, enum health_state s, const char *why,
    uint64_t now_ms)
{
	if (h->state == s)
		return false;
	h->run = false;
	set_state(h, s, now_ms, "%s", why);
	/* the overrides are the interface's: carrier, the interface, its
	 * address or gateway */
	if (s == HEALTH_DOWN)
		h->cause = HEALTH_CAUSE_CARRIER;
	return true;
}

const char *
health_reason(const struct health *h)
{
	return h->reason;
}

unsigned int
health_hold_ms(const struct health *h)
{
	return h->hold_ms;
}

void
health_figures(const struct health *h, uint64_t now_ms,
    struct health_figures *f)
{
	pool(h, now_ms, 0, f);
}

int
health_target_figures(const struct health *h, unsigned int target,
    struct stats_figures *f)
{
	if (target >= h->ntargets)
		return -EINVAL;
	stats_figures(&h->targets[target].stats, 0, f);
	return 0;
}

const struct stats *
health_target_stats(const struct health *h, unsigned int target)
{
	return target < h->ntargets ? &h->targets[target].stats : NULL;
}

const char *
health_state_name(enum health_state s)
{
	switch (s) {
	case HEALTH_UNKNOWN:
		return "unknown";
	case HEALTH_UP:
		return "up";
	case HEALTH_DEGRADED:
		return "degraded";
	case HEALTH_DOWN:
		return "down";
	}
	return "?";
}

bool
health_target_answering(const struct health *h, unsigned int target,
    uint64_t now_ms)
{
	return target < h->ntargets && answering(h, target, now_ms);
}
