/* SPDX-License-Identifier: ISC */
/*
 * sysctl writes the plan's sysctls that differ from the running values,
 * through /proc/sys, and says which it changed. The decision (does this
 * one differ) is sysctl_needs_write, pure; the rest is the thin writer.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "sysctl.h"

bool
sysctl_needs_write(int read_rc, const char *cur, const char *want)
{
	return read_rc < 0 || strcmp(cur, want) != 0;
}

static int
open_path(const char *path, int flags)
{
	char full[192];
	int n, fd;

	n = snprintf(full, sizeof(full), "/proc/sys/%s", path);
	if (n < 0 || (size_t)n >= sizeof(full))
		return -ENAMETOOLONG;
	fd = open(full, flags | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int
sysctl_read(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	if (len == 0)
		return -EINVAL;
	buf[0] = '\0';
	if ((fd = open_path(path, O_RDONLY)) < 0)
		return fd;
	n = read(fd, buf, len - 1);
	if (n < 0) {
		n = -errno;
		close(fd);
		buf[0] = '\0';
		return (int)n;
	}
	close(fd);
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return 0;
}

int
sysctl_write(const char *path, const char *value)
{
	ssize_t n;
	int fd, rc = 0;

	if ((fd = open_path(path, O_WRONLY)) < 0)
		return fd;
	n = write(fd, value, strlen(value));
	if (n < 0)
		rc = -errno;
	close(fd);
	return rc;
}

int
sysctl_apply(const struct plan_sysctl *s, unsigned int n)
{
	char cur[64];
	unsigned int i;
	int rc = 0, wrc;

	for (i = 0; i < n; i++) {
		int rrc = sysctl_read(s[i].path, cur, sizeof(cur));

		if (!sysctl_needs_write(rrc, cur, s[i].value))
			continue;
		if ((wrc = sysctl_write(s[i].path, s[i].value)) < 0) {
			errno = -wrc;
			log_warn("sysctl %s=%s", s[i].path, s[i].value);
			rc = -EIO;
		} else
			log_info("sysctl %s: %s -> %s", s[i].path, cur,
			    s[i].value);
	}
	return rc;
}
