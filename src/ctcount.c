/* SPDX-License-Identifier: ISC */
/*
 * Connections per uplink, kept from conntrack events and corrected by rare
 * full counts; see ctcount.h. Pure.
 */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netfilter/nf_conntrack_tcp.h>

#include "ctcount.h"

void
ctcount_init(struct ctcount *c, uint32_t mask)
{
	memset(c, 0, sizeof(*c));
	c->mask = mask;
	c->shift = mask ? (unsigned int)__builtin_ctz(mask) : 0;
}

static unsigned int
slot_of(const struct ctcount *c, uint32_t mark)
{
	uint32_t v = (mark & c->mask) >> c->shift;

	return v < CTCOUNT_SLOTS ? v : 0;
}

void
ctcount_event(struct ctcount *c, enum ctcount_kind kind, uint32_t mark)
{
	unsigned int s = slot_of(c, mark);
	int d = 0;

	switch (kind) {
	case CTCOUNT_NEW:
		d = 1;
		break;
	case CTCOUNT_DESTROY:
		d = -1;
		break;
	case CTCOUNT_UPDATE:
		return;
	}
	c->n[s] += d;
	c->total += d;
	if (c->counting) {
		c->delta[s] += d;
		c->delta_total += d;
	}
	c->events++;
}

void
ctcount_lost(struct ctcount *c)
{
	c->lost = true;
}

void
ctcount_stale(struct ctcount *c)
{
	c->stale = true;
}

void
ctcount_count_begin(struct ctcount *c, uint64_t now_ms)
{
	c->counting = true;
	memset(c->delta, 0, sizeof(c->delta));
	c->delta_total = 0;
	c->synced_ms = now_ms;
	c->lost = false;	/* what is lost from here on is seen again */
	c->stale = false;
	c->drifts = 0;
}

void
ctcount_count_end(struct ctcount *c, const uint64_t *n)
{
	unsigned int s;

	if (!c->counting)
		return;
	c->counting = false;
	if (n == NULL) {
		c->lost = true;		/* still approximate: try again */
		return;
	}
	/* an entry made or ended during the count may be in it or not:
	 * the result is off by at most the events seen meanwhile */
	c->total = 0;
	for (s = 0; s < CTCOUNT_SLOTS; s++) {
		c->n[s] = (int64_t)n[s] + c->delta[s];
		if (c->n[s] < 0)
			c->n[s] = 0;
		c->total += c->n[s];
	}
	c->synced = true;
}

bool
ctcount_due(struct ctcount *c, int64_t kernel_total, uint64_t now_ms)
{
	int64_t diff, allowed;

	if (c->counting)
		return false;
	if (!c->synced || c->stale)
		return true;
	if (c->lost)
		return now_ms - c->synced_ms >= CTCOUNT_LOST_GAP_MS;
	if (now_ms - c->synced_ms >= CTCOUNT_RESYNC_MS)
		return true;
	if (now_ms - c->synced_ms < CTCOUNT_MIN_GAP_MS || kernel_total < 0) {
		c->drifts = 0;
		return false;
	}
	diff = c->total - kernel_total;
	if (diff < 0)
		diff = -diff;
	allowed = kernel_total * CTCOUNT_DRIFT_PCT / 100;
	if (allowed < CTCOUNT_DRIFT_MIN)
		allowed = CTCOUNT_DRIFT_MIN;
	if (diff <= allowed) {
		c->drifts = 0;
		return false;
	}
	return ++c->drifts >= 2;
}

uint64_t
ctcount_get(const struct ctcount *c, unsigned int slot)
{
	if (slot >= CTCOUNT_SLOTS || c->n[slot] < 0)
		return 0;
	return (uint64_t)c->n[slot];
}

static int
tcp_cb(const struct nlattr *a, void *data)
{
	struct ctcount_ev *ev = data;

	if (mnl_attr_get_type(a) != CTA_PROTOINFO_TCP_STATE)
		return MNL_CB_OK;
	if (mnl_attr_validate(a, MNL_TYPE_U8) < 0)
		return MNL_CB_ERROR;
	ev->tcp_state = mnl_attr_get_u8(a);
	return MNL_CB_OK;
}

