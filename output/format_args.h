/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* format_args.h - one argument of a policy event, as text and as Tetragon's
 * KprobeArgument JSON object.
 *
 * arg_view() decides how an argument prints: the policy's type name picks
 * Tetragon's key ("fd" -> file_arg, "char_buf" -> bytes_arg), unless the
 * kernel read something else (an fd that is a socket -> sock_arg; nothing
 * readable -> error_arg). arg_text() and json_arg() then render it, every
 * untrusted byte through esc_put().
 */
#ifndef TRACER_OUTPUT_FORMAT_ARGS_H
#define TRACER_OUTPUT_FORMAT_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "output/escape.h"
#include "output/events/event.h"
#include "output/jsonw.h"

/* What a value is, for choosing the one a compact line shows. */
enum vclass { VC_NONE, VC_NUM, VC_STR, VC_SOCK, VC_CRED };

/* One argument (or the return value) ready to print. */
struct argview {
	const struct tr_arg *a;
	uint8_t shape;	   /* private to format_args.c */
	uint8_t cls;	   /* enum vclass, an unreadable value's included */
	const char *key;   /* JSON key; NULL: not printed ("nop") */
	const char *name;  /* CSV prefix: the label, else the type name */
	const char *label; /* NULL: none */
	const char *type;  /* the policy's type name, or the kind's */
};

/* type: the policy's type name (NULL: unknown); label: NULL or "". */
void arg_view(struct argview *v, const struct tr_arg *a, const char *type, const char *label);

/* The value as text (compact and CSV): numbers in decimal, names for
 * capabilities, "tcp SADDR:SPORT -> DADDR:DPORT" for sockets, strings one
 * token (put_val()); " ..." after a cut string, "?" when unreadable. */
void arg_text(struct obuf *o, const struct argview *v, unsigned int flags);

/* {"<key>": value, "label": ...}; key is NULL inside an array. */
void json_arg(struct jsonw *w, const char *key, const struct argview *v);

/* Must a string be quoted to read as one unambiguous token? Empty, holding
 * a space, control, quote or backslash, or reading "..." (the cut marker). */
bool arg_needs_quotes(const char *a, size_t n);
/* A string value: quoted as arguments are, and also when it holds ';' (the
 * CSV args separator) or reads "?" (the unreadable marker). */
void put_val(struct obuf *o, const char *s, size_t n, unsigned int flags);
/* Capability sets rendered lately, by set: a process and its parent
 * print six per event, nearly always the same few. */
#define CAPS_MEMO_SLOTS 4
#define CAPS_TEXT_MAX 2048 /* 64 quoted names of at most 24 bytes */
struct caps_memo {
	struct {
		uint64_t set;
		uint16_t len; /* 0: unused (an empty set is never memoised) */
		char text[CAPS_TEXT_MAX];
	} slot[CAPS_MEMO_SLOTS];
	uint32_t next;
};

/* A capability set as a JSON array of names; memo may be NULL. */
void json_caps(struct jsonw *w, const char *key, uint64_t set, struct caps_memo *memo);

#endif /* TRACER_OUTPUT_FORMAT_ARGS_H */
