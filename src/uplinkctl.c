/* SPDX-License-Identifier: ISC */
/*
 * uplinkctl shows and steers uplinkd: `plan` prints what uplinkd would do
 * as ip/nft commands (no daemon needed); the other subcommands talk to the
 * daemon's control socket (ctlmsg.h), one request each, and print the
 * answer as text (status.c, from the JSON) or, with --json, as the JSON.
 * A table of subcommands; exit 0 ok, 1 error or refused, 2 usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "config.h"
#include "conf.h"
#include "control.h"
#include "ctlsetup.h"
#include "ctlmsg.h"
#include "log.h"
#include "fw.h"
#include "plan.h"
#include "rt.h"
#include "status.h"

struct ctl_opts {
	const char *socket;
	const char *config;
	int json;
};

struct subcommand {
	const char *name;
	const char *args;
	const char *help;
	int (*fn)(struct ctl_opts *o, int argc, char **argv);
};

static int
cmd_plan(struct ctl_opts *o, int argc, char **argv)
{
	struct plan_input in;
	struct kstate obs;
	struct plan p;
	struct conf *c;
	struct rt *rt;
	char *nft;
	int rc;

	if (argc > 1) {
		fprintf(stderr, "usage: uplinkctl plan [-c FILE]\n");
		return 2;
	}
	c = conf_load(o->config, stderr);
	if (!c)
		return 1;
	kobj_init(&obs);
	rt = rt_open(0);
	if (!rt) {
		fprintf(stderr, "uplinkctl: netlink: %s\n", strerror(errno));
		conf_free(c);
		return 1;
	}
	rt_set_route_filter(rt, c->table_base, c->table_base + CONF_MAX_LINKS);
	if ((rc = rt_dump(rt, &obs)) < 0) {
		fprintf(stderr, "uplinkctl: netlink dump: %s\n", strerror(-rc));
		goto out;
	}
	memset(&in, 0, sizeof(in));
	in.conf = c;
	in.obs = &obs;
	if ((rc = plan_build(&in, &p)) < 0) {
		fprintf(stderr, "uplinkctl: plan: %s\n", strerror(-rc));
		goto out;
	}
	printf("# uplinkd plan for %s (links not yet probed: all with "
	    "carrier are used)\n", o->config);
	plan_print_ip(&p, c, &obs, stdout);
	nft = fw_render(c, &p, NULL);
	if (!nft) {
		fprintf(stderr, "uplinkctl: firewall: %s\n", strerror(errno));
		plan_free(&p);
		rc = -EINVAL;
		goto out;
	}
	printf("\n# firewall: one nftables transaction (nft -f FILE)\n%s",
	    nft);
	free(nft);
	plan_free(&p);
	rc = 0;
out:
	rt_close(rt);
	kobj_clear(&obs);
	conf_free(c);
	return rc < 0 ? 1 : 0;
}

/* ---- talking to the daemon ---- */

#define RESPONSE_MAX	(64 * 1024 * 1024)
#define TIMEOUT_S	30

struct conn {
	int fd;
	char *buf;
	size_t len, cap;
	const char *path;
};

