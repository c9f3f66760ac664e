// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* empty.bpf.c - C1, the physical limit: empty programs on exactly the
 * hooks the tracer attaches (bench/run checks them with bpftool link). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define EMPTY(sec, name) SEC(sec) int name(void *ctx) { return 0; }

/* the tracer's process lifecycle, always on */
EMPTY("tp_btf/sched_process_exec", sched_exec)
EMPTY("tp_btf/sched_process_exit", sched_exit)
EMPTY("tp_btf/sched_process_fork", sched_fork)
/* -e open: security_file_open's equivalent, enter + exit of each opener */
EMPTY("tracepoint/syscalls/sys_enter_open", open_enter_open)
EMPTY("tracepoint/syscalls/sys_exit_open", open_exit_open)
EMPTY("tracepoint/syscalls/sys_enter_openat", open_enter_openat)
EMPTY("tracepoint/syscalls/sys_exit_openat", open_exit_openat)
EMPTY("tracepoint/syscalls/sys_enter_openat2", open_enter_openat2)
EMPTY("tracepoint/syscalls/sys_exit_openat2", open_exit_openat2)
EMPTY("tracepoint/syscalls/sys_enter_creat", open_enter_creat)
EMPTY("tracepoint/syscalls/sys_exit_creat", open_exit_creat)
EMPTY("tracepoint/syscalls/sys_enter_open_by_handle_at", open_enter_obh)
EMPTY("tracepoint/syscalls/sys_exit_open_by_handle_at", open_exit_obh)
/* -e connect: tcp_connect's equivalent */
EMPTY("tp_btf/inet_sock_set_state", connect_sock_state)
