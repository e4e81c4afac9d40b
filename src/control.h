/* SPDX-License-Identifier: ISC */
/*
 * The daemon's control socket and optional HTTP metrics endpoint, both on
 * the daemon's sd-event loop. The socket speaks the line protocol of
 * ctlmsg.h; read-only requests are open to whoever can connect (mode 0660,
 * the configured group), changing ones to uid 0 only (SO_PEERCRED).
 * Clients are untrusted: requests are bounded (CTLMSG_MAX), writes never
 * block (a client whose unread output passes CONTROL_OUT_MAX is dropped),
 * idle clients are closed, and the number of clients is capped: per uid
 * other than root, and overall with room kept for root, so members of the
 * group cannot lock root's reload and drain out. A client refused for the
 * cap is answered with an error line before it is closed.
 */
#ifndef UPLINKD_CONTROL_H
#define UPLINKD_CONTROL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <systemd/sd-event.h>

#include "execcg.h"

#define CONTROL_CLIENTS_MAX	64
#define CONTROL_ROOT_RESERVED	16	/* of those, for uid 0 alone */
#define CONTROL_CLIENTS_PER_UID	8	/* for any other uid */
#define CONTROL_HTTP_CLIENTS_MAX 16
#define CONTROL_OUT_MAX		(1024 * 1024)	/* bytes queued per client */
#define CONTROL_IDLE_MS		30000	/* unless watching */
#define CONTROL_LINES_PER_TURN	4	/* requests served per loop turn */
#define CONTROL_PRIORITY	10	/* after probes and netlink (0) */
#define CONTROL_HTTP_TIMEOUT_MS	10000
#define CONTROL_CGROUP_DIR	EXECCG_DIR	/* under the cgroup2 root */

struct control;

/*
 * What the daemon provides. The callbacks run from the event loop, one at
 * a time, and must not block for long.
 */
struct control_ops {
	/* A new reference to the status JSON (status_to_json); NULL on
	 * failure. */
	json_t *(*status)(void *ud);
	/* Re-read the config. 0, or -errno with *errors set to malloc'd text
	 * for the client (may be left NULL). */
	int (*reload)(void *ud, char **errors);
	/* 0, or -ENOENT for no such link. */
	int (*drain)(void *ud, const char *link, bool drained);
	/* A new reference to {"link":S, "interface":S, "mark":N,
	 * "addresses":[S...]} for uplinkctl exec; NULL: no such link. The
	 * control adds "cgroup" (the path under the cgroup2 root). */
	json_t *(*exec_info)(void *ud, const char *link);
	/* The VRRP role ("master", "backup", "fault"): 0 or -EINVAL. */
	int (*ha)(void *ud, const char *role);
};

/*
 * Create the socket's directory (0755) if missing and listen on path
 * (mode 0660, group by name, NULL: leave the default). Refuses with
 * -EADDRINUSE when another instance answers on path; a stale socket file
 * (connect: ECONNREFUSED) is replaced; -EEXIST when path is not a socket.
 * ops and ud must outlive the control. NULL with errno set on failure,
 * already logged.
 */
struct control *control_new(sd_event *e, const char *path,
    const char *group, const struct control_ops *ops, void *ud);
/* Close every client and the listeners, and remove the socket file. */
void control_free(struct control *c);

/* Serve GET /metrics over HTTP/1.0 on "ADDR:PORT" ("[ADDR]:PORT" for
 * IPv6), or nowhere (NULL or ""): the listener moves, closes or opens to
 * match, its clients closed with it. 0 or -errno (logged); on failure the
 * old listener is kept when it can be. From the loop or before it. */
int control_metrics_set(struct control *c, const char *hostport);

/* Send {"event":event} or {"rates":rates} to every watching client. The
 * caller keeps its reference. May be called from any loop callback. */
void control_broadcast_event(struct control *c, json_t *event);
void control_broadcast_rates(struct control *c, json_t *rates);
/* Whether any client watches (so rates need not be built otherwise). */
bool control_watching(const struct control *c);
unsigned int control_nclients(const struct control *c);

#endif
