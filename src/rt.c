/* SPDX-License-Identifier: ISC */
/*
 * rtnetlink I/O (see rt.h): a blocking request socket that asks for
 * extended, capped acks and reads each reply with the request's own seq and
 * portid, and a non-blocking event socket subscribed to the link, address,
 * route, rule and nexthop groups whose messages keep a struct kstate mirror
 * current. Where the kernel changes state without a notification (nexthops
 * flushed when their device loses carrier or goes down, IPv4 routes flushed
 * with a device going down) the mirror does the same.
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
#include "rt.h"
#include "rtmsg.h"

#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP	0x10000	/* linux/if.h, which clashes with net/if.h */
#endif

#define RT_RECV_BUFSZ	(64 * 1024)	/* > the kernel's 32 KiB dump skb */
#define RT_EVENT_RCVBUF	(4 * 1024 * 1024)
#define RT_DUMP_TRIES	5

struct rt {
	struct mnl_socket *req;
	struct mnl_socket *ev;
	uint32_t portid;	/* of req */
	uint32_t seq;
	uint32_t table_lo, table_hi;
	char *buf;		/* RT_RECV_BUFSZ */
	char neigh_if[RT_NEIGH_IFS][IFNAMSIZ];	/* rt_set_neigh_filter */
	unsigned int nneigh_if;
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
	rt->table_lo = 1;
	rt->table_hi = 0;
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
	rt->table_lo = table_lo;
	rt->table_hi = table_hi;
}

static bool
route_wanted(const struct rt *rt, const struct kroute *r)
{
	if (r->table >= rt->table_lo && r->table <= rt->table_hi)
		return true;
	return r->dst.len == 0 && r->table != RT_TABLE_LOCAL;
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

static bool neigh_wanted(const struct rt *rt, const struct kstate *s,
    const struct kneigh *n);

static int
dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump_ctx *ctx = data;
	union {
		struct klink l;
		struct kaddr a;
		struct kroute r;
		struct krule ru;
		struct knh n;
		struct kneigh ne;
	} o;
	int ret, err = 0;

	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		ctx->rep.intr = true;
	switch (nlh->nlmsg_type) {
	case RTM_NEWLINK:
		if ((ret = rtmsg_parse_link(nlh, &o.l)) == 0)
			err = kstate_add_link(ctx->s, &o.l);
		break;
	case RTM_NEWADDR:
		if ((ret = rtmsg_parse_addr(nlh, &o.a)) == 0)
			err = kstate_add_addr(ctx->s, &o.a);
		break;
	case RTM_NEWROUTE:
		if ((ret = rtmsg_parse_route(nlh, &o.r)) == 0 &&
		    route_wanted(ctx->rt, &o.r))
			err = kstate_add_route(ctx->s, &o.r);
		break;
	case RTM_NEWRULE:
		if ((ret = rtmsg_parse_rule(nlh, &o.ru)) == 0)
			err = kstate_add_rule(ctx->s, &o.ru);
		break;
	case RTM_NEWNEXTHOP:
		if ((ret = rtmsg_parse_nh(nlh, &o.n)) == 0)
			err = kstate_add_nh(ctx->s, &o.n);
		break;
	case RTM_NEWNEIGH:
		if ((ret = rtmsg_parse_neigh(nlh, &o.ne)) == 0 &&
		    neigh_wanted(ctx->rt, ctx->s, &o.ne))
			err = kstate_add_neigh(ctx->s, &o.ne);
		break;
	default:
		return MNL_CB_OK;
	}
	if (ret < 0)
		log_warnx("rt: skipping a malformed message of type %u",
		    nlh->nlmsg_type);
	/* read on to the end of the dump even after a failure */
	if (err && !ctx->err)
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
	unsigned int i;

	rt->nneigh_if = n < RT_NEIGH_IFS ? n : RT_NEIGH_IFS;
	for (i = 0; i < rt->nneigh_if; i++)
		snprintf(rt->neigh_if[i], sizeof(rt->neigh_if[i]), "%s",
		    ifnames[i]);
}

