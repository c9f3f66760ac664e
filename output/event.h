/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* event.h - decoded events: what the formatters print and captures keep.
 *
 * A raw ring-buffer record is decoded once into a struct tr_event whose
 * process and parent point into the process cache. Strings are raw bytes
 * as the kernel saw them (never trusted); the formatters escape them.
 */
#ifndef TRACER_OUTPUT_EVENT_H
#define TRACER_OUTPUT_EVENT_H

#include <stdbool.h>
#include <stdint.h>

#include "bpf/events.h"

/* One process as the cache knows it (an exec, a clone, or a scanned one). */
struct proc_rec {
	uint32_t pid, tid, ppid, nspid;
	struct event_creds creds;
	uint32_t ns[NS_COUNT]; /* inode numbers, enum ns_slot */
	uint64_t cgroup_id;
	uint64_t start_ns; /* wall clock, ns since the epoch */
	uint64_t ktime; /* boot-clock ns of exec/clone; part of exec_id */
	uint32_t flags; /* PROC_F_* from bpf/events.h */
	char exec_id[64]; /* base64("node:ktime:pid"), NUL-terminated */
	char parent_exec_id[64]; /* "" when the parent is unknown */
	const char *binary; /* absolute path as executed */
	const char *cwd;
	const char *args; /* argv[1..n], each NUL-terminated */
	uint32_t args_len; /* bytes in args (0: no arguments) */
	uint32_t argc; /* number of strings in args */
};

enum tr_kind {
	TR_EXEC = 1,
	TR_EXIT,
	TR_KIND_MAX,
};

/* Process-wide context every formatter needs, set once at start-up. */
struct tr_host {
	const char *node_name;
	uint32_t ns[NS_COUNT]; /* the kernel's initial namespaces */
};

struct tr_event {
	enum tr_kind kind;
	uint64_t time_ns; /* wall clock of the event */
	const struct proc_rec *proc; /* never NULL */
	const struct proc_rec *parent; /* NULL when unknown */
	/* TR_EXIT */
	uint32_t exit_status; /* exit code when exit_signal == 0 */
	uint32_t exit_signal; /* terminating signal number, 0 if none */
};

#endif /* TRACER_OUTPUT_EVENT_H */
