/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* probe.h - what the running kernel offers: BTF, loadable program types, attachable hooks. */
#ifndef TRACER_PROBE_H
#define TRACER_PROBE_H

#include <stdbool.h>
#include <stddef.h>

enum feat_state { FEAT_UNKNOWN = 0, FEAT_NO, FEAT_YES };

enum feat {
	F_BTF,		/* /sys/kernel/btf/vmlinux parses */
	F_KPROBE_LOAD,	/* BPF_PROG_TYPE_KPROBE loads */
	F_KPROBE_ATTACH,/* the kprobe PMU exists (CONFIG_KPROBES) */
	F_OVERRIDE,	/* bpf_override_return (CONFIG_BPF_KPROBE_OVERRIDE) */
	F_FENTRY,	/* tracing fentry loads (attach_btf_id) */
	F_FEXIT,
	F_LSM,		/* BPF LSM loads and "bpf" is an active LSM */
	F_TP_BTF,	/* tracing raw_tp (BTF-typed tracepoint) loads */
	F_RAW_TP,
	F_TRACEPOINT,	/* classic tracepoint programs load */
	F_TRACEFS,	/* tracefs readable (classic tracepoint ids/formats) */
	F_UPROBE,	/* the uprobe PMU exists */
	F_FMOD_RET,	/* fmod_ret (BPF_MODIFY_RETURN) loads on a security_ function */
	F_TASK_PT_REGS,	/* bpf_task_pt_regs (5.15): syscall args read at sys_exit */
	F_BPF_LOOP,	/* bpf_loop (5.17); without it the loader runs the _compat objects */
	F_COUNT,
};

struct kernel_features {
	enum feat_state f[F_COUNT];
	char why[F_COUNT][64];		/* short reason for NO/UNKNOWN */
	const char *tracefs;		/* mount point in use, or NULL */
	bool fake;			/* tests: answers come from the hooks below */
	/* Lookups (a fake struct may point them at tables). */
	bool (*has_func)(const struct kernel_features *kf, const char *name);
	bool (*has_btf_tp)(const struct kernel_features *kf, const char *event);
	/* classic tracepoint: 1 exists, 0 not, -1 unknown (tracefs not readable) */
	int (*has_tp)(const struct kernel_features *kf, const char *subsys, const char *event);
	/* BTF struct trace_event_raw_<event> member name at format field index */
	bool (*tp_field)(const struct kernel_features *kf, const char *event, unsigned idx,
			 char *name, size_t n);
	/* BTF prototype of a kernel function: its parameter count, or -1 when
	 * unknown; *ret_int tells an int (or long) return from void/pointer. */
	int (*func_nargs)(const struct kernel_features *kf, const char *name, bool *ret_int);
	/* Its id in vmlinux BTF (what a trampoline or LSM program attaches
	 * to), or -1; NULL in a fake: the loader then looks it up itself. */
	int (*func_btf_id)(const struct kernel_features *kf, const char *name);
	void *priv;
};

/* Probe once; flags below. What cannot be known stays UNKNOWN: 0, or -1
 * only when out of memory (nothing to free then). */
#define PROBE_NO_LOAD		0x1	/* skip program loads (no root wanted) */
#define PROBE_MOUNT_TRACEFS	0x2	/* mount tracefs at /sys/kernel/tracing if absent */
int probe_kernel(struct kernel_features *kf, unsigned flags);
void probe_free(struct kernel_features *kf);

const char *feat_name(enum feat f);
const char *feat_state_name(enum feat_state s);
/* Print every feature as "name: yes|no|unknown (why)" lines. */
void probe_print(const struct kernel_features *kf, void *file);

#endif /* TRACER_PROBE_H */
