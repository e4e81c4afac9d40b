/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of the link health state machine (health.c) with a simulated
 * link and a fake clock: probes go out round-robin over the targets at
 * rate_pps, each target answers after its rtt unless it is cut or a seeded
 * PRNG drops the probe. Time advances from event to event (send, reply,
 * health_next_deadline_ms), so the deadlines are tested too.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "health.h"
#include "testrng.h"
#include "testtable.h"

#define SIM_INFLIGHT	1024

struct sim_target {
	uint32_t rtt_us;
	unsigned int loss_pct;
	bool cut;
};

struct sim {
	struct health h;
	struct conf_probe p;
	uint64_t now_ms, next_send_ms;
	unsigned int next_target;
	uint16_t seq;
	struct {
		uint64_t at_ms;
		unsigned int target;
		uint16_t seq;
		uint32_t rtt_us;
	} inflight[SIM_INFLIGHT];
	unsigned int ninflight;
	struct sim_target t[CONF_MAX_TARGETS];
	uint64_t rng;
	uint64_t last_reply_ms;
	unsigned int ntrans[4];		/* transitions into each state */
	uint64_t last_trans_ms;
};

static void
defaults(struct conf_probe *p)
{
	memset(p, 0, sizeof(*p));
	p->ntargets = 3;
	p->rate_pps = 10;
	p->timeout_ms = 600;
	p->down_ms = 800;
	p->up_ms = 3000;
	p->reliability = 1;
	p->window = 20;
	p->latency_degraded_ms = 200;
	p->latency_down_ms = 500;
	p->loss_degraded_pct = 10;
	p->loss_down_pct = 20;
	p->hold_max_ms = 60000;
	p->size = 16;
}

static void
sim_init(struct sim *s, const struct conf_probe *p, uint32_t rtt_us,
    uint64_t seed)
{
	unsigned int i;

	memset(s, 0, sizeof(*s));
	s->p = *p;
	for (i = 0; i < p->ntargets; i++)
		s->t[i].rtt_us = rtt_us;
	s->rng = seed ? seed : 1;
	health_init(&s->h, p, p->ntargets, 0);
}

static unsigned int
rnd100(struct sim *s)
{
	return test_rnd100(&s->rng);
}

static void
sim_tick(struct sim *s)
{
	if (health_tick(&s->h, s->now_ms)) {
		s->ntrans[health_state(&s->h)]++;
		s->last_trans_ms = s->now_ms;
	}
}

static void
sim_send(struct sim *s)
{
	unsigned int k = s->next_target;
	struct sim_target *t = &s->t[k];

	s->seq++;
	health_probe_sent(&s->h, k, s->seq, s->now_ms);
	if (!t->cut && rnd100(s) >= t->loss_pct) {
		assert_true(s->ninflight < SIM_INFLIGHT);
		s->inflight[s->ninflight].at_ms = s->now_ms + t->rtt_us / 1000;
		s->inflight[s->ninflight].target = k;
		s->inflight[s->ninflight].seq = s->seq;
		s->inflight[s->ninflight].rtt_us = t->rtt_us;
		s->ninflight++;
	}
	s->next_target = (k + 1) % s->p.ntargets;
	s->next_send_ms = s->now_ms + 1000 / s->p.rate_pps;
}

/* Run events up to and including end_ms; stop early when the state
 * becomes stop (pass -1 for never). */
static void
sim_run(struct sim *s, uint64_t end_ms, int stop)
{
	uint64_t t, dl;
	unsigned int i;

	for (;;) {
		t = s->next_send_ms;
		for (i = 0; i < s->ninflight; i++)
			if (s->inflight[i].at_ms < t)
				t = s->inflight[i].at_ms;
		dl = health_next_deadline_ms(&s->h);
		if (dl < t)
			t = dl;
		if (t > end_ms) {
			s->now_ms = end_ms;
			sim_tick(s);
			return;
		}
		assert_true(t >= s->now_ms);
		s->now_ms = t;
		for (i = 0; i < s->ninflight; ) {
			if (s->inflight[i].at_ms != t) {
				i++;
				continue;
			}
			if (health_probe_reply(&s->h, s->inflight[i].target,
			    s->inflight[i].seq, s->inflight[i].rtt_us, t) ==
			    STATS_REPLY_OK)
				s->last_reply_ms = t;
			s->inflight[i] = s->inflight[--s->ninflight];
		}
		if (s->next_send_ms == t)
			sim_send(s);
		sim_tick(s);
		if (stop >= 0 && health_state(&s->h) == (enum health_state)stop)
			return;
	}
}

