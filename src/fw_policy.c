/* SPDX-License-Identifier: ISC */
/*
 * The policy chains of table `inet uplinkd` (the weighted choice of a link
 * for a new connection, with sticky sets) and the config's rules that send
 * connections to a policy; part of fw.c's rendering (see fw_rule.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "fw_rule.h"

/* The links of a policy that take new connections in one family. */
static unsigned int
active_links(const struct rend *r, const unsigned int *idx, unsigned int n,
    int fam, unsigned int *act)
{
	unsigned int i, na = 0;

	for (i = 0; i < n; i++) {
		const struct plan_link *pl = &r->p->links[idx[i]];
		const struct conf_link *cl = &r->c->links[idx[i]];

		if (!fw_family(pl, fam)->active)
			continue;
		if ((fam == 4 && !cl->ipv4) || (fam == 6 && !cl->ipv6))
			continue;
		act[na++] = idx[i];
	}
	return na;
}

/* The plan's weight of link li: the config's or the learned one. */
static unsigned int
weight(const struct rend *r, unsigned int li)
{
	unsigned int w = r->p->links[li].weight;

	return w == 0 ? 1 : w;
}

/* "vmap { 0-1 : goto mark_a, 2 : goto mark_b }": each link a run of
 * values as long as its weight. */
static void
put_choice_vmap(struct rend *r, const unsigned int *act, unsigned int na,
    const char *verb)
{
	unsigned int i, lo = 0;

	fputs("vmap { ", r->f);
	for (i = 0; i < na; i++) {
		const struct conf_link *cl = &r->c->links[act[i]];
		unsigned int hi = lo + weight(r, act[i]) - 1;

		if (hi == lo)
			fprintf(r->f, "%s%u : %s mark_%s", i ? ", " : "", lo,
			    verb, cl->name);
		else
			fprintf(r->f, "%s%u-%u : %s mark_%s", i ? ", " : "",
			    lo, hi, verb, cl->name);
		lo = hi + 1;
	}
	fputs(" }", r->f);
}

/*
 * Learned weights (weight = auto) are large (capacity.h): runs as long as
 * them would send a burst of new connections to one link in a row, so
 * numgen inc's values are dealt out interleaved instead, by smooth
 * weighted round-robin (each turn every link gains its weight, the
 * richest takes the value and pays the sum).
 */
static void
put_spread_vmap(struct rend *r, const unsigned int *act, unsigned int na,
    unsigned int sumw, const char *verb)
{
	int cur[CONF_MAX_LINKS] = { 0 };
	unsigned int v, i, best, prev = na, lo = 0, n = 0;

	fputs("vmap { ", r->f);
	for (v = 0; v <= sumw; v++) {
		best = na;
		for (i = 0; v < sumw && i < na; i++) {
			cur[i] += (int)weight(r, act[i]);
			if (best == na || cur[i] > cur[best])
				best = i;
		}
		if (best < na)
			cur[best] -= (int)sumw;
		if (best == prev)
			continue;
		if (prev < na && lo == v - 1)
			fprintf(r->f, "%s%u : %s mark_%s", n++ ? ", " : "", lo,
			    verb, r->c->links[act[prev]].name);
		else if (prev < na)
			fprintf(r->f, "%s%u-%u : %s mark_%s", n++ ? ", " : "",
			    lo, v - 1, verb, r->c->links[act[prev]].name);
		prev = best;
		lo = v;
	}
	fputs(" }", r->f);
}

/*
 * A policy chain: per family, the sticky lookups, then the weighted choice
 * among the active links, then (sticky) the remembering of the choice.
 * With sticky sets the mark chains are jumped to, so that the update rules
 * run after them; every rule after the first choice checks that no mark is
 * set yet.
 */
