/* SPDX-License-Identifier: ISC */
/*
 * Parsed IPv4/IPv6 addresses and prefixes: the model never holds addresses
 * as strings. Pure; no I/O.
 */
#ifndef UPLINKD_ADDR_H
#define UPLINKD_ADDR_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>

#define ADDR_STRLEN 46		/* INET6_ADDRSTRLEN */
#define PREFIX_STRLEN 50

/* family is AF_UNSPEC (unset), AF_INET or AF_INET6. */
struct addr {
	uint8_t family;
	union {
		struct in_addr v4;
		struct in6_addr v6;
		uint8_t b[16];
	} u;
};

struct prefix {
	struct addr addr;
	uint8_t len;
};

int addr_parse(const char *s, struct addr *a);		/* 0 or -EINVAL */
int prefix_parse(const char *s, struct prefix *p);	/* "a/len" or "a" */
const char *addr_str(const struct addr *a, char *buf);	/* buf[ADDR_STRLEN] */
const char *prefix_str(const struct prefix *p, char *buf); /* buf[PREFIX_STRLEN] */
bool addr_is_set(const struct addr *a);
bool addr_eq(const struct addr *a, const struct addr *b);
int addr_cmp(const struct addr *a, const struct addr *b);
bool prefix_eq(const struct prefix *a, const struct prefix *b);
bool prefix_contains(const struct prefix *p, const struct addr *a);
void prefix_mask(struct prefix *p);	/* clear host bits */
size_t addr_len(const struct addr *a);	/* 4, 16 or 0 */
void addr_from_bytes(struct addr *a, int family, const void *b);
bool addr_is_linklocal6(const struct addr *a);

#endif
