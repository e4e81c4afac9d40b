/* SPDX-License-Identifier: ISC */
/*
 * uplinkctl shows and steers uplinkd: `plan` prints what uplinkd would do
 * as ip/nft commands (no daemon needed); the other subcommands talk to the
 * daemon's control socket. A table of subcommands, each with text output.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "conf.h"
#include "log.h"
#include "plan.h"
#include "rt.h"

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
	int rc;

	if (argc > 1) {
		fprintf(stderr, "usage: uplinkctl plan [-c FILE]\n");
		return 2;
	}
	c = conf_load(o->config, stderr);
	if (!c)
		return 1;
	kstate_init(&obs);
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
	plan_free(&p);
	rc = 0;
out:
	rt_close(rt);
	kstate_clear(&obs);
	conf_free(c);
	return rc < 0 ? 1 : 0;
}

static const struct subcommand subcommands[] = {
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
		fprintf(rc ? stderr : stdout, "  %-8s %-12s %s\n",
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
	size_t i;
	int ch;

	log_init(0, 0);
	while ((ch = getopt_long(argc, argv, "+s:c:jhV", opts, NULL)) != -1) {
		switch (ch) {
		case 's':
			o.socket = optarg;
			break;
		case 'c':
			o.config = optarg;
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
			/* options may also follow the subcommand */
			int sub_argc = argc - optind;
			char **sub_argv = argv + optind;

			optind = 1;
			while ((ch = getopt_long(sub_argc, sub_argv, "s:c:j",
			    opts, NULL)) != -1) {
				if (ch == 's')
					o.socket = optarg;
				else if (ch == 'c')
					o.config = optarg;
				else if (ch == 'j')
					o.json = 1;
				else
					usage(2);
			}
			sub_argv[optind - 1] = sub_argv[0];
			return subcommands[i].fn(&o, sub_argc - optind + 1,
			    sub_argv + optind - 1);
		}
	fprintf(stderr, "uplinkctl: unknown command '%s'\n", argv[optind]);
	usage(2);
}
