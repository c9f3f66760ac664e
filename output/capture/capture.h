/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* capture.h - capture files: raw kernel records plus decoder context, zlib blocks.
 *
 * A capture is a header (format version, tool, host, kernel, host
 * namespaces, clock offset, policy texts, policy hook table) followed by
 * blocks of records, each block deflated on its own with the length and
 * CRC-32 of its raw bytes, then an end marker. Since version 2 every
 * block carries SHA-256(previous link, block header, compressed bytes),
 * the first link being the hash of the file's header: an edited, cut or
 * reordered block breaks the chain (tracer -r FILE --verify). A crash loses at most the
 * block being filled. Replaying the records through the same decoder
 * with the header's context prints what was printed live, byte for byte.
 *
 * Writer: per record one memcpy into the pending block; a block is
 * compressed and written (one write(2)) when it reaches CAP_BLOCK_TARGET,
 * on capture_tick() once flush_ms passed, and on capture_flush()/close.
 *
 * Reader: never trusts a length; on damage it has returned every good
 * record before it, then capture_next() fails with one message.
 */
#ifndef TRACER_OUTPUT_CAPTURE_H
#define TRACER_OUTPUT_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "output/events/event.h"

#define CAP_VERSION 2		     /* the format version this code writes */
#define CAP_VERSION_MIN 1	     /* the oldest it reads (1: no hash chain) */
#define CAP_HASH_LEN 32		     /* SHA-256 */
#define CAP_BLOCK_TARGET (64u << 10) /* raw bytes that make a block full */
#define CAP_RECORD_MAX (256u << 10)  /* largest record payload */
#define CAP_BLOCK_MAX (1u << 20)     /* largest raw block a reader accepts */
#define CAP_HEADER_MAX (16u << 20)   /* largest header a reader accepts */
#define CAP_HOOKS_MAX 65536	     /* policy hooks in a header */
#define CAP_POLICIES_MAX 4096	     /* policy texts in a header */

/* A policy text in force, kept verbatim (the YAML bytes). */
struct capture_blob {
	const char *name; /* its file name or preset name; never NULL */
	const void *data;
	size_t len;
};

/* The header: what the writer is given, and what the reader returns. */
struct capture_info {
	uint32_t version;	    /* reader: the file's format version */
	uint32_t file_index;	    /* reader: 0 for the first file, +1 per rotation */
	uint64_t file_start_ns;	    /* reader: wall clock when this file was begun */
	const char *tool_version;   /* TRACER_VERSION */
	const char *node_name;	    /* decoder.node_name: part of every exec_id */
	const char *host_name;	    /* uname nodename */
	const char *kernel_release; /* uname release */
	const char *kernel_version; /* uname version */
	const char *machine;	    /* uname machine */
	uint32_t host_ns[NS_COUNT]; /* decoder.host.ns */
	uint64_t start_ns;	    /* wall clock when the capture began */
	int64_t boot_to_wall_ns;    /* decoder.boot_to_wall_ns */
	const struct capture_blob *policies;
	int npolicies;
	const struct tr_hook_info *hooks; /* decoder.hooks, by hook_id */
	int nhooks;
	/* version 2: what makes a capture evidence */
	const char *boot_id;	    /* /proc/sys/kernel/random/boot_id; reader: "" if absent */
	char policy_hash[2 * CAP_HASH_LEN + 1]; /* reader: hex SHA-256 of the policies */
	uint8_t prev_chain[CAP_HASH_LEN]; /* reader: the last link of the capture before
					     (a rotation's previous file); zeros: none */
};

/* ---- writing -------------------------------------------------------- */

struct capture_writer;

/* Called after a rotated file's header is written, before any record of
 * the new file: write the state a reader of this file alone needs
 * (capture_write_snapshot() per known process, parents first;
 * capture_write_annot() per known container). Return 0, or -errno. */
typedef int (*capture_rotate_fn)(void *ctx, struct capture_writer *w);

struct capture_opts {
	const char *path;      /* "-": standard output */
	uint64_t rotate_bytes; /* -C: start a new file past this size; 0: never */
	uint32_t max_files;    /* -W: ring of this many files; 0: unbounded */
	uint32_t flush_ms;     /* capture_tick() flushes older data; 0: 1000 */
	int level;	       /* zlib level; 0: 1 (fast) */
	capture_rotate_fn on_rotate;
	void *rotate_ctx;
	const uint8_t *prev_chain; /* the chain this capture continues (flight-recorder
				      windows); NULL: starts one */
	bool append; /* add to the end of path, which this writer created before */
};

