/* SPDX-License-Identifier: ISC */
/*
 * Helpers shared by the unit tests (include after cmocka.h): a file read
 * whole, a comparison with a golden file (UPDATE_GOLDEN=1 rewrites it), and
 * an address or prefix from text, asserting that it parses. testutil.c is
 * linked into every test; the address helpers are inline, so a test that
 * does not link addr.c need not use them.
 */
#ifndef UPLINKD_TESTUTIL_H
#define UPLINKD_TESTUTIL_H

#include "addr.h"

/* SRCDIR is the source tree (meson passes it); golden data lives below. */
#ifndef SRCDIR
#define SRCDIR "."
#endif

/* The whole of path, NUL-terminated (caller frees); NULL if unreadable. */
char *testutil_read(const char *path);

/*
 * Fails the test unless got equals the golden file path byte for byte
 * (build path from SRCDIR); with UPDATE_GOLDEN set in the environment it
 * writes got there first.
 */
void testutil_golden(const char *path, const char *got);

static inline struct addr
A(const char *s)
{
	struct addr a;

	assert_int_equal(addr_parse(s, &a), 0);
	return a;
}

static inline struct prefix
P(const char *s)
{
	struct prefix p;

	assert_int_equal(prefix_parse(s, &p), 0);
	return p;
}

/* *a = A(s), *p = P(s): left untouched when s is NULL (an optional field). */
static inline void
set_addr(struct addr *a, const char *s)
{
	if (s != NULL)
		*a = A(s);
}

static inline void
set_prefix(struct prefix *p, const char *s)
{
	if (s != NULL)
		*p = P(s);
}

#endif
