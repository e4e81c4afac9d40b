/* SPDX-License-Identifier: ISC */
/*
 * ha: what uplinkd knows of a VRRP pair it runs in. keepalived's notify
 * script tells it the router's role (`uplinkctl ha master|backup|fault`),
 * which status, metrics, events and hooks (HA_ROLE) show; and uplinkd
 * keeps a file for keepalived's track_file that says whether any of the
 * router's links works ("0") or none does ("1"), so that a router whose
 * uplinks are all dead lowers its priority and the other one takes over.
 * The role changes nothing uplinkd does to the kernel: both routers run
 * the same plan, so a connection conntrackd synced continues on the same
 * uplink, and the backup is ready the moment it is master.
 */
#ifndef UPLINKD_HA_H
#define UPLINKD_HA_H

#include <stdbool.h>

#include "health.h"

enum ha_role {
	HA_ROLE_NONE,		/* never told: not in a pair (default) */
	HA_ROLE_MASTER,
	HA_ROLE_BACKUP,
	HA_ROLE_FAULT,
};

/* "none", "master", "backup", "fault". */
const char *ha_role_name(enum ha_role r);
/* 0, or -EINVAL for anything but master, backup and fault. */
int ha_role_parse(const char *s, enum ha_role *out);

/* The track_file value for the links' states, one per link and family in
 * use (n of them): 1 when every one is down, else 0 (a link that is up,
 * degraded or not yet known keeps the router eligible). Pure. */
int ha_track_value(const enum health_state *states, unsigned int n);

/* Write value and a newline to path, replaced atomically (a temporary
 * file renamed over it), mode 0644. 0 or -errno. Small and local: may be
 * called from a loop callback. */
int ha_track_write(const char *path, int value);

#endif
