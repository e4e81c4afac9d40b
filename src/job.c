/* SPDX-License-Identifier: ISC */
/*
 * A blocking function run in a child process, with its result carried
 * back over a pipe; see job.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "job.h"
#include "log.h"

struct job {
	char name[32];
	pid_t pid;
	int fd;				/* the pipe's read end; -1: EOF */
	sd_event_source *io, *child, *timer;
	uint8_t *out;
	size_t outlen, out_max;
	bool timed_out;
	job_done_fn done;
	void *userdata;
};

static void
job_free(struct job *j)
{
	j->io = sd_event_source_disable_unref(j->io);
	j->child = sd_event_source_disable_unref(j->child);
	j->timer = sd_event_source_disable_unref(j->timer);
	if (j->fd >= 0)
		close(j->fd);
	free(j->out);
	free(j);
}

/* Read what the pipe holds (the child writes little: one read is one
 * small copy, never a loop over a table). */
static void
drain(struct job *j)
{
	uint8_t scratch[512];
	ssize_t n;

	while (j->fd >= 0) {
		if (j->outlen < j->out_max)
			n = read(j->fd, j->out + j->outlen,
			    j->out_max - j->outlen);
		else
			n = read(j->fd, scratch, sizeof(scratch));
		if (n > 0) {
			if (j->outlen < j->out_max)
				j->outlen += (size_t)n;
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		j->io = sd_event_source_disable_unref(j->io);
		close(j->fd);
		j->fd = -1;
	}
}

static int
io_cb(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	drain(userdata);
	return 0;
}

static int
child_cb(sd_event_source *s, const siginfo_t *si, void *userdata)
{
	struct job *j = userdata;
	int rc;

	drain(j);
	/* reap it now: the source is freed in this callback, before sd-event
	 * would reap it (a second wait fails harmlessly with ECHILD) */
	waitpid(j->pid, NULL, WNOHANG);
	if (j->timed_out)
		rc = -ETIMEDOUT;
	else if (si->si_code == CLD_EXITED)
		rc = -si->si_status;
	else
		rc = -ECHILD;
	if (rc < 0)
		log_debug("job %s (pid %d): %s", j->name, (int)j->pid,
		    strerror(-rc));
	j->done(j->userdata, rc, j->out, j->outlen);
	job_free(j);
	return 0;
}

static int
timer_cb(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct job *j = userdata;

	log_warnx("job %s (pid %d): still running at its time limit; killing "
	    "it", j->name, (int)j->pid);
	j->timed_out = true;
	kill(j->pid, SIGKILL);
	return 0;
}

/* In the child: run fn and exit without touching the loop's state. */
static void __attribute__((noreturn))
child(job_fn fn, void *arg, int out_fd)
{
	sigset_t all;
	int rc;

	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	rc = fn(arg, out_fd);
	_exit(rc > 0 && rc < 256 ? rc : rc == 0 ? 0 : EIO);
}

struct job *
job_start(sd_event *e, const char *name, job_fn fn, void *arg,
    size_t out_max, uint64_t timeout_ms, job_done_fn done, void *userdata)
{
	struct job *j;
	uint64_t now;
	int p[2], rc;

	if ((j = calloc(1, sizeof(*j))) == NULL)
		return NULL;
	snprintf(j->name, sizeof(j->name), "%s", name);
	j->fd = -1;
	j->out_max = out_max;
	j->done = done;
	j->userdata = userdata;
	if (out_max && (j->out = malloc(out_max)) == NULL)
		goto err_alloc;
	if (pipe2(p, O_CLOEXEC) < 0)
		goto err_alloc;
	if ((j->pid = fork()) < 0) {
		rc = -errno;
		close(p[0]);
		close(p[1]);
		errno = -rc;
		goto err_alloc;
	}
	if (j->pid == 0) {
		close(p[0]);
		child(fn, arg, p[1]);
	}
	close(p[1]);
	j->fd = p[0];
	if ((rc = fcntl(j->fd, F_SETFL, O_NONBLOCK) < 0 ? -errno : 0) < 0 ||
	    (rc = sd_event_add_io(e, &j->io, j->fd, EPOLLIN, io_cb, j)) < 0 ||
	    (rc = sd_event_add_child(e, &j->child, j->pid, WEXITED, child_cb,
	    j)) < 0 ||
	    (rc = sd_event_now(e, CLOCK_MONOTONIC, &now)) < 0 ||
	    (rc = sd_event_add_time(e, &j->timer, CLOCK_MONOTONIC,
	    now + timeout_ms * 1000, 10000, timer_cb, j)) < 0)
		goto err_watch;
	return j;
err_watch:
	log_warnx("job %s: cannot watch its child: %s", name, strerror(-rc));
	kill(j->pid, SIGKILL);
	waitpid(j->pid, NULL, 0);
	job_free(j);
	errno = -rc;
	return NULL;
err_alloc:
	rc = errno;
	job_free(j);
	errno = rc;
	return NULL;
}

void
job_cancel(struct job *j)
{
	if (j == NULL)
		return;
	kill(j->pid, SIGKILL);
	/* the child's source goes with the job: reap it here (it is dying;
	 * this waits for the kernel to tear it down, not for its work) */
	j->child = sd_event_source_disable_unref(j->child);
	waitpid(j->pid, NULL, 0);
	job_free(j);
}
