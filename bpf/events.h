/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* events.h - the one kernel<->user ABI: every record the BPF programs emit.
 *
 * Included by the BPF objects (with vmlinux.h) and by user space (with
 * <linux/types.h>). Fixed-width types only; every record starts with
 * struct event_header; the _Static_asserts below make both compilers fail
 * when a layout drifts.
 */
#ifndef TRACER_EVENTS_H
#define TRACER_EVENTS_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

enum event_type {
	EV_EXEC = 1, /* a process called execve and it succeeded */
	EV_EXIT = 2, /* the last thread of a process exited */
	EV_FORK = 3, /* a new process (not a thread); internal, keeps the cache */
	EV_SCAN = 4, /* a process that predates the tracer (task iterator) */
	EV_HOST = 5, /* the kernel's initial namespaces (init_task) */
	EV_HOOK = 6, /* a policy hook matched a selector */
	EV_CGROUP = 7, /* a process moved to another cgroup (a container) */
	EV_BATCH = 8, /* captures only: the end of one ring-buffer drain */
	EV_MAX,
};

/* Namespace slots, in Tetragon's order. */
enum ns_slot {
	NS_UTS,
	NS_IPC,
	NS_MNT,
	NS_PID,
	NS_PID_FOR_CHILDREN,
	NS_NET,
	NS_TIME,
	NS_TIME_FOR_CHILDREN,
	NS_CGROUP,
	NS_USER,
	NS_COUNT,
};

/* Bounds on variable data; a longer value is cut and flagged. */
#define PATH_MAX_LEN 4096 /* one resolved path, NUL included */
#define ARGS_MAX_LEN 4096 /* argv[0..n], NUL-separated */
#define PATH_MAX_DEPTH 64 /* dentry components walked */

/* process flags (event_proc.flags) */
#define PROC_F_EXECVE (1u << 0) /* learned from an exec */
#define PROC_F_PROCFS (1u << 1) /* learned at start-up (predates us) */
#define PROC_F_CLONE (1u << 2) /* a fork child that has not exec'd */
#define PROC_F_ARGS_TRUNC (1u << 3) /* argv longer than ARGS_MAX_LEN */
#define PROC_F_BIN_TRUNC (1u << 4) /* binary path cut */
#define PROC_F_CWD_TRUNC (1u << 5) /* cwd path cut (too deep or long) */
#define PROC_F_NO_CWD (1u << 6) /* cwd could not be read */
#define PROC_F_ROOT_CWD (1u << 7) /* cwd is the task's root */
#define PROC_F_KTHREAD (1u << 8) /* kernel thread (scan only) */
/* Scan records of the *_compat objects (no bpf_copy_from_user_task before
 * 5.18): argv left out; the loader fills it from /proc/PID/cmdline and
 * clears the flag before anything else sees the record. */
#define PROC_F_ARGS_LATER (1u << 9)
/* EV_EXEC: struct event_stdio follows the record's data (captures written
 * before it have no such flag and no trailer: they stay readable). */
#define PROC_F_STDIO (1u << 10)
/* EV_EXEC: struct event_binfile follows (after the stdio trailer when
 * both are there); older records have neither flag nor trailer. */
#define PROC_F_BINFILE (1u << 11)
/* Bits 24..31 are user space's (output/events/event.h); the kernel never sets them. */
#define PROC_F_KERNEL_MASK 0x00ffffffu

#define EV_F_HINT (1 << 0) /* captures: an EV_CGROUP copy used as lookahead only */

struct event_header {
	__u16 type; /* enum event_type */
	__u16 flags;
	__u32 size; /* whole record, header included */
	__u64 ktime; /* bpf_ktime_get_boot_ns() when emitted */
};

struct event_creds {
	__u32 uid, euid, suid, fsuid;
	__u32 gid, egid, sgid, fsgid;
	__u32 auid; /* loginuid; (u32)-1 when unset */
	__u32 securebits;
	__u64 cap_permitted;
	__u64 cap_effective;
	__u64 cap_inheritable;
};

