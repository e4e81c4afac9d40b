/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target for the control request parser (ctlmsg.c): the input is
 * one request line as a client would send it. A parsed request must name a
 * valid link or none, and the error of a refused one must be set. Build:
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE \
 *     -Isrc tests/fuzz/fuzz_ctlmsg.c src/ctlmsg.c -ljansson -o fuzz_ctlmsg
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctlmsg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctl_request req;
	char *copy;
	int rc;

	/* an exact-size heap copy, so ASan sees any overread */
	copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	rc = ctlmsg_parse(copy, size, &req);
	if (rc == 0 && req.link[0] && !ctlmsg_valid_link(req.link))
		abort();
	if (rc < 0 && (req.error[0] == '\0' || req.link[0]))
		abort();
	if (rc == 0 && !ctlmsg_allowed(req.cmd, 0))
		abort();
	free(copy);
	return 0;
}
