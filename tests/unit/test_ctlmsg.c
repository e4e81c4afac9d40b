/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of the control protocol (ctlmsg.c): a table of request lines,
 * good and hostile, with the result each must give; the access rules; and
 * the response builders and client-side response parser.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ctlmsg.h"

struct parse_case {
	const char *name;
	const char *line;
	int rc;
	enum ctl_cmd cmd;
	const char *link;
	const char *error;	/* substring of the error, when rc < 0 */
};

static const struct parse_case parse_cases[] = {
	{ "status", "{\"cmd\":\"status\"}", 0, CTL_STATUS, "", NULL },
	{ "status link", "{\"cmd\":\"status\",\"link\":\"isp1\"}", 0,
	    CTL_STATUS, "isp1", NULL },
	{ "link first", "{\"link\":\"isp_2.a-b\",\"cmd\":\"status\"}", 0,
	    CTL_STATUS, "isp_2.a-b", NULL },
	{ "whitespace", "  { \"cmd\" : \"metrics\" }  ", 0, CTL_METRICS, "",
	    NULL },
	{ "crlf", "{\"cmd\":\"metrics\"}\r", 0, CTL_METRICS, "", NULL },
	{ "reload", "{\"cmd\":\"reload\"}", 0, CTL_RELOAD, "", NULL },
	{ "drain", "{\"cmd\":\"drain\",\"link\":\"x\"}", 0, CTL_DRAIN, "x",
	    NULL },
	{ "undrain", "{\"cmd\":\"undrain\",\"link\":\"x\"}", 0, CTL_UNDRAIN,
	    "x", NULL },
	{ "watch", "{\"cmd\":\"watch\"}", 0, CTL_WATCH, "", NULL },
	{ "ha", "{\"cmd\":\"ha\",\"role\":\"backup\"}", 0, CTL_HA, "",
	    NULL },
	{ "ha without role", "{\"cmd\":\"ha\"}", -EINVAL, 0, "",
	    "needs a role" },
	{ "ha bad role", "{\"cmd\":\"ha\",\"role\":\"boss\"}", -EINVAL, 0,
	    "", "must be master, backup or fault" },
	{ "ha role number", "{\"cmd\":\"ha\",\"role\":1}", -EINVAL, 0, "",
	    "must be master, backup or fault" },
	{ "role on status", "{\"cmd\":\"status\",\"role\":\"master\"}",
	    -EINVAL, 0, "", "takes no role" },
	{ "exec-info", "{\"cmd\":\"exec-info\",\"link\":\"isp1\"}", 0,
	    CTL_EXEC_INFO, "isp1", NULL },
	{ "escaped cmd", "{\"cmd\":\"st\\u0061tus\"}", 0, CTL_STATUS, "",
	    NULL },

	{ "empty", "", -EINVAL, 0, "", "not JSON" },
	{ "not json", "status", -EINVAL, 0, "", "not JSON" },
	{ "truncated", "{\"cmd\":\"status\"", -EINVAL, 0, "", "not JSON" },
	{ "trailing garbage", "{\"cmd\":\"status\"} x", -EINVAL, 0, "",
	    "not JSON" },
	{ "two objects", "{\"cmd\":\"status\"}{\"cmd\":\"reload\"}", -EINVAL,
	    0, "", "not JSON" },
	{ "array", "[\"status\"]", -EINVAL, 0, "", "not a JSON object" },
	{ "string", "\"status\"", -EINVAL, 0, "", NULL },
	{ "number", "42", -EINVAL, 0, "", NULL },
	{ "null", "null", -EINVAL, 0, "", NULL },
	{ "no cmd", "{}", -EINVAL, 0, "", "missing \"cmd\"" },
	{ "cmd number", "{\"cmd\":1}", -EINVAL, 0, "", "must be a string" },
	{ "cmd null", "{\"cmd\":null}", -EINVAL, 0, "", "must be a string" },
	{ "cmd object", "{\"cmd\":{\"a\":1}}", -EINVAL, 0, "",
	    "must be a string" },
	{ "unknown cmd", "{\"cmd\":\"reboot\"}", -ENOTSUP, 0, "",
	    "unknown command" },
	{ "cmd case", "{\"cmd\":\"STATUS\"}", -ENOTSUP, 0, "",
	    "unknown command" },
	{ "cmd prefix", "{\"cmd\":\"stat\"}", -ENOTSUP, 0, "",
	    "unknown command" },
	{ "cmd with nul", "{\"cmd\":\"status\\u0000x\"}", -EINVAL, 0, "",
	    "not JSON" },
	{ "duplicate cmd", "{\"cmd\":\"status\",\"cmd\":\"reload\"}",
	    -EINVAL, 0, "", "not JSON" },
	{ "unknown member", "{\"cmd\":\"status\",\"force\":true}", -EINVAL,
	    0, "", "unknown member" },
	{ "link number", "{\"cmd\":\"drain\",\"link\":7}", -EINVAL, 0, "",
	    "must be a string" },
	{ "link array", "{\"cmd\":\"drain\",\"link\":[\"x\"]}", -EINVAL, 0,
	    "", "must be a string" },
	{ "link empty", "{\"cmd\":\"drain\",\"link\":\"\"}", -EINVAL, 0, "",
	    "invalid link" },
	{ "link slash", "{\"cmd\":\"exec-info\",\"link\":\"../etc\"}",
	    -EINVAL, 0, "", "invalid link" },
	{ "link space", "{\"cmd\":\"drain\",\"link\":\"a b\"}", -EINVAL, 0,
	    "", "invalid link" },
	{ "link newline", "{\"cmd\":\"drain\",\"link\":\"a\\nb\"}", -EINVAL,
	    0, "", "invalid link" },
	{ "link too long", "{\"cmd\":\"drain\",\"link\":"
	    "\"abcdefghijklmnopqrstuvwxyz0123456\"}", -EINVAL, 0, "",
	    "invalid link" },
	{ "drain without link", "{\"cmd\":\"drain\"}", -EINVAL, 0, "",
	    "needs a link" },
	{ "exec-info without link", "{\"cmd\":\"exec-info\"}", -EINVAL, 0,
	    "", "needs a link" },
	{ "reload with link", "{\"cmd\":\"reload\",\"link\":\"x\"}", -EINVAL,
	    0, "", "takes no link" },
	{ "watch with link", "{\"cmd\":\"watch\",\"link\":\"x\"}", -EINVAL,
	    0, "", "takes no link" },
	{ "invalid utf-8", "{\"cmd\":\"status\",\"link\":\"\xff\"}", -EINVAL,
	    0, "", "not JSON" },
};

