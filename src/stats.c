/* SPDX-License-Identifier: ISC */
/*
 * Probe result window of one target: a ring of the last probes sent, their
 * round trip times and losses, and the figures derived from it (average
 * rtt, jitter as standard deviation, loss percent). See stats.h.
 */
#include <string.h>

#include "stats.h"

void
stats_init(struct stats *s, unsigned int window, unsigned int timeout_ms)
{
	memset(s, 0, sizeof(*s));
	if (window < 1)
		window = 1;
	if (window > STATS_WINDOW_MAX)
		window = STATS_WINDOW_MAX;
	s->window = window;
	s->timeout_ms = timeout_ms;
}

static void
mark_lost(struct stats *s, struct stats_probe *p)
{
	p->state = STATS_SLOT_LOST;
	s->nlost++;
}

void
stats_sent(struct stats *s, uint16_t seq, uint64_t now_ms)
{
	struct stats_probe *p = &s->ring[s->head];

	/* A probe still pending when it leaves the window is lost. */
	if (p->state == STATS_SLOT_PENDING)
		mark_lost(s, p);
	p->sent_ms = now_ms;
	p->rtt_us = 0;
	p->seq = seq;
	p->state = STATS_SLOT_PENDING;
	s->head = (s->head + 1) % s->window;
	s->nsent++;
}

static struct stats_probe *
find_seq(struct stats *s, uint16_t seq)
{
	unsigned int i;

	for (i = 0; i < s->window; i++)
		if (s->ring[i].state != STATS_SLOT_EMPTY &&
		    s->ring[i].seq == seq)
			return &s->ring[i];
	return NULL;
}

enum stats_reply
stats_reply(struct stats *s, uint16_t seq, uint32_t rtt_us, uint64_t now_ms)
{
	struct stats_probe *p = find_seq(s, seq);

	if (!p) {
		s->nunknown++;
		return STATS_REPLY_UNKNOWN;
	}
	switch ((enum stats_slot)p->state) {
	case STATS_SLOT_EMPTY:
		break;
	case STATS_SLOT_REPLIED:
		s->ndup++;
		return STATS_REPLY_DUP;
	case STATS_SLOT_LOST:
		s->nlate++;
		return STATS_REPLY_LATE;
	case STATS_SLOT_PENDING:
		if (now_ms > p->sent_ms + s->timeout_ms ||
		    rtt_us > (uint64_t)s->timeout_ms * 1000) {
			mark_lost(s, p);
			s->nlate++;
			return STATS_REPLY_LATE;
		}
		p->state = STATS_SLOT_REPLIED;
		p->rtt_us = rtt_us;
		s->has_reply = true;
		s->last_reply_ms = now_ms;
		s->last_rtt_us = rtt_us;
		s->nreplied++;
		return STATS_REPLY_OK;
	}
	s->nunknown++;
	return STATS_REPLY_UNKNOWN;
}

unsigned int
stats_expire(struct stats *s, uint64_t now_ms)
{
	unsigned int i, n = 0, k;

	for (i = 0; i < s->window; i++) {
		k = (s->head + i) % s->window;
		if (s->ring[k].state == STATS_SLOT_PENDING &&
		    now_ms > s->ring[k].sent_ms + s->timeout_ms) {
			mark_lost(s, &s->ring[k]);
			n++;
		}
	}
	return n;
}

unsigned int
stats_consecutive_lost(const struct stats *s)
{
	unsigned int i, n = 0;
	const struct stats_probe *p;

	for (i = 1; i <= s->window; i++) {
		p = &s->ring[(s->head + s->window - i) % s->window];
		if (p->state == STATS_SLOT_REPLIED ||
		    p->state == STATS_SLOT_EMPTY)
			break;
		if (p->state == STATS_SLOT_LOST)
			n++;
	}
	return n;
}

uint64_t
stats_next_expiry_ms(const struct stats *s)
{
	uint64_t t = UINT64_MAX;
	unsigned int i;

	/* Lost once now_ms > sent_ms + timeout_ms: the tick after. */
	for (i = 0; i < s->window; i++)
		if (s->ring[i].state == STATS_SLOT_PENDING &&
		    s->ring[i].sent_ms + s->timeout_ms + 1 < t)
			t = s->ring[i].sent_ms + s->timeout_ms + 1;
	return t;
}

void
stats_figures(const struct stats *s, uint64_t since_ms,
    struct stats_figures *f)
{
	const struct stats_probe *p;
	unsigned int i;

	memset(f, 0, sizeof(*f));
	for (i = 0; i < s->window; i++) {
		p = &s->ring[i];
		if (p->state == STATS_SLOT_EMPTY || p->sent_ms < since_ms)
			continue;
		switch ((enum stats_slot)p->state) {
		case STATS_SLOT_EMPTY:
			break;
		case STATS_SLOT_PENDING:
			f->pending++;
			break;
		case STATS_SLOT_LOST:
			f->lost++;
			break;
		case STATS_SLOT_REPLIED:
			f->replied++;
			f->sum_rtt_us += p->rtt_us;
			f->sum_rtt2_us2 += (uint64_t)p->rtt_us * p->rtt_us;
			break;
		}
	}
	stats_figures_finish(f);
}

void
stats_figures_add(struct stats_figures *sum, const struct stats_figures *f)
{
	sum->replied += f->replied;
	sum->lost += f->lost;
	sum->pending += f->pending;
	sum->sum_rtt_us += f->sum_rtt_us;
	sum->sum_rtt2_us2 += f->sum_rtt2_us2;
}

static uint64_t
isqrt(uint64_t x)
{
	uint64_t r = 0, bit = (uint64_t)1 << 62;

	while (bit > x)
		bit >>= 2;
	while (bit) {
		if (x >= r + bit) {
			x -= r + bit;
			r = (r >> 1) + bit;
		} else
			r >>= 1;
		bit >>= 2;
	}
	return r;
}

void
stats_figures_finish(struct stats_figures *f)
{
	unsigned __int128 n, a, b;
	uint64_t done;

	f->rtt_avg_us = f->jitter_us = 0;
	f->loss_pct = 0;
	if (f->replied) {
		/* variance = (n * sum(x^2) - sum(x)^2) / n^2, exactly */
		n = f->replied;
		a = n * f->sum_rtt2_us2;
		b = (unsigned __int128)f->sum_rtt_us * f->sum_rtt_us;
		f->rtt_avg_us = (f->sum_rtt_us + f->replied / 2) / f->replied;
		f->jitter_us = a > b ? isqrt((uint64_t)((a - b) / (n * n))) : 0;
	}
	done = (uint64_t)f->replied + f->lost;
	if (done)
		f->loss_pct = (f->lost * 100 + done / 2) / done;
}
