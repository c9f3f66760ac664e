/* ladder.c - mechanism choice per hook and the table of equivalent hooks, each honest about its semantics. */
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "policy/ladder.h"
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
	const char *syscalls;	/* syscall rows: the syscalls, space separated */
	bool at_exit;		/* read at sys_exit */
	bool both;		/* needs sys_enter and sys_exit */
	const char *filter;
	const char *note;
	struct equiv_arg args[6];
	struct equiv_arg ret;
};

#define INTS "int uint32 int32 sint32 uint64 int64 sint64 long ulong size_t"

static const struct equiv equivs[] = {
	{ "tcp_connect", MECH_TP_BTF, "sock:inet_sock_set_state", NULL, false, false,
	  "oldstate == TCP_CLOSE && newstate == TCP_SYN_SENT",
	  "fires inside connect() as the socket enters SYN_SENT, just before tcp_connect(); "
	  "same socket, but the source port may still be 0 (bound right after)",
	  { { SRC_CTX_ARG, 0, "sock" } }, { SRC_NONE, 0, NULL } },
	{ "tcp_close", MECH_TP_BTF, "sock:inet_sock_set_state", NULL, false, false,
	  "newstate == TCP_CLOSE",
	  "fires on every move to CLOSE (close(), reset, timeout, failed connect), "
	  "not for sockets closed while never connected",
	  { { SRC_CTX_ARG, 0, "sock" } }, { SRC_NONE, 0, NULL } },
	{ "tcp_sendmsg", MECH_TRACEPOINT, NULL, "sendto sendmsg sendmmsg write writev", true, true,
	  "fd is a TCP socket && ret > 0",
	  "after the syscall: size is the bytes accepted, not the bytes requested; "
	  "sendfile/splice/io_uring and kernel-internal sends are not seen",
	  { { SRC_FD_SOCK, 0, "sock" }, { SRC_NONE, 0, NULL }, { SRC_RETVAL, 0, INTS } },
	  { SRC_NONE, 0, NULL } },
	{ "fd_install", MECH_TRACEPOINT, NULL,
	  "open openat openat2 creat open_by_handle_at dup dup2 dup3 accept accept4 socket memfd_create",
	  true, false, "ret >= 0",
	  "after the syscall returns, for fds made by these syscalls only (pipe, socketpair, "
	  "eventfd, SCM_RIGHTS, io_uring not seen); file read from the task's fd table",
	  { { SRC_RETVAL, 0, INTS " fd" }, { SRC_FD_FILE, 0, "file" } }, { SRC_NONE, 0, NULL } },
	{ "security_file_open", MECH_TRACEPOINT, NULL,
	  "open openat openat2 creat open_by_handle_at", true, false, NULL,
	  "seen after the open: the file from the fd table; a failed or denied open "
	  "reports the path as passed, made absolute (exec and kernel-internal opens "
	  "are not seen); cannot deny",
	  { { SRC_FD_FILE, 0, "file" } }, { SRC_NONE, 0, NULL } },
	{ "security_sb_mount", MECH_TRACEPOINT, NULL, "mount", false, false, NULL,
	  "at mount(2) entry, before permission checks (failed mounts are reported too); "
	  "the mount point is the string the caller passed, not a resolved path; "
	  "fsopen/fsmount/move_mount are not seen",
	  { { SRC_USER_PATH, 0, "string" }, { SRC_USER_PATH, 1, "path string" },
	    { SRC_USER_PATH, 2, "string" }, { SRC_SYSCALL_ARG, 3, INTS },
	    { SRC_SYSCALL_ARG, 4, "nop" INTS } }, { SRC_NONE, 0, NULL } },
	{ "security_bprm_check", MECH_TP_BTF, "sched:sched_process_exec", NULL, false, false, NULL,
	  "after the exec succeeded (past the point of no return): failed execs are not "
	  "seen and the exec cannot be denied",
	  { { SRC_CTX_ARG, 2, "linux_binprm" } }, { SRC_NONE, 0, NULL } },
	{ "security_bprm_creds_from_file", MECH_TP_BTF, "sched:sched_process_exec", NULL,
	  false, false, NULL,
	  "after the exec succeeded: failed execs are not seen and nothing can be denied",
	  { { SRC_CTX_ARG, 2, "linux_binprm nop" }, { SRC_BPRM_FILE, 2, "file" } },
	  { SRC_NONE, 0, NULL } },
};

