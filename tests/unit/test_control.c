/* SPDX-License-Identifier: ISC */
/*
 * Tests of the control socket (control.c) on a real sd-event loop against
 * a fake daemon (fake_ops), with the socket in a temporary directory:
 * requests and answers, hostile clients (garbage, oversized, slow, too
 * many), a second instance, a stale socket, the socket's mode and group,
 * and, when run as root, a client that drops to nobody/nogroup and may
 * read but not change. The in-process clients are non-blocking and turn
 * the loop while they wait.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "control.h"
#include "ctlmsg.h"
#include "log.h"

struct fake {
	unsigned int status_calls, reload_calls;
	char drained_link[32];
	bool drained;
	bool reload_fails;
};

static json_t *
fake_status(void *ud)
{
	struct fake *fk = ud;

	fk->status_calls++;
	return json_pack("{s:s,s:[{s:s,s:s,s:{s:s,s:b}}],s:I}",
	    "version", "test", "links", "name", "isp1", "interface", "eth0",
	    "ipv4", "state", "up", "active", 1, "reconciles", (json_int_t)7);
}

static int
fake_reload(void *ud, char **errors)
{
	struct fake *fk = ud;

	fk->reload_calls++;
	if (!fk->reload_fails)
		return 0;
	*errors = strdup("uplinkd.conf:3: unknown option 'wieght'\n"
	    "uplinkd.conf:9: no links\n");
	return -EINVAL;
}

static int
fake_drain(void *ud, const char *link, bool drained)
{
	struct fake *fk = ud;

	if (strcmp(link, "isp1") != 0)
		return -ENOENT;
	snprintf(fk->drained_link, sizeof(fk->drained_link), "%s", link);
	fk->drained = drained;
	return 0;
}

static json_t *
fake_exec_info(void *ud, const char *link)
{
	if (strcmp(link, "isp1") != 0)
		return NULL;
	return json_pack("{s:s,s:s,s:i,s:[s]}", "link", link, "interface",
	    "eth0", "mark", 0x10000, "addresses", "198.18.0.2");
}

static const struct control_ops fake_ops = {
	.status = fake_status,
	.reload = fake_reload,
	.drain = fake_drain,
	.exec_info = fake_exec_info,
};

struct env {
	char dir[64];
	char path[128];
	sd_event *e;
	struct control *c;
	struct fake fk;
};

static int
setup(void **state)
{
	struct env *env = calloc(1, sizeof(*env));

	assert_non_null(env);
	strcpy(env->dir, "/tmp/uplinkd-test-control.XXXXXX");
	assert_non_null(mkdtemp(env->dir));
	chmod(env->dir, 0755);
	snprintf(env->path, sizeof(env->path), "%s/run/uplinkd.sock",
	    env->dir);
	assert_int_equal(sd_event_new(&env->e), 0);
	env->c = control_new(env->e, env->path, NULL, &fake_ops, &env->fk);
	assert_non_null(env->c);
	*state = env;
	return 0;
}

static int
teardown(void **state)
{
	struct env *env = *state;
	char cmd[128];

	control_free(env->c);
	sd_event_unref(env->e);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", env->dir);
	assert_int_equal(system(cmd), 0);
	free(env);
	return 0;
}

static int
client(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);

	assert_true(fd >= 0);
	strcpy(sun.sun_path, path);
	assert_int_equal(connect(fd, (struct sockaddr *)&sun, sizeof(sun)),
	    0);
	return fd;
}

static void
send_all(int fd, const char *s, size_t len)
{
	assert_int_equal(send(fd, s, len, MSG_NOSIGNAL), (ssize_t)len);
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Turn the loop until fd has a line (returned, malloc'd, without '\n'),
 * reaches EOF (NULL) or 2 s pass (failure). */
