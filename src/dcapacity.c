/* SPDX-License-Identifier: ISC */
/*
 * weight = auto in the daemon: each second, after the firewall's counters
 * are read (dstatus.c), each link's counters and newest probe RTT go to
 * its estimator (capacity.h); when the learned weights change, a reconcile
 * (asked for by the daemon when dcapacity_sample says so) renders them
 * into the policy chains and the nexthop groups, in the one
 * nftables transaction and netlink diff of any plan. Connections already
 * placed keep their link: the choice lives in their conntrack mark.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>

#include "dcapacity.h"
#include "log.h"

/* Of the link's probes (all targets, v4 first): the median RTT of those
 * sent in the last second (a standing queue, one there more than half the
 * time, raises it) and the least RTT of all in the stats windows; -1:
 * none answered. */
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
				if (p->sent_ms + 1000 < now_ms || n == 64)
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

bool
dcapacity_sample(struct dlink_set *s, struct capacity_set *cs,
    const struct conf *c, uint64_t now_ms)
{
	struct capacity_link *v[CONF_MAX_LINKS];
	char buf[CONF_MAX_LINKS * (CONF_NAME_MAX + 24)];
	unsigned int i, n = s->n;
	double rtt, least;
	size_t len = 0;

	if (n == 0 || n > CONF_MAX_LINKS || !c->links[0].weight_auto)
		return false;	/* auto is all links or none (conf) */
	for (i = 0; i < n; i++) {
		struct dlink *l = &s->v[i];

		if (!l->cap.started)
			capacity_link_init(&l->cap, l->conf->bandwidth_mbit);
		capacity_link_bound(&l->cap, l->conf->bandwidth_mbit);
		link_rtt_ms(l, now_ms, &rtt, &least);
		capacity_sample(&l->cap, now_ms, l->rx_bytes, l->tx_bytes, rtt,
		    least);
		v[i] = &l->cap;
		if (l->cap.rate_bps >= CAP_LOAD_MIN_BPS)
			log_debug("link %s: sample %" PRIu64 " rx %" PRIu64 " tx %"
			    PRIu64 " rtt %.2f least %.2f: capacity %.1f Mbit/s, "
			    "rate %.1f%s", l->conf->name, now_ms, l->rx_bytes,
			    l->tx_bytes, rtt, least, l->cap.cap_bps / 1e6,
			    l->cap.rate_bps / 1e6,
			    l->cap.saturated ? ", saturated" : "");
	}
	if (!capacity_weights(cs, v, n, now_ms))
		return false;
	buf[0] = '\0';
	for (i = 0; i < n && len < sizeof(buf); i++)
		len += snprintf(buf + len, sizeof(buf) - len, "%s%s %u (%.1f "
		    "Mbit/s)", i ? ", " : "", c->links[i].name,
		    v[i]->weight, v[i]->cap_bps / 1e6);
	log_info("weight = auto: %s", buf);
	return true;
}
