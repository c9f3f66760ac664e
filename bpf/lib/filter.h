/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* filter.h - evaluate a hook's selectors in the kernel, cheapest first.
 *
 * Tetragon's semantics: the selectors are OR-ed and the first that matches
 * decides; inside one, every match block must hold. The order here is by
 * cost: pids, namespaces (a few loads), binaries (one hash lookup), then
 * argument filters (hash or LPM lookups).
 */
#ifndef TRACER_BPF_FILTER_H
#define TRACER_BPF_FILTER_H

#include "bpf/lib/args.h"
#include "bpf/lib/hook.h"
#include "bpf/lib/sock.h"
#include "bpf/lib/task.h"

static __always_inline __u32 ns_of(struct task_struct *t, int slot)
{
	struct nsproxy *nsp = BPF_CORE_READ(t, nsproxy);

	switch (slot) {
	case NS_UTS: return BPF_CORE_READ(nsp, uts_ns, ns.inum);
	case NS_IPC: return BPF_CORE_READ(nsp, ipc_ns, ns.inum);
	case NS_MNT: return BPF_CORE_READ(nsp, mnt_ns, ns.inum);
	case NS_PID: return BPF_CORE_READ(task_upid(t).ns, ns.inum);
	case NS_PID_FOR_CHILDREN: return BPF_CORE_READ(nsp, pid_ns_for_children, ns.inum);
	case NS_NET: return BPF_CORE_READ(nsp, net_ns, ns.inum);
	case NS_TIME: return BPF_CORE_READ(nsp, time_ns, ns.inum);
	case NS_TIME_FOR_CHILDREN: return BPF_CORE_READ(nsp, time_ns_for_children, ns.inum);
	case NS_CGROUP: return BPF_CORE_READ(nsp, cgroup_ns, ns.inum);
	default: return BPF_CORE_READ(t, cred, user_ns, ns.inum);
	}
}

/* One namespace slot against its values (host_ns is value 0). */
/* Is the current task in pid namespace inum? One helper call compares in
 * the kernel, cheaper than walking thread_pid -> numbers[level] -> ns with
 * probe reads (the selector's most common block: host or container). */
static __always_inline bool in_pidns(__u32 inum)
{
	struct bpf_pidns_info info;

	return bpf_get_ns_current_pid_tgid(nsfs_dev, inum, &info, sizeof(info)) == 0;
}

static __always_inline bool ns_in(struct task_struct *t, __u32 *host, int s, int j)
{
	__u32 cur;
	bool in = false;
	int k;

	if (j == NS_PID && nsfs_dev) {
#pragma unroll
		for (k = 0; k < 4; k++)
			if (k < cfg.sel[s].ns_nval[j] &&
			    in_pidns(cfg.sel[s].ns_val[j][k] ? cfg.sel[s].ns_val[j][k] : host[j]))
				in = true;
		return in;
	}
	cur = ns_of(t, j);

#pragma unroll
	for (k = 0; k < 4; k++)
		if (k < cfg.sel[s].ns_nval[j] &&
		    cur == (cfg.sel[s].ns_val[j][k] ? cfg.sel[s].ns_val[j][k] : host[j]))
			in = true;
	return in;
}

static __always_inline bool match_ns(struct task_struct *t, int s)
{
	__u32 zero = 0, *host = bpf_map_lookup_elem(&host_ns, &zero);
	int j;

	if (!cfg.sel[s].ns_used)
		return true;
	if (!host)
		return false;
#pragma unroll
	for (j = 0; j < NS_COUNT; j++) {
		__u8 op = cfg.sel[s].ns_op[j];

		if (op && ns_in(t, host, s, j) != (op == NSOP_IN))
			return false;
	}
	return true;
}

static __always_inline bool pid_filter(struct task_struct *t, __u32 tgid, int s, int k)
{
	__u32 pid = cfg.sel[s].pid_ns[k] ? task_upid(t).nr : tgid;
	bool in = false;
	int j;

#pragma unroll
	for (j = 0; j < 4; j++)
		if (j < cfg.sel[s].npids[k] && cfg.sel[s].pids[k][j] == pid)
			in = true;
	return in == (cfg.sel[s].pid_op[k] == NSOP_IN);
}

