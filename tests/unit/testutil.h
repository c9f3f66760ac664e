/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* testutil.h - small helpers the unit tests share. */
#ifndef TRACER_TESTUTIL_H
#define TRACER_TESTUTIL_H

#include <stdio.h>
#include <stdlib.h>

/* The whole file, NUL-terminated (len excludes the NUL); NULL if it
 * cannot be read. The caller frees it. */
static inline char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	*len = 0;
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0) {
		rewind(f);
		buf = calloc(1, (size_t)n + 1);
		if (buf)
			*len = fread(buf, 1, (size_t)n, f);
	}
	fclose(f);
	return buf;
}

#endif /* TRACER_TESTUTIL_H */
