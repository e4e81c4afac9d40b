/* SPDX-License-Identifier: ISC */
/*
 * sysctl: which of the plan's sysctls need writing (pure), and reading a
 * value back without its newline (from a /proc/sys file every Linux has;
 * no root, nothing written).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sysctl.h"

static void
test_needs_write(void **state)
{
	static const struct {
		const char *name;
		int read_rc;
		const char *cur, *want;
		bool write;
	} cases[] = {
		{ "same value", 0, "1", "1", false },
		{ "other value", 0, "0", "1", true },
		{ "prefix of it", 0, "1", "12", true },
		{ "unreadable", -ENOENT, "", "1", true },
		{ "unreadable, same text", -EACCES, "1", "1", true },
	};
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		print_message("%s\n", cases[i].name);
		assert_int_equal(sysctl_needs_write(cases[i].read_rc,
		    cases[i].cur, cases[i].want), cases[i].write);
	}
}

static void
test_read(void **state)
{
	char buf[64], longpath[256];

	(void)state;
	assert_int_equal(sysctl_read("kernel/ostype", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "Linux");	/* no trailing newline */
	assert_int_equal(sysctl_read("kernel/ostype", buf, 3), 0);
	assert_string_equal(buf, "Li");		/* cut to the buffer */
	assert_int_equal(sysctl_read("net/ipv4/no_such_sysctl", buf,
	    sizeof(buf)), -ENOENT);
	memset(longpath, 'a', sizeof(longpath) - 1);
	longpath[sizeof(longpath) - 1] = '\0';
	assert_int_equal(sysctl_read(longpath, buf, sizeof(buf)),
	    -ENAMETOOLONG);
	assert_int_equal(sysctl_write(longpath, "1"), -ENAMETOOLONG);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_needs_write),
		cmocka_unit_test(test_read),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
