/* SPDX-License-Identifier: ISC */
/*
 * The config loader's section readers: the top-level options and each kind
 * of section (probe, link, lan, policy, rule) turned into struct conf
 * fields, with every check that needs only that section, and the checks
 * across sections (the top-level options are in conf_globals.c). Pure: reads a parsed libConfuse tree, reports through
 * conf_err. The libConfuse side and conf_load are in conf.c.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "conf.h"
#include "conf_priv.h"

static const char *const nat6_names[] = {
	[NAT6_NONE] = "none", [NAT6_MASQUERADE] = "masquerade",
	[NAT6_NPT] = "npt",
	[NAT6_AUTO] = "auto",
};
static const char *const family_names[] = { "both", "ipv4", "ipv6" };
static const char *const default_targets[] = {
	"1.1.1.1", "8.8.8.8", "9.9.9.9",
	"2606:4700:4700::1111", "2001:4860:4860::8888",
};

static void
check_name(struct loadctx *x, int line, const char *kind, const char *s,
    char *out)
{
	size_t len = strlen(s);

	if (len == 0 || len >= CONF_NAME_MAX) {
		conf_err(x, line, "%s '%s': name must be 1 to %d characters",
		    kind, s, CONF_NAME_MAX - 1);
		return;
	}
	if (!conf_name_ok(s)) {
		conf_err(x, line, "%s '%s': name may only have letters, "
		    "digits, '_' and '-' (it names nftables objects)", kind, s);
		return;
	}
	memcpy(out, s, len + 1);
}

/* The kernel's dev_valid_name(), and what nftables can take quoted. */
static void
check_ifname(struct loadctx *x, int line, const char *pfx, const char *opt,
    const char *s, char *out)
{
	int bad = conf_ifname_bad(s);

	if (strlen(s) >= IFNAMSIZ) {
		conf_err(x, line, "%s%s: '%s' is longer than %d characters",
		    pfx, opt, s, IFNAMSIZ - 1);
		return;
	}
	if (bad < 0) {
		conf_err(x, line, "%s%s: '%s' is not an interface name", pfx,
		    opt, s);
		return;
	}
	if (bad > ' ' && bad < 0x7f) {
		conf_err(x, line, "%s%s: '%s' is not an interface name: the "
		    "kernel or nftables refuses '%c'", pfx, opt, s, bad);
		return;
	}
	if (bad > 0) {
		conf_err(x, line, "%s%s: '%s' is not an interface name: the "
		    "kernel or nftables refuses byte 0x%02x", pfx, opt, s,
		    (unsigned int)bad);
		return;
	}
	memcpy(out, s, strlen(s) + 1);
}

void
conf_probe_defaults(struct conf_probe *p)
{
	size_t i;

	memset(p, 0, sizeof(*p));
	for (i = 0; i < NELEM(default_targets); i++)
		addr_parse(default_targets[i], &p->targets[p->ntargets++]);
	p->rate_pps = 10;
	p->timeout_ms = 600;
	p->down_ms = 800;
	p->up_ms = 3000;
	p->reliability = 1;
	p->window = 20;
	p->latency_degraded_ms = 200;
	p->latency_down_ms = 500;
	p->loss_degraded_pct = 10;
	p->loss_down_pct = 20;
	p->hold_max_ms = 60000;
	p->passive_hold_ms = 30000;
	p->fast_down_ms = 150;
	p->size = 24;	/* magic, send time, tag; 4 bytes of fill */
}

/* Targets of each family the link uses must be enough for reliability. */
static void
probe_families(struct loadctx *x, int line, const char *pfx,
    const struct conf_probe *p, bool ipv4, bool ipv6)
{
	unsigned int n4 = 0, n6 = 0, i;

	for (i = 0; i < p->ntargets; i++) {
		if (p->targets[i].family == AF_INET)
			n4++;
		else
			n6++;
	}
	if ((ipv4 ? n4 : 0) + (ipv6 ? n6 : 0) == 0)
		conf_err(
		    x, line, "%sprobe: no target of the link's families", pfx);
	if (ipv4 && n4 && n4 < p->reliability)
		conf_err(x, line, "%sprobe: reliability %u exceeds the %u IPv4 "
		    "targets", pfx, p->reliability, n4);
	if (ipv6 && n6 && n6 < p->reliability)
		conf_err(x, line, "%sprobe: reliability %u exceeds the %u IPv6 "
		    "targets", pfx, p->reliability, n6);
}

