/* SPDX-License-Identifier: ISC */
/*
 * fw renders the nftables side of the plan as the text of one transaction
 * on table `inet uplinkd` (see fw.h for how stateful objects survive it).
 * A new connection is marked once, in this order: arriving over an uplink,
 * with that uplink; to one of an uplink's resolvers, with that uplink; to
 * the host itself, a connected network or anything not routed out of an
 * uplink, not at all; sent by a local socket whose route came from an
 * uplink's table (its realm) or bound to its IPv6 address, with that uplink
 * (to an address links sharing an interface share: one of them, chain
 * bound_<link>); otherwise the rules choose a policy and the policy a link.
 * Later packets take the mark back from the connection. Only the bits of
 * conf->fwmark_mask are written, in the packet and in the connection.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "fw.h"
#include "fw_rule.h"

/* Another link uses this link's interface too. */
static bool
iface_shared(const struct conf *c, unsigned int li)
{
	unsigned int i;

	for (i = 0; i < c->nlinks; i++)
		if (i != li && strcmp(c->links[i].ifname,
		    c->links[li].ifname) == 0)
			return true;
	return false;
}

/* "{ "a", "b" }" of the links' interfaces, each once, in config order. */
static void
put_link_ifaces(struct rend *r)
{
	const struct conf *c = r->c;
	unsigned int i, j;
	const char *sep = "";

	fputs("{ ", r->f);
	for (i = 0; i < c->nlinks; i++) {
		for (j = 0; j < i; j++)
			if (strcmp(c->links[j].ifname, c->links[i].ifname) == 0)
				break;
		if (j < i)
			continue;
		fprintf(r->f, "%s\"%s\"", sep, c->links[i].ifname);
		sep = ", ";
	}
	fputs(" }", r->f);
}

static unsigned int
count_lans(const struct conf *c, bool masq_only)
{
	unsigned int i, n = 0;

	for (i = 0; i < c->nlans; i++)
		if (!masq_only || c->lans[i].masquerade)
			n++;
	return n;
}

static void
put_lan_ifaces(struct rend *r, bool masq_only)
{
	const struct conf *c = r->c;
	unsigned int i;
	const char *sep = "";

	fputs("{ ", r->f);
	for (i = 0; i < c->nlans; i++) {
		if (masq_only && !c->lans[i].masquerade)
			continue;
		fprintf(r->f, "%s\"%s\"", sep, c->lans[i].ifname);
		sep = ", ";
	}
	fputs(" }", r->f);
}

/* The links' connected prefixes of one family, each once; with IPv6 the
 * link-local prefix first. Returns how many were written. */
static unsigned int
put_link_nets(struct rend *r, int fam, bool write)
{
	const struct plan *p = r->p;
	char buf[PREFIX_STRLEN];
	unsigned int i, j, n = 0;

	if (fam == 6) {
		if (write)
			fputs("{ fe80::/10", r->f);
		n++;
	}
	for (i = 0; i < p->nlinks; i++) {
		const struct plan_family *pf = fw_family(&p->links[i], fam);

		if (!pf->usable || pf->net.len == 0 ||
		    pf->net.addr.family != (fam == 4 ? AF_INET : AF_INET6))
			continue;
		for (j = 0; j < i; j++) {
			const struct plan_family *o = fw_family(&p->links[j],
			    fam);

			if (o->usable && prefix_eq(&o->net, &pf->net))
				break;
		}
		if (j < i)
			continue;
		if (write)
			fprintf(r->f, "%s%s", n == 0 ? "{ " : ", ",
			    prefix_str(&pf->net, buf));
		n++;
	}
	if (write && n > 0)
		fputs(" }", r->f);
	return n;
}

/* " vmap { 0x00010000 : goto mark_a, ... }" restoring a mark held in the
 * expression before it (ct mark or meta mark, masked). */