static char *
read_line(struct env *env, int fd)
{
	static char buf[1 << 20];
	static size_t len;
	static int lastfd = -1;
	uint64_t until = now_ms() + 2000;
	char *nl, *line;
	ssize_t n;

	if (fd != lastfd) {
		len = 0;
		lastfd = fd;
	}
	for (;;) {
		if ((nl = memchr(buf, '\n', len))) {
			line = strndup(buf, (size_t)(nl - buf));
			len -= (size_t)(nl - buf) + 1;
			memmove(buf, nl + 1, len);
			return line;
		}
		n = recv(fd, buf + len, sizeof(buf) - len, 0);
		if (n == 0)
			return NULL;
		if (n > 0) {
			len += (size_t)n;
			continue;
		}
		if (errno == ECONNRESET)
			return NULL;
		assert_int_equal(errno, EAGAIN);
		if (now_ms() > until)
			fail_msg("no answer within 2 s");
		sd_event_run(env->e, 10000);
	}
}

/* One request, its answer parsed; the error text in *err if refused. */
static json_t *
ask(struct env *env, int fd, const char *req, char *err, size_t errsize)
{
	const char *error;
	json_t *r = NULL;
	char *line;
	int rc;

	send_all(fd, req, strlen(req));
	line = read_line(env, fd);
	assert_non_null(line);
	rc = ctlmsg_parse_response(line, strlen(line), &r, &error);
	free(line);
	assert_int_not_equal(rc, -EPROTO);
	if (err)
		snprintf(err, errsize, "%s", rc ? error : "");
	return r;
}

static void
test_status(void **state)
{
	struct env *env = *state;
	int fd = client(env->path);
	char err[256];
	json_t *r;

	r = ask(env, fd, "{\"cmd\":\"status\"}\n", err, sizeof(err));
	assert_string_equal(err, "");
	assert_string_equal(json_string_value(json_object_get(json_object_get(
	    r, "status"), "version")), "test");
	json_decref(r);
	r = ask(env, fd, "{\"cmd\":\"status\",\"link\":\"isp9\"}\n", err,
	    sizeof(err));
	assert_string_equal(err, "no such link: isp9");
	json_decref(r);
	/* two requests in one write, both answered in order */
	{
		static const char two[] = "{\"cmd\":\"status\",\"link\":"
		    "\"isp1\"}\n{\"cmd\":\"status\",\"link\":\"isp2\"}\n";

		send_all(fd, two, sizeof(two) - 1);
	}
	{
		char *a = read_line(env, fd), *b = read_line(env, fd);

		assert_non_null(a);
		assert_non_null(b);
		assert_true(strncmp(a, "{\"ok\":true,", 11) == 0);
		assert_string_equal(b, "{\"ok\":false,\"error\":"
		    "\"no such link: isp2\"}");
		free(a);
		free(b);
	}
	assert_int_equal(env->fk.status_calls, 4);
	close(fd);
}

static void
test_metrics(void **state)
{
	struct env *env = *state;
	int fd = client(env->path);
	json_t *r;
	const char *m;

	r = ask(env, fd, "{\"cmd\":\"metrics\"}\n", NULL, 0);
	m = json_string_value(json_object_get(r, "metrics"));
	assert_non_null(m);
	assert_non_null(strstr(m, "uplinkd_reconciles_total 7\n"));
	assert_non_null(strstr(m, "uplinkd_link_up{link=\"isp1\","
	    "interface=\"eth0\",family=\"ipv4\"} 1\n"));
	json_decref(r);
	close(fd);
}

static void
test_garbage(void **state)
{
	static const struct {
		const char *req, *err;
	} cases[] = {
		{ "hello\n", "not JSON" },
		{ "{\"cmd\":\"reboot\"}\n", "unknown command \"reboot\"" },
		{ "{\"cmd\":7}\n", "\"cmd\" must be a string" },
		{ "{\"cmd\":\"drain\"}\n", "drain needs a link" },
		{ "\n", "not JSON" },
	};
	struct env *env = *state;
	int fd = client(env->path);
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_decref(ask(env, fd, cases[i].req, err, sizeof(err)));
		if (!strstr(err, cases[i].err))
			fail_msg("%s: got '%s'", cases[i].req, err);
	}
	/* the connection still works after all that */
	json_decref(ask(env, fd, "{\"cmd\":\"status\"}\n", err, sizeof(err)));
	assert_string_equal(err, "");
	close(fd);
}

