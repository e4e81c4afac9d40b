/* SPDX-License-Identifier: ISC */
/*
 * A snapshot of the daemon's state for people and programs: filled by the
 * daemon, turned into the status JSON of DESIGN.md (status_to_json), and
 * from that JSON into the text table of `uplinkctl status`, the event lines
 * of `uplinkctl watch` and the Prometheus text of `uplinkctl metrics`
 * (so the client and the daemon's HTTP endpoint render the same data).
 * Pure: no I/O besides writing to a FILE the caller gives.
 */
#ifndef UPLINKD_STATUS_H
#define UPLINKD_STATUS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "addr.h"
#include "conf.h"
#include "health.h"

struct status_target {
	struct addr addr;
	bool answering;			/* replied within the window */
	double rtt_ms, jitter_ms, loss_pct;	/* < 0: no data */
};

struct status_family {
	bool present;			/* the link has this family */
	enum health_state state;
	enum health_cause cause;	/* why it is DOWN */
	bool active;			/* takes new connections now */
	uint64_t since_s;		/* unix seconds of the last change */
	struct addr addr, gateway;
	unsigned int mptcp_id;		/* its MPTCP endpoint (conf mptcp);
					 * 0: none of uplinkd's */
	bool mptcp_backup;
	double rtt_ms, jitter_ms, loss_pct;	/* < 0: no data */
	struct status_target targets[CONF_MAX_TARGETS];
	unsigned int ntargets;
	/* the probe socket's counters: echo requests sent, replies taken,
	 * packets ignored (not ours: id, sequence, source), malformed, or
	 * forged (our id and sequence with a wrong tag) */
	uint64_t probes_sent, probe_replies, probes_ignored, probes_malformed;
	uint64_t probes_forged;
};

struct status_link {
	char name[CONF_NAME_MAX];
	char ifname[IFNAMSIZ];
	unsigned int weight, tier;	/* weight: in force (auto: learned) */
	bool weight_auto;		/* weight = auto */
	double capacity_bps;		/* learned, bits/s; <= 0: not yet */
	bool saturated;			/* learned: a queue has formed */
	uint32_t mark, table;
	bool carrier, drained;
	struct status_family v4, v6;
	struct addr dns[CONF_MAX_DNS];	/* its resolvers (conf dns) */
	unsigned int ndns;
	uint64_t tx_bytes, rx_bytes, tx_packets, rx_packets;
	double tx_bps, rx_bps;		/* bytes per second, last 10 s */
	double share_pct;		/* of all links' tx+rx bytes, 10 s */
	unsigned int connections;	/* conntrack entries with its mark */
	uint64_t state_changes;		/* since start */
};

struct status_policy {
	char name[CONF_NAME_MAX];
	const char *balance;
	unsigned int sticky_s;
	char links_now[512];		/* in use now: "isp1,isp2" */
};

struct status_event {
	uint64_t when_s;
	uint64_t when_ms;		/* the same in unix milliseconds; 0:
					 * not known */
	char link[CONF_NAME_MAX];
	char family;			/* '4' or '6' */
	enum health_state from, to;
	enum health_cause cause;	/* to DOWN: why */
	char reason[160];
};

struct status {
	const char *version;
	uint64_t now_s, started_s;
	struct status_link *links;	unsigned int nlinks;
	struct status_policy *policies;	unsigned int npolicies;
	struct status_event *events;	unsigned int nevents; /* oldest
								 * first */
	uint64_t reconciles, reconcile_errors, resyncs;
	double last_reconcile_ms;
	bool failopen4, failopen6;
	/* how fresh "connections" is: kept from conntrack events since a
	 * full count conntrack_age_s ago (synced: one has completed; live:
	 * no event lost since) */
	bool conntrack_synced, conntrack_live;
	double conntrack_age_s;
	uint64_t conntrack_events, conntrack_flushes, conntrack_flush_errors;
};

