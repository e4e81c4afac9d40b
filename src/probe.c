/* SPDX-License-Identifier: ISC */
/*
 * ICMP echo probing of one link and family over a raw socket, driven by
 * sd-event: a CLOCK_MONOTONIC timer sends, an I/O source receives. Packets
 * are built and parsed by icmp.c; this file only does the syscalls and the
 * matching of replies to probes. See probe.h.
 */
#include <errno.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <sys/random.h>
#include <unistd.h>

#include "icmp.h"
#include "log.h"
#include "probe.h"
#include "siphash.h"

#ifndef ICMP_FILTER
#define ICMP_FILTER	1	/* linux/icmp.h, SOL_RAW */
#endif

#define SLOTS		256	/* probes remembered, by seq % SLOTS */
#define RECV_BUDGET	64	/* datagrams per wake-up: a flood of echo
				 * replies cannot hold the loop */
#define PROBE_PRIORITY	SD_EVENT_PRIORITY_IMPORTANT	/* before all else */

struct slot {
	bool used;
	uint16_t seq;
	unsigned int target;
	uint64_t sent_us;		/* CLOCK_MONOTONIC */
	uint64_t sent_rt_ns;		/* CLOCK_REALTIME, as the kernel's
					 * receive timestamps */
};

struct probe {
	sd_event *event;
	sd_event_source *io, *timer;
	int fd;
	char linkname[32];
	char ifname[IF_NAMESIZE];
	int family;
	struct addr src;
	uint32_t mark;
	struct addr *targets;
	unsigned int ntargets, next;
	uint64_t interval_us, next_us;
	size_t size;
	uint16_t ident, seq;
	struct slot slots[SLOTS];
	probe_result_fn cb;
	void *userdata;
	struct probe_counters c;
	uint8_t salt[8];		/* random per probe; its first bytes
					 * give the id and first sequence */
	bool demoted;			/* io at normal priority: flooded */
};

static uint8_t key[SIPHASH_KEY_LEN];	/* the tags' key, drawn once */
static bool have_key;

/* Random bytes from the kernel: 0 or -errno (never a guessable fallback). */
static int
probe_random(uint8_t *buf, size_t len)
{
	ssize_t n;

	if (!have_key) {
		n = getrandom(key, sizeof(key), 0);
		if (n != (ssize_t)sizeof(key))
			return n < 0 ? -errno : -EIO;
		have_key = true;
	}
	n = getrandom(buf, len, 0);
	if (n != (ssize_t)len)
		return n < 0 ? -errno : -EIO;
	return 0;
}

/* The tag of a request: who sent it (this probe's salt), to whom, which
 * sequence, when. */
static uint64_t
tag_of(const struct probe *p, const struct addr *target, uint16_t seq,
    uint64_t sent_us)
{
	uint8_t m[sizeof(p->salt) + 16 + 2 + 8];
	size_t off = 0;

	memcpy(m, p->salt, sizeof(p->salt));
	off += sizeof(p->salt);
	memset(m + off, 0, 16);
	memcpy(m + off, &target->u, target->family == AF_INET ? 4 : 16);
	off += 16;
	memcpy(m + off, &seq, sizeof(seq));
	off += sizeof(seq);
	memcpy(m + off, &sent_us, sizeof(sent_us));
	off += sizeof(sent_us);
	return siphash24(key, m, off);
}

static uint64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static uint64_t
realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + (uint64_t)ts.tv_nsec;
}

uint64_t
probe_now_ms(void)
{
	return now_us() / 1000;
}

static socklen_t
to_sockaddr(const struct addr *a, const char *ifname,
    struct sockaddr_storage *ss)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (a->family == AF_INET) {
		sin->sin_family = AF_INET;
		sin->sin_addr = a->u.v4;
		return sizeof(*sin);
	}
	sin6->sin6_family = AF_INET6;
	sin6->sin6_addr = a->u.v6;
	if (addr_is_linklocal6(a))
		sin6->sin6_scope_id = if_nametoindex(ifname);
	return sizeof(*sin6);
}

