/* SPDX-License-Identifier: ISC */
/*
 * The cgroups `uplinkctl exec` runs commands in, one per link
 * (ctlsetup_exec_cgroup): made before the ruleset that names them is
 * loaded, removed with it.
 */
#ifndef UPLINKD_EXECCG_H
#define UPLINKD_EXECCG_H

#include <stdbool.h>

#include "conf.h"

struct execcg {
	bool ok;			/* every link has its cgroup */
	bool tried;			/* since the last execcg_reset */
};

/* Make the cgroups of c's links, once until execcg_reset; whether all
 * exist (the plan's exec_cgroups). */
bool execcg_ensure(struct execcg *e, const struct conf *c);
/* The links may be new: try again at the next execcg_ensure. */
void execcg_reset(struct execcg *e);
/* Remove them (rmdir fails, harmlessly, while a command still runs in
 * one). */
void execcg_remove(struct execcg *e, const struct conf *c);

#endif
