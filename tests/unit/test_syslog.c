// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* test_syslog.c - --syslog: URLs, RFC 5424 fields, RFC 6587 octet
 * counting (a newline or a 100 KB argv stays one frame), and the sender
 * against a loopback listener: every event once, a collector that closes
 * the connection is reconnected to without a duplicate, a queue that
 * fills counts every event it could not take. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "output/syslog.h"

#define T0 1795911154000000000ull /* 2026-11-29T00:12:34Z */

static const struct tr_host host = {.node_name = "node-a"};

static const struct proc_rec proc = {
	.pid = 4242, .tid = 4242, .ppid = 1200, .nspid = 4242,
	.start_ns = T0, .ktime = 9000000000, .flags = PROC_F_EXECVE,
	.exec_id = "bm9kZS1hOjkwMDAwMDAwMDA6NDI0Mg==",
	.binary = "/usr/bin/true", .cwd = "/home/user",
	.args = "one\0two\nlines", .args_len = 14, .argc = 2,
};

static struct tr_event event(uint64_t i)
{
	return (struct tr_event){.kind = TR_EXEC, .time_ns = T0 + i * 1000, .proc = &proc};
}

static void test_url(void **state)
{
	struct syslog_target t;
	char err[256];

	(void)state;
	assert_int_equal(syslog_parse_url("tcp://127.0.0.1:5140", &t, err, sizeof(err)), 0);
	assert_false(t.tls);
	assert_string_equal(t.host, "127.0.0.1");
	assert_string_equal(t.port, "5140");
	assert_int_equal(syslog_parse_url("tls://relay.example.org", &t, err, sizeof(err)), 0);
	assert_true(t.tls);
	assert_string_equal(t.port, "6514");
	assert_int_equal(syslog_parse_url("tcp://[::1]:514", &t, err, sizeof(err)), 0);
	assert_string_equal(t.host, "::1");
	const char *bad[] = {"udp://h:514", "tcp://", "tcp://:514", "tcp://h:0", "tcp://h:65536",
			     "tcp://h:x", "tcp://::1:514", "tcp://[::1", "tcp://h:514/x", "h:514",
			     "tcp://a b:1", "tcp://h:-1"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = 0;
		assert_int_equal(syslog_parse_url(bad[i], &t, err, sizeof(err)), -1);
		assert_non_null(strstr(err, "--syslog takes"));
	}
}

static void test_hostname(void **state)
{
	char h[256], big[400];

	(void)state;
	syslog_hostname(h, sizeof(h), "web 1\tprod\x7f");
	assert_string_equal(h, "web_1_prod_");
	syslog_hostname(h, sizeof(h), "");
	assert_string_equal(h, "-");
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	syslog_hostname(h, sizeof(h), big);
	assert_int_equal(strlen(h), 255);
}

static void test_severity(void **state)
{
	struct tr_event ev = event(0);

	(void)state;
	assert_int_equal(syslog_severity(&ev), 6);
	ev.kind = TR_KPROBE;
	ev.action = HA_POST;
	assert_int_equal(syslog_severity(&ev), 5);
	ev.action = HA_SIGKILL;
	assert_int_equal(syslog_severity(&ev), 4);
}

/* Parses one octet-counted frame at p; returns the MSG-LEN, or -1. */
static long frame_len(const char *p, size_t avail, size_t *hdr)
{
	char *end;
	long n = strtol(p, &end, 10);

	if (end == p || *end != ' ' || n <= 0)
		return -1;
	*hdr = end + 1 - p;
	return *hdr + n <= avail ? n : -1;
}

static void test_frame(void **state)
{
	struct syslog_hdr h = {.hostname = "node-a", .pid = 77};
	struct tr_event ev = event(123456);
	static char msg[100 * 1024], buf[110 * 1024];
	size_t n, hl = 0;
	long ml;
	const char *want = "<14>1 2026-11-29T00:12:34.123456Z node-a tracer 77 process_exec - ";

	(void)state;
	n = syslog_frame(buf, sizeof(buf), &h, &ev, "{\"a\":\"x\ny\"}\n", 12);
	assert_true(n > 0);
	ml = frame_len(buf, n, &hl);
	assert_int_equal(ml, n - hl); /* LEN counts exactly what follows */
	assert_memory_equal(buf + hl, want, strlen(want));
	/* a newline inside MSG stays; the line's own newline is not MSG */
	assert_memory_equal(buf + n - 11, "{\"a\":\"x\ny\"}", 11);
	memset(msg, 'x', sizeof(msg));
	n = syslog_frame(buf, sizeof(buf), &h, &ev, msg, sizeof(msg));
	ml = frame_len(buf, n, &hl);
	assert_int_equal(ml, n - hl);
	assert_int_equal(n - hl, strlen(want) + sizeof(msg));
	assert_int_equal(syslog_frame(buf, 1000, &h, &ev, msg, sizeof(msg)), 0); /* no room */
	ev.kind = TR_KPROBE;
	ev.action = HA_SIGKILL;
	n = syslog_frame(buf, sizeof(buf), &h, &ev, "{}", 2);
	assert_non_null(memmem(buf, n, "<12>1 ", 6));
	assert_non_null(memmem(buf, n, " process_kprobe - {}", 20));
}

