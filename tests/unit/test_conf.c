/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of the config loader: a table of broken configs with the exact
 * "FILE:LINE: message" lines each must produce, the documented defaults,
 * values that must be accepted, the golden files of tests/golden/conf
 * (each must print its .canon text, and that text must print itself
 * again), and link ids kept across a reload.
 */
#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "conf.h"
#include "testutil.h"

struct errcase {
	const char *name;
	const char *text;
	const char *errors;	/* exact output, one "t.conf:N: ..." a line */
};

static const struct errcase errcases[] = {
	{ "unknown option in a section", "link a {\n\tfoo = 1\n}\n",
	    "t.conf:2: no such option 'foo'\n" },
	{ "unknown top-level option", "link a {}\n\nbar = 2\n",
	    "t.conf:3: no such option 'bar'\n" },
	{ "unknown section", "link a {}\nisp b {\n}\n",
	    "t.conf:2: no such option 'isp'\n" },
	{ "missing value", "link a {\n\tweight =\n}\n",
	    "t.conf:3: unexpected token '}'\n" },
	{ "unclosed section", "link a {\n\tweight = 1\n\nlink b {}\n",
	    "t.conf:1: this '{' is never closed\n" },
	{ "stray closing brace", "link a {}\n}\n",
	    "t.conf:2: unexpected closing brace\n" },
	{ "duplicate link name", "link a {}\n\nlink a {}\n",
	    "t.conf:3: found duplicate title 'a'\n" },
	{ "lines count past comments",
	    "# one\n# two\n// three\n/* four\n five */\nlink a {\n"
	    "\tweight = 0 # a comment\n}\n",
	    "t.conf:7: link a: weight: 0 is out of range 1..255\n" },
	{ "comment inside a list",
	    "probe {\n\ttargets = {\n\t\t1.1.1.1, # cloudflare\n\t\tx\n\t}\n}\n"
	    "link a {}\n",
	    "t.conf:4: probe: targets: 'x' is not an IP address\n" },
	{ "weight and tier out of range",
	    "link a {\n\tweight = 256\n\ttier = 0\n}\nlink b { weight = x }\n",
	    "t.conf:2: link a: weight: 256 is out of range 1..255\n"
	    "t.conf:3: link a: tier: 0 is out of range 1..16\n"
	    "t.conf:5: link b: weight: 'x' is not a number\n" },
	{ "a number beside weight = auto",
	    "link a {\n\tweight = auto\n}\nlink b {\n\tweight = 2\n}\n"
	    "link c {}\n",
	    "t.conf:5: link b: weight: a number beside weight = auto (link a, "
	    "line 2); give every link auto, or every link a number\n" },
	{ "bandwidth without auto",
	    "link a {\n\tbandwidth = 30\n}\nlink b { bandwidth = 0 }\n",
	    "t.conf:2: link a: bandwidth bounds a learned capacity: it needs "
	    "weight = auto\n"
	    "t.conf:4: link b: bandwidth: 0 is out of range 1..1000000\n" },
	{ "no link", "# nothing\nlan home {}\n",
	    "t.conf:1: no link section\n" },
	{ "bad gateway address", "link a {\n\tgateway = 198.18.1\n}\n",
	    "t.conf:2: link a: gateway: '198.18.1' is not an IP address\n" },
	{ "bad named address", "link a {\n\taddress = 198.18.1\n}\n",
	    "t.conf:2: link a: address: '198.18.1' is not a unicast IP "
	    "address\n" },
	{ "two named IPv4 addresses",
	    "link a {\n\taddress = { 198.18.1.2, 198.18.1.3 }\n}\n",
	    "t.conf:2: link a: address: two IPv4 addresses\n" },
	{ "named address of a family the link does not use",
	    "link a {\n\tfamily = ipv6\n\taddress = 198.18.1.2\n}\n",
	    "t.conf:3: link a: address: 198.18.1.2 is of a family the link "
	    "does not use\n" },
	{ "relative ha-track-file", "ha-track-file = ha-weight\nlink a {}\n",
	    "t.conf:1: ha-track-file: 'ha-weight' is not an absolute path\n" },
	{ "gateway6 of the wrong family",
	    "link a {\n\tgateway6 = 198.18.1.1\n}\n",
	    "t.conf:2: link a: gateway6: '198.18.1.1' is not an IPv6 "
	    "address\n" },
	{ "two IPv4 gateways",
	    "link a {\n\tgateway = "
	    "{\n\t\t198.18.1.1,\n\t\t198.18.2.1\n\t}\n}\n",
	    "t.conf:4: link a: gateway: two IPv4 gateways\n" },
	{ "gateway of a family the link does not use",
	    "link a {\n\tfamily = ipv4\n\tgateway = 2001:db8::1\n}\n",
	    "t.conf:3: link a: gateway: IPv6 gateway on a link with "
	    "family = ipv4\n" },
	{ "same interface and gateway",
	    "link a { interface = eth0 gateway = 198.18.1.1 }\n"
	    "link b {\n\tinterface = eth0\n\tgateway = 198.18.1.1\n}\n",
	    "t.conf:2: link b: same interface and gateway as link a "
	    "(line 1)\n" },
	{ "same interface, both without gateway",
	    "link a { interface = ppp0 }\nlink b { interface = ppp0 }\n",
	    "t.conf:2: link b: same interface and gateway as link a "
	    "(line 1)\n" },
	{ "interface name too long",
	    "link a {\n\tinterface = enx00e04c680001ab\n}\n"
	    "link averyveryverylongname {}\n",
	    "t.conf:2: link a: interface: 'enx00e04c680001ab' is longer than "
	    "15 characters\n"
	    "t.conf:4: link averyveryverylongname: interface: "
	    "'averyveryverylongname' is longer than 15 characters\n" },
	{ "bad interface and section names",
	    "link a { interface = \"eth 0\" }\nlink \"b/c\" {}\n",
	    "t.conf:1: link a: interface: 'eth 0' is not an interface name: "
	    "the kernel or nftables refuses byte 0x20\n"
	    "t.conf:2: link 'b/c': name may only have letters, digits, '_' "
	    "and '-' (it names nftables objects)\n"
	    "t.conf:2: link b/c: interface: 'b/c' is not an interface name: "
	    "the kernel or nftables refuses '/'\n" },
	/* names the kernel takes but nftables does not (issue 13): refused
	 * here, not by the firewall at run time */
	{ "names nftables refuses",
	    "link isp.1 { interface = wan1 }\n"
	    "link isp2 {\n\tinterface = \"e\\\"x\"\n}\n"
	    "lan \"l\\\\an\" {}\n"
	    "policy p.q { links = { isp2 } }\n"
	    "lan home { interface = \"br\\\\0\" }\n"
	    "link isp3 { interface = \"e\\tx\" }\n"
	    "link isp4 { interface = \"wan:4\" }\n",
	    "t.conf:1: link 'isp.1': name may only have letters, digits, '_' "
	    "and '-' (it names nftables objects)\n"
	    "t.conf:3: link isp2: interface: 'e\"x' is not an interface name: "
	    "the kernel or nftables refuses '\"'\n"
	    "t.conf:5: lan 'l\\an': name may only have letters, digits, '_' "
	    "and '-' (it names nftables objects)\n"
	    "t.conf:5: lan l\\an: interface: 'l\\an' is not an interface "
	    "name: the kernel or nftables refuses '\\'\n"
	    "t.conf:6: policy 'p.q': name may only have letters, digits, '_' "
	    "and '-' (it names nftables objects)\n"
	    "t.conf:7: lan home: interface: 'br\\0' is not an interface name: "
	    "the kernel or nftables refuses '\\'\n"
	    "t.conf:8: link isp3: interface: 'e\tx' is not an interface name: "
	    "the kernel or nftables refuses byte 0x09\n"
	    "t.conf:9: link isp4: interface: 'wan:4' is not an interface name: "
	    "the kernel or nftables refuses ':'\n" },
	{ "nexthop ids past 2^32",
	    "nexthop-id-base = 4294967000\nlink a {}\n",
	    "t.conf:1: nexthop-id-base: 4294967000 is out of range "
	    "1..4294966795\n" },
	{ "lan on a link's interface",
	    "link wan { interface = eth0 }\nlan home {\n\tinterface = "
	    "eth0\n}\n",
	    "t.conf:3: lan home: interface eth0 is the interface of link "
	    "wan\n" },
	{ "bad boolean and enum",
	    "link a {\n\tfamily = ip4\n\tnat6 = nat\n}\nlan b {\n"
	    "\tmasquerade = maybe\n}\n",
	    "t.conf:2: link a: family: unknown value 'ip4'\n"
	    "t.conf:3: link a: nat6: unknown value 'nat'\n"
	    "t.conf:6: lan b: masquerade: 'maybe' is not true or false\n" },
	{ "prefix translation without a prefix, and a bad prefix",
	    "link a {\n\tnat6 = npt\n}\nlink b {\n\tnat6 = npt\n"
	    "\tnpt-prefix = 198.18.0.0/16\n}\n",
	    "t.conf:2: link a: nat6 = npt needs npt-prefix (the prefix the "
	    "ISP routes to this host)\n"
	    "t.conf:6: link b: npt-prefix: '198.18.0.0/16' is not an IPv6 "
	    "prefix of /1 to /64\n" },
	{ "unknown link in a policy",
	    "link a {}\npolicy p {\n\tlinks = {\n\t\ta,\n\t\tb\n\t}\n}\n",
	    "t.conf:5: policy p: links: no link named 'b'\n" },
	{ "policy without links and twice the same link",
	    "link a {}\npolicy p {}\npolicy q { links = { a, a } }\n",
	    "t.conf:2: policy p: links: no links\n"
	    "t.conf:3: policy q: links: a given twice\n" },
	{ "reserved policy names",
	    "link a {}\npolicy main { links = a }\npolicy default "
	    "{ links = a }\n",
	    "t.conf:2: policy main: the name is reserved\n"
	    "t.conf:3: policy default: the name is reserved\n" },
	{ "unknown policy in a rule",
	    "link a {}\nrule {\n\tdst = 198.18.0.0/15\n\tpolicy = web\n}\n"
	    "rule {}\n",
	    "t.conf:4: rule: policy: no policy named 'web'\n"
	    "t.conf:6: rule: policy: missing\n" },
	{ "bad prefixes",
	    "link a {}\nrule {\n\tsrc = { 100.64.0.0/33, 100.64.1.1/16 }\n"
	    "\tdst = { nowhere }\n\tpolicy = main\n}\n",
	    "t.conf:3: rule: src: '100.64.0.0/33' is not a prefix\n"
	    "t.conf:3: rule: src: 100.64.1.1/16 has host bits set "
	    "(100.64.0.0/16?)\n"
	    "t.conf:4: rule: dst: 'nowhere' is not a prefix\n" },
	{ "prefixes of two families",
	    "link a {}\nrule {\n\tsrc = 100.64.0.0/10\n"
	    "\tdst = 2001:db8::/32\n\tpolicy = main\n}\n",
	    "t.conf:4: rule: dst: 2001:db8::/32 is not IPv4 like the rule's "
	    "other prefixes\n" },
	{ "bad ports and ranges",
	    "link a {}\nrule {\n\tproto = tcp\n"
	    "\tdport = { 0, 80-, 2000-1000, 65536, http }\n\tpolicy = "
	    "main\n}\n",
	    "t.conf:4: rule: dport: '0' is not a port or range in 1..65535\n"
	    "t.conf:4: rule: dport: '80-' is not a port or range in 1..65535\n"
	    "t.conf:4: rule: dport: '2000-1000' is not a port or range in "
	    "1..65535\n"
	    "t.conf:4: rule: dport: '65536' is not a port or range in "
	    "1..65535\n"
	    "t.conf:4: rule: dport: 'http' is not a port or range in "
	    "1..65535\n" },
	{ "ports without tcp or udp",
	    "link a {}\nrule {\n\tproto = icmp\n\tsport = 53\n\tpolicy = "
	    "main\n}\n"
	    "rule {\n\tdport = 80\n\tpolicy = main\n}\n",
	    "t.conf:4: rule: sport: ports need proto tcp, udp or sctp\n"
	    "t.conf:8: rule: dport: ports need proto tcp, udp or sctp\n" },
	{ "bad protocols",
	    "link a {}\nrule {\n\tproto = tpc\n\tpolicy = main\n}\n"
	    "rule {\n\tdst = 2001:db8::/32\n\tproto = icmp\n\tpolicy = "
	    "main\n}\n",
	    "t.conf:3: rule: proto: 'tpc' is not a protocol name or number "
	    "1..255\n"
	    "t.conf:8: rule: proto: icmp with IPv6 prefixes\n" },
	{ "bad durations",
	    "link a {}\nprobe {\n\ttimeout = fast\n\tup-after = 3x\n"
	    "\thold-max = 25h\n}\npolicy p {\n\tlinks = a\n\tsticky = "
	    "1500ms\n}\n"
	    "hook-timeout = 0\n",
	    "t.conf:3: probe: timeout: 'fast' is not a duration (like 800ms, "
	    "3s, 1m, 2h)\n"
	    "t.conf:4: probe: up-after: '3x' is not a duration (like 800ms, "
	    "3s, 1m, 2h)\n"
	    "t.conf:5: probe: hold-max: '25h' is longer than 24h\n"
	    "t.conf:9: policy p: sticky: '1500ms' must be whole seconds\n"
	    "t.conf:11: hook-timeout: '0' must be more than 0\n" },
	{ "probe ranges",
	    "link a {}\nprobe {\n\trate = 0\n\twindow = 3\n\tloss-down = 101\n"
	    "\tsize = 4\n}\n",
	    "t.conf:3: probe: rate: 0 is out of range 1..100\n"
	    "t.conf:4: probe: window: 3 is out of range 4..1000\n"
	    "t.conf:5: probe: loss-down: 101 is out of range 0..100\n"
	    "t.conf:6: probe: size: 4 is out of range 20..1452\n" },
	{ "probe thresholds out of order",
	    "link a {}\nprobe {\n\ttimeout = 1s\n\tdown-after = 800\n"
	    "\tlatency-degraded = 1s\n\tloss-degraded = 30\n}\n",
	    "t.conf:3: probe: timeout 1000ms must be shorter than down-after "
	    "800ms\n"
	    "t.conf:5: probe: latency-degraded 1000ms exceeds latency-down "
	    "500ms\n"
	    "t.conf:6: probe: loss-degraded 30% exceeds loss-down 20%\n" },
	{ "reliability above the targets of a family",
	    "link a {}\nprobe {\n\ttargets = { 1.1.1.1, 8.8.8.8, 2001:db8::1 "
	    "}\n"
	    "\treliability = 2\n}\n",
	    "t.conf:4: probe: reliability 2 exceeds the 1 IPv6 targets\n" },
	{ "per-link probe override",
	    "link a {\n\tfamily = ipv6\n\tprobe {\n\t\ttargets = 1.1.1.1\n"
	    "\t\trate = 1000\n\t}\n}\n",
	    "t.conf:4: link a: probe: no target of the link's families\n"
	    "t.conf:5: link a: probe: rate: 1000 is out of range 1..100\n" },
	{ "probe section twice", "link a {}\nprobe {}\nprobe {\n}\n",
	    "t.conf:3: probe: section given twice\n" },
	{ "too many targets and a duplicate",
	    "link a {}\nprobe {\n\ttargets = { 1.1.1.1, 1.1.1.1 }\n}\n",
	    "t.conf:3: probe: targets: 1.1.1.1 given twice\n" },
	{ "kernel object ranges",
	    "table-base = 200\nrule-priority-base = 32000\nnexthop-id-base = "
	    "0\n"
	    "route-protocol = 4\nlink a {}\n",
	    "t.conf:1: table-base: tables 200..449 include the kernel's "
	    "253..255\n"
	    "t.conf:2: rule-priority-base: 32000 is out of range 1..31766\n"
	    "t.conf:3: nexthop-id-base: 0 is out of range 1..4294966795\n"
	    "t.conf:4: route-protocol: 4 is out of range 5..255\n" },
	{ "fwmark mask not contiguous", "fwmark-mask = 0x00ff00ff\nlink a {}\n",
	    "t.conf:1: fwmark-mask: 0x00ff00ff is not one run of at least 8 "
	    "bits\n" },
	{ "fwmark mask too narrow", "fwmark-mask = 0xf0\nlink a {}\n",
	    "t.conf:1: fwmark-mask: 0xf0 is not one run of at least 8 bits\n" },
	{ "paths and listen address",
	    "hooks-dir = hooks\nsocket = uplinkd.sock\n"
	    "metrics-listen = \"::1:9120\"\nlink a {}\n",
	    "t.conf:1: hooks-dir: 'hooks' is not an absolute path\n"
	    "t.conf:2: socket: 'uplinkd.sock' is not an absolute path of at "
	    "most 107 characters\n"
	    "t.conf:3: metrics-listen: '::1:9120' is not ADDR:PORT or "
	    "[ADDR6]:PORT\n" },
	{ "bad resolvers",
	    "link a {\n\tdns = { 198.19.1.53, x }\n}\n"
	    "link b {\n\tfamily = ipv4\n\tdns = { 198.19.1.53, 2001:db8::53 }\n}\n",
	    "t.conf:2: link a: dns: 'x' is not a unicast IP address\n"
	    "t.conf:6: link b: dns: 198.19.1.53 is already a resolver of "
	    "link a\n"
	    "t.conf:6: link b: dns: 2001:db8::53 is of a family the link "
	    "does not use\n" },
	{ "bad local-source and own-source",
	    "local-source = bogus\nown-source = { 198.18.0.1, 198.18.0.2 }\n"
	    "link a {}\n",
	    "t.conf:1: local-source: 'bogus' is not auto, none or a unicast "
	    "IP address\n"
	    "t.conf:2: own-source: two IPv4 addresses\n" },
	{ "own-source of link scope", "own-source = fe80::1\nlink a {}\n",
	    "t.conf:1: own-source: 'fe80::1' is not none or a unicast IP "
	    "address\n" },
	{ "errors of all sections sorted by line",
	    "link a {\n\tweight = 0\n}\nprobe {\n\trate = 0\n}\nbalance = rr\n",
	    "t.conf:2: link a: weight: 0 is out of range 1..255\n"
	    "t.conf:5: probe: rate: 0 is out of range 1..100\n"
	    "t.conf:7: balance: unknown value 'rr'\n" },
};