static void
put_restore_vmap(struct rend *r)
{
	const struct conf *c = r->c;
	unsigned int i;

	fputs(" vmap { ", r->f);
	for (i = 0; i < c->nlinks; i++)
		fprintf(r->f, "0x%08x : goto mark_%s, ", r->p->links[i].mark,
		    c->links[i].name);
	fprintf(r->f, "0x%08x : goto bypass }", r->bypass);
}

static void
render_mark_chain(struct rend *r, const char *chain, uint32_t mark)
{
	fw_rule(r, chain, "meta mark set meta mark and 0x%08x or 0x%08x",
	    r->keep, mark);
	fw_rule(r, chain, "ct mark set ct mark and 0x%08x or 0x%08x", r->keep,
	    mark);
}

/* The rules that keep a connection's uplink, in prerouting and output. */
static void
render_restore(struct rend *r, const char *chain, const char *what)
{
	fprintf(r->f, "add rule " TBL " %s %s and 0x%08x", chain, what,
	    r->mask);
	put_restore_vmap(r);
	fputc('\n', r->f);
}

/* Destinations that are not balanced: the host, broadcasts, anything not
 * routed out of an uplink, the uplinks' own networks. */
static void
render_bypass_dst(struct rend *r, const char *chain, bool output)
{
	fw_rule(r, chain, "fib daddr type { local, broadcast, multicast } "
	    "return");
	if (r->c->nlinks > 0) {
		fprintf(r->f, "add rule " TBL " %s %s != ", chain,
		    output ? "oifname" : "fib daddr oifname");
		put_link_ifaces(r);
		fputs(" return\n", r->f);
	}
	if (put_link_nets(r, 4, false) > 0) {
		fprintf(r->f, "add rule " TBL " %s ip daddr ", chain);
		put_link_nets(r, 4, true);
		fputs(" return\n", r->f);
	}
	fprintf(r->f, "add rule " TBL " %s ip6 daddr ", chain);
	put_link_nets(r, 6, true);
	fputs(" return\n", r->f);
}

static void
render_prerouting(struct rend *r)
{
	const struct conf *c = r->c;
	const struct plan *p = r->p;
	const char *ch = "prerouting";
	char cnt[FW_NAME_MAX];
	unsigned int i, nuniq = 0;

	fw_render_pickup_guard(r, ch);
	for (i = 0; i < c->nlinks; i++) {
		const struct plan_link *pl = &p->links[i];
		const uint8_t *m = pl->gw_mac;

		fw_counter_name(c->links[i].name, false, cnt, sizeof(cnt));
		if (!iface_shared(c, i))
			fw_rule(r, ch, "iifname \"%s\" counter name \"%s\"",
			    c->links[i].ifname, cnt);
		else if (pl->has_gw_mac)
			fw_rule(r, ch, "iifname \"%s\" ether saddr "
			    "%02x:%02x:%02x:%02x:%02x:%02x counter name \"%s\"",
			    c->links[i].ifname, m[0], m[1], m[2], m[3], m[4],
			    m[5], cnt);
	}
	fw_passive_render(r, true);
	render_restore(r, ch, "ct mark");
	fw_rule(r, ch, "ct state != new return");
	/* inbound: the connection is the uplink's it arrived over */
	for (i = 0; i < c->nlinks; i++) {
		const struct plan_link *pl = &p->links[i];
		const uint8_t *m = pl->gw_mac;

		if (!iface_shared(c, i)) {
			nuniq++;
			continue;
		}
		if (pl->has_gw_mac)
			fw_rule(r, ch, "iifname \"%s\" ether saddr "
			    "%02x:%02x:%02x:%02x:%02x:%02x goto mark_%s",
			    c->links[i].ifname, m[0], m[1], m[2], m[3], m[4],
			    m[5], c->links[i].name);
	}
	if (nuniq > 0) {
		const char *sep = "";

		fprintf(r->f, "add rule " TBL " %s iifname vmap { ", ch);
		for (i = 0; i < c->nlinks; i++) {
			if (iface_shared(c, i))
				continue;
			fprintf(r->f, "%s\"%s\" : goto mark_%s", sep,
			    c->links[i].ifname, c->links[i].name);
			sep = ", ";
		}
		fputs(" }\n", r->f);
	}
	/* forwarded from a LAN: balanced */
	if (c->nlans == 0)
		return;
	fprintf(r->f, "add rule " TBL " %s iifname != ", ch);
	put_lan_ifaces(r, false);
	fputs(" return\n", r->f);
	fw_render_dns(r, ch);
	render_bypass_dst(r, ch, false);
	fw_rule(r, ch, "goto rules");
}

