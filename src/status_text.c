/* SPDX-License-Identifier: ISC */
/*
 * The status JSON (status.c) as text for people: `uplinkctl status`,
 * `status LINK` and `watch`. It reads only the JSON, tolerating missing
 * members, so an uplinkctl of another version still prints what it can.
 * Pure: no clock; durations are measured to the snapshot's "now".
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "status.h"

/* ---- human formats ---- */

const char *
status_fmt_duration(uint64_t s, char *buf)
{
	if (s < 60)
		snprintf(buf, STATUS_FMT_MAX, "%" PRIu64 "s", s);
	else if (s < 3600)
		snprintf(buf, STATUS_FMT_MAX, "%" PRIu64 "m%02" PRIu64 "s",
		    s / 60, s % 60);
	else if (s < 86400)
		snprintf(buf, STATUS_FMT_MAX, "%" PRIu64 "h%02" PRIu64 "m",
		    s / 3600, s / 60 % 60);
	else
		snprintf(buf, STATUS_FMT_MAX, "%" PRIu64 "d%02" PRIu64 "h",
		    s / 86400, s / 3600 % 24);
	return buf;
}

const char *
status_fmt_bytes(double b, char *buf)
{
	static const char *const units[] = { "kB", "MB", "GB", "TB", "PB",
	    "EB" };
	unsigned int u = 0;

	if (!(b >= 0))
		b = 0;
	if (b < 1000) {
		snprintf(buf, STATUS_FMT_MAX, "%.0f B", b);
		return buf;
	}
	b /= 1000;
	while (b >= 999.95 && u + 1 < sizeof(units) / sizeof(units[0])) {
		b /= 1000;
		u++;
	}
	snprintf(buf, STATUS_FMT_MAX, b < 99.95 ? "%.1f %s" : "%.0f %s", b,
	    units[u]);
	return buf;
}

const char *
status_fmt_ms(double ms, char *buf)
{
	if (ms < 0 || isnan(ms))
		snprintf(buf, STATUS_FMT_MAX, "-");
	else if (ms < 1)
		snprintf(buf, STATUS_FMT_MAX, "%.2fms", ms);
	else if (ms < 99.95)
		snprintf(buf, STATUS_FMT_MAX, "%.1fms", ms);
	else
		snprintf(buf, STATUS_FMT_MAX, "%.0fms", ms);
	return buf;
}

static const char *
fmt_pct(json_t *v, char *buf)
{
	if (!json_is_number(v))
		snprintf(buf, STATUS_FMT_MAX, "-");
	else
		snprintf(buf, STATUS_FMT_MAX, "%.1f%%", json_number_value(v));
	return buf;
}

static const char *
fmt_rate(json_t *v, char *buf)
{
	size_t n;

	if (!json_is_number(v)) {
		snprintf(buf, STATUS_FMT_MAX, "-");
		return buf;
	}
	status_fmt_bytes(json_number_value(v), buf);
	n = strlen(buf);
	snprintf(buf + n, STATUS_FMT_MAX - n, "/s");
	return buf;
}

static const char *
fmt_time(json_t *v, char *buf)
{
	time_t t;
	struct tm tm;

	if (!json_is_integer(v) || json_integer_value(v) <= 0) {
		snprintf(buf, STATUS_FMT_MAX, "-");
		return buf;
	}
	t = (time_t)json_integer_value(v);
	if (!localtime_r(&t, &tm) ||
	    strftime(buf, STATUS_FMT_MAX, "%Y-%m-%d %H:%M:%S", &tm) == 0)
		snprintf(buf, STATUS_FMT_MAX, "%lld", (long long)t);
	return buf;
}

static const char *
str(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : "-";
}

/* A string that may be null or absent: "" then. */
static const char *
opt_str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

static uint64_t
getu(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_integer(v) && json_integer_value(v) > 0 ?
	    (uint64_t)json_integer_value(v) : 0;
}

