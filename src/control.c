/* SPDX-License-Identifier: ISC */
/*
 * The control socket and the HTTP metrics endpoint (see control.h): accept,
 * read lines, answer through the daemon's control_ops, and queue output
 * without ever blocking the loop. Everything a client sends is untrusted;
 * the parsing itself is in ctlmsg.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "control.h"
#include "control_priv.h"
#include "ctlsetup.h"
#include "ctlmsg.h"
#include "log.h"
#include "metrics.h"

/*
 * Backpressure: a client whose answers are not read yet is not read from
 * either, and a client with requests still buffered is called again (as
 * writable) instead of being served all at once: one client can never
 * hold the loop, whose probes and netlink events come first.
 */
static int
update_events(struct client *cl)
{
	bool pending = cl->outlen > cl->outoff;
	uint32_t ev = 0;

	if (!cl->closing && !pending && cl->inlen < sizeof(cl->in))
		ev |= EPOLLIN;
	if (pending || (!cl->closing && cl->kind == CLIENT_CONTROL &&
	    memchr(cl->in, '\n', cl->inlen)))
		ev |= EPOLLOUT;
	return sd_event_source_set_io_events(cl->io, ev);
}

/* Send what is queued; 0, or -errno when the client is gone (freed). */
static int
flush(struct client *cl)
{
	ssize_t n;

	while (cl->outoff < cl->outlen) {
		n = send(cl->fd, cl->out + cl->outoff, cl->outlen - cl->outoff,
		    MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0) {
			log_debug("control: client pid %d: send: %s",
			    (int)cl->pid, strerror(errno));
			control_client_free(cl);
			return -EPIPE;
		}
		cl->outoff += (size_t)n;
	}
	if (cl->outoff == cl->outlen) {
		cl->outoff = cl->outlen = 0;
		if (cl->closing) {
			control_client_free(cl);
			return -ECONNRESET;
		}
	}
	if (update_events(cl) < 0) {
		control_client_free(cl);
		return -EIO;
	}
	return 0;
}

/* Queue len bytes and try to send them; 0, or -errno when the client was
 * dropped (too slow, or gone) and freed. */
static int
queue(struct client *cl, const char *data, size_t len)
{
	size_t pending = cl->outlen - cl->outoff;

	if (pending + len > CONTROL_OUT_MAX) {
		log_warnx("control: client pid %d: dropped, %zu bytes unread",
		    (int)cl->pid, pending);
		control_client_free(cl);
		return -ENOBUFS;
	}
	if (cl->outoff > 0 && cl->outlen + len > cl->outcap) {
		memmove(cl->out, cl->out + cl->outoff, pending);
		cl->outlen = pending;
		cl->outoff = 0;
	}
	if (cl->outlen + len > cl->outcap) {
		size_t cap = cl->outcap ? cl->outcap : 4096;
		char *p;

		while (cap < cl->outlen + len)
			cap *= 2;
		if (!(p = realloc(cl->out, cap))) {
			control_client_free(cl);
			return -ENOMEM;
		}
		cl->out = p;
		cl->outcap = cap;
	}
	memcpy(cl->out + cl->outlen, data, len);
	cl->outlen += len;
	return flush(cl);
}

/* Send msg (consumed) as one line; 0 or -errno when the client is gone. */
static int
reply(struct client *cl, json_t *msg)
{
	size_t len;
	char *s;
	int rc;

	if (!msg) {
		control_client_free(cl);
		return -ENOMEM;
	}
	s = ctlmsg_dump(msg, &len);
	json_decref(msg);
	if (!s) {
		control_client_free(cl);
		return -ENOMEM;
	}
	rc = queue(cl, s, len);
	free(s);
	return rc;
}

static bool
has_link(json_t *status, const char *name)
{
	json_t *l;
	size_t i;

	json_array_foreach(json_object_get(status, "links"), i, l)
		if (json_is_string(json_object_get(l, "name")) &&
		    strcmp(json_string_value(json_object_get(l, "name")),
		    name) == 0)
			return true;
	return false;
}

