// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* generic.bpf.c - one program per attach mechanism, shared by every policy
 * hook. The loader opens this object once per hook, writes the hook's
 * recipe and selectors into rodata (struct hook_cfg), enables only the
 * program of the chosen mechanism, and reuses the shared maps.
 */
#include "bpf/lib/args.h"
#include "bpf/lib/filter.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define IPPROTO_TCP 6

static __always_inline bool rate_limited(int s)
{
	__u64 key, now, *last;

	if (!cfg.sel[s].rate_ms)
		return false;
	key = (__u64)cfg.hook_id << 40 | (__u64)s << 32 | (bpf_get_current_pid_tgid() >> 32);
	now = bpf_ktime_get_boot_ns();
	last = bpf_map_lookup_elem(&rate, &key);
	if (last && now - *last < cfg.sel[s].rate_ms * 1000000ull)
		return true;
	bpf_map_update_elem(&rate, &key, &now, BPF_ANY);
	return false;
}

/* Runs the selector's action; posts the event unless it says NoPost.
 * Returns what the hooked function must return instead (Override, where
 * the mechanism can: LSM and fmod_ret), or 0. */
static __always_inline int act(struct hook_heap *h, int s)
{
	struct event_hook *e = (void *)h->rec;
	__u8 action = cfg.nsel ? cfg.sel[s].action : HA_POST;
	bool monitor = cfg.nsel && cfg.sel[s].monitor;

	if (action == HA_SIGKILL && !monitor)
		bpf_send_signal(9);
	if (action == HA_SIGNAL && !monitor)
		bpf_send_signal(cfg.sel[s].signal);
	if (cfg.nsel && (!cfg.sel[s].post || rate_limited(s)))
		return action == HA_OVERRIDE && !monitor ? cfg.sel[s].override_ret : 0;
	header_init(&e->hdr, EV_HOOK, h->off);
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->tid = (__u32)bpf_get_current_pid_tgid();
	e->hook_id = cfg.hook_id;
	e->sel = s;
	e->action = action;
	e->nargs = cfg.nargs;
	e->monitor = monitor;
	e->ret = h->ret;
	if (bpf_ringbuf_output(&events, h->rec, h->off & HOOK_REC_MASK, submit_flags_for(h->off)))
		count_drop(EV_HOOK);
	return action == HA_OVERRIDE && !monitor ? cfg.sel[s].override_ret : 0;
}

/* Reads the arguments and evaluates the selectors of one hit; returns
 * the Override value of the selector that matched, or 0. */
static __noinline int hook_run(struct hook_heap *h, __u32 mask)
{
	int i, s = -1, verdict = 0;

	h->off = sizeof(struct event_hook);
	mask = port_candidates(h, mask); /* one field read, before the tuples */
	if (mask) {
#pragma unroll
		for (i = 0; i < HOOK_MAX_ARGS; i++)
			if (i < cfg.nargs)
				read_arg(h, i);
		h->ival[FILTER_ARG_RET] = h->ret; /* matchReturnArgs */
		s = selector_pick(h, mask);
	}
	if (s >= 0)
		verdict = act(h, s);
	h->tp_ptr = NULL; /* the heap outlives this hit: leave nothing behind */
	h->tp_state = 0;
	return verdict;
}

static __always_inline __u64 pending_key(void)
{
	return (__u64)cfg.hook_id << 32 | (__u32)bpf_get_current_pid_tgid();
}

/* An entry hit with its raw arguments in h->raw: run it now, or keep the
 * arguments until the matching exit when the hook needs the result. */
static __always_inline int on_entry(struct hook_heap *h, __u32 mask)
{
	__u64 key = pending_key();

	if (cfg.need_exit) {
		bpf_map_update_elem(&pending, &key, h->raw, BPF_ANY);
		return 0;
	}
	h->ret = 0;
	hook_run(h, mask);
	return 0;
}

/* An exit hit: the arguments kept at entry, and the result. */
static __always_inline int on_return(struct hook_heap *h, __s64 ret)
{
	__u64 key = pending_key();
	struct pending *p = bpf_map_lookup_elem(&pending, &key);

	if (!p)
		return 0;
	__builtin_memcpy(h->raw, p->raw, sizeof(p->raw));
	bpf_map_delete_elem(&pending, &key);
	if (cfg.ret_nonneg && ret < 0) /* no fd was installed */
		return 0;
	h->ret = ret;
	hook_run(h, selector_candidates(h));
	return 0;
}

/* The per-CPU heap, when some selector's process-level blocks hold for
 * the current task; NULL for the cheap reject (no argument read yet). */
static __always_inline struct hook_heap *hit(__u32 *mask)
{
	struct hook_heap *h = heap_get();

	if (!h)
		return NULL;
	*mask = selector_candidates(h);
	return *mask ? h : NULL;
}

/* syscalls:sys_enter_<name>: the arguments as the caller passed them.
 * Hooks that need the result keep them until sys_exit. */
