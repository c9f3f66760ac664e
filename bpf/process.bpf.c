// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* process.bpf.c - process lifecycle: exec, exit, fork, and the start-up scan.
 *
 * Always loaded. tp_btf hooks on the scheduler's process tracepoints: they
 * fire once per exec/fork/exit (never per syscall), need no tracefs, and
 * hand us typed task and linux_binprm pointers.
 */
#include "bpf/lib/common.h"
#include "bpf/lib/cgroup.h"
#include "bpf/lib/path.h"
#include "bpf/lib/relay.h"
#include "bpf/lib/stdio.h"
#include "bpf/lib/task.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define DATA_MASK (PATH_MAX_LEN - 1)

/* Keep proc_bins (pid -> resolved executable) for matchBinaries; set by
 * the loader only when a loaded policy needs it: it costs a path walk per
 * exec. */
const volatile bool track_bins = false;

struct hash_ctx {
	const char *s;
	__u32 len;
	__u64 h;
};

static long hash_step(__u32 i, void *p)
{
	struct hash_ctx *c = p;

	if (i >= c->len)
		return 1;
	c->h = (c->h ^ (__u8)c->s[i & (STR_KEY_LEN - 1)]) * BIN_HASH_PRIME;
	return 0;
}

/* FNV-1a of the path, as user space computes it for the policy's values. */
static __always_inline __u64 bin_hash(const char *s, __u32 len)
{
	struct hash_ctx c = {.s = s, .len = len, .h = BIN_HASH_SEED};

	bounded_loop(STR_KEY_LEN, hash_step, &c);
	return c.h;
}

/* A proc_bin is built in s->rec past the sent record's binary, which it
 * may copy from. */
#define BIN_OFF (SCRATCH_SIZE / 2)
_Static_assert(sizeof(struct event_proc) + PATH_MAX_LEN <= BIN_OFF, "binary before proc_bin");
_Static_assert(BIN_OFF + sizeof(struct proc_bin) <= SCRATCH_SIZE, "proc_bin in scratch");

/* Records the resolved executable of the task that just exec'd: the exec
 * record's binary (resolved once, for both), or for a script, whose record
 * names the script, the interpreter bprm->file is. */
static __always_inline void bins_exec(struct scratch *s, struct task_struct *t,
				      struct linux_binprm *bprm, bool script)
{
	struct proc_bin *pb = (void *)(s->rec + BIN_OFF);
	const char *bin = s->rec + sizeof(struct event_proc);
	__u32 pid = BPF_CORE_READ(t, tgid), len;
	struct fs_struct *fs = BPF_CORE_READ(t, fs);
	struct file *f = BPF_CORE_READ(bprm, file);
	int trunc = 0, pos;

	len = ((struct event_proc *)s->rec)->binary_len - 1;
	if (script) {
		if (!fs || !f)
			return;
		pos = path_resolve(s->path, &f->f_path, &fs->root, &trunc);
		len = PATH_MAX_LEN - 1 - pos;
		bin = s->path + (pos & DATA_MASK);
	}
	__builtin_memset(pb, 0, sizeof(*pb));
	if (len >= STR_KEY_LEN)
		len = STR_KEY_LEN - 1; /* too long to match; keep it unmatched */
	bpf_probe_read_kernel(pb->bin, len & (STR_KEY_LEN - 1), bin);
	pb->len = len;
	pb->hash = bin_hash(pb->bin, len);
	pb->ppid = BPF_CORE_READ(t, real_parent, tgid);
	pb->exec_ktime = bpf_ktime_get_boot_ns();
	bpf_map_update_elem(&proc_bins, &pid, pb, BPF_ANY);
}