/* The identity of a process: sent on exec and by the start-up scan. */
struct event_proc {
	struct event_header hdr;
	__u32 pid; /* tgid, in the initial pid namespace */
	__u32 tid;
	__u32 ppid; /* real_parent's tgid */
	__u32 nspid; /* pid inside the task's own pid namespace */
	__u64 start_ktime; /* boot-clock ns: exec time (EV_EXEC) or fork time (EV_SCAN) */
	__u64 cgroup_id; /* cgroup v2 leaf id */
	struct event_creds creds;
	__u32 ns[NS_COUNT]; /* namespace inode numbers, enum ns_slot */
	__u32 flags; /* PROC_F_* */
	__u16 binary_len; /* bytes in data, NUL included */
	__u16 cwd_len;
	__u16 args_len; /* argv[0..n] each NUL-terminated */
	__u16 cgroup_len; /* the v2 cgroup path, then the v1 (memory) one */
	/* char data[]: binary, cwd, args, cgroups, in that order */
};

struct event_exit {
	struct event_header hdr;
	__u32 pid;
	__u32 tid; /* the thread that exited last */
	__u32 exit_code; /* wait status: code << 8 | signal */
	__u32 pad;
};

struct event_cgroup {
	struct event_header hdr;
	__u32 pid; /* the thread group that moved */
	__u16 cgroup_len; /* its v2 path then v1 path, as in event_proc */
	__u16 pad;
	/* char data[]: the paths */
};

struct event_fork {
	struct event_header hdr;
	__u32 pid; /* the child's tgid */
	__u32 ppid;
	__u64 start_ktime;
	__u32 nspid; /* the child's pid in its own namespace */
	__u32 ns[NS_COUNT]; /* its namespaces: unshare --fork gives it new ones */
	__u32 pad;
};

/* A socket's tuple (policy arguments and stdio). */
struct sock_info {
	__u16 family;
	__u16 type;
	__u16 protocol;
	__u16 state;
	__u16 sport;
	__u16 dport;
	__u32 pad;
	__u8 saddr[16];
	__u8 daddr[16];
};

/* What fd 0, 1 and 2 of a process are at exec: read in the kernel from the
 * new image's fd table (after close-on-exec), so a shell started on a
 * socket says so in its own exec record. */
enum stdio_type {
	STDIO_CLOSED, /* no file on that fd */
	STDIO_FILE, /* a regular file or a directory */
	STDIO_PIPE, /* an anonymous pipe (pipefs): ino is the pipe */
	STDIO_FIFO, /* a named pipe: ino and name of its inode */
	STDIO_SOCK, /* a socket: sock */
	STDIO_TTY, /* a terminal (tty, pts, console): rdev */
	STDIO_CHAR, /* another character device (/dev/null): rdev */
	STDIO_OTHER, /* anything else (anon inodes, block devices) */
	STDIO_TYPE_MAX,
};

#define STDIO_F_ACCEPTED (1 << 0) /* socket: local port bound by the owner (a
				   * listener's accepted child, or a client that
				   * bound its port before connect) */
#define STDIO_NAME_LEN 32 /* last path component kept (files, FIFOs, devices) */

struct stdio_fd {
	__u8 type; /* enum stdio_type */
	__u8 flags; /* STDIO_F_* */
	__u16 pad;
	__u32 rdev; /* devices: kernel dev_t (major << 20 | minor) */
	__u64 ino; /* inode number: pipes and FIFOs are matched by it */
	struct sock_info sock; /* STDIO_SOCK */
	char name[STDIO_NAME_LEN]; /* NUL-terminated unless cut */
};

struct event_stdio {
	struct stdio_fd fd[3];
};

/* The executed file's inode (bprm->file): a binary deleted before its
 * exec, or a memfd, has no links left. */
struct event_binfile {
	__u64 ino;
	__u32 nlink;
	__u32 pad;
};

/* Relay tracking (process.bpf.c, when a policy asks for it): a shell
 * whose stdin and stdout/stderr are pipes, FIFOs or unix sockets whose
 * other ends are held by processes that connected a network socket.
 * Objects are keyed by inode: a pipe's or FIFO's own; for a unix socket,
 * the shell keys its peer's and the relay its own, so both name the
 * socket the relay holds. */
