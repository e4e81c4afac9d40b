/* SPDX-License-Identifier: ISC */
/*
 * ctyoung: the young connections per uplink, for weight = auto's placement
 * (capacity.h). A connection is young from its conntrack NEW event until
 * it closes (TCP TIME_WAIT or CLOSE), is destroyed, or is CTYOUNG_MS old:
 * a connection that old is taken for a long-lived or idle one, whose load
 * the link's capacity estimate already shows. ctrack gives it no ICMP
 * entries (the probes carry no load). Connections are known by their
 * conntrack id, so a close seen twice counts once. At most CTYOUNG_MAX
 * are held; beyond that the oldest leave early. Pure: no I/O, no clock;
 * now_ms is given.
 */
#ifndef UPLINKD_CTYOUNG_H
#define UPLINKD_CTYOUNG_H

#include <stdbool.h>
#include <stdint.h>

#define CTYOUNG_MS	10000
#define CTYOUNG_MAX	16384		/* a power of two */
#define CTYOUNG_SLOTS	256		/* as ctcount's */

struct ctyoung_ent {
	uint32_t id;
	uint32_t next;			/* hash chain: index + 1; 0: end */
	uint64_t born_ms;
	uint8_t slot;
	bool alive;
};

struct ctyoung {
	struct ctyoung_ent ring[CTYOUNG_MAX];	/* oldest at head */
	uint32_t hash[CTYOUNG_MAX];	/* id -> ring index + 1; 0: empty */
	uint32_t head, len;
	uint32_t n[CTYOUNG_SLOTS];	/* alive per slot */
	uint64_t gen;			/* bumped on every change of n */
	uint64_t born;			/* connections seen, ever */
};

void ctyoung_init(struct ctyoung *y);
/* A new connection id with slot (mark >> the mask's lowest bit). */
void ctyoung_new(struct ctyoung *y, uint32_t id, unsigned int slot,
    uint64_t now_ms);
/* id closed or was destroyed (unknown ids are ignored). */
void ctyoung_end(struct ctyoung *y, uint32_t id);
/* Connections born CTYOUNG_MS ago or earlier grow up. */
void ctyoung_expire(struct ctyoung *y, uint64_t now_ms);
static inline unsigned int
ctyoung_count(const struct ctyoung *y, unsigned int slot)
{
	return slot < CTYOUNG_SLOTS ? y->n[slot] : 0;
}

#endif