static int
open_socket(const struct probe *p, const struct addr *src)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd, off = 0, on = 1;

	fd = socket(p->family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    p->family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, p->ifname,
	    strlen(p->ifname) + 1) < 0)
		goto err;
	if (setsockopt(fd, SOL_SOCKET, SO_MARK, &p->mark,
	    sizeof(p->mark)) < 0)
		goto err;
	/* the kernel stamps each reply as it arrives: a busy loop that reads
	 * it late cannot inflate the round trip */
	if (setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on)) < 0)
		goto err;
	if (p->family == AF_INET) {
		uint32_t filt = ~(1U << ICMP_ECHOREPLY);

		if (setsockopt(fd, SOL_RAW, ICMP_FILTER, &filt,
		    sizeof(filt)) < 0)
			goto err;
		if (setsockopt(fd, IPPROTO_IP, IP_RECVERR, &off,
		    sizeof(off)) < 0)
			goto err;
	} else {
		struct icmp6_filter filt;

		ICMP6_FILTER_SETBLOCKALL(&filt);
		ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &filt);
		if (setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &filt,
		    sizeof(filt)) < 0)
			goto err;
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_RECVERR, &off,
		    sizeof(off)) < 0)
			goto err;
	}
	if (src && addr_is_set(src)) {
		if (src->family != p->family) {
			errno = EAFNOSUPPORT;
			goto err;
		}
		sl = to_sockaddr(src, p->ifname, &ss);
		if (bind(fd, (struct sockaddr *)&ss, sl) < 0)
			goto err;
	}
	return fd;
err:
	off = -errno;
	close(fd);
	return off;
}

/* When a datagram arrived: its kernel receive timestamp (CLOCK_REALTIME,
 * ns; 0 when absent). */
static uint64_t
rx_stamp_ns(struct msghdr *mh)
{
	struct cmsghdr *cm;
	struct timespec ts;

	for (cm = CMSG_FIRSTHDR(mh); cm != NULL; cm = CMSG_NXTHDR(mh, cm))
		if (cm->cmsg_level == SOL_SOCKET &&
		    cm->cmsg_type == SCM_TIMESTAMPNS &&
		    cm->cmsg_len >= CMSG_LEN(sizeof(ts))) {
			memcpy(&ts, CMSG_DATA(cm), sizeof(ts));
			return (uint64_t)ts.tv_sec * 1000000000 +
			    (uint64_t)ts.tv_nsec;
		}
	return 0;
}

/*
 * The round trip of slot s answered at rx_rt_ns (kernel time; 0: unknown,
 * then the time it is read), and when that was on the monotonic clock
 * (*at_us): the reply counts when it arrived, not when the loop got to it.
 */
static uint32_t
round_trip_us(const struct slot *s, uint64_t rx_rt_ns, uint64_t now_mono_us,
    uint64_t now_rt_ns, uint64_t *at_us)
{
	uint64_t late_us;

	*at_us = now_mono_us;
	if (rx_rt_ns != 0 && rx_rt_ns >= s->sent_rt_ns &&
	    rx_rt_ns <= now_rt_ns &&
	    (rx_rt_ns - s->sent_rt_ns) / 1000 <= UINT32_MAX) {
		late_us = (now_rt_ns - rx_rt_ns) / 1000;
		if (late_us < now_mono_us - s->sent_us)
			*at_us = now_mono_us - late_us;
		return (uint32_t)((rx_rt_ns - s->sent_rt_ns) / 1000);
	}
	/* no stamp, or the wall clock was stepped: the loop's own times */
	return now_mono_us > s->sent_us ?
	    (uint32_t)(now_mono_us - s->sent_us) : 0;
}

static void
receive_one(struct probe *p, const uint8_t *buf, size_t len,
    const struct sockaddr_storage *ss, uint64_t rx_rt_ns)
{
	struct icmp_reply r;
	struct addr from;
	struct slot *s;
	uint64_t at_us;
	uint32_t rtt_us;
	int rc;

	memset(&from, 0, sizeof(from));
	if (ss->ss_family == AF_INET6)
		addr_from_bytes(&from, AF_INET6,
		    &((const struct sockaddr_in6 *)ss)->sin6_addr);
	rc = icmp_parse_reply(p->family, buf, len, &from, &r);
	if (rc == -ENOMSG) {
		p->c.ignored++;
		return;
	}
	if (rc < 0) {
		p->c.malformed++;
		return;
	}
	s = &p->slots[r.seq % SLOTS];
	if (r.id != p->ident || !r.magic_ok || !s->used || s->seq != r.seq ||
	    !addr_eq(&r.src, &p->targets[s->target])) {
		p->c.ignored++;
		return;
	}
	/* what echoes our request echoes its tag; anything else is made up */
	if (!r.has_tag || r.sent_us != s->sent_us ||
	    r.tag != tag_of(p, &p->targets[s->target], r.seq, s->sent_us)) {
		p->c.forged++;
		return;
	}
	s->used = false;	/* a duplicate is ignored */
	p->c.replies++;
	rtt_us = round_trip_us(s, rx_rt_ns, now_us(), realtime_ns(), &at_us);
	p->cb(p->userdata, s->target, PROBE_REPLY, r.seq, rtt_us,
	    at_us / 1000);
}