/* probe targets = { ... }: addresses, none twice, at most
 * CONF_MAX_TARGETS. */
static void
probe_targets(struct loadctx *x, cfg_t *sec, const char *ppfx,
    struct conf_probe *p)
{
	unsigned int i, j, n = cfg_size(sec, "targets");
	int line;

	if (n > CONF_MAX_TARGETS) {
		conf_err(x, conf_line(x, sec, "targets", CONF_MAX_TARGETS),
		    "%stargets: more than %d", ppfx, CONF_MAX_TARGETS);
		return;
	}
	if (n == 0)
		return;
	p->ntargets = 0;
	for (i = 0; i < n; i++) {
		const char *s = cfg_getnstr(sec, "targets", i);
		struct addr *a = &p->targets[p->ntargets];

		line = conf_line(x, sec, "targets", i);
		if (addr_parse(s, a) < 0 || conf_addr_zero(a)) {
			conf_err(x, line, "%stargets: '%s' is not an IP "
			    "address", ppfx, s);
			continue;
		}
		for (j = 0; j < p->ntargets; j++)
			if (addr_eq(&p->targets[j], a))
				break;
		if (j < p->ntargets)
			conf_err(x, line, "%stargets: %s given twice", ppfx, s);
		else
			p->ntargets++;
	}
}

/* The probe's durations and numbers, each in its range. */
static void
probe_values(struct loadctx *x, cfg_t *sec, const char *ppfx,
    struct conf_probe *p)
{
	static const struct {
		const char *opt;
		size_t off;
		uint64_t min;
	} durs[] = {
#define D(o, f, m) { o, offsetof(struct conf_probe, f), m }
		D("timeout", timeout_ms, 1), D("down-after", down_ms, 1),
		D("up-after", up_ms, 1), D("hold-max", hold_max_ms, 0),
		D("passive-hold", passive_hold_ms, 0),
		D("fast-down", fast_down_ms, 0),
		D("latency-degraded", latency_degraded_ms, 1),
		D("latency-down", latency_down_ms, 1),
#undef D
	};
	unsigned int i;
	uint64_t v;

	for (i = 0; i < NELEM(durs); i++)
		if (conf_opt_dur(x, sec, ppfx, durs[i].opt, 1, durs[i].min, &v))
			*(unsigned int *)((char *)p + durs[i].off) = v;
	if (conf_opt_num(x, sec, ppfx, "rate", 1, 100, &v))
		p->rate_pps = v;
	if (conf_opt_num(x, sec, ppfx, "reliability", 1, CONF_MAX_TARGETS, &v))
		p->reliability = v;
	if (conf_opt_num(x, sec, ppfx, "window", 4, 1000, &v))
		p->window = v;
	if (conf_opt_num(x, sec, ppfx, "loss-degraded", 0, 100, &v))
		p->loss_degraded_pct = v;
	if (conf_opt_num(x, sec, ppfx, "loss-down", 0, 100, &v))
		p->loss_down_pct = v;
	if (conf_opt_num(x, sec, ppfx, "size", 20, 1452, &v))
		p->size = v;
}

/* Cross checks, only where this section gives one of the options. */
static void
probe_cross_checks(struct loadctx *x, cfg_t *sec, const char *ppfx,
    const struct conf_probe *p)
{
	if ((conf_get(sec, "timeout") || conf_get(sec, "down-after")) &&
	    p->timeout_ms >= p->down_ms)
		conf_err(x,
		    conf_line(x, sec,
			conf_get(sec, "timeout") ? "timeout" : "down-after", 0),
		    "%stimeout %ums must be shorter than "
		    "down-after %ums",
		    ppfx, p->timeout_ms, p->down_ms);
	if ((conf_get(sec, "latency-degraded") ||
		conf_get(sec, "latency-down")) &&
	    p->latency_degraded_ms > p->latency_down_ms)
		conf_err(x,
		    conf_line(x, sec,
			conf_get(sec, "latency-degraded") ? "latency-degraded"
							  : "latency-down",
			0),
		    "%slatency-degraded %ums exceeds latency-down %ums", ppfx,
		    p->latency_degraded_ms, p->latency_down_ms);
	if ((conf_get(sec, "loss-degraded") || conf_get(sec, "loss-down")) &&
	    p->loss_degraded_pct > p->loss_down_pct)
		conf_err(x, conf_line(x, sec, conf_get(sec, "loss-degraded") ?
		    "loss-degraded" : "loss-down", 0),
		    "%sloss-degraded %u%% exceeds loss-down %u%%", ppfx,
		    p->loss_degraded_pct, p->loss_down_pct);
}