/* "up 3m12s": a state and for how long, measured to now */
static const char *
fmt_state(json_t *o, uint64_t now, char *buf, size_t size)
{
	uint64_t since = getu(o, "since");
	char d[STATUS_FMT_MAX];

	const char *cause = opt_str(o, "down_cause");
	size_t n;

	if (since == 0 || now < since)
		n = snprintf(buf, size, "%s", str(o, "state"));
	else
		n = snprintf(buf, size, "%s %s", str(o, "state"),
		    status_fmt_duration(now - since, d));
	/* why it is down (a drained link says so in its state already) */
	if (*cause && strcmp(cause, "drain") != 0 && n < size)
		snprintf(buf + n, size - n, " (%s)", cause);
	return buf;
}

static const char *
state_color(const char *state, bool color)
{
	if (!color)
		return NULL;
	if (strcmp(state, "up") == 0)
		return "\033[32m";
	if (strcmp(state, "degraded") == 0 || strcmp(state, "drained") == 0)
		return "\033[33m";
	if (strcmp(state, "down") == 0)
		return "\033[31m";
	return NULL;
}

/* ---- a table whose columns fit their widest cell ---- */

#define CELL_MAX 64
#define COLS_MAX 16

struct table {
	unsigned int ncols, nrows, cap;
	char (*cells)[COLS_MAX][CELL_MAX];
	const char *(*colors)[COLS_MAX];
	bool right[COLS_MAX];		/* right-aligned (numbers) */
};

/* Start a row; returns its index or -1 when out of memory. */
static int
table_row(struct table *t)
{
	if (t->nrows == t->cap) {
		unsigned int cap = t->cap ? t->cap * 2 : 8;
		void *c = realloc(t->cells, cap * sizeof(*t->cells));

		if (!c)
			return -1;
		t->cells = c;
		if (!(c = realloc(t->colors, cap * sizeof(*t->colors))))
			return -1;
		t->colors = c;
		t->cap = cap;
	}
	memset(t->cells[t->nrows], 0, sizeof(*t->cells));
	memset(t->colors[t->nrows], 0, sizeof(*t->colors));
	return (int)t->nrows++;
}

static void
table_set(struct table *t, int row, unsigned int col, const char *text,
    const char *color)
{
	if (row < 0 || col >= COLS_MAX)
		return;
	snprintf(t->cells[row][col], CELL_MAX, "%s", text);
	t->colors[row][col] = color;
	if (col >= t->ncols)
		t->ncols = col + 1;
}

static void
table_print(struct table *t, FILE *f, const char *indent, bool color)
{
	size_t width[COLS_MAX] = { 0 }, n;
	unsigned int r, c;

	for (r = 0; r < t->nrows; r++)
		for (c = 0; c < t->ncols; c++)
			if ((n = strlen(t->cells[r][c])) > width[c])
				width[c] = n;
	for (r = 0; r < t->nrows; r++) {
		fputs(indent, f);
		if (r == 0 && color)
			fputs("\033[1m", f);
		for (c = 0; c < t->ncols; c++) {
			const char *cell = t->cells[r][c];
			const char *col = t->colors[r][c];
			int pad = (int)(width[c] - strlen(cell));
			bool last = c + 1 == t->ncols;

			if (t->right[c])
				fprintf(f, "%*s", pad, "");
			if (col)
				fputs(col, f);
			fputs(cell, f);
			if (col)
				fputs("\033[0m", f);
			if (!t->right[c] && !last)
				fprintf(f, "%*s", pad, "");
			if (!last)
				fputs("  ", f);
		}
		if (r == 0 && color)
			fputs("\033[0m", f);
		fputc('\n', f);
	}
	free(t->cells);
	free(t->colors);
	memset(t, 0, sizeof(*t));
}

/* ---- status text ---- */

