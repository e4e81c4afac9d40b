/* SPDX-License-Identifier: ISC */
/*
 * weight = auto in the daemon: every DCAPACITY_SAMPLE_MS the firewall's
 * counters are read (one netlink dump) and each link's bytes and recent
 * probe RTTs go to its estimator (capacity.h); when the learned weights
 * change, the daemon is told, and its reconcile renders them into the
 * policy chains and the nexthop groups, in the one nftables transaction
 * and netlink diff of any plan. At each sample, and between them when
 * conntrack events changed the young connections per link (at most every
 * DCAPACITY_PLACE_MS), the next connections are placed (weighted least
 * connections, capacity_place). Connections already placed keep their
 * link: the choice lives in their conntrack mark.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctrack.h"
#include "ctyoung.h"
#include "dcapacity.h"
#include "fwapply.h"
#include "log.h"
#include "probe.h"

struct dcapacity {
	sd_event_source *src, *place_src;
	struct dlink_set *links;
	struct conf *const *confp;
	struct ctrack *const *ctp;
	struct capacity_set set;
	uint64_t young_gen, young_born;	/* at the last placement */
	uint64_t placed_us;		/* when */
	void (*changed)(void *ud);
	void *ud;
};

/* Of the link's probes (all targets, v4 first): the median RTT of those
 * sent in the last DCAPACITY_RTT_MS (a standing queue, one there more than
 * half the time, raises it) and the least RTT of all in the stats windows;
 * -1: none answered. */
static void
link_rtt_ms(const struct dlink *l, uint64_t now_ms, double *median,
    double *least)
{
	const struct dlink_fam *fams[2] = { &l->v4, &l->v6 };
	const struct stats *st;
	const struct stats_probe *p;
	uint32_t v[64], x, lo = UINT32_MAX;
	unsigned int i, t, k, j, n = 0;

	for (i = 0; i < 2 && lo == UINT32_MAX; i++) {
		if (!fams[i]->probe)
			continue;
		for (t = 0; (st = health_target_stats(&fams[i]->health, t)); t++)
			for (k = 0; k < st->window; k++) {
				p = &st->ring[k];
				if (p->state != STATS_SLOT_REPLIED)
					continue;
				if (p->rtt_us < lo)
					lo = p->rtt_us;
				if (p->sent_ms + DCAPACITY_RTT_MS < now_ms || n == 64)
					continue;
				/* insertion sort: a handful of replies */
				x = p->rtt_us;
				for (j = n++; j > 0 && v[j - 1] > x; j--)
					v[j] = v[j - 1];
				v[j] = x;
			}
	}
	*median = n == 0 ? -1 : v[n / 2] / 1000.0;
	*least = lo == UINT32_MAX ? -1 : lo / 1000.0;
}

/* One sample of every link; true when the weights in force changed. */
static bool
sample(struct dcapacity *dc, const struct conf *c, uint64_t now_ms)
{
	struct capacity_link *v[CONF_MAX_LINKS];
	struct fw_counter fc[CONF_MAX_LINKS];
	const struct fw_counter *f;
	char buf[CONF_MAX_LINKS * (CONF_NAME_MAX + 24)];
	unsigned int i, n = dc->links->n;
	double rtt, least;
	size_t len = 0;
	int nc;

	if ((nc = fwread_counters(fc, CONF_MAX_LINKS)) < 0) {
		log_debug("weight = auto: counters: %s", strerror(-nc));
		return false;
	}
	for (i = 0; i < n; i++) {
		struct dlink *l = &dc->links->v[i];

		if (!l->cap.started)
			capacity_link_init(&l->cap, l->conf->bandwidth_mbit);
		capacity_link_bound(&l->cap, l->conf->bandwidth_mbit);
		v[i] = &l->cap;
		if ((f = fwread_find(fc, nc, l->conf->name)) == NULL)
			continue;
		link_rtt_ms(l, now_ms, &rtt, &least);
		capacity_sample(&l->cap, now_ms, f->rx_bytes, f->tx_bytes, rtt,
		    least);
		if (l->cap.rate_bps >= CAP_LOAD_MIN_BPS)
			log_debug("link %s: sample %" PRIu64 " rx %" PRIu64 " tx %"
			    PRIu64 " rtt %.2f least %.2f: capacity %.1f Mbit/s, "
			    "rate %.1f%s", l->conf->name, now_ms, f->rx_bytes,
			    f->tx_bytes, rtt, least, l->cap.cap_bps / 1e6,
			    l->cap.rate_bps / 1e6,
			    l->cap.saturated ? ", saturated" : "");
	}
	if (!capacity_weights(&dc->set, v, n, now_ms))
		return false;
	buf[0] = '\0';
	for (i = 0; i < n && len < sizeof(buf); i++)
		len += snprintf(buf + len, sizeof(buf) - len, "%s%s %u (%.1f "
		    "Mbit/s)", i ? ", " : "", c->links[i].name,
		    v[i]->weight, v[i]->cap_bps / 1e6);
	log_info("weight = auto: %s", buf);
	return true;
}

