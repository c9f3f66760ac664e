/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* prune.c - a hook instance's program without what its rodata leaves dead.
 *
 * Forward constant propagation over registers to a fixed point, kept per
 * basic block (the instructions jumps and calls name, and those after a
 * conditional jump, start one): a register is unknown, a constant, or the
 * rodata map's address plus a constant. Loads through the latter read the
 * frozen bytes. Only what the verifier also computes exactly is computed
 * here (mov, add, sub, and, or, xor, small mul, shifts within the width;
 * no div, neg, byte swap, nothing through the stack), so every branch
 * decided here the verifier decides alike.
 *
 * A call whose arguments hold constants (a selector's or an argument's
 * index) goes to a copy of its subprogram made for those constants, as the
 * verifier checks each call with its caller's registers: in the copy the
 * constants decide the branches. A subprogram called without any starts
 * with every register unknown.
 *
 * Then the program is written again with the subprograms still called,
 * without the unreachable instructions, the conditional jumps never taken
 * and the jumps to the next instruction, with the jumps always taken as
 * plain jumps: what the kernel would make of it.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "bpf/load/prune.h"

#define NREGS 11
#define MAX_FUNCS 256 /* subprograms and their copies */
#define GROWTH 8 /* the copies stop at this many times the program's size */

enum vkind { V_UNK, V_CONST, V_RO };

struct val {
	uint8_t kind;
	uint64_t v; /* the constant, or the offset into rodata */
};

struct regs {
	struct val r[NREGS];
};

/* A subprogram, or a copy of one for constant arguments. */
struct func {
	size_t start, end; /* its instructions */
	size_t orig; /* the subprogram copied (its start), or start */
	uint32_t info; /* its func_info record in the input */
	struct regs entry; /* R1-R5 known on entry (copies) */
	bool live; /* called from a live function */
};

struct pass {
	struct bpf_insn *in; /* the input, then the copies */
	size_t n, cap, n0;
	const struct prune_rodata *ro;
	struct func *fn; /* MAX_FUNCS, sorted by start */
	int nfn;
	struct regs *st; /* per block: what holds on entry */
	size_t nblocks, capblocks;
	int32_t *slot; /* the block an instruction starts in st, or -1 */
	bool *reached;
	bool *queued;
	uint32_t *work;
	size_t nwork;
	int64_t *target; /* jumps, calls, callbacks: the instruction named; -1 */
	int8_t *taken; /* conditional jumps: -1 undecided, 0 never, 1 always, 2 unseen */
	bool *keep;
	bool bad; /* something falls off the end */
	bool cut; /* prune; else only copy the subprograms (the reference) */
};

static bool is_ldimm64(const struct bpf_insn *i)
{
	return i->code == (BPF_LD | BPF_IMM | BPF_DW);
}

static bool is_jmp_class(const struct bpf_insn *i)
{
	return BPF_CLASS(i->code) == BPF_JMP || BPF_CLASS(i->code) == BPF_JMP32;
}

static bool is_cond_jump(const struct bpf_insn *i)
{
	uint8_t op = BPF_OP(i->code);

	return is_jmp_class(i) && op != BPF_JA && op != BPF_CALL && op != BPF_EXIT;
}

static struct val known(uint64_t v)
{
	return (struct val){.kind = V_CONST, .v = v};
}

/* The instruction a jump, a call or a callback reference names, or -1. */
static int64_t target_of(const struct bpf_insn *in, size_t pc)
{
	const struct bpf_insn *i = &in[pc];
	uint8_t op = BPF_OP(i->code);

	if (is_ldimm64(i))
		return i->src_reg == BPF_PSEUDO_FUNC ? (int64_t)pc + i->imm + 1 : -1;
	if (!is_jmp_class(i) || op == BPF_EXIT)
		return -1;
	if (op == BPF_CALL)
		return i->src_reg == BPF_PSEUDO_CALL ? (int64_t)pc + i->imm + 1 : -1;
	if (op == BPF_JA && BPF_CLASS(i->code) == BPF_JMP32)
		return (int64_t)pc + i->imm + 1; /* gotol */
	return (int64_t)pc + i->off + 1;
}

static int width_bytes(uint8_t size)
{
	switch (size) {
	case BPF_B: return 1;
	case BPF_H: return 2;
	case BPF_W: return 4;
	default: return 8;
	}
}

