/* SPDX-License-Identifier: ISC */
/*
 * Passive health and fast detection in the running daemon: the thin shell
 * around passive.c and fastdown.c. Each second it gives them every link's
 * counters and whether the link is in service; while a link is busy it
 * reads the counters every FASTDOWN_SAMPLE_MS too. A verdict takes the
 * link down through dlink_traffic_down (health.c's traffic override).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dlink.h"
#include "dpassive.h"
#include "fastdown.h"
#include "log.h"
#include "passive.h"
#include "probe.h"

struct dpassive {
	sd_event *ev;
	struct dlink_set *links;
	struct conf *const *confp;	/* the config in force */
	const struct conf *conf;	/* the config the state is for */
	struct passive passive;
	struct fastdown fast[CONF_MAX_LINKS];
	sd_event_source *fast_src;	/* busy links' sampling; NULL: off */
};

static bool
in_service(const struct dlink *l)
{
	enum health_state s4 = dlink_state(&l->v4), s6 = dlink_state(&l->v6);

	return !l->drained && (s4 == HEALTH_UP || s4 == HEALTH_DEGRADED ||
	    s6 == HEALTH_UP || s6 == HEALTH_DEGRADED);
}

static bool
on_probation(const struct dlink *l, uint64_t now_ms)
{
	return (l->v4.probe && health_on_probation(&l->v4.health, now_ms)) ||
	    (l->v6.probe && health_on_probation(&l->v6.health, now_ms));
}

/* When the link's newest probe reply came, any family; 0: never. */
static uint64_t
last_reply_ms(const struct dlink *l)
{
	const struct dlink_fam *fams[2] = { &l->v4, &l->v6 };
	const struct stats *s;
	uint64_t t = 0;
	unsigned int j, i;

	for (j = 0; j < 2; j++)
		for (i = 0; fams[j]->probe &&
		    (s = health_target_stats(&fams[j]->health, i)); i++)
			if (s->has_reply && s->last_reply_ms > t)
				t = s->last_reply_ms;
	return t;
}

/* The link's recent probe RTT in ms, the slower family's (0: unknown). */
static unsigned int
rtt_ms(const struct dlink *l)
{
	struct health_figures hf;
	uint32_t us = 0;

	if (dlink_figures(&l->v4, &hf) && hf.f.rtt_avg_us > us)
		us = hf.f.rtt_avg_us;
	if (dlink_figures(&l->v6, &hf) && hf.f.rtt_avg_us > us)
		us = hf.f.rtt_avg_us;
	return (us + 999) / 1000;
}

/* The state for the config in force: made anew after a reload. */
static void
setup(struct dpassive *p)
{
	const struct conf *c = *p->confp;
	unsigned int i;

	if (p->conf == c)
		return;
	p->conf = c;
	passive_init(&p->passive, c->nlinks);
	for (i = 0; i < c->nlinks && i < CONF_MAX_LINKS; i++)
		fastdown_init(&p->fast[i], c->links[i].probe.fast_down_ms);
}

/* Link k's counters to its fast detector; takes it down when it fires. */
static void
fast_feed(struct dpassive *p, unsigned int k, const struct fw_counter *c,
    uint64_t now_ms)
{
	struct fastdown *f = &p->fast[k];
	struct dlink *l = &p->links->v[k];
	uint64_t tx0;
	char why[HEALTH_REASON_MAX];

	switch (fastdown_sample(f, c->rx_packets, c->tx_packets,
	    last_reply_ms(l), rtt_ms(l), now_ms)) {
	case FASTDOWN_NONE:
		return;
	case FASTDOWN_CONFIRM:
		log_debug("link %s: nothing received for %llu ms while busy: "
		    "probing its targets at once", l->conf->name,
		    (unsigned long long)(now_ms - fastdown_silent_since_ms(f)));
		if (l->v4.probe)
			probe_burst(l->v4.probe);
		if (l->v6.probe)
			probe_burst(l->v6.probe);
		return;
	case FASTDOWN_DEAD:
		break;
	}
	tx0 = fastdown_tx_at_silence(f);
	snprintf(why, sizeof(why), "traffic: nothing received for %llu ms "
	    "while busy, %llu packets sent meanwhile, probes included",
	    (unsigned long long)(now_ms - fastdown_silent_since_ms(f)),
	    (unsigned long long)(c->tx_packets - tx0));
	dlink_traffic_down(l, false, why);
}

static int fast_cb(sd_event_source *s, uint64_t usec, void *userdata);

