/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* presets.h - the policies of policy/library/, embedded in the binary. */
#ifndef TRACER_POLICY_PRESETS_H
#define TRACER_POLICY_PRESETS_H

#include <stddef.h>

struct preset {
	const char *name; /* file name without .yaml: what -P takes */
	const char *purpose; /* its "# purpose:" line */
	const unsigned char *yaml;
	size_t len;
};

extern const struct preset presets[];
extern const size_t npresets;

/* The preset called name, or NULL. */
const struct preset *preset_find(const char *name);

#endif /* TRACER_POLICY_PRESETS_H */
