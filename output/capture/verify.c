// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* verify.c - --verify: a capture's hash chain, block by block, file by file.
 *
 * Replay already refuses a block that breaks the chain; this walks the
 * whole capture without decoding, so the answer is about the file, not
 * about what a decoder made of it. Captures concatenated in one file (the
 * flight recorder's windows) and the files of a rotation are chained to
 * each other through the header's previous link: a window or file taken
 * out breaks it too.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>

#include "output/capture/capture.h"
#include "output/capture/verify.h"

struct vstate {
	uint8_t last[CAP_HASH_LEN]; /* the previous capture's final link */
	bool have_last;
	uint32_t captures, blocks, files;
	struct capture_info first; /* copied scalars; strings are not kept */
	char boot[64], krel[65], host[65], tool[32];
};

static const uint8_t zero[CAP_HASH_LEN];

/* A header must continue the capture before it, if it says it does. */
static const char *check_header(struct vstate *v, const struct capture_info *in, bool first_in_file)
{
	if (in->version < 2)
		return "format version 1: no hash chain to verify (written by an older tracer)";
	if (!memcmp(in->prev_chain, zero, CAP_HASH_LEN))
		return NULL; /* starts a chain */
	if (!v->have_last)
		return NULL; /* the files before it were not given */
	if (memcmp(in->prev_chain, v->last, CAP_HASH_LEN))
		return first_in_file ? "does not continue the file before it (a file of the set is "
				       "missing, replaced or out of order)"
				     : "does not continue the capture before it (a window was removed "
				       "or reordered)";
	return NULL;
}

static void keep_first(struct vstate *v, const struct capture_info *in)
{
	if (v->captures)
		return;
	snprintf(v->boot, sizeof(v->boot), "%s", in->boot_id);
	snprintf(v->krel, sizeof(v->krel), "%s", in->kernel_release);
	snprintf(v->host, sizeof(v->host), "%s", in->host_name);
	snprintf(v->tool, sizeof(v->tool), "%s", in->tool_version);
	memcpy(v->first.policy_hash, in->policy_hash, sizeof(v->first.policy_hash));
}

/* One file; 0, or 1 after printing where it broke. */
static int verify_file(struct vstate *v, const char *name, FILE *err)
{
	char msg[256];
	struct capture_reader *r = capture_open(name, msg, sizeof(msg));
	struct capture_item it;
	const char *bad = NULL;
	bool first = true;
	int rc;

	if (!r) {
		fprintf(err, "tracer: %s: %s\n", name, msg);
		return 1;
	}
	while ((rc = capture_next(r, &it)) > 0) {
		if (it.kind == CAP_HEADER) {
			bad = check_header(v, it.info, first);
			if (bad)
				break;
			keep_first(v, it.info);
			v->captures++;
			first = false;
		}
		memcpy(v->last, capture_chain(r), CAP_HASH_LEN);
		v->have_last = true;
	}
	if (bad || rc < 0) {
		fprintf(err, "tracer: %s: block %u%s: %s\n", name, capture_blocks(r) + 1,
			bad ? " (a header)" : "", bad ? bad : capture_error(r));
		capture_close(r);
		return 1;
	}
	v->blocks += capture_blocks(r);
	v->files++;
	capture_close(r);
	return 0;
}

static bool exists(const char *name)
{
	struct stat sb;

	return !stat(name, &sb);
}

/* The rotation's later files (-C without -W: FILE1, FILE2...); a gap
 * with files after it is a file missing from the set. */
static int verify_set(struct vstate *v, const char *path, FILE *err)
{
	char name[4096], next[4096];
	uint32_t k;

	for (k = 1; k < 1000000; k++) {
		if (capture_file_name(name, sizeof(name), path, k, 0))
			return 0;
		if (!exists(name)) {
			if (!capture_file_name(next, sizeof(next), path, k + 1, 0) && exists(next)) {
				fprintf(err, "tracer: %s: missing from the set (%s exists)\n", name,
					next);
				return 1;
			}
			return 0;
		}
		if (verify_file(v, name, err))
			return 1;
	}
	return 0;
}

int capture_verify(const char *path, FILE *out, FILE *err)
{
	struct vstate v = {0};
	char hash[2 * CAP_HASH_LEN + 1];

	if (verify_file(&v, path, err))
		return 1;
	if (strcmp(path, "-") && verify_set(&v, path, err))
		return 1;
	snprintf(hash, sizeof(hash), "%s", v.first.policy_hash);
	if (strspn(hash, "0") == strlen(hash))
		snprintf(hash, sizeof(hash), "none");
	fprintf(out,
		"%s: intact: %u file%s, %u capture%s, %u blocks chained by SHA-256; host %s, "
		"kernel %s, boot %s, tracer %s, policies %s\n",
		path, v.files, v.files == 1 ? "" : "s", v.captures, v.captures == 1 ? "" : "s",
		v.blocks, v.host, v.krel, *v.boot ? v.boot : "?", v.tool, hash);
	return 0;
}
