/* SPDX-License-Identifier: ISC */
/*
 * Loading uplinkd.conf into struct conf: the top of the loader. libConfuse
 * reads the syntax; every value is then converted to its parsed type and
 * checked (conf_sect.c, conf_addrs.c, with the helpers of conf.c), and all
 * errors are reported, each as "FILE:LINE: message". libConfuse keeps no
 * line per option, so a validate callback notes the line of each value
 * while it is parsed; and libConfuse 3.3 miscounts lines after comments, so
 * comments are blanked out before it sees the text. Not reentrant: the
 * libConfuse lexer is global state anyway.
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


/* libConfuse callbacks carry no user pointer: the load in progress. */
static struct loadctx *loading;

static int note_line(cfg_t *, cfg_opt_t *);

#define OPT(n) { .name = (n), .type = CFGT_STR, .flags = CFGF_NODEFAULT, \
	.validcb = note_line }
#define OPT_LIST(n) { .name = (n), .type = CFGT_STR, \
	.flags = CFGF_NODEFAULT | CFGF_LIST, .validcb = note_line }
/* Its default is parsed when the section starts, at the section's line. */
#define OPT_SECLINE { .name = SECLINE, .type = CFGT_STR, .flags = CFGF_LIST, \
	.def = { .parsed = (char *)"{x}" }, .validcb = note_line }
#define SEC_NAMED (CFGF_MULTI | CFGF_TITLE | CFGF_NO_TITLE_DUPES)

static cfg_opt_t probe_opts[] = {
	OPT_LIST("targets"), OPT("rate"), OPT("timeout"), OPT("down-after"),
	OPT("up-after"), OPT("reliability"), OPT("window"),
	OPT("latency-degraded"), OPT("latency-down"), OPT("loss-degraded"),
	OPT("loss-down"), OPT("hold-max"), OPT("size"), OPT("passive-hold"),
	OPT("fast-down"), OPT_SECLINE, CFG_END()
};
static cfg_opt_t link_opts[] = {
	OPT("interface"), OPT_LIST("gateway"), OPT("gateway6"), OPT("weight"),
	OPT("bandwidth"),
	OPT("tier"), OPT("family"), OPT("nat6"), OPT("npt-prefix"),
	OPT_LIST("dns"), OPT_LIST("address"),
	CFG_SEC("probe", probe_opts, CFGF_MULTI), OPT_SECLINE, CFG_END()
};
static cfg_opt_t lan_opts[] = {
	OPT("interface"), OPT("masquerade"), OPT_SECLINE, CFG_END()
};
static cfg_opt_t policy_opts[] = {
	OPT_LIST("links"), OPT("balance"), OPT("sticky"), OPT_SECLINE,
	CFG_END()
};
static cfg_opt_t rule_opts[] = {
	OPT_LIST("src"), OPT_LIST("dst"), OPT("proto"), OPT_LIST("sport"),
	OPT_LIST("dport"), OPT("iif"), OPT("policy"), OPT_SECLINE, CFG_END()
};
static cfg_opt_t top_opts[] = {
	OPT("table-base"), OPT("rule-priority-base"), OPT("nexthop-id-base"),
	OPT("fwmark-mask"), OPT("route-protocol"), OPT("balance"),
	OPT("manage-sysctl"), OPT("mptcp"), OPT("hooks-dir"), OPT("hook-timeout"),
	OPT("socket"), OPT("socket-group"), OPT("metrics-listen"),
	OPT_LIST("local-source"), OPT_LIST("own-source"), OPT("ha-track-file"),
	CFG_SEC("probe", probe_opts, CFGF_MULTI),
	CFG_SEC("link", link_opts, SEC_NAMED),
	CFG_SEC("lan", lan_opts, SEC_NAMED),
	CFG_SEC("policy", policy_opts, SEC_NAMED),
	CFG_SEC("rule", rule_opts, CFGF_MULTI),
	CFG_END()
};


/* libConfuse's own errors: syntax, unknown options, duplicate titles. */
static void
confuse_err(cfg_t *cfg, const char *fmt, va_list ap)
{
	conf_verr(loading, cfg ? cfg->line : 1, false, fmt, ap);
}

static int
msg_cmp(const void *a, const void *b)
{
	const struct confmsg *m = a, *n = b;

	if (m->line != n->line)
		return m->line < n->line ? -1 : 1;
	return m->seq < n->seq ? -1 : m->seq > n->seq;
}

static void
flush_errors(struct loadctx *x)
{
	size_t i;

	if (x->nmsgs)
		qsort(x->msgs, x->nmsgs, sizeof(*x->msgs), msg_cmp);
	for (i = 0; i < x->nmsgs; i++) {
		if (!x->msgs[i].warn || x->nerrors == 0)
			fprintf(x->errf, "%s:%d: %s\n", x->name,
			    x->msgs[i].line, x->msgs[i].text);
		free(x->msgs[i].text);
	}
	if (x->nomem && x->errf)
		fprintf(x->errf, "%s: out of memory\n", x->name);
	free(x->msgs);
}

