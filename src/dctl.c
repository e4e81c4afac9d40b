/* SPDX-License-Identifier: ISC */
/*
 * Setting up the control socket from the config (dctl.h).
 */
#include <errno.h>
#include <string.h>

#include "dctl.h"
#include "log.h"

struct control *
dctl_open(sd_event *ev, const struct conf *c, const struct control_ops *ops,
    void *ud)
{
	struct control *ctl;
	int rc;

	ctl = control_new(ev, c->socket_path, c->socket_group, ops, ud);
	if (!ctl) {
		rc = -errno;
		log_warnx("control socket %s: %s", c->socket_path,
		    strerror(-rc));
		errno = -rc;
		return NULL;
	}
	if (c->metrics_listen &&
	    (rc = control_metrics_set(ctl, c->metrics_listen)) < 0) {
		log_warnx("metrics-listen %s: %s", c->metrics_listen,
		    strerror(-rc));
		control_free(ctl);
		errno = -rc;
		return NULL;
	}
	return ctl;
}

static bool
same_str(const char *a, const char *b)
{
	return (!a || !*a) ? (!b || !*b) : (b && strcmp(a, b) == 0);
}

int
dctl_reload(struct control *ctl, const struct conf *old,
    const struct conf *nc, const char *conf_path, FILE *errf)
{
	const char *opt = NULL;
	int rc;

	/* made at start, before privileges are dropped: a new path could
	 * not be given its group (no CAP_CHOWN any more) */
	if (!same_str(nc->socket_path, old->socket_path))
		opt = "socket";
	else if (!same_str(nc->socket_group, old->socket_group))
		opt = "socket-group";
	if (opt) {
		log_warnx("reload: %s: changed; it takes effect only at start, "
		    "restart uplinkd to change it; keeping the running "
		    "configuration", opt);
		if (errf)
			fprintf(errf, "%s: %s changed: restart uplinkd to change "
			    "it; reload refused\n", conf_path, opt);
		return -EINVAL;
	}
	if (!ctl)
		return 0;
	if ((rc = control_metrics_set(ctl, nc->metrics_listen)) < 0) {
		log_warnx("reload: metrics-listen %s: %s; keeping the running "
		    "configuration", nc->metrics_listen, strerror(-rc));
		if (errf)
			fprintf(errf, "%s: metrics-listen %s: %s; reload "
			    "refused\n", conf_path, nc->metrics_listen,
			    strerror(-rc));
		return rc;
	}
	return 0;
}