/* Appends the task's cwd (resolved to its own root) at rec + off. */
static __always_inline __u32 put_cwd(struct scratch *s, struct task_struct *t,
				     __u32 off, struct event_proc *e)
{
	struct fs_struct *fs = BPF_CORE_READ(t, fs);
	int trunc = 0, pos;
	__u32 len;

	if (!fs) {
		e->flags |= PROC_F_NO_CWD;
		s->rec[off & (SCRATCH_SIZE - 1)] = 0;
		return 1;
	}
	pos = path_resolve(s->path, &fs->pwd, &fs->root, &trunc);
	len = path_copy(s->rec + (off & (SCRATCH_SIZE - 1)), s->path, pos);
	if (trunc)
		e->flags |= PROC_F_CWD_TRUNC;
	if (len == 2)
		e->flags |= PROC_F_ROOT_CWD;
	return len;
}

/* Appends the resolved path of a struct file (the executable). */
static __always_inline __u32 put_file_path(struct scratch *s, struct task_struct *t,
					   struct file *f, __u32 off, struct event_proc *e)
{
	struct fs_struct *fs = BPF_CORE_READ(t, fs);
	int trunc = 0, pos;

	if (!f || !fs) {
		s->rec[off & (SCRATCH_SIZE - 1)] = 0;
		return 1;
	}
	pos = path_resolve(s->path, &f->f_path, &fs->root, &trunc);
	if (trunc)
		e->flags |= PROC_F_BIN_TRUNC;
	return path_copy(s->rec + (off & (SCRATCH_SIZE - 1)), s->path, pos);
}

/* Copies at most ARGS_MAX_LEN - 1 bytes of argv from [start, end). */
static __always_inline __u32 args_len(unsigned long start, unsigned long end,
				      struct event_proc *e)
{
	unsigned long len = end > start ? end - start : 0;

	if (len > ARGS_MAX_LEN - 1) {
		len = ARGS_MAX_LEN - 1;
		e->flags |= PROC_F_ARGS_TRUNC;
	}
	return len;
}

static __always_inline __u32 rec_size(struct event_proc *e)
{
	__u32 n = sizeof(*e) + e->binary_len + e->cwd_len + e->args_len + e->cgroup_len;

	if (e->flags & PROC_F_STDIO)
		n += sizeof(struct event_stdio);
	return e->flags & PROC_F_BINFILE ? n + sizeof(struct event_binfile) : n;
}

/* The executed file's inode number and links (Tetragon reads the same
 * from bprm->file): 0 links for a file deleted before the exec or a memfd. */
static __always_inline void binfile_read(struct file *f, struct event_binfile *bf)
{
	struct inode *ino = BPF_CORE_READ(f, f_inode);

	bf->ino = BPF_CORE_READ(ino, i_ino);
	bf->nlink = BPF_CORE_READ(ino, __i_nlink);
	bf->pad = 0;
}

/* The path the caller wrote (a script's, made absolute in user space). */
static __always_inline __u32 put_filename(struct scratch *s, struct linux_binprm *bprm,
					  struct event_proc *e)
{
	long r = bpf_probe_read_kernel_str(s->rec + sizeof(*e), PATH_MAX_LEN - 1,
					   BPF_CORE_READ(bprm, filename));
	__u32 n = r > 0 ? r : 0;

	if (n == PATH_MAX_LEN - 1)
		e->flags |= PROC_F_BIN_TRUNC;
	if (!n)
		s->rec[sizeof(*e)] = 0, n = 1;
	return n;
}

/* A pipe, a FIFO or a unix socket: what a relay puts on a shell's stdio. */
static __always_inline bool relay_pipeish(const struct stdio_fd *d)
{
	return d->type == STDIO_PIPE || d->type == STDIO_FIFO ||
	       (d->type == STDIO_SOCK && d->sock.family == AF_UNIX);
}

/* A network socket this process connected (not one a listener accepted). */
static __always_inline bool relay_netfd(const struct stdio_fd *d)
{
	return d->type == STDIO_SOCK && d->sock.dport && !(d->flags & STDIO_F_ACCEPTED) &&
	       (d->sock.family == AF_INET || d->sock.family == AF_INET6);
}

