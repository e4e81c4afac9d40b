/* SPDX-License-Identifier: ISC */
/*
 * The daemon's face to the control socket: it fills the status snapshot
 * (status.h) from the plan, the links' health and the firewall's counters,
 * samples those counters each second for the 10-second rates, and answers
 * the control requests (status, reload, drain, exec) and watchers.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "config.h"
#include "ctrack.h"
#include "control.h"
#include "daemon.h"
#include "dlink.h"
#include "fwapply.h"
#include "log.h"
#include "probe.h"
#include "status.h"

#define SAMPLE_US	1000000ULL

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
	sf->state = f->state;
	sf->active = pf ? pf->active : false;
	sf->since_s = f->since_s;
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
fill_policies(struct daemon *d, struct status *s)
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

			if (!d->have_plan || k >= d->plan.nlinks)
				continue;
			pl = &d->plan.links[k];
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

/* The snapshot: O(links), connections per link included (kept by
 * ctrack from conntrack events, never counted here). */
static void
fill(struct daemon *d, struct status *s)
{
	const struct conf *c = d->conf;
	struct ctrack_fresh cf;
	double total = 0;
	unsigned int i;

	memset(s, 0, sizeof(*s));
	s->version = UPLINKD_VERSION;
	s->now_s = time(NULL);
	s->started_s = d->started_s;
	s->reconciles = d->reconciles;
	s->reconcile_errors = d->reconcile_errors;
	s->resyncs = d->resyncs;
	s->last_reconcile_ms = d->last_reconcile_us / 1000.0;
	if (d->have_plan) {
		s->failopen4 = d->plan.failopen4;
		s->failopen6 = d->plan.failopen6;
	}
	ctrack_freshness(d->ctrack, &cf);
	s->conntrack_synced = cf.synced;
	s->conntrack_live = cf.live;
	s->conntrack_age_s = cf.age_ms / 1000.0;
	s->conntrack_events = cf.events;
	s->conntrack_flushes = cf.flushes;
	s->conntrack_flush_errors = cf.flush_errors;

	s->links = calloc(c->nlinks ? c->nlinks : 1, sizeof(*s->links));
	if (!s->links)
		return;
	s->nlinks = c->nlinks;
	for (i = 0; i < c->nlinks; i++) {
		const struct dlink *l = &d->links[i];
		const struct plan_link *pl = d->have_plan &&
		    i < d->plan.nlinks ? &d->plan.links[i] : NULL;
		struct status_link *sl = &s->links[i];

		snprintf(sl->name, sizeof(sl->name), "%s", l->conf->name);
		snprintf(sl->ifname, sizeof(sl->ifname), "%s",
		    l->conf->ifname);
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
		mptcp_endpoint(pl ? &d->plan : NULL, &sl->v4);
		mptcp_endpoint(pl ? &d->plan : NULL, &sl->v6);
		sl->tx_bytes = l->tx_bytes;
		sl->rx_bytes = l->rx_bytes;
		sl->tx_packets = l->tx_packets;
		sl->rx_packets = l->rx_packets;
		sl->tx_bps = ring_rate(l->ring_tx, l->ring_n);
		sl->rx_bps = ring_rate(l->ring_rx, l->ring_n);
		total += sl->tx_bps + sl->rx_bps;
		sl->connections = ctrack_connections(d->ctrack, l->conf->id);
		sl->state_changes = l->v4.changes + l->v6.changes;
	}
	for (i = 0; i < s->nlinks; i++)
		s->links[i].share_pct = total > 0 ? 100.0 *
		    (s->links[i].tx_bps + s->links[i].rx_bps) / total : 0;
	fill_policies(d, s);

	/* the last state changes, oldest first */
	{
		unsigned int n = d->nevents < DAEMON_EVENTS_MAX ? d->nevents :
		    DAEMON_EVENTS_MAX;

		s->events = calloc(n ? n : 1, sizeof(*s->events));
		if (!s->events)
			return;
		for (i = 0; i < n; i++)
			s->events[i] = d->events[(d->nevents - n + i) %
			    DAEMON_EVENTS_MAX];
		s->nevents = n;
	}
}

static void
status_free(struct status *s)
{
	free(s->links);
	free(s->policies);
	free(s->events);
}

json_t *
daemon_status_json(struct daemon *d)
{
	struct status s;
	json_t *j;

	fill(d, &s);
	j = status_to_json(&s);
	status_free(&s);
	if (j && json_object_set_new(j, "ha", json_pack("{s:s}", "role",
	    ha_role_name(d->ha_role))) < 0) {
		json_decref(j);
		return NULL;
	}
	return j;
}

static json_t *
op_status(void *ud)
{
	return daemon_status_json(ud);
}

static int
op_reload(void *ud, char **errors)
{
	size_t len = 0;
	FILE *f = open_memstream(errors, &len);
	int rc;

	rc = daemon_reload(ud, f);
	if (f)
		fclose(f);
	if (rc == 0) {
		free(*errors);
		*errors = NULL;
	}
	return rc;
}

static int
op_drain(void *ud, const char *link, bool drained)
{
	return daemon_drain(ud, link, drained);
}

