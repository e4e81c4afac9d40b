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
 * kernel with fwread_objects).
 */
#ifndef UPLINKD_FW_H
#define UPLINKD_FW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "fw_objs.h"
#include "plan.h"

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

#endif
