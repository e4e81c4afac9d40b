/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of the young connections per uplink (ctyoung.c): counted from
 * birth until their close, their destruction or CTYOUNG_MS, whichever
 * comes first; a close seen twice (the TIME_WAIT update, then the
 * DESTROY) counts once; unknown ids are ignored; past CTYOUNG_MAX the
 * oldest leave early; an id that recurs is a new connection.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "ctyoung.h"

static void
test_life(void **state)
{
	struct ctyoung *y = malloc(sizeof(*y));
	uint64_t gen;

	(void)state;
	assert_non_null(y);
	ctyoung_init(y);
	ctyoung_new(y, 11, 1, 1000);
	ctyoung_new(y, 12, 1, 1000);
	ctyoung_new(y, 21, 2, 2000);
	assert_int_equal(ctyoung_count(y, 1), 2);
	assert_int_equal(ctyoung_count(y, 2), 1);
	assert_int_equal(y->born, 3);
	/* closed (TIME_WAIT), then destroyed: once */
	ctyoung_end(y, 11);
	gen = y->gen;
	ctyoung_end(y, 11);
	ctyoung_end(y, 99);
	assert_int_equal(y->gen, gen);
	assert_int_equal(ctyoung_count(y, 1), 1);
	/* grown up: 12 at 1000 + CTYOUNG_MS, 21 a second later */
	ctyoung_expire(y, 1000 + CTYOUNG_MS - 1);
	assert_int_equal(ctyoung_count(y, 1), 1);
	ctyoung_expire(y, 1000 + CTYOUNG_MS);
	assert_int_equal(ctyoung_count(y, 1), 0);
	assert_int_equal(ctyoung_count(y, 2), 1);
	/* its end after it grew up changes nothing */
	gen = y->gen;
	ctyoung_end(y, 12);
	assert_int_equal(y->gen, gen);
	ctyoung_expire(y, 2000 + CTYOUNG_MS);
	assert_int_equal(ctyoung_count(y, 2), 0);
	assert_int_equal(y->len, 0);
	/* an id again: a new connection; slots past the end are slot 0 */
	ctyoung_new(y, 11, 1, 20000);
	ctyoung_new(y, 5, 999, 20000);
	assert_int_equal(ctyoung_count(y, 1), 1);
	assert_int_equal(ctyoung_count(y, 0), 1);
	assert_int_equal(ctyoung_count(y, 999), 0);
	ctyoung_end(y, 11);
	assert_int_equal(ctyoung_count(y, 1), 0);
	free(y);
}

static void
test_full(void **state)
{
	struct ctyoung *y = malloc(sizeof(*y));
	uint32_t i;

	(void)state;
	assert_non_null(y);
	ctyoung_init(y);
	/* more than it holds: the oldest leave, the rest stay findable */
	for (i = 0; i < CTYOUNG_MAX + 100; i++)
		ctyoung_new(y, i * CTYOUNG_MAX, i & 1, 5000);
	assert_int_equal(y->len, CTYOUNG_MAX);
	assert_int_equal(ctyoung_count(y, 0) + ctyoung_count(y, 1),
	    CTYOUNG_MAX);
	ctyoung_end(y, 0);			/* left already */
	assert_int_equal(ctyoung_count(y, 0) + ctyoung_count(y, 1),
	    CTYOUNG_MAX);
	for (i = 100; i < CTYOUNG_MAX + 100; i++)
		ctyoung_end(y, i * CTYOUNG_MAX);
	assert_int_equal(ctyoung_count(y, 0), 0);
	assert_int_equal(ctyoung_count(y, 1), 0);
	ctyoung_expire(y, 5000);		/* the dead leave */
	assert_int_equal(y->len, 0);
	free(y);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_life),
		cmocka_unit_test(test_full),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
