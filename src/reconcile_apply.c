/* SPDX-License-Identifier: ISC */
/*
 * The kernel-facing half of reconcile: sends the ops reconcile_diff
 * decided, one netlink request each, and keeps the mirror in step with
 * what succeeded. When a request fails it stops and sends the inverse of
 * what it sent, so the kernel is back in its last good state; then it
 * applies the plan without the object the kernel refused (a few rounds at
 * most), so that one refusal does not hold back the failover of another
 * link. It decides nothing but which errno means "already so".
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "reconcile.h"
#include "rt.h"

static const char *const obj_names[] = {
	[RECONCILE_ADDR] = "address",
	[RECONCILE_NH] = "nexthop",
	[RECONCILE_ROUTE] = "route",
	[RECONCILE_RULE] = "rule",
};

static int
send_cmd(struct rt *rt, const struct reconcile_op *op, enum rt_cmd cmd)
{
	switch (op->obj) {
	case RECONCILE_ADDR:
		return rt_addr(rt, cmd, &op->o.addr);
	case RECONCILE_NH:
		return rt_nh(rt, cmd, &op->o.nh);
	case RECONCILE_ROUTE:
		return rt_route(rt, cmd, &op->o.route);
	case RECONCILE_RULE:
		return rt_rule(rt, cmd, &op->o.rule);
	}
	return -EINVAL;
}

/* One op: 0 when the kernel holds what it asked for, or -errno. */
static int
send_op(struct rt *rt, const struct reconcile_op *op)
{
	static const enum rt_cmd cmds[] = {
		[RECONCILE_ADD] = RT_ADD,
		[RECONCILE_REPLACE] = RT_REPLACE,
		[RECONCILE_DEL] = RT_DEL,
	};
	int rc;

	rc = send_cmd(rt, op, cmds[op->cmd]);
	if (rc == -EEXIST && op->cmd == RECONCILE_ADD)
		rc = op->obj == RECONCILE_NH ?
		    send_cmd(rt, op, RT_REPLACE) : 0;
	if (op->cmd == RECONCILE_DEL &&
	    (rc == -ENOENT || rc == -ESRCH || rc == -EADDRNOTAVAIL))
		rc = 0;
	return rc;
}

static void
count(struct reconcile_stats *st, const struct reconcile_op *op)
{
	if (op->cmd == RECONCILE_DEL)
		st->deleted++;
	else if (op->has_prev)
		st->replaced++;
	else
		st->added++;
}

/*
 * Send ops in order; obs follows each one that succeeds. With stop, the
 * first failure ends it. Returns the index of the first op that failed, or
 * ops->nops; *err is its -errno.
 */
static unsigned int
send_ops(struct rt *rt, const struct reconcile_ops *ops, struct kstate *obs,
    struct reconcile_stats *st, bool stop, int *err)
{
	unsigned int i, failed = ops->nops;
	int rc;

	for (i = 0; i < ops->nops; i++) {
		const struct reconcile_op *op = &ops->ops[i];

		if (op->implicit)
			continue;	/* the next explicit op does it */
		if ((rc = send_op(rt, op)) < 0) {
			st->errors++;
			if (failed == ops->nops) {
				failed = i;
				*err = rc;
			}
			if (stop)
				break;
			continue;
		}
		count(st, op);
		if (reconcile_effect(obs, op) < 0)
			log_warnx("reconcile: out of memory for the mirror");
	}
	return failed;
}

/* Undo ops 0..k: the kernel back where it was before the reconcile. */
static void
roll_back(struct rt *rt, const struct reconcile_ops *ops, unsigned int k,
    struct kstate *obs, struct reconcile_stats *st)
{
	struct reconcile_stats rst;
	struct reconcile_ops inv;
	int err;

	log_warnx("reconcile: %s %u of %u failed: undoing the %u before it",
	    obj_names[ops->ops[k].obj], k + 1, ops->nops, k);
	st->rolled_back = true;
	if (reconcile_inverse(ops, k, &inv) < 0) {
		log_warnx("reconcile: out of memory: cannot undo");
		return;
	}
	memset(&rst, 0, sizeof(rst));
	send_ops(rt, &inv, obs, &rst, false, &err);
	if (rst.errors)
		log_warnx("reconcile: %u of %u undo requests failed",
		    rst.errors, inv.nops);
	reconcile_ops_free(&inv);
}

