/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target for the netlink parsers: the input is a stream of
 * netlink messages, as read from a socket (nlstream.h), and every message
 * goes through every rtmsg_parse_* (each must return 0, 1 or -EINVAL and
 * never read past nlmsg_len) and the conntrack event parser of ctcount.c
 * (0, -ENOMSG or -EINVAL; what it accepts is counted and followed as
 * young connections, ctyoung.c). Seeds:
 * tests/unit/rtmsg_seeds/.
 *   clang -g -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -Isrc \
 *     tests/fuzz/fuzz_rtmsg.c src/rtmsg.c src/addr.c src/kobj.c src/ctcount.c src/ctyoung.c -lmnl
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "ctcount.h"
#include "ctyoung.h"
#include "nlstream.h"
#include "rtmsg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(int ret)
{
	if (ret != 0 && ret != 1 && ret != -EINVAL)
		abort();
}

/* Every parser on every message (the objects as static as the largest,
 * a group nexthop, needs). */
static void
parse_all(const struct nlmsghdr *nlh, void *arg)
{
	static struct klink l;
	static struct kaddr a;
	static struct kroute r;
	static struct krule ru;
	static struct knh n;
	static struct kneigh ne;

	(void)arg;
	check(rtmsg_parse_link(nlh, &l));
	check(rtmsg_parse_addr(nlh, &a));
	check(rtmsg_parse_route(nlh, &r));
	check(rtmsg_parse_rule(nlh, &ru));
	check(rtmsg_parse_nh(nlh, &n));
	check(rtmsg_parse_neigh(nlh, &ne));
	{
		static struct ctcount c;
		static struct ctyoung y;
		struct ctcount_ev ev;
		int r;

		if (c.mask == 0)
			ctcount_init(&c, 0x00ff0000);
		r = ctcount_parse_event(nlh, nlh->nlmsg_len, &ev);
		if (r == 0) {
			ctcount_event(&c, ev.kind, ev.mark);
			if (ev.kind == CTCOUNT_NEW)
				ctyoung_new(&y, ev.id, (ev.mark >> 16) & 0xff,
				    y.born);
			else if (ev.kind == CTCOUNT_DESTROY ||
			    ctcount_ev_closed(&ev))
				ctyoung_end(&y, ev.id);
			ctyoung_expire(&y, y.born);	/* births: ms */
		}
		else if (r != -ENOMSG && r != -EINVAL)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	nlstream_each(data, size, parse_all, NULL);
	return 0;
}
