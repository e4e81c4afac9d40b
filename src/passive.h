/* SPDX-License-Identifier: ISC */
/*
 * Passive health: per link, the new connections that go unanswered. The
 * firewall counts, by each connection's link mark, the new TCP
 * connections (first SYNs) and the SYN-ACKs received, the new UDP flows
 * and the replies received before a flow is assured (fw_passive.c). Fed
 * those counters once a second, passive_judge names the links to take
 * out: a link whose new connections of one protocol went unanswered over
 * the shortest recent span (of at most PASSIVE_WINDOW_S seconds) holding
 * at least PASSIVE_MIN_NEW of them, answered at most PASSIVE_LOW_PCT,
 * while those of another link in service were answered over its own such
 * span (at least PASSIVE_MIN_WITNESS new, answered at least
 * PASSIVE_OK_PCT). A link just back from such a verdict is on probation:
 * PASSIVE_MIN_NEW_PROBATION unanswered are enough. The short span lets a
 * link that was healthy a moment ago be judged within seconds, not after
 * its old answers age out. A link alone in service, or every link
 * failing alike (the servers, not the links), is never taken out.
 *
 * Pure: no clocks, no I/O. Not thread-safe.
 */
#ifndef UPLINKD_PASSIVE_H
#define UPLINKD_PASSIVE_H

#include <stdbool.h>
#include <stdint.h>

#include "conf.h"

#define PASSIVE_WINDOW_S	10
#define PASSIVE_MIN_NEW		4
#define PASSIVE_MIN_NEW_PROBATION 2	/* a link just back from a black
					 * hole */
#define PASSIVE_LOW_PCT		10
#define PASSIVE_MIN_WITNESS	3
#define PASSIVE_OK_PCT		50
#define PASSIVE_WHY_MAX		128

enum passive_proto {
	PASSIVE_TCP,
	PASSIVE_UDP,
};
#define PASSIVE_NPROTO	2

/* One link's counters (packets, monotonic but for a table rebuilt). */
struct passive_counts {
	uint64_t sent[PASSIVE_NPROTO];	/* new connections */
	uint64_t answered[PASSIVE_NPROTO];	/* SYN-ACKs, UDP replies */
};

struct passive_link {
	struct passive_counts ring[PASSIVE_WINDOW_S + 1];
	unsigned int n;		/* samples since it came into service */
	bool probation;		/* judged on PASSIVE_MIN_NEW_PROBATION */
};

struct passive {
	unsigned int nlinks;
	struct passive_link links[CONF_MAX_LINKS];
};

/* What a window says of one protocol of one link. */
struct passive_figures {
	uint64_t sent[PASSIVE_NPROTO], answered[PASSIVE_NPROTO];
	unsigned int span_s[PASSIVE_NPROTO];	/* seconds they cover */
};

void passive_init(struct passive *p, unsigned int nlinks);
/* One sample of link i, each second. in_service: the link is UP or
 * DEGRADED now; a link out of service forgets its window, so that it is
 * judged afresh on what it does after coming back. A counter that went
 * back (table rebuilt) starts the window again. */
void passive_sample(struct passive *p, unsigned int i,
    const struct passive_counts *c, bool in_service);
/* Link i is back from a black-hole down (health_on_probation): the first
 * PASSIVE_MIN_NEW_PROBATION new connections unanswered are enough. */
void passive_probation(struct passive *p, unsigned int i, bool on);
/* Link i's figures, per protocol: the counts' differences over the
 * shortest span back from the newest sample in which at least `enough`
 * were sent (else the whole window); answered capped at sent. */
void passive_figures(const struct passive *p, unsigned int i,
    uint64_t enough, struct passive_figures *f);
/* After each round of samples: out[i] is set for each link to take out,
 * why[i] says why ("tcp: 6/6 new unanswered in 2 s; isp2 answered
 * 6/6"). names: the links' names, for the text. Returns how many. */
unsigned int passive_judge(const struct passive *p, const char *const *names,
    bool *out, char (*why)[PASSIVE_WHY_MAX]);

#endif
