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

struct container_info; /* output/container.h */

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
	const char *cgroup; /* cgroup v2 path ("/system.slice/x.scope"), "" if unknown */
	const char *cgroup_v1; /* v1 memory hierarchy path (hybrid hosts) */
	const struct container_info *container; /* NULL: a host process */
	uint8_t secureexec; /* BP_* (the exec's privilege changes), user space */
	bool in_init_tree; /* its container's init (pid 1 inside) or a fork of it */
	bool bin_known; /* the exec record had the file's inode (PROC_F_BINFILE) */
	uint32_t bin_nlink; /* the executed file's links (0: deleted, a memfd) */
	uint64_t bin_ino; /* and its inode number */
};

/* Binary properties of an exec, as Tetragon's BinaryProperties: what the
 * exec changed, told from the creds before and after it (decode.c). */
#define BP_SETUID (1u << 0) /* euid differs from uid after the exec */
#define BP_SETGID (1u << 1)
#define BP_RAISED_SETUID (1u << 2) /* to euid 0 from a non-root uid */
#define BP_RAISED_SETGID (1u << 3) /* to egid 0 from a non-root gid */
#define BP_RAISED_FILE_CAP (1u << 4) /* gained permitted caps it did not have */
#define BP_UNLINKED (1u << 5) /* the file had no links (deleted, a memfd) */
/* A capture's snapshot (an EV_SCAN record user space writes) carries its
 * process's BP_* bits in these PROC_F_* bits, which the kernel never sets:
 * a later file of a rotation then replays the same binary_properties. */
#define PROC_F_BP_SHIFT 24
#define PROC_F_BP_MASK (0x3fu << PROC_F_BP_SHIFT)
/* -w: the process's record is in the current capture file. */
#define PROC_F_CAPTURED (1u << 31)
_Static_assert(!((PROC_F_BP_MASK | PROC_F_CAPTURED) & PROC_F_KERNEL_MASK),
	       "user-space process flags clash with the kernel's");
_Static_assert(!(PROC_F_BP_MASK & PROC_F_CAPTURED), "PROC_F_CAPTURED is not a BP_* bit");

enum tr_kind {
	TR_EXEC = 1,
	TR_EXIT,
	TR_KPROBE, /* process_kprobe: a kprobes: hook (whatever served it) */
	TR_TRACEPOINT, /* process_tracepoint */
	TR_LSM, /* process_lsm */
	TR_UPROBE, /* process_uprobe */
	TR_KIND_MAX,
};

/* What a policy hook is, for printing: fixed when the policy is compiled. */
struct tr_hook_info {
	enum tr_kind kind; /* TR_KPROBE .. TR_UPROBE */
	const char *policy_name;
	const char *k8s_namespace; /* TracingPolicyNamespaced: its namespace */
	const char *function_name; /* Tetragon's: "__x64_sys_openat", "tcp_connect" */
	const char *subsys, *event; /* TR_TRACEPOINT; TR_UPROBE: binary path, symbol */
	const char *message; /* NULL: none */
	const char *const *tags;
	int ntags;
	int nargs;
	const char *arg_type[HOOK_MAX_ARGS]; /* the policy's type name: "file", "sock" */
	const char *arg_label[HOOK_MAX_ARGS]; /* NULL: none */
	bool has_ret; /* a return value is reported */
	const char *ret_type; /* its type name, e.g. "int" */
};

/* One decoded argument of a policy event. */
struct tr_arg {
	uint8_t kind; /* enum arg_kind (bpf/events.h): how it was read */
	uint8_t flags; /* ARG_F_* */
	int64_t ival; /* AK_INT, AK_UINT, AK_CAP; a cut AK_BUF_USER: the size
			 asked for (Tetragon's orig_size), 0 if unknown */
	const char *str; /* strings, paths, buffers: raw bytes, not NUL-ended */
	uint32_t len;
	struct sock_info sock; /* AK_SOCK, AK_SOCKADDR_USER, AK_FD with ARG_F_SOCK */
	uint64_t cookie; /* sockets: the socket cookie, 0 if none or not read */
	uint16_t mode; /* files and paths: the inode's i_mode, 0 if not read */
	struct event_creds cred; /* AK_CRED */
};

#define NODE_LABELS_MAX 64 /* --node-label given at most this often */

/* Process-wide context every formatter needs, set once at start-up. */
struct tr_host {
	const char *node_name;
	const char *cluster_name; /* --cluster-name; NULL: none */
	/* --node-label: "key=value" strings sorted by key (JSON node_labels) */
	const char *const *node_labels;
	int nnode_labels;
	uint32_t ns[NS_COUNT]; /* the kernel's initial namespaces */
};

/* On the host: the host's (known) pid and mount namespaces, and no
 * container runtime's cgroup holds it. --host, --container and every
 * format's "host" say this one thing. */
static inline bool proc_on_host(const struct tr_host *h, const struct proc_rec *p)
{
	return h && h->ns[NS_PID] && h->ns[NS_MNT] && p->ns[NS_PID] == h->ns[NS_PID] &&
	       p->ns[NS_MNT] == h->ns[NS_MNT] && !p->container;
}

struct tr_event {
	enum tr_kind kind;
	uint64_t time_ns; /* wall clock of the event */
	const struct proc_rec *proc; /* never NULL */
	const struct proc_rec *parent; /* NULL when unknown */
	/* TR_EXEC: fds 0-2 at exec; NULL in records that predate it */
	const struct event_stdio *stdio;
	/* --ancestors: the parent's parent and up, nearest first; NULL when off */
	const struct proc_rec *const *ancestors;
	int nancestors;
	/* TR_EXIT */
	uint32_t exit_status; /* exit code when exit_signal == 0 */
	uint32_t exit_signal; /* terminating signal number, 0 if none */
	/* TR_KPROBE .. TR_UPROBE */
	const struct tr_hook_info *hook;
	const struct tr_arg *args; /* hook->nargs of them */
	int nargs;
	int64_t ret; /* when hook->has_ret */
	uint8_t action; /* enum hook_action (bpf/events.h) */
	/* --evidence: the executable's sha256 (hex; NULL: not known), and
	 * what became of it ("saved", "gone", "pending"...; NULL: off) */
	const char *exe_sha256;
	const char *evidence;
	bool monitor; /* an enforcement action only reported (--monitor) */
};

#endif /* TRACER_OUTPUT_EVENT_H */
