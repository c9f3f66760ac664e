/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* escape.h - a bounded line buffer and the byte sanitiser every format shares.
 *
 * Strings from traced processes are untrusted bytes. esc_put() renders them
 * so that no control byte, no invalid UTF-8 and no terminal escape sequence
 * survives, in one of two encodings:
 *
 *   ESC_TEXT  visible escapes for compact and CSV: \n \r \t \\ \xNN;
 *             invalid UTF-8 and dangerous code points (C1 controls, bidi
 *             overrides, line separators) become \xNN per byte.
 *   ESC_JSON  the body of a JSON string: \" \\ \n \r \t \b \f \u00XX
 *             (0x7f too), dangerous code points as \uXXXX, and every
 *             invalid UTF-8 byte as the text \xNN (JSON "\\xNN"), so the
 *             line is always valid UTF-8 JSON.
 *
 * The output never splits an escape or a UTF-8 sequence: when the buffer
 * limit is hit the unit is dropped whole and the buffer is marked full.
 */
#ifndef TRACER_OUTPUT_ESCAPE_H
#define TRACER_OUTPUT_ESCAPE_H

#include <stdbool.h>
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* A line under construction. Ordinary writes stop at lim and set full;
 * ob_force() may use the reserve between lim and cap to close the line
 * (quotes, brackets, separators, the newline) so it stays well formed. */
struct obuf {
	char *p;
	size_t len;
	size_t lim;
	size_t cap;
	bool full;
};

#define OB_RESERVE 256 /* bytes kept back for ob_force() */

void ob_init(struct obuf *o, char *buf, size_t cap);

static inline bool ob_put(struct obuf *o, const void *s, size_t n)
{
	if (o->full || o->len + n > o->lim) {
		o->full = true;
		return false;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
	return true;
}

static inline bool ob_putc(struct obuf *o, char c)
{
	return ob_put(o, &c, 1);
}

static inline bool ob_puts(struct obuf *o, const char *s)
{
	return ob_put(o, s, strlen(s));
}

/* Writes into the reserve even when full; drops only past cap. */
void ob_force(struct obuf *o, const void *s, size_t n);
/* Unsigned decimal; with width > 0, zero-padded to that many digits. */
bool ob_u64(struct obuf *o, uint64_t v, int width);
/* Signed decimal. */
bool ob_i64(struct obuf *o, int64_t v);
/* Lower-case hex, zero-padded to width digits. */
bool ob_hex(struct obuf *o, uint64_t v, int width);
/* RFC 4648 base64 (with padding) of s[0..n); cut at a 4-character unit. */
bool ob_base64(struct obuf *o, const void *s, size_t n);

enum esc_mode {
	ESC_TEXT,
	ESC_JSON,
};

#define ESC_F_SQUOTE (1u << 0)	/* inside '...': ' becomes \' */
#define ESC_F_SPACE (1u << 1)	/* space becomes \x20 (one compact token) */
#define ESC_F_CSVQ (1u << 2)	/* TEXT inside a quoted CSV field: " doubled */
#define ESC_F_VISIBLE (1u << 3) /* JSON: the ESC_TEXT rendering, JSON-encoded */

/* Appends the escaped form of s[0..n); returns false once the buffer is full. */
bool esc_put(struct obuf *o, const char *s, size_t n, enum esc_mode mode, unsigned int flags);

/* s[0..n) as a quoted JSON string to f, which is also a YAML
 * double-quoted scalar (--print-policy, --check). false: a write error. */
bool esc_fput_quoted(FILE *f, const char *s, size_t n);

/* Length of the valid, well-formed UTF-8 sequence at s (1..4), or 0. */
size_t utf8_seq_len(const unsigned char *s, size_t n, uint32_t *cp);

/* RFC 4180: must s[0..n) be quoted as a CSV field (after ESC_TEXT)? */
bool csv_needs_quotes(const char *s, size_t n);

#endif /* TRACER_OUTPUT_ESCAPE_H */
