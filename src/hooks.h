/* SPDX-License-Identifier: ISC */
/*
 * Hooks: on every link state change, run each executable of the hooks
 * directory with the event in its environment, never through a shell, one
 * at a time and in order, with a timeout, without blocking the event loop;
 * their output is logged. Needs SIGCHLD blocked (sd_event_add_child).
 */
#ifndef UPLINKD_HOOKS_H
#define UPLINKD_HOOKS_H

#include <systemd/sd-event.h>

struct hooks;

/* NULL with errno set. dir may be NULL: hooks_run then does nothing. */
struct hooks *hooks_new(sd_event *e, const char *dir, unsigned int timeout_ms);
void hooks_free(struct hooks *h);

/* State changes whose hooks may wait to run; past that a change's hooks
 * are skipped (and logged). */
#define HOOKS_QUEUE_MAX	4096

/*
 * Queue a run of every hook with env (a NULL-terminated array of
 * "NAME=value" strings, copied) added to a minimal environment (PATH).
 * One hook runs at a time, concurrently with the loop: the hooks of one
 * state change in name order, state changes in the order they happened.
 * A hook that outlives the timeout is killed with its process group; its
 * output is logged, escaped, at most 20 lines a run. The directory is
 * read when the change's turn comes. 0, or -ENOBUFS (queue full, logged)
 * or -ENOMEM. May be called from any callback.
 */
int hooks_run(struct hooks *h, const char *const *env);

/* A reload: another directory (NULL: none) and timeout, keeping the hook
 * that runs and the state changes that wait. 0 or -ENOMEM (unchanged). */
int hooks_set(struct hooks *h, const char *dir, unsigned int timeout_ms);

/* Hooks running now (0 or 1), and state changes not done yet. */
unsigned int hooks_running(const struct hooks *h);
unsigned int hooks_waiting(const struct hooks *h);

#endif