static void
test_oversized(void **state)
{
	struct env *env = *state;
	int fd = client(env->path);
	char *big = malloc(CTLMSG_MAX * 2), *line;

	assert_non_null(big);
	memset(big, ' ', CTLMSG_MAX * 2);
	send_all(fd, big, CTLMSG_MAX * 2);
	line = read_line(env, fd);
	assert_non_null(line);
	assert_non_null(strstr(line, "longer than 4096 bytes"));
	free(line);
	/* then the server hangs up */
	assert_null(read_line(env, fd));
	assert_int_equal(control_nclients(env->c), 0);
	free(big);
	close(fd);
}

static void
test_changes(void **state)
{
	struct env *env = *state;
	int fd = client(env->path);
	char err[512];

	json_decref(ask(env, fd, "{\"cmd\":\"drain\",\"link\":\"isp1\"}\n",
	    err, sizeof(err)));
	assert_string_equal(err, "");
	assert_string_equal(env->fk.drained_link, "isp1");
	assert_true(env->fk.drained);
	json_decref(ask(env, fd, "{\"cmd\":\"undrain\",\"link\":\"isp1\"}\n",
	    err, sizeof(err)));
	assert_false(env->fk.drained);
	json_decref(ask(env, fd, "{\"cmd\":\"drain\",\"link\":\"isp7\"}\n",
	    err, sizeof(err)));
	assert_string_equal(err, "no such link: isp7");
	json_decref(ask(env, fd, "{\"cmd\":\"reload\"}\n", err, sizeof(err)));
	assert_string_equal(err, "");
	env->fk.reload_fails = true;
	json_decref(ask(env, fd, "{\"cmd\":\"reload\"}\n", err, sizeof(err)));
	assert_string_equal(err, "uplinkd.conf:3: unknown option 'wieght'\n"
	    "uplinkd.conf:9: no links");
	assert_int_equal(env->fk.reload_calls, 2);
	close(fd);
}

static void
test_watch(void **state)
{
	struct env *env = *state;
	int fd = client(env->path), other = client(env->path);
	json_t *ev = json_pack("{s:s,s:s}", "link", "isp1", "to", "down");
	char *line;

	assert_false(control_watching(env->c));
	json_decref(ask(env, fd, "{\"cmd\":\"watch\"}\n", NULL, 0));
	assert_true(control_watching(env->c));
	control_broadcast_event(env->c, ev);
	control_broadcast_rates(env->c, ev);
	line = read_line(env, fd);
	assert_string_equal(line, "{\"event\":{\"link\":\"isp1\",\"to\":"
	    "\"down\"}}");
	free(line);
	line = read_line(env, fd);
	assert_non_null(strstr(line, "{\"rates\":"));
	free(line);
	/* the caller's reference is untouched; non-watchers get nothing */
	assert_int_equal(ev->refcount, 1);
	json_decref(ev);
	assert_int_equal(recv(other, (char[8]){ 0 }, 8, 0), -1);
	assert_int_equal(errno, EAGAIN);
	close(other);
	close(fd);
}

/* A watcher that never reads is dropped, and the loop never blocks. */
static void
test_slow_client(void **state)
{
	struct env *env = *state;
	int fd = client(env->path);
	char pad[1000];
	json_t *ev;
	uint64_t t0;
	unsigned int i;

	json_decref(ask(env, fd, "{\"cmd\":\"watch\"}\n", NULL, 0));
	memset(pad, 'x', sizeof(pad) - 1);
	pad[sizeof(pad) - 1] = '\0';
	ev = json_pack("{s:s}", "pad", pad);
	t0 = now_ms();
	for (i = 0; i < 4000 && control_nclients(env->c) > 0; i++) {
		control_broadcast_event(env->c, ev);
		sd_event_run(env->e, 0);
	}
	json_decref(ev);
	assert_int_equal(control_nclients(env->c), 0);
	assert_true(now_ms() - t0 < 2000);
	close(fd);
}