#define RELAY_NAME_LEN 16 /* basenames of the shells (relay_bins keys) */
#define RELAY_SCAN_FDS 32 /* fds of a relay looked at when it connects */

struct relay_key {
	__u64 ino;
	__u32 dev; /* the inode's super block */
	__u32 pad;
};

/* A process holding a connected network socket: its remote end. */
struct relay_net {
	struct sock_info sock;
	char comm[16];
};

/* A shell waiting for its relays: the objects on its stdin and output,
 * and each side's relay once seen holding a socket. A side is kept when
 * found because either relay (nc -q 1 </dev/null | sh | nc) or the shell
 * itself may exit before the other side connects. */
struct relay_shell {
	struct relay_key in, out;
	__u8 out_fd; /* 1 or 2 */
	__u8 done; /* reported */
	__u8 seen; /* RELAY_SEEN_IN | RELAY_SEEN_OUT */
	__u8 pad;
	__u32 in_pid, out_pid;
	__u32 pad2;
	struct relay_net in_net, out_net;
};

#define RELAY_SEEN_IN 1
#define RELAY_SEEN_OUT 2

/* relay_stats slots: what the bounds cost. */
enum relay_stat {
	RELAY_ST_MAP_FULL, /* an update the kernel refused */
	RELAY_ST_REPORTED, /* relays reported */
	RELAY_ST_BIND, /* bind shells reported */
	RELAY_ST_MAX,
};

/* Largest record the programs build; its scratch buffer is twice this. */
#define EVENT_PROC_MAX                                                                      \
	(sizeof(struct event_proc) + 2 * PATH_MAX_LEN + ARGS_MAX_LEN + 1024 +                \
	 sizeof(struct event_stdio) + sizeof(struct event_binfile))

_Static_assert(sizeof(struct event_header) == 16, "event_header layout");
_Static_assert(sizeof(struct event_creds) == 64, "event_creds layout");
_Static_assert(sizeof(struct event_proc) == 168, "event_proc layout");
_Static_assert(__builtin_offsetof(struct event_proc, creds) == 48, "event_proc.creds");
_Static_assert(__builtin_offsetof(struct event_proc, ns) == 112, "event_proc.ns");
_Static_assert(sizeof(struct event_exit) == 32, "event_exit layout");
_Static_assert(sizeof(struct event_fork) == 80, "event_fork layout");
_Static_assert(sizeof(struct event_cgroup) == 24, "event_cgroup layout");
_Static_assert(sizeof(struct stdio_fd) == 96, "stdio_fd layout");
_Static_assert(__builtin_offsetof(struct stdio_fd, sock) == 16, "stdio_fd.sock");
_Static_assert(sizeof(struct event_stdio) == 288, "event_stdio layout");
_Static_assert(sizeof(struct event_binfile) == 16, "event_binfile layout");
_Static_assert(sizeof(struct relay_key) == 16, "relay_key layout");
_Static_assert(sizeof(struct relay_net) == 64, "relay_net layout");
_Static_assert(sizeof(struct relay_shell) == 176, "relay_shell layout");

/* ---- policy hooks --------------------------------------------------- */

#define HOOK_MAX_ARGS 5
#define HOOK_MAX_SELECTORS 5
#define SEL_MAX_FILTERS 5 /* matchArgs per selector */
#define FILTER_MAX_VALUES 8 /* inline integer values (pairs for ranges) */
#define HOOK_MAX_SYSCALLS 16 /* syscalls one instance serves (equivalents) */
#define STR_KEY_LEN 256 /* bytes of a string compared in the kernel */
#define LPM_STR_LEN 248 /* prefix/postfix bytes (LPM data is at most 256) */
#define ARG_STR_MAX 4096 /* bytes of a string/path argument kept */