static void
test_parse_table(void **state)
{
	struct ctl_request req;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		const struct parse_case *c = &parse_cases[i];

		rc = ctlmsg_parse(c->line, strlen(c->line), &req);
		if (rc != c->rc)
			fail_msg("%s: rc %d, want %d (%s)", c->name, rc, c->rc,
			    req.error);
		if (rc == 0) {
			if (req.cmd != c->cmd)
				fail_msg("%s: cmd %d, want %d", c->name,
				    req.cmd, c->cmd);
			if (strcmp(req.link, c->link) != 0)
				fail_msg("%s: link '%s', want '%s'", c->name,
				    req.link, c->link);
		} else {
			if (req.error[0] == '\0')
				fail_msg("%s: no error text", c->name);
			if (c->error && !strstr(req.error, c->error))
				fail_msg("%s: error '%s', want '%s'", c->name,
				    req.error, c->error);
			assert_string_equal(req.link, "");
		}
	}
}

/* The parser honours len and needs no NUL terminator. */
static void
test_parse_not_terminated(void **state)
{
	const char line[] = "{\"cmd\":\"watch\"}GARBAGE";
	struct ctl_request req;
	char *exact;
	size_t n = strlen("{\"cmd\":\"watch\"}");

	assert_int_equal(ctlmsg_parse(line, n, &req), 0);
	assert_int_equal(req.cmd, CTL_WATCH);
	/* an exact-size copy, so an overread would be a sanitizer error */
	exact = malloc(n);
	assert_non_null(exact);
	memcpy(exact, line, n);
	assert_int_equal(ctlmsg_parse(exact, n, &req), 0);
	free(exact);
	/* a raw NUL byte inside the line */
	assert_int_equal(ctlmsg_parse("{\"cmd\":\0\"watch\"}", 16, &req),
	    -EINVAL);
}

static void
test_parse_size(void **state)
{
	struct ctl_request req;
	char *buf = malloc(CTLMSG_MAX + 2);
	size_t pre = strlen("{\"cmd\":\"status\"}");

	assert_non_null(buf);
	/* exactly CTLMSG_MAX bytes: padding spaces, still valid */
	memcpy(buf, "{\"cmd\":\"status\"}", pre);
	memset(buf + pre, ' ', CTLMSG_MAX - pre);
	assert_int_equal(ctlmsg_parse(buf, CTLMSG_MAX, &req), 0);
	/* one more byte: refused before parsing */
	buf[CTLMSG_MAX] = ' ';
	assert_int_equal(ctlmsg_parse(buf, CTLMSG_MAX + 1, &req), -E2BIG);
	assert_non_null(strstr(req.error, "4096"));
	/* deep nesting within the limit is an error, not a crash */
	memset(buf, '[', CTLMSG_MAX);
	assert_int_equal(ctlmsg_parse(buf, CTLMSG_MAX, &req), -EINVAL);
	free(buf);
}

