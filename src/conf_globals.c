/* SPDX-License-Identifier: ISC */
/*
 * The config's top-level options: the kernel object ranges (tables, rule
 * priorities, nexthop ids, the fwmark mask, the route protocol), the
 * balance mode, sysctls, MPTCP, hooks, the control socket, the metrics
 * listener and the HA track file, each checked in its range with the
 * file's line on error. Pure, like conf_sect.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "conf.h"
#include "conf_priv.h"

#define RULE_PRIO_SPAN	1000	/* rules use base .. base + 999 */
#define MAIN_RULE_PRIO	32766	/* the kernel's "lookup main" rule */

const char *const conf_balance_names[CONF_NBALANCE] = {
	[BALANCE_ROUND_ROBIN] = "round-robin",
	[BALANCE_RANDOM] = "random",
	[BALANCE_HASH] = "hash",
};

static bool
hostport_ok(const char *s)
{
	bool bracket = *s == '[';
	char host[ADDR_STRLEN];
	const char *end, *port;
	struct addr a;
	uint64_t n;
	size_t len;

	if (bracket) {
		if ((end = strchr(s, ']')) == NULL || end[1] != ':')
			return false;
		s++;
		port = end + 2;
	} else {
		if ((end = strrchr(s, ':')) == NULL)
			return false;
		port = end + 1;
	}
	len = end - s;
	if (len >= sizeof(host))
		return false;
	memcpy(host, s, len);
	host[len] = '\0';
	if (addr_parse(host, &a) < 0 || bracket != (a.family == AF_INET6))
		return false;
	return conf_num_parse(port, &n) == 0 && n >= 1 && n <= 65535;
}

/* An optional string option: "" means unset. */
static int
opt_strdup(struct loadctx *x, cfg_t *sec, const char *opt, char **out)
{
	const char *s = conf_get(sec, opt);

	if (!s || !*s)
		return 0;
	if ((*out = strdup(s)) == NULL)
		return -ENOMEM;
	(void)x;
	return 0;
}

/* The kernel object ranges: tables, rule priorities, nexthop ids, marks. */
static void
globals_kernel(struct loadctx *x, struct conf *c, cfg_t *cfg)
{
	uint64_t v;

	if (conf_opt_num(
		x, cfg, "", "table-base", 1, UINT32_MAX - CONF_MAX_LINKS, &v)) {
		c->table_base = v;
		if (v <= 255 && v + CONF_MAX_LINKS >= 253)
			conf_err(x, conf_line(x, cfg, "table-base", 0),
			    "table-base: "
			    "tables %llu..%llu include the kernel's 253..255",
			    (unsigned long long)v,
			    (unsigned long long)v + CONF_MAX_LINKS);
	}
	if (conf_opt_num(x, cfg, "", "rule-priority-base", 1,
	    MAIN_RULE_PRIO - RULE_PRIO_SPAN, &v))
		c->rule_priority_base = v;
	if (conf_opt_num(x, cfg, "", "nexthop-id-base", 1,
	    UINT32_MAX - CONF_NH_ID_SPAN, &v))
		c->nexthop_id_base = v;
	if (conf_opt_num(x, cfg, "", "fwmark-mask", 1, UINT32_MAX, &v)) {
		uint32_t m = v >> __builtin_ctz(v);
		if ((m & (m + 1)) || __builtin_popcount(m) < 8)
			conf_err(x, conf_line(x, cfg, "fwmark-mask", 0),
			    "fwmark-mask:"
			    " %s is not one run of at least 8 bits",
			    conf_get(cfg, "fwmark-mask"));
		else
			c->fwmark_mask = v;
	}
}

/* hooks-dir, socket, socket-group, metrics-listen: 0 or -ENOMEM. */
static int
globals_paths(struct loadctx *x, struct conf *c, cfg_t *cfg)
{
	int rc;

	if ((rc = opt_strdup(x, cfg, "hooks-dir", &c->hooks_dir)) < 0 ||
	    (rc = opt_strdup(x, cfg, "socket-group", &c->socket_group)) < 0 ||
	    (rc = opt_strdup(x, cfg, "metrics-listen", &c->metrics_listen)) < 0)
		return rc;
	if (conf_get(cfg, "socket")) {
		free(c->socket_path);
		c->socket_path = NULL;
		if ((rc = opt_strdup(x, cfg, "socket", &c->socket_path)) < 0)
			return rc;
	}
	if (c->hooks_dir && c->hooks_dir[0] != '/')
		conf_err(x, conf_line(x, cfg, "hooks-dir", 0),
		    "hooks-dir: '%s' is "
		    "not an absolute path",
		    c->hooks_dir);
	if (!c->socket_path || c->socket_path[0] != '/' ||
	    strlen(c->socket_path) >=
		sizeof(((struct sockaddr_un *)0)->sun_path))
		conf_err(x, conf_line(x, cfg, "socket", 0),
		    "socket: '%s' is not an "
		    "absolute path of at most %zu characters",
		    c->socket_path ? c->socket_path : "",
		    sizeof(((struct sockaddr_un *)0)->sun_path) - 1);
	if (c->socket_group && strlen(c->socket_group) >= 33)
		conf_err(x, conf_line(x, cfg, "socket-group", 0),
		    "socket-group: "
		    "'%s' is longer than 32 characters",
		    c->socket_group);
	return 0;
}

int
conf_globals_load(struct loadctx *x, struct conf *c, cfg_t *cfg)
{
	uint64_t v;
	bool b;
	int e = c->balance, rc;

	globals_kernel(x, c, cfg);
	if (conf_opt_num(x, cfg, "", "route-protocol", 5, 255, &v))
		c->route_protocol = v;
	conf_opt_enum(
	    x, cfg, "", "balance", conf_balance_names, CONF_NBALANCE, &e);
	c->balance = e;
	if (conf_opt_bool(x, cfg, "", "manage-sysctl", &b))
		c->manage_sysctl = b;
	if (conf_opt_bool(x, cfg, "", "mptcp", &b))
		c->mptcp = b;
	if (conf_opt_dur(x, cfg, "", "hook-timeout", 1, 1, &v))
		c->hook_timeout_ms = v;
	if ((rc = opt_strdup(x, cfg, "ha-track-file", &c->ha_track_file)) < 0)
		return rc;
	if (c->ha_track_file && c->ha_track_file[0] != '/')
		conf_err(x, conf_line(x, cfg, "ha-track-file", 0),
		    "ha-track-file: '%s' is not an absolute path",
		    c->ha_track_file);
	if ((rc = globals_paths(x, c, cfg)) < 0)
		return rc;
	conf_sources(x, c, cfg);
	if (c->metrics_listen && !hostport_ok(c->metrics_listen))
		conf_err(x, conf_line(x, cfg, "metrics-listen", 0),
		    "metrics-listen: "
		    "'%s' is not ADDR:PORT or [ADDR6]:PORT",
		    c->metrics_listen);
	return 0;
}

const char *
conf_balance_name(enum conf_balance b)
{
	switch (b) {
	case BALANCE_ROUND_ROBIN:
	case BALANCE_RANDOM:
	case BALANCE_HASH:
		return conf_balance_names[b];
	}
	return "?";
}
