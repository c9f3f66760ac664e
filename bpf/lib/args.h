/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* args.h - read a hook's arguments by recipe and append them to the record.
 *
 * Each argument becomes struct arg_hdr + data (padded to 8) in heap->rec;
 * its integer value, data offset and length are kept for the selectors.
 * Offsets are masked so the verifier can bound every write.
 */
#ifndef TRACER_BPF_ARGS_H
#define TRACER_BPF_ARGS_H

#include "bpf/lib/hook.h"
#include "bpf/lib/path.h"
#include "bpf/lib/sock.h"

#define S_IFMT 00170000
#define S_IFSOCK 0140000

static __always_inline char *arg_data(struct hook_heap *h)
{
	return h->rec + ((h->off + sizeof(struct arg_hdr)) & HOOK_REC_MASK);
}

/* Closes the argument being written: header, then advance past data. */
static __always_inline void arg_close(struct hook_heap *h, int i, __u8 kind, __u8 flags, __u32 len)
{
	struct arg_hdr *ah = (void *)(h->rec + (h->off & HOOK_REC_MASK));

	len &= ARG_STR_MAX * 2 - 1;
	ah->kind = kind;
	ah->flags = flags;
	ah->len = len;
	ah->mode = h->mode;
	ah->pad = 0;
	h->soff[i & 7] = h->off + sizeof(*ah);
	h->slen[i & 7] = len;
	h->aflags[i & 7] = flags;
	h->off = (h->off + sizeof(*ah) + ((len + 7) & ~7u)) & HOOK_REC_MASK;
}

/* The struct file behind an fd of the current task, or NULL. */
static __always_inline struct file *fd_file(long fd)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	struct fdtable *fdt = BPF_CORE_READ(t, files, fdt);
	struct file **fds = BPF_CORE_READ(fdt, fd);
	struct file *f = NULL;

	if (fd < 0 || fd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
	bpf_probe_read_kernel(&f, sizeof(f), &fds[fd & 0xfffff]);
	return f;
}

/* Writes a resolved path (no NUL kept in len) at the arg's data. */
static __always_inline __u32 put_path(struct hook_heap *h, const struct path *p, __u8 *flags)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	struct fs_struct *fs = BPF_CORE_READ(t, fs);
	int trunc = 0, pos;
	__u32 n;

	if (!p || !fs) {
		*flags |= ARG_F_FAILED;
		return 0;
	}
	h->mode = BPF_CORE_READ(p, dentry, d_inode, i_mode); /* Tetragon's permission */
	pos = path_resolve(h->path, p, &fs->root, &trunc);
	n = path_copy(arg_data(h), h->path, pos);
	if (trunc)
		*flags |= ARG_F_TRUNC;
	return n ? n - 1 : 0;
}

/* A dentry's path inside its own file system (no mount to cross). */
static __always_inline __u32 put_dentry(struct hook_heap *h, struct dentry *d, __u8 *flags)
{
	struct path p = {};

	p.dentry = d;
	return put_path(h, &p, flags);
}

static __always_inline __u32 put_file(struct hook_heap *h, struct file *f, __u8 *flags)
{
	if (!f) {
		*flags |= ARG_F_FAILED;
		return 0;
	}
	return put_path(h, &f->f_path, flags);
}

/* The tuple, then the socket's cookie (struct sock_arg). */
static __always_inline __u32 put_sock(struct hook_heap *h, struct sock *sk)
{
	char *d = arg_data(h);

	sock_read(sk, &h->si);
	if (sk == h->tp_ptr && h->tp_state) /* the state it is moving into */
		h->si.state = h->tp_state;
	bpf_probe_read_kernel(d, sizeof(h->si), &h->si);
	*(__u64 *)(d + offsetof(struct sock_arg, cookie)) = sock_cookie(sk);
	return sizeof(struct sock_arg);
}

/* A packet's addresses, protocol and ports, from its IP header and (TCP,
 * UDP) the first four bytes of its transport header. */
