/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* prune.h - drop, before the kernel sees them, the instructions that a
 * hook instance's rodata leaves unreachable.
 *
 * Every instance is one generic program run with its own frozen rodata;
 * the verifier reads those constants, finds most of the program dead and
 * removes it one range at a time, each removal moving the rest of the
 * program: for a program four times the size of its live part, that
 * removal was the bulk of the load. Here a forward constant propagation
 * (registers only: rodata loads, constants, ALU on them) decides the
 * branches it can and keeps what stays reachable. It knows less than the
 * verifier, never more: what it removes the verifier would have removed,
 * and the kernel ends with the same program (TRACER_PRUNE_CHECK=1
 * compares the two).
 */
#ifndef TRACER_BPF_PRUNE_H
#define TRACER_BPF_PRUNE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/bpf.h>

/* What the program reads its constants from. */
struct prune_rodata {
	int map_fd; /* the fd its ld_imm64 map_value instructions name */
	const void *bytes; /* the frozen value those loads see */
	size_t size;
};

/* A program and its func_info (struct bpf_func_info records, or records
 * that start with one, rec_size apart; one per subprogram). */
struct prune_prog {
	struct bpf_insn *insns;
	size_t ninsns;
	void *func_info;
	uint32_t nfunc, func_rec_size;
};

/* Writes to out the program in minus what ro leaves unreachable, with its
 * calls that pass constants sent to copies of their subprograms made for
 * them; jumps, calls and callback references renumbered, func_info
 * records of subprograms no longer called dropped. Without cut, only the
 * copies are made (what the kernel, pruning it, must end with the same
 * program as for the cut one: the tests' reference). out's arrays are
 * malloc'd (the caller frees them). Returns 0, -ENOMEM, or -EINVAL for a
 * program it does not follow (a jump out of its function): the caller
 * then loads the program as it is. */
int prune_program(const struct prune_prog *in, const struct prune_rodata *ro, bool cut,
		  struct prune_prog *out);

#endif /* TRACER_BPF_PRUNE_H */
