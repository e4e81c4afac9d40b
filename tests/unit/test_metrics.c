/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of metrics.c: the exposition of a fixed status JSON compared
 * with the expected text, label escaping of hostile names, left-out
 * figures, and validity: families contiguous, each announced by HELP and
 * TYPE, no series twice, and, when Debian's promtool is installed,
 * `promtool check metrics` on the output.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "metrics.h"

static const char status_json[] =
"{\"version\":\"0.1.0\",\"now\":1714567890,\"started\":1714560510,"
"\"links\":["
" {\"name\":\"isp1\",\"interface\":\"eth0\",\"state\":\"up\","
"  \"active\":true,\"drained\":false,\"tx_bytes\":1234567890123,"
"  \"rx_bytes\":5,\"tx_packets\":7,\"rx_packets\":8,\"connections\":120,"
"  \"state_changes\":3,\"weight\":75,\"capacity_bps\":29500000,"
"  \"ipv4\":{\"state\":\"up\",\"active\":true,\"rtt_ms\":12.5,"
"   \"jitter_ms\":0.75,\"loss_pct\":2.5},"
"  \"ipv6\":{\"state\":\"degraded\",\"active\":false,\"rtt_ms\":null,"
"   \"jitter_ms\":null,\"loss_pct\":null}},"
" {\"name\":\"isp2\",\"interface\":\"ppp0\",\"state\":\"down\","
"  \"active\":false,\"drained\":true,\"tx_bytes\":0,\"rx_bytes\":0,"
"  \"tx_packets\":0,\"rx_packets\":0,\"connections\":0,"
"  \"state_changes\":0,\"weight\":25,\"capacity_bps\":null,"
"  \"ipv4\":{\"state\":\"down\",\"down_cause\":\"traffic\","
"   \"active\":false,\"rtt_ms\":null},"
"  \"ipv6\":null}],"
"\"reconciles\":42,\"reconcile_errors\":1,\"netlink_resyncs\":2,"
"\"last_reconcile_ms\":1.5,\"connections_counted_age_s\":12.5,"
"\"connections_live\":true,\"conntrack_events\":250000,"
"\"conntrack_flushes\":3,\"conntrack_flush_errors\":1}";