static __always_inline __u32 put_skb(struct hook_heap *h, struct sk_buff *skb)
{
	unsigned char *head = BPF_CORE_READ(skb, head);
	__u16 nh = BPF_CORE_READ(skb, network_header), th = BPF_CORE_READ(skb, transport_header);
	struct sock_info *si = &h->si;
	__u16 ports[2] = {};
	__u8 ver = 0;

	__builtin_memset(si, 0, sizeof(*si));
	bpf_probe_read_kernel(&ver, 1, head + nh);
	if (ver >> 4 == 4) {
		struct iphdr ip = {};

		bpf_probe_read_kernel(&ip, sizeof(ip), head + nh);
		si->family = AF_INET;
		si->protocol = ip.protocol;
		__builtin_memcpy(si->saddr, &ip.saddr, 4);
		__builtin_memcpy(si->daddr, &ip.daddr, 4);
	} else if (ver >> 4 == 6) {
		struct ipv6hdr ip6 = {};

		bpf_probe_read_kernel(&ip6, sizeof(ip6), head + nh);
		si->family = AF_INET6;
		si->protocol = ip6.nexthdr;
		__builtin_memcpy(si->saddr, &ip6.saddr, 16);
		__builtin_memcpy(si->daddr, &ip6.daddr, 16);
	}
	if ((si->protocol == 6 || si->protocol == 17) && th != 0xffff &&
	    !bpf_probe_read_kernel(ports, sizeof(ports), head + th)) {
		si->sport = __builtin_bswap16(ports[0]);
		si->dport = __builtin_bswap16(ports[1]);
	}
	bpf_probe_read_kernel(arg_data(h), sizeof(*si), si);
	return sizeof(*si);
}

/* An fd: a socket shows its tuple, anything else its path. */
static __always_inline __u32 put_fd(struct hook_heap *h, long fd, __u8 *flags)
{
	struct file *f = fd_file(fd);
	umode_t mode = BPF_CORE_READ(f, f_inode, i_mode);

	if (f && (mode & S_IFMT) == S_IFSOCK) {
		struct socket *so = BPF_CORE_READ(f, private_data);

		*flags |= ARG_F_SOCK;
		return put_sock(h, BPF_CORE_READ(so, sk));
	}
	return put_file(h, f, flags);
}

static __always_inline __u32 str_result(long r, __u32 max, __u8 *flags)
{
	if (r <= 0) {
		*flags |= ARG_F_FAILED;
		return 0;
	}
	if ((__u32)r >= max)
		*flags |= ARG_F_TRUNC;
	return r - 1;
}

/* A user path string; relative ones get the task's cwd in front, so a
 * failed open still reports an absolute path. */
static __always_inline __u32 put_user_path(struct hook_heap *h, const char *up, __u8 *flags)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	struct fs_struct *fs = BPF_CORE_READ(t, fs);
	char *d = arg_data(h);
	__u32 n = 0, room;
	char c = 0;
	int trunc = 0, pos;
	long r;

	bpf_probe_read_user(&c, 1, up);
	if (c != '/' && fs) {
		pos = path_resolve(h->path, &fs->pwd, &fs->root, &trunc);
		n = path_copy(d, h->path, pos) - 1; /* without its NUL */
		if (n == 1) /* cwd is "/" */
			n = 0;
		barrier_var(n);
		n &= PATH_MAX_LEN - 1;
		d[n] = '/';
		n = (n + 1) & (PATH_MAX_LEN - 1);
	}
	room = ARG_STR_MAX - n; /* the whole arg stays within ARG_STR_MAX */
	if (room > ARG_STR_MAX || room < 2)
		room = 2;
	r = bpf_probe_read_user_str(d + n, room, up);
	return n + str_result(r, room, flags);
}

