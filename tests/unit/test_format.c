// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* test_format.c - formatters against golden files, and hostile input.
 *
 * Run from the project root (meson's workdir). UPDATE_GOLDEN=1 rewrites
 * tests/golden/events.{compact,json,csv} from tests/golden/fixtures.h;
 * review the diff before committing it. A run that rewrote a golden fails,
 * so an overwrite never looks green.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "tests/unit/testutil.h"

#include "output/format.h"
#include "tests/golden/fixtures.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define NFX ARRAY_SIZE(fx_events)

static const char *const fmt_names[] = {"compact", "json", "csv"};

/* Formats evs into a malloc'd buffer; line_cap 0 keeps the default. */
static bool lean_json; /* --no-process-cred --no-process-ns */

static char *format_all(enum out_format fmt, const struct tr_event *evs, size_t n, size_t line_cap,
			size_t *len)
{
	static char *buf; /* static: the stream keeps &buf past fclose() */
	struct formatter f;
	FILE *mem;
	size_t i;

	buf = NULL;
	mem = open_memstream(&buf, len);
	assert_non_null(mem);
	assert_int_equal(formatter_init(&f, fmt, mem, &fx_host), 0);
	f.json_no_cred = f.json_no_ns = lean_json;
	if (line_cap)
		f.line_cap = line_cap; /* smaller than the buffer: safe */
	for (i = 0; i < n; i++)
		formatter_event(&f, &evs[i]);
	formatter_free(&f);
	fclose(mem);
	return buf;
}

/* --- independent validators ---------------------------------------------- */

/* Bytes in a valid, shortest-form UTF-8 sequence at p, or 0. */
static int u8len(const unsigned char *p, const unsigned char *end)
{
	static const uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
	uint32_t cp;
	int n, i;

	if (p[0] < 0x80)
		return 1;
	if ((p[0] & 0xe0) == 0xc0)
		n = 2, cp = p[0] & 0x1f;
	else if ((p[0] & 0xf0) == 0xe0)
		n = 3, cp = p[0] & 0x0f;
	else if ((p[0] & 0xf8) == 0xf0)
		n = 4, cp = p[0] & 0x07;
	else
		return 0;
	if (end - p < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if (cp < min[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* No control byte but the line ends; valid UTF-8; ends with a newline. */
static void check_clean(const char *s, size_t n, size_t want_lines)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	size_t lines = 0;
	int k;

	assert_true(n > 0 && s[n - 1] == '\n');
	while (p < end) {
		if (*p == '\n')
			lines++;
		else
			assert_false(*p < 0x20 || *p == 0x7f);
		k = u8len(p, end);
		assert_true(k > 0);
		p += k;
	}
	assert_int_equal(lines, want_lines);
}

struct jp {
	const unsigned char *p, *end;
};

static bool jv_value(struct jp *j, int depth);

static void jv_ws(struct jp *j)
{
	while (j->p < j->end && strchr(" \t\r\n", *j->p) && *j->p)
		j->p++;
}

static bool jv_eat(struct jp *j, char c)
{
	jv_ws(j);
	if (j->p < j->end && *j->p == c) {
		j->p++;
		return true;
	}
	return false;
}

static bool jv_string(struct jp *j)
{
	int k;

	if (!jv_eat(j, '"'))
		return false;
	while (j->p < j->end && *j->p != '"') {
		if (*j->p < 0x20)
			return false;
		if (*j->p == '\\') {
			if (j->end - j->p < 2)
				return false;
			if (j->p[1] == 'u') {
				if (j->end - j->p < 6)
					return false;
				for (k = 2; k < 6; k++)
					if (!strchr("0123456789abcdefABCDEF", j->p[k]) || !j->p[k])
						return false;
				j->p += 6;
			} else if (strchr("\"\\/bfnrt", j->p[1]) && j->p[1]) {
				j->p += 2;
			} else {
				return false;
			}
			continue;
		}
		k = u8len(j->p, j->end);
		if (!k)
			return false;
		j->p += k;
	}
	return jv_eat(j, '"');
}

static bool jv_number(struct jp *j)
{
	const unsigned char *start;

	jv_ws(j);
	if (j->p < j->end && *j->p == '-')
		j->p++;
	start = j->p;
	while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
		j->p++;
	return j->p > start;
}

static bool jv_members(struct jp *j, char close, bool keyed, int depth)
{
	if (jv_eat(j, close))
		return true;
	do {
		if (keyed && (!jv_string(j) || !jv_eat(j, ':')))
			return false;
		if (!jv_value(j, depth + 1))
			return false;
	} while (jv_eat(j, ','));
	return jv_eat(j, close);
}

static bool jv_lit(struct jp *j, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(j->end - j->p) < n || memcmp(j->p, lit, n))
		return false;
	j->p += n;
	return true;
}

static bool jv_value(struct jp *j, int depth)
{
	jv_ws(j);
	if (j->p >= j->end || depth > 64)
		return false;
	switch (*j->p) {
	case '{':
		j->p++;
		return jv_members(j, '}', true, depth);
	case '[':
		j->p++;
		return jv_members(j, ']', false, depth);
	case '"':
		return jv_string(j);
	case 't':
		return jv_lit(j, "true");
	case 'f':
		return jv_lit(j, "false");
	case 'n':
		return jv_lit(j, "null");
	default:
		return jv_number(j);
	}
}

/* Every line is one JSON object. */
static void check_json_lines(const char *s, size_t n)
{
	const char *line = s, *nl;
	struct jp j;

	while (line < s + n) {
		nl = memchr(line, '\n', s + n - line);
		assert_non_null(nl);
		j.p = (const unsigned char *)line;
		j.end = (const unsigned char *)nl;
		jv_ws(&j);
		assert_true(j.p < j.end && *j.p == '{');
		if (!jv_value(&j, 0) || (jv_ws(&j), j.p != j.end))
			fail_msg("invalid JSON line: %.*s",
				 (int)(nl - line > 300 ? 300 : nl - line), line);
		line = nl + 1;
	}
}

/* RFC 4180: every record has the header's number of fields. */
static void check_csv(const char *s, size_t n, size_t want_rows)
{
	size_t i = 0, fields, width = 0, rows = 0;

	while (i < n) {
		fields = 1;
		for (;;) {
			if (s[i] == '"') {
				for (i++;; i++) {
					assert_true(i < n);
					if (s[i] == '"' && i + 1 < n && s[i + 1] == '"')
						i++;
					else if (s[i] == '"')
						break;
				}
				i++;
			} else {
				while (i < n && s[i] != ',' && s[i] != '\n') {
					assert_true(s[i] != '"');
					i++;
				}
			}
			assert_true(i < n);
			if (s[i++] == '\n')
				break;
			assert_true(s[i - 1] == ',');
			fields++;
		}
		if (!rows++)
			width = fields;
		assert_int_equal(fields, width);
	}
	assert_int_equal(width, 52);
	assert_int_equal(rows, want_rows + 1);
}

static void check_output(enum out_format fmt, const char *s, size_t n, size_t events)
{
	check_clean(s, n, events + (fmt == OUT_CSV));
	if (fmt == OUT_JSON)
		check_json_lines(s, n);
	if (fmt == OUT_CSV)
		check_csv(s, n, events);
}

/* --- goldens ------------------------------------------------------------ */

static void report_diff(const char *path, const char *got, size_t glen, const char *want,
			size_t wlen)
{
	size_t i, line = 1, start = 0;

	for (i = 0; i < glen && i < wlen && got[i] == want[i]; i++) {
		if (got[i] == '\n') {
			line++;
			start = i + 1;
		}
	}
	print_error("%s:%zu differs (UPDATE_GOLDEN=1 rewrites it)\n got:  %.200s\n", path, line,
		    got + start);
}

static void golden(enum out_format fmt)
{
	char path[128], *got, *want;
	size_t glen, wlen = 0;
	FILE *fp;

	snprintf(path, sizeof(path), "tests/golden/events.%s", fmt_names[fmt]);
	got = format_all(fmt, fx_events, NFX, 0, &glen);
	check_output(fmt, got, glen, NFX);
	want = slurp(path, &wlen);
	/* UPDATE_GOLDEN=1 rewrites a golden that differs, and the test still
	 * fails: a run that overwrote its expectations proves nothing. Review
	 * the diff and run again without it. */
	if (getenv("UPDATE_GOLDEN") && (!want || glen != wlen || memcmp(got, want, glen))) {
		fp = fopen(path, "wb");
		assert_non_null(fp);
		fwrite(got, 1, glen, fp);
		fclose(fp);
		fail_msg("%s: rewritten (UPDATE_GOLDEN); review the diff, run again without it", path);
	}
	if (!want)
		fail_msg("%s: missing (run from the project root)", path);
	if (glen != wlen || memcmp(got, want, glen))
		report_diff(path, got, glen, want, wlen);
	assert_true(glen == wlen && !memcmp(got, want, glen));
	free(got);
	free(want);
}

static void test_golden_compact(void **state)
{
	(void)state;
	golden(OUT_COMPACT);
}

static void test_golden_json(void **state)
{
	(void)state;
	golden(OUT_JSON);
}

static void test_golden_csv(void **state)
{
	(void)state;
	golden(OUT_CSV);
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (; (hay = strstr(hay, needle)); hay++)
		n++;
	return n;
}

/* --no-process-cred --no-process-ns leave out exactly the objects
 * Tetragon leaves out without enable-process-cred/-ns, of the process,
 * the parent and every ancestor; the lines stay valid and the rest stays. */
static void test_json_without_cred_ns(void **state)
{
	char *full, *lean;
	size_t flen, llen;

	(void)state;
	full = format_all(OUT_JSON, fx_events, NFX, 0, &flen); /* its own buffer: the */
	lean_json = true; /* static pointer in format_all() is overwritten, not freed */
	lean = format_all(OUT_JSON, fx_events, NFX, 0, &llen);
	lean_json = false;
	check_output(OUT_JSON, lean, llen, NFX);
	assert_true(count(full, "\"cap\":{") > 0 && count(full, "\"ns\":{") > 0 &&
		    count(full, "\"process_credentials\":{") > 0);
	assert_int_equal(count(lean, "\"cap\":{"), 0);
	assert_int_equal(count(lean, "\"ns\":{"), 0);
	assert_int_equal(count(lean, "\"process_credentials\":{"), 0);
	assert_int_equal(count(lean, "\"exec_id\":"), count(full, "\"exec_id\":"));
	assert_int_equal(count(lean, "\"in_init_tree\":"), count(full, "\"in_init_tree\":"));
	assert_int_equal(count(lean, "\"tid\":"), count(full, "\"tid\":"));
	assert_true(llen < flen / 2);
	free(full);
	free(lean);
}

/* Capability and namespace memos: each line of one warm formatter, over
 * every fixture three times (more sets than slots), is the line a fresh
 * formatter writes for that event alone. */
static void test_json_memos_agree(void **state)
{
	static struct tr_event evs[3 * NFX];
	char *warm, *cold, *line;
	size_t wlen, clen, i, off = 0;

	(void)state;
	for (i = 0; i < 3 * NFX; i++)
		evs[i] = fx_events[i % NFX];
	warm = format_all(OUT_JSON, evs, 3 * NFX, 0, &wlen);
	for (i = 0; i < 3 * NFX; i++) {
		cold = format_all(OUT_JSON, &fx_events[i % NFX], 1, 0, &clen);
		assert_true(off + clen <= wlen);
		line = warm + off;
		assert_memory_equal(line, cold, clen);
		off += clen;
		free(cold);
	}
	assert_int_equal(off, wlen);
	free(warm);
}

/* --- hostile input ------------------------------------------------------ */

#define HUGE_ARG (64 * 1024)

/* Two 64 KiB arguments (plain and all ESC), a 64 KiB cwd of newlines. */
static struct proc_rec *huge_proc(void)
{
	static struct proc_rec p;
	static char args[2 * HUGE_ARG + 2], cwd[HUGE_ARG + 1];

	p = fx_evil;
	memset(args, 'A', HUGE_ARG);
	memset(args + HUGE_ARG + 1, 0x1b, HUGE_ARG);
	args[HUGE_ARG] = args[2 * HUGE_ARG + 1] = '\0';
	memset(cwd, '\n', HUGE_ARG);
	cwd[HUGE_ARG] = '\0';
	p.args = args;
	p.args_len = sizeof(args);
	p.argc = 2;
	p.cwd = cwd;
	return &p;
}

static void test_huge_event(void **state)
{
	struct tr_event ev[2] = {fx_events[7], fx_events[7]};
	size_t len;
	char *out;
	int fmt;

	(void)state;
	ev[0].proc = huge_proc();
	ev[1].parent = ev[0].proc;
	for (fmt = OUT_COMPACT; fmt <= OUT_CSV; fmt++) {
		out = format_all(fmt, ev, 2, 0, &len);
		check_output(fmt, out, len, 2);
		assert_non_null(memmem(out, len, "AAAAAAAAAAAAAAAA", 16));
		free(out);
	}
}

/* Any line size: the line is cut, never broken. */
static void test_truncation_sweep(void **state)
{
	struct tr_event ev[2] = {fx_events[7], fx_events[0]};
	size_t cap, len;
	char *out;
	int fmt;

	(void)state;
	for (fmt = OUT_COMPACT; fmt <= OUT_CSV; fmt++) {
		for (cap = 257; cap < 6000; cap += cap < 1200 ? 1 : 37) {
			out = format_all(fmt, ev, 2, cap, &len);
			check_output(fmt, out, len, 2);
			free(out);
		}
	}
}

/* The acceptance check's hostile argv, on one line in every format. */
static void test_forged_lines(void **state)
{
	size_t len;
	char *out, *line;
	int fmt;

	(void)state;
	for (fmt = OUT_COMPACT; fmt <= OUT_CSV; fmt++) {
		out = format_all(fmt, &fx_events[7], 1, 0, &len);
		line = out;
		if (fmt == OUT_CSV)
			line = strchr(out, '\n') + 1;
		assert_ptr_equal(strchr(line, '\n'), out + len - 1);
		assert_non_null(strstr(line, "chk-esc"));
		assert_non_null(strstr(line, "FORGED"));
		assert_null(memchr(out, 0x1b, len));
		free(out);
	}
}

/* --- policy events ------------------------------------------------------ */

#define FX_OPENAT_EVIL 10 /* fx_events[]: the hostile openat */
#define FX_EVIL_POLICY 25 /* fx_events[]: the hostile policy name */

/* Hostile strings in a policy event stay on one line in every format. */
static void test_hook_forged_lines(void **state)
{
	const size_t idx[] = {FX_OPENAT_EVIL, FX_EVIL_POLICY};
	size_t len, i;
	char *out, *line;
	int fmt;

	(void)state;
	assert_ptr_equal(fx_events[FX_OPENAT_EVIL].hook, &hk_openat);
	assert_ptr_equal(fx_events[FX_EVIL_POLICY].hook, &hk_binprm);
	for (i = 0; i < ARRAY_SIZE(idx); i++) {
		for (fmt = OUT_COMPACT; fmt <= OUT_CSV; fmt++) {
			out = format_all(fmt, &fx_events[idx[i]], 1, 0, &len);
			check_output(fmt, out, len, 1);
			line = out;
			if (fmt == OUT_CSV)
				line = strchr(out, '\n') + 1;
			assert_ptr_equal(strchr(line, '\n'), out + len - 1);
			assert_non_null(strstr(line, i ? "evil" : "FORGED"));
			assert_null(memchr(out, 0x1b, len));
			free(out);
		}
	}
}

/* Five 4 KiB arguments of escape bytes, a 4 KiB buffer: long, never broken. */
static void test_hook_huge(void **state)
{
	static char big[ARG_STR_MAX];
	static const struct tr_hook_info h = {
	    .kind = TR_KPROBE,
	    .policy_name = "huge",
	    .function_name = "__x64_sys_openat",
	    .nargs = 5,
	    .arg_type = {"string", "file", "path", "char_buf", "string"},
	    .has_ret = true,
	    .ret_type = "long"};
	struct tr_arg a[5];
	struct tr_event ev = fx_events[FX_OPENAT_EVIL];
	size_t len, cap;
	char *out;
	int fmt, i;

	(void)state;
	memset(big, 0x1b, sizeof(big));
	for (i = 0; i < 5; i++)
		a[i] = (struct tr_arg){.kind = i == 3 ? AK_BUF_USER : AK_STR_USER,
				       .flags = ARG_F_TRUNC,
				       .str = big,
				       .len = sizeof(big)};
	a[1].kind = AK_FILE;
	a[2].kind = AK_PATH;
	ev.hook = &h;
	ev.args = a;
	ev.nargs = 5;
	ev.proc = huge_proc();
	for (fmt = OUT_COMPACT; fmt <= OUT_CSV; fmt++) {
		out = format_all(fmt, &ev, 1, 0, &len);
		check_output(fmt, out, len, 1);
		free(out);
		for (cap = 257; cap < 3000; cap += 7) {
			out = format_all(fmt, &ev, 1, cap, &len);
			check_output(fmt, out, len, 1);
			free(out);
		}
	}
}

/* Every policy fixture, at any line size: cut, never broken. */
static void test_hook_truncation_sweep(void **state)
{
	size_t cap, len;
	char *out;
	int fmt;

	(void)state;
	for (fmt = OUT_COMPACT; fmt <= OUT_CSV; fmt++) {
		for (cap = 257; cap < 4000; cap += cap < 1500 ? 3 : 41) {
			out = format_all(fmt, &fx_events[8], NFX - 8, cap, &len);
			check_output(fmt, out, len, NFX - 8);
			free(out);
		}
	}
}

static char *one_line(enum out_format fmt, const struct tr_event *ev)
{
	size_t len;
	char *out = format_all(fmt, ev, 1, 0, &len);

	check_output(fmt, out, len, 1);
	return out;
}

/* The type name picks the key unless the kernel read something else. */
static void test_hook_arg_shapes(void **state)
{
	static const struct tr_hook_info h = {.kind = TR_KPROBE,
					      .policy_name = "p",
					      .function_name = "some_func",
					      .nargs = 5,
					      .arg_type = {"int", "fd", "nop", NULL, "sock"}};
	const struct tr_arg a[6] = {
	    {.kind = AK_FILE, .str = "/f", .len = 2}, /* int, but a file was read */
	    {.kind = AK_FD,
	     .flags = ARG_F_SOCK,
	     .sock = {.family = AF_UNIX, .type = 1}}, /* fd that is a unix socket */
	    {.kind = AK_NONE},			      /* nop: not printed */
	    {.kind = AK_UINT, .ival = 7},	      /* no type name: by kind */
	    {.kind = AK_SOCKADDR_USER,
	     .sock = {.family = AF_INET, .daddr = {1, 2, 3, 4}, .dport = 53}},
	    {.kind = 200}, /* beyond hook->nargs and unknown: not printed */
	};
	struct tr_event ev = fx_events[8];
	char *out;

	(void)state;
	ev.hook = &h;
	ev.args = a;
	ev.nargs = 6;
	out = one_line(OUT_JSON, &ev);
	assert_non_null(strstr(out,
			       "\"args\":[{\"file_arg\":{\"path\":\"/f\"}},"
			       "{\"sock_arg\":{\"family\":\"AF_UNIX\",\"type\":\"SOCK_STREAM\"}},"
			       "{\"size_arg\":\"7\"},"
			       "{\"sock_arg\":{\"family\":\"AF_INET\",\"saddr\":\"0.0.0.0\","
			       "\"daddr\":\"1.2.3.4\",\"dport\":53}}]"));
	free(out);
	out = one_line(OUT_COMPACT, &ev);
	assert_non_null(strstr(out, " \xf0\x9f\x94\x8d kprobe  host 4242 /usr/bin/true some_func "
				    "/f unix 7 0.0.0.0:0 -> 1.2.3.4:53 [p]\n"));
	free(out);
	out = one_line(OUT_CSV, &ev);
	assert_non_null(strstr(out, ",p,some_func,KPROBE_ACTION_POST,"
				    "int:/f; fd:unix; size_t:7; sock:0.0.0.0:0 -> 1.2.3.4:53,,1835009,1\n"));
	free(out);
}

/* An AF_UNIX sockaddr carries its path (connect to a runtime socket); an
 * abstract name prints as "@name", its bytes escaped like any string. */
static void test_sockaddr_unix(void **state)
{
	static const struct tr_hook_info h = {.kind = TR_KPROBE,
					      .policy_name = "docker-socket",
					      .function_name = "__x64_sys_connect",
					      .nargs = 2,
					      .arg_type = {"sockaddr", "sockaddr"},
					      .arg_label = {"address", NULL}};
	const struct tr_arg a[2] = {
	    {.kind = AK_SOCKADDR_USER, .flags = ARG_F_UNIX, .str = "/run/docker.sock", .len = 16,
	     .sock = {.family = AF_UNIX}},
	    {.kind = AK_SOCKADDR_USER, .flags = ARG_F_UNIX, .str = "@x\n]y", .len = 5,
	     .sock = {.family = AF_UNIX}},
	};
	struct tr_event ev = fx_events[8];
	char *out;

	(void)state;
	ev.hook = &h;
	ev.args = a;
	ev.nargs = 2;
	out = one_line(OUT_JSON, &ev);
	assert_non_null(strstr(out, "\"args\":[{\"sockaddr_arg\":{\"family\":\"AF_UNIX\","
				    "\"path\":\"/run/docker.sock\"},\"label\":\"address\"},"
				    "{\"sockaddr_arg\":{\"family\":\"AF_UNIX\",\"path\":\"@x\\n]y\"}}]"));
	free(out);
	out = one_line(OUT_COMPACT, &ev);
	/* a connect's line names the address it connects to */
	assert_non_null(
	    strstr(out, "connect host 4242 /usr/bin/true unix /run/docker.sock [docker-socket]\n"));
	free(out);
	out = one_line(OUT_CSV, &ev);
	/* the escaped name is quoted, as any string holding an escape */
	assert_non_null(strstr(out, "address:unix /run/docker.sock; sockaddr:unix '@x\\n]y',"));
	free(out);
}

/* A value "?" or "..." is quoted: those bare words mean unreadable and cut. */
static void test_hook_markers(void **state)
{
	static const struct tr_hook_info h = {.kind = TR_KPROBE,
					      .function_name = "__x64_sys_mount",
					      .nargs = 3,
					      .arg_type = {"string", "string", "string"}};
	const struct tr_arg a[3] = {
	    {.kind = AK_STR_USER, .str = "?", .len = 1},
	    {.kind = AK_STR_USER, .str = "...", .len = 3},
	    {.kind = AK_STR_USER, .flags = ARG_F_FAILED},
	};
	struct tr_event ev = fx_events[8];
	char *out;

	(void)state;
	ev.hook = &h;
	ev.args = a;
	ev.nargs = 3;
	out = one_line(OUT_COMPACT, &ev);
	assert_non_null(
	    strstr(out, " \xf0\x9f\x92\xbe mount   host 4242 /usr/bin/true '?' '...' ?\n"));
	free(out);
}

/* A policy event without its hook (a decoding bug) still prints. */
static void test_hook_missing(void **state)
{
	struct tr_event ev = fx_events[8];
	int fmt;
	char *out;

	(void)state;
	ev.hook = NULL;
	for (fmt = OUT_COMPACT; fmt <= OUT_CSV; fmt++) {
		out = one_line(fmt, &ev);
		free(out);
	}
}

/* --- containers --------------------------------------------------------- */

#define FX_POD_EXEC 26	  /* fx_events[]: curl in the pod prod/web-7d9c-x2x */
#define FX_POD_CONNECT 27 /* its tcp_connect */
#define FX_POD_EXIT 28	  /* its exit */
#define FX_DOCKER_EXEC 29 /* redis-server in the docker container redis-cache */
#define FX_BARE_EXEC 30	  /* a container known by its id alone */
#define FX_BARE_EXIT 31

/* The n-th space-separated token of a compact line (0: the time). */
static char *compact_token(const char *line, int n, char *out, size_t cap)
{
	const char *p = line, *e;

	while (n-- > 0) {
		p = strchr(p, ' ');
		assert_non_null(p);
		while (*p == ' ')
			p++;
	}
	e = p + strcspn(p, " \n");
	assert_true((size_t)(e - p) < cap);
	memcpy(out, p, e - p);
	out[e - p] = '\0';
	return out;
}

/* Compact: SCOPE is namespace/pod, else the container name, else the
 * short id; host and container (no container cgroup) otherwise. */
static void test_container_compact(void **state)
{
	static const struct {
		int idx;
		const char *scope;
	} want[] = {
	    {FX_POD_EXEC, "prod/web-7d9c-x2x"}, {FX_POD_CONNECT, "prod/web-7d9c-x2x"},
	    {FX_POD_EXIT, "prod/web-7d9c-x2x"}, {FX_DOCKER_EXEC, "redis-cache"},
	    {FX_BARE_EXEC, "0123456789ab"},	{FX_BARE_EXIT, "0123456789ab"},
	    {0, "host"},			{4, "container"},
	};
	char tok[128];
	size_t i, len;
	char *out;

	(void)state;
	assert_ptr_equal(fx_events[FX_POD_EXEC].proc->container, &ct_pod);
	assert_ptr_equal(fx_events[FX_BARE_EXIT].proc->container, &ct_bare);
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		out = format_all(OUT_COMPACT, &fx_events[want[i].idx], 1, 0, &len);
		assert_string_equal(compact_token(out, 3, tok, sizeof(tok)), want[i].scope);
		free(out);
	}
}

/* JSON: process.docker is the id's first 31 characters; process.pod has
 * the pod and its container, whose id carries the runtime's scheme as
 * Kubernetes writes it; a plain container has no pod (as in Tetragon) but
 * our "container" extension; a host process has neither. */
static void test_container_json(void **state)
{
	char want[512];
	size_t len;
	char *out, *p;

	(void)state;
	out = format_all(OUT_JSON, &fx_events[FX_POD_EXEC], 1, 0, &len);
	p = strstr(out, "\"docker\":\"");
	assert_non_null(p);
	p += strlen("\"docker\":\"");
	assert_int_equal(strcspn(p, "\""), 31);
	assert_memory_equal(p, ct_pod.id, 31);
	snprintf(want, sizeof(want),
		 "\"pod\":{\"namespace\":\"prod\",\"name\":\"web-7d9c-x2x\","
		 "\"uid\":\"7c1f6e2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b\",\"container\":{"
		 "\"id\":\"containerd://%s\",\"name\":\"web\",\"image\":{\"id\":\"%s\","
		 "\"name\":\"docker.io/library/nginx:1.27\"},\"pid\":7}}",
		 ct_pod.id, ct_pod.image_id);
	assert_non_null(strstr(out, want));
	/* the parent, in the same pod: pid 1 inside */
	assert_non_null(strstr(out, "\"pid\":1}},\"docker\":\"3f2a9c8e1b7d4f6a0c5e2b9d8a7f6e5\""));
	/* no "container" extension beside a pod: only pod.container, twice */
	p = strstr(out, "\"container\":{");
	assert_non_null(p);
	p = strstr(p + 1, "\"container\":{");
	assert_non_null(p);
	assert_null(strstr(p + 1, "\"container\":{"));
	free(out);

	out = format_all(OUT_JSON, &fx_events[FX_DOCKER_EXEC], 1, 0, &len);
	assert_null(strstr(out, "\"pod\""));
	assert_non_null(strstr(out, "\"container\":{\"id\":\"docker://b5e0d1c2"));
	assert_non_null(strstr(out, "\"name\":\"redis-cache\",\"image\":{\"id\":\"sha256:0e7c"));
	assert_non_null(strstr(out, "\"docker\":\"b5e0d1c2a3f4e5d6c7b8a9f0e1d2c3b\","));
	assert_null(strstr(out, "\"namespace\""));
	free(out);

	out = format_all(OUT_JSON, &fx_events[FX_BARE_EXEC], 1, 0, &len);
	snprintf(want, sizeof(want), "\"container\":{\"id\":\"cri-o://%s\",\"pid\":12}", ct_bare.id);
	assert_non_null(strstr(out, want));
	assert_null(strstr(out, "\"pod\""));
	free(out);

	out = format_all(OUT_JSON, &fx_events[0], 1, 0, &len);
	assert_null(strstr(out, "\"pod\""));
	assert_null(strstr(out, "\"docker\""));
	assert_null(strstr(out, "\"container\""));
	free(out);
}

/* Field col (0-based) of a CSV record, unquoted (RFC 4180: "" is one "). */
static void csv_field(const char *rec, int col, char *out, size_t cap)
{
	const char *p = rec;
	size_t n = 0;

	for (;;) {
		bool q = *p == '"';

		if (q)
			p++;
		while (*p && (q ? !(*p == '"' && p[1] != '"') : (*p != ',' && *p != '\n'))) {
			if (q && *p == '"')
				p++; /* the first of "" */
			if (!col) {
				assert_true(n + 1 < cap);
				out[n++] = *p;
			}
			p++;
		}
		if (q) {
			assert_true(*p == '"');
			p++;
		}
		if (!col)
			break;
		assert_true(*p == ',');
		p++;
		col--;
	}
	out[n] = '\0';
}

static int csv_col(const char *header, const char *name)
{
	char f[64];
	int i;

	for (i = 0; i < 64; i++) {
		csv_field(header, i, f, sizeof(f));
		if (!strcmp(f, name))
			return i;
	}
	fail_msg("CSV column %s missing", name);
	return -1;
}

/* CSV: docker, pod_namespace, pod_name, container_name, container_image
 * are filled for container processes, empty on the host. */
static void test_container_csv(void **state)
{
	static const char *const cols[] = {"docker", "pod_namespace", "pod_name", "container_name",
					   "container_image", "is_host"};
	static const struct {
		int idx;
		const char *v[ARRAY_SIZE(cols)];
	} want[] = {
	    {FX_POD_EXEC,
	     {"3f2a9c8e1b7d4f6a0c5e2b9d8a7f6e5", "prod", "web-7d9c-x2x", "web",
	      "docker.io/library/nginx:1.27", "false"}},
	    {FX_POD_EXIT,
	     {"3f2a9c8e1b7d4f6a0c5e2b9d8a7f6e5", "prod", "web-7d9c-x2x", "web",
	      "docker.io/library/nginx:1.27", "false"}},
	    {FX_DOCKER_EXEC,
	     {"b5e0d1c2a3f4e5d6c7b8a9f0e1d2c3b", "", "", "redis-cache", "redis:7.2", "false"}},
	    {FX_BARE_EXEC, {"0123456789abcdef0123456789abcde", "", "", "", "", "false"}},
	    {0, {"", "", "", "", "", "true"}},
	};
	char f[256];
	size_t i, k, len;
	char *out, *rec;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		out = format_all(OUT_CSV, &fx_events[want[i].idx], 1, 0, &len);
		rec = strchr(out, '\n') + 1;
		for (k = 0; k < ARRAY_SIZE(cols); k++) {
			csv_field(rec, csv_col(out, cols[k]), f, sizeof(f));
			assert_string_equal(f, want[i].v[k]);
		}
		free(out);
	}
}

/* Names from a runtime's state are untrusted: a hostile container name
 * stays one compact token and one line in every format, and in CSV one
 * quoted cell that reads back as the name (with its ',' and '"'). */
/* the cell as read back: controls escaped as text, "," and "\"" kept */
#define CSV_EVIL_CELL "a b\\n\\x1b[31mFORGED,\"x\"\\r\\t"
static void test_container_hostile(void **state)
{
	struct container_info ci = ct_docker;
	struct proc_rec p = fx_docker;
	struct tr_event ev = fx_events[FX_DOCKER_EXEC];
	static const char evil[] = "a b\n\x1b[31mFORGED,\"x\"\r\t";
	const char *s;
	char tok[128], cell[128];
	size_t len;
	char *out;
	int fmt;

	(void)state;
	p.container = &ci;
	ev.proc = &p;
	for (fmt = OUT_COMPACT; fmt <= OUT_CSV; fmt++) {
		s = evil;
		snprintf(ci.name, sizeof(ci.name), "%s", s);
		snprintf(ci.label, sizeof(ci.label), "%s", s);
		snprintf(ci.image, sizeof(ci.image), "%s", s);
		out = format_all(fmt, &ev, 1, 0, &len);
		check_output(fmt, out, len, 1);
		assert_null(memchr(out, 0x1b, len));
		assert_non_null(strstr(out, "FORGED"));
		if (fmt == OUT_COMPACT)
			assert_string_equal(compact_token(out, 4, tok, sizeof(tok)), "9100");
		if (fmt == OUT_CSV) {
			csv_field(strchr(out, '\n') + 1, csv_col(out, "container_name"), cell,
				  sizeof(cell));
			assert_string_equal(cell, CSV_EVIL_CELL);
			csv_field(strchr(out, '\n') + 1, csv_col(out, "container_image"), cell,
				  sizeof(cell));
			assert_string_equal(cell, CSV_EVIL_CELL);
		}
		free(out);
	}
}

static void test_format_parse(void **state)
{
	enum out_format f;

	(void)state;
	assert_int_equal(out_format_parse("compact", &f), 0);
	assert_int_equal(f, OUT_COMPACT);
	assert_int_equal(out_format_parse("json", &f), 0);
	assert_int_equal(f, OUT_JSON);
	assert_int_equal(out_format_parse("csv", &f), 0);
	assert_int_equal(f, OUT_CSV);
	assert_int_equal(out_format_parse("xml", &f), -1);
	assert_int_equal(out_format_parse("", &f), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_golden_compact),   cmocka_unit_test(test_golden_json),
	    cmocka_unit_test(test_golden_csv),	     cmocka_unit_test(test_json_without_cred_ns),
	    cmocka_unit_test(test_json_memos_agree),	     cmocka_unit_test(test_huge_event),
	    cmocka_unit_test(test_truncation_sweep), cmocka_unit_test(test_forged_lines),
	    cmocka_unit_test(test_format_parse),     cmocka_unit_test(test_hook_forged_lines),
	    cmocka_unit_test(test_hook_huge),	     cmocka_unit_test(test_hook_truncation_sweep),
	    cmocka_unit_test(test_hook_arg_shapes),
	    cmocka_unit_test(test_sockaddr_unix),  cmocka_unit_test(test_hook_markers),
	    cmocka_unit_test(test_hook_missing),     cmocka_unit_test(test_container_compact),
	    cmocka_unit_test(test_container_json),   cmocka_unit_test(test_container_csv),
	    cmocka_unit_test(test_container_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
