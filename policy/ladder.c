// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* ladder.c - mechanism choice per hook and the table of equivalent hooks,
 * each honest about its semantics. */
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "policy/ladder.h"
#include "policy/policy.h"
#include "policy/syscall_table.h"

struct equiv_arg {
	enum arg_src src;
	int idx;
	const char *types;	/* accepted policy arg types, space separated */
};

struct equiv {
	const char *name;	/* kernel function (LSM hooks as security_<hook>) */
	enum mech mech;		/* MECH_TP_BTF, or MECH_TRACEPOINT for syscall rows */
	const char *target;	/* tp_btf target */
	uint8_t sock_state;	/* inet_sock_set_state: the state that fires */
	const char *syscalls;	/* syscall rows: the syscalls, space separated */
	enum sc_when when;	/* syscall rows: read at entry, exit or both */
	bool ret_nonneg;	/* stands for a success only */
	const char *filter;
	const char *note;
	struct equiv_arg args[6];
	struct equiv_arg ret;
};

#define INTS "int uint32 int32 sint32 uint64 int64 sint64 long ulong size_t"
#define TCP_SYN_SENT 2
#define TCP_CLOSE 7

static const struct equiv equivs[] = {
	{ "tcp_connect", MECH_TP_BTF, "sock:inet_sock_set_state", TCP_SYN_SENT, NULL, SC_ENTER,
	  false, "oldstate == TCP_CLOSE && newstate == TCP_SYN_SENT",
	  "fires inside connect() as the socket enters SYN_SENT, just before tcp_connect(); "
	  "same socket, but the source port may still be 0 (bound right after)",
	  { { SRC_CTX_ARG, 0, "sock" } }, { SRC_NONE, 0, NULL } },
	{ "tcp_close", MECH_TP_BTF, "sock:inet_sock_set_state", TCP_CLOSE, NULL, SC_ENTER, false,
	  "newstate == TCP_CLOSE",
	  "fires on every move to CLOSE (close(), reset, timeout, failed connect), "
	  "not for sockets closed while never connected",
	  { { SRC_CTX_ARG, 0, "sock" } }, { SRC_NONE, 0, NULL } },
	{ "tcp_sendmsg", MECH_TRACEPOINT, NULL, 0, "sendto sendmsg sendmmsg write writev",
	  SC_ENTER_EXIT, false, "fd is a TCP socket && ret > 0",
	  "after the syscall: size is the bytes accepted, not the bytes requested; "
	  "sendfile/splice/io_uring and kernel-internal sends are not seen",
	  { { SRC_FD_SOCK, 0, "sock" }, { SRC_NONE, 0, NULL }, { SRC_RETVAL, 0, INTS } },
	  { SRC_NONE, 0, NULL } },
	{ "fd_install", MECH_TRACEPOINT, NULL, 0,
	  "open openat openat2 creat open_by_handle_at dup dup2 dup3 accept accept4 socket "
	  "memfd_create", SC_EXIT, true, "ret >= 0",
	  "after the syscall returns, for fds made by these syscalls only (pipe, socketpair, "
	  "eventfd, SCM_RIGHTS, io_uring not seen); file read from the task's fd table",
	  { { SRC_RETVAL, 0, INTS " fd" }, { SRC_FD_FILE, 0, "file" } }, { SRC_NONE, 0, NULL } },
	{ "security_file_open", MECH_TRACEPOINT, NULL, 0,
	  "open openat openat2 creat open_by_handle_at", SC_EXIT, false, NULL,
	  "seen after the open: the file from the fd table; a failed or denied open "
	  "reports the path as passed, made absolute (exec and kernel-internal opens "
	  "are not seen); cannot deny",
	  { { SRC_FD_FILE, 0, "file" } }, { SRC_NONE, 0, NULL } },
	{ "security_sb_mount", MECH_TRACEPOINT, NULL, 0, "mount", SC_ENTER, false, NULL,
	  "at mount(2) entry, before permission checks (failed mounts are reported too); "
	  "the mount point is the string the caller passed, not a resolved path; "
	  "fsopen/fsmount/move_mount are not seen",
	  { { SRC_USER_PATH, 0, "string" }, { SRC_USER_PATH, 1, "path string" },
	    { SRC_USER_PATH, 2, "string" }, { SRC_SYSCALL_ARG, 3, INTS },
	    { SRC_SYSCALL_ARG, 4, "nop" INTS } }, { SRC_NONE, 0, NULL } },
	{ "security_bprm_check", MECH_TP_BTF, "sched:sched_process_exec", 0, NULL, SC_ENTER, false,
	  NULL, "after the exec succeeded (past the point of no return): failed execs are not "
	  "seen and the exec cannot be denied",
	  { { SRC_CTX_ARG, 2, "linux_binprm" } }, { SRC_NONE, 0, NULL } },
	{ "security_bprm_creds_from_file", MECH_TP_BTF, "sched:sched_process_exec", 0, NULL,
	  SC_ENTER, false, NULL,
	  "after the exec succeeded: failed execs are not seen and nothing can be denied",
	  { { SRC_CTX_ARG, 2, "linux_binprm nop" }, { SRC_BPRM_FILE, 2, "file" } },
	  { SRC_NONE, 0, NULL } },
};

