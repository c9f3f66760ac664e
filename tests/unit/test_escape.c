// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* test_escape.c - the byte sanitiser, the line buffer and the JSON writer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "bpf/events.h"
#include "output/escape.h"
#include "output/format_args.h"
#include "output/format_names.h"
#include "output/jsonw.h"

#define S(lit) lit, sizeof(lit) - 1

struct esc_case {
	const char *in;
	size_t n;
	enum esc_mode mode;
	unsigned int flags;
	const char *want;
};

/* clang-format off */
static const struct esc_case cases[] = {
	/* text: controls, backslash, invalid and dangerous UTF-8 */
	{ S("plain/path-1.0"), ESC_TEXT, 0, "plain/path-1.0" },
	{ S("a\nb\rc\td"), ESC_TEXT, 0, "a\\nb\\rc\\td" },
	{ S("\x1b[31mred"), ESC_TEXT, 0, "\\x1b[31mred" },
	{ S("bel\x07" "del\x7f"), ESC_TEXT, 0, "bel\\x07del\\x7f" },
	{ S("nul\0in"), ESC_TEXT, 0, "nul\\x00in" },
	{ S("back\\slash"), ESC_TEXT, 0, "back\\\\slash" },
	{ S("\xff\xfe"), ESC_TEXT, 0, "\\xff\\xfe" },
	{ S("\xc0\xaf"), ESC_TEXT, 0, "\\xc0\\xaf" }, /* overlong '/' */
	{ S("\xe0\x80\xaf"), ESC_TEXT, 0, "\\xe0\\x80\\xaf" }, /* overlong */
	{ S("\xed\xa0\x80"), ESC_TEXT, 0, "\\xed\\xa0\\x80" }, /* surrogate */
	{ S("\xf4\x90\x80\x80"), ESC_TEXT, 0, "\\xf4\\x90\\x80\\x80" },
	{ S("cut\xe6\x97"), ESC_TEXT, 0, "cut\\xe6\\x97" },
	{ S("\xc2\x9b" "31m"), ESC_TEXT, 0, "\\xc2\\x9b31m" }, /* C1 CSI */
	{ S("\xe2\x80\xae"), ESC_TEXT, 0, "\\xe2\\x80\\xae" }, /* RLO */
	{ S("h\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x9a\x80"), ESC_TEXT, 0,
	  "h\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x9a\x80" },
	{ S("it's \"q\""), ESC_TEXT, 0, "it's \"q\"" },
	{ S("it's"), ESC_TEXT, ESC_F_SQUOTE, "it\\'s" },
	{ S("a b"), ESC_TEXT, ESC_F_SPACE, "a\\x20b" },
	{ S("say \"hi\""), ESC_TEXT, ESC_F_CSVQ, "say \"\"hi\"\"" },
	/* JSON */
	{ S("a\"b\\c/d"), ESC_JSON, 0, "a\\\"b\\\\c/d" },
	{ S("\n\r\t\b\f"), ESC_JSON, 0, "\\n\\r\\t\\b\\f" },
	{ S("\x01\x1b\x1f\x7f"), ESC_JSON, 0, "\\u0001\\u001b\\u001f\\u007f" },
	{ S("\0"), ESC_JSON, 0, "\\u0000" },
	{ S("\xff"), ESC_JSON, 0, "\\\\xff" },
	{ S("\xc0\xaf"), ESC_JSON, 0, "\\\\xc0\\\\xaf" },
	{ S("\xc2\x9b"), ESC_JSON, 0, "\\u009b" },
	{ S("\xe2\x80\xa8"), ESC_JSON, 0, "\\u2028" },
	{ S("\xe2\x81\xa6"), ESC_JSON, 0, "\\u2066" },
	{ S("h\xc3\xa9"), ESC_JSON, 0, "h\xc3\xa9" },
	{ S("it's"), ESC_JSON, ESC_F_SQUOTE, "it's" },
	/* JSON of the text form (arguments) */
	{ S("a\nb"), ESC_JSON, ESC_F_VISIBLE, "a\\\\nb" },
	{ S("\"\\"), ESC_JSON, ESC_F_VISIBLE, "\\\"\\\\\\\\" },
	{ S("it's"), ESC_JSON, ESC_F_VISIBLE | ESC_F_SQUOTE, "it\\\\'s" },
	{ S("\xff"), ESC_JSON, ESC_F_VISIBLE, "\\\\xff" },
};
/* clang-format on */

