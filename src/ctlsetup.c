/* SPDX-License-Identifier: ISC */
/*
 * What the control side sets up outside the process (see ctlsetup.h): the
 * Unix socket with its directory, mode and group, after making sure no
 * other instance answers on it; the TCP listener of the metrics endpoint;
 * and the cgroups of `uplinkctl exec`.
 */
#include <errno.h>
#include <grp.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctlsetup.h"
#include "ctlmsg.h"
#include "execcg.h"
#include "log.h"

/* mkdir -p for the socket's directory */
static int
make_dirs(const char *path)
{
	char buf[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char *p;

	snprintf(buf, sizeof(buf), "%s", path);
	if (!(p = strrchr(buf, '/')) || p == buf)
		return 0;
	*p = '\0';
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, 0755) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

/* Is another instance there? 0 (no, path free), or -errno. */
static int
check_other(const char *path, const struct sockaddr_un *sun)
{
	struct stat st;
	int fd, rc;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode)) {
		log_warnx("control: %s exists and is not a socket", path);
		return -EEXIST;
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -errno;
	rc = connect(fd, (const struct sockaddr *)sun, sizeof(*sun));
	if (rc == 0) {
		close(fd);
		log_warnx("control: another uplinkd answers on %s; not "
		    "starting a second one", path);
		return -EADDRINUSE;
	}
	rc = errno;
	close(fd);
	if (rc != ECONNREFUSED) {
		log_warnx("control: %s: connect: %s", path, strerror(rc));
		return -rc;
	}
	log_info("control: removing stale socket %s", path);
	if (unlink(path) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

int
ctlsetup_unix(const char *path, const char *group)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct group *gr = NULL;
	mode_t old;
	int fd, rc;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		log_warnx("control: socket path too long: %s", path);
		return -ENAMETOOLONG;
	}
	strcpy(sun.sun_path, path);
	if (group) {
		errno = 0;
		if (!(gr = getgrnam(group))) {
			log_warnx("control: no such group: %s", group);
			return errno ? -errno : -ENOENT;
		}
	}
	if ((rc = make_dirs(path)) < 0) {
		log_warnx("control: mkdir for %s: %s", path, strerror(-rc));
		return rc;
	}
	if ((rc = check_other(path, &sun)) < 0)
		return rc;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* nobody else may connect before the mode and group are right */
	old = umask(0177);
	rc = bind(fd, (struct sockaddr *)&sun, sizeof(sun));
	umask(old);
	if (rc < 0) {
		rc = -errno;
		log_warn("control: bind %s", path);
		goto err_bind;
	}
	if ((gr && chown(path, (uid_t)-1, gr->gr_gid) < 0) ||
	    chmod(path, 0660) < 0) {
		rc = -errno;
		log_warn("control: permissions of %s", path);
		goto err_listen;
	}
	if (listen(fd, 16) < 0) {
		rc = -errno;
		log_warn("control: listen %s", path);
		goto err_listen;
	}
	return fd;
err_listen:
	unlink(path);
err_bind:
	close(fd);
	return rc;
}

/* A listening TCP socket on "ADDR:PORT" ("[V6]:PORT", ":PORT" for any),
 * non-blocking. The fd or -errno, logged. */
int
ctlsetup_tcp(const char *hostport)
{
	struct addrinfo hints = { 0 }, *res = NULL;
	char host[128], *colon;
	const char *h = host;
	int fd, rc, one = 1;

	snprintf(host, sizeof(host), "%s", hostport);
	if (!(colon = strrchr(host, ':')) || colon[1] == '\0') {
		log_warnx("control: metrics-listen %s: want ADDR:PORT",
		    hostport);
		return -EINVAL;
	}
	*colon = '\0';
	if (host[0] == '[' && colon[-1] == ']') {
		colon[-1] = '\0';
		h = host + 1;
	}
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
	if ((rc = getaddrinfo(*h ? h : NULL, colon + 1, &hints, &res)) != 0) {
		log_warnx("control: metrics-listen %s: %s", hostport,
		    gai_strerror(rc));
		return -EINVAL;
	}
	fd = socket(res->ai_family, res->ai_socktype | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (fd < 0) {
		rc = -errno;
		goto err_socket;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, res->ai_addr, res->ai_addrlen) < 0 ||
	    listen(fd, 16) < 0) {
		rc = -errno;
		goto err_bind;
	}
	freeaddrinfo(res);
	return fd;
err_bind:
	close(fd);
err_socket:
	log_warnx("control: metrics-listen %s: %s", hostport, strerror(-rc));
	freeaddrinfo(res);
	return rc;
}

int
ctlsetup_exec_cgroup(const char *link, char *path, size_t size)
{
	if (!ctlmsg_valid_link(link))
		return -EINVAL;
	return execcg_make(link, path, size);
}