enum link_col {
	COL_NAME, COL_IFACE, COL_STATE, COL_ACTIVE, COL_WEIGHT, COL_RTT,
	COL_JITTER, COL_LOSS, COL_SHARE, COL_TX_RATE, COL_RX_RATE,
	COL_CONNS, COL_TX, COL_RX, COL_COUNT,
};

static const char *const link_heads[COL_COUNT] = {
	"LINK", "IFACE", "STATE", "ACTIVE", "W/TIER", "RTT", "JITTER",
	"LOSS", "SHARE", "TX/s", "RX/s", "CONNS", "TX", "RX",
};

static void
print_links(json_t *links, uint64_t now, FILE *f, bool color)
{
	struct table t = { 0 };
	char buf[CELL_MAX], a[STATUS_FMT_MAX];
	json_t *l;
	size_t i;
	int r;

	r = table_row(&t);
	for (i = 0; i < COL_COUNT; i++)
		table_set(&t, r, i, link_heads[i], NULL);
	for (i = COL_RTT; i < COL_COUNT; i++)
		t.right[i] = true;
	json_array_foreach(links, i, l) {
		const char *state = str(l, "state");
		bool drained = json_is_true(json_object_get(l, "drained"));
		bool active = json_is_true(json_object_get(l, "active"));
		json_t *v;

		if ((r = table_row(&t)) < 0)
			break;
		table_set(&t, r, COL_NAME, str(l, "name"), NULL);
		table_set(&t, r, COL_IFACE, str(l, "interface"), NULL);
		table_set(&t, r, COL_STATE, fmt_state(l, now, buf,
		    sizeof(buf)), state_color(state, color));
		table_set(&t, r, COL_ACTIVE, drained ? "drained" :
		    active ? "yes" : "no",
		    drained ? state_color("drained", color) : NULL);
		snprintf(buf, sizeof(buf), "%s%" PRIu64 "/%" PRIu64,
		    json_is_true(json_object_get(l, "weight_auto")) ? "auto:" :
		    "", getu(l, "weight"), getu(l, "tier"));
		table_set(&t, r, COL_WEIGHT, buf, NULL);
		v = json_object_get(l, "rtt_ms");
		table_set(&t, r, COL_RTT, status_fmt_ms(json_is_number(v) ?
		    json_number_value(v) : -1, a), NULL);
		v = json_object_get(l, "jitter_ms");
		table_set(&t, r, COL_JITTER, status_fmt_ms(json_is_number(v) ?
		    json_number_value(v) : -1, a), NULL);
		table_set(&t, r, COL_LOSS, fmt_pct(json_object_get(l,
		    "loss_pct"), a), NULL);
		v = json_object_get(l, "share_pct");
		if (json_is_number(v))
			snprintf(a, sizeof(a), "%.0f%%", json_number_value(v));
		else
			snprintf(a, sizeof(a), "-");
		table_set(&t, r, COL_SHARE, a, NULL);
		table_set(&t, r, COL_TX_RATE, fmt_rate(json_object_get(l,
		    "tx_bytes_per_s"), a), NULL);
		table_set(&t, r, COL_RX_RATE, fmt_rate(json_object_get(l,
		    "rx_bytes_per_s"), a), NULL);
		snprintf(a, sizeof(a), "%" PRIu64, getu(l, "connections"));
		table_set(&t, r, COL_CONNS, a, NULL);
		table_set(&t, r, COL_TX, status_fmt_bytes((double)getu(l,
		    "tx_bytes"), a), NULL);
		table_set(&t, r, COL_RX, status_fmt_bytes((double)getu(l,
		    "rx_bytes"), a), NULL);
	}
	table_print(&t, f, "", color);
}

static void
join_names(json_t *arr, char *buf, size_t size)
{
	size_t i, n = 0;
	json_t *v;

	buf[0] = '\0';
	json_array_foreach(arr, i, v) {
		if (!json_is_string(v) || n >= size)
			continue;
		n += snprintf(buf + n, size - n, "%s%s", n ? "," : "",
		    json_string_value(v));
	}
	if (buf[0] == '\0')
		snprintf(buf, size, "-");
}

