/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* hook.h - state shared by the generic hook programs: the per-CPU heap, the
 * hook's read-only config, and the maps every instance shares. */
#ifndef TRACER_BPF_HOOK_H
#define TRACER_BPF_HOOK_H

#include "bpf/lib/common.h"

#define HOOK_REC_SIZE 65536
#define HOOK_REC_MASK 32767 /* offsets stay below; a write adds < 4200 */

struct hook_heap {
	char rec[HOOK_REC_SIZE]; /* struct event_hook + encoded args */
	char path[2 * PATH_MAX_LEN];
	union {
		struct str_key str;
		struct lpm_str_key lpm;
		struct lpm_addr_key addr;
	} key;
	struct sock_info si;
	__u64 raw[8]; /* the raw arguments of the call (6 used; 8 for masking) */
	__s64 ret;
	void *tp_ptr; /* KSRC_TP_SOCK: the tracepoint's object */
	__s64 nr; /* syscall number (syscall tracepoints) */
	__u32 tp_state; /* inet_sock_set_state: the new state */
	__u16 mode; /* the argument being read: its inode's i_mode */
	__u16 pad2;
	__u32 off; /* end of the record so far */
	__u32 pad;
	/* per argument, indexed & 7 so the verifier bounds every access */
	__s64 ival[8]; /* integer value */
	__u32 soff[8]; /* offset of its data in rec */
	__u32 slen[8]; /* its length (strings: without NUL) */
	__u8 aflags[8]; /* its ARG_F_* flags */
};

/* An array indexed by CPU (the loader sizes it): per-CPU arrays cap
 * values at 32 KiB, and tracing programs do not migrate. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct hook_heap);
} hook_heap SEC(".maps");

/* The kernel's initial namespaces, written once by user space. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32[NS_COUNT]);
} host_ns SEC(".maps");

/* Value sets of every selector of every hook, told apart by set_id. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, struct str_key);
	__type(value, __u8);
} str_set SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct bin_key);
	__type(value, __u8);
} bin_set SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 8192);
	__type(key, struct lpm_str_key);
	__type(value, __u8);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} prefix_set SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 8192);
	__type(key, struct lpm_str_key);
	__type(value, __u8);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} postfix_set SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 8192);
	__type(key, struct lpm_addr_key);
	__type(value, __u8);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} cidr_set SEC(".maps");

/* Raw syscall args kept from sys_enter until sys_exit, by thread. */
struct pending {
	__u64 raw[6];
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64); /* hook_id << 32 | tid */
	__type(value, struct pending);
} pending SEC(".maps");

/* Last post per (hook, selector, process) for rateLimit. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, __u64);
} rate SEC(".maps");

const volatile struct hook_cfg cfg = {};
/* st_dev of the namespace filesystem (nsfs), for bpf_get_ns_current_pid_tgid;
 * 0: unknown, compare inode numbers read from the task instead. */
const volatile __u64 nsfs_dev = 0;

static __always_inline struct hook_heap *heap_get(void)
{
	__u32 cpu = bpf_get_smp_processor_id();

	return bpf_map_lookup_elem(&hook_heap, &cpu);
}

#endif /* TRACER_BPF_HOOK_H */
