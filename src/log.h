/* SPDX-License-Identifier: ISC */
/*
 * Logging in the style of OpenNTPD's log.h: log_warn appends strerror(errno)
 * and keeps errno; log_warnx does not. Lines go to stderr with a syslog
 * priority prefix ("<4>") so journald keeps the level; no timestamps.
 */
#ifndef UPLINKD_LOG_H
#define UPLINKD_LOG_H

#include <stdarg.h>
#include <stddef.h>

#define LOG_FMT(a, b) __attribute__((format(printf, a, b)))

void log_init(int verbose, int prefix_priority);
int log_verbose(void);
void log_warn(const char *fmt, ...) LOG_FMT(1, 2);
void log_warnx(const char *fmt, ...) LOG_FMT(1, 2);
void log_info(const char *fmt, ...) LOG_FMT(1, 2);
void log_debug(const char *fmt, ...) LOG_FMT(1, 2);
/*
 * Copy len bytes of untrusted text (a hook's output, a client's request)
 * to out for a log line: control characters (0x00-0x1f, 0x7f) become \xHH
 * and a backslash \\, so nothing read can forge a line or drive a
 * terminal; other bytes (UTF-8) pass. Stops before an escape that would
 * not fit; out (size > 0) is always terminated. Returns the length
 * written. Pure: no I/O.
 */
size_t log_escape(const char *in, size_t len, char *out, size_t size);
void fatal(const char *fmt, ...) LOG_FMT(1, 2) __attribute__((noreturn));
void fatalx(const char *fmt, ...) LOG_FMT(1, 2) __attribute__((noreturn));

#endif
