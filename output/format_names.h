/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* format_names.h - value->name tables (signals, capabilities, process flags). */
#ifndef TRACER_OUTPUT_FORMAT_NAMES_H
#define TRACER_OUTPUT_FORMAT_NAMES_H

#include <stddef.h>
#include <stdint.h>

/* One value and its name; a table ends with { 0, NULL }. */
struct tok {
	uint32_t v;
	const char *s;
};

#define CAP_LAST_KNOWN 40 /* CAP_CHECKPOINT_RESTORE */

/* The name of v in t, or NULL. */
const char *tok_find(const struct tok *t, uint32_t v);
/* The name of v in t, or fmt (with one %u) printed into buf. Re-entrant. */
const char *tok_name(const struct tok *t, uint32_t v, const char *fmt, char *buf, size_t len);

/* "SIGKILL"; "SIG<n>" for numbers without a name (real-time signals). */
const char *signal_name(uint32_t sig, char *buf, size_t len);
/* "CAP_CHOWN" .. "CAP_CHECKPOINT_RESTORE"; "CAP_<n>" past those. */
const char *cap_name(uint32_t cap, char *buf, size_t len);

/* PROC_F_* bit -> Tetragon flag word ("execve", "procFS", "clone", ...),
 * in the order they are printed. */
extern const struct tok proc_flag_names[];

#endif /* TRACER_OUTPUT_FORMAT_NAMES_H */
