/* SPDX-License-Identifier: ISC */
/*
 * For the fuzz targets that read a stream of netlink messages (rtmsg,
 * netlink_stream): the input copied to a buffer of its exact size, so that
 * ASan catches any read past its end (a socket buffer would be larger),
 * then walked as mnl_cb_run() walks a socket buffer, except that libmnl
 * 1.0.4's mnl_nlmsg_ok() lets nlmsg_len >= 2^31 through: the kernel never
 * sends that, a fuzzer does.
 */
#ifndef UPLINKD_FUZZ_NLSTREAM_H
#define UPLINKD_FUZZ_NLSTREAM_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>

#define NLSTREAM_MAX	65536	/* bytes; longer inputs are skipped */

/* fn(nlh, arg) for each message of data. 0, or -1 (input too long, or no
 * memory) with fn not called. */
static inline int
nlstream_each(const uint8_t *data, size_t size,
    void (*fn)(const struct nlmsghdr *, void *), void *arg)
{
	const struct nlmsghdr *nlh;
	void *buf;
	int len;

	if (size > NLSTREAM_MAX)
		return -1;
	if (!(buf = malloc(size ? size : 1)))
		return -1;
	memcpy(buf, data, size);
	len = (int)size;
	for (nlh = buf; mnl_nlmsg_ok(nlh, len) && nlh->nlmsg_len <= size;
	    nlh = mnl_nlmsg_next(nlh, &len))
		fn(nlh, arg);
	free(buf);
	return 0;
}

#endif
