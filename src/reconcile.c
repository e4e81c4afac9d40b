/* SPDX-License-Identifier: ISC */
/*
 * reconcile_diff decides how to bring the kernel's routes, rules, nexthops
 * and own addresses to the plan: the ordered list of operations, touching
 * nothing uplinkd does not own (its route protocol, rule priority range,
 * nexthop id range and tables, and its own-source address on lo). Pure: it
 * works on a copy of the observed state, changed by each op as the kernel
 * would change, so that each decision sees what the ops before it did. The
 * same inputs give the same list; a second run after the list was applied
 * gives an empty one. reconcile_apply.c sends the list.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "reconcile.h"

/* The state the diff works on: the observed one, changed as it goes. */
struct diff {
	const struct conf *c;
	const struct kstate *want;
	struct kstate sim;
	struct reconcile_ops *out;
	unsigned int cap;	/* of out->ops */
	int err;		/* -ENOMEM once anything failed */
};

static void
push(struct diff *d, enum reconcile_obj obj, enum reconcile_cmd cmd,
    const void *o, const void *prev, bool implicit)
{
	struct reconcile_ops *out = d->out;
	struct reconcile_op *op;
	size_t sz;

	if (d->err)
		return;
	if (out->nops == d->cap) {
		d->cap = d->cap ? 2 * d->cap : 16;
		op = reallocarray(out->ops, d->cap, sizeof(*op));
		if (!op) {
			d->err = -ENOMEM;
			return;
		}
		out->ops = op;
	}
	op = &out->ops[out->nops++];
	memset(op, 0, sizeof(*op));
	op->obj = obj;
	op->cmd = cmd;
	op->implicit = implicit;
	sz = obj == RECONCILE_ADDR ? sizeof(struct kaddr) :
	    obj == RECONCILE_NH ? sizeof(struct knh) :
	    obj == RECONCILE_ROUTE ? sizeof(struct kroute) :
	    sizeof(struct krule);
	memcpy(&op->o, o, sz);
	if (prev) {
		op->has_prev = true;
		memcpy(&op->prev, prev, sz);
	}
	if (!implicit && reconcile_effect(&d->sim, op) < 0)
		d->err = -ENOMEM;
}

int
reconcile_effect(struct kstate *s, const struct reconcile_op *op)
{
	bool del = op->cmd == RECONCILE_DEL;

	switch (op->obj) {
	case RECONCILE_ADDR:
		if (!del)
			return kobj_add_addr(s, &op->o.addr);
		kobj_del_addr(s, &op->o.addr);
		return 0;
	case RECONCILE_NH:
		if (!del)
			return kobj_add_nh(s, &op->o.nh);
		kobj_drop_nh(s, op->o.nh.id);
		return 0;
	case RECONCILE_ROUTE:
		if (!del)
			return kobj_add_route(s, &op->o.route);
		kobj_del_route(s, &op->o.route);
		return 0;
	case RECONCILE_RULE:
		if (!del)
			return kobj_add_rule(s, &op->o.rule);
		kobj_del_rule(s, &op->o.rule);
		return 0;
	}
	return 0;
}

