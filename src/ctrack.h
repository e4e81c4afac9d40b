/* SPDX-License-Identifier: ISC */
/*
 * ctrack is the daemon's view of the conntrack table, at a cost that never
 * grows with it on the event loop: it follows the event stream into a
 * ctcount (connections per uplink, served from memory), and runs what does
 * grow, the full counts that correct it and the flushes of a dead uplink's
 * connections, one at a time in a child process (job.h). A failed flush is
 * retried with backoff until it succeeds or is cancelled. Every function
 * may be called from any callback of the loop and returns at once.
 */
#ifndef UPLINKD_CTRACK_H
#define UPLINKD_CTRACK_H

#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-event.h>

struct ctrack;

struct ctrack_fresh {
	bool synced;		/* a full count has completed */
	bool live;		/* ... and no event was lost since */
	uint64_t age_ms;	/* since that count started */
	uint64_t events;	/* events applied, ever */
	uint64_t counts;	/* full counts made, ever */
	uint64_t flushes, flush_errors;
};

/* mask: the fwmark mask. NULL with errno set on failure. */
struct ctrack *ctrack_new(sd_event *e, uint32_t mask);
/* Kill any running job; pending flushes are dropped. */
void ctrack_free(struct ctrack *t);
/* The fwmark mask changed (a reload): count afresh. */
void ctrack_set_mask(struct ctrack *t, uint32_t mask);
/* Delete the entries of family whose mark (under the mask) is mark, off
 * the loop; link names it in the log. Queued behind a running job. */
void ctrack_flush(struct ctrack *t, const char *link, int family,
    uint32_t mark);
/* The link is back: a flush of it that has not started is dropped. */
void ctrack_flush_cancel(struct ctrack *t, int family, uint32_t mark);
/* About once a second: start a full count when one is due. */
void ctrack_tick(struct ctrack *t);
/* Connections whose mark is slot (mark >> the mask's lowest bit). */
uint64_t ctrack_connections(const struct ctrack *t, unsigned int slot);
void ctrack_freshness(const struct ctrack *t, struct ctrack_fresh *f);

struct ctyoung;
/* Follow the young connections per uplink (ctyoung.h), for weight = auto:
 * on opens a second event socket, for the closes, and calls cb(ud) (if
 * not NULL) whenever an event changed the young counts; off frees it
 * all. */
void ctrack_young_on(struct ctrack *t, bool on, void (*cb)(void *ud),
    void *ud);
/* The young connections now; NULL when off (or it could not start). */
const struct ctyoung *ctrack_young(struct ctrack *t);

#endif
