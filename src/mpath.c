/* SPDX-License-Identifier: ISC */
/*
 * mpath decides which Multipath TCP endpoints uplinkd's should change, and
 * builds and parses the "mptcp_pm" generic netlink messages that read and
 * change them and the kernel's limits. Pure: see mpath.h.
 */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/mptcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "mpath.h"

uint8_t
mpath_id(unsigned int link_id, int family)
{
	if (link_id < 1 || link_id > MPATH_MAX_LINK)
		return 0;
	return (family == AF_INET ? MPATH_ID4 : MPATH_ID6) + link_id;
}

bool
mpath_owns(uint8_t id)
{
	return id > MPATH_ID4 && id != MPATH_ID6;
}

bool
mpath_add(struct mpath_set *s, const struct mpath_ep *e)
{
	if (s->n >= MPATH_MAX_EP)
		return false;
	s->v[s->n++] = *e;
	return true;
}

const struct mpath_ep *
mpath_find_addr(const struct mpath_set *s, const struct addr *a)
{
	unsigned int i;

	for (i = 0; i < s->n; i++)
		if (addr_eq(&s->v[i].addr, a))
			return &s->v[i];
	return NULL;
}

static const struct mpath_ep *
find_id(const struct mpath_set *s, uint8_t id)
{
	unsigned int i;

	for (i = 0; i < s->n; i++)
		if (s->v[i].id == id)
			return &s->v[i];
	return NULL;
}

/* The same endpoint but perhaps its backup flag. */
static bool
same_place(const struct mpath_ep *a, const struct mpath_ep *b)
{
	return a->id == b->id && addr_eq(&a->addr, &b->addr) &&
	    a->ifindex == b->ifindex &&
	    (a->flags & ~MPATH_F_BACKUP) == (b->flags & ~MPATH_F_BACKUP);
}

void
mpath_diff(const struct mpath_set *want, const struct mpath_set *have,
    struct mpath_set *add, struct mpath_set *del, struct mpath_set *setflags)
{
	const struct mpath_ep *w, *h;
	unsigned int i;

	add->n = del->n = setflags->n = 0;
	for (i = 0; i < have->n; i++) {
		h = &have->v[i];
		if (!mpath_owns(h->id))
			continue;
		w = find_id(want, h->id);
		if (!w || !same_place(w, h))
			mpath_add(del, h);
	}
	for (i = 0; i < want->n; i++) {
		w = &want->v[i];
		h = find_id(have, w->id);
		if (h && same_place(w, h)) {
			if (h->flags != w->flags)
				mpath_add(setflags, w);
			continue;
		}
		/* another program's endpoint of this address: left alone,
		 * and the kernel would refuse a second one */
		h = mpath_find_addr(have, &w->addr);
		if (h && !mpath_owns(h->id))
			continue;
		mpath_add(add, w);
	}
}

bool
mpath_limits_raise(const struct mpath_limits *cur, unsigned int want,
    struct mpath_limits *out)
{
	if (want > MPATH_LIMIT_MAX)
		want = MPATH_LIMIT_MAX;
	*out = *cur;
	if (out->subflows < want)
		out->subflows = want;
	if (out->add_addr_accepted < want)
		out->add_addr_accepted = want;
	return out->subflows != cur->subflows ||
	    out->add_addr_accepted != cur->add_addr_accepted;
}

void
mpath_format(const struct mpath_ep *e, const char *ifname, char *buf,
    size_t len)
{
	char a[ADDR_STRLEN];

	snprintf(buf, len, "ip mptcp endpoint add %s id %u%s%s%s%s%s",
	    addr_str(&e->addr, a), e->id,
	    e->flags & MPATH_F_SIGNAL ? " signal" : "",
	    e->flags & MPATH_F_SUBFLOW ? " subflow" : "",
	    e->flags & MPATH_F_BACKUP ? " backup" : "",
	    ifname ? " dev " : "", ifname ? ifname : "");
}