/*
 * bound_<link>: a socket bound to the address that link i shares with the
 * other links on its interface takes one of them, chosen as the global
 * balance chooses; while none of them is active, link i. idx: scratch of
 * nlinks entries.
 */
static void
render_bound(struct rend *r, unsigned int li, unsigned int *idx)
{
	const struct conf *c = r->c;
	char name[FW_NAME_MAX];
	unsigned int i, n = 0;

	for (i = 0; i < c->nlinks; i++)
		if (strcmp(c->links[i].ifname, c->links[li].ifname) == 0)
			idx[n++] = i;
	snprintf(name, sizeof(name), "bound_%s", c->links[li].name);
	fw_render_policy(r, name, "bound", idx, n, c->balance, 0);
	fw_rule(r, name, "goto mark_%s", c->links[li].name);
}

static void
render_output(struct rend *r)
{
	const struct conf *c = r->c;
	const struct plan *p = r->p;
	const char *ch = "output";
	char buf[ADDR_STRLEN];
	unsigned int i, j, n;
	const char *sep;

	render_restore(r, ch, "ct mark");
	/* a mark the socket chose (SO_MARK: probes) is kept */
	render_restore(r, ch, "meta mark");
	fw_rule(r, ch, "meta mark and 0x%08x != 0 return", r->mask);
	fw_rule(r, ch, "ct state != new return");
	fw_render_dns(r, ch);
	render_bypass_dst(r, ch, true);
	/* a socket bound to a link's address routes through its table:
	 * first, before `uplinkctl exec`, because an MPTCP subflow (bound by
	 * the kernel to its endpoint's address, and maybe device) inherits
	 * the cgroup of its connection and must never be marked onto, and
	 * masqueraded to, another link */
	sep = "";
	for (i = n = 0; i < c->nlinks; i++) {
		if (p->links[i].realm == 0)
			continue;
		if (n++ == 0)
			fprintf(r->f, "add rule " TBL " %s meta rtclassid "
			    "vmap { ", ch);
		fprintf(r->f, "%s%u : goto %s_%s", sep, p->links[i].realm,
		    iface_shared(c, i) ? "bound" : "mark", c->links[i].name);
		sep = ", ";
	}
	if (n > 0)
		fputs(" }\n", r->f);
	/* IPv6 routes carry no realm: a source address that is one link's
	 * is that link's; one that links sharing an interface share, theirs
	 * (the first of them names their chain) */
	sep = "";
	for (i = n = 0; i < c->nlinks; i++) {
		const struct plan_family *pf = &p->links[i].v6;

		if (!pf->usable || pf->addr.family != AF_INET6)
			continue;
		for (j = 0; j < i; j++) {
			const struct plan_family *o = &p->links[j].v6;

			if (o->usable && addr_eq(&o->addr, &pf->addr))
				break;
		}
		if (j < i)
			continue;
		if (n++ == 0)
			fprintf(r->f, "add rule " TBL " %s ip6 saddr vmap { ",
			    ch);
		fprintf(r->f, "%s%s : goto %s_%s", sep,
		    addr_str(&pf->addr, buf), iface_shared(c, i) ? "bound" :
		    "mark", c->links[i].name);
		sep = ", ";
	}
	if (n > 0)
		fputs(" }\n", r->f);
	/* uplinkctl exec LINK: the command runs in the link's cgroup */
	for (i = 0; p->exec_cgroups && i < c->nlinks; i++)
		fw_rule(r, ch, "socket cgroupv2 level 2 \"uplinkd.exec/%s\" "
		    "goto mark_%s", c->links[i].name, c->links[i].name);
	fw_rule(r, ch, "goto rules");
}