/* A network socket a listener accepted (its port bound by its owner). */
static __always_inline bool relay_acceptedfd(const struct stdio_fd *d)
{
	return d->type == STDIO_SOCK && (d->flags & STDIO_F_ACCEPTED) &&
	       (d->sock.family == AF_INET || d->sock.family == AF_INET6);
}

/* The executable's own name (a script's interpreter) is a shell's. */
static __always_inline bool relay_is_shell(struct linux_binprm *bprm)
{
	char name[RELAY_NAME_LEN] = {};

	bpf_probe_read_kernel_str(name, sizeof(name),
				  BPF_CORE_READ(bprm, file, f_path.dentry, d_name.name));
	return bpf_map_lookup_elem(&relay_bins, name) != NULL;
}

/* A shell started on pipe-like stdin and output waits for its relays;
 * a parent that connected before the exec (connect, then Popen with
 * pipes) holds the other ends on fds no exec ever showed: scan it. */
static __always_inline void relay_shell_exec(struct task_struct *t, struct event_stdio *st,
					     struct file **f, __u32 tgid)
{
	struct relay_shell sh = {};
	__u32 ppid;

	sh.out_fd = relay_pipeish(&st->fd[1]) ? 1 : 2;
	if (!relay_key_of(f[0], true, &sh.in) || !relay_key_of(f[sh.out_fd & 3], true, &sh.out))
		return;
	relay_put(&relay_shells, &tgid, &sh);
	relay_put(&relay_wait, &sh.in, &tgid);
	relay_put(&relay_wait, &sh.out, &tgid);
	relay_eval(tgid);
	ppid = BPF_CORE_READ(t, real_parent, tgid);
	if (bpf_map_lookup_elem(&relay_net, &ppid))
		relay_scan(BPF_CORE_READ(t, real_parent), ppid);
}

/* Relay tracking at exec: a process started on a connected network
 * socket is a relay for the pipes on its stdio (cat <&3 | sh | cat >&3);
 * a shell started on pipes waits for its relays; a shell started on
 * accepted sockets is a bind shell. Cheap for everything else: the stdio
 * types just read decide before any further load. */
static __always_inline void relay_exec(struct task_struct *t, struct linux_binprm *bprm,
				       struct event_stdio *st)
{
	int net = relay_netfd(&st->fd[0]) ? 0 : relay_netfd(&st->fd[1]) ? 1 :
		  relay_netfd(&st->fd[2]) ? 2 : -1;
	bool shell = relay_pipeish(&st->fd[0]) &&
		     (relay_pipeish(&st->fd[1]) || relay_pipeish(&st->fd[2]));
	struct file **fds, *f[3] = {};
	__u32 tgid;

	if (shell)
		shell = relay_is_shell(bprm);
	if (relay_acceptedfd(&st->fd[0]) &&
	    (relay_acceptedfd(&st->fd[1]) || relay_acceptedfd(&st->fd[2])) && relay_is_shell(bprm))
		relay_bind(BPF_CORE_READ(t, tgid), &st->fd[0].sock,
			   &st->fd[relay_acceptedfd(&st->fd[1]) ? 1 : 2].sock);
	if (net < 0 && !shell)
		return;
	tgid = BPF_CORE_READ(t, tgid);
	fds = BPF_CORE_READ(t, files, fdt, fd);
	if (!fds || bpf_probe_read_kernel(f, sizeof(f), fds))
		return;
	if (net >= 0) {
		relay_net_set(tgid, &st->fd[net & 3].sock);
		relay_hold(f[0], tgid);
		relay_hold(f[1], tgid);
		relay_hold(f[2], tgid);
	}
	if (shell)
		relay_shell_exec(t, st, f, tgid);
}

