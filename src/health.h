/* SPDX-License-Identifier: ISC */
/*
 * Per-link health: a pure state machine fed with probe results, carrier
 * changes and the time (now_ms), with hysteresis and flap damping.
 *
 * The rules, with the settings of struct conf_probe:
 *
 * - A target "answers" while its last reply is younger than down_ms. The
 *   quorum is min(reliability, ntargets) answering targets (at least 1).
 * - UNKNOWN is the start state. UNKNOWN -> UP (or DEGRADED) as soon as the
 *   quorum has answered, with no hold: a restarted daemon must not take a
 *   working uplink out of service for seconds, and a wrong UP is undone
 *   within down_ms anyway. UNKNOWN -> DOWN when down_ms pass from
 *   health_init without the quorum answering.
 * - DOWN fast: UP/DEGRADED -> DOWN when fewer than the quorum answer (the
 *   newest replies of the targets are all older than down_ms), or at once
 *   on carrier loss (from any state).
 * - UP slowly: DOWN -> UP only after a run of hold_ms during which the
 *   quorum kept answering (and the carrier stayed up). At the end of the
 *   run, loss over the run >= loss_down_pct restarts the run; otherwise
 *   the link becomes DEGRADED if the run's figures cross the degraded
 *   thresholds, else UP.
 * - Flap damping: hold_ms starts at up_ms. A down event less than
 *   hold_max_ms after the link came back up from DOWN doubles hold_ms (up
 *   to hold_max_ms). Each hold_max_ms the link stays up (UP or DEGRADED)
 *   halves it again, never below up_ms.
 * - Quality (figures pooled over the answering targets, over the probes
 *   sent since the link came up, within the stats window): loss >=
 *   loss_down_pct or rtt average >= latency_down_ms makes an UP link
 *   DEGRADED at once; loss >= loss_degraded_pct or rtt >=
 *   latency_degraded_ms does when it persists for max(up_ms, the time a
 *   window's worth of probes takes: window * ntargets / rate_pps, 6 s by
 *   default), so that 5% random loss seldom reads as 10%. Latency and loss
 *   never make a link DOWN by themselves. DEGRADED -> UP when loss stays
 *   below 80% of loss_degraded_pct and rtt below 80% of
 *   latency_degraded_ms for up_ms (hysteresis). Loss needs half the
 *   pooled window (at least HEALTH_MIN_LOSS_SAMPLES) of completed probes,
 *   rtt HEALTH_MIN_RTT_SAMPLES replies before it is judged.
 *
 * Not thread-safe; the functions may be called from any event callback.
 */
#ifndef UPLINKD_HEALTH_H
#define UPLINKD_HEALTH_H

#include <stdbool.h>
#include <stdint.h>

#include "conf.h"
#include "stats.h"

enum health_state {
	HEALTH_UNKNOWN,
	HEALTH_UP,
	HEALTH_DEGRADED,
	HEALTH_DOWN,
};

/* Why a link is DOWN: its probes, its carrier, or its own traffic
 * (health_traffic_down). NONE while it is not down. */
enum health_cause {
	HEALTH_CAUSE_NONE,
	HEALTH_CAUSE_PROBES,
	HEALTH_CAUSE_CARRIER,
	HEALTH_CAUSE_TRAFFIC,
};

#define HEALTH_REASON_MAX	160
#define HEALTH_MIN_LOSS_SAMPLES	10
#define HEALTH_MIN_RTT_SAMPLES	3

struct health_target {
	struct stats stats;
};

/* Link figures: the window pooled over the answering targets (over all
 * targets when none answers). */
struct health_figures {
	struct stats_figures f;		/* rtt_avg_us, jitter_us, loss_pct */
	unsigned int answering;		/* targets answering now */
	unsigned int ntargets;
	unsigned int loss_samples_min;	/* completed probes before loss is
					 * judged */
	bool has_reply;
	uint32_t last_rtt_us;		/* of the newest reply, any target */
	uint64_t last_reply_ms;
};

