/* SPDX-License-Identifier: ISC */
/*
 * struct conf: the administrator's intent, parsed from uplinkd.conf with
 * libConfuse and validated. Loading never touches the kernel. Every error is
 * reported as "FILE:LINE: message"; a file with any error yields no config.
 */
#ifndef UPLINKD_CONF_H
#define UPLINKD_CONF_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "addr.h"

#define CONF_NAME_MAX		32	/* section names, incl. NUL */
#define CONF_MAX_LINKS		249	/* fits the default fwmark mask; the v6
					 * nexthop of link 250 would be the v6
					 * group's id (plan.h) */
#define CONF_NH_ID_SPAN		500	/* nexthop ids base..base+span */
#define CONF_MAX_TARGETS	16
#define CONF_WEIGHT_MAX		255	/* a nexthop group weight is 8 bits */
#define CONF_BANDWIDTH_MAX	1000000	/* Mbit/s: 1 Tbit/s */
#define CONF_TIER_MAX		16
#define CONF_MAX_DNS		8	/* dns = { ... } per link */
/* own-source defaults: RFC 7600's IPv4 dummy address, a source for a host
 * that has no other and never forwarded; and an address of the discard-only
 * prefix 100::/64 (RFC 6666), which no network routes back, with the label
 * of global unicast (RFC 6724), so getaddrinfo keeps preferring IPv6. Both
 * are translated on every interface and never leave the host (fw.c). */
#define CONF_OWN_SOURCE4	"192.0.0.8"
#define CONF_OWN_SOURCE6	"100::1"

#include "config.h"
#define CONF_DEFAULT_PATH	UPLINKD_SYSCONFDIR "/uplinkd/uplinkd.conf"
#define CONF_DEFAULT_SOCKET	"/run/uplinkd/uplinkd.sock"

enum conf_balance {
	BALANCE_ROUND_ROBIN,	/* default: by weight, in turn */
	BALANCE_RANDOM,
	BALANCE_HASH,
};

enum conf_nat6 {
	NAT6_NONE,
	NAT6_MASQUERADE,	/* all of the LAN's IPv6 */
	NAT6_NPT,		/* all of it, into npt-prefix */
	NAT6_AUTO,		/* default: what is not from the link's own
				 * prefixes (its connected one, npt-prefix):
				 * into npt-prefix if given, else
				 * masqueraded */
};

struct conf_probe {
	struct addr targets[CONF_MAX_TARGETS];	/* both families mixed */
	unsigned int ntargets;
	unsigned int rate_pps;		/* probes per second per link, all
					 * targets together; default 10 */
	unsigned int timeout_ms;	/* a reply later than this is lost;
					 * default 600 */
	unsigned int down_ms;		/* no quorum answered for this long:
					 * down; default 800 */
	unsigned int up_ms;		/* clean probes for this long: up;
					 * default 3000 */
	unsigned int reliability;	/* targets that must answer; default 1 */
	unsigned int window;		/* probes per target in the stats
					 * window; default 20 */
	unsigned int latency_degraded_ms;	/* default 200 */
	unsigned int latency_down_ms;		/* default 500: degraded too,
						 * never down by latency alone */
	unsigned int loss_degraded_pct;		/* default 10 */
	unsigned int loss_down_pct;		/* default 20: degraded too */
	unsigned int hold_max_ms;	/* cap of the flap damping; default
					 * 60000 */
	unsigned int size;		/* ICMP payload bytes; default 16 */
	unsigned int passive_hold_ms;	/* passive health: the first hold of
					 * a link out for unanswered traffic;
					 * default 30000; 0: passive health
					 * off */
	unsigned int fast_down_ms;	/* a busy link whose rx is silent this
					 * long while it sends is down;
					 * default 200; 0: off */
};

struct conf_link {
	char name[CONF_NAME_MAX];
	char ifname[IFNAMSIZ];
	struct addr gateway4;		/* unset: learn from the kernel */
	struct addr gateway6;		/* unset: learn from the kernel */
	unsigned int weight;		/* 1..CONF_WEIGHT_MAX, default 1;
					 * with weight_auto the start value */
	bool weight_auto;		/* weight = auto: from the learned
					 * capacity (capacity.h) */
	unsigned int bandwidth_mbit;	/* bandwidth = N: upper bound of the
					 * learned capacity, Mbit/s; 0: none */
	int weight_line, bandwidth_line;	/* where given; 0: not */
	unsigned int tier;		/* 1..CONF_TIER_MAX, default 1 */
	bool ipv4, ipv6;		/* families in use; default both, each
					 * used only where the link has an
					 * address of it */
	enum conf_nat6 nat6;		/* LAN IPv6 translation; default auto */
	int nat6_line;			/* where nat6 is given; 0: not */
	struct prefix npt_prefix6;	/* the prefix the ISP delegates to
					 * this host (len <= 64): nat6 = npt
					 * translates into it, auto too */
	struct addr dns[CONF_MAX_DNS];	/* the ISP's resolvers: queries to
					 * them always leave over this link */
	unsigned int ndns;
	/* address = ...: the address this link's connections use (an HA
	 * pair's floating VRRP address): LAN traffic is translated to it, and
	 * the host's own connections take it as their source while it is on
	 * the interface; unset: the interface's own address (masquerade) */
	struct addr address4, address6;
	bool has_probe;			/* per-link probe { } override */
	struct conf_probe probe;	/* effective probe settings */
	unsigned int id;		/* 1..CONF_MAX_LINKS: mark, table and
					 * nexthop id offset; stable by name
					 * across reloads (conf_assign_ids) */
	int line;
};

