// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* escape.c - render untrusted bytes as visible text or JSON string bodies. */
#include <openssl/evp.h>

#include "output/escape.h"

static const char hexdig[] = "0123456789abcdef";

/* Kinds of input unit: one byte, or one whole UTF-8 sequence. */
enum unit {
	U_ASCII,  /* printable ASCII */
	U_UTF8,	  /* a well-formed multibyte sequence */
	U_CTRL,	  /* 0x00-0x1f, 0x7f */
	U_BAD,	  /* a byte that starts no well-formed sequence */
	U_DANGER, /* well-formed, but reorders or controls a terminal */
};

void ob_init(struct obuf *o, char *buf, size_t cap)
{
	o->p = buf;
	o->len = 0;
	o->cap = cap;
	o->lim = cap > OB_RESERVE ? cap - OB_RESERVE : 0;
	o->full = false;
}

void ob_force(struct obuf *o, const void *s, size_t n)
{
	if (n > o->cap - o->len)
		n = o->cap - o->len;
	memcpy(o->p + o->len, s, n);
	o->len += n;
}

/* "00".."99": two digits per division. */
static const char digit_pairs[201] = "00010203040506070809101112131415161718192021222324"
				     "25262728293031323334353637383940414243444546474849"
				     "50515253545556575859606162636465666768697071727374"
				     "75767778798081828384858687888990919293949596979899";

bool ob_u64(struct obuf *o, uint64_t v, int width)
{
	char tmp[24];
	int i = sizeof(tmp);

	while (v >= 100) { /* at most 20 digits: tmp never underflows */
		i -= 2;
		memcpy(tmp + i, digit_pairs + 2 * (v % 100), 2);
		v /= 100;
	}
	if (v >= 10) {
		i -= 2;
		memcpy(tmp + i, digit_pairs + 2 * v, 2);
	} else {
		tmp[--i] = '0' + v;
	}
	while ((int)sizeof(tmp) - i < width && i > 0)
		tmp[--i] = '0';
	return ob_put(o, tmp + i, sizeof(tmp) - i);
}

bool ob_i64(struct obuf *o, int64_t v)
{
	if (v < 0 && !ob_putc(o, '-'))
		return false;
	return ob_u64(o, v < 0 ? -(uint64_t)v : (uint64_t)v, 0);
}

bool ob_hex(struct obuf *o, uint64_t v, int width)
{
	char tmp[16];
	int i = sizeof(tmp);

	do {
		tmp[--i] = hexdig[v & 15];
		v >>= 4;
	} while (v && i > 0);
	while ((int)sizeof(tmp) - i < width && i > 0)
		tmp[--i] = '0';
	return ob_put(o, tmp + i, sizeof(tmp) - i);
}

bool ob_base64(struct obuf *o, const void *s, size_t n)
{
	const unsigned char *p = s;
	unsigned char q[65];

	while (n) { /* 48 bytes (a multiple of 3) encode to 64, no padding */
		size_t k = n < 48 ? n : 48;
		int j, w = EVP_EncodeBlock(q, p, (int)k);

		for (j = 0; j < w; j += 4) /* out of room: the whole groups before */
			if (!ob_put(o, q + j, 4))
				return false;
		p += k;
		n -= k;
	}
	return true;
}

size_t utf8_seq_len(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t len, i;
	uint32_t v;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		lo = c == 0xe0 ? 0xa0 : lo; /* no overlong forms */
		hi = c == 0xed ? 0x9f : hi; /* no surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		lo = c == 0xf0 ? 0x90 : lo;
		hi = c == 0xf4 ? 0x8f : hi; /* nothing past U+10FFFF */
	} else {
		return 0; /* C0, C1 (overlong), F5-FF, stray continuation */
	}
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	v = c & (0x3f >> (len - 1));
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (s[i] & 0x3f);
	}
	*cp = v;
	return len;
}

/* Code points a terminal acts on: C1 controls (U+009B is CSI), bidi marks
 * (U+061C too), embeddings, overrides and isolates, and the Unicode line
 * separators; and those that look like a space or like nothing (NBSP,
 * U+1680, U+180E, U+2000..U+200B, U+202F, U+205F, U+3000, U+FEFF), so
 * that one argument never looks like two. */
static bool cp_dangerous(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0xa0) || cp == 0x61c || cp == 0x1680 || cp == 0x180e ||
	       (cp >= 0x2000 && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202f) ||
	       cp == 0x205f || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x3000 || cp == 0xfeff;
}

static enum unit classify(const unsigned char *s, size_t n, size_t *len, uint32_t *cp)
{
	*len = 1;
	*cp = s[0];
	if (s[0] < 0x20 || s[0] == 0x7f)
		return U_CTRL;
	if (s[0] < 0x80)
		return U_ASCII;
	*len = utf8_seq_len(s, n, cp);
	if (!*len) {
		*len = 1;
		return U_BAD;
	}
	return cp_dangerous(*cp) ? U_DANGER : U_UTF8;
}

static size_t put_hex(char *d, unsigned char c)
{
	d[0] = '\\';
	d[1] = 'x';
	d[2] = hexdig[c >> 4];
	d[3] = hexdig[c & 15];
	return 4;
}

static size_t put_pair(char *d, char a, char b)
{
	d[0] = a;
	d[1] = b;
	return 2;
}

static size_t text_ascii(char *d, char c, unsigned int flags)
{
	if (c == '\\' || (c == '\'' && (flags & ESC_F_SQUOTE)))
		return put_pair(d, '\\', c);
	if (c == ' ' && (flags & ESC_F_SPACE))
		return put_hex(d, c);
	if (c == '"' && (flags & ESC_F_CSVQ))
		return put_pair(d, '"', '"');
	d[0] = c;
	return 1;
}

