/* SPDX-License-Identifier: ISC */
/*
 * The conntrack follower: an event source that applies a bounded number
 * of conntrack events per wake-up, and off-loop jobs: flushes one at a
 * time from a queue, and beside them a full count when one is due (a
 * flush never waits for a count). See ctrack.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "conntrack.h"
#include "ctcount.h"
#include "ctrack.h"
#include "ctyoung.h"
#include "job.h"
#include "log.h"

#define EVENTS_PER_WAKE	256	/* then the loop serves others first */
#define EVENTS_PRIORITY	10	/* after probes, netlink and timers */
#define FLUSH_MAX	64	/* pending flushes (links x families) */
#define JOB_TIMEOUT_MS	30000
#define RETRY_MIN_MS	200
#define RETRY_MAX_MS	30000

struct flush {
	char link[32];
	int family;
	uint32_t mark;
	unsigned int attempts;
	uint64_t not_before_ms;
	uint64_t queued_ms;
};

struct ctrack {
	sd_event *event;
	int fd, cfd;			/* events; closes (-1: off) */
	sd_event_source *io, *cio, *retry;
	struct ctcount count;
	struct ctyoung *young;		/* NULL: off */
	void (*young_cb)(void *ud);	/* the young ones changed */
	void *young_ud;
	struct job *flush_job, *count_job;
	uint32_t flush_mask, count_mask;	/* what each running job uses */
	struct flush running;		/* valid while flush_job runs */
	struct flush queue[FLUSH_MAX];
	unsigned int nqueue;
	uint64_t ncounts, flushes, flush_errors;
};

static void next_job(struct ctrack *t);

static uint64_t
mono_ms(const struct ctrack *t)
{
	uint64_t us = 0;

	sd_event_now(t->event, CLOCK_MONOTONIC, &us);
	return us / 1000;
}

static char
famc(int family)
{
	return family == AF_INET ? '4' : '6';
}

static void
on_event(void *ud, const struct ctcount_ev *ev)
{
	struct ctrack *t = ud;
	uint64_t gen;

	ctcount_event(&t->count, ev->kind, ev->mark);
	if (t->young == NULL || ev->id == 0)
		return;
	gen = t->young->gen;
	switch (ev->kind) {
	case CTCOUNT_NEW:
		if (!ctcount_ev_load(ev))
			break;
		ctyoung_new(t->young, ev->id, (ev->mark & t->count.mask) >>
		    t->count.shift, mono_ms(t));
		break;
	case CTCOUNT_UPDATE:
		if (!ctcount_ev_closed(ev))
			break;
		/* FALLTHROUGH */
	case CTCOUNT_DESTROY:
		ctyoung_end(t->young, ev->id);
		break;
	}
	if (t->young->gen != gen && t->young_cb)
		t->young_cb(t->young_ud);
}

static void
read_events(struct ctrack *t)
{
	int r;

	r = conntrack_events_read(t->fd, EVENTS_PER_WAKE, on_event, t);
	if (r == -ENOBUFS)
		log_debug("conntrack: events lost; counting afresh");
	else if (r < 0)
		log_warnx("conntrack events: %s", strerror(-r));
	if (r < 0) {
		ctcount_lost(&t->count);
		next_job(t);
	}
}

static int
io_cb(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	read_events(userdata);
	return 0;
}

/* Closes: the NEW events before them first, so that a short connection's
 * close does not come before its birth. */
static int
close_io_cb(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct ctrack *t = userdata;
	int r;

	read_events(t);
	r = conntrack_events_read(fd, EVENTS_PER_WAKE, on_event, t);
	/* a lost close leaves a connection young until it grows up */
	if (r < 0 && r != -ENOBUFS)
		log_warnx("conntrack close events: %s", strerror(-r));
	return 0;
}

static int
count_fn(void *arg, int out_fd)
{
	uint64_t n[CTCOUNT_SLOTS];
	const uint8_t *p = (const uint8_t *)n;
	size_t off = 0;
	ssize_t w;
	int r;

	if ((r = conntrack_count_marks(*(uint32_t *)arg, n)) < 0)
		return -r;
	while (off < sizeof(n)) {
		if ((w = write(out_fd, p + off, sizeof(n) - off)) < 0) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		off += (size_t)w;
	}
	return 0;
}

static int
flush_fn(void *arg, int out_fd)
{
	const struct ctrack *t = arg;

	return -conntrack_flush_mark(t->running.family, t->running.mark,
	    t->flush_mask);
}