/* Prometheus text of the daemon's status; malloc'd, or NULL. */
static char *
metrics_text(struct control *c, size_t *len)
{
	json_t *st = c->ops->status(c->ud);
	char *buf = NULL;
	FILE *f;
	int rc;

	if (!st)
		return NULL;
	if (!(f = open_memstream(&buf, len))) {
		json_decref(st);
		return NULL;
	}
	rc = metrics_write(st, f);
	json_decref(st);
	if (fclose(f) != 0 || rc < 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

static json_t *
do_status(struct control *c, const struct ctl_request *req)
{
	json_t *st = c->ops->status(c->ud);

	if (!st)
		return ctlmsg_error("status unavailable");
	if (req->link[0] && !has_link(st, req->link)) {
		json_decref(st);
		return ctlmsg_error("no such link: %s", req->link);
	}
	return json_pack("{s:b,s:o}", "ok", 1, "status", st);
}

static json_t *
do_metrics(struct control *c)
{
	json_t *r;
	size_t len;
	char *text = metrics_text(c, &len);

	if (!text)
		return ctlmsg_error("metrics unavailable");
	r = json_pack("{s:b,s:s#}", "ok", 1, "metrics", text, len);
	free(text);
	return r;
}

static json_t *
do_reload(struct control *c)
{
	char *errors = NULL;
	json_t *r;
	int rc;

	rc = c->ops->reload(c->ud, &errors);
	if (rc == 0) {
		free(errors);
		return ctlmsg_ok();
	}
	if (errors) {
		size_t n = strlen(errors);

		while (n > 0 && errors[n - 1] == '\n')
			errors[--n] = '\0';
		r = ctlmsg_error("%s", errors);
		free(errors);
		return r;
	}
	return ctlmsg_error("reload failed: %s", strerror(-rc));
}

static json_t *
do_drain(struct control *c, const struct ctl_request *req, bool drained)
{
	int rc = c->ops->drain(c->ud, req->link, drained);

	if (rc == -ENOENT)
		return ctlmsg_error("no such link: %s", req->link);
	if (rc < 0)
		return ctlmsg_error("%s %s: %s", drained ? "drain" : "undrain",
		    req->link, strerror(-rc));
	log_info("link %s: %s by request", req->link,
	    drained ? "drained" : "undrained");
	return ctlmsg_ok();
}

static json_t *
do_exec_info(struct control *c, const struct ctl_request *req)
{
	char path[256], rel[CONF_NAME_MAX + 16];
	json_t *info = c->ops->exec_info(c->ud, req->link);
	int rc;

	if (!info)
		return ctlmsg_error("no such link: %s", req->link);
	if ((rc = ctlsetup_exec_cgroup(req->link, path, sizeof(path))) < 0) {
		json_decref(info);
		return ctlmsg_error("cgroup for link %s: %s", req->link,
		    rc == -ENOTSUP ? "no cgroup v2 hierarchy" :
		    strerror(-rc));
	}
	snprintf(rel, sizeof(rel), CONTROL_CGROUP_DIR "/%s", req->link);
	if (json_object_set_new(info, "cgroup", json_string(rel)) < 0) {
		json_decref(info);
		return ctlmsg_error("out of memory");
	}
	return json_pack("{s:b,s:o}", "ok", 1, "exec", info);
}

static void
arm_idle(struct client *cl)
{
	uint64_t ms = cl->kind == CLIENT_HTTP ? CONTROL_HTTP_TIMEOUT_MS :
	    CONTROL_IDLE_MS;

	sd_event_now(cl->c->e, CLOCK_MONOTONIC, &cl->last_us);
	if (cl->watching) {
		sd_event_source_set_enabled(cl->timer, SD_EVENT_OFF);
		return;
	}
	sd_event_source_set_time_relative(cl->timer, ms * 1000);
	sd_event_source_set_enabled(cl->timer, SD_EVENT_ONESHOT);
}

/* One request line; 0, or -errno when the client is gone. */
static int
handle_line(struct client *cl, const char *line, size_t len)
{
	struct control *c = cl->c;
	struct ctl_request req;
	json_t *r = NULL;
	int rc;

	if ((rc = ctlmsg_parse(line, len, &req)) < 0) {
		char esc[sizeof(req.error) * 4];

		/* the error quotes the client's words: escape them */
		log_escape(req.error, strlen(req.error), esc, sizeof(esc));
		log_info("control: uid %u pid %d: %s", (unsigned int)cl->uid,
		    (int)cl->pid, esc);
		return reply(cl, ctlmsg_error("%s", req.error));
	}
	if (!ctlmsg_allowed(req.cmd, cl->uid)) {
		log_info("control: uid %u pid %d may not %s",
		    (unsigned int)cl->uid, (int)cl->pid,
		    ctlmsg_cmd_name(req.cmd));
		return reply(cl, ctlmsg_error("permission denied: %s needs "
		    "root", ctlmsg_cmd_name(req.cmd)));
	}
	switch (req.cmd) {
	case CTL_STATUS:
		r = do_status(c, &req);
		break;
	case CTL_METRICS:
		r = do_metrics(c);
		break;
	case CTL_RELOAD:
		log_info("control: reload requested by pid %d", (int)cl->pid);
		r = do_reload(c);
		break;
	case CTL_DRAIN:
		r = do_drain(c, &req, true);
		break;
	case CTL_UNDRAIN:
		r = do_drain(c, &req, false);
		break;
	case CTL_WATCH:
		cl->watching = true;
		r = ctlmsg_ok();
		break;
	case CTL_EXEC_INFO:
		r = do_exec_info(c, &req);
		break;
	case CTL_HA:
		r = c->ops->ha(c->ud, req.role) < 0 ?
		    ctlmsg_error("ha: invalid role") : ctlmsg_ok();
		break;
	}
	return reply(cl, r);
}

static int control_process(struct client *cl);
static void metrics_close(struct control *c);

static int
control_read(struct client *cl)
{
	ssize_t n;

	n = recv(cl->fd, cl->in + cl->inlen, sizeof(cl->in) - cl->inlen,
	    MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n <= 0) {
		/* EOF: answer nothing more, but send what is queued */
		cl->closing = true;
		return flush(cl);
	}
	cl->inlen += (size_t)n;
	return control_process(cl);
}

/* Answer the buffered requests, a few per turn of the loop and none while
 * an answer is still unsent. 0, or -errno when the client is gone. */
static int
control_process(struct client *cl)
{
	unsigned int done = 0;
	size_t len;
	char *nl;

	while (!cl->closing && cl->outlen == cl->outoff &&
	    done < CONTROL_LINES_PER_TURN &&
	    (nl = memchr(cl->in, '\n', cl->inlen))) {
		len = (size_t)(nl - cl->in);
		if (handle_line(cl, cl->in, len) < 0)
			return -ECONNRESET;
		cl->inlen -= len + 1;
		memmove(cl->in, nl + 1, cl->inlen);
		done++;
	}
	if (cl->inlen == sizeof(cl->in) && !memchr(cl->in, '\n', cl->inlen)) {
		/* no newline within the limit: refuse and hang up */
		log_debug("control: client pid %d: request too long",
		    (int)cl->pid);
		cl->closing = true;
		cl->inlen = 0;
		return reply(cl, ctlmsg_error("request longer than %d bytes",
		    CTLMSG_MAX));
	}
	arm_idle(cl);
	return update_events(cl) < 0 ? -EIO : 0;
}

/* ---- HTTP/1.0: GET /metrics, nothing else ---- */

static int
http_respond(struct client *cl, const char *status, const char *type,
    const char *body, size_t len)
{
	char head[256];
	int n, rc;

	n = snprintf(head, sizeof(head), "HTTP/1.0 %s\r\nContent-Type: %s\r\n"
	    "Content-Length: %zu\r\nConnection: close\r\n\r\n", status, type,
	    len);
	if ((rc = queue(cl, head, (size_t)n)) < 0)
		return rc;
	/* hang up once the body is out */
	cl->closing = true;
	return len ? queue(cl, body, len) : flush(cl);
}

static int
http_read(struct client *cl)
{
	static const char text[] = "text/plain; charset=utf-8";
	char *end, *text_m;
	ssize_t n;
	size_t len;
	int rc;

	n = recv(cl->fd, cl->in + cl->inlen, sizeof(cl->in) - 1 - cl->inlen,
	    MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n <= 0) {
		control_client_free(cl);
		return -ECONNRESET;
	}
	cl->inlen += (size_t)n;
	cl->in[cl->inlen] = '\0';
	if (!strstr(cl->in, "\r\n\r\n") && !strstr(cl->in, "\n\n")) {
		if (cl->inlen == sizeof(cl->in) - 1)
			return http_respond(cl, "431 Request Header Fields "
			    "Too Large", text, "too large\n", 10);
		return 0;
	}
	sd_event_source_set_io_events(cl->io, 0);
	if (strncmp(cl->in, "GET ", 4) != 0 && strncmp(cl->in, "HEAD ", 5))
		return http_respond(cl, "405 Method Not Allowed", text,
		    "only GET\n", 9);
	end = strchr(cl->in, ' ') + 1;
	if (strncmp(end, "/metrics", 8) != 0 ||
	    (end[8] != ' ' && end[8] != '?' && end[8] != '\r' &&
	    end[8] != '\n'))
		return http_respond(cl, "404 Not Found", text,
		    "see /metrics\n", 13);
	if (!(text_m = metrics_text(cl->c, &len)))
		return http_respond(cl, "500 Internal Server Error", text,
		    "metrics unavailable\n", 20);
	rc = http_respond(cl, "200 OK", METRICS_CONTENT_TYPE, text_m,
	    strncmp(cl->in, "HEAD ", 5) == 0 ? 0 : len);
	free(text_m);
	return rc;
}

static int
client_io(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct client *cl = userdata;

	if (revents & EPOLLOUT) {
		if (flush(cl) < 0)
			return 0;
		/* answers sent: serve what is still buffered */
		if (cl->kind == CLIENT_CONTROL && cl->outlen == cl->outoff &&
		    control_process(cl) < 0)
			return 0;
	}
	if (revents & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
		if (cl->closing) {
			/* nothing more is read; a peer that hung up is gone */
			if (revents & (EPOLLHUP | EPOLLERR))
				control_client_free(cl);
			return 0;
		}
		switch (cl->kind) {
		case CLIENT_CONTROL:
			control_read(cl);
			break;
		case CLIENT_HTTP:
			http_read(cl);
			break;
		}
	}
	return 0;
}

static int
client_timeout(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct client *cl = userdata;

	log_debug("control: client pid %d: idle, closed", (int)cl->pid);
	control_client_free(cl);
	return 0;
}

static void
accept_one(struct control *c, int lfd, enum client_kind kind)
{
	struct client *cl;
	struct ucred cred = { .pid = -1, .uid = (uid_t)-1 };
	socklen_t sl = sizeof(cred);
	const char *why = NULL;
	int fd;

	fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0) {
		if (errno != EAGAIN && errno != EINTR)
			log_warn("control: accept");
		return;
	}
	if (kind == CLIENT_CONTROL &&
	    getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &sl) < 0) {
		log_warn("control: SO_PEERCRED");
		close(fd);
		return;
	}
	if ((why = control_room(c, kind, cred.uid))) {
		control_refuse(c, kind, fd, why, cred.uid, cred.pid);
		return;
	}
	if (!(cl = calloc(1, sizeof(*cl)))) {
		close(fd);
		return;
	}
	cl->c = c;
	cl->fd = fd;
	cl->kind = kind;
	cl->uid = cred.uid;
	cl->pid = cred.pid;
	if (sd_event_add_io(c->e, &cl->io, fd, EPOLLIN, client_io, cl) < 0 ||
	    sd_event_add_time_relative(c->e, &cl->timer, CLOCK_MONOTONIC,
	    1000000, 0, client_timeout, cl) < 0) {
		log_warnx("control: cannot watch a client");
		sd_event_source_disable_unref(cl->io);
		close(fd);
		free(cl);
		return;
	}
	cl->next = c->clients;
	if (c->clients)
		c->clients->prev = cl;
	c->clients = cl;
	if (kind == CLIENT_CONTROL)
		c->nclients++;
	else
		c->nhttp++;
	sd_event_source_set_priority(cl->io, CONTROL_PRIORITY);
	sd_event_source_set_priority(cl->timer, CONTROL_PRIORITY);
	arm_idle(cl);
}

