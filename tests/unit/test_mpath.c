/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of mpath: endpoint ids and ownership, the difference between
 * wanted and observed endpoints (others' never touched, a flag change kept
 * as one), the limits, and the "mptcp_pm" messages built and parsed back.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/mptcp.h>
#include <string.h>
#include <sys/socket.h>

#include "mpath.h"
#include "testutil.h"

static struct mpath_ep
ep(uint8_t id, const char *a, int ifindex, uint32_t flags)
{
	struct mpath_ep e = { .id = id, .ifindex = ifindex, .flags = flags };

	e.addr = A(a);
	return e;
}

static void
test_ids(void **state)
{
	assert_int_equal(mpath_id(1, AF_INET), 129);
	assert_int_equal(mpath_id(1, AF_INET6), 193);
	assert_int_equal(mpath_id(63, AF_INET6), 255);
	assert_int_equal(mpath_id(64, AF_INET), 0);
	assert_int_equal(mpath_id(0, AF_INET), 0);
	assert_false(mpath_owns(1));	/* ip mptcp endpoint add: lowest */
	assert_false(mpath_owns(128));
	assert_false(mpath_owns(192));
	assert_true(mpath_owns(129));
	assert_true(mpath_owns(255));
}

struct diff_case {
	const char *name;
	struct mpath_ep want[3], have[3];
	unsigned int nwant, nhave;
	unsigned int nadd, ndel, nflags;
	uint8_t add0, del0;
};

#define S	MPATH_F_SUBFLOW
#define B	MPATH_F_BACKUP
static const struct diff_case diff_cases[] = {
	{ "diff: nothing yet: both added", .nwant = 2, .nhave = 0,
	  .nadd = 2, .add0 = 129 },
	{ "diff: in place: nothing to do", .nwant = 2, .nhave = 2 },
	{ "diff: a link went down: its endpoint removed", .nwant = 1,
	  .nhave = 2, .ndel = 1, .del0 = 130 },
	{ "diff: a foreign endpoint of the address: ours not added",
	  .nwant = 2, .nhave = 3, .nadd = 0 },
	{ "diff: off: ours removed, the foreign one kept", .nwant = 0,
	  .nhave = 3, .ndel = 2, .del0 = 129 },
	{ "diff: tier changed: flags set, endpoint kept", .nwant = 2,
	  .nhave = 2, .nflags = 1 },
	{ "diff: renumbered: removed and added", .nwant = 2, .nhave = 2,
	  .nadd = 1, .ndel = 1, .add0 = 130, .del0 = 130 },
};

static void
fill(const struct diff_case *dc, struct mpath_set *w, struct mpath_set *h)
{
	struct mpath_ep e1 = ep(129, "198.18.1.2", 11, S);
	struct mpath_ep e2 = ep(130, "198.18.2.2", 12, S);

	w->n = h->n = 0;
	if (dc->nwant >= 1)
		mpath_add(w, &e1);
	if (dc->nwant >= 2)
		mpath_add(w, &e2);
	if (strstr(dc->name, "foreign")) {
		struct mpath_ep f = ep(1, "198.18.2.2", 12, S);

		mpath_add(h, &f);
		if (dc->nwant == 0) {
			mpath_add(h, &e1);
			mpath_add(h, &e2);
		} else {
			mpath_add(h, &e1);
		}
		return;
	}
	if (dc->nhave >= 1)
		mpath_add(h, &e1);
	if (dc->nhave >= 2)
		mpath_add(h, &e2);
	if (strstr(dc->name, "tier"))
		h->v[1].flags |= B;
	if (strstr(dc->name, "renumbered"))
		addr_parse("198.18.2.9", &h->v[1].addr);
}

static void
test_diff(void **state)
{
	const struct diff_case *dc = *state;
	static struct mpath_set w, h, add, del, fl;

	fill(dc, &w, &h);
	if (strstr(dc->name, "off")) {
		/* the foreign endpoint first, then ours */
		h.n = 0;
		mpath_add(&h, &(struct mpath_ep){ 0 });
		h.v[0] = ep(1, "198.18.9.2", 0, S);
		mpath_add(&h, &(struct mpath_ep){ 0 });
		h.v[1] = ep(129, "198.18.1.2", 11, S);
		mpath_add(&h, &(struct mpath_ep){ 0 });
		h.v[2] = ep(130, "198.18.2.2", 12, S);
	}
	mpath_diff(&w, &h, &add, &del, &fl);
	assert_int_equal(add.n, dc->nadd);
	assert_int_equal(del.n, dc->ndel);
	assert_int_equal(fl.n, dc->nflags);
	if (dc->nadd)
		assert_int_equal(add.v[0].id, dc->add0);
	if (dc->ndel)
		assert_int_equal(del.v[0].id, dc->del0);
	if (dc->nflags)
		assert_int_equal(fl.v[0].flags, S);
}