/* Override p with what sec gives; pfx is "" or "link NAME: ". */
void
conf_probe_load(struct loadctx *x, cfg_t *sec, const char *pfx,
    struct conf_probe *p, bool ipv4, bool ipv6)
{
	char ppfx[64];
	int line;

	snprintf(ppfx, sizeof(ppfx), "%sprobe: ", pfx);
	probe_targets(x, sec, ppfx, p);
	probe_values(x, sec, ppfx, p);
	probe_cross_checks(x, sec, ppfx, p);
	line = conf_line(x, sec, conf_get(sec, "reliability") ? "reliability" :
	    "targets", 0);
	probe_families(x, line, pfx, p, ipv4, ipv6);
}

static void
link_gateways(struct loadctx *x, cfg_t *sec, const char *pfx,
    struct conf_link *l)
{
	unsigned int i, n = cfg_size(sec, "gateway");
	const char *s;
	struct addr a, *slot;
	int line;

	for (i = 0; i < n; i++) {
		s = cfg_getnstr(sec, "gateway", i);
		line = conf_line(x, sec, "gateway", i);
		if (addr_parse(s, &a) < 0 || conf_addr_zero(&a)) {
			conf_err(x, line,
			    "%sgateway: '%s' is not an IP address", pfx, s);
			continue;
		}
		slot = a.family == AF_INET ? &l->gateway4 : &l->gateway6;
		if (addr_is_set(slot))
			conf_err(x, line, "%sgateway: two IPv%c gateways", pfx,
			    a.family == AF_INET ? '4' : '6');
		*slot = a;
	}
	if ((s = conf_get(sec, "gateway6")) != NULL) {
		line = conf_line(x, sec, "gateway6", 0);
		if (addr_parse(s, &a) < 0 || a.family != AF_INET6 ||
		    conf_addr_zero(&a))
			conf_err(x, line,
			    "%sgateway6: '%s' is not an IPv6 address", pfx, s);
		else if (addr_is_set(&l->gateway6))
			conf_err(x, line,
			    "%sgateway6: IPv6 gateway given twice", pfx);
		else
			l->gateway6 = a;
	}
	if (!l->ipv4 && addr_is_set(&l->gateway4))
		conf_err(x, conf_line(x, sec, "gateway", 0), "%sgateway: IPv4 "
		    "gateway on a link with family = ipv6", pfx);
	if (!l->ipv6 && addr_is_set(&l->gateway6))
		conf_err(x,
		    conf_line(x, sec,
			conf_get(sec, "gateway6") ? "gateway6" : "gateway", 0),
		    "%sgateway: IPv6 gateway on a link with "
		    "family = ipv4",
		    pfx);
}

/*
 * weight = auto balances the whole set by learned capacity: once one link
 * says auto, the links that give no weight are auto too, and a number
 * beside it is refused (a fixed share of an unknown total means nothing).
 * bandwidth bounds a learned capacity, so it needs auto.
 */
void
conf_weight_check(struct loadctx *x, struct conf *c)
{
	const struct conf_link *a = NULL;
	unsigned int i;

	for (i = 0; i < c->nlinks && !a; i++)
		if (c->links[i].weight_auto)
			a = &c->links[i];
	for (i = 0; i < c->nlinks; i++) {
		struct conf_link *l = &c->links[i];

		if (a && !l->weight_auto && l->weight_line)
			conf_err(x, l->weight_line, "link %s: weight: a number "
			    "beside weight = auto (link %s, line %d); give "
			    "every link auto, or every link a number", l->name,
			    a->name, a->weight_line);
		else if (a)
			l->weight_auto = true;
		if (!a && l->bandwidth_line)
			conf_err(x, l->bandwidth_line, "link %s: bandwidth "
			    "bounds a learned capacity: it needs weight = auto",
			    l->name);
	}
}

