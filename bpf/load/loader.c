/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* loader.c - open -> size maps and set rodata -> load -> attach; drain. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpf/load/loader.h"
#include "process.skel.h"
#include "process_compat.skel.h"

static int libbpf_quiet(enum libbpf_print_level lvl, const char *fmt, va_list ap)
{
	(void)lvl;
	(void)fmt;
	(void)ap;
	return 0;
}

static int libbpf_loud(enum libbpf_print_level lvl, const char *fmt, va_list ap)
{
	if (lvl == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static int ring_cb(void *ctx, void *data, size_t size)
{
	struct loader *l = ctx;

	/* A negative return stops this drain (a signal, or -c reached). */
	return l->on_record(l->ctx, data, size);
}

static int fail(char *err, size_t n, int rc, const char *what)
{
	snprintf(err, n, "%s: %s", what, strerror(rc < 0 ? -rc : rc));
	return rc < 0 ? rc : -rc;
}

/* The variants differ in bpf_loop (5.17) above all: the modern objects
 * call it, the compat ones loop by hand. Probed on a raw tracepoint
 * program, a type every kernel we run on loads; an unknown answer keeps
 * the modern objects. TRACER_FORCE_COMPAT=1 loads the compat objects on
 * any kernel: for tests only. */
static bool want_compat(void)
{
	const char *force = getenv("TRACER_FORCE_COMPAT");

	if (force && *force && strcmp(force, "0"))
		return true;
	return libbpf_probe_bpf_helper(BPF_PROG_TYPE_RAW_TRACEPOINT, BPF_FUNC_loop, NULL) == 0;
}

/* The two skeletons differ in type only: the same knobs for either. */
#define PROC_KNOBS(p, o)                                                               \
	do {                                                                           \
		(p)->rodata->wakeup_bytes = (o)->wakeup_bytes;                         \
		(p)->rodata->track_bins = (o)->track_bins;                             \
		(p)->rodata->track_relay = (o)->track_relay;                           \
		(p)->rodata->relay_hook_id = (o)->relay_hook_id;                       \
		bpf_program__set_autoload((p)->progs.on_sock_state, (o)->track_relay); \
		bpf_program__set_autoload((p)->progs.on_exec_relay, (o)->track_relay); \
	} while (0)

/* Opens the chosen variant and sets its rodata; the rest goes through
 * the bpf_object. */
static int proc_open(struct loader *l, const struct loader_opts *o)
{
	if (l->compat) {
		struct process_compat_bpf *p = process_compat_bpf__open();

		if (!p)
			return -errno;
		PROC_KNOBS(p, o);
		l->proc_compat = p;
		l->obj = p->obj;
	} else {
		struct process_bpf *p = process_bpf__open();

		if (!p)
			return -errno;
		PROC_KNOBS(p, o);
		l->proc = p;
		l->obj = p->obj;
	}
	return bpf_map__set_max_entries(bpf_object__find_map_by_name(l->obj, "events"),
					o->ringbuf_bytes);
}

/* The shells relay tracking watches, by basename (longer names cannot
 * be one: they are left out). */
static int relay_bins_fill(struct loader *l, const struct loader_opts *o)
{
	int fd = loader_map_fd(l, "relay_bins"), i;
	__u8 one = 1;

	for (i = 0; i < o->nrelay_bins; i++) {
		char key[RELAY_NAME_LEN] = {0};

		if (strlen(o->relay_bins[i]) >= sizeof(key))
			continue;
		memcpy(key, o->relay_bins[i], strlen(o->relay_bins[i]));
		if (bpf_map_update_elem(fd, key, &one, BPF_ANY))
			return -errno;
	}
	return 0;
}

static int proc_load_attach(struct loader *l, const struct loader_opts *o, char *err,
			    size_t errlen)
{
	int rc = l->compat ? process_compat_bpf__load(l->proc_compat) : process_bpf__load(l->proc);

	if (rc)
		return fail(err, errlen, rc,
			    "cannot load the process BPF programs (need root and a kernel with BTF)");
	rc = relay_bins_fill(l, o);
	if (rc)
		return fail(err, errlen, rc, "cannot fill relay_bins");
	rc = l->compat ? process_compat_bpf__attach(l->proc_compat) : process_bpf__attach(l->proc);
	if (rc)
		return fail(err, errlen, rc, "cannot attach sched_process_{exec,exit,fork}");
	l->scan = l->compat ? l->proc_compat->links.scan_tasks : l->proc->links.scan_tasks;
	return 0;
}

int loader_map_fd(const struct loader *l, const char *name)
{
	return bpf_map__fd(bpf_object__find_map_by_name(l->obj, name));
}

/* The maps the hook objects share with this one, created before either
 * loads: then the two load at once, this one on a thread of its own. */
static const char *const shared_maps[] = {"walk_buf", "events", "drops", "scratch_map",
					  "proc_bins"};

static int create_shared_maps(struct loader *l)
{
	size_t i;
	int fd, rc;

	for (i = 0; i < sizeof(shared_maps) / sizeof(shared_maps[0]); i++) {
		struct bpf_map *m = bpf_object__find_map_by_name(l->obj, shared_maps[i]);
		LIBBPF_OPTS(bpf_map_create_opts, mo, .map_flags = m ? bpf_map__map_flags(m) : 0);

		if (!m)
			return -ENOENT;
		fd = bpf_map_create(bpf_map__type(m), shared_maps[i], bpf_map__key_size(m),
				    bpf_map__value_size(m), bpf_map__max_entries(m), &mo);
		if (fd < 0)
			return -errno;
		rc = bpf_map__reuse_fd(m, fd); /* keeps a dup */
		close(fd);
		if (rc)
			return rc;
	}
	return 0;
}

int loader_open(struct loader *l, const struct loader_opts *o, record_fn fn, void *ctx,
		char *err, size_t errlen)
{
	int rc;

	memset(l, 0, sizeof(*l));
	l->on_record = fn;
	l->ctx = ctx;
	libbpf_set_print(o->verbose ? libbpf_loud : libbpf_quiet);
	l->compat = want_compat();
	l->track_bins = o->track_bins;
	l->wakeup_bytes = o->wakeup_bytes;
	l->track_relay = o->track_relay;
	rc = proc_open(l, o);
	if (rc)
		return fail(err, errlen, rc, "cannot open the process BPF object");
	rc = create_shared_maps(l);
	if (rc)
		return fail(err, errlen, rc, "cannot create the ring buffer and shared maps");
	return 0;
}

int loader_load(struct loader *l, const struct loader_opts *o, char *err, size_t errlen)
{
	int rc = proc_load_attach(l, o, err, errlen);

	if (rc)
		return rc;
	l->rb = ring_buffer__new(loader_map_fd(l, "events"), ring_cb, l, NULL);
	if (!l->rb)
		return fail(err, errlen, -errno, "cannot map the ring buffer");
	l->drops = mmap(NULL, sysconf(_SC_PAGESIZE), PROT_READ, MAP_SHARED,
			loader_map_fd(l, "drops"), 0);
	if (l->drops == MAP_FAILED) {
		l->drops = NULL;
		return fail(err, errlen, -errno, "cannot map the drop counters");
	}
	return 0;
}

/* Seeds proc_bins with a process that predates us (its resolved exe). */
static void bins_scan(struct loader *l, const struct event_proc *e)
{
	const char *bin = (const char *)(e + 1);
	struct proc_bin pb = {.ppid = e->ppid, .exec_ktime = e->start_ktime};
	size_t n = strnlen(bin, e->binary_len);

	if (!n || n >= sizeof(pb.bin) || e->hdr.size < sizeof(*e) + e->binary_len)
		return;
	memcpy(pb.bin, bin, n);
	pb.len = n;
	pb.hash = bin_hash(pb.bin, n);
	bpf_map_update_elem(loader_map_fd(l, "proc_bins"), &e->pid, &pb, BPF_ANY);
}

/* Reads up to n bytes of /proc/PID/cmdline; returns the count, 0 when the
 * process is gone. */
static size_t read_cmdline(uint32_t pid, char *buf, size_t n)
{
	char path[32];
	size_t len = 0;
	ssize_t r;
	int fd;

	snprintf(path, sizeof(path), "/proc/%u/cmdline", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	while (len < n && ((r = read(fd, buf + len, n - len)) > 0 || (r < 0 && errno == EINTR)))
		len += r > 0 ? (size_t)r : 0;
	close(fd);
	return len;
}

/* A compat scan record has no argv (no bpf_copy_from_user_task before
 * 5.18): rebuilds it in out with argv from procfs, read once, cut like
 * the kernel's copy at ARGS_MAX_LEN - 1 bytes and left raw (the decoder
 * escapes it). Returns the record to pass on. */
static const struct event_header *scan_fill_args(const struct event_proc *e, char *out)
{
	size_t head = sizeof(*e) + (size_t)e->binary_len + e->cwd_len, n;
	struct event_proc *ne = (void *)out;

	if (e->args_len || e->hdr.size != head + e->cgroup_len ||
	    head + ARGS_MAX_LEN + e->cgroup_len > EVENT_PROC_MAX)
		return &e->hdr; /* not the layout the kernel writes: the decoder judges */
	memcpy(out, e, head);
	n = read_cmdline(e->pid, out + head, ARGS_MAX_LEN);
	if (n > ARGS_MAX_LEN - 1) {
		n = ARGS_MAX_LEN - 1;
		ne->flags |= PROC_F_ARGS_TRUNC;
	}
	memcpy(out + head + n, (const char *)e + head, e->cgroup_len);
	ne->flags &= ~PROC_F_ARGS_LATER;
	ne->args_len = n;
	ne->hdr.size = head + n + e->cgroup_len;
	return &ne->hdr;
}

/* Parses the iterator's output: whole records back to back. */
static int scan_parse(struct loader *l, const char *buf, size_t len)
{
	static char filled[EVENT_PROC_MAX] __attribute__((aligned(8)));
	/* the iterator packs records without padding: each is read aligned */
	static char rec[EVENT_PROC_MAX] __attribute__((aligned(8)));
	size_t off = 0;

	while (len - off >= sizeof(struct event_header)) {
		const struct event_header *h = (const void *)rec;
		const struct event_proc *e = (const void *)rec;
		uint32_t size;

		memcpy(&size, buf + off + offsetof(struct event_header, size), sizeof(size));
		if (size < sizeof(*h) || size > len - off || size > sizeof(rec))
			return -EPROTO;
		memcpy(rec, buf + off, size);
		off += size;
		if (h->type != EV_SCAN || h->size < sizeof(*e))
			goto pass;
		if (e->flags & PROC_F_ARGS_LATER)
			h = scan_fill_args(e, filled);
		if (l->track_bins)
			bins_scan(l, (const void *)h);
pass:
		l->on_record(l->ctx, h, h->size);
	}
	return off == len ? 0 : -EPROTO;
}

int loader_scan(struct loader *l)
{
	size_t cap = 1 << 20, len = 0;
	char *buf = malloc(cap);
	int fd, rc = 0;
	ssize_t n;

	if (!buf)
		return -ENOMEM;
	fd = bpf_iter_create(bpf_link__fd(l->scan));
	if (fd < 0) {
		free(buf);
		return -errno;
	}
	while ((n = read(fd, buf + len, cap - len)) > 0 || (n < 0 && errno == EINTR)) {
		len += n > 0 ? (size_t)n : 0;
		if (cap - len < 65536) {
			char *nb = realloc(buf, cap * 2);

			if (!nb) {
				rc = -ENOMEM;
				break;
			}
			buf = nb;
			cap *= 2;
		}
	}
	if (n < 0 && !rc)
		rc = -errno;
	close(fd);
	if (!rc)
		rc = scan_parse(l, buf, len);
	free(buf);
	return rc;
}

int loader_poll(struct loader *l, int timeout_ms)
{
	int rc = ring_buffer__poll(l->rb, timeout_ms);

	if (rc < 0)
		return rc;
	/* Records submitted without a wakeup are only found by a drain. */
	return ring_buffer__consume(l->rb);
}

uint64_t loader_drops(const struct loader *l, uint64_t by_type[EV_MAX])
{
	uint64_t total = 0, n;
	uint32_t k;

	for (k = 0; k < EV_MAX; k++) {
		n = l->drops ? __atomic_load_n(&l->drops[k], __ATOMIC_RELAXED) : 0;
		if (by_type)
			by_type[k] = n;
		total += n;
	}
	return total;
}

uint64_t loader_relay_stat(const struct loader *l, uint32_t slot)
{
	int ncpu = libbpf_num_possible_cpus(), i;
	uint64_t *v, sum = 0;

	if (!l->track_relay || ncpu <= 0 || !(v = calloc(ncpu, sizeof(*v))))
		return 0;
	if (!bpf_map_lookup_elem(loader_map_fd(l, "relay_stats"), &slot, v))
		for (i = 0; i < ncpu; i++)
			sum += v[i];
	free(v);
	return sum;
}

void loader_stop(struct loader *l)
{
	if (l->drops)
		munmap((void *)l->drops, sysconf(_SC_PAGESIZE));
	l->drops = NULL;
	ring_buffer__free(l->rb);
	process_bpf__destroy(l->proc);
	process_compat_bpf__destroy(l->proc_compat);
	l->rb = NULL;
	l->proc = NULL;
	l->proc_compat = NULL;
	l->obj = NULL;
}
