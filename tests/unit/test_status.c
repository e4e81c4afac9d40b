/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of status.c: the JSON of a fixed snapshot (the field names and
 * types DESIGN.md promises), and the text of `uplinkctl status`, `status
 * LINK` and `watch` rendered from it, compared with expected strings (in
 * UTC, so the local times are fixed).
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "status.h"
#include "testutil.h"

#define NOW	1714567890	/* 2024-05-01 12:51:30 UTC */

static struct status_link links[3];
static struct status_policy policies[1];
static struct status_event events[2];
static struct status snap;

static void
no_data(struct status_family *f)
{
	f->rtt_ms = f->jitter_ms = f->loss_pct = -1;
}

static int
setup(void **state)
{
	struct status_link *l;

	setenv("TZ", "UTC", 1);
	tzset();
	memset(links, 0, sizeof(links));
	memset(policies, 0, sizeof(policies));
	memset(events, 0, sizeof(events));
	memset(&snap, 0, sizeof(snap));

	/* isp1: dual stack, up 3m12s, two targets */
	l = &links[0];
	strcpy(l->name, "isp1");
	strcpy(l->ifname, "eth0");
	l->weight = 2;
	l->tier = 1;
	l->mark = 0x10000;
	l->table = 1001;
	l->carrier = true;
	l->v4.present = true;
	l->v4.state = HEALTH_UP;
	l->v4.active = true;
	l->v4.since_s = NOW - 192;
	set_addr(&l->v4.addr, "198.18.0.2");
	set_addr(&l->v4.gateway, "198.18.0.1");
	l->v4.rtt_ms = 12.125;
	l->v4.jitter_ms = 0.75;
	l->v4.loss_pct = 0;
	l->v4.ntargets = 2;
	l->v4.probes_sent = 1200;
	l->v4.probe_replies = 1150;
	l->v4.probes_ignored = 7;
	l->v4.probes_malformed = 1;
	l->v4.probes_forged = 2;
	set_addr(&l->v4.targets[0].addr, "198.19.0.1");
	l->v4.targets[0].answering = true;
	l->v4.targets[0].rtt_ms = 11.5;
	l->v4.targets[0].jitter_ms = 0.5;
	l->v4.targets[0].loss_pct = 0;
	set_addr(&l->v4.targets[1].addr, "198.19.0.2");
	l->v4.targets[1].answering = false;
	l->v4.targets[1].rtt_ms = -1;
	l->v4.targets[1].jitter_ms = -1;
	l->v4.targets[1].loss_pct = 100;
	l->v6.present = true;
	l->v6.state = HEALTH_DEGRADED;
	l->v6.active = true;
	l->v6.since_s = NOW - 30;
	set_addr(&l->v6.addr, "2001:db8::2");
	l->v6.rtt_ms = 250;
	l->v6.jitter_ms = 40;
	l->v6.loss_pct = 12.5;
	l->tx_bytes = 1234567890;
	l->rx_bytes = 9876543210ULL;
	l->tx_packets = 1000000;
	l->rx_packets = 2000000;
	l->tx_bps = 1250000;
	l->rx_bps = 312.5;
	l->share_pct = 62.4;
	l->connections = 120;
	l->state_changes = 3;

	/* isp2: IPv4, down 12s, drained, no figures */
	l = &links[1];
	strcpy(l->name, "isp2");
	strcpy(l->ifname, "ppp0");
	l->weight = 1;
	l->tier = 2;
	l->mark = 0x20000;
	l->table = 1002;
	l->drained = true;
	l->v4.present = true;
	l->v4.state = HEALTH_DOWN;
	l->v4.cause = HEALTH_CAUSE_TRAFFIC;
	l->v4.since_s = NOW - 12;
	no_data(&l->v4);
	l->share_pct = 37.6;
	l->state_changes = 1;

	/* lab: IPv6 only, never changed state */
	l = &links[2];
	strcpy(l->name, "lab");
	strcpy(l->ifname, "eth2");
	l->weight = 1;
	l->tier = 1;
	l->mark = 0x30000;
	l->table = 1003;
	l->carrier = true;
	l->v6.present = true;
	l->v6.state = HEALTH_UNKNOWN;
	no_data(&l->v6);
	no_data(&l->v4);

	strcpy(policies[0].name, "voip");
	policies[0].balance = "hash";
	policies[0].sticky_s = 300;
	strcpy(policies[0].links_now, "isp1,isp2");

	events[0].when_s = NOW - 192;
	strcpy(events[0].link, "isp1");
	events[0].family = '4';
	events[0].from = HEALTH_DOWN;
	events[0].to = HEALTH_UP;
	strcpy(events[0].reason, "30 probes answered in 3.0 s");
	events[1].when_s = NOW - 12;
	events[1].when_ms = (NOW - 12) * 1000ULL + 345;
	strcpy(events[1].link, "isp2");
	events[1].family = '4';
	events[1].from = HEALTH_UP;
	events[1].to = HEALTH_DOWN;
	events[1].cause = HEALTH_CAUSE_PROBES;
	strcpy(events[1].reason, "no reply for 800 ms");

	snap.version = "0.1.0";
	snap.now_s = NOW;
	snap.started_s = NOW - 7380;
	snap.links = links;
	snap.nlinks = 3;
	snap.policies = policies;
	snap.npolicies = 1;
	snap.events = events;
	snap.nevents = 2;
	snap.reconciles = 42;
	snap.reconcile_errors = 1;
	snap.resyncs = 2;
	snap.last_reconcile_ms = 1.5;
	return 0;
}