static void
cut_all(struct sim *s, bool cut)
{
	unsigned int i;

	for (i = 0; i < s->p.ntargets; i++)
		s->t[i].cut = cut;
}

/* --- detection time of a silent cut, table-driven --- */

struct cut_case {
	const char *name;
	unsigned int ntargets, rate_pps, reliability;
	uint32_t rtt_us;
	uint64_t max_detect_ms;		/* after the last reply */
	const char *reason;
};

static const struct cut_case cut_cases[] = {
	{ "cut: defaults, 3 targets, rtt 11.8 ms", 3, 10, 1, 11800, 1000,
	    "no reply from 3/3 targets for 800 ms; last rtt 11.8 ms" },
	{ "cut: 1 target", 1, 10, 1, 5000, 1000,
	    "no reply from 1/1 targets for 800 ms; last rtt 5.0 ms" },
	{ "cut: rtt 150 ms", 3, 10, 1, 150000, 1000,
	    "no reply from 3/3 targets for 800 ms; last rtt 150.0 ms" },
	{ "cut: reliability 3 of 3", 3, 10, 3, 20000, 1000,
	    "no reply from 1/3 targets for 800 ms; last rtt 20.0 ms" },
	{ "cut: 16 targets at 20 pps", 16, 20, 1, 1000, 1000,
	    "no reply from 16/16 targets for 800 ms; last rtt 1.0 ms" },
};

static void
test_cut(void **state)
{
	const struct cut_case *c = *state;
	struct conf_probe p;
	struct sim s;
	uint64_t cut_ms = 10003;

	defaults(&p);
	p.ntargets = c->ntargets;
	p.rate_pps = c->rate_pps;
	p.reliability = c->reliability;
	sim_init(&s, &p, c->rtt_us, 1);
	sim_run(&s, cut_ms, -1);
	assert_int_equal(health_state(&s.h), HEALTH_UP);
	assert_int_equal(s.ntrans[HEALTH_DOWN], 0);
	cut_all(&s, true);
	sim_run(&s, cut_ms + 5000, HEALTH_DOWN);
	assert_int_equal(health_state(&s.h), HEALTH_DOWN);
	assert_true(s.now_ms - s.last_reply_ms <= c->max_detect_ms);
	/* with quorum 1, not before down_ms after the newest reply */
	if (c->reliability == 1)
		assert_true(s.now_ms - s.last_reply_ms >= p.down_ms);
	assert_string_equal(health_reason(&s.h), c->reason);
	assert_int_equal(health_prev_state(&s.h), HEALTH_UP);
	assert_int_equal(health_cause(&s.h), HEALTH_CAUSE_PROBES);
}

/* --- start-up --- */

static void
test_start_up_fast(void **state)
{
	struct conf_probe p;
	struct sim s;

	(void)state;
	defaults(&p);
	sim_init(&s, &p, 10000, 1);
	sim_run(&s, 5000, HEALTH_UP);
	/* first probe at 0, its reply after 10 ms: up at once */
	assert_int_equal(s.now_ms, 10);
	assert_int_equal(s.ntrans[HEALTH_DOWN], 0);
	assert_string_equal(health_reason(&s.h),
	    "1/3 targets answering; rtt 10.0 ms, loss 0%");
}

static void
test_start_down(void **state)
{
	struct conf_probe p;
	struct sim s;

	(void)state;
	defaults(&p);
	sim_init(&s, &p, 10000, 1);
	cut_all(&s, true);
	sim_run(&s, 5000, HEALTH_DOWN);
	assert_int_equal(s.now_ms, p.down_ms);
	assert_int_equal(health_prev_state(&s.h), HEALTH_UNKNOWN);
	assert_string_equal(health_reason(&s.h),
	    "no reply from 3/3 targets for 800 ms");
	/* hold_ms is not doubled by a down from UNKNOWN */
	assert_int_equal(health_hold_ms(&s.h), p.up_ms);
}

/* --- carrier --- */

