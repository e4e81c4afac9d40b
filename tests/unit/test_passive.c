/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of passive health (passive.c), driven by per-second series of
 * two or three links' counters: each case gives, per link, the SYNs (or
 * UDP packets) sent and answered each second, and when (if ever) each link
 * must be judged out.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "passive.h"
#include "testtable.h"

#define NL	3

struct rate {
	unsigned int tcp_sent, tcp_ans, udp_sent, udp_ans;
};

struct pcase {
	const char *name;
	unsigned int nlinks;
	unsigned int seconds;
	struct rate r[NL];		/* per second, from second 0 */
	unsigned int change_s;		/* from then on, r2 (0: never) */
	struct rate r2[NL];
	bool in_service[NL];
	int out_by_s[NL];		/* -1: never out; else out by then */
	const char *why0;		/* expected text of link 0, or NULL */
};

static const char *const names[NL] = { "isp1", "isp2", "lte" };

static const struct pcase cases[] = {
	{ "black hole: isp1 unanswered, isp2 answered", 2, 30,
	    { { 3, 0, 0, 0 }, { 3, 3, 0, 0 } }, 0, { { 0 } },
	    { true, true }, { 2, -1 },
	    "tcp: 6/6 new unanswered in 2 s; isp2 answered 6/6" },
	{ "both links unanswered: the servers, not the links", 2, 30,
	    { { 5, 0, 0, 0 }, { 5, 0, 0, 0 } }, 0, { { 0 } },
	    { true, true }, { -1, -1 }, NULL },
	{ "a link alone in service is never out", 2, 30,
	    { { 5, 0, 0, 0 }, { 5, 5, 0, 0 } }, 0, { { 0 } },
	    { true, false }, { -1, -1 }, NULL },
	{ "too few new connections to judge", 2, 3,
	    { { 1, 0, 0, 0 }, { 3, 3, 0, 0 } }, 0, { { 0 } },
	    { true, true }, { -1, -1 }, NULL },
	{ "60% answered (a few dead servers) is not out", 2, 30,
	    { { 5, 3, 0, 0 }, { 5, 5, 0, 0 } }, 0, { { 0 } },
	    { true, true }, { -1, -1 }, NULL },
	{ "10% answered is out", 3, 30,
	    { { 10, 1, 0, 0 }, { 0, 0, 0, 0 }, { 0, 0, 4, 4 } }, 0,
	    { { 0 } }, { true, true, true }, { 1, -1, -1 },
	    "tcp: 9/10 new unanswered in 1 s; lte answered 4/4" },
	{ "udp unanswered, other link's tcp answered", 2, 30,
	    { { 0, 0, 4, 0 }, { 2, 2, 0, 0 } }, 0, { { 0 } },
	    { true, true }, { 2, -1 },
	    "udp: 4/4 new unanswered in 1 s; isp2 answered 4/4" },
	{ "answers above sends (udp streams) count as all answered", 2, 30,
	    { { 0, 0, 4, 40 }, { 2, 2, 0, 0 } }, 0, { { 0 } },
	    { true, true }, { -1, -1 }, NULL },
	{ "the witness goes quiet: no verdict", 2, 30,
	    { { 3, 0, 0, 0 }, { 0, 0, 0, 0 } }, 0, { { 0 } },
	    { true, true }, { -1, -1 }, NULL },
	{ "healthy, then isp2 black-holes", 2, 40,
	    { { 4, 4, 1, 1 }, { 4, 4, 1, 1 } }, 20,
	    { { 4, 4, 1, 1 }, { 4, 0, 1, 0 } },
	    { true, true }, { -1, 21 }, NULL },
};

static void
counts(struct passive_counts *c, const struct rate *r)
{
	c->sent[PASSIVE_TCP] += r->tcp_sent;
	c->answered[PASSIVE_TCP] += r->tcp_ans;
	c->sent[PASSIVE_UDP] += r->udp_sent;
	c->answered[PASSIVE_UDP] += r->udp_ans;
}

