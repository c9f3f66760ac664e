/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* test_proc_cache.c - process cache and record decoding, without a kernel. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "output/events/decode.h"
#include "output/events/proc_cache.h"

static const struct proc_rec *put(struct proc_cache *c, uint32_t pid, uint32_t ppid,
				  const char *bin)
{
	struct proc_rec r = {.pid = pid, .tid = pid, .ppid = ppid};
	struct proc_strings s = {bin, strlen(bin), "/", 1, "", 0, 0, "/user.slice", 11, "", 0};

	return proc_cache_put(c, &r, &s);
}

static void test_put_get_parent(void **state)
{
	struct proc_cache *c = proc_cache_new(16);
	const struct proc_rec *p, *k;

	(void)state;
	p = put(c, 10, 1, "/bin/sh");
	k = put(c, 11, 10, "/usr/bin/true");
	assert_non_null(p);
	assert_ptr_equal(proc_cache_get(c, 11), k);
	assert_ptr_equal(proc_cache_parent(k), p);
	assert_string_equal(proc_cache_parent(k)->binary, "/bin/sh");
	assert_null(proc_cache_parent(p)); /* pid 1 unknown */
	proc_cache_free(c);
}

static void test_parent_outlives_its_exit(void **state)
{
	struct proc_cache *c = proc_cache_new(16);
	const struct proc_rec *k;

	(void)state;
	put(c, 10, 1, "/bin/sh");
	k = put(c, 11, 10, "/usr/bin/true");
	proc_cache_del(c, 10);
	assert_null(proc_cache_get(c, 10));
	/* the child still reaches its exited parent's record */
	assert_string_equal(proc_cache_parent(k)->binary, "/bin/sh");
	/* a new process may reuse pid 10 without touching the old record */
	put(c, 10, 1, "/usr/bin/new");
	assert_string_equal(proc_cache_parent(k)->binary, "/bin/sh");
	proc_cache_free(c);
}

static void test_bounded_under_churn(void **state)
{
	struct proc_cache *c = proc_cache_new(100);
	uint32_t i;

	(void)state;
	put(c, 1, 0, "/sbin/init");
	for (i = 2; i < 200000; i++) {
		put(c, i, 1, "/usr/bin/true");
		if (i % 3)
			proc_cache_del(c, i);
	}
	assert_true(proc_cache_live(c) <= 100);
	assert_true(proc_cache_evicted(c) > 0);
	proc_cache_free(c);
}

/* Issue 14.3: a fork/exit chain kept every dead ancestor alive. */
static void test_fork_exit_chain_is_bounded(void **state)
{
	struct proc_cache *c = proc_cache_new(65536);
	const struct proc_rec *k = NULL;
	uint32_t i;

	(void)state;
	put(c, 1000, 1, "/bin/bash");
	for (i = 0; i < 80000; i++) {
		k = put(c, 1001 + i, 1000 + i, "/bin/bash");
		proc_cache_del(c, 1000 + i);
	}
	assert_int_equal(proc_cache_live(c), 1);
	/* the last child, its dead parent and the ring of recent exits */
	assert_true(proc_cache_bytes(c) < (PROC_EXITED_KEEP + 2) * 2048);
	assert_string_equal(proc_cache_parent(k)->binary, "/bin/bash");
	assert_null(proc_cache_parent(proc_cache_parent(k)));
	proc_cache_free(c);
}

/* An event after its process's exit (a relay shell reported when its
 * last relay connects) still finds the record, for a bounded while. */
static void test_exited_record_stays_findable(void **state)
{
	struct proc_cache *c = proc_cache_new(16);
	uint32_t i;

	(void)state;
	put(c, 10, 1, "/bin/sh");
	put(c, 11, 10, "/usr/bin/true");
	proc_cache_del(c, 11);
	assert_null(proc_cache_get(c, 11));
	assert_string_equal(proc_cache_get_exited(c, 11)->binary, "/usr/bin/true");
	assert_null(proc_cache_parent(proc_cache_get_exited(c, 11)));
	put(c, 11, 10, "/usr/bin/reused"); /* the newest exit of a pid wins */
	proc_cache_del(c, 11);
	assert_string_equal(proc_cache_get_exited(c, 11)->binary, "/usr/bin/reused");
	for (i = 100; i < 100 + PROC_EXITED_KEEP; i++) {
		put(c, i, 10, "/usr/bin/true");
		proc_cache_del(c, i);
	}
	assert_null(proc_cache_get_exited(c, 11)); /* pushed out of the ring */
	assert_non_null(proc_cache_get_exited(c, 100 + PROC_EXITED_KEEP - 1));
	assert_int_equal(proc_cache_live(c), 1);
	proc_cache_free(c);
}