static int
on_io(sd_event_source *es, int fd, uint32_t revents, void *arg)
{
	struct probe *p = arg;
	uint8_t buf[ICMP_PACKET_MAX];
	union {
		struct cmsghdr align;
		uint8_t buf[CMSG_SPACE(sizeof(struct timespec)) + 64];
	} ctl;
	struct sockaddr_storage ss;
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr mh;
	unsigned int budget;
	ssize_t n;

	/* what is left waits for the next turn, after the other sources */
	for (budget = RECV_BUDGET; budget > 0; budget--) {
		memset(&mh, 0, sizeof(mh));
		mh.msg_name = &ss;
		mh.msg_namelen = sizeof(ss);
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = ctl.buf;
		mh.msg_controllen = sizeof(ctl.buf);
		n = recvmsg(fd, &mh, MSG_DONTWAIT);
		if (n < 0) {
			if (errno != EAGAIN && errno != EINTR)
				log_warn("link %s: probe recvmsg",
				    p->linkname);
			if (errno != EINTR)
				break;
			continue;
		}
		/* A truncated datagram fails the length checks. */
		receive_one(p, buf, (mh.msg_flags & MSG_TRUNC) ? 0 : (size_t)n,
		    &ss, rx_stamp_ns(&mh));
	}
	/* a socket that never empties (a flood) takes its turn with the
	 * rest of the loop until it does: other links' probes and timers
	 * keep theirs */
	if (budget == 0 && !p->demoted) {
		p->demoted = true;
		sd_event_source_set_priority(es, SD_EVENT_PRIORITY_NORMAL);
	} else if (budget > 0 && p->demoted) {
		p->demoted = false;
		sd_event_source_set_priority(es, PROBE_PRIORITY);
	}
	return 0;
}

static void
send_one(struct probe *p)
{
	uint8_t buf[ICMP_HDR_LEN + ICMP_PAYLOAD_MAX];
	struct sockaddr_storage ss;
	socklen_t sl;
	unsigned int k = p->next;
	struct slot *s;
	uint64_t t_us = now_us();
	ssize_t len;
	char a[ADDR_STRLEN];

	while (p->targets[k].family != p->family)
		k = (k + 1) % p->ntargets;
	p->next = (k + 1) % p->ntargets;
	p->seq++;
	len = icmp_build_echo(p->family, p->ident, p->seq, t_us,
	    tag_of(p, &p->targets[k], p->seq, t_us), p->size,
	    buf, sizeof(buf));
	if (len < 0)
		return;		/* size was checked in probe_new */
	s = &p->slots[p->seq % SLOTS];
	s->used = true;
	s->seq = p->seq;
	s->target = k;
	s->sent_us = t_us;
	s->sent_rt_ns = realtime_ns();
	sl = to_sockaddr(&p->targets[k], p->ifname, &ss);
	p->c.sent++;
	if (sendto(p->fd, buf, (size_t)len, 0, (struct sockaddr *)&ss,
	    sl) < 0) {
		p->c.send_errors++;
		log_debug("link %s: probe to %s: %s", p->linkname,
		    addr_str(&p->targets[k], a), strerror(errno));
	}
	p->cb(p->userdata, k, PROBE_SENT, p->seq, 0, t_us / 1000);
}

void
probe_burst(struct probe *p)
{
	unsigned int i, n = 0;

	for (i = 0; i < p->ntargets; i++)
		n += p->targets[i].family == p->family;
	while (n-- > 0)
		send_one(p);
}

static int
on_timer(sd_event_source *es, uint64_t usec, void *arg)
{
	struct probe *p = arg;
	uint64_t t = now_us();

	send_one(p);
	p->next_us += p->interval_us;
	if (p->next_us <= t)		/* fell behind: no burst */
		p->next_us = t + p->interval_us;
	sd_event_source_set_time(es, p->next_us);
	sd_event_source_set_enabled(es, SD_EVENT_ON);
	return 0;
}

