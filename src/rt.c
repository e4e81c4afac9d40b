/* SPDX-License-Identifier: ISC */
/*
 * rtnetlink I/O (see rt.h): a blocking request socket that asks for
 * extended, capped acks and reads each reply with the request's own seq and
 * portid, and a non-blocking event socket subscribed to the link, address,
 * route, rule, nexthop and neighbour groups whose messages keep a struct
 * kstate mirror current, by mirror.c's rules.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>

#include "log.h"
#include "mirror.h"
#include "rt.h"
#include "rtmsg.h"

#define RT_RECV_BUFSZ	(64 * 1024)	/* > the kernel's 32 KiB dump skb */
#define RT_EVENT_RCVBUF	(4 * 1024 * 1024)
#define RT_DUMP_TRIES	5
#define RT_EVENTS_PER_CALL	64	/* datagrams per rt_read_events call */

struct rt {
	struct mnl_socket *req;
	struct mnl_socket *ev;
	uint32_t portid;	/* of req */
	uint32_t seq;
	struct mirror_filter filter;
	char *buf;		/* RT_RECV_BUFSZ */
};

static int
open_req(struct rt *rt)
{
	int one = 1;

	rt->req = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!rt->req)
		return -errno;
	/* best effort: older kernels lack these, the acks still come */
	mnl_socket_setsockopt(rt->req, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(rt->req, NETLINK_CAP_ACK, &one, sizeof(one));
	if (mnl_socket_bind(rt->req, 0, MNL_SOCKET_AUTOPID) < 0) {
		int err = -errno;

		mnl_socket_close(rt->req);
		rt->req = NULL;
		return err;
	}
	rt->portid = mnl_socket_get_portid(rt->req);
	return 0;
}

/* After a reply was cut short: drop the socket and whatever the kernel
 * still has queued on it, so the next request reads only its own reply. */
static void
reset_req(struct rt *rt)
{
	mnl_socket_close(rt->req);
	rt->req = NULL;
	if (open_req(rt) < 0)
		log_warn("rt: reopening the netlink request socket");
}

static int
open_events(struct rt *rt)
{
	static unsigned int groups[] = {
		RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR,
		RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_ROUTE, RTNLGRP_IPV4_RULE,
		RTNLGRP_IPV6_RULE, RTNLGRP_NEXTHOP, RTNLGRP_NEIGH,
	};
	int size = RT_EVENT_RCVBUF, fd;
	unsigned int i;

	rt->ev = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (!rt->ev)
		return -errno;
	fd = mnl_socket_get_fd(rt->ev);
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size,
	    sizeof(size)) < 0 &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size)) < 0)
		log_warn("rt: event socket receive buffer");
	if (mnl_socket_bind(rt->ev, 0, MNL_SOCKET_AUTOPID) < 0)
		return -errno;
	for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		if (mnl_socket_setsockopt(rt->ev, NETLINK_ADD_MEMBERSHIP,
		    &groups[i], sizeof(groups[i])) < 0)
			return -errno;
	return 0;
}

struct rt *
rt_open(int events)
{
	struct rt *rt;
	int err;

	rt = calloc(1, sizeof(*rt));
	if (!rt)
		return NULL;
	rt->buf = malloc(RT_RECV_BUFSZ);
	if (!rt->buf) {
		err = -ENOMEM;
		goto err_buf;
	}
	rt->seq = time(NULL);
	mirror_filter_init(&rt->filter);
	if ((err = open_req(rt)) < 0)
		goto err_req;
	if (events && (err = open_events(rt)) < 0)
		goto err_events;
	return rt;

err_events:
	if (rt->ev)
		mnl_socket_close(rt->ev);
	mnl_socket_close(rt->req);
err_req:
	free(rt->buf);
err_buf:
	free(rt);
	errno = -err;
	return NULL;
}

void
rt_close(struct rt *rt)
{
	if (!rt)
		return;
	if (rt->ev)
		mnl_socket_close(rt->ev);
	if (rt->req)
		mnl_socket_close(rt->req);
	free(rt->buf);
	free(rt);
}

int
rt_event_fd(const struct rt *rt)
{
	return rt->ev ? mnl_socket_get_fd(rt->ev) : -1;
}