static void
print_policies(json_t *policies, FILE *f, bool color)
{
	struct table t = { 0 };
	char buf[CELL_MAX];
	json_t *p;
	size_t i;
	int r;

	if (json_array_size(policies) == 0)
		return;
	r = table_row(&t);
	table_set(&t, r, 0, "POLICY", NULL);
	table_set(&t, r, 1, "BALANCE", NULL);
	table_set(&t, r, 2, "STICKY", NULL);
	table_set(&t, r, 3, "USING", NULL);
	json_array_foreach(policies, i, p) {
		if ((r = table_row(&t)) < 0)
			break;
		table_set(&t, r, 0, str(p, "name"), NULL);
		table_set(&t, r, 1, str(p, "balance"), NULL);
		if (getu(p, "sticky_s"))
			snprintf(buf, sizeof(buf), "%" PRIu64 "s",
			    getu(p, "sticky_s"));
		else
			snprintf(buf, sizeof(buf), "-");
		table_set(&t, r, 2, buf, NULL);
		join_names(json_object_get(p, "links"), buf, sizeof(buf));
		table_set(&t, r, 3, buf, NULL);
	}
	fputc('\n', f);
	table_print(&t, f, "", color);
}

#define STATUS_TEXT_EVENTS 5

void
status_print_text(json_t *st, FILE *f, bool color)
{
	json_t *links = json_object_get(st, "links");
	json_t *events = json_object_get(st, "events");
	json_t *failopen = json_object_get(st, "failopen");
	uint64_t now = getu(st, "now"), started = getu(st, "started");
	size_t i, n, nactive = 0;
	char d[STATUS_FMT_MAX], ms[STATUS_FMT_MAX];
	json_t *v;

	json_array_foreach(links, i, v)
		if (json_is_true(json_object_get(v, "active")))
			nactive++;
	v = json_object_get(st, "last_reconcile_ms");
	fprintf(f, "uplinkd %s: %zu links, %zu active; running %s; "
	    "%" PRIu64 " reconciles (%" PRIu64 " errors, last %s)\n",
	    str(st, "version"), json_array_size(links), nactive,
	    started && now >= started ? status_fmt_duration(now - started, d) :
	    "-", getu(st, "reconciles"), getu(st, "reconcile_errors"),
	    status_fmt_ms(json_is_number(v) ? json_number_value(v) : -1, ms));
	if (json_is_true(json_object_get(failopen, "ipv4")) ||
	    json_is_true(json_object_get(failopen, "ipv6")))
		fprintf(f, "%sFAIL-OPEN%s: no link is healthy; using every "
		    "link with carrier\n", color ? "\033[31m" : "",
		    color ? "\033[0m" : "");
	if (json_is_object(v = json_object_get(st, "ha")) &&
	    strcmp(str(v, "role"), "none") != 0)
		fprintf(f, "ha: %s\n", str(v, "role"));
	fputc('\n', f);
	print_links(links, now, f, color);
	print_policies(json_object_get(st, "policies"), f, color);
	n = json_array_size(events);
	if (n == 0)
		return;
	fprintf(f, "\nRECENT CHANGES\n");
	for (i = n > STATUS_TEXT_EVENTS ? n - STATUS_TEXT_EVENTS : 0; i < n;
	    i++) {
		fputs("  ", f);
		status_print_event(json_array_get(events, i), f);
	}
}