static const char expected[] =
"# HELP uplinkd_info uplinkd's version.\n"
"# TYPE uplinkd_info gauge\n"
"uplinkd_info{version=\"0.1.0\"} 1\n"
"# HELP uplinkd_start_time_seconds When uplinkd started, in unix seconds.\n"
"# TYPE uplinkd_start_time_seconds gauge\n"
"uplinkd_start_time_seconds 1714560510\n"
"# HELP uplinkd_link_up Whether the link is usable (state up or "
"degraded).\n"
"# TYPE uplinkd_link_up gauge\n"
"uplinkd_link_up{link=\"isp1\",interface=\"eth0\",family=\"ipv4\"} 1\n"
"uplinkd_link_up{link=\"isp1\",interface=\"eth0\",family=\"ipv6\"} 1\n"
"uplinkd_link_up{link=\"isp2\",interface=\"ppp0\",family=\"ipv4\"} 0\n"
"# HELP uplinkd_link_state The link's health state (one-hot).\n"
"# TYPE uplinkd_link_state gauge\n"
"uplinkd_link_state{link=\"isp1\",family=\"ipv4\",state=\"up\"} 1\n"
"uplinkd_link_state{link=\"isp1\",family=\"ipv4\",state=\"degraded\"} 0\n"
"uplinkd_link_state{link=\"isp1\",family=\"ipv4\",state=\"down\"} 0\n"
"uplinkd_link_state{link=\"isp1\",family=\"ipv4\",state=\"unknown\"} 0\n"
"uplinkd_link_state{link=\"isp1\",family=\"ipv6\",state=\"up\"} 0\n"
"uplinkd_link_state{link=\"isp1\",family=\"ipv6\",state=\"degraded\"} 1\n"
"uplinkd_link_state{link=\"isp1\",family=\"ipv6\",state=\"down\"} 0\n"
"uplinkd_link_state{link=\"isp1\",family=\"ipv6\",state=\"unknown\"} 0\n"
"uplinkd_link_state{link=\"isp2\",family=\"ipv4\",state=\"up\"} 0\n"
"uplinkd_link_state{link=\"isp2\",family=\"ipv4\",state=\"degraded\"} 0\n"
"uplinkd_link_state{link=\"isp2\",family=\"ipv4\",state=\"down\"} 1\n"
"uplinkd_link_state{link=\"isp2\",family=\"ipv4\",state=\"unknown\"} 0\n"
"# HELP uplinkd_link_down_cause Why the link is down (one-hot; all 0 "
"while it is not down).\n"
"# TYPE uplinkd_link_down_cause gauge\n"
"uplinkd_link_down_cause{link=\"isp1\",family=\"ipv4\",cause=\"probes\"} 0\n"
"uplinkd_link_down_cause{link=\"isp1\",family=\"ipv4\",cause=\"carrier\"} 0\n"
"uplinkd_link_down_cause{link=\"isp1\",family=\"ipv4\",cause=\"traffic\"} 0\n"
"uplinkd_link_down_cause{link=\"isp1\",family=\"ipv6\",cause=\"probes\"} 0\n"
"uplinkd_link_down_cause{link=\"isp1\",family=\"ipv6\",cause=\"carrier\"} 0\n"
"uplinkd_link_down_cause{link=\"isp1\",family=\"ipv6\",cause=\"traffic\"} 0\n"
"uplinkd_link_down_cause{link=\"isp2\",family=\"ipv4\",cause=\"probes\"} 0\n"
"uplinkd_link_down_cause{link=\"isp2\",family=\"ipv4\",cause=\"carrier\"} 0\n"
"uplinkd_link_down_cause{link=\"isp2\",family=\"ipv4\",cause=\"traffic\"} 1\n"
"# HELP uplinkd_link_active Whether the link takes new connections now.\n"
"# TYPE uplinkd_link_active gauge\n"
"uplinkd_link_active{link=\"isp1\",family=\"ipv4\"} 1\n"
"uplinkd_link_active{link=\"isp1\",family=\"ipv6\"} 0\n"
"uplinkd_link_active{link=\"isp2\",family=\"ipv4\"} 0\n"
"# HELP uplinkd_link_drained Whether the link is drained by the "
"administrator.\n"
"# TYPE uplinkd_link_drained gauge\n"
"uplinkd_link_drained{link=\"isp1\"} 0\n"
"uplinkd_link_drained{link=\"isp2\"} 1\n"
"# HELP uplinkd_link_rtt_seconds Average probe round-trip time over the "
"window.\n"
"# TYPE uplinkd_link_rtt_seconds gauge\n"
"uplinkd_link_rtt_seconds{link=\"isp1\",family=\"ipv4\"} 0.0125\n"
"# HELP uplinkd_link_jitter_seconds Probe round-trip time jitter over the "
"window.\n"
"# TYPE uplinkd_link_jitter_seconds gauge\n"
"uplinkd_link_jitter_seconds{link=\"isp1\",family=\"ipv4\"} 0.00075\n"
"# HELP uplinkd_link_loss_ratio Share of probes lost over the window.\n"
"# TYPE uplinkd_link_loss_ratio gauge\n"
"uplinkd_link_loss_ratio{link=\"isp1\",family=\"ipv4\"} 0.025\n"
"# HELP uplinkd_link_tx_bytes_total Bytes sent over the link.\n"
"# TYPE uplinkd_link_tx_bytes_total counter\n"
"uplinkd_link_tx_bytes_total{link=\"isp1\",interface=\"eth0\"} "
"1234567890123\n"
"uplinkd_link_tx_bytes_total{link=\"isp2\",interface=\"ppp0\"} 0\n"
"# HELP uplinkd_link_rx_bytes_total Bytes received over the link.\n"
"# TYPE uplinkd_link_rx_bytes_total counter\n"
"uplinkd_link_rx_bytes_total{link=\"isp1\",interface=\"eth0\"} 5\n"
"uplinkd_link_rx_bytes_total{link=\"isp2\",interface=\"ppp0\"} 0\n"
"# HELP uplinkd_link_tx_packets_total Packets sent over the link.\n"
"# TYPE uplinkd_link_tx_packets_total counter\n"
"uplinkd_link_tx_packets_total{link=\"isp1\",interface=\"eth0\"} 7\n"
"uplinkd_link_tx_packets_total{link=\"isp2\",interface=\"ppp0\"} 0\n"
"# HELP uplinkd_link_rx_packets_total Packets received over the link.\n"
"# TYPE uplinkd_link_rx_packets_total counter\n"
"uplinkd_link_rx_packets_total{link=\"isp1\",interface=\"eth0\"} 8\n"
"uplinkd_link_rx_packets_total{link=\"isp2\",interface=\"ppp0\"} 0\n"
"# HELP uplinkd_link_connections Tracked connections marked with the "
"link.\n"
"# TYPE uplinkd_link_connections gauge\n"
"uplinkd_link_connections{link=\"isp1\"} 120\n"
"uplinkd_link_connections{link=\"isp2\"} 0\n"
"# HELP uplinkd_link_weight The link's weight for new connections "
"(weight = auto: the learned one).\n"
"# TYPE uplinkd_link_weight gauge\n"
"uplinkd_link_weight{link=\"isp1\"} 75\n"
"uplinkd_link_weight{link=\"isp2\"} 25\n"
"# HELP uplinkd_link_capacity_bps weight = auto: the link's learned "
"capacity, bits per second.\n"
"# TYPE uplinkd_link_capacity_bps gauge\n"
"uplinkd_link_capacity_bps{link=\"isp1\"} 29500000\n"
"# HELP uplinkd_link_state_changes_total Health state changes since "
"uplinkd started.\n"
"# TYPE uplinkd_link_state_changes_total counter\n"
"uplinkd_link_state_changes_total{link=\"isp1\"} 3\n"
"uplinkd_link_state_changes_total{link=\"isp2\"} 0\n"
"# HELP uplinkd_reconciles_total Reconciles of the kernel with the plan.\n"
"# TYPE uplinkd_reconciles_total counter\n"
"uplinkd_reconciles_total 42\n"
"# HELP uplinkd_reconcile_errors_total Reconciles that failed.\n"
"# TYPE uplinkd_reconcile_errors_total counter\n"
"uplinkd_reconcile_errors_total 1\n"
"# HELP uplinkd_reconcile_duration_seconds How long the last reconcile "
"took.\n"
"# TYPE uplinkd_reconcile_duration_seconds gauge\n"
"uplinkd_reconcile_duration_seconds 0.0015\n"
"# HELP uplinkd_netlink_resyncs_total Full netlink dumps after a lost "
"event (ENOBUFS).\n"
"# TYPE uplinkd_netlink_resyncs_total counter\n"
"uplinkd_netlink_resyncs_total 2\n"
"# HELP uplinkd_connections_counted_age_seconds Age of the full conntrack "
"count that the connection figures follow from (kept from events since).\n"
"# TYPE uplinkd_connections_counted_age_seconds gauge\n"
"uplinkd_connections_counted_age_seconds 12.5\n"
"# HELP uplinkd_connections_live Whether no conntrack event was lost since "
"that count.\n"
"# TYPE uplinkd_connections_live gauge\n"
"uplinkd_connections_live 1\n"
"# HELP uplinkd_conntrack_events_total Conntrack events applied to the "
"connection figures.\n"
"# TYPE uplinkd_conntrack_events_total counter\n"
"uplinkd_conntrack_events_total 250000\n"
"# HELP uplinkd_conntrack_flushes_total Flushes of a dead link's "
"connections.\n"
"# TYPE uplinkd_conntrack_flushes_total counter\n"
"uplinkd_conntrack_flushes_total 3\n"
"# HELP uplinkd_conntrack_flush_errors_total Flushes that failed (each is "
"retried).\n"
"# TYPE uplinkd_conntrack_flush_errors_total counter\n"
"uplinkd_conntrack_flush_errors_total 1\n";

