/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* presets.c - look up the embedded preset policies by name. */
#include <string.h>

#include "policy/presets.h"

const struct preset *preset_find(const char *name)
{
	size_t i;

	for (i = 0; i < npresets; i++)
		if (!strcmp(presets[i].name, name))
			return &presets[i];
	return NULL;
}
