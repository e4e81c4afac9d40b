/* SPDX-License-Identifier: ISC */
/*
 * The firewall half of the plan: from the config and the plan, the text of
 * one nftables transaction that brings table `inet uplinkd` to the desired
 * state. It marks each new connection with the uplink it is to use (inbound
 * by arrival interface, local by the route's realm, the rest by policy
 * rules and a weighted choice among the active links), restores that mark
 * on later packets, masquerades what must leave with the uplink's address,
 * and counts each uplink's traffic in named counters. Pure: no I/O.
 *
 * Stateful objects survive a re-render and apply: the transaction never
 * deletes the table; it adds (idempotently) the named counters and the
 * sticky sets, flushes and refills every chain, and removes objects the
 * config no longer wants. Deleting a missing object would fail the whole
 * transaction, so every removal is written as "add X; delete X", which
 * works whether or not X exists; the caller names the candidates (the
 * objects of the previously applied config, or those read back from the
 * kernel with fw_read_objects).
 */
#ifndef UPLINKD_FW_H
#define UPLINKD_FW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "plan.h"

#define FW_TABLE	"uplinkd"	/* family inet */
#define FW_NAME_MAX	96		/* object names, incl. NUL */
#define FW_HASH_SEED	0x75706c6bU	/* "uplk": fixed, so renders compare */

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

/*
 * The nftables text of one transaction bringing the table to the state for
 * c and p (p->links parallel to c->links). have: objects that may exist
 * now (NULL: none known); those c does not want are deleted. Deterministic.
 * Returns malloc'd text, or NULL with errno EINVAL (mask zero, a name or
 * interface name nft cannot take safely) or ENOMEM.
 */
char *fw_render(const struct conf *c, const struct plan *p,
    const struct fw_objs *have);

/* Text removing the table; never fails, whether the table exists or not. */
char *fw_render_delete(void);

/* Counter names of a link: "link_<name>_tx" / "link_<name>_rx". */
int fw_counter_name(const char *link, bool tx, char *buf, size_t len);

/* Given a counter name made by fw_counter_name, the link name and the
 * direction; 0 or -EINVAL. */
int fw_counter_parse(const char *counter, char *link, size_t len, bool *tx);

/* Passive health's counters (fw_passive.c): SYNs of connections not yet
 * answered, their SYN-ACKs, UDP packets of flows not yet answered, their
 * first replies; "link_<name>_syn" etc. */
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

#endif
