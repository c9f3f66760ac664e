/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* binpath.c - path values that also match their resolved form on this host (/bin -> usr/bin). */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy.h"

/* realpath() of the longest existing leading part of path, rest appended:
 * 1 when that differs from path, 0 when not, -1 when out of memory. */
static int resolve(const char *root, const char *path, char *out, size_t n)
{
	char cand[PATH_MAX], real[PATH_MAX];
	size_t rl = strlen(root), len = strlen(path), k;
	const char *rest;

	if (path[0] != '/' || rl + len >= sizeof(cand) || memchr(path, 0, len))
		return 0;
	for (k = len; k > 0; k--) {
		if (k != len && path[k] != '/')
			continue;
		snprintf(cand, sizeof(cand), "%s%.*s", root, (int)k, path);
		if (!realpath(cand, real)) {
			if (errno == ENOMEM)
				return -1;
			continue;
		}
		if (strncmp(real, root, rl))
			return 0;
		rest = path + k;
		if (!strcmp(real + rl, "/") || !real[rl])
			snprintf(out, n, "%s", *rest ? rest : "/");
		else
			snprintf(out, n, "%s%s", real + rl, rest);
		if (len > 1 && path[len - 1] == '/' && out[strlen(out) - 1] != '/' &&
		    strlen(out) + 1 < n)
			strcat(out, "/");
		return strcmp(out, path) != 0;
	}
	return 0;
}

int binpath_expand(struct policy_set *ps, struct pol_value *v, const char *root, struct diag *d)
{
	char out[PATH_MAX];
	int rc;

	if (v->kind != VK_STR || v->expanded)
		return 0;
	rc = resolve(root ? root : "", v->str, out, sizeof(out));
	if (rc > 0)
		v->expanded = ps_strdup(ps, out);
	if (!rc || v->expanded)
		return 0;
	diag_error(d, &v->pos, "out of memory");
	return -1;
}

static bool path_match(const struct pol_match *m)
{
	const struct arg_type_info *t;

	switch (m->kind) {
	case MK_BINARIES:
	case MK_PARENT_BINARIES:
		return m->op == OP_IN || m->op == OP_NOT_IN || m->op == OP_PREFIX ||
		       m->op == OP_NOT_PREFIX;
	case MK_ARGS:
		t = arg_type_at(m->arg_type);
		return t->cls == AC_FILE && (m->op == OP_EQUAL || m->op == OP_NOT_EQUAL ||
					     m->op == OP_PREFIX || m->op == OP_NOT_PREFIX);
	default:
		return false;
	}
}

int policy_expand_binaries(struct policy_set *ps, struct policy *p, const char *root,
			   struct diag *d)
{
	int h, s, m, v;

	for (h = 0; h < p->nhooks; h++)
		for (s = 0; s < p->hooks[h].nsel; s++) {
			struct pol_selector *sel = &p->hooks[h].sel[s];

			for (m = 0; m < sel->nm; m++) {
				if (!path_match(&sel->m[m]))
					continue;
				for (v = 0; v < sel->m[m].nvals; v++)
					if (binpath_expand(ps, &sel->m[m].vals[v], root, d))
						return -1;
			}
		}
	return 0;
}