/* A load through a register: a constant when it reads frozen rodata. */
static struct val load(const struct pass *p, const struct val *base, int16_t off, uint8_t size)
{
	uint64_t at = base->v + (int64_t)off, v = 0;
	int w = width_bytes(size);

	if (base->kind != V_RO || at > p->ro->size || p->ro->size - at < (uint64_t)w)
		return (struct val){0};
	memcpy(&v, (const char *)p->ro->bytes + at, w); /* BPF is host-endian */
	return known(v);
}

static bool alu_const(uint8_t op, bool is64, uint64_t a, uint64_t b, uint64_t *r)
{
	unsigned bits = is64 ? 64 : 32;

	if (!is64) {
		a = (uint32_t)a;
		b = (uint32_t)b;
	}
	switch (op) {
	case BPF_ADD: *r = a + b; break;
	case BPF_SUB: *r = a - b; break;
	case BPF_AND: *r = a & b; break;
	case BPF_OR: *r = a | b; break;
	case BPF_XOR: *r = a ^ b; break;
	case BPF_MUL: /* exact in the verifier below these bounds only */
		if (a > (is64 ? UINT32_MAX : UINT16_MAX) || b > (is64 ? UINT32_MAX : UINT16_MAX))
			return false;
		*r = a * b;
		break;
	case BPF_LSH: case BPF_RSH: case BPF_ARSH:
		if (b >= bits) /* the verifier gives up on these */
			return false;
		if (op == BPF_LSH)
			*r = a << b;
		else if (op == BPF_RSH)
			*r = a >> b;
		else
			*r = is64 ? (uint64_t)((int64_t)a >> b) : (uint32_t)((int32_t)(uint32_t)a >> b);
		break;
	default: return false;
	}
	if (!is64)
		*r = (uint32_t)*r;
	return true;
}

static void alu(struct regs *s, const struct bpf_insn *i)
{
	bool is64 = BPF_CLASS(i->code) == BPF_ALU64;
	uint8_t op = BPF_OP(i->code);
	struct val *d = &s->r[i->dst_reg], src;
	uint64_t r;

	if (BPF_SRC(i->code) == BPF_K)
		src = known(is64 ? (uint64_t)(int64_t)i->imm : (uint32_t)i->imm);
	else
		src = s->r[i->src_reg];
	if (i->off) /* movsx, sdiv, smod (cpu v4): not followed */
		*d = (struct val){0};
	else if (op == BPF_MOV)
		*d = is64 ? src : src.kind == V_CONST ? known((uint32_t)src.v) : (struct val){0};
	else if (is64 && d->kind == V_RO && src.kind == V_CONST && (op == BPF_ADD || op == BPF_SUB))
		d->v = op == BPF_ADD ? d->v + src.v : d->v - src.v;
	else if (d->kind == V_CONST && src.kind == V_CONST && alu_const(op, is64, d->v, src.v, &r))
		*d = known(r);
	else
		*d = (struct val){0};
}

/* 1 taken, 0 not, -1 unknown. */
static int decide(const struct bpf_insn *i, const struct regs *s)
{
	bool is32 = BPF_CLASS(i->code) == BPF_JMP32;
	const struct val *d = &s->r[i->dst_reg];
	uint64_t a, b;
	int64_t sa, sb;

	if (d->kind != V_CONST)
		return -1;
	if (BPF_SRC(i->code) == BPF_K)
		b = (uint64_t)(int64_t)i->imm;
	else if (s->r[i->src_reg].kind == V_CONST)
		b = s->r[i->src_reg].v;
	else
		return -1;
	a = d->v;
	if (is32) {
		a = (uint32_t)a;
		b = (uint32_t)b;
		sa = (int32_t)a;
		sb = (int32_t)b;
	} else {
		sa = (int64_t)a;
		sb = (int64_t)b;
	}
	switch (BPF_OP(i->code)) {
	case BPF_JEQ: return a == b;
	case BPF_JNE: return a != b;
	case BPF_JGT: return a > b;
	case BPF_JGE: return a >= b;
	case BPF_JLT: return a < b;
	case BPF_JLE: return a <= b;
	case BPF_JSET: return (a & b) != 0;
	case BPF_JSGT: return sa > sb;
	case BPF_JSGE: return sa >= sb;
	case BPF_JSLT: return sa < sb;
	case BPF_JSLE: return sa <= sb;
	default: return -1;
	}
}

