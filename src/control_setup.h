/* SPDX-License-Identifier: ISC */
/* The control side's listening sockets (control_setup.c); for control.c. */
#ifndef UPLINKD_CONTROL_SETUP_H
#define UPLINKD_CONTROL_SETUP_H

/*
 * The control socket at path: its directories made (0755), mode 0660,
 * group set when given, non-blocking, listening. Refuses (-EADDRINUSE)
 * while another instance answers there; a stale socket is removed. The fd
 * or -errno, logged.
 */
int listen_unix(const char *path, const char *group);

/* A non-blocking TCP listener on "ADDR:PORT" ("[V6]:PORT"; an empty ADDR
 * is any). The fd or -errno, logged. */
int listen_tcp(const char *hostport);

#endif
