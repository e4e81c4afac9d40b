/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of the connection counts kept from conntrack events
 * (ctcount.c): events by slot, a full count merged with the events seen
 * while it ran, when a count is due (start, lost events, a flush, drift
 * from the kernel's total on two checks in a row, the periodic count, the
 * minimum gaps), and the parser of event messages (built here byte by
 * byte, as the kernel sends them).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <arpa/inet.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include "ctcount.h"

#define MASK	0x00ff0000
#define M(i)	((uint32_t)(i) << 16)

static void
test_events(void **state)
{
	struct ctcount c;

	ctcount_init(&c, MASK);
	ctcount_event(&c, CTCOUNT_NEW, M(1));
	ctcount_event(&c, CTCOUNT_NEW, M(1) | 0x5);	/* other bits: same */
	ctcount_event(&c, CTCOUNT_NEW, M(2));
	ctcount_event(&c, CTCOUNT_NEW, 0);
	ctcount_event(&c, CTCOUNT_DESTROY, M(2));
	assert_int_equal(ctcount_get(&c, 1), 2);
	assert_int_equal(ctcount_get(&c, 2), 0);
	assert_int_equal(ctcount_get(&c, 0), 1);
	assert_int_equal(c.total, 3);
	assert_int_equal(c.events, 5);
	/* a destroy of what was never seen: never below zero outwards */
	ctcount_event(&c, CTCOUNT_DESTROY, M(3));
	assert_int_equal(ctcount_get(&c, 3), 0);
	assert_int_equal(ctcount_get(&c, 999), 0);
}

static void
test_count_merges_events(void **state)
{
	struct ctcount c;
	uint64_t n[CTCOUNT_SLOTS] = { 0 };

	ctcount_init(&c, MASK);
	assert_true(ctcount_due(&c, 0, 0));	/* never counted */
	ctcount_count_begin(&c, 1000);
	assert_false(ctcount_due(&c, 0, 1000));	/* one at a time */
	/* while the child counts, 3 new on link 1 and 1 gone on link 2 */
	ctcount_event(&c, CTCOUNT_NEW, M(1));
	ctcount_event(&c, CTCOUNT_NEW, M(1));
	ctcount_event(&c, CTCOUNT_NEW, M(1));
	ctcount_event(&c, CTCOUNT_DESTROY, M(2));
	n[1] = 100000;
	n[2] = 125000;
	n[0] = 7;
	ctcount_count_end(&c, n);
	assert_true(c.synced);
	assert_int_equal(ctcount_get(&c, 1), 100003);
	assert_int_equal(ctcount_get(&c, 2), 124999);
	assert_int_equal(ctcount_get(&c, 0), 7);
	assert_int_equal(c.total, 225009);
	/* afterwards events apply alone */
	ctcount_event(&c, CTCOUNT_DESTROY, M(1));
	assert_int_equal(ctcount_get(&c, 1), 100002);
	assert_int_equal(c.delta[1], 3);	/* no longer counted */
}

static void
test_failed_count(void **state)
{
	struct ctcount c;

	ctcount_init(&c, MASK);
	ctcount_count_begin(&c, 0);
	ctcount_event(&c, CTCOUNT_NEW, M(1));
	ctcount_count_end(&c, NULL);
	assert_false(c.synced);
	assert_true(ctcount_due(&c, 1, 1000));	/* try again */
	/* an end without a begin changes nothing */
	ctcount_count_end(&c, NULL);
	assert_int_equal(ctcount_get(&c, 1), 1);
}

/* One check of ctcount_due after a count at t=0 of `total` entries. */
struct due_case {
	const char *name;
	bool lost, stale;
	int64_t total;
	struct {
		uint64_t t_ms;
		int64_t kernel;
		bool want;
	} checks[4];
	unsigned int nchecks;
};