/* Issue 14.2: cwd + relative binary + argv larger than the largest class
 * was dropped (NULL); now it is stored, cut if need be, and flagged. */
static void test_oversized_record_is_cut_not_dropped(void **state)
{
	static char big[70000];
	struct proc_cache *c = proc_cache_new(16);
	struct proc_rec r = {.pid = 7, .tid = 7, .ppid = 1};
	struct proc_strings s = {"/bin/x", 6, big, 8000, big, 8000, 0, big, 60000, "", 0};
	const struct proc_rec *p;

	(void)state;
	memset(big, 'a', sizeof(big));
	p = proc_cache_put(c, &r, &s);
	assert_non_null(p);
	assert_string_equal(p->binary, "/bin/x");
	assert_true(p->flags & PROC_F_ARGS_TRUNC);
	assert_int_equal(proc_cache_truncated(c), 1);
	assert_true(strlen(p->cwd) + strlen(p->cgroup) + p->args_len < 5 * 4096);
	proc_cache_free(c);
}

/* The byte bound: 65,536 huge records fit in PROC_CACHE_MAX_BYTES, the
 * least recently used are evicted and counted. */
static void test_byte_bound(void **state)
{
	static char big[12000];
	struct proc_cache *c = proc_cache_new(65536);
	struct proc_strings s = {"/bin/x", 6, "/", 1, big, sizeof(big), 1, "", 0, "", 0};
	uint32_t i;

	(void)state;
	memset(big, 'a', sizeof(big));
	for (i = 0; i < 65536; i++) {
		struct proc_rec r = {.pid = 100 + i, .tid = 100 + i, .ppid = 99 + i};

		assert_non_null(proc_cache_put(c, &r, &s));
		assert_true(proc_cache_bytes(c) <= PROC_CACHE_MAX_BYTES + 5 * 4096 + 512);
	}
	assert_true(proc_cache_evicted(c) > 60000);
	assert_non_null(proc_cache_get(c, 100 + 65535));
	proc_cache_free(c);
}

static void test_relink_after_scan(void **state)
{
	struct proc_cache *c = proc_cache_new(16);
	const struct proc_rec *k;

	(void)state;
	k = put(c, 5, 50, "/child"); /* parent scanned later (pid wrap) */
	put(c, 50, 1, "/parent");
	assert_null(proc_cache_parent(k));
	proc_cache_relink(c);
	assert_string_equal(proc_cache_parent(k)->binary, "/parent");
	proc_cache_free(c);
}

/* --- decoding -------------------------------------------------------- */

struct seen {
	int n;
	struct tr_event last;
	char bin[256];
	char parent[256];
};

static void sink(void *ctx, const struct tr_event *ev)
{
	struct seen *s = ctx;

	s->n++;
	s->last = *ev;
	strncpy(s->bin, ev->proc->binary, sizeof(s->bin) - 1);
	strncpy(s->parent, ev->parent ? ev->parent->binary : "", sizeof(s->parent) - 1);
}

/* Builds an event_proc record with binary, cwd and argv blobs. */
static size_t proc_record(char *buf, uint16_t type, uint32_t pid, uint32_t ppid, const char *bin,
			  const char *cwd, const char *argv, size_t argv_len)
{
	struct event_proc *e = (void *)buf;
	char *d = buf + sizeof(*e);

	memset(e, 0, sizeof(*e));
	e->hdr.type = type;
	e->pid = e->tid = pid;
	e->ppid = ppid;
	e->binary_len = strlen(bin) + 1;
	e->cwd_len = strlen(cwd) + 1;
	e->args_len = argv_len;
	memcpy(d, bin, e->binary_len);
	memcpy(d + e->binary_len, cwd, e->cwd_len);
	memcpy(d + e->binary_len + e->cwd_len, argv, argv_len);
	e->hdr.size = sizeof(*e) + e->binary_len + e->cwd_len + argv_len;
	return e->hdr.size;
}

static void test_decode_exec_exit(void **state)
{
	struct decoder d;
	struct seen s = {0};
	char buf[1024];
	struct event_exit x = {.hdr = {.type = EV_EXIT, .size = sizeof(x)}, .pid = 20};
	size_t n;

	(void)state;
	assert_int_equal(decoder_init(&d, 64, sink, &s), 0);
	n = proc_record(buf, EV_SCAN, 10, 1, "/bin/sh", "/", "sh\0", 3);
	assert_int_equal(decode_record(&d, buf, n), 0);
	assert_int_equal(s.n, 0); /* scanned processes are not printed */
	n = proc_record(buf, EV_EXEC, 20, 10, "./tool", "/opt/x", "tool\0-v\0two words\0", 19);
	assert_int_equal(decode_record(&d, buf, n), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.last.kind, TR_EXEC);
	assert_string_equal(s.bin, "/opt/x/tool");
	assert_string_equal(s.parent, "/bin/sh");
	assert_int_equal(s.last.proc->argc, 2);
	assert_string_equal(s.last.proc->args, "-v");
	x.exit_code = 7 << 8;
	assert_int_equal(decode_record(&d, &x, sizeof(x)), 0);
	assert_int_equal(s.last.kind, TR_EXIT);
	assert_int_equal(s.last.exit_status, 7);
	assert_int_equal(s.last.exit_signal, 0);
	/* a second exit of the same pid (racing threads) prints nothing */
	assert_int_equal(decode_record(&d, &x, sizeof(x)), 0);
	assert_int_equal(s.n, 2);
	decoder_free(&d);
}