/* Creates the first file (mode 0600) and writes its header; info is
 * serialised at once (it need not outlive the call). NULL on failure with
 * the reason in err ("FILE: Permission denied"). */
struct capture_writer *capture_writer_open(const struct capture_opts *o,
					   const struct capture_info *info, char *err,
					   size_t errlen);
/* A raw kernel record (bpf/events.h), as the ring buffer handed it over.
 * Call it before decode_record() sees the record, so a rotation's
 * snapshot is of the state the record applies to. 0, or -errno. */
int capture_write_event(struct capture_writer *w, const void *data, size_t size);
/* A synthesised EV_SCAN record (capture_proc_to_scan()) at rotation. */
int capture_write_snapshot(struct capture_writer *w, const void *data, size_t size);
/* Opaque typed metadata (e.g. a container's, by container id). */
int capture_write_annot(struct capture_writer *w, uint8_t type, const char *id, const void *blob,
			size_t len);
/* Main loop: flushes the pending block if the last flush is flush_ms old. */
int capture_tick(struct capture_writer *w);
/* Raw bytes waiting for the next block. */
size_t capture_pending(const struct capture_writer *w);
/* Compresses and writes the pending block now (e.g. after the start-up scan). */
int capture_flush(struct capture_writer *w);
/* Flushes, writes the end marker, closes, frees. 0, or the first error
 * (-errno) with its message in err (err may be NULL). */
int capture_writer_close(struct capture_writer *w, char *err, size_t errlen);
/* The last link of the chain written so far (CAP_HASH_LEN bytes). */
const uint8_t *capture_writer_chain(const struct capture_writer *w);
/* The message of the last error ("FILE1: No space left on device"). */
const char *capture_writer_error(const struct capture_writer *w);
/* The name of file number idx of a rotation (tcpdump's rule): "FILE",
 * "FILE1", "FILE2"... without -W; FILE0..FILE<W-1>, zero-padded to the
 * digits of W-1, with -W. -1 when it does not fit cap. */
int capture_file_name(char *out, size_t cap, const char *base, uint32_t idx, uint32_t max_files);

/* Builds the EV_SCAN record that makes decode_record() re-create rec in a
 * process cache (for the rotation snapshot). Returns its size, or 0 when
 * cap is too small (2 * EVENT_PROC_MAX always suffices). */
size_t capture_proc_to_scan(const struct proc_rec *rec, void *buf, size_t cap);

/* ---- reading -------------------------------------------------------- */

struct capture_reader;

enum capture_kind {
	CAP_HEADER = 1, /* info: a file header (first, and per concatenated file) */
	CAP_EVENT,	/* data/size: a raw kernel record: decode_record() it */
	CAP_SNAPSHOT,	/* data/size: an EV_SCAN re-created at rotation: decode it */
	CAP_ANNOT,	/* annot_type, id/id_len, data/size: metadata */
};

/* One item; its pointers stay valid until the next capture_next() (info
 * and its strings and hooks: until the CAP_HEADER after the next one, or
 * capture_close(), so a batch pending at a new header can still be decoded
 * against the hooks of the file it came from). */
struct capture_item {
	enum capture_kind kind;
	const struct capture_info *info;
	const void *data; /* 8-byte aligned */
	size_t size;
	uint8_t annot_type;
	const char *id; /* NUL-terminated */
	size_t id_len;
};

/* Opens path ("-": standard input). NULL on failure with the reason in
 * err; problems with the contents are reported by capture_next(). */
struct capture_reader *capture_open(const char *path, char *err, size_t errlen);
/* Reads from fp, which the reader closes (unless it is stdin). */
struct capture_reader *capture_open_stream(FILE *fp, char *err, size_t errlen);
/* 1: *it holds the next item; 0: clean end; -1: damage or I/O error,
 * described by capture_error(). After -1 or 0 it keeps returning that. */
int capture_next(struct capture_reader *r, struct capture_item *it);
const char *capture_error(const struct capture_reader *r);
/* --verify: blocks read so far in the current file, the chain's last
 * link (after a clean end: the file's final one), whether it is chained. */
uint32_t capture_blocks(const struct capture_reader *r);
const uint8_t *capture_chain(const struct capture_reader *r);
bool capture_chained(const struct capture_reader *r);
void capture_close(struct capture_reader *r);

#endif /* TRACER_OUTPUT_CAPTURE_H */
