/* SPDX-License-Identifier: ISC */
/*
 * SipHash-2-4 (Aumasson and Bernstein, 2012): a keyed MAC of short
 * messages, here the tag that makes each probe's echo reply unguessable to
 * anyone without the daemon's random key. Pure.
 */
#ifndef UPLINKD_SIPHASH_H
#define UPLINKD_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

#define SIPHASH_KEY_LEN	16

uint64_t siphash24(const uint8_t key[SIPHASH_KEY_LEN], const void *msg,
    size_t len);

#endif