static void
print_family(json_t *fam, const char *name, uint64_t now, FILE *f)
{
	struct table t = { 0 };
	char buf[CELL_MAX], a[STATUS_FMT_MAX], b[STATUS_FMT_MAX];
	json_t *tg, *v, *w;
	size_t i;
	int r;

	if (!json_is_object(fam))
		return;
	v = json_object_get(fam, "mptcp");
	fprintf(f, "  %s: %s%s, address %s, gateway %s%s%s\n", name,
	    fmt_state(fam, now, buf, sizeof(buf)),
	    json_is_true(json_object_get(fam, "active")) ? ", active" : "",
	    str(fam, "address"), str(fam, "gateway"), json_is_object(v) ?
	    ", mptcp endpoint" : "", json_is_true(json_object_get(v,
	    "backup")) ? " (backup)" : "");
	v = json_object_get(fam, "rtt_ms");
	w = json_object_get(fam, "jitter_ms");
	fprintf(f, "    rtt %s, jitter %s, loss %s\n",
	    status_fmt_ms(json_is_number(v) ? json_number_value(v) : -1, a),
	    status_fmt_ms(json_is_number(w) ? json_number_value(w) : -1, b),
	    fmt_pct(json_object_get(fam, "loss_pct"), buf));
	v = json_object_get(fam, "probes");
	if (json_is_object(v))
		fprintf(f, "    probes: %llu sent, %llu replies, %llu ignored, "
		    "%llu malformed, %llu forged\n",
		    (unsigned long long)getu(v, "sent"),
		    (unsigned long long)getu(v, "replies"),
		    (unsigned long long)getu(v, "ignored"),
		    (unsigned long long)getu(v, "malformed"),
		    (unsigned long long)getu(v, "forged"));
	if (json_array_size(json_object_get(fam, "targets")) == 0)
		return;
	r = table_row(&t);
	table_set(&t, r, 0, "TARGET", NULL);
	table_set(&t, r, 1, "ANSWERING", NULL);
	table_set(&t, r, 2, "RTT", NULL);
	table_set(&t, r, 3, "JITTER", NULL);
	table_set(&t, r, 4, "LOSS", NULL);
	t.right[2] = t.right[3] = t.right[4] = true;
	json_array_foreach(json_object_get(fam, "targets"), i, tg) {
		if ((r = table_row(&t)) < 0)
			break;
		table_set(&t, r, 0, str(tg, "address"), NULL);
		table_set(&t, r, 1, json_is_true(json_object_get(tg,
		    "answering")) ? "yes" : "no", NULL);
		v = json_object_get(tg, "rtt_ms");
		table_set(&t, r, 2, status_fmt_ms(json_is_number(v) ?
		    json_number_value(v) : -1, a), NULL);
		v = json_object_get(tg, "jitter_ms");
		table_set(&t, r, 3, status_fmt_ms(json_is_number(v) ?
		    json_number_value(v) : -1, a), NULL);
		table_set(&t, r, 4, fmt_pct(json_object_get(tg, "loss_pct"),
		    a), NULL);
	}
	table_print(&t, f, "    ", false);
}

/* "  resolvers: A, B (always over this link)" */
static void
print_dns(json_t *dns, FILE *f)
{
	size_t i;
	json_t *v;

	if (!json_is_array(dns) || json_array_size(dns) == 0)
		return;
	json_array_foreach(dns, i, v)
		fprintf(f, "%s%s", i ? ", " : "  resolvers: ",
		    json_is_string(v) ? json_string_value(v) : "?");
	fputs(" (always over this link)\n", f);
}