/* What an instruction does to the registers, for those it touches. */
static void transfer(const struct pass *p, size_t pc, struct regs *s)
{
	const struct bpf_insn *i = &p->in[pc];
	uint8_t cls = BPF_CLASS(i->code);
	int r;

	if (cls == BPF_ALU || cls == BPF_ALU64) {
		alu(s, i);
	} else if (cls == BPF_LDX) {
		s->r[i->dst_reg] = BPF_MODE(i->code) == BPF_MEM ?
					   load(p, &s->r[i->src_reg], i->off, BPF_SIZE(i->code)) :
					   (struct val){0};
	} else if (is_ldimm64(i)) {
		if (i->src_reg == 0)
			s->r[i->dst_reg] = known((uint32_t)i->imm | (uint64_t)(uint32_t)i[1].imm << 32);
		else if (i->src_reg == BPF_PSEUDO_MAP_VALUE && i->imm == p->ro->map_fd)
			s->r[i->dst_reg] = (struct val){.kind = V_RO, .v = (uint32_t)i[1].imm};
		else
			s->r[i->dst_reg] = (struct val){0};
	} else if (cls == BPF_LD) { /* packet loads: R0 and the argument registers */
		for (r = 0; r <= BPF_REG_5; r++)
			s->r[r] = (struct val){0};
	} else if (cls == BPF_STX && BPF_MODE(i->code) == BPF_ATOMIC) {
		s->r[i->src_reg] = (struct val){0}; /* fetch */
		s->r[BPF_REG_0] = (struct val){0}; /* cmpxchg */
	} else if (is_jmp_class(i) && BPF_OP(i->code) == BPF_CALL) {
		for (r = 0; r <= BPF_REG_5; r++)
			s->r[r] = (struct val){0};
	}
}

/* ---- the program's room: the input, then the copies ------------------- */

static int grow(struct pass *p, size_t need)
{
	size_t cap = p->cap ? p->cap : 64;
	void *q;

	if (need <= p->cap)
		return 0;
	while (cap < need)
		cap *= 2;
#define GROW(f)                                                  \
	do {                                                     \
		q = realloc(p->f, cap * sizeof(*p->f));          \
		if (!q)                                          \
			return -ENOMEM;                          \
		p->f = q;                                        \
	} while (0)
	GROW(in);
	GROW(slot);
	GROW(reached);
	GROW(queued);
	GROW(work);
	GROW(target);
	GROW(taken);
	GROW(keep);
#undef GROW
	p->cap = cap;
	return 0;
}

/* A block's entry registers, numbered as blocks are found. */
static int new_block(struct pass *p, size_t pc)
{
	if (p->nblocks == p->capblocks) {
		size_t cap = p->capblocks ? 2 * p->capblocks : 256;
		struct regs *q = realloc(p->st, cap * sizeof(*q));

		if (!q)
			return -ENOMEM;
		p->st = q;
		p->capblocks = cap;
	}
	p->slot[pc] = p->nblocks++;
	return 0;
}

/* Targets and block starts of the instructions [a, b), which are copies
 * of [a - delta, b - delta) (delta 0: the input): jumps move with them,
 * calls and callbacks keep naming the input's subprograms. */
static int shape(struct pass *p, size_t a, size_t b, size_t delta)
{
	size_t pc;

	for (pc = a; pc < b; pc++) {
		p->slot[pc] = -1;
		p->target[pc] = -1;
		p->reached[pc] = p->queued[pc] = p->keep[pc] = false;
		p->taken[pc] = 2;
	}
	for (pc = a; pc < b; pc++) {
		const struct bpf_insn *i = &p->in[pc];
		int64_t t = target_of(p->in, pc);
		bool far = t >= 0 && (is_ldimm64(i) || BPF_OP(i->code) == BPF_CALL);

		if (far)
			t -= delta;
		if ((far ? t >= (int64_t)p->n0 : t != -1 && (t < (int64_t)a || t >= (int64_t)b)) ||
		    i->dst_reg >= NREGS || i->src_reg >= NREGS ||
		    ((is_ldimm64(i) || is_cond_jump(i)) && pc + 1 >= b))
			return -EINVAL;
		p->target[pc] = t;
		if (t >= 0 && (!far || !delta) && p->slot[t] < 0 && new_block(p, t))
			return -ENOMEM;
		if (is_cond_jump(i) && p->slot[pc + 1] < 0 && new_block(p, pc + 1))
			return -ENOMEM;
		pc += is_ldimm64(i);
	}
	return p->slot[a] < 0 ? new_block(p, a) : 0;
}

