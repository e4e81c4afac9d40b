/* SPDX-License-Identifier: ISC */
/*
 * The rendering state and the writers of rules (fw_rule.c) that fw.c
 * (rendering the table), fw_policy.c (policies and config rules) and
 * fw_source.c (own-source translation) share; not for other modules.
 */
#ifndef UPLINKD_FW_RULE_H
#define UPLINKD_FW_RULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "conf.h"
#include "fw_objs.h"
#include "plan.h"

#define TBL	"inet " FW_TABLE
#define FW_HASH_SEED	0x75706c6bU	/* "uplk": fixed, so renders compare */

/* Protocols whose ports `th sport`/`th dport` read. */
#define PORT_PROTOS	"{ tcp, udp, udplite, sctp, dccp }"

/* Rendering state: the text so far, the mask and its complement. */
struct rend {
	FILE *f;
	const struct conf *c;
	const struct plan *p;
	uint32_t mask, keep;	/* keep = ~mask */
	uint32_t bypass;
	char **nat;		/* nat rules written, to skip duplicates */
	unsigned int nnat;
	int err;		/* first failure: -ENOMEM, -EINVAL */
};

/* "add rule inet uplinkd CHAIN <fmt...>\n" (fw_rule.c, as
 * fw_nat_rule and fw_to_named) */
void fw_rule(struct rend *r, const char *chain, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static inline const struct plan_family *
fw_family(const struct plan_link *pl, int fam)
{
	return fam == 4 ? &pl->v4 : &pl->v6;
}

static inline const char *
fw_ipkw(int fam)
{
	return fam == 4 ? "ip" : "ip6";
}

/* A policy chain choosing among links idx[0..n-1] (fw_policy.c). */
void fw_render_policy(struct rend *r, const char *chain, const char *polname,
    const unsigned int *idx, unsigned int n, enum conf_balance b,
    unsigned int sticky_s);
/* Queries to each link's resolvers marked with it, in chain (fw_policy.c). */
void fw_render_dns(struct rend *r, const char *chain);
/* One config rule into chain "rules" (fw_policy.c). */
void fw_render_conf_rule(struct rend *r, const struct conf_rule *cr);

/* "add rule inet uplinkd nat_postrouting <fmt...>", unless the same rule
 * was written already (links sharing an interface). */
void fw_nat_rule(struct rend *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The own-source translation and guard; the LAN's IPv6 translation on
 * link li, lans being "{ "br0", ... }" of the masqueraded LANs
 * (fw_source.c). */
void fw_render_own_source(struct rend *r);
void fw_render_nat6(struct rend *r, unsigned int li, const char *lans);
/* "masquerade", or "snat ip to ADDR" for a link with a named address
 * (conf address); buf: ADDR_STRLEN + 16 bytes. */
const char *fw_to_named(const struct conf_link *cl, int fam, char *buf);
/* With named addresses (an HA pair): TCP that conntrack cannot place, or
 * would pick up mid-stream, is dropped at the start of chain ch. */
void fw_render_pickup_guard(struct rend *r, const char *ch);

/* Passive health's counting rules: the jump from prerouting (in) or
 * postrouting (out) and the chain passive_in / passive_out
 * (fw_passive.c). */
void fw_passive_render(struct rend *r, bool in);

#endif