static void
test_carrier(void **state)
{
	struct conf_probe p;
	struct sim s;

	(void)state;
	defaults(&p);
	sim_init(&s, &p, 10000, 1);
	sim_run(&s, 5000, -1);
	assert_int_equal(health_state(&s.h), HEALTH_UP);
	assert_true(health_carrier(&s.h, false, 5000));
	assert_int_equal(health_state(&s.h), HEALTH_DOWN);
	assert_string_equal(health_reason(&s.h), "carrier lost");
	/* replies still arrive (in flight) but carrier is down: stays down */
	sim_run(&s, 9000, -1);
	assert_int_equal(health_state(&s.h), HEALTH_DOWN);
	assert_false(health_carrier(&s.h, false, 9000));
	/* carrier back: up only after the hold */
	assert_false(health_carrier(&s.h, true, 9000));
	sim_run(&s, 20000, HEALTH_UP);
	assert_int_equal(health_state(&s.h), HEALTH_UP);
	assert_true(s.now_ms >= 9000 + p.up_ms);
	assert_true(s.now_ms <= 9000 + p.up_ms + 200);
}

/* --- recovery after up_ms --- */

static void
test_recovery(void **state)
{
	struct conf_probe p;
	struct sim s;
	uint64_t heal_ms;

	(void)state;
	defaults(&p);
	sim_init(&s, &p, 10000, 1);
	sim_run(&s, 10000, -1);
	cut_all(&s, true);
	sim_run(&s, 12000, -1);
	assert_int_equal(health_state(&s.h), HEALTH_DOWN);
	heal_ms = s.now_ms;
	cut_all(&s, false);
	sim_run(&s, heal_ms + p.up_ms - 1, -1);
	assert_int_equal(health_state(&s.h), HEALTH_DOWN);
	sim_run(&s, heal_ms + 10000, HEALTH_UP);
	assert_int_equal(health_state(&s.h), HEALTH_UP);
	/* the run starts at the first reply: <= one interval + rtt */
	assert_true(s.now_ms <= heal_ms + p.up_ms + 100 + 10);
	assert_string_equal(health_reason(&s.h),
	    "3/3 targets answering for 3000 ms; rtt 10.0 ms, loss 0%");
}

/* A partial outage during the hold restarts it. */
static void
test_recovery_interrupted(void **state)
{
	struct conf_probe p;
	struct sim s;

	(void)state;
	defaults(&p);
	sim_init(&s, &p, 10000, 1);
	sim_run(&s, 5000, -1);
	cut_all(&s, true);
	sim_run(&s, 7000, -1);
	cut_all(&s, false);
	sim_run(&s, 9000, -1);
	cut_all(&s, true);		/* 1 s silence during the hold */
	sim_run(&s, 10000, -1);
	cut_all(&s, false);
	sim_run(&s, 12900, -1);
	assert_int_equal(health_state(&s.h), HEALTH_DOWN);
	sim_run(&s, 20000, HEALTH_UP);
	assert_true(s.now_ms >= 13000);
}

/* --- flap damping --- */

static void
test_damping(void **state)
{
	static const unsigned int want[] = { 3000, 6000, 12000, 24000, 48000,
	    60000, 60000 };
	struct conf_probe p;
	struct sim s;
	unsigned int i;
	uint64_t heal_ms;

	(void)state;
	defaults(&p);
	sim_init(&s, &p, 10000, 1);
	sim_run(&s, 5000, -1);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		assert_int_equal(health_state(&s.h), HEALTH_UP);
		cut_all(&s, true);
		sim_run(&s, s.now_ms + 2000, HEALTH_DOWN);
		assert_int_equal(health_state(&s.h), HEALTH_DOWN);
		assert_int_equal(health_hold_ms(&s.h), want[i]);
		cut_all(&s, false);
		heal_ms = s.now_ms;
		sim_run(&s, heal_ms + want[i] + 1000, HEALTH_UP);
		assert_int_equal(health_state(&s.h), HEALTH_UP);
		assert_true(s.now_ms >= heal_ms + want[i]);
		sim_run(&s, s.now_ms + 1000, -1);	/* short up: a flap */
	}
	/* stable for two damping periods: 60 s -> 15 s; the down then is
	 * not a flap (up >= hold_max_ms), so no doubling */
	sim_run(&s, s.now_ms + 2 * p.hold_max_ms, -1);
	cut_all(&s, true);
	sim_run(&s, s.now_ms + 2000, HEALTH_DOWN);
	assert_int_equal(health_hold_ms(&s.h), 15000);
	assert_int_equal(s.ntrans[HEALTH_DOWN], 8);
}

/* --- reliability quorum --- */

struct quorum_case {
	const char *name;
	unsigned int reliability;
	bool cut[3];
	enum health_state want;
};

