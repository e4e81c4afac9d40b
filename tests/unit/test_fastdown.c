/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of fast detection under load (fastdown.c), driven by
 * synthetic counter series: a link's rx and tx packet rates per phase,
 * with probes (10 a second out, their replies in unless cut or lost) and
 * seeded random loss, sampled as the daemon does: every FASTDOWN_SAMPLE_MS
 * while the detector says busy, else each second; a confirmation asked
 * sends a probe to each of 3 targets, answered one RTT later like the
 * others (12 ms unless a case says otherwise), and the detector is told
 * the RTT as the daemon tells it the probes' average.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "fastdown.h"
#include "testrng.h"
#include "testtable.h"

#define SILENCE_MS	150	/* fast-down's default */

struct phase {
	unsigned int ms;
	unsigned int rx_pps, tx_pps;	/* data, both ways */
	bool cut;			/* nothing comes in, probe replies
					 * neither */
	bool probes;			/* probes sent (and answered) */
	unsigned int stray_ms;	/* a lone packet in that often (the ISP
				 * router's NDP); 0: never */
};

struct fcase {
	const char *name;
	unsigned int loss_pct;		/* of every packet in */
	struct phase ph[4];
	int max_detect_ms;		/* after the cut; -1: never fires */
	unsigned int rtt_ms;		/* of every probe; 0: 12 */
};

static const struct fcase cases[] = {
	{ "cut under a 30 Mbit/s download", 0, {
	    { 3000, 2500, 1250, false, true, 0 },
	    { 5000, 0, 0, true, true, 0 } }, 300, 0 },
	{ "cut under a 2 Mbit/s download", 0, {
	    { 5000, 170, 85, false, true, 0 },
	    { 5000, 0, 0, true, true, 0 } }, 300, 0 },
	{ "cut; the ISP router still sends NDP every 400 ms", 0, {
	    { 3000, 2500, 1250, false, true, 0 },
	    { 5000, 0, 0, true, true, 400 } }, 300, 0 },
	{ "cut under load with 5% loss before it", 5, {
	    { 5000, 2500, 1250, false, true, 0 },
	    { 5000, 0, 0, true, true, 0 } }, 300, 0 },
	{ "idle link, probes only: never judged", 0, {
	    { 60000, 0, 0, false, true, 0 },
	    { 5000, 0, 0, true, true, 0 } }, -1, 0 },
	{ "download ends, probes still answered", 0, {
	    { 5000, 2500, 1250, false, true, 0 },
	    { 30000, 0, 0, false, true, 0 } }, -1, 0 },
	{ "saturated slow link (1 Mbit/s), 5% loss, 60 s", 5, {
	    { 60000, 85, 42, false, true, 0 } }, -1, 0 },
	{ "saturated 30 Mbit/s, 5% loss, 60 s", 5, {
	    { 60000, 2500, 1250, false, true, 0 } }, -1, 0 },
	{ "download ends and nothing is sent: idle, not dead", 0, {
	    { 5000, 2500, 1250, false, false, 0 },
	    { 5000, 0, 0, true, false, 0 } }, -1, 0 },
	{ "below the floor (30 pkt/s) then cut: left to the probes", 0, {
	    { 5000, 30, 15, false, true, 0 },
	    { 5000, 0, 0, true, true, 0 } }, -1, 0 },
	/* a satellite or LTE link: the confirmation's answers come after
	 * the silence is over, and they still count */
	{ "download ends on a 250 ms RTT link, 5% loss, 60 s", 5, {
	    { 5000, 2500, 1250, false, true, 0 },
	    { 60000, 0, 0, false, true, 0 } }, -1, 250 },
	{ "cut under a download on a 250 ms RTT link", 0, {
	    { 5000, 2500, 1250, false, true, 0 },
	    { 5000, 0, 0, true, true, 0 } }, 700, 250 },
};

struct sim {
	uint64_t rng;
	double rx_acc, tx_acc;
	uint64_t rx, tx;
	uint64_t burst_reply_ms;	/* replies due then (0: none) */
	unsigned int burst_replies;
	uint64_t reply_ms;		/* the newest probe reply */
	unsigned int rtt_ms;
};

