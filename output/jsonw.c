// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* jsonw.c - streaming JSON writer: separators, keys, rollback, closing. */
#include "output/jsonw.h"

void jw_init(struct jsonw *w, struct obuf *o)
{
	w->o = o;
	w->depth = 0;
	w->first[0] = true;
	w->close[0] = 0;
	w->in_str = false;
	w->zeros = false;
}

static bool *first_here(struct jsonw *w)
{
	return &w->first[w->depth < JW_DEPTH ? w->depth : JW_DEPTH - 1];
}

/* Writes the separator and the key, a literal of the caller's (nothing
 * to escape); returns where to roll back to. One bounds check and a copy
 * when there is room. */
static size_t jw_member(struct jsonw *w, const char *key)
{
	struct obuf *o = w->o;
	size_t mark = o->len, n = key ? strlen(key) : 0;
	bool comma = !*first_here(w);
	char *d;

	if (key && !o->full && o->len + n + 4 <= o->lim) {
		d = o->p + o->len;
		if (comma)
			*d++ = ',';
		*d++ = '"';
		memcpy(d, key, n);
		d += n;
		*d++ = '"';
		*d++ = ':';
		o->len = d - o->p;
		return mark;
	}
	if (comma)
		ob_putc(o, ',');
	if (key) {
		ob_putc(o, '"');
		ob_put(o, key, n);
		ob_put(o, "\":", 2);
	}
	return mark;
}

/* Keeps the member if it fit whole, else drops it. */
static bool jw_done(struct jsonw *w, size_t mark)
{
	if (w->o->full) {
		w->o->len = mark;
		return false;
	}
	*first_here(w) = false;
	return true;
}

/* The outermost value is always opened, so a line is never empty. */
void jw_open(struct jsonw *w, const char *key, char kind)
{
	size_t mark;
	char close = 0;

	if (w->depth == 0 && !key) {
		ob_force(w->o, &kind, 1);
		w->first[0] = false;
		close = kind == '[' ? ']' : '}';
	} else {
		mark = jw_member(w, key);
		ob_putc(w->o, kind);
		if (jw_done(w, mark))
			close = kind == '[' ? ']' : '}';
	}
	w->depth++;
	if (w->depth < JW_DEPTH) {
		w->first[w->depth] = true;
		w->close[w->depth] = close;
	}
}

void jw_close(struct jsonw *w)
{
	if (w->depth <= 0)
		return;
	if (w->depth < JW_DEPTH && w->close[w->depth])
		ob_force(w->o, &w->close[w->depth], 1);
	w->depth--;
}

void jw_finish(struct jsonw *w)
{
	if (w->in_str)
		jw_str_close(w);
	while (w->depth > 0)
		jw_close(w);
}

void jw_u64(struct jsonw *w, const char *key, uint64_t v)
{
	size_t mark = jw_member(w, key);

	ob_u64(w->o, v, 0);
	jw_done(w, mark);
}

void jw_i64(struct jsonw *w, const char *key, int64_t v)
{
	size_t mark = jw_member(w, key);

	ob_i64(w->o, v);
	jw_done(w, mark);
}

void jw_u64_str(struct jsonw *w, const char *key, uint64_t v)
{
	size_t mark = jw_member(w, key);

	ob_putc(w->o, '"');
	ob_u64(w->o, v, 0);
	ob_putc(w->o, '"');
	jw_done(w, mark);
}

void jw_i64_str(struct jsonw *w, const char *key, int64_t v)
{
	size_t mark = jw_member(w, key);

	ob_putc(w->o, '"');
	ob_i64(w->o, v);
	ob_putc(w->o, '"');
	jw_done(w, mark);
}

void jw_bool(struct jsonw *w, const char *key, bool v)
{
	size_t mark = jw_member(w, key);

	ob_puts(w->o, v ? "true" : "false");
	jw_done(w, mark);
}

bool jw_str_open(struct jsonw *w, const char *key)
{
	size_t mark = jw_member(w, key);

	ob_putc(w->o, '"');
	w->in_str = jw_done(w, mark);
	return w->in_str;
}

void jw_str_raw(struct jsonw *w, const char *s)
{
	if (w->in_str)
		ob_puts(w->o, s);
}

/* A string cut by a full line is kept: its units are whole. */
void jw_str_close(struct jsonw *w)
{
	if (!w->in_str)
		return;
	ob_force(w->o, "\"", 1);
	w->in_str = false;
}

void jw_str(struct jsonw *w, const char *key, const char *s, size_t n)
{
	if (!jw_str_open(w, key))
		return;
	esc_put(w->o, s, n, ESC_JSON, 0);
	jw_str_close(w);
}

void jw_str_cstr(struct jsonw *w, const char *key, const char *s)
{
	jw_str(w, key, s ? s : "", s ? strlen(s) : 0);
}

void jw_u64_nz(struct jsonw *w, const char *key, uint64_t v)
{
	if (v || w->zeros)
		jw_u64(w, key, v);
}

void jw_bool_nz(struct jsonw *w, const char *key, bool v)
{
	if (v || w->zeros)
		jw_bool(w, key, v);
}

void jw_str_nz(struct jsonw *w, const char *key, const char *s, size_t n)
{
	if (n || w->zeros)
		jw_str(w, key, s, n);
}

bool jw_raw_members(struct jsonw *w, const char *s, size_t n)
{
	struct obuf *o = w->o;

	if (o->full || o->len + n + 1 > o->lim)
		return false; /* and the line not marked full: the caller may cut */
	if (!*first_here(w))
		ob_putc(o, ',');
	ob_put(o, s, n);
	*first_here(w) = false;
	return true;
}

void jw_str_keyed(struct jsonw *w, const char *key, size_t key_len, const char *s, size_t n)
{
	size_t mark = w->o->len;

	if (!*first_here(w))
		ob_putc(w->o, ',');
	ob_putc(w->o, '"');
	esc_put(w->o, key, key_len, ESC_JSON, 0);
	ob_put(w->o, "\":\"", 3);
	esc_put(w->o, s, n, ESC_JSON, 0);
	ob_putc(w->o, '"');
	jw_done(w, mark);
}
