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

#include "fw.h"
#include "fw_priv.h"

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
