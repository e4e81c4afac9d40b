/* SPDX-License-Identifier: ISC */
/*
 * fwtool drives fwapply.c and conntrack.c from the namespace tests
 * (e2e-netns.sh): apply, check or remove a ruleset, read the per-link
 * counters and the table's objects, flush or count conntrack entries by
 * mark. Not installed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "conntrack.h"
#include "fwapply.h"
#include "log.h"

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0;
	FILE *m;
	int ch;

	if (f == NULL || (m = open_memstream(&buf, &len)) == NULL) {
		perror(path);
		exit(2);
	}
	while ((ch = fgetc(f)) != EOF)
		fputc(ch, m);
	fclose(m);
	fclose(f);
	return buf;
}

int
main(int argc, char **argv)
{
	struct fw_counter fc[64];
	struct fw_objs objs;
	uint64_t counts[CTCOUNT_SLOTS];
	unsigned int i;
	char *text;
	int r;

	log_init(1, 0);
	if (argc >= 3 && strcmp(argv[1], "apply") == 0) {
		text = slurp(argv[2]);
		r = fwapply_load(text);
		free(text);
	} else if (argc >= 3 && strcmp(argv[1], "check") == 0) {
		text = slurp(argv[2]);
		r = fwapply_check(text);
		free(text);
	} else if (argc >= 2 && strcmp(argv[1], "remove") == 0) {
		r = fwapply_remove();
	} else if (argc >= 2 && strcmp(argv[1], "counters") == 0) {
		r = fwread_counters(fc, 64);
		for (i = 0; r > 0 && i < (unsigned int)r; i++)
			printf("%s %llu %llu %llu %llu\n", fc[i].link,
			    (unsigned long long)fc[i].tx_packets,
			    (unsigned long long)fc[i].tx_bytes,
			    (unsigned long long)fc[i].rx_packets,
			    (unsigned long long)fc[i].rx_bytes);
	} else if (argc >= 2 && strcmp(argv[1], "objects") == 0) {
		r = fwread_objects(&objs);
		for (i = 0; r == 0 && i < objs.n; i++)
			printf("%d %s\n", objs.v[i].type, objs.v[i].name);
		fw_objs_free(&objs);
	} else if (argc >= 4 && strcmp(argv[1], "flush") == 0) {
		const char *fam = argc >= 5 ? argv[4] : "46";

		r = 0;
		if (strchr(fam, '4'))
			r = conntrack_flush_mark(AF_INET, strtoul(argv[2],
			    NULL, 0), strtoul(argv[3], NULL, 0));
		if (r == 0 && strchr(fam, '6'))
			r = conntrack_flush_mark(AF_INET6, strtoul(argv[2],
			    NULL, 0), strtoul(argv[3], NULL, 0));
	} else if (argc >= 3 && strcmp(argv[1], "count") == 0) {
		uint64_t total = 0;

		r = conntrack_count_marks(strtoul(argv[2], NULL, 0), counts);
		for (i = 0; r >= 0 && i < CTCOUNT_SLOTS; i++) {
			total += counts[i];
			if (counts[i] != 0)
				printf("%u %llu\n", i,
				    (unsigned long long)counts[i]);
		}
		if (r >= 0)
			printf("total %llu\n", (unsigned long long)total);
	} else {
		fprintf(stderr, "usage: fwtool apply|check FILE | remove | "
		    "counters | objects | flush MARK MASK [4|6] | count MASK\n");
		return 2;
	}
	if (r < 0) {
		fprintf(stderr, "fwtool: %s\n", strerror(-r));
		return 1;
	}
	return 0;
}