void
conf_link_load(struct loadctx *x, struct conf *c, cfg_t *sec,
    struct conf_link *l)
{
	const struct conf_link *o;
	const char *title = cfg_title(sec), *s;
	int line = conf_sec_line(x, sec), v = 0;
	char pfx[CONF_NAME_MAX + 16];
	uint64_t n;

	l->line = line;
	snprintf(pfx, sizeof(pfx), "link %s: ", title);
	check_name(x, line, "link", title, l->name);
	if ((s = conf_get(sec, "interface")) != NULL)
		line = conf_line(x, sec, "interface", 0);
	check_ifname(x, line, pfx, "interface", s ? s : title, l->ifname);
	l->weight = l->tier = 1;
	if ((s = conf_get(sec, "weight")) != NULL)
		l->weight_line = conf_line(x, sec, "weight", 0);
	if (s && strcmp(s, "auto") == 0)
		l->weight_auto = true;
	else if (conf_opt_num(x, sec, pfx, "weight", 1, CONF_WEIGHT_MAX, &n))
		l->weight = n;
	if (conf_opt_num(x, sec, pfx, "bandwidth", 1, CONF_BANDWIDTH_MAX, &n)) {
		l->bandwidth_mbit = n;
		l->bandwidth_line = conf_line(x, sec, "bandwidth", 0);
	}
	if (conf_opt_num(x, sec, pfx, "tier", 1, CONF_TIER_MAX, &n))
		l->tier = n;
	conf_opt_enum(
	    x, sec, pfx, "family", family_names, NELEM(family_names), &v);
	l->ipv4 = v != 2;
	l->ipv6 = v != 1;
	v = NAT6_AUTO;
	conf_opt_enum(x, sec, pfx, "nat6", nat6_names, NELEM(nat6_names), &v);
	l->nat6 = v;
	if (conf_get(sec, "nat6"))
		l->nat6_line = conf_line(x, sec, "nat6", 0);
	if ((s = conf_get(sec, "npt-prefix")) != NULL) {
		line = conf_line(x, sec, "npt-prefix", 0);
		if (prefix_parse(s, &l->npt_prefix6) < 0 ||
		    l->npt_prefix6.addr.family != AF_INET6 ||
		    l->npt_prefix6.len == 0 || l->npt_prefix6.len > 64)
			conf_err(x, line, "%snpt-prefix: '%s' is not an IPv6 "
			    "prefix of /1 to /64", pfx, s);
		else
			prefix_mask(&l->npt_prefix6);
	}
	if (l->nat6 == NAT6_NPT && !l->npt_prefix6.len)
		conf_err(x, conf_line(x, sec, "nat6", 0), "%snat6 = npt needs "
		    "npt-prefix (the prefix the ISP routes to this host)", pfx);
	link_gateways(x, sec, pfx, l);
	conf_link_dns(x, c, sec, pfx, l);
	conf_link_address(x, sec, pfx, l);
	for (o = c->links; *l->ifname && o < l; o++)
		if (!strcmp(o->ifname, l->ifname) &&
		    addr_eq(&o->gateway4, &l->gateway4) &&
		    addr_eq(&o->gateway6, &l->gateway6))
			conf_err(x, l->line, "%ssame interface and gateway as "
			    "link %s (line %d)", pfx, o->name, o->line);
	l->probe = c->probe;
	if (cfg_size(sec, "probe") > 1)
		conf_err(x, conf_sec_line(x, cfg_getnsec(sec, "probe", 1)),
		    "%sprobe: section given twice", pfx);
	if (cfg_size(sec, "probe") > 0) {
		l->has_probe = true;
		conf_probe_load(x, cfg_getnsec(sec, "probe", 0), pfx, &l->probe,
		    l->ipv4, l->ipv6);
	} else if (!l->ipv4 || !l->ipv6) {
		probe_families(x, l->line, pfx, &l->probe, l->ipv4, l->ipv6);
	}
}

void
conf_lan_load(struct loadctx *x, const struct conf *c, cfg_t *sec,
    struct conf_lan *n)
{
	const char *title = cfg_title(sec), *s;
	int line = conf_sec_line(x, sec);
	char pfx[CONF_NAME_MAX + 16];
	unsigned int i;

