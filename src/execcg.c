/* SPDX-License-Identifier: ISC */
/*
 * The exec cgroups: made under /sys/fs/cgroup by ctlsetup, checked once
 * per config, removed when the firewall naming them goes.
 */
#include <string.h>
#include <unistd.h>

#include "ctlsetup.h"
#include "execcg.h"
#include "log.h"

bool
execcg_ensure(struct execcg *e, const struct conf *c)
{
	char path[256];
	unsigned int i;
	bool ok = c->nlinks > 0;

	if (e->tried)
		return e->ok;
	for (i = 0; i < c->nlinks; i++)
		if (ctlsetup_exec_cgroup(c->links[i].name, path,
		    sizeof(path)) < 0)
			ok = false;
	e->ok = ok;
	e->tried = true;
	if (!ok)
		log_info("no cgroup2 at /sys/fs/cgroup: uplinkctl exec "
		    "is unavailable");
	return ok;
}

void
execcg_reset(struct execcg *e)
{
	e->tried = false;
}

void
execcg_remove(struct execcg *e, const struct conf *c)
{
	char path[256], *slash;
	unsigned int i;

	if (!e->ok)
		return;
	for (i = 0; i < c->nlinks; i++)
		if (ctlsetup_exec_cgroup(c->links[i].name, path,
		    sizeof(path)) == 0 && rmdir(path) == 0 &&
		    (slash = strrchr(path, '/')) != NULL) {
			*slash = '\0';
			rmdir(path);
		}
}