static void
test_series(void **state)
{
	const struct pcase *c = *state;
	struct passive_counts pc[NL];
	char why[NL][PASSIVE_WHY_MAX];
	int first_out[NL];
	bool out[NL];
	struct passive p;
	unsigned int s, i;

	memset(pc, 0, sizeof(pc));
	passive_init(&p, c->nlinks);
	for (i = 0; i < NL; i++)
		first_out[i] = -1;
	for (s = 0; s <= c->seconds; s++) {
		for (i = 0; i < c->nlinks; i++) {
			/* the counters of second s: s seconds of traffic */
			passive_sample(&p, i, &pc[i], c->in_service[i]);
			counts(&pc[i], c->change_s && s >= c->change_s ?
			    &c->r2[i] : &c->r[i]);
		}
		passive_judge(&p, names, out, why);
		for (i = 0; i < c->nlinks; i++)
			if (out[i] && first_out[i] < 0) {
				first_out[i] = (int)s;
				if (i == 0 && c->why0)
					assert_string_equal(why[0], c->why0);
			}
	}
	for (i = 0; i < c->nlinks; i++) {
		if (c->out_by_s[i] < 0) {
			assert_int_equal(first_out[i], -1);
			continue;
		}
		assert_true(first_out[i] >= 0);
		assert_true(first_out[i] <= c->out_by_s[i]);
	}
}

/* Out of service, a link forgets; a counter that goes back (the table
 * rebuilt) restarts its window. */
static void
test_forget(void **state)
{
	struct passive_counts a = { { 0 }, { 0 } }, b = { { 0 }, { 0 } };
	struct passive_figures f;
	struct passive p;
	unsigned int s;

	(void)state;
	passive_init(&p, 2);
	for (s = 0; s < PASSIVE_WINDOW_S + 2; s++) {
		a.sent[PASSIVE_TCP] += 5;
		passive_sample(&p, 0, &a, true);
		passive_sample(&p, 1, &b, true);
	}
	passive_figures(&p, 0, UINT64_MAX, &f);
	assert_int_equal(f.sent[PASSIVE_TCP], 5 * PASSIVE_WINDOW_S);
	passive_sample(&p, 0, &a, false);
	passive_figures(&p, 0, UINT64_MAX, &f);
	assert_int_equal(f.sent[PASSIVE_TCP], 0);
	passive_sample(&p, 0, &a, true);
	a.sent[PASSIVE_TCP] += 2;
	passive_sample(&p, 0, &a, true);
	passive_figures(&p, 0, UINT64_MAX, &f);
	assert_int_equal(f.sent[PASSIVE_TCP], 2);
	/* rebuilt: from 0 again */
	memset(&a, 0, sizeof(a));
	a.sent[PASSIVE_TCP] = 1;
	passive_sample(&p, 0, &a, true);
	passive_figures(&p, 0, UINT64_MAX, &f);
	assert_int_equal(f.sent[PASSIVE_TCP], 0);
	/* out-of-range indexes are ignored */
	passive_sample(&p, CONF_MAX_LINKS + 1, &a, true);
	passive_figures(&p, CONF_MAX_LINKS + 1, UINT64_MAX, &f);
	assert_int_equal(f.sent[PASSIVE_TCP], 0);
}

/* Back from a black hole: two unanswered are enough, not four. */
static void
test_probation(void **state)
{
	struct passive_counts a = { { 0 }, { 0 } }, b = { { 0 }, { 0 } };
	char why[2][PASSIVE_WHY_MAX];
	bool out[2], probation;
	struct passive p;
	unsigned int s, first;

	(void)state;
	for (probation = false; ; probation = true) {
		passive_init(&p, 2);
		passive_probation(&p, 0, probation);
		memset(&a, 0, sizeof(a));
		memset(&b, 0, sizeof(b));
		first = 0;
		for (s = 0; s <= 3 && first == 0; s++) {
			passive_sample(&p, 0, &a, true);
			passive_sample(&p, 1, &b, true);
			passive_judge(&p, names, out, why);
			if (out[0])
				first = s;
			assert_false(out[1]);
			a.sent[PASSIVE_TCP] += 1;
			b.sent[PASSIVE_TCP] += 3;
			b.answered[PASSIVE_TCP] += 3;
		}
		if (probation)
			break;
		assert_int_equal(first, 0);	/* 3 unanswered: none */
	}
	assert_int_equal(first, 2);
	assert_string_equal(why[0],
	    "tcp: 2/2 new unanswered in 2 s; isp2 answered 6/6");
}

int
main(void)
{
	struct CMUnitTest t[32];
	size_t n = 0;

	TABLE(t, n, cases, test_series);
	t[n++] = (struct CMUnitTest)cmocka_unit_test(test_forget);
	t[n++] = (struct CMUnitTest)cmocka_unit_test(test_probation);
	return _cmocka_run_group_tests("passive", t, n, NULL, NULL);
}