struct conf_lan {
	char name[CONF_NAME_MAX];
	char ifname[IFNAMSIZ];
	bool masquerade;		/* default true */
	int line;
};

struct conf_policy {
	char name[CONF_NAME_MAX];
	unsigned int *links;		/* indexes into conf.links */
	unsigned int nlinks;
	enum conf_balance balance;
	unsigned int sticky_s;		/* 0: not sticky */
	int line;
};

/* The policies a rule may name besides the configured ones. */
#define POLICY_DEFAULT	(-1)	/* all links, the global balance */
#define POLICY_MAIN	(-2)	/* bypass uplinkd: the main table */
#define POLICY_UNREACHABLE (-3)

struct conf_portrange {
	uint16_t lo, hi;
};

struct conf_rule {
	struct prefix *src;	unsigned int nsrc;
	struct prefix *dst;	unsigned int ndst;
	uint8_t proto;		/* 0: any; IPPROTO_TCP, IPPROTO_UDP, ... */
	struct conf_portrange *sport; unsigned int nsport;
	struct conf_portrange *dport; unsigned int ndport;
	char iif[IFNAMSIZ];	/* "": any */
	int policy;		/* index into conf.policies, or POLICY_* */
	int line;
};

struct conf {
	char *path;
	/* kernel objects uplinkd owns */
	uint32_t table_base;		/* default 1000: base = balanced
					 * table, base + id = link tables */
	uint32_t rule_priority_base;	/* default 1000; uses base..base+999 */
	uint32_t nexthop_id_base;	/* default 1000000 */
	uint32_t fwmark_mask;		/* default 0x00ff0000 */
	uint8_t route_protocol;		/* default 250 */
	/* behaviour */
	enum conf_balance balance;	/* default round-robin */
	bool manage_sysctl;		/* default true: see uplinkd.conf(5) */
	bool mptcp;			/* default off: own MPTCP endpoints
					 * (mpath.h, uplinkd.conf(5)) */
	char *hooks_dir;		/* NULL: no hooks */
	char *ha_track_file;		/* NULL: none; else uplinkd keeps "0"
					 * (a link works) or "1" (every link
					 * down) in it for keepalived's
					 * track_file (ha.h) */
	unsigned int hook_timeout_ms;	/* default 10000 */
	char *socket_path;		/* default CONF_DEFAULT_SOCKET */
	char *socket_group;		/* NULL: root's group */
	char *metrics_listen;		/* NULL: off; "127.0.0.1:9120" */
	struct conf_probe probe;	/* global probe { } */
	/* The source address the host's unbound sockets get from the
	 * balanced route: an address that is no uplink's, so the firewall can
	 * tell them from sockets bound to an uplink and balance them per
	 * connection (then re-source them by NAT). auto: per family, a LAN
	 * interface's address, else uplinkd's own address (own_source*);
	 * none: the kernel's multipath hash places the host's own
	 * connections. */
	bool local_source_auto;		/* default true */
	struct addr local_source4, local_source6;	/* when given */
	/* own-source: the addresses uplinkd adds on lo (as /32 and /128) and
	 * owns when local-source = auto finds no LAN address of the family;
	 * unset: none. Default CONF_OWN_SOURCE4, CONF_OWN_SOURCE6. */
	struct addr own_source4, own_source6;

	struct conf_link *links;	unsigned int nlinks;
	struct conf_lan *lans;		unsigned int nlans;
	struct conf_policy *policies;	unsigned int npolicies;
	struct conf_rule *rules;	unsigned int nrules;
};

/*
 * Parse and validate. Errors go to errf (may be NULL), one per line, as
 * "FILE:LINE: message"; then NULL is returned. name is what errors call the
 * file; conf_load_buf parses a string (tests, fuzzing).
 */
struct conf *conf_load(const char *path, FILE *errf);
struct conf *conf_load_buf(const char *name, const char *buf, FILE *errf);
void conf_free(struct conf *c);

/* Canonical text: every option, defaults included; parses again to an
 * equal config. */
void conf_print(const struct conf *c, FILE *f);

/* Give each link of c an id: the id of the same-named link in old if any,
 * else the lowest free one. With old == NULL ids follow file order 1, 2, ...
 * Called by conf_load with NULL, and by the daemon on reload. */
void conf_assign_ids(struct conf *c, const struct conf *old);

const struct conf_link *conf_link_by_name(const struct conf *c,
    const char *name);
uint32_t conf_link_mark(const struct conf *c, const struct conf_link *l);
uint32_t conf_link_table(const struct conf *c, const struct conf_link *l);
const char *conf_balance_name(enum conf_balance b);

/*
 * The one rule for names that reach the kernel or nftables, used by the
 * config checks (with FILE:LINE) and again by the firewall renderer.
 * A section name (link, lan, policy): 1 to CONF_NAME_MAX - 1 letters,
 * digits, '_' and '-' (it becomes part of nftables object names).
 * An interface name: conf_ifname_bad returns 0 when the kernel and
 * nftables both take it, -1 for an empty, too long, "." or ".." name,
 * else the first character refused (controls, white space, non-ASCII,
 * '/', ':', '"', '\\').
 */
bool conf_name_ok(const char *s);
int conf_ifname_bad(const char *s);

#endif
