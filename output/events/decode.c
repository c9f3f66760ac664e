/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* decode.c - validate raw records, keep the process cache, emit events.
 *
 * Every length in a record is checked against the record's size before it
 * is used: the same code decodes the ring buffer and, later, capture files
 * that may be damaged or hostile. No syscalls and no allocation per event
 * (the cache recycles its records).
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "output/events/container.h"
#include "output/events/decode.h"

/* Base64 of as much of in as fits out[cap] (whole groups of three). */
static void base64(char *out, size_t cap, const unsigned char *in, size_t n)
{
	size_t max = (cap - 1) / 4 * 3;

	EVP_EncodeBlock((unsigned char *)out, in, (int)(n < max ? n : max));
}

void make_exec_id(char out[64], const char *node, uint64_t ktime, uint32_t pid)
{
	char raw[48];
	int n = snprintf(raw, sizeof(raw), "%.16s:%llu:%u", node, (unsigned long long)ktime, pid);

	base64(out, 64, (const unsigned char *)raw, n < (int)sizeof(raw) ? (size_t)n : sizeof(raw) - 1);
}

static int64_t boot_to_wall(void)
{
	struct timespec rt, bt;

	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_BOOTTIME, &bt);
	return (int64_t)(rt.tv_sec - bt.tv_sec) * 1000000000 + (rt.tv_nsec - bt.tv_nsec);
}

int decoder_init(struct decoder *d, uint32_t max_procs, event_sink sink, void *ctx)
{
	memset(d, 0, sizeof(*d));
	d->cache = proc_cache_new(max_procs);
	if (!d->cache)
		return -1;
	if (gethostname(d->node_name, sizeof(d->node_name) - 1))
		strcpy(d->node_name, "localhost");
	d->host.node_name = d->node_name;
	d->boot_to_wall_ns = boot_to_wall();
	d->kinds = ~0u;
	d->sink = sink;
	d->sink_ctx = ctx;
	return 0;
}

void decoder_free(struct decoder *d)
{
	proc_cache_free(d->cache);
	d->cache = NULL;
}

static uint64_t wall(const struct decoder *d, uint64_t boot_ns)
{
	return boot_ns + d->boot_to_wall_ns;
}

/* Length of a string field within [p, p + n): up to the first NUL. */
static size_t field_strlen(const char *p, size_t n)
{
	const char *z = memchr(p, 0, n);

	return z ? (size_t)(z - p) : n;
}

/* Makes the binary absolute against cwd: "./x" in /tmp is "/tmp/x". */
static void absolute_binary(struct decoder *d, struct proc_strings *s)
{
	const char *b = s->binary;
	size_t n = s->binary_len;
	int len;

	if (!n || b[0] == '/' || !s->cwd_len)
		return;
	while (n >= 2 && b[0] == '.' && b[1] == '/')
		b += 2, n -= 2;
	len = snprintf(d->path, sizeof(d->path), "%.*s%s%.*s", (int)s->cwd_len, s->cwd,
		       s->cwd[s->cwd_len - 1] == '/' ? "" : "/", (int)n, b);
	s->binary = d->path;
	s->binary_len = len < (int)sizeof(d->path) ? (size_t)len : sizeof(d->path) - 1;
}

/* argv as the kernel copied it: skip argv[0], count the rest. A cut-off
 * last string has no NUL; the cache adds one. */
static void split_args(const char *a, size_t n, struct proc_strings *s)
{
	size_t first = field_strlen(a, n), i;

	s->args = a;
	s->args_len = 0;
	s->argc = 0;
	if (first >= n)
		return;
	s->args = a + first + 1;
	s->args_len = n - first - 1;
	while (s->args_len && s->args[s->args_len - 1] == 0)
		s->args_len--;
	if (!s->args_len)
		return;
	s->argc = 1;
	for (i = 0; i < s->args_len; i++)
		s->argc += s->args[i] == 0;
}