static unsigned int
rnd100(struct sim *s)
{
	return test_rnd100(&s->rng);
}

/* Advance 1 ms of phase ph at time t. */
static void
step(struct sim *s, const struct phase *ph, unsigned int loss_pct,
    uint64_t t)
{
	unsigned int k, n;

	s->rx_acc += ph->rx_pps / 1000.0;
	s->tx_acc += ph->tx_pps / 1000.0;
	n = (unsigned int)s->rx_acc;
	s->rx_acc -= n;
	for (k = 0; k < n; k++)
		if (!ph->cut && rnd100(s) >= loss_pct)
			s->rx++;
	n = (unsigned int)s->tx_acc;
	s->tx_acc -= n;
	s->tx += n;
	/* a probe every 100 ms, its reply an RTT later, unless lost
	 * (either way) or cut; a reply in flight when the cut comes is
	 * lost too */
	if (ph->probes && t % 100 == 0)
		s->tx++;
	if (ph->probes && t >= s->rtt_ms && (t - s->rtt_ms) % 100 == 0 &&
	    !ph->cut && rnd100(s) >= loss_pct && rnd100(s) >= loss_pct) {
		s->rx++;
		s->reply_ms = t;
	}
	if (s->burst_replies && t == s->burst_reply_ms) {
		s->rx += s->burst_replies;
		s->burst_replies = 0;
		s->reply_ms = t;
	}
	if (ph->stray_ms && t % ph->stray_ms == 7)
		s->rx++;
}

/* A confirmation: a probe to each of 3 targets, the answers an RTT later. */
static void
burst(struct sim *s, const struct phase *ph, unsigned int loss_pct,
    uint64_t t)
{
	unsigned int k;

	for (k = 0; k < 3; k++) {
		s->tx++;
		if (!ph->cut && rnd100(s) >= loss_pct &&
		    rnd100(s) >= loss_pct) {
			s->burst_replies++;
			s->burst_reply_ms = t + s->rtt_ms;
		}
	}
}

/* Run phases ph (up to 4) sampling as the daemon does; the number of
 * fires, the first one's time; *cut_ms: when the first cut phase began. */
static unsigned int
run(const struct phase *ph, unsigned int loss_pct, unsigned int rtt_ms,
    uint64_t seed, uint64_t *cut_ms, uint64_t *fired_ms,
    unsigned int *nconfirm)
{
	struct fastdown f;
	struct sim s;
	uint64_t t = 0, next = 0;
	unsigned int i, ms, nfired = 0;
	bool cut = false;

	memset(&s, 0, sizeof(s));
	s.rng = seed;
	s.rtt_ms = rtt_ms ? rtt_ms : 12;
	*cut_ms = *fired_ms = 0;
	*nconfirm = 0;
	fastdown_init(&f, SILENCE_MS);
	for (i = 0; i < 4 && ph[i].ms; i++) {
		if (ph[i].cut && !cut) {
			cut = true;
			*cut_ms = t;
		}
		for (ms = 0; ms < ph[i].ms; ms++, t++) {
			step(&s, &ph[i], loss_pct, t);
			if (t < next)
				continue;
			switch (fastdown_sample(&f, s.rx, s.tx, s.reply_ms,
			    s.rtt_ms, t)) {
			case FASTDOWN_NONE:
				break;
			case FASTDOWN_CONFIRM:
				(*nconfirm)++;
				burst(&s, &ph[i], loss_pct, t);
				break;
			case FASTDOWN_DEAD:
				if (nfired++ == 0)
					*fired_ms = t;
				break;
			}
			next = t + (fastdown_busy(&f) ? FASTDOWN_SAMPLE_MS :
			    1000);
		}
	}
	if (nfired)
		assert_false(fastdown_busy(&f));	/* idle to it after */
	return nfired;
}

