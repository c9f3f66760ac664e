// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* sink.c - event lines to a file descriptor, only ever whole.
 *
 * stdio may flush part of a line: into a pipe made non-blocking at the stop
 * (so a stalled reader cannot hold the tracer), that part stays a cut line.
 * Here every write starts at a line boundary, and a line once started is
 * finished or the deadline is past.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "output/sink.h"

static uint64_t boot_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts); /* vDSO: no syscall */
	return (uint64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static uint64_t stop_of(const struct out_sink *s)
{
	return s->stop_ns ? *s->stop_ns : 0;
}

/* Waits until fd takes more: forever before a stop, else until the
 * deadline plus extra. False when that passed. */
static bool wait_writable(struct out_sink *s, uint64_t extra)
{
	struct pollfd p = {.fd = s->fd, .events = POLLOUT};
	uint64_t stop, end, now;
	int ms, rc;

	for (;;) {
		stop = stop_of(s);
		ms = -1;
		if (stop) {
			end = stop + s->grace_ns + extra;
			now = boot_ns();
			if (now >= end)
				return false;
			ms = (int)((end - now + 999999) / 1000000);
		}
		rc = poll(&p, 1, ms);
		if (rc > 0)
			return true; /* POLLERR, POLLHUP too: write says what */
		if (rc < 0 && errno != EINTR)
			return false;
	}
}

/* From a line boundary: while stopping, the whole lines that fit in
 * PIPE_BUF (atomic in a pipe), or the one longer line; else everything. */
static size_t chunk_len(const char *p, size_t len, bool stopping)
{
	const char *nl;

	if (!stopping || len <= PIPE_BUF)
		return len;
	nl = memrchr(p, '\n', PIPE_BUF);
	if (!nl)
		nl = memchr(p, '\n', len);
	return nl ? (size_t)(nl - p) + 1 : len;
}

static size_t count_lines(const char *p, size_t len)
{
	size_t n = 0;
	const char *nl;

	while (len && (nl = memchr(p, '\n', len))) {
		n++;
		len -= nl - p + 1;
		p = nl + 1;
	}
	return n + (len > 0);
}

/* Writes whole lines p[0..len); at an error or the deadline the rest is
 * dropped and counted. */
static void write_lines(struct out_sink *s, const char *p, size_t len)
{
	size_t off = 0, end;
	bool boundary;
	ssize_t n;

	while (off < len && !s->err && !s->cut) {
		boundary = !off || p[off - 1] == '\n';
		if (boundary && stop_of(s) && boot_ns() > stop_of(s) + s->grace_ns) {
			s->cut = true; /* no new line after the deadline */
			break;
		}
		if (boundary)
			end = off + chunk_len(p + off, len - off, stop_of(s));
		else if (stop_of(s)) /* finish this one line, then whole ones again */
			end = off + chunk_len(p + off, len - off, true);
		else
			end = len;
		n = write(s->fd, p + off, end - off);
		if (n > 0)
			off += n;
		else if (n < 0 && errno == EINTR)
			continue;
		else if (n < 0 && errno == EAGAIN) {
			if (!wait_writable(s, boundary ? 0 : SINK_FINISH_NS))
				s->cut = true;
		} else
			s->err = n < 0 ? errno : EIO;
	}
	s->unwritten += count_lines(p + off, len - off);
}

int sink_init(struct out_sink *s, int fd, size_t cap, bool each_line,
	      const volatile uint64_t *stop_ns, uint64_t grace_ns)
{
	memset(s, 0, sizeof(*s));
	s->buf = malloc(cap);
	if (!s->buf)
		return -ENOMEM;
	s->fd = fd;
	s->cap = cap;
	s->each_line = each_line;
	s->stop_ns = stop_ns;
	s->grace_ns = grace_ns;
	return 0;
}

int sink_flush(struct out_sink *s)
{
	if (s->len)
		write_lines(s, s->buf, s->len);
	s->len = 0;
	return s->err ? -s->err : 0;
}

void sink_line(struct out_sink *s, const char *line, size_t len)
{
	if (len > s->cap - s->len)
		sink_flush(s);
	if (s->err || s->cut) {
		s->unwritten++;
		return;
	}
	if (len > s->cap) { /* a line longer than the buffer goes by itself */
		write_lines(s, line, len);
		return;
	}
	memcpy(s->buf + s->len, line, len);
	s->len += len;
	if (s->each_line)
		sink_flush(s);
}

void sink_free(struct out_sink *s)
{
	free(s->buf);
	s->buf = NULL;
	s->cap = s->len = 0;
}
