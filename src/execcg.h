/* SPDX-License-Identifier: ISC */
/*
 * The cgroups `uplinkctl exec` runs commands in, one per link: made before
 * the ruleset that names them is loaded, removed with it.
 */
#ifndef UPLINKD_EXECCG_H
#define UPLINKD_EXECCG_H

#include <stdbool.h>

#include <stddef.h>

#include "conf.h"

#define EXECCG_DIR	"uplinkd.exec"	/* under the cgroup2 root */

struct execcg {
	bool ok;			/* every link has its cgroup */
	bool tried;			/* since the last execcg_reset */
};

/*
 * Make sure the cgroup v2 directory for `uplinkctl exec LINK` exists:
 * <cgroup2 root>/uplinkd.exec/<link>, mode 0755; its path in path (size
 * bytes). nftables matches it as `socket cgroupv2 level 2
 * "uplinkd.exec/<link>"`, and resolves that path when the ruleset is
 * loaded, so the daemon makes it for every link before loading it.
 * 0, -EINVAL (bad name), -ENOTSUP (no cgroup2 mounted) or -errno.
 */
int execcg_make(const char *link, char *path, size_t size);
/* Make the cgroups of c's links, once until execcg_reset; whether all
 * exist (the plan's exec_cgroups). */
bool execcg_ensure(struct execcg *e, const struct conf *c);
/* The links may be new: try again at the next execcg_ensure. */
void execcg_reset(struct execcg *e);
/* Remove them (rmdir fails, harmlessly, while a command still runs in
 * one). */
void execcg_remove(struct execcg *e, const struct conf *c);

#endif