/* "v2 path\0v1 path\0" into the two cgroup strings. */
static void cgroup_strings(const char *cg, size_t n, struct proc_strings *s)
{
	s->cgroup = cg;
	s->cgroup_len = field_strlen(cg, n);
	s->cgroup_v1 = "";
	s->cgroup_v1_len = 0;
	if (s->cgroup_len + 1 < n) {
		s->cgroup_v1 = cg + s->cgroup_len + 1;
		s->cgroup_v1_len = field_strlen(s->cgroup_v1, n - s->cgroup_len - 1);
	}
}

/* A move of pid later in this batch, if any. */
static const struct event_cgroup *later_move(const struct decoder *d, uint32_t pid)
{
	int i;

	for (i = d->nhints - 1; i >= 0; i--)
		if (d->hints[i].pid == pid && d->hints[i].at > d->at)
			return d->hints[i].rec;
	return NULL;
}

/* Takes the cgroup of a move that follows shortly, if there is one. */
static void apply_later_move(const struct decoder *d, uint32_t pid, struct proc_strings *s)
{
	const struct event_cgroup *m = later_move(d, pid);

	if (m)
		cgroup_strings((const char *)(m + 1), m->cgroup_len, s);
}

/* Validates an event_proc and splits its data into strings. */
static int proc_strings(const struct event_proc *e, size_t size, struct proc_strings *s)
{
	const char *data = (const char *)(e + 1), *cg;
	size_t total = (size_t)e->binary_len + e->cwd_len + e->args_len + e->cgroup_len;

	if (size < sizeof(*e) || total > size - sizeof(*e))
		return -1;
	s->binary = data;
	s->binary_len = field_strlen(data, e->binary_len);
	s->cwd = data + e->binary_len;
	s->cwd_len = field_strlen(s->cwd, e->cwd_len);
	split_args(s->cwd + e->cwd_len, e->args_len, s);
	cg = s->cwd + e->cwd_len + e->args_len;
	cgroup_strings(cg, e->cgroup_len, s);
	return 0;
}

/* Whether r is its container's init (pid 1 inside) or a fork of one: a
 * process a runtime exec'd into the container has a parent outside it.
 * Host processes are in no container's tree (Tetragon's in_init_tree). */
static bool in_init_tree(const struct decoder *d, const struct proc_rec *r,
			 const struct proc_rec *parent)
{
	if (!d->host.ns[NS_PID] || r->ns[NS_PID] == d->host.ns[NS_PID])
		return false;
	if (r->nspid == 1)
		return true;
	return parent && parent->in_init_tree && parent->ns[NS_PID] == r->ns[NS_PID];
}

/* What an exec changed, told as Tetragon's bprm_committing_creds hook tells
 * it, from the creds after the exec alone (the record's creds from before
 * are those of the last exec or fork, stale after a setuid() call): the
 * kernel marks an exec privileged when euid or egid then differ from uid
 * or gid (a set-user-ID or set-group-ID binary, or ids kept through the
 * exec), and a non-root process holds permitted capabilities after one
 * only from the file's (or ambient ones, which the record does not tell
 * apart). A memfd (or other unlinked pseudo file) is named "... (deleted)"
 * by the kernel's path walk. */
static uint8_t exec_changes(const struct proc_rec *r, const struct proc_strings *s)
{
	const struct event_creds *b = &r->creds;
	static const char del[] = " (deleted)";
	size_t n = s->binary_len, k = sizeof(del) - 1;
	uint8_t x = 0;

	if (b->euid != b->uid)
		x |= BP_SETUID | (b->uid && !b->euid ? BP_RAISED_SETUID : 0);
	if (b->egid != b->gid)
		x |= BP_SETGID | (b->gid && !b->egid ? BP_RAISED_SETGID : 0);
	if (b->uid && b->euid && b->cap_permitted)
		x |= BP_RAISED_FILE_CAP;
	if (n >= k && !memcmp(s->binary + n - k, del, k))
		x |= BP_UNLINKED;
	return x;
}