/* Where an argument comes from on the chosen mechanism. */
enum karg_src {
	KSRC_NONE,
	KSRC_SYSCALL, /* args[index] of a syscalls:sys_enter_* tracepoint */
	KSRC_RETVAL, /* the syscall's or function's return value */
	KSRC_RET_FD, /* the fd the syscall returned, resolved in the fd table */
	KSRC_TP_SOCK, /* the sock of sock:inet_sock_set_state */
	KSRC_REG, /* function argument index (kprobe/fentry/uprobe regs) */
	KSRC_TP_ARG, /* argument index of a BTF tracepoint */
	KSRC_STDIO, /* fd number index (0-2) of the current task */
};

/* How an argument is read and encoded. */
enum arg_kind {
	AK_NONE,
	AK_INT, /* signed integer, read as 64 bits */
	AK_UINT, /* unsigned integer */
	AK_STR_USER, /* NUL-terminated string in user memory */
	AK_STR_KERNEL, /* NUL-terminated string in kernel memory */
	AK_PATH_USER, /* a user path string, made absolute against cwd */
	AK_FILE, /* struct file *: its path */
	AK_PATH, /* struct path *: its path */
	AK_FD, /* an fd of the current task: its file's path or socket */
	AK_SOCK, /* struct sock *: the tuple */
	AK_SOCKADDR_USER, /* struct sockaddr * in user memory */
	AK_CRED, /* struct cred * */
	AK_CAP, /* a capability number */
	AK_BUF_USER, /* bytes in user memory, length from another arg */
	AK_BINPRM, /* struct linux_binprm *: its file's path */
	AK_SOCKET, /* struct socket *: its sock's tuple (recorded as AK_SOCK) */
	AK_SOCKADDR, /* struct sockaddr * in kernel memory (recorded as AK_SOCKADDR_USER) */
	AK_BUF_KERNEL, /* bytes in kernel memory (recorded as AK_BUF_USER) */
	AK_DENTRY, /* struct dentry *: its path in its file system (recorded as AK_PATH) */
	AK_SKB, /* struct sk_buff *: its IP/TCP/UDP tuple (recorded as AK_SOCK) */
	AK_KIND_MAX,
};

struct karg_recipe {
	__u8 src; /* enum karg_src */
	__u8 kind; /* enum arg_kind */
	__u8 index; /* syscall/function/tracepoint argument index */
	__u8 size_index; /* AK_BUF_USER: index of the length argument */
	__u16 max_len; /* AK_BUF_USER / strings: bytes kept */
	__u8 int_size; /* AK_INT/AK_UINT: width in bytes (1, 2, 4; 0 or 8: 64 bits) */
	__u8 pad;
};

/* Filter operators as the kernel evaluates them. */
enum filt_op {
	FOP_NONE,
	FOP_EQ, /* ints: any value equal; strings: exact match (set) */
	FOP_NEQ,
	FOP_PREFIX, /* strings (LPM set) */
	FOP_NOT_PREFIX,
	FOP_POSTFIX, /* strings (reversed LPM set) */
	FOP_NOT_POSTFIX,
	FOP_GT,
	FOP_LT,
	FOP_MASK, /* any bit in common */
	FOP_RANGE, /* in any [lo, hi] pair */
	FOP_NOT_RANGE,
	FOP_SADDR, /* sock: CIDR set */
	FOP_DADDR,
	FOP_NOT_SADDR,
	FOP_NOT_DADDR,
	FOP_SPORT, /* sock: [lo, hi] pairs */
	FOP_DPORT,
	FOP_NOT_SPORT,
	FOP_NOT_DPORT,
	FOP_SPORT_PRIV, /* port < 1024 */
	FOP_DPORT_PRIV,
	FOP_NOT_SPORT_PRIV,
	FOP_NOT_DPORT_PRIV,
	FOP_PROTOCOL, /* sock: equal to any value */
	FOP_FAMILY,
	FOP_STATE,
	FOP_OP_MAX,
};

struct filter_cfg {
	__u8 op; /* enum filt_op */
	__u8 arg; /* index into the hook's args[] */
	__u8 nvals; /* inline values used */
	__u8 pad;
	__u32 set_id; /* string and CIDR sets: key prefix in the shared maps */
	__s64 vals[FILTER_MAX_VALUES];
};