/* Truncating copy (no format-truncation noise). */
static void scopy(char *d, size_t n, const char *s)
{
	size_t l = strnlen(s, n - 1);

	memcpy(d, s, l);
	d[l] = 0;
}

static const char *const mech_names[] = {
	"none", "fentry", "fexit", "kprobe", "kretprobe", "bpf-lsm", "tp_btf",
	"raw_tracepoint", "tracepoint", "uprobe", "uretprobe",
};

const char *mech_name(enum mech m)
{
	return m <= MECH_URETPROBE ? mech_names[m] : "?";
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
	struct ladder_step *s = &r->steps[r->nsteps < 5 ? r->nsteps++ : 5];

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
	scopy(r->target, sizeof(r->target), target);
	return true;
}

static const char *feat_why(const struct kernel_features *kf, enum feat f)
{
	return kf->f[f] == FEAT_YES ? "available" : kf->why[f][0] ? kf->why[f] : "unavailable";
}

/* fentry/fexit on a kernel function; never for Override (needs fmod_ret). */
static bool try_fentry(const struct kernel_features *kf, const struct ladder_req *rq,
		       const char *sym, struct ladder_result *r)
{
	bool ok = usable(kf, F_FENTRY) && (!rq->want_ret || usable(kf, F_FEXIT));

	if (rq->want_override) {
		step(r, MECH_FENTRY, sym, false, "cannot override a return value");
		return false;
	}
	step(r, MECH_FENTRY, sym, ok, ok ? "loads" : feat_why(kf, F_FENTRY));
	return ok && take(r, MECH_FENTRY, rq->want_ret ? MECH_FEXIT : MECH_NONE, sym);
}

static bool try_kprobe(const struct kernel_features *kf, const struct ladder_req *rq,
		       const char *sym, struct ladder_result *r)
{
	bool ok = kf->f[F_KPROBE_ATTACH] == FEAT_YES && kf->f[F_KPROBE_LOAD] != FEAT_NO;

	if (ok && rq->want_override && kf->f[F_OVERRIDE] != FEAT_YES) {
		step(r, MECH_KPROBE, sym, false, feat_why(kf, F_OVERRIDE));
		return false;
	}
	step(r, MECH_KPROBE, sym, ok, ok ? "attachable" : feat_why(kf, F_KPROBE_ATTACH));
	r->can_override = ok;
	return ok && take(r, MECH_KPROBE, rq->want_ret ? MECH_KRETPROBE : MECH_NONE, sym);
}