static const struct quorum_case quorum_cases[] = {
	{ "quorum: 1 of 3, 2 cut", 1, { true, true, false }, HEALTH_UP },
	{ "quorum: 2 of 3, 1 cut", 2, { true, false, false }, HEALTH_UP },
	{ "quorum: 2 of 3, 2 cut", 2, { true, false, true }, HEALTH_DOWN },
	{ "quorum: 3 of 3, 1 cut", 3, { false, true, false }, HEALTH_DOWN },
	{ "quorum: 5 of 3 clamps to 3", 5, { false, false, false },
	    HEALTH_UP },
};

static void
test_quorum(void **state)
{
	const struct quorum_case *c = *state;
	struct conf_probe p;
	struct sim s;
	unsigned int i;

	defaults(&p);
	p.reliability = c->reliability;
	sim_init(&s, &p, 10000, 1);
	sim_run(&s, 5000, -1);
	assert_int_equal(health_state(&s.h), HEALTH_UP);
	for (i = 0; i < 3; i++)
		s.t[i].cut = c->cut[i];
	sim_run(&s, 30000, -1);
	assert_int_equal(health_state(&s.h), c->want);
	if (c->want == HEALTH_UP) {
		/* a dead target does not count against the link's quality */
		assert_int_equal(s.ntrans[HEALTH_DEGRADED], 0);
		assert_int_equal(s.ntrans[HEALTH_DOWN], 0);
	}
}

/* --- random loss --- */

static void
test_loss_5pct(void **state)
{
	struct conf_probe p;
	struct sim s;
	uint64_t seed;
	unsigned int ndegraded = 0;

	(void)state;
	defaults(&p);
	for (seed = 1; seed <= 10; seed++) {
		sim_init(&s, &p, 15000, seed * 7919);
		s.t[0].loss_pct = s.t[1].loss_pct = s.t[2].loss_pct = 5;
		sim_run(&s, 60000, -1);
		assert_int_equal(s.ntrans[HEALTH_DOWN], 0);
		/* 60 probes per window: 5% loss reads >= 10% now and then,
		 * but rarely for a whole window's span */
		ndegraded += s.ntrans[HEALTH_DEGRADED];
		assert_int_not_equal(health_state(&s.h), HEALTH_DOWN);
	}
	assert_true(ndegraded <= 1);
}

static void
test_loss_40pct(void **state)
{
	struct conf_probe p;
	struct sim s;
	uint64_t seed;
	enum health_state st;

	(void)state;
	defaults(&p);
	for (seed = 1; seed <= 10; seed++) {
		sim_init(&s, &p, 15000, seed * 7919);
		sim_run(&s, 5000, -1);
		assert_int_equal(health_state(&s.h), HEALTH_UP);
		s.t[0].loss_pct = s.t[1].loss_pct = s.t[2].loss_pct = 40;
		sim_run(&s, 65000, -1);
		st = health_state(&s.h);
		assert_true(st == HEALTH_DEGRADED || st == HEALTH_DOWN);
		assert_true(s.ntrans[HEALTH_DEGRADED] +
		    s.ntrans[HEALTH_DOWN] > 0);
	}
}

/* --- latency thresholds with hysteresis --- */

struct lat_step {
	uint32_t rtt_us;
	uint64_t run_ms;
	enum health_state want;
};

struct lat_case {
	const char *name;
	unsigned int window;
	struct lat_step steps[8];
};

static const struct lat_case lat_cases[] = {
	{ "latency: mild crossing must persist a window span", 20, {
		{ 10000, 5000, HEALTH_UP },
		{ 250000, 2000, HEALTH_UP },	/* avg still < 200 ms */
		{ 250000, 7000, HEALTH_UP },	/* crossed, < 6 s ago */
		{ 250000, 3000, HEALTH_DEGRADED },
		{ 180000, 10000, HEALTH_DEGRADED },	/* hysteresis */
		{ 100000, 10000, HEALTH_UP },
		{ 0, 0, HEALTH_UNKNOWN } } },
	/* window 4 per target: the average follows within ~1.2 s, so the
	 * severe threshold is crossed well before the mild one has
	 * persisted for up_ms */
	{ "latency: severe crossing is immediate", 4, {
		{ 10000, 5000, HEALTH_UP },
		{ 550000, 2500, HEALTH_DEGRADED },
		{ 550000, 10000, HEALTH_DEGRADED },	/* never down */
		{ 10000, 2500, HEALTH_DEGRADED },	/* hold */
		{ 10000, 5000, HEALTH_UP },
		{ 0, 0, HEALTH_UNKNOWN } } },
	{ "latency: oscillating around 200 ms stays degraded", 20, {
		{ 10000, 5000, HEALTH_UP },
		{ 260000, 12000, HEALTH_DEGRADED },
		{ 190000, 2000, HEALTH_DEGRADED },
		{ 210000, 2000, HEALTH_DEGRADED },
		{ 190000, 2000, HEALTH_DEGRADED },
		{ 0, 0, HEALTH_UNKNOWN } } },
};

