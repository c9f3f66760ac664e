/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* fixtures.h - recorded events the golden files were made from.
 *
 * Each fixture is a decoded event as output/decode.c hands it to the
 * formatters. Included by tests/unit/test_format.c only; formatting
 * fx_events[] in order gives tests/golden/events.{compact,json,csv}.
 */
#ifndef TRACER_TESTS_FIXTURES_H
#define TRACER_TESTS_FIXTURES_H

#include "output/events/container.h"
#include "output/events/event.h"

/* argv[1..n] as the kernel sends them: each NUL-terminated. */
/* clang-format off */
#define ARGS(s, n) .args = s, .args_len = sizeof(s), .argc = n

#define T0 1795911154000000000ull /* 2026-11-29T00:12:34Z */
#define CAPS_ROOT 0x000001ffffffffffull /* CAP_CHOWN .. CAP_CHECKPOINT_RESTORE */

#define HOST_NS                                                       \
	{ 4026531838, 4026531839, 4026531841, 4026531836, 4026531836, \
	  4026531840, 4026531834, 4026531834, 4026531835, 4026531837 }

static const struct tr_host fx_host = {
	.node_name = "node-a",
	.ns = HOST_NS,
};

#define FX_ROOT                                              \
	{ .auid = 0xffffffff, .cap_permitted = CAPS_ROOT, \
	  .cap_effective = CAPS_ROOT }

/* inheritable: CAP_NET_BIND_SERVICE, CAP_NET_RAW */
#define FX_USER                                                          \
	{ .uid = 1000, .euid = 1000, .suid = 1000, .fsuid = 1000,        \
	  .gid = 1000, .egid = 1000, .sgid = 1000, .fsgid = 1000,        \
	  .auid = 1000, .cap_inheritable = 1ull << 10 | 1ull << 13 }

/* A shell that predates the tracer (learned by the start-up scan). */
static const struct proc_rec fx_shell = {
	.pid = 1200, .tid = 1200, .ppid = 1, .nspid = 1200,
	.creds = FX_USER, .ns = HOST_NS,
	.start_ns = T0 - 3600000000000ull, .ktime = 5000000000,
	.flags = PROC_F_PROCFS,
	.exec_id = "bm9kZS1hOjUwMDAwMDAwMDA6MTIwMA==",
	.parent_exec_id = "bm9kZS1hOjEwMDAwMDAwOjE=",
	.binary = "/bin/sh", .cwd = "/home/user",
	ARGS("-c\0/usr/bin/true chk 'two words'; :", 2),
};

static const struct proc_rec fx_true = {
	.pid = 4242, .tid = 4242, .ppid = 1200, .nspid = 4242,
	.creds = FX_USER, .ns = HOST_NS,
	.start_ns = T0 + 123456789, .ktime = 9000000000,
	.flags = PROC_F_EXECVE | PROC_F_CLONE,
	.exec_id = "bm9kZS1hOjkwMDAwMDAwMDA6NDI0Mg==",
	.parent_exec_id = "bm9kZS1hOjUwMDAwMDAwMDA6MTIwMA==",
	.binary = "/usr/bin/true", .cwd = "/home/user",
	ARGS("chk\0two words", 2),
	.bin_known = true, .bin_ino = 1835009, .bin_nlink = 1,
};

/* A copy of true deleted before its exec (run through /proc/self/fd). */
static const struct proc_rec fx_deleted = {
	.pid = 4300, .tid = 4300, .ppid = 1200, .nspid = 4300,
	.creds = FX_USER, .ns = HOST_NS,
	.start_ns = T0 + 7000000000, .ktime = 15000000000,
	.flags = PROC_F_EXECVE | PROC_F_CLONE,
	.exec_id = "bm9kZS1hOjE1MDAwMDAwMDAwOjQzMDA=",
	.parent_exec_id = "bm9kZS1hOjUwMDAwMDAwMDA6MTIwMA==",
	.binary = "/tmp/true-copy", .cwd = "/home/user",
	ARGS("gone", 1),
	.secureexec = BP_UNLINKED,
	.bin_known = true, .bin_ino = 917513, .bin_nlink = 0,
};