static int
conn_open(struct conn *cn, const char *path, bool timeout)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = TIMEOUT_S };

	memset(cn, 0, sizeof(*cn));
	cn->path = path;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "uplinkctl: socket path too long: %s\n", path);
		return -ENAMETOOLONG;
	}
	strcpy(sun.sun_path, path);
	if ((cn->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -errno;
	if (connect(cn->fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		int rc = -errno;

		fprintf(stderr, "uplinkctl: %s: %s%s\n", path, strerror(-rc),
		    rc == -ENOENT || rc == -ECONNREFUSED ?
		    " (is uplinkd running?)" : "");
		close(cn->fd);
		return rc;
	}
	if (timeout)
		setsockopt(cn->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return 0;
}

static void
conn_close(struct conn *cn)
{
	close(cn->fd);
	free(cn->buf);
}

static int
conn_send(struct conn *cn, enum ctl_cmd cmd, const char *link)
{
	json_t *req = ctlmsg_request(cmd, link);
	size_t len, off = 0;
	ssize_t n;
	char *s;

	if (!req)
		return -ENOMEM;
	s = ctlmsg_dump(req, &len);
	json_decref(req);
	if (!s)
		return -ENOMEM;
	while (off < len) {
		n = send(cn->fd, s + off, len - off, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int rc = -errno;

			fprintf(stderr, "uplinkctl: %s: send: %s\n", cn->path,
			    strerror(-rc));
			free(s);
			return rc;
		}
		off += (size_t)n;
	}
	free(s);
	return 0;
}

/* Read one line into *line (valid until the next call; len without the
 * '\n'). 0, -EPIPE at EOF, or -errno. */
static int
conn_line(struct conn *cn, char **line, size_t *len)
{
	static size_t consumed;
	char *nl;
	ssize_t n;

	if (consumed) {
		memmove(cn->buf, cn->buf + consumed, cn->len - consumed);
		cn->len -= consumed;
		consumed = 0;
	}
	for (;;) {
		if (cn->buf && (nl = memchr(cn->buf, '\n', cn->len))) {
			*line = cn->buf;
			*len = (size_t)(nl - cn->buf);
			consumed = *len + 1;
			return 0;
		}
		if (cn->len == cn->cap) {
			size_t cap = cn->cap ? cn->cap * 2 : 65536;
			char *p;

			if (cap > RESPONSE_MAX)
				return -EMSGSIZE;
			if (!(p = realloc(cn->buf, cap)))
				return -ENOMEM;
			cn->buf = p;
			cn->cap = cap;
		}
		n = recv(cn->fd, cn->buf + cn->len, cn->cap - cn->len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		if (n == 0)
			return -EPIPE;
		cn->len += (size_t)n;
	}
}

/* Read a response; 0 with *out, or 1 (reported) when the daemon refused
 * or did not answer. */
static int
conn_response(struct conn *cn, json_t **out)
{
	const char *error;
	char *line;
	size_t len;
	int rc;

	if ((rc = conn_line(cn, &line, &len)) < 0) {
		fprintf(stderr, "uplinkctl: %s: %s\n", cn->path,
		    rc == -EPIPE ? "the daemon closed the connection" :
		    strerror(-rc));
		return 1;
	}
	rc = ctlmsg_parse_response(line, len, out, &error);
	if (rc == -EPROTO) {
		fprintf(stderr, "uplinkctl: %s: not a response: %.*s\n",
		    cn->path, (int)(len > 200 ? 200 : len), line);
		return 1;
	}
	if (rc < 0) {
		fprintf(stderr, "uplinkctl: %s\n", error);
		json_decref(*out);
		return 1;
	}
	return 0;
}

/* One request, one response: 0 with *out, 1 on any error (reported). */
static int
call(struct ctl_opts *o, enum ctl_cmd cmd, const char *link, json_t **out)
{
	struct conn cn;
	int rc;

	if (conn_open(&cn, o->socket, true) < 0)
		return 1;
	if (conn_send(&cn, cmd, link) < 0)
		rc = 1;
	else
		rc = conn_response(&cn, out);
	conn_close(&cn);
	return rc;
}

static int
print_json(json_t *v)
{
	if (json_dumpf(v, stdout, JSON_INDENT(2)) < 0)
		return 1;
	putchar('\n');
	return fflush(stdout) == 0 ? 0 : 1;
}

static bool
check_link(const char *cmd, const char *link)
{
	if (ctlmsg_valid_link(link))
		return true;
	fprintf(stderr, "uplinkctl %s: invalid link name '%s'\n", cmd, link);
	return false;
}

/* ---- subcommands ---- */

static int
cmd_status(struct ctl_opts *o, int argc, char **argv)
{
	const char *link = argc == 2 ? argv[1] : NULL;
	json_t *r, *st, *l;
	size_t i;
	int rc = 0;

	if (argc > 2) {
		fprintf(stderr, "usage: uplinkctl status [LINK] [--json]\n");
		return 2;
	}
	if (link && !check_link("status", link))
		return 1;
	if (call(o, CTL_STATUS, link, &r))
		return 1;
	st = json_object_get(r, "status");
	if (!json_is_object(st)) {
		fprintf(stderr, "uplinkctl: no status in the response\n");
		rc = 1;
	} else if (link && o->json) {
		json_array_foreach(json_object_get(st, "links"), i, l)
			if (json_is_string(json_object_get(l, "name")) &&
			    strcmp(json_string_value(json_object_get(l,
			    "name")), link) == 0)
				rc = print_json(l);
	} else if (o->json) {
		rc = print_json(st);
	} else if (link) {
		if (status_print_link(st, link, stdout) < 0) {
			fprintf(stderr, "uplinkctl: no such link: %s\n", link);
			rc = 1;
		}
	} else {
		status_print_text(st, stdout, isatty(STDOUT_FILENO) &&
		    !getenv("NO_COLOR"));
	}
	json_decref(r);
	if (fflush(stdout) != 0)
		rc = 1;
	return rc;
}

static int
cmd_watch(struct ctl_opts *o, int argc, char **argv)
{
	struct conn cn;
	json_t *r, *v;
	char *line;
	size_t len;
	int rc;

	if (argc != 1) {
		fprintf(stderr, "usage: uplinkctl watch [--json]\n");
		return 2;
	}
	if (conn_open(&cn, o->socket, false) < 0)
		return 1;
	if (conn_send(&cn, CTL_WATCH, NULL) < 0 ||
	    conn_response(&cn, &r) != 0) {
		conn_close(&cn);
		return 1;
	}
	json_decref(r);
	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((rc = conn_line(&cn, &line, &len)) == 0) {
		json_error_t err;

		if (o->json) {
			printf("%.*s\n", (int)len, line);
			continue;
		}
		if (!(r = json_loadb(line, len, 0, &err)))
			continue;
		if (json_is_object(v = json_object_get(r, "event")))
			status_print_event(v, stdout);
		else if (json_is_object(v = json_object_get(r, "rates")))
			status_print_rates(v, stdout);
		json_decref(r);
	}
	fprintf(stderr, "uplinkctl: %s: %s\n", cn.path, rc == -EPIPE ?
	    "the daemon closed the connection" : strerror(-rc));
	conn_close(&cn);
	return 1;
}

static int
cmd_reload(struct ctl_opts *o, int argc, char **argv)
{
	json_t *r;

	if (argc != 1) {
		fprintf(stderr, "usage: uplinkctl reload\n");
		return 2;
	}
	if (call(o, CTL_RELOAD, NULL, &r))
		return 1;
	if (o->json)
		print_json(r);
	json_decref(r);
	return 0;
}

static int
drain(struct ctl_opts *o, int argc, char **argv, bool drained)
{
	enum ctl_cmd cmd = drained ? CTL_DRAIN : CTL_UNDRAIN;
	json_t *r;

	if (argc != 2) {
		fprintf(stderr, "usage: uplinkctl %s LINK\n",
		    ctlmsg_cmd_name(cmd));
		return 2;
	}
	if (!check_link(argv[0], argv[1]))
		return 1;
	if (call(o, cmd, argv[1], &r))
		return 1;
	if (o->json)
		print_json(r);
	json_decref(r);
	return 0;
}

static int
cmd_drain(struct ctl_opts *o, int argc, char **argv)
{
	return drain(o, argc, argv, true);
}

static int
cmd_undrain(struct ctl_opts *o, int argc, char **argv)
{
	return drain(o, argc, argv, false);
}

static int
cmd_ha(struct ctl_opts *o, int argc, char **argv)
{
	json_t *r;

	if (argc != 2 || (strcmp(argv[1], "master") != 0 &&
	    strcmp(argv[1], "backup") != 0 && strcmp(argv[1], "fault") != 0)) {
		fprintf(stderr, "usage: uplinkctl ha master|backup|fault\n");
		return 2;
	}
	if (call(o, CTL_HA, argv[1], &r))
		return 1;
	if (o->json)
		print_json(r);
	json_decref(r);
	return 0;
}

static int
cmd_metrics(struct ctl_opts *o, int argc, char **argv)
{
	json_t *r, *m;
	int rc = 0;

	if (argc != 1) {
		fprintf(stderr, "usage: uplinkctl metrics\n");
		return 2;
	}
	if (call(o, CTL_METRICS, NULL, &r))
		return 1;
	m = json_object_get(r, "metrics");
	if (!json_is_string(m)) {
		fprintf(stderr, "uplinkctl: no metrics in the response\n");
		rc = 1;
	} else if (fwrite(json_string_value(m), 1, json_string_length(m),
	    stdout) != json_string_length(m) || fflush(stdout) != 0) {
		rc = 1;
	}
	json_decref(r);
	return rc;
}

/* Move this process into the link's cgroup; 0 or 1 (reported). */
static int
enter_cgroup(const char *link)
{
	char path[512], procs[600];
	int fd, rc;

	if ((rc = ctlsetup_exec_cgroup(link, path, sizeof(path))) < 0) {
		if (rc == -ENOTSUP)
			fprintf(stderr, "uplinkctl exec: needs a cgroup v2 "
			    "hierarchy, and none is mounted\n");
		else
			fprintf(stderr, "uplinkctl exec: cgroup for %s: %s\n",
			    link, strerror(-rc));
		return 1;
	}
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", path);
	if ((fd = open(procs, O_WRONLY | O_CLOEXEC)) < 0 ||
	    write(fd, "0\n", 2) != 2) {
		fprintf(stderr, "uplinkctl exec: %s: %s\n", procs,
		    strerror(errno));
		if (fd >= 0)
			close(fd);
		return 1;
	}
	close(fd);
	return 0;
}

static int
cmd_exec(struct ctl_opts *o, int argc, char **argv)
{
	const char *link;
	json_t *r, *info;
	int cmd = 2;

	if (argc >= 3 && strcmp(argv[2], "--") == 0)
		cmd = 3;
	if (argc < 2 || strcmp(argv[1], "--") == 0 || cmd >= argc) {
		fprintf(stderr, "usage: uplinkctl exec LINK -- COMMAND "
		    "[ARGS...]\n");
		return 2;
	}
	link = argv[1];
	if (!check_link("exec", link))
		return 1;
	if (geteuid() != 0) {
		/* cgroup.procs of uplinkd's cgroups is root's to write */
		fprintf(stderr, "uplinkctl exec: needs root\n");
		return 1;
	}
	if (call(o, CTL_EXEC_INFO, link, &r))
		return 1;
	info = json_object_get(r, "exec");
	if (!json_is_object(info) ||
	    !json_is_string(json_object_get(info, "cgroup"))) {
		fprintf(stderr, "uplinkctl exec: no exec info for %s\n", link);
		json_decref(r);
		return 1;
	}
	if (o->json)
		print_json(info);
	json_decref(r);
	if (enter_cgroup(link) != 0)
		return 1;
	fflush(stdout);
	execvp(argv[cmd], argv + cmd);
	fprintf(stderr, "uplinkctl exec: %s: %s\n", argv[cmd],
	    strerror(errno));
	return errno == ENOENT ? 127 : 126;
}

static void
socket_from_config(struct ctl_opts *o)
{
	static char path[256];
	struct conf *c = conf_load(o->config, NULL);

	if (!c)
		return;	/* the default socket, then */
	if (c->socket_path) {
		snprintf(path, sizeof(path), "%s", c->socket_path);
		o->socket = path;
	}
	conf_free(c);
}

static const struct subcommand subcommands[] = {
	{ "status", "[LINK]", "links, policies and recent changes",
	    cmd_status },
	{ "watch", "", "follow state changes and rates", cmd_watch },
	{ "reload", "", "re-read the configuration", cmd_reload },
	{ "drain", "LINK", "no new connections over LINK", cmd_drain },
	{ "undrain", "LINK", "undo drain", cmd_undrain },
	{ "ha", "ROLE", "the VRRP role (keepalived notify)", cmd_ha },
	{ "metrics", "", "Prometheus text exposition", cmd_metrics },
	{ "exec", "LINK -- CMD", "run CMD with its traffic over LINK",
	    cmd_exec },
	{ "plan", "", "print the routing setup as ip commands", cmd_plan },
};

static void __attribute__((noreturn))
usage(int rc)
{
	size_t i;

	fprintf(rc ? stderr : stdout,
	    "usage: uplinkctl [-s SOCKET] [-c FILE] [--json] COMMAND [ARGS]\n"
	    "commands:\n");
	for (i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		fprintf(rc ? stderr : stdout, "  %-8s %-15s %s\n",
		    subcommands[i].name, subcommands[i].args,
		    subcommands[i].help);
	exit(rc);
}

int
main(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "config", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct ctl_opts o = { CONF_DEFAULT_SOCKET, CONF_DEFAULT_PATH, 0 };
	bool socket_given = false, config_given = false;
	size_t i;
	int ch;

	log_init(0, 0);
	while ((ch = getopt_long(argc, argv, "+s:c:jhV", opts, NULL)) != -1) {
		switch (ch) {
		case 's':
			o.socket = optarg;
			socket_given = true;
			break;
		case 'c':
			o.config = optarg;
			config_given = true;
			break;
		case 'j':
			o.json = 1;
			break;
		case 'h':
			usage(0);
		case 'V':
			printf("uplinkctl %s\n", UPLINKD_VERSION);
			return 0;
		default:
			usage(2);
		}
	}
	if (optind >= argc)
		usage(2);
	for (i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		if (strcmp(argv[optind], subcommands[i].name) == 0) {
			/* options may also follow the subcommand, up to a
			 * "--" (after which exec's command keeps its own) */
			int sub_argc = argc - optind, end;
			char **sub_argv = argv + optind;

			for (end = 1; end < sub_argc; end++)
				if (strcmp(sub_argv[end], "--") == 0)
					break;
			optind = 0;	/* a full reset: new argv */
			while ((ch = getopt_long(end, sub_argv, "s:c:j",
			    opts, NULL)) != -1) {
				if (ch == 's') {
					o.socket = optarg;
					socket_given = true;
				} else if (ch == 'c') {
					o.config = optarg;
					config_given = true;
				} else if (ch == 'j')
					o.json = 1;
				else
					usage(2);
			}
			sub_argv[optind - 1] = sub_argv[0];
			/* -c FILE without -s: the socket that config names */
			if (config_given && !socket_given &&
			    subcommands[i].fn != cmd_plan)
				socket_from_config(&o);
			return subcommands[i].fn(&o, sub_argc - optind + 1,
			    sub_argv + optind - 1);
		}
	fprintf(stderr, "uplinkctl: unknown command '%s'\n", argv[optind]);
	usage(2);
}
