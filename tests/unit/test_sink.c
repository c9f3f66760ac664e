// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* test_sink.c - event lines reach the fd whole: batched per flush, and at
 * a stop into a full non-blocking pipe, whole lines or nothing. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "output/sink.h"

#define MS 1000000ull

static uint64_t boot_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int queued(int fd)
{
	int n = -1;

	assert_int_equal(ioctl(fd, FIONREAD, &n), 0);
	return n;
}

/* A 100-byte line numbered i. */
static void line(char *buf, int i)
{
	memset(buf, 'x', 100);
	buf[snprintf(buf, 100, "%d ", i)] = 'x';
	buf[99] = '\n';
}

/* Every byte read is part of a whole line: lines * 100 bytes, each ends in '\n'. */
static int whole_lines(int fd)
{
	char buf[1 << 16];
	ssize_t n = read(fd, buf, sizeof(buf));
	int i;

	assert_true(n >= 0 && n % 100 == 0);
	for (i = 0; i < n / 100; i++)
		assert_int_equal(buf[i * 100 + 99], '\n');
	return (int)(n / 100);
}

static void test_batched_until_flush(void **state)
{
	struct out_sink s;
	volatile uint64_t stop = 0;
	char l[100];
	int p[2], i;

	(void)state;
	assert_int_equal(pipe(p), 0);
	assert_int_equal(sink_init(&s, p[1], 4096, false, &stop, 500 * MS), 0);
	for (i = 0; i < 10; i++) {
		line(l, i);
		sink_line(&s, l, sizeof(l));
	}
	assert_int_equal(queued(p[0]), 0); /* no syscall per line */
	assert_int_equal(sink_flush(&s), 0);
	assert_int_equal(whole_lines(p[0]), 10);
	for (i = 0; i < 50; i++) { /* 5000 bytes: one write when the buffer fills */
		line(l, i);
		sink_line(&s, l, sizeof(l));
	}
	assert_int_equal(queued(p[0]), 4000);
	assert_int_equal(sink_flush(&s), 0);
	assert_int_equal(whole_lines(p[0]), 50);
	assert_int_equal(s.unwritten, 0);
	sink_free(&s);
	close(p[0]);
	close(p[1]);
}

/* Stopped, a non-blocking pipe of one page nobody reads: the lines that
 * fit go whole, the rest are dropped at the deadline and counted. */
static void test_stop_into_a_full_pipe(void **state)
{
	struct out_sink s;
	volatile uint64_t stop;
	uint64_t t0;
	char l[100];
	int p[2], i;

	(void)state;
	assert_int_equal(pipe(p), 0);
	assert_true(fcntl(p[1], F_SETPIPE_SZ, 4096) >= 4096);
	fcntl(p[1], F_SETFL, O_NONBLOCK);
	assert_int_equal(sink_init(&s, p[1], 1 << 16, false, &stop, 50 * MS), 0);
	for (i = 0; i < 100; i++) {
		line(l, i);
		sink_line(&s, l, sizeof(l));
	}
	t0 = boot_ns();
	stop = t0;
	assert_int_equal(sink_flush(&s), 0);
	assert_true(boot_ns() - t0 >= 50 * MS && boot_ns() - t0 < 500 * MS);
	assert_true(s.cut);
	i = whole_lines(p[0]);
	assert_int_equal(i, 40); /* 4000 bytes of whole lines in the 4096 */
	assert_int_equal(s.unwritten, 60);
	line(l, 0); /* after the deadline: not even started */
	sink_line(&s, l, sizeof(l));
	assert_int_equal(sink_flush(&s), 0);
	assert_int_equal(queued(p[0]), 0);
	assert_int_equal(s.unwritten, 61);
	sink_free(&s);
	close(p[0]);
	close(p[1]);
}

/* A reader gone: the error is reported, the lines counted. */
static void test_closed_reader(void **state)
{
	struct out_sink s;
	volatile uint64_t stop = 0;
	char l[100];
	int p[2];

	(void)state;
	assert_int_equal(pipe(p), 0);
	close(p[0]);
	signal(SIGPIPE, SIG_IGN);
	assert_int_equal(sink_init(&s, p[1], 4096, true, &stop, 0), 0);
	line(l, 1);
	sink_line(&s, l, sizeof(l));
	sink_line(&s, l, sizeof(l));
	assert_int_equal(sink_flush(&s), -EPIPE);
	assert_int_equal(s.unwritten, 2);
	sink_free(&s);
	close(p[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_batched_until_flush),
		cmocka_unit_test(test_stop_into_a_full_pipe),
		cmocka_unit_test(test_closed_reader),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
