// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* probe.c - probe the running kernel once: BTF, program loads, PMUs, tracefs, symbol lookups. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "policy/probe.h"

struct probe_priv {
	struct btf *btf;
	struct func_ent *funcs;	/* FUNC names and ids, sorted by name */
	size_t nfuncs;
	const char **tps;	/* sorted btf_trace_<event> suffixes */
	size_t ntps;
	char tracefs[64];
};

static const char *const feat_names[F_COUNT] = {
	"btf", "kprobe-load", "kprobe-attach", "override-return", "fentry", "fexit",
	"bpf-lsm", "tp_btf", "raw-tracepoint", "tracepoint", "tracefs", "uprobe", "fmod_ret",
	"task_pt_regs", "bpf_loop",
};

const char *feat_name(enum feat f)
{
	return f < F_COUNT ? feat_names[f] : "?";
}

const char *feat_state_name(enum feat_state s)
{
	return s == FEAT_YES ? "yes" : s == FEAT_NO ? "no" : "unknown";
}

static void set(struct kernel_features *kf, enum feat f, enum feat_state s, const char *why)
{
	kf->f[f] = s;
	snprintf(kf->why[f], sizeof(kf->why[f]), "%s", why ? why : "");
}

/* A kernel function in vmlinux BTF: found by name without a linear scan
 * (btf__find_by_name_kind walks all 100k+ types, per call). */
struct func_ent {
	const char *name;
	int id;
};

static int cmp_func(const void *a, const void *b)
{
	return strcmp(((const struct func_ent *)a)->name, ((const struct func_ent *)b)->name);
}

static int func_id(const struct probe_priv *p, const char *name)
{
	struct func_ent key = {name, 0}, *e;

	if (!p || !p->nfuncs)
		return -1;
	e = bsearch(&key, p->funcs, p->nfuncs, sizeof(*p->funcs), cmp_func);
	return e ? e->id : -1;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool in_sorted(const char **v, size_t n, const char *s)
{
	return n && bsearch(&s, v, n, sizeof(*v), cmp_str) != NULL;
}

/* One pass over vmlinux BTF: FUNC names and btf_trace_* typedefs, sorted;
 * -1 when out of memory. */
static int index_btf(struct probe_priv *p)
{
	__u32 i, n = btf__type_cnt(p->btf);

	p->funcs = calloc(n, sizeof(*p->funcs));
	p->tps = calloc(n, sizeof(*p->tps));
	if (!p->funcs || !p->tps)
		return -1;
	for (i = 1; i < n; i++) {
		const struct btf_type *t = btf__type_by_id(p->btf, i);
		const char *name = btf__name_by_offset(p->btf, t->name_off);

		if (btf_is_func(t))
			p->funcs[p->nfuncs++] = (struct func_ent){name, (int)i};
		else if (btf_is_typedef(t) && !strncmp(name, "btf_trace_", 10))
			p->tps[p->ntps++] = name + 10;
	}
	qsort(p->funcs, p->nfuncs, sizeof(*p->funcs), cmp_func);
	qsort(p->tps, p->ntps, sizeof(*p->tps), cmp_str);
	return 0;
}

static bool real_has_func(const struct kernel_features *kf, const char *name)
{
	const struct probe_priv *p = kf->priv;

	return func_id(p, name) > 0;
}

static bool real_has_btf_tp(const struct kernel_features *kf, const char *event)
{
	const struct probe_priv *p = kf->priv;

	return p && in_sorted(p->tps, p->ntps, event);
}

static int real_has_tp(const struct kernel_features *kf, const char *subsys, const char *event)
{
	char path[512];

	if (!kf->tracefs)
		return -1;
	if (strchr(subsys, '/') || strchr(event, '/') || !strcmp(subsys, "..") ||
	    !strcmp(event, ".."))
		return 0;
	snprintf(path, sizeof(path), "%s/events/%s/%s", kf->tracefs, subsys, event);
	return access(path, F_OK) == 0;
}

static bool real_tp_field(const struct kernel_features *kf, const char *event, unsigned idx,
			  char *name, size_t n)
{
	const struct probe_priv *p = kf->priv;
	const struct btf_type *t;
	char sname[256];
	int id;

	if (!p || !p->btf || idx < 4)
		return false;
	snprintf(sname, sizeof(sname), "trace_event_raw_%s", event);
	id = btf__find_by_name_kind(p->btf, sname, BTF_KIND_STRUCT);
	if (id <= 0)
		return false;
	t = btf__type_by_id(p->btf, id);
	if (idx - 3 >= btf_vlen(t))
		return false;
	snprintf(name, n, "%s", btf__name_by_offset(p->btf, btf_members(t)[idx - 3].name_off));
	return true;
}

/* The parameters of kernel function name (BTF FUNC -> FUNC_PROTO). */
static int real_func_nargs(const struct kernel_features *kf, const char *name, bool *ret_int)
{
	const struct probe_priv *p = kf->priv;
	const struct btf_type *t, *r;
	int id;

	*ret_int = false;
	if (!p || !p->btf || (id = func_id(p, name)) <= 0)
		return -1;
	t = btf__type_by_id(p->btf, btf__type_by_id(p->btf, id)->type);
	if (!t || !btf_is_func_proto(t))
		return -1;
	r = t->type ? btf__type_by_id(p->btf, t->type) : NULL;
	while (r && (btf_is_typedef(r) || btf_is_mod(r)))
		r = btf__type_by_id(p->btf, r->type);
	*ret_int = r && (btf_is_int(r) || btf_is_enum(r));
	return btf_vlen(t);
}

static int real_func_btf_id(const struct kernel_features *kf, const char *name)
{
	return func_id(kf->priv, name);
}

/* Load "r0 = 0; exit" as the given type; 1 loaded, 0 refused (errno kept). */
static int try_load(enum bpf_prog_type type, enum bpf_attach_type at, int btf_id)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, o, .expected_attach_type = at,
		    .attach_btf_id = btf_id);
	int fd = bpf_prog_load(type, NULL, "GPL", insns, 2, &o);

	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