	n->line = line;
	snprintf(pfx, sizeof(pfx), "lan %s: ", title);
	check_name(x, line, "lan", title, n->name);
	if ((s = conf_get(sec, "interface")) != NULL)
		line = conf_line(x, sec, "interface", 0);
	check_ifname(x, line, pfx, "interface", s ? s : title, n->ifname);
	n->masquerade = true;
	conf_opt_bool(x, sec, pfx, "masquerade", &n->masquerade);
	for (i = 0; *n->ifname && i < c->nlinks; i++)
		if (!strcmp(n->ifname, c->links[i].ifname))
			conf_err(x, line, "%sinterface %s is the interface of "
			    "link %s", pfx, n->ifname, c->links[i].name);
	for (i = 0; *n->ifname && &c->lans[i] < n; i++)
		if (!strcmp(n->ifname, c->lans[i].ifname))
			conf_err(x, line, "%sinterface %s is the interface of "
			    "lan %s", pfx, n->ifname, c->lans[i].name);
}

static int
link_index(const struct conf *c, const char *name)
{
	unsigned int i;

	for (i = 0; i < c->nlinks; i++)
		if (!strcmp(c->links[i].name, name))
			return i;
	return -1;
}

int
conf_policy_load(struct loadctx *x, struct conf *c, cfg_t *sec,
    struct conf_policy *p)
{
	const char *title = cfg_title(sec), *s;
	unsigned int i, j, n = cfg_size(sec, "links");
	int line = conf_sec_line(x, sec), v = c->balance, li;
	char pfx[CONF_NAME_MAX + 16];
	uint64_t ms;

	p->line = line;
	snprintf(pfx, sizeof(pfx), "policy %s: ", title);
	check_name(x, line, "policy", title, p->name);
	if (!strcmp(title, "main") || !strcmp(title, "unreachable") ||
	    !strcmp(title, "default"))
		conf_err(x, line, "policy %s: the name is reserved", title);
	if (n == 0)
		conf_err(x, line, "%slinks: no links", pfx);
	if (n > 0 && (p->links = calloc(n, sizeof(*p->links))) == NULL)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		s = cfg_getnstr(sec, "links", i);
		line = conf_line(x, sec, "links", i);
		if ((li = link_index(c, s)) < 0) {
			conf_err(
			    x, line, "%slinks: no link named '%s'", pfx, s);
			continue;
		}
		for (j = 0; j < p->nlinks; j++)
			if (p->links[j] == (unsigned int)li)
				break;
		if (j < p->nlinks)
			conf_err(x, line, "%slinks: %s given twice", pfx, s);
		else
			p->links[p->nlinks++] = li;
	}
	conf_opt_enum(
	    x, sec, pfx, "balance", conf_balance_names, CONF_NBALANCE, &v);
	p->balance = v;
	if (conf_opt_dur(x, sec, pfx, "sticky", 1000, 0, &ms))
		p->sticky_s = ms / 1000;
	return 0;
}

static int
rule_prefixes(struct loadctx *x, cfg_t *sec, const char *opt,
    struct prefix **out, unsigned int *nout, int *family)
{
	unsigned int i, n = cfg_size(sec, opt);
	char buf[PREFIX_STRLEN];
	struct prefix *p, m;
	const char *s;
	int line;

	if (n == 0)
		return 0;
	if ((*out = calloc(n, sizeof(**out))) == NULL)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		s = cfg_getnstr(sec, opt, i);
		line = conf_line(x, sec, opt, i);
		p = &(*out)[*nout];
		if (prefix_parse(s, p) < 0) {
			conf_err(
			    x, line, "rule: %s: '%s' is not a prefix", opt, s);
			continue;
		}
		m = *p;
		prefix_mask(&m);
		if (!prefix_eq(&m, p)) {
			conf_err(x, line,
			    "rule: %s: %s has host bits set (%s?)", opt, s,
			    prefix_str(&m, buf));
			continue;
		}
		if (*family && p->addr.family != *family) {
			conf_err(x, line, "rule: %s: %s is not IPv%c like the "
			    "rule's other prefixes", opt, s,
			    *family == AF_INET ? '4' : '6');
			continue;
		}
		*family = p->addr.family;
		(*nout)++;
	}
	return 0;
}

