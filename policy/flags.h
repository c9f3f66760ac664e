/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* flags.h - policy command-line flags (an argp child) and loading files + flags into one model. */
#ifndef TRACER_FLAGS_H
#define TRACER_FLAGS_H

#include <argp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "policy/policy.h"

#define POLICY_OPTS_MAX 32

struct policy_opts {
	const char *paths[POLICY_OPTS_MAX];	/* -p FILE|DIR, in order */
	int npaths;
	const char *presets[POLICY_OPTS_MAX];	/* -P NAME (policy/library/) */
	int npresets;
	bool list_presets;
	unsigned events;			/* EVF_* from -e */
	uint32_t pids[POLICY_OPTS_MAX];
	int npids;
	const char *binaries[POLICY_OPTS_MAX];
	int nbinaries;
	const char *prefixes[POLICY_OPTS_MAX];
	int nprefixes;
	const char *daddrs[POLICY_OPTS_MAX];
	int ndaddrs;
	const char *dports[POLICY_OPTS_MAX];
	int ndports;
	bool host, container;
	bool monitor, check, print_policy;
	unsigned rungs;				/* --hooks: enum rung bits; 0: all */
	char error[256];			/* a flag error found while parsing */
};

enum {
	EVF_EXEC = 1 << 0,	/* built-in process events */
	EVF_EXIT = 1 << 1,
	EVF_CONNECT = 1 << 2,	/* kprobe tcp_connect (sock) */
	EVF_OPEN = 1 << 3,	/* kprobe security_file_open (file) */
	EVF_DUP = 1 << 4,	/* kprobes sys_dup2, sys_dup3 */
	EVF_MOUNT = 1 << 5,	/* kprobe security_sb_mount */
};

/* Child parser: struct argp_child { &policy_argp, 0, "Policy:", 0 } with the
 * parent setting state->child_inputs[i] = &opts in ARGP_KEY_INIT. */
extern const struct argp policy_argp;

/* Files then flags into one checked model: 0, or -1 with the error in d
 * (the first one: "file:line:col: why", "out of memory"...). */
int policy_opts_finish(struct policy_opts *o, struct policy_set **out, struct diag *d);
struct kernel_features;
/* What --check does with a finished set on kernel kf: plan, compile, print the
 * plan to out. 0, or -1 with the refusal in d (nothing printed). The policy
 * goldens (tests/unit/test_policy_golden.c) run exactly this. */
int policy_check_set(const struct policy_set *ps, const struct kernel_features *kf, bool monitor,
		     unsigned rungs, FILE *out, struct diag *d);
/* What --check / --print-policy came to; the caller picks the exit status. */
enum check_status {
	CHECK_REFUSED = -1,	/* not loaded, planned or compiled: the error in d */
	CHECK_OK = 0,
	CHECK_WRITE = 1,	/* the report could not be fully written to out */
};
/* --check / --print-policy end to end: finish, probe, plan, print the report
 * (or the policy as YAML) to out; an enum check_status. */
int policy_check_main(struct policy_opts *o, FILE *out, struct diag *d);
/* --list-presets: one line per bundled policy, name and purpose. */
void policy_list_presets(FILE *out);

#endif /* TRACER_FLAGS_H */