/* sched_process_exec fires after the new image is in place: current is the
 * new program, bprm->file the file it runs, and mm->arg_start..arg_end
 * hold the new argv in user memory. The binary is bprm->file resolved to
 * the task's root, what /proc/PID/exe says (/proc/self/exe is the real
 * binary, a memfd "/memfd:NAME (deleted)"); for a script bprm->file is
 * the interpreter, and binfmt_script has pointed bprm->interp away from
 * bprm->filename: there the binary is the script as the caller named it. */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(on_exec, struct task_struct *t, pid_t old_pid, struct linux_binprm *bprm)
{
	struct scratch *s = scratch_get();
	bool script = BPF_CORE_READ(bprm, interp) != BPF_CORE_READ(bprm, filename);
	struct event_stdio *st;
	struct event_proc *e;
	unsigned long as, ae;
	__u32 off, n;

	if (!s)
		return 0;
	e = (void *)s->rec;
	__builtin_memset(e, 0, sizeof(*e));
	task_identity(t, e);
	e->flags = PROC_F_EXECVE;
	off = sizeof(*e);
	if (!script)
		e->binary_len = put_file_path(s, t, BPF_CORE_READ(bprm, file), off, e);
	/* a script names itself; and a file is never "/": one the walk cannot
	 * name (a file bind-mounted on a detached mount, as crun runs itself)
	 * keeps the path it was run by */
	if (script || e->binary_len <= 2)
		e->binary_len = put_filename(s, bprm, e);
	off += e->binary_len & DATA_MASK;
	e->cwd_len = put_cwd(s, t, off, e);
	off += e->cwd_len & DATA_MASK;
	as = BPF_CORE_READ(t, mm, arg_start);
	ae = BPF_CORE_READ(t, mm, arg_end);
	n = args_len(as, ae, e);
	if (bpf_probe_read_user(s->rec + (off & (SCRATCH_SIZE - 1)), n & DATA_MASK, (void *)as))
		n = 0;
	e->args_len = n;
	off += n & DATA_MASK;
	e->cgroup_len = task_cgroups(s->rec + (off & (SCRATCH_SIZE - 1)), s->path, t);
	off += e->cgroup_len & DATA_MASK;
	/* the new image's fds 0-2, close-on-exec already applied: what the
	 * program really starts with (a shell on a socket, cat on a pipe) */
	st = (void *)(s->rec + (off & (SCRATCH_SIZE - 1)));
	stdio_read(t, st);
	e->flags |= PROC_F_STDIO;
	off += sizeof(struct event_stdio);
	binfile_read(BPF_CORE_READ(bprm, file), (void *)(s->rec + (off & (SCRATCH_SIZE - 1))));
	e->flags |= PROC_F_BINFILE;
	header_init(&e->hdr, EV_EXEC, rec_size(e));
	e->start_ktime = e->hdr.ktime;
	emit(e, e->hdr.size, EV_EXEC);
	if (track_bins)
		bins_exec(s, t, bprm, script);
	return 0;
}

/* Relay tracking at exec, a program of its own on the same tracepoint,
 * attached after on_exec (a tracepoint calls its probes in the order they
 * were attached): a relay report follows the exec record it names. Apart,
 * each is verified alone; inlined into on_exec, the two multiplied each
 * other's paths (500k instructions verified instead of 52k + its own).
 * The stdio is read again, into the scratch's path half: on_exec is done
 * with it. Loaded only with relay tracking. */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(on_exec_relay, struct task_struct *t, pid_t old_pid, struct linux_binprm *bprm)
{
	struct scratch *s = scratch_get();
	struct event_stdio *st;

	if (!s)
		return 0;
	st = (void *)s->path;
	stdio_read(t, st);
	relay_exec(t, bprm, st);
	return 0;
}

/* sched_process_exit fires per thread; signal->live has already dropped,
 * so zero means this is the last thread and the process is gone. */