static char *
load_errors(const char *text, struct conf **cp)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	assert_non_null(f);
	*cp = conf_load_buf("t.conf", text, f);
	assert_int_equal(fclose(f), 0);
	return out;
}

static void
test_error(void **state)
{
	const struct errcase *e = *state;
	struct conf *c;
	char *out = load_errors(e->text, &c);

	assert_null(c);
	assert_string_equal(out, e->errors);
	free(out);
}

static struct conf *
load_ok(const char *text)
{
	struct conf *c;
	char *out = load_errors(text, &c);

	assert_string_equal(out, "");
	assert_non_null(c);
	free(out);
	return c;
}

/* nat6 = none with a masqueraded LAN: a warning with the line, and the
 * config still loads; none without a LAN, or on an IPv4-only link, is
 * quiet. */
static void
test_nat6_warning(void **state)
{
	struct conf *c;
	char *out;

	(void)state;
	out = load_errors("link a {}\nlink b {\n\tnat6 = none\n}\n"
	    "link c {\n\tnat6 = none\n\tfamily = ipv4\n}\n"
	    "lan home { interface = br0 }\n", &c);
	assert_non_null(c);
	assert_string_equal(out, "t.conf:3: warning: link b: nat6 = none: "
	    "IPv6 from lan home (line 9) leaves over this link with its own "
	    "source, which the ISP drops unless it routes that prefix here "
	    "(nat6 = auto translates what it would drop)\n");
	assert_int_equal(c->links[0].nat6, NAT6_AUTO);
	free(out);
	conf_free(c);
	conf_free(load_ok("link b {\n\tnat6 = none\n}\n"));
	/* two links on one interface, IPv6 gateway of neither given */
	out = load_errors("link a { interface = eth0 gateway = 198.18.1.1 }\n"
	    "link b {\n\tinterface = eth0\n\tgateway = 198.18.1.3\n}\n"
	    "link c { interface = eth0 gateway = { 198.18.1.4, "
	    "2001:db8:1::4 } }\n", &c);
	assert_non_null(c);
	assert_string_equal(out, "t.conf:2: warning: link b: shares interface "
	    "eth0 with link a (line 1) and neither gives an IPv6 gateway: both "
	    "would learn the same one (give each its own, or leave the family "
	    "out)\n");
	free(out);
	conf_free(c);
}

