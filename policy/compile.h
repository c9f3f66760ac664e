/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* compile.h - a plan compiled for the kernel: per program instance its
 * read-only config (struct hook_cfg), attach targets and value sets. */
#ifndef TRACER_POLICY_COMPILE_H
#define TRACER_POLICY_COMPILE_H

#include "bpf/events.h"
#include "bpf/load/hooks.h"
#include "output/events/event.h"
#include "policy/plan.h"

struct compiled {
	struct hook_load load; /* what bpf/load/hooks.c loads and attaches */
	struct tr_hook_info *infos; /* one per policy hook; cfg.hook_id indexes */
	int ninfos;
	uint32_t next_set;
	char **strs; /* strings the infos point to */
	int nstrs;
	bool track_relay; /* a policy asks for relay reverse shells */
	uint32_t relay_info; /* then: the info its records name; + 1: bind shells */
	const char **relay_bins; /* the shells' basenames (in strs) */
	int nrelay_bins;
};

/* 0, or -1 with the reason in d (file:line:col of the offending node). */
int compile_plan(const struct plan *p, struct compiled **out, struct diag *d);
void compiled_free(struct compiled *c);

#endif /* TRACER_POLICY_COMPILE_H */