/* Neighbours of the uplinks only: a LAN's hosts would churn the mirror. */
static bool
neigh_wanted(const struct rt *rt, const struct kstate *s,
    const struct kneigh *n)
{
	const struct klink *l = kstate_link_by_index(s, n->ifindex);
	unsigned int i;

	if (!l)
		return false;
	for (i = 0; i < rt->nneigh_if; i++)
		if (strcmp(rt->neigh_if[i], l->ifname) == 0)
			return true;
	return false;
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
		kstate_init(&tmp);
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
			kstate_clear(s);
			*s = tmp;
			return 0;
		}
		kstate_clear(&tmp);
		if (err != -EINTR && err != -EBUSY)
			break;
		log_debug("rt: dump interrupted, retrying");
	}
	log_warnx("rt: dump: %s", strerror(-err));
	return err;
}

/* Events. */

static bool
klink_eq(const struct klink *a, const struct klink *b)
{
	return a->ifindex == b->ifindex &&
	    strcmp(a->ifname, b->ifname) == 0 && a->flags == b->flags &&
	    a->carrier == b->carrier && a->pointopoint == b->pointopoint &&
	    a->has_mac == b->has_mac &&
	    memcmp(a->mac, b->mac, sizeof(a->mac)) == 0;
}

static bool
kaddr_eq(const struct kaddr *a, const struct kaddr *b)
{
	return a->ifindex == b->ifindex && prefix_eq(&a->local, &b->local) &&
	    addr_eq(&a->peer, &b->peer) && a->scope == b->scope &&
	    a->flags == b->flags;
}

static bool
have_link(const struct kstate *s, const struct klink *l)
{
	const struct klink *o = kstate_link_by_index(s, l->ifindex);

	return o && klink_eq(o, l);
}

static bool
have_addr(const struct kstate *s, const struct kaddr *a)
{
	unsigned int i;

	for (i = 0; i < s->naddrs; i++)
		if (kaddr_eq(&s->addrs[i], a))
			return true;
	return false;
}

static bool
have_route(const struct kstate *s, const struct kroute *r)
{
	unsigned int i;

	for (i = 0; i < s->nroutes; i++)
		if (kroute_eq(&s->routes[i], r) &&
		    s->routes[i].flags == r->flags)
			return true;
	return false;
}

static bool
have_nh(const struct kstate *s, const struct knh *n)
{
	const struct knh *o = kstate_find_nh(s, n->id);

	return o && knh_eq(o, n);
}

static unsigned int
kstate_size(const struct kstate *s)
{
	return s->nlinks + s->naddrs + s->nroutes + s->nrules + s->nnhs +
	    s->nneighs;
}

/*
 * What the kernel flushes without telling: the nexthops of a device that
 * goes down or loses carrier (with their group memberships and routes) and
 * the IPv4 routes of a device that goes down.
 */
static void
flush_link(struct kstate *s, const struct klink *l, bool gone)
{
	bool down = gone || !(l->flags & IFF_UP);
	bool nocarrier = down || !(l->flags & (IFF_RUNNING | IFF_LOWER_UP));
	unsigned int i;

	if (!nocarrier)
		return;
	for (i = 0; i < s->nnhs;)
		if (!s->nhs[i].is_group && s->nhs[i].oif == l->ifindex) {
			kstate_drop_nh(s, s->nhs[i].id);
			i = 0;
		} else
			i++;
	if (!down)
		return;
	for (i = 0; i < s->nroutes;)
		if (s->routes[i].family == AF_INET &&
		    s->routes[i].oif == l->ifindex)
			kstate_del_route(s, &s->routes[i]);
		else
			i++;
}

struct event_ctx {
	struct rt *rt;
	struct kstate *s;
	int changed;
	int err;
};

