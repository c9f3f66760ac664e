/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* jsonr.c - strict JSON validation, then in-place walking of the text.
 *
 * The validator is a recursive descent whose recursion is bounded by the
 * depth limit; it checks the grammar of RFC 8259 and that every string is
 * well-formed UTF-8 with no raw control bytes. The accessors run only on
 * text the validator accepted, yet never step past a value's end.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include "output/events/jsonr.h"

struct jp {
	const char *p, *end;
	unsigned int depth, max_depth;
	int err;
};

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void skip_ws(const char **p, const char *end)
{
	while (*p < end && is_ws(**p))
		(*p)++;
}

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Length of the well-formed UTF-8 sequence at p (lead byte >= 0x80), or 0. */
static int utf8_seq(const unsigned char *p, const unsigned char *end)
{
	unsigned char c = p[0], lo = 0x80, hi = 0xbf;
	int n, i;

	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f; /* no UTF-16 surrogates */
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f; /* nothing above U+10FFFF */
	if (end - p < n)
		return 0;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return n;
}

static int v_string(struct jp *j)
{
	const unsigned char *p = (const unsigned char *)j->p + 1; /* past '"' */
	const unsigned char *end = (const unsigned char *)j->end;
	int n, i;

	while (p < end) {
		if (*p == '"') {
			j->p = (const char *)p + 1;
			return 0;
		}
		if (*p < 0x20)
			return -EINVAL;
		if (*p == '\\') {
			if (end - p < 2)
				return -EINVAL;
			switch (p[1]) {
			case '"':
			case '\\':
			case '/':
			case 'b':
			case 'f':
			case 'n':
			case 'r':
			case 't':
				p += 2;
				continue;
			case 'u':
				if (end - p < 6)
					return -EINVAL;
				for (i = 2; i < 6; i++)
					if (hexval(p[i]) < 0)
						return -EINVAL;
				p += 6;
				continue;
			default:
				return -EINVAL;
			}
		}
		if (*p < 0x80) {
			p++;
			continue;
		}
		n = utf8_seq(p, end);
		if (!n)
			return -EINVAL;
		p += n;
	}
	return -EINVAL;
}

static bool is_digit(const char *p, const char *end)
{
	return p < end && *p >= '0' && *p <= '9';
}

static int v_number(struct jp *j)
{
	const char *p = j->p, *end = j->end;

	if (p < end && *p == '-')
		p++;
	if (!is_digit(p, end))
		return -EINVAL;
	if (*p == '0')
		p++;
	else
		while (is_digit(p, end))
			p++;
	if (p < end && *p == '.') {
		p++;
		if (!is_digit(p, end))
			return -EINVAL;
		while (is_digit(p, end))
			p++;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if (!is_digit(p, end))
			return -EINVAL;
		while (is_digit(p, end))
			p++;
	}
	j->p = p;
	return 0;
}

static int v_literal(struct jp *j, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(j->end - j->p) < n || memcmp(j->p, lit, n))
		return -EINVAL;
	j->p += n;
	return 0;
}

static int v_value(struct jp *j);

/* An object or array; j->p is at its opening bracket. */
static int v_container(struct jp *j)
{
	char close = *j->p == '{' ? '}' : ']';
	bool obj = close == '}';
	int err;

	if (++j->depth > j->max_depth)
		return -E2BIG;
	j->p++;
	skip_ws(&j->p, j->end);
	if (j->p < j->end && *j->p == close) {
		j->p++;
		j->depth--;
		return 0;
	}
	for (;;) {
		if (obj) {
			if (j->p >= j->end || *j->p != '"')
				return -EINVAL;
			err = v_string(j);
			if (err)
				return err;
			skip_ws(&j->p, j->end);
			if (j->p >= j->end || *j->p != ':')
				return -EINVAL;
			j->p++;
		}
		err = v_value(j);
		if (err)
			return err;
		skip_ws(&j->p, j->end);
		if (j->p >= j->end)
			return -EINVAL;
		if (*j->p == close)
			break;
		if (*j->p != ',')
			return -EINVAL;
		j->p++;
		skip_ws(&j->p, j->end);
	}
	j->p++;
	j->depth--;
	return 0;
}

static int v_value(struct jp *j)
{
	skip_ws(&j->p, j->end);
	if (j->p >= j->end)
		return -EINVAL;
	switch (*j->p) {
	case '{':
	case '[':
		return v_container(j);
	case '"':
		return v_string(j);
	case 't':
		return v_literal(j, "true");
	case 'f':
		return v_literal(j, "false");
	case 'n':
		return v_literal(j, "null");
	default:
		return v_number(j);
	}
}

int jr_parse(const char *buf, size_t len, unsigned int max_depth, struct jr_val *root)
{
	struct jp j = {.p = buf, .end = buf + len, .max_depth = max_depth ?: JR_MAX_DEPTH};
	const char *start;
	int err;

	if (!buf)
		return -EINVAL;
	skip_ws(&j.p, j.end);
	start = j.p;
	err = v_value(&j);
	if (err)
		return err;
	root->p = start;
	root->end = j.p;
	skip_ws(&j.p, j.end);
	return j.p == j.end ? 0 : -EINVAL;
}

enum jr_type jr_type(struct jr_val v)
{
	if (!v.p || v.p >= v.end)
		return JR_INVALID;
	switch (*v.p) {
	case '{':
		return JR_OBJ;
	case '[':
		return JR_ARR;
	case '"':
		return JR_STR;
	case 't':
	case 'f':
		return JR_BOOL;
	case 'n':
		return JR_NULL;
	default:
		return JR_NUM;
	}
}