SEC("tracepoint")
int sys_enter_hook(struct trace_event_raw_sys_enter *ctx)
{
	__u32 mask;
	struct hook_heap *h = hit(&mask);

	if (!h)
		return 0;
	bpf_probe_read_kernel(h->raw, 6 * sizeof(h->raw[0]), ctx->args);
	h->nr = (int)ctx->id; /* __syscall_nr is an int; the rest is padding */
	return on_entry(h, mask);
}

/* The syscall's arguments, still in the user registers the kernel saved
 * at entry (only the return value register has changed). */
static __always_inline void syscall_args(struct hook_heap *h, struct pt_regs *regs)
{
	h->raw[0] = PT_REGS_PARM1_CORE_SYSCALL(regs);
	h->raw[1] = PT_REGS_PARM2_CORE_SYSCALL(regs);
	h->raw[2] = PT_REGS_PARM3_CORE_SYSCALL(regs);
	h->raw[3] = PT_REGS_PARM4_CORE_SYSCALL(regs);
	h->raw[4] = PT_REGS_PARM5_CORE_SYSCALL(regs);
}

/* A hook that reads its arguments at exit, from the saved user registers:
 * one tracepoint per syscall and no map update per call.
 *
 * Not in the compat object: it needs bpf_get_current_task_btf (5.11) and
 * bpf_task_pt_regs (5.15). The planner must not choose args_at_exit when
 * the loader runs the compat variant (struct loader.compat); there the
 * arguments are kept at sys_enter, and this path is unreachable. */
#ifndef TRACER_COMPAT
static __always_inline int exit_with_args(struct hook_heap *h, struct trace_event_raw_sys_exit *ctx)
{
	__u32 mask;

	if (cfg.ret_nonneg && ctx->ret < 0)
		return 0;
	mask = selector_candidates(h);
	if (!mask)
		return 0;
	syscall_args(h, (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf()));
	h->ret = ctx->ret;
	hook_run(h, mask);
	return 0;
}
#endif

/* syscalls:sys_exit_<name>: finishes what sys_enter_hook kept, or, for
 * hooks that read their arguments at exit, does it all here. */
SEC("tracepoint")
int sys_exit_hook(struct trace_event_raw_sys_exit *ctx)
{
	struct hook_heap *h = heap_get();

	if (!h)
		return 0;
	h->nr = (int)ctx->id;
#ifndef TRACER_COMPAT
	if (cfg.args_at_exit)
		return exit_with_args(h, ctx);
#endif
	return on_return(h, ctx->ret);
}

/* tcp_connect and tcp_close stand-in: sock:inet_sock_set_state, on the
 * move into cfg.sock_state (SYN_SENT: connect() started; CLOSE: gone).
 * It runs in the connecting task's context for SYN_SENT. */
SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(sock_state_hook, struct sock *sk, int oldstate, int newstate)
{
	struct hook_heap *h;
	__u32 mask;

	if (newstate != cfg.sock_state || BPF_CORE_READ(sk, sk_protocol) != IPPROTO_TCP)
		return 0;
	h = heap_get();
	if (!h)
		return 0;
	mask = selector_candidates(h);
	if (!mask)
		return 0;
#ifndef TRACER_COMPAT
	/* assigns the socket its cookie now if it has none (tracing programs
	 * may since 5.12): the value a later SO_COOKIE or ss -e reports */
	bpf_get_socket_cookie(sk);
#endif
	h->tp_ptr = sk;
	h->raw[0] = (__u64)sk; /* the tracepoint's arguments, by index */
	h->raw[1] = oldstate;
	h->raw[2] = newstate;
	h->tp_state = newstate;
	h->ret = 0;
	hook_run(h, mask);
	return 0;
}

static __always_inline void regs_args(struct hook_heap *h, struct pt_regs *regs)
{
	if (cfg.syscall_regs) /* __x64_sys_*(const struct pt_regs *) */
		regs = (struct pt_regs *)PT_REGS_PARM1_CORE(regs);
	if (cfg.syscall_regs) {
		syscall_args(h, regs);
	} else {
		h->raw[0] = PT_REGS_PARM1(regs);
		h->raw[1] = PT_REGS_PARM2(regs);
		h->raw[2] = PT_REGS_PARM3(regs);
		h->raw[3] = PT_REGS_PARM4(regs);
		h->raw[4] = PT_REGS_PARM5(regs);
	}
}

/* kprobe on a kernel function: its arguments from the registers. */
SEC("kprobe")
int kprobe_hook(struct pt_regs *ctx)
{
	__u32 mask;
	struct hook_heap *h = hit(&mask);

	if (!h)
		return 0;
	regs_args(h, ctx);
	return on_entry(h, mask);
}

/* kretprobe: the return value, with the arguments kept at entry. */
SEC("kretprobe")
int kretprobe_hook(struct pt_regs *ctx)
{
	struct hook_heap *h = heap_get();

	return h ? on_return(h, PT_REGS_RC(ctx)) : 0;
}

/* uprobe on a user function: arguments from the registers. */
SEC("uprobe")
int uprobe_hook(struct pt_regs *ctx)
{
	__u32 mask;
	struct hook_heap *h = hit(&mask);

	if (!h)
		return 0;
	regs_args(h, ctx);
	h->ret = 0;
	hook_run(h, mask);
	return 0;
}

