/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* relay.h - relay reverse shells: which processes hold the other ends of
 * the pipes, FIFOs and unix sockets on a shell's stdio, and which of them
 * connected a network socket.
 *
 * Three bounded LRU maps, filled from two places: exec (a shell started
 * with pipe-like stdin and output waits in relay_shells; a process started
 * with a connected network socket on its stdio is a relay) and the
 * connect of a TCP socket (the caller is a relay: its first fds are
 * scanned for pipe-like objects). Whichever comes last joins them, so a
 * shell exec'd before nc connects (sh -i <f | nc H P >f) and after
 * (nc H P | sh | nc H P2, connect then Popen) are both seen. A shell
 * whose stdin's relay and output's relay both hold a connected socket is
 * reported once; one direction only (curl | sh, ls | nc) never is. */
#ifndef TRACER_BPF_RELAY_H
#define TRACER_BPF_RELAY_H

_Static_assert(sizeof(struct bind_record) <= sizeof(struct relay_record), "bind in relay_buf");

#include "bpf/lib/common.h"
#include "bpf/lib/sock.h"
#include "bpf/lib/stdio.h"

/* Set by the loader when a loaded policy asks for relay tracking. */
const volatile bool track_relay = false;
const volatile __u32 relay_hook_id = 0;

/* pipe-like object -> the connected process holding it (a relay) */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, struct relay_key);
	__type(value, __u32);
} relay_peers SEC(".maps");

/* pipe-like object -> the shell waiting on it */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, struct relay_key);
	__type(value, __u32);
} relay_wait SEC(".maps");

/* tgid -> its connected network socket */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct relay_net);
} relay_net SEC(".maps");

/* shell tgid -> what its stdin and output are */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 2048);
	__type(key, __u32);
	__type(value, struct relay_shell);
} relay_shells SEC(".maps");

/* basenames of the shells and interpreters (set by user space) */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, char[RELAY_NAME_LEN]);
	__type(value, __u8);
} relay_bins SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, RELAY_ST_MAX);
	__type(key, __u32);
	__type(value, __u64);
} relay_stats SEC(".maps");

/* The record under construction and a relay's fd slots, per CPU. */
struct relay_scratch {
	struct relay_record rec; /* or a struct bind_record */
	struct file *fds[RELAY_SCAN_FDS];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct relay_scratch);
} relay_buf SEC(".maps");

static __always_inline void relay_count(__u32 slot)
{
	__u64 *n = bpf_map_lookup_elem(&relay_stats, &slot);

	if (n)
		*n += 1;
}

static __always_inline void relay_put(void *map, const void *k, const void *v)
{
	if (bpf_map_update_elem(map, k, v, BPF_ANY))
		relay_count(RELAY_ST_MAP_FULL);
}

static __always_inline bool relay_key_ino(struct inode *ino, struct relay_key *k)
{
	if (!ino)
		return false;
	k->ino = BPF_CORE_READ(ino, i_ino);
	k->dev = BPF_CORE_READ(ino, i_sb, s_dev);
	k->pad = 0;
	return true;
}

/* The key of a pipe, a FIFO or a unix socket; false for anything else.
 * peer: a unix socket keys its peer (the shell's side). */
static __always_inline bool relay_key_of(struct file *f, bool peer, struct relay_key *k)
{
	struct inode *ino = BPF_CORE_READ(f, f_inode);
	__u32 mode = BPF_CORE_READ(ino, i_mode) & STDIO_S_IFMT;
	struct socket *so;
	struct sock *sk;

	if (mode == STDIO_S_IFIFO)
		return relay_key_ino(ino, k);
	if (mode != STDIO_S_IFSOCK)
		return false;
	so = BPF_CORE_READ(f, private_data);
	sk = BPF_CORE_READ(so, sk);
	if (!sk || BPF_CORE_READ(sk, __sk_common.skc_family) != AF_UNIX)
		return false;
	if (!peer)
		return relay_key_ino(ino, k);
	sk = BPF_CORE_READ((struct unix_sock *)sk, peer);
	if (!sk)
		return false;
	return relay_key_ino(BPF_CORE_READ(sk, sk_socket, file, f_inode), k);
}

static __always_inline __u32 relay_holder(const struct relay_key *k, __u32 self)
{
	__u32 *p = bpf_map_lookup_elem(&relay_peers, k);

	return p && *p != self ? *p : 0;
}

/* Keeps a side of the shell once its relay holds a connected socket. */
static __always_inline void relay_side(const struct relay_key *k, __u32 shell, __u32 *pid,
				       struct relay_net *net)
{
	__u32 holder = relay_holder(k, shell);
	struct relay_net *n;

	if (!holder || !(n = bpf_map_lookup_elem(&relay_net, &holder)))
		return;
	*pid = holder;
	__builtin_memcpy(net, n, sizeof(*n));
}