/* What bpf/generic.bpf.c runs, per mechanism: the ladder offers nothing
 * else, so the plan and the compiler cannot disagree. Classic tracepoints
 * run for syscalls only (their arguments are the syscall's). */
static const struct mech_impl {
	bool runs;
	bool overrides;	/* can change the hooked function's return value */
} impl[MECH_COUNT] = {
	[MECH_FENTRY] = { true, false },	[MECH_FEXIT] = { true, false },
	[MECH_FMOD_RET] = { true, true },	[MECH_KPROBE] = { true, false },
	[MECH_KRETPROBE] = { true, false },	[MECH_LSM] = { true, true },
	[MECH_TP_BTF] = { true, false },	[MECH_RAW_TP] = { true, false },
	[MECH_TRACEPOINT] = { true, false },	[MECH_UPROBE] = { true, false },
	[MECH_URETPROBE] = { true, false },
};

/* Syscall entry symbols per architecture: the only place they are named. */
static const struct { const char *arch, *prefix; bool regs; } syscall_arch = {
#if defined(__x86_64__)
	"x86_64", "__x64_sys_", true
#elif defined(__aarch64__)
	"aarch64", "__arm64_sys_", true
#elif defined(__s390x__)
	"s390x", "__s390x_sys_", true
#elif defined(__riscv)
	"riscv64", "__riscv_sys_", true
#else
	"generic", "sys_", false
#endif
};

const char *syscall_symbol(const char *sc, char *buf, size_t n, bool *regs)
{
	snprintf(buf, n, "%s%s", syscall_arch.prefix, sc);
	if (regs)
		*regs = syscall_arch.regs;
	return buf;
}

/* Truncating copy (no format-truncation noise). */
static void scopy(char *d, size_t n, const char *s)
{
	size_t l = strlen(s);

	if (l > n - 1)
		l = n - 1;
	memcpy(d, s, l);
	d[l] = 0;
}

static const struct { const char *name; unsigned bit; } rung_names[] = {
	{ "lsm", RUNG_LSM }, { "fentry", RUNG_FENTRY }, { "kprobe", RUNG_KPROBE },
	{ "equivalent", RUNG_EQUIV },
};

const char *rung_name(unsigned rung)
{
	size_t i;

	for (i = 0; i < sizeof(rung_names) / sizeof(rung_names[0]); i++)
		if (rung_names[i].bit == rung)
			return rung_names[i].name;
	return "?";
}

int rungs_parse(const char *s, unsigned *out)
{
	char buf[128], *tok, *save;
	unsigned m = 0;
	size_t i;

	if (!strcmp(s, "auto")) {
		*out = RUNG_ALL;
		return 0;
	}
	if (!*s || strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < sizeof(rung_names) / sizeof(rung_names[0]); i++)
			if (!strcmp(tok, rung_names[i].name))
				break;
		if (i == sizeof(rung_names) / sizeof(rung_names[0]))
			return -1;
		m |= rung_names[i].bit;
	}
	*out = m;
	return m ? 0 : -1;
}

int syscall_nr(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(syscall_table) / sizeof(syscall_table[0]); i++)
		if (!strcmp(syscall_table[i].name, name))
			return syscall_table[i].nr;
	return -1;
}

/* Loadable for sure, or (tracepoint family) not probed but normally there. */
static bool usable(const struct kernel_features *kf, enum feat f)
{
	if (kf->f[f] == FEAT_YES)
		return true;
	return kf->f[f] == FEAT_UNKNOWN && (f == F_TP_BTF || f == F_RAW_TP || f == F_TRACEPOINT);
}

static struct ladder_step *step(struct ladder_result *r, enum mech m, const char *target,
				bool ok, const char *why)
{
	struct ladder_step *s = &r->steps[r->nsteps < 7 ? r->nsteps++ : 7];

	s->mech = m;
	s->ok = ok;
	scopy(s->target, sizeof(s->target), target);
	scopy(s->why, sizeof(s->why), why);
	return s;
}

