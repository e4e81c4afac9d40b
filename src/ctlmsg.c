/* SPDX-License-Identifier: ISC */
/*
 * The control protocol's requests and responses (see ctlmsg.h): a strict
 * parser for what clients send, which is untrusted, and the builders both
 * sides use. Pure; no I/O.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctlmsg.h"

enum link_arg {
	LINK_NONE,		/* the command takes no link */
	LINK_OPTIONAL,
	LINK_REQUIRED,
};

static const struct {
	const char *name;
	enum ctl_cmd cmd;
	enum link_arg link;
} cmds[] = {
	{ "status",	CTL_STATUS,	LINK_OPTIONAL },
	{ "metrics",	CTL_METRICS,	LINK_NONE },
	{ "reload",	CTL_RELOAD,	LINK_NONE },
	{ "drain",	CTL_DRAIN,	LINK_REQUIRED },
	{ "undrain",	CTL_UNDRAIN,	LINK_REQUIRED },
	{ "watch",	CTL_WATCH,	LINK_NONE },
	{ "exec-info",	CTL_EXEC_INFO,	LINK_REQUIRED },
	{ "ha",		CTL_HA,		LINK_NONE },
};

#define NCMDS	(sizeof(cmds) / sizeof(cmds[0]))

static int
fail(struct ctl_request *out, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
fail(struct ctl_request *out, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(out->error, sizeof(out->error), fmt, ap);
	va_end(ap);
	return rc;
}

bool
ctlmsg_valid_link(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n >= CONF_NAME_MAX || s[0] == '.')
		return false;
	for (i = 0; i < n; i++) {
		char ch = s[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '_' || ch == '-' ||
		    ch == '.'))
			return false;
	}
	return true;
}

static bool
valid_role(const char *s)
{
	return strcmp(s, "master") == 0 || strcmp(s, "backup") == 0 ||
	    strcmp(s, "fault") == 0;
}

/* One member of the request object: *name and *has_link say what it
 * held; the link and role are copied into out. */
static int
parse_member(struct ctl_request *out, const char *key, json_t *v,
    const char **name, bool *has_link)
{
	if (strcmp(key, "cmd") == 0) {
		if (!json_is_string(v))
			return fail(out, -EINVAL, "\"cmd\" must be a string");
		*name = json_string_value(v);
	} else if (strcmp(key, "link") == 0) {
		if (!json_is_string(v))
			return fail(out, -EINVAL,
			    "\"link\" must be a string");
		if (!ctlmsg_valid_link(json_string_value(v)))
			return fail(out, -EINVAL, "invalid link name");
		strcpy(out->link, json_string_value(v));
		*has_link = true;
	} else if (strcmp(key, "role") == 0) {
		if (!json_is_string(v) || !valid_role(json_string_value(v)))
			return fail(out, -EINVAL, "\"role\" must be "
			    "master, backup or fault");
		strcpy(out->role, json_string_value(v));
	} else
		return fail(out, -EINVAL, "unknown member \"%.32s\"", key);
	return 0;
}

/* The command named, and whether it got the link and role it takes. */
static int
check_cmd(struct ctl_request *out, const char *name, bool has_link)
{
	size_t i, k = NCMDS;

	if (!name)
		return fail(out, -EINVAL, "missing \"cmd\"");
	for (i = 0; i < NCMDS; i++)
		if (strcmp(cmds[i].name, name) == 0)
			k = i;
	if (k == NCMDS)
		return fail(out, -ENOTSUP, "unknown command \"%.32s\"", name);
	out->cmd = cmds[k].cmd;
	switch (cmds[k].link) {
	case LINK_NONE:
		if (has_link)
			return fail(out, -EINVAL, "%s takes no link",
			    cmds[k].name);
		break;
	case LINK_REQUIRED:
		if (!has_link)
			return fail(out, -EINVAL, "%s needs a link",
			    cmds[k].name);
		break;
	case LINK_OPTIONAL:
		break;
	}
	if ((out->cmd == CTL_HA) != (out->role[0] != '\0'))
		return fail(out, -EINVAL, out->role[0] ? "%s takes no role" :
		    "%s needs a role", cmds[k].name);
	return 0;
}

