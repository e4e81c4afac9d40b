/* SPDX-License-Identifier: ISC */
/*
 * A seeded pseudo-random percentage for the unit tests that simulate loss
 * (xorshift64: the same series on every machine, so a case that passes
 * passes always). Header only, so each test still links just its module.
 */
#ifndef UPLINKD_TESTRNG_H
#define UPLINKD_TESTRNG_H

#include <stdint.h>

/* 0..99 from the state *rng (not 0), which it advances. */
static inline unsigned int
test_rnd100(uint64_t *rng)
{
	*rng ^= *rng << 13;
	*rng ^= *rng >> 7;
	*rng ^= *rng << 17;
	return (unsigned int)(*rng % 100);
}

#endif