enum ns_op { NSOP_NONE, NSOP_IN, NSOP_NOT_IN };

/* Selector actions (Tetragon's names in the policy). */
enum hook_action {
	HA_POST = 1,
	HA_NOPOST,
	HA_SIGKILL,
	HA_SIGNAL,
	HA_OVERRIDE,
	HA_TRACKSOCK,
	HA_UNTRACKSOCK,
	HA_FOLLOWFD,
	HA_UNFOLLOWFD,
	HA_COPYFD,
};

struct selector_cfg {
	__u8 nfilters;
	__u8 action; /* enum hook_action */
	__u8 monitor; /* report instead of enforcing */
	__u8 post; /* send an event (every action but NoPost) */
	__u8 bin_op; /* enum ns_op: matchBinaries In/NotIn (exact set) */
	__u8 pbin_op; /* matchParentBinaries */
	__u8 pid_op[2]; /* matchPIDs In/NotIn (two filters, AND-ed) */
	__u8 npids[2];
	__u8 pid_ns[2]; /* isNamespacePID: compare the pid in its namespace */
	__u8 ns_used; /* matchNamespaces present */
	__u8 ns_op[NS_COUNT]; /* enum ns_op per namespace slot */
	__u8 ns_nval[NS_COUNT]; /* values of that slot */
	__u8 cap_op; /* matchCapabilities In/NotIn */
	__u8 cap_set; /* 0 effective, 1 inheritable, 2 permitted */
	__u8 pad[2];
	__u32 bin_set, pbin_set; /* set ids of the binary path sets */
	__u32 ns_val[NS_COUNT][4]; /* inodes; 0 stands for host_ns */
	__u32 pids[2][4];
	__u64 cap_mask; /* matchCapabilities: any of these */
	__u32 signal; /* HA_SIGNAL */
	__u32 rate_ms; /* Post rateLimit; 0: none */
	__s32 override_ret; /* HA_OVERRIDE: the value the hooked function returns */
	__u32 pad3;
	struct filter_cfg f[SEL_MAX_FILTERS];
};

/* matchReturnArgs filter on the return value: filter_cfg.arg takes this. */
#define FILTER_ARG_RET 7

/* The read-only config of one hook instance (rodata). */
struct hook_cfg {
	__u32 hook_id; /* index into user space's hook table */
	__u8 nargs;
	__u8 nsel;
	__u8 sock_state; /* KSRC_TP_SOCK: the new state that fires (TCP_*) */
	__u8 need_exit; /* sys_enter stores args; sys_exit finishes */
	__u8 uses_binary; /* a selector matches on binaries */
	__u8 has_ret;
	__u8 syscall_regs; /* kprobe on a syscall wrapper: args in an inner pt_regs */
	__u8 ret_nonneg; /* the hook stands for a success only (fd_install) */
	__u8 args_at_exit; /* sys_exit reads the arguments from the task's saved
			    * user registers: no sys_enter, no pending map */
	__u8 fn_nargs; /* trampolines and LSM: the function's parameters */
	__u8 ret_int; /* the hooked function returns an int (an LSM hook may deny) */
	__u8 pad2[5];
	struct karg_recipe args[HOOK_MAX_ARGS];
	struct selector_cfg sel[HOOK_MAX_SELECTORS];
	/* An instance on several syscalls: where each keeps its file name
	 * (the path of a failed open), by syscall number; 0xff: none. */
	__s32 sc_nr[HOOK_MAX_SYSCALLS];
	__u8 sc_fname[HOOK_MAX_SYSCALLS];
};

/* String set key: the map holds set_id + the bytes (zero padded). */
struct str_key {
	__u32 set_id;
	__u32 len;
	char s[STR_KEY_LEN];
};

/* LPM key for prefixes (strings, reversed strings, addresses). */
struct lpm_str_key {
	__u32 prefixlen; /* bits, set_id included */
	__u32 set_id;
	char s[LPM_STR_LEN];
};

struct lpm_addr_key {
	__u32 prefixlen;
	__u32 set_id; /* high bit set for IPv6 sets */
	__u8 addr[16];
};

