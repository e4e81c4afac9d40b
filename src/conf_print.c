/* SPDX-License-Identifier: ISC */
/*
 * conf_print: struct conf as canonical uplinkd.conf text. Every option is
 * written, defaults included, in a fixed order, so that the text parses
 * again to an equal config and two equal configs print the same bytes
 * (`uplinkd --check --print`, golden files). Pure apart from the FILE.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "conf.h"

/* Strings libConfuse reads unquoted are printed bare; others quoted. */
static void
pr_str(FILE *f, const char *s)
{
	const char *p;

	for (p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("_.:/@-", *p))
			break;
	if (*s && !*p && !strstr(s, "//") && !strstr(s, "/*")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (p = s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fputc('\\', f);
		fputc(*p, f);
	}
	fputc('"', f);
}

static void
pr_opt(FILE *f, const char *ind, const char *opt, const char *s)
{
	fprintf(f, "%s%s = ", ind, opt);
	pr_str(f, s ? s : "");
	fputc('\n', f);
}

/* The largest unit that divides the duration: 600ms, 3s, 1m, 2h. */
static void
pr_dur(FILE *f, const char *ind, const char *opt, unsigned long long ms)
{
	if (ms && ms % 3600000 == 0)
		fprintf(f, "%s%s = %lluh\n", ind, opt, ms / 3600000);
	else if (ms && ms % 60000 == 0)
		fprintf(f, "%s%s = %llum\n", ind, opt, ms / 60000);
	else if (ms % 1000 == 0)
		fprintf(f, "%s%s = %llus\n", ind, opt, ms / 1000);
	else
		fprintf(f, "%s%s = %llums\n", ind, opt, ms);
}

static void
pr_addrs(FILE *f, const char *ind, const char *opt, const struct addr *a,
    unsigned int n)
{
	char buf[ADDR_STRLEN];
	unsigned int i, k = 0;

	fprintf(f, "%s%s = {", ind, opt);
	for (i = 0; i < n; i++)
		if (addr_is_set(&a[i]))
			fprintf(
			    f, "%s%s", k++ ? ", " : " ", addr_str(&a[i], buf));
	fprintf(f, "%s}\n", k ? " " : "");
}

static void
pr_prefixes(FILE *f, const char *opt, const struct prefix *p, unsigned int n)
{
	char buf[PREFIX_STRLEN];
	unsigned int i;

	fprintf(f, "\t%s = {", opt);
	for (i = 0; i < n; i++)
		fprintf(f, "%s%s", i ? ", " : " ", prefix_str(&p[i], buf));
	fprintf(f, "%s}\n", n ? " " : "");
}

static void
pr_ports(FILE *f, const char *opt, const struct conf_portrange *r,
    unsigned int n)
{
	unsigned int i;

	fprintf(f, "\t%s = {", opt);
	for (i = 0; i < n; i++) {
		fprintf(f, "%s\"%u", i ? ", " : " ", r[i].lo);
		if (r[i].hi != r[i].lo)
			fprintf(f, "-%u", r[i].hi);
		fputc('"', f);
	}
	fprintf(f, "%s}\n", n ? " " : "");
}

static void
pr_probe(FILE *f, const char *ind, const struct conf_probe *p)
{
	char in[8];

	snprintf(in, sizeof(in), "%s\t", ind);
	fprintf(f, "%sprobe {\n", ind);
	pr_addrs(f, in, "targets", p->targets, p->ntargets);
	fprintf(f, "%srate = %u\n", in, p->rate_pps);
	pr_dur(f, in, "timeout", p->timeout_ms);
	pr_dur(f, in, "down-after", p->down_ms);
	pr_dur(f, in, "up-after", p->up_ms);
	fprintf(f, "%sreliability = %u\n", in, p->reliability);
	fprintf(f, "%swindow = %u\n", in, p->window);
	pr_dur(f, in, "latency-degraded", p->latency_degraded_ms);
	pr_dur(f, in, "latency-down", p->latency_down_ms);
	fprintf(f, "%sloss-degraded = %u\n", in, p->loss_degraded_pct);
	fprintf(f, "%sloss-down = %u\n", in, p->loss_down_pct);
	pr_dur(f, in, "hold-max", p->hold_max_ms);
	fprintf(f, "%ssize = %u\n", in, p->size);
	pr_dur(f, in, "passive-hold", p->passive_hold_ms);
	pr_dur(f, in, "fast-down", p->fast_down_ms);
	fprintf(f, "%s}\n", ind);
}

static const char *
nat6_name(enum conf_nat6 n)
{
	switch (n) {
	case NAT6_NONE:
		return "none";
	case NAT6_MASQUERADE:
		return "masquerade";
	case NAT6_NPT:
		return "npt";
	case NAT6_AUTO:
		return "auto";
	}
	return "?";
}

static void
pr_link(FILE *f, const struct conf_link *l)
{
	struct addr gw[2] = { l->gateway4, l->gateway6 };

	fprintf(f, "\nlink %s {\n", l->name);
	pr_opt(f, "\t", "interface", l->ifname);
	pr_addrs(f, "\t", "gateway", gw, 2);
	if (l->weight_auto)
		fputs("\tweight = auto\n", f);
	else
		fprintf(f, "\tweight = %u\n", l->weight);
	if (l->bandwidth_mbit)
		fprintf(f, "\tbandwidth = %u\n", l->bandwidth_mbit);
	fprintf(f, "\ttier = %u\n", l->tier);
	fprintf(f, "\tfamily = %s\n", l->ipv4 && l->ipv6 ? "both" :
	    l->ipv4 ? "ipv4" : "ipv6");
	fprintf(f, "\tnat6 = %s\n", nat6_name(l->nat6));
	if (l->npt_prefix6.len) {
		char pb[PREFIX_STRLEN];

		fprintf(f, "\tnpt-prefix = %s\n",
		    prefix_str(&l->npt_prefix6, pb));
	}
	pr_addrs(f, "\t", "dns", l->dns, l->ndns);
	if (addr_is_set(&l->address4) || addr_is_set(&l->address6)) {
		struct addr ad[2] = { l->address4, l->address6 };

		pr_addrs(f, "\t", "address", ad, 2);
	}
	if (l->has_probe)
		pr_probe(f, "\t", &l->probe);
	fprintf(f, "}\n");
}

static void
pr_rule(FILE *f, const struct conf *c, const struct conf_rule *r)
{
	static const char *const protos[256] = {
		[0] = "any", [IPPROTO_ICMP] = "icmp", [IPPROTO_TCP] = "tcp",
		[IPPROTO_UDP] = "udp", [IPPROTO_ICMPV6] = "icmpv6",
		[IPPROTO_SCTP] = "sctp",
	};

	fprintf(f, "\nrule {\n");
	pr_prefixes(f, "src", r->src, r->nsrc);
	pr_prefixes(f, "dst", r->dst, r->ndst);
	if (protos[r->proto])
		fprintf(f, "\tproto = %s\n", protos[r->proto]);
	else
		fprintf(f, "\tproto = %u\n", r->proto);
	pr_ports(f, "sport", r->sport, r->nsport);
	pr_ports(f, "dport", r->dport, r->ndport);
	pr_opt(f, "\t", "iif", r->iif);
	if (r->policy >= 0)
		pr_opt(f, "\t", "policy", c->policies[r->policy].name);
	else
		fprintf(f, "\tpolicy = %s\n",
		    r->policy == POLICY_MAIN              ? "main"
			: r->policy == POLICY_UNREACHABLE ? "unreachable"
							  : "default");
	fprintf(f, "}\n");
}

/* NAME = none | ADDR | { ADDR4, ADDR6 } */
static void
pr_addr_pair(FILE *f, const char *name, const struct addr *a4,
    const struct addr *a6)
{
	char a[ADDR_STRLEN], b[ADDR_STRLEN];

	if (addr_is_set(a4) && addr_is_set(a6))
		fprintf(f, "%s = { %s, %s }\n", name, addr_str(a4, a),
		    addr_str(a6, b));
	else if (addr_is_set(a4) || addr_is_set(a6))
		fprintf(f, "%s = %s\n", name,
		    addr_str(addr_is_set(a4) ? a4 : a6, a));
	else
		fprintf(f, "%s = none\n", name);
}

void
conf_print(const struct conf *c, FILE *f)
{
	unsigned int i, j;

	fprintf(f, "table-base = %u\n", c->table_base);
	fprintf(f, "rule-priority-base = %u\n", c->rule_priority_base);
	fprintf(f, "nexthop-id-base = %u\n", c->nexthop_id_base);
	fprintf(f, "fwmark-mask = 0x%08x\n", c->fwmark_mask);
	fprintf(f, "route-protocol = %u\n", c->route_protocol);
	fprintf(f, "balance = %s\n", conf_balance_name(c->balance));
	fprintf(f, "manage-sysctl = %s\n", c->manage_sysctl ? "true" : "false");
	fprintf(f, "mptcp = %s\n", c->mptcp ? "on" : "off");
	pr_opt(f, "", "hooks-dir", c->hooks_dir);
	if (c->ha_track_file)
		pr_opt(f, "", "ha-track-file", c->ha_track_file);
	pr_dur(f, "", "hook-timeout", c->hook_timeout_ms);
	pr_opt(f, "", "socket", c->socket_path);
	pr_opt(f, "", "socket-group", c->socket_group);
	pr_opt(f, "", "metrics-listen", c->metrics_listen);
	if (c->local_source_auto)
		fputs("local-source = auto\n", f);
	else
		pr_addr_pair(f, "local-source", &c->local_source4,
		    &c->local_source6);
	pr_addr_pair(f, "own-source", &c->own_source4, &c->own_source6);
	fputc('\n', f);
	pr_probe(f, "", &c->probe);
	for (i = 0; i < c->nlinks; i++)
		pr_link(f, &c->links[i]);
	for (i = 0; i < c->nlans; i++) {
		fprintf(f, "\nlan %s {\n", c->lans[i].name);
		pr_opt(f, "\t", "interface", c->lans[i].ifname);
		fprintf(f, "\tmasquerade = %s\n", c->lans[i].masquerade ?
		    "true" : "false");
		fprintf(f, "}\n");
	}
	for (i = 0; i < c->npolicies; i++) {
		const struct conf_policy *p = &c->policies[i];

		fprintf(f, "\npolicy %s {\n\tlinks = {", p->name);
		for (j = 0; j < p->nlinks; j++)
			fprintf(f, "%s%s", j ? ", " : " ",
			    c->links[p->links[j]].name);
		fprintf(f, "%s}\n", p->nlinks ? " " : "");
		fprintf(f, "\tbalance = %s\n", conf_balance_name(p->balance));
		pr_dur(f, "\t", "sticky", p->sticky_s * 1000ULL);
		fprintf(f, "}\n");
	}
	for (i = 0; i < c->nrules; i++)
		pr_rule(f, c, &c->rules[i]);
}
