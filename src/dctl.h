/* SPDX-License-Identifier: ISC */
/*
 * The daemon's control socket as the config sets it up: made at start
 * (socket, socket-group, metrics-listen), checked and moved at a reload.
 */
#ifndef UPLINKD_DCTL_H
#define UPLINKD_DCTL_H

#include <stdio.h>

#include "conf.h"
#include "control.h"

/* The socket of c serving ops, with its metrics listener; NULL with errno
 * set and the reason logged. */
struct control *dctl_open(sd_event *ev, const struct conf *c,
    const struct control_ops *ops, void *ud);
/* Apply a new config's control options: metrics-listen moves, opens or
 * closes; a changed socket or socket-group refuses the reload (they are
 * set up at start only). ctl may be NULL. 0, or -errno with the reason
 * logged and written to errf (may be NULL). */
int dctl_reload(struct control *ctl, const struct conf *old,
    const struct conf *nc, const char *conf_path, FILE *errf);

#endif
