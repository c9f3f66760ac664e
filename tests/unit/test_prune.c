/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* test_prune.c - bpf/load/prune.c on hand-written programs: what the
 * rodata decides goes, what it does not stays, calls with constants go to
 * copies, jumps and func_info follow. The kernel's side (the same final
 * program pruned or not) is tests/e2e's TRACER_PRUNE_CHECK run.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bpf/load/prune.h"

#define RO_FD 42

#define INSN(c, d, s, o, i) ((struct bpf_insn){.code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i)})
#define MOV64_IMM(d, i) INSN(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define MOV64_REG(d, s) INSN(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define ALU64_IMM(op, d, i) INSN(BPF_ALU64 | (op) | BPF_K, d, 0, 0, i)
#define ALU32_IMM(op, d, i) INSN(BPF_ALU | (op) | BPF_K, d, 0, 0, i)
#define LDX(sz, d, s, o) INSN(BPF_LDX | BPF_MEM | (sz), d, s, o, 0)
#define JMP_IMM(op, d, i, o) INSN(BPF_JMP | (op) | BPF_K, d, 0, o, i)
#define JMP32_IMM(op, d, i, o) INSN(BPF_JMP32 | (op) | BPF_K, d, 0, o, i)
#define JA(o) INSN(BPF_JMP | BPF_JA, 0, 0, o, 0)
#define CALL_SUB(rel) INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, rel)
#define CALL_HELPER(id) INSN(BPF_JMP | BPF_CALL, 0, 0, 0, id)
#define EXIT() INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)
/* r = &rodata[off]: two instructions */
#define LD_RO(d, off) INSN(BPF_LD | BPF_DW | BPF_IMM, d, BPF_PSEUDO_MAP_VALUE, 0, RO_FD), INSN(0, 0, 0, 0, off)

struct result {
	struct prune_prog out;
	int rc;
};

static struct result prune(const struct bpf_insn *insns, size_t n, const void *ro, size_t rosz,
			   const struct bpf_func_info *fi, uint32_t nfi, bool cut)
{
	struct prune_prog in = {(struct bpf_insn *)insns, n, (void *)fi, nfi, sizeof(*fi)};
	struct prune_rodata r = {RO_FD, ro, rosz};
	struct result res;

	res.rc = prune_program(&in, &r, cut, &res.out);
	return res;
}

static void assert_prog(const struct result *r, const struct bpf_insn *want, size_t n)
{
	size_t i;

	assert_int_equal(r->rc, 0);
	assert_int_equal(r->out.ninsns, n);
	for (i = 0; i < n; i++) {
		assert_int_equal(r->out.insns[i].code, want[i].code);
		assert_int_equal(r->out.insns[i].dst_reg, want[i].dst_reg);
		assert_int_equal(r->out.insns[i].src_reg, want[i].src_reg);
		assert_int_equal(r->out.insns[i].off, want[i].off);
		assert_int_equal(r->out.insns[i].imm, want[i].imm);
	}
}

static void release(struct result *r)
{
	free(r->out.insns);
	free(r->out.func_info);
}

/* if (ro[0] == 1) return 2; return 1; */
static const struct bpf_insn branch_on_ro[] = {
	LD_RO(BPF_REG_1, 0),
	LDX(BPF_B, BPF_REG_2, BPF_REG_1, 0),
	JMP_IMM(BPF_JEQ, BPF_REG_2, 1, 2),
	MOV64_IMM(BPF_REG_0, 1),
	EXIT(),
	MOV64_IMM(BPF_REG_0, 2),
	EXIT(),
};

static void test_taken_branch_keeps_its_target(void **state)
{
	uint8_t ro[8] = {1};
	struct result r = prune(branch_on_ro, 8, ro, sizeof(ro), NULL, 0, true);
	const struct bpf_insn want[] = {
		LD_RO(BPF_REG_1, 0), LDX(BPF_B, BPF_REG_2, BPF_REG_1, 0),
		MOV64_IMM(BPF_REG_0, 2), EXIT(),
	};

	(void)state;
	assert_prog(&r, want, 5);
	release(&r);
}