static bool take(struct ladder_result *r, enum mech m, enum mech em, const char *target)
{
	r->mech = m;
	r->exit_mech = em;
	r->can_override = impl[m].overrides;
	scopy(r->target, sizeof(r->target), target);
	return true;
}

static const char *feat_why(const struct kernel_features *kf, enum feat f)
{
	return kf->f[f] == FEAT_YES ? "available" : kf->why[f][0] ? kf->why[f] : "unavailable";
}

static bool allowed(const struct ladder_req *rq, struct ladder_result *r, enum mech m,
		    const char *target, enum rung rung)
{
	if (rq->rungs & rung)
		return true;
	step(r, m, target, false, "not allowed by --hooks");
	return false;
}

/* The function's parameters from BTF, for trampolines and LSM programs. */
static bool btf_proto(const struct kernel_features *kf, const char *sym, struct ladder_result *r,
		      bool *ret_int)
{
	*ret_int = false;	/* func_nargs may be NULL (a fake kernel) */
	r->fn_nargs = kf->func_nargs ? kf->func_nargs(kf, sym, ret_int) : -1;
	r->btf_id = kf->func_btf_id ? kf->func_btf_id(kf, sym) : -1;
	r->ret_int = *ret_int;
	return r->fn_nargs >= 0 && r->fn_nargs <= 6;
}

/* fentry on a kernel function; fexit when the return value is wanted (it
 * sees the arguments too); fmod_ret when Override must change it. */
static bool try_fentry(const struct kernel_features *kf, const struct ladder_req *rq,
		       const char *sym, struct ladder_result *r)
{
	enum mech m = rq->want_override ? MECH_FMOD_RET : rq->want_ret ? MECH_FEXIT : MECH_FENTRY;
	enum feat f = m == MECH_FMOD_RET ? F_FMOD_RET : m == MECH_FEXIT ? F_FEXIT : F_FENTRY;
	bool ret_int, ok;

	if (!allowed(rq, r, m, sym, RUNG_FENTRY))
		return false;
	if (m == MECH_FMOD_RET && rq->want_ret) {
		step(r, m, sym, false, "Override and a return value together");
		return false;
	}
	ok = usable(kf, f) && btf_proto(kf, sym, r, &ret_int);
	if (ok && m == MECH_FMOD_RET && (!ret_int || (strncmp(sym, "security_", 9) &&
						       !r->syscall_regs)))
		ok = false, step(r, m, sym, false, "not an error-injectable int function");
	else
		step(r, m, sym, ok, ok ? "loads" : usable(kf, f) ? "no BTF prototype (6 args at "
		     "most)" : feat_why(kf, f));
	if (!ok)
		return false;
	r->rung = RUNG_FENTRY;
	scopy(r->attach, sizeof(r->attach), sym);
	return take(r, m, MECH_NONE, sym);
}

static bool try_kprobe(const struct kernel_features *kf, const struct ladder_req *rq,
		       const char *sym, struct ladder_result *r)
{
	bool ok = kf->f[F_KPROBE_ATTACH] == FEAT_YES && kf->f[F_KPROBE_LOAD] != FEAT_NO;

	if (!allowed(rq, r, MECH_KPROBE, sym, RUNG_KPROBE))
		return false;
	if (ok && rq->want_override) {
		step(r, MECH_KPROBE, sym, false, "a kprobe cannot override here (tracer uses BPF "
		     "LSM or fmod_ret)");
		return false;
	}
	step(r, MECH_KPROBE, sym, ok, ok ? "attachable" : feat_why(kf, F_KPROBE_ATTACH));
	if (!ok)
		return false;
	r->rung = RUNG_KPROBE;
	scopy(r->attach, sizeof(r->attach), sym);
	return take(r, MECH_KPROBE, rq->want_ret ? MECH_KRETPROBE : MECH_NONE, sym);
}

/* BPF LSM on hook name (bpf_lsm_<name>): the args of security_<name>, and
 * Override through the program's return value. */
static bool try_lsm(const struct kernel_features *kf, const struct ladder_req *rq,
		    const char *hook, struct ladder_result *r)
{
	char bsym[168];
	bool ok, ret_int;

	snprintf(bsym, sizeof(bsym), "bpf_lsm_%s", hook);
	if (!allowed(rq, r, MECH_LSM, bsym, RUNG_LSM))
		return false;
	ok = kf->f[F_LSM] == FEAT_YES && kf->has_func(kf, bsym) && btf_proto(kf, bsym, r, &ret_int);
	if (ok && (rq->want_ret || (rq->want_override && !ret_int))) {
		step(r, MECH_LSM, bsym, false, rq->want_ret ? "no return value on an LSM hook" :
		     "a void LSM hook cannot deny");
		return false;
	}
	step(r, MECH_LSM, bsym, ok, ok ? "loads" : kf->f[F_LSM] != FEAT_YES ?
	     feat_why(kf, F_LSM) : "no such BPF LSM hook");
	if (!ok)
		return false;
	r->rung = RUNG_LSM;
	scopy(r->attach, sizeof(r->attach), hook);
	return take(r, MECH_LSM, MECH_NONE, bsym);
}