static int
copy_state(struct kstate *dst, const struct kstate *src)
{
	unsigned int i;
	int rc = 0;

	kobj_init(dst);
	for (i = 0; i < src->nlinks && rc == 0; i++)
		rc = kobj_add_link(dst, &src->links[i]);
	for (i = 0; i < src->naddrs && rc == 0; i++)
		rc = kobj_add_addr(dst, &src->addrs[i]);
	for (i = 0; i < src->nroutes && rc == 0; i++)
		rc = kobj_add_route(dst, &src->routes[i]);
	for (i = 0; i < src->nrules && rc == 0; i++)
		rc = kobj_add_rule(dst, &src->rules[i]);
	for (i = 0; i < src->nnhs && rc == 0; i++)
		rc = kobj_add_nh(dst, &src->nhs[i]);
	return rc;
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

/* Does a table of uplinkd's range hold a route someone else put there?
 * Then it is not uplinkd's to write: a replace would clobber that route. */
static bool
table_foreign(const struct conf *c, const struct kstate *s, uint32_t table)
{
	unsigned int i;

	for (i = 0; i < s->nroutes; i++)
		if (s->routes[i].table == table &&
		    s->routes[i].protocol != c->route_protocol)
			return true;
	return false;
}

/* Which of uplinkd's tables others use, for the applier to say. */
static void
count_foreign(const struct conf *c, const struct kstate *have,
    struct reconcile_ops *out)
{
	unsigned int i, j;

	for (i = 0; i < have->nroutes; i++) {
		const struct kroute *r = &have->routes[i];

		if (r->table < c->table_base ||
		    r->table > c->table_base + CONF_MAX_LINKS ||
		    r->protocol == c->route_protocol)
			continue;
		out->foreign++;
		for (j = 0; j < out->nforeign_tables &&
		    out->foreign_tables[j] != r->table; j++)
			;
		if (j < out->nforeign_tables ||
		    out->nforeign_tables == RECONCILE_FOREIGN_TABLES)
			continue;
		out->foreign_protocols[out->nforeign_tables] = r->protocol;
		out->foreign_tables[out->nforeign_tables++] = r->table;
	}
}

/* uplinkd's own source addresses, before the routes whose source they
 * are. One that is there already (after kill -9) is adopted as it is. */
static void
add_addrs(struct diff *d)
{
	unsigned int i;

	for (i = 0; i < d->want->naddrs; i++)
		if (!find_addr(&d->sim, &d->want->addrs[i]))
			push(d, RECONCILE_ADDR, RECONCILE_ADD,
			    &d->want->addrs[i], NULL, false);
}

/* The kernel cannot change a nexthop's kind in place. */
static bool
kind_changes(const struct knh *have, const struct knh *want)
{
	return have->is_group != want->is_group ||
	    have->resilient != want->resilient ||
	    (want->resilient && have->buckets != want->buckets) ||
	    (!want->is_group && have->family != want->family);
}

/*
 * Delete nexthop n, listing first, as implicit ops, what the kernel does
 * with it: the routes using it (or a group it empties) go, and its groups
 * lose it. Routes first, then groups, then n: reversed, the inverse adds n
 * back before the groups and routes that refer to it. sim changes only
 * with the explicit delete (kobj_drop_nh does all of it), so the
 * pointers into it stay valid here.
 */
static void
del_nh(struct diff *d, const struct knh *n, bool implicit)
{
	struct knh g;
	unsigned int i, j, left;

	for (i = 0; i < d->sim.nroutes; i++)
		if (d->sim.routes[i].nhid == n->id)
			push(d, RECONCILE_ROUTE, RECONCILE_DEL,
			    &d->sim.routes[i], NULL, true);
	for (i = 0; i < d->sim.nnhs; i++) {
		if (!d->sim.nhs[i].is_group)
			continue;
		g = d->sim.nhs[i];
		for (j = left = 0; j < g.nmembers; j++)
			if (g.members[j].id != n->id)
				g.members[left++] = g.members[j];
		if (left == g.nmembers)
			continue;
		g.nmembers = left;
		if (left)
			push(d, RECONCILE_NH, RECONCILE_REPLACE, &g,
			    &d->sim.nhs[i], true);
		else
			del_nh(d, &d->sim.nhs[i], true);	/* emptied */
	}
	push(d, RECONCILE_NH, RECONCILE_DEL, n, NULL, implicit);
}

/* Nexthops first (groups need their members, routes their nexthops),
 * singles before groups. */
static void
add_nhs(struct diff *d, bool groups)
{
	const struct knh *found;
	unsigned int i;
	struct knh have;

	for (i = 0; i < d->want->nnhs; i++) {
		const struct knh *want = &d->want->nhs[i];

		if (want->is_group != groups)
			continue;
		found = kobj_find_nh(&d->sim, want->id);
		if (found && kobj_nh_eq(found, want))
			continue;	/* adopted */
		if (found && found->protocol != want->protocol) {
			/* someone else's nexthop in uplinkd's id range */
			if (d->out->refused_nh == 0) {
				d->out->refused_nh = found->id;
				d->out->refused_nh_protocol = found->protocol;
			}
			d->out->refused++;
			continue;
		}
		if (found && kind_changes(found, want)) {
			have = *found;
			del_nh(d, &have, false);
			found = NULL;
		}
		if (found) {
			have = *found;
			push(d, RECONCILE_NH, RECONCILE_REPLACE, want, &have,
			    false);
		} else
			push(d, RECONCILE_NH, RECONCILE_ADD, want, NULL, false);
	}
}

static void
add_routes(struct diff *d)
{
	const struct kroute *found;
	struct kroute have;
	unsigned int i;

	for (i = 0; i < d->want->nroutes; i++) {
		const struct kroute *want = &d->want->routes[i];

		found = kobj_find_route(&d->sim, want);
		if (found && kobj_route_eq(found, want))
			continue;	/* adopted */
		if (table_foreign(d->c, &d->sim, want->table)) {
			d->out->refused++;
			continue;
		}
		if (found)
			have = *found;
		push(d, RECONCILE_ROUTE, RECONCILE_REPLACE, want,
		    found ? &have : NULL, false);
	}
}

static void
add_rules(struct diff *d)
{
	unsigned int i;

	for (i = 0; i < d->want->nrules; i++)
		if (!kobj_has_rule(&d->sim, &d->want->rules[i]))
			push(d, RECONCILE_RULE, RECONCILE_ADD,
			    &d->want->rules[i], NULL, false);
}

/* Remove what uplinkd owns and want lacks: rules first (so no rule points
 * at a table being emptied), then routes, addresses, groups, then single
 * nexthops. Each removal shifts sim: the index stays. */
static void
remove_unwanted(struct diff *d)
{
	const struct kstate *want = d->want;
	struct kstate *s = &d->sim;
	unsigned int i, pass, n;

	for (i = 0; i < s->nrules && !d->err;)
		if (plan_owns_rule(d->c, &s->rules[i]) &&
		    !kobj_has_rule(want, &s->rules[i]))
			push(d, RECONCILE_RULE, RECONCILE_DEL, &s->rules[i],
			    NULL, false);
		else
			i++;
	for (i = 0; i < s->nroutes && !d->err;)
		if (plan_owns_route(d->c, &s->routes[i]) &&
		    !kobj_find_route(want, &s->routes[i]))
			push(d, RECONCILE_ROUTE, RECONCILE_DEL, &s->routes[i],
			    NULL, false);
		else
			i++;
	for (i = 0; i < s->naddrs && !d->err;)
		if (plan_owns_addr(d->c, s, &s->addrs[i]) &&
		    !find_addr(want, &s->addrs[i]))
			push(d, RECONCILE_ADDR, RECONCILE_DEL, &s->addrs[i],
			    NULL, false);
		else
			i++;
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < s->nnhs && !d->err;) {
			struct knh nh = s->nhs[i];

			n = s->nnhs;
			if (nh.is_group == (pass == 0) &&
			    plan_owns_nh(d->c, &nh) &&
			    !kobj_find_nh(want, nh.id))
				del_nh(d, &nh, false);
			if (s->nnhs == n)
				i++;
		}
}

