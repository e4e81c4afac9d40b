/* SPDX-License-Identifier: ISC */
/*
 * The exec cgroups: made under the cgroup2 root, checked once per config,
 * removed when the firewall naming them goes.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "execcg.h"
#include "log.h"

/* The cgroup2 mount point, from /proc/self/mountinfo. */
static int
cgroup2_root(char *buf, size_t size)
{
	char line[1024], mnt[512], fstype[64];
	int rc = -ENOTSUP;
	FILE *f;

	if (!(f = fopen("/proc/self/mountinfo", "re")))
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char *sep = strstr(line, " - ");

		/* ID PARENT MAJ:MIN ROOT MOUNTPOINT ... - FSTYPE ... */
		if (!sep || sscanf(line, "%*s %*s %*s %*s %511s", mnt) != 1 ||
		    sscanf(sep + 3, "%63s", fstype) != 1)
			continue;
		if (strcmp(fstype, "cgroup2") != 0 || strchr(mnt, '\\'))
			continue;
		if ((size_t)snprintf(buf, size, "%s", mnt) >= size)
			continue;
		rc = 0;
		/* prefer the unified hierarchy at /sys/fs/cgroup */
		if (strcmp(mnt, "/sys/fs/cgroup") == 0)
			break;
	}
	fclose(f);
	return rc;
}

int
execcg_make(const char *link, char *path, size_t size)
{
	char root[512];
	int rc;

	if (!*link || strlen(link) >= CONF_NAME_MAX || strchr(link, '/') ||
	    strcmp(link, ".") == 0 || strcmp(link, "..") == 0)
		return -EINVAL;
	if ((rc = cgroup2_root(root, sizeof(root))) < 0)
		return rc;
	if ((size_t)snprintf(path, size, "%s/" EXECCG_DIR, root) >= size)
		return -ENAMETOOLONG;
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return -errno;
	if ((size_t)snprintf(path, size, "%s/" EXECCG_DIR "/%s", root,
	    link) >= size)
		return -ENAMETOOLONG;
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

bool
execcg_ensure(struct execcg *e, const struct conf *c)
{
	char path[256];
	unsigned int i;
	bool ok = c->nlinks > 0;

	if (e->tried)
		return e->ok;
	for (i = 0; i < c->nlinks; i++)
		if (execcg_make(c->links[i].name, path,
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
		if (execcg_make(c->links[i].name, path,
		    sizeof(path)) == 0 && rmdir(path) == 0 &&
		    (slash = strrchr(path, '/')) != NULL) {
			*slash = '\0';
			rmdir(path);
		}
}
