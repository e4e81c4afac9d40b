/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of the probe result window (stats.c): replies, losses only
 * after the timeout, late and duplicate replies ignored, rtt average,
 * jitter and loss figures, the window sliding, figures since a time.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "stats.h"

/* One step of a script: send seq, reply to seq with rtt, or expire. */
enum step_kind { SEND, REPLY, EXPIRE, END };

struct step {
	enum step_kind kind;
	uint64_t t_ms;
	uint16_t seq;
	uint32_t rtt_us;
	int want;		/* REPLY: enum stats_reply; EXPIRE: count */
};

struct stats_case {
	const char *name;
	unsigned int window, timeout_ms;
	struct step steps[24];
	unsigned int replied, lost, pending;
	uint32_t rtt_avg_us, jitter_us;
	unsigned int loss_pct, consecutive_lost;
};

static const struct stats_case cases[] = {
	{ "one reply", 20, 600, {
		{ SEND, 0, 1, 0, 0 }, { REPLY, 10, 1, 10000, STATS_REPLY_OK },
		{ END, 0, 0, 0, 0 } }, 1, 0, 0, 10000, 0, 0, 0 },
	{ "pending is not lost before timeout", 20, 600, {
		{ SEND, 0, 1, 0, 0 }, { EXPIRE, 600, 0, 0, 0 },
		{ END, 0, 0, 0, 0 } }, 0, 0, 1, 0, 0, 0, 0 },
	{ "lost after timeout", 20, 600, {
		{ SEND, 0, 1, 0, 0 }, { EXPIRE, 601, 0, 0, 1 },
		{ END, 0, 0, 0, 0 } }, 0, 1, 0, 0, 0, 100, 1 },
	{ "late reply after expiry ignored", 20, 600, {
		{ SEND, 0, 1, 0, 0 }, { EXPIRE, 700, 0, 0, 1 },
		{ REPLY, 710, 1, 710000, STATS_REPLY_LATE },
		{ END, 0, 0, 0, 0 } }, 0, 1, 0, 0, 0, 100, 1 },
	{ "late reply before expiry ignored", 20, 600, {
		{ SEND, 0, 1, 0, 0 },
		{ REPLY, 650, 1, 650000, STATS_REPLY_LATE },
		{ EXPIRE, 700, 0, 0, 0 },
		{ END, 0, 0, 0, 0 } }, 0, 1, 0, 0, 0, 100, 1 },
	{ "duplicate reply ignored", 20, 600, {
		{ SEND, 0, 7, 0, 0 }, { REPLY, 5, 7, 5000, STATS_REPLY_OK },
		{ REPLY, 6, 7, 6000, STATS_REPLY_DUP },
		{ END, 0, 0, 0, 0 } }, 1, 0, 0, 5000, 0, 0, 0 },
	{ "unknown seq ignored", 20, 600, {
		{ SEND, 0, 7, 0, 0 }, { REPLY, 5, 8, 5000, STATS_REPLY_UNKNOWN },
		{ END, 0, 0, 0, 0 } }, 0, 0, 1, 0, 0, 0, 0 },
	{ "average and jitter", 20, 600, {
		{ SEND, 0, 1, 0, 0 }, { REPLY, 10, 1, 10000, STATS_REPLY_OK },
		{ SEND, 100, 2, 0, 0 }, { REPLY, 120, 2, 20000, STATS_REPLY_OK },
		{ SEND, 200, 3, 0, 0 }, { REPLY, 230, 3, 30000, STATS_REPLY_OK },
		{ SEND, 300, 4, 0, 0 }, { REPLY, 340, 4, 40000, STATS_REPLY_OK },
		/* mean 25000, population sd sqrt(125e6) = 11180 */
		{ END, 0, 0, 0, 0 } }, 4, 0, 0, 25000, 11180, 0, 0 },
	{ "loss percent over completed only", 20, 600, {
		{ SEND, 0, 1, 0, 0 }, { REPLY, 10, 1, 10000, STATS_REPLY_OK },
		{ SEND, 100, 2, 0, 0 }, { SEND, 200, 3, 0, 0 },
		{ SEND, 300, 4, 0, 0 }, { REPLY, 310, 4, 10000, STATS_REPLY_OK },
		{ SEND, 900, 5, 0, 0 },
		{ EXPIRE, 850, 0, 0, 2 },
		{ END, 0, 0, 0, 0 } }, 2, 2, 1, 10000, 0, 50, 0 },
	{ "consecutive losses reset by reply", 20, 600, {
		{ SEND, 0, 1, 0, 0 }, { SEND, 100, 2, 0, 0 },
		{ SEND, 200, 3, 0, 0 }, { EXPIRE, 801, 0, 0, 3 },
		{ SEND, 900, 4, 0, 0 }, { REPLY, 910, 4, 10000, STATS_REPLY_OK },
		{ SEND, 1000, 5, 0, 0 }, { EXPIRE, 1601, 0, 0, 1 },
		{ END, 0, 0, 0, 0 } }, 1, 4, 0, 10000, 0, 80, 1 },
	{ "window slides: old losses forgotten", 3, 600, {
		{ SEND, 0, 1, 0, 0 }, { EXPIRE, 601, 0, 0, 1 },
		{ SEND, 700, 2, 0, 0 }, { REPLY, 710, 2, 10000, STATS_REPLY_OK },
		{ SEND, 800, 3, 0, 0 }, { REPLY, 810, 3, 10000, STATS_REPLY_OK },
		{ SEND, 900, 4, 0, 0 }, { REPLY, 910, 4, 10000, STATS_REPLY_OK },
		{ REPLY, 911, 1, 10000, STATS_REPLY_UNKNOWN },
		{ END, 0, 0, 0, 0 } }, 3, 0, 0, 10000, 0, 0, 0 },
	{ "pending pushed out of the window is lost", 2, 600, {
		{ SEND, 0, 1, 0, 0 }, { SEND, 100, 2, 0, 0 },
		{ SEND, 200, 3, 0, 0 }, { REPLY, 210, 3, 10000, STATS_REPLY_OK },
		{ END, 0, 0, 0, 0 } }, 1, 0, 1, 10000, 0, 0, 0 },
};