enum jtype { T_STR, T_BOOL, T_INT, T_NUM, T_NUM_OR_NULL, T_ARRAY,
	T_OBJECT, T_OBJECT_OR_NULL, T_STR_OR_NULL };

static void
check_type(json_t *o, const char *key, enum jtype t)
{
	json_t *v = json_object_get(o, key);
	bool ok = false;

	if (!v)
		fail_msg("missing member \"%s\"", key);
	switch (t) {
	case T_STR:
		ok = json_is_string(v);
		break;
	case T_STR_OR_NULL:
		ok = json_is_string(v) || json_is_null(v);
		break;
	case T_BOOL:
		ok = json_is_boolean(v);
		break;
	case T_INT:
		ok = json_is_integer(v) && json_integer_value(v) >= 0;
		break;
	case T_NUM:
		ok = json_is_number(v);
		break;
	case T_NUM_OR_NULL:
		ok = json_is_number(v) || json_is_null(v);
		break;
	case T_ARRAY:
		ok = json_is_array(v);
		break;
	case T_OBJECT:
		ok = json_is_object(v);
		break;
	case T_OBJECT_OR_NULL:
		ok = json_is_object(v) || json_is_null(v);
		break;
	}
	if (!ok)
		fail_msg("member \"%s\" has the wrong type", key);
}

static const struct {
	const char *key;
	enum jtype type;
} link_members[] = {
	/* DESIGN.md */
	{ "name", T_STR }, { "interface", T_STR }, { "state", T_STR },
	{ "active", T_BOOL }, { "weight", T_INT }, { "rtt_ms", T_NUM_OR_NULL },
	{ "loss_pct", T_NUM_OR_NULL }, { "since", T_INT },
	{ "tx_bytes", T_INT }, { "rx_bytes", T_INT },
	/* ours */
	{ "drained", T_BOOL }, { "carrier", T_BOOL }, { "tier", T_INT },
	{ "mark", T_INT }, { "table", T_INT }, { "jitter_ms", T_NUM_OR_NULL },
	{ "tx_packets", T_INT }, { "rx_packets", T_INT },
	{ "tx_bytes_per_s", T_NUM }, { "rx_bytes_per_s", T_NUM },
	{ "share_pct", T_NUM }, { "connections", T_INT },
	{ "state_changes", T_INT }, { "ipv4", T_OBJECT_OR_NULL },
	{ "ipv6", T_OBJECT_OR_NULL },
};

