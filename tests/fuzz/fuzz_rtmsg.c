/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target for the rtnetlink parsers: the input is a stream of
 * netlink messages, as read from a socket, and every message goes through
 * every rtmsg_parse_* (each must return 0, 1 or -EINVAL and never read
 * past nlmsg_len). Seeds: tests/unit/rtmsg_seeds/.
 *   clang -g -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -Isrc \
 *     tests/fuzz/fuzz_rtmsg.c src/rtmsg.c src/addr.c src/kobj.c -lmnl
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>

#include "rtmsg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(int ret)
{
	if (ret != 0 && ret != 1 && ret != -EINVAL)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct nlmsghdr *nlh;
	struct klink l;
	struct kaddr a;
	struct kroute r;
	struct krule ru;
	static struct knh n;
	void *buf;
	int len;

	if (size > 65536)
		return 0;
	/* a socket buffer is aligned; an exact-size copy lets ASan catch
	 * any read past the end */
	buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	len = (int)size;
	/* as mnl_cb_run() walks a socket buffer, except that libmnl
	 * 1.0.4's mnl_nlmsg_ok() lets nlmsg_len >= 2^31 through: the kernel
	 * never sends that, a fuzzer does */
	for (nlh = buf; mnl_nlmsg_ok(nlh, len) && nlh->nlmsg_len <= size;
	    nlh = mnl_nlmsg_next(nlh, &len)) {
		check(rtmsg_parse_link(nlh, &l));
		check(rtmsg_parse_addr(nlh, &a));
		check(rtmsg_parse_route(nlh, &r));
		check(rtmsg_parse_rule(nlh, &ru));
		check(rtmsg_parse_nh(nlh, &n));
	}
	free(buf);
	return 0;
}
