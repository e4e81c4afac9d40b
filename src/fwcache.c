/* SPDX-License-Identifier: ISC */
/*
 * The firewall cache: render, compare with what was loaded last, load the
 * difference as one transaction, remember what the table holds.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fwapply.h"
#include "fwcache.h"
#include "log.h"

int
fwcache_apply(struct fwcache *fc, const struct conf *c, const struct plan *p)
{
	struct fw_objs want;
	char *text;
	int rc;

	if (!fc->have_known) {
		/* a previous run's table: its objects may be deleted */
		if (fwread_objects(&fc->have) < 0)
			memset(&fc->have, 0, sizeof(fc->have));
		fc->have_known = true;
	}
	text = fw_render(c, p, &fc->have);
	if (!text) {
		log_warn("firewall: render");
		return -errno;
	}
	if (fc->applied && strcmp(text, fc->applied) == 0) {
		free(text);
		return 0;
	}
	if ((rc = fwapply_load(text)) < 0) {
		free(text);
		/* what exists is unknown now: ask the kernel next time */
		fw_objs_free(&fc->have);
		fc->have_known = false;
		return rc;
	}
	free(fc->applied);
	fc->applied = text;
	if (fw_objects(c, &want) == 0) {
		fw_objs_free(&fc->have);
		fc->have = want;
	}
	return 0;
}

void
fwcache_free(struct fwcache *fc)
{
	free(fc->applied);
	fc->applied = NULL;
	fw_objs_free(&fc->have);
	fc->have_known = false;
}

void
fwcache_remove(struct fwcache *fc)
{
	fwapply_remove();
	fwcache_free(fc);
}
