/* SPDX-License-Identifier: ISC */
/*
 * nlfault is an LD_PRELOAD library for the namespace tests, two faults
 * of the kernel on NETLINK_ROUTE sockets:
 *
 * - recvmsg() fails with ENOBUFS, as a kernel whose socket buffer
 *   overflowed does, so the tests can check that every lost event, and
 *   every dump that fails because of one, leads to a full resync. While
 *   the file NLFAULT_FILE exists, every NLFAULT_EVERY-th such call
 *   (default 3) fails.
 * - The kernel refuses a request: with NLFAULT_REFUSE_TABLE=T, an
 *   RTM_NEWRULE for table T (rtm table or FRA_TABLE) sent with send(),
 *   sendto() or sendmsg() goes out with an address family no rule code
 *   knows, and the kernel itself answers with an error ACK
 *   (EAFNOSUPPORT). With NLFAULT_REFUSE_FILE set, only while that file
 *   exists.
 *
 * Otherwise, and on other sockets, nothing changes.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>
#include <linux/fib_rules.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#define NO_FAMILY	99	/* no rule code's: EAFNOSUPPORT */

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

/* The table of the RTM_NEWRULE nlh, or 0: not one. */
static uint32_t
rule_table(const struct nlmsghdr *nlh)
{
	const struct fib_rule_hdr *frh = NLMSG_DATA(nlh);
	const struct rtattr *rta;
	uint32_t table;
	int len;

	if (nlh->nlmsg_type != RTM_NEWRULE ||
	    nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*frh)))
		return 0;
	table = frh->table;
	len = (int)(nlh->nlmsg_len - NLMSG_LENGTH(sizeof(*frh)));
	rta = (const struct rtattr *)((const char *)frh +
	    NLMSG_ALIGN(sizeof(*frh)));
	for (; RTA_OK(rta, len); rta = RTA_NEXT(rta, len))
		if (rta->rta_type == FRA_TABLE &&
		    RTA_PAYLOAD(rta) >= sizeof(table))
			memcpy(&table, RTA_DATA(rta), sizeof(table));
	return table;
}

/* Mark the rules to refuse in buf (a copy the caller sends); the number
 * marked. */
static int
refuse(void *buf, size_t len, uint32_t table)
{
	struct nlmsghdr *nlh;
	unsigned int left = (unsigned int)len;
	int n = 0;

	for (nlh = buf; NLMSG_OK(nlh, left); nlh = NLMSG_NEXT(nlh, left))
		if (rule_table(nlh) == table) {
			((struct fib_rule_hdr *)NLMSG_DATA(nlh))->family =
			    NO_FAMILY;
			n++;
		}
	return n;
}

/* A copy of the iovecs of msg with the rules to refuse marked, or NULL:
 * nothing to refuse (send as it is). */
static void *
refused_copy(int fd, const struct iovec *iov, size_t iovlen, size_t *len)
{
	const char *file = getenv("NLFAULT_REFUSE_FILE");
	uint32_t table = (uint32_t)env("NLFAULT_REFUSE_TABLE", 0);
	char *buf;
	size_t i;

	if (table == 0 || (file != NULL && access(file, F_OK) != 0) ||
	    !is_route_netlink(fd))
		return NULL;
	for (*len = 0, i = 0; i < iovlen; i++)
		*len += iov[i].iov_len;
	if ((buf = malloc(*len ? *len : 1)) == NULL)
		return NULL;
	for (*len = 0, i = 0; i < iovlen; i++) {
		memcpy(buf + *len, iov[i].iov_base, iov[i].iov_len);
		*len += iov[i].iov_len;
	}
	if (refuse(buf, *len, table) == 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

ssize_t
sendmsg(int fd, const struct msghdr *msg, int flags)
{
	static ssize_t (*real)(int, const struct msghdr *, int);
	struct msghdr m;
	struct iovec iov;
	ssize_t rc;
	int saved;

	if (real == NULL)
		real = (ssize_t (*)(int, const struct msghdr *, int))dlsym(
		    RTLD_NEXT, "sendmsg");
	m = *msg;
	if ((iov.iov_base = refused_copy(fd, msg->msg_iov, msg->msg_iovlen,
	    &iov.iov_len)) == NULL)
		return real(fd, msg, flags);
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	rc = real(fd, &m, flags);
	saved = errno;
	free(iov.iov_base);
	errno = saved;
	return rc;
}

ssize_t
sendto(int fd, const void *buf, size_t len, int flags,
    const struct sockaddr *to, socklen_t tolen)
{
	static ssize_t (*real)(int, const void *, size_t, int,
	    const struct sockaddr *, socklen_t);
	struct iovec iov = { (void *)(uintptr_t)buf, len };
	void *copy;
	size_t n;
	ssize_t rc;
	int saved;

	if (real == NULL)
		real = (ssize_t (*)(int, const void *, size_t, int,
		    const struct sockaddr *, socklen_t))dlsym(RTLD_NEXT,
		    "sendto");
	if ((copy = refused_copy(fd, &iov, 1, &n)) == NULL)
		return real(fd, buf, len, flags, to, tolen);
	rc = real(fd, copy, n, flags, to, tolen);
	saved = errno;
	free(copy);
	errno = saved;
	return rc;
}

ssize_t
send(int fd, const void *buf, size_t len, int flags)
{
	return sendto(fd, buf, len, flags, NULL, 0);
}