static int
protoinfo_cb(const struct nlattr *a, void *data)
{
	if (mnl_attr_get_type(a) != CTA_PROTOINFO_TCP)
		return MNL_CB_OK;
	if (mnl_attr_validate(a, MNL_TYPE_NESTED) < 0)
		return MNL_CB_ERROR;
	return mnl_attr_parse_nested(a, tcp_cb, data);
}

static int
proto_cb(const struct nlattr *a, void *data)
{
	struct ctcount_ev *ev = data;

	if (mnl_attr_get_type(a) != CTA_PROTO_NUM)
		return MNL_CB_OK;
	if (mnl_attr_validate(a, MNL_TYPE_U8) < 0)
		return MNL_CB_ERROR;
	ev->proto = mnl_attr_get_u8(a);
	return MNL_CB_OK;
}

static int
tuple_cb(const struct nlattr *a, void *data)
{
	if (mnl_attr_get_type(a) != CTA_TUPLE_PROTO)
		return MNL_CB_OK;
	if (mnl_attr_validate(a, MNL_TYPE_NESTED) < 0)
		return MNL_CB_ERROR;
	return mnl_attr_parse_nested(a, proto_cb, data);
}

static int
attr_cb(const struct nlattr *a, void *data)
{
	struct ctcount_ev *ev = data;

	switch (mnl_attr_get_type(a)) {
	case CTA_MARK:
		if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
			return MNL_CB_ERROR;
		ev->mark = ntohl(mnl_attr_get_u32(a));
		break;
	case CTA_ID:
		if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
			return MNL_CB_ERROR;
		ev->id = ntohl(mnl_attr_get_u32(a));
		break;
	case CTA_PROTOINFO:
		if (mnl_attr_validate(a, MNL_TYPE_NESTED) < 0)
			return MNL_CB_ERROR;
		return mnl_attr_parse_nested(a, protoinfo_cb, data);
	case CTA_TUPLE_ORIG:
		if (mnl_attr_validate(a, MNL_TYPE_NESTED) < 0)
			return MNL_CB_ERROR;
		return mnl_attr_parse_nested(a, tuple_cb, data);
	}
	return MNL_CB_OK;
}

int
ctcount_parse_event(const void *msg, size_t len, struct ctcount_ev *ev)
{
	const struct nlmsghdr *nlh = msg;
	int ilen = len > (size_t)INT32_MAX ? INT32_MAX : (int)len;

	if (!mnl_nlmsg_ok(nlh, ilen))
		return -EINVAL;
	if (NFNL_SUBSYS_ID(nlh->nlmsg_type) != NFNL_SUBSYS_CTNETLINK)
		return -ENOMSG;
	switch (NFNL_MSG_TYPE(nlh->nlmsg_type)) {
	case IPCTNL_MSG_CT_NEW:
		/* NEW events carry CREATE; updates of an entry do not */
		ev->kind = nlh->nlmsg_flags & NLM_F_CREATE ? CTCOUNT_NEW :
		    CTCOUNT_UPDATE;
		break;
	case IPCTNL_MSG_CT_DELETE:
		ev->kind = CTCOUNT_DESTROY;
		break;
	default:
		return -ENOMSG;
	}
	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(struct nfgenmsg)))
		return -EINVAL;
	ev->mark = 0;
	ev->id = 0;
	ev->tcp_state = -1;
	ev->proto = -1;
	if (mnl_attr_parse(nlh, sizeof(struct nfgenmsg), attr_cb, ev) < 0)
		return -EINVAL;
	return 0;
}

bool
ctcount_ev_closed(const struct ctcount_ev *ev)
{
	return ev->tcp_state == TCP_CONNTRACK_TIME_WAIT ||
	    ev->tcp_state == TCP_CONNTRACK_CLOSE;
}

bool
ctcount_ev_load(const struct ctcount_ev *ev)
{
	return ev->proto != IPPROTO_ICMP && ev->proto != IPPROTO_ICMPV6;
}
