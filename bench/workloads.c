// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* workloads.c - fixed-duration loops that count their own operations.
 *
 *   workload getppid|open|exec|tcp|churn [-d SECONDS] [-r OPS_PER_S]
 *            [-f FILE] [-x BINARY] [-n MAX_OPS] [-j WORKERS]
 *
 * Prints one line on stdout:  <name> ops=<N> ns_per_op=<X> elapsed_ns=<T>
 *
 *   getppid  the canary: one cheap syscall, so any system-wide syscall tax
 *            shows (every tracepoint on a syscall moves all syscalls to
 *            the slow path)
 *   open     open(FILE, O_RDONLY) + close
 *   exec     fork + execve(BINARY) + waitpid (BINARY: a static `true`)
 *   tcp      connect/accept/close over loopback, one thread; the client
 *            closes with SO_LINGER 0 (RST) so no TIME_WAIT piles up
 *   churn    fork + _exit + waitpid, -n processes over -j workers (the
 *            cache-boundedness test); -d is ignored when -n is given
 *
 * -r paces the loop to at most OPS_PER_S (busy-waits on the clock), for
 * the "no loss at 100,000 events/s" test.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

struct opts {
	double dur;
	double rate;
	const char *file;
	const char *bin;
	long max_ops;
	int workers;
};

/* Returns false when the loop should stop; paces to o->rate if set. */
static inline int keep_going(const struct opts *o, uint64_t t0, uint64_t end, long ops)
{
	uint64_t t;

	if (o->max_ops && ops >= o->max_ops)
		return 0;
	if ((ops & 15) && !o->rate)
		return 1; /* read the clock every 16 ops: it is not free */
	t = now_ns();
	if (t >= end)
		return 0;
	if (o->rate) {
		uint64_t due = t0 + (uint64_t)((double)ops * 1e9 / o->rate);

		while (t < due) {
			t = now_ns();
			if (t >= end)
				return 0;
		}
	}
	return 1;
}

static long run_getppid(const struct opts *o, uint64_t t0, uint64_t end)
{
	long ops = 0;

	while (keep_going(o, t0, end, ops)) {
		syscall(SYS_getppid);
		ops++;
	}
	return ops;
}

static long run_open(const struct opts *o, uint64_t t0, uint64_t end)
{
	long ops = 0;
	int fd;

	while (keep_going(o, t0, end, ops)) {
		fd = open(o->file, O_RDONLY);
		if (fd < 0)
			die(o->file);
		close(fd);
		ops++;
	}
	return ops;
}

static long run_exec(const struct opts *o, uint64_t t0, uint64_t end)
{
	char *argv[] = { (char *)o->bin, NULL }, *envp[] = { NULL };
	long ops = 0;
	int st;
	pid_t p;

	while (keep_going(o, t0, end, ops)) {
		p = fork();
		if (p < 0)
			die("fork");
		if (p == 0) {
			execve(o->bin, argv, envp);
			_exit(127);
		}
		if (waitpid(p, &st, 0) < 0)
			die("waitpid");
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			fprintf(stderr, "workload: %s exited %d\n", o->bin, st), exit(1);
		ops++;
	}
	return ops;
}

static long run_tcp(const struct opts *o, uint64_t t0, uint64_t end)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct linger lg = { 1, 0 };
	socklen_t al = sizeof(a);
	int l, c, s, one = 1;
	long ops = 0;

	l = socket(AF_INET, SOCK_STREAM, 0);
	if (l < 0)
		die("socket");
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(l, (void *)&a, sizeof(a)) || listen(l, 4096) || getsockname(l, (void *)&a, &al))
		die("listen");
	while (keep_going(o, t0, end, ops)) {
		c = socket(AF_INET, SOCK_STREAM, 0);
		if (c < 0)
			die("socket");
		if (connect(c, (void *)&a, sizeof(a)))
			die("connect");
		s = accept(l, NULL, NULL);
		if (s < 0)
			die("accept");
		setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		close(c);
		close(s);
		ops++;
	}
	close(l);
	return ops;
}

/* fork + _exit, n processes split over o->workers forked workers. */
static long run_churn(const struct opts *o, uint64_t t0, uint64_t end)
{
	long per = o->max_ops / o->workers, total = 0;
	int w, st;

	(void)t0;
	(void)end;
	for (w = 0; w < o->workers; w++) {
		pid_t p = fork();

		if (p < 0)
			die("fork");
		if (p == 0) {
			long i;

			for (i = 0; i < per; i++) {
				pid_t c = fork();

				if (c < 0) {
					if (errno == EAGAIN) {
						i--;
						continue;
					}
					die("fork");
				}
				if (c == 0)
					_exit(0);
				waitpid(c, NULL, 0);
			}
			_exit(0);
		}
	}
	while (wait(&st) > 0)
		total += per;
	return total;
}

int main(int argc, char **argv)
{
	struct opts o = { .dur = 1.0, .file = "/etc/hostname", .bin = "/bin/true", .workers = 1 };
	const char *name;
	uint64_t t0, t1, end;
	long ops;
	int c;

	if (argc < 2) {
		fprintf(stderr, "usage: workload getppid|open|exec|tcp|churn [-d S] [-r RATE] "
				"[-f FILE] [-x BIN] [-n OPS] [-j WORKERS]\n");
		return 2;
	}
	name = argv[1];
	optind = 2;
	while ((c = getopt(argc, argv, "d:r:f:x:n:j:")) != -1) {
		switch (c) {
		case 'd': o.dur = atof(optarg); break;
		case 'r': o.rate = atof(optarg); break;
		case 'f': o.file = optarg; break;
		case 'x': o.bin = optarg; break;
		case 'n': o.max_ops = atol(optarg); break;
		case 'j': o.workers = atoi(optarg); break;
		default: return 2;
		}
	}
	if (o.workers < 1)
		o.workers = 1;
	t0 = now_ns();
	end = t0 + (uint64_t)(o.dur * 1e9);
	if (!strcmp(name, "getppid"))
		ops = run_getppid(&o, t0, end);
	else if (!strcmp(name, "open"))
		ops = run_open(&o, t0, end);
	else if (!strcmp(name, "exec"))
		ops = run_exec(&o, t0, end);
	else if (!strcmp(name, "tcp"))
		ops = run_tcp(&o, t0, end);
	else if (!strcmp(name, "churn")) {
		if (!o.max_ops)
			o.max_ops = 100000;
		ops = run_churn(&o, t0, end);
	} else {
		fprintf(stderr, "workload: unknown workload \"%s\"\n", name);
		return 2;
	}
	t1 = now_ns();
	printf("%s ops=%ld ns_per_op=%.2f elapsed_ns=%llu\n", name, ops,
	       ops ? (double)(t1 - t0) / ops : 0.0, (unsigned long long)(t1 - t0));
	return 0;
}