int
reconcile_diff(const struct conf *c, const struct kstate *have,
    const struct kstate *want, struct reconcile_ops *out)
{
	struct diff d;

	memset(out, 0, sizeof(*out));
	memset(&d, 0, sizeof(d));
	d.c = c;
	d.want = want;
	d.out = out;
	d.err = copy_state(&d.sim, have);
	count_foreign(c, have, out);
	add_addrs(&d);
	add_nhs(&d, false);
	add_nhs(&d, true);
	add_routes(&d);
	add_rules(&d);
	remove_unwanted(&d);
	kobj_clear(&d.sim);
	if (d.err)
		reconcile_ops_free(out);
	return d.err;
}

/* Is nexthop id the only member of a group of s? Dropping it would
 * empty the group, and the routes through it would go. */
static bool
sole_member(const struct kstate *s, uint32_t id)
{
	unsigned int i;

	for (i = 0; i < s->nnhs; i++)
		if (s->nhs[i].is_group && s->nhs[i].nmembers == 1 &&
		    s->nhs[i].members[0].id == id)
			return true;
	return false;
}

static bool
has_table(const struct kstate *s, uint32_t table)
{
	unsigned int i;

	for (i = 0; i < s->nroutes; i++)
		if (s->routes[i].table == table)
			return true;
	return false;
}

/* The rules of out that looked up a table of want that out left empty
 * go too: no rule may point at an empty table. */
static void
drop_orphan_rules(const struct kstate *want, struct kstate *out)
{
	unsigned int i;

	for (i = 0; i < out->nrules;)
		if (out->rules[i].action == KRULE_LOOKUP &&
		    has_table(want, out->rules[i].table) &&
		    !has_table(out, out->rules[i].table))
			kobj_del_rule(out, &out->rules[i]);
		else
			i++;
}

