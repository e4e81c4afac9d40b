/* SPDX-License-Identifier: ISC */
/*
 * Passive health: which links' new connections go unanswered while
 * other links' are answered, from per-second samples of the firewall's
 * per-link counters. The rules are in passive.h. Pure.
 */
#include <stdio.h>
#include <string.h>

#include "passive.h"

static const char *const proto_names[PASSIVE_NPROTO] = { "tcp", "udp" };

void
passive_init(struct passive *p, unsigned int nlinks)
{
	memset(p, 0, sizeof(*p));
	p->nlinks = nlinks > CONF_MAX_LINKS ? CONF_MAX_LINKS : nlinks;
}

static bool
went_back(const struct passive_counts *old, const struct passive_counts *c)
{
	unsigned int k;

	for (k = 0; k < PASSIVE_NPROTO; k++)
		if (c->sent[k] < old->sent[k] ||
		    c->answered[k] < old->answered[k])
			return true;
	return false;
}

void
passive_sample(struct passive *p, unsigned int i,
    const struct passive_counts *c, bool in_service)
{
	struct passive_link *l;

	if (i >= p->nlinks)
		return;
	l = &p->links[i];
	if (!in_service || (l->n > 0 &&
	    went_back(&l->ring[(l->n - 1) % (PASSIVE_WINDOW_S + 1)], c))) {
		l->n = 0;
		if (!in_service)
			return;
	}
	l->ring[l->n % (PASSIVE_WINDOW_S + 1)] = *c;
	l->n++;
}

void
passive_probation(struct passive *p, unsigned int i, bool on)
{
	if (i < p->nlinks)
		p->links[i].probation = on;
}

void
passive_figures(const struct passive *p, unsigned int i, uint64_t enough,
    struct passive_figures *f)
{
	const struct passive_link *l;
	const struct passive_counts *a, *b;
	unsigned int k, span, max;

	memset(f, 0, sizeof(*f));
	if (i >= p->nlinks || p->links[i].n < 2)
		return;
	l = &p->links[i];
	max = l->n - 1 > PASSIVE_WINDOW_S ? PASSIVE_WINDOW_S : l->n - 1;
	b = &l->ring[(l->n - 1) % (PASSIVE_WINDOW_S + 1)];
	for (k = 0; k < PASSIVE_NPROTO; k++) {
		/* the shortest span back from now that sent enough */
		for (span = 1; span <= max; span++) {
			a = &l->ring[(l->n - 1 - span) %
			    (PASSIVE_WINDOW_S + 1)];
			f->sent[k] = b->sent[k] - a->sent[k];
			f->answered[k] = b->answered[k] - a->answered[k];
			f->span_s[k] = span;
			if (f->sent[k] >= enough)
				break;
		}
		if (f->answered[k] > f->sent[k])
			f->answered[k] = f->sent[k];
	}
}

static bool
unanswered(const struct passive_figures *f, unsigned int k, uint64_t min)
{
	return f->sent[k] >= min &&
	    f->answered[k] * 100 <= f->sent[k] * PASSIVE_LOW_PCT;
}

static bool
answered(const struct passive_figures *f, unsigned int k)
{
	return f->sent[k] >= PASSIVE_MIN_WITNESS &&
	    f->answered[k] * 100 >= f->sent[k] * PASSIVE_OK_PCT;
}

/* A link in service, other than i, whose connections of some protocol
 * are answered: its index, or nlinks. *kw: the protocol. */
static unsigned int
witness(const struct passive *p, const struct passive_figures *fs,
    unsigned int i, unsigned int *kw)
{
	unsigned int j, k;

	for (j = 0; j < p->nlinks; j++) {
		if (j == i || p->links[j].n < 2)
			continue;
		for (k = 0; k < PASSIVE_NPROTO; k++)
			if (answered(&fs[j], k)) {
				*kw = k;
				return j;
			}
	}
	return p->nlinks;
}

unsigned int
passive_judge(const struct passive *p, const char *const *names,
    bool *out, char (*why)[PASSIVE_WHY_MAX])
{
	struct passive_figures fs[CONF_MAX_LINKS];
	unsigned int i, j, k, kw, n = 0;

	for (i = 0; i < p->nlinks; i++)
		passive_figures(p, i, p->links[i].probation ?
		    PASSIVE_MIN_NEW_PROBATION : PASSIVE_MIN_NEW, &fs[i]);
	for (i = 0; i < p->nlinks; i++) {
		out[i] = false;
		why[i][0] = '\0';
		for (k = 0; k < PASSIVE_NPROTO; k++)
			if (unanswered(&fs[i], k, p->links[i].probation ?
			    PASSIVE_MIN_NEW_PROBATION : PASSIVE_MIN_NEW))
				break;
		if (k == PASSIVE_NPROTO ||
		    (j = witness(p, fs, i, &kw)) == p->nlinks)
			continue;
		out[i] = true;
		n++;
		snprintf(why[i], PASSIVE_WHY_MAX, "%s: %llu/%llu new "
		    "unanswered in %u s; %s answered %llu/%llu",
		    proto_names[k], (unsigned long long)(fs[i].sent[k] -
		    fs[i].answered[k]), (unsigned long long)fs[i].sent[k],
		    fs[i].span_s[k], names[j],
		    (unsigned long long)fs[j].answered[kw],
		    (unsigned long long)fs[j].sent[kw]);
	}
	return n;
}
