/* SPDX-License-Identifier: ISC */
/*
 * Conntrack flushes that follow the plan (dconn.h); connections of other
 * links are never touched.
 */
#include <sys/socket.h>

#include "ctrack.h"
#include "dconn.h"

static void
after_plan_fam(struct ctrack *t, struct dlink_fam *f,
    const struct plan_link *pl, const struct plan_family *pf,
    enum ha_role role)
{
	if (f->was_active && !pf->active && dlink_state(f) == HEALTH_DOWN &&
	    role != HA_ROLE_BACKUP)
		ctrack_flush(t, f->link->conf->name, f->family, pl->mark);
	else if (pf->active && !f->was_active)
		ctrack_flush_cancel(t, f->family, pl->mark);
	f->was_active = pf->active;
}

void
dconn_after_plan(struct ctrack *t, struct dlink_set *s, const struct plan *p,
    enum ha_role role)
{
	unsigned int i;

	for (i = 0; i < p->nlinks && i < s->n; i++) {
		after_plan_fam(t, &s->v[i].v4, &p->links[i], &p->links[i].v4,
		    role);
		after_plan_fam(t, &s->v[i].v6, &p->links[i], &p->links[i].v6,
		    role);
	}
}

void
dconn_master(struct ctrack *t, const struct dlink_set *s,
    const struct plan *p)
{
	unsigned int i;

	for (i = 0; i < p->nlinks && i < s->n; i++) {
		const struct dlink *l = &s->v[i];
		const struct plan_link *pl = &p->links[i];

		if (dlink_state(&l->v4) == HEALTH_DOWN && !pl->v4.active)
			ctrack_flush(t, l->conf->name, AF_INET, pl->mark);
		if (dlink_state(&l->v6) == HEALTH_DOWN && !pl->v6.active)
			ctrack_flush(t, l->conf->name, AF_INET6, pl->mark);
	}
}