/* What the kernel keeps per process for matchBinaries (LRU by tgid). */
struct proc_bin {
	__u64 exec_ktime;
	__u64 hash; /* bin_hash() of bin: what matchBinaries looks up */
	__u32 ppid;
	__u32 len; /* bytes in bin, without the NUL */
	char bin[STR_KEY_LEN]; /* resolved executable path, zero padded */
};

/* matchBinaries sets: a 64-bit FNV-1a of the path, not the path, so a
 * hook hit costs one 16-byte hash lookup. */
struct bin_key {
	__u32 set_id;
	__u32 pad;
	__u64 hash;
};

#define BIN_HASH_SEED 0xcbf29ce484222325ull
#define BIN_HASH_PRIME 0x100000001b3ull

/* Encoded argument in an EV_HOOK record: header then len bytes, padded
 * to 8. */
struct arg_hdr {
	__u8 kind; /* enum arg_kind as read */
	__u8 flags; /* ARG_F_* */
	__u16 len;
	__u16 mode; /* files and paths: the inode's i_mode; 0: not read (a
		     * failed open, records that predate it) */
	__u16 pad;
};

/* An AK_SOCK argument's data: the tuple, then the socket cookie (what
 * SO_COOKIE and ss -e say; 0: none assigned yet). Records that predate
 * it carry the 48-byte tuple alone. */
struct sock_arg {
	struct sock_info si;
	__u64 cookie;
};

#define ARG_F_TRUNC (1 << 0) /* string or path cut */
#define ARG_F_FAILED (1 << 1) /* could not be read */
#define ARG_F_RELATIVE (1 << 2) /* a path left relative (no cwd) */
#define ARG_F_SOCK (1 << 3) /* AK_FD: the fd is a socket (sock_info) */
/* AK_SOCKADDR_USER: an AF_UNIX address, whose data is its path (an
 * abstract name as "@name"), not a sock_info */
#define ARG_F_UNIX (1 << 4)
#define SUN_PATH_LEN 108 /* sizeof(sockaddr_un.sun_path) */

struct event_hook {
	struct event_header hdr;
	__u32 pid;
	__u32 tid;
	__u32 hook_id;
	__u8 sel; /* the selector that matched */
	__u8 action; /* enum hook_action */
	__u8 nargs;
	__u8 monitor;
	__s64 ret; /* return value when the hook has one */
	/* struct arg_hdr + data, nargs times */
};

/* A relay reverse shell, reported as an EV_HOOK record of the policy
 * hook that asked for relay tracking (hook_id from rodata), pid the
 * shell's: these five arguments, in this order. */
#define RELAY_NARGS 5
struct relay_record {
	struct event_hook h;
	struct arg_hdr a_in;
	struct sock_info in; /* AK_SOCK: the remote end of its stdin's relay */
	struct arg_hdr a_out;
	struct sock_info out; /* AK_SOCK: the remote end of its output's relay */
	struct arg_hdr a_in_pid;
	__s64 in_pid; /* AK_INT: the relaying process (stdin side) */
	struct arg_hdr a_out_pid;
	__s64 out_pid; /* AK_INT: the relaying process (output side) */
	struct arg_hdr a_comm;
	char comm[16]; /* AK_STR_KERNEL: the stdin relay's command name */
};

/* A bind shell: a shell started with accepted network sockets on its
 * stdin and stdout/stderr (a listener handed it to whoever connected).
 * Reported by relay tracking as an EV_HOOK record of hook relay_hook_id
 * + 1, with these two arguments. */
#define BIND_NARGS 2
struct bind_record {
	struct event_hook h;
	struct arg_hdr a_in;
	struct sock_info in; /* AK_SOCK: stdin's socket (sport: the listening port) */
	struct arg_hdr a_out;
	struct sock_info out; /* AK_SOCK: stdout's (or stderr's) socket */
};

