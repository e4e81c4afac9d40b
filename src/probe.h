/* SPDX-License-Identifier: ISC */
/*
 * Per-link ICMP probing (I/O): one raw socket per link and family, bound to
 * the link's device and source address and marked with its fwmark, so a
 * probe leaves by that link whatever the routing says. Probes go out
 * round-robin over the targets at rate_pps on an sd-event timer; replies
 * are matched by echo id, sequence and source address and must carry the
 * request's tag (a keyed MAC), and every result is handed to a callback
 * that feeds health.
 */
#ifndef UPLINKD_PROBE_H
#define UPLINKD_PROBE_H

#include <stdint.h>
#include <systemd/sd-event.h>

#include "addr.h"

enum probe_event {
	PROBE_SENT,		/* seq went to target (even if sendto failed:
				 * an unsendable probe is a lost probe) */
	PROBE_REPLY,		/* seq answered after rtt_us */
};

/*
 * target indexes the targets array given to probe_new. now_ms is
 * CLOCK_MONOTONIC. Called from the event loop; it may not call probe_free
 * on the probe that called it.
 */
typedef void (*probe_result_fn)(void *userdata, unsigned int target,
    enum probe_event ev, uint16_t seq, uint32_t rtt_us, uint64_t now_ms);

struct probe_counters {
	uint64_t sent;
	uint64_t send_errors;
	uint64_t replies;	/* matched and passed on */
	uint64_t ignored;	/* not ours: id, seq, source or payload */
	uint64_t forged;	/* ours by id and seq, but the tag is wrong */
	uint64_t malformed;	/* rejected by icmp_parse_reply */
};

struct probe;

/*
 * Start probing targets of family (AF_INET or AF_INET6; targets of the
 * other family in the array are skipped) from src (may be NULL or unset:
 * the kernel picks) out of ifname with fwmark mark. size is the ICMP
 * payload in bytes. NULL with errno set on failure (ENOENT: no target of
 * family). The strings and arrays are copied.
 */
struct probe *probe_new(sd_event *e, const char *linkname,
    const char *ifname, int family, const struct addr *src, uint32_t mark,
    const struct addr *targets, unsigned int ntargets, unsigned int rate_pps,
    unsigned int size, probe_result_fn cb, void *userdata);
void probe_free(struct probe *p);
/* The callback's userdata moved (the daemon's link array was rebuilt). */
void probe_set_userdata(struct probe *p, void *userdata);
/* The link's address changed: reopen the socket bound to src. 0 or
 * -errno; on failure the old socket stays. */
int probe_update_source(struct probe *p, const struct addr *src);
void probe_get_counters(const struct probe *p, struct probe_counters *c);
/* One probe to each target at once, besides the paced ones (fast
 * detection asks whether a silent link still answers). */
void probe_burst(struct probe *p);
uint64_t probe_now_ms(void);	/* CLOCK_MONOTONIC */

#endif
