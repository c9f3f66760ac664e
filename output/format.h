/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* format.h - compact, JSON and CSV printers driven by one field table. */
#ifndef TRACER_OUTPUT_FORMAT_H
#define TRACER_OUTPUT_FORMAT_H

#include <stdbool.h>
#include <stdio.h>

#include "output/escape.h"
#include "output/format_args.h"
#include "output/events/event.h"
#include "output/sink.h"

enum out_format {
	OUT_COMPACT,
	OUT_JSON,
	OUT_CSV,
};

/* --time: how compact and CSV print an event's time (JSON keeps RFC 3339,
 * as Tetragon's export). */
enum time_mode {
	TIME_ISO, /* 2026-11-29T00:12:34.123456789Z */
	TIME_EPOCH, /* 1764375154.123456789 */
	TIME_DELTA, /* +0.000123456: since the previous event printed */
	TIME_NONE, /* no time token (CSV: an empty cell) */
};

/* Namespace objects rendered lately, by their inode numbers and which of
 * them are the host's: every process of one namespace set prints the same
 * ten objects, twice an event (process and parent). */
#define NS_MEMO_SLOTS 4
#define NS_TEXT_MAX 1024
struct ns_memo {
	struct {
		uint32_t ns[NS_COUNT];
		uint32_t host_bits;
		bool zeros;
		uint16_t len; /* 0: unused */
		char text[NS_TEXT_MAX]; /* "ns":{...} */
	} slot[NS_MEMO_SLOTS];
	uint32_t next;
};

struct formatter {
	enum out_format format;
	enum time_mode time_mode;
	bool color; /* compact: ANSI colours on the event kind and policy */
	bool json_zeros; /* --json-zeros: JSON writes the zeros protojson omits */
	bool json_no_cred; /* --no-process-cred: JSON leaves out cap, process_credentials */
	bool json_no_ns; /* --no-process-ns: JSON leaves out ns */
	int indent; /* compact: spaces before the line (--story: depth in the tree) */
	uint64_t last_ns; /* TIME_DELTA: the previous event's time */
	FILE *out;
	struct out_sink *sink; /* if set, lines go here instead of out */
	const struct tr_host *host;
	bool header_done; /* CSV header written */
	char *line; /* preallocated line buffer, reused per event */
	size_t line_cap;
	size_t line_len;
	struct caps_memo caps; /* JSON: capability sets lately rendered */
	struct ns_memo ns; /* JSON: namespace sets lately rendered */
};

/* Parses "compact" | "json" | "csv"; returns -1 for anything else. */
int out_format_parse(const char *name, enum out_format *fmt);
/* Parses "iso" | "epoch" | "delta" | "none"; -1 for anything else. */
int time_mode_parse(const char *name, enum time_mode *mode);

int formatter_init(struct formatter *f, enum out_format fmt, FILE *out,
		   const struct tr_host *host);
/* Writes exactly one line (CSV: the header first, once). No syscalls but
 * the buffered write; no allocation after init. */
void formatter_event(struct formatter *f, const struct tr_event *ev);
/* The same line into f->line without writing it (--html keeps it in its
 * report); its length with the '\n', 0 for an event that has no line. */
size_t formatter_render(struct formatter *f, const struct tr_event *ev);
/* A process's arguments as compact lines show them (quoted where
 * ambiguous, " ..." when cut), in mode's encoding. */
void format_args_text(struct obuf *o, const struct proc_rec *p, enum esc_mode mode);
/* On the host: its mount and pid namespaces are the host's, no container. */
bool format_is_host(const struct tr_host *host, const struct proc_rec *p);
void formatter_free(struct formatter *f);

#endif /* TRACER_OUTPUT_FORMAT_H */
