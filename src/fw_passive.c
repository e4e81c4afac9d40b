/* SPDX-License-Identifier: ISC */
/*
 * The firewall's part of passive health: per link, four named counters of
 * new connections and their first answers, by the link mark each
 * connection carries in conntrack (so links sharing an interface are told
 * apart too):
 *
 *   link_<n>_syn     new TCP connections leaving over the link: their
 *                    first SYN, before conntrack confirms the connection
 *                    (a retransmitted SYN is not counted again)
 *   link_<n>_synack  SYN-ACKs coming back over it (reply direction, the
 *                    connection not yet assured)
 *   link_<n>_udp     new UDP flows leaving over it (their first packet)
 *   link_<n>_udpans  UDP replies coming back before the flow is assured:
 *                    a flow that answers at all counts at least once (a
 *                    stream may count a few times in its first seconds)
 *
 * Only packets leaving or entering by a link's interface are looked at,
 * and only links with passive health on (probe passive-hold) get rules.
 * The counts are read with the other counters (fwread.c) and judged by
 * passive.c. Pure.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fw_rule.h"

static bool
any_passive(const struct conf *c)
{
	unsigned int i;

	for (i = 0; i < c->nlinks; i++)
		if (c->links[i].probe.passive_hold_ms != 0)
			return true;
	return false;
}

/* The interfaces of the links with passive health on, as an nft set. */
static void
put_ifaces(struct rend *r)
{
	const struct conf *c = r->c;
	unsigned int i, j, n = 0;

	for (i = 0; i < c->nlinks; i++) {
		if (c->links[i].probe.passive_hold_ms == 0)
			continue;
		for (j = 0; j < i; j++)
			if (c->links[j].probe.passive_hold_ms != 0 &&
			    strcmp(c->links[j].ifname, c->links[i].ifname) == 0)
				break;
		if (j < i)
			continue;
		fprintf(r->f, "%s\"%s\"", n++ ? ", " : "{ ",
		    c->links[i].ifname);
	}
	fputs(" }", r->f);
}

void
fw_passive_render(struct rend *r, bool in)
{
	const struct conf *c = r->c;
	const char *ch = in ? "passive_in" : "passive_out";
	char cnt[FW_NAME_MAX];
	unsigned int i;
	uint32_t m;

	if (!any_passive(c))
		return;
	fprintf(r->f, "add rule " TBL " %s %s ", in ? "prerouting" :
	    "postrouting", in ? "iifname" : "oifname");
	put_ifaces(r);
	/* out: the first packet of a connection, before conntrack confirms
	 * it (retransmitted SYNs are not counted again); in: replies of
	 * connections not yet assured */
	fprintf(r->f, " %s jump %s\n", in ? "ct direction reply ct status & "
	    "assured == 0" : "ct status & confirmed == 0", ch);
	for (i = 0; i < c->nlinks; i++) {
		if (c->links[i].probe.passive_hold_ms == 0)
			continue;
		m = r->p->links[i].mark;
		fw_passive_counter_name(c->links[i].name, in ?
		    FW_PASSIVE_SYNACK : FW_PASSIVE_SYN, cnt, sizeof(cnt));
		fw_rule(r, ch, "ct mark and 0x%08x == 0x%08x tcp flags & "
		    "(syn | ack) == %s counter name \"%s\"", r->mask, m,
		    in ? "syn | ack" : "syn", cnt);
		fw_passive_counter_name(c->links[i].name, in ?
		    FW_PASSIVE_UDPANS : FW_PASSIVE_UDP, cnt, sizeof(cnt));
		fw_rule(r, ch, "ct mark and 0x%08x == 0x%08x meta l4proto udp "
		    "counter name \"%s\"", r->mask, m, cnt);
	}
}