static void test_untaken_branch_goes(void **state)
{
	uint8_t ro[8] = {0};
	struct result r = prune(branch_on_ro, 8, ro, sizeof(ro), NULL, 0, true);
	const struct bpf_insn want[] = {
		LD_RO(BPF_REG_1, 0), LDX(BPF_B, BPF_REG_2, BPF_REG_1, 0),
		MOV64_IMM(BPF_REG_0, 1), EXIT(),
	};

	(void)state;
	assert_prog(&r, want, 5);
	release(&r);
}

/* A load past the rodata's end, or through an unknown register: nothing
 * is decided, nothing goes. */
static void test_unknown_stays(void **state)
{
	uint8_t ro[1] = {1};
	struct bpf_insn past[8];
	struct result r;

	(void)state;
	memcpy(past, branch_on_ro, sizeof(past));
	past[2].off = 1; /* reads ro[1..1]: out of a 1-byte rodata */
	r = prune(past, 8, ro, sizeof(ro), NULL, 0, true);
	assert_prog(&r, past, 8);
	release(&r);

	memcpy(past, branch_on_ro, sizeof(past));
	past[2] = LDX(BPF_B, BPF_REG_2, BPF_REG_6, 0); /* r6: the context's */
	r = prune(past, 8, ro, sizeof(ro), NULL, 0, true);
	assert_prog(&r, past, 8);
	release(&r);
}

/* Signed 32-bit compare of a sign-extended byte: ro[0] = 0xff is -1. */
static void test_jmp32_signed(void **state)
{
	uint8_t ro[4] = {0xff};
	const struct bpf_insn prog[] = {
		LD_RO(BPF_REG_1, 0),
		LDX(BPF_B, BPF_REG_2, BPF_REG_1, 0),
		ALU32_IMM(BPF_LSH, BPF_REG_2, 24),
		ALU32_IMM(BPF_ARSH, BPF_REG_2, 24),
		JMP32_IMM(BPF_JSLT, BPF_REG_2, 0, 2),
		MOV64_IMM(BPF_REG_0, 1),
		EXIT(),
		MOV64_IMM(BPF_REG_0, 2),
		EXIT(),
	};
	const struct bpf_insn want[] = {
		LD_RO(BPF_REG_1, 0), LDX(BPF_B, BPF_REG_2, BPF_REG_1, 0),
		ALU32_IMM(BPF_LSH, BPF_REG_2, 24), ALU32_IMM(BPF_ARSH, BPF_REG_2, 24),
		MOV64_IMM(BPF_REG_0, 2), EXIT(),
	};
	struct result r = prune(prog, 10, ro, sizeof(ro), NULL, 0, true);

	(void)state;
	assert_prog(&r, want, 7);
	release(&r);
}

/* A shift by the width or more: the verifier does not know the result,
 * so neither may this; a multiplication past its bounds likewise. */
static void test_what_the_verifier_gives_up_stays(void **state)
{
	uint8_t ro[8] = {1};
	struct result r;

	(void)state;
	{
		const struct bpf_insn shifted[] = {
			LD_RO(BPF_REG_1, 0),
			LDX(BPF_B, BPF_REG_2, BPF_REG_1, 0),
			MOV64_IMM(BPF_REG_3, 64),
			INSN(BPF_ALU64 | BPF_LSH | BPF_X, BPF_REG_2, BPF_REG_3, 0, 0),
			JMP_IMM(BPF_JEQ, BPF_REG_2, 1, 2),
			MOV64_IMM(BPF_REG_0, 1),
			EXIT(),
			MOV64_IMM(BPF_REG_0, 2),
			EXIT(),
		};
		r = prune(shifted, 10, ro, sizeof(ro), NULL, 0, true);
		assert_prog(&r, shifted, 10);
		release(&r);
	}
	{
		const struct bpf_insn big[] = {
			MOV64_IMM(BPF_REG_2, 0x10000),
			ALU32_IMM(BPF_MUL, BPF_REG_2, 2), /* 32-bit mul past 16 bits */
			JMP_IMM(BPF_JEQ, BPF_REG_2, 0x20000, 2),
			MOV64_IMM(BPF_REG_0, 1),
			EXIT(),
			MOV64_IMM(BPF_REG_0, 2),
			EXIT(),
		};
		r = prune(big, 7, ro, sizeof(ro), NULL, 0, true);
		assert_prog(&r, big, 7);
		release(&r);
	}
}

