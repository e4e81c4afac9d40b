/* SPDX-License-Identifier: ISC */
/*
 * nlfault is an LD_PRELOAD library for the namespace tests: it makes
 * recvmsg() on NETLINK_ROUTE sockets fail with ENOBUFS, as a kernel whose
 * socket buffer overflowed does, so the tests can check that every lost
 * event, and every dump that fails because of one, leads to a full
 * resync. While the file NLFAULT_FILE exists, every NLFAULT_EVERY-th
 * such call (default 3) fails; otherwise, and on other sockets, nothing
 * changes.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/netlink.h>

static unsigned long
env(const char *name, unsigned long dflt)
{
	const char *v = getenv(name);

	return v && *v ? strtoul(v, NULL, 0) : dflt;
}

static int
is_route_netlink(int fd)
{
	int v;
	socklen_t len = sizeof(v);

	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &v, &len) < 0 ||
	    v != AF_NETLINK)
		return 0;
	len = sizeof(v);
	return getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &v, &len) == 0 &&
	    v == NETLINK_ROUTE;
}

ssize_t
recvmsg(int fd, struct msghdr *msg, int flags)
{
	static ssize_t (*real)(int, struct msghdr *, int);
	static unsigned long n;
	const char *file = getenv("NLFAULT_FILE");

	if (real == NULL)
		real = (ssize_t (*)(int, struct msghdr *, int))dlsym(RTLD_NEXT,
		    "recvmsg");
	if (!is_route_netlink(fd))
		return real(fd, msg, flags);
	if (file != NULL && access(file, F_OK) == 0 &&
	    ++n % env("NLFAULT_EVERY", 3) == 0) {
		errno = ENOBUFS;
		return -1;
	}
	return real(fd, msg, flags);
}
