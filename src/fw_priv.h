/* SPDX-License-Identifier: ISC */
/*
 * Shared by fw.c (rendering) and fw_objs.c (the table's objects and their
 * names); not for other modules.
 */
#ifndef UPLINKD_FW_PRIV_H
#define UPLINKD_FW_PRIV_H

#include <stdbool.h>
#include <stddef.h>

#include "fw.h"

/* "sticky4_600_web_isp1": the set of a policy's sticky pairs on one link,
 * for one family (4 or 6); the timeout is part of the name (re-adding a set
 * with a new timeout would keep the old one). */
int fw_sticky_set_name(char *buf, size_t len, int fam, unsigned int sticky_s,
    const char *policy, const char *link);
bool fw_objs_has(const struct fw_objs *o, enum fw_obj_type type,
    const char *name);

#endif