static int
listener_io(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct control *c = userdata;

	accept_one(c, fd, fd == c->fd ? CLIENT_CONTROL : CLIENT_HTTP);
	return 0;
}

struct control *
control_new(sd_event *e, const char *path, const char *group,
    const struct control_ops *ops, void *ud)
{
	struct control *c;
	int rc;

	if (!(c = calloc(1, sizeof(*c))))
		return NULL;
	c->e = sd_event_ref(e);
	c->ops = ops;
	c->ud = ud;
	c->http_fd = -1;
	if (!(c->path = strdup(path))) {
		rc = -ENOMEM;
		goto err_path;
	}
	if ((c->fd = ctlsetup_unix(path, group)) < 0) {
		rc = c->fd;
		goto err_listen;
	}
	if ((rc = sd_event_add_io(e, &c->src, c->fd, EPOLLIN, listener_io,
	    c)) < 0) {
		log_warnx("control: sd_event_add_io: %s", strerror(-rc));
		goto err_io;
	}
	log_info("control: listening on %s", path);
	return c;
err_io:
	close(c->fd);
	unlink(path);
err_listen:
	free(c->path);
err_path:
	sd_event_unref(c->e);
	free(c);
	errno = -rc;
	return NULL;
}

void
control_free(struct control *c)
{
	if (!c)
		return;
	while (c->clients)
		control_client_free(c->clients);
	metrics_close(c);
	sd_event_source_disable_unref(c->src);
	close(c->fd);
	unlink(c->path);
	free(c->path);
	sd_event_unref(c->e);
	free(c);
}