/* Reports the shell once both its relays were seen holding a socket. */
static __always_inline void relay_eval(__u32 shell)
{
	struct relay_shell *sh = bpf_map_lookup_elem(&relay_shells, &shell);
	struct relay_scratch *b;
	__u32 zero = 0;
	long len;

	if (!sh || sh->done)
		return;
	if (!(sh->seen & RELAY_SEEN_IN)) {
		relay_side(&sh->in, shell, &sh->in_pid, &sh->in_net);
		sh->seen |= sh->in_pid ? RELAY_SEEN_IN : 0;
	}
	if (!(sh->seen & RELAY_SEEN_OUT)) {
		relay_side(&sh->out, shell, &sh->out_pid, &sh->out_net);
		sh->seen |= sh->out_pid ? RELAY_SEEN_OUT : 0;
	}
	b = bpf_map_lookup_elem(&relay_buf, &zero);
	if (sh->seen != (RELAY_SEEN_IN | RELAY_SEEN_OUT) || !b)
		return;
	sh->done = 1;
	__builtin_memset(&b->rec, 0, sizeof(b->rec));
	header_init(&b->rec.h.hdr, EV_HOOK, sizeof(b->rec));
	b->rec.h.pid = shell;
	b->rec.h.tid = shell;
	b->rec.h.hook_id = relay_hook_id;
	b->rec.h.action = HA_POST;
	b->rec.h.nargs = RELAY_NARGS;
	b->rec.a_in.kind = b->rec.a_out.kind = AK_SOCK;
	b->rec.a_in.len = b->rec.a_out.len = sizeof(struct sock_info);
	b->rec.in = sh->in_net.sock;
	b->rec.out = sh->out_net.sock;
	b->rec.a_in_pid.kind = b->rec.a_out_pid.kind = AK_INT;
	b->rec.a_in_pid.len = b->rec.a_out_pid.len = 8;
	b->rec.in_pid = sh->in_pid;
	b->rec.out_pid = sh->out_pid;
	b->rec.a_comm.kind = AK_STR_KERNEL;
	len = bpf_probe_read_kernel_str(b->rec.comm, sizeof(b->rec.comm), sh->in_net.comm);
	b->rec.a_comm.len = len > 0 ? len - 1 : 0; /* without the NUL */
	relay_count(RELAY_ST_REPORTED);
	emit(&b->rec, sizeof(b->rec), EV_HOOK);
}

/* A shell on accepted sockets (stdin, and out: stdout or stderr). */
static __always_inline void relay_bind(__u32 tgid, const struct sock_info *in,
				       const struct sock_info *out)
{
	struct relay_scratch *b;
	struct bind_record *r;
	__u32 zero = 0;

	b = bpf_map_lookup_elem(&relay_buf, &zero);
	if (!b)
		return;
	r = (void *)&b->rec;
	__builtin_memset(r, 0, sizeof(*r));
	header_init(&r->h.hdr, EV_HOOK, sizeof(*r));
	r->h.pid = r->h.tid = tgid;
	r->h.hook_id = relay_hook_id + 1;
	r->h.action = HA_POST;
	r->h.nargs = BIND_NARGS;
	r->a_in.kind = r->a_out.kind = AK_SOCK;
	r->a_in.len = r->a_out.len = sizeof(struct sock_info);
	r->in = *in;
	r->out = *out;
	relay_count(RELAY_ST_BIND);
	emit(r, sizeof(*r), EV_HOOK);
}

/* A relay holds f: remember it, and wake the shell waiting on it. */
static __always_inline void relay_hold(struct file *f, __u32 tgid)
{
	struct relay_key k;
	__u32 *shell;

	if (!f || !relay_key_of(f, false, &k))
		return;
	relay_put(&relay_peers, &k, &tgid);
	shell = bpf_map_lookup_elem(&relay_wait, &k);
	if (shell && *shell != tgid)
		relay_eval(*shell);
}

struct relay_scan_ctx {
	struct relay_scratch *b;
	__u32 tgid;
};

static long relay_scan_one(__u32 i, void *p)
{
	struct relay_scan_ctx *c = p;

	relay_hold(c->b->fds[i & (RELAY_SCAN_FDS - 1)], c->tgid);
	return 0;
}

/* The first RELAY_SCAN_FDS fds of t (a relay): every pipe-like one. The
 * fd array always has at least 64 slots (NR_OPEN_DEFAULT). */
static __always_inline void relay_scan(struct task_struct *t, __u32 tgid)
{
	struct file **fds = BPF_CORE_READ(t, files, fdt, fd);
	struct relay_scan_ctx c = {.tgid = tgid};
	__u32 zero = 0;

	c.b = bpf_map_lookup_elem(&relay_buf, &zero);
	if (!c.b || !fds || bpf_probe_read_kernel(c.b->fds, sizeof(c.b->fds), fds))
		return;
	bounded_loop(RELAY_SCAN_FDS, relay_scan_one, &c);
}

static __always_inline void relay_net_set(__u32 tgid, const struct sock_info *si)
{
	struct relay_net n = {};

	n.sock = *si;
	bpf_get_current_comm(n.comm, sizeof(n.comm));
	relay_put(&relay_net, &tgid, &n);
}

/* A relay's socket goes with it (its sides already seen stay in the
 * shells' records); a shell not yet reported stays until the LRU evicts
 * it, so a relay that connects after the shell ran (its output still in
 * the pipe) completes it. */
static __always_inline void relay_exit(__u32 tgid)
{
	struct relay_shell *sh;

	bpf_map_delete_elem(&relay_net, &tgid);
	sh = bpf_map_lookup_elem(&relay_shells, &tgid);
	if (sh && sh->done)
		bpf_map_delete_elem(&relay_shells, &tgid);
}

#endif /* TRACER_BPF_RELAY_H */