static void
test_access(void **state)
{
	static const struct {
		enum ctl_cmd cmd;
		enum ctl_access access;
	} cases[] = {
		{ CTL_STATUS, CTL_ACCESS_READ_ONLY },
		{ CTL_METRICS, CTL_ACCESS_READ_ONLY },
		{ CTL_WATCH, CTL_ACCESS_READ_ONLY },
		{ CTL_EXEC_INFO, CTL_ACCESS_CHANGING },	/* exec: root */
		{ CTL_RELOAD, CTL_ACCESS_CHANGING },
		{ CTL_DRAIN, CTL_ACCESS_CHANGING },
		{ CTL_UNDRAIN, CTL_ACCESS_CHANGING },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool changing = cases[i].access == CTL_ACCESS_CHANGING;

		assert_int_equal(ctlmsg_access(cases[i].cmd),
		    cases[i].access);
		assert_true(ctlmsg_allowed(cases[i].cmd, 0));
		assert_int_equal(ctlmsg_allowed(cases[i].cmd, 1000),
		    !changing);
		assert_int_equal(ctlmsg_allowed(cases[i].cmd, 65534),
		    !changing);
	}
}

/* What the client builds, the server parses back to the same request. */
static void
test_request_roundtrip(void **state)
{
	static const enum ctl_cmd cmds[] = { CTL_STATUS, CTL_METRICS,
	    CTL_RELOAD, CTL_DRAIN, CTL_UNDRAIN, CTL_WATCH, CTL_EXEC_INFO };
	struct ctl_request req;
	size_t i, len;
	char *s;

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		bool link = cmds[i] == CTL_DRAIN || cmds[i] == CTL_UNDRAIN ||
		    cmds[i] == CTL_EXEC_INFO;
		json_t *r = ctlmsg_request(cmds[i], link ? "isp1" : NULL);

		assert_non_null(r);
		s = ctlmsg_dump(r, &len);
		json_decref(r);
		assert_non_null(s);
		assert_int_equal(s[len - 1], '\n');
		assert_null(memchr(s, '\n', len - 1));
		assert_int_equal(ctlmsg_parse(s, len - 1, &req), 0);
		assert_int_equal(req.cmd, cmds[i]);
		assert_string_equal(req.link, link ? "isp1" : "");
		free(s);
	}
}

static void
test_responses(void **state)
{
	const char *error;
	json_t *r, *out;
	size_t len;
	char *s;

	r = ctlmsg_ok();
	s = ctlmsg_dump(r, &len);
	json_decref(r);
	assert_string_equal(s, "{\"ok\":true}\n");
	assert_int_equal(ctlmsg_parse_response(s, len, &out, &error), 0);
	assert_null(error);
	json_decref(out);
	free(s);

	/* an error with a newline stays one line */
	r = ctlmsg_error("conf:%d: bad\nconf:%d: worse", 3, 4);
	s = ctlmsg_dump(r, &len);
	json_decref(r);
	assert_string_equal(s, "{\"ok\":false,\"error\":"
	    "\"conf:3: bad\\nconf:4: worse\"}\n");
	assert_int_equal(ctlmsg_parse_response(s, len, &out, &error),
	    -EREMOTEIO);
	assert_string_equal(error, "conf:3: bad\nconf:4: worse");
	json_decref(out);
	free(s);

	assert_int_equal(ctlmsg_parse_response("{\"ok\":1}", 8, &out,
	    &error), -EPROTO);
	assert_int_equal(ctlmsg_parse_response("nope", 4, &out, &error),
	    -EPROTO);
	assert_int_equal(ctlmsg_parse_response("{\"ok\":false}", 12, &out,
	    &error), -EREMOTEIO);
	assert_string_equal(error, "unspecified error");
	json_decref(out);
}

static void
test_valid_link(void **state)
{
	assert_true(ctlmsg_valid_link("a"));
	assert_true(ctlmsg_valid_link("isp-1.b_c"));
	assert_true(ctlmsg_valid_link("abcdefghijklmnopqrstuvwxyz01234"));
	assert_false(ctlmsg_valid_link("abcdefghijklmnopqrstuvwxyz012345"));
	assert_false(ctlmsg_valid_link(""));
	assert_false(ctlmsg_valid_link("a/b"));
	assert_false(ctlmsg_valid_link(".."));
	assert_false(ctlmsg_valid_link(".hidden"));
	assert_false(ctlmsg_valid_link("a\"b"));
	assert_false(ctlmsg_valid_link("\xc3\xa9"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test(test_parse_not_terminated),
		cmocka_unit_test(test_parse_size),
		cmocka_unit_test(test_access),
		cmocka_unit_test(test_request_roundtrip),
		cmocka_unit_test(test_responses),
		cmocka_unit_test(test_valid_link),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