static void
test_max_clients(void **state)
{
	struct env *env = *state;
	int fds[CONTROL_CLIENTS_MAX + 1];
	unsigned int i;

	for (i = 0; i <= CONTROL_CLIENTS_MAX; i++) {
		fds[i] = client(env->path);
		sd_event_run(env->e, 100000);
	}
	while (sd_event_run(env->e, 10000) > 0)
		;
	assert_int_equal(control_nclients(env->c), CONTROL_CLIENTS_MAX);
	/* the one too many made room: the client idle longest was closed,
	 * the newest is served */
	assert_null(read_line(env, fds[0]));
	{
		char err[128];
		json_t *r = ask(env, fds[CONTROL_CLIENTS_MAX],
		    "{\"cmd\":\"status\"}\n", err, sizeof(err));

		assert_non_null(r);
		json_decref(r);
	}
	for (i = 0; i <= CONTROL_CLIENTS_MAX; i++)
		close(fds[i]);
}

/* Many requests and no reading: answered a few at a time, never all in
 * one turn of the loop, and reading stops while answers are unsent. */
static void
test_flood_no_read(void **state)
{
	struct env *env = *state;
	static const char req[] = "{\"cmd\":\"status\"}\n";
	int fd = client(env->path), other;
	unsigned int i, turns = 0;
	char err[128];
	json_t *r;

	for (i = 0; i < 200; i++)
		if (send(fd, req, sizeof(req) - 1, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
			break;
	/* each dispatch serves at most CONTROL_LINES_PER_TURN requests */
	while (sd_event_run(env->e, 10000) > 0 && turns < 1000)
		turns++;
	assert_true(turns >= 2);
	/* another client is still served at once */
	other = client(env->path);
	r = ask(env, other, req, err, sizeof(err));
	assert_non_null(r);
	json_decref(r);
	close(other);
	close(fd);
}

static void
test_second_instance(void **state)
{
	struct env *env = *state;
	struct control *c2;
	struct stat st;

	c2 = control_new(env->e, env->path, NULL, &fake_ops, &env->fk);
	assert_null(c2);
	assert_int_equal(errno, EADDRINUSE);
	/* the running one's socket is still there and answers */
	assert_int_equal(stat(env->path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0660);
	close(client(env->path));
}

static void
test_stale_socket(void **state)
{
	struct env *env = *state;
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	char path[160];
	struct control *c2;
	int fd;

	/* a socket file nobody listens on, as after kill -9 */
	snprintf(path, sizeof(path), "%s/stale.sock", env->dir);
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	close(fd);
	c2 = control_new(env->e, path, NULL, &fake_ops, &env->fk);
	assert_non_null(c2);
	close(client(path));
	control_free(c2);
	assert_int_equal(access(path, F_OK), -1);
	/* not a socket: refused, left alone */
	fd = open(path, O_CREAT | O_WRONLY, 0600);
	close(fd);
	c2 = control_new(env->e, path, NULL, &fake_ops, &env->fk);
	assert_null(c2);
	assert_int_equal(errno, EEXIST);
	assert_int_equal(access(path, F_OK), 0);
	/* unknown group */
	unlink(path);
	c2 = control_new(env->e, path, "no-such-group-uplinkd", &fake_ops,
	    &env->fk);
	assert_null(c2);
}

/* Run as nobody/nogroup in a child: read-only works, changing does not.
 * The parent turns the loop meanwhile. */
static void
test_unprivileged(void **state)
{
	struct env *env = *state;
	struct group *gr = getgrnam("nogroup");
	char path[160];
	struct control *c2;
	struct stat st;
	pid_t pid;
	int status = -1;
	uint64_t until;

	if (geteuid() != 0 || !gr)
		skip();
	snprintf(path, sizeof(path), "%s/grp/uplinkd.sock", env->dir);
	c2 = control_new(env->e, path, "nogroup", &fake_ops, &env->fk);
	assert_non_null(c2);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_gid, gr->gr_gid);
	assert_int_equal(st.st_mode & 07777, 0660);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct sockaddr_un sun = { .sun_family = AF_UNIX };
		char buf[512];
		ssize_t n;
		int fd, bad = 0;

		if (setgroups(0, NULL) < 0 || setgid(gr->gr_gid) < 0 ||
		    setuid(65534) < 0)
			_exit(10);
		strcpy(sun.sun_path, path);
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0)
			_exit(11);
		if (write(fd, "{\"cmd\":\"status\"}\n", 17) != 17 ||
		    (n = read(fd, buf, sizeof(buf) - 1)) <= 0)
			_exit(12);
		buf[n] = '\0';
		if (!strstr(buf, "\"ok\":true"))
			bad |= 1;
		if (write(fd, "{\"cmd\":\"drain\",\"link\":\"isp1\"}\n", 31) !=
		    31 || (n = read(fd, buf, sizeof(buf) - 1)) <= 0)
			_exit(13);
		buf[n] = '\0';
		if (!strstr(buf, "permission denied: drain needs root"))
			bad |= 2;
		_exit(bad);
	}
	until = now_ms() + 5000;
	while (now_ms() < until && waitpid(pid, &status, WNOHANG) == 0)
		sd_event_run(env->e, 10000);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_string_equal(env->fk.drained_link, "");
	control_free(c2);
}