static void
test_too_many_links(void **state)
{
	char *text = NULL, *out;
	size_t len = 0;
	struct conf *c;
	FILE *f = open_memstream(&text, &len);
	int i;

	(void)state;
	for (i = 1; i <= CONF_MAX_LINKS + 1; i++)
		fprintf(f, "link l%d {}\n", i);
	fclose(f);
	out = load_errors(text, &c);
	assert_null(c);
	assert_string_equal(out, "t.conf:250: more than 249 links\n");
	free(out);
	free(text);
}

static void
test_defaults(void **state)
{
	struct conf *c = load_ok("link wan {}\n");
	const struct conf_link *l = &c->links[0];
	char buf[ADDR_STRLEN];

	(void)state;
	assert_string_equal(c->path, "t.conf");
	assert_int_equal(c->table_base, 1000);
	assert_int_equal(c->rule_priority_base, 1000);
	assert_int_equal(c->nexthop_id_base, 1000000);
	assert_int_equal(c->fwmark_mask, 0x00ff0000);
	assert_int_equal(c->route_protocol, 250);
	assert_int_equal(c->balance, BALANCE_ROUND_ROBIN);
	assert_true(c->manage_sysctl);
	assert_null(c->hooks_dir);
	assert_int_equal(c->hook_timeout_ms, 10000);
	assert_string_equal(c->socket_path, CONF_DEFAULT_SOCKET);
	assert_null(c->socket_group);
	assert_null(c->metrics_listen);
	assert_true(c->local_source_auto);
	assert_string_equal(addr_str(&c->own_source4, buf), CONF_OWN_SOURCE4);
	assert_string_equal(addr_str(&c->own_source6, buf), CONF_OWN_SOURCE6);
	assert_int_equal(c->probe.ntargets, 5);
	assert_string_equal(addr_str(&c->probe.targets[0], buf), "1.1.1.1");
	assert_string_equal(addr_str(&c->probe.targets[4], buf),
	    "2001:4860:4860::8888");
	assert_int_equal(c->probe.rate_pps, 10);
	assert_int_equal(c->probe.timeout_ms, 600);
	assert_int_equal(c->probe.down_ms, 800);
	assert_int_equal(c->probe.up_ms, 3000);
	assert_int_equal(c->probe.reliability, 1);
	assert_int_equal(c->probe.window, 20);
	assert_int_equal(c->probe.latency_degraded_ms, 200);
	assert_int_equal(c->probe.latency_down_ms, 500);
	assert_int_equal(c->probe.loss_degraded_pct, 10);
	assert_int_equal(c->probe.loss_down_pct, 20);
	assert_int_equal(c->probe.hold_max_ms, 60000);
	assert_int_equal(c->probe.size, 24);
	assert_int_equal(c->nlinks, 1);
	assert_string_equal(l->name, "wan");
	assert_string_equal(l->ifname, "wan");
	assert_false(addr_is_set(&l->gateway4));
	assert_false(addr_is_set(&l->gateway6));
	assert_int_equal(l->weight, 1);
	assert_int_equal(l->tier, 1);
	assert_true(l->ipv4 && l->ipv6);
	assert_int_equal(l->nat6, NAT6_AUTO);
	assert_false(l->has_probe);
	assert_memory_equal(&l->probe, &c->probe, sizeof(c->probe));
	assert_int_equal(l->id, 1);
	assert_int_equal(l->line, 1);
	assert_int_equal(c->nlans + c->npolicies + c->nrules, 0);
	conf_free(c);
}

