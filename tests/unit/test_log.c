/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of log_escape (log.c): a table of untrusted strings (hook
 * output, control requests) and the text each may put in a log line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "log.h"

struct esc_case {
	const char *name;
	const char *in;
	size_t len;		/* 0: strlen(in) */
	size_t size;		/* of the output buffer */
	const char *out;
};

static const struct esc_case cases[] = {
	{ "plain", "link isp1 up", 0, 64, "link isp1 up" },
	{ "empty", "", 0, 8, "" },
	{ "newline forges no line", "ok\n<3>link isp1: up -> down", 0, 64,
	    "ok\\x0a<3>link isp1: up -> down" },
	{ "carriage return", "a\rb", 0, 16, "a\\x0db" },
	{ "terminal escape", "\x1b[2J", 0, 16, "\\x1b[2J" },
	{ "delete", "a\x7f", 0, 16, "a\\x7f" },
	{ "tab", "a\tb", 0, 16, "a\\x09b" },
	{ "backslash doubled", "a\\x0a", 0, 16, "a\\\\x0a" },
	{ "nul inside", "a\0b", 3, 16, "a\\x00b" },
	{ "utf-8 passes", "d\xc3\xa9j\xc3\xa0", 0, 16, "d\xc3\xa9j\xc3\xa0" },
	{ "truncated whole", "abcdef", 0, 4, "abc" },
	{ "escape not cut", "ab\n", 0, 6, "ab" },
	{ "escape fits", "ab\n", 0, 7, "ab\\x0a" },
	{ "size one", "abc", 0, 1, "" },
};

static void
test_escape(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct esc_case *c = &cases[i];
		char out[128];
		size_t n;

		memset(out, 'X', sizeof(out));
		n = log_escape(c->in, c->len ? c->len : strlen(c->in), out,
		    c->size);
		if (strcmp(out, c->out) != 0 || n != strlen(c->out))
			fail_msg("%s: got \"%s\" (%zu), want \"%s\"", c->name,
			    out, n, c->out);
		assert_true(n < c->size);
		assert_int_equal(out[c->size], 'X');	/* nothing past size */
	}
}

static void
test_escape_size_zero(void **state)
{
	char out[1] = { 'X' };

	(void)state;
	assert_int_equal(log_escape("abc", 3, out, 0), 0);
	assert_int_equal(out[0], 'X');
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_escape_size_zero),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
