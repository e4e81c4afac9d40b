/* SPDX-License-Identifier: ISC */
/*
 * The firewall as last loaded: the text (a plan that renders the same text
 * is not loaded again) and the objects the table may hold (a previous
 * run's, read back once; then the ones each load declared), which the next
 * render may delete.
 */
#ifndef UPLINKD_FWCACHE_H
#define UPLINKD_FWCACHE_H

#include <stdbool.h>

#include "conf.h"
#include "fw.h"
#include "plan.h"

struct fwcache {
	char *applied;			/* last nft text loaded; NULL: none */
	struct fw_objs have;		/* nft objects that may exist now */
	bool have_known;
};

/* Render p and load it unless it is what was loaded last. 0 or -errno
 * (the last ruleset loaded stays). */
int fwcache_apply(struct fwcache *fc, const struct conf *c,
    const struct plan *p);
/* Delete uplinkd's table and forget it. */
void fwcache_remove(struct fwcache *fc);
void fwcache_free(struct fwcache *fc);

#endif
