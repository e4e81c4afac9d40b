/* SPDX-License-Identifier: ISC */
/*
 * Hook runner: a queue of state changes, and for each, fork+execve of each
 * regular, executable file of the hooks directory that only its owner
 * (root or us) may write, with the event in environment variables, one
 * at a time. A child source reaps each (SIGCHLD must be blocked), a timer
 * kills its process group after the timeout, and a pipe source logs what
 * it prints, escaped, a bounded amount per wake-up and per run.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hooks.h"
#include "log.h"

#define HOOK_LINE_MAX	512
#define HOOK_ENV_MAX	64
#define HOOK_READ_MAX	(16 * 1024)	/* bytes read per wake-up */
#define HOOK_LOG_LINES	20		/* lines logged per hook run */
#define HOOK_PAUSE_US	100000		/* between reads of a chatty hook */
#define HOOK_PRIORITY	20		/* after probes, netlink, control */

struct hook_proc {
	struct hooks *h;
	char name[NAME_MAX + 1];
	pid_t pid;			/* also the process group (setsid) */
	int out_fd;
	char line[HOOK_LINE_MAX];
	size_t linelen;
	unsigned int lines;		/* logged */
	uint64_t unlogged;		/* lines past HOOK_LOG_LINES */
	bool killed;
	sd_event_source *child_src, *out_src, *timer_src, *pause_src;
};

/* One state change whose hooks have not all run: its environment, the
 * strings packed after the struct. */
struct hook_event {
	struct hook_event *next;
	char *env[HOOK_ENV_MAX + 2];
	char data[];
};

struct hooks {
	sd_event *e;
	char *dir;
	unsigned int timeout_ms;
	struct hook_event *head, *tail;	/* head: the one running */
	unsigned int nqueued;
	struct dirent **names;		/* head's hooks, in name order */
	int nnames, next;		/* next: the index of the next one */
	bool listed;
	struct hook_proc *proc;		/* the one running, or NULL */
	uint64_t runs, skipped;
};

static void advance(struct hooks *h);

struct hooks *
hooks_new(sd_event *e, const char *dir, unsigned int timeout_ms)
{
	struct hooks *h = calloc(1, sizeof(*h));

	if (!h)
		return NULL;
	h->e = sd_event_ref(e);
	h->timeout_ms = timeout_ms;
	if (dir && !(h->dir = strdup(dir))) {
		sd_event_unref(h->e);
		free(h);
		return NULL;
	}
	return h;
}

static void
proc_flush(struct hook_proc *p)
{
	char esc[HOOK_LINE_MAX * 4];

	if (!p->linelen)
		return;
	if (p->lines < HOOK_LOG_LINES) {
		log_escape(p->line, p->linelen, esc, sizeof(esc));
		log_info("hook %s: %s", p->name, esc);
		if (++p->lines == HOOK_LOG_LINES)
			log_info("hook %s: more output is not logged",
			    p->name);
	} else {
		p->unlogged++;
	}
	p->linelen = 0;
}

static void
proc_free(struct hook_proc *p)
{
	proc_flush(p);
	if (p->unlogged)
		log_info("hook %s: %llu more lines not logged", p->name,
		    (unsigned long long)p->unlogged);
	sd_event_source_disable_unref(p->child_src);
	sd_event_source_disable_unref(p->out_src);
	sd_event_source_disable_unref(p->timer_src);
	sd_event_source_disable_unref(p->pause_src);
	if (p->out_fd >= 0)
		close(p->out_fd);
	if (p->h->proc == p)
		p->h->proc = NULL;
	free(p);
}

static int
resume_cb(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct hook_proc *p = userdata;

	if (p->out_src &&
	    sd_event_source_set_enabled(p->out_src, SD_EVENT_ON) < 0)
		log_warnx("hook %s: cannot read its output", p->name);
	return 0;
}

/* A hook that fills HOOK_READ_MAX in one go is read again HOOK_PAUSE_US
 * later, not at once: meanwhile its pipe fills and it waits, instead of
 * the loop spinning on its output. */
