/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* common.h - includes, shared maps and emit helpers for every BPF object. */
#ifndef TRACER_BPF_COMMON_H
#define TRACER_BPF_COMMON_H

#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "bpf/events.h"
#include "bpf/lib/loop.h"

/* Scratch space for one record under construction, per CPU. Twice the
 * largest record so masked offsets always stay inside it. */
#define SCRATCH_SIZE 16384
_Static_assert(EVENT_PROC_MAX < SCRATCH_SIZE, "scratch fits a record");

struct scratch {
	char rec[SCRATCH_SIZE];
	char path[2 * PATH_MAX_LEN]; /* dentry walk fills this backwards */
};

/* A walk's buffer (2 * PATH_MAX_LEN) fills [0, PATH_MAX_LEN) backwards;
 * masked writes may spill 256 bytes past it, and cgroup.h reads a name at
 * PATH_MAX_LEN + 512. The walk's changing state sits here, in map memory
 * (see path.h). */
#define WALK_STATE_OFF (PATH_MAX_LEN + 1024)

/* The compat objects' path walk buffer (see path.h). In both variants,
 * and first, so the two skeletons keep one layout (bpf/hooks.c opens
 * either through one type); the modern objects' is a 4-byte stub. */
struct walk_buf {
#ifdef TRACER_COMPAT
	char buf[2 * PATH_MAX_LEN];
#else
	__u32 unused;
#endif
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct walk_buf);
} walk_buf SEC(".maps");

/* Shared by every object: user space reuses the fds across skeletons. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 << 20); /* resized by the loader (-B) */
} events SEC(".maps");

/* Records the ring buffer could not take, by type. Memory-mapped so user
 * space reads it without a syscall (also after -Z drops privileges). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, EV_MAX);
	__type(key, __u32);
	__type(value, __u64);
} drops SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch);
} scratch_map SEC(".maps");

/* Resolved executable of each process (filled by process.bpf.c). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 32768);
	__type(key, __u32);
	__type(value, struct proc_bin);
} proc_bins SEC(".maps");

/* Wake the reader only when this much is waiting; it also polls on a
 * timer, so latency stays bounded without a ~3 us wakeup per event. */
const volatile __u64 wakeup_bytes = 256 << 10;

static __always_inline struct scratch *scratch_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&scratch_map, &zero);
}

static __always_inline void count_drop(__u32 type)
{
	__u64 *n = bpf_map_lookup_elem(&drops, &type);

	if (n)
		__sync_fetch_and_add(n, 1);
}

/* Wake the reader when this record takes the backlog over wakeup_bytes,
 * once: a reader already behind is awake (or polls within 50 ms), and a
 * wakeup per record costs ~3 us. */
static __always_inline __u64 submit_flags_for(__u32 size)
{
	__u64 avail = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA);

	if (avail < wakeup_bytes && avail + size >= wakeup_bytes)
		return BPF_RB_FORCE_WAKEUP;
	return BPF_RB_NO_WAKEUP;
}

#define submit_flags() submit_flags_for(256)

/* Copies a finished record to the ring buffer; a full ring is a counted
 * drop, never a silent one. */
static __always_inline void emit(void *rec, __u32 size, __u32 type)
{
	if (bpf_ringbuf_output(&events, rec, size & (SCRATCH_SIZE - 1), submit_flags_for(size)))
		count_drop(type);
}

static __always_inline void header_init(struct event_header *h, __u16 type, __u32 size)
{
	h->type = type;
	h->flags = 0;
	h->size = size;
	h->ktime = bpf_ktime_get_boot_ns();
}

#endif /* TRACER_BPF_COMMON_H */