static const struct due_case due_cases[] = {
	{ "in step with the kernel", false, false, 1000,
	  { { 31000, 1000, false }, { 32000, 1010, false } }, 2 },
	{ "drift within 64 entries", false, false, 1000,
	  { { 31000, 1064, false }, { 32000, 936, false } }, 2 },
	{ "drift within 1 %", false, false, 200000,
	  { { 31000, 202000, false }, { 32000, 198000, false } }, 2 },
	{ "drift on one check only", false, false, 1000,
	  { { 31000, 2000, false }, { 32000, 1000, false },
	    { 33000, 2000, false } }, 3 },
	{ "drift on two checks in a row", false, false, 1000,
	  { { 31000, 2000, false }, { 32000, 2000, true } }, 2 },
	{ "no drift check within 30 s of a count", false, false, 1000,
	  { { 1000, 5000, false }, { 2000, 5000, false },
	    { 29999, 5000, false } }, 3 },
	{ "kernel count unknown", false, false, 1000,
	  { { 31000, -2, false }, { 32000, -2, false } }, 2 },
	{ "every 10 minutes regardless", false, false, 1000,
	  { { 599999, 1000, false }, { 600000, 1000, true } }, 2 },
	{ "lost events: after 5 s", true, false, 1000,
	  { { 4999, 1000, false }, { 5000, 1000, true } }, 2 },
	{ "a flush: at once", false, true, 1000,
	  { { 1, 1000, true } }, 1 },
};

static void
test_due(void **state)
{
	uint64_t n[CTCOUNT_SLOTS] = { 0 };
	unsigned int i, k;
	struct ctcount c;

	for (i = 0; i < sizeof(due_cases) / sizeof(due_cases[0]); i++) {
		const struct due_case *dc = &due_cases[i];

		ctcount_init(&c, MASK);
		ctcount_count_begin(&c, 0);
		n[1] = (uint64_t)dc->total;
		ctcount_count_end(&c, n);
		if (dc->lost)
			ctcount_lost(&c);
		if (dc->stale)
			ctcount_stale(&c);
		for (k = 0; k < dc->nchecks; k++)
			if (ctcount_due(&c, dc->checks[k].kernel,
			    dc->checks[k].t_ms) != dc->checks[k].want)
				fail_msg("%s: check %u at %llu ms", dc->name,
				    k, (unsigned long long)dc->checks[k].t_ms);
	}
}

/* A ctnetlink event as the kernel sends it: header, nfgenmsg, a tuple
 * (nested, skipped) and, with mark, CTA_MARK. */
static size_t
event(char *buf, uint16_t msg, uint16_t flags, bool with_mark, uint32_t mark)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *nfg;
	struct nlattr *nest;

	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | msg;
	nlh->nlmsg_flags = flags;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = AF_INET;
	nfg->version = NFNETLINK_V0;
	nest = mnl_attr_nest_start(nlh, CTA_TUPLE_ORIG);
	mnl_attr_put_u32(nlh, CTA_TUPLE_IP, 0);
	mnl_attr_nest_end(nlh, nest);
	if (with_mark)
		mnl_attr_put_u32(nlh, CTA_MARK, htonl(mark));
	return nlh->nlmsg_len;
}

/* Append CTA_ID and a TCP state (CTA_PROTOINFO > CTA_PROTOINFO_TCP >
 * CTA_PROTOINFO_TCP_STATE) to an event built by event(). */
static size_t
with_id_state(char *buf, uint32_t id, int state)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct nlattr *pi, *tcp;

	mnl_attr_put_u32(nlh, CTA_ID, htonl(id));
	if (state >= 0) {
		pi = mnl_attr_nest_start(nlh, CTA_PROTOINFO);
		tcp = mnl_attr_nest_start(nlh, CTA_PROTOINFO_TCP);
		mnl_attr_put_u8(nlh, CTA_PROTOINFO_TCP_STATE, (uint8_t)state);
		mnl_attr_nest_end(nlh, tcp);
		mnl_attr_nest_end(nlh, pi);
	}
	return nlh->nlmsg_len;
}