static void
pause_output(struct hook_proc *p)
{
	int rc;

	if (!p->pause_src)
		rc = sd_event_add_time_relative(p->h->e, &p->pause_src,
		    CLOCK_MONOTONIC, HOOK_PAUSE_US, 10000, resume_cb, p);
	else if ((rc = sd_event_source_set_time_relative(p->pause_src,
	    HOOK_PAUSE_US)) >= 0)
		rc = sd_event_source_set_enabled(p->pause_src,
		    SD_EVENT_ONESHOT);
	if (rc >= 0)
		rc = sd_event_source_set_enabled(p->out_src, SD_EVENT_OFF);
	if (rc < 0)
		log_warnx("hook %s: cannot pause reading: %s", p->name,
		    strerror(-rc));
}

/* Read what the hook printed, at most HOOK_READ_MAX bytes; log whole
 * lines. At end of output or on error the pipe is closed. */
static void
drain_output(struct hook_proc *p)
{
	char buf[4096];
	size_t total = 0;
	ssize_t n, i;

	while (total < HOOK_READ_MAX) {
		n = read(p->out_fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0)
			break;
		total += (size_t)n;
		for (i = 0; i < n; i++) {
			if (buf[i] == '\n' ||
			    p->linelen == sizeof(p->line) - 1)
				proc_flush(p);
			if (buf[i] != '\n')
				p->line[p->linelen++] = buf[i];
		}
	}
	if (total >= HOOK_READ_MAX) {
		if (p->out_src)		/* more later */
			pause_output(p);
		return;
	}
	proc_flush(p);
	p->out_src = sd_event_source_disable_unref(p->out_src);
	close(p->out_fd);
	p->out_fd = -1;
}

static int
out_cb(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	drain_output(userdata);
	return 0;
}

static int
child_cb(sd_event_source *s, const siginfo_t *si, void *userdata)
{
	struct hook_proc *p = userdata;
	struct hooks *h = p->h;

	/* what the hook printed before it exited (a background child of
	 * the hook may still hold the pipe: then stop at EAGAIN, or after
	 * HOOK_READ_MAX bytes) */
	if (p->out_fd >= 0)
		drain_output(p);
	if (si->si_code == CLD_EXITED && si->si_status != 0)
		log_warnx("hook %s: exited with status %d", p->name,
		    si->si_status);
	else if (si->si_code == CLD_KILLED || si->si_code == CLD_DUMPED)
		log_warnx("hook %s: killed by signal %d%s", p->name,
		    si->si_status, p->killed ? " (timeout)" : "");
	else
		log_debug("hook %s: done", p->name);
	proc_free(p);		/* sd-event has reaped it */
	advance(h);
	return 0;
}

static int
timer_cb(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct hook_proc *p = userdata;

	log_warnx("hook %s: still running after %u ms; killing its process "
	    "group", p->name, p->h->timeout_ms);
	/* the hook's children too: it leads its own process group */
	if (kill(-p->pid, SIGKILL) < 0 && errno != ESRCH)
		log_warn("hook %s: kill", p->name);
	p->killed = true;
	return 0;
}

/* A hook must be a regular executable file that nobody but its owner,
 * root or the daemon's user, can change. */
static bool
hook_safe(int dirfd, const char *name)
{
	struct stat st;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return false;
	if (!S_ISREG(st.st_mode) || !(st.st_mode & S_IXUSR))
		return false;
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		log_warnx("hook %s: writable by group or others; not run",
		    name);
		return false;
	}
	if (st.st_uid != 0 && st.st_uid != geteuid()) {
		log_warnx("hook %s: owned by uid %u; not run", name,
		    (unsigned int)st.st_uid);
		return false;
	}
	return true;
}

/* Watch a started hook: reap it, read its output, time it out. */
static int
watch(struct hooks *h, struct hook_proc *p)
{
	int rc;

	if ((rc = sd_event_add_child(h->e, &p->child_src, p->pid, WEXITED,
	    child_cb, p)) < 0 ||
	    (rc = sd_event_add_io(h->e, &p->out_src, p->out_fd, EPOLLIN,
	    out_cb, p)) < 0 ||
	    (rc = sd_event_add_time_relative(h->e, &p->timer_src,
	    CLOCK_MONOTONIC, h->timeout_ms * 1000ULL, 1000, timer_cb, p)) < 0)
		return rc;
	if ((rc = sd_event_source_set_priority(p->child_src,
	    HOOK_PRIORITY)) < 0 ||
	    (rc = sd_event_source_set_priority(p->out_src,
	    HOOK_PRIORITY)) < 0)
		return rc;
	return 0;
}

