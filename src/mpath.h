/* SPDX-License-Identifier: ISC */
/*
 * Multipath TCP endpoints (issue 17), the pure half: the endpoints uplinkd
 * owns (one `subflow` endpoint per active uplink address, `backup` on links
 * of a lower tier), the difference between those wanted and those the
 * kernel has, and the generic netlink messages of family "mptcp_pm" that
 * read and change them. No I/O: mpathnl.c sends what this builds.
 *
 * Ownership is by endpoint id, a u8: link id i (1..MPATH_MAX_LINK) owns
 * id MPATH_ID4 + i for its IPv4 address and MPATH_ID6 + i for its IPv6
 * one. Endpoints of other ids (NetworkManager, mptcpd, `ip mptcp` by hand
 * take the lowest free ids) are never changed or removed, and an address
 * one of them already has gets no endpoint of ours.
 */
#ifndef UPLINKD_MPATH_H
#define UPLINKD_MPATH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"

#define MPATH_ID4	128
#define MPATH_ID6	192
#define MPATH_MAX_LINK	63	/* links of higher ids get no endpoint */
#define MPATH_MAX_EP	256
#define MPATH_LIMIT_MAX	8	/* the kernel's cap on both limits */

/* The kernel's flags (linux/mptcp.h), as far as uplinkd uses them. */
#define MPATH_F_SIGNAL	(1u << 0)
#define MPATH_F_SUBFLOW	(1u << 1)
#define MPATH_F_BACKUP	(1u << 2)

struct mpath_ep {
	uint8_t id;
	struct addr addr;
	int ifindex;		/* 0: not bound to a device */
	uint32_t flags;		/* MPATH_F_* */
};

struct mpath_set {
	struct mpath_ep v[MPATH_MAX_EP];
	unsigned int n;
};

struct mpath_limits {
	uint32_t subflows, add_addr_accepted;
};

/* The id link_id's endpoint of a family gets; 0: the link gets none. */
uint8_t mpath_id(unsigned int link_id, int family);
/* Is this endpoint id uplinkd's? */
bool mpath_owns(uint8_t id);
/* Append; false when full. */
bool mpath_add(struct mpath_set *s, const struct mpath_ep *e);
const struct mpath_ep *mpath_find_addr(const struct mpath_set *s,
    const struct addr *a);

/*
 * What to do to go from have (the kernel's endpoints, ours and others') to
 * want (ours): del gets the owned endpoints that are not wanted as they
 * are (other address or device), add the wanted ones missing (except
 * where another program's endpoint has the address), setflags those whose
 * backup flag alone differs (a flag change keeps the endpoint's subflows;
 * a delete closes them).
 */
void mpath_diff(const struct mpath_set *want, const struct mpath_set *have,
    struct mpath_set *add, struct mpath_set *del, struct mpath_set *setflags);

/* The limits to set: cur raised to want where lower, capped at
 * MPATH_LIMIT_MAX; false when cur needs no change. */
bool mpath_limits_raise(const struct mpath_limits *cur, unsigned int want,
    struct mpath_limits *out);

/* The `ip mptcp` command line of an endpoint (no trailing newline).
 * ifname: the device's name, or NULL. */
void mpath_format(const struct mpath_ep *e, const char *ifname, char *buf,
    size_t len);

/*
 * Generic netlink messages, built in buf (8 KiB are plenty:
 * a request is small) for family id fam; the caller sets nlmsg_seq. Each
 * asks for an ack (or is a dump) and returns the header.
 */
struct nlmsghdr;
enum mpath_cmd { MPATH_ADD, MPATH_DEL, MPATH_SETFLAGS };
struct nlmsghdr *mpath_msg_ep(void *buf, uint16_t fam, enum mpath_cmd cmd,
    const struct mpath_ep *e);
struct nlmsghdr *mpath_msg_dump(void *buf, uint16_t fam);
struct nlmsghdr *mpath_msg_get_limits(void *buf, uint16_t fam);
struct nlmsghdr *mpath_msg_set_limits(void *buf, uint16_t fam,
    const struct mpath_limits *l);
/* CTRL_CMD_GETFAMILY for "mptcp_pm". */
struct nlmsghdr *mpath_msg_family(void *buf);

/* Parsers of the replies: 0, or -EINVAL (a malformed message). */
int mpath_parse_ep(const struct nlmsghdr *nlh, struct mpath_ep *e);
int mpath_parse_limits(const struct nlmsghdr *nlh, struct mpath_limits *l);
int mpath_parse_family(const struct nlmsghdr *nlh, uint16_t *fam);

#endif