static void load_feat(struct kernel_features *kf, enum feat f, enum bpf_prog_type type,
		      enum bpf_attach_type at, int btf_id)
{
	char why[64];

	if (btf_id < 0) {
		set(kf, f, FEAT_NO, "attach target not in BTF");
		return;
	}
	if (try_load(type, at, btf_id)) {
		set(kf, f, FEAT_YES, "loads");
		return;
	}
	snprintf(why, sizeof(why), "load refused (%s)",
		 errno == EPERM ? "EPERM" : errno == EINVAL ? "EINVAL" : strerror(errno));
	set(kf, f, FEAT_NO, why);
}

static int btf_id_of(struct probe_priv *p, const char *name, int kind)
{
	int id = kind == BTF_KIND_FUNC ? func_id(p, name) :
		 p->btf ? btf__find_by_name_kind(p->btf, name, kind) : -1;

	return id > 0 ? id : -1;
}

static bool lsm_active(void)
{
	char buf[512] = "";
	FILE *f = fopen("/sys/kernel/security/lsm", "r");

	if (!f)
		return true;	/* unknown: let the load decide */
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = 0;
	fclose(f);
	return strstr(buf, "bpf") != NULL;
}

static void probe_loads(struct kernel_features *kf, struct probe_priv *p)
{
	int tp_id = btf_id_of(p, "btf_trace_sched_process_exec", BTF_KIND_TYPEDEF);
	int fn_id = btf_id_of(p, "security_file_open", BTF_KIND_FUNC);
	int lsm_id = btf_id_of(p, "bpf_lsm_file_open", BTF_KIND_FUNC);
	int ret;

	load_feat(kf, F_KPROBE_LOAD, BPF_PROG_TYPE_KPROBE, 0, 0);
	load_feat(kf, F_FENTRY, BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY, fn_id);
	load_feat(kf, F_FEXIT, BPF_PROG_TYPE_TRACING, BPF_TRACE_FEXIT, fn_id);
	load_feat(kf, F_TP_BTF, BPF_PROG_TYPE_TRACING, BPF_TRACE_RAW_TP, tp_id);
	load_feat(kf, F_RAW_TP, BPF_PROG_TYPE_RAW_TRACEPOINT, 0, 0);
	load_feat(kf, F_TRACEPOINT, BPF_PROG_TYPE_TRACEPOINT, 0, 0);
	if (!lsm_active())
		set(kf, F_LSM, FEAT_NO, "\"bpf\" not in the active LSMs");
	else
		load_feat(kf, F_LSM, BPF_PROG_TYPE_LSM, BPF_LSM_MAC, lsm_id);
	if (libbpf_probe_bpf_helper(BPF_PROG_TYPE_KPROBE, BPF_FUNC_override_return, NULL) == 1)
		set(kf, F_OVERRIDE, FEAT_YES, "helper available");
	else
		set(kf, F_OVERRIDE, FEAT_NO, "no CONFIG_BPF_KPROBE_OVERRIDE");
	load_feat(kf, F_FMOD_RET, BPF_PROG_TYPE_TRACING, BPF_MODIFY_RETURN, fn_id);
	ret = libbpf_probe_bpf_helper(BPF_PROG_TYPE_TRACEPOINT, BPF_FUNC_task_pt_regs, NULL);
	set(kf, F_TASK_PT_REGS, ret == 1 ? FEAT_YES : FEAT_NO,
	    ret == 1 ? "helper available" : "no bpf_task_pt_regs (before 5.15)");
	/* the same test the loader makes to pick the _compat objects */
	ret = libbpf_probe_bpf_helper(BPF_PROG_TYPE_RAW_TRACEPOINT, BPF_FUNC_loop, NULL);
	if (getenv("TRACER_FORCE_COMPAT") && *getenv("TRACER_FORCE_COMPAT") &&
	    strcmp(getenv("TRACER_FORCE_COMPAT"), "0"))
		ret = 0;
	set(kf, F_BPF_LOOP, ret ? FEAT_YES : FEAT_NO,
	    ret ? "helper available" : "no bpf_loop: the _compat objects run");
}

