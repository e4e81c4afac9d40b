/* SPDX-License-Identifier: ISC */
/*
 * ha: the VRRP role uplinkd was told and the track file it keeps for
 * keepalived (see ha.h). The role names and the track value are pure; the
 * one write is a small file replaced by rename.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ha.h"

static const char *const names[] = {
	[HA_ROLE_NONE] = "none",
	[HA_ROLE_MASTER] = "master",
	[HA_ROLE_BACKUP] = "backup",
	[HA_ROLE_FAULT] = "fault",
};

const char *
ha_role_name(enum ha_role r)
{
	switch (r) {
	case HA_ROLE_NONE:
	case HA_ROLE_MASTER:
	case HA_ROLE_BACKUP:
	case HA_ROLE_FAULT:
		return names[r];
	}
	return "?";
}

int
ha_role_parse(const char *s, enum ha_role *out)
{
	unsigned int i;

	for (i = HA_ROLE_MASTER; i <= HA_ROLE_FAULT; i++)
		if (strcmp(s, names[i]) == 0) {
			*out = i;
			return 0;
		}
	return -EINVAL;
}

int
ha_track_value(const enum health_state *states, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (states[i] != HEALTH_DOWN)
			return 0;
	return n > 0 ? 1 : 0;
}

int
ha_track_write(const char *path, int value)
{
	char tmp[4096], buf[16];
	int fd, len, rc = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	len = snprintf(buf, sizeof(buf), "%d\n", value);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
	    0644);
	if (fd < 0)
		return -errno;
	if (fchmod(fd, 0644) < 0)	/* whatever the umask */
		rc = -errno;
	else if (write(fd, buf, len) != len)
		rc = errno ? -errno : -EIO;
	if (close(fd) < 0 && rc == 0)
		rc = -errno;
	if (rc == 0 && rename(tmp, path) < 0)
		rc = -errno;
	if (rc < 0)
		unlink(tmp);
	return rc;
}