static __always_inline __u32 put_cred(struct hook_heap *h, const struct cred *cr)
{
	struct event_creds c = {};

	c.uid = BPF_CORE_READ(cr, uid.val);
	c.euid = BPF_CORE_READ(cr, euid.val);
	c.suid = BPF_CORE_READ(cr, suid.val);
	c.fsuid = BPF_CORE_READ(cr, fsuid.val);
	c.gid = BPF_CORE_READ(cr, gid.val);
	c.egid = BPF_CORE_READ(cr, egid.val);
	c.sgid = BPF_CORE_READ(cr, sgid.val);
	c.fsgid = BPF_CORE_READ(cr, fsgid.val);
	bpf_probe_read_kernel(&c.cap_permitted, 8, &cr->cap_permitted);
	bpf_probe_read_kernel(&c.cap_effective, 8, &cr->cap_effective);
	bpf_probe_read_kernel(&c.cap_inheritable, 8, &cr->cap_inheritable);
	bpf_probe_read_kernel(arg_data(h), sizeof(c), &c);
	return sizeof(c);
}

/* A failed open has no file: report the name as passed, made absolute,
 * from the argument where this syscall keeps it. */
static __always_inline __u32 put_failed_open(struct hook_heap *h, __u8 *flags)
{
	__u8 idx = 0xff;
	int j;

#pragma unroll
	for (j = 0; j < HOOK_MAX_SYSCALLS; j++)
		if (cfg.sc_nr[j] == h->nr && cfg.sc_fname[j] < 6)
			idx = cfg.sc_fname[j];
	if (idx == 0xff) {
		*flags |= ARG_F_FAILED;
		return 0;
	}
	return put_user_path(h, (void *)h->raw[idx & 7], flags);
}

/* The raw value an argument starts from. */
static __always_inline __u64 arg_raw(struct hook_heap *h, __u8 src, __u8 index)
{
	switch (src) {
	case KSRC_RETVAL:
	case KSRC_RET_FD:
		return h->ret;
	case KSRC_TP_SOCK:
		return (__u64)h->tp_ptr;
	case KSRC_STDIO:
		return index & 3;
	default:
		return h->raw[index & 7];
	}
}

/* An integer argument as wide as its type: a 32-bit int in a 64-bit
 * register or trampoline slot may carry garbage above bit 31. */
static __always_inline __s64 int_value(__u64 v, __u8 kind, __u8 size)
{
	if (size == 4)
		return kind == AK_UINT ? (__s64)(__u32)v : (__s64)(__s32)v;
	if (size == 2)
		return kind == AK_UINT ? (__s64)(__u16)v : (__s64)(__s16)v;
	if (size == 1)
		return kind == AK_UINT ? (__s64)(__u8)v : (__s64)(__s8)v;
	return v;
}

/* A length-bounded copy of bytes; the length from another argument. */
static __always_inline __u32 put_buf(struct hook_heap *h, int i, __u64 v, bool user, __u8 *flags)
{
	__u32 max = h->raw[cfg.args[i].size_index & 7];
	long r;

	if (max > cfg.args[i].max_len)
		max = cfg.args[i].max_len, *flags |= ARG_F_TRUNC;
	if (max > ARG_STR_MAX)
		max = ARG_STR_MAX, *flags |= ARG_F_TRUNC;
	barrier_var(max);
	max &= ARG_STR_MAX * 2 - 1;
	r = user ? bpf_probe_read_user(arg_data(h), max, (void *)v) :
		   bpf_probe_read_kernel(arg_data(h), max, (void *)v);
	if (r)
		*flags |= ARG_F_FAILED, max = 0;
	return max;
}

/* A sockaddr_un's path, as a string the string operators match; an
 * abstract name (a NUL, then the name) as "@name", up to its first NUL. */
static __always_inline __u32 put_sun_path(struct hook_heap *h, const char *sa, bool user,
					  __u8 *flags)
{
	char *d = arg_data(h);
	long r;

	*flags |= ARG_F_UNIX;
	r = user ? bpf_probe_read_user_str(d, SUN_PATH_LEN, sa + 2) :
		   bpf_probe_read_kernel_str(d, SUN_PATH_LEN, sa + 2);
	/* empty: 1, or 0 where the copy leaves out an empty string's NUL (5.10) */
	if (r == 1 || r == 0) {
		r = user ? bpf_probe_read_user_str(d + 1, SUN_PATH_LEN - 1, sa + 3) :
			   bpf_probe_read_kernel_str(d + 1, SUN_PATH_LEN - 1, sa + 3);
		d[0] = '@';
		r = r > 1 ? r + 1 : 0;
	}
	return str_result(r, SUN_PATH_LEN, flags);
}

