/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* verify.h - tracer -r FILE --verify: is the capture (and its rotated set) intact? */
#ifndef TRACER_OUTPUT_VERIFY_H
#define TRACER_OUTPUT_VERIFY_H

#include <stdio.h>

/* Walks every block of path (and FILE1, FILE2... of a rotation after it),
 * checking the SHA-256 chain. 0 when intact (a summary line on out), 1
 * with one line on err naming the first bad block. */
int capture_verify(const char *path, FILE *out, FILE *err);

#endif /* TRACER_OUTPUT_VERIFY_H */