/* No arguments, cwd is the root, parent unknown. */
static const struct proc_rec fx_init = {
	.pid = 1, .tid = 1, .nspid = 1,
	.creds = FX_ROOT, .ns = HOST_NS,
	.start_ns = 1709251199000000001ull, /* a leap day */
	.flags = PROC_F_PROCFS | PROC_F_ROOT_CWD,
	.exec_id = "bm9kZS1hOjEwMDAwMDAwOjE=",
	.binary = "/sbin/init", .cwd = "/",
};

/* A root process in a container: own uts ipc mnt pid net cgroup. */
static const struct proc_rec fx_ct = {
	.pid = 7777, .tid = 7778, .ppid = 7700, .nspid = 1,
	.creds = FX_ROOT,
	.ns = { 4026532501, 4026532502, 4026532500, 4026532503, 4026532503,
		4026532505, 4026531834, 4026531834, 4026532506, 4026531837 },
	.start_ns = T0 + 2000000000, .ktime = 11000000000,
	.flags = PROC_F_EXECVE | PROC_F_CLONE,
	.exec_id = "bm9kZS1hOjExMDAwMDAwMDAwOjc3Nzc=",
	.parent_exec_id = "bm9kZS1hOjEwOTAwMDAwMDAwOjc3MDA=",
	.binary = "/usr/bin/sleep", .cwd = "/srv",
	ARGS("30", 1),
};

/* Everything an attacker controls, at once. */
static const struct proc_rec fx_evil = {
	.pid = 6666, .tid = 6666, .ppid = 1200, .nspid = 6666,
	.creds = FX_USER, .ns = HOST_NS,
	.start_ns = T0 + 3000000000, .ktime = 12000000000,
	.flags = PROC_F_EXECVE | PROC_F_CLONE | PROC_F_ARGS_TRUNC,
	.exec_id = "bm9kZS1hOjEyMDAwMDAwMDAwOjY2NjY=",
	.parent_exec_id = "bm9kZS1hOjUwMDAwMDAwMDA6MTIwMA==",
	.binary = "/tmp/a b\n\x1b[31mfake\r,\"bin\"",
	.cwd = "/tmp/x,y\x07\x7f\\z",
	ARGS("chk-esc\n\x1b[31mFORGED\r,\"q\x07\0"
	     "\xff\xfe\0"
	     "\xc0\xaf\xe0\x80\xaf\xed\xa0\x80\0"
	     "\0"
	     "...\0"
	     "it's\\n\0"
	     "\xc2\x9b" "31m\xe2\x80\xae" "txt.exe\0"
	     "h\xc3\xa9llo-\xe6\x97\xa5\xe6\x9c\xac\0"
	     "a,b\0"
	     "\t lead trail \0"
	     "cut\xe6\x97", 11),
};

/* ---- containers (struct container_info, as output/container.c fills it) -- */

/* A Kubernetes pod's container (containerd/CRI): every name known. */
static const struct container_info ct_pod = {
	.id = "3f2a9c8e1b7d4f6a0c5e2b9d8a7f6e5d4c3b2a1908f7e6d5c4b3a29180f7e6d5",
	.runtime = "containerd", .rt = CT_RT_CONTAINERD,
	.pod_uid = "7c1f6e2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b",
	.name = "web", .image = "docker.io/library/nginx:1.27",
	.image_id = "sha256:a4f1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f",
	.pod_name = "web-7d9c-x2x", .pod_namespace = "prod",
	.label = "prod/web-7d9c-x2x", .flags = CT_F_STATE,
};

/* A plain docker container: a name and an image, no pod. */
static const struct container_info ct_docker = {
	.id = "b5e0d1c2a3f4e5d6c7b8a9f0e1d2c3b4a5f6e7d8c9b0a1f2e3d4c5b6a7f8e9d0",
	.runtime = "docker", .rt = CT_RT_DOCKER,
	.name = "redis-cache", .image = "redis:7.2",
	.image_id = "sha256:0e7c4b1a2f3d4c5b6a7980e1f2d3c4b5a6978e0f1d2c3b4a5968e7f0d1c2b3a4",
	.label = "redis-cache", .flags = CT_F_STATE,
};

