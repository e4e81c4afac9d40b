/* SPDX-License-Identifier: ISC */
/*
 * mpathnl brings the kernel's Multipath TCP endpoints and limits to what
 * mpath.c decides, over a blocking generic netlink socket of its own
 * (family "mptcp_pm"): a dump of the endpoints, then one request per
 * difference. It raises the kernel's limits where lower than wanted and,
 * when it removes its endpoints, puts back the limits it found, unless
 * someone changed them since. Called from the loop: its work grows with
 * the number of endpoints (a few), not with traffic.
 */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "log.h"
#include "mpath.h"
#include "mpathnl.h"

#define MPATHNL_BUFSZ	(64 * 1024)	/* > the kernel's 32 KiB dump skb */

struct mpathnl {
	struct mnl_socket *nl;
	uint32_t portid, seq;
	uint16_t fam;
	bool raised;			/* limits were raised by us */
	struct mpath_limits orig, set;	/* found, and what we set */
	char buf[MPATHNL_BUFSZ];
};

struct req {
	struct mpathnl *m;
	struct mpath_set *eps;		/* dump */
	struct mpath_limits *limits;	/* get limits */
	uint16_t *fam;			/* get family */
	int err;
};

static int
data_cb(const struct nlmsghdr *nlh, void *data)
{
	struct req *r = data;
	struct mpath_ep e;

	if (r->fam)
		r->err = mpath_parse_family(nlh, r->fam);
	else if (r->limits)
		r->err = mpath_parse_limits(nlh, r->limits);
	else if (r->eps && mpath_parse_ep(nlh, &e) == 0)
		mpath_add(r->eps, &e);
	return MNL_CB_OK;
}

/* Send nlh (which asks for an ack, or is a dump) and read its replies up
 * to the ack or the dump's end; 0 or -errno (the kernel's). */