int
status_print_link(json_t *st, const char *name, FILE *f)
{
	uint64_t now = getu(st, "now");
	char buf[CELL_MAX], a[STATUS_FMT_MAX], b[STATUS_FMT_MAX];
	json_t *l = NULL, *v;
	size_t i;

	json_array_foreach(json_object_get(st, "links"), i, v)
		if (strcmp(str(v, "name"), name) == 0) {
			l = v;
			break;
		}
	if (!l)
		return -ENOENT;
	fprintf(f, "link %s (%s): %s, %s, weight %" PRIu64 ", tier %"
	    PRIu64 ", mark 0x%" PRIx64 ", table %" PRIu64 "%s\n",
	    str(l, "name"), str(l, "interface"),
	    fmt_state(l, now, buf, sizeof(buf)),
	    json_is_true(json_object_get(l, "active")) ? "active" :
	    "not active",
	    getu(l, "weight"), getu(l, "tier"), getu(l, "mark"),
	    getu(l, "table"),
	    json_is_true(json_object_get(l, "drained")) ? ", drained" : "");
	if (!json_is_true(json_object_get(l, "carrier")))
		fprintf(f, "  no carrier\n");
	print_family(json_object_get(l, "ipv4"), "ipv4", now, f);
	print_family(json_object_get(l, "ipv6"), "ipv6", now, f);
	print_dns(json_object_get(l, "dns"), f);
	fprintf(f, "  traffic: tx %s", status_fmt_bytes((double)getu(l,
	    "tx_bytes"), a));
	fprintf(f, " (%" PRIu64 " packets), rx %s (%" PRIu64 " packets)\n",
	    getu(l, "tx_packets"), status_fmt_bytes((double)getu(l,
	    "rx_bytes"), b), getu(l, "rx_packets"));
	v = json_object_get(l, "share_pct");
	fprintf(f, "  last 10 s: tx %s, ", fmt_rate(json_object_get(l,
	    "tx_bytes_per_s"), a));
	fprintf(f, "rx %s, share %.0f%%\n", fmt_rate(json_object_get(l,
	    "rx_bytes_per_s"), b), json_is_number(v) ? json_number_value(v) :
	    0.0);
	fprintf(f, "  connections %" PRIu64 ", state changes %" PRIu64 "\n",
	    getu(l, "connections"), getu(l, "state_changes"));
	if (json_is_true(json_object_get(l, "weight_auto"))) {
		v = json_object_get(l, "capacity_bps");
		if (json_is_integer(v))
			fprintf(f, "  weight auto: capacity %.1f Mbit/s%s\n",
			    json_integer_value(v) / 1e6, json_is_true(
			    json_object_get(l, "saturated")) ?
			    ", saturated" : "");
		else
			fprintf(f, "  weight auto: capacity not measured yet\n");
	}
	return 0;
}

void
status_print_event(json_t *ev, FILE *f)
{
	char t[STATUS_FMT_MAX];
	const char *reason = str(ev, "reason");

	if (json_object_get(ev, "ha_role")) {
		fprintf(f, "%s ha %s -> %s\n", fmt_time(json_object_get(ev,
		    "time"), t), str(ev, "previous"), str(ev, "ha_role"));
		return;
	}
	const char *cause = opt_str(ev, "cause");

	fprintf(f, "%s %s %s %s -> %s%s%s%s%s%s\n", fmt_time(
	    json_object_get(ev, "time"), t), str(ev, "link"),
	    str(ev, "family"), str(ev, "from"), str(ev, "to"),
	    *cause ? " (" : "", cause, *cause ? ")" : "",
	    *reason && strcmp(reason, "-") ? ": " : "",
	    strcmp(reason, "-") ? reason : "");
}

void
status_print_rates(json_t *rates, FILE *f)
{
	char t[STATUS_FMT_MAX], a[STATUS_FMT_MAX], b[STATUS_FMT_MAX];
	json_t *l, *v;
	size_t i;

	fprintf(f, "%s rates", fmt_time(json_object_get(rates, "time"), t));
	json_array_foreach(json_object_get(rates, "links"), i, l) {
		v = json_object_get(l, "share_pct");
		fprintf(f, "%s %s tx %s", i ? "," : "", str(l, "name"),
		    fmt_rate(json_object_get(l, "tx_bytes_per_s"), a));
		fprintf(f, " rx %s (%.0f%%)", fmt_rate(json_object_get(l,
		    "rx_bytes_per_s"), b), json_is_number(v) ?
		    json_number_value(v) : 0.0);
		v = json_object_get(l, "capacity_bps");
		if (json_is_integer(v))
			fprintf(f, " weight %" PRIu64 " capacity %.1f Mbit/s",
			    getu(l, "weight"), json_integer_value(v) / 1e6);
	}
	fputc('\n', f);
}