static void proc_from_event(struct decoder *d, const struct event_proc *e, struct proc_rec *r)
{
	const struct proc_rec *parent;

	memset(r, 0, sizeof(*r));
	r->pid = e->pid;
	r->tid = e->tid;
	r->ppid = e->ppid;
	r->nspid = e->nspid;
	r->creds = e->creds;
	memcpy(r->ns, e->ns, sizeof(r->ns));
	r->cgroup_id = e->cgroup_id;
	r->ktime = e->start_ktime;
	r->start_ns = wall(d, e->start_ktime);
	/* stdio is the exec's, not the process's */
	r->flags = e->flags & ~(PROC_F_BP_MASK | PROC_F_STDIO | PROC_F_BINFILE);
	if (e->hdr.type == EV_SCAN) /* a capture's snapshot: the exec's properties */
		r->secureexec = (e->flags & PROC_F_BP_MASK) >> PROC_F_BP_SHIFT;
	make_exec_id(r->exec_id, d->node_name, r->ktime, r->pid);
	parent = e->ppid != e->pid ? proc_cache_get(d->cache, e->ppid) : NULL;
	if (parent)
		memcpy(r->parent_exec_id, parent->exec_id, sizeof(r->parent_exec_id));
	r->in_init_tree = in_init_tree(d, r, parent);
}

/* The container of a record, looked up when it prints: the lookup is a
 * cached hash for known cgroups, and the result outlives the call. */
static void resolve_container(struct decoder *d, const struct proc_rec *r)
{
	struct proc_rec *w = (struct proc_rec *)r; /* the decoder owns the cache */
	const struct container_info *ci = NULL;

	if (!r || !d->containers)
		return;
	/* Every runtime gives a container its own mount namespace: an
	 * unprivileged process in the host's is a host process whatever its
	 * cgroup is called (a user with a delegated subtree names cgroups as
	 * they like). Root's are the runtime's own steps (a shim or launcher
	 * placing itself in the cgroup before it unshares), and root could
	 * make a container anyway. */
	if (d->host.ns[NS_MNT] && r->ns[NS_MNT] == d->host.ns[NS_MNT] && r->creds.euid != 0) {
		w->container = NULL;
		return;
	}
	if (r->cgroup && *r->cgroup)
		ci = container_lookup(d->containers, r->cgroup);
	if (!ci && r->cgroup_v1 && *r->cgroup_v1 && strcmp(r->cgroup_v1, r->cgroup))
		ci = container_lookup(d->containers, r->cgroup_v1);
	w->container = ci;
	if (ci && d->on_container && !(ci->flags & CT_F_NOTED))
		d->on_container(d->hook_ctx, (struct container_info *)ci);
}

static bool prefix_of(const char *pfx, const char *s)
{
	return !strncmp(s, pfx, strlen(pfx));
}

static bool listed(const struct scope_filter *f, const struct proc_rec *p)
{
	int i;

	for (i = 0; i < f->npids; i++)
		if (f->pids[i] == p->pid)
			break;
	if (f->npids && i == f->npids)
		return false;
	for (i = 0; i < f->nbinaries; i++)
		if (!strcmp(f->binaries[i], p->binary))
			break;
	return !f->nbinaries || i < f->nbinaries;
}

static bool in_scope(const struct decoder *d, const struct tr_event *ev)
{
	const struct scope_filter *f = &d->scope;
	const struct container_info *ci = ev->proc->container;
	const char *ns = ev->hook ? ev->hook->k8s_namespace : NULL;

	if (!listed(f, ev->proc))
		return false;
	if (f->host_only && !proc_on_host(&d->host, ev->proc))
		return false;
	if (f->container_only && proc_on_host(&d->host, ev->proc))
		return false;
	if (f->container_id && (!ci || !prefix_of(f->container_id, ci->id)))
		return false;
	if (f->pod_name && (!ci || strcmp(f->pod_name, ci->pod_name)))
		return false;
	if (f->pod_namespace && (!ci || strcmp(f->pod_namespace, ci->pod_namespace)))
		return false;
	/* TracingPolicyNamespaced: pods of its namespace only, never the host */
	return !ns || (ci && !strcmp(ns, ci->pod_namespace));
}

/* A container's init (pid 1 in its own pid namespace) ends its chain,
 * as the host's init ends a host process's. */
static bool chain_top(const struct decoder *d, const struct proc_rec *p)
{
	return p->pid <= 1 || p->ppid == 0 ||
	       (p->nspid == 1 && p->ns[NS_PID] != d->host.ns[NS_PID]);
}

