/* SPDX-License-Identifier: ISC */
/*
 * plan_print_ip writes a plan as the `sysctl`, `ip nexthop`, `ip route` and
 * `ip rule` commands that would build it by hand, in the style of the 2008
 * article, so an administrator can read and reproduce what uplinkd does.
 * Pure: formats into a FILE the caller owns.
 */
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "plan.h"

static const char *
ifname_of(const struct kstate *obs, int ifindex, char *buf)
{
	const struct klink *kl = kobj_link_by_index(obs, ifindex);

	if (kl)
		return kl->ifname;
	snprintf(buf, IFNAMSIZ, "if%d", ifindex);
	return buf;
}

static const char *
fam(int family)
{
	return family == AF_INET6 ? "-6 " : "";
}

static void
print_nh(const struct knh *n, const struct kstate *obs, FILE *f)
{
	char a[ADDR_STRLEN], ifb[IFNAMSIZ];
	unsigned int i;

	fprintf(f, "ip %snexthop replace id %u", n->is_group ? "" :
	    fam(n->family), n->id);
	if (n->is_group) {
		fputs(" group ", f);
		for (i = 0; i < n->nmembers; i++) {
			fprintf(f, "%s%u", i ? "/" : "", n->members[i].id);
			if (n->members[i].weight != 1)
				fprintf(f, ",%u", n->members[i].weight);
		}
		if (n->resilient)
			fprintf(f, " type resilient buckets %u", n->buckets);
		if (n->resilient && n->idle_timer_s)
			fprintf(f, " idle_timer %u", n->idle_timer_s);
	} else {
		if (addr_is_set(&n->gateway))
			fprintf(f, " via %s", addr_str(&n->gateway, a));
		fprintf(f, " dev %s", ifname_of(obs, n->oif, ifb));
		if (n->onlink)
			fputs(" onlink", f);
	}
	fprintf(f, " proto %u\n", n->protocol);
}

static void
print_route(const struct kroute *r, const struct kstate *obs, FILE *f)
{
	char a[ADDR_STRLEN], p[PREFIX_STRLEN], ifb[IFNAMSIZ];

	fprintf(f, "ip %sroute replace ", fam(r->family));
	if (r->dst.len == 0)
		fputs("default", f);
	else
		fputs(prefix_str(&r->dst, p), f);
	if (r->nhid)
		fprintf(f, " nhid %u", r->nhid);
	if (addr_is_set(&r->gateway))
		fprintf(f, " via %s", addr_str(&r->gateway, a));
	if (r->oif)
		fprintf(f, " dev %s", ifname_of(obs, r->oif, ifb));
	if (r->flags & RTNH_F_ONLINK)
		fputs(" onlink", f);
	if (addr_is_set(&r->prefsrc))
		fprintf(f, " src %s", addr_str(&r->prefsrc, a));
	if (r->family == AF_INET && r->scope == RT_SCOPE_LINK)
		fputs(" scope link", f);
	if (r->realm)
		fprintf(f, " realm %u", r->realm);
	if (r->priority && !(r->family == AF_INET6 && r->priority == 1024))
		fprintf(f, " metric %u", r->priority);
	fprintf(f, " table %u proto %u\n", r->table, r->protocol);
}

static void
print_rule(const struct krule *r, FILE *f)
{
	char p[PREFIX_STRLEN];

	fprintf(f, "ip %srule add", fam(r->family));
	if (r->src.addr.family)
		fprintf(f, " from %s", r->src.len == addr_len(&r->src.addr) * 8 ?
		    addr_str(&r->src.addr, p) : prefix_str(&r->src, p));
	if (r->dst.addr.family)
		fprintf(f, " to %s", prefix_str(&r->dst, p));
	if (r->fwmark || r->fwmask)
		fprintf(f, " fwmark 0x%x/0x%x", r->fwmark, r->fwmask);
	if (r->iifname[0])
		fprintf(f, " iif %s", r->iifname);
	if (r->ip_proto)
		fprintf(f, " ipproto %u", r->ip_proto);
	if (r->sport_lo || r->sport_hi)
		fprintf(f, " sport %u-%u", r->sport_lo, r->sport_hi);
	if (r->dport_lo || r->dport_hi)
		fprintf(f, " dport %u-%u", r->dport_lo, r->dport_hi);
	switch (r->action) {
	case KRULE_LOOKUP:
		if (r->table == RT_TABLE_MAIN)
			fputs(" lookup main", f);
		else
			fprintf(f, " lookup %u", r->table);
		break;
	case KRULE_UNREACHABLE:
		fputs(" unreachable", f);
		break;
	}
	if (r->suppress_prefixlen >= 0)
		fprintf(f, " suppress_prefixlength %d", r->suppress_prefixlen);
	fprintf(f, " pref %u protocol %u\n", r->priority, r->protocol);
}

/* mptcp = on: uplinkd's endpoints; the limits are raised to their number
 * where lower (never lowered). */
static void
print_mptcp(const struct plan *p, const struct kstate *obs, FILE *f)
{
	char line[160], ifb[IFNAMSIZ];
	unsigned int i, n = p->mptcp.n;

	if (n == 0)
		return;
	fputs("\n# Multipath TCP: a subflow endpoint per active link "
	    "address\n", f);
	for (i = 0; i < n; i++) {
		const struct mpath_ep *e = &p->mptcp.v[i];

		mpath_format(e, e->ifindex ? ifname_of(obs, e->ifindex, ifb) :
		    NULL, line, sizeof(line));
		fprintf(f, "%s\n", line);
	}
	if (n > MPATH_LIMIT_MAX)
		n = MPATH_LIMIT_MAX;
	fprintf(f, "ip mptcp limits set subflows %u add_addr_accepted %u"
	    "   # where lower\n", n, n);
}