static void
render_postrouting(struct rend *r)
{
	const struct conf *c = r->c;
	const struct plan *p = r->p;
	char cnt[FW_NAME_MAX], buf[ADDR_STRLEN];
	unsigned int i;

	for (i = 0; i < c->nlinks; i++) {
		const struct plan_link *pl = &p->links[i];

		fw_counter_name(c->links[i].name, true, cnt, sizeof(cnt));
		if (!iface_shared(c, i)) {
			fw_rule(r, "postrouting", "oifname \"%s\" counter name "
			    "\"%s\"", c->links[i].ifname, cnt);
			continue;
		}
		/* on a shared interface, by the gateway routed to */
		if (addr_is_set(&pl->v4.gateway))
			fw_rule(r, "postrouting", "oifname \"%s\" rt ip nexthop %s "
			    "counter name \"%s\"", c->links[i].ifname,
			    addr_str(&pl->v4.gateway, buf), cnt);
		if (addr_is_set(&pl->v6.gateway))
			fw_rule(r, "postrouting", "oifname \"%s\" rt ip6 nexthop "
			    "%s counter name \"%s\"", c->links[i].ifname,
			    addr_str(&pl->v6.gateway, buf), cnt);
	}
	fw_passive_render(r, false);
}

static void
render_nat(struct rend *r)
{
	const struct conf *c = r->c;
	const struct plan *p = r->p;
	char buf[PREFIX_STRLEN], nbuf[ADDR_STRLEN + 16], *lans = NULL;
	size_t lanslen = 0;
	unsigned int i;
	FILE *f;

	if (count_lans(c, true) > 0) {
		f = r->f;
		if ((r->f = open_memstream(&lans, &lanslen)) == NULL) {
			r->f = f;
			r->err = -ENOMEM;
			return;
		}
		put_lan_ifaces(r, true);
		fclose(r->f);
		r->f = f;
		if (lans == NULL) {
			r->err = -ENOMEM;
			return;
		}
	}
	for (i = 0; i < c->nlinks; i++) {
		const struct conf_link *cl = &c->links[i];
		const struct plan_link *pl = &p->links[i];
		int fam;

		if (lans != NULL) {
			fw_nat_rule(r, "oifname \"%s\" iifname %s meta nfproto "
			    "ipv4 %s", cl->ifname, lans, fw_to_named(cl, 4, nbuf));
			fw_render_nat6(r, i, lans);
		}
		/* a local socket re-routed by mark to this link leaves with
		 * the source of the route it first took: re-source it */
		for (fam = 4; fam <= 6; fam += 2) {
			const struct plan_family *pf = fw_family(pl, fam);
			struct prefix own;

			if (!pf->usable || !addr_is_set(&pf->addr))
				continue;
			if (pf->net.len > 0 &&
			    pf->net.addr.family == pf->addr.family) {
				own = pf->net;
			} else {
				own.addr = pf->addr;
				own.len = fam == 4 ? 32 : 128;
			}
			fw_nat_rule(r, "oifname \"%s\" %s saddr != %s fib saddr "
			    "type local %s", cl->ifname, fw_ipkw(fam),
			    prefix_str(&own, buf), addr_eq(&pf->addr,
			    &pf->own_addr) ? "masquerade" :
			    fw_to_named(cl, fam, nbuf));
		}
	}
	free(lans);
}