/* --ancestors: beyond the parent, nearest first, as the cache links them. */
static void fill_ancestors(struct decoder *d, struct tr_event *ev)
{
	const struct proc_rec *p = ev->parent;
	int n = 0;

	while (p && !chain_top(d, p) && n < PROC_ANCESTRY_MAX) {
		p = proc_cache_parent(p);
		if (!p)
			break;
		resolve_container(d, p);
		d->anc[n++] = p;
	}
	ev->ancestors = d->anc;
	ev->nancestors = n;
}

static void emit(struct decoder *d, struct tr_event *ev)
{
	if (!(d->kinds & (1u << ev->kind)))
		return;
	resolve_container(d, ev->proc);
	resolve_container(d, ev->parent);
	if (d->ancestors)
		fill_ancestors(d, ev);
	if (!in_scope(d, ev)) {
		d->filtered++;
		return;
	}
	d->sink(d->sink_ctx, ev);
}

/* The trailers after an event_proc's strings, copied out (they sit after
 * strings of any length, so they are not aligned in the record): an exec's
 * stdio (PROC_F_STDIO), then the executed file's inode (PROC_F_BINFILE, an
 * exec or a capture's snapshot of one). A record too short for what its
 * flags announce is malformed; older records have no such flags. */
struct proc_trailers {
	bool has_stdio, has_bin;
	struct event_stdio st;
	struct event_binfile bf;
};

static int trailer(const struct event_proc *e, size_t size, size_t *off, void *to, size_t n)
{
	if (size < *off || size - *off < n)
		return -1;
	memcpy(to, (const char *)e + *off, n);
	*off += n;
	return 0;
}

static int proc_trailers(const struct event_proc *e, size_t size, struct proc_trailers *t)
{
	size_t off = sizeof(*e) + (size_t)e->binary_len + e->cwd_len + e->args_len + e->cgroup_len;

	t->has_stdio = e->hdr.type == EV_EXEC && (e->flags & PROC_F_STDIO);
	t->has_bin = e->flags & PROC_F_BINFILE;
	if (t->has_stdio && trailer(e, size, &off, &t->st, sizeof(t->st)))
		return -1;
	if (t->has_bin && trailer(e, size, &off, &t->bf, sizeof(t->bf)))
		return -1;
	return 0;
}

/* The executed file's inode; a file with no links left is Tetragon's
 * unlinked binary (records without the inode: told by its name). */
static void proc_binfile(struct proc_rec *r, const struct proc_trailers *t)
{
	if (!t->has_bin)
		return;
	r->bin_ino = t->bf.ino;
	r->bin_nlink = t->bf.nlink;
	r->bin_known = true;
	r->secureexec &= ~BP_UNLINKED;
	if (!t->bf.nlink && t->bf.ino)
		r->secureexec |= BP_UNLINKED;
}

static int on_proc(struct decoder *d, const struct event_proc *e, size_t size)
{
	struct proc_strings s;
	struct proc_rec r;
	struct tr_event ev = {.kind = TR_EXEC};
	struct proc_trailers t;

	if (proc_trailers(e, size, &t) || proc_strings(e, size, &s))
		return -1;
	if (e->hdr.type == EV_EXEC) {
		absolute_binary(d, &s);
		apply_later_move(d, e->pid, &s);
	}
	proc_from_event(d, e, &r);
	if (e->hdr.type == EV_EXEC)
		r.secureexec = exec_changes(&r, &s);
	proc_binfile(&r, &t);
	if (d->on_raw && e->hdr.type == EV_EXEC) /* -w: its event is in the capture */
		r.flags |= PROC_F_CAPTURED;
	ev.proc = proc_cache_put(d->cache, &r, &s);
	if (!ev.proc) { /* out of memory: its old record would misname it */
		proc_cache_del(d->cache, e->pid);
		d->dropped++;
		return 0;
	}
	if (e->hdr.type != EV_EXEC)
		return 0;
	ev.time_ns = wall(d, e->hdr.ktime);
	ev.parent = proc_cache_parent(ev.proc);
	ev.stdio = t.has_stdio ? &t.st : NULL;
	emit(d, &ev);
	return 0;
}