static void
count_done(struct ctrack *t, int rc, const void *out, size_t outlen)
{
	uint64_t n[CTCOUNT_SLOTS];

	if (rc == 0 && outlen == sizeof(n) && t->count_mask == t->count.mask) {
		memcpy(n, out, sizeof(n));
		ctcount_count_end(&t->count, n);
		t->ncounts++;
		return;
	}
	ctcount_count_end(&t->count, NULL);
	if (rc < 0)
		log_warnx("conntrack: counting connections: %s",
		    strerror(-rc));
}

static void
flush_done(struct ctrack *t, int rc)
{
	struct flush *f = &t->running;
	uint64_t now = mono_ms(t), backoff;

	if (rc == 0) {
		t->flushes++;
		ctcount_stale(&t->count);
		log_info("link %s: flushed its ipv%c connections (%llu ms)",
		    f->link, famc(f->family),
		    (unsigned long long)(now - f->queued_ms));
		return;
	}
	t->flush_errors++;
	backoff = (uint64_t)RETRY_MIN_MS << (f->attempts < 8 ? f->attempts :
	    8);
	if (backoff > RETRY_MAX_MS)
		backoff = RETRY_MAX_MS;
	log_warnx("link %s: conntrack flush: %s; retrying in %llu ms",
	    f->link, strerror(-rc), (unsigned long long)backoff);
	if (t->nqueue < FLUSH_MAX) {
		f->attempts++;
		f->not_before_ms = now + backoff;
		t->queue[t->nqueue++] = *f;
	}
}

static void
count_job_done(void *userdata, int rc, const void *out, size_t outlen)
{
	struct ctrack *t = userdata;

	t->count_job = NULL;
	count_done(t, rc, out, outlen);
	next_job(t);
}

static void
flush_job_done(void *userdata, int rc, const void *out, size_t outlen)
{
	struct ctrack *t = userdata;

	t->flush_job = NULL;
	flush_done(t, rc);
	next_job(t);
}

static int
retry_cb(sd_event_source *s, uint64_t usec, void *userdata)
{
	next_job(userdata);
	return 0;
}

static void
arm_retry(struct ctrack *t, uint64_t when_ms)
{
	if (t->retry == NULL) {
		if (sd_event_add_time(t->event, &t->retry, CLOCK_MONOTONIC,
		    when_ms * 1000, 10000, retry_cb, t) < 0)
			t->retry = NULL;
		return;
	}
	sd_event_source_set_time(t->retry, when_ms * 1000);
	sd_event_source_set_enabled(t->retry, SD_EVENT_ONESHOT);
}

/* Start a flush whose time has come, unless one runs; the soonest time
 * of those that must wait, or UINT64_MAX. */
static uint64_t
next_flush(struct ctrack *t, uint64_t now)
{
	uint64_t soonest = UINT64_MAX;
	unsigned int i;

	for (i = 0; i < t->nqueue; i++) {
		if (t->queue[i].not_before_ms > now || t->flush_job != NULL) {
			if (t->queue[i].not_before_ms < soonest)
				soonest = t->queue[i].not_before_ms;
			continue;
		}
		t->running = t->queue[i];
		t->queue[i--] = t->queue[--t->nqueue];
		t->flush_mask = t->count.mask;
		t->flush_job = job_start(t->event, "flush", flush_fn, t, 0,
		    JOB_TIMEOUT_MS, flush_job_done, t);
		if (t->flush_job == NULL) {
			flush_done(t, -errno);	/* queued again, later */
			soonest = now + RETRY_MIN_MS;
		}
	}
	return soonest;
}

/* Start what is due: flushes, and a full count. */
static void
next_job(struct ctrack *t)
{
	uint64_t now = mono_ms(t), soonest;

	soonest = next_flush(t, now);
	if (soonest != UINT64_MAX && t->flush_job == NULL)
		arm_retry(t, soonest);
	if (t->count_job == NULL &&
	    ctcount_due(&t->count, conntrack_kernel_count(), now)) {
		ctcount_count_begin(&t->count, now);
		t->count_mask = t->count.mask;
		t->count_job = job_start(t->event, "count", count_fn,
		    &t->count_mask, CTCOUNT_SLOTS * sizeof(uint64_t),
		    JOB_TIMEOUT_MS, count_job_done, t);
		if (t->count_job == NULL) {
			log_warn("conntrack: counting connections");
			ctcount_count_end(&t->count, NULL);
		}
	}
}

