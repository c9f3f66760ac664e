/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* jsonr.h - a small, strict, bounded JSON reader for untrusted files.
 *
 * jr_parse() validates a whole document once (RFC 8259 grammar, UTF-8,
 * nesting depth bounded) without allocating; the accessors then walk the
 * validated text in place. A struct jr_val is a span of the buffer, so the
 * buffer must outlive every value taken from it. Duplicate object keys: the
 * first one wins.
 */
#ifndef TRACER_OUTPUT_JSONR_H
#define TRACER_OUTPUT_JSONR_H

#include <stdbool.h>
#include <stddef.h>

#define JR_MAX_DEPTH 32 /* the deepest nesting jr_parse() accepts by default */

enum jr_type {
	JR_INVALID,
	JR_NULL,
	JR_BOOL,
	JR_NUM,
	JR_STR,
	JR_ARR,
	JR_OBJ,
};

/* One value of a validated document: [p, end). */
struct jr_val {
	const char *p;
	const char *end;
};

/* Array iteration: zero it, then call jr_next() until it returns false. */
struct jr_iter {
	const char *p;
};

/* Validates buf[0..len) as exactly one JSON value (surrounding whitespace
 * allowed, no BOM, no NUL). max_depth 0 means JR_MAX_DEPTH. Returns 0 and
 * sets *root, or -EINVAL (bad syntax or encoding) or -E2BIG (too deep). */
int jr_parse(const char *buf, size_t len, unsigned int max_depth, struct jr_val *root);

enum jr_type jr_type(struct jr_val v);

/* The member named key of object obj. False when obj is no object or has
 * no such member. */
bool jr_get(struct jr_val obj, const char *key, struct jr_val *out);

/* jr_get() along a NULL-terminated list of keys: jr_getp(v, &out, "Config",
 * "Image", NULL). */
bool jr_getp(struct jr_val v, struct jr_val *out, ...) __attribute__((sentinel));

/* The next element of array arr. */
bool jr_next(struct jr_val arr, struct jr_iter *it, struct jr_val *out);

/* Decodes string v into out[0..cap) with a NUL. Returns its length, or
 * -EINVAL (not a string; holds \u0000 or a lone surrogate) or -E2BIG (does
 * not fit; out is then ""). */
int jr_str(struct jr_val v, char *out, size_t cap);

/* True when v is a string equal to s (decoded). */
bool jr_str_eq(struct jr_val v, const char *s);

#endif /* TRACER_OUTPUT_JSONR_H */
