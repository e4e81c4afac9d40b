/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target for the kernel mirror (mirror.c, over kobj.c) fed a
 * netlink stream: each message goes through mirror_event(), as rt.c sends
 * both its dumps and its events, over a state that lives across the
 * messages of one input. Any
 * sequence of adds, replaces and deletes must keep the mirror consistent:
 * one link per ifindex, one nexthop per id, a deleted object really gone
 * (with a link's addresses, routes and neighbours; with a nexthop its group
 * memberships), an event that reports no change changing nothing, and every
 * event idempotent (applied again, it changes nothing). The mirror is freed
 * at the end, so LeakSanitizer sees what it loses.
 * Seeds: tests/unit/rtmsg_seeds/ (dumps) and tests/fuzz/corpus/rtmsg/.
 *   clang -g -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -Isrc \
 *     tests/fuzz/fuzz_netlink_stream.c src/mirror.c src/rtmsg.c \
 *     src/kobj.c src/addr.c -lmnl
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>

#include "kobj.h"
#include "mirror.h"
#include "nlstream.h"
#include "rtmsg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned int
size_of(const struct kstate *s)
{
	return s->nlinks + s->naddrs + s->nroutes + s->nrules + s->nnhs +
	    s->nneighs;
}

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

/* After a delete that parsed: what it named is gone. */
static void
check_deleted(const struct kstate *s, const struct nlmsghdr *nlh)
{
	union {
		struct klink l;
		struct kroute r;
		struct knh n;
	} o;
	unsigned int i, j;

	memset(&o, 0, sizeof(o));
	switch (nlh->nlmsg_type) {
	case RTM_DELLINK:
		if (rtmsg_parse_link(nlh, &o.l) != 0)
			return;
		if (kobj_link_by_index(s, o.l.ifindex))
			abort();
		for (i = 0; i < s->naddrs; i++)
			if (s->addrs[i].ifindex == o.l.ifindex)
				abort();
		for (i = 0; i < s->nroutes; i++)
			if (s->routes[i].oif == o.l.ifindex)
				abort();
		for (i = 0; i < s->nneighs; i++)
			if (s->neighs[i].ifindex == o.l.ifindex)
				abort();
		break;
	case RTM_DELROUTE:
		if (rtmsg_parse_route(nlh, &o.r) != 0)
			return;
		for (i = 0; i < s->nroutes; i++)
			if (kobj_route_same(&s->routes[i], &o.r))
				abort();
		break;
	case RTM_DELNEXTHOP:
		if (rtmsg_parse_nh(nlh, &o.n) != 0)
			return;
		for (i = 0; i < s->nnhs; i++) {
			if (s->nhs[i].id == o.n.id)
				abort();
			for (j = 0; j < s->nhs[i].nmembers; j++)
				if (s->nhs[i].members[j].id == o.n.id)
					abort();
		}
		break;
	}
}

static void
apply(struct kstate *s, const struct mirror_filter *f,
    const struct nlmsghdr *nlh)
{
	unsigned int before = size_of(s);
	int ret, again;

	ret = mirror_event(s, f, nlh);
	if (ret != 0 && ret != 1 && ret != -EINVAL && ret != -ENOMEM)
		abort();
	if (ret == -ENOMEM)
		return;
	if (ret != 1 && size_of(s) != before)
		abort();	/* changed, but said it did not */
	if (ret >= 0)
		check_deleted(s, nlh);
	before = size_of(s);
	again = mirror_event(s, f, nlh);
	if (again == 1 || size_of(s) != before)
		abort();	/* not idempotent */
	if ((ret == -EINVAL) != (again == -EINVAL))
		abort();
}

struct stream {
	struct kstate s;
	struct mirror_filter f;
};

static void
apply_one(const struct nlmsghdr *nlh, void *arg)
{
	struct stream *st = arg;

	apply(&st->s, &st->f, nlh);
	check_unique(&st->s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const uplinks[] = { "wan1", "wan2", "eth0" };
	struct stream st;

	kobj_init(&st.s);
	mirror_filter_init(&st.f);
	st.f.table_lo = 1000;
	st.f.table_hi = 1256;
	mirror_filter_neighs(&st.f, uplinks, 3);
	nlstream_each(data, size, apply_one, &st);
	kobj_clear(&st.s);
	if (st.s.nlinks || st.s.naddrs || st.s.nroutes || st.s.nrules ||
	    st.s.nnhs || st.s.nneighs)
		abort();
	return 0;
}
