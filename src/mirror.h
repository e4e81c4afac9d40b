/* SPDX-License-Identifier: ISC */
/*
 * The kernel mirror's rules (pure, no I/O): which netlink messages of a
 * dump or of the event stream a struct kstate keeps, and how an event
 * changes it, including what the kernel changes without telling (the
 * nexthops of a device that goes down or loses carrier, the IPv4 routes of
 * a device that goes down). rt.c feeds it from its sockets; the
 * netlink_stream fuzzer feeds it arbitrary bytes.
 */
#ifndef UPLINKD_MIRROR_H
#define UPLINKD_MIRROR_H

#include <net/if.h>
#include <stdint.h>

#include <linux/netlink.h>

#include "kobj.h"

#define MIRROR_NEIGH_IFS 256

struct mirror_filter {
	/* every route of tables table_lo..table_hi; of the other tables
	 * (but local) only default routes */
	uint32_t table_lo, table_hi;
	/* neighbour entries of these interfaces only: a LAN's hosts would
	 * churn the mirror */
	char neigh_if[MIRROR_NEIGH_IFS][IFNAMSIZ];
	unsigned int nneigh_if;
};

/* Default: no table range, no neighbours. */
void mirror_filter_init(struct mirror_filter *f);
void mirror_filter_neighs(struct mirror_filter *f,
    const char *const *ifnames, unsigned int n);	/* copied; at most
							 * MIRROR_NEIGH_IFS */

/*
 * One event (RTM_NEW* or RTM_DEL*) applied to *s. 1 if *s changed, 0 if
 * not (a repeat, filtered out, or of a type the mirror ignores), -EINVAL
 * (malformed: skipped) or -ENOMEM. A dump's messages (RTM_NEW*) go through
 * here too, into an empty state: the kernel dumps links before the
 * nexthops and routes a link's state could flush.
 */
int mirror_event(struct kstate *s, const struct mirror_filter *f,
    const struct nlmsghdr *nlh);

#endif