/* A container known by its cgroup alone (no readable runtime state). */
static const struct container_info ct_bare = {
	.id = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	.runtime = "crio", .rt = CT_RT_CRIO,
	.label = "0123456789ab",
};

#define POD_NS                                                        \
	{ 4026532601, 4026532602, 4026532600, 4026532603, 4026532603, \
	  4026532605, 4026531834, 4026531834, 4026532606, 4026531837 }

/* The pod's shell (pid 1 inside) and a curl it runs (pid 7 inside). */
static const struct proc_rec fx_pod_sh = {
	.pid = 8800, .tid = 8800, .ppid = 8790, .nspid = 1,
	.creds = FX_ROOT, .ns = POD_NS,
	.start_ns = T0 + 6000000000, .ktime = 14000000000,
	.flags = PROC_F_EXECVE | PROC_F_CLONE,
	.exec_id = "bm9kZS1hOjE0MDAwMDAwMDAwOjg4MDA=",
	.parent_exec_id = "bm9kZS1hOjEzOTAwMDAwMDAwOjg3OTA=",
	.binary = "/bin/sh", .cwd = "/",
	ARGS("-c\0curl -s http://10.96.0.1/", 2),
	.cgroup = "/kubepods.slice/kubepods-besteffort.slice/"
		  "kubepods-besteffort-pod7c1f6e2a_3b4d_4e5f_8a9b_0c1d2e3f4a5b.slice/"
		  "cri-containerd-3f2a9c8e1b7d4f6a0c5e2b9d8a7f6e5d4c3b2a1908f7e6d5c4b3a29180f7e6d5.scope",
	.container = &ct_pod,
};
static const struct proc_rec fx_pod_curl = {
	.pid = 8807, .tid = 8807, .ppid = 8800, .nspid = 7,
	.creds = FX_ROOT, .ns = POD_NS,
	.start_ns = T0 + 6100000000, .ktime = 14100000000,
	.flags = PROC_F_EXECVE | PROC_F_CLONE,
	.exec_id = "bm9kZS1hOjE0MTAwMDAwMDAwOjg4MDc=",
	.parent_exec_id = "bm9kZS1hOjE0MDAwMDAwMDAwOjg4MDA=",
	.binary = "/usr/bin/curl", .cwd = "/",
	ARGS("-s\0http://10.96.0.1/", 2),
	.cgroup = "/kubepods.slice/kubepods-besteffort.slice/"
		  "kubepods-besteffort-pod7c1f6e2a_3b4d_4e5f_8a9b_0c1d2e3f4a5b.slice/"
		  "cri-containerd-3f2a9c8e1b7d4f6a0c5e2b9d8a7f6e5d4c3b2a1908f7e6d5c4b3a29180f7e6d5.scope",
	.container = &ct_pod,
};

/* redis-server in a docker container (systemd driver). */
static const struct proc_rec fx_docker = {
	.pid = 9100, .tid = 9100, .ppid = 9050, .nspid = 1,
	.creds = FX_USER, .ns = POD_NS,
	.start_ns = T0 + 6500000000, .ktime = 14500000000,
	.flags = PROC_F_EXECVE | PROC_F_CLONE,
	.exec_id = "bm9kZS1hOjE0NTAwMDAwMDAwOjkxMDA=",
	.parent_exec_id = "bm9kZS1hOjE0NDAwMDAwMDAwOjkwNTA=",
	.binary = "/usr/local/bin/redis-server", .cwd = "/data",
	ARGS("*:6379", 1),
	.cgroup = "/system.slice/"
		  "docker-b5e0d1c2a3f4e5d6c7b8a9f0e1d2c3b4a5f6e7d8c9b0a1f2e3d4c5b6a7f8e9d0.scope",
	.container = &ct_docker,
};

