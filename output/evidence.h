/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* evidence.h - --evidence DIR: what an alerted process is, saved off the hot path. */
#ifndef TRACER_OUTPUT_EVIDENCE_H
#define TRACER_OUTPUT_EVIDENCE_H

#include <stddef.h>
#include <stdint.h>

#include "output/events/event.h"

struct evidence_opts {
	const char *dir;
	uint64_t file_max;  /* bytes of one executable saved, at most */
	uint64_t total_max; /* bytes of executables saved in all */
	uint32_t per_second; /* processes collected per second, at most */
	uint32_t wait_ms;   /* the first event of a process waits this long for the hash */
};

struct evidence;

/* Creates DIR (0700; an existing one must be a real directory of ours)
 * and starts the worker. NULL with a one-line reason in err. */
struct evidence *evidence_start(const struct evidence_opts *o, char *err, size_t errlen);
/* A policy event of p: the first time for this process, queue it for the
 * worker (never blocking on a full queue: dropped, counted) and wait up to
 * wait_ms for its executable's hash. Returns the hex sha256 when known,
 * else NULL with *status saying why ("pending", "gone", "dropped", ...). */
const char *evidence_note(struct evidence *e, const struct proc_rec *p, const char **status);
/* Stops the worker after what is queued; reports counts on stderr. */
void evidence_stop(struct evidence *e);

#endif /* TRACER_OUTPUT_EVIDENCE_H */
