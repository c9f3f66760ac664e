/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* hooks.h - load and attach the generic.bpf.c programs of every compiled
 * hook instance. */
#ifndef TRACER_BPF_HOOKS_H
#define TRACER_BPF_HOOKS_H

#include <stddef.h>
#include <stdint.h>

#include "bpf/events.h"

struct compiled;
struct loader;
struct generic_bpf;
struct bpf_link;

struct hook_set {
	struct generic_bpf **objs; /* while loading: the template */
	int nobjs;
	struct bpf_link **links; /* instances loaded as objects of their own */
	int nlinks;
	int *fds; /* the copies: programs, rodata maps, perf events, links */
	int nfds;
	int nloads; /* programs verified (not the template's stand-ins) */
	int nattach; /* attachments */
};

/* Loads every instance of c sharing the process object's ring buffer,
 * drop counters and proc_bins; fills the value sets and host namespaces;
 * attaches. On failure, a one-line reason in err and a negative errno. */
int hooks_start(struct hook_set *hs, struct loader *l, const struct compiled *c,
		const uint32_t host_ns[NS_COUNT], char *err, size_t errlen);
void hooks_stop(struct hook_set *hs);

#endif /* TRACER_BPF_HOOKS_H */