/* The hook of a base chain; NULL for a regular chain. */
static const char *
base_hook(const char *chain)
{
	static const char *const base[][2] = {
		{ "prerouting", "type filter hook prerouting priority mangle" },
		{ "output", "type route hook output priority mangle" },
		{ "postrouting", "type filter hook postrouting priority "
		    "mangle" },
		{ "nat_postrouting", "type nat hook postrouting priority "
		    "srcnat" },
		/* after NAT: sees the translated source */
		{ "guard", "type filter hook postrouting priority 101" },
	};
	unsigned int j;

	for (j = 0; j < sizeof(base) / sizeof(base[0]); j++)
		if (strcmp(base[j][0], chain) == 0)
			return base[j][1];
	return NULL;
}

/* A sticky set, sticky<fam>_<secs>_<policy>_<link>: per source and
 * destination address of family fam, kept secs seconds. */
static void
put_sticky_set(struct rend *r, const char *name, int fam, unsigned int secs)
{
	fprintf(r->f, "add set " TBL " %s { type %s . %s; "
	    "flags dynamic,timeout; timeout %us; size 65536; "
	    "}\n", name,
	    fam == 4 ? "ipv4_addr" : "ipv6_addr",
	    fam == 4 ? "ipv4_addr" : "ipv6_addr", secs);
}

static void
render_decl(struct rend *r, const struct fw_obj *o)
{
	const char *hook;
	unsigned int secs;
	int fam;

	switch (o->type) {
	case FW_OBJ_COUNTER:
		fprintf(r->f, "add counter " TBL " %s\n", o->name);
		break;
	case FW_OBJ_SET:
		sscanf(o->name, "sticky%d_%u", &fam, &secs);
		put_sticky_set(r, o->name, fam, secs);
		break;
	case FW_OBJ_CHAIN:
		if ((hook = base_hook(o->name)) != NULL)
			fprintf(r->f, "add chain " TBL " %s { %s; "
			    "policy accept; }\n", o->name, hook);
		else
			fprintf(r->f, "add chain " TBL " %s\n",
			    o->name);
		break;
	}
}

/* An object of have that want has not: made sure to exist, then deleted. */
static void
render_delete(struct rend *r, const struct fw_obj *o)
{
	unsigned int secs;
	int fam, off;

	switch (o->type) {
	case FW_OBJ_CHAIN:
		fprintf(r->f, "delete chain " TBL " %s\n", o->name);
		break;
	case FW_OBJ_COUNTER:
		fprintf(r->f, "add counter " TBL " %s\n", o->name);
		fprintf(r->f, "delete counter " TBL " %s\n", o->name);
		break;
	case FW_OBJ_SET:
		/* only sets of ours, whose type the name tells */
		off = 0;
		if (sscanf(o->name, "sticky%d_%u_%n", &fam, &secs,
		    &off) != 2 || off == 0 || (fam != 4 && fam != 6))
			break;
		put_sticky_set(r, o->name, fam, secs);
		fprintf(r->f, "delete set " TBL " %s\n", o->name);
		break;
	}
}

static bool
chain_going(const struct fw_objs *want, const struct fw_obj *o)
{
	return o->type == FW_OBJ_CHAIN &&
	    !fw_objs_has(want, FW_OBJ_CHAIN, o->name);
}

static void
render_decls(struct rend *r, const struct fw_objs *want,
    const struct fw_objs *have)
{
	unsigned int i;

	fputs("add table " TBL "\n", r->f);
	for (i = 0; i < want->n; i++)
		render_decl(r, &want->v[i]);
	/* chains to remove: made sure to exist, emptied with the rest, so
	 * that no rule refers to an object being deleted */
	for (i = 0; have != NULL && i < have->n; i++)
		if (chain_going(want, &have->v[i]))
			fprintf(r->f, "add chain " TBL " %s\n",
			    have->v[i].name);
	for (i = 0; i < want->n; i++)
		if (want->v[i].type == FW_OBJ_CHAIN)
			fprintf(r->f, "flush chain " TBL " %s\n",
			    want->v[i].name);
	for (i = 0; have != NULL && i < have->n; i++)
		if (chain_going(want, &have->v[i]))
			fprintf(r->f, "flush chain " TBL " %s\n",
			    have->v[i].name);
	for (i = 0; have != NULL && i < have->n; i++)
		if (!fw_objs_has(want, have->v[i].type, have->v[i].name))
			render_delete(r, &have->v[i]);
}