/* The function whose instructions hold pc. */
static struct func *fn_at(struct pass *p, size_t pc)
{
	int lo = 0, hi = p->nfn - 1, mid;

	while (lo < hi) {
		mid = (lo + hi + 1) / 2;
		if (p->fn[mid].start <= pc)
			lo = mid;
		else
			hi = mid - 1;
	}
	return &p->fn[lo];
}

/* The subprograms, from func_info (sorted, the first at 0). */
static int functions(struct pass *p, const struct prune_prog *in)
{
	uint32_t f;

	p->nfn = 0;
	for (f = 0; f < in->nfunc || (!in->nfunc && !f); f++) {
		struct bpf_func_info fi = {0};

		if (in->nfunc)
			memcpy(&fi, (char *)in->func_info + (size_t)f * in->func_rec_size, sizeof(fi));
		if (p->nfn == MAX_FUNCS || fi.insn_off >= p->n0 || (!f && fi.insn_off) ||
		    (f && fi.insn_off <= p->fn[p->nfn - 1].start))
			return -EINVAL;
		if (p->nfn)
			p->fn[p->nfn - 1].end = fi.insn_off;
		p->fn[p->nfn++] = (struct func){.start = fi.insn_off, .end = p->n0,
						.orig = fi.insn_off, .info = f};
	}
	return 0;
}

/* Every function starts a block, called or not. */
static int function_blocks(struct pass *p)
{
	int k;

	for (k = 0; k < p->nfn; k++)
		if (p->slot[p->fn[k].start] < 0 && new_block(p, p->fn[k].start))
			return -ENOMEM;
	return 0;
}

/* ---- propagation ------------------------------------------------------ */

/* The registers s arrive at the block that starts at pc. */
static void reach(struct pass *p, size_t pc, const struct regs *s)
{
	struct regs *st = p->slot[pc] >= 0 ? &p->st[p->slot[pc]] : NULL;
	bool changed = false;
	int r;

	if (!st) {
		p->bad = true; /* cannot happen: every target starts a block */
		return;
	}
	if (!p->reached[pc]) {
		p->reached[pc] = true;
		*st = *s;
		changed = true;
	} else {
		for (r = 0; r < NREGS; r++) {
			struct val *a = &st->r[r];

			if (a->kind != V_UNK && (a->kind != s->r[r].kind || a->v != s->r[r].v)) {
				a->kind = V_UNK;
				changed = true;
			}
		}
	}
	if (changed && !p->queued[pc]) {
		p->queued[pc] = true;
		p->work[p->nwork++] = pc;
	}
}

/* A function's first instruction, with what it knows on entry. */
static void reach_entry(struct pass *p, size_t start)
{
	struct func *f = fn_at(p, start);

	if (f->start != start)
		p->bad = true; /* a call into the middle of a function */
	else
		reach(p, start, &f->entry);
}

static bool same_regs(const struct regs *a, const struct regs *b)
{
	int r;

	for (r = 0; r < NREGS; r++)
		if (a->r[r].kind != b->r[r].kind || (a->r[r].kind && a->r[r].v != b->r[r].v))
			return false;
	return true;
}

/* The copy of the subprogram at orig for these entry registers: found,
 * made, or orig itself when nothing is known or the room is spent. */
static size_t copy_for(struct pass *p, size_t orig, const struct regs *entry)
{
	const struct func *o = fn_at(p, orig);
	size_t len = o->end - o->start, at = p->n;
	int k;

	for (k = 0; k < p->nfn; k++)
		if (p->fn[k].orig == orig && p->fn[k].start != orig &&
		    same_regs(&p->fn[k].entry, entry))
			return p->fn[k].start;
	if (p->nfn == MAX_FUNCS || at + len > GROWTH * p->n0 || grow(p, at + len))
		return orig;
	memcpy(p->in + at, p->in + o->start, len * sizeof(*p->in));
	p->n += len;
	p->fn[p->nfn] = (struct func){.start = at, .end = at + len, .orig = orig,
				      .info = o->info, .entry = *entry};
	if (shape(p, at, at + len, at - o->start)) {
		p->n = at;
		return orig;
	}
	p->nfn++;
	return at;
}

