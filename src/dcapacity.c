/* SPDX-License-Identifier: ISC */
/*
 * weight = auto in the daemon: each second, after the firewall's counters
 * are read (dstatus.c), each link's counters and newest probe RTT go to
 * its estimator (capacity.h); when the learned weights change, a reconcile
 * renders them into the policy chains and the nexthop groups, in the one
 * nftables transaction and netlink diff of any plan. Connections already
 * placed keep their link: the choice lives in their conntrack mark.
 */
#include <inttypes.h>
#include <stdio.h>

#include "daemon.h"
#include "dlink.h"
#include "log.h"

/* The newest RTT of the link's probes, v4 first; -1 when none answered
 * within the last two seconds. */
static double
link_rtt_ms(const struct dlink *l, uint64_t now_ms)
{
	const struct dlink_fam *fams[2] = { &l->v4, &l->v6 };
	struct health_figures hf;
	unsigned int i;

	for (i = 0; i < 2; i++) {
		if (!fams[i]->probe)
			continue;
		health_figures(&fams[i]->health, now_ms, &hf);
		if (hf.has_reply && hf.last_reply_ms + 2000 >= now_ms)
			return hf.last_rtt_us / 1000.0;
	}
	return -1;
}

void
dcap_sample(struct daemon *d, uint64_t now_ms)
{
	struct cap_link *v[CONF_MAX_LINKS];
	char buf[CONF_MAX_LINKS * (CONF_NAME_MAX + 24)];
	unsigned int i, n = d->conf->nlinks;
	size_t len = 0;

	if (n == 0 || n > CONF_MAX_LINKS || !d->conf->links[0].weight_auto)
		return;		/* auto is all links or none (conf) */
	for (i = 0; i < n; i++) {
		struct dlink *l = &d->links[i];

		if (!l->cap.started)
			cap_link_init(&l->cap, l->conf->bandwidth_mbit);
		cap_link_bound(&l->cap, l->conf->bandwidth_mbit);
		cap_sample(&l->cap, now_ms, l->rx_bytes, l->tx_bytes,
		    link_rtt_ms(l, now_ms));
		v[i] = &l->cap;
	}
	if (!cap_weights(&d->capset, v, n, now_ms))
		return;
	buf[0] = '\0';
	for (i = 0; i < n && len < sizeof(buf); i++)
		len += snprintf(buf + len, sizeof(buf) - len, "%s%s %u (%.1f "
		    "Mbit/s)", i ? ", " : "", d->conf->links[i].name,
		    v[i]->weight, v[i]->cap_bps / 1e6);
	log_info("weight = auto: %s", buf);
	daemon_schedule(d);
}