SEC("tp_btf/sched_process_exit")
int BPF_PROG(on_exit, struct task_struct *t)
{
	struct event_exit e = {};

	if (BPF_CORE_READ(t, signal, live.counter) != 0)
		return 0;
	header_init(&e.hdr, EV_EXIT, sizeof(e));
	e.pid = BPF_CORE_READ(t, tgid);
	e.tid = BPF_CORE_READ(t, pid);
	e.exit_code = BPF_CORE_READ(t, exit_code);
	if (bpf_ringbuf_output(&events, &e, sizeof(e), submit_flags()))
		count_drop(EV_EXIT);
	if (track_bins)
		bpf_map_delete_elem(&proc_bins, &e.pid);
	if (track_relay)
		relay_exit(e.pid);
	return 0;
}

/* sock:inet_sock_set_state on the move to SYN_SENT: tcp_v4_connect and
 * tcp_v6_connect make it in the connecting task, which is then a relay
 * for every pipe-like object among its first fds (nc, openssl s_client,
 * a Node.js net.Socket whose process spawned a shell on socketpairs).
 * Loaded only with relay tracking. */
SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(on_sock_state, const struct sock *sk, const int oldstate, const int newstate)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct sock_info si;

	if (newstate != TCP_SYN_SENT)
		return 0;
	sock_read((struct sock *)sk, &si);
	if (si.family != AF_INET && si.family != AF_INET6)
		return 0;
	si.state = newstate; /* the sock still says the state it leaves */
	relay_net_set(tgid, &si);
	relay_scan((struct task_struct *)bpf_get_current_task(), tgid);
	return 0;
}

/* A fork child runs its parent's executable until it execs. */
static __always_inline void bins_fork(__u32 ppid, __u32 pid)
{
	struct proc_bin *pb = bpf_map_lookup_elem(&proc_bins, &ppid);
	struct scratch *s;

	if (!pb || !(s = scratch_get()))
		return;
	__builtin_memcpy(s->rec, pb, sizeof(*pb));
	((struct proc_bin *)s->rec)->ppid = ppid;
	bpf_map_update_elem(&proc_bins, &pid, s->rec, BPF_ANY);
}

/* A new process (not a thread): user space clones its parent's record so
 * the child's own children and its exit have a known process. */
SEC("tp_btf/sched_process_fork")
int BPF_PROG(on_fork, struct task_struct *parent, struct task_struct *child)
{
	struct event_fork e = {};

	if (BPF_CORE_READ(child, pid) != BPF_CORE_READ(child, tgid))
		return 0;
	header_init(&e.hdr, EV_FORK, sizeof(e));
	e.pid = BPF_CORE_READ(child, tgid);
	e.ppid = BPF_CORE_READ(parent, tgid);
	e.start_ktime = e.hdr.ktime;
	e.nspid = task_upid(child).nr;
	task_ns(child, e.ns);
	if (bpf_ringbuf_output(&events, &e, sizeof(e), submit_flags()))
		count_drop(EV_FORK);
	if (track_bins)
		bins_fork(e.ppid, e.pid);
	return 0;
}

/* A process moved into another cgroup: a container runtime placing it,
 * or a shell writing itself into cgroup.procs before exec'ing. Fires on
 * moves only (never per syscall). The task's css_set is already the new
 * one here. */
SEC("tp_btf/cgroup_attach_task")
int BPF_PROG(on_cgroup_move, struct cgroup *dst, const char *path, struct task_struct *t,
	     bool threadgroup)
{
	struct scratch *s = scratch_get();
	struct event_cgroup *e;

	if (!s || BPF_CORE_READ(t, pid) != BPF_CORE_READ(t, tgid))
		return 0; /* a thread moving alone: the process keeps its cgroup */
	e = (void *)s->rec;
	__builtin_memset(e, 0, sizeof(*e));
	e->pid = BPF_CORE_READ(t, tgid);
	e->cgroup_len = task_cgroups(s->rec + sizeof(*e), s->path, t);
	header_init(&e->hdr, EV_CGROUP, sizeof(*e) + e->cgroup_len);
	emit(e, e->hdr.size, EV_CGROUP);
	return 0;
}