static __always_inline bool match_pids(struct task_struct *t, __u32 tgid, int s)
{
	return (!cfg.sel[s].pid_op[0] || pid_filter(t, tgid, s, 0)) &&
	       (!cfg.sel[s].pid_op[1] || pid_filter(t, tgid, s, 1));
}

/* matchCapabilities: any of the listed capabilities in the set (In), or
 * none of them (NotIn). */
static __always_inline bool match_caps(struct task_struct *t, int s)
{
	const struct cred *cr;
	__u64 caps = 0;

	if (!cfg.sel[s].cap_op)
		return true;
	cr = BPF_CORE_READ(t, cred);
	if (cfg.sel[s].cap_set == 1)
		bpf_probe_read_kernel(&caps, 8, &cr->cap_inheritable);
	else if (cfg.sel[s].cap_set == 2)
		bpf_probe_read_kernel(&caps, 8, &cr->cap_permitted);
	else
		bpf_probe_read_kernel(&caps, 8, &cr->cap_effective);
	return ((caps & cfg.sel[s].cap_mask) != 0) == (cfg.sel[s].cap_op == NSOP_IN);
}

/* The executable entry of a process. A fork child can reach a hook
 * before its fork copy lands: it still runs its parent's executable. */
static __always_inline struct proc_bin *proc_bin_of(__u32 tgid)
{
	struct proc_bin *pb = bpf_map_lookup_elem(&proc_bins, &tgid);
	struct task_struct *t;
	__u32 ppid;

	if (pb)
		return pb;
	t = (void *)bpf_get_current_task();
	if (BPF_CORE_READ(t, tgid) != tgid)
		return NULL;
	ppid = BPF_CORE_READ(t, real_parent, tgid);
	return bpf_map_lookup_elem(&proc_bins, &ppid);
}

/* Is this process's executable in set set_id? */
static __always_inline bool bin_in_set(struct hook_heap *h, __u32 tgid, __u32 set_id)
{
	struct proc_bin *pb = proc_bin_of(tgid);

	struct bin_key k = {.set_id = set_id};

	if (!pb)
		return false;
	k.hash = pb->hash;
	return bpf_map_lookup_elem(&bin_set, &k) != NULL;
}

static __always_inline bool match_bins(struct hook_heap *h, __u32 tgid, int s)
{
	struct proc_bin *pb;
	bool in;

	if (cfg.sel[s].bin_op) {
		in = bin_in_set(h, tgid, cfg.sel[s].bin_set);
		if (in != (cfg.sel[s].bin_op == NSOP_IN))
			return false;
	}
	if (cfg.sel[s].pbin_op) {
		pb = proc_bin_of(tgid);
		in = pb && bin_in_set(h, pb->ppid, cfg.sel[s].pbin_set);
		if (in != (cfg.sel[s].pbin_op == NSOP_IN))
			return false;
	}
	return true;
}

/* Copies the arg's string into the set key (zero padded). */
static __always_inline void str_key_fill(struct hook_heap *h, int a, __u32 set_id)
{
	__u32 len = h->slen[a], n = len < STR_KEY_LEN ? len : STR_KEY_LEN;

	__builtin_memset(&h->key, 0, sizeof(h->key));
	h->key.str.set_id = set_id;
	h->key.str.len = len;
	bpf_probe_read_kernel(h->key.str.s, n & (STR_KEY_LEN * 2 - 1) & 0x1ff,
			      h->rec + (h->soff[a] & HOOK_REC_MASK));
}

static __always_inline bool str_equal(struct hook_heap *h, int a, __u32 set_id)
{
	str_key_fill(h, a, set_id);
	return bpf_map_lookup_elem(&str_set, &h->key.str) != NULL;
}

