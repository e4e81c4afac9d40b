/* SPDX-License-Identifier: ISC */
/*
 * fwread reads table inet uplinkd back from the kernel over nf_tables
 * netlink (libmnl): its named counters, and the names of its chains,
 * counters and sets. Each is one dump the kernel filters by table (and
 * object type), so the cost is that of uplinkd's few objects, never of
 * the elements of its sticky sets: libnftables builds a cache of the whole
 * table for any listing, which at 100,000 sticky entries takes seconds.
 * See fwapply.h.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>

#include "fwapply.h"
#include "log.h"
#include "nfreq.h"

/* What one message of a dump carries that we want. */
struct obj_msg {
	const char *table, *name;
	uint64_t bytes, packets;
	bool is_counter;
};

/* Dump msg_type of family inet, filtered by table (and by object type
 * when obj_type is not 0), calling fn for each message. 0 or -errno. */
static int
dump(uint8_t msg_type, uint16_t table_attr, uint16_t type_attr,
    uint32_t obj_type, nfreq_msg_fn fn, void *arg)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	int r;

	nlh = nfreq_request(buf, NFNL_SUBSYS_NFTABLES, msg_type, NLM_F_DUMP,
	    NFPROTO_INET);
	mnl_attr_put_strz(nlh, table_attr, FW_TABLE);
	if (obj_type != 0)
		mnl_attr_put_u32(nlh, type_attr, htonl(obj_type));
	r = nfreq_talk(nlh, fn, arg);
	return r == -ENOENT ? 0 : r;	/* no such table: nothing in it */
}

static int
counter_attr_cb(const struct nlattr *a, void *data)
{
	struct obj_msg *o = data;

	switch (mnl_attr_get_type(a)) {
	case NFTA_COUNTER_BYTES:
		if (mnl_attr_validate(a, MNL_TYPE_U64) == 0)
			o->bytes = be64toh(mnl_attr_get_u64(a));
		break;
	case NFTA_COUNTER_PACKETS:
		if (mnl_attr_validate(a, MNL_TYPE_U64) == 0)
			o->packets = be64toh(mnl_attr_get_u64(a));
		break;
	}
	return MNL_CB_OK;
}

/* The table and name attributes of chains, sets and objects share their
 * numbers (1 and 3 for chains; 1 and 2 for sets and objects). */
struct attr_ids {
	uint16_t table, name, data;
};

struct parse_arg {
	const struct attr_ids *ids;
	struct obj_msg *o;
};

static int
attr_cb(const struct nlattr *a, void *data)
{
	struct parse_arg *p = data;
	uint16_t t = mnl_attr_get_type(a);

	if (t == p->ids->table || t == p->ids->name) {
		if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) < 0)
			return MNL_CB_ERROR;
		if (t == p->ids->table)
			p->o->table = mnl_attr_get_str(a);
		else
			p->o->name = mnl_attr_get_str(a);
	} else if (p->ids->data && t == p->ids->data) {
		if (mnl_attr_validate(a, MNL_TYPE_NESTED) < 0 ||
		    mnl_attr_parse_nested(a, counter_attr_cb, p->o) < 0)
			return MNL_CB_ERROR;
		p->o->is_counter = true;
	}
	return MNL_CB_OK;
}

/* The message's table and name (and counter data); 0 when it is of our
 * table, -ENOENT when not, -EINVAL when malformed. */
static int
parse(const struct nlmsghdr *nlh, const struct attr_ids *ids,
    struct obj_msg *o)
{
	struct parse_arg p = { ids, o };

	memset(o, 0, sizeof(*o));
	if (mnl_attr_parse(nlh, sizeof(struct nfgenmsg), attr_cb, &p) < 0 ||
	    o->table == NULL || o->name == NULL)
		return -EINVAL;
	return strcmp(o->table, FW_TABLE) == 0 ? 0 : -ENOENT;
}

