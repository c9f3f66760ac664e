/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* jsonw.h - a small streaming JSON writer over a bounded line (struct obuf).
 *
 * Every member is written whole or not at all: when the line fills up, the
 * member in progress is rolled back (a string is kept, cut at a character
 * boundary and closed), later members are dropped, and jw_finish() closes
 * every open object and array, so a truncated line is still valid JSON.
 * Keys are the callers' literals and written as they are; a key from
 * outside goes through jw_str_keyed(), which escapes it.
 */
#ifndef TRACER_OUTPUT_JSONW_H
#define TRACER_OUTPUT_JSONW_H

#include <stdbool.h>
#include <stdint.h>

#include "output/escape.h"

#define JW_DEPTH 16

struct jsonw {
	struct obuf *o;
	int depth;
	bool first[JW_DEPTH]; /* no member written yet at this level */
	char close[JW_DEPTH]; /* '}' or ']'; 0 when the open was dropped */
	bool in_str;	      /* between jw_str_open() and jw_str_close() */
	bool zeros; /* --json-zeros: write what protojson leaves out */
};

void jw_init(struct jsonw *w, struct obuf *o);
/* Opens an object ('{') or array ('['); key is NULL inside arrays and at
 * the top level. */
void jw_open(struct jsonw *w, const char *key, char kind);
void jw_close(struct jsonw *w);
/* Closes everything still open (the end of a line). */
void jw_finish(struct jsonw *w);

void jw_u64(struct jsonw *w, const char *key, uint64_t v);
void jw_i64(struct jsonw *w, const char *key, int64_t v);
/* 64-bit integers as protojson (Tetragon's export) writes them: strings. */
void jw_u64_str(struct jsonw *w, const char *key, uint64_t v);
void jw_i64_str(struct jsonw *w, const char *key, int64_t v);
void jw_bool(struct jsonw *w, const char *key, bool v);
/* A proto3 scalar without presence, as protojson writes it: left out when
 * zero (false, ""), unless w->zeros. Wrapper types (UInt32Value) and oneof
 * members are always written: use the plain writers for those. */
void jw_u64_nz(struct jsonw *w, const char *key, uint64_t v);
void jw_bool_nz(struct jsonw *w, const char *key, bool v);
void jw_str_nz(struct jsonw *w, const char *key, const char *s, size_t n);
/* A string member; the bytes are untrusted and escaped (escape.h). */
void jw_str(struct jsonw *w, const char *key, const char *s, size_t n);
/* The same for a NUL-terminated string (NULL: ""). */
void jw_str_cstr(struct jsonw *w, const char *key, const char *s);
/* A string built in pieces: open, then esc_put(w->o, ..., ESC_JSON, ...)
 * or jw_str_raw() for trusted text, then close. */
bool jw_str_open(struct jsonw *w, const char *key);
void jw_str_raw(struct jsonw *w, const char *s);
void jw_str_close(struct jsonw *w);

/* Appends members rendered before (comma-separated, no leading comma)
 * to the open object or array; false, nothing written and the line not
 * marked full, if they do not fit (the caller may write fewer). */
bool jw_raw_members(struct jsonw *w, const char *s, size_t n);

/* A string member whose key comes from outside (a --node-label): the key
 * is escaped, unlike every other function's, whose keys are literals. */
void jw_str_keyed(struct jsonw *w, const char *key, size_t key_len, const char *s, size_t n);

#endif /* TRACER_OUTPUT_JSONW_H */