static void syscall_add(struct ladder_result *r, const char *sc)
{
	if (r->nsc >= LADDER_MAX_SYSCALLS)
		return;
	r->sc_nr[r->nsc] = syscall_nr(sc);
	scopy(r->sc_name[r->nsc], sizeof(r->sc_name[0]), sc);
	r->nsc++;
}

/* sys_exit can read the arguments itself from the saved user registers
 * (no sys_enter, no map update per call) where bpf_task_pt_regs exists;
 * the _compat objects (no bpf_loop) leave that path out. */
static void syscall_when(const struct kernel_features *kf, struct ladder_result *r,
			 enum sc_when w)
{
	r->sc_when = w;
	r->args_at_exit = w != SC_ENTER && syscall_arch.regs &&
			  kf->f[F_TASK_PT_REGS] == FEAT_YES && kf->f[F_BPF_LOOP] != FEAT_NO;
	/* read at exit: from the saved registers, or kept at entry until then */
	if (w != SC_ENTER)
		r->sc_when = r->args_at_exit ? SC_EXIT : SC_ENTER_EXIT;
	r->exit_mech = r->sc_when == SC_ENTER_EXIT ? MECH_TRACEPOINT : MECH_NONE;
}

/* Does syscall sc have its own tracepoints? NULL, or why not. */
static const char *syscall_tp_missing(const struct kernel_features *kf, const char *sc)
{
	char ev[96];
	int has;

	snprintf(ev, sizeof(ev), "sys_enter_%s", sc);
	has = kf->has_tp(kf, "syscalls", ev);
	if (has == 1 && usable(kf, F_TRACEPOINT) && syscall_nr(sc) >= 0)
		return NULL;
	return has < 0 ? "tracefs not readable" : has == 0 ? "no such tracepoint" :
	       syscall_nr(sc) < 0 ? "unknown syscall" : feat_why(kf, F_TRACEPOINT);
}

/* A syscall through its own tracepoints (sys_enter_X, sys_exit_X). */
static bool try_syscall_tp(const struct kernel_features *kf, const char *sc, bool want_ret,
			   struct ladder_result *r)
{
	const char *why = syscall_tp_missing(kf, sc);
	char tgt[160];

	snprintf(tgt, sizeof(tgt), "syscalls:sys_enter_%s", sc);
	if (!why) {
		step(r, MECH_TRACEPOINT, tgt, true, "exists in tracefs");
		take(r, MECH_TRACEPOINT, MECH_NONE, tgt);
		syscall_add(r, sc);
		syscall_when(kf, r, want_ret ? SC_ENTER_EXIT : SC_ENTER);
		if (want_ret)
			snprintf(r->target, sizeof(r->target), "syscalls:sys_%s_%s",
				 r->args_at_exit ? "exit" : "enter+exit", sc);
		return true;
	}
	step(r, MECH_TRACEPOINT, tgt, false, why);
	return false;
}

static const struct equiv *find_equiv(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(equivs) / sizeof(equivs[0]); i++)
		if (!strcmp(equivs[i].name, name))
			return &equivs[i];
	return NULL;
}

/* An equivalent over several syscalls: their tracepoints, typed. */
static bool equiv_syscalls(const struct kernel_features *kf, const struct equiv *e,
			   struct ladder_result *r)
{
	char list[160], *sc, *save;
	const char *why = NULL;

	snprintf(list, sizeof(list), "%s", e->syscalls);
	for (sc = strtok_r(list, " ", &save); sc && !why; sc = strtok_r(NULL, " ", &save))
		if (!(why = syscall_tp_missing(kf, sc)))
			syscall_add(r, sc);
	take(r, MECH_TRACEPOINT, MECH_NONE, "");
	syscall_when(kf, r, e->when);
	snprintf(r->target, sizeof(r->target), "syscalls:sys_%s_{%s}",
		 r->sc_when == SC_ENTER_EXIT ? "enter+exit" : r->sc_when == SC_EXIT ? "exit" :
		 "enter", e->syscalls);
	step(r, MECH_TRACEPOINT, r->target, !why, why ? why : "equivalent");
	return !why;
}

