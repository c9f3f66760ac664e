/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* cgroup.h - a task's cgroup paths, read from kernfs names in the kernel:
 * the v2 leaf ("/system.slice/docker-<id>.scope") and, on hybrid hosts,
 * the v1 memory hierarchy's ("/docker/<id>"). User space finds the
 * container id and pod uid in them. */
#ifndef TRACER_BPF_CGROUP_H
#define TRACER_BPF_CGROUP_H

#include "bpf/lib/common.h"

#define CGROUP_PATH_MAX 512 /* each of the two paths, NUL included */
#define CGROUP_MAX_DEPTH 16

/* kernfs_node.parent became __parent in 6.15 */
struct kernfs_node___old {
	struct kernfs_node *parent;
} __attribute__((preserve_access_index));

/* The loop's context on the stack; what changes is in map memory at
 * buf + WALK_STATE_OFF (see path.h for why). */
struct cg_state {
	struct kernfs_node *kn;
	int pos; /* start of the path in buf; it ends at PATH_MAX_LEN - 1 */
	int full;
};

struct cg_walk {
	char *buf; /* 2 * PATH_MAX_LEN */
	struct cg_state *st;
};

static __always_inline struct kernfs_node *kn_parent(struct kernfs_node *kn)
{
	if (bpf_core_field_exists(kn->__parent))
		return BPF_CORE_READ(kn, __parent);
	return BPF_CORE_READ((struct kernfs_node___old *)kn, parent);
}

/* One level up; bounded_loop callback. Returns 1 to stop. */
static long cg_step(__u32 i, void *ctx)
{
	struct cg_walk *w = ctx;
	struct cg_state *st = w->st;
	struct kernfs_node *kn = st->kn; /* a local: CO-RE relocates kernel types only */
	struct kernfs_node *up = kn_parent(kn);
	char *tmp = w->buf + PATH_MAX_LEN + 512; /* room past the prepend area */
	long n;
	int pos;

	if (!up) /* the hierarchy's root: its name is not part of the path */
		return 1;
	n = bpf_probe_read_kernel_str(tmp, 256, BPF_CORE_READ(kn, name));
	if (n <= 1) {
		st->kn = up;
		return 0;
	}
	n = (n - 1) & 0xff;
	pos = st->pos - (int)n - 1;
	if (pos < PATH_MAX_LEN - CGROUP_PATH_MAX) {
		st->full = 1;
		return 1;
	}
	bpf_probe_read_kernel(w->buf + ((pos + 1) & (PATH_MAX_LEN - 1)), n, tmp);
	w->buf[pos & (PATH_MAX_LEN - 1)] = '/';
	st->pos = pos;
	st->kn = up;
	return 0;
}

/* Writes the path of cgroup cg at dst (at most CGROUP_PATH_MAX bytes with
 * its NUL) using buf as scratch; returns the bytes written. */
static __always_inline __u32 cgroup_path(char *dst, char *buf, struct cgroup *cg)
{
	struct cg_state *st = (void *)(buf + WALK_STATE_OFF);
	struct cg_walk w = {.buf = buf, .st = st};
	__u32 len;
	int pos;

	st->kn = BPF_CORE_READ(cg, kn);
	st->pos = PATH_MAX_LEN - 1;
	st->full = 0;
	buf[PATH_MAX_LEN - 1] = 0;
	if (st->kn)
		bounded_loop(CGROUP_MAX_DEPTH, cg_step, &w);
	pos = st->pos;
	if (pos == PATH_MAX_LEN - 1) {
		pos--;
		buf[pos & (PATH_MAX_LEN - 1)] = '/';
	}
	len = (PATH_MAX_LEN - pos) & (CGROUP_PATH_MAX - 1);
	if (!len) /* exactly CGROUP_PATH_MAX: cut by one */
		len = CGROUP_PATH_MAX - 1;
	bpf_probe_read_kernel(dst, len, buf + (pos & (PATH_MAX_LEN - 1)));
	dst[(len - 1) & (CGROUP_PATH_MAX - 1)] = 0;
	return len;
}

/* The v2 path, then the v1 memory controller's path (the same on a pure
 * v2 host), each NUL-terminated. */
static __always_inline __u32 task_cgroups(char *dst, char *buf, struct task_struct *t)
{
	struct css_set *cs = BPF_CORE_READ(t, cgroups);
	int memcg = bpf_core_enum_value_exists(enum cgroup_subsys_id, memory_cgrp_id) ?
			    bpf_core_enum_value(enum cgroup_subsys_id, memory_cgrp_id) : 0;
	struct cgroup_subsys_state *css;
	__u32 n;

	n = cgroup_path(dst, buf, BPF_CORE_READ(cs, dfl_cgrp));
	bpf_probe_read_kernel(&css, sizeof(css), &cs->subsys[memcg & 15]);
	n &= CGROUP_PATH_MAX - 1;
	return n + cgroup_path(dst + n, buf, BPF_CORE_READ(css, cgroup));
}

#endif /* TRACER_BPF_CGROUP_H */
