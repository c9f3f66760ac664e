/* ladder.h - per hook, pick the attach mechanism: fentry -> kprobe -> equivalent -> refuse. */
#ifndef TRACER_LADDER_H
#define TRACER_LADDER_H

#include <stdbool.h>
#include <stdint.h>

#include "policy/probe.h"

enum mech {
	MECH_NONE, MECH_FENTRY, MECH_FEXIT, MECH_KPROBE, MECH_KRETPROBE, MECH_LSM,
	MECH_TP_BTF, MECH_RAW_TP, MECH_TRACEPOINT, MECH_UPROBE, MECH_URETPROBE,
};
const char *mech_name(enum mech m);

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
};

struct ladder_step {
	enum mech mech;
	char target[96];
	bool ok;
	char why[112];
};

struct equiv;

struct ladder_result {
	enum mech mech;		/* MECH_NONE: refused */
	enum mech exit_mech;	/* for return values, or MECH_NONE */
	char target[160];	/* function, subsys:event, binary:symbol */
	char exit_target[160];
	const struct equiv *eq;	/* set when an equivalent was chosen */
	const char *note;	/* how the equivalent differs */
	const char *filter;	/* extra condition of the equivalent */
	char syscall[40];	/* syscall name for syscall hooks */
	int syscall_nr;		/* -1 unless a syscall-nr filter is needed */
	bool not_found;		/* the named function/tracepoint does not exist */
	bool can_override;
	struct ladder_step steps[6];
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
/* Describe a recipe ("syscall arg 1 (user string)") into buf. */
const char *arg_recipe_str(const struct arg_recipe *a, char *buf, size_t n);

#endif /* TRACER_LADDER_H */
