/* SPDX-License-Identifier: ISC */
/*
 * The firewall's I/O: runs the text fw_render wrote as one libnftables
 * transaction (fwapply.c), and reads back what table `inet uplinkd` holds,
 * the named per-link counters and the names of its objects (fwread.c: one
 * filtered netlink dump each, whose cost does not grow with the sticky
 * sets' elements). Blocking; called from the main loop, never from a
 * netlink callback.
 */
#ifndef UPLINKD_FWAPPLY_H
#define UPLINKD_FWAPPLY_H

#include <stdint.h>

#include "conf.h"
#include "fw.h"

struct fw_counter {
	char link[CONF_NAME_MAX];
	uint64_t tx_packets, tx_bytes;
	uint64_t rx_packets, rx_bytes;
	uint64_t passive[FW_PASSIVE_NKINDS];	/* packets (fw_passive.c) */
};

/* Run text as one transaction: all of it or nothing. 0, or -EINVAL with
 * nft's message logged, or -ENOMEM. */
int fwapply_load(const char *text);

/* The same, checked by the kernel but not committed (dry run). */
int fwapply_check(const char *text);

/* Delete table inet uplinkd; 0 also when it did not exist. */
int fwapply_remove(void);

/*
 * The per-link counters, one entry per link name found (tx and rx joined),
 * in the kernel's order, at most n. Returns the number of entries, 0 when
 * the table does not exist, or -errno.
 */
int fwread_counters(struct fw_counter *out, unsigned int n);
/* Link's entry of the n that fwread_counters gave, or NULL. */
const struct fw_counter *fwread_find(const struct fw_counter *fc, int n,
    const char *link);

/* The chains, counters and sets the table holds now, to pass to fw_render
 * as `have` (empty when the table does not exist). 0 or -errno; free with
 * fw_objs_free. */
int fwread_objects(struct fw_objs *out);

#endif