static bool try_equiv(const struct kernel_features *kf, const struct ladder_req *rq,
		      const char *sym, struct ladder_result *r)
{
	const struct equiv *e = find_equiv(sym);
	bool ok;

	if (!allowed(rq, r, MECH_NONE, "equivalent", RUNG_EQUIV))
		return false;
	if (!e) {
		step(r, MECH_NONE, "equivalent", false, "no equivalent hook");
		return false;
	}
	r->eq = e;
	r->note = e->note;
	r->filter = e->filter;
	r->rung = RUNG_EQUIV;
	r->ret_nonneg = e->ret_nonneg;
	if (e->mech == MECH_TP_BTF) {
		ok = usable(kf, F_TP_BTF) && kf->has_btf_tp(kf, strchr(e->target, ':') + 1);
		step(r, MECH_TP_BTF, e->target, ok, ok ? "equivalent" : feat_why(kf, F_TP_BTF));
		r->sock_state = e->sock_state;
		scopy(r->attach, sizeof(r->attach), strchr(e->target, ':') + 1);
		return ok && take(r, MECH_TP_BTF, MECH_NONE, e->target);
	}
	return equiv_syscalls(kf, e, r);
}

static void refuse(struct ladder_result *r, const char *what)
{
	int i, n;

	n = snprintf(r->refuse, sizeof(r->refuse), "%s: cannot attach on this kernel:", what);
	for (i = 0; i < r->nsteps && n < (int)sizeof(r->refuse); i++)
		n += snprintf(r->refuse + n, sizeof(r->refuse) - n, "%s %s%s%s", i ? ";" : "",
			      r->steps[i].mech ? mech_name(r->steps[i].mech) : "",
			      r->steps[i].mech ? ": " : "", r->steps[i].why);
	r->mech = MECH_NONE;
}

static void refuse_override(struct ladder_result *r, const char *what)
{
	snprintf(r->refuse, sizeof(r->refuse),
		 "%s: Override needs BPF LSM (security_* and LSM hooks) or fmod_ret "
		 "(error-injectable functions), and this kernel or --hooks offers neither "
		 "(use --monitor to report instead)", what);
	r->mech = MECH_NONE;
}

/* "sys_X" or "__x64_sys_X" with syscall: true -> "X". */
static const char *syscall_name(const struct ladder_req *rq)
{
	const char *n = rq->name, *p;

	if (!rq->syscall)
		return NULL;
	p = strstr(n, "_sys_");
	if (!strncmp(n, "__", 2) && p)
		n = p + 1;
	return strncmp(n, "sys_", 4) ? NULL : n + 4;
}

/* The rungs of a kernel function: LSM (for security_* when Override is
 * wanted), fentry/fexit/fmod_ret, kprobe, LSM, then the equivalent (a
 * syscall tracepoint for sys_* hooks); refused with why if none fits. */
static int ladder_rest(const struct kernel_features *kf, const struct ladder_req *rq,
		       const char *sym, const char *sc, const char *what, struct ladder_result *r)
{
	const char *hook = !strncmp(sym, "security_", 9) ? sym + 9 : NULL;
	bool ok;

	if (rq->want_override && hook && try_lsm(kf, rq, hook, r))
		return 0;
	if (try_fentry(kf, rq, sym, r) || try_kprobe(kf, rq, sym, r))
		return 0;
	if (!rq->want_override && hook && rq->kind == REQ_FUNC && try_lsm(kf, rq, hook, r))
		return 0;
	ok = sc ? allowed(rq, r, MECH_TRACEPOINT, sym, RUNG_EQUIV) &&
			  try_syscall_tp(kf, sc, rq->want_ret, r)
		: try_equiv(kf, rq, sym, r);
	if (ok) {
		r->rung = RUNG_EQUIV;
		if (!rq->want_override)
			return 0;
		refuse_override(r, what);
		return -1;
	}
	refuse(r, what);
	return -1;
}

static int choose_func(const struct kernel_features *kf, const struct ladder_req *rq,
		       struct ladder_result *r)
{
	const char *sc = syscall_name(rq);
	char sym[160], what[200];

	if (sc)
		syscall_symbol(sc, sym, sizeof(sym), &r->syscall_regs);
	else
		snprintf(sym, sizeof(sym), "%s", rq->name);
	snprintf(what, sizeof(what), "kprobe \"%s\"", rq->name);
	if (sc)
		scopy(r->syscall, sizeof(r->syscall), sc);
	if (!kf->has_func(kf, sym) && !(sc && syscall_nr(sc) >= 0)) {
		r->not_found = true;
		snprintf(r->refuse, sizeof(r->refuse), "%s: kernel function %s not found", what, sym);
		return -1;
	}
	return ladder_rest(kf, rq, sym, sc, what, r);
}

