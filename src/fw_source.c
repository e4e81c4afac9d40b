/* SPDX-License-Identifier: ISC */
/*
 * fw_source renders what keeps sources right on the way out: uplinkd's own
 * source address (own-source, conf.h) is translated on whatever interface
 * a packet leaves by and never leaves the host as it is; and forwarded LAN
 * IPv6 traffic is translated on each link whose ISP would not route its
 * source (nat6). Pure, like fw.c: text into the transaction being built.
 */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "fw_rule.h"

/* own-source of a family when local-source = auto may use it; NULL:
 * none. Decided by the config alone, not by whether the plan uses it now,
 * so a connection still carrying it is guarded after a LAN address took
 * its place. */
static const struct addr *
own_source(const struct conf *c, int fam)
{
	const struct addr *a = fam == 4 ? &c->own_source4 : &c->own_source6;

	if (!c->local_source_auto || !addr_is_set(a))
		return NULL;
	return a;
}

/*
 * Every connection from own-source is masqueraded to the address of the
 * interface it leaves by (the uplinks' own rules in fw.c come first and do
 * the same); the guard chain, after NAT, drops any packet still carrying
 * it: one conntrack could not translate (untracked, invalid).
 */
void
fw_render_own_source(struct rend *r)
{
	char buf[ADDR_STRLEN];
	const struct addr *a;
	int fam;

	for (fam = 4; fam <= 6; fam += 2) {
		if ((a = own_source(r->c, fam)) == NULL)
			continue;
		fw_rule(r, "nat_postrouting", "oifname != \"lo\" %s saddr %s "
		    "masquerade", fw_ipkw(fam), addr_str(a, buf));
		fw_rule(r, "guard", "oifname != \"lo\" %s saddr %s counter "
		    "drop", fw_ipkw(fam), addr_str(a, buf));
	}
}

/*
 * In an HA pair (a link names its address) the new master takes the
 * floating addresses a moment before keepalived's notify script commits
 * the connections conntrackd synced. A TCP packet of such a connection in
 * that moment is invalid (nf_conntrack_tcp_loose = 0) or a mid-stream
 * pickup: answered by the local stack (a reset, to a floating address) or
 * balanced afresh (another uplink, another source), it would kill the
 * connection; dropped, it is sent again and finds the committed entry.
 */
void
fw_render_pickup_guard(struct rend *r, const char *ch)
{
	unsigned int i;

	for (i = 0; i < r->c->nlinks; i++)
		if (addr_is_set(&r->c->links[i].address4) ||
		    addr_is_set(&r->c->links[i].address6))
			break;
	if (i == r->c->nlinks)
		return;
	fw_rule(r, ch, "meta l4proto tcp ct state invalid counter drop");
	fw_rule(r, ch, "ct state new tcp flags & (syn | ack) != syn counter "
	    "drop");
}

/* " ip6 saddr != { ... }": the prefixes that are link li's own (its
 * connected one, npt-prefix), whose traffic its ISP routes untranslated;
 * "" when none is known. */
static void
own_prefixes(struct rend *r, unsigned int li, char *out, size_t len)
{
	const struct conf_link *cl = &r->c->links[li];
	const struct plan_family *pf = &r->p->links[li].v6;
	char a[PREFIX_STRLEN], b[PREFIX_STRLEN];
	bool net = pf->usable && pf->net.len > 0 &&
	    pf->net.addr.family == AF_INET6;
	bool npt = cl->npt_prefix6.len > 0;

	if (net && npt && !prefix_eq(&pf->net, &cl->npt_prefix6))
		snprintf(out, len, " ip6 saddr != { %s, %s }",
		    prefix_str(&pf->net, a), prefix_str(&cl->npt_prefix6, b));
	else if (net || npt)
		snprintf(out, len, " ip6 saddr != %s", prefix_str(npt ?
		    &cl->npt_prefix6 : &pf->net, a));
	else
		out[0] = '\0';
}

/*
 * The LAN's IPv6 leaving over link li. masquerade and npt translate all of
 * it; auto, the default, only what is not from the link's own prefixes (the
 * rest its ISP routes as it is): into npt-prefix where one is given, else
 * to the link's address. Prefix translation keeps the LAN's host bits in
 * the prefix the ISP routes here, 1:1 (conntrack's netmap; not RFC 6296's
 * checksum-neutral kind).
 */
void
fw_render_nat6(struct rend *r, unsigned int li, const char *lans)
{
	const struct conf_link *cl = &r->c->links[li];
	char own[2 * PREFIX_STRLEN + 32], to[PREFIX_STRLEN];
	char named[ADDR_STRLEN + 16];
	bool npt = cl->npt_prefix6.len > 0;

	own[0] = '\0';
	if (npt)
		prefix_str(&cl->npt_prefix6, to);
	switch (cl->nat6) {
	case NAT6_NONE:
		return;
	case NAT6_AUTO:
		own_prefixes(r, li, own, sizeof(own));
		break;
	case NAT6_MASQUERADE:
		npt = false;
		break;
	case NAT6_NPT:
		if (!npt)
			return;
		break;
	}
	if (npt)
		fw_nat_rule(r, "oifname \"%s\" iifname %s meta nfproto ipv6%s "
		    "snat ip6 prefix to %s", cl->ifname, lans, own, to);
	else
		fw_nat_rule(r, "oifname \"%s\" iifname %s meta nfproto ipv6%s "
		    "%s", cl->ifname, lans, own, fw_to_named(cl, 6, named));
}
