/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of SipHash-2-4 (siphash.c) against the reference vectors of
 * the paper's appendix: key 00..0f, messages 00, 00 01, ... of every
 * length from 0 to 15 (one block and the tail of every size), and the
 * length 15 output the paper prints.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "siphash.h"

/* siphash24(key 00..0f, 00..(n-1)) for n = 0..15, from the reference
 * implementation's vectors.h, as little-endian integers */
static const uint64_t want[16] = {
	0x726fdb47dd0e0e31ULL, 0x74f839c593dc67fdULL, 0x0d6c8009d9a94f5aULL,
	0x85676696d7fb7e2dULL, 0xcf2794e0277187b7ULL, 0x18765564cd99a68dULL,
	0xcbc9466e58fee3ceULL, 0xab0200f58b01d137ULL, 0x93f5f5799a932462ULL,
	0x9e0082df0ba9e4b0ULL, 0x7a5dbbc594ddb9f3ULL, 0xf4b32f46226bada7ULL,
	0x751e8fbc860ee5fbULL, 0x14ea5627c0843d90ULL, 0xf723ca908e7af2eeULL,
	0xa129ca6149be45e5ULL,
};

static void
test_vectors(void **state)
{
	uint8_t key[SIPHASH_KEY_LEN], msg[16];
	unsigned int i;

	for (i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)i;
	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)i;
	for (i = 0; i < 16; i++)
		if (siphash24(key, msg, i) != want[i])
			fail_msg("length %u: %016llx", i,
			    (unsigned long long)siphash24(key, msg, i));
}

static void
test_key_matters(void **state)
{
	uint8_t k1[SIPHASH_KEY_LEN] = { 0 }, k2[SIPHASH_KEY_LEN] = { 0 };
	const char m[] = "probe";

	k2[15] = 1;
	assert_true(siphash24(k1, m, sizeof(m)) != siphash24(k2, m,
	    sizeof(m)));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_key_matters),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
