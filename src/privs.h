/* SPDX-License-Identifier: ISC */
/*
 * Least privilege: once the daemon has set itself up (config read, sockets
 * open, first reconcile done), privs_drop() leaves it only what its loop
 * needs, CAP_NET_ADMIN (netlink changes, nftables, conntrack, SO_MARK,
 * SO_RCVBUFFORCE, /proc/sys/net writes) and CAP_NET_RAW (ICMP probe
 * sockets opened anew on a reload or an address change, SO_BINDTODEVICE),
 * in its effective, permitted and bounding sets, and sets no_new_privs.
 *
 * What stays and why:
 * - The uid stays 0. /proc/sys/net/ files are writable by root's uid
 *   (and by any holder of CAP_NET_ADMIN in the netns' user namespace), so
 *   the sysctls need no CAP_DAC_OVERRIDE; the configuration (reread on
 *   SIGHUP), the hooks directory, the control socket's directory and the
 *   cgroup tree are root's, so owner permissions reach them. Files owned
 *   by other users are no longer readable or writable unless their mode
 *   says so: a configuration owned by another user with mode 0600 cannot
 *   be reloaded (it would be refused for safety anyway).
 * - No CAP_CHOWN: the control socket, made before the drop, gets its
 *   socket-group then (the shipped unit grants CAP_CHOWN, and CAP_SETPCAP
 *   to drop it from the bounding set, for that setup only); a reload that
 *   changes socket or socket-group is refused (dstatus.c).
 * - Hooks are fork+exec'd as uid 0; the kernel gives a root execve the
 *   bounding set, so a hook runs with CAP_NET_ADMIN and CAP_NET_RAW and
 *   nothing more. With no_new_privs a setuid program in a hook (sudo, su)
 *   gains nothing. A hook that needs more (mounting, module loading,
 *   writing files of other users) cannot have it: hand that work to a
 *   service the hook asks (systemctl start ... over D-Bus, which systemd
 *   authorises) rather than running uplinkd with more privileges.
 * - The uid 0 that stays still owns most of the file system: dropping
 *   capabilities limits what a compromised daemon can do beyond root's own
 *   files (no module loading, no ptrace, no mount, no reading other users'
 *   files), it is not a separate user.
 */
#ifndef UPLINKD_PRIVS_H
#define UPLINKD_PRIVS_H

/*
 * Keep only CAP_NET_ADMIN and CAP_NET_RAW (effective, permitted; the
 * bounding set is reduced to them; inheritable and ambient are cleared)
 * and set PR_SET_NO_NEW_PRIVS. A capability the process did not have is
 * not asked for (it may run under systemd's CapabilityBoundingSet=).
 * Checks the result with capget. Returns 0, or -errno (-EPERM when the
 * bounding set cannot be reduced for lack of CAP_SETPCAP); on failure the
 * process may have dropped part of its privileges and should exit.
 * Call once, before the event loop, not from a callback.
 */
int privs_drop(void);

/* The capabilities privs_drop keeps, as a bit mask (1ULL << CAP_x). */
unsigned long long privs_kept(void);

#endif
