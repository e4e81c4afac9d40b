/* SPDX-License-Identifier: ISC */
/*
 * Helpers shared by the unit tests of the kernel-object modules (after
 * cmocka.h): an address or prefix from text, asserting that it parses, and
 * a netlink message with a family header in a buffer of its own. Header
 * only, so each test still links just the modules it tests.
 */
#ifndef UPLINKD_TESTADDR_H
#define UPLINKD_TESTADDR_H

#include <string.h>

#include <libmnl/libmnl.h>

#include "addr.h"
#include "rtmsg.h"

static inline struct addr
A(const char *s)
{
	struct addr a;

	assert_int_equal(addr_parse(s, &a), 0);
	return a;
}

static inline struct prefix
P(const char *s)
{
	struct prefix p;

	assert_int_equal(prefix_parse(s, &p), 0);
	return p;
}

/* The buffer msg() builds in (each test's own). */
static union {
	char b[RTMSG_BUFSZ];
	struct nlmsghdr align;
} mbuf;

/* A message of type with hdrlen bytes of family header from hdr; add
 * attributes with mnl_attr_put*(). */
static inline struct nlmsghdr *
msg(uint16_t type, const void *hdr, size_t hdrlen)
{
	struct nlmsghdr *nlh;

	memset(mbuf.b, 0, sizeof(mbuf.b));
	nlh = mnl_nlmsg_put_header(mbuf.b);
	nlh->nlmsg_type = type;
	memcpy(mnl_nlmsg_put_extra_header(nlh, hdrlen), hdr, hdrlen);
	return nlh;
}

#endif