static void
test_json_schema(void **state)
{
	json_t *j = status_to_json(&snap), *l, *f, *t;
	static const char *const states[] = { "up", "down", "degraded",
	    "unknown" };
	size_t i, k;

	assert_non_null(j);
	check_type(j, "version", T_STR);
	check_type(j, "now", T_INT);
	check_type(j, "started", T_INT);
	check_type(j, "links", T_ARRAY);
	check_type(j, "policies", T_ARRAY);
	check_type(j, "events", T_ARRAY);
	check_type(j, "reconciles", T_INT);
	check_type(j, "reconcile_errors", T_INT);
	check_type(j, "netlink_resyncs", T_INT);
	check_type(j, "last_reconcile_ms", T_NUM);
	check_type(j, "failopen", T_OBJECT);
	assert_int_equal(json_array_size(json_object_get(j, "links")), 3);
	/* why a link is down: isp2's own traffic; the others are not down */
	l = json_array_get(json_object_get(j, "links"), 1);
	assert_string_equal(json_string_value(json_object_get(l,
	    "down_cause")), "traffic");
	assert_string_equal(json_string_value(json_object_get(json_object_get(
	    l, "ipv4"), "down_cause")), "traffic");
	l = json_array_get(json_object_get(j, "links"), 0);
	assert_true(json_is_null(json_object_get(l, "down_cause")));
	assert_true(json_is_null(json_object_get(json_object_get(l, "ipv4"),
	    "down_cause")));
	t = json_array_get(json_object_get(j, "events"), 1);
	assert_string_equal(json_string_value(json_object_get(t, "cause")),
	    "probes");
	assert_int_equal(json_integer_value(json_object_get(t, "time_ms")),
	    (NOW - 12) * 1000LL + 345);
	t = json_array_get(json_object_get(j, "events"), 0);
	assert_true(json_is_null(json_object_get(t, "cause")));
	assert_true(json_is_null(json_object_get(t, "time_ms")));
	json_array_foreach(json_object_get(j, "links"), i, l) {
		bool known = false;

		for (k = 0; k < sizeof(link_members) /
		    sizeof(link_members[0]); k++)
			check_type(l, link_members[k].key,
			    link_members[k].type);
		for (k = 0; k < 4; k++)
			if (strcmp(json_string_value(json_object_get(l,
			    "state")), states[k]) == 0)
				known = true;
		assert_true(known);
		for (k = 0; k < 2; k++) {
			f = json_object_get(l, k ? "ipv6" : "ipv4");
			if (json_is_null(f))
				continue;
			check_type(f, "state", T_STR);
			check_type(f, "active", T_BOOL);
			check_type(f, "since", T_INT);
			check_type(f, "address", T_STR_OR_NULL);
			check_type(f, "gateway", T_STR_OR_NULL);
			check_type(f, "rtt_ms", T_NUM_OR_NULL);
			check_type(f, "targets", T_ARRAY);
		}
	}
	/* values */
	l = json_array_get(json_object_get(j, "links"), 0);
	assert_string_equal(json_string_value(json_object_get(l, "name")),
	    "isp1");
	assert_string_equal(json_string_value(json_object_get(l,
	    "interface")), "eth0");
	assert_string_equal(json_string_value(json_object_get(l, "state")),
	    "up");
	assert_true(json_is_true(json_object_get(l, "active")));
	assert_int_equal(json_integer_value(json_object_get(l, "weight")), 2);
	assert_int_equal(json_integer_value(json_object_get(l, "since")),
	    NOW - 192);
	assert_true(json_real_value(json_object_get(l, "rtt_ms")) == 12.125);
	assert_int_equal(json_integer_value(json_object_get(l, "rx_bytes")),
	    9876543210LL);
	f = json_object_get(l, "ipv6");
	assert_string_equal(json_string_value(json_object_get(f, "state")),
	    "degraded");
	assert_string_equal(json_string_value(json_object_get(f, "address")),
	    "2001:db8::2");
	assert_true(json_is_null(json_object_get(f, "gateway")));
	t = json_array_get(json_object_get(json_object_get(l, "ipv4"),
	    "targets"), 1);
	assert_string_equal(json_string_value(json_object_get(t, "address")),
	    "198.19.0.2");
	assert_true(json_is_false(json_object_get(t, "answering")));
	assert_true(json_is_null(json_object_get(t, "rtt_ms")));
	/* isp2: no data is null; lab: IPv6 only, its figures on top */
	l = json_array_get(json_object_get(j, "links"), 1);
	assert_true(json_is_null(json_object_get(l, "rtt_ms")));
	assert_true(json_is_null(json_object_get(l, "ipv6")));
	assert_true(json_is_true(json_object_get(l, "drained")));
	l = json_array_get(json_object_get(j, "links"), 2);
	assert_true(json_is_null(json_object_get(l, "ipv4")));
	assert_string_equal(json_string_value(json_object_get(l, "state")),
	    "unknown");
	/* policy links split */
	t = json_object_get(json_array_get(json_object_get(j, "policies"), 0),
	    "links");
	assert_int_equal(json_array_size(t), 2);
	assert_string_equal(json_string_value(json_array_get(t, 1)), "isp2");
	/* event */
	t = json_array_get(json_object_get(j, "events"), 1);
	assert_string_equal(json_string_value(json_object_get(t, "family")),
	    "ipv4");
	assert_string_equal(json_string_value(json_object_get(t, "to")),
	    "down");
	json_decref(j);
}