static void probe_tracefs(struct kernel_features *kf, struct probe_priv *p, unsigned flags)
{
	static const char *const dirs[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
	char ev[128];
	int i;

	for (i = 0; i < 2; i++) {
		snprintf(ev, sizeof(ev), "%s/events", dirs[i]);
		if (!access(ev, R_OK | X_OK))
			break;
	}
	if (i == 2 && (flags & PROBE_MOUNT_TRACEFS) &&
	    !mount("nodev", dirs[0], "tracefs", 0, NULL))
		i = 0;
	if (i == 2) {
		set(kf, F_TRACEFS, geteuid() ? FEAT_UNKNOWN : FEAT_NO,
		    geteuid() ? "not mounted (not root)" : "not mounted");
		return;
	}
	snprintf(p->tracefs, sizeof(p->tracefs), "%s", dirs[i]);
	kf->tracefs = p->tracefs;
	set(kf, F_TRACEFS, FEAT_YES, p->tracefs);
}

int probe_kernel(struct kernel_features *kf, unsigned flags)
{
	struct probe_priv *p = calloc(1, sizeof(*p));
	int e;

	memset(kf, 0, sizeof(*kf));
	if (!p)
		return -1;
	kf->priv = p;
	kf->has_func = real_has_func;
	kf->has_btf_tp = real_has_btf_tp;
	kf->has_tp = real_has_tp;
	kf->tp_field = real_tp_field;
	kf->func_nargs = real_func_nargs;
	kf->func_btf_id = real_func_btf_id;
	p->btf = btf__load_vmlinux_btf();
	e = libbpf_get_error(p->btf);
	if (e) {
		p->btf = NULL;
		set(kf, F_BTF, FEAT_NO, "no /sys/kernel/btf/vmlinux");
	} else {
		set(kf, F_BTF, FEAT_YES, "/sys/kernel/btf/vmlinux");
		if (index_btf(p)) {
			probe_free(kf);
			return -1;
		}
	}
	set(kf, F_KPROBE_ATTACH, access("/sys/bus/event_source/devices/kprobe", F_OK) ?
		FEAT_NO : FEAT_YES, "kprobe PMU (CONFIG_KPROBES)");
	if (kf->f[F_KPROBE_ATTACH] == FEAT_NO)
		set(kf, F_KPROBE_ATTACH, FEAT_NO, "no kprobe PMU (CONFIG_KPROBES off)");
	set(kf, F_UPROBE, access("/sys/bus/event_source/devices/uprobe", F_OK) ?
		FEAT_NO : FEAT_YES, "uprobe PMU");
	if (!(flags & PROBE_NO_LOAD) && geteuid() == 0) {
		probe_loads(kf, p);
	} else {
		for (e = 0; e < F_COUNT; e++)
			if (!kf->f[e])
				set(kf, e, FEAT_UNKNOWN, "not probed (needs root)");
	}
	probe_tracefs(kf, p, flags);
	return 0;
}

void probe_free(struct kernel_features *kf)
{
	struct probe_priv *p = kf->fake ? NULL : kf->priv;

	if (!p)
		return;
	btf__free(p->btf);
	free(p->funcs);
	free(p->tps);
	free(p);
	kf->priv = NULL;
}

void probe_print(const struct kernel_features *kf, void *file)
{
	FILE *o = file;
	int i;

	for (i = 0; i < F_COUNT; i++)
		fprintf(o, "%-16s %-8s %s\n", feat_names[i], feat_state_name(kf->f[i]),
			kf->why[i]);
}