static void
test_latency(void **state)
{
	const struct lat_case *c = *state;
	const struct lat_step *st;
	struct conf_probe p;
	struct sim s;
	unsigned int i;

	defaults(&p);
	p.window = c->window;
	sim_init(&s, &p, 10000, 1);
	for (st = c->steps; st->run_ms; st++) {
		for (i = 0; i < 3; i++)
			s.t[i].rtt_us = st->rtt_us;
		sim_run(&s, s.now_ms + st->run_ms, -1);
		assert_int_equal(health_state(&s.h), st->want);
	}
	assert_int_equal(s.ntrans[HEALTH_DOWN], 0);
}

/* --- late replies --- */

static void
test_late_replies(void **state)
{
	struct conf_probe p;
	struct sim s;
	struct stats_figures f;

	(void)state;
	defaults(&p);
	sim_init(&s, &p, 700000, 1);	/* every reply after timeout_ms */
	sim_run(&s, 10000, -1);
	assert_int_equal(health_state(&s.h), HEALTH_DOWN);
	assert_int_equal(s.ntrans[HEALTH_UP], 0);
	assert_int_equal(health_target_figures(&s.h, 0, &f), 0);
	assert_int_equal(f.replied, 0);
	assert_int_equal(f.loss_pct, 100);
	assert_true(health_target_stats(&s.h, 0)->nlate > 0);
	assert_int_equal(health_target_figures(&s.h, 3, &f), -EINVAL);
}

static void
test_figures(void **state)
{
	struct conf_probe p;
	struct sim s;
	struct health_figures hf;

	(void)state;
	defaults(&p);
	sim_init(&s, &p, 10000, 1);
	s.t[1].rtt_us = 20000;
	s.t[2].rtt_us = 30000;
	sim_run(&s, 10050, -1);		/* nothing pending */
	health_figures(&s.h, s.now_ms, &hf);
	assert_int_equal(hf.answering, 3);
	assert_int_equal(hf.ntargets, 3);
	assert_int_equal(hf.f.rtt_avg_us, 20000);
	assert_int_equal(hf.f.jitter_us, 8164);	/* sd of 10, 20, 30 ms, floor */
	assert_int_equal(hf.f.loss_pct, 0);
}

static void
test_state_names(void **state)
{
	(void)state;
	assert_string_equal(health_state_name(HEALTH_UNKNOWN), "unknown");
	assert_string_equal(health_state_name(HEALTH_UP), "up");
	assert_string_equal(health_state_name(HEALTH_DEGRADED), "degraded");
	assert_string_equal(health_state_name(HEALTH_DOWN), "down");
}


/* --- traffic overrides --- */

/* A link answering probes but black-holing its traffic: down at once with
 * cause traffic, back only after the black-hole hold, which doubles when
 * it black-holes again soon after coming back. */
static void
test_traffic_black_hole(void **state)
{
	struct conf_probe p;
	struct sim s;
	uint64_t t0;
	unsigned int i, holds[] = { 30000, 60000, 120000, 240000, 480000,
	    480000 };

	(void)state;
	defaults(&p);
	sim_init(&s, &p, 10000, 1);
	sim_run(&s, 5000, -1);
	assert_int_equal(health_state(&s.h), HEALTH_UP);
	assert_int_equal(health_cause(&s.h), HEALTH_CAUSE_NONE);
	for (i = 0; i < sizeof(holds) / sizeof(holds[0]); i++) {
		t0 = s.now_ms;
		assert_true(health_traffic_down(&s.h, true, 30000, t0,
		    "8/8 new connections unanswered"));
		assert_int_equal(health_state(&s.h), HEALTH_DOWN);
		assert_int_equal(health_cause(&s.h), HEALTH_CAUSE_TRAFFIC);
		assert_string_equal(health_cause_name(health_cause(&s.h)),
		    "traffic");
		assert_string_equal(health_reason(&s.h),
		    "8/8 new connections unanswered");
		/* already down: nothing more */
		assert_false(health_traffic_down(&s.h, true, 30000, t0, "x"));
		/* probes answer all along: not back before the hold */
		sim_run(&s, t0 + holds[i] - 1, -1);
		assert_int_equal(health_state(&s.h), HEALTH_DOWN);
		sim_run(&s, t0 + holds[i] + 1000, HEALTH_UP);
		assert_int_equal(health_state(&s.h), HEALTH_UP);
		assert_int_equal(health_cause(&s.h), HEALTH_CAUSE_NONE);
		/* back from a black hole: on probation for the hold */
		assert_true(health_on_probation(&s.h, s.now_ms));
		assert_false(health_on_probation(&s.h, s.now_ms +
		    holds[i]));
		sim_run(&s, s.now_ms + 2000, -1);
	}
	/* up for long enough: the hold starts again from the base */
	sim_run(&s, s.now_ms + 4 * 480000, -1);
	t0 = s.now_ms;
	assert_true(health_traffic_down(&s.h, true, 30000, t0, "again"));
	sim_run(&s, t0 + 30000 - 1, -1);
	assert_int_equal(health_state(&s.h), HEALTH_DOWN);
	sim_run(&s, t0 + 31000, HEALTH_UP);
	assert_int_equal(health_state(&s.h), HEALTH_UP);
}