static void
test_values(void **state)
{
	struct conf *c = load_ok(
	    "fwmark-mask = 0xff00\nbalance = hash\nmanage-sysctl = no\n"
	    "hook-timeout = 2500\nsocket-group = uplinkd\n"
	    "metrics-listen = \"[::1]:9120\"\n"
	    "probe {\n\ttargets = { 198.18.0.1 }\n\tup-after = 1m\n}\n"
	    "link a {\n\tinterface = eth0\n\tgateway = 198.18.1.1\n"
	    "\tgateway6 = fe80::1\n\tweight = 3\n\tfamily = ipv4\n"
	    "\tfamily = both\n\tnat6 = npt\n\tnpt-prefix = 2001:db8:1:8000::/64\n"
	    "\tprobe {\n\t\tdown-after = 2h\n\t}\n}\n"
	    "link b { interface = eth0 gateway = 198.18.2.1 family = ipv4 }\n"
	    "lan home { interface = br0 masquerade = off }\n"
	    "policy p { links = { b, a } sticky = 30m }\n"
	    "rule {\n\tsrc = 100.64.0.0/10\n\tproto = 6\n"
	    "\tdport = { 80, \"8000-8080\" }\n\tiif = br0\n\tpolicy = p\n}\n"
	    "rule { policy = unreachable }\n"
	    "own-source = 2001:db8::8\n"
	    "link d {\n\tdns = { 198.19.1.53, 2001:db8::53 }\n}\n");
	const struct conf_link *a = &c->links[0], *b = &c->links[1];
	char buf[PREFIX_STRLEN];

	(void)state;
	/* own-source given replaces both defaults */
	assert_false(addr_is_set(&c->own_source4));
	assert_string_equal(addr_str(&c->own_source6, buf), "2001:db8::8");
	assert_int_equal(c->links[2].ndns, 2);
	assert_string_equal(addr_str(&c->links[2].dns[1], buf), "2001:db8::53");
	assert_int_equal(c->fwmark_mask, 0xff00);
	assert_int_equal(c->balance, BALANCE_HASH);
	assert_false(c->manage_sysctl);
	assert_int_equal(c->hook_timeout_ms, 2500);
	assert_string_equal(c->socket_group, "uplinkd");
	assert_string_equal(c->metrics_listen, "[::1]:9120");
	assert_int_equal(c->probe.ntargets, 1);
	assert_int_equal(c->probe.up_ms, 60000);
	assert_string_equal(addr_str(&a->gateway4, buf), "198.18.1.1");
	assert_string_equal(addr_str(&a->gateway6, buf), "fe80::1");
	assert_int_equal(a->weight, 3);
	assert_true(a->ipv4 && a->ipv6);
	assert_int_equal(a->nat6, NAT6_NPT);
	assert_string_equal(prefix_str(&a->npt_prefix6, buf), "2001:db8:1:8000::/64");
	assert_true(a->has_probe);
	assert_int_equal(a->probe.down_ms, 7200000);
	assert_int_equal(a->probe.up_ms, 60000);	/* from the global */
	assert_int_equal(a->probe.ntargets, 1);
	assert_true(b->ipv4 && !b->ipv6);
	assert_int_equal(b->line, 24);
	assert_false(c->lans[0].masquerade);
	assert_int_equal(c->policies[0].nlinks, 2);
	assert_int_equal(c->policies[0].links[0], 1);
	assert_int_equal(c->policies[0].balance, BALANCE_HASH);
	assert_int_equal(c->policies[0].sticky_s, 1800);
	assert_int_equal(c->nrules, 2);
	assert_int_equal(c->rules[0].nsrc, 1);
	assert_string_equal(prefix_str(&c->rules[0].src[0], buf),
	    "100.64.0.0/10");
	assert_int_equal(c->rules[0].proto, 6);
	assert_int_equal(c->rules[0].ndport, 2);
	assert_int_equal(c->rules[0].dport[1].lo, 8000);
	assert_int_equal(c->rules[0].dport[1].hi, 8080);
	assert_string_equal(c->rules[0].iif, "br0");
	assert_int_equal(c->rules[0].policy, 0);
	assert_int_equal(c->rules[0].line, 27);
	assert_int_equal(c->rules[1].policy, POLICY_UNREACHABLE);
	assert_int_equal(conf_link_mark(c, b), 2 << 8);
	assert_int_equal(conf_link_table(c, b), 1002);
	assert_ptr_equal(conf_link_by_name(c, "b"), b);
	assert_null(conf_link_by_name(c, "c"));
	assert_string_equal(conf_balance_name(BALANCE_ROUND_ROBIN),
	    "round-robin");
	conf_free(c);
}

