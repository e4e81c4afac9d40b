/* SPDX-License-Identifier: ISC */
/*
 * Hook runner: fork+execve of each regular, executable file of the hooks
 * directory that only its owner (root or us) may write, with the event in
 * environment variables; a child source reaps it, a timer kills it after
 * the timeout, and a pipe source logs what it prints, line by line.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
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
#define HOOKS_MAX	64

struct hook_proc {
	struct hooks *h;
	char name[NAME_MAX + 1];
	pid_t pid;
	int out_fd;
	char line[HOOK_LINE_MAX];
	size_t linelen;
	sd_event_source *child_src, *out_src, *timer_src;
	struct hook_proc *next;
};

struct hooks {
	sd_event *e;
	char *dir;
	unsigned int timeout_ms;
	struct hook_proc *procs;
	unsigned int nrunning;
};

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
	if (p->linelen) {
		p->line[p->linelen] = '\0';
		log_info("hook %s: %s", p->name, p->line);
		p->linelen = 0;
	}
}

static void
proc_free(struct hook_proc *p)
{
	struct hook_proc **pp;

	for (pp = &p->h->procs; *pp; pp = &(*pp)->next)
		if (*pp == p) {
			*pp = p->next;
			break;
		}
	proc_flush(p);
	sd_event_source_unref(p->child_src);
	sd_event_source_unref(p->out_src);
	sd_event_source_unref(p->timer_src);
	if (p->out_fd >= 0)
		close(p->out_fd);
	p->h->nrunning--;
	free(p);
}

/* Read what the hook printed; log whole lines. Returns true at end of
 * output or on error (the pipe is then closed), false on EAGAIN. */
static bool
drain_output(struct hook_proc *p)
{
	char buf[1024];
	ssize_t n, i;

	for (;;) {
		n = read(p->out_fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return false;
		if (n <= 0)
			break;
		for (i = 0; i < n; i++) {
			if (buf[i] == '\n' ||
			    p->linelen == sizeof(p->line) - 1)
				proc_flush(p);
			if (buf[i] != '\n')
				p->line[p->linelen++] = buf[i];
		}
	}
	proc_flush(p);
	p->out_src = sd_event_source_unref(p->out_src);
	close(p->out_fd);
	p->out_fd = -1;
	return true;
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
	/* what the hook printed before it exited (a background child of
	 * the hook may still hold the pipe: then stop at EAGAIN) */
	if (p->out_fd >= 0)
		drain_output(p);
	if (si->si_code == CLD_EXITED && si->si_status != 0)
		log_warnx("hook %s: exited with status %d", p->name,
		    si->si_status);
	else if (si->si_code == CLD_KILLED || si->si_code == CLD_DUMPED)
		log_warnx("hook %s: killed by signal %d", p->name,
		    si->si_status);
	else
		log_debug("hook %s: done", p->name);
	proc_free(p);
	return 0;
}

static int
timer_cb(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct hook_proc *p = userdata;

	log_warnx("hook %s: still running after %u ms; killing it", p->name,
	    p->h->timeout_ms);
	kill(p->pid, SIGKILL);
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

static int
start_one(struct hooks *h, int dirfd, const char *name,
    char *const *envp)
{
	struct hook_proc *p;
	char path[PATH_MAX];
	uint64_t now;
	int pfd[2];
	pid_t pid;

	/* by path, not fexecve: a script's interpreter must be able to open
	 * it (the checks of hook_safe ran on the same path just before) */
	if (snprintf(path, sizeof(path), "%s/%s", h->dir, name) >=
	    (int)sizeof(path))
		return -ENAMETOOLONG;
	(void)dirfd;
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return -errno;
	}
	if (pid == 0) {
		char *argv[] = { (char *)name, NULL };
		int devnull = open("/dev/null", O_RDONLY);
		sigset_t all;

		sigemptyset(&all);
		sigprocmask(SIG_SETMASK, &all, NULL);
		signal(SIGPIPE, SIG_DFL);
		if (devnull >= 0)
			dup2(devnull, STDIN_FILENO);
		dup2(pfd[1], STDOUT_FILENO);
		dup2(pfd[1], STDERR_FILENO);
		setsid();
		execve(path, argv, envp);
		fprintf(stderr, "exec %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	close(pfd[1]);
	fcntl(pfd[0], F_SETFL, O_NONBLOCK);

	p = calloc(1, sizeof(*p));
	if (!p) {
		close(pfd[0]);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return -ENOMEM;
	}
	p->h = h;
	p->pid = pid;
	p->out_fd = pfd[0];
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->next = h->procs;
	h->procs = p;
	h->nrunning++;
	sd_event_add_child(h->e, &p->child_src, pid, WEXITED, child_cb, p);
	sd_event_add_io(h->e, &p->out_src, p->out_fd, EPOLLIN, out_cb, p);
	sd_event_now(h->e, CLOCK_MONOTONIC, &now);
	sd_event_add_time(h->e, &p->timer_src, CLOCK_MONOTONIC,
	    now + h->timeout_ms * 1000ULL, 1000, timer_cb, p);
	log_debug("hook %s: started, pid %d", name, (int)pid);
	return 0;
}

static int
name_cmp(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

int
hooks_run(struct hooks *h, const char *const *env)
{
	char *envp[HOOK_ENV_MAX + 2];
	struct dirent **names;
	int dirfd, n, i, started = 0;
	size_t ne = 0;

	if (!h->dir)
		return 0;
	envp[ne++] = (char *)"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:"
	    "/usr/bin:/sbin:/bin";
	for (i = 0; env[i] && ne < HOOK_ENV_MAX; i++)
		envp[ne++] = (char *)env[i];
	envp[ne] = NULL;

	if ((dirfd = open(h->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		if (errno == ENOENT)
			return 0;
		log_warn("hooks: %s", h->dir);
		return -errno;
	}
	/* a directory others may write to could swap a checked hook for
	 * another between the check and the exec */
	{
		struct stat st;

		if (fstat(dirfd, &st) < 0 || (st.st_mode & (S_IWGRP | S_IWOTH)) ||
		    (st.st_uid != 0 && st.st_uid != geteuid())) {
			log_warnx("hooks: %s is writable by others or not "
			    "root's; no hook run", h->dir);
			close(dirfd);
			return -EPERM;
		}
	}
	n = scandir(h->dir, &names, NULL, name_cmp);
	if (n < 0) {
		n = -errno;
		close(dirfd);
		return n;
	}
	for (i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		int rc;

		if (name[0] != '.' && h->nrunning < HOOKS_MAX &&
		    hook_safe(dirfd, name)) {
			if ((rc = start_one(h, dirfd, name, envp)) < 0)
				log_warnx("hook %s: %s", name, strerror(-rc));
			else
				started++;
		}
		free(names[i]);
	}
	free(names);
	close(dirfd);
	return started;
}

unsigned int
hooks_running(const struct hooks *h)
{
	return h->nrunning;
}

void
hooks_free(struct hooks *h)
{
	if (!h)
		return;
	while (h->procs) {
		kill(h->procs->pid, SIGKILL);
		waitpid(h->procs->pid, NULL, 0);
		proc_free(h->procs);
	}
	free(h->dir);
	sd_event_unref(h->e);
	free(h);
}
