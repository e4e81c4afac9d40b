/* SPDX-License-Identifier: ISC */
/*
 * weight = auto: the capacity estimator and the weights it gives (see
 * capacity.h for the algorithm and its constants). Pure.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "capacity.h"

void
capacity_link_init(struct capacity_link *l, unsigned int bound_mbit)
{
	memset(l, 0, sizeof(*l));
	l->rtt_ms = l->base_ms = l->base_cur = l->base_prev = -1;
	l->weight = 1;
	l->started = true;
	capacity_link_bound(l, bound_mbit);
}

void
capacity_link_bound(struct capacity_link *l, unsigned int bound_mbit)
{
	l->bound_bps = bound_mbit * 1e6;
	if (l->bound_bps > 0 && (l->cap_bps == 0 || l->cap_bps > l->bound_bps))
		l->cap_bps = l->bound_bps;
}

static double
min_known(double a, double b)
{
	if (a < 0)
		return b;
	if (b < 0)
		return a;
	return a < b ? a : b;
}

/* The least RTT of the last one to two half windows. */
static void
baseline(struct capacity_link *l, uint64_t now_ms, double min_ms)
{
	if (now_ms - l->base_start_ms >= CAP_BASE_WINDOW_MS / 2) {
		l->base_prev = l->base_cur;
		l->base_cur = -1;
		l->base_start_ms = now_ms;
	}
	if (min_ms >= 0)
		l->base_cur = min_known(l->base_cur, min_ms);
	l->base_ms = min_known(l->base_cur, l->base_prev);
}

static bool
queue_formed(const struct capacity_link *l)
{
	double rise;

	if (l->rtt_ms < 0 || l->base_ms < 0)
		return false;
	rise = l->base_ms * CAP_RISE_PCT / 100;
	if (rise < CAP_RISE_MIN_MS)
		rise = CAP_RISE_MIN_MS;
	return l->rtt_ms > l->base_ms + rise;
}

/* The estimate after one loaded interval of dt_ms that carried r. */
static void
estimate(struct capacity_link *l, double r, double dt_ms)
{
	double peak = r > l->prev_bps ? r : l->prev_bps, a;
	/* not measured yet: any evidence will do */
	double floor = l->cap_bps == 0 || r < l->prev_bps ? r : l->prev_bps;

	if (floor > l->cap_bps) {
		l->cap_bps = floor;
	} else if (l->saturated) {
		/* a queue for two samples running: the rate is the
		 * capacity; for one: half way */
		a = dt_ms / CAP_DOWN_TAU_MS / (l->was_saturated ? 1 : 2);
		l->cap_bps += (peak - l->cap_bps) * (a < 1 ? a : 1);
	} else if (!l->saturated && r * 100 >= l->cap_bps * CAP_NEAR_PCT &&
	    l->prev_bps * 100 >= l->cap_bps * CAP_NEAR_PCT) {
		l->cap_bps *= 1 + CAP_GROW_PCT / 100.0 * dt_ms / 1000;
	} else {
		a = dt_ms / CAP_DECAY_TAU_MS;
		l->cap_bps += (peak - l->cap_bps) * (a < 1 ? a : 1);
	}
	if (l->bound_bps > 0 && l->cap_bps > l->bound_bps)
		l->cap_bps = l->bound_bps;
}

void
capacity_sample(struct capacity_link *l, uint64_t now_ms, uint64_t rx_bytes,
    uint64_t tx_bytes, double rtt_ms, double min_rtt_ms)
{
	double dt, rx, tx, r;
	bool queue;

	l->rtt_ms = rtt_ms;
	l->was_saturated = l->saturated;
	baseline(l, now_ms, min_rtt_ms);
	queue = queue_formed(l);
	if (!l->have_last || now_ms <= l->last_ms ||
	    now_ms - l->last_ms > CAP_GAP_MS || rx_bytes < l->last_rx ||
	    tx_bytes < l->last_tx) {
		l->have_last = true;
		l->rate_bps = l->prev_bps = l->spare_bps = l->ceil_bps = 0;
		l->saturated = l->was_saturated = false;
		goto out;
	}
	dt = (double)(now_ms - l->last_ms);
	rx = (double)(rx_bytes - l->last_rx) * 8000 / dt;
	tx = (double)(tx_bytes - l->last_tx) * 8000 / dt;
	r = rx > tx ? rx : tx;
	l->rate_bps = (l->prev_bps + r) / 2;
	l->saturated = queue && r >= CAP_LOAD_MIN_BPS;
	if (r >= CAP_LOAD_MIN_BPS)
		estimate(l, r, dt);
	if (r < CAP_LOAD_MIN_BPS)
		l->ceil_bps = 0;
	else if (l->saturated)
		l->ceil_bps = l->cap_bps;
	l->spare_bps = l->saturated || r < CAP_LOAD_MIN_BPS ||
	    l->prev_bps < CAP_LOAD_MIN_BPS ? 0 : r < l->prev_bps ? r :
	    l->prev_bps;
	l->prev_bps = r;
out:
	l->last_ms = now_ms;
	l->last_rx = rx_bytes;
	l->last_tx = tx_bytes;
}