static int choose_lsm(const struct kernel_features *kf, const struct ladder_req *rq,
		      struct ladder_result *r)
{
	char sym[160], bsym[168], what[200];

	snprintf(sym, sizeof(sym), "security_%s", rq->name);
	snprintf(bsym, sizeof(bsym), "bpf_lsm_%s", rq->name);
	snprintf(what, sizeof(what), "lsm hook \"%s\"", rq->name);
	if (!kf->has_func(kf, bsym) && !kf->has_func(kf, sym)) {
		r->not_found = true;
		snprintf(r->refuse, sizeof(r->refuse), "%s: LSM hook %s not found", what, sym);
		return -1;
	}
	if (try_lsm(kf, rq, rq->name, r))
		return 0;
	return ladder_rest(kf, rq, sym, NULL, what, r);
}

/* tp_btf only sees the raw tracepoint arguments, not the format fields. */
static bool btf_fields_ok(const struct ladder_req *rq, uint32_t field_mask)
{
	if (rq->raw || !field_mask)
		return true;
	return !strcmp(rq->subsys, "raw_syscalls") && !strcmp(rq->event, "sys_enter") &&
	       field_mask == (1u << 4);
}

static int choose_tp(const struct kernel_features *kf, const struct ladder_req *rq,
		     uint32_t field_mask, struct ladder_result *r)
{
	char tgt[160], what[200];
	int has = kf->has_tp(kf, rq->subsys, rq->event);
	bool btf = kf->has_btf_tp(kf, rq->event), ok;

	snprintf(tgt, sizeof(tgt), "%s:%s", rq->subsys, rq->event);
	snprintf(what, sizeof(what), "tracepoint \"%s\"", tgt);
	if (!btf && has == 0) {
		r->not_found = true;
		snprintf(r->refuse, sizeof(r->refuse), "%s: no such tracepoint", what);
		return -1;
	}
	ok = btf && usable(kf, F_TP_BTF) && btf_fields_ok(rq, field_mask);
	step(r, MECH_TP_BTF, tgt, ok, ok ? "BTF-typed" : !btf ? "no btf_trace_ type" :
	     !usable(kf, F_TP_BTF) ? feat_why(kf, F_TP_BTF) : "args are format fields");
	scopy(r->attach, sizeof(r->attach), rq->event);
	if (ok)
		return take(r, MECH_TP_BTF, MECH_NONE, tgt) ? 0 : -1;
	/* classic tracepoints run for syscalls only: the arguments are the syscall's */
	ok = !rq->raw && has != 0 && usable(kf, F_TRACEPOINT) && !strcmp(rq->subsys, "syscalls") &&
	     !strncmp(rq->event, "sys_enter_", 10) && syscall_nr(rq->event + 10) >= 0;
	step(r, MECH_TRACEPOINT, tgt, ok, ok ? (has < 0 ? "assumed (tracefs not readable)" :
	     "exists in tracefs") : rq->raw ? "raw args need tp_btf" :
	     !usable(kf, F_TRACEPOINT) ? feat_why(kf, F_TRACEPOINT) :
	     "format-field arguments are read for syscall entries only");
	if (!ok) {
		refuse(r, what);
		return -1;
	}
	take(r, MECH_TRACEPOINT, MECH_NONE, tgt);
	syscall_add(r, rq->event + 10);
	r->sc_when = SC_ENTER;
	return 0;
}

/* Does the ELF file define symbol sym (.symtab or .dynsym)? */
static bool elf_has_symbol(const char *path, const char *sym)
{
	Elf_Scn *scn = NULL;
	bool found = false;
	GElf_Shdr sh;
	GElf_Sym s;
	Elf *e;
	int fd, i;

	if (elf_version(EV_CURRENT) == EV_NONE || (fd = open(path, O_RDONLY)) < 0)
		return false;
	e = elf_begin(fd, ELF_C_READ, NULL);
	while (e && !found && (scn = elf_nextscn(e, scn))) {
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh) || (sh.sh_type != SHT_SYMTAB && sh.sh_type != SHT_DYNSYM))
			continue;
		d = elf_getdata(scn, NULL);
		for (i = 0; d && sh.sh_entsize && i < (int)(sh.sh_size / sh.sh_entsize); i++) {
			const char *n;

			if (!gelf_getsym(d, i, &s) || !s.st_value)
				continue;
			n = elf_strptr(e, sh.sh_link, s.st_name);
			if (n && !strcmp(n, sym)) {
				found = true;
				break;
			}
		}
	}
	elf_end(e);
	close(fd);
	return found;
}