static size_t text_ctrl(char *d, unsigned char c)
{
	switch (c) {
	case '\n':
		return put_pair(d, '\\', 'n');
	case '\r':
		return put_pair(d, '\\', 'r');
	case '\t':
		return put_pair(d, '\\', 't');
	default:
		return put_hex(d, c);
	}
}

/* The ESC_TEXT form of one unit; at most 16 bytes. */
static size_t text_unit(char *d, enum unit u, const unsigned char *s, size_t len,
			unsigned int flags)
{
	size_t i, k = 0;

	switch (u) {
	case U_ASCII:
		return text_ascii(d, s[0], flags);
	case U_UTF8:
		memcpy(d, s, len);
		return len;
	case U_CTRL:
		return text_ctrl(d, s[0]);
	default:
		for (i = 0; i < len; i++)
			k += put_hex(d + k, s[i]);
		return k;
	}
}

static size_t json_u(char *d, uint32_t cp)
{
	d[0] = '\\';
	d[1] = 'u';
	d[2] = hexdig[cp >> 12 & 15];
	d[3] = hexdig[cp >> 8 & 15];
	d[4] = hexdig[cp >> 4 & 15];
	d[5] = hexdig[cp & 15];
	return 6;
}

static size_t json_ctrl(char *d, unsigned char c)
{
	switch (c) {
	case '\n':
		return put_pair(d, '\\', 'n');
	case '\r':
		return put_pair(d, '\\', 'r');
	case '\t':
		return put_pair(d, '\\', 't');
	case '\b':
		return put_pair(d, '\\', 'b');
	case '\f':
		return put_pair(d, '\\', 'f');
	default:
		return json_u(d, c);
	}
}

/* The JSON string-body form of one unit; at most 16 bytes. */
static size_t json_unit(char *d, enum unit u, const unsigned char *s, size_t len, uint32_t cp)
{
	switch (u) {
	case U_ASCII:
		if (s[0] == '"' || s[0] == '\\')
			return put_pair(d, '\\', s[0]);
		d[0] = s[0];
		return 1;
	case U_UTF8:
		memcpy(d, s, len);
		return len;
	case U_CTRL:
		return json_ctrl(d, s[0]);
	case U_DANGER:
		return json_u(d, cp);
	default:
		d[0] = '\\';
		put_hex(d + 1, s[0]); /* the text \xNN, as JSON "\\xNN" */
		return 5;
	}
}

/* JSON-encodes an ESC_TEXT rendering (printable, valid UTF-8 already). */
static size_t json_of_text(char *d, const char *t, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		if (t[i] == '"' || t[i] == '\\')
			d[k++] = '\\';
		d[k++] = t[i];
	}
	return k;
}

static size_t render(char *d, const unsigned char *s, size_t n, size_t *len, enum esc_mode mode,
		     unsigned int flags)
{
	char t[16];
	uint32_t cp;
	enum unit u = classify(s, n, len, &cp);
	size_t k;

	if (mode == ESC_TEXT)
		return text_unit(d, u, s, *len, flags);
	if (!(flags & ESC_F_VISIBLE))
		return json_unit(d, u, s, *len, cp);
	k = text_unit(t, u, s, *len, flags);
	return json_of_text(d, t, k);
}

static bool plain_byte(unsigned char c)
{
	return c > 0x20 && c < 0x7f && c != '\\' && c != '"' && c != '\'';
}

/* Copies a run of bytes that need no escaping, as much as fits. */
static size_t plain_run(struct obuf *o, const char *s, size_t n)
{
	size_t run = 0, room;

	while (run < n && plain_byte(s[run]))
		run++;
	room = o->full || o->len >= o->lim ? 0 : o->lim - o->len;
	if (run > room) {
		run = room;
		o->full = true;
	}
	memcpy(o->p + o->len, s, run);
	o->len += run;
	return run;
}

bool esc_put(struct obuf *o, const char *s, size_t n, enum esc_mode mode, unsigned int flags)
{
	const unsigned char *u = (const unsigned char *)s;
	char d[40];
	size_t i = 0, len, k;

	while (i < n && !o->full) {
		i += plain_run(o, s + i, n - i);
		if (i >= n || o->full)
			break;
		k = render(d, u + i, n - i, &len, mode, flags);
		if (!ob_put(o, d, k))
			break;
		i += len;
	}
	return !o->full;
}

bool csv_needs_quotes(const char *s, size_t n)
{
	size_t i;

	if (n && (s[0] == ' ' || s[n - 1] == ' '))
		return true;
	for (i = 0; i < n; i++)
		if (s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n')
			return true;
	return false;
}

bool esc_fput_quoted(FILE *f, const char *s, size_t n)
{
	char buf[64 * 6 + OB_RESERVE]; /* \u00XX for each of 64 bytes */
	struct obuf o;
	size_t i = 0, k;

	if (fputc('"', f) == EOF)
		return false;
	while (i < n) {
		k = n - i < 64 ? n - i : 64;
		while (k < n - i && k > 60 && ((unsigned char)s[i + k] & 0xc0) == 0x80)
			k--; /* never cut a UTF-8 sequence between two chunks */
		ob_init(&o, buf, sizeof(buf));
		esc_put(&o, s + i, k, ESC_JSON, 0);
		if (fwrite(buf, 1, o.len, f) != o.len)
			return false;
		i += k;
	}
	return fputc('"', f) != EOF;
}
