/* SPDX-License-Identifier: ISC */
/*
 * job runs one blocking function in a child process, off the event loop,
 * for work whose cost grows with the kernel's tables (a conntrack flush or
 * count): the loop goes on serving probes, netlink and control while the
 * child works, and hears the result through a callback. The child writes
 * its result (at most out_max bytes) to a pipe and exits; the loop reads
 * the pipe as it fills and reaps the child with sd-event (SIGCHLD must be
 * blocked, as the daemon does). A child over its time limit is killed.
 */
#ifndef UPLINKD_JOB_H
#define UPLINKD_JOB_H

#include <stddef.h>
#include <stdint.h>
#include <systemd/sd-event.h>

/* Runs in the child: write the result to out_fd; return 0 or an errno
 * value (positive), which becomes the child's exit status. The child
 * never returns to the loop. */
typedef int (*job_fn)(void *arg, int out_fd);
/* In the loop once the child is gone: rc is 0, -errno from the child,
 * -ETIMEDOUT (killed at the limit) or -ECHILD (died otherwise); out holds
 * what it wrote. The job is freed after this returns. */
typedef void (*job_done_fn)(void *userdata, int rc, const void *out,
    size_t outlen);

struct job;

/* Start fn(arg) in a child. NULL with errno set on failure (then done
 * is never called). */
struct job *job_start(sd_event *e, const char *name, job_fn fn, void *arg,
    size_t out_max, uint64_t timeout_ms, job_done_fn done, void *userdata);
/* Kill the child and forget it; done is not called. NULL is a no-op. */
void job_cancel(struct job *j);

#endif
