/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* html.h - -r CAPTURE --html FILE: the capture as one self-contained HTML report.
 *
 * The page (output/report.html, embedded at build time) is static: markup,
 * style and one script. Everything from the traced system is data, never
 * markup: it is written as JSON inside <script type="application/json">
 * blocks, with '<', '>', '&', U+2028 and U+2029 as \uXXXX so nothing in it
 * can close the block, and the script renders it with textContent only.
 *
 * Events stream into the file in chunks of a few thousand (the tables a
 * chunk adds: interned strings, containers, processes, policy events, then
 * the events themselves as numbers); nothing is held beyond one chunk and
 * the index of processes and strings written so far. The header's facts
 * (counts, span, losses) come last, in their own block.
 */
#ifndef TRACER_OUTPUT_HTML_H
#define TRACER_OUTPUT_HTML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "output/capture/capture.h"
#include "output/events/event.h"

struct html_report;

/* What only the caller knows, for the report's header. */
struct html_meta {
	const char *capture; /* the -r path */
	const char *command; /* the command line, as typed */
	const char *verify;  /* --verify's line (intact or the first bad block); NULL: not run */
	bool verify_ok;
	const char *error; /* the capture's damage after its last good record; NULL: none */
	uint64_t malformed, dropped, evicted, truncated, orphan_exits, filtered;
};

/* Creates path (mode 0600, as captures: arguments may hold secrets) and writes the page's head.
 * NULL with the reason in err ("r.html: Permission denied"). host: the decoder's (live namespaces).
 */
struct html_report *html_open(const char *path, const struct tr_host *host, char *err,
			      size_t errlen);
/* A capture header as replay reads it (the first one names the host). */
void html_capture(struct html_report *h, const struct capture_info *ci);
/* One event that passed the replay's filters. Its process's ancestors go
 * into the tree too, up to above of them (-1: all; --story: its depth, so
 * the story's root is a root). Its parent, if any, is a record of the
 * process cache (the others are found from there), as every event the
 * decoder hands out. */
void html_event(struct html_report *h, const struct tr_event *ev, int above);
/* Writes the rest (the header's facts, the script) and closes; frees h. 0,
 * or -1 with the first write error in err (the partial file is removed). */
int html_close(struct html_report *h, const struct html_meta *m, char *err, size_t errlen);

/* JSON text made safe inside <script type="application/json">: '<', '>',
 * '&', U+2028 and U+2029 become \u003c, \u003e, \u0026, \u2028, \u2029 (the
 * same JSON value). out has room for 6 * n bytes; returns the bytes written. */
size_t html_json_safe(char *out, const char *s, size_t n);

#endif /* TRACER_OUTPUT_HTML_H */