/* Each link's mark chain, bypass's, and the chain that refuses. */
static void
render_marks(struct rend *r)
{
	const struct conf *c = r->c;
	char name[FW_NAME_MAX];
	unsigned int i;

	for (i = 0; i < c->nlinks; i++) {
		snprintf(name, sizeof(name), "mark_%s", c->links[i].name);
		render_mark_chain(r, name, r->p->links[i].mark);
	}
	render_mark_chain(r, "bypass", r->bypass);
	fw_rule(r, "unreachable", "meta l4proto tcp reject with tcp reset");
	fw_rule(r, "unreachable", "reject with icmpx admin-prohibited");
}

/* The configured rules, then the policies they choose: the default over
 * all links, each shared interface's bound_<link>, each pol_<name>. */
static void
render_choice(struct rend *r)
{
	const struct conf *c = r->c;
	char name[FW_NAME_MAX];
	unsigned int i, *all;

	for (i = 0; i < c->nrules && r->err == 0; i++)
		fw_render_conf_rule(r, &c->rules[i]);
	fw_rule(r, "rules", "goto choose");

	all = calloc(c->nlinks + 1, sizeof(*all));
	if (all == NULL)
		r->err = -ENOMEM;
	for (i = 0; all != NULL && i < c->nlinks; i++)
		all[i] = i;
	if (r->err == 0)
		fw_render_policy(r, "choose", "default", all, c->nlinks,
		    c->balance, 0);
	for (i = 0; all != NULL && i < c->nlinks && r->err == 0; i++)
		if (iface_shared(c, i))
			render_bound(r, i, all);
	for (i = 0; i < c->npolicies && r->err == 0; i++) {
		const struct conf_policy *po = &c->policies[i];

		snprintf(name, sizeof(name), "pol_%s", po->name);
		fw_render_policy(r, name, po->name, po->links, po->nlinks,
		    po->balance, po->sticky_s);
	}
	free(all);
}

/* Frees what r holds and closes its stream: 0 or r's first error. */
static int
rend_close(struct rend *r)
{
	unsigned int i;

	for (i = 0; i < r->nnat; i++)
		free(r->nat[i]);
	free(r->nat);
	if (ferror(r->f) && r->err == 0)
		r->err = -ENOMEM;
	if (fclose(r->f) != 0 && r->err == 0)
		r->err = -ENOMEM;
	return r->err;
}

char *
fw_render(const struct conf *c, const struct plan *p,
    const struct fw_objs *have)
{
	struct fw_objs want;
	struct rend r;
	char *text = NULL;
	size_t len = 0;
	int err;

	if (p->nlinks != c->nlinks) {
		errno = EINVAL;
		return NULL;
	}
	if ((err = fw_objects(c, &want)) < 0) {
		errno = -err;
		return NULL;
	}
	memset(&r, 0, sizeof(r));
	r.c = c;
	r.p = p;
	r.mask = c->fwmark_mask;
	r.keep = ~c->fwmark_mask;
	r.bypass = (uint32_t)PLAN_ID_BYPASS << __builtin_ctz(c->fwmark_mask);
	if ((r.f = open_memstream(&text, &len)) == NULL) {
		fw_objs_free(&want);
		return NULL;
	}
	fputs("# uplinkd: table inet " FW_TABLE ", one transaction\n", r.f);
	render_decls(&r, &want, have);
	render_marks(&r);
	render_prerouting(&r);
	render_output(&r);
	render_postrouting(&r);
	render_nat(&r);
	fw_render_own_source(&r);
	render_choice(&r);
	fw_objs_free(&want);
	if ((err = rend_close(&r)) < 0) {
		free(text);
		errno = -err;
		return NULL;
	}
	return text;
}

char *
fw_render_delete(void)
{
	return strdup("add table " TBL "\ndelete table " TBL "\n");
}