void
fw_render_policy(struct rend *r, const char *chain, const char *polname,
    const unsigned int *idx, unsigned int n, enum conf_balance b,
    unsigned int sticky_s)
{
	char set[FW_NAME_MAX];
	const char *ip, *verb = sticky_s ? "jump" : "goto";
	unsigned int *act, na, i, sumw;
	int fam;

	act = calloc(n + 1, sizeof(*act));
	if (act == NULL) {
		r->err = -ENOMEM;
		return;
	}
	for (fam = 4; fam <= 6; fam += 2) {
		ip = fw_ipkw(fam);
		na = active_links(r, idx, n, fam, act);
		if (na == 0)
			continue;
		for (i = 0; sticky_s && i < na; i++) {
			fw_sticky_set_name(set, sizeof(set), fam, sticky_s,
			    polname, r->c->links[act[i]].name);
			fw_rule(r, chain, "meta mark and 0x%08x == 0 %s saddr . %s "
			    "daddr @%s jump mark_%s", r->mask, ip, ip, set,
			    r->c->links[act[i]].name);
		}
		for (sumw = 0, i = 0; i < na; i++)
			sumw += weight(r, act[i]);
		if (na == 1) {
			fw_rule(r, chain, "meta mark and 0x%08x == 0 meta nfproto "
			    "ipv%d %s mark_%s", r->mask, fam, verb,
			    r->c->links[act[0]].name);
		} else {
			switch (b) {
			case BALANCE_ROUND_ROBIN:
			case BALANCE_RANDOM:
				fprintf(r->f, "add rule " TBL " %s meta mark and "
				    "0x%08x == 0 meta nfproto ipv%d numgen %s "
				    "mod %u ", chain, r->mask, fam,
				    b == BALANCE_RANDOM ? "random" : "inc",
				    sumw);
				if (r->c->links[act[0]].weight_auto)
					put_spread_vmap(r, act, na, sumw, verb);
				else
					put_choice_vmap(r, act, na, verb);
				fputc('\n', r->f);
				break;
			case BALANCE_HASH:
				fprintf(r->f, "add rule " TBL " %s meta mark and "
				    "0x%08x == 0 meta nfproto ipv%d meta l4proto "
				    PORT_PROTOS " jhash %s saddr . %s daddr . "
				    "meta l4proto . th sport . th dport mod %u "
				    "seed 0x%08x ", chain, r->mask, fam, ip, ip,
				    sumw, FW_HASH_SEED);
				put_choice_vmap(r, act, na, verb);
				fputc('\n', r->f);
				fprintf(r->f, "add rule " TBL " %s meta mark and "
				    "0x%08x == 0 meta nfproto ipv%d jhash %s "
				    "saddr . %s daddr . meta l4proto mod %u "
				    "seed 0x%08x ", chain, r->mask, fam, ip, ip,
				    sumw, FW_HASH_SEED);
				put_choice_vmap(r, act, na, verb);
				fputc('\n', r->f);
				break;
			}
		}
		for (i = 0; sticky_s && i < na; i++) {
			fw_sticky_set_name(set, sizeof(set), fam, sticky_s,
			    polname, r->c->links[act[i]].name);
			fw_rule(r, chain, "meta mark and 0x%08x == 0x%08x update "
			    "@%s { %s saddr . %s daddr }", r->mask,
			    r->p->links[act[i]].mark, set, ip, ip);
		}
	}
	free(act);
}

static const char *
proto_name(uint8_t proto, char *buf, size_t len)
{
	switch (proto) {
	case 1:
		return "icmp";
	case 6:
		return "tcp";
	case 17:
		return "udp";
	case 58:
		return "ipv6-icmp";
	case 132:
		return "sctp";
	case 136:
		return "udplite";
	case 33:
		return "dccp";
	}
	snprintf(buf, len, "%u", proto);
	return buf;
}

static bool
proto_has_ports(uint8_t proto)
{
	return proto == 0 || proto == 6 || proto == 17 || proto == 132 ||
	    proto == 136 || proto == 33;
}

static void
put_prefixes(struct rend *r, const char *what, const struct prefix *v,
    unsigned int n, int fam)
{
	char buf[PREFIX_STRLEN];
	unsigned int i;
	const char *sep = "{ ";
	int af = fam == 4 ? AF_INET : AF_INET6;

	fprintf(r->f, " %s %s ", fw_ipkw(fam), what);
	for (i = 0; i < n; i++) {
		if (v[i].addr.family != af)
			continue;
		fprintf(r->f, "%s%s", sep, prefix_str(&v[i], buf));
		sep = ", ";
	}
	fputs(" }", r->f);
}

