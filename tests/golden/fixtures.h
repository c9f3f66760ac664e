/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* fixtures.h - recorded events the golden files were made from.
 *
 * Each fixture is a decoded event as output/decode.c hands it to the
 * formatters. Included by tests/unit/test_format.c only; formatting
 * fx_events[] in order gives tests/golden/events.{compact,json,csv}.
 */
#ifndef TRACER_TESTS_FIXTURES_H
#define TRACER_TESTS_FIXTURES_H

#include "output/event.h"

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

#define FX_EVENT(k, t, p, par, st, sig) \
	{ .kind = k, .time_ns = t, .proc = p, .parent = par, \
	  .exit_status = st, .exit_signal = sig }

static const struct tr_event fx_events[] = {
	FX_EVENT(TR_EXEC, T0 + 123456789, &fx_true, &fx_shell, 0, 0),
	FX_EVENT(TR_EXIT, T0 + 125000000, &fx_true, &fx_shell, 0, 0),
	FX_EVENT(TR_EXIT, T0 + 130000000, &fx_shell, NULL, 7, 0),
	FX_EVENT(TR_EXEC, T0 + 1000000000, &fx_init, NULL, 0, 0),
	FX_EVENT(TR_EXEC, T0 + 2000000000, &fx_ct, NULL, 0, 0),
	FX_EVENT(TR_EXIT, T0 + 2500000000, &fx_ct, NULL, 0, 9),
	FX_EVENT(TR_EXIT, T0 + 2600000000, &fx_ct, NULL, 0, 64),
	FX_EVENT(TR_EXEC, T0 + 3000000000, &fx_evil, &fx_shell, 0, 0),
};

/* clang-format on */

#endif /* TRACER_TESTS_FIXTURES_H */
