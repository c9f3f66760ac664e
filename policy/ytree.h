/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* ytree.h - a positioned YAML node tree built from libyaml events. */
#ifndef TRACER_YTREE_H
#define TRACER_YTREE_H

#include <stdbool.h>
#include <stddef.h>

enum { YN_SCALAR, YN_SEQ, YN_MAP };

struct ynode {
	int type;
	int line, col;		/* 1-based */
	char *s;		/* scalar text, NUL-terminated; may hold NULs (len) */
	size_t len;
	bool plain;		/* unquoted scalar */
	struct ynode **kids;	/* map: key, value, key, value... */
	int n, cap;
};

/* Called once per document with its root (NULL for an empty document). */
typedef int (*ytree_doc_fn)(struct ynode *root, void *arg);

/* Parse every document of buf; on a YAML error fill err/line/col, return -1. */
int ytree_parse(const unsigned char *buf, size_t len, ytree_doc_fn fn, void *arg,
		char *err, size_t errsz, int *line, int *col);
void ynode_free(struct ynode *n);

#endif /* TRACER_YTREE_H */