static __always_inline bool str_prefix(struct hook_heap *h, int a, __u32 set_id)
{
	__u32 len = h->slen[a], n = len < LPM_STR_LEN ? len : LPM_STR_LEN;

	__builtin_memset(&h->key, 0, sizeof(h->key.lpm));
	h->key.lpm.set_id = set_id;
	h->key.lpm.prefixlen = 32 + n * 8;
	bpf_probe_read_kernel(h->key.lpm.s, n & 0x1ff, h->rec + (h->soff[a] & HOOK_REC_MASK));
	return bpf_map_lookup_elem(&prefix_set, &h->key.lpm) != NULL;
}

struct rev_ctx {
	struct hook_heap *h;
	__u32 start, n;
};

static long rev_step(__u32 i, void *p)
{
	struct rev_ctx *c = p;
	__u32 src = c->start + c->n - 1 - i, dst = i;

	if (i >= LPM_STR_LEN || (i >= c->n && !LOOP_UNROLLED_BY_VERIFIER))
		return 1;
	barrier_var(dst);
	barrier_var(src);
	c->h->key.str.s[dst & 0xff] = c->h->rec[src & (HOOK_REC_SIZE - 1)];
	return 0;
}

/* Postfix: the last bytes reversed, against reversed values (LPM). */
static __always_inline bool str_postfix(struct hook_heap *h, int a, __u32 set_id)
{
	__u32 len = h->slen[a];
	struct rev_ctx c = {.h = h, .n = len < LPM_STR_LEN ? len : LPM_STR_LEN};

	c.start = (h->soff[a] + len - c.n) & HOOK_REC_MASK;
	__builtin_memset(&h->key, 0, sizeof(h->key.lpm));
	h->key.lpm.set_id = set_id;
	h->key.lpm.prefixlen = 32 + c.n * 8;
	bounded_loop(LPM_STR_LEN, rev_step, &c);
	return bpf_map_lookup_elem(&postfix_set, &h->key.lpm) != NULL;
}

static __always_inline bool addr_in(struct hook_heap *h, const __u8 *addr, __u16 family, __u32 set_id)
{
	__builtin_memset(&h->key.addr, 0, sizeof(h->key.addr));
	h->key.addr.set_id = family == 10 ? set_id | 0x80000000u : set_id;
	h->key.addr.prefixlen = 32 + (family == 10 ? 128 : 32);
	__builtin_memcpy(h->key.addr.addr, addr, 16);
	return bpf_map_lookup_elem(&cidr_set, &h->key.addr) != NULL;
}

static __always_inline bool int_in(__s64 v, int s, int k)
{
	bool in = false;
	int j;

#pragma unroll
	for (j = 0; j < FILTER_MAX_VALUES; j++)
		if (j < cfg.sel[s].f[k].nvals && cfg.sel[s].f[k].vals[j] == v)
			in = true;
	return in;
}

static __always_inline bool in_ranges(__s64 v, int s, int k)
{
	bool in = false;
	int j;

#pragma unroll
	for (j = 0; j + 1 < FILTER_MAX_VALUES; j += 2)
		if (j < cfg.sel[s].f[k].nvals && v >= cfg.sel[s].f[k].vals[j] &&
		    v <= cfg.sel[s].f[k].vals[j + 1])
			in = true;
	return in;
}

