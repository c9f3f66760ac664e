// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* test_html.c - --html: hostile strings stay data in the report.
 *
 * html_json_safe() on its own (every character a <script> block must not
 * hold, and the JSON value unchanged), then whole reports written from the
 * golden fixtures and a process whose binary, arguments and host name try
 * to close the data block, open a script or break a table: every data block
 * holds no '<', parses as JSON, gives the hostile strings back as text, and
 * the file names nothing to fetch.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "output/escape.h"
#include "output/html.h"
#include "output/events/jsonr.h"
#include "tests/golden/fixtures.h"

static char *safe(const char *s, size_t n)
{
	char *out = malloc(6 * n + 1);

	out[html_json_safe(out, s, n)] = 0;
	return out;
}

static void test_json_safe_cases(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
	    {"plain /usr/bin/true", "plain /usr/bin/true"},
	    {"\"</script><script>alert(1)</script>\"",
	     "\"\\u003c/script\\u003e\\u003cscript\\u003ealert(1)\\u003c/script\\u003e\""},
	    {"a & b </tr> <!-- x -->", "a \\u0026 b \\u003c/tr\\u003e \\u003c!-- x --\\u003e"},
	    {"ls\xe2\x80\xa8x\xe2\x80\xa9y", "ls\\u2028x\\u2029y"},
	    {"caf\xc3\xa9 \xf0\x9f\x9a\x80 \xe2\x80\xa6",
	     "caf\xc3\xa9 \xf0\x9f\x9a\x80 \xe2\x80\xa6"},
	    {"cut \xe2\x80", "cut \xe2\x80"}, /* not a whole U+2028: left alone */
	    {"\\u003c stays", "\\u003c stays"},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = safe(cases[i].in, strlen(cases[i].in));

		assert_string_equal(got, cases[i].out);
		free(got);
	}
}

/* The escaped string is the same JSON value: a reader gets the bytes back. */
static void test_json_safe_same_value(void **state)
{
	static const char *const strs[] = {
	    "</script>",
	    "<img src=x onerror=alert(1)>",
	    "\"'`&amp;</tr></table>",
	    "line\xe2\x80\xa8sep",
	    "<!--<script>",
	    "]]></style>",
	};
	char buf[512], back[512];
	struct obuf o;
	struct jr_val v;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
		char *s;

		ob_init(&o, buf, sizeof(buf));
		ob_putc(&o, '"');
		esc_put(&o, strs[i], strlen(strs[i]), ESC_JSON, 0);
		ob_putc(&o, '"');
		s = safe(o.p, o.len);
		assert_null(strchr(s, '<'));
		assert_null(strchr(s, '>'));
		assert_null(strchr(s, '&'));
		assert_int_equal(jr_parse(s, strlen(s), 0, &v), 0);
		assert_true(jr_str(v, back, sizeof(back)) >= 0);
		assert_string_equal(back, strs[i]);
		free(s);
	}
}

#define EVIL_BIN "/tmp/</script><script>document.title='PWNED'</script>"
#define EVIL_HOST "<b>host</b></title><script>alert(1)</script>"

static const struct proc_rec evil = {
    .pid = 6666,
    .tid = 6666,
    .ppid = 1200,
    .nspid = 6666,
    .ns = HOST_NS,
    .start_ns = T0 + 7000000000,
    .ktime = 99000000000,
    .flags = PROC_F_EXECVE,
    .binary = EVIL_BIN,
    .cwd = "/",
    ARGS("\"quoted\"\0</tr><td>cell</td>\0</script>\0a&b\0nl\nx\xe2\x80\xa8y", 6),
};