static const struct attr_ids obj_ids = {
	NFTA_OBJ_TABLE, NFTA_OBJ_NAME, NFTA_OBJ_DATA
};
static const struct attr_ids chain_ids = { NFTA_CHAIN_TABLE, NFTA_CHAIN_NAME, 0 };
static const struct attr_ids set_ids = { NFTA_SET_TABLE, NFTA_SET_NAME, 0 };

struct counters_arg {
	struct fw_counter *out;
	unsigned int n, nout;
};

static int
counter_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct counters_arg *a = arg;
	char link[CONF_NAME_MAX];
	struct fw_counter *fc;
	enum fw_passive_kind pk = FW_PASSIVE_SYN;
	struct obj_msg o;
	unsigned int k;
	bool tx = false, passive = false;

	if (parse(nlh, &obj_ids, &o) < 0 || !o.is_counter)
		return 0;
	if (fw_counter_parse(o.name, link, sizeof(link), &tx) < 0) {
		if (fw_passive_counter_parse(o.name, link, sizeof(link),
		    &pk) < 0)
			return 0;
		passive = true;
	}
	for (k = 0; k < a->nout; k++)
		if (strcmp(a->out[k].link, link) == 0)
			break;
	if (k == a->nout) {
		if (a->nout == a->n)
			return 0;
		memset(&a->out[k], 0, sizeof(a->out[k]));
		strcpy(a->out[k].link, link);
		a->nout++;
	}
	fc = &a->out[k];
	if (passive)
		fc->passive[pk] = o.packets;
	else if (tx) {
		fc->tx_packets = o.packets;
		fc->tx_bytes = o.bytes;
	} else {
		fc->rx_packets = o.packets;
		fc->rx_bytes = o.bytes;
	}
	return 0;
}

const struct fw_counter *
fwread_find(const struct fw_counter *fc, int n, const char *link)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(fc[i].link, link) == 0)
			return &fc[i];
	return NULL;
}

int
fwread_counters(struct fw_counter *out, unsigned int n)
{
	struct counters_arg a = { out, n, 0 };
	int r;

	r = dump(NFT_MSG_GETOBJ, NFTA_OBJ_TABLE, NFTA_OBJ_TYPE,
	    NFT_OBJECT_COUNTER, counter_cb, &a);
	return r < 0 ? r : (int)a.nout;
}

struct objects_arg {
	const struct attr_ids *ids;
	enum fw_obj_type type;
	struct fw_objs *out;
};

static int
object_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct objects_arg *a = arg;
	struct fw_obj *nv;
	struct obj_msg o;

	if (parse(nlh, a->ids, &o) < 0 || strlen(o.name) >= FW_NAME_MAX)
		return 0;
	/* the anonymous sets and maps of rules ("__set0", "__map1") go with
	 * their rules; uplinkd's own sets are all named "sticky..." */
	if (a->type == FW_OBJ_SET && strncmp(o.name, "__", 2) == 0)
		return 0;
	nv = reallocarray(a->out->v, a->out->n + 1, sizeof(*nv));
	if (nv == NULL)
		return -ENOMEM;
	a->out->v = nv;
	nv[a->out->n].type = a->type;
	strcpy(nv[a->out->n].name, o.name);
	a->out->n++;
	return 0;
}

int
fwread_objects(struct fw_objs *out)
{
	struct objects_arg chains = { &chain_ids, FW_OBJ_CHAIN, out };
	struct objects_arg counters = { &obj_ids, FW_OBJ_COUNTER, out };
	struct objects_arg sets = { &set_ids, FW_OBJ_SET, out };
	int r;

	out->v = NULL;
	out->n = 0;
	if ((r = dump(NFT_MSG_GETCHAIN, NFTA_CHAIN_TABLE, 0, 0, object_cb,
	    &chains)) < 0 ||
	    (r = dump(NFT_MSG_GETOBJ, NFTA_OBJ_TABLE, NFTA_OBJ_TYPE,
	    NFT_OBJECT_COUNTER, object_cb, &counters)) < 0 ||
	    (r = dump(NFT_MSG_GETSET, NFTA_SET_TABLE, 0, 0, object_cb,
	    &sets)) < 0) {
		fw_objs_free(out);
		return r;
	}
	return 0;
}
