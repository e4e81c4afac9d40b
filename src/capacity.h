/* SPDX-License-Identifier: ISC */
/*
 * weight = auto: each link's usable capacity, learned from its byte
 * counters and its probes' RTT, and the weights of new connections that
 * follow it. Pure: the caller passes now_ms, the counters and the newest
 * RTT; no clocks, no I/O.
 *
 * Per sample (the daemon samples every 250 ms, dcapacity.h), for a link
 * carrying more than CAP_LOAD_MIN_BPS:
 *   - rate: the larger of the receive and send rates; "peak": the larger
 *     of this sample's rate and the previous one's;
 *   - baseline RTT: the least RTT seen in the last CAP_BASE_WINDOW_MS (two
 *     half windows, so an old minimum ages out);
 *   - saturated: the RTT given (the daemon gives the median of the last
 *     half second's probes) is above the baseline by CAP_RISE_PCT % and
 *     by at least CAP_RISE_MIN_MS (a standing queue has formed);
 *   - two samples running above the estimate raise it to the lesser (the
 *     link carried it; one sample alone may be a late counter read); the
 *     first loaded sample of a link not measured yet sets it;
 *   - saturated, the estimate falls toward the peak with time constant
 *     CAP_DOWN_TAU_MS, twice that in the first saturated sample (the link
 *     carries no more than this): at the daemon's 250 ms, half way in
 *     the first saturated sample and all the way in the second;
 *   - not saturated and both samples near its estimate (CAP_NEAR_PCT %),
 *     the estimate grows by
 *     CAP_GROW_PCT % a second (the link may carry more; its weight rises
 *     until it shows a queue or stops following);
 *   - not saturated and below its estimate, the estimate decays toward
 *     the peak with CAP_DECAY_TAU_MS (old evidence fades).
 * Spare room (in capacity_weights, once all links of a round are
 * sampled): while another link is saturated, a link that is not, and
 * carried at least "spare" (the lesser of its last two rates) without a
 * queue, has room beside its load: its estimate rises at once to
 * CAP_SPARE_MUL times that rate, if higher. New connections then go
 * where the room is, within half a second of a change in capacity
 * (the rates swapped while idle: the old estimates place most of them on
 * the link that has become slow, whose queue brings its estimate down;
 * the other link's estimate follows what it carries), instead of the
 * CAP_GROW_PCT creep. Never above the estimate the link had when it
 * last showed a queue in this run of load (since it was last idle): room
 * beside a link measured full is not room in it, and demand that just
 * fills both links would otherwise move the weights back and forth each
 * second. An overshoot shows a queue on that link and falls back within
 * CAP_DOWN_TAU_MS. Both links saturated, or none loaded: nothing.
 * An idle link keeps its estimate: a link never loaded cannot show its
 * capacity. A configured bandwidth is the estimate's start and its bound.
 *
 * Weights: proportional to the estimates, the largest CAP_WEIGHT_SCALE,
 * none below 1/CAP_FLOOR_DIV of it (so every link keeps being measured);
 * a link not yet measured counts as the largest estimate. New weights are
 * taken only CAP_APPLY_MS after the last change, and only if a link's
 * share moved by more than CAP_HYST_PCT % of itself. These are the
 * learned weights; the weights in force, by which nftables deals out new
 * connections, are capacity_place's: the learned ones levelled by the
 * young connections each link carries (weighted least connections).
 */
#ifndef UPLINKD_CAPACITY_H
#define UPLINKD_CAPACITY_H

#include <stdbool.h>
#include <stdint.h>

#define CAP_LOAD_MIN_BPS	200000.0	/* below: idle, no evidence */
#define CAP_BASE_WINDOW_MS	300000
#define CAP_RISE_PCT		50
#define CAP_RISE_MIN_MS		5.0
#define CAP_DOWN_TAU_MS		250.0
#define CAP_GROW_PCT		15
#define CAP_NEAR_PCT		85	/* "near its estimate": rate above */
#define CAP_DECAY_TAU_MS	600000.0
#define CAP_SPARE_MUL		2.0	/* spare room: estimate at least */
#define CAP_WEIGHT_SCALE	20	/* 5 % steps */
#define CAP_FLOOR_DIV		20	/* floor: weight 1 */
#define CAP_APPLY_MS		250
#define CAP_HYST_PCT		12
#define CAP_GAP_MS		5000	/* a longer gap between samples:
					 * start the rate afresh */

struct capacity_link {
	double bound_bps;		/* bandwidth; 0: none */
	double cap_bps;			/* estimate; 0: not measured yet */
	double rate_bps;		/* rate of the last two samples */
	double rtt_ms;			/* newest RTT given; < 0: none */
	double base_ms;			/* baseline RTT; < 0: none yet */
	bool saturated;
	unsigned int weight;		/* learned: 1..CAP_WEIGHT_SCALE */
	unsigned int place;		/* in force (capacity_place): 1..
					 * CAP_WEIGHT_SCALE; 0: none yet */
	/* internal */
	double base_cur, base_prev;	/* minima of this and the last half
					 * window; < 0: none */
	uint64_t base_start_ms;
	double prev_bps;		/* the previous sample's rate */
	double spare_bps;		/* the lesser of the last two rates,
					 * loaded and no queue; else 0 */
	double ceil_bps;		/* the estimate when last saturated
					 * since last idle; 0: none */
	bool was_saturated;		/* in the previous sample */
	uint64_t last_ms, last_rx, last_tx;
	bool have_last;
	bool started;			/* capacity_link_init done */
};

/* The weights' state across links. */
struct capacity_set {
	uint64_t applied_ms;
	bool applied;			/* weights computed at least once */
	uint64_t changes;		/* weight changes taken */
};

/* A link not measured yet; bound_mbit 0: no bandwidth. */
void capacity_link_init(struct capacity_link *l, unsigned int bound_mbit);
/* A new bound (reload): the estimate is clamped to it. */
void capacity_link_bound(struct capacity_link *l, unsigned int bound_mbit);

/* One sample of a link: its byte counters (monotonic; a counter that goes
 * back restarts the rate), its probes' recent RTT (the daemon: the median
 * of the last second) and the least RTT of all its probes remembered (the
 * stats windows), for the baseline; < 0: none. */
void capacity_sample(struct capacity_link *l, uint64_t now_ms, uint64_t rx_bytes,
    uint64_t tx_bytes, double rtt_ms, double min_rtt_ms);

/* Recompute the weights of links[0..n-1] (n <= CAP_LINKS_MAX), after
 * each round of samples (spare room is judged across them); true if they
 * changed (read links[i]->weight). The first call always sets them. */
#define CAP_LINKS_MAX	256
bool capacity_weights(struct capacity_set *s, struct capacity_link *const *links,
    unsigned int n, uint64_t now_ms);

/*
 * Placement, weighted least connections: set links[i]->place, the weights
 * the next new connections are dealt by, from the learned weights and
 * young[i], the young connections (ctyoung.h) link i carries now, each
 * counted in the measure the link is used (its rate over its estimate, at
 * most 1: the young connections of an idle or stalled link are idle or
 * stalled, and it takes the next ones). The next `next` connections (taken as at least 1: the new connections
 * since the last call) are shared so that, with them, the links' young
 * connections per unit of weight come as level as they can (water
 * filling): a link behind its share gets them first, links level get
 * them in proportion to their weights. Scaled so the largest is
 * CAP_WEIGHT_SCALE, none below 1. True if any place changed.
 */
bool capacity_place(struct capacity_link *const *links, unsigned int n,
    const unsigned int *young, unsigned int next);

#endif