static void
test_limits(void **state)
{
	struct mpath_limits cur = { .subflows = 2, .add_addr_accepted = 0 };
	struct mpath_limits out;

	assert_true(mpath_limits_raise(&cur, 3, &out));
	assert_int_equal(out.subflows, 3);
	assert_int_equal(out.add_addr_accepted, 3);
	assert_false(mpath_limits_raise(&cur, 0, &out));
	cur.subflows = 8;
	cur.add_addr_accepted = 8;
	assert_false(mpath_limits_raise(&cur, 20, &out));
	cur.subflows = 1;
	assert_true(mpath_limits_raise(&cur, 20, &out));
	assert_int_equal(out.subflows, MPATH_LIMIT_MAX);
}

static void
test_format(void **state)
{
	struct mpath_ep e = ep(193, "2001:db8:1::2", 11, S | B);
	char buf[160];

	mpath_format(&e, "wan1", buf, sizeof(buf));
	assert_string_equal(buf, "ip mptcp endpoint add 2001:db8:1::2 id 193 "
	    "subflow backup dev wan1");
}

/* An ADD request carries the same nested address as a dump's reply:
 * parsed back, it is the endpoint it was built from. */
static void
test_msg_roundtrip(void **state)
{
	static char buf[8192];
	struct mpath_ep e = ep(130, "198.18.2.2", 12, S | B), back;
	struct mpath_limits l = { 4, 3 }, lb;
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;
	uint16_t fam;

	nlh = mpath_msg_ep(buf, 27, MPATH_ADD, &e);
	assert_int_equal(nlh->nlmsg_type, 27);
	assert_true(nlh->nlmsg_flags & NLM_F_ACK);
	g = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(g->cmd, MPTCP_PM_CMD_ADD_ADDR);
	assert_int_equal(mpath_parse_ep(nlh, &back), 0);
	assert_int_equal(back.id, 130);
	assert_true(addr_eq(&back.addr, &e.addr));
	assert_int_equal(back.ifindex, 12);
	assert_int_equal(back.flags, S | B);

	/* a delete names the id alone: no family, so no address */
	nlh = mpath_msg_ep(buf, 27, MPATH_DEL, &e);
	assert_int_equal(mpath_parse_ep(nlh, &back), -EINVAL);

	nlh = mpath_msg_set_limits(buf, 27, &l);
	assert_int_equal(mpath_parse_limits(nlh, &lb), 0);
	assert_int_equal(lb.subflows, 4);
	assert_int_equal(lb.add_addr_accepted, 3);

	nlh = mpath_msg_family(buf);
	assert_int_equal(nlh->nlmsg_type, GENL_ID_CTRL);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = GENL_ID_CTRL;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = CTRL_CMD_NEWFAMILY;
	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, 31);
	assert_int_equal(mpath_parse_family(nlh, &fam), 0);
	assert_int_equal(fam, 31);
}

/* A truncated address attribute is refused, not read past. */
static void
test_parse_malformed(void **state)
{
	static char buf[8192];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	struct nlattr *n;
	struct mpath_ep back;

	g->cmd = MPTCP_PM_CMD_GET_ADDR;
	n = mnl_attr_nest_start(nlh, MPTCP_PM_ATTR_ADDR);
	mnl_attr_put_u16(nlh, MPTCP_PM_ADDR_ATTR_FAMILY, AF_INET);
	mnl_attr_put(nlh, MPTCP_PM_ADDR_ATTR_ADDR4, 2, "ab");
	mnl_attr_nest_end(nlh, n);
	assert_int_equal(mpath_parse_ep(nlh, &back), -EINVAL);
}

int
main(void)
{
	struct CMUnitTest tests[32];
	size_t n = 0, i;

	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_ids);
	for (i = 0; i < sizeof(diff_cases) / sizeof(diff_cases[0]); i++)
		tests[n++] = (struct CMUnitTest){ diff_cases[i].name,
		    test_diff, NULL, NULL, (void *)&diff_cases[i] };
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_limits);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_format);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_msg_roundtrip);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_parse_malformed);
	return _cmocka_run_group_tests("mpath", tests, n, NULL, NULL);
}
