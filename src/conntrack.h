/* SPDX-License-Identifier: ISC */
/*
 * Connection tracking by uplink: the conntrack mark carries the uplink a
 * connection uses (fw.c). Flushing a dead uplink's connections makes their
 * next packet start over on a live one; counting them per mark gives the
 * status its connections per link. I/O (libnetfilter_conntrack), both
 * address families, blocking; not to be called from a netlink callback.
 */
#ifndef UPLINKD_CONNTRACK_H
#define UPLINKD_CONNTRACK_H

#include <stdint.h>

/* Delete every entry of family (AF_INET, AF_INET6, or AF_UNSPEC for both)
 * whose ct mark & mask == mark. Returns the number
 * deleted, or -errno. */
int conntrack_flush_mark(int family, uint32_t mark, uint32_t mask);

/*
 * Count entries by (ct mark & mask) >> shift into counts[0..ncounts-1]
 * (zeroed first; values past the end are not counted). Returns the number
 * of entries seen in all, or -errno.
 */
int conntrack_count_marks(uint32_t mask, unsigned int *counts,
    unsigned int ncounts, unsigned int shift);

#endif