/* main: r1 = 0; call f; exit.  f: if r1 == 0 return 7; return 5.
 * The call passes a constant: it goes to a copy of f made for r1 = 0,
 * which the constant prunes; f itself is called no more and goes. */
static const struct bpf_insn with_call[] = {
	MOV64_IMM(BPF_REG_1, 0),
	CALL_SUB(1),
	EXIT(),
	JMP_IMM(BPF_JEQ, BPF_REG_1, 0, 2),
	MOV64_IMM(BPF_REG_0, 5),
	EXIT(),
	MOV64_IMM(BPF_REG_0, 7),
	EXIT(),
};
static const struct bpf_func_info with_call_fi[] = {{0, 11}, {3, 12}};

static void test_call_with_constant_gets_a_copy(void **state)
{
	uint8_t ro[1] = {0};
	struct result r = prune(with_call, 8, ro, sizeof(ro), with_call_fi, 2, true);
	const struct bpf_insn want[] = {
		MOV64_IMM(BPF_REG_1, 0), CALL_SUB(1), EXIT(),
		MOV64_IMM(BPF_REG_0, 7), EXIT(),
	};
	const struct bpf_func_info *fi;

	(void)state;
	assert_prog(&r, want, 5);
	assert_int_equal(r.out.nfunc, 2);
	fi = r.out.func_info;
	assert_int_equal(fi[0].insn_off, 0);
	assert_int_equal(fi[0].type_id, 11);
	assert_int_equal(fi[1].insn_off, 3);
	assert_int_equal(fi[1].type_id, 12); /* the copy keeps f's type */
	release(&r);
}

/* The reference: the same copy, nothing cut. */
static void test_reference_copies_without_cutting(void **state)
{
	uint8_t ro[1] = {0};
	struct result r = prune(with_call, 8, ro, sizeof(ro), with_call_fi, 2, false);
	const struct bpf_insn want[] = {
		MOV64_IMM(BPF_REG_1, 0), CALL_SUB(1), EXIT(),
		JMP_IMM(BPF_JEQ, BPF_REG_1, 0, 2), MOV64_IMM(BPF_REG_0, 5), EXIT(),
		MOV64_IMM(BPF_REG_0, 7), EXIT(),
	};

	(void)state;
	assert_prog(&r, want, 8);
	assert_int_equal(r.out.nfunc, 2);
	release(&r);
}

/* A call the rodata leaves unreachable: its subprogram and its func_info
 * record go; a helper call's registers are unknown after it. */
static void test_dead_call_drops_its_subprogram(void **state)
{
	uint8_t ro[1] = {0};
	const struct bpf_insn prog[] = {
		LD_RO(BPF_REG_1, 0),
		LDX(BPF_B, BPF_REG_2, BPF_REG_1, 0),
		JMP_IMM(BPF_JEQ, BPF_REG_2, 0, 1),
		CALL_SUB(3),
		CALL_HELPER(5),
		JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 0), /* unknown after a call: stays */
		EXIT(),
		MOV64_IMM(BPF_REG_0, 0),
		EXIT(),
	};
	const struct bpf_func_info fi[] = {{0, 1}, {8, 2}};
	const struct bpf_insn want[] = {
		LD_RO(BPF_REG_1, 0), LDX(BPF_B, BPF_REG_2, BPF_REG_1, 0),
		CALL_HELPER(5), JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 0), EXIT(),
	};
	struct result r = prune(prog, 10, ro, sizeof(ro), fi, 2, true);

	(void)state;
	assert_prog(&r, want, 6);
	assert_int_equal(r.out.nfunc, 1);
	release(&r);
}

