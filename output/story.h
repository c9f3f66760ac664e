/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* story.h - --story: one process tree's events, indented by depth. */
#ifndef TRACER_OUTPUT_STORY_H
#define TRACER_OUTPUT_STORY_H

#include <stdbool.h>
#include <stdint.h>

#include "output/events/event.h"

#define STORY_MAX_PROCS 65536 /* processes one story follows, at most */

struct story;

/* what: a pid (digits), an exec_id, or a container's id prefix or name.
 * NULL when out of memory. */
struct story *story_new(const char *what);
void story_free(struct story *s);
/* Whether ev belongs to the tree; *depth is its process's depth below the
 * tree's root (0: the root). Learns the tree as execs go by. */
bool story_admit(struct story *s, const struct tr_event *ev, int *depth);
uint64_t story_dropped(const struct story *s); /* processes past STORY_MAX_PROCS */

#endif /* TRACER_OUTPUT_STORY_H */