static size_t render(char *buf, size_t cap, size_t lim, const char *s, size_t n, enum esc_mode mode,
		     unsigned int flags)
{
	struct obuf o;

	ob_init(&o, buf, cap);
	o.lim = lim < o.lim ? lim : o.lim;
	esc_put(&o, s, n, mode, flags);
	return o.len;
}

static void test_esc_cases(void **state)
{
	char buf[1024];
	size_t i, len;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		len = render(buf, sizeof(buf), sizeof(buf), cases[i].in, cases[i].n, cases[i].mode,
			     cases[i].flags);
		buf[len] = '\0';
		if (strcmp(buf, cases[i].want))
			print_error("case %zu: got [%s] want [%s]\n", i, buf, cases[i].want);
		assert_string_equal(buf, cases[i].want);
	}
}

/* Every output byte is printable ASCII or part of valid UTF-8. */
static void test_esc_no_control_bytes(void **state)
{
	char in[256], buf[4096];
	size_t i, len;
	int mode;

	(void)state;
	for (i = 0; i < sizeof(in); i++)
		in[i] = (char)i;
	for (mode = ESC_TEXT; mode <= ESC_JSON; mode++) {
		len = render(buf, sizeof(buf), sizeof(buf), in, sizeof(in), mode, 0);
		for (i = 0; i < len; i++) {
			unsigned char c = buf[i];

			assert_true(c >= 0x20 && c < 0x7f);
		}
	}
}

/* A full buffer never cuts an escape or a UTF-8 sequence in two. */
static void test_esc_truncation_on_unit_boundary(void **state)
{
	static const char in[] = "a\xc3\xa9\n\xff\xe6\x97\xa5\x1b"
				 "b\xc2\x9b";
	char full[256], part[256], pre[256];
	size_t lim, j, len, plen, flen;
	int mode, ok;

	(void)state;
	for (mode = ESC_TEXT; mode <= ESC_JSON; mode++) {
		flen = render(full, sizeof(full), sizeof(full), in, sizeof(in) - 1, mode, 0);
		for (lim = 0; lim <= flen; lim++) {
			len = render(part, sizeof(part), lim, in, sizeof(in) - 1, mode, 0);
			assert_true(len <= lim);
			for (ok = 0, j = 0; j < sizeof(in) && !ok; j++) {
				plen = render(pre, sizeof(pre), sizeof(pre), in, j, mode, 0);
				ok = plen == len && !memcmp(pre, part, len);
			}
			assert_true(ok);
		}
	}
}

static void test_utf8_seq_len(void **state)
{
	uint32_t cp;

	(void)state;
	assert_int_equal(utf8_seq_len((const unsigned char *)"A", 1, &cp), 1);
	assert_int_equal(utf8_seq_len((const unsigned char *)"\xc3\xa9", 2, &cp), 2);
	assert_int_equal(cp, 0xe9);
	assert_int_equal(utf8_seq_len((const unsigned char *)"\xe6\x97\xa5", 3, &cp), 3);
	assert_int_equal(cp, 0x65e5);
	assert_int_equal(utf8_seq_len((const unsigned char *)"\xf0\x9f\x9a\x80", 4, &cp), 4);
	assert_int_equal(cp, 0x1f680);
	assert_int_equal(utf8_seq_len((const unsigned char *)"\xc3\xa9", 1, &cp), 0);
	assert_int_equal(utf8_seq_len((const unsigned char *)"\xc1\xbf", 2, &cp), 0);
	assert_int_equal(utf8_seq_len((const unsigned char *)"\xe0\x9f\xbf", 3, &cp), 0);
	assert_int_equal(utf8_seq_len((const unsigned char *)"\xed\xbf\xbf", 3, &cp), 0);
	assert_int_equal(utf8_seq_len((const unsigned char *)"\xf0\x8f\xbf\xbf", 4, &cp), 0);
	assert_int_equal(utf8_seq_len((const unsigned char *)"\xf4\x90\x80\x80", 4, &cp), 0);
	assert_int_equal(utf8_seq_len((const unsigned char *)"\xf5\x80\x80\x80", 4, &cp), 0);
	assert_int_equal(utf8_seq_len((const unsigned char *)"\x80", 1, &cp), 0);
	assert_int_equal(utf8_seq_len((const unsigned char *)"\xe6\x41\xa5", 3, &cp), 0);
}

