/* SPDX-License-Identifier: ISC */
/*
 * weight = auto in the running daemon: the thin shell that gives each
 * link's counters and probe RTTs to its estimator (capacity.h) each
 * second. Knows nothing of the daemon: it says when the learned weights
 * changed, and the daemon plans again.
 */
#ifndef UPLINKD_DCAPACITY_H
#define UPLINKD_DCAPACITY_H

#include <stdbool.h>
#include <stdint.h>

#include "capacity.h"
#include "conf.h"
#include "dlink.h"

/* After the counters of the links of s (config c) are read: one sample
 * each; true when the weights in force changed (a plan must follow). */
bool dcapacity_sample(struct dlink_set *s, struct capacity_set *cs,
    const struct conf *c, uint64_t now_ms);

#endif