static void
run_case(void **state)
{
	const struct stats_case *c = *state;
	const struct step *st;
	struct stats s;
	struct stats_figures f;

	stats_init(&s, c->window, c->timeout_ms);
	for (st = c->steps; st->kind != END; st++) {
		switch (st->kind) {
		case SEND:
			stats_sent(&s, st->seq, st->t_ms);
			break;
		case REPLY:
			assert_int_equal(stats_reply(&s, st->seq, st->rtt_us,
			    st->t_ms), st->want);
			break;
		case EXPIRE:
			assert_int_equal(stats_expire(&s, st->t_ms), st->want);
			break;
		case END:
			break;
		}
	}
	stats_figures(&s, 0, &f);
	assert_int_equal(f.replied, c->replied);
	assert_int_equal(f.lost, c->lost);
	assert_int_equal(f.pending, c->pending);
	assert_int_equal(f.rtt_avg_us, c->rtt_avg_us);
	assert_int_equal(f.jitter_us, c->jitter_us);
	assert_int_equal(f.loss_pct, c->loss_pct);
	assert_int_equal(stats_consecutive_lost(&s), c->consecutive_lost);
}

static void
test_since(void **state)
{
	struct stats s;
	struct stats_figures f;

	(void)state;
	stats_init(&s, 20, 600);
	stats_sent(&s, 1, 0);
	stats_expire(&s, 700);
	stats_sent(&s, 2, 1000);
	assert_int_equal(stats_reply(&s, 2, 20000, 1020), STATS_REPLY_OK);
	stats_figures(&s, 0, &f);
	assert_int_equal(f.loss_pct, 50);
	stats_figures(&s, 1000, &f);
	assert_int_equal(f.loss_pct, 0);
	assert_int_equal(f.replied, 1);
	assert_int_equal(f.rtt_avg_us, 20000);
	assert_true(s.has_reply);
	assert_int_equal(s.last_reply_ms, 1020);
	assert_int_equal(s.last_rtt_us, 20000);
}

static void
test_next_expiry(void **state)
{
	struct stats s;

	(void)state;
	stats_init(&s, 20, 600);
	assert_true(stats_next_expiry_ms(&s) == UINT64_MAX);
	stats_sent(&s, 1, 100);
	stats_sent(&s, 2, 200);
	assert_int_equal(stats_next_expiry_ms(&s), 701);
	assert_int_equal(stats_expire(&s, 700), 0);
	assert_int_equal(stats_expire(&s, 701), 1);
	assert_int_equal(stats_next_expiry_ms(&s), 801);
}

static void
test_window_clamped(void **state)
{
	struct stats s;
	unsigned int i;
	struct stats_figures f;

	(void)state;
	stats_init(&s, 100000, 600);
	assert_int_equal(s.window, STATS_WINDOW_MAX);
	for (i = 0; i < 3 * STATS_WINDOW_MAX; i++) {
		stats_sent(&s, i, i);
		stats_reply(&s, i, 1000, i);
	}
	stats_figures(&s, 0, &f);
	assert_int_equal(f.replied, STATS_WINDOW_MAX);
	stats_init(&s, 0, 600);
	assert_int_equal(s.window, 1);
}

int
main(void)
{
	struct CMUnitTest t[sizeof(cases) / sizeof(cases[0]) + 3];
	size_t i, n = 0;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		t[n].name = cases[i].name;
		t[n].test_func = run_case;
		t[n].setup_func = t[n].teardown_func = NULL;
		t[n].initial_state = (void *)&cases[i];
		n++;
	}
	t[n++] = (struct CMUnitTest)cmocka_unit_test(test_since);
	t[n++] = (struct CMUnitTest)cmocka_unit_test(test_next_expiry);
	t[n++] = (struct CMUnitTest)cmocka_unit_test(test_window_clamped);
	return _cmocka_run_group_tests("stats", t, n, NULL, NULL);
}