static int choose_uprobe(const struct kernel_features *kf, const struct ladder_req *rq,
			 struct ladder_result *r)
{
	char tgt[160], what[200];
	bool ok;

	snprintf(tgt, sizeof(tgt), "%s:%s", rq->path, rq->name);
	snprintf(what, sizeof(what), "uprobe \"%s\"", tgt);
	if (access(rq->path, R_OK)) {
		r->not_found = true;
		snprintf(r->refuse, sizeof(r->refuse), "%s: binary %s not found", what, rq->path);
		return -1;
	}
	if (!elf_has_symbol(rq->path, rq->name)) {
		r->not_found = true;
		snprintf(r->refuse, sizeof(r->refuse), "%s: symbol %s not found in %s", what,
			 rq->name, rq->path);
		return -1;
	}
	ok = kf->f[F_UPROBE] != FEAT_NO;
	step(r, MECH_UPROBE, tgt, ok, ok ? "uprobe PMU" : feat_why(kf, F_UPROBE));
	if (ok && rq->want_override) {
		snprintf(r->refuse, sizeof(r->refuse), "%s: Override on uprobes is not supported by tracer",
			 what);
		return -1;
	}
	scopy(r->attach, sizeof(r->attach), rq->name);
	if (ok)
		return take(r, MECH_UPROBE, rq->want_ret ? MECH_URETPROBE : MECH_NONE, tgt) ? 0 : -1;
	refuse(r, what);
	return -1;
}

int ladder_choose(const struct kernel_features *kf, const struct ladder_req *rq,
		  struct ladder_result *out)
{
	memset(out, 0, sizeof(*out));
	switch (rq->kind) {
	case REQ_FUNC:
		return choose_func(kf, rq, out);
	case REQ_LSM:
		return choose_lsm(kf, rq, out);
	case REQ_TRACEPOINT:
		return choose_tp(kf, rq, rq->field_mask, out);
	default:
		return choose_uprobe(kf, rq, out);
	}
}

static bool type_in(const char *type, const char *list)
{
	size_t n = strlen(type);
	const char *p = list;

	while (list && (p = strstr(p, type))) {
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || !p[n]))
			return true;
		p += n;
	}
	return false;
}

/* How the kernel side reads each policy argument type: from a user
 * pointer (a syscall's argument) or a kernel one (a function's). */
static const struct { const char *type; int user, kernel; } arg_kinds[] = {
	{ "string", AK_STR_USER, AK_STR_KERNEL },	{ "filename", AK_STR_USER, AK_STR_KERNEL },
	{ "path", AK_PATH_USER, AK_PATH },		{ "file", -1, AK_FILE },
	{ "fd", AK_FD, AK_FD },				{ "sock", -1, AK_SOCK },
	{ "socket", -1, AK_SOCKET },			{ "sockaddr", AK_SOCKADDR_USER, AK_SOCKADDR },
	{ "cred", -1, AK_CRED },			{ "linux_binprm", -1, AK_BINPRM },
	{ "char_buf", AK_BUF_USER, AK_BUF_KERNEL },	{ "nop", AK_NONE, AK_NONE },
	{ "capability", AK_INT, AK_INT },		{ "kernel_cap_t", AK_UINT, AK_UINT },
	{ "cap_inheritable", AK_UINT, AK_UINT },	{ "cap_permitted", AK_UINT, AK_UINT },
	{ "cap_effective", AK_UINT, AK_UINT },		{ "dentry", -1, AK_DENTRY },
	{ "skb", -1, AK_SKB },				{ "stdin", AK_FD, AK_FD },
	{ "stdout", AK_FD, AK_FD },			{ "stderr", AK_FD, AK_FD },
};

int kernel_arg_kind(const char *type, bool user)
{
	size_t i;

	for (i = 0; i < sizeof(arg_kinds) / sizeof(arg_kinds[0]); i++)
		if (!strcmp(arg_kinds[i].type, type))
			return user ? arg_kinds[i].user : arg_kinds[i].kernel;
	if (type_in(type, INTS " int8 uint8 int16 uint16 sint8 sint16 syscall64"))
		return AK_INT; /* signedness and width come from the type */
	return -1;
}

static int set_src(struct arg_recipe *o, enum arg_src src, int idx)
{
	o->src = src;
	o->idx = idx;
	return 0;
}

static int no_kind(const char *type, bool user, uint32_t index, char *why, size_t n)
{
	snprintf(why, n, "arg %u type %s is not read by the kernel side from %s", index, type,
		 user ? "a syscall argument (a syscall passes integers, pointers and fds)" :
		 "a kernel function argument");
	return -1;
}

/* Tracepoint args by Tetragon's format-field index; on a syscall's own
 * tracepoint, 5 and up are the syscall's arguments. */
