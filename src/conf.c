/* SPDX-License-Identifier: ISC */
/*
 * struct conf and the helpers of its loader: errors and warnings as
 * "FILE:LINE: message", the line of each value, and the readers of one
 * typed value (numbers, durations, booleans, enums). The load itself is
 * conf_load.c; the section readers conf_sect.c and conf_addrs.c;
 * conf_print is conf_print.c.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <confuse.h>

#include "conf.h"
#include "conf_priv.h"

#define DUR_MAX_MS	86400000ULL	/* durations are at most a day */


/* Keep a message; they are printed sorted by line when the load ends. */
void
conf_verr(struct loadctx *x, int line, bool warn, const char *fmt,
    va_list ap)
{
	struct confmsg *m;
	char *text, *w;

	if (!warn)
		x->nerrors++;
	if (!x->errf)
		return;
	if (x->nmsgs == x->amsgs) {
		size_t n = x->amsgs ? x->amsgs * 2 : 16;
		if ((m = reallocarray(x->msgs, n, sizeof(*m))) == NULL) {
			x->nomem = true;
			return;
		}
		x->msgs = m;
		x->amsgs = n;
	}
	if (vasprintf(&text, fmt, ap) < 0) {
		x->nomem = true;
		return;
	}
	if (warn) {
		if (asprintf(&w, "warning: %s", text) < 0) {
			free(text);
			x->nomem = true;
			return;
		}
		free(text);
		text = w;
	}
	x->msgs[x->nmsgs] = (struct confmsg){ line > 0 ? line : 1, x->nmsgs,
	    text, warn };
	x->nmsgs++;
}

void
conf_err(struct loadctx *x, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	conf_verr(x, line, false, fmt, ap);
	va_end(ap);
}

void
conf_warn(struct loadctx *x, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	conf_verr(x, line, true, fmt, ap);
	va_end(ap);
}

struct lineref *
conf_ref_find(const struct loadctx *x, const cfg_t *sec, const char *opt,
    unsigned int idx)
{
	size_t i;

	for (i = x->nrefs; i-- > 0;) {
		struct lineref *r = &x->refs[i];
		if (r->sec == sec && r->idx == idx && !strcmp(r->opt, opt))
			return r;
	}
	return NULL;
}

bool
conf_addr_zero(const struct addr *a)
{
	size_t i;

	for (i = 0; i < addr_len(a); i++)
		if (a->u.b[i])
			return false;
	return true;
}

/* The line of value idx of opt, else of the option, else of sec. */
int
conf_line(const struct loadctx *x, const cfg_t *sec, const char *opt,
    unsigned int idx)
{
	const struct lineref *r = conf_ref_find(x, sec, opt, idx);

	if (r)
		return r->line;
	if (idx)
		return conf_line(x, sec, opt, 0);
	if (strcmp(opt, SECLINE))
		return conf_line(x, sec, SECLINE, 0);
	return sec->line;
}

int
conf_sec_line(const struct loadctx *x, const cfg_t *sec)
{
	return conf_line(x, sec, SECLINE, 0);
}

/* The value of a single option, or NULL when it is not given. */
const char *
conf_get(cfg_t *sec, const char *opt)
{
	return cfg_size(sec, opt) ? cfg_getstr(sec, opt) : NULL;
}

int
conf_num_parse(const char *s, uint64_t *v)
{
	char *end;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	*v = strtoull(s, &end, s[0] == '0' && (s[1] == 'x' || s[1] == 'X') ?
	    16 : 10);
	if (errno || *end)
		return -EINVAL;
	return 0;
}

/* "800ms", "3s", "1m", "2h", or a plain number of unit_ms. */
static int
dur_parse(const char *s, uint64_t unit_ms, uint64_t *ms)
{
	static const struct { const char *sfx; uint64_t ms; } units[] = {
		{ "ms", 1 }, { "s", 1000 }, { "m", 60000 }, { "h", 3600000 },
	};
	uint64_t n, mult = 0;
	char *end;
	size_t i;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno)
		return -ERANGE;
	if (*end == '\0')
		mult = unit_ms;
	for (i = 0; i < NELEM(units) && !mult; i++)
		if (!strcmp(end, units[i].sfx))
			mult = units[i].ms;
	if (!mult)
		return -EINVAL;
	if (n > DUR_MAX_MS / mult)
		return -ERANGE;
	*ms = n * mult;
	return 0;
}

bool
conf_opt_num(struct loadctx *x, cfg_t *sec, const char *pfx, const char *opt,
    uint64_t min, uint64_t max, uint64_t *v)
{
	const char *s = conf_get(sec, opt);
	uint64_t n;

	if (!s)
		return false;
	if (conf_num_parse(s, &n) < 0) {
		conf_err(x, conf_line(x, sec, opt, 0),
		    "%s%s: '%s' is not a number", pfx, opt, s);
		return false;
	}
	if (n < min || n > max) {
		conf_err(x, conf_line(x, sec, opt, 0),
		    "%s%s: %s is out of range %llu..%llu", pfx, opt, s,
		    (unsigned long long)min, (unsigned long long)max);
		return false;
	}
	*v = n;
	return true;
}