static void
test_http(void **state)
{
	struct env *env = *state;
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sin);
	char hp[64], buf[8192];
	size_t len = 0;
	uint64_t until;
	ssize_t n;
	int fd;

	/* a free port: bind to 0, note it, let it go */
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &sl), 0);
	close(fd);
	snprintf(hp, sizeof(hp), "127.0.0.1:%u", ntohs(sin.sin_port));
	assert_int_equal(control_metrics_set(env->c, hp), 0);
	assert_int_equal(control_metrics_set(env->c, hp), 0);	/* same */

	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	connect(fd, (struct sockaddr *)&sin, sizeof(sin));
	until = now_ms() + 2000;
	while (now_ms() < until && send(fd, "GET /metrics HTTP/1.1\r\n"
	    "Host: x\r\n\r\n", 34, MSG_NOSIGNAL) < 0)
		sd_event_run(env->e, 10000);
	for (;;) {
		n = recv(fd, buf + len, sizeof(buf) - 1 - len, 0);
		if (n == 0)
			break;
		if (n > 0)
			len += (size_t)n;
		else if (now_ms() > until)
			fail_msg("no HTTP answer");
		else
			sd_event_run(env->e, 10000);
	}
	buf[len] = '\0';
	close(fd);
	assert_true(strncmp(buf, "HTTP/1.0 200 OK\r\n", 17) == 0);
	assert_non_null(strstr(buf, "Content-Type: text/plain; "
	    "version=0.0.4"));
	assert_non_null(strstr(buf, "\r\n\r\n# HELP uplinkd_info"));

	/* anything but /metrics */
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	connect(fd, (struct sockaddr *)&sin, sizeof(sin));
	until = now_ms() + 2000;
	while (now_ms() < until && send(fd, "GET /admin HTTP/1.0\r\n\r\n", 23,
	    MSG_NOSIGNAL) < 0)
		sd_event_run(env->e, 10000);
	len = 0;
	while ((n = recv(fd, buf + len, sizeof(buf) - 1 - len, 0)) != 0) {
		if (n > 0)
			len += (size_t)n;
		else if (now_ms() > until)
			fail_msg("no HTTP answer");
		else
			sd_event_run(env->e, 10000);
	}
	buf[len] = '\0';
	close(fd);
	assert_true(strncmp(buf, "HTTP/1.0 404 ", 13) == 0);

	/* a reload without metrics-listen closes the port */
	assert_int_equal(control_metrics_set(env->c, NULL), 0);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sin, sizeof(sin)),
	    -1);
	assert_int_equal(errno, ECONNREFUSED);
	close(fd);
	/* and one with it opens it again */
	assert_int_equal(control_metrics_set(env->c, hp), 0);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	close(fd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_status, setup, teardown),
		cmocka_unit_test_setup_teardown(test_metrics, setup, teardown),
		cmocka_unit_test_setup_teardown(test_garbage, setup, teardown),
		cmocka_unit_test_setup_teardown(test_oversized, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_changes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_watch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_slow_client, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_max_clients, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_flood_no_read, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_second_instance, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_stale_socket, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_unprivileged, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_http, setup, teardown),
	};

	log_init(0, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
