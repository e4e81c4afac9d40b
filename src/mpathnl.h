/* SPDX-License-Identifier: ISC */
/*
 * Multipath TCP endpoints, the I/O half (see mpath.h for the decisions):
 * a generic netlink socket of family "mptcp_pm" that reads the kernel's
 * endpoints and brings uplinkd's to a wanted set.
 */
#ifndef UPLINKD_MPATHNL_H
#define UPLINKD_MPATHNL_H

#include "mpath.h"

struct mpathnl;

/* NULL with errno set: ENOENT when the kernel has no MPTCP. */
struct mpathnl *mpathnl_open(void);
void mpathnl_close(struct mpathnl *m);

/* Every endpoint of the namespace, uplinkd's and others'. 0 or -errno. */
int mpathnl_dump(struct mpathnl *m, struct mpath_set *out);

/* Bring uplinkd's endpoints to want (others' are never touched) and raise
 * the kernel's limits to want->n where lower. 0, or the last -errno of a
 * request that failed (the others were still sent). */
int mpathnl_apply(struct mpathnl *m, const struct mpath_set *want);

/* Remove uplinkd's endpoints and put back the limits it raised. */
int mpathnl_remove_all(struct mpathnl *m);

#endif
