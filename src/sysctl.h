/* SPDX-License-Identifier: ISC */
/*
 * The plan's sysctls (plan.c says which) brought to the running system:
 * the pure decision of which to write, and a thin writer under /proc/sys.
 */
#ifndef UPLINKD_SYSCTL_H
#define UPLINKD_SYSCTL_H

#include <stdbool.h>
#include <stddef.h>

#include "plan.h"

/*
 * Does a sysctl need writing? read_rc and cur are what sysctl_read gave:
 * an unreadable value is written (and the write says why it fails). Pure.
 */
bool sysctl_needs_write(int read_rc, const char *cur, const char *want);

/* The value of /proc/sys/path, without its trailing newline. 0 or
 * -errno. */
int sysctl_read(const char *path, char *buf, size_t len);

/* Write value to /proc/sys/path. 0 or -errno. */
int sysctl_write(const char *path, const char *value);

/* Write each of the n sysctls whose running value differs, logging each
 * change. 0, or -EIO when a write failed (the others are still done). */
int sysctl_apply(const struct plan_sysctl *s, unsigned int n);

#endif
