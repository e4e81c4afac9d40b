/* SPDX-License-Identifier: ISC */
/*
 * The objects of table `inet uplinkd` (chains, counters, sticky sets) and
 * their names (fw_objs.c): what a config wants, what a render may delete.
 * Pure.
 */
#ifndef UPLINKD_FW_OBJS_H
#define UPLINKD_FW_OBJS_H

#include <stdbool.h>
#include <stddef.h>

#include "conf.h"

#define FW_TABLE	"uplinkd"	/* family inet */
#define FW_NAME_MAX	96		/* object names, incl. NUL */

enum fw_obj_type {
	FW_OBJ_CHAIN,
	FW_OBJ_COUNTER,
	FW_OBJ_SET,
};

struct fw_obj {
	enum fw_obj_type type;
	char name[FW_NAME_MAX];
};

/* A list of object names in table inet uplinkd; v is malloc'd. */
struct fw_objs {
	struct fw_obj *v;
	unsigned int n;
};

/*
 * The objects fw_render creates for c (every chain, counter and sticky set,
 * whatever the links' health). 0, -EINVAL (a name nft cannot take) or
 * -ENOMEM; free out with fw_objs_free.
 */
int fw_objects(const struct conf *c, struct fw_objs *out);
void fw_objs_free(struct fw_objs *o);

/* Counter names of a link: "link_<name>_tx" / "link_<name>_rx". */
int fw_counter_name(const char *link, bool tx, char *buf, size_t len);

/* Given a counter name made by fw_counter_name, the link name and the
 * direction; 0 or -EINVAL. */
int fw_counter_parse(const char *counter, char *link, size_t len, bool *tx);

/* Passive health's counters (rendered by fw_passive.c): SYNs of
 * connections not yet answered, their SYN-ACKs, UDP packets of flows not
 * yet answered, their first replies; "link_<name>_syn" etc. */
enum fw_passive_kind {
	FW_PASSIVE_SYN,
	FW_PASSIVE_SYNACK,
	FW_PASSIVE_UDP,
	FW_PASSIVE_UDPANS,
};
#define FW_PASSIVE_NKINDS	4

int fw_passive_counter_name(const char *link, enum fw_passive_kind k,
    char *buf, size_t len);
/* The link and kind of a name made by fw_passive_counter_name; 0 or
 * -EINVAL. */
int fw_passive_counter_parse(const char *counter, char *link, size_t len,
    enum fw_passive_kind *k);

/* "sticky4_600_web_isp1": the set of a policy's sticky pairs on one link,
 * for one family (4 or 6); the timeout is part of the name (re-adding a set
 * with a new timeout would keep the old one). */
int fw_sticky_set_name(char *buf, size_t len, int fam, unsigned int sticky_s,
    const char *policy, const char *link);
bool fw_objs_has(const struct fw_objs *o, enum fw_obj_type type,
    const char *name);

#endif
