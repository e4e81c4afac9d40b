/* SPDX-License-Identifier: ISC */
/*
 * fwapply hands fw_render's text to libnftables as one transaction (the
 * kernel commits all of it or none) and reads table `inet uplinkd` back as
 * JSON (jansson) for the per-link counters and the names of its objects.
 * Each call uses a context of its own, so no nft cache outlives a call.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <nftables/libnftables.h>

#include "fwapply.h"
#include "log.h"

/* Run cmd; with out, *out gets a copy of nft's output (JSON with json).
 * 0, -EINVAL (nft refused: its message is logged, at debug when quiet) or
 * -ENOMEM. */
static int
run(const char *cmd, bool dry, bool json, char **out, bool quiet)
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
	if (json)
		nft_ctx_output_set_flags(ctx, NFT_CTX_OUTPUT_JSON);
	if (nft_run_cmd_from_buffer(ctx, cmd) != 0) {
		msg = nft_ctx_get_error_buffer(ctx);
		if (quiet)
			log_debug("nft: %s", msg ? msg : "failed");
		else
			log_warnx("nft: %s", msg ? msg : "failed");
		r = -EINVAL;
	} else if (out != NULL) {
		msg = nft_ctx_get_output_buffer(ctx);
		if ((*out = strdup(msg ? msg : "")) == NULL)
			r = -ENOMEM;
	}
	nft_ctx_free(ctx);
	return r;
}

int
fw_apply(const char *text)
{
	return run(text, false, false, NULL, false);
}

int
fw_check(const char *text)
{
	return run(text, true, false, NULL, false);
}

int
fw_remove(void)
{
	char *text = fw_render_delete();
	int r;

	if (text == NULL)
		return -ENOMEM;
	r = fw_apply(text);
	free(text);
	return r;
}

/* The "nftables" array of text, parsed; NULL with *err on error. */
static json_t *
parse(char *text, int *err)
{
	json_t *root, *arr;
	json_error_t jerr;

	root = json_loads(text, 0, &jerr);
	free(text);
	if (root == NULL) {
		log_warnx("nft: unreadable JSON: %s", jerr.text);
		*err = -EINVAL;
		return NULL;
	}
	arr = json_incref(json_object_get(root, "nftables"));
	json_decref(root);
	if (!json_is_array(arr)) {
		json_decref(arr);
		*err = -EINVAL;
		return NULL;
	}
	return arr;
}

/* Does table inet uplinkd exist? 1, 0 or -errno. */
static int
table_exists(void)
{
	json_t *arr, *v, *name;
	char *out;
	size_t i;
	int r, found = 0;

	if ((r = run("list tables inet", false, true, &out, false)) < 0)
		return r;
	if ((arr = parse(out, &r)) == NULL)
		return r;
	json_array_foreach(arr, i, v) {
		name = json_object_get(json_object_get(v, "table"), "name");
		if (json_is_string(name) &&
		    strcmp(json_string_value(name), FW_TABLE) == 0)
			found = 1;
	}
	json_decref(arr);
	return found;
}

/* The "nftables" array of cmd's JSON output about the table; NULL when the
 * table is missing (*err 0) or on error (*err -errno). */
static json_t *
list_json(const char *cmd, int *err)
{
	char *out;

	if ((*err = table_exists()) <= 0)
		return NULL;
	if ((*err = run(cmd, false, true, &out, false)) < 0)
		return NULL;
	return parse(out, err);
}

int
fw_read_counters(struct fw_counter *out, unsigned int n)
{
	char link[CONF_NAME_MAX];
	json_t *arr, *v, *c;
	size_t i;
	unsigned int k, nout = 0;
	bool tx;
	int err;

	arr = list_json("list counters table inet " FW_TABLE, &err);
	if (arr == NULL)
		return err;
	json_array_foreach(arr, i, v) {
		struct fw_counter *fc;
		json_t *name;

		c = json_object_get(v, "counter");
		name = json_object_get(c, "name");
		if (!json_is_string(name) || fw_counter_parse(
		    json_string_value(name), link, sizeof(link), &tx) < 0)
			continue;
		for (k = 0; k < nout; k++)
			if (strcmp(out[k].link, link) == 0)
				break;
		if (k == nout) {
			if (nout == n)
				continue;
			memset(&out[nout], 0, sizeof(out[nout]));
			strcpy(out[nout].link, link);
			nout++;
		}
		fc = &out[k];
		if (tx) {
			fc->tx_packets = json_integer_value(
			    json_object_get(c, "packets"));
			fc->tx_bytes = json_integer_value(
			    json_object_get(c, "bytes"));
		} else {
			fc->rx_packets = json_integer_value(
			    json_object_get(c, "packets"));
			fc->rx_bytes = json_integer_value(
			    json_object_get(c, "bytes"));
		}
	}
	json_decref(arr);
	return (int)nout;
}

int
fw_read_objects(struct fw_objs *out)
{
	static const struct {
		const char *key;
		enum fw_obj_type type;
	} kinds[] = {
		{ "chain", FW_OBJ_CHAIN },
		{ "counter", FW_OBJ_COUNTER },
		{ "set", FW_OBJ_SET },
	};
	json_t *arr, *v, *o, *name;
	struct fw_obj *nv;
	size_t i, k;
	int err;

	out->v = NULL;
	out->n = 0;
	arr = list_json("list table inet " FW_TABLE, &err);
	if (arr == NULL)
		return err;
	json_array_foreach(arr, i, v) {
		for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
			o = json_object_get(v, kinds[k].key);
			name = json_object_get(o, "name");
			if (!json_is_string(name) ||
			    strlen(json_string_value(name)) >= FW_NAME_MAX)
				continue;
			nv = reallocarray(out->v, out->n + 1, sizeof(*nv));
			if (nv == NULL) {
				json_decref(arr);
				fw_objs_free(out);
				return -ENOMEM;
			}
			out->v = nv;
			nv[out->n].type = kinds[k].type;
			strcpy(nv[out->n].name, json_string_value(name));
			out->n++;
		}
	}
	json_decref(arr);
	return 0;
}
