/* SPDX-License-Identifier: ISC */
/*
 * Fast detection under load: a busy link whose receive counter stops
 * while its send counter still rises. The rules are in fastdown.h. Pure.
 */
#include <string.h>

#include "fastdown.h"

void
fastdown_init(struct fastdown *f, unsigned int silence_ms)
{
	memset(f, 0, sizeof(*f));
	f->silence_ms = silence_ms;
}

/* Close the measuring window when it is long enough: busy or not. */
static void
window(struct fastdown *f, uint64_t now_ms)
{
	uint64_t span = now_ms - f->win_ms;

	/* a second's sample may come a little early: a window of 1 s
	 * closes at 90% of it, not a second later */
	if (span * 10 < FASTDOWN_WINDOW_MS * 9)
		return;
	/* a window where rx is silent but tx rises leaves busy alone: the
	 * silence is being judged; one where nothing moves is idle */
	if (f->rx != f->win_rx || !f->busy || f->fired || f->tx == f->win_tx)
		f->busy = (f->rx - f->win_rx) * 1000 >=
		    (uint64_t)FASTDOWN_FLOOR_PPS * span;
	f->win_ms = now_ms;
	f->win_rx = f->rx;
	f->win_tx = f->tx;
}

enum fastdown_verdict
fastdown_sample(struct fastdown *f, uint64_t rx_packets,
    uint64_t tx_packets, uint64_t reply_ms, unsigned int rtt_ms,
    uint64_t now_ms)
{
	uint64_t wait_ms;

	if (!f->have || rx_packets < f->rx || tx_packets < f->tx ||
	    now_ms < f->rx_ms) {
		/* first sample, or the counters were rebuilt */
		f->have = true;
		f->busy = f->fired = f->asked = false;
		f->rx = f->rx_base = f->win_rx = rx_packets;
		f->tx = f->tx_at_rx = f->win_tx = tx_packets;
		f->rx_ms = f->win_ms = now_ms;
		return FASTDOWN_NONE;
	}
	f->tx = tx_packets;
	f->rx = rx_packets;
	/* a lone packet (the ISP router's neighbour discovery, one probe
	 * reply) does not end a silence; two do, and so does any answer to
	 * the confirmation */
	if (rx_packets >= f->rx_base + FASTDOWN_MIN_RX ||
	    (f->asked && reply_ms >= f->asked_ms)) {
		/* the confirmation answered while nothing else came in: the
		 * link went idle, not dead; busy again from a window's rate */
		if (f->asked && reply_ms >= f->asked_ms &&
		    rx_packets < f->rx_base + FASTDOWN_CONFIRM_MAX)
			f->busy = false;
		f->rx_base = rx_packets;
		f->rx_ms = now_ms;
		f->tx_at_rx = tx_packets;
		f->fired = f->asked = false;
	}
	window(f, now_ms);
	if (f->silence_ms == 0 || !f->busy || f->fired ||
	    now_ms < f->rx_ms + f->silence_ms / 2)
		return FASTDOWN_NONE;
	if (!f->asked) {
		/* still sending, nothing back: does it answer at all? */
		if (f->tx == f->tx_at_rx)
			return FASTDOWN_NONE;
		f->asked = true;
		f->asked_ms = now_ms;
		return FASTDOWN_CONFIRM;
	}
	/* the confirmation's answers get the time they need */
	wait_ms = 2 * (uint64_t)rtt_ms + FASTDOWN_SLACK_MS;
	if (wait_ms < f->silence_ms / 8)
		wait_ms = f->silence_ms / 8;
	if (now_ms + FASTDOWN_SLACK_MS < f->rx_ms + f->silence_ms ||
	    now_ms < f->asked_ms + wait_ms ||
	    f->tx < f->tx_at_rx + FASTDOWN_MIN_TX)
		return FASTDOWN_NONE;
	/* busy again only from the rate of a window that starts now */
	f->fired = true;
	f->busy = false;
	f->win_ms = now_ms;
	f->win_rx = f->rx;
	f->win_tx = f->tx;
	return FASTDOWN_DEAD;
}

bool
fastdown_busy(const struct fastdown *f)
{
	return f->silence_ms != 0 && f->busy && !f->fired;
}

uint64_t
fastdown_silent_since_ms(const struct fastdown *f)
{
	return f->rx_ms;
}

uint64_t
fastdown_tx_at_silence(const struct fastdown *f)
{
	return f->tx_at_rx;
}
