/* SPDX-License-Identifier: ISC */
/*
 * Per-link run-time state: carrier as observed over netlink, health per
 * address family, drain, and the actions that follow a change: a reconcile,
 * the firewall, a conntrack flush of the connections of a link that died.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dlink.h"
#include "log.h"

static uint64_t
unix_s(void)
{
	return (uint64_t)time(NULL);
}

int
dlink_init_all(struct daemon *d)
{
	unsigned int i;

	d->links = calloc(d->conf->nlinks ? d->conf->nlinks : 1,
	    sizeof(*d->links));
	if (!d->links)
		return -ENOMEM;
	for (i = 0; i < d->conf->nlinks; i++) {
		d->links[i].conf = &d->conf->links[i];
		d->links[i].since4_s = d->links[i].since6_s = unix_s();
	}
	return 0;
}

void
dlink_fini_all(struct daemon *d)
{
	free(d->links);
	d->links = NULL;
}

void
dlink_plan_input(const struct dlink *l, struct plan_link_in *in)
{
	in->health4 = l->h4;
	in->health6 = l->h6;
	in->drained = l->drained;
}

static void
set_health(struct daemon *d, struct dlink *l, char family,
    enum health_state to, const char *reason)
{
	enum health_state *h = family == '4' ? &l->h4 : &l->h6;
	struct daemon_event *ev;

	if (*h == to)
		return;
	log_info("link %s: ipv%c %s -> %s (%s)", l->conf->name, family,
	    health_state_name(*h), health_state_name(to), reason);
	ev = &d->events[d->nevents++ % DAEMON_EVENTS_MAX];
	ev->when_s = unix_s();
	snprintf(ev->link, sizeof(ev->link), "%s", l->conf->name);
	ev->from = *h;
	ev->to = to;
	ev->family = family;
	snprintf(ev->reason, sizeof(ev->reason), "%s", reason);
	*h = to;
	if (family == '4')
		l->since4_s = ev->when_s;
	else
		l->since6_s = ev->when_s;
}

/* Carrier as the kernel reports it: losing it takes a link down at once;
 * regaining it leaves the link to its probes. */
void
dlink_observe(struct daemon *d)
{
	unsigned int i;

	for (i = 0; i < d->conf->nlinks; i++) {
		struct dlink *l = &d->links[i];
		const struct klink *kl = kstate_link_by_name(&d->obs,
		    l->conf->ifname);
		bool carrier = kl && kl->carrier && (kl->flags & IFF_UP);

		if (carrier == l->carrier)
			continue;
		l->carrier = carrier;
		if (!carrier) {
			const char *why = kl ? "carrier lost" :
			    "interface absent";

			set_health(d, l, '4', HEALTH_DOWN, why);
			set_health(d, l, '6', HEALTH_DOWN, why);
		} else {
			set_health(d, l, '4', HEALTH_UNKNOWN, "carrier up");
			set_health(d, l, '6', HEALTH_UNKNOWN, "carrier up");
		}
	}
}

int
dlink_start(struct daemon *d)
{
	return 0;
}

void
dlink_stop(struct daemon *d)
{
}

int
dlink_apply_firewall(struct daemon *d, const struct plan *p)
{
	return 0;
}

void
dlink_remove_firewall(struct daemon *d)
{
}

void
dlink_after_plan(struct daemon *d, const struct plan *p)
{
	unsigned int i;

	for (i = 0; i < p->nlinks; i++) {
		d->links[i].was_active4 = p->links[i].v4.active;
		d->links[i].was_active6 = p->links[i].v6.active;
	}
}

/* Switch to nc, keeping the run-time state of links that remain (by
 * name). */
int
dlink_reload(struct daemon *d, struct conf *nc)
{
	struct dlink *nl;
	unsigned int i, j;

	nl = calloc(nc->nlinks ? nc->nlinks : 1, sizeof(*nl));
	if (!nl)
		return -ENOMEM;
	for (i = 0; i < nc->nlinks; i++) {
		nl[i].conf = &nc->links[i];
		nl[i].since4_s = nl[i].since6_s = unix_s();
		for (j = 0; j < d->conf->nlinks; j++)
			if (strcmp(d->conf->links[j].name,
			    nc->links[i].name) == 0) {
				nl[i] = d->links[j];
				nl[i].conf = &nc->links[i];
			}
	}
	free(d->links);
	d->links = nl;
	conf_free(d->conf);
	d->conf = nc;
	return 0;
}

void
dlink_set_drained(struct dlink *l, bool drained)
{
	l->drained = drained;
}