static json_t *
op_exec_info(void *ud, const char *link)
{
	struct daemon *d = ud;
	char a[ADDR_STRLEN];
	json_t *j, *addrs;
	unsigned int i;

	for (i = 0; i < d->conf->nlinks; i++) {
		const struct conf_link *cl = &d->conf->links[i];
		const struct plan_link *pl;

		if (strcmp(cl->name, link) != 0)
			continue;
		addrs = json_array();
		if (d->have_plan && i < d->plan.nlinks) {
			pl = &d->plan.links[i];
			if (pl->v4.usable)
				json_array_append_new(addrs, json_string(
				    addr_str(&pl->v4.addr, a)));
			if (pl->v6.usable)
				json_array_append_new(addrs, json_string(
				    addr_str(&pl->v6.addr, a)));
		}
		j = json_pack("{s:s, s:s, s:I, s:o}", "link", cl->name,
		    "interface", cl->ifname, "mark",
		    (json_int_t)conf_link_mark(d->conf, cl), "addresses", addrs);
		return j;
	}
	return NULL;
}

static int
op_ha(void *ud, const char *role)
{
	return dlink_ha_role(ud, role);
}

static const struct control_ops ops = {
	.ha = op_ha,
	.status = op_status,
	.reload = op_reload,
	.drain = op_drain,
	.exec_info = op_exec_info,
};

/* Each second: the firewall's counters into each link's ring; every other
 * second the rates to watchers. */
static int
sample_cb(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct daemon *d = userdata;
	struct fw_counter fc[CONF_MAX_LINKS];
	int n, i;
	unsigned int k;

	ctrack_tick(d->ctrack);
	n = fw_read_counters(fc, CONF_MAX_LINKS);
	for (k = 0; k < d->conf->nlinks; k++) {
		struct dlink *l = &d->links[k];

		for (i = 0; i < n; i++)
			if (strcmp(fc[i].link, l->conf->name) == 0) {
				l->tx_bytes = fc[i].tx_bytes;
				l->rx_bytes = fc[i].rx_bytes;
				l->tx_packets = fc[i].tx_packets;
				l->rx_packets = fc[i].rx_packets;
			}
		l->ring_tx[l->ring_n % (DLINK_RATE_S + 1)] = l->tx_bytes;
		l->ring_rx[l->ring_n % (DLINK_RATE_S + 1)] = l->rx_bytes;
		l->ring_n++;
	}
	dcap_sample(d, probe_now_ms());
	if (d->control && control_watching(d->control) &&
	    d->links && d->conf->nlinks && d->links[0].ring_n % 2 == 0) {
		struct status st;
		json_t *j;

		fill(d, &st);
		j = status_rates_to_json(&st);
		control_broadcast_rates(d->control, j);
		json_decref(j);
		status_free(&st);
	}
	sd_event_source_set_time(s, usec + SAMPLE_US);
	return 0;
}

void
daemon_event_posted(struct daemon *d, const struct status_event *ev)
{
	json_t *j;

	if (!d->control || !control_watching(d->control))
		return;
	j = status_event_to_json(ev);
	control_broadcast_event(d->control, j);
	json_decref(j);
}

int
daemon_control_start(struct daemon *d)
{
	uint64_t now;
	int rc;

	d->started_s = time(NULL);
	d->control = control_new(d->ev, d->conf->socket_path,
	    d->conf->socket_group, &ops, d);
	if (!d->control) {
		rc = -errno;
		log_warnx("control socket %s: %s", d->conf->socket_path,
		    strerror(-rc));
		return rc;
	}
	if (d->conf->metrics_listen &&
	    (rc = control_metrics_set(d->control,
	    d->conf->metrics_listen)) < 0) {
		log_warnx("metrics-listen %s: %s", d->conf->metrics_listen,
		    strerror(-rc));
		return rc;
	}
	sd_event_now(d->ev, CLOCK_MONOTONIC, &now);
	if ((rc = sd_event_add_time(d->ev, &d->sample_src, CLOCK_MONOTONIC,
	    now + SAMPLE_US, 10000, sample_cb, d)) < 0)
		return rc;
	return sd_event_source_set_enabled(d->sample_src, SD_EVENT_ON);
}

static bool
same_str(const char *a, const char *b)
{
	return (!a || !*a) ? (!b || !*b) : (b && strcmp(a, b) == 0);
}

int
daemon_control_reload(struct daemon *d, const struct conf *nc, FILE *errf)
{
	const char *opt = NULL;
	int rc;

	/* made at start, before privileges are dropped: a new path could
	 * not be given its group (no CAP_CHOWN any more) */
	if (!same_str(nc->socket_path, d->conf->socket_path))
		opt = "socket";
	else if (!same_str(nc->socket_group, d->conf->socket_group))
		opt = "socket-group";
	if (opt) {
		log_warnx("reload: %s: changed; it takes effect only at start, "
		    "restart uplinkd to change it; keeping the running "
		    "configuration", opt);
		if (errf)
			fprintf(errf, "%s: %s changed: restart uplinkd to change "
			    "it; reload refused\n", d->conf_path, opt);
		return -EINVAL;
	}
	if (!d->control)
		return 0;
	if ((rc = control_metrics_set(d->control, nc->metrics_listen)) < 0) {
		log_warnx("reload: metrics-listen %s: %s; keeping the running "
		    "configuration", nc->metrics_listen, strerror(-rc));
		if (errf)
			fprintf(errf, "%s: metrics-listen %s: %s; reload "
			    "refused\n", d->conf_path, nc->metrics_listen,
			    strerror(-rc));
		return rc;
	}
	return 0;
}

void
daemon_control_stop(struct daemon *d)
{
	d->sample_src = sd_event_source_disable_unref(d->sample_src);
	control_free(d->control);
	d->control = NULL;
}