/* The kernel's initial task (pid 0) sits at the top of every real_parent
 * chain; its nsproxy is init_nsproxy. Learned this way, "host" is right
 * even when /proc/1/ns is unreadable or we run inside a container. */
static __always_inline void emit_host(struct bpf_iter_meta *meta, struct task_struct *t)
{
	struct event_proc e = {};
	int i;

	for (i = 0; i < 64 && BPF_CORE_READ(t, pid) != 0; i++)
		t = BPF_CORE_READ(t, real_parent);
	if (BPF_CORE_READ(t, pid) != 0)
		return;
	task_ns(t, e.ns);
	header_init(&e.hdr, EV_HOST, sizeof(e));
	bpf_seq_write(meta->seq, &e, sizeof(e));
}

/* Appends argv of a task that is not current at rec + off. */
static __always_inline __u32 put_task_args(struct scratch *s, struct task_struct *t,
					   struct mm_struct *mm, __u32 off, struct event_proc *e)
{
#ifdef TRACER_COMPAT
	/* No bpf_copy_from_user_task (5.18) and no sleepable iterator: the
	 * loader reads /proc/PID/cmdline instead. */
	if (mm)
		e->flags |= PROC_F_ARGS_LATER;
	return 0;
#else
	unsigned long as, ae;
	__u32 n;

	if (!mm)
		return 0;
	as = BPF_CORE_READ(mm, arg_start);
	ae = BPF_CORE_READ(mm, arg_end);
	n = args_len(as, ae, e);
	if (bpf_copy_from_user_task(s->rec + (off & (SCRATCH_SIZE - 1)), n & DATA_MASK,
				    (void *)as, t, 0))
		n = 0;
	return n;
#endif
}

/* Start-up scan: one EV_SCAN record per process that already runs, in the
 * exec record's layout, written to the iterator's seq file. Sleepable so
 * argv can be copied from each task's own memory (compat: not sleepable,
 * argv from procfs). */
#ifdef TRACER_COMPAT
SEC("iter/task")
#else
SEC("iter.s/task")
#endif
int scan_tasks(struct bpf_iter__task *ctx)
{
	struct task_struct *t = ctx->task;
	struct scratch *s;
	struct event_proc *e;
	struct mm_struct *mm;
	__u32 off;

	if (!t)
		return 0;
	if (ctx->meta->seq_num == 0)
		emit_host(ctx->meta, t);
	if (BPF_CORE_READ(t, pid) != BPF_CORE_READ(t, tgid))
		return 0;
	s = scratch_get();
	if (!s)
		return 0;
	e = (void *)s->rec;
	__builtin_memset(e, 0, sizeof(*e));
	task_identity(t, e);
	e->flags = PROC_F_PROCFS;
	mm = BPF_CORE_READ(t, mm);
	if (!mm)
		e->flags |= PROC_F_KTHREAD;
	off = sizeof(*e);
	e->binary_len = put_file_path(s, t, mm ? BPF_CORE_READ(mm, exe_file) : NULL, off, e);
	off += e->binary_len & DATA_MASK;
	e->cwd_len = put_cwd(s, t, off, e);
	off += e->cwd_len & DATA_MASK;
	e->args_len = put_task_args(s, t, mm, off, e);
	off += e->args_len & DATA_MASK;
	e->cgroup_len = task_cgroups(s->rec + (off & (SCRATCH_SIZE - 1)), s->path, t);
	header_init(&e->hdr, EV_SCAN, rec_size(e));
	e->start_ktime = BPF_CORE_READ(t, start_boottime);
	bpf_seq_write(ctx->meta->seq, e, e->hdr.size & (SCRATCH_SIZE - 1));
	return 0;
}