/* A process of a container named by its id alone (CRI-O, no state). */
static const struct proc_rec fx_bare = {
	.pid = 9300, .tid = 9300, .ppid = 9290, .nspid = 12,
	.creds = FX_ROOT, .ns = POD_NS,
	.start_ns = T0 + 6800000000, .ktime = 14800000000,
	.flags = PROC_F_EXECVE | PROC_F_CLONE,
	.exec_id = "bm9kZS1hOjE0ODAwMDAwMDAwOjkzMDA=",
	.parent_exec_id = "bm9kZS1hOjE0NzAwMDAwMDAwOjkyOTA=",
	.binary = "/usr/bin/id", .cwd = "/",
	.cgroup = "/system.slice/"
		  "crio-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.scope",
	.container = &ct_bare,
};

#define FX_EVENT(k, t, p, par, st, sig) \
	{ .kind = k, .time_ns = t, .proc = p, .parent = par, \
	  .exit_status = st, .exit_signal = sig }


/* ---- policy events ------------------------------------------------------ */

#define STR(s) .str = s, .len = sizeof(s) - 1
#define V4(a, b, c, d) { a, b, c, d }
#define SOCK4(st, sa, sp, da, dp)                                     \
	{ .family = 2, .type = 1, .protocol = 6, .state = st,          \
	  .saddr = sa, .sport = sp, .daddr = da, .dport = dp }

static const char *const fx_tags[] = { "observability.filesystem", "secrets" };

/* security_file_open(file): the seed policy's shape. */
static const struct tr_hook_info hk_file_open = {
	.kind = TR_KPROBE, .policy_name = "sensitive-files",
	.function_name = "security_file_open",
	.message = "Sensitive file opened", .tags = fx_tags, .ntags = 2,
	.nargs = 1, .arg_type = { "file" },
};
static const struct tr_arg ax_passwd[] = {
	{ .kind = AK_FILE, .mode = 0100644, STR("/etc/passwd") },
};
/* The same hook served by an openat exit after a failed open: the path as
 * passed, made absolute (AK_PATH_USER), still a file_arg. */
static const struct tr_arg ax_failed_open[] = {
	{ .kind = AK_PATH_USER, STR("/home/user/no such file") },
};

/* A syscall with a hostile path, a return value and flags. */
static const struct tr_hook_info hk_openat = {
	.kind = TR_KPROBE, .policy_name = "openat-watch",
	.function_name = "__x64_sys_openat",
	.nargs = 3, .arg_type = { "int", "string", "int" },
	.arg_label = { NULL, "filename", NULL },
	.has_ret = true, .ret_type = "int",
};
static const struct tr_arg ax_openat_evil[] = {
	{ .kind = AK_INT, .ival = -100 },
	{ .kind = AK_STR_USER,
	  STR("/tmp/x\n2026-11-29T00:00:00Z \xf0\x9f\x9a\x80 process host 1 /bin/FORGED"
	      "\x1b[2J; file:/etc/shadow,'q\"\xff\xe2\x80\xae") },
	{ .kind = AK_INT, .ival = 0x241 },
};
/* A string cut at ARG_STR_MAX. */
static const struct tr_arg ax_openat_cut[] = {
	{ .kind = AK_INT, .ival = -100 },
	{ .kind = AK_STR_USER, .flags = ARG_F_TRUNC, STR("/very/long/name/cut-her") },
	{ .kind = AK_INT, .ival = 0 },
};

/* tcp_connect(sock), IPv4 and IPv6. */
static const struct tr_hook_info hk_tcp_connect = {
	.kind = TR_KPROBE, .policy_name = "reverse-shell",
	.function_name = "tcp_connect",
	.nargs = 1, .arg_type = { "sock" },
};
static const struct tr_arg ax_sock4[] = {
	{ .kind = AK_SOCK,
	  .sock = SOCK4(2, V4(10, 0, 0, 1), 34567, V4(1, 2, 3, 4), 443),
	  .cookie = 16424 },
};
static const struct tr_arg ax_sock6[] = {
	{ .kind = AK_SOCK,
	  .sock = { .family = 10, .type = 1, .protocol = 6, .state = 2,
		    .saddr = { 0x20, 0x01, 0x0d, 0xb8, [15] = 5 }, .sport = 40000,
		    .daddr = { 0x20, 0x01, 0x0d, 0xb8, [8] = 0, [9] = 1, [15] = 1 },
		    .dport = 6443 } },
};

