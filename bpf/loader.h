/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* loader.h - open, size, load and attach the BPF objects; read the ring. */
#ifndef TRACER_BPF_LOADER_H
#define TRACER_BPF_LOADER_H

#include <stddef.h>
#include <stdint.h>

#include "bpf/events.h"

struct process_bpf;
struct ring_buffer;

/* Called for every record, from the ring buffer or the start-up scan. */
typedef int (*record_fn)(void *ctx, const void *data, size_t size);

struct loader {
	struct process_bpf *proc;
	struct ring_buffer *rb;
	record_fn on_record;
	void *ctx;
	int track_bins; /* keep proc_bins for matchBinaries */
	const volatile uint64_t *drops; /* the drops map, memory-mapped */
};

struct loader_opts {
	uint32_t ringbuf_bytes; /* power of two, >= page size */
	uint32_t wakeup_bytes; /* wake the reader when this much waits */
	int verbose; /* libbpf's messages on stderr */
	int track_bins; /* a policy matches binaries: keep proc_bins */
};

/* Loads and attaches the always-on process hooks. On failure returns a
 * negative errno and writes a one-line reason to err. */
int loader_start(struct loader *l, const struct loader_opts *o, record_fn fn, void *ctx,
		 char *err, size_t errlen);
/* Runs the task iterator: one record per existing process, plus the
 * kernel's initial namespaces. Returns 0 or a negative errno. */
int loader_scan(struct loader *l);
/* Waits up to timeout_ms for data, then drains the ring. Returns the
 * number of records consumed or a negative errno (-EINTR is normal). */
int loader_poll(struct loader *l, int timeout_ms);
/* Records the kernel could not queue (ring full), summed over CPUs. */
uint64_t loader_drops(const struct loader *l, uint64_t by_type[EV_MAX]);
void loader_stop(struct loader *l);
/* The hash the kernel keeps of an executable path (struct proc_bin). */
uint64_t bin_hash(const char *s, size_t len);

#endif /* TRACER_BPF_LOADER_H */