static int on_fork(struct decoder *d, const struct event_fork *e)
{
	const struct proc_rec *p = proc_cache_get(d->cache, e->ppid);
	struct proc_strings s;
	struct proc_rec r;

	if (!p)
		return 0;
	r = *p;
	r.pid = r.tid = e->pid;
	r.ppid = e->ppid;
	r.ktime = e->start_ktime;
	r.start_ns = wall(d, e->start_ktime);
	r.flags = PROC_F_CLONE | (p->flags & ~(PROC_F_EXECVE | PROC_F_PROCFS | PROC_F_CAPTURED));
	if (d->on_raw)
		r.flags |= PROC_F_CAPTURED;
	r.nspid = e->nspid;
	memcpy(r.ns, e->ns, sizeof(r.ns)); /* the child's own: a fork may enter new ones */
	r.in_init_tree = in_init_tree(d, &r, p);
	make_exec_id(r.exec_id, d->node_name, r.ktime, r.pid);
	memcpy(r.parent_exec_id, p->exec_id, sizeof(r.parent_exec_id));
	s = (struct proc_strings){p->binary, strlen(p->binary), p->cwd, strlen(p->cwd),
				  p->args, p->args_len, p->argc, p->cgroup, strlen(p->cgroup),
				  p->cgroup_v1, strlen(p->cgroup_v1)};
	apply_later_move(d, e->pid, &s);
	if (!proc_cache_put(d->cache, &r, &s))
		d->dropped++; /* the child stays unknown: its events print as such */
	return 0;
}

/* The process now lives in another cgroup: later events, and its children,
 * carry it. The record is replaced; children keep the one they link. */
static int on_cgroup(struct decoder *d, const struct event_cgroup *e, size_t size)
{
	const struct proc_rec *p = proc_cache_get(d->cache, e->pid);
	struct proc_strings s;
	struct proc_rec r;

	if (size < sizeof(*e) || e->cgroup_len > size - sizeof(*e))
		return -1;
	if (!p)
		return 0;
	r = *p;
	s = (struct proc_strings){p->binary, strlen(p->binary), p->cwd, strlen(p->cwd),
				  p->args, p->args_len, p->argc};
	cgroup_strings((const char *)(e + 1), e->cgroup_len, &s);
	if (!proc_cache_put(d->cache, &r, &s)) { /* never the old cgroup as the new */
		proc_cache_del(d->cache, e->pid);
		d->dropped++;
	}
	return 0;
}

static int on_exit_rec(struct decoder *d, const struct event_exit *e)
{
	struct tr_event ev = {.kind = TR_EXIT};

	ev.proc = proc_cache_get(d->cache, e->pid);
	if (!ev.proc) {
		d->orphan_exits++;
		return 0;
	}
	ev.time_ns = wall(d, e->hdr.ktime);
	ev.parent = proc_cache_parent(ev.proc);
	ev.exit_signal = e->exit_code & 0x7f;
	ev.exit_status = ev.exit_signal ? 0 : (e->exit_code >> 8) & 0xff;
	emit(d, &ev);
	proc_cache_del(d->cache, e->pid);
	return 0;
}

/* A socket's tuple, and its cookie where the record has one (struct
 * sock_arg; a sockaddr and older records: the tuple alone). */
static void arg_sock(struct tr_arg *a)
{
	memcpy(&a->sock, a->str, sizeof(a->sock));
	if (a->kind != AK_SOCKADDR_USER && a->len >= sizeof(struct sock_arg))
		memcpy(&a->cookie, a->str + offsetof(struct sock_arg, cookie), sizeof(a->cookie));
}

/* The typed value of a decoded argument, from its data (a->str, a->len). */
static void arg_value(struct tr_arg *a, uint16_t mode)
{
	if ((a->kind == AK_INT || a->kind == AK_UINT || a->kind == AK_CAP) && a->len >= 8)
		memcpy(&a->ival, a->str, 8);
	else if (a->kind == AK_SOCKADDR_USER && (a->flags & ARG_F_UNIX))
		a->sock.family = AF_UNIX; /* str: its path */
	else if (a->len >= sizeof(a->sock) &&
		 (a->kind == AK_SOCK || a->kind == AK_SOCKADDR_USER ||
		  (a->kind == AK_FD && (a->flags & ARG_F_SOCK))))
		arg_sock(a);
	else if (a->kind == AK_CRED && a->len >= sizeof(a->cred))
		memcpy(&a->cred, a->str, sizeof(a->cred));
	else
		a->mode = mode; /* files and paths */
}