struct health {
	struct conf_probe conf;		/* copy; reliability clamped */
	unsigned int ntargets;
	struct health_target targets[CONF_MAX_TARGETS];
	enum health_state state;
	enum health_state prev_state;
	uint64_t since_ms;		/* of the last state change */
	uint64_t start_ms;		/* health_init */
	bool carrier;
	char reason[HEALTH_REASON_MAX];
	/* recovery run (DOWN), or the run that brought the link up */
	bool run;
	uint64_t run_since_ms;
	/* quality persistence while UP / DEGRADED */
	bool bad, good;
	unsigned int persist_ms;	/* mild crossing must last this long */
	uint64_t bad_since_ms;		/* UP: mild thresholds crossed */
	uint64_t good_since_ms;		/* DEGRADED: below exit thresholds */
	/* flap damping */
	unsigned int hold_ms;
	bool up_from_down;		/* came up from DOWN (not UNKNOWN) */
	uint64_t up_since_ms;		/* entered UP/DEGRADED */
	unsigned int ndown;		/* down events */
	enum health_cause cause;	/* of the current DOWN */
	/* traffic overrides (health_traffic_down): the hold a black-holing
	 * link must answer probes for before it is UP again (0: none yet) */
	unsigned int bh_hold_ms;
	bool bh_down;			/* this DOWN is a black hole's */
};

/*
 * p is copied. ntargets is clamped to CONF_MAX_TARGETS; target indexes
 * passed later are 0..ntargets-1 (others are ignored). The carrier is
 * assumed up until health_carrier says otherwise.
 */
void health_init(struct health *h, const struct conf_probe *p,
    unsigned int ntargets, uint64_t now_ms);
/* Returns true when the state changed (carrier loss acts at once). */
bool health_carrier(struct health *h, bool up, uint64_t now_ms);
void health_probe_sent(struct health *h, unsigned int target, uint16_t seq,
    uint64_t now_ms);
/* The reply's fate: only STATS_REPLY_OK counts; the others are ignored. */
enum stats_reply health_probe_reply(struct health *h, unsigned int target,
    uint16_t seq, uint32_t rtt_us, uint64_t now_ms);
/* Expire probes and apply the rules; true when the state changed. Call it
 * after every event and at health_next_deadline_ms. */
bool health_tick(struct health *h, uint64_t now_ms);
/*
 * Traffic overrides (passive health, fast detection): the link's own
 * traffic says it is dead although probes may still answer. From UP or
 * DEGRADED the link goes DOWN at once, with the same flap damping as a
 * probe down, and cause HEALTH_CAUSE_TRAFFIC; other states are left alone
 * (returns false). Probes still decide when it comes back, after the
 * damped hold. With black_hole (its new connections go unanswered while
 * its probes may still answer), the hold is at least bh_hold_ms, which
 * starts at base_hold_ms and doubles with each black-hole down that comes
 * less than 4 holds after the link came back from DOWN (up to 16 x
 * base_hold_ms; 30 s, 1, 2, 4, 8 min with the default): a link that keeps answering probes while black-holing
 * must not flap back at once. Returns true when the state changed.
 */
bool health_traffic_down(struct health *h, bool black_hole,
    unsigned int base_hold_ms, uint64_t now_ms, const char *why);
enum health_cause health_cause(const struct health *h);
/* Back UP (or DEGRADED) from a black-hole down for less than its hold:
 * passive health judges it on fewer connections then. */
bool health_on_probation(const struct health *h, uint64_t now_ms);
const char *health_cause_name(enum health_cause c);

/* When health_tick must run next at the latest; UINT64_MAX: no need. */
uint64_t health_next_deadline_ms(const struct health *h);

/*
 * An override from outside the probes, for a family that is not probing
 * (the carrier lost, no usable address or gateway, the interface gone):
 * the state is s from now_ms, for reason why. A struct health zeroed or
 * left by a probe that stopped holds the family's state as well as a
 * probing one: UNKNOWN at first. True when the state changed.
 */
bool health_set(struct health *h, enum health_state s, const char *why,
    uint64_t now_ms);
enum health_state health_state(const struct health *h);
enum health_state health_prev_state(const struct health *h);
/* Why the last state change happened, with figures; "" before any. */
const char *health_reason(const struct health *h);
/* Current hold time for DOWN -> UP (flap damping). */
unsigned int health_hold_ms(const struct health *h);
void health_figures(const struct health *h, uint64_t now_ms,
    struct health_figures *f);
/* Whole-window figures of one target; -EINVAL for a bad index. */
int health_target_figures(const struct health *h, unsigned int target,
    struct stats_figures *f);
const struct stats *health_target_stats(const struct health *h,
    unsigned int target);

/* Has target replied within down_ms of now_ms? */
bool health_target_answering(const struct health *h, unsigned int target,
    uint64_t now_ms);

const char *health_state_name(enum health_state s);

#endif
