/* SPDX-License-Identifier: ISC */
/*
 * Netlink I/O: a request socket (each request acknowledged, extended acks
 * logged with the errno) and an event socket subscribed to link, address,
 * route, rule and nexthop groups. Keeps a struct kstate mirror of what the
 * kernel holds that uplinkd cares about.
 */
#ifndef UPLINKD_RT_H
#define UPLINKD_RT_H

#include <stdint.h>

#include "kobj.h"

struct rt;

enum rt_cmd {
	RT_ADD,		/* NLM_F_CREATE | NLM_F_EXCL */
	RT_REPLACE,	/* NLM_F_CREATE | NLM_F_REPLACE */
	RT_DEL,
};

/* NULL with errno set. events: also open and subscribe the event socket. */
struct rt *rt_open(int events);
void rt_close(struct rt *rt);
int rt_event_fd(const struct rt *rt);	/* -1 without events */

/*
 * Which routes the mirror keeps: default routes (dst len 0) of every table
 * but local, and every route of tables lo..hi. Default: none of the latter.
 */
void rt_set_route_filter(struct rt *rt, uint32_t table_lo, uint32_t table_hi);

/* Which interfaces' neighbour entries the mirror keeps (copied; at most
 * MIRROR_NEIGH_IFS); default none. */
void rt_set_neigh_filter(struct rt *rt, const char *const *ifnames,
    unsigned int n);

/* Replace *s with a fresh dump of links, addresses, routes, rules and
 * nexthops. 0 or -errno. */
int rt_dump(struct rt *rt, struct kstate *s);

/*
 * Read what is pending on the event socket without blocking (a bounded
 * number of datagrams: call again when the socket is still readable) and
 * apply it to *s. Returns the number of messages that changed *s (0 if
 * none), or -ENOBUFS (events lost), -EBADMSG (an event could not be read)
 * or another -errno: then *s may be wrong and the caller must rt_dump
 * until that succeeds.
 */
int rt_read_events(struct rt *rt, struct kstate *s);

/* Synchronous requests. 0 or -errno; failures are logged with the kernel's
 * extended ack message when it gave one. */
int rt_route(struct rt *rt, enum rt_cmd cmd, const struct kroute *r);
int rt_rule(struct rt *rt, enum rt_cmd cmd, const struct krule *r);
int rt_nh(struct rt *rt, enum rt_cmd cmd, const struct knh *n);
int rt_addr(struct rt *rt, enum rt_cmd cmd, const struct kaddr *a);

#endif
