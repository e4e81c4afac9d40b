/* SPDX-License-Identifier: ISC */
/*
 * Prometheus text exposition (format 0.0.4) of the status JSON: one
 * HELP/TYPE header per family followed by all of its samples, label values
 * escaped, figures in base units (seconds, ratios). Pure; see metrics.h.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "metrics.h"

static const char *const families[] = { "ipv4", "ipv6" };
static const char *const states[] = { "up", "degraded", "down", "unknown" };

#define NFAMILIES (sizeof(families) / sizeof(families[0]))
#define NSTATES (sizeof(states) / sizeof(states[0]))
static const char *const causes[] = { "probes", "carrier", "traffic" };
#define NCAUSES (sizeof(causes) / sizeof(causes[0]))

enum metric_type {
	METRIC_GAUGE,
	METRIC_COUNTER,
};

static void
header(FILE *f, const char *name, enum metric_type type, const char *help)
{
	const char *t = "gauge";

	switch (type) {
	case METRIC_GAUGE:
		t = "gauge";
		break;
	case METRIC_COUNTER:
		t = "counter";
		break;
	}
	/* help texts are ours: no backslash or newline to escape */
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, t);
}

static void
label(FILE *f, bool first, const char *name, const char *value)
{
	const char *p;

	fprintf(f, "%s%s=\"", first ? "" : ",", name);
	for (p = value; *p; p++) {
		if (*p == '\\')
			fputs("\\\\", f);
		else if (*p == '"')
			fputs("\\\"", f);
		else if (*p == '\n')
			fputs("\\n", f);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

static const char *
str(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : "";
}

static void
value(FILE *f, double v)
{
	if (isnan(v))
		fputs(" NaN\n", f);
	else if (isinf(v))
		fputs(v > 0 ? " +Inf\n" : " -Inf\n", f);
	else
		fprintf(f, " %.9g\n", v);
}

static void
uvalue(FILE *f, json_t *v)
{
	json_int_t n = json_is_integer(v) ? json_integer_value(v) : 0;

	fprintf(f, " %" PRIu64 "\n", n > 0 ? (uint64_t)n : 0);
}

/* A per-link, per-family gauge taken from a member of the family object,
 * times scale; left out where the member is not a number. */
static void
family_gauge(FILE *f, json_t *links, const char *name, const char *help,
    const char *member, double scale)
{
	json_t *l, *fam, *v;
	size_t i, k;

	header(f, name, METRIC_GAUGE, help);
	json_array_foreach(links, i, l)
		for (k = 0; k < NFAMILIES; k++) {
			fam = json_object_get(l, families[k]);
			v = json_object_get(fam, member);
			if (!json_is_object(fam) || !json_is_number(v))
				continue;
			fprintf(f, "%s{", name);
			label(f, true, "link", str(l, "name"));
			label(f, false, "family", families[k]);
			fputc('}', f);
			value(f, json_number_value(v) * scale);
		}
}

/* A per-link counter or gauge of an integer member of the link. */
static void
link_integer(FILE *f, json_t *links, const char *name, enum metric_type t,
    const char *help, const char *member, bool with_iface)
{
	json_t *l;
	size_t i;

	header(f, name, t, help);
	json_array_foreach(links, i, l) {
		fprintf(f, "%s{", name);
		label(f, true, "link", str(l, "name"));
		if (with_iface)
			label(f, false, "interface", str(l, "interface"));
		fputc('}', f);
		uvalue(f, json_object_get(l, member));
	}
}

/* A per-link gauge of a member, left out where it is not a number. */
static void
link_gauge(FILE *f, json_t *links, const char *name, const char *help,
    const char *member)
{
	json_t *l, *v;
	size_t i;

	header(f, name, METRIC_GAUGE, help);
	json_array_foreach(links, i, l) {
		if (!json_is_number(v = json_object_get(l, member)))
			continue;
		fprintf(f, "%s{", name);
		label(f, true, "link", str(l, "name"));
		fputc('}', f);
		value(f, json_number_value(v));
	}
}

static void
global(FILE *f, json_t *st, const char *name, enum metric_type t,
    const char *help, const char *member, double scale)
{
	json_t *v = json_object_get(st, member);

	if (!json_is_number(v))
		return;
	header(f, name, t, help);
	fputs(name, f);
	if (json_is_integer(v) && scale == 1)
		uvalue(f, v);
	else
		value(f, json_number_value(v) * scale);
}

static void
link_states(FILE *f, json_t *links)
{
	json_t *l, *fam;
	size_t i, k, s;

	header(f, "uplinkd_link_up", METRIC_GAUGE,
	    "Whether the link is usable (state up or degraded).");
	json_array_foreach(links, i, l)
		for (k = 0; k < NFAMILIES; k++) {
			const char *state;

			if (!json_is_object(fam = json_object_get(l,
			    families[k])))
				continue;
			state = str(fam, "state");
			fputs("uplinkd_link_up{", f);
			label(f, true, "link", str(l, "name"));
			label(f, false, "interface", str(l, "interface"));
			label(f, false, "family", families[k]);
			fprintf(f, "} %d\n", strcmp(state, "up") == 0 ||
			    strcmp(state, "degraded") == 0);
		}
	header(f, "uplinkd_link_state", METRIC_GAUGE,
	    "The link's health state (one-hot).");
	json_array_foreach(links, i, l)
		for (k = 0; k < NFAMILIES; k++) {
			if (!json_is_object(fam = json_object_get(l,
			    families[k])))
				continue;
			for (s = 0; s < NSTATES; s++) {
				fputs("uplinkd_link_state{", f);
				label(f, true, "link", str(l, "name"));
				label(f, false, "family", families[k]);
				label(f, false, "state", states[s]);
				fprintf(f, "} %d\n", strcmp(str(fam, "state"),
				    states[s]) == 0);
			}
		}
	header(f, "uplinkd_link_down_cause", METRIC_GAUGE,
	    "Why the link is down (one-hot; all 0 while it is not down).");
	json_array_foreach(links, i, l)
		for (k = 0; k < NFAMILIES; k++) {
			json_t *c;

			if (!json_is_object(fam = json_object_get(l,
			    families[k])))
				continue;
			c = json_object_get(fam, "down_cause");
			for (s = 0; s < NCAUSES; s++) {
				fputs("uplinkd_link_down_cause{", f);
				label(f, true, "link", str(l, "name"));
				label(f, false, "family", families[k]);
				label(f, false, "cause", causes[s]);
				fprintf(f, "} %d\n", json_is_string(c) &&
				    strcmp(json_string_value(c), causes[s]) ==
				    0);
			}
		}
	header(f, "uplinkd_link_active", METRIC_GAUGE,
	    "Whether the link takes new connections now.");
	json_array_foreach(links, i, l)
		for (k = 0; k < NFAMILIES; k++) {
			if (!json_is_object(fam = json_object_get(l,
			    families[k])))
				continue;
			fputs("uplinkd_link_active{", f);
			label(f, true, "link", str(l, "name"));
			label(f, false, "family", families[k]);
			fprintf(f, "} %d\n",
			    json_is_true(json_object_get(fam, "active")));
		}
	header(f, "uplinkd_link_drained", METRIC_GAUGE,
	    "Whether the link is drained by the administrator.");
	json_array_foreach(links, i, l) {
		fputs("uplinkd_link_drained{", f);
		label(f, true, "link", str(l, "name"));
		fprintf(f, "} %d\n",
		    json_is_true(json_object_get(l, "drained")));
	}
}

int
metrics_write(json_t *st, FILE *f)
{
	json_t *links = json_object_get(st, "links");

	if (!json_is_object(st) || !json_is_array(links))
		return -EINVAL;
	header(f, "uplinkd_info", METRIC_GAUGE, "uplinkd's version.");
	fputs("uplinkd_info{", f);
	label(f, true, "version", str(st, "version"));
	fputs("} 1\n", f);
	global(f, st, "uplinkd_start_time_seconds", METRIC_GAUGE,
	    "When uplinkd started, in unix seconds.", "started", 1);
	if (json_is_string(json_object_get(json_object_get(st, "ha"),
	    "role"))) {
		header(f, "uplinkd_ha_role", METRIC_GAUGE, "The VRRP role "
		    "keepalived last told (none: never told).");
		fputs("uplinkd_ha_role{", f);
		label(f, true, "role", json_string_value(json_object_get(
		    json_object_get(st, "ha"), "role")));
		fputs("} 1\n", f);
	}
	link_states(f, links);
	family_gauge(f, links, "uplinkd_link_rtt_seconds",
	    "Average probe round-trip time over the window.", "rtt_ms", 1e-3);
	family_gauge(f, links, "uplinkd_link_jitter_seconds",
	    "Probe round-trip time jitter over the window.", "jitter_ms",
	    1e-3);
	family_gauge(f, links, "uplinkd_link_loss_ratio",
	    "Share of probes lost over the window.", "loss_pct", 1e-2);
	link_integer(f, links, "uplinkd_link_tx_bytes_total", METRIC_COUNTER,
	    "Bytes sent over the link.", "tx_bytes", true);
	link_integer(f, links, "uplinkd_link_rx_bytes_total", METRIC_COUNTER,
	    "Bytes received over the link.", "rx_bytes", true);
	link_integer(f, links, "uplinkd_link_tx_packets_total",
	    METRIC_COUNTER, "Packets sent over the link.", "tx_packets", true);
	link_integer(f, links, "uplinkd_link_rx_packets_total",
	    METRIC_COUNTER, "Packets received over the link.", "rx_packets",
	    true);
	link_integer(f, links, "uplinkd_link_connections", METRIC_GAUGE,
	    "Tracked connections marked with the link.", "connections",
	    false);
	link_gauge(f, links, "uplinkd_link_weight", "The link's weight for "
	    "new connections (weight = auto: the learned one).", "weight");
	link_gauge(f, links, "uplinkd_link_capacity_bps", "weight = auto: the "
	    "link's learned capacity, bits per second.", "capacity_bps");
	link_integer(f, links, "uplinkd_link_state_changes_total",
	    METRIC_COUNTER, "Health state changes since uplinkd started.",
	    "state_changes", false);
	global(f, st, "uplinkd_reconciles_total", METRIC_COUNTER,
	    "Reconciles of the kernel with the plan.", "reconciles", 1);
	global(f, st, "uplinkd_reconcile_errors_total", METRIC_COUNTER,
	    "Reconciles that failed.", "reconcile_errors", 1);
	global(f, st, "uplinkd_reconcile_duration_seconds", METRIC_GAUGE,
	    "How long the last reconcile took.", "last_reconcile_ms", 1e-3);
	global(f, st, "uplinkd_netlink_resyncs_total", METRIC_COUNTER,
	    "Full netlink dumps after a lost event (ENOBUFS).",
	    "netlink_resyncs", 1);
	global(f, st, "uplinkd_connections_counted_age_seconds", METRIC_GAUGE,
	    "Age of the full conntrack count that the connection figures "
	    "follow from (kept from events since).",
	    "connections_counted_age_s", 1);
	if (json_is_boolean(json_object_get(st, "connections_live"))) {
		header(f, "uplinkd_connections_live", METRIC_GAUGE,
		    "Whether no conntrack event was lost since that count.");
		fprintf(f, "uplinkd_connections_live %d\n",
		    json_is_true(json_object_get(st, "connections_live")));
	}
	global(f, st, "uplinkd_conntrack_events_total", METRIC_COUNTER,
	    "Conntrack events applied to the connection figures.",
	    "conntrack_events", 1);
	global(f, st, "uplinkd_conntrack_flushes_total", METRIC_COUNTER,
	    "Flushes of a dead link's connections.", "conntrack_flushes", 1);
	global(f, st, "uplinkd_conntrack_flush_errors_total", METRIC_COUNTER,
	    "Flushes that failed (each is retried).",
	    "conntrack_flush_errors", 1);
	return ferror(f) ? -EIO : 0;
}
