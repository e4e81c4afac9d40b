/* SPDX-License-Identifier: ISC */
/*
 * nfreq: one nfnetlink request on a socket of its own (libmnl), for the
 * netfilter subsystems uplinkd asks directly: ctnetlink (conntrack.c) and
 * nf_tables (fwread.c). Blocking; the callers say when that is allowed.
 */
#ifndef UPLINKD_NFREQ_H
#define UPLINKD_NFREQ_H

#include <stdint.h>
#include <linux/netlink.h>

/* A request header for subsys/msg of family with flags (NLM_F_REQUEST is
 * added) and its nfgenmsg, at the start of buf (MNL_SOCKET_BUFFER_SIZE
 * bytes); attributes follow with mnl_attr_put_*. */
struct nlmsghdr *nfreq_request(void *buf, uint8_t subsys, uint8_t msg,
    uint16_t flags, uint8_t family);

/* Each message of an answer; 0 to go on, or -errno to stop with it. */
typedef int (*nfreq_msg_fn)(const struct nlmsghdr *nlh, void *arg);

/* Send req and read the answer to its end (NLMSG_DONE, or the ACK or
 * error that NLM_F_ACK asks for), calling fn (may be NULL) for each
 * other message. 0, or -errno (the kernel's error included). */
int nfreq_talk(struct nlmsghdr *req, nfreq_msg_fn fn, void *arg);

#endif