/* Validate callback of every option: note where its value was given. */
static int
note_line(cfg_t *sec, cfg_opt_t *opt)
{
	struct loadctx *x = loading;
	const cfg_value_t *val;
	struct lineref *r;
	unsigned int idx;

	if (!x || opt->nvalues == 0)
		return 0;
	idx = opt->nvalues - 1;
	val = opt->values[idx];
	if ((opt->flags & CFGF_LIST) && val == x->prev_val &&
	    opt == x->prev_opt && !x->prev_skipped) {
		x->prev_skipped = true;
		return 0;
	}
	x->prev_opt = opt;
	x->prev_val = val;
	x->prev_skipped = false;
	if ((r = conf_ref_find(x, sec, opt->name, idx)) != NULL) {
		if (strcmp(opt->name, SECLINE))
			r->line = sec->line;
		return 0;
	}
	if (x->nrefs == x->arefs) {
		size_t n = x->arefs ? x->arefs * 2 : 64;
		struct lineref *p = reallocarray(x->refs, n, sizeof(*p));
		if (!p) {
			x->nomem = true;
			return -1;
		}
		x->refs = p;
		x->arefs = n;
	}
	x->refs[x->nrefs++] = (struct lineref){ sec, opt->name, idx,
	    sec->line };
	return 0;
}

static int
conf_build(struct loadctx *x, cfg_t *cfg, struct conf *c)
{
	unsigned int i, n;
	int rc;

	c->table_base = 1000;
	c->rule_priority_base = 1000;
	c->nexthop_id_base = 1000000;
	c->fwmark_mask = 0x00ff0000;
	c->route_protocol = 250;
	c->balance = BALANCE_ROUND_ROBIN;
	c->manage_sysctl = true;
	c->local_source_auto = true;
	addr_parse(CONF_OWN_SOURCE4, &c->own_source4);
	addr_parse(CONF_OWN_SOURCE6, &c->own_source6);
	c->hook_timeout_ms = 10000;
	if ((c->socket_path = strdup(CONF_DEFAULT_SOCKET)) == NULL)
		return -ENOMEM;
	if ((rc = conf_globals_load(x, c, cfg)) < 0)
		return rc;
	conf_probe_defaults(&c->probe);
	if (cfg_size(cfg, "probe") > 1)
		conf_err(x, conf_sec_line(x, cfg_getnsec(cfg, "probe", 1)),
		    "probe: section given twice");
	if (cfg_size(cfg, "probe") > 0)
		conf_probe_load(x, cfg_getnsec(cfg, "probe", 0), "", &c->probe,
		    true, true);

	n = cfg_size(cfg, "link");
	if (n == 0)
		conf_err(x, 1, "no link section");
	if (n > CONF_MAX_LINKS) {
		conf_err(x,
		    conf_sec_line(x, cfg_getnsec(cfg, "link", CONF_MAX_LINKS)),
		    "more than %d links", CONF_MAX_LINKS);
		n = CONF_MAX_LINKS;
	}
	if (n && (c->links = calloc(n, sizeof(*c->links))) == NULL)
		return -ENOMEM;
	for (c->nlinks = 0; c->nlinks < n; c->nlinks++)
		conf_link_load(x, c, cfg_getnsec(cfg, "link", c->nlinks),
		    &c->links[c->nlinks]);

	n = cfg_size(cfg, "lan");
	if (n && (c->lans = calloc(n, sizeof(*c->lans))) == NULL)
		return -ENOMEM;
	for (c->nlans = 0; c->nlans < n; c->nlans++)
		conf_lan_load(x, c, cfg_getnsec(cfg, "lan", c->nlans),
		    &c->lans[c->nlans]);
	conf_nat6_check(x, c);
	conf_weight_check(x, c);

	n = cfg_size(cfg, "policy");
	if (n && (c->policies = calloc(n, sizeof(*c->policies))) == NULL)
		return -ENOMEM;
	for (i = 0; i < n; i++, c->npolicies++)
		if ((rc = conf_policy_load(x, c, cfg_getnsec(cfg, "policy", i),
		    &c->policies[i])) < 0)
			return rc;

	n = cfg_size(cfg, "rule");
	if (n && (c->rules = calloc(n, sizeof(*c->rules))) == NULL)
		return -ENOMEM;
	for (i = 0; i < n; i++, c->nrules++)
		if ((rc = conf_rule_load(x, c, cfg_getnsec(cfg, "rule", i),
		    &c->rules[i])) < 0)
			return rc;
	return 0;
}