/* tcp_close(sock): an IPv4-mapped IPv6 socket. */
static const struct tr_hook_info hk_tcp_close = {
	.kind = TR_KPROBE, .policy_name = "tcp-lifecycle",
	.function_name = "tcp_close",
	.nargs = 1, .arg_type = { "sock" },
};
static const struct tr_arg ax_sock_mapped[] = {
	{ .kind = AK_SOCK,
	  .sock = { .family = 10, .type = 1, .protocol = 6, .state = 7,
		    .saddr = { [10] = 0xff, [11] = 0xff, 127, 0, 0, 1 }, .sport = 8080,
		    .daddr = { [15] = 1 }, .dport = 51000 } },
};

/* connect(fd, sockaddr, addrlen): an fd that is a socket, a sockaddr. */
static const struct tr_hook_info hk_sys_connect = {
	.kind = TR_KPROBE, .policy_name = "k8s-api-access",
	.function_name = "__x64_sys_connect",
	.nargs = 3, .arg_type = { "fd", "sockaddr", "int" },
	.arg_label = { "sock fd", "dest", NULL },
	.has_ret = true, .ret_type = "int",
};
static const struct tr_arg ax_connect[] = {
	{ .kind = AK_FD, .flags = ARG_F_SOCK,
	  .sock = SOCK4(2, V4(10, 0, 0, 7), 51515, V4(10, 96, 0, 1), 6443) },
	{ .kind = AK_SOCKADDR_USER,
	  .sock = { .family = 2, .daddr = V4(10, 96, 0, 1), .dport = 6443 } },
	{ .kind = AK_INT, .ival = 16 },
};

/* security_sb_mount(dev_name, path, type) in a container, enforced. */
static const struct tr_hook_info hk_mount = {
	.kind = TR_KPROBE, .policy_name = "container-escape-mount",
	.function_name = "security_sb_mount",
	.nargs = 3, .arg_type = { "string", "path", "string" },
};
static const struct tr_arg ax_mount[] = {
	{ .kind = AK_STR_USER, STR("tmpfs") },
	{ .kind = AK_PATH_USER, STR("/tmp/my mnt") },
	{ .kind = AK_STR_USER, STR("tmpfs") },
};

/* commit_creds(cred), only reported (--monitor). */
static const struct tr_hook_info hk_creds = {
	.kind = TR_KPROBE, .policy_name = "privileges-raise",
	.function_name = "commit_creds",
	.nargs = 1, .arg_type = { "cred" },
};
static const struct tr_arg ax_creds[] = {
	{ .kind = AK_CRED,
	  .cred = { .uid = 1000, .euid = 0, .suid = 0, .fsuid = 0, .gid = 1000,
		    .egid = 0, .sgid = 0, .fsgid = 0, .securebits = 0x14,
		    .cap_permitted = 1ull << 21, .cap_effective = 1ull << 21 } },
};

/* cap_capable(..., cap): a capability, a label, a return value. */
static const struct tr_hook_info hk_capable = {
	.kind = TR_KPROBE, .policy_name = "caps",
	.function_name = "cap_capable",
	.nargs = 2, .arg_type = { "capability", "uint32" },
	.arg_label = { "cap", NULL },
	.has_ret = true, .ret_type = "int",
};
static const struct tr_arg ax_capable[] = {
	{ .kind = AK_INT, .ival = 21 },
	{ .kind = AK_UINT, .ival = 0xffffffffll },
};