static void
put_ports(struct rend *r, const char *what, const struct conf_portrange *v,
    unsigned int n)
{
	unsigned int i;

	fprintf(r->f, " th %s { ", what);
	for (i = 0; i < n; i++) {
		if (v[i].lo == v[i].hi)
			fprintf(r->f, "%s%u", i ? ", " : "", v[i].lo);
		else
			fprintf(r->f, "%s%u-%u", i ? ", " : "", v[i].lo,
			    v[i].hi);
	}
	fputs(" }", r->f);
}

static bool
has_family(const struct prefix *v, unsigned int n, int fam)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (v[i].addr.family == (fam == 4 ? AF_INET : AF_INET6))
			return true;
	return false;
}

/* One config rule: one nft rule, or one per address family it names. */
void
fw_render_conf_rule(struct rend *r, const struct conf_rule *cr)
{
	char pbuf[8];
	const char *target;
	char tbuf[FW_NAME_MAX];
	int fam;
	bool any = cr->nsrc == 0 && cr->ndst == 0;

	if ((cr->nsport || cr->ndport) && !proto_has_ports(cr->proto)) {
		r->err = -EINVAL;
		return;
	}
	switch (cr->policy) {
	case POLICY_DEFAULT:
		target = "choose";
		break;
	case POLICY_MAIN:
		target = "bypass";
		break;
	case POLICY_UNREACHABLE:
		target = "unreachable";
		break;
	default:
		if (cr->policy < 0 ||
		    (unsigned int)cr->policy >= r->c->npolicies) {
			r->err = -EINVAL;
			return;
		}
		snprintf(tbuf, sizeof(tbuf), "pol_%s",
		    r->c->policies[cr->policy].name);
		target = tbuf;
		break;
	}
	for (fam = any ? 0 : 4; fam <= 6; fam += any ? 7 : 2) {
		if (!any && ((cr->nsrc && !has_family(cr->src, cr->nsrc, fam)) ||
		    (cr->ndst && !has_family(cr->dst, cr->ndst, fam))))
			continue;
		fprintf(r->f, "add rule " TBL " rules");
		if (fam != 0)
			fprintf(r->f, " meta nfproto ipv%d", fam);
		if (cr->iif[0] != '\0')
			fprintf(r->f, " iifname \"%s\"", cr->iif);
		if (cr->nsrc)
			put_prefixes(r, "saddr", cr->src, cr->nsrc, fam);
		if (cr->ndst)
			put_prefixes(r, "daddr", cr->dst, cr->ndst, fam);
		if (cr->proto)
			fprintf(r->f, " meta l4proto %s",
			    proto_name(cr->proto, pbuf, sizeof(pbuf)));
		else if (cr->nsport || cr->ndport)
			fputs(" meta l4proto " PORT_PROTOS, r->f);
		if (cr->nsport)
			put_ports(r, "sport", cr->sport, cr->nsport);
		if (cr->ndport)
			put_ports(r, "dport", cr->dport, cr->ndport);
		fprintf(r->f, " goto %s\n", target);
	}
}

/* Queries to a link's resolvers (dns = { ... }) take that link, whatever
 * the policy and whatever its health: they go before the rules. */
void
fw_render_dns(struct rend *r, const char *chain)
{
	const struct conf *c = r->c;
	char buf[ADDR_STRLEN];
	unsigned int i, k;
	const char *sep;
	int fam;

	for (i = 0; i < c->nlinks; i++) {
		const struct conf_link *cl = &c->links[i];

		for (fam = 4; fam <= 6; fam += 2) {
			sep = "";
			for (k = 0; k < cl->ndns; k++) {
				if (cl->dns[k].family != (fam == 4 ? AF_INET :
				    AF_INET6))
					continue;
				if (*sep == '\0')
					fprintf(r->f, "add rule " TBL " %s %s "
					    "daddr { ", chain, fw_ipkw(fam));
				fprintf(r->f, "%s%s", sep,
				    addr_str(&cl->dns[k], buf));
				sep = ", ";
			}
			if (*sep != '\0')
				fprintf(r->f, " } goto mark_%s\n", cl->name);
		}
	}
}
