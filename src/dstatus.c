/* SPDX-License-Identifier: ISC */
/*
 * The status snapshot (dstatus.h): filled from what the daemon holds,
 * never by asking the kernel but for the firewall's counters, sampled
 * each second.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "config.h"
#include "ctrack.h"
#include "dstatus.h"
#include "fwapply.h"
#include "probe.h"
#include "status.h"

/* The plan's MPTCP endpoint of this address, if any (conf mptcp). */
static void
mptcp_endpoint(const struct plan *p, struct status_family *sf)
{
	const struct mpath_ep *e = p && addr_is_set(&sf->addr) ?
	    mpath_find_addr(&p->mptcp, &sf->addr) : NULL;

	sf->mptcp_id = e ? e->id : 0;
	sf->mptcp_backup = e && (e->flags & MPATH_F_BACKUP);
}

static void
fill_family(const struct dlink_fam *f, const struct plan_family *pf,
    const struct conf_link *cl, struct status_family *sf)
{
	struct health_figures hf;
	uint64_t now = probe_now_ms();
	unsigned int i;

	memset(sf, 0, sizeof(*sf));
	sf->present = pf ? pf->usable : false;
	sf->state = dlink_state(f);
	sf->cause = health_cause(&f->health);
	sf->active = pf ? pf->active : false;
	sf->since_s = f->since_ms / 1000;
	sf->rtt_ms = sf->jitter_ms = sf->loss_pct = -1;
	if (pf) {
		sf->addr = pf->addr;
		sf->gateway = pf->gateway;
	}
	if (!f->probe)
		return;
	{
		struct probe_counters pc;

		probe_get_counters(f->probe, &pc);
		sf->probes_sent = pc.sent;
		sf->probe_replies = pc.replies;
		sf->probes_ignored = pc.ignored;
		sf->probes_forged = pc.forged;
		sf->probes_malformed = pc.malformed;
	}
	health_figures(&f->health, now, &hf);
	if (hf.f.replied) {
		sf->rtt_ms = hf.f.rtt_avg_us / 1000.0;
		sf->jitter_ms = hf.f.jitter_us / 1000.0;
	}
	if (hf.f.replied + hf.f.lost)
		sf->loss_pct = hf.f.loss_pct;
	for (i = 0; i < cl->probe.ntargets; i++) {
		struct status_target *t;
		struct stats_figures tf;
		unsigned int hi;

		if (cl->probe.targets[i].family != f->family ||
		    sf->ntargets >= CONF_MAX_TARGETS)
			continue;
		hi = f->tmap[i];
		t = &sf->targets[sf->ntargets++];
		t->addr = cl->probe.targets[i];
		t->answering = health_target_answering(&f->health, hi, now);
		t->rtt_ms = t->jitter_ms = t->loss_pct = -1;
		if (health_target_figures(&f->health, hi, &tf) == 0) {
			if (tf.replied) {
				t->rtt_ms = tf.rtt_avg_us / 1000.0;
				t->jitter_ms = tf.jitter_us / 1000.0;
			}
			if (tf.replied + tf.lost)
				t->loss_pct = tf.loss_pct;
		}
	}
}

/* Rate in bytes per second over the ring's span. */
static double
ring_rate(const uint64_t *ring, unsigned int n)
{
	unsigned int span = n > DLINK_RATE_S ? DLINK_RATE_S : n - 1;
	uint64_t newest, oldest;

	if (n < 2)
		return 0;
	newest = ring[(n - 1) % (DLINK_RATE_S + 1)];
	oldest = ring[(n - 1 - span) % (DLINK_RATE_S + 1)];
	return newest >= oldest ? (double)(newest - oldest) / span : 0;
}

