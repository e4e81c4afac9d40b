/* SPDX-License-Identifier: ISC */
/*
 * The bottom of the firewall's rendering (fw_rule.h): one rule into a
 * chain, a nat rule written once, how a link's connections are
 * translated. fw.c, fw_policy.c and fw_source.c write with these.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fw_rule.h"

void
fw_rule(struct rend *r, const char *chain, const char *fmt, ...)
{
	va_list ap;

	fprintf(r->f, "add rule " TBL " %s ", chain);
	va_start(ap, fmt);
	vfprintf(r->f, fmt, ap);
	va_end(ap);
	fputc('\n', r->f);
}

/* A nat rule, unless the same was written already (links sharing an
 * interface). */
void
fw_nat_rule(struct rend *r, const char *fmt, ...)
{
	va_list ap;
	char *s, **v;
	unsigned int i;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0) {
		va_end(ap);
		r->err = -ENOMEM;
		return;
	}
	va_end(ap);
	for (i = 0; i < r->nnat; i++)
		if (strcmp(r->nat[i], s) == 0) {
			free(s);
			return;
		}
	v = reallocarray(r->nat, r->nnat + 1, sizeof(*v));
	if (v == NULL) {
		free(s);
		r->err = -ENOMEM;
		return;
	}
	r->nat = v;
	r->nat[r->nnat++] = s;
	fprintf(r->f, "add rule " TBL " nat_postrouting %s\n", s);
}

/* How a link's connections are translated: to its named address (conf
 * address, an HA pair's floating one) whether or not it is on the
 * interface now, so that conntrack (and conntrackd, syncing it) holds the
 * address that moves with the router's role; else masquerade. buf: at
 * least ADDR_STRLEN + 16 bytes. */
const char *
fw_to_named(const struct conf_link *cl, int fam, char *buf)
{
	const struct addr *a = fam == 4 ? &cl->address4 : &cl->address6;
	char ab[ADDR_STRLEN];

	if (!addr_is_set(a))
		return "masquerade";
	snprintf(buf, ADDR_STRLEN + 16, "snat %s to %s", fw_ipkw(fam),
	    addr_str(a, ab));
	return buf;
}
