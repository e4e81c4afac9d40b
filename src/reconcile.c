/* SPDX-License-Identifier: ISC */
/*
 * reconcile brings the kernel's routes, rules and nexthops to the plan: it
 * diffs the plan against the observed state and sends only the difference,
 * touching nothing uplinkd does not own (its route protocol, rule priority
 * range, nexthop id range and tables, and its own-source address on lo). Idempotent: a second run with the
 * same inputs sends nothing. Also writes the plan's sysctls.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "reconcile.h"
#include "rt.h"

static bool table_foreign(const struct conf *c, const struct kstate *obs,
    uint32_t table);

static void
count(struct reconcile_stats *st, int rc, unsigned int *what)
{
	if (rc < 0)
		st->errors++;
	else
		(*what)++;
}

/* An address on the same interface, whatever its prefix length. */
static const struct kaddr *
find_addr(const struct kstate *s, const struct kaddr *a)
{
	unsigned int i;

	for (i = 0; i < s->naddrs; i++)
		if (s->addrs[i].ifindex == a->ifindex &&
		    addr_eq(&s->addrs[i].local.addr, &a->local.addr))
			return &s->addrs[i];
	return NULL;
}

/* uplinkd's own source addresses, before the routes whose source they
 * are. One that is there already (after kill -9) is adopted as it is. */
static void
apply_addrs(struct rt *rt, const struct plan *p, struct kstate *obs,
    struct reconcile_stats *st)
{
	unsigned int i;
	int rc;

	for (i = 0; i < p->k.naddrs; i++) {
		const struct kaddr *want = &p->k.addrs[i];

		if (find_addr(obs, want))
			continue;
		rc = rt_addr(rt, RT_ADD, want);
		if (rc == -EEXIST)
			rc = 0;
		count(st, rc, &st->added);
		if (rc == 0)
			kobj_add_addr(obs, want);
	}
}

/* Remove the own addresses the plan no longer wants, after the routes
 * that used them. */
static void
remove_addrs(struct rt *rt, const struct conf *c, const struct plan *p,
    struct kstate *obs, struct reconcile_stats *st)
{
	unsigned int i;
	int rc;

	for (i = 0; i < obs->naddrs;) {
		struct kaddr a = obs->addrs[i];

		if (!plan_owns_addr(c, obs, &a) || find_addr(&p->k, &a)) {
			i++;
			continue;
		}
		rc = rt_addr(rt, RT_DEL, &a);
		if (rc == -EADDRNOTAVAIL || rc == -ENOENT || rc == -ESRCH)
			rc = 0;
		count(st, rc, &st->deleted);
		if (rc == 0)
			kobj_del_addr(obs, &a);
		else
			i++;
	}
}

/* Nexthops first (groups need their members, routes their nexthops),
 * singles before groups. */
static void
apply_nhs(struct rt *rt, const struct plan *p, struct kstate *obs,
    struct reconcile_stats *st, bool groups)
{
	unsigned int i;
	int rc;

	for (i = 0; i < p->k.nnhs; i++) {
		const struct knh *want = &p->k.nhs[i];
		const struct knh *have;

		if (want->is_group != groups)
			continue;
		have = kobj_find_nh(obs, want->id);
		if (have && kobj_nh_eq(have, want))
			continue;
		if (have && have->protocol != want->protocol) {
			/* someone else's nexthop in uplinkd's id range */
			if (st->errors++ == 0)
				log_warnx("nexthop %u is not uplinkd's (protocol "
				    "%u): not touching it (choose another "
				    "nexthop-id-base)", have->id,
				    have->protocol);
			continue;
		}
		if (have && (have->is_group != want->is_group ||
		    have->resilient != want->resilient ||
		    (want->resilient && have->buckets != want->buckets) ||
		    (!want->is_group && have->family != want->family))) {
			/* the kernel cannot change a nexthop's kind in place */
			rc = rt_nh(rt, RT_DEL, have);
			count(st, rc, &st->deleted);
			if (rc == 0)
				kobj_drop_nh(obs, want->id);
			have = NULL;
		}
		rc = rt_nh(rt, have ? RT_REPLACE : RT_ADD, want);
		if (rc == -EEXIST)
			rc = rt_nh(rt, RT_REPLACE, want);
		count(st, rc, have ? &st->replaced : &st->added);
		if (rc == 0)
			kobj_add_nh(obs, want);
	}
}

static void
apply_routes(struct rt *rt, const struct conf *c, const struct plan *p,
    struct kstate *obs, struct reconcile_stats *st)
{
	unsigned int i;
	int rc;

	for (i = 0; i < p->k.nroutes; i++) {
		const struct kroute *want = &p->k.routes[i];
		const struct kroute *have = kobj_find_route(obs, want);

		if (have && kobj_route_eq(have, want))
			continue;
		if (table_foreign(c, obs, want->table)) {
			st->errors++;
			continue;
		}
		rc = rt_route(rt, RT_REPLACE, want);
		count(st, rc, have ? &st->replaced : &st->added);
		if (rc == 0)
			kobj_add_route(obs, want);
	}
}

static void
apply_rules(struct rt *rt, const struct plan *p, struct kstate *obs,
    struct reconcile_stats *st)
{
	unsigned int i;
	int rc;

	for (i = 0; i < p->k.nrules; i++) {
		const struct krule *want = &p->k.rules[i];

		if (kobj_has_rule(obs, want))
			continue;
		rc = rt_rule(rt, RT_ADD, want);
		if (rc == -EEXIST)
			rc = 0;
		count(st, rc, &st->added);
		if (rc == 0)
			kobj_add_rule(obs, want);
	}
}

