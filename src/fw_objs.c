/* SPDX-License-Identifier: ISC */
/*
 * The objects of table `inet uplinkd` and their names: which chains,
 * counters and sticky sets a config wants (fw_objects), how a link's
 * counters and a policy's sticky sets are named, and the checks that make
 * names and interface names safe to write into nftables text. Pure.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "fw_objs.h"

static const char *const fixed_chains[] = {
	"prerouting", "output", "postrouting", "nat_postrouting", "guard",
	"rules", "choose", "bypass", "unreachable", "passive_in",
	"passive_out",
};

/* The config's own rules (conf_name_ok, conf_ifname_bad), checked again:
 * a config not from conf_load must not inject into the nftables text. */
static bool
name_ok(const char *s)
{
	return conf_name_ok(s);
}

static bool
ifname_ok(const char *s)
{
	return conf_ifname_bad(s) == 0;
}

int
fw_sticky_set_name(char *buf, size_t len, int fam, unsigned int sticky_s,
    const char *policy, const char *link)
{
	int n;

	n = snprintf(buf, len, "sticky%d_%u_%s_%s", fam, sticky_s, policy,
	    link);
	return n < 0 || (size_t)n >= len ? -EINVAL : 0;
}

int
fw_counter_name(const char *link, bool tx, char *buf, size_t len)
{
	int n;

	n = snprintf(buf, len, "link_%s_%s", link, tx ? "tx" : "rx");
	return n < 0 || (size_t)n >= len ? -EINVAL : 0;
}

int
fw_counter_parse(const char *counter, char *link, size_t len, bool *tx)
{
	size_t n = strlen(counter);

	if (n < 9 || strncmp(counter, "link_", 5) != 0)
		return -EINVAL;
	if (strcmp(counter + n - 3, "_tx") == 0)
		*tx = true;
	else if (strcmp(counter + n - 3, "_rx") == 0)
		*tx = false;
	else
		return -EINVAL;
	n -= 8;
	if (n >= len)
		return -EINVAL;
	memcpy(link, counter + 5, n);
	link[n] = '\0';
	return 0;
}

static const char *const suffixes[FW_PASSIVE_NKINDS] = {
	"_syn", "_synack", "_udp", "_udpans",
};

int
fw_passive_counter_name(const char *link, enum fw_passive_kind k, char *buf,
    size_t len)
{
	int n;

	n = snprintf(buf, len, "link_%s%s", link, suffixes[k]);
	return n < 0 || (size_t)n >= len ? -EINVAL : 0;
}

int
fw_passive_counter_parse(const char *counter, char *link, size_t len,
    enum fw_passive_kind *kind)
{
	size_t n = strlen(counter), sl;
	unsigned int k;

	if (strncmp(counter, "link_", 5) != 0)
		return -EINVAL;
	for (k = 0; k < FW_PASSIVE_NKINDS; k++) {
		sl = strlen(suffixes[k]);
		if (n > 5 + sl && strcmp(counter + n - sl, suffixes[k]) == 0)
			break;
	}
	if (k == FW_PASSIVE_NKINDS || n - 5 - sl >= len)
		return -EINVAL;
	memcpy(link, counter + 5, n - 5 - sl);
	link[n - 5 - sl] = '\0';
	*kind = k;
	return 0;
}

static int
objs_add(struct fw_objs *o, enum fw_obj_type type, const char *name)
{
	struct fw_obj *v;

	if (strlen(name) >= FW_NAME_MAX)
		return -EINVAL;
	v = reallocarray(o->v, o->n + 1, sizeof(*v));
	if (v == NULL)
		return -ENOMEM;
	o->v = v;
	v[o->n].type = type;
	strcpy(v[o->n].name, name);
	o->n++;
	return 0;
}

bool
fw_objs_has(const struct fw_objs *o, enum fw_obj_type type, const char *name)
{
	unsigned int i;

	for (i = 0; o != NULL && i < o->n; i++)
		if (o->v[i].type == type && strcmp(o->v[i].name, name) == 0)
			return true;
	return false;
}