static char *
render(const char *json, int *rc)
{
	json_t *j = json_loads(json, 0, NULL);
	char *buf = NULL;
	size_t len;
	FILE *f;

	assert_non_null(j);
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	*rc = metrics_write(j, f);
	fclose(f);
	json_decref(j);
	return buf;
}

/*
 * The rules of the text format that a scraper enforces: every sample's
 * family was announced by one HELP and one TYPE line, families do not
 * interleave, no series appears twice, each sample line is NAME[{...}]
 * VALUE with a valid name.
 */
static void
check_structure(const char *text)
{
	static char seen[64][128], series[512][512];
	char cur[128] = "";
	unsigned int nseen = 0, nseries = 0, i;
	const char *p = text, *nl;

	while (*p) {
		char line[512], name[128];
		size_t len, n;

		nl = strchr(p, '\n');
		assert_non_null(nl);	/* every line ends in '\n' */
		len = (size_t)(nl - p);
		assert_true(len < sizeof(line));
		memcpy(line, p, len);
		line[len] = '\0';
		p = nl + 1;
		if (strncmp(line, "# HELP ", 7) == 0 ||
		    strncmp(line, "# TYPE ", 7) == 0) {
			assert_int_equal(sscanf(line + 7, "%127s", name), 1);
			if (strcmp(name, cur) != 0) {
				for (i = 0; i < nseen; i++)
					if (strcmp(seen[i], name) == 0)
						fail_msg("family %s twice", name);
				assert_true(nseen < 64);
				strcpy(seen[nseen++], name);
				strcpy(cur, name);
				assert_true(strncmp(line, "# HELP ", 7) == 0);
			}
			continue;
		}
		n = strspn(line, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_:");
		assert_true(n > 0 && n < sizeof(name));
		memcpy(name, line, n);
		name[n] = '\0';
		if (strcmp(name, cur) != 0)
			fail_msg("sample %s outside its family (%s)", line,
			    cur);
		assert_true(line[n] == '{' || line[n] == ' ');
		/* the series: everything before the last space */
		assert_non_null(strrchr(line, ' '));
		*strrchr(line, ' ') = '\0';
		for (i = 0; i < nseries; i++)
			if (strcmp(series[i], line) == 0)
				fail_msg("series %s twice", line);
		assert_true(nseries < 512);
		snprintf(series[nseries++], sizeof(series[0]), "%s", line);
	}
}

/* promtool check metrics, when installed: 0 ok, 1 failed, -1 absent */
static int
promtool(const char *text)
{
	char cmd[] = "promtool check metrics > /dev/null 2>&1";
	FILE *p;
	int st;

	if (system("command -v promtool > /dev/null 2>&1") != 0)
		return -1;
	p = popen(cmd, "w");
	assert_non_null(p);
	fputs(text, p);
	st = pclose(p);
	return st == 0 ? 0 : 1;
}

static void
test_expected(void **state)
{
	int rc;
	char *s = render(status_json, &rc);

	assert_int_equal(rc, 0);
	if (strcmp(s, expected) != 0)
		fail_msg("got:\n%s", s);
	check_structure(s);
	free(s);
}

static void
test_promtool(void **state)
{
	int rc;
	char *s = render(status_json, &rc);

	rc = promtool(s);
	free(s);
	if (rc < 0)
		skip();
	assert_int_equal(rc, 0);
	/* and promtool does catch a broken exposition */
	assert_int_equal(promtool("# TYPE x counter\nx{a=\"b} 1\n"), 1);
}

static void
test_escaping(void **state)
{
	static const char json[] =
	    "{\"version\":\"a\\\"b\\\\c\\nd\",\"links\":[{\"name\":"
	    "\"we\\\"ird\\\\\\n\",\"interface\":\"e\\u00e9\",\"ipv4\":"
	    "{\"state\":\"up\",\"active\":true,\"rtt_ms\":1}}]}";
	int rc;
	char *s = render(json, &rc);

	assert_int_equal(rc, 0);
	assert_non_null(strstr(s, "uplinkd_info{version=\"a\\\"b\\\\c\\nd\"}"
	    " 1\n"));
	assert_non_null(strstr(s, "uplinkd_link_up{link=\"we\\\"ird\\\\\\n\","
	    "interface=\"e\xc3\xa9\",family=\"ipv4\"} 1\n"));
	check_structure(s);
	if (promtool(s) == 1)
		fail_msg("promtool refused:\n%s", s);
	free(s);
}

static void
test_bad_input(void **state)
{
	int rc;
	char *s;

	s = render("[]", &rc);
	assert_int_equal(rc, -EINVAL);
	free(s);
	s = render("{\"links\":{}}", &rc);
	assert_int_equal(rc, -EINVAL);
	free(s);
	/* wrong member types: figures left out, counters 0, still valid */
	s = render("{\"links\":[{\"name\":3,\"tx_bytes\":-5,\"ipv4\":{"
	    "\"rtt_ms\":\"x\",\"state\":7}}],\"reconciles\":\"x\"}", &rc);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(s, "uplinkd_link_tx_bytes_total{link=\"\","
	    "interface=\"\"} 0\n"));
	assert_null(strstr(s, "uplinkd_link_rtt_seconds{"));
	assert_null(strstr(s, "uplinkd_reconciles_total"));
	check_structure(s);
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_expected),
		cmocka_unit_test(test_promtool),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_bad_input),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