/* write(fd, buf, count): a file from an fd, a cut buffer, a size. */
static const struct tr_hook_info hk_write = {
	.kind = TR_KPROBE, .policy_name = "log-tamper",
	.function_name = "__x64_sys_write",
	.nargs = 3, .arg_type = { "fd", "char_buf", "size_t" },
};
static const struct tr_arg ax_write[] = {
	{ .kind = AK_FD, STR("/var/log/auth.log") },
	{ .kind = AK_BUF_USER, .flags = ARG_F_TRUNC, .ival = 65536,
	  STR("root\x00pw\n") },
	{ .kind = AK_UINT, .ival = 65536 },
};

/* setuid(uid), killed; and an argument the kernel could not read. */
static const struct tr_hook_info hk_setuid = {
	.kind = TR_KPROBE, .policy_name = "no-setuid",
	.function_name = "__x64_sys_setuid",
	.nargs = 1, .arg_type = { "int" },
};
static const struct tr_arg ax_setuid[] = { { .kind = AK_INT, .ival = 0 } };
static const struct tr_hook_info hk_execve = {
	.kind = TR_KPROBE, .policy_name = "host-suspicious-commands",
	.function_name = "__x64_sys_execve",
	.nargs = 2, .arg_type = { "string", "int64" },
};
static const struct tr_arg ax_execve_failed[] = {
	{ .kind = AK_STR_USER, .flags = ARG_F_FAILED },
	{ .kind = AK_INT, .ival = -9000000000ll },
};

/* A tracepoint, an LSM hook with a path cut by the dentry walk, a uprobe. */
static const struct tr_hook_info hk_tp = {
	.kind = TR_TRACEPOINT, .policy_name = "ptrace-watch",
	.subsys = "syscalls", .event = "sys_enter_ptrace",
	.nargs = 2, .arg_type = { "int64", "int" },
};
static const struct tr_arg ax_tp[] = {
	{ .kind = AK_INT, .ival = 16 },
	{ .kind = AK_INT, .ival = 4242 },
};
static const struct tr_hook_info hk_lsm = {
	.kind = TR_LSM, .policy_name = "lsm-file-open",
	.function_name = "file_open",
	.nargs = 1, .arg_type = { "file" },
};
static const struct tr_arg ax_lsm_cut[] = {
	{ .kind = AK_FILE, .flags = ARG_F_TRUNC, STR("deep/er/than/sixty-four/levels") },
};
static const struct tr_hook_info hk_uprobe = {
	.kind = TR_UPROBE, .policy_name = "bash-readline",
	.function_name = "readline", .subsys = "/bin/bash", .event = "readline",
};
static const struct tr_hook_info hk_binprm = {
	.kind = TR_LSM, .policy_name = "evil policy\n\x1b[31m",
	.function_name = "bprm_check_security",
	.nargs = 1, .arg_type = { "linux_binprm" },
};
static const struct tr_arg ax_binprm[] = {
	{ .kind = AK_BINPRM, .mode = 0104755, STR("/tmp/a b/evil") },
};

#define FX_HOOK(t, p, par, h, a, r, act, mon)                              \
	{ .kind = (h)->kind, .time_ns = t, .proc = p, .parent = par,      \
	  .hook = h, .args = a, .nargs = sizeof(a) / sizeof(a[0]),        \
	  .ret = r, .action = act, .monitor = mon }
#define FX_HOOK0(t, p, par, h, act)                                      \
	{ .kind = (h)->kind, .time_ns = t, .proc = p, .parent = par,      \
	  .hook = h, .action = act }