/* Remove what uplinkd owns and the plan no longer wants: rules first (so
 * no rule points at a table being emptied), then routes, then groups,
 * then single nexthops. Works on a copy: deleting shifts obs. */
static void
remove_unwanted(struct rt *rt, const struct conf *c, const struct plan *p,
    struct kstate *obs, struct reconcile_stats *st)
{
	unsigned int i, pass;
	int rc;

	for (i = 0; i < obs->nrules;) {
		struct krule r = obs->rules[i];

		if (!plan_owns_rule(c, &r) || kobj_has_rule(&p->k, &r)) {
			i++;
			continue;
		}
		rc = rt_rule(rt, RT_DEL, &r);
		if (rc == -ENOENT)
			rc = 0;
		count(st, rc, &st->deleted);
		if (rc == 0)
			kobj_del_rule(obs, &r);
		else
			i++;
	}
	for (i = 0; i < obs->nroutes;) {
		struct kroute r = obs->routes[i];

		if (!plan_owns_route(c, &r) || kobj_find_route(&p->k, &r)) {
			i++;
			continue;
		}
		rc = rt_route(rt, RT_DEL, &r);
		if (rc == -ESRCH || rc == -ENOENT)
			rc = 0;
		count(st, rc, &st->deleted);
		if (rc == 0)
			kobj_del_route(obs, &r);
		else
			i++;
	}
	remove_addrs(rt, c, p, obs, st);
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < obs->nnhs;) {
			struct knh n = obs->nhs[i];

			if (n.is_group != (pass == 0) || !plan_owns_nh(c, &n) ||
			    kobj_find_nh(&p->k, n.id)) {
				i++;
				continue;
			}
			rc = rt_nh(rt, RT_DEL, &n);
			if (rc == -ENOENT)
				rc = 0;
			count(st, rc, &st->deleted);
			if (rc == 0)
				kobj_drop_nh(obs, n.id);
			else
				i++;
		}
	}
}

/* Does a table of uplinkd's range hold a route someone else put there?
 * Then it is not uplinkd's to write: a replace would clobber that route. */
static bool
table_foreign(const struct conf *c, const struct kstate *obs, uint32_t table)
{
	unsigned int i;

	for (i = 0; i < obs->nroutes; i++)
		if (obs->routes[i].table == table &&
		    obs->routes[i].protocol != c->route_protocol)
			return true;
	return false;
}

/* Say once per run which of uplinkd's tables others use. */
static void
check_foreign(const struct conf *c, const struct kstate *obs,
    struct reconcile_stats *st)
{
	uint32_t seen[8];
	unsigned int i, j, nseen = 0;

	for (i = 0; i < obs->nroutes; i++) {
		const struct kroute *r = &obs->routes[i];

		if (r->table < c->table_base ||
		    r->table > c->table_base + CONF_MAX_LINKS ||
		    r->protocol == c->route_protocol)
			continue;
		st->foreign++;
		for (j = 0; j < nseen && seen[j] != r->table; j++)
			;
		if (j < nseen || nseen == 8)
			continue;
		seen[nseen++] = r->table;
		log_warnx("table %u holds routes of protocol %u that are not "
		    "uplinkd's: not touching it (choose another table-base)",
		    r->table, r->protocol);
	}
}

int
reconcile_apply(struct rt *rt, const struct conf *c, const struct plan *p,
    struct kstate *obs, struct reconcile_stats *st)
{
	memset(st, 0, sizeof(*st));
	check_foreign(c, obs, st);
	apply_addrs(rt, p, obs, st);
	apply_nhs(rt, p, obs, st, false);
	apply_nhs(rt, p, obs, st, true);
	apply_routes(rt, c, p, obs, st);
	apply_rules(rt, p, obs, st);
	remove_unwanted(rt, c, p, obs, st);
	return st->errors ? -EIO : 0;
}

int
reconcile_remove_all(struct rt *rt, const struct conf *c, struct kstate *obs,
    struct reconcile_stats *st)
{
	struct plan empty;

	memset(&empty, 0, sizeof(empty));
	memset(st, 0, sizeof(*st));
	remove_unwanted(rt, c, &empty, obs, st);
	return st->errors ? -EIO : 0;
}

static int
sysctl_read(const char *path, char *buf, size_t len)
{
	char full[192];
	ssize_t n;
	int fd;

	snprintf(full, sizeof(full), "/proc/sys/%s", path);
	if ((fd = open(full, O_RDONLY | O_CLOEXEC)) < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return 0;
}

int
reconcile_sysctls(const struct plan *p)
{
	char full[192], cur[64];
	unsigned int i;
	int fd, rc = 0;

	for (i = 0; i < p->nsysctls; i++) {
		const struct plan_sysctl *s = &p->sysctls[i];

		if (sysctl_read(s->path, cur, sizeof(cur)) == 0 &&
		    strcmp(cur, s->value) == 0)
			continue;
		snprintf(full, sizeof(full), "/proc/sys/%s", s->path);
		fd = open(full, O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, s->value, strlen(s->value)) < 0) {
			log_warn("sysctl %s=%s", s->path, s->value);
			rc = -EIO;
		} else {
			log_info("sysctl %s: %s -> %s", s->path, cur, s->value);
		}
		if (fd >= 0)
			close(fd);
	}
	return rc;
}
