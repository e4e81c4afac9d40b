/* SPDX-License-Identifier: ISC */
/*
 * Connection tracking by uplink, the kernel side: the conntrack mark
 * carries the uplink a connection uses (fw.c). I/O, both address
 * families. The event stream is read on the loop, a bounded number of
 * messages per call; the flush and the full count are blocking requests
 * whose cost grows with the table, made in a child (job.h), never on the
 * loop.
 */
#ifndef UPLINKD_CONNTRACK_H
#define UPLINKD_CONNTRACK_H

#include <stdint.h>

#include "ctcount.h"

/* A non-blocking socket on the NEW and DESTROY event groups with a large
 * receive buffer: the fd, or -errno. */
int conntrack_events_open(void);
/* The same on the UPDATE group, for the TCP entries that close (TIME_WAIT
 * or CLOSE) only; the fd, or -errno. */
int conntrack_closes_open(void);
/*
 * Hand at most budget waiting events to fn. Returns the number read, or
 * -ENOBUFS when the kernel dropped events (read on: the socket works
 * again), or another -errno.
 */
int conntrack_events_read(int fd, unsigned int budget,
    void (*fn)(void *ud, const struct ctcount_ev *ev), void *ud);

/* Blocking (for a job): delete every entry of family (AF_INET or AF_INET6)
 * whose ct mark & mask == mark, in one request that the kernel carries
 * out alone. 0 or -errno. */
int conntrack_flush_mark(int family, uint32_t mark, uint32_t mask);

/* Blocking (for a job): count every entry by (ct mark & mask) >> the
 * mask's lowest bit into n[CTCOUNT_SLOTS] (values past the end count as
 * slot 0). 0 or -errno. */
int conntrack_count_marks(uint32_t mask, uint64_t *n);

/* The namespace's number of entries (nf_conntrack_count), or -errno. */
int64_t conntrack_kernel_count(void);

#endif
