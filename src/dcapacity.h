/* SPDX-License-Identifier: ISC */
/*
 * weight = auto in the running daemon: the thin shell that reads each
 * link's counters and gives them, with its probes' RTTs, to its estimator
 * (capacity.h) every DCAPACITY_SAMPLE_MS, so that new weights follow a
 * change of load or capacity within a fraction of a second; and when the
 * young connections (ctyoung.h) changed, at most every
 * DCAPACITY_PLACE_MS, places the next ones (capacity_place). Knows nothing of the daemon: it
 * calls changed() when the weights in force changed, and the daemon plans
 * again.
 */
#ifndef UPLINKD_DCAPACITY_H
#define UPLINKD_DCAPACITY_H

#include <stdbool.h>
#include <stdint.h>

#include <systemd/sd-event.h>

#include "capacity.h"
#include "conf.h"
#include "dlink.h"

#define DCAPACITY_SAMPLE_MS	250	/* with weight = auto */
#define DCAPACITY_PLACE_MS	50	/* placements at most this often */
#define DCAPACITY_IDLE_MS	1000	/* without: only to see a reload */
#define DCAPACITY_RTT_MS	500	/* the probes' RTT of this long */

struct dcapacity;
struct ctrack;

/* Estimators for the links of s; *confp is the config in force, read at
 * each sample (a reload replaces it); *ctp follows the connections (NULL:
 * placement by the learned weights alone); changed(ud) when the weights
 * in force changed. NULL on error (errno). */
struct dcapacity *dcapacity_new(sd_event *ev, struct dlink_set *s,
    struct conf *const *confp, struct ctrack *const *ctp,
    void (*changed)(void *ud), void *ud);
void dcapacity_free(struct dcapacity *dc);

#endif