/* A syscall through its own tracepoints, else raw_syscalls with an nr filter. */
static bool try_syscall_tp(const struct kernel_features *kf, const char *sc, bool want_ret,
			   bool at_exit, struct ladder_result *r)
{
	char ev[96], tgt[160];
	int has;

	snprintf(ev, sizeof(ev), "sys_enter_%s", sc);
	has = kf->has_tp(kf, "syscalls", ev);
	snprintf(tgt, sizeof(tgt), "syscalls:%s", ev);
	if (has == 1 && usable(kf, F_TRACEPOINT)) {
		step(r, MECH_TRACEPOINT, tgt, true, "exists in tracefs");
		snprintf(r->exit_target, sizeof(r->exit_target), "syscalls:sys_exit_%s", sc);
		return take(r, MECH_TRACEPOINT, want_ret || at_exit ? MECH_TRACEPOINT : MECH_NONE,
			    tgt);
	}
	step(r, MECH_TRACEPOINT, tgt, false, has < 0 ? "tracefs not readable" :
	     has == 0 ? "no such tracepoint" : feat_why(kf, F_TRACEPOINT));
	if (usable(kf, F_TP_BTF) && kf->has_btf_tp(kf, "sys_enter") && syscall_nr(sc) >= 0) {
		r->syscall_nr = syscall_nr(sc);
		step(r, MECH_TP_BTF, "raw_syscalls:sys_enter", true, "syscall-nr filter");
		snprintf(r->exit_target, sizeof(r->exit_target), "raw_syscalls:sys_exit");
		return take(r, MECH_TP_BTF, want_ret || at_exit ? MECH_TP_BTF : MECH_NONE,
			    "raw_syscalls:sys_enter");
	}
	step(r, MECH_TP_BTF, "raw_syscalls:sys_enter", false, feat_why(kf, F_TP_BTF));
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

static bool try_equiv(const struct kernel_features *kf, const struct ladder_req *rq,
		      const char *sym, struct ladder_result *r)
{
	const struct equiv *e = find_equiv(sym);
	char first[40];
	bool ok;

	(void)rq;
	if (!e) {
		step(r, MECH_NONE, "equivalent", false, "no equivalent hook");
		return false;
	}
	r->eq = e;
	r->note = e->note;
	r->filter = e->filter;
	if (e->mech == MECH_TP_BTF) {
		ok = usable(kf, F_TP_BTF) && kf->has_btf_tp(kf, strchr(e->target, ':') + 1);
		step(r, MECH_TP_BTF, e->target, ok, ok ? "equivalent" : feat_why(kf, F_TP_BTF));
		return ok && take(r, MECH_TP_BTF, MECH_NONE, e->target);
	}
	sscanf(e->syscalls, "%39s", first);
	if (!try_syscall_tp(kf, first, false, false, r))
		return false;
	r->exit_mech = MECH_NONE;
	r->exit_target[0] = 0;
	if (r->mech == MECH_TRACEPOINT)
		snprintf(r->target, sizeof(r->target), "syscalls:sys_%s_{%s}",
			 e->both ? "enter+exit" : e->at_exit ? "exit" : "enter", e->syscalls);
	else
		snprintf(r->target, sizeof(r->target), "raw_syscalls:sys_%s (nr in {%s})",
			 e->both ? "enter+sys_exit" : e->at_exit ? "exit" : "enter", e->syscalls);
	scopy(r->steps[r->nsteps - 1].target, sizeof(r->steps[0].target), r->target);
	scopy(r->steps[r->nsteps - 1].why, sizeof(r->steps[0].why), "equivalent");
	r->syscall_nr = -1;
	return true;
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
		 "%s: Override needs a kprobe with bpf_override_return or BPF LSM, this kernel "
		 "has neither (%s) (use --monitor to report instead)", what,
		 r->nsteps > 1 ? r->steps[1].why : "no kprobes");
	r->mech = MECH_NONE;
}

/* "sys_X" or "__x64_sys_X" with syscall: true -> "X". */
static const char *syscall_name(const struct ladder_req *rq)
{
	const char *n = rq->name;

	if (!rq->syscall)
		return NULL;
	if (!strncmp(n, "__x64_", 6))
		n += 6;
	return strncmp(n, "sys_", 4) ? NULL : n + 4;
}


/* The rungs below the first: fentry, kprobe, then the equivalent (a
 * syscall tracepoint for sys_* hooks); refused with why if none fits, or
 * if Override is wanted and the rung taken cannot override. */
