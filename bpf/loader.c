/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* loader.c - open -> size maps and set rodata -> load -> attach; drain. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpf/loader.h"
#include "process.skel.h"

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

int loader_start(struct loader *l, const struct loader_opts *o, record_fn fn, void *ctx,
		 char *err, size_t errlen)
{
	int rc;

	memset(l, 0, sizeof(*l));
	l->on_record = fn;
	l->ctx = ctx;
	libbpf_set_print(o->verbose ? libbpf_loud : libbpf_quiet);
	l->proc = process_bpf__open();
	if (!l->proc)
		return fail(err, errlen, -errno, "cannot open the process BPF object");
	bpf_map__set_max_entries(l->proc->maps.events, o->ringbuf_bytes);
	l->proc->rodata->wakeup_bytes = o->wakeup_bytes;
	l->proc->rodata->track_bins = o->track_bins;
	l->track_bins = o->track_bins;
	rc = process_bpf__load(l->proc);
	if (rc)
		return fail(err, errlen, rc,
			    "cannot load the process BPF programs (need root and a kernel with BTF)");
	rc = process_bpf__attach(l->proc);
	if (rc)
		return fail(err, errlen, rc, "cannot attach sched_process_{exec,exit,fork}");
	l->rb = ring_buffer__new(bpf_map__fd(l->proc->maps.events), ring_cb, l, NULL);
	if (!l->rb)
		return fail(err, errlen, -errno, "cannot map the ring buffer");
	l->drops = mmap(NULL, sysconf(_SC_PAGESIZE), PROT_READ, MAP_SHARED,
			bpf_map__fd(l->proc->maps.drops), 0);
	if (l->drops == MAP_FAILED) {
		l->drops = NULL;
		return fail(err, errlen, -errno, "cannot map the drop counters");
	}
	return 0;
}

uint64_t bin_hash(const char *s, size_t len)
{
	uint64_t h = BIN_HASH_SEED;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ (uint8_t)s[i]) * BIN_HASH_PRIME;
	return h;
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
	bpf_map_update_elem(bpf_map__fd(l->proc->maps.proc_bins), &e->pid, &pb, BPF_ANY);
}

/* Parses the iterator's output: whole records back to back. */
static int scan_parse(struct loader *l, const char *buf, size_t len)
{
	size_t off = 0;

	while (len - off >= sizeof(struct event_header)) {
		const struct event_header *h = (const void *)(buf + off);

		if (h->size < sizeof(*h) || h->size > len - off)
			return -EPROTO;
		if (l->track_bins && h->type == EV_SCAN && h->size >= sizeof(struct event_proc))
			bins_scan(l, (const void *)h);
		l->on_record(l->ctx, h, h->size);
		off += h->size;
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
	fd = bpf_iter_create(bpf_link__fd(l->proc->links.scan_tasks));
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

void loader_stop(struct loader *l)
{
	if (l->drops)
		munmap((void *)l->drops, sysconf(_SC_PAGESIZE));
	l->drops = NULL;
	ring_buffer__free(l->rb);
	process_bpf__destroy(l->proc);
	l->rb = NULL;
	l->proc = NULL;
}
