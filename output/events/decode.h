/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* decode.h - raw kernel records -> process cache -> struct tr_event. */
#ifndef TRACER_OUTPUT_DECODE_H
#define TRACER_OUTPUT_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "output/events/event.h"
#include "output/events/proc_cache.h"

typedef void (*event_sink)(void *ctx, const struct tr_event *ev);

struct container_cache;
struct capture_info; /* output/capture.h */

/* Which processes print (--host, --container, --container-id, --pod). */
struct scope_filter {
	bool host_only;
	bool container_only;
	const char *container_id; /* a prefix of the id; NULL: any */
	const char *pod_namespace; /* NULL: any */
	const char *pod_name; /* NULL: any */
	const uint32_t *pids; /* replay: --pid (live: a kernel selector) */
	int npids;
	const char *const *binaries; /* replay: --binary */
	int nbinaries;
};

struct decoder {
	struct proc_cache *cache;
	struct tr_host host;
	char node_name[256];
	int64_t boot_to_wall_ns; /* wall clock = boot clock + this */
	uint32_t kinds; /* bit (1 << TR_*) set: print that kind */
	event_sink sink;
	void *sink_ctx;
	uint64_t seen[EV_MAX]; /* records decoded, by kernel type */
	uint64_t malformed; /* records that failed validation */
	uint64_t orphan_exits; /* exits of processes we never knew */
	uint64_t dropped; /* processes the cache could not store (out of memory) */
	char path[2 * 4096 + 2]; /* binary made absolute */
	struct container_cache *containers; /* NULL: no container names */
	/* -w: each record before it is decoded, and each container met */
	void (*on_raw)(void *ctx, const void *data, size_t size);
	void (*on_container)(void *ctx, struct container_info *ci);
	void *hook_ctx;
	/* -r: each capture header as it is read (--html: the report's header) */
	void (*on_capture)(void *ctx, const struct capture_info *ci);
	void *capture_ctx;
	struct scope_filter scope;
	uint64_t filtered; /* events outside the scope */
	bool ancestors; /* --ancestors: fill tr_event.ancestors */
	const struct proc_rec *anc[PROC_ANCESTRY_MAX]; /* the event's ancestors */
	const struct tr_hook_info *hooks; /* by event_hook.hook_id */
	int nhooks;
	struct tr_arg args[HOOK_MAX_ARGS]; /* the policy event being decoded */
	struct proc_rec stub; /* a process we never learned (lost events) */
	/* decode_batch(): cgroup moves later in the batch, by pid */
	struct move_hint {
		uint32_t pid;
		uint32_t at; /* index in the batch */
		const struct event_cgroup *rec;
	} hints[64];
	int nhints;
	uint32_t at; /* index of the record being decoded */
};

/* Records read in one drain of the ring buffer, copied out of it. */
struct batch {
	char *buf;
	size_t len, cap;
	uint32_t *off; /* start of each record in buf */
	uint32_t n, max;
};

int decoder_init(struct decoder *d, uint32_t max_procs, event_sink sink, void *ctx);
void decoder_free(struct decoder *d);
/* Decodes one record (ring buffer or iterator). 0, or -1 if malformed. */
int decode_record(struct decoder *d, const void *data, size_t size);
/* Decodes a batch in order, looking ahead for cgroup moves: a process that
 * moves into a container's cgroup in the same batch as its exec is shown
 * in that container (late enrichment, as Tetragon's event cache does). */
void decode_batch(struct decoder *d, const struct batch *b);
/* Decodes the first n records only; the rest still count as lookahead
 * (a process moving in the next few milliseconds). */
void decode_batch_upto(struct decoder *d, const struct batch *b, uint32_t n);
/* Records of the last BATCH_HOLD_NS wait for the next drain: a process
 * that moves into a container right after its exec is then always seen
 * in time (lookahead), for +20 ms of latency. */
#define BATCH_HOLD_NS (20 * 1000000ull)
/* How many of b's records, from the first, are older than the hold-back
 * at now_ns (CLOCK_BOOTTIME, the records' clock): those decode now. */
uint32_t batch_ready(const struct batch *b, uint64_t now_ns);
/* Moves records [from, n) to the front: the next batch starts with them. */
void batch_keep_tail(struct batch *b, uint32_t from);
int batch_init(struct batch *b, size_t cap, uint32_t max);
/* Appends a record; -1 when full (decode the batch, reset, append again). */
int batch_add(struct batch *b, const void *data, size_t size);
void batch_free(struct batch *b);
/* Base64 of "node:ktime:pid" (Tetragon's exec_id form) into out[64]. */
void make_exec_id(char out[64], const char *node, uint64_t ktime, uint32_t pid);

#endif /* TRACER_OUTPUT_DECODE_H */
