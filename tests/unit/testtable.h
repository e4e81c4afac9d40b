/* SPDX-License-Identifier: ISC */
/*
 * Table-driven cmocka tests (after cmocka.h): TABLE adds one test per
 * element of a static array of cases, each named by its `name` member and
 * given the element as its initial state. Header only.
 */
#ifndef UPLINKD_TESTTABLE_H
#define UPLINKD_TESTTABLE_H

#include <stddef.h>

#define TABLE_NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Append to tests[n...] (struct CMUnitTest) one test fn per arr[i]. */
#define TABLE(tests, n, arr, fn) do {					\
	size_t i_;							\
	for (i_ = 0; i_ < TABLE_NELEM(arr); i_++) {			\
		tests[n].name = arr[i_].name;				\
		tests[n].test_func = fn;				\
		tests[n].setup_func = tests[n].teardown_func = NULL;	\
		tests[n].initial_state = (void *)&arr[i_];		\
		n++;							\
	}								\
} while (0)

#endif