static char *write_report(size_t *len)
{
	char path[] = "/tmp/test-html-XXXXXX", err[256], *buf;
	struct capture_info ci = {.host_name = EVIL_HOST,
				  .kernel_release = "6.1.0<br>",
				  .node_name = "node-a",
				  .tool_version = "0.1.0"};
	struct html_meta m = {.capture = "c.trc", .command = "tracer -r c.trc --html r.html"};
	struct html_report *h;
	struct tr_event ev;
	FILE *f;
	size_t i;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	close(fd);
	h = html_open(path, &fx_host, err, sizeof(err));
	assert_non_null(h);
	html_capture(h, &ci);
	for (i = 0; i < sizeof(fx_events) / sizeof(fx_events[0]); i++) {
		ev = fx_events[i];
		ev.parent = NULL; /* fixtures are no cache records */
		html_event(h, &ev, -1);
	}
	ev = (struct tr_event){.kind = TR_EXEC, .time_ns = T0 + 7000000000, .proc = &evil};
	html_event(h, &ev, -1);
	assert_int_equal(html_close(h, &m, err, sizeof(err)), 0);
	f = fopen(path, "r");
	assert_non_null(f);
	buf = calloc(1, 1 << 22);
	*len = fread(buf, 1, (1 << 22) - 1, f);
	fclose(f);
	unlink(path);
	return buf;
}

static int count(const char *hay, const char *needle)
{
	int n = 0;

	for (; (hay = strstr(hay, needle)); hay++)
		n++;
	return n;
}

/* A string of array arr equal to want? */
static bool holds(struct jr_val arr, const char *want)
{
	static char s[8192];
	struct jr_iter it = {0};
	struct jr_val v;

	while (jr_next(arr, &it, &v))
		if (jr_type(v) == JR_STR && jr_str(v, s, sizeof(s)) >= 0 && !strcmp(s, want))
			return true;
	return false;
}

/* Every data block: no '<' inside, valid JSON; the chunks hold the hostile
 * strings as text; the header's block the hostile host name. */
static void check_blocks(const char *doc, bool *bin, bool *args, bool *host)
{
	static const char open[] = "<script type=\"application/json\"";
	const char *p = doc, *body, *end;
	struct jr_val root, v;

	while ((p = strstr(p, open))) {
		body = strchr(p, '>') + 1;
		end = strstr(body, "</script>");
		assert_non_null(end);
		assert_null(memchr(body, '<', end - body));
		assert_int_equal(jr_parse(body, end - body, 0, &root), 0);
		if (jr_get(root, "s", &v)) {
			*bin |= holds(v, EVIL_BIN);
			*args |= holds(v, "'\"quoted\"' </tr><td>cell</td> </script> a&b "
					  "'nl\\nx\\xe2\\x80\\xa8y'");
		}
		if (jr_get(root, "host", &v))
			*host = jr_str_eq(v, EVIL_HOST);
		p = end;
	}
}

static void test_report_keeps_hostile_strings_as_data(void **state)
{
	bool bin = false, args = false, host = false;
	size_t len;
	char *doc = write_report(&len);

	(void)state;
	assert_true(len > 1000);
	assert_int_equal(count(doc, "<script"), count(doc, "</script>"));
	assert_int_equal(count(doc, "<script>"), 1); /* the page's own, and only it */
	check_blocks(doc, &bin, &args, &host);
	assert_true(bin);
	assert_true(args);
	assert_true(host);
	assert_null(strstr(doc, "PWNED'</script>"));
	free(doc);
}

/* Nothing in the file names anything to load. */
static void test_report_fetches_nothing(void **state)
{
	static const char *const bad[] = {"src=", "href=", "http:", "https:",  "@import",
					  "url(", "//cdn", "<link", "<iframe", "<img"};
	size_t len, i;
	char *doc = write_report(&len), *p, *end;

	(void)state;
	/* the data blocks hold no markup (above); the page around them: */
	while ((p = strstr(doc, "<script type=\"application/json\""))) {
		end = strstr(p, "</script>") + strlen("</script>");
		memmove(p, end, strlen(end) + 1);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_null(strstr(doc, bad[i]));
	assert_non_null(strstr(doc, "Content-Security-Policy"));
	assert_non_null(strstr(doc, "default-src 'none'"));
	free(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_json_safe_cases),
	    cmocka_unit_test(test_json_safe_same_value),
	    cmocka_unit_test(test_report_keeps_hostile_strings_as_data),
	    cmocka_unit_test(test_report_fetches_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
