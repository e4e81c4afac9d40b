/* SPDX-License-Identifier: ISC */
/*
 * Dropping privileges after setup: prctl(2) for the bounding and ambient
 * sets and no_new_privs, capset(2) for the rest, each call checked, and
 * capget(2) afterwards to see that the kernel did what was asked. Raw
 * system calls rather than libcap-ng: four calls do not need a library.
 * See privs.h for what is kept and why.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>

#include "log.h"
#include "privs.h"

#define KEEP	((1ULL << CAP_NET_ADMIN) | (1ULL << CAP_NET_RAW))

unsigned long long
privs_kept(void)
{
	return KEEP;
}

static int
caps_get(unsigned long long *eff, unsigned long long *prm,
    unsigned long long *inh)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];

	memset(d, 0, sizeof(d));
	if (syscall(SYS_capget, &h, d) < 0)
		return -errno;
	*eff = d[0].effective | (unsigned long long)d[1].effective << 32;
	*prm = d[0].permitted | (unsigned long long)d[1].permitted << 32;
	*inh = d[0].inheritable | (unsigned long long)d[1].inheritable << 32;
	return 0;
}

static int
caps_set(unsigned long long eff, unsigned long long prm,
    unsigned long long inh)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];

	d[0].effective = (uint32_t)eff;
	d[1].effective = (uint32_t)(eff >> 32);
	d[0].permitted = (uint32_t)prm;
	d[1].permitted = (uint32_t)(prm >> 32);
	d[0].inheritable = (uint32_t)inh;
	d[1].inheritable = (uint32_t)(inh >> 32);
	if (syscall(SYS_capset, &h, d) < 0)
		return -errno;
	return 0;
}

/* Remove every capability but KEEP from the bounding set. The kernel may
 * know more capabilities than our headers: go on until PR_CAPBSET_READ
 * says EINVAL. */
static int
drop_bounding(void)
{
	unsigned long cap;
	int in;

	for (cap = 0; cap < 64; cap++) {
		if (KEEP & (1ULL << cap))
			continue;
		in = prctl(PR_CAPBSET_READ, cap, 0, 0, 0);
		if (in < 0) {
			if (errno == EINVAL)
				break;		/* past the last capability */
			return -errno;
		}
		if (in == 0)
			continue;		/* already gone */
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0) {
			int rc = -errno;

			log_warn("privs: dropping capability %lu from the "
			    "bounding set", cap);
			return rc;
		}
	}
	return 0;
}

int
privs_drop(void)
{
	unsigned long long eff, prm, inh, want;
	int rc;

	if ((rc = caps_get(&eff, &prm, &inh)) < 0) {
		log_warnx("privs: capget: %s", strerror(-rc));
		return rc;
	}
	want = prm & KEEP;
	if (want != KEEP)
		log_warnx("privs: started without CAP_NET_ADMIN or "
		    "CAP_NET_RAW (permitted 0x%llx)", prm);

	/* the bounding set first: it needs CAP_SETPCAP, which capset
	 * removes next */
	if ((rc = drop_bounding()) < 0)
		return rc;
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 &&
	    errno != EINVAL) {	/* EINVAL: a kernel before 4.3 */
		rc = -errno;
		log_warn("privs: clearing the ambient set");
		return rc;
	}
	if ((rc = caps_set(want, want, 0)) < 0) {
		log_warnx("privs: capset: %s", strerror(-rc));
		return rc;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		rc = -errno;
		log_warn("privs: no_new_privs");
		return rc;
	}

	/* trust, but verify */
	if ((rc = caps_get(&eff, &prm, &inh)) < 0) {
		log_warnx("privs: capget: %s", strerror(-rc));
		return rc;
	}
	if (eff != want || prm != want || inh != 0 ||
	    prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1) {
		log_warnx("privs: still have effective 0x%llx permitted 0x%llx "
		    "inheritable 0x%llx", eff, prm, inh);
		return -EPERM;
	}
	log_info("privileges dropped: keeping CAP_NET_ADMIN and CAP_NET_RAW, "
	    "no_new_privs set");
	return 0;
}