static void
test_assign_ids(void **state)
{
	struct conf *old = load_ok("link a {}\nlink b {}\nlink c {}\n");
	struct conf *c = load_ok("link c {}\nlink d {}\nlink a {}\n"
	    "link e {}\n");
	struct conf *n;

	(void)state;
	assert_int_equal(old->links[2].id, 3);
	conf_assign_ids(c, old);
	assert_int_equal(c->links[0].id, 3);	/* c kept */
	assert_int_equal(c->links[1].id, 2);	/* d: lowest free */
	assert_int_equal(c->links[2].id, 1);	/* a kept */
	assert_int_equal(c->links[3].id, 4);
	assert_int_equal(conf_link_mark(c, &c->links[0]), 3 << 16);
	assert_int_equal(conf_link_table(c, &c->links[0]), 1003);
	n = load_ok("link e {}\nlink f {}\n");
	conf_assign_ids(n, c);
	assert_int_equal(n->links[0].id, 4);
	assert_int_equal(n->links[1].id, 1);
	conf_assign_ids(n, NULL);
	assert_int_equal(n->links[0].id, 1);
	assert_int_equal(n->links[1].id, 2);
	conf_free(old);
	conf_free(c);
	conf_free(n);
}

static char *
print_conf(const struct conf *c)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	assert_non_null(f);
	conf_print(c, f);
	assert_int_equal(fclose(f), 0);
	return out;
}

