/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* path.h - resolve a (dentry, vfsmount) to a path as the task sees it.
 *
 * Walks d_parent up to the task's root (fs->root), crossing mount points
 * through mount->mnt_parent, and fills the buffer backwards so the result
 * is a plain C string: a container process whose root is an overlay sees
 * "/etc/shadow", not the host path of the merged directory.
 */
#ifndef TRACER_BPF_PATH_H
#define TRACER_BPF_PATH_H

#include "bpf/lib/common.h"

#define PATH_MASK (PATH_MAX_LEN - 1)

/* What changes from one step to the next lives in map memory (the spare
 * half of buf), not on the stack: the verifier tracks no values there, so
 * every step, and every way out of the loop, looks the same to it. With
 * bpf_loop that is merely tidy; in the compat objects' unrolled-by-the-
 * verifier loop it is what keeps on_exec, with several walks in a row,
 * far below the verifier's limit. */
struct path_state {
	struct dentry *dentry;
	struct mount *mnt;
	int pos; /* start of the string in buf; ends at PATH_MAX_LEN - 1 */
	int done; /* 1: reached the root, 2: ran out of room */
};

/* The loop's context, on the stack: only what stays the same. */
struct path_walk {
	char *buf; /* 2 * PATH_MAX_LEN bytes */
	struct path_state *st; /* at buf + WALK_STATE_OFF */
	struct dentry *root_dentry;
	struct vfsmount *root_mnt;
};

static __always_inline struct mount *real_mount(struct vfsmount *m)
{
	return (struct mount *)((void *)m - bpf_core_field_offset(struct mount, mnt));
}

/* Prepends "/name"; returns 0, or -1 when the buffer is full. */
static __always_inline int prepend_name(struct path_walk *w, struct dentry *d)
{
	struct qstr q = BPF_CORE_READ(d, d_name);
	__u32 len = q.len & 0xff;
	int pos = w->st->pos - (int)len - 1;

	if (pos < 0)
		return -1;
	bpf_probe_read_kernel(w->buf + ((pos + 1) & PATH_MASK), len, q.name);
	w->buf[pos & PATH_MASK] = '/';
	w->st->pos = pos;
	return 0;
}

/* super_block.s_d_op became __s_d_op in 6.18 */
struct super_block___old {
	const struct dentry_operations *s_d_op;
} __attribute__((preserve_access_index));

struct super_block___new {
	const struct dentry_operations *__s_d_op;
} __attribute__((preserve_access_index));

/* Whether the filesystem names its pseudo files itself (pipes, sockets,
 * anon inodes: "pipe:[123]"); without, they get simple_dname. */
static __always_inline bool sb_names_dentries(struct super_block *sb)
{
	if (bpf_core_field_exists(((struct super_block___new *)sb)->__s_d_op))
		return BPF_CORE_READ((struct super_block___new *)sb, __s_d_op) != NULL;
	return BPF_CORE_READ((struct super_block___old *)sb, s_d_op) != NULL;
}

/* A pseudo file (memfd, SysV shm) is a dentry that is its own parent and
 * not its mount's root; the kernel names it with simple_dname, as
 * /proc/PID/exe shows: "/memfd:NAME (deleted)". Returns 1 when d is one
 * and was named (its path is complete), 0 to walk on as before. */
static __always_inline int prepend_pseudo(struct path_walk *w, struct dentry *d, __u32 step)
{
	int pos = w->st->pos - 10;

	if (step || !BPF_CORE_READ(d, d_name.len) || sb_names_dentries(BPF_CORE_READ(d, d_sb)))
		return 0;
	__builtin_memcpy(w->buf + (pos & PATH_MASK), " (deleted)", 10);
	w->st->pos = pos;
	if (prepend_name(w, d))
		w->st->pos = PATH_MAX_LEN - 1; /* cannot happen: a name is < 256 */
	return 1;
}

/* One step up the tree; bounded_loop callback. Returns 1 to stop. */
static long path_step(__u32 i, void *ctx)
{
	struct path_walk *w = ctx;
	struct path_state *st = w->st;
	struct dentry *d = st->dentry;
	struct mount *m = st->mnt;
	struct vfsmount *vm = (void *)m + bpf_core_field_offset(struct mount, mnt);
	struct dentry *parent = BPF_CORE_READ(d, d_parent);

	if (d == w->root_dentry && vm == w->root_mnt) {
		st->done = 1;
		return 1;
	}
	if (d == BPF_CORE_READ(vm, mnt_root) || d == parent) {
		struct mount *up = BPF_CORE_READ(m, mnt_parent);

		if (d == parent && d != BPF_CORE_READ(vm, mnt_root) && prepend_pseudo(w, d, i)) {
			st->done = 1;
			return 1;
		}

		if (up == m || !up) { /* the namespace's root: outside ours */
			st->done = 1;
			return 1;
		}
		st->dentry = BPF_CORE_READ(m, mnt_mountpoint);
		st->mnt = up;
		return 0;
	}
	if (prepend_name(w, d)) {
		st->done = 2;
		return 1;
	}
	st->dentry = parent;
	return 0;
}

