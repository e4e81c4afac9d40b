/* SPDX-License-Identifier: ISC */
/*
 * uplinkd balances a host's traffic, and its LAN's, over several internet
 * uplinks and moves it off an uplink within a second of the uplink dying.
 * This file is main: options, the configuration, then the event loop.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "conf.h"
#include "daemon.h"
#include "log.h"
#include "privs.h"

static void __attribute__((noreturn))
usage(int rc)
{
	fprintf(rc ? stderr : stdout,
	    "usage: uplinkd [-v] [-c FILE] [--check [--print]]\n"
	    "  -c, --config FILE  configuration (default %s)\n"
	    "  -n, --check        validate the configuration and exit\n"
	    "  -p, --print        with --check: print the canonical config\n"
	    "  -v, --verbose      log debug messages\n"
	    "  -V, --version      print the version and exit\n",
	    CONF_DEFAULT_PATH);
	exit(rc);
}

int
main(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check", no_argument, NULL, 'n' },
		{ "print", no_argument, NULL, 'p' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *path = CONF_DEFAULT_PATH;
	int ch, check = 0, print = 0, verbose = 0, rc;
	struct daemon d;
	struct conf *c;

	while ((ch = getopt_long(argc, argv, "c:npvVh", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'n':
			check = 1;
			break;
		case 'p':
			print = 1;
			break;
		case 'v':
			verbose = 1;
			break;
		case 'V':
			printf("uplinkd %s\n", UPLINKD_VERSION);
			return 0;
		case 'h':
			usage(0);
		default:
			usage(2);
		}
	}
	if (optind != argc || (print && !check))
		usage(2);

	/* with --check, errors are for a person: no priority prefixes */
	log_init(verbose, !check && !isatty(STDERR_FILENO));
	c = conf_load(path, stderr);
	if (!c)
		return 1;
	if (check) {
		if (print)
			conf_print(c, stdout);
		conf_free(c);
		return 0;
	}
	if (geteuid() != 0)
		fatalx("must run as root (or with CAP_NET_ADMIN and "
		    "CAP_NET_RAW)");

	if ((rc = daemon_init(&d, c, path)) < 0) {
		log_warnx("startup failed: %s", strerror(-rc));
		daemon_fini(&d);
		return 1;
	}
	/* setup is done: keep only what the loop needs (privs.h) */
	if ((rc = privs_drop()) < 0) {
		log_warnx("dropping privileges failed: %s", strerror(-rc));
		daemon_fini(&d);
		return 1;
	}
	rc = daemon_run(&d);
	daemon_fini(&d);
	return rc < 0 ? 1 : 0;
}