static __always_inline bool match_sock(struct hook_heap *h, int a, int s, int k)
{
	struct sock_info *si = &h->si;
	__u8 op = cfg.sel[s].f[k].op;
	__u32 set = cfg.sel[s].f[k].set_id;

	/* an fd that is no socket matches no socket operator */
	if (cfg.args[a].kind == AK_FD && !(h->aflags[a] & ARG_F_SOCK))
		return false;
	/* a unix address holds a path: only its family is known */
	if (h->aflags[a] & ARG_F_UNIX)
		return op == FOP_FAMILY && int_in(AF_UNIX, s, k);
	bpf_probe_read_kernel(si, sizeof(*si), h->rec + (h->soff[a] & HOOK_REC_MASK));
	switch (op) {
	case FOP_SADDR: return addr_in(h, si->saddr, si->family, set);
	case FOP_DADDR: return addr_in(h, si->daddr, si->family, set);
	case FOP_NOT_SADDR: return !addr_in(h, si->saddr, si->family, set);
	case FOP_NOT_DADDR: return !addr_in(h, si->daddr, si->family, set);
	case FOP_SPORT: return in_ranges(si->sport, s, k);
	case FOP_DPORT: return in_ranges(si->dport, s, k);
	case FOP_NOT_SPORT: return !in_ranges(si->sport, s, k);
	case FOP_NOT_DPORT: return !in_ranges(si->dport, s, k);
	case FOP_SPORT_PRIV: return si->sport < 1024;
	case FOP_DPORT_PRIV: return si->dport < 1024;
	case FOP_NOT_SPORT_PRIV: return si->sport >= 1024;
	case FOP_NOT_DPORT_PRIV: return si->dport >= 1024;
	case FOP_PROTOCOL: return int_in(si->protocol, s, k);
	case FOP_FAMILY: return int_in(si->family, s, k);
	case FOP_STATE: return int_in(si->state, s, k);
	}
	return false;
}

static __noinline bool match_filter(struct hook_heap *h, int s, int k)
{
	int a = cfg.sel[s].f[k].arg & 7;
	__u8 op = cfg.sel[s].f[k].op;
	__u32 set = cfg.sel[s].f[k].set_id;
	__s64 v = h->ival[a];

	if (op >= FOP_SADDR)
		return match_sock(h, a, s, k);
	switch (op) {
	case FOP_EQ:
		return set ? str_equal(h, a, set) : int_in(v, s, k);
	case FOP_NEQ:
		return set ? !str_equal(h, a, set) : !int_in(v, s, k);
	case FOP_PREFIX: return str_prefix(h, a, set);
	case FOP_NOT_PREFIX: return !str_prefix(h, a, set);
	case FOP_POSTFIX: return str_postfix(h, a, set);
	case FOP_NOT_POSTFIX: return !str_postfix(h, a, set);
	case FOP_GT: return v > cfg.sel[s].f[k].vals[0];
	case FOP_LT: return v < cfg.sel[s].f[k].vals[0];
	case FOP_MASK: return (v & cfg.sel[s].f[k].vals[0]) != 0;
	case FOP_RANGE: return in_ranges(v, s, k);
	case FOP_NOT_RANGE: return !in_ranges(v, s, k);
	}
	return false;
}

/* ---- port tests before the arguments are read ------------------------
 * A port reject would otherwise read the socket's whole tuple (seven
 * loads), copy it into the record and back, to test one field: the one
 * field is read straight from the struct sock first. */

static __always_inline bool port_op(__u8 op)
{
	return op >= FOP_SPORT && op <= FOP_NOT_DPORT_PRIV;
}

static __always_inline bool src_port_op(__u8 op)
{
	return op == FOP_SPORT || op == FOP_NOT_SPORT || op == FOP_SPORT_PRIV ||
	       op == FOP_NOT_SPORT_PRIV;
}

/* The port the operator tests, from argument a (a sock or a socket). */
static __always_inline __u32 arg_port(struct hook_heap *h, int a, __u8 op)
{
	struct sock *sk = (void *)arg_raw(h, cfg.args[a].src, cfg.args[a].index);

	if (cfg.args[a].kind == AK_SOCKET)
		sk = BPF_CORE_READ((struct socket *)sk, sk);
	if (src_port_op(op))
		return BPF_CORE_READ(sk, __sk_common.skc_num);
	return __builtin_bswap16(BPF_CORE_READ(sk, __sk_common.skc_dport));
}

static __always_inline bool port_holds(__u8 op, __u32 port, int s, int k)
{
	switch (op) {
	case FOP_SPORT: case FOP_DPORT: return in_ranges(port, s, k);
	case FOP_NOT_SPORT: case FOP_NOT_DPORT: return !in_ranges(port, s, k);
	case FOP_SPORT_PRIV: case FOP_DPORT_PRIV: return port < 1024;
	default: return port >= 1024;
	}
}