/* Does the share of any link move by more than CAP_HYST_PCT % of itself? */
static bool
moved(struct capacity_link *const *links, unsigned int n, const unsigned int *w)
{
	double so = 0, sn = 0, o, nw;
	unsigned int i;

	for (i = 0; i < n; i++) {
		so += links[i]->weight;
		sn += w[i];
	}
	for (i = 0; i < n; i++) {
		o = links[i]->weight / so;
		nw = w[i] / sn;
		if ((nw > o ? nw - o : o - nw) * 100 > o * CAP_HYST_PCT)
			return true;
	}
	return false;
}

/* Spare room: while a link is saturated, the others that carried their
 * load without a queue may take more (capacity.h). */
static void
spare(struct capacity_link *const *links, unsigned int n)
{
	unsigned int i, sat = 0;
	double v;

	for (i = 0; i < n; i++)
		sat += links[i]->saturated;
	for (i = 0; i < n && sat > 0; i++) {
		v = links[i]->spare_bps * CAP_SPARE_MUL;
		if (links[i]->bound_bps > 0 && v > links[i]->bound_bps)
			v = links[i]->bound_bps;
		if (links[i]->ceil_bps > 0 && v > links[i]->ceil_bps)
			v = links[i]->ceil_bps;
		if (!links[i]->saturated && v > links[i]->cap_bps)
			links[i]->cap_bps = v;
	}
}

bool
capacity_weights(struct capacity_set *s, struct capacity_link *const *links, unsigned int n,
    uint64_t now_ms)
{
	unsigned int w[CAP_LINKS_MAX], i, floor = CAP_WEIGHT_SCALE /
	    CAP_FLOOR_DIV;
	double top = 0, v;

	if (n == 0 || n > CAP_LINKS_MAX)
		return false;
	spare(links, n);
	if (s->applied && now_ms - s->applied_ms < CAP_APPLY_MS)
		return false;
	for (i = 0; i < n; i++)
		if (links[i]->cap_bps > top)
			top = links[i]->cap_bps;
	for (i = 0; i < n; i++) {
		v = links[i]->cap_bps > 0 ? links[i]->cap_bps : top;
		w[i] = top > 0 ? (unsigned int)(v * CAP_WEIGHT_SCALE / top +
		    0.5) : CAP_WEIGHT_SCALE;
		if (w[i] < floor)
			w[i] = floor;
	}
	if (s->applied && !moved(links, n, w))
		return false;
	for (i = 0; i < n; i++)
		links[i]->weight = w[i];
	s->applied = true;
	s->applied_ms = now_ms;
	s->changes++;
	return true;
}

bool
capacity_place(struct capacity_link *const *links, unsigned int n,
    const unsigned int *young_n, unsigned int next)
{
	double young[CAP_LINKS_MAX], u;
	unsigned int ord[CAP_LINKS_MAX], p[CAP_LINKS_MAX], i, j, m, x;
	double sw = 0, sy = 0, level = 0, k, top = 0;
	bool changed = false;

	if (n == 0 || n > CAP_LINKS_MAX)
		return false;
	if (next == 0)
		next = 1;
	/* a link's young connections count in the measure it is used: an
	 * idle link's are idle ones (or stalled), and it takes the next */
	for (i = 0; i < n; i++) {
		u = links[i]->cap_bps > 0 ? links[i]->rate_bps /
		    links[i]->cap_bps : 1;
		young[i] = young_n[i] * (u < 1 ? u : 1);
	}
	/* links by young connections per weight, fewest first */
	for (i = 0; i < n; i++) {
		x = i;
		for (j = i; j > 0 && young[ord[j - 1]] * links[x]->weight >
		    young[x] * links[ord[j - 1]]->weight; j--)
			ord[j] = ord[j - 1];
		ord[j] = x;
	}
	/* water filling: the level where the next connections run out */
	for (m = 0; m < n; m++) {
		sw += links[ord[m]]->weight;
		sy += young[ord[m]];
		level = (next + sy) / sw;
		if (m + 1 == n || level <= young[ord[m + 1]] /
		    links[ord[m + 1]]->weight)
			break;
	}
	for (i = 0; i < n; i++) {
		k = links[i]->weight * level - young[i];
		if (k > top)
			top = k;
	}
	for (i = 0; i < n; i++) {
		k = links[i]->weight * level - young[i];
		p[i] = k > 0 && top > 0 ? (unsigned int)(k * CAP_WEIGHT_SCALE /
		    top + 0.5) : 0;
		if (p[i] < 1)
			p[i] = 1;
		changed |= p[i] != links[i]->place;
		links[i]->place = p[i];
	}
	return changed;
}