static void test_decode_rejects_malformed(void **state)
{
	struct decoder d;
	struct seen s = {0};
	char buf[1024];
	struct event_proc *e = (void *)buf;
	size_t n;

	(void)state;
	decoder_init(&d, 64, sink, &s);
	n = proc_record(buf, EV_EXEC, 20, 10, "/x", "/", "x\0", 2);
	assert_int_equal(decode_record(&d, buf, 8), -1); /* shorter than a header */
	assert_int_equal(decode_record(&d, buf, n - 1), -1); /* size says more */
	e->args_len = 60000; /* lengths beyond the record */
	assert_int_equal(decode_record(&d, buf, n), -1);
	e->args_len = 2;
	e->hdr.type = 99;
	assert_int_equal(decode_record(&d, buf, n), -1);
	e->hdr.type = EV_EXIT;
	e->hdr.size = 20; /* an exit shorter than its struct */
	assert_int_equal(decode_record(&d, buf, n), -1);
	assert_int_equal(s.n, 0);
	assert_int_equal(d.malformed, 5);
	decoder_free(&d);
}

static void test_decode_unterminated_strings(void **state)
{
	struct decoder d;
	struct seen s = {0};
	char buf[1024];
	size_t n;

	(void)state;
	decoder_init(&d, 64, sink, &s);
	/* argv cut by the kernel: the last string has no NUL */
	n = proc_record(buf, EV_EXEC, 30, 1, "/x", "/", "x\0abc", 5);
	assert_int_equal(decode_record(&d, buf, n), 0);
	assert_string_equal(s.last.proc->args, "abc");
	assert_int_equal(s.last.proc->argc, 1);
	decoder_free(&d);
}

static void test_exec_id_is_tetragon_form(void **state)
{
	char id[64];

	(void)state;
	make_exec_id(id, "node", 123, 45);
	assert_string_equal(id, "bm9kZToxMjM6NDU="); /* base64("node:123:45") */
}

/* The hold-back: records younger than BATCH_HOLD_NS wait for the next
 * drain; the kept tail then starts the next batch. */
static void test_batch_holds_back_the_newest(void **state)
{
	const uint64_t now = 10 * 1000000000ull;
	const uint64_t at[] = {now - 3 * BATCH_HOLD_NS, now - BATCH_HOLD_NS - 1,
			       now - BATCH_HOLD_NS / 2, now};
	struct event_header h = {.type = EV_EXIT, .size = sizeof(h)};
	struct batch b;
	size_t i;

	(void)state;
	assert_int_equal(batch_init(&b, 4096, 16), 0);
	assert_int_equal(batch_ready(&b, now), 0);
	for (i = 0; i < 4; i++) {
		h.ktime = at[i];
		assert_int_equal(batch_add(&b, &h, sizeof(h)), 0);
	}
	assert_int_equal(batch_ready(&b, now), 2);
	assert_int_equal(batch_ready(&b, now + BATCH_HOLD_NS), 4);
	batch_keep_tail(&b, 2);
	assert_int_equal(b.n, 2);
	assert_int_equal(((const struct event_header *)(b.buf + b.off[0]))->ktime, at[2]);
	batch_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_put_get_parent),
		cmocka_unit_test(test_parent_outlives_its_exit),
		cmocka_unit_test(test_bounded_under_churn),
		cmocka_unit_test(test_relink_after_scan),
		cmocka_unit_test(test_fork_exit_chain_is_bounded),
		cmocka_unit_test(test_exited_record_stays_findable),
		cmocka_unit_test(test_oversized_record_is_cut_not_dropped),
		cmocka_unit_test(test_byte_bound),
		cmocka_unit_test(test_decode_exec_exit),
		cmocka_unit_test(test_decode_rejects_malformed),
		cmocka_unit_test(test_decode_unterminated_strings),
		cmocka_unit_test(test_exec_id_is_tetragon_form),
		cmocka_unit_test(test_batch_holds_back_the_newest),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