/* A silent cut seen in the traffic: down at once, with the probes' own
 * damped hold (not the black-hole one); the probes then fail too, and
 * the cause stays traffic. */
static void
test_traffic_fast(void **state)
{
	struct conf_probe p;
	struct sim s;
	uint64_t t0;

	(void)state;
	defaults(&p);
	sim_init(&s, &p, 10000, 1);
	sim_run(&s, 5000, -1);
	t0 = s.now_ms;
	assert_true(health_traffic_down(&s.h, false, 30000, t0,
	    "rx silent for 200 ms"));
	assert_int_equal(health_cause(&s.h), HEALTH_CAUSE_TRAFFIC);
	cut_all(&s, true);
	sim_run(&s, t0 + 3000, -1);
	assert_int_equal(health_state(&s.h), HEALTH_DOWN);
	assert_int_equal(health_cause(&s.h), HEALTH_CAUSE_TRAFFIC);
	assert_int_equal(s.ntrans[HEALTH_DOWN], 0);	/* no second down */
	cut_all(&s, false);
	t0 = s.now_ms;
	sim_run(&s, t0 + 20000, HEALTH_UP);
	/* the first down after a start from UNKNOWN: hold up_ms */
	assert_true(s.now_ms <= t0 + p.up_ms + 200);
	/* no black hole: no probation */
	assert_false(health_on_probation(&s.h, s.now_ms));
	/* probe downs and carrier losses carry their own causes */
	assert_true(health_carrier(&s.h, false, s.now_ms));
	assert_int_equal(health_cause(&s.h), HEALTH_CAUSE_CARRIER);
	assert_false(health_traffic_down(&s.h, true, 30000, s.now_ms, "x"));
	assert_int_equal(health_cause(&s.h), HEALTH_CAUSE_CARRIER);
}

int
main(void)
{
	struct CMUnitTest t[64];
	size_t n = 0;

	TABLE(t, n, cut_cases, test_cut);
	TABLE(t, n, quorum_cases, test_quorum);
	TABLE(t, n, lat_cases, test_latency);
	t[n++] = (struct CMUnitTest)cmocka_unit_test(test_start_up_fast);
	t[n++] = (struct CMUnitTest)cmocka_unit_test(test_start_down);
	t[n++] = (struct CMUnitTest)cmocka_unit_test(test_carrier);
	t[n++] = (struct CMUnitTest)cmocka_unit_test(test_recovery);
	t[n++] = (struct CMUnitTest)
	    cmocka_unit_test(test_recovery_interrupted);
	t[n++] = (struct CMUnitTest)cmocka_unit_test(test_damping);
	t[n++] = (struct CMUnitTest)cmocka_unit_test(test_loss_5pct);
	t[n++] = (struct CMUnitTest)cmocka_unit_test(test_loss_40pct);
	t[n++] = (struct CMUnitTest)cmocka_unit_test(test_late_replies);
	t[n++] = (struct CMUnitTest)cmocka_unit_test(test_figures);
	t[n++] = (struct CMUnitTest)cmocka_unit_test(test_state_names);
	t[n++] = (struct CMUnitTest)cmocka_unit_test(test_traffic_black_hole);
	t[n++] = (struct CMUnitTest)cmocka_unit_test(test_traffic_fast);
	return _cmocka_run_group_tests("health", t, n, NULL, NULL);
}
