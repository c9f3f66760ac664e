/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* hooks.h - load and attach the generic.bpf.c programs of every compiled
 * hook instance. */
#ifndef TRACER_BPF_HOOKS_H
#define TRACER_BPF_HOOKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpf/events.h"
#include "bpf/load/clone.h"

/* The program mechanisms of generic.bpf.c the loader attaches. */
enum mech {
	MECH_NONE, MECH_FENTRY, MECH_FEXIT, MECH_FMOD_RET, MECH_KPROBE, MECH_KRETPROBE,
	MECH_LSM, MECH_TP_BTF, MECH_RAW_TP, MECH_TRACEPOINT, MECH_UPROBE, MECH_URETPROBE,
	MECH_COUNT,
};
const char *mech_name(enum mech m);

/* One instance of generic.bpf.c: the program of the chosen mechanism,
 * maybe an exit twin, its read-only config and typed attach targets. */
struct compiled_hook {
	struct hook_cfg cfg;
	enum mech mech; /* the entry (or only) program */
	enum mech exit_mech; /* MECH_NONE, MECH_KRETPROBE, MECH_URETPROBE, MECH_TRACEPOINT */
	char attach[128]; /* function, LSM hook, BTF tracepoint or uprobe symbol */
	uint32_t btf_id; /* trampolines and LSM: attach's id in vmlinux BTF; 0: unknown */
	char path[256]; /* uprobe binary */
	int nsc; /* syscall tracepoints: syscalls:sys_{enter,exit}_<sc[i]> */
	char sc[HOOK_MAX_SYSCALLS][32];
	bool on_enter, on_exit; /* which of the two each syscall attaches */
};

/* A key of the shared value-set maps (strings, prefixes, CIDRs, binaries). */
enum set_map { SET_STR, SET_PREFIX, SET_POSTFIX, SET_CIDR, SET_BIN };

struct set_entry {
	enum set_map map;
	union {
		struct str_key str;
		struct lpm_str_key lpm;
		struct lpm_addr_key addr;
		struct bin_key bin;
	} key;
};

/* What the loader needs of a compiled policy set (policy/compile.c). */
struct hook_load {
	struct compiled_hook *hooks; /* instances */
	int nhooks;
	struct set_entry *sets;
	int nsets, capsets;
	bool track_bins; /* some selector matches binaries */
	bool syscall_hooks; /* some instance sits on a syscall tracepoint */
};

struct loader;
struct generic_bpf;
struct bpf_link;

struct tmpl;

struct hook_set {
	struct generic_bpf **objs; /* while loading: the template */
	int nobjs;
	struct tmpl *tmpl; /* between hooks_load and hooks_attach */
	struct bpf_link **links; /* instances loaded as objects of their own */
	int nlinks;
	int *fds; /* the copies: programs, rodata maps, perf events, links */
	int nfds;
	int nloads; /* programs verified (not the template's stand-ins) */
	struct prune_stat prune; /* of the copies' loads (clone.h) */
	int nattach; /* attachments */
};

/* Loads every instance of c that copies the template's programs, sharing
 * the process object's ring buffer, drop counters and proc_bins (which
 * loader_open created): on the caller's thread while the process object
 * loads on another. On failure, a one-line reason in err and a negative
 * errno; hooks_stop frees what was loaded. */
int hooks_load(struct hook_set *hs, struct loader *l, const struct hook_load *c, char *err,
	       size_t errlen);
/* Once the process hooks run and the start-up scan is done: fills the
 * value sets and host namespaces, loads the instances that need objects
 * of their own (kprobes, uprobes, module functions) and attaches all.
 * Errors as hooks_load. */
int hooks_attach(struct hook_set *hs, struct loader *l, const struct hook_load *c,
		 const uint32_t host_ns[NS_COUNT], char *err, size_t errlen);
/* Frees what only loading needed (the template); hooks_attach does it. */
void hooks_drop_template(struct hook_set *hs);
void hooks_stop(struct hook_set *hs);

#endif /* TRACER_BPF_HOOKS_H */