/* Place the next connections by the young ones each link carries (again
 * when they changed, or after a sample: the rates changed); true when the
 * weights in force changed. Without conntrack, the learned weights
 * alone. */
static bool
place(struct dcapacity *dc, bool sampled)
{
	struct capacity_link *v[CONF_MAX_LINKS];
	unsigned int young[CONF_MAX_LINKS], i, n = dc->links->n;
	const struct ctyoung *y = NULL;
	bool changed;

	if (*dc->ctp != NULL)
		y = ctrack_young(*dc->ctp);
	if (!sampled && (y == NULL || y->gen == dc->young_gen))
		return false;
	for (i = 0; i < n; i++) {
		v[i] = &dc->links->v[i].cap;
		young[i] = y ? ctyoung_count(y, dc->links->v[i].conf->id) : 0;
	}
	/* the next ones: as many as came since the last placement (a table
	 * started afresh, after a new fwmark mask, has fewer) */
	changed = capacity_place(v, n, young, y && y->born >= dc->young_born &&
	    y->born - dc->young_born < UINT32_MAX ? (unsigned int)(y->born -
	    dc->young_born) : 1);
	if (y) {
		dc->young_gen = y->gen;
		dc->young_born = y->born;
	}
	if (changed && log_verbose()) {
		char buf[CONF_MAX_LINKS * (CONF_NAME_MAX + 24)];
		size_t len = 0;

		buf[0] = '\0';
		for (i = 0; i < n && len < sizeof(buf); i++)
			len += snprintf(buf + len, sizeof(buf) - len,
			    "%s%s %u (%u young)", i ? ", " : "",
			    dc->links->v[i].conf->name, v[i]->place, young[i]);
		log_debug("weight = auto: placing by %s", buf);
	}
	return changed;
}

static bool
auto_on(const struct dcapacity *dc)
{
	const struct conf *c = *dc->confp;

	/* auto is all links or none (conf) */
	return dc->links->n > 0 && dc->links->n <= CONF_MAX_LINKS &&
	    c->links[0].weight_auto;
}

static int
place_cb(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct dcapacity *dc = userdata;

	dc->placed_us = usec;
	if (auto_on(dc) && place(dc, false))
		dc->changed(dc->ud);
	return 0;
}

/* The young connections changed: place again DCAPACITY_PLACE_MS after
 * the last placement at the earliest (a burst of events, one wake). */
static void
young_changed(void *ud)
{
	struct dcapacity *dc = ud;
	int enabled = SD_EVENT_OFF;

	sd_event_source_get_enabled(dc->place_src, &enabled);
	if (enabled != SD_EVENT_OFF)
		return;
	sd_event_source_set_time(dc->place_src, dc->placed_us +
	    DCAPACITY_PLACE_MS * 1000ULL);
	sd_event_source_set_enabled(dc->place_src, SD_EVENT_ONESHOT);
}

static int
timer_cb(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct dcapacity *dc = userdata;
	bool on = auto_on(dc), learned;

	if (*dc->ctp != NULL)
		ctrack_young_on(*dc->ctp, on, young_changed, dc);
	if (on) {
		learned = sample(dc, *dc->confp, probe_now_ms());
		dc->placed_us = usec;
		if (place(dc, true) || learned)
			dc->changed(dc->ud);
	}
	sd_event_source_set_time(s, usec + (on ? DCAPACITY_SAMPLE_MS :
	    DCAPACITY_IDLE_MS) * 1000ULL);
	return 0;
}

struct dcapacity *
dcapacity_new(sd_event *ev, struct dlink_set *s, struct conf *const *confp,
    struct ctrack *const *ctp, void (*changed)(void *ud), void *ud)
{
	struct dcapacity *dc;
	uint64_t now;
	int rc;

	if ((dc = calloc(1, sizeof(*dc))) == NULL)
		return NULL;
	dc->links = s;
	dc->confp = confp;
	dc->ctp = ctp;
	dc->changed = changed;
	dc->ud = ud;
	sd_event_now(ev, CLOCK_MONOTONIC, &now);
	if ((rc = sd_event_add_time(ev, &dc->src, CLOCK_MONOTONIC, now, 1000,
	    timer_cb, dc)) < 0 ||
	    (rc = sd_event_source_set_enabled(dc->src, SD_EVENT_ON)) < 0 ||
	    (rc = sd_event_add_time(ev, &dc->place_src, CLOCK_MONOTONIC, now,
	    1000, place_cb, dc)) < 0 ||
	    (rc = sd_event_source_set_enabled(dc->place_src,
	    SD_EVENT_OFF)) < 0) {
		dcapacity_free(dc);
		errno = -rc;
		return NULL;
	}
	return dc;
}

void
dcapacity_free(struct dcapacity *dc)
{
	if (!dc)
		return;
	if (*dc->ctp != NULL)
		ctrack_young_on(*dc->ctp, false, NULL, NULL);
	dc->src = sd_event_source_disable_unref(dc->src);
	dc->place_src = sd_event_source_disable_unref(dc->place_src);
	free(dc);
}