int
ctlmsg_parse(const char *line, size_t len, struct ctl_request *out)
{
	json_t *root = NULL, *v;
	json_error_t jerr;
	const char *key, *name = NULL;
	bool has_link = false;
	int rc;

	memset(out, 0, sizeof(*out));
	if (len > CTLMSG_MAX)
		return fail(out, -E2BIG, "request longer than %d bytes",
		    CTLMSG_MAX);
	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (memchr(line, '\0', len))
		return fail(out, -EINVAL, "request contains a NUL byte");
	root = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return fail(out, -EINVAL, "not JSON: %s", jerr.text);
	if (!json_is_object(root)) {
		rc = fail(out, -EINVAL, "request is not a JSON object");
		goto out;
	}
	json_object_foreach(root, key, v) {
		if ((rc = parse_member(out, key, v, &name, &has_link)) < 0)
			goto out;
	}
	rc = check_cmd(out, name, has_link);
out:
	json_decref(root);
	if (rc < 0)
		out->link[0] = out->role[0] = '\0';
	return rc;
}

const char *
ctlmsg_cmd_name(enum ctl_cmd cmd)
{
	size_t i;

	for (i = 0; i < NCMDS; i++)
		if (cmds[i].cmd == cmd)
			return cmds[i].name;
	return "?";
}

enum ctl_access
ctlmsg_access(enum ctl_cmd cmd)
{
	switch (cmd) {
	case CTL_STATUS:
	case CTL_METRICS:
	case CTL_WATCH:
		return CTL_ACCESS_READ_ONLY;
	case CTL_RELOAD:
	case CTL_DRAIN:
	case CTL_UNDRAIN:
	case CTL_HA:
	/* root's: the daemon makes the link's cgroup for it, and only root
	 * may move a process into that cgroup (uplinkctl exec) */
	case CTL_EXEC_INFO:
		return CTL_ACCESS_CHANGING;
	}
	return CTL_ACCESS_CHANGING;
}

bool
ctlmsg_allowed(enum ctl_cmd cmd, uid_t uid)
{
	switch (ctlmsg_access(cmd)) {
	case CTL_ACCESS_READ_ONLY:
		return true;
	case CTL_ACCESS_CHANGING:
		return uid == 0;
	}
	return false;
}

json_t *
ctlmsg_request(enum ctl_cmd cmd, const char *link)
{
	json_t *o;

	if (!(o = json_object()))
		return NULL;
	if (json_object_set_new(o, "cmd", json_string(ctlmsg_cmd_name(cmd)))
	    < 0 || (link && json_object_set_new(o, cmd == CTL_HA ? "role" :
	    "link", json_string(link)) < 0)) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *
ctlmsg_ok(void)
{
	return json_pack("{s:b}", "ok", 1);
}

json_t *
ctlmsg_error(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return json_pack("{s:b,s:s}", "ok", 0, "error", buf);
}

char *
ctlmsg_dump(const json_t *msg, size_t *len)
{
	char *s, *t;
	size_t n;

	/* JSON_COMPACT never emits a raw newline: strings escape it */
	s = json_dumps(msg, JSON_COMPACT | JSON_ENSURE_ASCII);
	if (!s) {
		errno = ENOMEM;
		return NULL;
	}
	n = strlen(s);
	if (!(t = realloc(s, n + 2))) {
		free(s);
		errno = ENOMEM;
		return NULL;
	}
	t[n] = '\n';
	t[n + 1] = '\0';
	*len = n + 1;
	return t;
}

int
ctlmsg_parse_response(const char *line, size_t len, json_t **out,
    const char **error)
{
	json_t *root, *ok, *err;
	json_error_t jerr;

	*error = NULL;
	if (len > 0 && line[len - 1] == '\n')
		len--;
	root = json_loadb(line, len, 0, &jerr);
	if (!root)
		return -EPROTO;
	ok = json_object_get(root, "ok");
	if (!json_is_boolean(ok)) {
		json_decref(root);
		return -EPROTO;
	}
	*out = root;
	if (json_is_true(ok))
		return 0;
	err = json_object_get(root, "error");
	*error = json_is_string(err) ? json_string_value(err) :
	    "unspecified error";
	return -EREMOTEIO;
}
