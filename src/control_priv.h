/* SPDX-License-Identifier: ISC */
/*
 * Inside the control socket (control.c, control_admit.c): its clients and
 * their admission. Not for other modules: they use control.h.
 */
#ifndef UPLINKD_CONTROL_PRIV_H
#define UPLINKD_CONTROL_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <systemd/sd-event.h>

#include "control.h"
#include "ctlmsg.h"

enum client_kind {
	CLIENT_CONTROL,
	CLIENT_HTTP,
};

struct client {
	struct control *c;
	struct client *next, *prev;
	enum client_kind kind;
	int fd;
	sd_event_source *io, *timer;
	uid_t uid;
	pid_t pid;
	char in[CTLMSG_MAX + 2];	/* a request, '\r', '\n' */
	size_t inlen;
	char *out;
	size_t outlen, outoff, outcap;
	bool watching;
	bool closing;			/* close once the output is sent */
	uint64_t last_us;		/* last request (CLOCK_MONOTONIC) */
};

struct control {
	sd_event *e;
	const struct control_ops *ops;
	void *ud;
	char *path;
	int fd, http_fd;
	sd_event_source *src, *http_src;
	char *http_at;			/* metrics-listen now, or NULL */
	struct client *clients;
	unsigned int nclients, nhttp;
	uint64_t refused, refused_logged;
};

/* Unlink cl from its control and free it (closes its socket). */
void control_client_free(struct client *cl);

/*
 * Is there room for a new client of kind from uid (after closing the
 * longest idle client of the same scope if need be)? NULL, or why not.
 * Root may use every place; other uids share what root's reserve
 * (CONTROL_ROOT_RESERVED) leaves, CONTROL_CLIENTS_PER_UID each. Watchers
 * are never closed to make room.
 */
const char *control_room(struct control *c, enum client_kind kind,
    uid_t uid);
/* Answer a refused control client with an error line if its socket takes
 * it at once, close fd, and log (the 1st, 10th, 100th... refusal). */
void control_refuse(struct control *c, enum client_kind kind, int fd,
    const char *why, uid_t uid, pid_t pid);

#endif
