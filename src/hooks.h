/* SPDX-License-Identifier: ISC */
/*
 * Hooks: on every link state change, run each executable of the hooks
 * directory with the event in its environment, never through a shell, with
 * a timeout, without blocking the event loop; their output is logged.
 */
#ifndef UPLINKD_HOOKS_H
#define UPLINKD_HOOKS_H

#include <systemd/sd-event.h>

struct hooks;

/* NULL with errno set. dir may be NULL: hooks_run then does nothing. */
struct hooks *hooks_new(sd_event *e, const char *dir, unsigned int timeout_ms);
void hooks_free(struct hooks *h);

/*
 * Run every hook with env (a NULL-terminated array of "NAME=value"
 * strings, copied) added to a minimal environment (PATH). Hooks run in
 * name order, concurrently with the loop; one that outlives the timeout
 * is killed. Returns the number started, or -errno when the directory
 * cannot be read.
 */
int hooks_run(struct hooks *h, const char *const *env);

/* Hooks running now (for tests and shutdown). */
unsigned int hooks_running(const struct hooks *h);

#endif