/* Walks from (d, m) up to the root, filling buf backwards; the result is
 * in buf's path_state. */
static __always_inline void path_walk(char *buf, __u64 d, __u64 m, __u64 root_d, __u64 root_m)
{
	struct path_state *st = (void *)(buf + WALK_STATE_OFF);
	struct path_walk w = {
		.buf = buf,
		.st = st,
		.root_dentry = (void *)root_d,
		.root_mnt = (void *)root_m,
	};

	st->dentry = (void *)d;
	st->mnt = (void *)m;
	st->pos = PATH_MAX_LEN - 1;
	st->done = 0;
	buf[PATH_MAX_LEN - 1] = 0;
	bounded_loop(PATH_MAX_DEPTH, path_step, &w);
}

#ifdef TRACER_COMPAT
/* In the compat objects the walk is a global function: the verifier
 * checks it once, on its own, and each call returns one unknown scalar.
 * Inlined, the verifier walks the bounded loop at every call site, and
 * the exits it finds multiply the states of all that follows (a hook
 * with several path arguments went past the 1M instruction limit).
 * Before 5.12 a global function takes scalars only, so it works in its
 * own per-CPU buffer (walk_buf, common.h), copied out by path_resolve. */

/* Returns the string's offset in the buffer | done << 16. */
__noinline int path_walk_global(__u64 d, __u64 m, __u64 root_d, __u64 root_m)
{
	__u32 zero = 0;
	struct walk_buf *b = bpf_map_lookup_elem(&walk_buf, &zero);
	struct path_state *st;

	if (!b)
		return PATH_MAX_LEN - 1;
	path_walk(b->buf, d, m, root_d, root_m);
	st = (void *)(b->buf + WALK_STATE_OFF);
	return (st->pos & PATH_MASK) | (st->done & 3) << 16;
}

/* The global walk, its string copied to buf at the same offset. */
static __always_inline int path_walk_compat(char *buf, __u64 d, __u64 m, __u64 root_d,
					    __u64 root_m, int *done)
{
	int r = path_walk_global(d, m, root_d, root_m);
	int pos = r & PATH_MASK;
	__u32 zero = 0;
	struct walk_buf *b = bpf_map_lookup_elem(&walk_buf, &zero);

	*done = (r >> 16) & 3;
	if (!b) {
		buf[PATH_MAX_LEN - 1] = 0;
		return PATH_MAX_LEN - 1;
	}
	bpf_probe_read_kernel(buf + pos, PATH_MAX_LEN - pos, b->buf + pos);
	return pos;
}
#endif

/* Resolves path p (kernel pointer) relative to root. Returns the offset of
 * the string in buf (NUL at PATH_MAX_LEN - 1); *trunc set when cut. */
static __always_inline int path_resolve(char *buf, const struct path *p,
					const struct path *root, int *trunc)
{
	__u64 d = (__u64)BPF_CORE_READ(p, dentry);
	__u64 m = (__u64)real_mount(BPF_CORE_READ(p, mnt));
	__u64 root_d = (__u64)BPF_CORE_READ(root, dentry);
	__u64 root_m = (__u64)BPF_CORE_READ(root, mnt);
	int pos, done;

#ifdef TRACER_COMPAT
	pos = path_walk_compat(buf, d, m, root_d, root_m, &done);
#else
	struct path_state *st = (void *)(buf + WALK_STATE_OFF);

	path_walk(buf, d, m, root_d, root_m);
	pos = st->pos;
	done = st->done;
#endif
	*trunc = done != 1;
	if (pos == PATH_MAX_LEN - 1) { /* the root itself */
		pos--;
		buf[pos & PATH_MASK] = '/';
	}
	return pos & PATH_MASK;
}

/* Copies the resolved string to dst; returns its length with the NUL. */
static __always_inline __u32 path_copy(char *dst, const char *buf, int pos)
{
	__u32 len = (PATH_MAX_LEN - pos) & PATH_MASK;

	bpf_probe_read_kernel(dst, len, buf + (pos & PATH_MASK));
	return len;
}

#endif /* TRACER_BPF_PATH_H */
