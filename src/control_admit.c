/* SPDX-License-Identifier: ISC */
/*
 * Admission to the control socket (see control_priv.h): the caps on
 * clients per uid and overall, root's reserve, making room by closing the
 * longest idle client, the answer to a client that is refused, and the
 * end of a client (control.c calls these, never the other way).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "control_priv.h"
#include "log.h"

void
control_client_free(struct client *cl)
{
	struct control *c = cl->c;

	if (cl->prev)
		cl->prev->next = cl->next;
	else
		c->clients = cl->next;
	if (cl->next)
		cl->next->prev = cl->prev;
	switch (cl->kind) {
	case CLIENT_CONTROL:
		c->nclients--;
		break;
	case CLIENT_HTTP:
		c->nhttp--;
		break;
	}
	sd_event_source_disable_unref(cl->io);
	sd_event_source_disable_unref(cl->timer);
	close(cl->fd);
	free(cl->out);
	free(cl);
}

/* Make room: close the client that has been idle longest (not a watcher),
 * among uid's clients (uid -1: among everyone's, ~0 - 1: among those not
 * root's). Keeps members of the socket's group from locking each other out
 * by holding connections open. */
#define ANY_UID		((uid_t)-1)
#define NOT_ROOT	((uid_t)-2)

static bool
uid_matches(const struct client *cl, uid_t uid)
{
	return uid == ANY_UID || cl->uid == uid ||
	    (uid == NOT_ROOT && cl->uid != 0);
}

static bool
evict_idle(struct control *c, enum client_kind kind, uid_t uid)
{
	struct client *cl, *oldest = NULL;

	for (cl = c->clients; cl; cl = cl->next)
		if (cl->kind == kind && !cl->watching &&
		    uid_matches(cl, uid) && cl->outlen == cl->outoff &&
		    (!oldest || cl->last_us < oldest->last_us))
			oldest = cl;
	if (!oldest)
		return false;
	log_debug("control: client pid %d: closed to make room",
	    (int)oldest->pid);
	control_client_free(oldest);
	return true;
}

static unsigned int
count_clients(const struct control *c, uid_t uid)
{
	const struct client *cl;
	unsigned int n = 0;

	for (cl = c->clients; cl; cl = cl->next)
		if (cl->kind == CLIENT_CONTROL && uid_matches(cl, uid))
			n++;
	return n;
}

const char *
control_room(struct control *c, enum client_kind kind, uid_t uid)
{
	if (kind == CLIENT_HTTP)
		return c->nhttp >= CONTROL_HTTP_CLIENTS_MAX &&
		    !evict_idle(c, kind, ANY_UID) ? "too many connections" :
		    NULL;
	if (uid != 0) {
		if (count_clients(c, uid) >= CONTROL_CLIENTS_PER_UID &&
		    !evict_idle(c, CLIENT_CONTROL, uid))
			return "too many connections from this user";
		if (count_clients(c, NOT_ROOT) >= CONTROL_CLIENTS_MAX -
		    CONTROL_ROOT_RESERVED &&
		    !evict_idle(c, CLIENT_CONTROL, NOT_ROOT))
			return "too many connections";
	}
	if (c->nclients >= CONTROL_CLIENTS_MAX &&
	    !evict_idle(c, CLIENT_CONTROL, ANY_UID))
		return "too many connections";
	return NULL;
}

void
control_refuse(struct control *c, enum client_kind kind, int fd,
    const char *why, uid_t uid, pid_t pid)
{
	json_t *msg;
	size_t len;
	char *s;

	if (kind == CLIENT_HTTP) {	/* no JSON for HTTP: just the close */
		log_debug("control: metrics client refused: %s", why);
		close(fd);
		return;
	}
	msg = ctlmsg_error("%s", why);
	s = msg ? ctlmsg_dump(msg, &len) : NULL;
	if (s && send(fd, s, len, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		log_debug("control: refused client: send: %s",
		    strerror(errno));
	free(s);
	json_decref(msg);
	close(fd);
	c->refused++;
	/* 1st, 10th, 100th...: a flood of connections is not a flood of
	 * log lines */
	if (c->refused == c->refused_logged * 10 || c->refused == 1) {
		c->refused_logged = c->refused;
		log_warnx("control: uid %d pid %d refused: %s (%llu refused "
		    "so far)", uid == ANY_UID ? -1 : (int)uid, (int)pid, why,
		    (unsigned long long)c->refused);
	}
}