/* net/ipv4/conf/eth0/rp_filter -> net.ipv4.conf.eth0.rp_filter (an
 * interface name with a dot would need the slash form) */
static void
print_sysctls(const struct plan *p, FILE *f)
{
	unsigned int i, j;

	if (p->nsysctls)
		fputs("# kernel settings\n", f);
	for (i = 0; i < p->nsysctls; i++) {
		char dotted[sizeof(p->sysctls[i].path)];

		snprintf(dotted, sizeof(dotted), "%s", p->sysctls[i].path);
		if (!strchr(dotted, '.'))
			for (j = 0; dotted[j]; j++)
				if (dotted[j] == '/')
					dotted[j] = '.';
		fprintf(f, "sysctl -qw %s=%s\n", dotted, p->sysctls[i].value);
	}
}

static void
print_family(const char *name, const struct plan_family *pf, FILE *f)
{
	char a[ADDR_STRLEN], gw[ADDR_STRLEN];

	if (!pf->usable)
		return;
	fprintf(f, "#   %s %s via %s%s, %s\n", name, addr_str(&pf->addr, a),
	    addr_is_set(&pf->gateway) ? addr_str(&pf->gateway, gw) :
	    "point-to-point", pf->gateway_learned ? " (learned)" : "",
	    pf->active ? "active" : "inactive");
}

/* The link's nexthops (v4 and v6), its table's routes and the rules that
 * look it up. */
static void
print_link_objs(const struct plan *p, const struct conf *c,
    const struct plan_link *pl, const struct kstate *obs, FILE *f)
{
	unsigned int j;

	for (j = 0; j < p->k.nnhs; j++) {
		const struct knh *n = &p->k.nhs[j];

		if (!n->is_group && n->oif == pl->ifindex &&
		    (n->id == c->nexthop_id_base + pl->conf->id ||
		    n->id == c->nexthop_id_base + pl->conf->id +
		    PLAN_NH_V6))
			print_nh(n, obs, f);
	}
	for (j = 0; j < p->k.nroutes; j++)
		if (p->k.routes[j].table == pl->table)
			print_route(&p->k.routes[j], obs, f);
	for (j = 0; j < p->k.nrules; j++)
		if (p->k.rules[j].table == pl->table)
			print_rule(&p->k.rules[j], f);
}

static void
print_link(const struct plan *p, const struct conf *c,
    const struct plan_link *pl, const struct kstate *obs, FILE *f)
{
	char a[ADDR_STRLEN];
	unsigned int j;

	fprintf(f, "\n# link %s: interface %s, table %u, mark 0x%x, "
	    "weight %u, tier %u\n", pl->conf->name, pl->conf->ifname,
	    pl->table, pl->mark, pl->weight, pl->conf->tier);
	if (!pl->ifindex)
		fputs("#   interface absent\n", f);
	else if (!pl->v4.usable && !pl->v6.usable)
		fputs("#   no usable address or gateway yet\n", f);
	print_family("ipv4", &pl->v4, f);
	print_family("ipv6", &pl->v6, f);
	for (j = 0; j < pl->conf->ndns; j++)
		fprintf(f, "%s%s%s", j ? ", " : "#   resolvers ",
		    addr_str(&pl->conf->dns[j], a),
		    j + 1 == pl->conf->ndns ? ": always over this "
		    "link (nft marks)\n" : "");
	print_link_objs(p, c, pl, obs, f);
}

static bool
per_link_table(const struct plan *p, uint32_t table)
{
	unsigned int i;

	for (i = 0; i < p->nlinks; i++)
		if (table == p->links[i].table)
			return true;
	return false;
}

/* The balanced default: the host's own source address, the groups, table
 * table_base's routes and every rule not of a link's table. */
static void
print_balanced(const struct plan *p, const struct conf *c,
    const struct kstate *obs, FILE *f)
{
	unsigned int j;

	fprintf(f, "\n# balanced default: table %u, behind the host's own "
	    "routes%s\n", c->table_base,
	    p->failopen4 ? " (fail-open: no link is known healthy)" : "");
	for (j = 0; j < p->k.naddrs; j++) {
		const struct kaddr *ka = &p->k.addrs[j];
		char pb[PREFIX_STRLEN], ifb[IFNAMSIZ];

		fprintf(f, "# the host's unbound sockets' source: uplinkd's own, "
		    "translated on every way out\nip %saddr replace %s dev %s%s\n",
		    fam(ka->local.addr.family), prefix_str(&ka->local, pb),
		    ifname_of(obs, ka->ifindex, ifb),
		    ka->local.addr.family == AF_INET6 ? " nodad" : "");
	}
	for (j = 0; j < p->k.nnhs; j++)
		if (p->k.nhs[j].is_group)
			print_nh(&p->k.nhs[j], obs, f);
	for (j = 0; j < p->k.nroutes; j++)
		if (p->k.routes[j].table == c->table_base)
			print_route(&p->k.routes[j], obs, f);
	for (j = 0; j < p->k.nrules; j++)
		if (!per_link_table(p, p->k.rules[j].table))
			print_rule(&p->k.rules[j], f);
}

void
plan_print_ip(const struct plan *p, const struct conf *c,
    const struct kstate *obs, FILE *f)
{
	unsigned int i;

	print_sysctls(p, f);
	for (i = 0; i < p->nlinks; i++)
		print_link(p, c, &p->links[i], obs, f);
	print_balanced(p, c, obs, f);
	print_mptcp(p, obs, f);
}