/* The end of the string starting at p ('"'), bounded by end. */
static const char *skip_string(const char *p, const char *end)
{
	for (p++; p < end; p++) {
		if (*p == '\\')
			p++;
		else if (*p == '"')
			return p + 1;
	}
	return end;
}

/* The end of the (validated) value starting at p. */
static const char *skip_value(const char *p, const char *end)
{
	size_t depth = 0;

	if (p >= end)
		return end;
	if (*p == '"')
		return skip_string(p, end);
	if (*p != '{' && *p != '[') {
		while (p < end && *p != ',' && *p != '}' && *p != ']' && !is_ws(*p))
			p++;
		return p;
	}
	while (p < end) {
		switch (*p) {
		case '"':
			p = skip_string(p, end);
			continue;
		case '{':
		case '[':
			depth++;
			break;
		case '}':
		case ']':
			if (--depth == 0)
				return p + 1;
			break;
		}
		p++;
	}
	return end;
}

bool jr_get(struct jr_val obj, const char *key, struct jr_val *out)
{
	const char *p = obj.p, *end = obj.end;
	struct jr_val k;

	if (jr_type(obj) != JR_OBJ)
		return false;
	p++;
	for (;;) {
		skip_ws(&p, end);
		if (p >= end || *p != '"')
			return false; /* '}' or the end */
		k.p = p;
		k.end = p = skip_string(p, end);
		skip_ws(&p, end);
		if (p >= end || *p != ':')
			return false;
		p++;
		skip_ws(&p, end);
		out->p = p;
		out->end = p = skip_value(p, end);
		if (jr_str_eq(k, key))
			return true;
		skip_ws(&p, end);
		if (p >= end || *p != ',')
			return false;
		p++;
	}
}

bool jr_getp(struct jr_val v, struct jr_val *out, ...)
{
	const char *key;
	va_list ap;
	bool ok = true;

	va_start(ap, out);
	while (ok && (key = va_arg(ap, const char *)))
		ok = jr_get(v, key, &v);
	va_end(ap);
	if (ok)
		*out = v;
	return ok;
}

bool jr_next(struct jr_val arr, struct jr_iter *it, struct jr_val *out)
{
	const char *p = it->p, *end = arr.end;

	if (jr_type(arr) != JR_ARR)
		return false;
	if (!p) {
		p = arr.p + 1;
	} else {
		skip_ws(&p, end);
		if (p >= end || *p != ',')
			return false;
		p++;
	}
	skip_ws(&p, end);
	if (p >= end || *p == ']')
		return false;
	out->p = p;
	out->end = it->p = skip_value(p, end);
	return true;
}

static unsigned int hex4(const char *p)
{
	return (unsigned int)(hexval(p[0]) << 12 | hexval(p[1]) << 8 | hexval(p[2]) << 4 |
			      hexval(p[3]));
}

static size_t put_utf8(char *o, uint32_t cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | cp >> 18);
	o[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	o[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* The code point of the escape at p ("\uXXXX", maybe a surrogate pair);
 * advances *len past it. 0 for an invalid one (\u0000 is refused too). */
static uint32_t unescape_u(const char *p, const char *end, size_t *len)
{
	uint32_t hi = hex4(p + 2), lo;

	*len = 6;
	if (hi >= 0xdc00 && hi <= 0xdfff)
		return 0;
	if (hi < 0xd800 || hi > 0xdbff)
		return hi;
	if (end - p < 12 || p[6] != '\\' || p[7] != 'u')
		return 0;
	lo = hex4(p + 8);
	if (lo < 0xdc00 || lo > 0xdfff)
		return 0;
	*len = 12;
	return 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00);
}

int jr_str(struct jr_val v, char *out, size_t cap)
{
	const char *p = v.p + 1, *end = v.end - 1; /* inside the quotes */
	char tmp[4];
	size_t n = 0, k, adv;
	uint32_t cp;

	if (!cap)
		return -E2BIG;
	out[0] = '\0';
	if (jr_type(v) != JR_STR || v.end - v.p < 2 || end[0] != '"')
		return -EINVAL;
	while (p < end) {
		if (*p != '\\') {
			tmp[0] = *p;
			k = 1;
			adv = 1;
		} else if (p[1] == 'u') {
			cp = unescape_u(p, end, &adv);
			if (!cp)
				return out[0] = '\0', -EINVAL;
			k = put_utf8(tmp, cp);
		} else {
			static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
			const char *f = memchr(from, p[1], sizeof(from) - 1);

			if (!f)
				return out[0] = '\0', -EINVAL;
			tmp[0] = to[f - from];
			k = 1;
			adv = 2;
		}
		if (n + k >= cap)
			return out[0] = '\0', -E2BIG;
		memcpy(out + n, tmp, k);
		n += k;
		p += adv;
	}
	out[n] = '\0';
	return n > INT32_MAX ? -E2BIG : (int)n;
}

bool jr_str_eq(struct jr_val v, const char *s)
{
	size_t n = strlen(s);
	char buf[256];
	int len;

	/* an unescaped string compares in place */
	if (jr_type(v) == JR_STR && (size_t)(v.end - v.p) == n + 2 && !memchr(v.p + 1, '\\', n))
		return !memcmp(v.p + 1, s, n);
	if (n >= sizeof(buf))
		return false;
	len = jr_str(v, buf, sizeof(buf));
	return len >= 0 && (size_t)len == n && !memcmp(buf, s, n);
}