static const struct tr_event fx_events[] = {
	FX_EVENT(TR_EXEC, T0 + 123456789, &fx_true, &fx_shell, 0, 0),
	FX_EVENT(TR_EXIT, T0 + 125000000, &fx_true, &fx_shell, 0, 0),
	FX_EVENT(TR_EXIT, T0 + 130000000, &fx_shell, NULL, 7, 0),
	FX_EVENT(TR_EXEC, T0 + 1000000000, &fx_init, NULL, 0, 0),
	FX_EVENT(TR_EXEC, T0 + 2000000000, &fx_ct, NULL, 0, 0),
	FX_EVENT(TR_EXIT, T0 + 2500000000, &fx_ct, NULL, 0, 9),
	FX_EVENT(TR_EXIT, T0 + 2600000000, &fx_ct, NULL, 0, 64),
	FX_EVENT(TR_EXEC, T0 + 3000000000, &fx_evil, &fx_shell, 0, 0),
	/* policy events, from [8] */
	FX_HOOK(T0 + 4000000000, &fx_true, &fx_shell, &hk_file_open, ax_passwd, 0, HA_POST, false),
	FX_HOOK(T0 + 4100000000, &fx_true, &fx_shell, &hk_file_open, ax_failed_open, 0, HA_POST, false),
	FX_HOOK(T0 + 4200000000, &fx_evil, &fx_shell, &hk_openat, ax_openat_evil, 3, HA_POST, false),
	FX_HOOK(T0 + 4300000000, &fx_true, &fx_shell, &hk_openat, ax_openat_cut, -36, HA_POST, false),
	FX_HOOK(T0 + 4400000000, &fx_ct, NULL, &hk_tcp_connect, ax_sock4, 0, HA_POST, false),
	FX_HOOK(T0 + 4500000000, &fx_ct, NULL, &hk_tcp_connect, ax_sock6, 0, HA_POST, false),
	FX_HOOK(T0 + 4600000000, &fx_true, &fx_shell, &hk_tcp_close, ax_sock_mapped, 0, HA_UNTRACKSOCK, false),
	FX_HOOK(T0 + 4700000000, &fx_ct, NULL, &hk_sys_connect, ax_connect, -115, HA_POST, false),
	FX_HOOK(T0 + 4800000000, &fx_ct, NULL, &hk_mount, ax_mount, 0, HA_SIGKILL, false),
	FX_HOOK(T0 + 4900000000, &fx_true, &fx_shell, &hk_creds, ax_creds, 0, HA_SIGKILL, true),
	FX_HOOK(T0 + 5000000000, &fx_true, &fx_shell, &hk_capable, ax_capable, -1, HA_POST, false),
	FX_HOOK(T0 + 5100000000, &fx_init, NULL, &hk_write, ax_write, 0, HA_OVERRIDE, false),
	FX_HOOK(T0 + 5200000000, &fx_true, &fx_shell, &hk_setuid, ax_setuid, 0, HA_SIGNAL, false),
	FX_HOOK(T0 + 5300000000, &fx_true, &fx_shell, &hk_execve, ax_execve_failed, 0, HA_POST, false),
	FX_HOOK(T0 + 5400000000, &fx_ct, NULL, &hk_tp, ax_tp, 0, HA_POST, false),
	FX_HOOK(T0 + 5500000000, &fx_ct, NULL, &hk_lsm, ax_lsm_cut, 0, HA_POST, false),
	FX_HOOK0(T0 + 5600000000, &fx_shell, NULL, &hk_uprobe, HA_POST),
	FX_HOOK(T0 + 5700000000, &fx_true, &fx_shell, &hk_binprm, ax_binprm, 0, HA_POST, false),
	/* containers, from [26] */
	FX_EVENT(TR_EXEC, T0 + 6100000000, &fx_pod_curl, &fx_pod_sh, 0, 0),
	FX_HOOK(T0 + 6150000000, &fx_pod_curl, &fx_pod_sh, &hk_tcp_connect, ax_sock4, 0, HA_POST, false),
	FX_EVENT(TR_EXIT, T0 + 6200000000, &fx_pod_curl, &fx_pod_sh, 6, 0),
	FX_EVENT(TR_EXEC, T0 + 6500000000, &fx_docker, NULL, 0, 0),
	FX_EVENT(TR_EXEC, T0 + 6800000000, &fx_bare, NULL, 0, 0),
	FX_EVENT(TR_EXIT, T0 + 6900000000, &fx_bare, NULL, 0, 15),
	FX_EVENT(TR_EXEC, T0 + 7000000000, &fx_deleted, &fx_shell, 0, 0),
};

/* clang-format on */

#endif /* TRACER_TESTS_FIXTURES_H */