static struct nlmsghdr *
genl_start(void *buf, uint16_t fam, uint8_t cmd, uint16_t flags,
    uint8_t version)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = fam;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = version;
	return nlh;
}

struct nlmsghdr *
mpath_msg_ep(void *buf, uint16_t fam, enum mpath_cmd cmd,
    const struct mpath_ep *e)
{
	static const uint8_t cmds[] = {
		[MPATH_ADD] = MPTCP_PM_CMD_ADD_ADDR,
		[MPATH_DEL] = MPTCP_PM_CMD_DEL_ADDR,
		[MPATH_SETFLAGS] = MPTCP_PM_CMD_SET_FLAGS,
	};
	struct nlmsghdr *nlh = genl_start(buf, fam, cmds[cmd], NLM_F_ACK,
	    MPTCP_PM_VER);
	struct nlattr *n = mnl_attr_nest_start(nlh, MPTCP_PM_ATTR_ADDR);

	/* a delete names the id alone (the kernel wants the address
	 * with a family); a flag change the address alone */
	if (cmd != MPATH_SETFLAGS)
		mnl_attr_put_u8(nlh, MPTCP_PM_ADDR_ATTR_ID, e->id);
	if (cmd != MPATH_DEL) {
		mnl_attr_put_u16(nlh, MPTCP_PM_ADDR_ATTR_FAMILY,
		    e->addr.family);
		if (e->addr.family == AF_INET)
			mnl_attr_put(nlh, MPTCP_PM_ADDR_ATTR_ADDR4, 4,
			    &e->addr.u.v4);
		else
			mnl_attr_put(nlh, MPTCP_PM_ADDR_ATTR_ADDR6, 16,
			    &e->addr.u.v6);
		mnl_attr_put_u32(nlh, MPTCP_PM_ADDR_ATTR_FLAGS, e->flags);
	}
	if (cmd == MPATH_ADD && e->ifindex)
		mnl_attr_put_u32(nlh, MPTCP_PM_ADDR_ATTR_IF_IDX, e->ifindex);
	mnl_attr_nest_end(nlh, n);
	return nlh;
}

struct nlmsghdr *
mpath_msg_dump(void *buf, uint16_t fam)
{
	return genl_start(buf, fam, MPTCP_PM_CMD_GET_ADDR, NLM_F_DUMP,
	    MPTCP_PM_VER);
}

struct nlmsghdr *
mpath_msg_get_limits(void *buf, uint16_t fam)
{
	return genl_start(buf, fam, MPTCP_PM_CMD_GET_LIMITS, NLM_F_ACK,
	    MPTCP_PM_VER);
}

struct nlmsghdr *
mpath_msg_set_limits(void *buf, uint16_t fam, const struct mpath_limits *l)
{
	struct nlmsghdr *nlh = genl_start(buf, fam, MPTCP_PM_CMD_SET_LIMITS,
	    NLM_F_ACK, MPTCP_PM_VER);

	mnl_attr_put_u32(nlh, MPTCP_PM_ATTR_RCV_ADD_ADDRS,
	    l->add_addr_accepted);
	mnl_attr_put_u32(nlh, MPTCP_PM_ATTR_SUBFLOWS, l->subflows);
	return nlh;
}

struct nlmsghdr *
mpath_msg_family(void *buf)
{
	struct nlmsghdr *nlh = genl_start(buf, GENL_ID_CTRL,
	    CTRL_CMD_GETFAMILY, NLM_F_ACK, 1);

	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, MPTCP_PM_NAME);
	return nlh;
}

