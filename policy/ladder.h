/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* ladder.h - per hook, the attach rung on this kernel: BPF LSM or a BTF
 * trampoline (fentry, fexit, fmod_ret), a kprobe, an equivalent hook, or a
 * refusal that names what the kernel lacks. The result is typed (program,
 * targets, syscall numbers, enter/exit), so the compiler never parses a
 * string back, and it only names what the kernel side implements. */
#ifndef TRACER_LADDER_H
#define TRACER_LADDER_H

#include <stdbool.h>
#include <stdint.h>

#include "bpf/events.h"
#include "bpf/load/hooks.h"
#include "policy/probe.h"


/* The rungs of function and LSM hooks; --hooks= allows a subset. */
enum rung {
	RUNG_LSM = 1 << 0,	/* BPF LSM program */
	RUNG_FENTRY = 1 << 1,	/* fentry/fexit/fmod_ret trampolines */
	RUNG_KPROBE = 1 << 2,	/* kprobe/kretprobe */
	RUNG_EQUIV = 1 << 3,	/* an equivalent tracepoint */
	RUNG_ALL = 0xf,
};
/* "auto" or a comma list of lsm, fentry, kprobe, equivalent; 0 or -1. */
int rungs_parse(const char *s, unsigned *out);
const char *rung_name(unsigned rung);

/* Where an argument's value comes from on the chosen mechanism. */
enum arg_src {
	SRC_NONE,
	SRC_FUNC_ARG,	/* function argument idx (fentry/kprobe/lsm/uprobe) */
	SRC_CTX_ARG,	/* tp_btf / raw tracepoint argument idx */
	SRC_TP_FIELD,	/* classic tracepoint format field (name) */
	SRC_SYSCALL_ARG,/* syscall argument idx (tracepoint record or pt_regs) */
	SRC_RETVAL,	/* return value (fexit/kretprobe/sys_exit) */
	SRC_FD_FILE,	/* struct file at fd = return value, from the task's fd table */
	SRC_FD_SOCK,	/* struct sock behind fd = syscall arg 0, from the fd table */
	SRC_BPRM_FILE,	/* bprm->file */
	SRC_USER_PATH,	/* user string of syscall arg idx, as the caller passed it */
	SRC_STDIO,	/* fd idx (0-2) of the current task, from its fd table */
};

struct arg_recipe {
	enum arg_src src;
	int idx;
	char field[48];
};

enum hook_req { REQ_FUNC, REQ_LSM, REQ_TRACEPOINT, REQ_UPROBE };

struct ladder_req {
	enum hook_req kind;
	const char *name;	/* kprobe call / lsm hook / uprobe symbol */
	const char *subsys;	/* tracepoint */
	const char *event;
	const char *path;	/* uprobe binary */
	bool syscall;
	bool raw;
	bool want_ret;		/* return value needed (return: true / returnArg) */
	bool want_override;	/* Override must really change the return value */
	uint32_t field_mask;	/* tracepoints: format-field arg indexes used (bit i) */
	unsigned rungs;		/* enum rung bits allowed (--hooks) */
};

struct ladder_step {
	enum mech mech;
	char target[200];
	bool ok;
	char why[112];
};

/* A syscall tracepoint equivalent: read at entry, at exit, or both. */
enum sc_when { SC_ENTER, SC_EXIT, SC_ENTER_EXIT };

#define LADDER_MAX_SYSCALLS HOOK_MAX_SYSCALLS

struct equiv;

struct ladder_result {
	enum mech mech;		/* MECH_NONE: refused */
	enum mech exit_mech;	/* a second program for return values, or MECH_NONE */
	enum rung rung;		/* function and LSM hooks: the rung taken */
	char target[200];	/* printable: function, subsys:event, binary:symbol */
	/* typed attach targets */
	char attach[128];	/* function (LSM: the hook's name), BTF event, uprobe symbol */
	char tp_subsys[64];	/* classic tracepoints other than syscalls */
	int nsc;		/* syscall tracepoints: one per syscall */
	int sc_nr[LADDER_MAX_SYSCALLS];
	char sc_name[LADDER_MAX_SYSCALLS][32];
	enum sc_when sc_when;
	bool args_at_exit;	/* sys_exit reads the arguments from saved registers */
	uint8_t sock_state;	/* inet_sock_set_state: the state that fires */
	bool syscall_regs;	/* the function is a syscall wrapper taking struct pt_regs * */
	int fn_nargs;		/* trampolines and LSM: the function's parameters (BTF) */
	int btf_id;		/* trampolines and LSM: its id in vmlinux BTF; <= 0 unknown */
	bool ret_nonneg;	/* the equivalent stands for a success only */
	bool can_override;	/* Override changes the return value on this mechanism */
	bool ret_int;		/* trampolines and LSM: the function returns an int */
	const struct equiv *eq;	/* set when an equivalent was chosen */
	const char *note;	/* how the equivalent differs */
	const char *filter;	/* extra condition of the equivalent */
	char syscall[40];	/* syscall name for syscall hooks */
	bool not_found;		/* the named function/tracepoint does not exist */
	struct ladder_step steps[8];
	int nsteps;
	char refuse[640];
};

int ladder_choose(const struct kernel_features *kf, const struct ladder_req *rq,
		  struct ladder_result *out);
/* Arg index/type on the chosen mechanism; -1 with why filled if not expressible. */
int ladder_arg(const struct kernel_features *kf, const struct ladder_req *rq,
	       const struct ladder_result *r, uint32_t index, const char *type,
	       struct arg_recipe *out, char *why, size_t n);
int ladder_retarg(const struct ladder_result *r, const char *type, struct arg_recipe *out,
		  char *why, size_t n);
int syscall_nr(const char *name);
/* The kernel symbol of syscall sc's entry on this architecture ("__x64_sys_X"),
 * and whether it takes the caller's struct pt_regs. */
const char *syscall_symbol(const char *sc, char *buf, size_t n, bool *regs);
/* How the kernel side reads a policy argument type: enum arg_kind, or -1
 * when it does not. user: the value is a user-memory pointer (syscall arg). */
int kernel_arg_kind(const char *type, bool user);
/* Describe a recipe ("syscall arg 1 (user string)") into buf. */
const char *arg_recipe_str(const struct arg_recipe *a, char *buf, size_t n);

#endif /* TRACER_LADDER_H */