/* A write of op's object failed: out keeps have's version of it, or,
 * where have has none, goes without it (a nexthop with its memberships
 * and the routes using it). */
static int
without_write(const struct kstate *have, struct kstate *out,
    const struct reconcile_op *op)
{
	const struct kroute *r;
	const struct knh *n;

	switch (op->obj) {
	case RECONCILE_ADDR:
		kobj_del_addr(out, &op->o.addr);
		return 0;
	case RECONCILE_RULE:
		kobj_del_rule(out, &op->o.rule);
		return 0;
	case RECONCILE_ROUTE:
		if ((r = kobj_find_route(have, &op->o.route)))
			return kobj_add_route(out, r);
		kobj_del_route(out, &op->o.route);
		return 0;
	case RECONCILE_NH:
		if (op->o.nh.is_group)
			return -ENOENT;	/* the failover itself */
		n = kobj_find_nh(have, op->o.nh.id);
		if (n && !kind_changes(n, &op->o.nh))
			return kobj_add_nh(out, n);
		if (sole_member(out, op->o.nh.id))
			return -ENOENT;
		kobj_drop_nh(out, op->o.nh.id);
		return 0;
	}
	return -ENOENT;
}

/* A removal failed: out keeps the object as have holds it. */
static int
without_del(const struct kstate *have, struct kstate *out,
    const struct reconcile_op *op)
{
	const struct kroute *r;
	const struct knh *n;

	switch (op->obj) {
	case RECONCILE_ADDR:
		return kobj_add_addr(out, &op->o.addr);
	case RECONCILE_RULE:
		return kobj_add_rule(out, &op->o.rule);
	case RECONCILE_ROUTE:
		r = kobj_find_route(have, &op->o.route);
		return kobj_add_route(out, r ? r : &op->o.route);
	case RECONCILE_NH:
		n = kobj_find_nh(have, op->o.nh.id);
		return kobj_add_nh(out, n ? n : &op->o.nh);
	}
	return -ENOENT;
}

int
reconcile_without(const struct kstate *have, const struct kstate *want,
    const struct reconcile_op *failed, struct kstate *out)
{
	int rc;

	if ((rc = copy_state(out, want)) == 0)
		rc = failed->implicit ? -ENOENT :
		    failed->cmd == RECONCILE_DEL ?
		    without_del(have, out, failed) :
		    without_write(have, out, failed);
	if (rc == 0)
		drop_orphan_rules(want, out);
	if (rc < 0)
		kobj_clear(out);
	return rc;
}

/* The op that undoes op. */
static void
invert(const struct reconcile_op *op, struct reconcile_op *inv)
{
	memset(inv, 0, sizeof(*inv));
	inv->obj = op->obj;
	switch (op->cmd) {
	case RECONCILE_ADD:
		inv->cmd = RECONCILE_DEL;
		inv->o = op->o;
		break;
	case RECONCILE_REPLACE:
		inv->cmd = op->has_prev ? RECONCILE_REPLACE : RECONCILE_DEL;
		inv->o = op->has_prev ? op->prev : op->o;
		if (op->has_prev) {
			inv->has_prev = true;
			inv->prev = op->o;
		}
		break;
	case RECONCILE_DEL:
		/* routes are (re)made with replace, like the diff makes them */
		inv->cmd = op->obj == RECONCILE_ROUTE ? RECONCILE_REPLACE :
		    RECONCILE_ADD;
		inv->o = op->o;
		break;
	}
}

int
reconcile_inverse(const struct reconcile_ops *ops, unsigned int k,
    struct reconcile_ops *out)
{
	unsigned int i;

	memset(out, 0, sizeof(*out));
	if (k > ops->nops)
		k = ops->nops;
	/* the implicit ops just before op k are its own and did not happen:
	 * their inverse restores what is still there, a no-op */
	if (k == 0)
		return 0;
	out->ops = calloc(k, sizeof(*out->ops));
	if (!out->ops)
		return -ENOMEM;
	for (i = 0; i < k; i++)
		invert(&ops->ops[k - 1 - i], &out->ops[i]);
	out->nops = k;
	return 0;
}

void
reconcile_ops_free(struct reconcile_ops *ops)
{
	free(ops->ops);
	memset(ops, 0, sizeof(*ops));
}