static void test_csv_needs_quotes(void **state)
{
	(void)state;
	assert_false(csv_needs_quotes(S("/usr/bin/true")));
	assert_false(csv_needs_quotes(S("")));
	assert_false(csv_needs_quotes(S("a b")));
	assert_true(csv_needs_quotes(S("a,b")));
	assert_true(csv_needs_quotes(S("a\"b")));
	assert_true(csv_needs_quotes(S(" lead")));
	assert_true(csv_needs_quotes(S("trail ")));
	assert_true(csv_needs_quotes(S("a\nb")));
}

static void test_ob_u64(void **state)
{
	char buf[512];
	struct obuf o;

	(void)state;
	ob_init(&o, buf, sizeof(buf));
	ob_u64(&o, 0, 0);
	ob_putc(&o, ' ');
	ob_u64(&o, 7, 3);
	ob_putc(&o, ' ');
	ob_u64(&o, UINT64_MAX, 0);
	ob_force(&o, "", 1);
	assert_string_equal(buf, "0 007 18446744073709551615");
}

/* A writer over buf with its outermost object open. */
static void jw_object(struct jsonw *w, struct obuf *o, char *buf, size_t n)
{
	ob_init(o, buf, n);
	jw_init(w, o);
	jw_open(w, NULL, '{');
}

/* The two-digits-at-a-time conversion agrees with printf everywhere a
 * digit count changes, and over a dense range. */
static void test_ob_u64_sweep(void **state)
{
	char buf[512], want[64];
	struct obuf o;
	uint64_t v, p;
	int width;

	(void)state;
	for (v = 0; v < 200000; v += 7) {
		for (width = 0; width <= 8; width += 8) {
			ob_init(&o, buf, sizeof(buf));
			ob_u64(&o, v, width);
			ob_force(&o, "", 1);
			snprintf(want, sizeof(want), "%0*llu", width, (unsigned long long)v);
			assert_string_equal(buf, want);
		}
	}
	for (p = 1; p && p <= UINT64_MAX / 10; p *= 10) {
		for (v = p - 1; v <= p + 1; v++) {
			ob_init(&o, buf, sizeof(buf));
			ob_u64(&o, v, 0);
			ob_force(&o, "", 1);
			snprintf(want, sizeof(want), "%llu", (unsigned long long)v);
			assert_string_equal(buf, want);
		}
	}
}

/* Keys are literals and go out as they are; a key from outside (a
 * --node-label) is escaped like any string. */
static void test_jsonw_keyed(void **state)
{
	char buf[512];
	struct obuf o;
	struct jsonw w;

	(void)state;
	jw_object(&w, &o, buf, sizeof(buf));
	jw_u64(&w, "a", 1);
	jw_str_keyed(&w, "k\"}\n", 4, "v\"", 2);
	jw_finish(&w);
	ob_force(&o, "", 1);
	assert_string_equal(buf, "{\"a\":1,\"k\\\"}\\n\":\"v\\\"\"}");
}

static const char *caps_json(char *buf, size_t lim, uint64_t set, struct caps_memo *memo)
{
	struct obuf o;
	struct jsonw w;

	ob_init(&o, buf, 4096);
	o.lim = lim;
	jw_init(&w, &o);
	jw_open(&w, NULL, '{');
	json_caps(&w, "permitted", set, memo);
	jw_finish(&w);
	ob_force(&o, "", 1);
	return buf;
}

