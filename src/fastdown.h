/* SPDX-License-Identifier: ISC */
/*
 * Fast detection under load: a link that carries traffic and whose
 * receive side goes silent while it still sends is dead, well before its
 * probes can tell. Fed the link's packet counters (rx: all packets in
 * over the link; tx: all packets out, the probes included), the detector
 * says so when:
 *
 * - the link is busy: it received at least FASTDOWN_FLOOR_PPS packets a
 *   second over the last measuring window of about 1 s (>= 0.9 s); a
 *   link with only probe replies, or idle, is never judged (its probes
 *   judge it);
 * - rx has not moved for silence_ms (default 150): it rose by less than
 *   FASTDOWN_MIN_RX packets, so that a lone packet from the ISP's router
 *   itself (neighbour discovery goes on when the upstream is cut) does
 *   not end the silence;
 * - tx rose by at least FASTDOWN_MIN_TX packets meanwhile (the probes,
 *   ACKs, requests: a link that sends nothing is idle, not dead);
 * - and a confirmation went unanswered: at half of silence_ms, once the
 *   link has sent anything since rx stopped, the detector asks
 *   (FASTDOWN_CONFIRM) for one probe to each target at once, and fires
 *   no sooner than silence_ms/8, and twice the link's probe RTT plus
 *   FASTDOWN_SLACK_MS, after asking: a link far away (satellite, LTE)
 *   gets the time its answers need. Any probe reply after the asking
 *   ends the silence. Without it, a download that simply ended on a link
 *   with 5% loss would read as dead whenever one probe reply was lost
 *   (9% of such ends in a simulation; with it, about 0.1%).
 *
 * It fires once per silence: rx must move again before it can fire again.
 * A saturated link keeps receiving, only slower; random loss thins rx but
 * never stops it for 150 ms at the floor's rate; and probe replies (every
 * 100 ms by default) keep rx moving on a link whose downloads just ended.
 * The caller samples busy links every FASTDOWN_SAMPLE_MS and the others
 * each second (fastdown_busy says which).
 *
 * Pure: now_ms is passed in. Not thread-safe.
 */
#ifndef UPLINKD_FASTDOWN_H
#define UPLINKD_FASTDOWN_H

#include <stdbool.h>
#include <stdint.h>

#define FASTDOWN_FLOOR_PPS	50
#define FASTDOWN_MIN_TX		2
#define FASTDOWN_MIN_RX		2	/* packets that end a silence */
#define FASTDOWN_CONFIRM_MAX	32	/* packets of a confirmation's
					 * replies and little else */
#define FASTDOWN_WINDOW_MS	1000
#define FASTDOWN_SAMPLE_MS	20
#define FASTDOWN_SLACK_MS	5	/* a timer's lateness: a silence of
					 * 199 ms at the 10th sample counts */

struct fastdown {
	unsigned int silence_ms;	/* 0: off */
	bool have;			/* a sample was taken */
	bool busy;
	bool fired;			/* in this silence */
	bool asked;			/* confirmation asked, at asked_ms */
	uint64_t asked_ms;
	uint64_t rx, tx;		/* the last sample's */
	uint64_t rx_base;		/* rx when it last moved */
	uint64_t rx_ms;			/* when rx was last seen moved */
	uint64_t tx_at_rx;		/* tx then */
	uint64_t win_ms, win_rx, win_tx;	/* the measuring window's
						 * start */
};

enum fastdown_verdict {
	FASTDOWN_NONE,
	FASTDOWN_CONFIRM,		/* send a probe to each target now */
	FASTDOWN_DEAD,			/* declare the link down now */
};

void fastdown_init(struct fastdown *f, unsigned int silence_ms);
/* Feed a sample. reply_ms: when the link's newest probe reply came (0:
 * never), which tells whether the confirmation was answered; rtt_ms: the
 * link's recent probe RTT (0: unknown), which says how long to wait for
 * that answer. */
enum fastdown_verdict fastdown_sample(struct fastdown *f,
    uint64_t rx_packets, uint64_t tx_packets, uint64_t reply_ms,
    unsigned int rtt_ms, uint64_t now_ms);
/* Sample it every FASTDOWN_SAMPLE_MS? */
bool fastdown_busy(const struct fastdown *f);
/* Since when rx has been silent, and tx then (valid after a fire). */
uint64_t fastdown_silent_since_ms(const struct fastdown *f);
uint64_t fastdown_tx_at_silence(const struct fastdown *f);

#endif
