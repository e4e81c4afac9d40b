/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target: the configuration loader, on arbitrary bytes. Errors
 * are expected; crashes, leaks and undefined behaviour are not. A config
 * that loads must also print and load again.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf *c, *c2;
	char *buf, *out = NULL;
	size_t outlen = 0;
	FILE *null, *f;

	buf = malloc(size + 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	null = fopen("/dev/null", "w");
	c = conf_load_buf("fuzz.conf", buf, null);
	if (c) {
		f = open_memstream(&out, &outlen);
		conf_print(c, f);
		fclose(f);
		c2 = conf_load_buf("printed.conf", out, null);
		if (!c2)
			abort();	/* the canonical text must load */
		conf_free(c2);
		free(out);
		conf_free(c);
	}
	fclose(null);
	free(buf);
	return 0;
}