static int
request(struct mpathnl *m, struct nlmsghdr *nlh, struct req *r)
{
	ssize_t n;
	int ret;

	nlh->nlmsg_seq = ++m->seq;
	if (mnl_socket_sendto(m->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		n = mnl_socket_recvfrom(m->nl, m->buf, sizeof(m->buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		ret = mnl_cb_run(m->buf, n, m->seq, m->portid, data_cb, r);
		if (ret == MNL_CB_ERROR)
			return -errno;
		if (ret == MNL_CB_STOP)
			break;	/* the ack, or the end of the dump */
	}
	return r->err;
}

struct mpathnl *
mpathnl_open(void)
{
	struct mpathnl *m = calloc(1, sizeof(*m));
	struct req r = { .fam = NULL };
	int one = 1, rc;

	if (!m)
		return NULL;
	m->nl = mnl_socket_open2(NETLINK_GENERIC, SOCK_CLOEXEC);
	if (!m->nl)
		goto err_open;
	mnl_socket_setsockopt(m->nl, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(m->nl, NETLINK_CAP_ACK, &one, sizeof(one));
	if (mnl_socket_bind(m->nl, 0, MNL_SOCKET_AUTOPID) < 0)
		goto err_bind;
	m->portid = mnl_socket_get_portid(m->nl);
	m->seq = 1;
	r.m = m;
	r.fam = &m->fam;
	if ((rc = request(m, mpath_msg_family(m->buf), &r)) < 0) {
		errno = -rc;	/* ENOENT: no MPTCP in this kernel */
		goto err_bind;
	}
	return m;
err_bind:
	rc = errno;
	mnl_socket_close(m->nl);
	errno = rc;
err_open:
	free(m);
	return NULL;
}

void
mpathnl_close(struct mpathnl *m)
{
	if (!m)
		return;
	mnl_socket_close(m->nl);
	free(m);
}

int
mpathnl_dump(struct mpathnl *m, struct mpath_set *out)
{
	struct req r = { .m = m, .eps = out };

	out->n = 0;
	return request(m, mpath_msg_dump(m->buf, m->fam), &r);
}

static int
ep_request(struct mpathnl *m, enum mpath_cmd cmd, const struct mpath_ep *e)
{
	static const char *const what[] = {
		[MPATH_ADD] = "added", [MPATH_DEL] = "removed",
		[MPATH_SETFLAGS] = "changed",
	};
	struct req r = { .m = m };
	char ifname[IF_NAMESIZE], line[160];
	int rc;

	rc = request(m, mpath_msg_ep(m->buf, m->fam, cmd, e), &r);
	mpath_format(e, e->ifindex && if_indextoname(e->ifindex, ifname) ?
	    ifname : NULL, line, sizeof(line));
	if (rc < 0)
		log_warnx("mptcp: %s: %s", line + strlen("ip mptcp "),
		    strerror(-rc));
	else
		log_info("mptcp: %s %s", what[cmd],
		    line + strlen("ip mptcp endpoint add "));
	return rc;
}

/* Raise the limits to nwant where lower; remember what was found. */
static int
raise_limits(struct mpathnl *m, unsigned int nwant)
{
	struct mpath_limits cur, to;
	struct req r = { .m = m, .limits = &cur };
	int rc;

	if ((rc = request(m, mpath_msg_get_limits(m->buf, m->fam), &r)) < 0) {
		log_warnx("mptcp: reading the limits: %s", strerror(-rc));
		return rc;
	}
	if (!mpath_limits_raise(&cur, nwant, &to))
		return 0;
	r.limits = NULL;
	rc = request(m, mpath_msg_set_limits(m->buf, m->fam, &to), &r);
	if (rc < 0) {
		log_warnx("mptcp: setting limits: %s", strerror(-rc));
		return rc;
	}
	log_info("mptcp: limits subflows %u -> %u, add_addr_accepted "
	    "%u -> %u", cur.subflows, to.subflows, cur.add_addr_accepted,
	    to.add_addr_accepted);
	if (!m->raised)
		m->orig = cur;
	m->raised = true;
	m->set = to;
	return 0;
}

/* Put back the limits found before raise_limits, unless someone changed
 * them since. */
static void
restore_limits(struct mpathnl *m)
{
	struct mpath_limits cur;
	struct req r = { .m = m, .limits = &cur };

	if (request(m, mpath_msg_get_limits(m->buf, m->fam), &r) == 0 &&
	    cur.subflows == m->set.subflows &&
	    cur.add_addr_accepted == m->set.add_addr_accepted) {
		r.limits = NULL;
		if (request(m, mpath_msg_set_limits(m->buf, m->fam, &m->orig),
		    &r) == 0)
			log_info("mptcp: limits back to subflows %u, "
			    "add_addr_accepted %u", m->orig.subflows,
			    m->orig.add_addr_accepted);
	}
	m->raised = false;
}

int
mpathnl_apply(struct mpathnl *m, const struct mpath_set *want)
{
	static struct mpath_set have, add, del, flags;
	unsigned int i;
	int rc, err = 0;

	if ((rc = mpathnl_dump(m, &have)) < 0) {
		log_warnx("mptcp: reading the endpoints: %s", strerror(-rc));
		return rc;
	}
	mpath_diff(want, &have, &add, &del, &flags);
	for (i = 0; i < del.n; i++)
		if ((rc = ep_request(m, MPATH_DEL, &del.v[i])) < 0)
			err = rc;
	for (i = 0; i < flags.n; i++)
		if ((rc = ep_request(m, MPATH_SETFLAGS, &flags.v[i])) < 0)
			err = rc;
	for (i = 0; i < add.n; i++)
		if ((rc = ep_request(m, MPATH_ADD, &add.v[i])) < 0)
			err = rc;
	/* one subflow per endpoint, from all of them together */
	if (want->n > 0 && (rc = raise_limits(m, want->n)) < 0)
		err = rc;
	else if (want->n == 0 && m->raised)
		restore_limits(m);	/* mptcp off (a reload), or stopping */
	return err;
}

int
mpathnl_remove_all(struct mpathnl *m)
{
	static const struct mpath_set none;

	return mpathnl_apply(m, &none);
}
