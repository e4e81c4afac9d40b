/* SPDX-License-Identifier: ISC */
/*
 * Address and prefix parsing, printing and comparison. See addr.h.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "addr.h"

int
addr_parse(const char *s, struct addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, &a->u.v4) == 1) {
		a->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, &a->u.v6) == 1) {
		a->family = AF_INET6;
		return 0;
	}
	return -EINVAL;
}

int
prefix_parse(const char *s, struct prefix *p)
{
	char buf[PREFIX_STRLEN], *slash, *end;
	unsigned long len;

	memset(p, 0, sizeof(*p));
	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = '\0';
	if (addr_parse(buf, &p->addr) < 0)
		return -EINVAL;
	if (!slash) {
		p->len = addr_len(&p->addr) * 8;
		return 0;
	}
	if (*slash == '\0' || *slash == '-' || *slash == '+')
		return -EINVAL;
	errno = 0;
	len = strtoul(slash, &end, 10);
	if (errno || *end || len > addr_len(&p->addr) * 8)
		return -EINVAL;
	p->len = len;
	return 0;
}

const char *
addr_str(const struct addr *a, char *buf)
{
	if (!a->family || !inet_ntop(a->family, a->u.b, buf, ADDR_STRLEN))
		strcpy(buf, "none");
	return buf;
}

const char *
prefix_str(const struct prefix *p, char *buf)
{
	char a[ADDR_STRLEN];

	snprintf(buf, PREFIX_STRLEN, "%s/%u", addr_str(&p->addr, a), p->len);
	return buf;
}

bool
addr_is_set(const struct addr *a)
{
	return a->family != AF_UNSPEC;
}

size_t
addr_len(const struct addr *a)
{
	switch (a->family) {
	case AF_INET:
		return 4;
	case AF_INET6:
		return 16;
	}
	return 0;
}

int
addr_cmp(const struct addr *a, const struct addr *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	return memcmp(a->u.b, b->u.b, addr_len(a));
}

bool
addr_eq(const struct addr *a, const struct addr *b)
{
	return addr_cmp(a, b) == 0;
}

bool
prefix_eq(const struct prefix *a, const struct prefix *b)
{
	return a->len == b->len && addr_eq(&a->addr, &b->addr);
}

bool
prefix_contains(const struct prefix *p, const struct addr *a)
{
	unsigned int full = p->len / 8, rest = p->len % 8;

	if (p->addr.family != a->family)
		return false;
	if (memcmp(p->addr.u.b, a->u.b, full))
		return false;
	if (rest) {
		uint8_t m = 0xff << (8 - rest);
		if ((p->addr.u.b[full] & m) != (a->u.b[full] & m))
			return false;
	}
	return true;
}

void
prefix_mask(struct prefix *p)
{
	size_t n = addr_len(&p->addr);
	unsigned int i;

	for (i = 0; i < n; i++) {
		unsigned int bit = i * 8;
		if (bit >= p->len)
			p->addr.u.b[i] = 0;
		else if (p->len - bit < 8)
			p->addr.u.b[i] &= 0xff << (8 - (p->len - bit));
	}
}

void
addr_from_bytes(struct addr *a, int family, const void *b)
{
	memset(a, 0, sizeof(*a));
	a->family = family;
	memcpy(a->u.b, b, family == AF_INET ? 4 : 16);
}

bool
addr_is_linklocal6(const struct addr *a)
{
	return a->family == AF_INET6 && a->u.b[0] == 0xfe &&
	    (a->u.b[1] & 0xc0) == 0x80;
}