/*
 * Blank out comments (#, //, / * * /) outside quoted strings, keeping
 * newlines, so that libConfuse 3.3 counts lines right. *unclosed is set to
 * the line of a '{' never closed (libConfuse takes EOF for '}'), else 0.
 */
static char *
strip_comments(const char *buf, int *unclosed)
{
	int line = 1, depth = 0, open_line[32];
	char *t, *p, *end, quote = 0;

	*unclosed = 0;
	if ((t = strdup(buf)) == NULL)
		return NULL;
	for (p = t; *p; p++) {
		if (*p == '\n')
			line++;
		if (quote) {
			if (*p == '\\' && p[1] && p[1] != '\n')
				p++;
			else if (*p == quote)
				quote = 0;
		} else if (*p == '"' || *p == '\'') {
			quote = *p;
		} else if (*p == '{') {
			if (depth >= 0 && depth < (int)NELEM(open_line))
				open_line[depth] = line;
			depth++;
		} else if (*p == '}') {
			depth--;
		} else if (*p == '#' || (p[0] == '/' && p[1] == '/')) {
			for (; p[1] && p[1] != '\n'; p++)
				*p = ' ';
			*p = ' ';
		} else if (p[0] == '/' && p[1] == '*' &&
		    (end = strstr(p + 2, "*/")) != NULL) {
			for (; p < end + 1; p++) {
				if (*p == '\n')
					line++;
				else
					*p = ' ';
			}
			*p = ' ';
		}
	}
	if (depth > 0)
		*unclosed = open_line[depth <= (int)NELEM(open_line) ?
		    depth - 1 : (int)NELEM(open_line) - 1];
	return t;
}

static int
parse(struct loadctx *x, const char *buf, struct conf **cp)
{
	struct conf *c;
	cfg_t *cfg;
	char *text;
	int rc, unclosed;

	if ((text = strip_comments(buf, &unclosed)) == NULL)
		return -ENOMEM;
	if (unclosed) {
		conf_err(x, unclosed, "this '{' is never closed");
		free(text);
		return -EINVAL;
	}
	loading = x;
	if ((cfg = cfg_init(top_opts, CFGF_NONE)) == NULL) {
		loading = NULL;
		free(text);
		return -ENOMEM;
	}
	cfg_set_error_function(cfg, confuse_err);
	rc = cfg_parse_buf(cfg, text);
	loading = NULL;
	if (x->nomem)
		rc = -ENOMEM;
	else if (rc != CFG_SUCCESS)
		rc = -EINVAL;
	else if ((*cp = c = calloc(1, sizeof(*c))) == NULL)
		rc = -ENOMEM;
	else if ((c->path = strdup(x->name)) == NULL)
		rc = -ENOMEM;
	else
		rc = conf_build(x, cfg, c);
	cfg_free(cfg);
	free(text);
	return rc;
}

struct conf *
conf_load_buf(const char *name, const char *buf, FILE *errf)
{
	struct loadctx x = { .name = name, .errf = errf };
	struct conf *c = NULL;
	int rc;

	rc = parse(&x, buf, &c);
	if (rc == -ENOMEM || x.nomem) {
		x.nomem = true;
		rc = -ENOMEM;
	} else if (rc == 0 && x.nerrors) {
		rc = -EINVAL;
	} else if (rc < 0 && x.nerrors == 0) {
		conf_err(&x, 1, "cannot parse");
	}
	flush_errors(&x);
	free(x.refs);
	if (rc < 0) {
		conf_free(c);
		errno = -rc;
		return NULL;
	}
	conf_assign_ids(c, NULL);
	return c;
}

struct conf *
conf_load(const char *path, FILE *errf)
{
	struct conf *c = NULL;
	char *buf = NULL;
	size_t len = 0;
	FILE *f, *m;
	int e;

	if ((f = fopen(path, "r")) == NULL)
		goto fail;
	if ((m = open_memstream(&buf, &len)) == NULL) {
		fclose(f);
		goto fail;
	}
	for (;;) {
		char chunk[4096];
		size_t n = fread(chunk, 1, sizeof(chunk), f);
		if (n == 0 || fwrite(chunk, 1, n, m) != n)
			break;
	}
	e = ferror(f) ? errno : 0;
	fclose(f);
	if (fclose(m) != 0 || e) {
		errno = e ? e : errno;
		free(buf);
		goto fail;
	}
	if (strlen(buf) != len) {
		if (errf)
			fprintf(errf, "%s: contains a NUL byte\n", path);
		free(buf);
		errno = EINVAL;
		return NULL;
	}
	c = conf_load_buf(path, buf, errf);
	e = errno;
	free(buf);
	errno = e;
	return c;
fail:
	e = errno;
	if (errf)
		fprintf(errf, "%s: %s\n", path, strerror(e));
	errno = e;
	return NULL;
}