static int
event_apply(struct event_ctx *ctx, const struct nlmsghdr *nlh)
{
	struct kstate *s = ctx->s;
	union {
		struct klink l;
		struct kaddr a;
		struct kroute r;
		struct krule ru;
		struct knh n;
		struct kneigh ne;
	} o;
	unsigned int before = kstate_size(s);
	int ret;

	switch (nlh->nlmsg_type) {
	case RTM_NEWLINK:
		if ((ret = rtmsg_parse_link(nlh, &o.l)) != 0)
			break;
		if (have_link(s, &o.l))
			return 0;
		/* a rename is a replace: same ifindex */
		flush_link(s, &o.l, false);
		return kstate_add_link(s, &o.l) < 0 ? -ENOMEM : 1;
	case RTM_DELLINK:
		if ((ret = rtmsg_parse_link(nlh, &o.l)) != 0)
			break;
		flush_link(s, &o.l, true);
		kstate_del_link(s, o.l.ifindex);
		break;
	case RTM_NEWADDR:
		if ((ret = rtmsg_parse_addr(nlh, &o.a)) != 0 ||
		    have_addr(s, &o.a))
			break;
		return kstate_add_addr(s, &o.a) < 0 ? -ENOMEM : 1;
	case RTM_DELADDR:
		if ((ret = rtmsg_parse_addr(nlh, &o.a)) == 0)
			kstate_del_addr(s, &o.a);
		break;
	case RTM_NEWROUTE:
		if ((ret = rtmsg_parse_route(nlh, &o.r)) != 0 ||
		    !route_wanted(ctx->rt, &o.r) || have_route(s, &o.r))
			break;
		return kstate_add_route(s, &o.r) < 0 ? -ENOMEM : 1;
	case RTM_DELROUTE:
		if ((ret = rtmsg_parse_route(nlh, &o.r)) == 0)
			kstate_del_route(s, &o.r);
		break;
	case RTM_NEWRULE:
		if ((ret = rtmsg_parse_rule(nlh, &o.ru)) != 0 ||
		    kstate_has_rule(s, &o.ru))
			break;
		return kstate_add_rule(s, &o.ru) < 0 ? -ENOMEM : 1;
	case RTM_DELRULE:
		if ((ret = rtmsg_parse_rule(nlh, &o.ru)) == 0)
			kstate_del_rule(s, &o.ru);
		break;
	case RTM_NEWNEXTHOP:
		if ((ret = rtmsg_parse_nh(nlh, &o.n)) != 0 ||
		    have_nh(s, &o.n))
			break;
		return kstate_add_nh(s, &o.n) < 0 ? -ENOMEM : 1;
	case RTM_DELNEXTHOP:
		if ((ret = rtmsg_parse_nh(nlh, &o.n)) == 0)
			kstate_drop_nh(s, o.n.id);
		break;
	case RTM_NEWNEIGH: {
		const struct kneigh *have;

		if ((ret = rtmsg_parse_neigh(nlh, &o.ne)) == 1 &&
		    o.ne.ifindex > 0) {
			/* no longer resolved: forget it */
			kstate_del_neigh(s, &o.ne);
			ret = 0;
			break;
		}
		if (ret != 0 || !neigh_wanted(ctx->rt, s, &o.ne))
			break;
		have = kstate_neigh(s, o.ne.ifindex, &o.ne.addr);
		if (have && memcmp(have->mac, o.ne.mac, sizeof(o.ne.mac)) == 0)
			break;
		return kstate_add_neigh(s, &o.ne) < 0 ? -ENOMEM : 1;
	}
	case RTM_DELNEIGH:
		if ((ret = rtmsg_parse_neigh(nlh, &o.ne)) == 0)
			kstate_del_neigh(s, &o.ne);
		break;
	default:
		return 0;
	}
	if (ret < 0)
		log_warnx("rt: skipping a malformed event of type %u",
		    nlh->nlmsg_type);
	return kstate_size(s) != before;
}

static int
event_cb(const struct nlmsghdr *nlh, void *data)
{
	struct event_ctx *ctx = data;
	int ret;

	ret = event_apply(ctx, nlh);
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
	ssize_t n;

	if (!rt->ev)
		return -EBADF;
	for (;;) {
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
		    MNL_CB_ERROR && ctx.err)
			return ctx.err;
	}
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
	    nlh->nlmsg_type == RTM_DELNEXTHOP)) {
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
			del.oif = r->oif;	/* as kroute_same */
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