static void
test_parse(void **state)
{
	char buf[256];
	struct ctcount_ev ev;
	size_t len;

	len = event(buf, IPCTNL_MSG_CT_NEW, NLM_F_CREATE | NLM_F_EXCL, true,
	    M(2) | 1);
	assert_int_equal(ctcount_parse_event(buf, len, &ev), 0);
	assert_int_equal(ev.kind, CTCOUNT_NEW);
	assert_int_equal(ev.mark, M(2) | 1);
	assert_int_equal(ev.id, 0);
	assert_int_equal(ev.tcp_state, -1);
	assert_int_equal(ev.proto, -1);
	assert_true(ctcount_ev_load(&ev));
	/* the original tuple's protocol: ICMP carries no load */
	{
		struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
		struct nlattr *t = mnl_attr_nest_start(nlh, CTA_TUPLE_ORIG);
		struct nlattr *p = mnl_attr_nest_start(nlh, CTA_TUPLE_PROTO);

		mnl_attr_put_u8(nlh, CTA_PROTO_NUM, 1);
		mnl_attr_nest_end(nlh, p);
		mnl_attr_nest_end(nlh, t);
		len = nlh->nlmsg_len;
	}
	assert_int_equal(ctcount_parse_event(buf, len, &ev), 0);
	assert_int_equal(ev.proto, 1);
	assert_false(ctcount_ev_load(&ev));

	len = event(buf, IPCTNL_MSG_CT_DELETE, 0, true, M(1));
	assert_int_equal(ctcount_parse_event(buf, len, &ev), 0);
	assert_int_equal(ev.kind, CTCOUNT_DESTROY);
	assert_int_equal(ev.mark, M(1));

	/* no mark: unmarked */
	len = event(buf, IPCTNL_MSG_CT_DELETE, 0, false, 0);
	ev.mark = 7;
	assert_int_equal(ctcount_parse_event(buf, len, &ev), 0);
	assert_int_equal(ev.mark, 0);

	/* an update of an entry is no new connection: it counts nothing */
	len = event(buf, IPCTNL_MSG_CT_NEW, 0, true, M(1));
	assert_int_equal(ctcount_parse_event(buf, len, &ev), 0);
	assert_int_equal(ev.kind, CTCOUNT_UPDATE);
	assert_false(ctcount_ev_closed(&ev));
	/* ... its id and TCP state: TIME_WAIT (7) and CLOSE (8) close */
	len = with_id_state(buf, 0x12345678, 7);
	assert_int_equal(ctcount_parse_event(buf, len, &ev), 0);
	assert_int_equal(ev.id, 0x12345678);
	assert_int_equal(ev.tcp_state, 7);
	assert_true(ctcount_ev_closed(&ev));
	len = event(buf, IPCTNL_MSG_CT_NEW, 0, true, M(1));
	len = with_id_state(buf, 9, 8);
	assert_int_equal(ctcount_parse_event(buf, len, &ev), 0);
	assert_true(ctcount_ev_closed(&ev));
	len = event(buf, IPCTNL_MSG_CT_NEW, 0, true, M(1));
	len = with_id_state(buf, 9, 3);		/* ESTABLISHED */
	assert_int_equal(ctcount_parse_event(buf, len, &ev), 0);
	assert_false(ctcount_ev_closed(&ev));
	/* another subsystem */
	len = event(buf, IPCTNL_MSG_CT_NEW, NLM_F_CREATE, true, M(1));
	((struct nlmsghdr *)buf)->nlmsg_type = (NFNL_SUBSYS_CTNETLINK_EXP << 8);
	assert_int_equal(ctcount_parse_event(buf, len, &ev), -ENOMSG);
	/* truncated */
	len = event(buf, IPCTNL_MSG_CT_DELETE, 0, true, M(1));
	assert_int_equal(ctcount_parse_event(buf, 10, &ev), -EINVAL);
	((struct nlmsghdr *)buf)->nlmsg_len = (uint32_t)len + 100;
	assert_int_equal(ctcount_parse_event(buf, len, &ev), -EINVAL);
	/* a mark, an id, a state of the wrong size */
	len = event(buf, IPCTNL_MSG_CT_DELETE, 0, false, 0);
	{
		struct nlmsghdr *nlh = (struct nlmsghdr *)buf;

		mnl_attr_put_u16(nlh, CTA_MARK, 1);
		len = nlh->nlmsg_len;
	}
	assert_int_equal(ctcount_parse_event(buf, len, &ev), -EINVAL);
	len = event(buf, IPCTNL_MSG_CT_DELETE, 0, false, 0);
	{
		struct nlmsghdr *nlh = (struct nlmsghdr *)buf;

		mnl_attr_put_u8(nlh, CTA_ID, 1);
		len = nlh->nlmsg_len;
	}
	assert_int_equal(ctcount_parse_event(buf, len, &ev), -EINVAL);
	len = event(buf, IPCTNL_MSG_CT_DELETE, 0, false, 0);
	{
		struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
		struct nlattr *pi = mnl_attr_nest_start(nlh, CTA_PROTOINFO);
		struct nlattr *tcp = mnl_attr_nest_start(nlh,
		    CTA_PROTOINFO_TCP);

		mnl_attr_put_u32(nlh, CTA_PROTOINFO_TCP_STATE, 7);
		mnl_attr_nest_end(nlh, tcp);
		mnl_attr_nest_end(nlh, pi);
		len = nlh->nlmsg_len;
	}
	assert_int_equal(ctcount_parse_event(buf, len, &ev), -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_count_merges_events),
		cmocka_unit_test(test_failed_count),
		cmocka_unit_test(test_due),
		cmocka_unit_test(test_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