static void
test_series(void **state)
{
	const struct fcase *c = *state;
	uint64_t cut_ms, fired_ms;
	unsigned int nfired, nconfirm;

	nfired = run(c->ph, c->loss_pct, c->rtt_ms, 12345, &cut_ms,
	    &fired_ms, &nconfirm);
	if (c->max_detect_ms < 0) {
		assert_int_equal(nfired, 0);
		return;
	}
	assert_int_equal(nfired, 1);	/* once per silence */
	assert_true(nconfirm >= 1);	/* asked before */
	assert_true(fired_ms >= cut_ms + SILENCE_MS);
	print_message("%s: down %llu ms after the cut\n", c->name,
	    (unsigned long long)(fired_ms - cut_ms));
	assert_true(fired_ms <= cut_ms + (uint64_t)c->max_detect_ms);
}

/* Downloads that end on a link with 5% loss each way and this RTT, 1000
 * times (seeded, so the same every run): the lost probe replies make
 * silences, the confirmation keeps them from reading as cuts; the number
 * of confirmations asked. */
static unsigned int
ends_with_loss(unsigned int rtt_ms)
{
	struct phase ph[3] = {
	    { 3000, 2500, 1250, false, true, 0 },
	    { 0, 0, 0, false, true, 0 },
	    { 0, 0, 0, false, false, 0 } };
	uint64_t seed, cut_ms, fired_ms;
	unsigned int fires = 0, confirms = 0, n, nc;

	for (seed = 1; seed <= 1000; seed++) {
		ph[0].ms = 2000 + (unsigned int)(seed % 1000);
		ph[1].ms = 3000;
		n = run(ph, 5, rtt_ms, seed * 7919, &cut_ms, &fired_ms, &nc);
		fires += n;
		confirms += nc;
	}
	print_message("1000 download ends at 5%% loss, RTT %u ms: %u "
	    "confirmations asked, %u false downs\n", rtt_ms ? rtt_ms : 12,
	    confirms, fires);
	assert_true(fires <= 2);
	return confirms;
}

static void
test_ends_with_loss(void **state)
{
	(void)state;
	assert_true(ends_with_loss(0) > 10);	/* the silences do happen */
}

/* Far away (satellite, LTE): the confirmation's answers come after the
 * silence's end, and the detector waits for them. */
static void
test_ends_far_away(void **state)
{
	(void)state;
	assert_true(ends_with_loss(250) > 10);
}

/* Off (silence 0), and counters going back (the table rebuilt). */
static void
test_off_and_reset(void **state)
{
	struct fastdown f;
	uint64_t t, rx = 0, tx = 0;

	(void)state;
	fastdown_init(&f, 0);
	for (t = 0; t < 3000; t += 50) {
		rx += t < 2000 ? 200 : 0;
		tx += 5;
		assert_int_equal(fastdown_sample(&f, rx, tx, 0, 0, t),
		    FASTDOWN_NONE);
		assert_false(fastdown_busy(&f));
	}
	fastdown_init(&f, 200);
	for (t = 0; t <= 2000; t += 50) {
		rx += 200;
		tx += 5;
		assert_int_equal(fastdown_sample(&f, rx, tx, 0, 0, t),
		    FASTDOWN_NONE);
	}
	assert_true(fastdown_busy(&f));
	/* rebuilt: the counters start again from 0, not a silence */
	assert_int_equal(fastdown_sample(&f, 3, 1, 0, 0, 2050), FASTDOWN_NONE);
	assert_false(fastdown_busy(&f));
	assert_int_equal(fastdown_sample(&f, 3, 10, 0, 0, 2400),
	    FASTDOWN_NONE);
}

int
main(void)
{
	struct CMUnitTest t[32];
	size_t n = 0;

	TABLE(t, n, cases, test_series);
	t[n++] = (struct CMUnitTest)cmocka_unit_test(test_off_and_reset);
	t[n++] = (struct CMUnitTest)cmocka_unit_test(test_ends_with_loss);
	t[n++] = (struct CMUnitTest)cmocka_unit_test(test_ends_far_away);
	return _cmocka_run_group_tests("fastdown", t, n, NULL, NULL);
}
