/* SPDX-License-Identifier: ISC */
/*
 * Sliding window of probe results for one probe target: the last `window`
 * probes sent, each pending, answered (with its rtt_us) or lost. A probe is
 * lost only once timeout_ms has passed without a reply; a reply arriving
 * after that is "late" and ignored, as dpinger does. Pure: the time is
 * always passed in as now_ms; no clocks, no I/O, no allocation.
 */
#ifndef UPLINKD_STATS_H
#define UPLINKD_STATS_H

#include <stdbool.h>
#include <stdint.h>

#define STATS_WINDOW_MAX	128	/* larger windows are clamped */

enum stats_slot {
	STATS_SLOT_EMPTY,
	STATS_SLOT_PENDING,
	STATS_SLOT_REPLIED,
	STATS_SLOT_LOST,
};

/* What stats_reply made of a reply. Only STATS_REPLY_OK counts. */
enum stats_reply {
	STATS_REPLY_OK,
	STATS_REPLY_LATE,	/* after timeout_ms: ignored, probe lost */
	STATS_REPLY_DUP,	/* probe already answered: ignored */
	STATS_REPLY_UNKNOWN,	/* seq not in the window: ignored */
};

struct stats_probe {
	uint64_t sent_ms;
	uint32_t rtt_us;
	uint16_t seq;
	uint8_t state;		/* enum stats_slot */
};

struct stats {
	struct stats_probe ring[STATS_WINDOW_MAX];
	unsigned int window;		/* slots in use of ring, >= 1 */
	unsigned int head;		/* next slot written */
	unsigned int timeout_ms;
	bool has_reply;
	uint64_t last_reply_ms;		/* valid if has_reply */
	uint32_t last_rtt_us;		/* valid if has_reply */
	/* counters since stats_init */
	uint64_t nsent, nreplied, nlost, nlate, ndup, nunknown;
};

/*
 * Figures over the probes of the window sent at or after since_ms (0: the
 * whole window). Sums are kept so that figures of several targets can be
 * pooled (stats_figures_add, stats_figures_finish).
 */
struct stats_figures {
	unsigned int replied, lost, pending;
	uint64_t sum_rtt_us;
	uint64_t sum_rtt2_us2;		/* sum of squares, us^2 */
	/* derived by stats_figures_finish */
	uint32_t rtt_avg_us;		/* 0 without replies */
	uint32_t jitter_us;		/* standard deviation of rtt_us */
	unsigned int loss_pct;		/* lost / (replied + lost); 0 if none */
};

void stats_init(struct stats *s, unsigned int window, unsigned int timeout_ms);
/* Record a probe sent; the oldest probe of a full window is forgotten. */
void stats_sent(struct stats *s, uint16_t seq, uint64_t now_ms);
enum stats_reply stats_reply(struct stats *s, uint16_t seq, uint32_t rtt_us,
    uint64_t now_ms);
/* Mark pending probes sent more than timeout_ms ago as lost; returns how
 * many were. */
unsigned int stats_expire(struct stats *s, uint64_t now_ms);
/* Lost probes sent after the newest answered one (pending skipped), in
 * the window. */
unsigned int stats_consecutive_lost(const struct stats *s);
/* When the oldest pending probe expires; UINT64_MAX when none is pending. */
uint64_t stats_next_expiry_ms(const struct stats *s);

void stats_figures(const struct stats *s, uint64_t since_ms,
    struct stats_figures *f);
void stats_figures_add(struct stats_figures *sum,
    const struct stats_figures *f);
void stats_figures_finish(struct stats_figures *f);

#endif
