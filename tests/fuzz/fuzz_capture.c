/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* fuzz_capture.c - libFuzzer target: any bytes through the replay entry
 * point (replay_file: reader, batches, cgroup lookahead, container
 * annotations, decoder, formatters or the HTML report), then the reader
 * again with the writer re-serialising what it accepted. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <zlib.h>

#include "output/capture/capture.h"
#include "output/events/container.h"
#include "output/capture/recording.h"
#include "output/events/decode.h"
#include "output/format.h"
#include "output/html.h"

#define FMT_HTML 3 /* the last byte picks compact, json, csv or --html */

static FILE *null_out;
static uint8_t *prefix; /* a valid header with a hook table, no blocks */
static size_t prefix_len;
static uint8_t *wrapped; /* prefix + one block of the input */

struct out {
	struct formatter fmt;
	struct html_report *html; /* --html: instead of the formatter */
};

static void sink(void *ctx, const struct tr_event *ev)
{
	struct out *o = ctx;

	if (o->html)
		html_event(o->html, ev, -1);
	else
		formatter_event(&o->fmt, ev);
}

static void on_capture(void *ctx, const struct capture_info *ci)
{
	html_capture(ctx, ci);
}

/* What -r does with a header: the decoder takes its context. */
static void take_header(struct decoder *d, const struct capture_info *in)
{
	snprintf(d->node_name, sizeof(d->node_name), "%s", in->node_name);
	d->boot_to_wall_ns = in->boot_to_wall_ns;
	memcpy(d->host.ns, in->host_ns, sizeof(d->host.ns));
	d->hooks = in->hooks;
	d->nhooks = in->nhooks;
}

/* The parsed header serialised again (to /dev/null): the writer must
 * take whatever the reader accepts. */
static struct capture_writer *rewrite(const struct capture_info *in)
{
	struct capture_opts o = {.path = "/dev/null"};
	char err[256];

	return capture_writer_open(&o, in, err, sizeof(err));
}

static void replay(struct capture_reader *r, struct decoder *d)
{
	struct capture_writer *w = NULL;
	struct capture_item it;

	while (capture_next(r, &it) > 0) {
		if (it.kind == CAP_HEADER) {
			take_header(d, it.info);
			if (d->on_capture)
				d->on_capture(d->capture_ctx, it.info);
			capture_writer_close(w, NULL, 0);
			w = rewrite(it.info);
		} else if (it.kind == CAP_EVENT || it.kind == CAP_SNAPSHOT) {
			decode_record(d, it.data, it.size);
			if (w)
				capture_write_event(w, it.data, it.size);
		} else if (w) {
			capture_write_annot(w, it.annot_type, it.id, it.data, it.size);
		}
	}
	capture_error(r);
	capture_writer_close(w, NULL, 0);
}

/* What -r does: the bytes as a file through replay_file(), with a small
 * batch (an over-read at its end is past the allocation) and a container
 * cache that takes the capture's annotations. */
static void run_replay(const uint8_t *data, size_t size, struct decoder *d)
{
	struct container_opts co = {.no_state = true};
	int fd = memfd_create("fuzz", MFD_CLOEXEC), stop = 0;
	char path[64], err[256];
	struct batch b;

	if (fd < 0 || write(fd, data, size) != (ssize_t)size || batch_init(&b, 1u << 16, 256)) {
		if (fd >= 0)
			close(fd);
		return;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	d->containers = container_cache_new(&co);
	replay_file(path, d, &b, &stop, err, sizeof(err));
	container_cache_free(d->containers);
	d->containers = NULL;
	batch_free(&b);
	close(fd);
}

static void run(const uint8_t *data, size_t size, int format)
{
	struct html_meta m = {.capture = "fuzz", .command = "fuzz"};
	struct out o = {0};
	struct decoder d;
	struct capture_reader *r;
	char err[128];
	FILE *f = size ? fmemopen((void *)data, size, "rb") : fopen("/dev/null", "rb");

	if (!f)
		return;
	r = capture_open_stream(f, err, sizeof(err));
	if (!r)
		return;
	if (formatter_init(&o.fmt, format == FMT_HTML ? OUT_JSON : format, null_out, &d.host) ||
	    decoder_init(&d, 256, sink, &o)) {
		capture_close(r);
		return;
	}
	if (format == FMT_HTML && (o.html = html_open("/dev/null", &d.host, err, sizeof(err)))) {
		d.on_capture = on_capture;
		d.capture_ctx = o.html;
	}
	run_replay(data, size, &d);
	replay(r, &d);
	html_close(o.html, &m, err, sizeof(err));
	capture_close(r);
	decoder_free(&d);
	formatter_free(&o.fmt);
}

static const char *const tags[] = {"t1", "t2"};
static const struct tr_hook_info hooks[] = {
    {.kind = TR_KPROBE,
     .policy_name = "p",
     .function_name = "__x64_sys_openat",
     .message = "m",
     .tags = tags,
     .ntags = 2,
     .nargs = 5,
     .arg_type = {"int", "string", "fd", "sock", "cred"},
     .arg_label = {"a", NULL, "c"},
     .has_ret = true,
     .ret_type = "int"},
    {.kind = TR_TRACEPOINT,
     .policy_name = "q",
     .subsys = "sock",
     .event = "inet_sock_set_state",
     .nargs = 3,
     .arg_type = {"char_buf", "path", "file"}},
    {.kind = TR_LSM,
     .policy_name = "r",
     .function_name = "file_open",
     .nargs = 1,
     .arg_type = {"file"}},
    {.kind = TR_UPROBE, .policy_name = "s", .subsys = "/bin/bash", .event = "readline"},
};

/* Writes an empty capture with the hook table; keeps it without its end
 * marker, to put fuzzed blocks behind. */
static void make_prefix(void)
{
	char file[] = "/tmp/fuzz_capture.XXXXXX";
	struct capture_info in = {.tool_version = "fuzz",
				  .node_name = "n",
				  .hooks = hooks,
				  .nhooks = 4,
				  .boot_to_wall_ns = 1};
	struct capture_opts o = {.path = file};
	char err[256];
	int fd = mkstemp(file);
	FILE *f;

	if (fd < 0)
		abort();
	close(fd);
	if (capture_writer_close(capture_writer_open(&o, &in, err, sizeof(err)), NULL, 0))
		abort();
	prefix = malloc(1 << 16);
	f = fopen(file, "rb");
	prefix_len = fread(prefix, 1, 1 << 16, f) - 16;
	fclose(f);
	unlink(file);
	wrapped = malloc(prefix_len + 16 + compressBound(CAP_BLOCK_MAX));
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

/* The input as the raw records of one good block: past the checksum, the
 * record framing, the decoder and the formatters see arbitrary bytes. */
static void run_as_block(const uint8_t *data, size_t size, int format)
{
	uint8_t *b = wrapped + prefix_len;
	uLongf comp = compressBound(CAP_BLOCK_MAX);

	if (!size || size > CAP_BLOCK_MAX || compress2(b + 16, &comp, data, size, 1) != Z_OK)
		return;
	memcpy(wrapped, prefix, prefix_len);
	put32(b, 0x314b4c42);
	put32(b + 4, comp);
	put32(b + 8, size);
	put32(b + 12, crc32(0, data, size));
	run(wrapped, prefix_len + 16 + comp, format);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int format = size ? data[size - 1] % 4 : OUT_JSON;

	if (!null_out) {
		null_out = fopen("/dev/null", "w");
		make_prefix();
	}
	run(data, size, format);
	run_as_block(data, size, format);
	return 0;
}
