/* SPDX-License-Identifier: ISC */
/*
 * The golden-file comparison and file reading every unit test shares. See
 * testutil.h.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testutil.h"

char *
testutil_read(const char *path)
{
	FILE *f;
	char *buf;
	long n;

	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0) {
		fclose(f);
		return NULL;
	}
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	if (buf != NULL && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

void
testutil_golden(const char *path, const char *got)
{
	char *want;
	FILE *f;

	if (getenv("UPDATE_GOLDEN") != NULL) {
		f = fopen(path, "w");
		if (f == NULL)
			fail_msg("%s: cannot write", path);
		fputs(got, f);
		assert_int_equal(fclose(f), 0);
	}
	want = testutil_read(path);
	if (want == NULL)
		fail_msg("%s: missing; run with UPDATE_GOLDEN=1", path);
	if (strcmp(want, got) != 0)
		fail_msg("%s differs from what the test made:\n%s", path, got);
	free(want);
}