void
rt_set_route_filter(struct rt *rt, uint32_t table_lo, uint32_t table_hi)
{
	rt->filter.table_lo = table_lo;
	rt->filter.table_hi = table_hi;
}

/* Replies: the error (and extended ack) of NLMSG_ERROR and NLMSG_DONE. */

struct reply {
	int error;		/* -errno from the kernel */
	bool intr;		/* NLM_F_DUMP_INTR seen */
	char msg[256];		/* NLMSGERR_ATTR_MSG */
};

static int
extack_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;

	if (mnl_attr_type_valid(a, NLMSGERR_ATTR_MAX) < 0)
		return MNL_CB_OK;
	if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG &&
	    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) < 0)
		return MNL_CB_ERROR;
	tb[mnl_attr_get_type(a)] = a;
	return MNL_CB_OK;
}

static void
get_extack(const struct nlmsghdr *nlh, size_t hlen, struct reply *rep)
{
	const struct nlattr *tb[NLMSGERR_ATTR_MAX + 1] = { NULL };

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) ||
	    nlh->nlmsg_len < MNL_NLMSG_HDRLEN + hlen)
		return;
	if (mnl_attr_parse(nlh, hlen, extack_cb, tb) != MNL_CB_OK)
		return;
	if (tb[NLMSGERR_ATTR_MSG])
		snprintf(rep->msg, sizeof(rep->msg), "%s",
		    mnl_attr_get_str(tb[NLMSGERR_ATTR_MSG]));
}

static int
error_cb(const struct nlmsghdr *nlh, void *data)
{
	struct reply *rep = data;
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	size_t hlen = sizeof(*err);

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*err)) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		hlen += mnl_nlmsg_get_payload_len(&err->msg);
	get_extack(nlh, hlen, rep);
	if (err->error == 0)
		return MNL_CB_STOP;
	rep->error = err->error < 0 ? err->error : -err->error;
	errno = -rep->error;
	return MNL_CB_ERROR;
}

static int
done_cb(const struct nlmsghdr *nlh, void *data)
{
	struct reply *rep = data;
	int error;

	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		rep->intr = true;
	if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(error)) {
		memcpy(&error, mnl_nlmsg_get_payload(nlh), sizeof(error));
		if (error < 0) {
			get_extack(nlh, sizeof(error), rep);
			rep->error = error;
			errno = -error;
			return MNL_CB_ERROR;
		}
	}
	return MNL_CB_STOP;
}

static mnl_cb_t ctl_cb[NLMSG_MIN_TYPE] = {
	[NLMSG_ERROR] = error_cb,
	[NLMSG_DONE] = done_cb,
};

/*
 * Read the replies to request seq until the ack or the end of the dump,
 * passing data messages to cb. The data of cb must start with a struct
 * reply. 0 or -errno (the kernel's, or a socket error).
 */
static int
run_reply(struct rt *rt, uint32_t seq, mnl_cb_t cb, struct reply *rep)
{
	ssize_t n;
	int ret;

	for (;;) {
		n = mnl_socket_recvfrom(rt->req, rt->buf, RT_RECV_BUFSZ);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			reset_req(rt);
			return ret;
		}
		ret = mnl_cb_run2(rt->buf, n, seq, rt->portid, cb, rep,
		    ctl_cb, NLMSG_MIN_TYPE);
		if (ret == MNL_CB_STOP)
			return 0;
		if (ret == MNL_CB_ERROR) {
			if (rep->error)
				return rep->error;
			/* not the kernel's answer: a stale or foreign
			 * reply, or a callback failure */
			ret = errno ? -errno : -EIO;
			reset_req(rt);
			return ret;
		}
	}
}