static int ladder_rest(const struct kernel_features *kf, const struct ladder_req *rq,
		       const char *sym, const char *sc, const char *what, struct ladder_result *r)
{
	if (try_fentry(kf, rq, sym, r) || try_kprobe(kf, rq, sym, r))
		return 0;
	if (sc ? try_syscall_tp(kf, sc, rq->want_ret, false, r) : try_equiv(kf, rq, sym, r)) {
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

	snprintf(sym, sizeof(sym), sc ? "__x64_sys_%s" : "%s", sc ? sc : rq->name);
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
	bool ok;

	snprintf(sym, sizeof(sym), "security_%s", rq->name);
	snprintf(bsym, sizeof(bsym), "bpf_lsm_%s", rq->name);
	snprintf(what, sizeof(what), "lsm hook \"%s\"", rq->name);
	if (!kf->has_func(kf, bsym) && !kf->has_func(kf, sym)) {
		r->not_found = true;
		snprintf(r->refuse, sizeof(r->refuse), "%s: LSM hook %s not found", what, sym);
		return -1;
	}
	ok = kf->f[F_LSM] == FEAT_YES && kf->has_func(kf, bsym);
	step(r, MECH_LSM, bsym, ok, ok ? "loads" : feat_why(kf, F_LSM));
	if (ok) {
		r->can_override = true;
		take(r, MECH_LSM, MECH_NONE, bsym);
		return 0;
	}
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
	if (ok)
		return take(r, MECH_TP_BTF, MECH_NONE, tgt) ? 0 : -1;
	ok = !rq->raw && has != 0 && usable(kf, F_TRACEPOINT);
	step(r, MECH_TRACEPOINT, tgt, ok, ok ? (has < 0 ? "assumed (tracefs not readable)" :
	     "exists in tracefs") : rq->raw ? "raw args need tp_btf" : feat_why(kf, F_TRACEPOINT));
	if (ok)
		return take(r, MECH_TRACEPOINT, MECH_NONE, tgt) ? 0 : -1;
	refuse(r, what);
	return -1;
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
	if (ok)
		return take(r, MECH_UPROBE, rq->want_ret ? MECH_URETPROBE : MECH_NONE, tgt) ? 0 : -1;
	refuse(r, what);
	return -1;
}

int ladder_choose(const struct kernel_features *kf, const struct ladder_req *rq,
		  struct ladder_result *out)
{
	memset(out, 0, sizeof(*out));
	out->syscall_nr = -1;
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

/* Syscall arguments are raw words: user strings and buffers, integers, fds. */
#define SYSCALL_TYPES INTS " string filename char_buf fd nop sockaddr int8 uint8 int16 " \
	"uint16 sint8 sint16 syscall64"

static int set_src(struct arg_recipe *o, enum arg_src src, int idx)
{
	o->src = src;
	o->idx = idx;
	return 0;
}

static int tp_arg(const struct kernel_features *kf, const struct ladder_req *rq,
		  const struct ladder_result *r, uint32_t index, struct arg_recipe *o)
{
	if (r->mech == MECH_TP_BTF)
		return set_src(o, SRC_CTX_ARG, rq->raw ? (int)index : 1);
	set_src(o, SRC_TP_FIELD, (int)index);
	if (!strcmp(rq->subsys, "syscalls") && index >= 4)
		snprintf(o->field, sizeof(o->field), index == 4 ? "__syscall_nr" :
			 !strncmp(rq->event, "sys_exit", 8) ? "ret" : "args[%u]", index - 5);
	else if (!kf->tp_field(kf, rq->event, index, o->field, sizeof(o->field)))
		snprintf(o->field, sizeof(o->field), "#%u", index);
	return 0;
}

int ladder_arg(const struct kernel_features *kf, const struct ladder_req *rq,
	       const struct ladder_result *r, uint32_t index, const char *type,
	       struct arg_recipe *o, char *why, size_t n)
{
	const struct equiv_arg *ea;

	memset(o, 0, sizeof(*o));
	if (rq->kind == REQ_TRACEPOINT)
		return tp_arg(kf, rq, r, index, o);
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
		if (!type_in(type, SYSCALL_TYPES)) {
			snprintf(why, n, "arg %u type %s cannot be read from a syscall argument "
				 "(a syscall passes integers, pointers and fds)", index, type);
			return -1;
		}
		return set_src(o, SRC_SYSCALL_ARG, (int)index);
	}
	return set_src(o, SRC_FUNC_ARG, (int)index);
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
	if (r->exit_mech == MECH_NONE) {
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
	default: snprintf(buf, n, "none");
	}
	return buf;
}
