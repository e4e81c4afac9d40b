/* SPDX-License-Identifier: ISC */
/*
 * Young connections per uplink: a ring in birth order (expiry pops its
 * head) with a chained hash by conntrack id over it. See ctyoung.h. Pure.
 */
#include <string.h>

#include "ctyoung.h"

#define MASK	(CTYOUNG_MAX - 1)

static uint32_t
bucket(uint32_t id)
{
	return (id * 2654435761u) >> 18 & MASK;	/* Fibonacci hashing */
}

void
ctyoung_init(struct ctyoung *y)
{
	memset(y, 0, sizeof(*y));
}

static void
kill(struct ctyoung *y, struct ctyoung_ent *e)
{
	if (!e->alive)
		return;
	e->alive = false;
	y->n[e->slot]--;
	y->gen++;
}

/* Unlink the head entry from its hash chain and drop it from the ring. */
static void
pop(struct ctyoung *y)
{
	struct ctyoung_ent *e = &y->ring[y->head];
	uint32_t *p = &y->hash[bucket(e->id)];

	while (*p != 0 && *p != y->head + 1)
		p = &y->ring[*p - 1].next;
	if (*p != 0)
		*p = e->next;
	kill(y, e);
	y->head = (y->head + 1) & MASK;
	y->len--;
}

void
ctyoung_new(struct ctyoung *y, uint32_t id, unsigned int slot,
    uint64_t now_ms)
{
	struct ctyoung_ent *e;
	uint32_t i, b;

	if (slot >= CTYOUNG_SLOTS)
		slot = 0;
	if (y->len == CTYOUNG_MAX)
		pop(y);
	i = (y->head + y->len++) & MASK;
	b = bucket(id);
	e = &y->ring[i];
	e->id = id;
	e->born_ms = now_ms;
	e->slot = (uint8_t)slot;
	e->alive = true;
	e->next = y->hash[b];
	y->hash[b] = i + 1;
	y->n[slot]++;
	y->gen++;
	y->born++;
}

void
ctyoung_end(struct ctyoung *y, uint32_t id)
{
	uint32_t k = y->hash[bucket(id)];

	/* the newest entry of an id first: ids of dead entries may recur */
	for (; k != 0; k = y->ring[k - 1].next)
		if (y->ring[k - 1].id == id && y->ring[k - 1].alive) {
			kill(y, &y->ring[k - 1]);
			return;
		}
}

void
ctyoung_expire(struct ctyoung *y, uint64_t now_ms)
{
	while (y->len > 0 && (!y->ring[y->head].alive ||
	    y->ring[y->head].born_ms + CTYOUNG_MS <= now_ms))
		pop(y);
}