/* ---- the sender against a loopback listener ------------------------------ */

static int listener(int *port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t al = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(fd, 4), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &al), 0);
	*port = ntohs(a.sin_port);
	return fd;
}

static int accept_within(int lfd, int ms)
{
	struct pollfd p = {.fd = lfd, .events = POLLIN};

	assert_int_equal(poll(&p, 1, ms), 1);
	return accept(lfd, NULL, NULL);
}

/* Reads frames from fd until `want` arrived (or 5 s of silence); marks
 * each event's microsecond in seen[] (a duplicate fails). */
static int read_frames(int fd, int want, char *seen, int nseen)
{
	static char buf[1 << 20];
	size_t len = 0, hl;
	struct pollfd p = {.fd = fd, .events = POLLIN};
	int got = 0;
	long n;
	ssize_t r;

	while (got < want && poll(&p, 1, 5000) == 1) {
		r = read(fd, buf + len, sizeof(buf) - len);
		if (r <= 0)
			break;
		len += r;
		while (len && (n = frame_len(buf, len, &hl)) > 0) {
			const char *ts = memmem(buf, hl + n, ":34.", 4);
			int us;

			assert_non_null(ts);
			us = atoi(ts + 4);
			assert_true(us >= 0 && us < nseen);
			assert_int_equal(seen[us], 0); /* never twice */
			seen[us] = 1;
			assert_int_equal(buf[hl + n - 1], '}'); /* whole JSON */
			got++;
			memmove(buf, buf + hl + n, len - hl - n);
			len -= hl + n;
		}
	}
	return got;
}

static char *finish_line(struct syslog_out *s, uint64_t wait_ns)
{
	static char line[512];
	FILE *f = fmemopen(line, sizeof(line), "w");

	syslog_finish(s, wait_ns, f);
	fclose(f);
	return line;
}

static struct syslog_out *open_to(int port, size_t queue)
{
	struct syslog_opts o = {.host = &host, .queue_bytes = queue};
	struct syslog_out *s;
	char url[64], err[256];

	snprintf(url, sizeof(url), "tcp://127.0.0.1:%d", port);
	o.url = url;
	assert_int_equal(syslog_open(&s, &o, err, sizeof(err)), 0);
	return s;
}

static void test_reconnect_no_duplicate(void **state)
{
	static char seen[1000];
	struct tr_event ev;
	struct syslog_out *s;
	int port, lfd = listener(&port), c;

	(void)state;
	s = open_to(port, 0);
	for (int i = 0; i < 300; i++)
		ev = event(i), syslog_event(s, &ev);
	c = accept_within(lfd, 5000);
	assert_int_equal(read_frames(c, 300, seen, 1000), 300);
	close(c); /* the collector goes away */
	usleep(100 * 1000);
	for (int i = 300; i < 600; i++)
		ev = event(i), syslog_event(s, &ev);
	c = accept_within(lfd, 5000); /* the sender came back */
	assert_int_equal(read_frames(c, 300, seen, 1000), 300);
	assert_non_null(strstr(finish_line(s, 2000000000ull),
			       "600 events sent, 0 events not delivered to syslog"));
	syslog_free(s);
	close(c);
	close(lfd);
}

static void test_queue_full_is_counted(void **state)
{
	struct tr_event ev;
	struct syslog_out *s;
	int port, lfd = listener(&port);
	char *line;

	(void)state;
	close(lfd); /* nobody listens: every event stays queued */
	s = open_to(port, 1);
	for (int i = 0; i < 5000; i++)
		ev = event(i), syslog_event(s, &ev);
	line = finish_line(s, 100000000ull);
	assert_non_null(strstr(line, "0 events sent, 5000 events not delivered to syslog (lost: "));
	assert_null(strstr(line, " 0 queue full"));
	syslog_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_url),
		cmocka_unit_test(test_hostname),
		cmocka_unit_test(test_severity),
		cmocka_unit_test(test_frame),
		cmocka_unit_test(test_reconnect_no_duplicate),
		cmocka_unit_test(test_queue_full_is_counted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
