/* SPDX-License-Identifier: ISC */
/*
 * ctcount keeps the number of tracked connections per uplink without ever
 * walking the conntrack table on the event loop: it follows the kernel's
 * NEW and DESTROY events (one O(1) update each) and is corrected, rarely,
 * by a full count made off the loop (a resync). It decides when a resync
 * is due: at start, after lost events, when its total drifts from the
 * kernel's own count (entries created before anyone listened send no
 * DESTROY event), and every CTCOUNT_RESYNC_MS at least (a mark changed in
 * mid-life is seen only by a full count). Pure: no I/O, no clock; now_ms
 * is given. Also the parser of one conntrack event message.
 */
#ifndef UPLINKD_CTCOUNT_H
#define UPLINKD_CTCOUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CTCOUNT_SLOTS		256	/* (mark & mask) >> shift, 8 bits */
#define CTCOUNT_RESYNC_MS	600000	/* a full count at least this often */
#define CTCOUNT_MIN_GAP_MS	30000	/* and never more often (but after
					 * lost events) */
#define CTCOUNT_LOST_GAP_MS	5000	/* after lost events, at most this
					 * often (an event storm) */
#define CTCOUNT_DRIFT_MIN	64	/* entries the total may be off by */
#define CTCOUNT_DRIFT_PCT	1	/* ... or this share of it */

struct ctcount {
	uint32_t mask;
	unsigned int shift;
	int64_t n[CTCOUNT_SLOTS];	/* entries per slot; 0: unmarked */
	int64_t total;
	/* during a full count: what events changed since it started */
	bool counting;
	int64_t delta[CTCOUNT_SLOTS];
	int64_t delta_total;
	bool synced;			/* a full count has completed */
	bool lost;			/* events lost since the last count */
	bool stale;			/* count again now (a flush ended) */
	uint64_t synced_ms;		/* when the last full count started */
	uint64_t events;		/* events applied, ever */
	unsigned int drifts;		/* consecutive checks found drift */
};

enum ctcount_kind {
	CTCOUNT_NEW,
	CTCOUNT_DESTROY,
	CTCOUNT_UPDATE,		/* of an entry: counts nothing here */
};

/* One conntrack event, parsed. */
struct ctcount_ev {
	enum ctcount_kind kind;
	uint32_t mark;		/* 0: none */
	uint32_t id;		/* the entry's id; 0: none */
	int tcp_state;		/* TCP_CONNTRACK_*; -1: not given */
	int proto;		/* the original tuple's; -1: not given */
};

/* mask: the fwmark mask (non-zero); slots are (mark & mask) >> its lowest
 * set bit, up to CTCOUNT_SLOTS. */
void ctcount_init(struct ctcount *c, uint32_t mask);
void ctcount_event(struct ctcount *c, enum ctcount_kind kind, uint32_t mark);
/* Events were lost: counts are approximate until the next full count. */
void ctcount_lost(struct ctcount *c);
/* Many entries went at once (a flush; their events may be missing):
 * count again as soon as possible. */
void ctcount_stale(struct ctcount *c);
/* A full count starts now (made off the loop; events keep coming). */
void ctcount_count_begin(struct ctcount *c, uint64_t now_ms);
/* It ended: n[CTCOUNT_SLOTS] entries per slot (NULL: it failed). The
 * counts become the full count plus the events seen meanwhile. */
void ctcount_count_end(struct ctcount *c, const uint64_t *n);
/*
 * Should a full count start now? kernel_total is the namespace's entry
 * count (nf_conntrack_count; negative: unknown). Call about once a second:
 * drift must be seen on two calls in a row.
 */
bool ctcount_due(struct ctcount *c, int64_t kernel_total, uint64_t now_ms);
/* Connections marked with slot (0 when unknown or negative). */
uint64_t ctcount_get(const struct ctcount *c, unsigned int slot);

/*
 * One ctnetlink event message (struct nlmsghdr first, len bytes): its
 * kind, ct mark, id and TCP state. 0, -ENOMSG (not a conntrack event) or
 * -EINVAL (malformed).
 */
int ctcount_parse_event(const void *msg, size_t len, struct ctcount_ev *ev);
/* A TCP entry that has closed: TIME_WAIT or CLOSE. */
bool ctcount_ev_closed(const struct ctcount_ev *ev);
/* An entry that may carry load: not ICMP (probes, pings). */
bool ctcount_ev_load(const struct ctcount_ev *ev);

#endif