/* A BTF tracepoint of a `tracepoints:` policy: raw arguments by index. */
SEC("raw_tp")
int raw_tp_hook(struct bpf_raw_tracepoint_args *ctx)
{
	__u32 mask;
	struct hook_heap *h = hit(&mask);

	if (!h)
		return 0;
	bpf_probe_read_kernel(h->raw, 6 * sizeof(h->raw[0]), ctx->args);
	h->ret = 0;
	hook_run(h, mask);
	return 0;
}

/* ---- BTF trampolines and BPF LSM -------------------------------------
 * The function's arguments are u64 slots in ctx, typed by the kernel's
 * BTF: cfg.fn_nargs of them, then (fexit, fmod_ret, LSM) the return value
 * so far. The loader sets each instance's attach target before load. */

static __always_inline void tramp_args(struct hook_heap *h, __u64 *ctx)
{
	bpf_probe_read_kernel(h->raw, (cfg.fn_nargs & 7) * sizeof(__u64), ctx);
	if (cfg.syscall_regs) /* __x64_sys_*(const struct pt_regs *): the caller's registers */
		syscall_args(h, (struct pt_regs *)h->raw[0]);
}

static __always_inline __s64 tramp_ret(__u64 *ctx)
{
	__s64 v = 0;

	bpf_probe_read_kernel(&v, sizeof(v), (char *)ctx + (cfg.fn_nargs & 7) * sizeof(__u64));
	return v;
}

/* A struct sock argument gets its cookie assigned now if it has none, so
 * the record carries what SO_COOKIE and ss -e report later: the helper
 * takes the BTF-typed pointer a ctx slot holds, loaded at a constant
 * offset (trampolines may call it since 5.12; not in the compat objects).
 * The recipe is rodata: the verifier walks only the slots that are socks. */
#define TRAMP_COOKIE(i)                                                                     \
	if (cfg.nargs > i && cfg.args[i].kind == AK_SOCK && cfg.args[i].src == KSRC_SYSCALL && \
	    cfg.args[i].index < cfg.fn_nargs) {                                                 \
		switch (cfg.args[i].index) {                                                    \
		case 0: bpf_get_socket_cookie((void *)ctx[0]); break;                            \
		case 1: bpf_get_socket_cookie((void *)ctx[1]); break;                            \
		case 2: bpf_get_socket_cookie((void *)ctx[2]); break;                            \
		}                                                                               \
	}

static __always_inline void tramp_cookies(__u64 *ctx)
{
#ifndef TRACER_COMPAT
	if (cfg.syscall_regs)
		return;
	TRAMP_COOKIE(0)
	TRAMP_COOKIE(1)
	TRAMP_COOKIE(2)
#endif
}

/* fentry: at the function's entry, with its arguments. */
SEC("fentry")
int fentry_hook(__u64 *ctx)
{
	__u32 mask;
	struct hook_heap *h = hit(&mask);

	if (!h)
		return 0;
	tramp_cookies(ctx);
	tramp_args(h, ctx);
	h->ret = 0;
	hook_run(h, mask);
	return 0;
}

/* fexit: after the function returned; the arguments and the result. */
SEC("fexit")
int fexit_hook(__u64 *ctx)
{
	__u32 mask;
	struct hook_heap *h = hit(&mask);

	if (!h)
		return 0;
	h->ret = tramp_ret(ctx);
	if (cfg.ret_nonneg && h->ret < 0)
		return 0;
	tramp_cookies(ctx);
	tramp_args(h, ctx);
	hook_run(h, mask);
	return 0;
}

/* fmod_ret: before the function; a non-zero return skips it and becomes
 * its return value (Override on security_* and syscall functions). */
SEC("fmod_ret")
int fmod_ret_hook(__u64 *ctx)
{
	__u32 mask;
	struct hook_heap *h = hit(&mask);

	if (!h)
		return 0;
	tramp_args(h, ctx);
	h->ret = 0;
	return hook_run(h, mask);
}

/* What an LSM hook may return: 0 or -errno (MAX_ERRNO is 4095). The
 * verifier (6.10+) must see the bound on the whole 64-bit register; clang
 * turns a C clamp into bit tricks it cannot follow, so the two compares
 * are written out. */
static __always_inline long lsm_verdict(long v)
{
	if (!cfg.ret_int)
		return 0;
	asm volatile("if %[v] s> 0 goto +1\n\t"
		     "if %[v] s>= -4095 goto +1\n\t"
		     "%[v] = 0"
		     : [v] "+r"(v));
	return v;
}

/* BPF LSM: the hook's arguments; Override denies through the return
 * value. A denial by an earlier LSM stands. */
SEC("lsm")
long lsm_hook(__u64 *ctx)
{
	long prev = cfg.ret_int ? tramp_ret(ctx) : 0;
	struct hook_heap *h;
	__u32 mask;
	long v;

	h = hit(&mask);
	if (!h)
		return lsm_verdict(prev);
	tramp_args(h, ctx);
	h->ret = 0;
	v = (long)hook_run(h, mask);
	return lsm_verdict(prev ? prev : v);
}