bool
conf_opt_dur(struct loadctx *x, cfg_t *sec, const char *pfx, const char *opt,
    uint64_t unit_ms, uint64_t min_ms, uint64_t *ms)
{
	const char *s = conf_get(sec, opt);
	uint64_t n;
	int rc;

	if (!s)
		return false;
	if ((rc = dur_parse(s, unit_ms, &n)) < 0) {
		conf_err(x, conf_line(x, sec, opt, 0), rc == -ERANGE ?
		    "%s%s: '%s' is longer than 24h" :
		    "%s%s: '%s' is not a duration (like 800ms, 3s, 1m, 2h)",
		    pfx, opt, s);
		return false;
	}
	if (n < min_ms || n % unit_ms) {
		conf_err(x, conf_line(x, sec, opt, 0), "%s%s: '%s' must be %s",
		    pfx, opt, s, n % unit_ms ? "whole seconds" : "more than 0");
		return false;
	}
	*ms = n;
	return true;
}

bool
conf_opt_bool(struct loadctx *x, cfg_t *sec, const char *pfx, const char *opt,
    bool *b)
{
	static const char *const t[] = { "true", "yes", "on" };
	static const char *const f[] = { "false", "no", "off" };
	const char *s = conf_get(sec, opt);
	size_t i;

	if (!s)
		return false;
	for (i = 0; i < NELEM(t); i++) {
		if (!strcmp(s, t[i]) || !strcmp(s, f[i])) {
			*b = !strcmp(s, t[i]);
			return true;
		}
	}
	conf_err(x, conf_line(x, sec, opt, 0),
	    "%s%s: '%s' is not true or false", pfx, opt, s);
	return false;
}

bool
conf_opt_enum(struct loadctx *x, cfg_t *sec, const char *pfx, const char *opt,
    const char *const *names, size_t n, int *v)
{
	const char *s = conf_get(sec, opt);
	size_t i;

	if (!s)
		return false;
	for (i = 0; i < n; i++) {
		if (!strcmp(s, names[i])) {
			*v = i;
			return true;
		}
	}
	conf_err(x, conf_line(x, sec, opt, 0), "%s%s: unknown value '%s'", pfx,
	    opt, s);
	return false;
}

void
conf_free(struct conf *c)
{
	unsigned int i;

	if (!c)
		return;
	for (i = 0; i < c->npolicies; i++)
		free(c->policies[i].links);
	for (i = 0; i < c->nrules; i++) {
		free(c->rules[i].src);
		free(c->rules[i].dst);
		free(c->rules[i].sport);
		free(c->rules[i].dport);
	}
	free(c->links);
	free(c->lans);
	free(c->policies);
	free(c->rules);
	free(c->path);
	free(c->hooks_dir);
	free(c->ha_track_file);
	free(c->socket_path);
	free(c->socket_group);
	free(c->metrics_listen);
	free(c);
}

void
conf_assign_ids(struct conf *c, const struct conf *old)
{
	bool used[CONF_MAX_LINKS + 1] = { false };
	const struct conf_link *o;
	unsigned int i, id = 1;

	for (i = 0; i < c->nlinks; i++) {
		c->links[i].id = 0;
		o = old ? conf_link_by_name(old, c->links[i].name) : NULL;
		if (o && o->id >= 1 && o->id <= CONF_MAX_LINKS &&
		    !used[o->id]) {
			c->links[i].id = o->id;
			used[o->id] = true;
		}
	}
	for (i = 0; i < c->nlinks; i++) {
		if (c->links[i].id)
			continue;
		while (id <= CONF_MAX_LINKS && used[id])
			id++;
		if (id > CONF_MAX_LINKS)
			break;
		c->links[i].id = id;
		used[id] = true;
	}
}

const struct conf_link *
conf_link_by_name(const struct conf *c, const char *name)
{
	unsigned int i;

	for (i = 0; i < c->nlinks; i++)
		if (!strcmp(c->links[i].name, name))
			return &c->links[i];
	return NULL;
}

uint32_t
conf_link_mark(const struct conf *c, const struct conf_link *l)
{
	return (uint32_t)l->id << __builtin_ctz(c->fwmark_mask);
}

uint32_t
conf_link_table(const struct conf *c, const struct conf_link *l)
{
	return c->table_base + l->id;
}


bool
conf_name_ok(const char *s)
{
	size_t i, len = strlen(s);

	if (len == 0 || len >= CONF_NAME_MAX)
		return false;
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' &&
		    s[i] != '-')
			return false;
	return true;
}

int
conf_ifname_bad(const char *s)
{
	size_t i, len = strlen(s);

	if (len == 0 || len >= IFNAMSIZ || !strcmp(s, ".") || !strcmp(s, ".."))
		return -1;
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		/* the kernel: no '/', ':' or white space; nftables, which
		 * gets it quoted: no '"' or '\\'; neither: controls */
		if (ch <= ' ' || ch >= 0x7f || ch == '/' || ch == ':' ||
		    ch == '"' || ch == '\\')
			return ch;
	}
	return 0;
}