static int
rule_ports(struct loadctx *x, cfg_t *sec, const char *opt, uint8_t proto,
    struct conf_portrange **out, unsigned int *nout)
{
	unsigned int i, n = cfg_size(sec, opt);
	unsigned long lo, hi;
	const char *s;
	char *end;

	if (n == 0)
		return 0;
	if (proto != IPPROTO_TCP && proto != IPPROTO_UDP &&
	    proto != IPPROTO_SCTP)
		conf_err(x, conf_line(x, sec, opt, 0),
		    "rule: %s: ports need proto "
		    "tcp, udp or sctp",
		    opt);
	if ((*out = calloc(n, sizeof(**out))) == NULL)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		s = cfg_getnstr(sec, opt, i);
		errno = 0;
		lo = hi = isdigit((unsigned char)*s) ? strtoul(s, &end, 10) : 0;
		if (lo && *end == '-' && isdigit((unsigned char)end[1]))
			hi = strtoul(end + 1, &end, 10);
		else if (lo == 0)
			end = (char *)s;
		if (errno || *end || lo == 0 || hi > 65535 || lo > hi) {
			conf_err(x, conf_line(x, sec, opt, i),
			    "rule: %s: '%s' is not "
			    "a port or range in 1..65535",
			    opt, s);
			continue;
		}
		(*out)[*nout].lo = lo;
		(*out)[(*nout)++].hi = hi;
	}
	return 0;
}

int
conf_rule_load(struct loadctx *x, struct conf *c, cfg_t *sec,
    struct conf_rule *r)
{
	static const struct { const char *name; uint8_t proto; } protos[] = {
		{ "any", 0 }, { "icmp", IPPROTO_ICMP }, { "tcp", IPPROTO_TCP },
		{ "udp", IPPROTO_UDP }, { "icmpv6", IPPROTO_ICMPV6 },
		{ "sctp", IPPROTO_SCTP },
	};
	const char *s;
	int family = 0, rc, line;
	unsigned int i;
	uint64_t n;

	r->line = conf_sec_line(x, sec);
	if ((rc = rule_prefixes(x, sec, "src", &r->src, &r->nsrc,
	    &family)) < 0 ||
	    (rc = rule_prefixes(x, sec, "dst", &r->dst, &r->ndst,
	    &family)) < 0)
		return rc;
	if ((s = conf_get(sec, "proto")) != NULL) {
		line = conf_line(x, sec, "proto", 0);
		for (i = 0; i < NELEM(protos); i++)
			if (!strcmp(s, protos[i].name))
				break;
		if (i < NELEM(protos))
			r->proto = protos[i].proto;
		else if (conf_num_parse(s, &n) == 0 && n >= 1 && n <= 255)
			r->proto = n;
		else
			conf_err(x, line,
			    "rule: proto: '%s' is not a protocol name "
			    "or number 1..255",
			    s);
		if ((r->proto == IPPROTO_ICMP && family == AF_INET6) ||
		    (r->proto == IPPROTO_ICMPV6 && family == AF_INET))
			conf_err(x, line, "rule: proto: %s with IPv%c prefixes",
			    s, family == AF_INET ? '4' : '6');
	}
	if ((rc = rule_ports(x, sec, "sport", r->proto, &r->sport,
	    &r->nsport)) < 0 ||
	    (rc = rule_ports(x, sec, "dport", r->proto, &r->dport,
	    &r->ndport)) < 0)
		return rc;
	if ((s = conf_get(sec, "iif")) != NULL && *s)
		check_ifname(x, conf_line(x, sec, "iif", 0), "rule: ", "iif", s,
		    r->iif);
	r->policy = POLICY_DEFAULT;
	if ((s = conf_get(sec, "policy")) == NULL) {
		conf_err(x, r->line, "rule: policy: missing");
	} else if (!strcmp(s, "default")) {
		r->policy = POLICY_DEFAULT;
	} else if (!strcmp(s, "main")) {
		r->policy = POLICY_MAIN;
	} else if (!strcmp(s, "unreachable")) {
		r->policy = POLICY_UNREACHABLE;
	} else {
		for (i = 0; i < c->npolicies; i++)
			if (!strcmp(c->policies[i].name, s))
				break;
		if (i < c->npolicies)
			r->policy = i;
		else
			conf_err(x, conf_line(x, sec, "policy", 0),
			    "rule: policy: "
			    "no policy named '%s'",
			    s);
	}
	return 0;
}