static int
ep_attr_cb(const struct nlattr *a, void *data)
{
	struct mpath_ep *e = data;
	uint16_t type = mnl_attr_get_type(a);
	uint16_t len = mnl_attr_get_payload_len(a);

	switch (type) {
	case MPTCP_PM_ADDR_ATTR_FAMILY:
		if (len < 2)
			return MNL_CB_ERROR;
		e->addr.family = mnl_attr_get_u16(a);
		break;
	case MPTCP_PM_ADDR_ATTR_ID:
		if (len < 1)
			return MNL_CB_ERROR;
		e->id = mnl_attr_get_u8(a);
		break;
	case MPTCP_PM_ADDR_ATTR_ADDR4:
		if (len != 4)
			return MNL_CB_ERROR;
		memcpy(&e->addr.u.v4, mnl_attr_get_payload(a), 4);
		break;
	case MPTCP_PM_ADDR_ATTR_ADDR6:
		if (len != 16)
			return MNL_CB_ERROR;
		memcpy(&e->addr.u.v6, mnl_attr_get_payload(a), 16);
		break;
	case MPTCP_PM_ADDR_ATTR_FLAGS:
		if (len < 4)
			return MNL_CB_ERROR;
		e->flags = mnl_attr_get_u32(a);
		break;
	case MPTCP_PM_ADDR_ATTR_IF_IDX:
		if (len < 4)
			return MNL_CB_ERROR;
		e->ifindex = (int)mnl_attr_get_u32(a);
		break;
	}
	return MNL_CB_OK;
}

static int
top_attr_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	uint16_t type = mnl_attr_get_type(a);

	if (type <= MPTCP_PM_ATTR_MAX)
		tb[type] = a;
	return MNL_CB_OK;
}

int
mpath_parse_ep(const struct nlmsghdr *nlh, struct mpath_ep *e)
{
	const struct nlattr *tb[MPTCP_PM_ATTR_MAX + 1] = { 0 };

	memset(e, 0, sizeof(*e));
	if (mnl_attr_parse(nlh, GENL_HDRLEN, top_attr_cb, tb) < 0 ||
	    !tb[MPTCP_PM_ATTR_ADDR] ||
	    mnl_attr_parse_nested(tb[MPTCP_PM_ATTR_ADDR], ep_attr_cb, e) < 0)
		return -EINVAL;
	if (e->addr.family != AF_INET && e->addr.family != AF_INET6)
		return -EINVAL;
	return 0;
}

int
mpath_parse_limits(const struct nlmsghdr *nlh, struct mpath_limits *l)
{
	const struct nlattr *tb[MPTCP_PM_ATTR_MAX + 1] = { 0 };

	memset(l, 0, sizeof(*l));
	if (mnl_attr_parse(nlh, GENL_HDRLEN, top_attr_cb, tb) < 0)
		return -EINVAL;
	if (tb[MPTCP_PM_ATTR_SUBFLOWS]) {
		if (mnl_attr_validate(tb[MPTCP_PM_ATTR_SUBFLOWS],
		    MNL_TYPE_U32) < 0)
			return -EINVAL;
		l->subflows = mnl_attr_get_u32(tb[MPTCP_PM_ATTR_SUBFLOWS]);
	}
	if (tb[MPTCP_PM_ATTR_RCV_ADD_ADDRS]) {
		if (mnl_attr_validate(tb[MPTCP_PM_ATTR_RCV_ADD_ADDRS],
		    MNL_TYPE_U32) < 0)
			return -EINVAL;
		l->add_addr_accepted =
		    mnl_attr_get_u32(tb[MPTCP_PM_ATTR_RCV_ADD_ADDRS]);
	}
	return 0;
}

static int
ctrl_attr_cb(const struct nlattr *a, void *data)
{
	uint16_t *fam = data;

	if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID) {
		if (mnl_attr_validate(a, MNL_TYPE_U16) < 0)
			return MNL_CB_ERROR;
		*fam = mnl_attr_get_u16(a);
	}
	return MNL_CB_OK;
}

int
mpath_parse_family(const struct nlmsghdr *nlh, uint16_t *fam)
{
	*fam = 0;
	if (mnl_attr_parse(nlh, GENL_HDRLEN, ctrl_attr_cb, fam) < 0 ||
	    *fam == 0)
		return -EINVAL;
	return 0;
}
