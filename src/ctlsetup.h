/* SPDX-License-Identifier: ISC */
/* What the control side sets up outside the process (ctlsetup.c): the
 * listening sockets (for control.c) and the cgroups of `uplinkctl exec`. */
#ifndef UPLINKD_CTLSETUP_H
#define UPLINKD_CTLSETUP_H

#include <stddef.h>

/*
 * The control socket at path: its directories made (0755), mode 0660,
 * group set when given, non-blocking, listening. Refuses (-EADDRINUSE)
 * while another instance answers there; a stale socket is removed. The fd
 * or -errno, logged.
 */
int ctlsetup_unix(const char *path, const char *group);

/* A non-blocking TCP listener on "ADDR:PORT" ("[V6]:PORT"; an empty ADDR
 * is any). The fd or -errno, logged. */
int ctlsetup_tcp(const char *hostport);

/* execcg_make for a link name a client sent (checked as the control
 * protocol checks it). */
int ctlsetup_exec_cgroup(const char *link, char *path, size_t size);

#endif
