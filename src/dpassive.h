/* SPDX-License-Identifier: ISC */
/*
 * The daemon's side of passive health and fast detection: it feeds the
 * firewall's per-link counters, sampled each second by dstatus.c, to
 * passive.c and fastdown.c, samples busy links every FASTDOWN_SAMPLE_MS
 * on a timer of its own (one netlink dump of the counters each time, only
 * while some link is busy), and takes the links they name out through
 * dlink_traffic_down. Called from the loop's callbacks; knows nothing of
 * the daemon.
 */
#ifndef UPLINKD_DPASSIVE_H
#define UPLINKD_DPASSIVE_H

#include <systemd/sd-event.h>

#include "conf.h"
#include "dlink.h"
#include "fwapply.h"

struct dpassive;

/* Passive health over the links of s; *confp is the config in force,
 * read at each use (a reload replaces it). NULL when out of memory. */
struct dpassive *dpassive_new(sd_event *ev, struct dlink_set *s,
    struct conf *const *confp);
/* The counters of one second (n entries of fwread_counters; n < 0: the
 * read failed). */
void dpassive_sample(struct dpassive *p, const struct fw_counter *fc, int n);
void dpassive_free(struct dpassive *p);

#endif