void
fw_objs_free(struct fw_objs *o)
{
	free(o->v);
	o->v = NULL;
	o->n = 0;
}

static int
check_conf(const struct conf *c)
{
	unsigned int i;

	if (c->fwmark_mask == 0)
		return -EINVAL;
	for (i = 0; i < c->nlinks; i++)
		if (!name_ok(c->links[i].name) ||
		    !ifname_ok(c->links[i].ifname))
			return -EINVAL;
	for (i = 0; i < c->nlans; i++)
		if (!ifname_ok(c->lans[i].ifname))
			return -EINVAL;
	for (i = 0; i < c->npolicies; i++) {
		const struct conf_policy *po = &c->policies[i];
		unsigned int j;

		if (!name_ok(po->name))
			return -EINVAL;
		for (j = 0; j < po->nlinks; j++)
			if (po->links[j] >= c->nlinks)
				return -EINVAL;
	}
	for (i = 0; i < c->nrules; i++)
		if (c->rules[i].iif[0] != '\0' &&
		    !ifname_ok(c->rules[i].iif))
			return -EINVAL;
	return 0;
}

int
fw_objects(const struct conf *c, struct fw_objs *out)
{
	char name[FW_NAME_MAX];
	unsigned int i, j, k;
	int fam, r = 0;

	out->v = NULL;
	out->n = 0;
	if ((r = check_conf(c)) < 0)
		return r;
	for (i = 0; r == 0 && i < sizeof(fixed_chains) /
	    sizeof(fixed_chains[0]); i++)
		r = objs_add(out, FW_OBJ_CHAIN, fixed_chains[i]);
	for (i = 0; r == 0 && i < c->nlinks; i++) {
		const char *l = c->links[i].name;

		snprintf(name, sizeof(name), "mark_%s", l);
		if ((r = objs_add(out, FW_OBJ_CHAIN, name)) < 0)
			break;
		/* a link sharing its interface: bound_<link> (fw.c) */
		for (j = 0; j < c->nlinks; j++)
			if (j != i && strcmp(c->links[j].ifname,
			    c->links[i].ifname) == 0)
				break;
		snprintf(name, sizeof(name), "bound_%s", l);
		if (j < c->nlinks && (r = objs_add(out, FW_OBJ_CHAIN,
		    name)) < 0)
			break;
		fw_counter_name(l, true, name, sizeof(name));
		if ((r = objs_add(out, FW_OBJ_COUNTER, name)) < 0)
			break;
		fw_counter_name(l, false, name, sizeof(name));
		if ((r = objs_add(out, FW_OBJ_COUNTER, name)) < 0)
			break;
		for (k = 0; r == 0 && k < FW_PASSIVE_NKINDS; k++) {
			fw_passive_counter_name(l, k, name, sizeof(name));
			r = objs_add(out, FW_OBJ_COUNTER, name);
		}
	}
	for (i = 0; r == 0 && i < c->npolicies; i++) {
		const struct conf_policy *po = &c->policies[i];

		snprintf(name, sizeof(name), "pol_%s", po->name);
		if ((r = objs_add(out, FW_OBJ_CHAIN, name)) < 0)
			break;
		if (po->sticky_s == 0)
			continue;
		for (j = 0; r == 0 && j < po->nlinks; j++) {
			const struct conf_link *cl = &c->links[po->links[j]];

			for (fam = 4; r == 0 && fam <= 6; fam += 2) {
				if ((fam == 4 && !cl->ipv4) ||
				    (fam == 6 && !cl->ipv6))
					continue;
				r = fw_sticky_set_name(name, sizeof(name), fam,
				    po->sticky_s, po->name, cl->name);
				if (r == 0)
					r = objs_add(out, FW_OBJ_SET, name);
			}
		}
	}
	if (r < 0)
		fw_objs_free(out);
	return r;
}