/* Sample busy links every FASTDOWN_SAMPLE_MS while there are any. */
static void
fast_arm(struct dpassive *p, uint64_t now_us)
{
	unsigned int k;

	for (k = 0; k < p->links->n; k++)
		if (fastdown_busy(&p->fast[k]))
			break;
	if (k == p->links->n) {
		if (p->fast_src) {
			log_debug("fast detection: no busy link, sampling "
			    "each second");
			p->fast_src =
			    sd_event_source_disable_unref(p->fast_src);
		}
		return;
	}
	now_us += FASTDOWN_SAMPLE_MS * 1000;
	if (p->fast_src) {
		sd_event_source_set_time(p->fast_src, now_us);
		sd_event_source_set_enabled(p->fast_src, SD_EVENT_ONESHOT);
		return;
	}
	log_debug("fast detection: link %s busy, sampling every %u ms",
	    p->links->v[k].conf->name, FASTDOWN_SAMPLE_MS);
	if (sd_event_add_time(p->ev, &p->fast_src, CLOCK_MONOTONIC, now_us,
	    1000, fast_cb, p) < 0) {
		log_warnx("fast detection: no timer");
		p->fast_src = NULL;
	}
}

static int
fast_cb(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct dpassive *p = userdata;
	struct fw_counter fc[CONF_MAX_LINKS];
	const struct fw_counter *c;
	uint64_t now_ms = probe_now_ms();
	unsigned int k;
	int n;

	(void)s;
	setup(p);
	if ((n = fwread_counters(fc, CONF_MAX_LINKS)) < 0)
		log_debug("fast detection: counters: %s", strerror(-n));
	for (k = 0; n > 0 && k < p->links->n; k++)
		if (fastdown_busy(&p->fast[k]) &&
		    (c = fwread_find(fc, n, p->links->v[k].conf->name)) != NULL)
			fast_feed(p, k, c, now_ms);
	fast_arm(p, usec);
	return 0;
}

/* Passive health's verdicts of this second. */
static void
judge(struct dpassive *p)
{
	const char *names[CONF_MAX_LINKS];
	char why[CONF_MAX_LINKS][PASSIVE_WHY_MAX];
	char reason[HEALTH_REASON_MAX];
	bool out[CONF_MAX_LINKS];
	unsigned int k;

	for (k = 0; k < p->links->n; k++)
		names[k] = p->links->v[k].conf->name;
	if (passive_judge(&p->passive, names, out, why) == 0)
		return;
	for (k = 0; k < p->links->n; k++) {
		if (!out[k])
			continue;
		snprintf(reason, sizeof(reason), "traffic: %s", why[k]);
		dlink_traffic_down(&p->links->v[k], true, reason);
	}
}

struct dpassive *
dpassive_new(sd_event *ev, struct dlink_set *s, struct conf *const *confp)
{
	struct dpassive *p;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	p->ev = ev;
	p->links = s;
	p->confp = confp;
	return p;
}

void
dpassive_sample(struct dpassive *p, const struct fw_counter *fc, int n)
{
	struct passive_counts pc;
	const struct fw_counter *c;
	uint64_t now_ms = probe_now_ms(), now_us;
	unsigned int k, j;

	if (!p)
		return;
	setup(p);
	if (n < 0)
		return;
	for (k = 0; k < p->links->n; k++) {
		const struct dlink *l = &p->links->v[k];

		if ((c = fwread_find(fc, n, l->conf->name)) == NULL)
			continue;
		for (j = 0; j < PASSIVE_NPROTO; j++) {
			pc.sent[j] = c->passive[j == PASSIVE_TCP ?
			    FW_PASSIVE_SYN : FW_PASSIVE_UDP];
			pc.answered[j] = c->passive[j == PASSIVE_TCP ?
			    FW_PASSIVE_SYNACK : FW_PASSIVE_UDPANS];
		}
		passive_sample(&p->passive, k, &pc, in_service(l) &&
		    l->conf->probe.passive_hold_ms != 0);
		passive_probation(&p->passive, k, on_probation(l, now_ms));
		fast_feed(p, k, c, now_ms);
	}
	judge(p);
	/* a running fast timer re-arms itself (fast_cb) */
	if (!p->fast_src && sd_event_now(p->ev, CLOCK_MONOTONIC, &now_us) >= 0)
		fast_arm(p, now_us);
}

void
dpassive_free(struct dpassive *p)
{
	if (!p)
		return;
	p->fast_src = sd_event_source_disable_unref(p->fast_src);
	free(p);
}