/* Filter k of selector s, a port test: a subprogram, verified per call
 * (s and k constants there), so that its code exists once. */
static __noinline bool port_filter_holds(struct hook_heap *h, int s, int k)
{
	__u8 op;
	int a;

	if (s >= HOOK_MAX_SELECTORS || k >= SEL_MAX_FILTERS)
		return false;
	op = cfg.sel[s].f[k].op;
	a = cfg.sel[s].f[k].arg & 7;
	return port_holds(op, arg_port(h, a, op), s, k);
}

/* Do selector s's port tests on sock and socket arguments hold? */
static __always_inline bool ports_hold(struct hook_heap *h, int s)
{
	int k;

#pragma unroll
	for (k = 0; k < SEL_MAX_FILTERS; k++) {
		__u8 op = cfg.sel[s].f[k].op;
		int a = cfg.sel[s].f[k].arg & 7;

		if (k < cfg.sel[s].nfilters && port_op(op) &&
		    (cfg.args[a].kind == AK_SOCK || cfg.args[a].kind == AK_SOCKET) &&
		    !port_filter_holds(h, s, k))
			return false;
	}
	return true;
}

/* The candidates whose port tests hold; rodata leaves nothing of this in
 * a hook without port tests. */
static __always_inline __u32 port_candidates(struct hook_heap *h, __u32 mask)
{
	int s;

	if (!cfg.nsel)
		return mask;
#pragma unroll
	for (s = 0; s < HOOK_MAX_SELECTORS; s++)
		if (s < cfg.nsel && (mask & (1u << s)) && !ports_hold(h, s))
			mask &= ~(1u << s);
	return mask;
}

/* Selectors whose process-level blocks (pids, namespaces, binaries)
 * hold, as a bit mask: the cheap reject, before any argument is read. */
static __noinline bool selector_admits(struct hook_heap *h, struct task_struct *t, __u32 tgid,
				       int s)
{
	if (s >= HOOK_MAX_SELECTORS || s >= cfg.nsel)
		return false;
	return match_pids(t, tgid, s) && match_ns(t, s) && match_caps(t, s) &&
	       match_bins(h, tgid, s);
}

static __always_inline __u32 selector_candidates(struct hook_heap *h)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	__u32 tgid = bpf_get_current_pid_tgid() >> 32, mask = 0;
	int s;

	if (!cfg.nsel)
		return 1;
#pragma unroll
	for (s = 0; s < HOOK_MAX_SELECTORS; s++)
		if (s < cfg.nsel && selector_admits(h, t, tgid, s))
			mask |= 1u << s;
	return mask;
}

/* Do all of selector s's argument filters hold? A subprogram: the filter
 * code exists once and is verified per call, where s is a constant. */
static __noinline bool selector_holds(struct hook_heap *h, int s)
{
	int k;

	if (s >= HOOK_MAX_SELECTORS || s >= cfg.nsel)
		return false;
#pragma unroll
	for (k = 0; k < SEL_MAX_FILTERS; k++)
		if (k < cfg.sel[s].nfilters && !match_filter(h, s, k))
			return false;
	return true;
}

/* The first candidate whose argument filters all hold, -1 if none.
 * Written out, not a loop: kernels before 6.4 refuse a loop whose head
 * follows a call (the verifier's back-edge check), and clang will not
 * unroll five copies of the filters. */
_Static_assert(HOOK_MAX_SELECTORS == 5, "selector_pick tries five selectors");
static __always_inline int selector_pick(struct hook_heap *h, __u32 mask)
{
	if (!cfg.nsel)
		return 0;
	if ((mask & 1) && selector_holds(h, 0))
		return 0;
	if ((mask & 2) && selector_holds(h, 1))
		return 1;
	if ((mask & 4) && selector_holds(h, 2))
		return 2;
	if ((mask & 8) && selector_holds(h, 3))
		return 3;
	if ((mask & 16) && selector_holds(h, 4))
		return 4;
	return -1;
}

#endif /* TRACER_BPF_FILTER_H */
