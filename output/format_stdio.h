/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* format_stdio.h - fds 0-2 of an exec: JSON list and compact marker. */
#ifndef TRACER_OUTPUT_FORMAT_STDIO_H
#define TRACER_OUTPUT_FORMAT_STDIO_H

#include "output/escape.h"
#include "output/events/event.h"
#include "output/jsonw.h"

/* "stdio": [{"fd":0,"type":"socket",...}, ...] */
void stdio_json(struct jsonw *w, const char *key, const struct event_stdio *st);

/* Compact: "stdio:sss tcp 10.0.0.1:4444" when a socket is on fd 0-2
 * (one letter per fd, then the first socket's peer); nothing otherwise. */
void stdio_text(struct obuf *o, const struct event_stdio *st);

#endif /* TRACER_OUTPUT_FORMAT_STDIO_H */