static char *
render(void (*fn)(json_t *, FILE *, bool), json_t *j, bool color)
{
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	fn(j, f, color);
	fclose(f);
	return buf;
}

static const char expected_text[] =
"uplinkd 0.1.0: 3 links, 1 active; running 2h03m; 42 reconciles "
"(1 errors, last 1.5ms)\n"
"\n"
"LINK  IFACE  STATE               ACTIVE   W/TIER     RTT  JITTER  LOSS"
"  SHARE      TX/s     RX/s  CONNS      TX      RX\n"
"isp1  eth0   up 3m12s            yes      2/1     12.1ms  0.75ms  0.0%"
"    62%  1.2 MB/s  312 B/s    120  1.2 GB  9.9 GB\n"
"isp2  ppp0   down 12s (traffic)  drained  1/2          -       -     -"
"    38%     0 B/s    0 B/s      0     0 B     0 B\n"
"lab   eth2   unknown             no       1/1          -       -     -"
"     0%     0 B/s    0 B/s      0     0 B     0 B\n"
"\n"
"POLICY  BALANCE  STICKY  USING\n"
"voip    hash     300s    isp1,isp2\n"
"\n"
"RECENT CHANGES\n"
"  2024-05-01 12:48:18 isp1 ipv4 down -> up: 30 probes answered in "
"3.0 s\n"
"  2024-05-01 12:51:18 isp2 ipv4 up -> down (probes): no reply for "
"800 ms\n";

static void
test_text(void **state)
{
	json_t *j = status_to_json(&snap);
	char *s;

	assert_non_null(j);
	s = render(status_print_text, j, false);
	if (strcmp(s, expected_text) != 0)
		fail_msg("got:\n%s\nwant:\n%s", s, expected_text);
	free(s);
	/* with colour: escapes around the states, the same text inside */
	s = render(status_print_text, j, true);
	assert_non_null(strstr(s, "\033[32mup 3m12s\033[0m"));
	assert_non_null(strstr(s, "\033[31mdown 12s (traffic)\033[0m"));
	assert_non_null(strstr(s, "\033[33mdrained\033[0m"));
	free(s);
	json_decref(j);
}

static const char expected_link[] =
"link isp1 (eth0): up 3m12s, active, weight 2, tier 1, mark 0x10000, "
"table 1001\n"
"  ipv4: up 3m12s, active, address 198.18.0.2, gateway 198.18.0.1\n"
"    rtt 12.1ms, jitter 0.75ms, loss 0.0%\n"
"    probes: 1200 sent, 1150 replies, 7 ignored, 1 malformed, 2 forged\n"
"    TARGET      ANSWERING     RTT  JITTER    LOSS\n"
"    198.19.0.1  yes        11.5ms  0.50ms    0.0%\n"
"    198.19.0.2  no              -       -  100.0%\n"
"  ipv6: degraded 30s, active, address 2001:db8::2, gateway -\n"
"    rtt 250ms, jitter 40.0ms, loss 12.5%\n"
"    probes: 0 sent, 0 replies, 0 ignored, 0 malformed, 0 forged\n"
"  traffic: tx 1.2 GB (1000000 packets), rx 9.9 GB (2000000 packets)\n"
"  last 10 s: tx 1.2 MB/s, rx 312 B/s, share 62%\n"
"  connections 120, state changes 3\n";

