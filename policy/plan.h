/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* plan.h - the checked model planned onto this kernel: per hook a mechanism and arg recipe. */
#ifndef TRACER_PLAN_H
#define TRACER_PLAN_H

#include <stdio.h>

#include "policy/ladder.h"
#include "policy/probe.h"
#include "policy/policy.h"

struct plan_arg {
	const struct pol_arg *arg;
	struct arg_recipe rc;
};

struct plan_hook {
	const struct pol_hook *h;
	struct ladder_req rq;
	struct ladder_result lr;
	bool skipped;		/* not found, ignore.callNotFound */
	bool monitor;		/* enforcement actions only reported */
	struct plan_arg args[POL_MAX_ARGS];
	int nargs;
	bool has_ret;
	struct arg_recipe ret;
};

struct plan {
	const struct policy_set *ps;
	const struct kernel_features *kf;
	bool monitor;
	unsigned rungs;
	struct plan_hook *hooks;
	int nhooks;
};

/* 0, or -1 with the first refusal in d ("file:line:col: why") or "out of
 * memory"; *out, when set, is freed by the caller either way. */
/* rungs: the enum rung bits --hooks allows (0: all). */
int plan_build(const struct policy_set *ps, const struct kernel_features *kf, bool monitor,
	       unsigned rungs, struct plan **out, struct diag *d);
void plan_free(struct plan *p);
/* --check text: per policy and hook the mechanism and why, expansions, selectors. */
int plan_print_check(FILE *out, const struct plan *p);
/* One line per hook for the start-up banner: "sys_execve: tracepoint syscalls:..." */
void plan_print_banner(FILE *out, const struct plan *p);

#endif /* TRACER_PLAN_H */