/* Jumps over removed code are renumbered; a jump that lands on the next
 * instruction once the code between goes is dropped, as the kernel does. */
static void test_jumps_renumbered_and_nops_dropped(void **state)
{
	uint8_t ro[1] = {1};
	const struct bpf_insn prog[] = {
		LD_RO(BPF_REG_1, 0),
		LDX(BPF_B, BPF_REG_2, BPF_REG_1, 0),
		JMP_IMM(BPF_JEQ, BPF_REG_2, 1, 2), /* taken */
		MOV64_IMM(BPF_REG_0, 9),
		MOV64_IMM(BPF_REG_0, 8),
		JMP_IMM(BPF_JGT, BPF_REG_6, 3, 1), /* unknown: stays, over one */
		MOV64_IMM(BPF_REG_0, 1),
		JA(0),
		EXIT(),
	};
	const struct bpf_insn want[] = {
		LD_RO(BPF_REG_1, 0), LDX(BPF_B, BPF_REG_2, BPF_REG_1, 0),
		JMP_IMM(BPF_JGT, BPF_REG_6, 3, 1), MOV64_IMM(BPF_REG_0, 1), EXIT(),
	};
	struct result r = prune(prog, 10, ro, sizeof(ro), NULL, 0, true);

	(void)state;
	assert_prog(&r, want, 6);
	release(&r);
}

static void test_malformed_refused(void **state)
{
	uint8_t ro[1] = {0};
	const struct bpf_insn out_of_range[] = {JA(5), EXIT()};
	const struct bpf_insn falls_off[] = {MOV64_IMM(BPF_REG_0, 0)};
	const struct bpf_insn half_ld[] = {INSN(BPF_LD | BPF_DW | BPF_IMM, 1, 0, 0, 0)};
	const struct bpf_insn bad_reg[] = {MOV64_IMM(12, 0), EXIT()};
	const struct bpf_func_info fi[] = {{0, 1}, {1, 2}};
	const struct bpf_insn into_middle[] = {CALL_SUB(1), EXIT(), MOV64_IMM(0, 0), EXIT()};
	struct result r;

	(void)state;
	r = prune(out_of_range, 2, ro, 1, NULL, 0, true);
	assert_int_equal(r.rc, -EINVAL);
	r = prune(falls_off, 1, ro, 1, NULL, 0, true);
	assert_int_equal(r.rc, -EINVAL);
	r = prune(half_ld, 1, ro, 1, NULL, 0, true);
	assert_int_equal(r.rc, -EINVAL);
	r = prune(bad_reg, 2, ro, 1, NULL, 0, true);
	assert_int_equal(r.rc, -EINVAL);
	r = prune(into_middle, 4, ro, 1, fi, 2, true); /* calls insn 2, f starts at 1 */
	assert_int_equal(r.rc, -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_taken_branch_keeps_its_target),
		cmocka_unit_test(test_untaken_branch_goes),
		cmocka_unit_test(test_unknown_stays),
		cmocka_unit_test(test_jmp32_signed),
		cmocka_unit_test(test_what_the_verifier_gives_up_stays),
		cmocka_unit_test(test_call_with_constant_gets_a_copy),
		cmocka_unit_test(test_reference_copies_without_cutting),
		cmocka_unit_test(test_dead_call_drops_its_subprogram),
		cmocka_unit_test(test_jumps_renumbered_and_nops_dropped),
		cmocka_unit_test(test_malformed_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
