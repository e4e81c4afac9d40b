/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for ha.c: role names both ways, the track value of the
 * links' states (table-driven), and the track file's atomic write.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "ha.h"

static void
test_roles(void **state)
{
	enum ha_role r = HA_ROLE_NONE;

	(void)state;
	assert_int_equal(ha_role_parse("master", &r), 0);
	assert_int_equal(r, HA_ROLE_MASTER);
	assert_int_equal(ha_role_parse("backup", &r), 0);
	assert_int_equal(r, HA_ROLE_BACKUP);
	assert_int_equal(ha_role_parse("fault", &r), 0);
	assert_int_equal(r, HA_ROLE_FAULT);
	assert_int_equal(ha_role_parse("none", &r), -EINVAL);
	assert_int_equal(ha_role_parse("MASTER", &r), -EINVAL);
	assert_int_equal(ha_role_parse("", &r), -EINVAL);
	assert_int_equal(r, HA_ROLE_FAULT);
	assert_string_equal(ha_role_name(HA_ROLE_NONE), "none");
	assert_string_equal(ha_role_name(HA_ROLE_MASTER), "master");
	assert_string_equal(ha_role_name(HA_ROLE_BACKUP), "backup");
	assert_string_equal(ha_role_name(HA_ROLE_FAULT), "fault");
}

static const struct {
	const char *name;
	enum health_state st[4];
	unsigned int n;
	int want;
} track_cases[] = {
	{ "no link in use", { HEALTH_DOWN }, 0, 0 },
	{ "one down", { HEALTH_DOWN }, 1, 1 },
	{ "all down", { HEALTH_DOWN, HEALTH_DOWN, HEALTH_DOWN }, 3, 1 },
	{ "one up", { HEALTH_DOWN, HEALTH_UP, HEALTH_DOWN }, 3, 0 },
	{ "degraded works", { HEALTH_DOWN, HEALTH_DEGRADED }, 2, 0 },
	{ "not yet judged", { HEALTH_UNKNOWN, HEALTH_DOWN }, 2, 0 },
};

static void
test_track_value(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(track_cases) / sizeof(track_cases[0]); i++) {
		print_message("%s\n", track_cases[i].name);
		assert_int_equal(ha_track_value(track_cases[i].st,
		    track_cases[i].n), track_cases[i].want);
	}
}

static void
test_track_write(void **state)
{
	char dir[] = "/tmp/test-ha.XXXXXX", path[64], tmp[80], buf[8] = "";
	struct stat sb;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/ha-weight", dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	assert_int_equal(ha_track_write(path, 1), 0);
	assert_int_equal(ha_track_write(path, 0), 0);
	assert_non_null(f = fopen(path, "r"));
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	assert_string_equal(buf, "0\n");
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0644);
	assert_int_not_equal(stat(tmp, &sb), 0);	/* renamed away */
	unlink(path);
	rmdir(dir);
	snprintf(path, sizeof(path), "%s/ha-weight", dir);
	assert_int_equal(ha_track_write(path, 1), -ENOENT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roles),
		cmocka_unit_test(test_track_value),
		cmocka_unit_test(test_track_write),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
