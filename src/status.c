/* SPDX-License-Identifier: ISC */
/*
 * The daemon's snapshot as JSON (status_to_json, for the control socket;
 * status_text.c turns that JSON into text for people). Pure: no clock;
 * durations are measured to the snapshot's "now".
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "status.h"

/* ---- JSON ---- */

static json_t *
num_or_null(double v)
{
	return v < 0 || isnan(v) ? json_null() : json_real(v);
}

static json_t *
u64(uint64_t v)
{
	return json_integer(v > INT64_MAX ? INT64_MAX : (json_int_t)v);
}

static json_t *
addr_or_null(const struct addr *a)
{
	char buf[ADDR_STRLEN];

	if (a->family != AF_INET && a->family != AF_INET6)
		return json_null();
	return json_string(addr_str(a, buf));
}

/* Why the family is down; null when it is not. */
static json_t *
cause_json(const struct status_family *fam)
{
	if (fam->state != HEALTH_DOWN || fam->cause == HEALTH_CAUSE_NONE)
		return json_null();
	return json_string(health_cause_name(fam->cause));
}

static json_t *
family_json(const struct status_family *fam)
{
	json_t *o, *targets, *t;
	unsigned int i;
	char buf[ADDR_STRLEN];

	if (!fam->present)
		return json_null();
	if (!(targets = json_array()))
		return NULL;
	for (i = 0; i < fam->ntargets && i < CONF_MAX_TARGETS; i++) {
		const struct status_target *st = &fam->targets[i];

		t = json_pack("{s:s,s:b,s:o,s:o,s:o}",
		    "address", addr_str(&st->addr, buf),
		    "answering", st->answering,
		    "rtt_ms", num_or_null(st->rtt_ms),
		    "jitter_ms", num_or_null(st->jitter_ms),
		    "loss_pct", num_or_null(st->loss_pct));
		if (!t || json_array_append_new(targets, t) < 0) {
			json_decref(targets);
			return NULL;
		}
	}
	o = json_pack("{s:s,s:b,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,"
	    "s:{s:o,s:o,s:o,s:o,s:o}}",
	    "state", health_state_name(fam->state),
	    "active", fam->active,
	    "since", u64(fam->since_s),
	    "address", addr_or_null(&fam->addr),
	    "gateway", addr_or_null(&fam->gateway),
	    "mptcp", fam->mptcp_id ? json_pack("{s:i,s:b}", "id", fam->mptcp_id,
	    "backup", fam->mptcp_backup) : json_null(),
	    "rtt_ms", num_or_null(fam->rtt_ms),
	    "jitter_ms", num_or_null(fam->jitter_ms),
	    "loss_pct", num_or_null(fam->loss_pct),
	    "targets", targets,
	    "probes", "sent", u64(fam->probes_sent),
	    "replies", u64(fam->probe_replies),
	    "ignored", u64(fam->probes_ignored),
	    "malformed", u64(fam->probes_malformed),
	    "forged", u64(fam->probes_forged));
	if (o && json_object_set_new(o, "down_cause", cause_json(fam)) < 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* ["198.19.1.53", ...]: the link's resolvers */
static json_t *
dns_json(const struct status_link *l)
{
	char buf[ADDR_STRLEN];
	json_t *a = json_array();
	unsigned int i;

	for (i = 0; a && i < l->ndns; i++)
		if (json_array_append_new(a, json_string(addr_str(&l->dns[i],
		    buf))) < 0) {
			json_decref(a);
			return NULL;
		}
	return a;
}

static json_t *
link_json(const struct status_link *l)
{
	const struct status_family *top = l->v4.present || !l->v6.present ?
	    &l->v4 : &l->v6;
	json_t *o, *v4, *v6;

	if (!(v4 = family_json(&l->v4)))
		return NULL;
	if (!(v6 = family_json(&l->v6))) {
		json_decref(v4);
		return NULL;
	}
	o = json_pack("{s:s,s:s,s:s,s:b,s:b,s:b,s:I,s:I,s:I,s:I,s:o,"
	    "s:o,s:o,s:o}",
	    "name", l->name,
	    "interface", l->ifname,
	    "state", health_state_name(top->state),
	    "active", top->active,
	    "drained", l->drained,
	    "carrier", l->carrier,
	    "weight", (json_int_t)l->weight,
	    "tier", (json_int_t)l->tier,
	    "mark", (json_int_t)l->mark,
	    "table", (json_int_t)l->table,
	    "since", u64(top->since_s),
	    "rtt_ms", num_or_null(top->rtt_ms),
	    "jitter_ms", num_or_null(top->jitter_ms),
	    "loss_pct", num_or_null(top->loss_pct));
	if (!o) {
		json_decref(v4);
		json_decref(v6);
		return NULL;
	}
	if (json_object_update_new(o, json_pack("{s:o,s:o,s:o,s:o,s:f,s:f,"
	    "s:f,s:I,s:o,s:o,s:o}",
	    "tx_bytes", u64(l->tx_bytes),
	    "rx_bytes", u64(l->rx_bytes),
	    "tx_packets", u64(l->tx_packets),
	    "rx_packets", u64(l->rx_packets),
	    "tx_bytes_per_s", l->tx_bps < 0 ? 0.0 : l->tx_bps,
	    "rx_bytes_per_s", l->rx_bps < 0 ? 0.0 : l->rx_bps,
	    "share_pct", l->share_pct < 0 ? 0.0 : l->share_pct,
	    "connections", (json_int_t)l->connections,
	    "state_changes", u64(l->state_changes),
	    "ipv4", v4, "ipv6", v6)) < 0 ||
	    json_object_update_new(o, json_pack("{s:b,s:o,s:b}",
	    "weight_auto", l->weight_auto,
	    "capacity_bps", l->capacity_bps <= 0 ? json_null() :
	    json_integer((json_int_t)l->capacity_bps),
	    "saturated", l->saturated)) < 0 ||
	    json_object_set_new(o, "dns", dns_json(l)) < 0 ||
	    json_object_set_new(o, "down_cause", top->state == HEALTH_DOWN ?
	    cause_json(top) : l->drained ? json_string("drain") :
	    json_null()) < 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *
policy_json(const struct status_policy *p)
{
	json_t *links;
	char buf[sizeof(p->links_now)], *tok, *save = NULL;

	if (!(links = json_array()))
		return NULL;
	snprintf(buf, sizeof(buf), "%s", p->links_now);
	for (tok = strtok_r(buf, ", ", &save); tok;
	    tok = strtok_r(NULL, ", ", &save))
		if (json_array_append_new(links, json_string(tok)) < 0) {
			json_decref(links);
			return NULL;
		}
	return json_pack("{s:s,s:s,s:I,s:o}", "name", p->name,
	    "balance", p->balance ? p->balance : "",
	    "sticky_s", (json_int_t)p->sticky_s, "links", links);
}

json_t *
status_event_to_json(const struct status_event *ev)
{
	return json_pack("{s:o,s:o,s:s,s:s,s:s,s:s,s:o,s:s}",
	    "time", u64(ev->when_s),
	    "time_ms", ev->when_ms ? u64(ev->when_ms) : json_null(),
	    "link", ev->link,
	    "family", ev->family == '6' ? "ipv6" : "ipv4",
	    "from", health_state_name(ev->from),
	    "to", health_state_name(ev->to),
	    "cause", ev->to == HEALTH_DOWN && ev->cause != HEALTH_CAUSE_NONE ?
	    json_string(health_cause_name(ev->cause)) : json_null(),
	    "reason", ev->reason);
}

/* Build an array with one element per item; NULL when out of memory. */
#define ARRAY_OF(arr, n, fn) ({						\
	json_t *a_ = json_array();					\
	unsigned int i_;						\
	for (i_ = 0; a_ && i_ < (n); i_++)				\
		if (json_array_append_new(a_, fn(&(arr)[i_])) < 0) {	\
			json_decref(a_);				\
			a_ = NULL;					\
		}							\
	a_;								\
})

json_t *
status_to_json(const struct status *s)
{
	json_t *links, *policies, *events;

	links = ARRAY_OF(s->links, s->nlinks, link_json);
	policies = ARRAY_OF(s->policies, s->npolicies, policy_json);
	events = ARRAY_OF(s->events, s->nevents, status_event_to_json);
	if (!links || !policies || !events) {
		json_decref(links);
		json_decref(policies);
		json_decref(events);
		return NULL;
	}
	return json_pack("{s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:f,"
	    "s:{s:b,s:b},s:o,s:b,s:o,s:o,s:o}",
	    "version", s->version ? s->version : "",
	    "now", u64(s->now_s),
	    "started", u64(s->started_s),
	    "links", links,
	    "policies", policies,
	    "events", events,
	    "reconciles", u64(s->reconciles),
	    "reconcile_errors", u64(s->reconcile_errors),
	    "netlink_resyncs", u64(s->resyncs),
	    "last_reconcile_ms", s->last_reconcile_ms < 0 ? 0.0 :
	    s->last_reconcile_ms,
	    "failopen", "ipv4", s->failopen4, "ipv6", s->failopen6,
	    "connections_counted_age_s", s->conntrack_synced ?
	    json_real(s->conntrack_age_s) : json_null(),
	    "connections_live", s->conntrack_live,
	    "conntrack_events", u64(s->conntrack_events),
	    "conntrack_flushes", u64(s->conntrack_flushes),
	    "conntrack_flush_errors", u64(s->conntrack_flush_errors));
}

json_t *
status_rates_to_json(const struct status *s)
{
	json_t *links, *l;
	unsigned int i;

	if (!(links = json_array()))
		return NULL;
	for (i = 0; i < s->nlinks; i++) {
		l = json_pack("{s:s,s:f,s:f,s:f,s:I,s:o}", "name",
		    s->links[i].name,
		    "tx_bytes_per_s", s->links[i].tx_bps,
		    "rx_bytes_per_s", s->links[i].rx_bps,
		    "share_pct", s->links[i].share_pct,
		    "weight", (json_int_t)s->links[i].weight,
		    "capacity_bps", s->links[i].capacity_bps <= 0 ? json_null() :
		    json_integer((json_int_t)s->links[i].capacity_bps));
		if (json_array_append_new(links, l) < 0) {
			json_decref(links);
			return NULL;
		}
	}
	return json_pack("{s:o,s:o}", "time", u64(s->now_s), "links", links);
}
