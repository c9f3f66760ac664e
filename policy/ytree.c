/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* ytree.c - libyaml events to a small positioned node tree (no aliases, bounded depth and size). */
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "policy/ytree.h"

#define YT_MAX_DEPTH	64
#define YT_MAX_NODES	200000

struct builder {
	struct ynode *stack[YT_MAX_DEPTH + 1];
	int depth;
	long nodes;
	struct ynode *root;
};

static struct ynode *ynode_new(int type, const yaml_mark_t *m)
{
	struct ynode *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->type = type;
	n->line = (int)m->line + 1;
	n->col = (int)m->column + 1;
	return n;
}

void ynode_free(struct ynode *n)
{
	int i;

	if (!n)
		return;
	for (i = 0; i < n->n; i++)
		ynode_free(n->kids[i]);
	free(n->kids);
	free(n->s);
	free(n);
}

static int add_kid(struct ynode *p, struct ynode *k)
{
	if (p->n == p->cap) {
		int cap = p->cap ? p->cap * 2 : 8;
		struct ynode **nk = realloc(p->kids, cap * sizeof(*nk));

		if (!nk)
			return -1;
		p->kids = nk;
		p->cap = cap;
	}
	p->kids[p->n++] = k;
	return 0;
}

/* Attach a finished node to the open container, or make it the root;
 * -1 (n freed) when out of memory. */
static int place(struct builder *b, struct ynode *n)
{
	if (b->depth) {
		if (add_kid(b->stack[b->depth - 1], n)) {
			ynode_free(n);
			return -1;
		}
	} else if (!b->root) {
		b->root = n;
	} else {
		ynode_free(n);
	}
	return 0;
}

static struct ynode *scalar_new(const yaml_event_t *ev)
{
	struct ynode *n = ynode_new(YN_SCALAR, &ev->start_mark);

	if (!n)
		return NULL;
	n->len = ev->data.scalar.length;
	n->s = malloc(n->len + 1);
	if (!n->s) {
		free(n);
		return NULL;
	}
	memcpy(n->s, ev->data.scalar.value, n->len);
	n->s[n->len] = 0;
	n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	return n;
}

static int nomem(char *err, size_t errsz)
{
	snprintf(err, errsz, "out of memory");
	return -1;
}

static int on_event(struct builder *b, yaml_event_t *ev, char *err, size_t errsz,
		    int *line, int *col)
{
	struct ynode *n;

	*line = (int)ev->start_mark.line + 1;
	*col = (int)ev->start_mark.column + 1;
	if (++b->nodes > YT_MAX_NODES) {
		snprintf(err, errsz, "document too large (more than %d nodes)", YT_MAX_NODES);
		return -1;
	}
	switch (ev->type) {
	case YAML_ALIAS_EVENT:
		snprintf(err, errsz, "YAML aliases are not supported");
		return -1;
	case YAML_SCALAR_EVENT:
		n = scalar_new(ev);
		if (!n || place(b, n))
			return nomem(err, errsz);
		return 0;
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		if (b->depth >= YT_MAX_DEPTH) {
			snprintf(err, errsz, "nesting deeper than %d levels", YT_MAX_DEPTH);
			return -1;
		}
		n = ynode_new(ev->type == YAML_MAPPING_START_EVENT ? YN_MAP : YN_SEQ,
			      &ev->start_mark);
		if (!n || place(b, n))
			return nomem(err, errsz);
		b->stack[b->depth++] = n;
		return 0;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		if (b->depth)
			b->depth--;
		return 0;
	default:
		return 0;
	}
}

static int parse_error(yaml_parser_t *p, char *err, size_t errsz, int *line, int *col)
{
	const yaml_mark_t *m = p->problem ? &p->problem_mark : &p->context_mark;

	*line = (int)m->line + 1;
	*col = (int)m->column + 1;
	if (p->error == YAML_MEMORY_ERROR)
		return nomem(err, errsz);
	snprintf(err, errsz, "YAML syntax error: %s%s%s",
		 p->problem ? p->problem : "malformed document",
		 p->context ? " " : "", p->context ? p->context : "");
	return -1;
}

int ytree_parse(const unsigned char *buf, size_t len, ytree_doc_fn fn, void *arg,
		char *err, size_t errsz, int *line, int *col)
{
	yaml_parser_t p;
	yaml_event_t ev;
	struct builder b;
	int rc = 0, done = 0;

	if (!yaml_parser_initialize(&p)) {
		*line = *col = 0;
		return nomem(err, errsz);
	}
	yaml_parser_set_input_string(&p, buf, len);
	memset(&b, 0, sizeof(b));
	while (!done && !rc) {
		if (!yaml_parser_parse(&p, &ev)) {
			rc = parse_error(&p, err, errsz, line, col);
			break;
		}
		if (ev.type == YAML_DOCUMENT_START_EVENT) {
			memset(&b, 0, sizeof(b));
		} else if (ev.type == YAML_DOCUMENT_END_EVENT) {
			rc = fn(b.root, arg);
			ynode_free(b.root);
			b.root = NULL;
		} else if (ev.type == YAML_STREAM_END_EVENT) {
			done = 1;
		} else {
			rc = on_event(&b, &ev, err, errsz, line, col);
		}
		yaml_event_delete(&ev);
	}
	ynode_free(b.root);
	yaml_parser_delete(&p);
	return rc;
}