/* A kernel object argument (file, path, socket, cred...): its record
 * into the heap, its length; *kind becomes the kind recorded. */
static __always_inline __u32 read_object(struct hook_heap *h, __u8 *kind, __u8 src, __u64 v,
					 __u8 *flags)
{
	switch (*kind) {
	case AK_FILE:
		if (src == KSRC_RET_FD && (long)v < 0) /* failed open: the name */
			return put_failed_open(h, flags);
		if (src == KSRC_RET_FD)
			return put_file(h, fd_file(v), flags);
		return put_file(h, (struct file *)v, flags);
	case AK_PATH:
		return put_path(h, (struct path *)v, flags);
	case AK_BINPRM:
		return put_file(h, BPF_CORE_READ((struct linux_binprm *)v, file), flags);
	case AK_FD:
		return put_fd(h, v, flags);
	case AK_SOCK:
		return put_sock(h, (struct sock *)v);
	case AK_SKB:
		*kind = AK_SOCK;
		return put_skb(h, (struct sk_buff *)v);
	case AK_DENTRY:
		*kind = AK_PATH;
		return put_dentry(h, (struct dentry *)v, flags);
	case AK_SOCKET:
		*kind = AK_SOCK;
		return put_sock(h, BPF_CORE_READ((struct socket *)v, sk));
	case AK_SOCKADDR_USER:
	case AK_SOCKADDR:
		sockaddr_read((void *)v, &h->si, *kind == AK_SOCKADDR_USER);
		if (h->si.family == AF_UNIX) { /* its path, for the string operators */
			__u32 len = put_sun_path(h, (const char *)v, *kind == AK_SOCKADDR_USER, flags);

			*kind = AK_SOCKADDR_USER;
			return len;
		}
		bpf_probe_read_kernel(arg_data(h), sizeof(h->si), &h->si);
		*kind = AK_SOCKADDR_USER;
		return sizeof(h->si);
	case AK_CRED:
		return put_cred(h, (struct cred *)v);
	}
	return 0;
}

/* Reads argument i per its recipe; rodata makes the switches constant. */
static __noinline void read_arg(struct hook_heap *h, int i)
{
	__u8 kind = cfg.args[i].kind, src = cfg.args[i].src, flags = 0;
	__u64 v = arg_raw(h, src, cfg.args[i].index);
	__u32 len;
	long r;

	h->mode = 0;
	if (kind == AK_INT || kind == AK_UINT)
		v = int_value(v, kind, cfg.args[i].int_size);
	h->ival[i & 7] = v;
	switch (kind) {
	case AK_INT:
	case AK_UINT:
	case AK_CAP:
		*(__u64 *)arg_data(h) = v;
		len = 8;
		break;
	case AK_STR_USER:
	case AK_STR_KERNEL:
		r = kind == AK_STR_USER ?
			    bpf_probe_read_user_str(arg_data(h), ARG_STR_MAX, (void *)v) :
			    bpf_probe_read_kernel_str(arg_data(h), ARG_STR_MAX, (void *)v);
		len = str_result(r, ARG_STR_MAX, &flags);
		break;
	case AK_PATH_USER:
		len = put_user_path(h, (void *)v, &flags);
		break;
	case AK_BUF_USER:
	case AK_BUF_KERNEL:
		len = put_buf(h, i, v, kind == AK_BUF_USER, &flags);
		kind = AK_BUF_USER;
		break;
	default:
		len = read_object(h, &kind, src, v, &flags);
		break;
	}
	arg_close(h, i, kind, flags, len);
}

#endif /* TRACER_BPF_ARGS_H */