static int
attach_io(struct probe *p, int fd)
{
	sd_event_source *io;
	int rc;

	rc = sd_event_add_io(p->event, &io, fd, EPOLLIN, on_io, p);
	if (rc < 0)
		return rc;
	if ((rc = sd_event_source_set_priority(io, PROBE_PRIORITY)) < 0) {
		sd_event_source_disable_unref(io);
		return rc;
	}
	sd_event_source_unref(p->io);
	p->io = io;
	return 0;
}

struct probe *
probe_new(sd_event *e, const char *linkname, const char *ifname, int family,
    const struct addr *src, uint32_t mark, const struct addr *targets,
    unsigned int ntargets, unsigned int rate_pps, unsigned int size,
    probe_result_fn cb, void *userdata)
{
	struct probe *p;
	unsigned int i, n = 0;
	int rc;

	for (i = 0; i < ntargets; i++)
		n += targets[i].family == family;
	if ((family != AF_INET && family != AF_INET6) || !cb ||
	    rate_pps == 0 || rate_pps > 1000 || size < ICMP_PAYLOAD_TAGGED ||
	    size > ICMP_PAYLOAD_MAX || strlen(ifname) >= IF_NAMESIZE) {
		errno = EINVAL;
		return NULL;
	}
	if (n == 0) {
		errno = ENOENT;
		return NULL;
	}
	if (!(p = calloc(1, sizeof(*p))))
		return NULL;
	if (!(p->targets = calloc(ntargets, sizeof(*targets)))) {
		rc = -errno;
		goto err_targets;
	}
	memcpy(p->targets, targets, ntargets * sizeof(*targets));
	p->ntargets = ntargets;
	p->event = sd_event_ref(e);
	p->fd = -1;
	snprintf(p->linkname, sizeof(p->linkname), "%s", linkname);
	snprintf(p->ifname, sizeof(p->ifname), "%s", ifname);
	p->family = family;
	if (src)
		p->src = *src;
	p->mark = mark;
	p->size = size;
	p->interval_us = 1000000 / rate_pps;
	/* a random id and first sequence number per probe, and in each
	 * request a tag, a keyed MAC (SipHash) of the probe, target,
	 * sequence and send time under a key drawn at start: a forger on
	 * the path who sees requests still cannot answer one it did not
	 * see, nor keep a dead link alive with made-up replies */
	if ((rc = probe_random(p->salt, sizeof(p->salt))) < 0)
		goto err_socket;
	memcpy(&p->ident, p->salt, sizeof(p->ident));
	memcpy(&p->seq, p->salt + 2, sizeof(p->seq));
	p->cb = cb;
	p->userdata = userdata;
	if ((rc = open_socket(p, src)) < 0)
		goto err_socket;
	p->fd = rc;
	if ((rc = attach_io(p, p->fd)) < 0)
		goto err_io;
	p->next_us = now_us();
	rc = sd_event_add_time(e, &p->timer, CLOCK_MONOTONIC, p->next_us,
	    1000, on_timer, p);
	if (rc < 0)
		goto err_timer;
	/* probes go out on time whatever else is pending */
	if ((rc = sd_event_source_set_priority(p->timer, PROBE_PRIORITY)) < 0) {
		p->timer = sd_event_source_disable_unref(p->timer);
		goto err_timer;
	}
	return p;
err_timer:
	sd_event_source_disable_unref(p->io);
err_io:
	close(p->fd);
err_socket:
	sd_event_unref(p->event);
	free(p->targets);
err_targets:
	free(p);
	errno = -rc;
	return NULL;
}

void
probe_free(struct probe *p)
{
	if (!p)
		return;
	sd_event_source_disable_unref(p->timer);
	sd_event_source_disable_unref(p->io);
	if (p->fd >= 0)
		close(p->fd);
	sd_event_unref(p->event);
	free(p->targets);
	free(p);
}

int
probe_update_source(struct probe *p, const struct addr *src)
{
	sd_event_source *old = p->io;
	int fd, rc;

	if ((fd = open_socket(p, src)) < 0)
		return fd;
	p->io = NULL;
	if ((rc = attach_io(p, fd)) < 0) {
		p->io = old;
		close(fd);
		return rc;
	}
	sd_event_source_disable_unref(old);
	close(p->fd);
	p->fd = fd;
	if (src)
		p->src = *src;
	else
		memset(&p->src, 0, sizeof(p->src));
	return 0;
}

void
probe_get_counters(const struct probe *p, struct probe_counters *c)
{
	*c = p->c;
}

void
probe_set_userdata(struct probe *p, void *userdata)
{
	p->userdata = userdata;
}