/* parse -> print -> parse -> print: both prints equal; and the golden. */
static void
test_roundtrip(void **state)
{
	const char *path = *state;
	struct conf *c, *c2;
	char *p1, *p2, canon[4096];

	c = conf_load(path, stderr);
	assert_non_null(c);
	p1 = print_conf(c);
	c2 = conf_load_buf("printed", p1, stderr);
	assert_non_null(c2);
	p2 = print_conf(c2);
	assert_string_equal(p1, p2);
	snprintf(canon, sizeof(canon), "%.*s.canon",
	    (int)(strlen(path) - strlen(".conf")), path);
	if (access(canon, F_OK) == 0)
		testutil_golden(canon, p1);
	free(p1);
	free(p2);
	conf_free(c);
	conf_free(c2);
}

int
main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_too_many_links),
		cmocka_unit_test(test_nat6_warning),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_assign_ids),
	};
	size_t n = sizeof(errcases) / sizeof(errcases[0]), i;
	struct CMUnitTest *errs = calloc(n, sizeof(*errs)), *rts;
	glob_t g;
	int fails;

	for (i = 0; i < n; i++) {
		errs[i].name = errcases[i].name;
		errs[i].test_func = test_error;
		errs[i].initial_state = (void *)&errcases[i];
	}
	fails = _cmocka_run_group_tests("conf_errors", errs, n, NULL, NULL);
	fails += cmocka_run_group_tests_name("conf", fixed, NULL, NULL);

	if (glob(SRCDIR "/tests/golden/conf/*.conf", 0, NULL, &g) != 0 ||
	    glob(SRCDIR "/etc/uplinkd.conf", GLOB_APPEND, NULL, &g) != 0) {
		fprintf(stderr, "no golden files under " SRCDIR "\n");
		return 1;
	}
	rts = calloc(g.gl_pathc, sizeof(*rts));
	for (i = 0; i < g.gl_pathc; i++) {
		rts[i].name = g.gl_pathv[i];
		rts[i].test_func = test_roundtrip;
		rts[i].initial_state = g.gl_pathv[i];
	}
	fails += _cmocka_run_group_tests("conf_roundtrip", rts, g.gl_pathc,
	    NULL, NULL);
	free(errs);
	free(rts);
	globfree(&g);
	return fails;
}
