/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* sink.h - event lines to a file descriptor, only ever whole. */
#ifndef TRACER_OUTPUT_SINK_H
#define TRACER_OUTPUT_SINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Lines are kept in buf and written with write(2) at line boundaries, one
 * write per flush. Once a stop is requested (*stop_ns set, CLOCK_BOOTTIME
 * ns), writes go in whole lines of at most PIPE_BUF, which a pipe takes
 * whole or not at all even when non-blocking; no line starts after
 * *stop_ns + grace_ns, and a longer line already started is finished for
 * at most SINK_FINISH_NS more. */
struct out_sink {
	int fd;
	char *buf;
	size_t len, cap;
	bool each_line; /* -l or a terminal: write every line at once */
	const volatile uint64_t *stop_ns; /* 0 until a stop is requested */
	uint64_t grace_ns;
	int err; /* the first write error (errno); nothing is written after it */
	bool cut; /* the stop deadline passed: nothing more is written */
	uint64_t unwritten; /* lines given but not written (deadline or error) */
};

#define SINK_FINISH_NS (100 * 1000000ull)

int sink_init(struct out_sink *s, int fd, size_t cap, bool each_line,
	      const volatile uint64_t *stop_ns, uint64_t grace_ns);
/* Takes one whole line (ending in '\n'); no syscall unless the buffer is
 * full or each_line is set. */
void sink_line(struct out_sink *s, const char *line, size_t len);
/* Writes what is buffered; returns 0 or -errno of a write error. */
int sink_flush(struct out_sink *s);
void sink_free(struct out_sink *s);

#endif /* TRACER_OUTPUT_SINK_H */