static int
send_req(struct rt *rt, const struct nlmsghdr *nlh)
{
	if (!rt->req && open_req(rt) < 0)
		return -errno;
	if (mnl_socket_sendto(rt->req, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	return 0;
}

/* Dumps. */

struct dump_ctx {
	struct reply rep;	/* first: see run_reply */
	struct rt *rt;
	struct kstate *s;
	int err;		/* first local failure (-ENOMEM) */
};

static int
dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump_ctx *ctx = data;
	int err;

	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		ctx->rep.intr = true;
	err = mirror_event(ctx->s, &ctx->rt->filter, nlh);
	if (err == -EINVAL)
		log_warnx("rt: skipping a malformed message of type %u",
		    nlh->nlmsg_type);
	/* read on to the end of the dump even after a failure */
	else if (err < 0 && !ctx->err)
		ctx->err = err;
	return MNL_CB_OK;
}

static int
dump_one(struct rt *rt, struct dump_ctx *ctx, uint16_t type)
{
	char buf[RTMSG_BUFSZ];
	struct nlmsghdr *nlh;
	int err;

	nlh = rtmsg_dump(buf, type, AF_UNSPEC, ++rt->seq);
	if ((err = send_req(rt, nlh)) < 0)
		return err;
	return run_reply(rt, nlh->nlmsg_seq, dump_cb, &ctx->rep);
}

void
rt_set_neigh_filter(struct rt *rt, const char *const *ifnames, unsigned int n)
{
	mirror_filter_neighs(&rt->filter, ifnames, n);
}

int
rt_dump(struct rt *rt, struct kstate *s)
{
	static const uint16_t types[] = {
		RTM_GETLINK, RTM_GETADDR, RTM_GETRULE, RTM_GETNEXTHOP,
		RTM_GETROUTE, RTM_GETNEIGH,
	};
	struct dump_ctx ctx;
	struct kstate tmp;
	unsigned int i, try;
	int err = 0;

	for (try = 0; try < RT_DUMP_TRIES; try++) {
		kobj_init(&tmp);
		memset(&ctx, 0, sizeof(ctx));
		ctx.rt = rt;
		ctx.s = &tmp;
		for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
			memset(&ctx.rep, 0, sizeof(ctx.rep));
			err = dump_one(rt, &ctx, types[i]);
			if (err == 0 && ctx.rep.intr)
				err = -EINTR;
			if (err == -EOPNOTSUPP && types[i] == RTM_GETNEXTHOP)
				err = 0;	/* kernel without nexthops */
			if (err == 0 && ctx.err)
				err = ctx.err;
			if (err)
				break;
		}
		if (err == 0) {
			kobj_clear(s);
			*s = tmp;
			return 0;
		}
		kobj_clear(&tmp);
		if (err != -EINTR && err != -EBUSY)
			break;
		log_debug("rt: dump interrupted, retrying");
	}
	log_warnx("rt: dump: %s", strerror(-err));
	return err;
}

/* Events. */

struct event_ctx {
	const struct rt *rt;
	struct kstate *s;
	int changed;
	int err;
	bool unreadable;	/* an event was skipped: resync */
};

static int
event_cb(const struct nlmsghdr *nlh, void *data)
{
	struct event_ctx *ctx = data;
	int ret;

	ret = mirror_event(ctx->s, &ctx->rt->filter, nlh);
	if (ret == -EINVAL) {
		log_warnx("rt: a malformed event of type %u", nlh->nlmsg_type);
		ctx->unreadable = true;
		return MNL_CB_OK;
	}
	if (ret < 0) {
		ctx->err = ret;
		return MNL_CB_ERROR;
	}
	ctx->changed += ret;
	return MNL_CB_OK;
}

int
rt_read_events(struct rt *rt, struct kstate *s)
{
	struct event_ctx ctx = { .rt = rt, .s = s };
	unsigned int budget;
	ssize_t n;

	if (!rt->ev)
		return -EBADF;
	/* at most RT_EVENTS_PER_CALL datagrams: a route storm waits for the
	 * next turn of the loop, after the probes */
	for (budget = RT_EVENTS_PER_CALL; budget > 0; budget--) {
		n = mnl_socket_recvfrom(rt->ev, rt->buf, RT_RECV_BUFSZ);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			return -errno;	/* ENOBUFS: events lost */
		}
		/* events carry the seq and portid of whoever caused them:
		 * none to check on this socket, which sends nothing */
		if (mnl_cb_run(rt->buf, n, 0, 0, event_cb, &ctx) ==
		    MNL_CB_ERROR)
			return ctx.err ? ctx.err : -EBADMSG;
	}
	if (ctx.unreadable)
		return -EBADMSG;
	return ctx.changed;
}

/* Requests. */

