/* SPDX-License-Identifier: ISC */
/*
 * The daemon's side of passive health and fast detection: it feeds the
 * firewall's per-link counters, sampled each second by dstatus.c, to
 * passive.c and fastdown.c, samples busy links every FASTDOWN_SAMPLE_MS
 * on a timer of its own (one netlink dump of the counters each time, only
 * while some link is busy), and takes the links they name out through
 * dlink_traffic_down. Called from the loop's callbacks.
 */
#ifndef UPLINKD_DPASSIVE_H
#define UPLINKD_DPASSIVE_H

#include "daemon.h"
#include "fwapply.h"

/* The counters of one second (n entries of fw_read_counters; n < 0: the
 * read failed). Makes the state on first use and after a reload. */
void dpassive_sample(struct daemon *d, const struct fw_counter *fc, int n);
void dpassive_free(struct daemon *d);

#endif
