/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* clone.h - load a program libbpf loaded once again, with other rodata:
 * no second ELF parse, BTF load or CO-RE pass per hook instance. */
#ifndef TRACER_BPF_CLONE_H
#define TRACER_BPF_CLONE_H

#include <stddef.h>
#include <stdint.h>

#include <bpf/bpf.h>

struct bpf_object;
struct bpf_program;
struct bpf_map;

/* A program as libbpf handed it to the kernel: relocated instructions
 * (CO-RE done, map fds in place) and the load attributes. */
struct prog_image {
	const struct bpf_program *prog;
	enum bpf_prog_type type;
	char name[16];
	struct bpf_insn *insns;
	size_t ninsns;
	void *func_info;
	struct bpf_prog_load_opts opts; /* func_info above; no line_info */
	int captured;
};

/* What pruning made of the loads (-v). */
struct prune_stat {
	int pruned; /* loads pruned (the others went as they were) */
	uint64_t before, after; /* their instructions */
};

/* Takes over the SEC() names of generic.bpf.c (same types, attach types
 * and flags as libbpf's own) so that loads can be captured; before the
 * first open of that object. Returns 0 or -errno. */
int clone_handlers_register(void);
/* Loads obj and records, for each image whose prog is set, what libbpf
 * passes to the kernel. Returns 0 or -errno. */
int clone_capture_load(struct bpf_object *obj, struct prog_image *imgs, int n);
void clone_image_free(struct prog_image *img);

/* Loads obj (an object of its own: a kprobe, a uprobe) with each of its
 * programs pruned of what its rodata map, to hold bytes, leaves
 * unreachable; adds to st. Returns 0 or -errno, as bpf_object__load. */
int clone_load_pruned(struct bpf_object *obj, const struct bpf_map *rodata, const void *bytes,
		      size_t size, struct prune_stat *st);

/* A frozen, program-read-only copy of a rodata section with other bytes. */
int clone_rodata(const void *val, size_t size);
/* Loads img with every reference to the rodata map old_fd turned into
 * new_fd (holding rodata, rodata_size bytes), without what those bytes
 * leave unreachable (prune.h), and attach_btf_id (tracing and LSM) if
 * non-zero; adds to st. Returns the program fd or -errno. */
int clone_load(const struct prog_image *img, int old_fd, int new_fd, const void *rodata,
	       size_t rodata_size, uint32_t attach_btf_id, struct prune_stat *st);

/* Attaches a program fd; each returns an fd whose close detaches, or -errno. */
int clone_attach_tracepoint(int prog_fd, const char *cat, const char *name, int *perf_fd);
int clone_attach_raw_tp(int prog_fd, const char *name);
int clone_attach_btf(int prog_fd); /* tp_btf, fentry, fexit, fmod_ret, LSM */

#endif /* TRACER_BPF_CLONE_H */
