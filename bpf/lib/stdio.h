/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* stdio.h - what fds 0, 1 and 2 of a task are: file, pipe, FIFO, socket,
 * tty, closed. Read once per exec, straight-line (no loop: the 5.10
 * verifier and the exec hot path both prefer it), a few loads per fd. */
#ifndef TRACER_BPF_STDIO_H
#define TRACER_BPF_STDIO_H

#include "bpf/lib/common.h"
#include "bpf/lib/sock.h"

#define STDIO_S_IFMT 00170000
#define STDIO_S_IFSOCK 0140000
#define STDIO_S_IFREG 0100000
#define STDIO_S_IFDIR 0040000
#define STDIO_S_IFCHR 0020000
#define STDIO_S_IFIFO 0010000
#define STDIO_PIPEFS_MAGIC 0x50495045
#define STDIO_BINDPORT_LOCK 8 /* SOCK_BINDPORT_LOCK */

/* Terminals by major: 4 (tty*), 5 (/dev/tty, console, ptmx), 136-143 (pts). */
static __always_inline bool stdio_is_tty(__u32 major)
{
	return major == 4 || major == 5 || (major >= 136 && major <= 143);
}

/* A socket: its tuple, and whether a listener accepted it. An accepted
 * socket is a clone of its listener: it inherits the listener's backlog
 * (a client never called listen(): 0) and, on kernels that do not clear
 * it in the clone, its bound-port lock (a client's port, chosen by
 * connect(), has none). */
static __always_inline void stdio_sock(struct stdio_fd *d, struct file *f)
{
	struct socket *so = BPF_CORE_READ(f, private_data);
	struct sock *sk = BPF_CORE_READ(so, sk);

	d->type = STDIO_SOCK;
	sock_read(sk, &d->sock);
	if (sk && ((BPF_CORE_READ_BITFIELD_PROBED(sk, sk_userlocks) & STDIO_BINDPORT_LOCK) ||
		   BPF_CORE_READ_BITFIELD_PROBED(sk, sk_max_ack_backlog)))
		d->flags |= STDIO_F_ACCEPTED;
}

static __always_inline void stdio_one(struct stdio_fd *d, struct file *f)
{
	struct inode *ino;
	__u32 mode, rdev;

	__builtin_memset(d, 0, sizeof(*d));
	if (!f)
		return; /* STDIO_CLOSED */
	ino = BPF_CORE_READ(f, f_inode);
	mode = BPF_CORE_READ(ino, i_mode) & STDIO_S_IFMT;
	d->ino = BPF_CORE_READ(ino, i_ino);
	if (mode == STDIO_S_IFSOCK) {
		stdio_sock(d, f);
		return;
	}
	if (mode == STDIO_S_IFIFO) {
		d->type = STDIO_FIFO;
		if (BPF_CORE_READ(ino, i_sb, s_magic) == STDIO_PIPEFS_MAGIC) {
			d->type = STDIO_PIPE; /* no name worth reading */
			return;
		}
	} else if (mode == STDIO_S_IFCHR) {
		rdev = BPF_CORE_READ(ino, i_rdev);
		d->rdev = rdev;
		d->type = stdio_is_tty(rdev >> 20) ? STDIO_TTY : STDIO_CHAR;
	} else if (mode == STDIO_S_IFREG || mode == STDIO_S_IFDIR) {
		d->type = STDIO_FILE;
	} else {
		d->type = STDIO_OTHER;
	}
	/* the last component only: a full path walk per fd would double the
	 * cost of an exec record */
	bpf_probe_read_kernel_str(d->name, sizeof(d->name), BPF_CORE_READ(f, f_path.dentry, d_name.name));
}

/* Fills st from the task's fd table. max_fds is never below 64
 * (NR_OPEN_DEFAULT), so the first three slots always exist. */
static __always_inline void stdio_read(struct task_struct *t, struct event_stdio *st)
{
	struct fdtable *fdt = BPF_CORE_READ(t, files, fdt);
	struct file **fds = BPF_CORE_READ(fdt, fd);
	struct file *f[3] = {};

	if (fds)
		bpf_probe_read_kernel(f, sizeof(f), fds);
	stdio_one(&st->fd[0], f[0]);
	stdio_one(&st->fd[1], f[1]);
	stdio_one(&st->fd[2], f[2]);
}

#endif /* TRACER_BPF_STDIO_H */
