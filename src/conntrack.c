/* SPDX-License-Identifier: ISC */
/*
 * conntrack reads and prunes the connection tracking table by conntrack
 * mark with libnetfilter_conntrack. Flushing dumps the entries the kernel
 * filters by mark (both families), then deletes each: that yields the exact
 * number deleted, which NFCT_Q_FLUSH_FILTER does not report. An entry that
 * ends between the dump and its deletion is not counted.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <libnetfilter_conntrack/libnetfilter_conntrack.h>

#include "conntrack.h"
#include "log.h"

struct ctlist {
	struct nf_conntrack **v;
	unsigned int n, cap;
	int err;
};

static int
collect_cb(enum nf_conntrack_msg_type type, struct nf_conntrack *ct,
    void *data)
{
	struct ctlist *l = data;
	struct nf_conntrack **v;

	if (l->err != 0)
		return NFCT_CB_CONTINUE;
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		v = reallocarray(l->v, l->cap, sizeof(*v));
		if (v == NULL) {
			l->err = -ENOMEM;
			return NFCT_CB_CONTINUE;
		}
		l->v = v;
	}
	if ((l->v[l->n] = nfct_clone(ct)) == NULL) {
		l->err = -ENOMEM;
		return NFCT_CB_CONTINUE;
	}
	l->n++;
	return NFCT_CB_CONTINUE;
}

/* Dump the entries whose mark & mask == mark (mask 0: all) into l. */
static int
dump(struct nfct_handle *h, uint32_t mark, uint32_t mask, struct ctlist *l)
{
	struct nfct_filter_dump *f;
	struct nfct_filter_dump_mark fm = { .val = mark, .mask = mask };
	int r = 0;

	if ((f = nfct_filter_dump_create()) == NULL)
		return -ENOMEM;
	if (mask != 0)
		nfct_filter_dump_set_attr(f, NFCT_FILTER_DUMP_MARK, &fm);
	nfct_callback_register(h, NFCT_T_ALL, collect_cb, l);
	if (nfct_query(h, NFCT_Q_DUMP_FILTER, f) < 0) {
		r = -errno;
		log_warn("conntrack: dump");
	}
	nfct_callback_unregister(h);
	nfct_filter_dump_destroy(f);
	if (r == 0)
		r = l->err;
	return r;
}

static void
ctlist_free(struct ctlist *l)
{
	unsigned int i;

	for (i = 0; i < l->n; i++)
		nfct_destroy(l->v[i]);
	free(l->v);
}

int
conntrack_flush_mark(int family, uint32_t mark, uint32_t mask)
{
	struct nfct_handle *h;
	struct ctlist l = { NULL, 0, 0, 0 };
	unsigned int i;
	int r, n = 0;

	if ((h = nfct_open(CONNTRACK, 0)) == NULL) {
		r = -errno;
		log_warn("conntrack: open");
		return r;
	}
	r = dump(h, mark & mask, mask, &l);
	for (i = 0; r == 0 && i < l.n; i++) {
		/* the kernel filtered already; check again, cheaply */
		if ((nfct_get_attr_u32(l.v[i], ATTR_MARK) & mask) !=
		    (mark & mask))
			continue;
		if (family != AF_UNSPEC &&
		    nfct_get_attr_u8(l.v[i], ATTR_L3PROTO) != family)
			continue;
		if (nfct_query(h, NFCT_Q_DESTROY, l.v[i]) == 0)
			n++;
		else if (errno != ENOENT) {
			r = -errno;
			log_warn("conntrack: delete");
		}
	}
	ctlist_free(&l);
	nfct_close(h);
	return r < 0 ? r : n;
}

struct count_arg {
	uint32_t mask;
	unsigned int *counts, ncounts, shift;
	unsigned int total;
};

static int
count_cb(enum nf_conntrack_msg_type type, struct nf_conntrack *ct,
    void *data)
{
	struct count_arg *a = data;
	uint32_t v;

	v = (nfct_get_attr_u32(ct, ATTR_MARK) & a->mask) >> a->shift;
	if (v < a->ncounts)
		a->counts[v]++;
	a->total++;
	return NFCT_CB_CONTINUE;
}

int
conntrack_count_marks(uint32_t mask, unsigned int *counts,
    unsigned int ncounts, unsigned int shift)
{
	struct count_arg a = { mask, counts, ncounts, shift, 0 };
	struct nfct_filter_dump *f;
	struct nfct_handle *h;
	int r = 0;

	if (shift >= 32)
		return -EINVAL;
	memset(counts, 0, ncounts * sizeof(*counts));
	if ((h = nfct_open(CONNTRACK, 0)) == NULL) {
		r = -errno;
		log_warn("conntrack: open");
		return r;
	}
	if ((f = nfct_filter_dump_create()) == NULL) {
		nfct_close(h);
		return -ENOMEM;
	}
	nfct_callback_register(h, NFCT_T_ALL, count_cb, &a);
	if (nfct_query(h, NFCT_Q_DUMP_FILTER, f) < 0) {
		r = -errno;
		log_warn("conntrack: dump");
	}
	nfct_filter_dump_destroy(f);
	nfct_close(h);
	return r < 0 ? r : (int)a.total;
}
