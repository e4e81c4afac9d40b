/* SPDX-License-Identifier: ISC */
/*
 * A netlink message with a family header in a buffer of its own, for the
 * unit tests of the netlink modules (include after cmocka.h). Header only,
 * so each test still links just the modules it tests.
 */
#ifndef UPLINKD_TESTMSG_H
#define UPLINKD_TESTMSG_H

#include <string.h>

#include <libmnl/libmnl.h>

#include "rtmsg.h"
#include "testutil.h"

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