/* A call: to a copy of its subprogram when arguments hold constants. */
static void call(struct pass *p, size_t pc, const struct regs *s)
{
	const struct func *f = fn_at(p, p->target[pc]);
	size_t orig = f->orig;
	struct regs entry;
	bool any = false;
	int r;

	if (f->start != (size_t)p->target[pc]) {
		p->bad = true; /* a call into the middle of a function */
		return;
	}
	memset(&entry, 0, sizeof(entry));
	for (r = BPF_REG_1; r <= BPF_REG_5; r++)
		if (s->r[r].kind == V_CONST) {
			entry.r[r] = s->r[r];
			any = true;
		}
	p->target[pc] = any ? copy_for(p, orig, &entry) : orig;
	reach_entry(p, p->target[pc]);
}

/* A jump that ends a block: decided if its registers are known. */
static void jump(struct pass *p, size_t pc, const struct regs *s)
{
	const struct bpf_insn *i = &p->in[pc];
	int t = 1;

	if (BPF_OP(i->code) == BPF_EXIT)
		return;
	if (BPF_OP(i->code) != BPF_JA) {
		t = decide(i, s);
		if (p->taken[pc] != 2 && p->taken[pc] != t)
			t = -1; /* the registers got less known since */
		p->taken[pc] = t;
	}
	if (t != 0)
		reach(p, p->target[pc], s);
	if (t != 1)
		reach(p, pc + 1, s); /* a block of its own (shape) */
}

/* Walks the block that starts at pc to its end. */
static void walk(struct pass *p, size_t pc)
{
	struct regs s = p->st[p->slot[pc]];
	size_t end = fn_at(p, pc)->end;

	for (;;) {
		const struct bpf_insn *i = &p->in[pc];
		bool ld = is_ldimm64(i);

		p->reached[pc] = true;
		if (is_jmp_class(i) && BPF_OP(i->code) != BPF_CALL) {
			jump(p, pc, &s);
			return;
		}
		if (is_jmp_class(i) && p->target[pc] >= 0)
			call(p, pc, &s); /* may move p->in */
		else if (ld && p->target[pc] >= 0)
			reach_entry(p, p->target[pc]); /* a callback */
		transfer(p, pc, &s);
		pc += ld ? 2 : 1;
		if (pc >= end) {
			p->bad = true; /* falls off the end */
			return;
		}
		if (p->slot[pc] >= 0) {
			reach(p, pc, &s);
			return;
		}
	}
}

static int propagate(struct pass *p)
{
	size_t pc;

	reach_entry(p, 0);
	while (p->nwork && !p->bad) {
		pc = p->work[--p->nwork];
		p->queued[pc] = false;
		walk(p, pc);
	}
	return p->bad ? -EINVAL : 0;
}

/* The functions still called, from the program's own (the reference
 * keeps every call of a live function, reached or not). */
static void liveness(struct pass *p)
{
	bool again = true;
	size_t pc;
	int k;

	p->fn[0].live = true;
	while (again) {
		again = false;
		for (k = 0; k < p->nfn; k++)
			for (pc = p->fn[k].start; p->fn[k].live && pc < p->fn[k].end; pc++)
				if ((p->reached[pc] || !p->cut) && p->target[pc] >= 0 &&
				    (is_ldimm64(&p->in[pc]) || BPF_OP(p->in[pc].code) == BPF_CALL) &&
				    !fn_at(p, p->target[pc])->live)
					fn_at(p, p->target[pc])->live = again = true;
	}
}

/* ---- writing it out --------------------------------------------------- */

/* A decided jump becomes what the kernel makes of it: a plain jump when
 * nothing else reaches the next instruction, nothing when nothing else
 * reaches its target; otherwise it stays and the verifier decides it. */
static bool becomes_ja(const struct pass *p, size_t pc)
{
	return p->cut && is_cond_jump(&p->in[pc]) && p->taken[pc] == 1 && !p->reached[pc + 1];
}

static bool is_ja(const struct pass *p, size_t pc)
{
	return p->in[pc].code == (BPF_JMP | BPF_JA) || becomes_ja(p, pc);
}

static void choose(struct pass *p)
{
	size_t pc;
	int k;

	for (k = 0; k < p->nfn; k++)
		for (pc = p->fn[k].start; pc < p->fn[k].end; pc++) {
			p->keep[pc] = p->fn[k].live &&
				      (!p->cut || (p->reached[pc] &&
						   !(is_cond_jump(&p->in[pc]) && p->taken[pc] == 0 &&
						     !p->reached[p->target[pc]])));
			if (is_ldimm64(&p->in[pc]))
				p->keep[pc + 1] = p->keep[pc], pc++;
		}
}

