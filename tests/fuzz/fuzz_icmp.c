/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target for the ICMP reply parser (icmp.c): the first byte picks
 * the family, the rest is what a raw socket received. Build:
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE \
 *     -Isrc tests/fuzz/fuzz_icmp.c src/icmp.c src/addr.c -o fuzz_icmp
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "icmp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct icmp_reply r;
	struct addr from;
	uint8_t *copy;
	int family, rc;

	if (size < 1)
		return 0;
	family = data[0] & 1 ? AF_INET6 : AF_INET;
	/* an exact-size heap copy, so ASan sees any overread */
	copy = malloc(size - 1 ? size - 1 : 1);
	if (!copy)
		return 0;
	memcpy(copy, data + 1, size - 1);
	addr_parse("2001:db8::1", &from);
	rc = icmp_parse_reply(family, copy, size - 1, &from, &r);
	if (rc == 0 && r.src.family != family)
		abort();
	if (rc == 0 && r.magic_ok && size - 1 < ICMP_HDR_LEN + ICMP_PAYLOAD_MIN)
		abort();
	free(copy);
	return 0;
}