/* Decodes the encoded arguments after an event_hook, bounds checked. */
static int hook_args(struct decoder *d, const struct event_hook *e, size_t size, int nargs)
{
	const char *p = (const char *)(e + 1), *end = (const char *)e + size;
	int i;

	for (i = 0; i < nargs; i++) {
		const struct arg_hdr *ah = (const void *)p;
		struct tr_arg *a = &d->args[i];

		if (end - p < (long)sizeof(*ah) || ah->len > end - p - sizeof(*ah))
			return -1;
		memset(a, 0, sizeof(*a));
		a->kind = ah->kind;
		a->flags = ah->flags;
		a->str = p + sizeof(*ah);
		a->len = ah->len;
		arg_value(a, ah->mode);
		p += sizeof(*ah) + ((ah->len + 7) & ~7u);
		if (p > end)
			p = end;
	}
	return 0;
}

/* The process of a policy event: live, or just exited (a relay shell is
 * reported when its last relay connects, maybe after the shell is gone);
 * a stub when we never learned it. */
static const struct proc_rec *hook_proc(struct decoder *d, uint32_t pid, uint32_t tid)
{
	const struct proc_rec *p = proc_cache_get(d->cache, pid);

	if (p || (p = proc_cache_get_exited(d->cache, pid)))
		return p;
	memset(&d->stub, 0, sizeof(d->stub));
	d->stub.pid = pid;
	d->stub.tid = tid;
	d->stub.binary = d->stub.cwd = d->stub.args = d->stub.cgroup = d->stub.cgroup_v1 = "";
	make_exec_id(d->stub.exec_id, d->node_name, 0, pid);
	return &d->stub;
}

/* An exited record has let go of its parent: the live one, if the same. */
static const struct proc_rec *hook_parent(struct decoder *d, const struct proc_rec *p)
{
	const struct proc_rec *up;

	if (p == &d->stub)
		return NULL;
	if ((up = proc_cache_parent(p)) || p->ppid == p->pid)
		return up;
	up = proc_cache_get(d->cache, p->ppid);
	return up && p->parent_exec_id[0] &&
		       !strncmp(up->exec_id, p->parent_exec_id, sizeof(up->exec_id)) ? up : NULL;
}

static int on_hook(struct decoder *d, const struct event_hook *e, size_t size)
{
	struct tr_event ev = {0};
	const struct tr_hook_info *hi;

	if (size < sizeof(*e) || e->hook_id >= (uint32_t)d->nhooks)
		return -1;
	hi = &d->hooks[e->hook_id];
	if (e->nargs > HOOK_MAX_ARGS || hook_args(d, e, size, e->nargs))
		return -1;
	ev.kind = hi->kind;
	ev.time_ns = wall(d, e->hdr.ktime);
	ev.proc = hook_proc(d, e->pid, e->tid);
	ev.parent = hook_parent(d, ev.proc);
	ev.hook = hi;
	ev.args = d->args;
	ev.nargs = e->nargs;
	ev.ret = e->ret;
	ev.action = e->action;
	ev.monitor = e->monitor;
	emit(d, &ev);
	return 0;
}