static int tp_arg(const struct ladder_req *rq, const struct ladder_result *r, uint32_t index,
		  const char *type, struct arg_recipe *o, char *why, size_t n)
{
	if (r->mech == MECH_TP_BTF)
		return set_src(o, SRC_CTX_ARG, rq->raw ? (int)index : 1);
	if (index < 5 || index > 10 || kernel_arg_kind(type, true) < 0) {
		snprintf(why, n, "tracepoint %s:%s arg %u (%s): only the syscall's arguments "
			 "(index 5 to 10) are read", rq->subsys, rq->event, index, type);
		return -1;
	}
	return set_src(o, SRC_SYSCALL_ARG, (int)index - 5);
}

int ladder_arg(const struct kernel_features *kf, const struct ladder_req *rq,
	       const struct ladder_result *r, uint32_t index, const char *type,
	       struct arg_recipe *o, char *why, size_t n)
{
	const struct equiv_arg *ea;

	(void)kf;
	memset(o, 0, sizeof(*o));
	/* the current task's own fd, whatever the hook: every rung runs in
	 * the task's context (an exec hook sees the new program's fds) */
	if (stdio_fd(type) >= 0)
		return set_src(o, SRC_STDIO, stdio_fd(type));
	if (rq->kind == REQ_TRACEPOINT)
		return tp_arg(rq, r, index, type, o, why, n);
	if (r->eq) {
		ea = index < 6 ? &r->eq->args[index] : NULL;
		if (!ea || !ea->src || !type_in(type, ea->types)) {
			snprintf(why, n, "arg %u (%s) of %s cannot be read on its equivalent %s",
				 index, type, r->eq->name, r->target);
			return -1;
		}
		return set_src(o, ea->src, ea->idx);
	}
	if (r->syscall[0]) {
		if (kernel_arg_kind(type, true) < 0 || index > 5)
			return no_kind(type, true, index, why, n);
		return set_src(o, SRC_SYSCALL_ARG, (int)index);
	}
	if (kernel_arg_kind(type, false) < 0)
		return no_kind(type, false, index, why, n);
	if (r->fn_nargs > 0 && index >= (uint32_t)r->fn_nargs) {
		snprintf(why, n, "arg %u: %s has %d parameters", index, r->attach, r->fn_nargs);
		return -1;
	}
	return set_src(o, SRC_FUNC_ARG, (int)index);
}

/* fexit, kretprobe, sys_exit: the hooked function's own return value. */
static bool has_retval(const struct ladder_result *r)
{
	return r->mech == MECH_FEXIT || r->exit_mech != MECH_NONE ||
	       (r->mech == MECH_TRACEPOINT && r->sc_when != SC_ENTER);
}

int ladder_retarg(const struct ladder_result *r, const char *type, struct arg_recipe *o,
		  char *why, size_t n)
{
	memset(o, 0, sizeof(*o));
	if (r->eq) {
		if (!r->eq->ret.src || !type_in(type, r->eq->ret.types)) {
			snprintf(why, n, "the return value of %s is not available on its equivalent %s",
				 r->eq->name, r->target);
			return -1;
		}
		return set_src(o, r->eq->ret.src, r->eq->ret.idx);
	}
	if (!has_retval(r)) {
		snprintf(why, n, "no return value on %s", mech_name(r->mech));
		return -1;
	}
	return set_src(o, SRC_RETVAL, 0);
}

const char *arg_recipe_str(const struct arg_recipe *a, char *buf, size_t n)
{
	switch (a->src) {
	case SRC_FUNC_ARG: snprintf(buf, n, "function arg %d", a->idx); break;
	case SRC_CTX_ARG: snprintf(buf, n, "tracepoint arg %d", a->idx); break;
	case SRC_TP_FIELD: snprintf(buf, n, "field %s", a->field); break;
	case SRC_SYSCALL_ARG: snprintf(buf, n, "syscall arg %d", a->idx); break;
	case SRC_RETVAL: snprintf(buf, n, "return value"); break;
	case SRC_FD_FILE: snprintf(buf, n, "file of the returned fd (task fd table)"); break;
	case SRC_FD_SOCK: snprintf(buf, n, "socket of fd syscall arg 0 (task fd table)"); break;
	case SRC_BPRM_FILE: snprintf(buf, n, "bprm->file"); break;
	case SRC_USER_PATH: snprintf(buf, n, "syscall arg %d as a user string", a->idx); break;
	case SRC_STDIO: snprintf(buf, n, "fd %d of the task (task fd table)", a->idx); break;
	default: snprintf(buf, n, "none");
	}
	return buf;
}