_Static_assert(sizeof(struct filter_cfg) == 72, "filter_cfg layout");
_Static_assert(sizeof(struct karg_recipe) == 8, "karg_recipe layout");
_Static_assert(__builtin_offsetof(struct selector_cfg, f) == 264, "selector_cfg layout");
_Static_assert(sizeof(struct selector_cfg) == 264 + SEL_MAX_FILTERS * 72, "selector_cfg size");
_Static_assert(__builtin_offsetof(struct hook_cfg, args) == 20, "hook_cfg.args");
_Static_assert(sizeof(struct arg_hdr) == 8, "arg_hdr layout");
_Static_assert(__builtin_offsetof(struct arg_hdr, mode) == 4, "arg_hdr.mode");
_Static_assert(sizeof(struct sock_arg) == 56, "sock_arg layout");
_Static_assert(__builtin_offsetof(struct sock_arg, cookie) == 48, "sock_arg.cookie");
_Static_assert(sizeof(struct sock_info) == 48, "sock_info layout");
_Static_assert(sizeof(struct event_hook) == 40, "event_hook layout");
_Static_assert(__builtin_offsetof(struct filter_cfg, vals) == 8, "filter_cfg.vals");
_Static_assert(__builtin_offsetof(struct karg_recipe, max_len) == 4, "karg_recipe.max_len");
_Static_assert(__builtin_offsetof(struct selector_cfg, bin_set) == 40, "selector_cfg.bin_set");
_Static_assert(__builtin_offsetof(struct selector_cfg, ns_val) == 48, "selector_cfg.ns_val");
_Static_assert(__builtin_offsetof(struct selector_cfg, pids) == 208, "selector_cfg.pids");
_Static_assert(__builtin_offsetof(struct selector_cfg, cap_mask) == 240, "selector_cfg.cap_mask");
_Static_assert(__builtin_offsetof(struct selector_cfg, override_ret) == 256, "selector_cfg.override_ret");
_Static_assert(__builtin_offsetof(struct hook_cfg, sel) == 64, "hook_cfg.sel");
_Static_assert(__builtin_offsetof(struct hook_cfg, sc_nr) == 64 + HOOK_MAX_SELECTORS * 624, "hook_cfg.sc_nr");
_Static_assert(sizeof(struct hook_cfg) == 3264, "hook_cfg size");
/* map keys and values user space writes or reads */
_Static_assert(sizeof(struct str_key) == 8 + STR_KEY_LEN, "str_key layout");
_Static_assert(sizeof(struct lpm_str_key) == 256, "lpm_str_key: LPM data is at most 256 bytes");
_Static_assert(sizeof(struct lpm_addr_key) == 24, "lpm_addr_key layout");
_Static_assert(sizeof(struct bin_key) == 16, "bin_key layout");
_Static_assert(__builtin_offsetof(struct bin_key, hash) == 8, "bin_key.hash");
_Static_assert(sizeof(struct proc_bin) == 24 + STR_KEY_LEN, "proc_bin layout");
_Static_assert(__builtin_offsetof(struct proc_bin, bin) == 24, "proc_bin.bin");
/* limits that must agree with each other */
_Static_assert(STR_KEY_LEN && !(STR_KEY_LEN & (STR_KEY_LEN - 1)), "STR_KEY_LEN: a power of two (masked index)");
_Static_assert(FILTER_ARG_RET >= HOOK_MAX_ARGS, "FILTER_ARG_RET is no argument index");
_Static_assert(NS_COUNT <= 16, "selector_cfg.ns_* per slot");

#ifndef __bpf__
/* FNV-1a of a binary path: the kernel computes the same (process.bpf.c)
 * for proc_bin.hash; policy values are hashed with this for bin_key. */
static inline __u64 bin_hash(const char *s, unsigned long len)
{
	__u64 h = BIN_HASH_SEED;
	unsigned long i;

	for (i = 0; i < len; i++)
		h = (h ^ (__u8)s[i]) * BIN_HASH_PRIME;
	return h;
}
#endif
_Static_assert(sizeof(struct relay_record) == 40 + 2 * 56 + 2 * 16 + 24, "relay_record layout");
_Static_assert(sizeof(struct bind_record) == 40 + 2 * 56, "bind_record layout");

#endif /* TRACER_EVENTS_H */