static void
fill_policies(const struct dstatus_in *d, struct status *s)
{
	const struct conf *c = d->conf;
	unsigned int i, j;

	s->policies = calloc(c->npolicies + 1, sizeof(*s->policies));
	if (!s->policies)
		return;
	/* the default policy: every link, the global balance */
	for (i = 0; i <= c->npolicies; i++) {
		struct status_policy *sp = &s->policies[i];
		const struct conf_policy *cp = i ? &c->policies[i - 1] : NULL;
		size_t len = 0;

		snprintf(sp->name, sizeof(sp->name), "%s", cp ? cp->name :
		    "default");
		sp->balance = conf_balance_name(cp ? cp->balance : c->balance);
		sp->sticky_s = cp ? cp->sticky_s : 0;
		for (j = 0; j < (cp ? cp->nlinks : c->nlinks); j++) {
			unsigned int k = cp ? cp->links[j] : j;
			const struct plan_link *pl;

			if (!d->plan || k >= d->plan->nlinks)
				continue;
			pl = &d->plan->links[k];
			if (!pl->v4.active && !pl->v6.active)
				continue;
			len += snprintf(sp->links_now + len,
			    len < sizeof(sp->links_now) ?
			    sizeof(sp->links_now) - len : 0, "%s%s",
			    len ? "," : "", c->links[k].name);
		}
	}
	s->npolicies = c->npolicies + 1;
}

static void
fill_counts(const struct dstatus_in *d, struct status *s)
{
	struct ctrack_fresh cf;

	s->version = UPLINKD_VERSION;
	s->now_s = time(NULL);
	s->started_s = d->counts->started_s;
	s->reconciles = d->counts->reconciles;
	s->reconcile_errors = d->counts->reconcile_errors;
	s->resyncs = d->counts->resyncs;
	s->last_reconcile_ms = d->counts->last_reconcile_us / 1000.0;
	if (d->plan) {
		s->failopen4 = d->plan->failopen4;
		s->failopen6 = d->plan->failopen6;
	}
	ctrack_freshness(d->ctrack, &cf);
	s->conntrack_synced = cf.synced;
	s->conntrack_live = cf.live;
	s->conntrack_age_s = cf.age_ms / 1000.0;
	s->conntrack_events = cf.events;
	s->conntrack_flushes = cf.flushes;
	s->conntrack_flush_errors = cf.flush_errors;
}

static void
fill_link(const struct dstatus_in *d, unsigned int i, struct status_link *sl)
{
	const struct conf *c = d->conf;
	const struct dlink *l = &d->links->v[i];
	const struct plan_link *pl = d->plan && i < d->plan->nlinks ?
	    &d->plan->links[i] : NULL;

	snprintf(sl->name, sizeof(sl->name), "%s", l->conf->name);
	snprintf(sl->ifname, sizeof(sl->ifname), "%s", l->conf->ifname);
	sl->weight = pl ? pl->weight : l->conf->weight;
	sl->weight_auto = l->conf->weight_auto;
	sl->capacity_bps = l->conf->weight_auto && l->cap.started &&
	    l->cap.cap_bps > 0 ? l->cap.cap_bps : -1;
	sl->saturated = l->conf->weight_auto && l->cap.saturated;
	sl->tier = l->conf->tier;
	memcpy(sl->dns, l->conf->dns, sizeof(sl->dns));
	sl->ndns = l->conf->ndns;
	sl->mark = conf_link_mark(c, l->conf);
	sl->table = conf_link_table(c, l->conf);
	sl->carrier = l->carrier;
	sl->drained = l->drained;
	fill_family(&l->v4, pl ? &pl->v4 : NULL, l->conf, &sl->v4);
	fill_family(&l->v6, pl ? &pl->v6 : NULL, l->conf, &sl->v6);
	mptcp_endpoint(pl ? d->plan : NULL, &sl->v4);
	mptcp_endpoint(pl ? d->plan : NULL, &sl->v6);
	sl->tx_bytes = l->tx_bytes;
	sl->rx_bytes = l->rx_bytes;
	sl->tx_packets = l->tx_packets;
	sl->rx_packets = l->rx_packets;
	sl->tx_bps = ring_rate(l->ring_tx, l->ring_n);
	sl->rx_bps = ring_rate(l->ring_rx, l->ring_n);
	sl->connections = ctrack_connections(d->ctrack, l->conf->id);
	sl->state_changes = l->v4.changes + l->v6.changes;
}

