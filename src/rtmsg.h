/* SPDX-License-Identifier: ISC */
/*
 * rtnetlink messages for the kernel objects of kobj.h, built and parsed with
 * libmnl. Pure: builders write into a caller's buffer, parsers read a
 * message; neither does I/O, so both are tested byte for byte and fuzzed.
 */
#ifndef UPLINKD_RTMSG_H
#define UPLINKD_RTMSG_H

#include <linux/netlink.h>
#include <stdint.h>

#include "kobj.h"

/* Buffer size for any one message built here. */
#define RTMSG_BUFSZ 8192

/*
 * Builders. type is RTM_NEW* or RTM_DEL*; flags are added to NLM_F_REQUEST
 * | NLM_F_ACK (e.g. NLM_F_CREATE | NLM_F_REPLACE, NLM_F_CREATE | NLM_F_EXCL).
 * Return the message, which starts at buf.
 */
struct nlmsghdr *rtmsg_route(void *buf, uint16_t type, uint16_t flags,
    uint32_t seq, const struct kroute *r);
struct nlmsghdr *rtmsg_rule(void *buf, uint16_t type, uint16_t flags,
    uint32_t seq, const struct krule *r);
struct nlmsghdr *rtmsg_nh(void *buf, uint16_t type, uint16_t flags,
    uint32_t seq, const struct knh *n);
/* An address: RTM_NEWADDR (flags IFA_F_* sent) or RTM_DELADDR. */
struct nlmsghdr *rtmsg_addr(void *buf, uint16_t type, uint16_t flags,
    uint32_t seq, const struct kaddr *a);
/* A dump request (RTM_GETLINK, RTM_GETADDR, RTM_GETROUTE, RTM_GETRULE,
 * RTM_GETNEXTHOP) for family (AF_UNSPEC for all). */
struct nlmsghdr *rtmsg_dump(void *buf, uint16_t type, uint8_t family,
    uint32_t seq);

/*
 * Parsers: fill *out from a RTM_NEW* or RTM_DEL* message of the matching
 * kind. Return 0 when filled, 1 when the message is valid but of no
 * interest (e.g. a multicast route, an address family not handled), or
 * -EINVAL when malformed. Never read beyond nlh->nlmsg_len.
 */
int rtmsg_parse_link(const struct nlmsghdr *nlh, struct klink *out);
int rtmsg_parse_addr(const struct nlmsghdr *nlh, struct kaddr *out);
int rtmsg_parse_route(const struct nlmsghdr *nlh, struct kroute *out);
int rtmsg_parse_rule(const struct nlmsghdr *nlh, struct krule *out);
int rtmsg_parse_nh(const struct nlmsghdr *nlh, struct knh *out);
/* Neighbours: 1 (no interest) without a link-layer address of 6 bytes or
 * in state failed/incomplete; RTM_DELNEIGH fills ifindex and addr. */
int rtmsg_parse_neigh(const struct nlmsghdr *nlh, struct kneigh *out);

#endif
