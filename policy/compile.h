/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* compile.h - a plan compiled for the kernel: per program instance its
 * read-only config (struct hook_cfg), attach targets and value sets. */
#ifndef TRACER_POLICY_COMPILE_H
#define TRACER_POLICY_COMPILE_H

#include "bpf/events.h"
#include "output/event.h"
#include "policy/plan.h"

/* One instance of generic.bpf.c: the program of the chosen mechanism,
 * maybe an exit twin, and typed attach targets. */
struct compiled_hook {
	struct hook_cfg cfg;
	enum mech mech; /* the entry (or only) program */
	enum mech exit_mech; /* MECH_NONE, MECH_KRETPROBE, MECH_URETPROBE, MECH_TRACEPOINT */
	char attach[128]; /* function, LSM hook, BTF tracepoint or uprobe symbol */
	char path[256]; /* uprobe binary */
	int nsc; /* syscall tracepoints: syscalls:sys_{enter,exit}_<sc[i]> */
	char sc[HOOK_MAX_SYSCALLS][32];
	bool on_enter, on_exit; /* which of the two each syscall attaches */
	int info; /* index of its printing info in compiled.infos */
	const struct plan_hook *ph;
};

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

struct compiled {
	struct compiled_hook *hooks; /* instances */
	int nhooks;
	struct tr_hook_info *infos; /* one per policy hook; cfg.hook_id indexes */
	int ninfos;
	struct set_entry *sets;
	int nsets, capsets;
	uint32_t next_set;
	char **strs; /* strings the infos point to */
	int nstrs;
	bool track_bins; /* some selector matches binaries */
	bool syscall_hooks; /* some instance sits on a syscall tracepoint */
	bool track_relay; /* a policy asks for relay reverse shells */
	uint32_t relay_info; /* then: the info its records name; + 1: bind shells */
	const char **relay_bins; /* the shells' basenames (in strs) */
	int nrelay_bins;
};

/* 0, or -1 with the reason in d (file:line:col of the offending node). */
int compile_plan(const struct plan *p, struct compiled **out, struct diag *d);
void compiled_free(struct compiled *c);

#endif /* TRACER_POLICY_COMPILE_H */
