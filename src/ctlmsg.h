/* SPDX-License-Identifier: ISC */
/*
 * The control protocol between uplinkctl and uplinkd: one JSON object per
 * line, at most CTLMSG_MAX bytes per request. A request is {"cmd":NAME}
 * plus "link" for the commands that name a link; a response is
 * {"ok":true,...} or {"ok":false,"error":TEXT}. After a successful
 * "watch" the server streams {"event":{...}} and {"rates":{...}} lines.
 * Pure: parsing and building only, no I/O; the parser is what the daemon
 * runs on untrusted bytes, so it is fuzzed (tests/fuzz/fuzz_ctlmsg.c).
 */
#ifndef UPLINKD_CTLMSG_H
#define UPLINKD_CTLMSG_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "conf.h"

#define CTLMSG_MAX		4096	/* bytes of one request, '\n' excluded */
#define CTLMSG_ERROR_MAX	128

enum ctl_cmd {
	CTL_STATUS,		/* [link]: the status JSON */
	CTL_METRICS,		/* Prometheus text in "metrics" */
	CTL_RELOAD,		/* re-read the config */
	CTL_DRAIN,		/* link: no new connections */
	CTL_UNDRAIN,		/* link */
	CTL_WATCH,		/* stream events and rates */
	CTL_EXEC_INFO,		/* link: what `uplinkctl exec` needs */
	CTL_HA,			/* role: master, backup or fault (from
				 * keepalived's notify script) */
};

enum ctl_access {
	CTL_ACCESS_READ_ONLY,	/* the socket's group may ask */
	CTL_ACCESS_CHANGING,	/* root only (exec-info too) */
};

struct ctl_request {
	enum ctl_cmd cmd;
	char link[CONF_NAME_MAX];	/* "" when the request names none */
	char role[16];			/* CTL_HA: "master", "backup", "fault" */
	char error[CTLMSG_ERROR_MAX];	/* why ctlmsg_parse failed */
};

/*
 * Parse one request line of len bytes (no '\n'; a trailing '\r' is
 * allowed; need not be NUL-terminated). Returns 0, or -E2BIG (longer than
 * CTLMSG_MAX), -EINVAL (not JSON, not an object, unknown member, wrong
 * type, missing or invalid link, duplicate member) or -ENOTSUP (unknown
 * cmd), with out->error set to a message for the client.
 */
int ctlmsg_parse(const char *line, size_t len, struct ctl_request *out);

const char *ctlmsg_cmd_name(enum ctl_cmd cmd);
enum ctl_access ctlmsg_access(enum ctl_cmd cmd);
/* May a peer with this uid run cmd? Changing commands need uid 0. */
bool ctlmsg_allowed(enum ctl_cmd cmd, uid_t uid);
/* A link name as the protocol accepts it: 1..CONF_NAME_MAX-1 bytes of
 * [A-Za-z0-9_.-], not starting with '.' (it names a cgroup directory). */
bool ctlmsg_valid_link(const char *s);

/* Builders; each returns a new reference, or NULL when out of memory. */
json_t *ctlmsg_request(enum ctl_cmd cmd, const char *link /* or NULL;
    CTL_HA: the role */);
json_t *ctlmsg_ok(void);			/* {"ok":true} */
json_t *ctlmsg_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));	/* {"ok":false,"error":..} */

/* msg as one compact line ending in '\n', malloc'd (free it), its length
 * in *len; NULL with errno set on failure. */
char *ctlmsg_dump(const json_t *msg, size_t *len);

/*
 * Client side: parse a response line. Returns 0 with *out (new reference)
 * when "ok" is true; -EREMOTEIO when "ok" is false, with *out set and
 * *error pointing into it (the daemon's message, valid while *out is);
 * -EPROTO when the line is not a response object (*out untouched).
 */
int ctlmsg_parse_response(const char *line, size_t len, json_t **out,
    const char **error);

#endif