/* A memoised capability list prints what the plain loop prints, across
 * more sets than the memo has slots and on a line too short for it. */
static void test_caps_memo(void **state)
{
	static const uint64_t sets[] = {~0ull, 0x1ffffffffffull, 1, 2, 0x3000, 1ull << 63, 0, 1};
	static struct caps_memo memo; /* zeroed: every slot unused */
	char a[4096], b[4096];
	size_t i, k;

	(void)state;
	for (k = 0; k < 3; k++)
		for (i = 0; i < sizeof(sets) / sizeof(sets[0]); i++)
			assert_string_equal(caps_json(a, 3800, sets[i], &memo),
					    caps_json(b, 3800, sets[i], NULL));
	assert_string_equal(caps_json(a, 3800, 3, &memo),
			    "{\"permitted\":[\"CAP_CHOWN\",\"DAC_OVERRIDE\"]}");
	/* no room for the whole list: as many names as fit, as without */
	assert_string_equal(caps_json(a, 30, 3, &memo), "{\"permitted\":[\"CAP_CHOWN\"]}");
}

static void test_ob_numbers(void **state)
{
	char buf[512];
	struct obuf o;

	(void)state;
	ob_init(&o, buf, sizeof(buf));
	ob_i64(&o, 0);
	ob_putc(&o, ' ');
	ob_i64(&o, -36);
	ob_putc(&o, ' ');
	ob_i64(&o, INT64_MIN);
	ob_putc(&o, ' ');
	ob_i64(&o, INT64_MAX);
	ob_putc(&o, ' ');
	ob_hex(&o, 0x1ffffffffffull, 16);
	ob_putc(&o, ' ');
	ob_hex(&o, UINT64_MAX, 16);
	ob_putc(&o, ' ');
	ob_hex(&o, 0, 1);
	ob_force(&o, "", 1);
	assert_string_equal(buf, "0 -36 -9223372036854775808 9223372036854775807 "
				 "000001ffffffffff ffffffffffffffff 0");
}