/* Close the metrics listener and its clients. */
static void
metrics_close(struct control *c)
{
	struct client *cl, *next;

	for (cl = c->clients; cl; cl = next) {
		next = cl->next;
		if (cl->kind == CLIENT_HTTP)
			control_client_free(cl);
	}
	c->http_src = sd_event_source_disable_unref(c->http_src);
	if (c->http_fd >= 0)
		close(c->http_fd);
	c->http_fd = -1;
	free(c->http_at);
	c->http_at = NULL;
}

/* Listen on hostport (the old listener, if any, already closed). */
static int
metrics_open(struct control *c, const char *hostport)
{
	int fd, rc;

	if ((fd = ctlsetup_tcp(hostport)) < 0)
		return fd;
	if (!(c->http_at = strdup(hostport))) {
		close(fd);
		return -ENOMEM;
	}
	if ((rc = sd_event_add_io(c->e, &c->http_src, fd, EPOLLIN,
	    listener_io, c)) < 0) {
		log_warnx("control: metrics-listen %s: %s", hostport,
		    strerror(-rc));
		close(fd);
		free(c->http_at);
		c->http_at = NULL;
		return rc;
	}
	c->http_fd = fd;
	log_info("control: metrics on http://%s/metrics", hostport);
	return 0;
}

int
control_metrics_set(struct control *c, const char *hostport)
{
	char *old;
	int rc;

	if (hostport && !*hostport)
		hostport = NULL;
	if ((!hostport && !c->http_at) ||
	    (hostport && c->http_at && strcmp(hostport, c->http_at) == 0))
		return 0;
	if (!hostport) {
		log_info("control: metrics listener on %s closed", c->http_at);
		metrics_close(c);
		return 0;
	}
	/* the old one first: the new one may want its port */
	old = c->http_at ? strdup(c->http_at) : NULL;
	if (c->http_at && !old)
		return -ENOMEM;
	metrics_close(c);
	if ((rc = metrics_open(c, hostport)) < 0 && old &&
	    metrics_open(c, old) < 0)
		log_warnx("control: metrics listener on %s lost", old);
	free(old);
	return rc;
}

static void
broadcast(struct control *c, const char *key, json_t *v)
{
	struct client *cl, *next;
	json_t *msg;
	size_t len;
	char *s;

	if (!control_watching(c))
		return;
	if (!(msg = json_pack("{s:O}", key, v)))
		return;
	s = ctlmsg_dump(msg, &len);
	json_decref(msg);
	if (!s)
		return;
	for (cl = c->clients; cl; cl = next) {
		next = cl->next;
		if (cl->watching && !cl->closing)
			queue(cl, s, len);	/* may free cl */
	}
	free(s);
}

void
control_broadcast_event(struct control *c, json_t *event)
{
	broadcast(c, "event", event);
}

void
control_broadcast_rates(struct control *c, json_t *rates)
{
	broadcast(c, "rates", rates);
}

bool
control_watching(const struct control *c)
{
	const struct client *cl;

	for (cl = c->clients; cl; cl = cl->next)
		if (cl->watching)
			return true;
	return false;
}

unsigned int
control_nclients(const struct control *c)
{
	return c->nclients;
}
