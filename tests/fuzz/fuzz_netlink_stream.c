/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target for the kernel mirror (kobj.c) fed by a netlink event
 * stream: every message is parsed (rtmsg.c) and applied as rt.c applies
 * events, RTM_NEW* adding or replacing and RTM_DEL* removing, over a
 * state that lives across the messages of one input. Any sequence of
 * adds, replaces and deletes must keep the mirror consistent: one link per
 * ifindex, one nexthop per id, and a deleted object really gone; the
 * mirror is freed at the end, so LeakSanitizer sees what it loses.
 * Seeds: tests/unit/rtmsg_seeds/ (dumps) and tests/fuzz/corpus/rtmsg/.
 *   clang -g -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -Isrc \
 *     tests/fuzz/fuzz_netlink_stream.c src/rtmsg.c src/kobj.c src/addr.c \
 *     -lmnl
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>

#include "kobj.h"
#include "rtmsg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_unique(const struct kstate *s)
{
	unsigned int i, j;

	for (i = 0; i < s->nlinks; i++)
		for (j = i + 1; j < s->nlinks; j++)
			if (s->links[i].ifindex == s->links[j].ifindex)
				abort();
	for (i = 0; i < s->nnhs; i++)
		for (j = i + 1; j < s->nnhs; j++)
			if (s->nhs[i].id == s->nhs[j].id)
				abort();
}

static void
apply(struct kstate *s, const struct nlmsghdr *nlh)
{
	union {
		struct klink l;
		struct kaddr a;
		struct kroute r;
		struct krule ru;
		struct knh n;
		struct kneigh ne;
	} o;
	unsigned int i;

	memset(&o, 0, sizeof(o));
	switch (nlh->nlmsg_type) {
	case RTM_NEWLINK:
		if (rtmsg_parse_link(nlh, &o.l) == 0)
			kstate_add_link(s, &o.l);
		break;
	case RTM_DELLINK:
		if (rtmsg_parse_link(nlh, &o.l) == 0) {
			kstate_del_link(s, o.l.ifindex);
			kstate_del_links_objects(s, o.l.ifindex);
			if (kstate_link_by_index(s, o.l.ifindex))
				abort();
		}
		break;
	case RTM_NEWADDR:
		if (rtmsg_parse_addr(nlh, &o.a) == 0)
			kstate_add_addr(s, &o.a);
		break;
	case RTM_DELADDR:
		if (rtmsg_parse_addr(nlh, &o.a) == 0)
			kstate_del_addr(s, &o.a);
		break;
	case RTM_NEWROUTE:
		if (rtmsg_parse_route(nlh, &o.r) == 0)
			kstate_add_route(s, &o.r);
		break;
	case RTM_DELROUTE:
		if (rtmsg_parse_route(nlh, &o.r) == 0) {
			kstate_del_route(s, &o.r);
			for (i = 0; i < s->nroutes; i++)
				if (kroute_same(&s->routes[i], &o.r))
					abort();
		}
		break;
	case RTM_NEWRULE:
		if (rtmsg_parse_rule(nlh, &o.ru) == 0)
			kstate_add_rule(s, &o.ru);
		break;
	case RTM_DELRULE:
		if (rtmsg_parse_rule(nlh, &o.ru) == 0)
			kstate_del_rule(s, &o.ru);
		break;
	case RTM_NEWNEXTHOP:
		if (rtmsg_parse_nh(nlh, &o.n) == 0)
			kstate_add_nh(s, &o.n);
		break;
	case RTM_DELNEXTHOP:
		if (rtmsg_parse_nh(nlh, &o.n) == 0) {
			kstate_del_nh(s, o.n.id);
			for (i = 0; i < s->nnhs; i++)
				if (s->nhs[i].id == o.n.id)
					abort();
		}
		break;
	case RTM_NEWNEIGH:
		if (rtmsg_parse_neigh(nlh, &o.ne) == 0)
			kstate_add_neigh(s, &o.ne);
		break;
	case RTM_DELNEIGH:
		if (rtmsg_parse_neigh(nlh, &o.ne) == 0)
			kstate_del_neigh(s, &o.ne);
		break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct nlmsghdr *nlh;
	struct kstate s;
	void *buf;
	int len;

	if (size > 65536)
		return 0;
	buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	len = (int)size;
	kstate_init(&s);
	/* as in fuzz_rtmsg.c: libmnl 1.0.4's mnl_nlmsg_ok() lets
	 * nlmsg_len >= 2^31 through; the kernel never sends that */
	for (nlh = buf; mnl_nlmsg_ok(nlh, len) && nlh->nlmsg_len <= size;
	    nlh = mnl_nlmsg_next(nlh, &len)) {
		apply(&s, nlh);
		check_unique(&s);
	}
	kstate_clear(&s);
	if (s.nlinks || s.naddrs || s.nroutes || s.nrules || s.nnhs ||
	    s.nneighs)
		abort();
	free(buf);
	return 0;
}