static void __attribute__((noreturn))
child_exec(const char *path, const char *name, int out, char *const *envp)
{
	char *argv[] = { (char *)name, NULL };
	int devnull = open("/dev/null", O_RDONLY);
	sigset_t all;

	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	signal(SIGPIPE, SIG_DFL);
	if (devnull >= 0)
		dup2(devnull, STDIN_FILENO);
	dup2(out, STDOUT_FILENO);
	dup2(out, STDERR_FILENO);
	/* a session, so a process group, of its own: the timeout kills
	 * whatever the hook started */
	setsid();
	execve(path, argv, envp);
	fprintf(stderr, "exec %s: %s\n", path, strerror(errno));
	_exit(127);
}

static int
start_one(struct hooks *h, const char *name, char *const *envp)
{
	struct hook_proc *p;
	char path[PATH_MAX];
	int pfd[2], rc;
	pid_t pid;

	/* by path, not fexecve: a script's interpreter must be able to open
	 * it (the checks of hook_safe ran on the same path just before) */
	if (snprintf(path, sizeof(path), "%s/%s", h->dir, name) >=
	    (int)sizeof(path))
		return -ENAMETOOLONG;
	if (!(p = calloc(1, sizeof(*p))))
		return -ENOMEM;
	if (pipe2(pfd, O_CLOEXEC) < 0) {
		rc = -errno;
		free(p);
		return rc;
	}
	pid = fork();
	if (pid < 0) {
		rc = -errno;
		close(pfd[0]);
		close(pfd[1]);
		free(p);
		return rc;
	}
	if (pid == 0)
		child_exec(path, name, pfd[1], envp);
	close(pfd[1]);
	p->h = h;
	p->pid = pid;
	p->out_fd = pfd[0];
	snprintf(p->name, sizeof(p->name), "%s", name);
	if (fcntl(p->out_fd, F_SETFL, O_NONBLOCK) < 0)
		rc = -errno;
	else
		rc = watch(h, p);
	if (rc < 0) {
		/* nobody would reap it: do it now */
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		proc_free(p);
		return rc;
	}
	h->proc = p;
	h->runs++;
	log_debug("hook %s: started, pid %d", name, (int)pid);
	return 0;
}