/* The snapshot: O(links), connections per link included (kept by
 * ctrack from conntrack events, never counted here). */
static void
fill(const struct dstatus_in *d, struct status *s)
{
	double total = 0;
	unsigned int i, n = d->links->n;

	memset(s, 0, sizeof(*s));
	fill_counts(d, s);
	s->links = calloc(n ? n : 1, sizeof(*s->links));
	if (!s->links)
		return;
	s->nlinks = n;
	for (i = 0; i < n; i++) {
		fill_link(d, i, &s->links[i]);
		total += s->links[i].tx_bps + s->links[i].rx_bps;
	}
	for (i = 0; i < s->nlinks; i++)
		s->links[i].share_pct = total > 0 ? 100.0 *
		    (s->links[i].tx_bps + s->links[i].rx_bps) / total : 0;
	fill_policies(d, s);

	/* the last state changes, oldest first */
	s->events = calloc(DNOTIFY_EVENTS_MAX, sizeof(*s->events));
	if (s->events)
		s->nevents = dnotify_events(d->notify, s->events);
}

static void
status_free(struct status *s)
{
	free(s->links);
	free(s->policies);
	free(s->events);
}

json_t *
dstatus_json(const struct dstatus_in *in)
{
	struct status s;
	json_t *j;

	fill(in, &s);
	j = status_to_json(&s);
	status_free(&s);
	if (j && json_object_set_new(j, "ha", json_pack("{s:s}", "role",
	    ha_role_name(in->ha_role))) < 0) {
		json_decref(j);
		return NULL;
	}
	return j;
}

json_t *
dstatus_rates_json(const struct dstatus_in *in)
{
	struct status st;
	json_t *j;

	fill(in, &st);
	j = status_rates_to_json(&st);
	status_free(&st);
	return j;
}

json_t *
dstatus_exec_info(const struct dstatus_in *d, const char *link)
{
	char a[ADDR_STRLEN];
	json_t *addrs;
	unsigned int i;

	for (i = 0; i < d->conf->nlinks; i++) {
		const struct conf_link *cl = &d->conf->links[i];
		const struct plan_link *pl;

		if (strcmp(cl->name, link) != 0)
			continue;
		addrs = json_array();
		if (d->plan && i < d->plan->nlinks) {
			pl = &d->plan->links[i];
			if (pl->v4.usable)
				json_array_append_new(addrs, json_string(
				    addr_str(&pl->v4.addr, a)));
			if (pl->v6.usable)
				json_array_append_new(addrs, json_string(
				    addr_str(&pl->v6.addr, a)));
		}
		return json_pack("{s:s, s:s, s:I, s:o}", "link", cl->name,
		    "interface", cl->ifname, "mark",
		    (json_int_t)conf_link_mark(d->conf, cl), "addresses", addrs);
	}
	return NULL;
}

void
dstatus_sample(struct dlink_set *s, const struct fw_counter *fc, int n)
{
	const struct fw_counter *c;
	unsigned int k;

	for (k = 0; k < s->n; k++) {
		struct dlink *l = &s->v[k];

		if ((c = fwread_find(fc, n, l->conf->name)) != NULL) {
			l->tx_bytes = c->tx_bytes;
			l->rx_bytes = c->rx_bytes;
			l->tx_packets = c->tx_packets;
			l->rx_packets = c->rx_packets;
		}
		l->ring_tx[l->ring_n % (DLINK_RATE_S + 1)] = l->tx_bytes;
		l->ring_rx[l->ring_n % (DLINK_RATE_S + 1)] = l->rx_bytes;
		l->ring_n++;
	}
}
