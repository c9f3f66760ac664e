/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* loader.h - open, size, load and attach the BPF objects; read the ring. */
#ifndef TRACER_BPF_LOADER_H
#define TRACER_BPF_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpf/events.h"

struct bpf_link;
struct bpf_object;
struct process_bpf;
struct process_compat_bpf;
struct ring_buffer;

/* Called for every record, from the ring buffer or the start-up scan. */
typedef int (*record_fn)(void *ctx, const void *data, size_t size);

struct loader {
	/* Which variant of the BPF objects this kernel runs: false, the
	 * modern <name>.bpf.o; true, <name>_compat.bpf.o, for kernels without
	 * bpf_loop (5.10..5.16), decided by a probe at loader_open. The hook
	 * loader loads the generic object of the same variant; the compat one
	 * cannot read syscall arguments at exit (hook_cfg.args_at_exit). */
	bool compat;
	struct process_bpf *proc; /* the variant loaded; the other is NULL */
	struct process_compat_bpf *proc_compat;
	struct bpf_object *obj; /* the loaded process object, either variant */
	struct bpf_link *scan; /* its start-up task iterator */
	struct ring_buffer *rb;
	record_fn on_record;
	void *ctx;
	int track_bins; /* keep proc_bins for matchBinaries */
	uint32_t wakeup_bytes; /* the hook objects wake the reader alike */
	int track_relay; /* relay_stats is worth reading */
	const volatile uint64_t *drops; /* the drops map, memory-mapped */
};

struct loader_opts {
	uint32_t ringbuf_bytes; /* power of two, >= page size */
	uint32_t wakeup_bytes; /* wake the reader when this much waits */
	int verbose; /* libbpf's messages on stderr */
	int track_bins; /* a policy matches binaries: keep proc_bins */
	int track_relay; /* a policy asks for relay reverse shells */
	uint32_t relay_hook_id; /* the hook their records name */
	const char *const *relay_bins; /* basenames of the shells */
	int nrelay_bins;
};

/* Opens the process object and creates the maps the hook objects share
 * with it (loader_map_fd works from here on). On failure returns a
 * negative errno and writes a one-line reason to err. */
int loader_open(struct loader *l, const struct loader_opts *o, record_fn fn, void *ctx,
		char *err, size_t errlen);
/* Loads and attaches the always-on process hooks; safe on a thread of its
 * own while the hook objects load. Errors as loader_open. */
int loader_load(struct loader *l, const struct loader_opts *o, char *err, size_t errlen);
/* The fd of a map of the process object (events, drops, proc_bins,
 * scratch_map: the hook objects share them). */
int loader_map_fd(const struct loader *l, const char *name);
/* Runs the task iterator: one record per existing process, plus the
 * kernel's initial namespaces. Returns 0 or a negative errno. */
int loader_scan(struct loader *l);
/* Waits up to timeout_ms for data, then drains the ring. Returns the
 * number of records consumed or a negative errno (-EINTR is normal). */
int loader_poll(struct loader *l, int timeout_ms);
/* Records the kernel could not queue (ring full), summed over CPUs. */
uint64_t loader_drops(const struct loader *l, uint64_t by_type[EV_MAX]);
/* A relay_stats slot (enum relay_stat), summed over CPUs; 0 when relay
 * tracking is off. */
uint64_t loader_relay_stat(const struct loader *l, uint32_t slot);
void loader_stop(struct loader *l);

#endif /* TRACER_BPF_LOADER_H */
