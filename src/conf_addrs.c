/* SPDX-License-Identifier: ISC */
/*
 * The config's addresses of the host's own traffic: local-source and
 * own-source (the source the host's unbound sockets get), each link's
 * resolvers (dns), and the warning for a link that would send the LAN's
 * IPv6 untranslated. Part of the loader (conf_priv.h).
 */
#include <string.h>
#include <sys/socket.h>

#include <confuse.h>

#include "conf.h"
#include "conf_priv.h"

/*
 * OPT = KEYWORD | none | { ADDR [, ADDR6] } (local-source: KEYWORD auto;
 * own-source: none only). Returns the keyword given alone (its index in
 * kw[]), or -1 with the addresses, one per family, in *a4 and *a6.
 */
static int
addr_pair(struct loadctx *x, cfg_t *cfg, const char *opt,
    const char *const *kw, unsigned int nkw, struct addr *a4,
    struct addr *a6)
{
	unsigned int i, k, n = cfg_size(cfg, opt);
	struct addr a, *slot;
	const char *s;
	int line;

	for (i = 0; i < n; i++) {
		s = cfg_getnstr(cfg, opt, i);
		line = conf_line(x, cfg, opt, i);
		for (k = 0; n == 1 && k < nkw; k++)
			if (strcmp(s, kw[k]) == 0)
				return k;
		if (addr_parse(s, &a) < 0 || conf_addr_zero(&a) ||
		    addr_is_linklocal6(&a)) {
			conf_err(x, line, "%s: '%s' is not %s%snone or a "
			    "unicast IP address", opt, s, nkw > 1 ? kw[0] : "",
			    nkw > 1 ? ", " : "");
			continue;
		}
		slot = a.family == AF_INET ? a4 : a6;
		if (addr_is_set(slot))
			conf_err(x, line, "%s: two IPv%c addresses", opt,
			    a.family == AF_INET ? '4' : '6');
		*slot = a;
	}
	return -1;
}

/* local-source = auto | none | { ADDR [, ADDR6] };
 * own-source = none | { ADDR [, ADDR6] }: given, it replaces both
 * defaults (a family not named gets none). */
void
conf_sources(struct loadctx *x, struct conf *c, cfg_t *cfg)
{
	static const char *const lkw[] = { "auto", "none" }, *const okw[] = {
		"none" };

	if (cfg_size(cfg, "local-source") > 0)
		c->local_source_auto = addr_pair(x, cfg, "local-source", lkw,
		    NELEM(lkw), &c->local_source4, &c->local_source6) == 0;
	if (cfg_size(cfg, "own-source") == 0)
		return;
	memset(&c->own_source4, 0, sizeof(c->own_source4));
	memset(&c->own_source6, 0, sizeof(c->own_source6));
	addr_pair(x, cfg, "own-source", okw, NELEM(okw), &c->own_source4,
	    &c->own_source6);
}

/* dns = { ADDR, ... }: each address once among all links. */
void
conf_link_dns(struct loadctx *x, const struct conf *c, cfg_t *sec,
    const char *pfx, struct conf_link *l)
{
	unsigned int i, k, n = cfg_size(sec, "dns");
	const struct conf_link *o;
	struct addr a;
	const char *s;
	int line;

	for (i = 0; i < n; i++) {
		s = cfg_getnstr(sec, "dns", i);
		line = conf_line(x, sec, "dns", i);
		if (addr_parse(s, &a) < 0 || conf_addr_zero(&a) ||
		    addr_is_linklocal6(&a)) {
			conf_err(x, line, "%sdns: '%s' is not a unicast IP "
			    "address", pfx, s);
			continue;
		}
		if (a.family == AF_INET ? !l->ipv4 : !l->ipv6) {
			conf_err(x, line, "%sdns: %s is of a family the link "
			    "does not use", pfx, s);
			continue;
		}
		for (o = c->links; o <= l; o++)
			for (k = 0; k < o->ndns; k++)
				if (addr_eq(&o->dns[k], &a))
					conf_err(x, line, "%sdns: %s is "
					    "already a resolver of link %s",
					    pfx, s, o->name);
		if (l->ndns == CONF_MAX_DNS) {
			conf_err(x, line, "%sdns: more than %d addresses", pfx,
			    CONF_MAX_DNS);
			return;
		}
		l->dns[l->ndns++] = a;
	}
}

/* Links sharing an interface learn the same default route of a family
 * whose gateway neither gives: a warning for the later link. */
static void
shared_gateways(struct loadctx *x, const struct conf *c)
{
	const struct conf_link *l, *o;
	unsigned int i, j;
	int fam;

	for (i = 0; i < c->nlinks; i++)
		for (j = 0; j < i; j++) {
			l = &c->links[i];
			o = &c->links[j];
			if (!*l->ifname || strcmp(o->ifname, l->ifname) != 0)
				continue;
			for (fam = 4; fam <= 6; fam += 2) {
				if (fam == 4 ? !l->ipv4 || !o->ipv4 ||
				    addr_is_set(&l->gateway4) ||
				    addr_is_set(&o->gateway4) : !l->ipv6 ||
				    !o->ipv6 || addr_is_set(&l->gateway6) ||
				    addr_is_set(&o->gateway6))
					continue;
				conf_warn(x, l->line, "link %s: shares interface "
				    "%s with link %s (line %d) and neither gives "
				    "an IPv%d gateway: both would learn the same "
				    "one (give each its own, or leave the family "
				    "out)", l->name, l->ifname, o->name, o->line,
				    fam);
			}
		}
}

/* A warning for each link whose ISP would get the LAN's IPv6 with the
 * LAN's own source: nat6 = none on a link that carries IPv6, with a LAN
 * that is translated (masquerade); and for links sharing an interface
 * without gateways of a family. */
void
conf_nat6_check(struct loadctx *x, const struct conf *c)
{
	const struct conf_lan *lan = NULL;
	unsigned int i;

	shared_gateways(x, c);
	for (i = 0; i < c->nlans && !lan; i++)
		if (c->lans[i].masquerade)
			lan = &c->lans[i];
	for (i = 0; lan && i < c->nlinks; i++) {
		const struct conf_link *l = &c->links[i];

		if (l->nat6 != NAT6_NONE || !l->ipv6)
			continue;
		conf_warn(x, l->nat6_line ? l->nat6_line : l->line,
		    "link %s: nat6 = none: IPv6 from lan %s (line %d) leaves "
		    "over this link with its own source, which the ISP drops "
		    "unless it routes that prefix here (nat6 = auto "
		    "translates what it would drop)", l->name, lan->name,
		    lan->line);
	}
}

