/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* format.h - compact, JSON and CSV printers driven by one field table. */
#ifndef TRACER_OUTPUT_FORMAT_H
#define TRACER_OUTPUT_FORMAT_H

#include <stdbool.h>
#include <stdio.h>

#include "output/event.h"

enum out_format {
	OUT_COMPACT,
	OUT_JSON,
	OUT_CSV,
};

struct formatter {
	enum out_format format;
	FILE *out;
	const struct tr_host *host;
	bool header_done; /* CSV header written */
	char *line; /* preallocated line buffer, reused per event */
	size_t line_cap;
	size_t line_len;
};

/* Parses "compact" | "json" | "csv"; returns -1 for anything else. */
int out_format_parse(const char *name, enum out_format *fmt);

int formatter_init(struct formatter *f, enum out_format fmt, FILE *out,
		   const struct tr_host *host);
/* Writes exactly one line (CSV: the header first, once). No syscalls but
 * the buffered fwrite; no allocation after init. */
void formatter_event(struct formatter *f, const struct tr_event *ev);
void formatter_free(struct formatter *f);

#endif /* TRACER_OUTPUT_FORMAT_H */
