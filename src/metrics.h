/* SPDX-License-Identifier: ISC */
/*
 * The status JSON (status.h) as Prometheus text exposition format 0.0.4,
 * for `uplinkctl metrics` and the daemon's optional HTTP endpoint. Pure:
 * writes only to the FILE it is given.
 */
#ifndef UPLINKD_METRICS_H
#define UPLINKD_METRICS_H

#include <jansson.h>
#include <stdio.h>

#define METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/*
 * Families written (label values escaped per the format; a figure the
 * JSON has no data for is left out):
 *   uplinkd_info{version}					gauge 1
 *   uplinkd_link_up{link,interface,family}			gauge 1/0
 *   uplinkd_link_state{link,family,state}			gauge, one-hot
 *   uplinkd_link_active{link,family}				gauge 1/0
 *   uplinkd_link_drained{link}					gauge 1/0
 *   uplinkd_link_rtt_seconds{link,family}			gauge
 *   uplinkd_link_jitter_seconds{link,family}			gauge
 *   uplinkd_link_loss_ratio{link,family}			gauge 0..1
 *   uplinkd_link_{tx,rx}_{bytes,packets}_total{link,interface}	counter
 *   uplinkd_link_connections{link}				gauge
 *   uplinkd_link_state_changes_total{link}			counter
 *   uplinkd_reconciles_total, uplinkd_reconcile_errors_total,
 *   uplinkd_netlink_resyncs_total				counter
 *   uplinkd_reconcile_duration_seconds (the last one)		gauge
 *   uplinkd_start_time_seconds					gauge
 * Returns 0, -EINVAL when status is not an object with a "links" array,
 * or -EIO when writing failed.
 */
int metrics_write(json_t *status, FILE *f);

#endif