/* newidx[pc]: the place of the first kept instruction at or after pc. */
static void renumber(const struct pass *p, uint32_t *newidx)
{
	uint32_t k = 0;
	size_t pc;

	for (pc = 0; pc < p->n; pc++) {
		newidx[pc] = k;
		k += p->keep[pc];
	}
	newidx[p->n] = k;
}

/* Jumps to the next kept instruction, as the kernel drops them. Dropping
 * only removes instructions, so a nop found stays one; repeat until none. */
static void drop_nops(struct pass *p, uint32_t *newidx)
{
	bool again = p->cut;
	size_t pc;

	while (again) {
		again = false;
		renumber(p, newidx);
		for (pc = 0; pc < p->n; pc++)
			if (p->keep[pc] && is_ja(p, pc) && newidx[p->target[pc]] == newidx[pc] + 1) {
				p->keep[pc] = false;
				again = true;
			}
	}
	renumber(p, newidx);
}

static struct bpf_insn rewrite(const struct pass *p, size_t pc, const uint32_t *newidx)
{
	struct bpf_insn i = p->in[pc];
	int32_t rel;

	if (p->target[pc] < 0)
		return i;
	rel = (int32_t)newidx[p->target[pc]] - (int32_t)newidx[pc] - 1;
	if (becomes_ja(p, pc))
		i = (struct bpf_insn){.code = BPF_JMP | BPF_JA, .off = (int16_t)rel};
	else if (is_ldimm64(&i) || BPF_OP(i.code) == BPF_CALL ||
		 (BPF_CLASS(i.code) == BPF_JMP32 && BPF_OP(i.code) == BPF_JA))
		i.imm = rel;
	else
		i.off = (int16_t)rel; /* no longer than in the input: it fits */
	return i;
}

static int emit(const struct pass *p, const uint32_t *newidx, const struct prune_prog *in,
		struct prune_prog *out)
{
	size_t pc, k = 0;
	int f;

	out->ninsns = newidx[p->n];
	out->insns = malloc((out->ninsns ? out->ninsns : 1) * sizeof(*out->insns));
	out->func_rec_size = in->func_rec_size;
	out->nfunc = 0;
	out->func_info = in->nfunc ? malloc((size_t)p->nfn * in->func_rec_size) : NULL;
	if (!out->insns || (in->nfunc && !out->func_info)) {
		free(out->insns);
		free(out->func_info);
		return -ENOMEM;
	}
	for (pc = 0; pc < p->n; pc++)
		if (p->keep[pc])
			out->insns[k++] = rewrite(p, pc, newidx);
	for (f = 0; in->nfunc && f < p->nfn; f++) {
		char *rec = (char *)out->func_info + (size_t)out->nfunc * in->func_rec_size;
		uint32_t off = newidx[p->fn[f].start];

		if (!p->fn[f].live)
			continue;
		memcpy(rec, (char *)in->func_info + (size_t)p->fn[f].info * in->func_rec_size,
		       in->func_rec_size);
		memcpy(rec, &off, sizeof(off)); /* insn_off comes first */
		out->nfunc++;
	}
	return 0;
}

static void pass_free(struct pass *p)
{
	free(p->fn);
	free(p->in);
	free(p->st);
	free(p->slot);
	free(p->reached);
	free(p->queued);
	free(p->work);
	free(p->target);
	free(p->taken);
	free(p->keep);
}

int prune_program(const struct prune_prog *in, const struct prune_rodata *ro, bool cut,
		  struct prune_prog *out)
{
	struct pass p = {.n = in->ninsns, .n0 = in->ninsns, .ro = ro, .cut = cut};
	uint32_t *newidx = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!p.n || (in->nfunc && in->func_rec_size < sizeof(struct bpf_func_info)))
		return -EINVAL;
	p.fn = calloc(MAX_FUNCS, sizeof(*p.fn));
	rc = p.fn ? grow(&p, p.n) : -ENOMEM;
	if (!rc) {
		memcpy(p.in, in->insns, p.n * sizeof(*p.in));
		rc = functions(&p, in) ?: shape(&p, 0, p.n, 0) ?: function_blocks(&p) ?:
		     propagate(&p);
	}
	if (!rc) {
		liveness(&p);
		choose(&p);
		newidx = malloc((p.n + 1) * sizeof(*newidx));
		rc = newidx ? 0 : -ENOMEM;
	}
	if (!rc) {
		drop_nops(&p, newidx);
		rc = emit(&p, newidx, in, out);
	}
	free(newidx);
	pass_free(&p);
	return rc;
}