static void
test_link(void **state)
{
	json_t *j = status_to_json(&snap);
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	assert_int_equal(status_print_link(j, "isp1", f), 0);
	fclose(f);
	if (strcmp(buf, expected_link) != 0)
		fail_msg("got:\n%s\nwant:\n%s", buf, expected_link);
	free(buf);
	f = open_memstream(&buf, &len);
	assert_int_equal(status_print_link(j, "nope", f), -ENOENT);
	fclose(f);
	assert_int_equal(len, 0);
	free(buf);
	json_decref(j);
}

static void
test_watch_lines(void **state)
{
	json_t *ev = status_event_to_json(&events[1]);
	json_t *rates = status_rates_to_json(&snap);
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	status_print_event(ev, f);
	status_print_rates(rates, f);
	fclose(f);
	assert_string_equal(buf,
	    "2024-05-01 12:51:18 isp2 ipv4 up -> down (probes): no reply for "
	    "800 ms\n"
	    "2024-05-01 12:51:30 rates isp1 tx 1.2 MB/s rx 312 B/s (62%), "
	    "isp2 tx 0 B/s rx 0 B/s (38%), lab tx 0 B/s rx 0 B/s (0%)\n");
	free(buf);
	json_decref(ev);
	json_decref(rates);
}

/* Text from JSON that lacks members (another version's daemon) or has
 * wrong types prints placeholders and does not crash. */
static void
test_text_sparse(void **state)
{
	json_t *j = json_loads("{\"links\":[{\"name\":\"x\",\"rtt_ms\":\"a\","
	    "\"since\":-5,\"ipv4\":7}],\"events\":[{}],\"policies\":{}}", 0,
	    NULL);
	char *s;

	assert_non_null(j);
	s = render(status_print_text, j, false);
	assert_non_null(strstr(s, "x     -      -      no"));
	assert_non_null(strstr(s, "  - - - - -> -\n"));
	free(s);
	json_decref(j);
	j = json_loads("[]", 0, NULL);
	s = render(status_print_text, j, false);
	assert_non_null(strstr(s, "0 links"));
	free(s);
	json_decref(j);
}

static void
test_formats(void **state)
{
	static const struct {
		uint64_t s;
		const char *want;
	} durations[] = {
		{ 0, "0s" }, { 59, "59s" }, { 60, "1m00s" }, { 192, "3m12s" },
		{ 3599, "59m59s" }, { 3600, "1h00m" }, { 7380, "2h03m" },
		{ 86399, "23h59m" }, { 86400, "1d00h" }, { 90061, "1d01h" },
	};
	static const struct {
		double b;
		const char *want;
	} bytes[] = {
		{ 0, "0 B" }, { 999, "999 B" }, { 1000, "1.0 kB" },
		{ 1234, "1.2 kB" }, { 99949, "99.9 kB" }, { 99950, "100 kB" },
		{ 999499, "999 kB" }, { 999950, "1.0 MB" },
		{ 1234567890, "1.2 GB" }, { 1e21, "1000 EB" }, { -1, "0 B" },
	};
	static const struct {
		double ms;
		const char *want;
	} ms[] = {
		{ -1, "-" }, { 0.25, "0.25ms" }, { 1, "1.0ms" },
		{ 12.125, "12.1ms" }, { 99.96, "100ms" }, { 250, "250ms" },
	};
	char buf[STATUS_FMT_MAX];
	size_t i;

	for (i = 0; i < sizeof(durations) / sizeof(durations[0]); i++)
		assert_string_equal(status_fmt_duration(durations[i].s, buf),
		    durations[i].want);
	for (i = 0; i < sizeof(bytes) / sizeof(bytes[0]); i++)
		assert_string_equal(status_fmt_bytes(bytes[i].b, buf),
		    bytes[i].want);
	for (i = 0; i < sizeof(ms) / sizeof(ms[0]); i++)
		assert_string_equal(status_fmt_ms(ms[i].ms, buf), ms[i].want);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_json_schema, setup),
		cmocka_unit_test_setup(test_text, setup),
		cmocka_unit_test_setup(test_link, setup),
		cmocka_unit_test_setup(test_watch_lines, setup),
		cmocka_unit_test_setup(test_text_sparse, setup),
		cmocka_unit_test_setup(test_formats, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
