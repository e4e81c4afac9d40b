/* SPDX-License-Identifier: ISC */
/*
 * fwapply hands fw_render's text to libnftables as one transaction (the
 * kernel commits all of it or none). Each call uses a context of its own,
 * so no nft cache outlives a call. Reading the table back is fwread.c's.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <nftables/libnftables.h>

#include "fwapply.h"
#include "log.h"

/* Run cmd (dry: checked, not committed). 0, -EINVAL (nft refused: its
 * message is logged) or -ENOMEM. */
static int
run(const char *cmd, bool dry)
{
	struct nft_ctx *ctx;
	const char *msg;
	int r = 0;

	if ((ctx = nft_ctx_new(NFT_CTX_DEFAULT)) == NULL)
		return -ENOMEM;
	if (nft_ctx_buffer_error(ctx) != 0 ||
	    nft_ctx_buffer_output(ctx) != 0) {
		nft_ctx_free(ctx);
		return -ENOMEM;
	}
	if (dry)
		nft_ctx_set_dry_run(ctx, true);
	if (nft_run_cmd_from_buffer(ctx, cmd) != 0) {
		msg = nft_ctx_get_error_buffer(ctx);
		log_warnx("nft: %s", msg ? msg : "failed");
		r = -EINVAL;
	}
	nft_ctx_free(ctx);
	return r;
}

int
fwapply_load(const char *text)
{
	return run(text, false);
}

int
fwapply_check(const char *text)
{
	return run(text, true);
}

int
fwapply_remove(void)
{
	char *text = fw_render_delete();
	int r;

	if (text == NULL)
		return -ENOMEM;
	r = fwapply_load(text);
	free(text);
	return r;
}
