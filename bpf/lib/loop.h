/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* loop.h - the one bounded loop every walk uses (paths, cgroups, hashes).
 *
 * bpf_loop (5.17) has the verifier check the callback once, whatever the
 * count. Older kernels refuse it, and refuse a program that merely holds a
 * callback reference (5.13) even in dead code, so the *_compat objects
 * (-DTRACER_COMPAT, chosen at run time when the helper is missing) call
 * the same callback from a plain bounded loop (5.3): the verifier walks
 * that one iteration at a time, so keep the counts as small as they are.
 */
#ifndef TRACER_BPF_LOOP_H
#define TRACER_BPF_LOOP_H

/* Calls cb(i, ctx) for i = 0 .. n - 1 until it returns non-zero; cb has
 * bpf_loop's callback type, long cb(__u32 i, void *ctx).
 *
 * LOOP_UNROLLED_BY_VERIFIER: the verifier walks each iteration. A loop
 * that stops on a runtime value then leaves at every iteration with its
 * own state, and all the code after it is verified once per way out; a
 * callback may rather run the full count when its extra steps are
 * harmless (e.g. bytes past an LPM key's prefix length). */
#ifdef TRACER_COMPAT
#define LOOP_UNROLLED_BY_VERIFIER 1
#define bounded_loop(n, cb, ctx)                         \
	do {                                             \
		__u32 __i;                               \
		for (__i = 0; __i < (n); __i++)          \
			if ((cb)(__i, (ctx)))            \
				break;                   \
	} while (0)
#else
#define LOOP_UNROLLED_BY_VERIFIER 0
#define bounded_loop(n, cb, ctx) bpf_loop((n), (cb), (ctx), 0)
#endif

#endif /* TRACER_BPF_LOOP_H */