static int
name_cmp(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* The hooks of the directory, in name order, into h->names; 0 or -errno
 * (none run). */
static int
list_hooks(struct hooks *h)
{
	struct stat st;
	int dirfd, n;

	if ((dirfd = open(h->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		if (errno == ENOENT)
			return -ENOENT;
		log_warn("hooks: %s", h->dir);
		return -errno;
	}
	/* a directory others may write to could swap a checked hook for
	 * another between the check and the exec */
	if (fstat(dirfd, &st) < 0 || (st.st_mode & (S_IWGRP | S_IWOTH)) ||
	    (st.st_uid != 0 && st.st_uid != geteuid())) {
		log_warnx("hooks: %s is writable by others or not root's; no "
		    "hook run", h->dir);
		close(dirfd);
		return -EPERM;
	}
	close(dirfd);
	if ((n = scandir(h->dir, &h->names, NULL, name_cmp)) < 0) {
		log_warn("hooks: %s", h->dir);
		return -errno;
	}
	h->nnames = n;
	h->next = 0;
	return 0;
}

static void
done_event(struct hooks *h)
{
	struct hook_event *ev = h->head;
	int i;

	for (i = 0; i < h->nnames; i++)
		free(h->names[i]);
	free(h->names);
	h->names = NULL;
	h->nnames = h->next = 0;
	h->listed = false;
	h->head = ev->next;
	if (!h->head)
		h->tail = NULL;
	h->nqueued--;
	free(ev);
}

/* Start the next hook: the next of the head event's, or the first of the
 * next event's. One hook runs at a time. May be called from callbacks. */
static void
advance(struct hooks *h)
{
	while (!h->proc && h->head) {
		const char *name;
		int dirfd, rc;

		if (!h->dir) {		/* hooks-dir removed by a reload */
			done_event(h);
			continue;
		}
		if (!h->listed) {
			h->listed = true;
			if (list_hooks(h) < 0)
				h->nnames = 0;
		}
		if (h->next >= h->nnames) {
			done_event(h);
			continue;
		}
		name = h->names[h->next++]->d_name;
		if (name[0] == '.')
			continue;
		if ((dirfd = open(h->dir, O_RDONLY | O_DIRECTORY |
		    O_CLOEXEC)) < 0) {
			log_warn("hooks: %s", h->dir);
			h->next = h->nnames;
			continue;
		}
		if (hook_safe(dirfd, name) &&
		    (rc = start_one(h, name, h->head->env)) < 0)
			log_warnx("hook %s: not run: %s", name, strerror(-rc));
		close(dirfd);
	}
}

/* A copy of env after PATH, packed in one allocation. */
static struct hook_event *
event_new(const char *const *env)
{
	static const char path[] = "PATH=/usr/local/sbin:/usr/local/bin:"
	    "/usr/sbin:/usr/bin:/sbin:/bin";
	struct hook_event *ev;
	size_t len = sizeof(path), n, i;
	char *p;

	for (i = 0; env[i] && i < HOOK_ENV_MAX; i++)
		len += strlen(env[i]) + 1;
	if (!(ev = calloc(1, sizeof(*ev) + len)))
		return NULL;
	p = ev->data;
	memcpy(p, path, sizeof(path));
	ev->env[0] = p;
	p += sizeof(path);
	for (i = 0; env[i] && i < HOOK_ENV_MAX; i++) {
		n = strlen(env[i]) + 1;
		memcpy(p, env[i], n);
		ev->env[i + 1] = p;
		p += n;
	}
	ev->env[i + 1] = NULL;
	return ev;
}

int
hooks_run(struct hooks *h, const char *const *env)
{
	struct hook_event *ev;

	if (!h->dir)
		return 0;
	if (h->nqueued >= HOOKS_QUEUE_MAX) {
		h->skipped++;
		log_warnx("hooks: %u state changes waiting already; hooks not "
		    "run for %s %s %s", h->nqueued, env[0] ? env[0] : "",
		    env[0] && env[1] ? env[1] : "",
		    env[0] && env[1] && env[2] ? env[2] : "");
		return -ENOBUFS;
	}
	if (!(ev = event_new(env))) {
		log_warnx("hooks: out of memory; hooks not run");
		return -ENOMEM;
	}
	if (h->tail)
		h->tail->next = ev;
	else
		h->head = ev;
	h->tail = ev;
	h->nqueued++;
	advance(h);
	return 0;
}

int
hooks_set(struct hooks *h, const char *dir, unsigned int timeout_ms)
{
	char *nd = NULL;

	if (dir && !(nd = strdup(dir)))
		return -ENOMEM;
	if (!nd || !h->dir || strcmp(nd, h->dir) != 0)
		h->next = h->nnames;	/* the rest of a listing of the old */
	free(h->dir);
	h->dir = nd;
	h->timeout_ms = timeout_ms;	/* for hooks started from now on */
	advance(h);
	return 0;
}

unsigned int
hooks_running(const struct hooks *h)
{
	return h->proc ? 1 : 0;
}

unsigned int
hooks_waiting(const struct hooks *h)
{
	return h->nqueued;
}

void
hooks_free(struct hooks *h)
{
	if (!h)
		return;
	if (h->proc) {
		pid_t pid = h->proc->pid;

		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
		/* the child source first: sd-event would reap it too */
		h->proc->child_src = sd_event_source_disable_unref(
		    h->proc->child_src);
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		proc_free(h->proc);
	}
	while (h->head)
		done_event(h);
	free(h->dir);
	sd_event_unref(h->e);
	free(h);
}