struct ctrack *
ctrack_new(sd_event *e, uint32_t mask)
{
	struct ctrack *t;
	int r;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->event = sd_event_ref(e);
	t->cfd = -1;
	ctcount_init(&t->count, mask);
	if ((t->fd = conntrack_events_open()) < 0) {
		r = t->fd;
		goto err_open;
	}
	if ((r = sd_event_add_io(e, &t->io, t->fd, EPOLLIN, io_cb, t)) < 0)
		goto err_io;
	if ((r = sd_event_source_set_priority(t->io, EVENTS_PRIORITY)) < 0)
		goto err_io;
	next_job(t);
	return t;
err_io:
	t->io = sd_event_source_disable_unref(t->io);
	close(t->fd);
err_open:
	sd_event_unref(t->event);
	free(t);
	errno = -r;
	return NULL;
}

void
ctrack_free(struct ctrack *t)
{
	if (t == NULL)
		return;
	job_cancel(t->flush_job);
	job_cancel(t->count_job);
	ctrack_young_on(t, false, NULL, NULL);
	sd_event_source_disable_unref(t->io);
	sd_event_source_disable_unref(t->retry);
	close(t->fd);
	sd_event_unref(t->event);
	free(t);
}

void
ctrack_set_mask(struct ctrack *t, uint32_t mask)
{
	if (mask == t->count.mask)
		return;
	ctcount_init(&t->count, mask);	/* a running count is discarded */
	if (t->young != NULL)
		ctyoung_init(t->young);	/* their slots were of the old mask */
	next_job(t);
}

void
ctrack_flush(struct ctrack *t, const char *link, int family, uint32_t mark)
{
	struct flush *f;
	unsigned int i;

	for (i = 0; i < t->nqueue; i++)
		if (t->queue[i].family == family && t->queue[i].mark == mark)
			return;		/* already queued */
	if (t->nqueue == FLUSH_MAX) {
		log_warnx("link %s: too many conntrack flushes queued; "
		    "skipping one", link);
		return;
	}
	f = &t->queue[t->nqueue++];
	memset(f, 0, sizeof(*f));
	snprintf(f->link, sizeof(f->link), "%s", link);
	f->family = family;
	f->mark = mark;
	f->queued_ms = mono_ms(t);
	next_job(t);
}

void
ctrack_flush_cancel(struct ctrack *t, int family, uint32_t mark)
{
	unsigned int i;

	for (i = 0; i < t->nqueue; i++)
		if (t->queue[i].family == family && t->queue[i].mark == mark) {
			t->queue[i] = t->queue[--t->nqueue];
			return;
		}
}

void
ctrack_tick(struct ctrack *t)
{
	next_job(t);
}

uint64_t
ctrack_connections(const struct ctrack *t, unsigned int slot)
{
	return ctcount_get(&t->count, slot);
}

void
ctrack_freshness(const struct ctrack *t, struct ctrack_fresh *f)
{
	uint64_t now = mono_ms(t);

	memset(f, 0, sizeof(*f));
	f->synced = t->count.synced;
	f->live = t->count.synced && !t->count.lost;
	f->age_ms = t->count.synced ? now - t->count.synced_ms : 0;
	f->events = t->count.events;
	f->counts = t->ncounts;
	f->flushes = t->flushes;
	f->flush_errors = t->flush_errors;
}

void
ctrack_young_on(struct ctrack *t, bool on, void (*cb)(void *ud), void *ud)
{
	int r;

	t->young_cb = cb;
	t->young_ud = ud;
	if (on == (t->young != NULL))
		return;
	if (!on) {
		t->cio = sd_event_source_disable_unref(t->cio);
		close(t->cfd);
		t->cfd = -1;
		free(t->young);
		t->young = NULL;
		return;
	}
	if ((t->young = malloc(sizeof(*t->young))) == NULL) {
		log_warnx("conntrack: young connections: %s", strerror(errno));
		return;
	}
	ctyoung_init(t->young);
	if ((t->cfd = r = conntrack_closes_open()) < 0 ||
	    (r = sd_event_add_io(t->event, &t->cio, t->cfd, EPOLLIN,
	    close_io_cb, t)) < 0 ||
	    (r = sd_event_source_set_priority(t->cio, EVENTS_PRIORITY)) < 0) {
		log_warnx("conntrack: close events: %s", strerror(-r));
		t->cio = sd_event_source_disable_unref(t->cio);
		if (t->cfd >= 0)
			close(t->cfd);
		t->cfd = -1;
		free(t->young);
		t->young = NULL;
	}
}

const struct ctyoung *
ctrack_young(struct ctrack *t)
{
	if (t->young != NULL)
		ctyoung_expire(t->young, mono_ms(t));
	return t->young;
}
