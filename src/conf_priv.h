/* SPDX-License-Identifier: ISC */
/*
 * Private to the config loader (conf.c, conf_addrs.c, conf_sect.c,
 * conf_load.c, from the bottom up): the state of one load
 * and the helpers that read a libConfuse value into a typed field, reporting
 * any error as "FILE:LINE: message" and counting it. Not for other modules.
 */
#ifndef UPLINKD_CONF_PRIV_H
#define UPLINKD_CONF_PRIV_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <confuse.h>

#include "conf.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define SECLINE		"@line"		/* hidden option: a section's line */

/* The line of one value of one option of one section. */
struct lineref {
	const cfg_t *sec;
	const char *opt;
	unsigned int idx;
	int line;
};

struct confmsg {
	int line;
	size_t seq;		/* sorts messages of one line stably */
	char *text;
	bool warn;		/* a warning: printed only if no error */
};

struct loadctx {
	const char *name;	/* what errors call the file */
	FILE *errf;
	unsigned int nerrors;
	bool nomem;
	struct confmsg *msgs;	/* kept to print sorted by line */
	size_t nmsgs, amsgs;
	struct lineref *refs;
	size_t nrefs, arefs;
	const cfg_opt_t *prev_opt;	/* last value noted, to skip the */
	const cfg_value_t *prev_val;	/* repeat call at a list's '}' */
	bool prev_skipped;
};

void conf_err(struct loadctx *x, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A message that does not fail the load: "FILE:LINE: warning: ..." */
void conf_warn(struct loadctx *x, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* conf_err (warn false) or conf_warn (true) with a va_list. */
void conf_verr(struct loadctx *x, int line, bool warn, const char *fmt,
    va_list ap) __attribute__((format(printf, 4, 0)));
/* Where value idx of opt in sec was given, if it was noted. */
struct lineref *conf_ref_find(const struct loadctx *x, const cfg_t *sec,
    const char *opt, unsigned int idx);
/* The line of value idx of opt in sec, else of the option, else of sec. */
int conf_line(const struct loadctx *x, const cfg_t *sec, const char *opt,
    unsigned int idx);
int conf_sec_line(const struct loadctx *x, const cfg_t *sec);
/* The value of a single option, or NULL when it is not given. */
const char *conf_get(cfg_t *sec, const char *opt);
int conf_num_parse(const char *s, uint64_t *v);	/* decimal or 0x hex */
bool conf_addr_zero(const struct addr *a);	/* all bits 0 */

/*
 * Each returns true and sets *v when opt is given and valid; false when it
 * is not given (*v untouched) or invalid (error reported). pfx starts the
 * message: "" or "link wan: ". A plain duration number is in unit_ms.
 */
bool conf_opt_num(struct loadctx *x, cfg_t *sec, const char *pfx,
    const char *opt, uint64_t min, uint64_t max, uint64_t *v);
bool conf_opt_dur(struct loadctx *x, cfg_t *sec, const char *pfx,
    const char *opt, uint64_t unit_ms, uint64_t min_ms, uint64_t *ms);
bool conf_opt_bool(struct loadctx *x, cfg_t *sec, const char *pfx,
    const char *opt, bool *b);
bool conf_opt_enum(struct loadctx *x, cfg_t *sec, const char *pfx,
    const char *opt, const char *const *names, size_t n, int *v);

/* conf_sect.c: one loader per kind of section. Those returning int fail
 * only with -ENOMEM; validation errors go through conf_err. */
int conf_globals_load(struct loadctx *x, struct conf *c, cfg_t *cfg);
/* The balance modes' names, by enum conf_balance (conf_globals.c). */
#define CONF_NBALANCE	3
extern const char *const conf_balance_names[CONF_NBALANCE];
void conf_probe_defaults(struct conf_probe *p);
void conf_probe_load(struct loadctx *x, cfg_t *sec, const char *pfx,
    struct conf_probe *p, bool ipv4, bool ipv6);
void conf_link_load(struct loadctx *x, struct conf *c, cfg_t *sec,
    struct conf_link *l);
void conf_lan_load(struct loadctx *x, const struct conf *c, cfg_t *sec,
    struct conf_lan *n);
int conf_policy_load(struct loadctx *x, struct conf *c, cfg_t *sec,
    struct conf_policy *p);
/* conf_addrs.c */
void conf_sources(struct loadctx *x, struct conf *c, cfg_t *cfg);
void conf_link_address(struct loadctx *x, cfg_t *sec, const char *pfx,
    struct conf_link *l);
void conf_link_dns(struct loadctx *x, const struct conf *c, cfg_t *sec,
    const char *pfx, struct conf_link *l);
void conf_nat6_check(struct loadctx *x, const struct conf *c);
/* conf_sect.c: weight = auto against numbered weights, bandwidth */
void conf_weight_check(struct loadctx *x, struct conf *c);
int conf_rule_load(struct loadctx *x, struct conf *c, cfg_t *sec,
    struct conf_rule *r);

#endif
