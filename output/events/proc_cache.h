/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* proc_cache.h - the processes user space knows, by pid, bounded. */
#ifndef TRACER_OUTPUT_PROC_CACHE_H
#define TRACER_OUTPUT_PROC_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "output/events/event.h"

/* Memory for records, all told: with the 8 MiB batch and the ring buffer
 * it keeps the tracer's peak RSS under 64 MiB whatever processes do. */
#define PROC_CACHE_MAX_BYTES (32u << 20)

/* Exited records kept findable by pid for events that arrive after the
 * exit (a relay reverse shell reported when its second relay connects). */
#define PROC_EXITED_KEEP 64

/* --ancestors: dead ancestors kept above a live process, at most. */
#define PROC_ANCESTRY_MAX 64

struct proc_entry; /* a struct proc_rec plus bookkeeping; opaque */
struct proc_cache;

struct proc_strings {
	const char *binary;
	size_t binary_len; /* without NUL */
	const char *cwd;
	size_t cwd_len;
	const char *args; /* argv[1..n], NUL-separated */
	size_t args_len;
	uint32_t argc;
	const char *cgroup; /* v2 path */
	size_t cgroup_len;
	const char *cgroup_v1;
	size_t cgroup_v1_len;
};

/* max_live bounds the entries reachable by pid, PROC_CACHE_MAX_BYTES the
 * memory of all; past either the least recently used are evicted. */
struct proc_cache *proc_cache_new(uint32_t max_live);
void proc_cache_free(struct proc_cache *c);

/* Inserts (or replaces) the live record of rec->pid, copying rec and the
 * strings (cut to fit, flagged and counted, when too long); links the live
 * record of rec->ppid as parent. Returns the stored record, or NULL when
 * out of memory (the caller drops the pid's old record and counts it). */
const struct proc_rec *proc_cache_put(struct proc_cache *c, const struct proc_rec *rec,
				      const struct proc_strings *str);
/* The live record of a pid, or NULL. */
const struct proc_rec *proc_cache_get(struct proc_cache *c, uint32_t pid);
/* The record of pid among the last PROC_EXITED_KEEP exits (printed
 * without a parent link: see proc_cache_del), or NULL. */
const struct proc_rec *proc_cache_get_exited(struct proc_cache *c, uint32_t pid);
/* The parent linked when rec was stored (kept alive while referenced). */
const struct proc_rec *proc_cache_parent(const struct proc_rec *rec);
/* Removes the live record of pid (after its exit was printed); it stays
 * reachable by proc_cache_get_exited for the next PROC_EXITED_KEEP exits. */
void proc_cache_del(struct proc_cache *c, uint32_t pid);
/* Re-links every live record's parent by ppid (after the start-up scan,
 * whose order does not put parents first). */
void proc_cache_relink(struct proc_cache *c);
/* Every live record, least recently used first (capture snapshots). */
void proc_cache_foreach(struct proc_cache *c, void (*fn)(void *ctx, const struct proc_rec *r),
			void *ctx);
uint32_t proc_cache_live(const struct proc_cache *c);
uint64_t proc_cache_evicted(const struct proc_cache *c); /* live records pushed out */
uint64_t proc_cache_truncated(const struct proc_cache *c); /* records whose strings were cut */
size_t proc_cache_bytes(const struct proc_cache *c);
/* --ancestors: a record that leaves the table keeps its parent linked, so
 * every live process's whole chain stays printable (bounded, counted). */
void proc_cache_keep_ancestry(struct proc_cache *c, bool on);
uint64_t proc_cache_ancestry_cut(const struct proc_cache *c); /* dead chains cut */
void proc_cache_set_max_bytes(struct proc_cache *c, size_t max_bytes); /* tests */

#endif /* TRACER_OUTPUT_PROC_CACHE_H */
