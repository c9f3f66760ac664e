// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* test_forensics.c - the flight recorder's ring (window edges, bounded
 * memory, counted drops), --story's tree, and the cache's ancestry. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "output/capture/flight.h"
#include "output/events/proc_cache.h"
#include "output/story.h"

#define S 1000000000ull

struct got {
	uint64_t v[4096];
	int n;
};

static void collect(void *ctx, const void *data, size_t size)
{
	struct got *g = ctx;

	assert_int_equal(size, 8);
	memcpy(&g->v[g->n++], data, 8);
}

static void push(struct flight_ring *f, uint64_t t)
{
	flight_push(f, &t, sizeof(t), t); /* each record holds its own time */
}

/* The window's edges: a record exactly keep_ns old stays, one older ages
 * out; a drain hands over only what is at or after since, in order. */
static void test_ring_window_edges(void **state)
{
	struct flight_ring f;
	struct got g = {0};

	(void)state;
	assert_int_equal(flight_init(&f, 1 << 20, 4 * S), 0);
	push(&f, 1 * S);
	push(&f, 2 * S);
	push(&f, 6 * S); /* 1 s is now 5 s old: aged out; 2 s is exactly 4 s old */
	assert_int_equal(f.n, 2);
	assert_int_equal(f.dropped, 0); /* aging out is not a drop */
	push(&f, 7 * S);
	flight_drain(&f, 6 * S, collect, &g);
	assert_int_equal(g.n, 2);
	assert_true(g.v[0] == 6 * S && g.v[1] == 7 * S);
	assert_int_equal(f.n, 0); /* drained empties it */
	flight_free(&f);
}

/* Whatever the rate, memory stays cap; what is pushed out while still in
 * the window is counted, and the newest records are the ones kept. */
static void test_ring_bounded_and_counted(void **state)
{
	struct flight_ring f;
	struct got g = {0};
	uint64_t i;

	(void)state;
	assert_int_equal(flight_init(&f, 4096, 60 * S), 0);
	for (i = 1; i <= 10000; i++)
		push(&f, S + i); /* 10000 records in a microsecond: all inside the window */
	assert_true(f.n > 0 && f.n <= 4096 / 24);
	assert_int_equal(f.dropped + f.n, 10000);
	flight_drain(&f, 0, collect, &g);
	for (i = 0; i < (uint64_t)g.n; i++) /* the newest, in order, across the wrap */
		assert_int_equal(g.v[i], S + 10000 - g.n + 1 + i);
	flight_free(&f);
}

/* A record larger than half the ring is dropped, counted, not stored. */
static void test_ring_too_large(void **state)
{
	struct flight_ring f;
	char big[3000] = {0};

	(void)state;
	assert_int_equal(flight_init(&f, 4096, S), 0);
	flight_push(&f, big, sizeof(big), S);
	assert_int_equal(f.n, 0);
	assert_int_equal(f.dropped, 1);
	flight_free(&f);
}

static struct proc_rec procs[8];

static struct tr_event exec_of(int i, uint32_t pid, uint32_t ppid, const char *bin)
{
	struct tr_event ev = {.kind = TR_EXEC, .proc = &procs[i]};

	procs[i] = (struct proc_rec){.pid = pid, .ppid = ppid, .binary = bin};
	snprintf(procs[i].exec_id, sizeof(procs[i].exec_id), "id-%u-%s", pid,
		 "0123456789012345678901234567890123456789");
	return ev;
}

/* The root, its children and grandchildren, at their depth; nothing else. */
static void test_story_tree(void **state)
{
	struct story *s = story_new("100");
	struct tr_event ev;
	int depth = -1;

	(void)state;
	ev = exec_of(0, 100, 1, "/bin/sh");
	assert_true(story_admit(s, &ev, &depth) && depth == 0);
	ev = exec_of(1, 101, 100, "/usr/bin/true");
	assert_true(story_admit(s, &ev, &depth) && depth == 1);
	ev = exec_of(2, 102, 101, "/usr/bin/id");
	assert_true(story_admit(s, &ev, &depth) && depth == 2);
	ev = exec_of(3, 200, 1, "/usr/bin/other");
	assert_false(story_admit(s, &ev, &depth));
	/* 101 exits; its pid comes back under an outsider: not in the story */
	ev = exec_of(1, 101, 100, "/usr/bin/true");
	ev.kind = TR_EXIT;
	assert_true(story_admit(s, &ev, &depth));
	ev = exec_of(4, 101, 200, "/usr/bin/reused");
	assert_false(story_admit(s, &ev, &depth));
	story_free(s);
	/* by exec_id: the one process, not another with its pid */
	s = story_new(procs[0].exec_id);
	ev = exec_of(5, 100, 1, "/bin/sh");
	assert_true(story_admit(s, &ev, &depth));
	story_free(s);
}

static const struct proc_rec *put(struct proc_cache *c, uint32_t pid, uint32_t ppid)
{
	struct proc_rec r = {.pid = pid, .tid = pid, .ppid = ppid};
	struct proc_strings st = {"/bin/sh", 7, "/", 1, "", 0, 0, "", 0, "", 0};

	return proc_cache_put(c, &r, &st);
}

static int depth_of(const struct proc_rec *p)
{
	int n = 0;

	while ((p = proc_cache_parent(p)))
		n++;
	return n;
}

/* --ancestors: dead ancestors stay linked above a live process; a chain
 * of dead ones is cut past PROC_ANCESTRY_MAX, counted. */
static void test_cache_keeps_ancestry_bounded(void **state)
{
	struct proc_cache *c = proc_cache_new(1024);
	const struct proc_rec *p = NULL;
	uint32_t pid;

	(void)state;
	proc_cache_keep_ancestry(c, true);
	put(c, 10, 1);
	put(c, 11, 10);
	p = put(c, 12, 11);
	proc_cache_del(c, 11); /* the middle one exits */
	proc_cache_del(c, 10);
	assert_int_equal(depth_of(p), 2); /* 11, then 10: both kept */
	/* a daemon double-forking 200 generations, each parent exiting */
	for (pid = 100; pid < 300; pid++) {
		p = put(c, pid, pid - 1);
		proc_cache_del(c, pid - 1);
	}
	assert_true(depth_of(p) <= PROC_ANCESTRY_MAX + 1);
	assert_true(proc_cache_ancestry_cut(c) > 0);
	assert_true(proc_cache_bytes(c) < 300 * 1024);
	proc_cache_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ring_window_edges),
	    cmocka_unit_test(test_ring_bounded_and_counted),
	    cmocka_unit_test(test_ring_too_large),
	    cmocka_unit_test(test_story_tree),
	    cmocka_unit_test(test_cache_keeps_ancestry_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