/* RFC 4648 section 10 test vectors, and a cut at a 4-character unit. */
static void test_ob_base64(void **state)
{
	static const char *const want[] = {"",	       "Zg==",	   "Zm8=",    "Zm9v",
					   "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
	char buf[512];
	struct obuf o;
	size_t i;

	(void)state;
	for (i = 0; i < 7; i++) {
		ob_init(&o, buf, sizeof(buf));
		assert_true(ob_base64(&o, "foobar", i));
		ob_force(&o, "", 1);
		assert_string_equal(buf, want[i]);
	}
	ob_init(&o, buf, sizeof(buf));
	assert_true(ob_base64(&o, "\x00\xff\xfe", 3));
	ob_force(&o, "", 1);
	assert_string_equal(buf, "AP/+");
	ob_init(&o, buf, sizeof(buf));
	o.lim = 6;
	assert_false(ob_base64(&o, "foobar", 6));
	ob_force(&o, "", 1);
	assert_string_equal(buf, "Zm9v");
}

static void test_jsonw_numbers(void **state)
{
	char buf[512];
	struct obuf o;
	struct jsonw w;

	(void)state;
	jw_object(&w, &o, buf, sizeof(buf));
	jw_i64(&w, "i", -1);
	jw_u64_str(&w, "u", UINT64_MAX);
	jw_i64_str(&w, "l", INT64_MIN);
	jw_str_cstr(&w, "s", NULL);
	jw_str_cstr(&w, "t", "a\"b");
	jw_finish(&w);
	ob_force(&o, "", 1);
	assert_string_equal(buf, "{\"i\":-1,\"u\":\"18446744073709551615\","
				 "\"l\":\"-9223372036854775808\",\"s\":\"\",\"t\":\"a\\\"b\"}");
}

static const char *jw_run(char *buf, size_t lim)
{
	struct obuf o;
	struct jsonw w;

	ob_init(&o, buf, 512);
	o.lim = lim;
	jw_init(&w, &o);
	jw_open(&w, NULL, '{');
	jw_u64(&w, "a", 1);
	jw_open(&w, "obj", '{');
	jw_bool(&w, "t", true);
	jw_close(&w);
	jw_open(&w, "arr", '[');
	jw_str(&w, NULL, S("x"));
	jw_str(&w, NULL, S("long string\n"));
	jw_close(&w);
	jw_u64(&w, "z", 26);
	jw_finish(&w);
	ob_force(&o, "", 1);
	return buf;
}

static void test_jsonw(void **state)
{
	static const char full[] = "{\"a\":1,\"obj\":{\"t\":true},\"arr\":[\"x\","
				   "\"long string\\n\"],\"z\":26}";
	char buf[512];

	(void)state;
	assert_string_equal(jw_run(buf, 400), full);
	assert_string_equal(jw_run(buf, 0), "{}");
	assert_string_equal(jw_run(buf, 6), "{\"a\":1}");
	assert_string_equal(jw_run(buf, 13), "{\"a\":1}");
	assert_string_equal(jw_run(buf, 14), "{\"a\":1,\"obj\":{}}");
	assert_string_equal(jw_run(buf, 35), "{\"a\":1,\"obj\":{\"t\":true},\"arr\":[\"x\"]}");
	assert_string_equal(jw_run(buf, 40),
			    "{\"a\":1,\"obj\":{\"t\":true},\"arr\":[\"x\",\"long\"]}");
	assert_string_equal(jw_run(buf, 57),
			    "{\"a\":1,\"obj\":{\"t\":true},\"arr\":[\"x\",\"long string\\n\"]}");
}

static void test_names(void **state)
{
	char buf[16];

	(void)state;
	assert_string_equal(signal_name(9, buf, sizeof(buf)), "SIGKILL");
	assert_string_equal(signal_name(15, buf, sizeof(buf)), "SIGTERM");
	assert_string_equal(signal_name(11, buf, sizeof(buf)), "SIGSEGV");
	assert_string_equal(signal_name(40, buf, sizeof(buf)), "SIG40");
	assert_string_equal(cap_name(0, buf, sizeof(buf)), "CAP_CHOWN");
	assert_string_equal(cap_name(21, buf, sizeof(buf)), "CAP_SYS_ADMIN");
	assert_string_equal(cap_name(39, buf, sizeof(buf)), "CAP_BPF");
	assert_string_equal(cap_name(40, buf, sizeof(buf)), "CAP_CHECKPOINT_RESTORE");
	assert_string_equal(cap_name(41, buf, sizeof(buf)), "CAP_41");
	assert_string_equal(action_name(HA_POST), "KPROBE_ACTION_POST");
	assert_string_equal(action_name(HA_COPYFD), "KPROBE_ACTION_COPYFD");
	assert_string_equal(action_name(0), "KPROBE_ACTION_UNKNOWN");
	assert_string_equal(action_name(200), "KPROBE_ACTION_UNKNOWN");
	assert_string_equal(af_name(AF_INET6, buf, sizeof(buf)), "AF_INET6");
	assert_string_equal(af_name(99, buf, sizeof(buf)), "99");
	assert_string_equal(sock_type_name(2, buf, sizeof(buf)), "SOCK_DGRAM");
	assert_string_equal(ipproto_name(17, buf, sizeof(buf)), "IPPROTO_UDP");
	assert_string_equal(ipproto_name(1000, buf, sizeof(buf)), "1000");
	assert_string_equal(tcp_state_name(2, buf, sizeof(buf)), "TCP_SYN_SENT");
	assert_string_equal(tcp_state_name(0, buf, sizeof(buf)), "0");
}

/* Tetragon's permission: ls's letters, special bits in the execute slot. */
static void test_mode_text(void **state)
{
	char buf[MODE_TEXT_LEN];

	(void)state;
	assert_string_equal(mode_text(0100644, buf, sizeof(buf)), "-rw-r--r--");
	assert_string_equal(mode_text(0104755, buf, sizeof(buf)), "-rwsr-xr-x");
	assert_string_equal(mode_text(0102644, buf, sizeof(buf)), "-rw-r-Sr--");
	assert_string_equal(mode_text(0041777, buf, sizeof(buf)), "drwxrwxrwt");
	assert_string_equal(mode_text(0041776, buf, sizeof(buf)), "drwxrwxrwT");
	assert_string_equal(mode_text(0120777, buf, sizeof(buf)), "lrwxrwxrwx");
	assert_string_equal(mode_text(0020620, buf, sizeof(buf)), "crw--w----");
	assert_string_equal(mode_text(0140755, buf, sizeof(buf)), "srwxr-xr-x");
	assert_string_equal(mode_text(0010600, buf, sizeof(buf)), "prw-------");
	assert_string_equal(mode_text(0060660, buf, sizeof(buf)), "brw-rw----");
	assert_string_equal(mode_text(0000644, buf, sizeof(buf)), "rw-r--r--"); /* no type */
	assert_string_equal(mode_text(0100644, buf, 4), "-rw");
}

static void ip6_case(const char *text)
{
	char buf[IP_TEXT_LEN];
	uint8_t a[16];

	assert_int_equal(inet_pton(AF_INET6, text, a), 1);
	assert_string_equal(ip_text(AF_INET6, a, buf, sizeof(buf)), text);
}

/* RFC 5952 forms, and agreement with glibc's inet_ntop() wherever glibc
 * does not use its (deprecated) IPv4-compatible ::a.b.c.d form. */
static void test_ip_text(void **state)
{
	char buf[IP_TEXT_LEN], want[INET6_ADDRSTRLEN];
	static const uint8_t v4[4] = {192, 168, 0, 255};
	uint8_t a[16];
	int i, j;

	(void)state;
	assert_string_equal(ip_text(AF_INET, v4, buf, sizeof(buf)), "192.168.0.255");
	assert_string_equal(ip_text(AF_UNIX, v4, buf, sizeof(buf)), "");
	ip6_case("::");
	ip6_case("::1");
	ip6_case("1::");
	ip6_case("2001:db8::1");
	ip6_case("2001:db8:0:1:1:1:1:1"); /* one zero group stays */
	ip6_case("2001:db8::1:0:0:1");	  /* first of two equal runs */
	ip6_case("2001:0:0:1::1");	  /* the longest run */
	ip6_case("::ffff:10.0.0.1");
	ip6_case("fe80::abcd:ef01:2345:6789");
	ip6_case("1:2:3:4:5:6:7:8");
	srand(42);
	for (i = 0; i < 20000; i++) {
		for (j = 0; j < 16; j++)
			a[j] = rand() % 3 ? 0 : rand();
		if (!memcmp(a, "\0\0\0\0\0\0\0\0\0\0\0\0", 12))
			continue;
		assert_non_null(inet_ntop(AF_INET6, a, want, sizeof(want)));
		assert_string_equal(ip_text(AF_INET6, a, buf, sizeof(buf)), want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_esc_cases),
	    cmocka_unit_test(test_esc_no_control_bytes),
	    cmocka_unit_test(test_esc_truncation_on_unit_boundary),
	    cmocka_unit_test(test_utf8_seq_len),
	    cmocka_unit_test(test_csv_needs_quotes),
	    cmocka_unit_test(test_ob_u64),
	    cmocka_unit_test(test_ob_u64_sweep),
	    cmocka_unit_test(test_jsonw_keyed),
	    cmocka_unit_test(test_caps_memo),
	    cmocka_unit_test(test_jsonw),
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_ob_numbers),
	    cmocka_unit_test(test_ob_base64),
	    cmocka_unit_test(test_jsonw_numbers),
	    cmocka_unit_test(test_ip_text),
	    cmocka_unit_test(test_mode_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