/* Say what the diff refused, and which of uplinkd's tables others use. */
static void
log_refused(const struct reconcile_ops *ops)
{
	unsigned int i;

	for (i = 0; i < ops->nforeign_tables; i++)
		log_warnx("table %u holds routes of protocol %u that are not "
		    "uplinkd's: not touching it (choose another table-base)",
		    ops->foreign_tables[i], ops->foreign_protocols[i]);
	if (ops->refused_nh)
		log_warnx("nexthop %u is not uplinkd's (protocol %u): not "
		    "touching it (choose another nexthop-id-base)",
		    ops->refused_nh, ops->refused_nh_protocol);
}

/* The object of op in a few words, for the log. */
static const char *
describe(const struct reconcile_op *op, char *buf, size_t len)
{
	char a[PREFIX_STRLEN];
	const struct krule *ru = &op->o.rule;
	const struct kroute *r = &op->o.route;

	switch (op->obj) {
	case RECONCILE_ADDR:
		snprintf(buf, len, "address %s",
		    prefix_str(&op->o.addr.local, a));
		break;
	case RECONCILE_NH:
		snprintf(buf, len, "nexthop %u", op->o.nh.id);
		break;
	case RECONCILE_ROUTE:
		snprintf(buf, len, "route %s table %u", r->dst.len ?
		    prefix_str(&r->dst, a) : "default", r->table);
		break;
	case RECONCILE_RULE:
		if (!ru->src.addr.family)
			strcpy(a, "all");
		else if (ru->src.len == addr_len(&ru->src.addr) * 8)
			addr_str(&ru->src.addr, a);
		else
			prefix_str(&ru->src, a);
		snprintf(buf, len, "rule from %s lookup %u pref %u", a,
		    ru->table, ru->priority);
		break;
	}
	return buf;
}

/*
 * One round: diff obs against want and send the ops; on a failure, undo
 * what was sent and make *next, want without the refused object. Returns
 * 0 (all sent), 1 (a failure; *next made: go on with it), or -errno (a
 * failure; stop).
 */
static int
apply_round(struct rt *rt, const struct conf *c, const struct kstate *want,
    struct kstate *obs, struct reconcile_stats *st, unsigned int round,
    struct kstate *next)
{
	struct reconcile_ops ops;
	char what[128];
	unsigned int failed;
	int rc, err = 0;

	if ((rc = reconcile_diff(c, obs, want, &ops)) < 0) {
		st->errors++;
		return rc;
	}
	if (round == 0) {
		log_refused(&ops);
		st->foreign = ops.foreign;
		st->errors += ops.refused;
	}
	failed = send_ops(rt, &ops, obs, st, true, &err);
	if (failed == ops.nops) {
		reconcile_ops_free(&ops);
		return 0;
	}
	roll_back(rt, &ops, failed, obs, st);
	rc = round + 1 < RECONCILE_ROUNDS ?
	    reconcile_without(obs, want, &ops.ops[failed], next) : -ELOOP;
	if (rc == 0) {
		log_warnx("reconcile: the kernel refuses %s: %s; applying "
		    "the rest without it", describe(&ops.ops[failed], what,
		    sizeof(what)), strerror(-err));
		st->without++;
		rc = 1;
	} else if (rc == -ELOOP)
		log_warnx("reconcile: still refused after going without %u "
		    "objects: stopping here until the retry", st->without);
	reconcile_ops_free(&ops);
	return rc;
}

int
reconcile_apply(struct rt *rt, const struct conf *c, const struct plan *p,
    struct kstate *obs, struct reconcile_stats *st)
{
	struct kstate cur, next;
	unsigned int round;
	int rc;

	memset(st, 0, sizeof(*st));
	kobj_init(&cur);
	rc = apply_round(rt, c, &p->k, obs, st, 0, &next);
	for (round = 1; rc == 1; round++) {
		kobj_clear(&cur);
		cur = next;
		rc = apply_round(rt, c, &cur, obs, st, round, &next);
	}
	kobj_clear(&cur);
	if (rc < 0 && rc != -ENOENT && rc != -ELOOP)
		return rc;
	return st->errors ? -EIO : 0;
}

int
reconcile_remove_all(struct rt *rt, const struct conf *c, struct kstate *obs,
    struct reconcile_stats *st)
{
	struct reconcile_ops ops;
	struct kstate none;
	int rc;

	kobj_init(&none);
	memset(st, 0, sizeof(*st));
	if ((rc = reconcile_diff(c, obs, &none, &ops)) < 0) {
		st->errors++;
		return rc;
	}
	send_ops(rt, &ops, obs, st, false, &rc);
	reconcile_ops_free(&ops);
	return st->errors ? -EIO : 0;
}