/*
 * The status JSON (new reference; NULL when out of memory):
 *
 * {"version":S, "now":UNIX_S, "started":UNIX_S,
 *  "links":[{"name":S, "interface":S, "state":"up|down|degraded|unknown",
 *    "active":B, "drained":B, "carrier":B, "weight":N, "tier":N,
 *    "mark":N, "table":N, "since":UNIX_S, "rtt_ms":F|null,
 *    "jitter_ms":F|null, "loss_pct":F|null, "tx_bytes":N, "rx_bytes":N,
 *    "tx_packets":N, "rx_packets":N, "tx_bytes_per_s":F,
 *    "rx_bytes_per_s":F, "share_pct":F, "connections":N,
 *    "state_changes":N,
 *    "ipv4":FAMILY|null, "ipv6":FAMILY|null}],
 *  "down_cause":"probes|carrier|traffic|drain"|null,
 *  "policies":[{"name":S, "balance":S, "sticky_s":N, "links":[S...]}],
 *  "events":[EVENT...]  (oldest first),
 *  "reconciles":N, "reconcile_errors":N, "netlink_resyncs":N,
 *  "last_reconcile_ms":F, "failopen":{"ipv4":B, "ipv6":B},
 *  "connections_counted_age_s":F|null, "connections_live":B,
 *  "conntrack_events":N, "conntrack_flushes":N,
 *  "conntrack_flush_errors":N}
 *
 * A link's "connections" is kept from the kernel's conntrack events and
 * corrected by a full count, made off the loop, at start, after lost
 * events and every 10 minutes at least: "connections_counted_age_s" is the
 * age of that count (null: none yet), and "connections_live" says no event
 * was lost since (else the figures may be off until the next count).
 *
 * FAMILY: {"state":S, "down_cause":"probes|carrier|traffic"|null,
 *   "active":B, "since":UNIX_S, "address":S|null,
 *   "gateway":S|null, "rtt_ms":F|null, "jitter_ms":F|null,
 *   "loss_pct":F|null, "targets":[{"address":S, "answering":B,
 *   "rtt_ms":F|null, "jitter_ms":F|null, "loss_pct":F|null}]}
 * EVENT: {"time":UNIX_S, "time_ms":UNIX_MS|null, "link":S, "family":"ipv4|ipv6", "from":S,
 *   "to":S, "cause":"probes|carrier|traffic"|null, "reason":S}
 *
 * "down_cause" says why a link is down: its probes stopped answering, its
 * carrier went, or its own traffic (passive health: new connections
 * unanswered while other links answer; fast detection: nothing received
 * while busy); at the top of a link also "drain" for a drained link.
 *
 * "state"/"active"/"since"/"rtt_ms"/"jitter_ms"/"loss_pct" at the top of a
 * link are those of IPv4 when the link has IPv4, else of IPv6. Figures
 * below zero in struct status (no data) are null.
 */
json_t *status_to_json(const struct status *s);
/* One EVENT as above; `watch` streams it as {"event":EVENT}. */
json_t *status_event_to_json(const struct status_event *ev);
/* {"time":UNIX_S, "links":[{"name":S, "tx_bytes_per_s":F,
 * "rx_bytes_per_s":F, "share_pct":F}]}; `watch` streams {"rates":...}. */
json_t *status_rates_to_json(const struct status *s);

/*
 * Text for people, rendered from the JSON above (so uplinkctl needs no
 * daemon structs); members missing from the JSON print as "-". Times are
 * local; durations are measured to the JSON's "now". color: ANSI colours
 * for states. status_print_link returns -ENOENT when no link has that
 * name, else 0.
 */
void status_print_text(json_t *status, FILE *f, bool color);
int status_print_link(json_t *status, const char *link, FILE *f);
/* One line for `uplinkctl watch`: an EVENT, and a rates object. */
void status_print_event(json_t *event, FILE *f);
void status_print_rates(json_t *rates, FILE *f);

/* Human formats (buf of STATUS_FMT_MAX bytes; returns buf): "3m12s",
 * "1.2 MB", "12.1ms". */
#define STATUS_FMT_MAX 32
const char *status_fmt_duration(uint64_t s, char *buf);
const char *status_fmt_bytes(double bytes, char *buf);
const char *status_fmt_ms(double ms, char *buf);

#endif