static int
request(struct rt *rt, struct nlmsghdr *nlh, const char *what)
{
	struct reply rep;
	int err;

	memset(&rep, 0, sizeof(rep));
	if ((err = send_req(rt, nlh)) == 0)
		err = run_reply(rt, nlh->nlmsg_seq, NULL, &rep);
	/* deleting what the kernel already removed (a device went down
	 * and took its routes and nexthops with it) is no failure */
	if ((err == -ESRCH || err == -ENOENT) &&
	    (nlh->nlmsg_type == RTM_DELROUTE || nlh->nlmsg_type == RTM_DELRULE ||
	    nlh->nlmsg_type == RTM_DELNEXTHOP ||
	    nlh->nlmsg_type == RTM_DELADDR)) {
		log_debug("rt: %s: already gone", what);
		return err;
	}
	if (err && rep.msg[0])
		log_warnx("rt: %s: %s: %s", what, strerror(-err), rep.msg);
	else if (err)
		log_warnx("rt: %s: %s", what, strerror(-err));
	return err;
}

static uint16_t
cmd_flags(enum rt_cmd cmd)
{
	switch (cmd) {
	case RT_ADD:
		return NLM_F_CREATE | NLM_F_EXCL;
	case RT_REPLACE:
		return NLM_F_CREATE | NLM_F_REPLACE;
	case RT_DEL:
		return 0;
	}
	return 0;
}

static const char *
cmd_name(enum rt_cmd cmd)
{
	switch (cmd) {
	case RT_ADD:
		return "add";
	case RT_REPLACE:
		return "replace";
	case RT_DEL:
		return "del";
	}
	return "?";
}

int
rt_route(struct rt *rt, enum rt_cmd cmd, const struct kroute *r)
{
	char buf[RTMSG_BUFSZ], what[128], dst[PREFIX_STRLEN];
	struct nlmsghdr *nlh;
	struct kroute del;

	if (cmd == RT_DEL) {
		/* what names the route to the kernel; gateway and prefsrc
		 * would only make it miss a route that changed */
		memset(&del, 0, sizeof(del));
		del.family = r->family;
		del.table = r->table;
		del.dst = r->dst;
		del.priority = r->priority;
		del.protocol = r->protocol;
		del.type = r->type;
		del.scope = RT_SCOPE_NOWHERE;
		del.nhid = r->nhid;
		if (!r->nhid && r->table < 256)
			del.oif = r->oif;	/* as kobj_route_same */
		r = &del;
	}
	nlh = rtmsg_route(buf, cmd == RT_DEL ? RTM_DELROUTE : RTM_NEWROUTE,
	    cmd_flags(cmd), ++rt->seq, r);
	snprintf(what, sizeof(what), "route %s %s table %u", cmd_name(cmd),
	    prefix_str(&r->dst, dst), r->table);
	return request(rt, nlh, what);
}

int
rt_rule(struct rt *rt, enum rt_cmd cmd, const struct krule *r)
{
	char buf[RTMSG_BUFSZ], what[128];
	struct nlmsghdr *nlh;

	nlh = rtmsg_rule(buf, cmd == RT_DEL ? RTM_DELRULE : RTM_NEWRULE,
	    cmd_flags(cmd), ++rt->seq, r);
	snprintf(what, sizeof(what), "rule %s pref %u", cmd_name(cmd),
	    r->priority);
	return request(rt, nlh, what);
}

int
rt_nh(struct rt *rt, enum rt_cmd cmd, const struct knh *n)
{
	char buf[RTMSG_BUFSZ], what[64];
	struct nlmsghdr *nlh;

	nlh = rtmsg_nh(buf, cmd == RT_DEL ? RTM_DELNEXTHOP : RTM_NEWNEXTHOP,
	    cmd_flags(cmd), ++rt->seq, n);
	snprintf(what, sizeof(what), "nexthop %s id %u", cmd_name(cmd), n->id);
	return request(rt, nlh, what);
}

int
rt_addr(struct rt *rt, enum rt_cmd cmd, const struct kaddr *a)
{
	char buf[RTMSG_BUFSZ], what[96], p[PREFIX_STRLEN];
	struct nlmsghdr *nlh;

	nlh = rtmsg_addr(buf, cmd == RT_DEL ? RTM_DELADDR : RTM_NEWADDR,
	    cmd_flags(cmd), ++rt->seq, a);
	snprintf(what, sizeof(what), "address %s %s ifindex %d", cmd_name(cmd),
	    prefix_str(&a->local, p), a->ifindex);
	return request(rt, nlh, what);
}