int decode_record(struct decoder *d, const void *data, size_t size)
{
	const struct event_header *h = data;
	int r = -1;

	if (size < sizeof(*h) || h->size > size || h->size < sizeof(*h) || h->type >= EV_MAX)
		goto bad;
	size = h->size;
	d->seen[h->type]++;
	switch (h->type) {
	case EV_EXEC:
	case EV_SCAN:
		r = on_proc(d, data, size);
		break;
	case EV_FORK:
		r = size >= sizeof(struct event_fork) ? on_fork(d, data) : -1;
		break;
	case EV_EXIT:
		r = size >= sizeof(struct event_exit) ? on_exit_rec(d, data) : -1;
		break;
	case EV_HOOK:
		r = on_hook(d, data, size);
		break;
	case EV_CGROUP: /* a hint-only copy (captures) was used by decode_batch */
		r = h->flags & EV_F_HINT ? 0 : on_cgroup(d, data, size);
		break;
	case EV_BATCH: /* a capture's drain boundary: decode_batch() saw it */
		r = 0;
		break;
	case EV_HOST:
		if (size >= sizeof(struct event_proc)) {
			memcpy(d->host.ns, ((const struct event_proc *)data)->ns, sizeof(d->host.ns));
			r = 0;
		}
		break;
	}
	if (!r)
		return 0;
bad:
	d->malformed++;
	return -1;
}

/* --- batches ------------------------------------------------------------- */

int batch_init(struct batch *b, size_t cap, uint32_t max)
{
	memset(b, 0, sizeof(*b));
	b->buf = malloc(cap);
	b->off = malloc(max * sizeof(*b->off));
	if (!b->buf || !b->off) {
		batch_free(b);
		return -1;
	}
	b->cap = cap;
	b->max = max;
	return 0;
}

int batch_add(struct batch *b, const void *data, size_t size)
{
	size_t at = (b->len + 7) & ~(size_t)7;

	if (b->n == b->max || size > b->cap || at > b->cap - size)
		return -1;
	memcpy(b->buf + at, data, size);
	b->off[b->n++] = at;
	b->len = at + size;
	return 0;
}

void batch_free(struct batch *b)
{
	free(b->buf);
	free(b->off);
	memset(b, 0, sizeof(*b));
}

static size_t rec_size(const struct batch *b, uint32_t i)
{
	size_t end = i + 1 < b->n ? b->off[i + 1] : b->len;

	return end - b->off[i];
}

/* A cgroup move of the batch usable as lookahead: every length inside it
 * checked as decode_record() would (a capture's record is untrusted). */
static const struct event_cgroup *move_at(const struct batch *b, uint32_t i)
{
	const struct event_cgroup *e = (const void *)(b->buf + b->off[i]);
	size_t size = rec_size(b, i);

	if (size < sizeof(*e) || e->hdr.type != EV_CGROUP || e->hdr.size > size ||
	    e->hdr.size < sizeof(*e) || e->cgroup_len > e->hdr.size - sizeof(*e))
		return NULL;
	return e;
}

void decode_batch(struct decoder *d, const struct batch *b)
{
	decode_batch_upto(d, b, b->n);
}

void decode_batch_upto(struct decoder *d, const struct batch *b, uint32_t n)
{
	uint32_t i;

	d->nhints = 0;
	for (i = 0; i < b->n && d->nhints < (int)(sizeof(d->hints) / sizeof(d->hints[0])); i++) {
		const struct event_cgroup *e = move_at(b, i);

		if (e)
			d->hints[d->nhints++] = (struct move_hint){e->pid, i, e};
	}
	for (i = 0; i < n && i < b->n; i++) {
		d->at = i;
		if (d->on_raw)
			d->on_raw(d->hook_ctx, b->buf + b->off[i], rec_size(b, i));
		decode_record(d, b->buf + b->off[i], rec_size(b, i));
	}
	d->nhints = 0;
}

/* Keeps records [from, n) for the next batch, at its front. */
uint32_t batch_ready(const struct batch *b, uint64_t now_ns)
{
	uint64_t cut = now_ns - BATCH_HOLD_NS;
	uint32_t n = b->n;

	while (n && ((const struct event_header *)(b->buf + b->off[n - 1]))->ktime > cut)
		n--;
	return n;
}

void batch_keep_tail(struct batch *b, uint32_t from)
{
	uint32_t i, base;

	if (from >= b->n) {
		b->n = 0;
		b->len = 0;
		return;
	}
	base = b->off[from];
	memmove(b->buf, b->buf + base, b->len - base);
	for (i = from; i < b->n; i++)
		b->off[i - from] = b->off[i] - base;
	b->n -= from;
	b->len -= base;
}
