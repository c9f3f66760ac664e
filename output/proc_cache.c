/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* proc_cache.c - pid -> process record, with parents kept while referenced.
 *
 * Records are reference counted: the pid table holds one reference while
 * the process lives, and each child record holds one on its parent, so a
 * parent that exited is still printable for its children. Memory comes
 * from per-size-class free lists, so steady state allocates nothing.
 * The live set is bounded: past max_live the least recently used record
 * leaves the pid table (its memory stays while children point at it).
 */
#include <stdlib.h>
#include <string.h>

#include "output/proc_cache.h"

struct proc_entry {
	struct proc_rec rec; /* first: a rec pointer is an entry pointer */
	struct proc_entry *hnext; /* pid hash chain */
	struct proc_entry *prev, *next; /* LRU list of live entries */
	struct proc_entry *parent;
	uint32_t refs;
	uint8_t live;
	uint8_t cls; /* size class of data[] */
	char data[];
};

static const size_t class_size[] = {512, 1024, 4096, 3 * 4096 + 1536};
#define NCLASS (sizeof(class_size) / sizeof(class_size[0]))

struct proc_cache {
	struct proc_entry **buckets;
	uint32_t mask;
	uint32_t live, max_live;
	uint64_t evicted;
	struct proc_entry lru; /* sentinel: next is most recent */
	struct proc_entry *free[NCLASS];
};

static uint32_t bucket(const struct proc_cache *c, uint32_t pid)
{
	return (pid * 2654435761u) & c->mask;
}

struct proc_cache *proc_cache_new(uint32_t max_live)
{
	struct proc_cache *c = calloc(1, sizeof(*c));
	uint32_t n = 1024;

	if (!c)
		return NULL;
	while (n < 2 * max_live)
		n <<= 1;
	c->buckets = calloc(n, sizeof(*c->buckets));
	if (!c->buckets) {
		free(c);
		return NULL;
	}
	c->mask = n - 1;
	c->max_live = max_live;
	c->lru.next = c->lru.prev = &c->lru;
	return c;
}

static void lru_unlink(struct proc_entry *e)
{
	e->prev->next = e->next;
	e->next->prev = e->prev;
}

static void lru_push(struct proc_cache *c, struct proc_entry *e)
{
	e->next = c->lru.next;
	e->prev = &c->lru;
	c->lru.next->prev = e;
	c->lru.next = e;
}

static void unref(struct proc_cache *c, struct proc_entry *e)
{
	while (e && --e->refs == 0) {
		struct proc_entry *up = e->parent;

		e->hnext = c->free[e->cls];
		c->free[e->cls] = e;
		e = up;
	}
}

static struct proc_entry *entry_alloc(struct proc_cache *c, size_t need)
{
	struct proc_entry *e;
	uint8_t k = 0;

	while (k < NCLASS - 1 && class_size[k] < need)
		k++;
	if (class_size[k] < need)
		return NULL;
	e = c->free[k];
	if (e)
		c->free[k] = e->hnext;
	else if (!(e = malloc(sizeof(*e) + class_size[k])))
		return NULL;
	memset(e, 0, sizeof(*e));
	e->cls = k;
	return e;
}

/* Unlinks the live entry of pid from the table and the LRU. */
static struct proc_entry *take_live(struct proc_cache *c, uint32_t pid)
{
	struct proc_entry **pp = &c->buckets[bucket(c, pid)];

	for (; *pp; pp = &(*pp)->hnext) {
		struct proc_entry *e = *pp;

		if (e->rec.pid == pid) {
			*pp = e->hnext;
			lru_unlink(e);
			e->live = 0;
			c->live--;
			return e;
		}
	}
	return NULL;
}

static struct proc_entry *find_live(struct proc_cache *c, uint32_t pid)
{
	struct proc_entry *e = c->buckets[bucket(c, pid)];

	while (e && e->rec.pid != pid)
		e = e->hnext;
	return e;
}

static const char *put_str(char **dst, const char *s, size_t len)
{
	char *out = *dst;

	if (len)
		memcpy(out, s, len);
	out[len] = 0;
	*dst += len + 1;
	return out;
}

static void set_parent(struct proc_cache *c, struct proc_entry *e)
{
	struct proc_entry *p = e->rec.ppid != e->rec.pid ? find_live(c, e->rec.ppid) : NULL;

	if (p == e->parent)
		return;
	if (p)
		p->refs++;
	unref(c, e->parent);
	e->parent = p;
}

static void evict_over_limit(struct proc_cache *c)
{
	while (c->live > c->max_live) {
		struct proc_entry *old = c->lru.prev;

		take_live(c, old->rec.pid);
		c->evicted++;
		unref(c, old);
	}
}

const struct proc_rec *proc_cache_put(struct proc_cache *c, const struct proc_rec *rec,
				      const struct proc_strings *s)
{
	size_t need = s->binary_len + s->cwd_len + s->args_len + s->cgroup_len +
		      s->cgroup_v1_len + 5;
	struct proc_entry *e = entry_alloc(c, need), *old;
	char *p;

	if (!e)
		return NULL;
	e->rec = *rec;
	p = e->data;
	e->rec.binary = put_str(&p, s->binary, s->binary_len);
	e->rec.cwd = put_str(&p, s->cwd, s->cwd_len);
	e->rec.args = put_str(&p, s->args, s->args_len);
	e->rec.args_len = s->args_len;
	e->rec.argc = s->argc;
	e->rec.cgroup = put_str(&p, s->cgroup, s->cgroup_len);
	e->rec.cgroup_v1 = put_str(&p, s->cgroup_v1, s->cgroup_v1_len);
	e->refs = 1;
	set_parent(c, e);
	old = take_live(c, rec->pid);
	unref(c, old);
	e->live = 1;
	e->hnext = c->buckets[bucket(c, rec->pid)];
	c->buckets[bucket(c, rec->pid)] = e;
	lru_push(c, e);
	c->live++;
	evict_over_limit(c);
	return &e->rec;
}

const struct proc_rec *proc_cache_get(struct proc_cache *c, uint32_t pid)
{
	struct proc_entry *e = find_live(c, pid);

	if (!e)
		return NULL;
	lru_unlink(e);
	lru_push(c, e);
	return &e->rec;
}

const struct proc_rec *proc_cache_parent(const struct proc_rec *rec)
{
	const struct proc_entry *e = (const struct proc_entry *)rec;

	return e->parent ? &e->parent->rec : NULL;
}

void proc_cache_del(struct proc_cache *c, uint32_t pid)
{
	unref(c, take_live(c, pid));
}

void proc_cache_relink(struct proc_cache *c)
{
	struct proc_entry *e;

	for (e = c->lru.next; e != &c->lru; e = e->next) {
		set_parent(c, e);
		if (e->parent)
			memcpy(e->rec.parent_exec_id, e->parent->rec.exec_id,
			       sizeof(e->rec.parent_exec_id));
	}
}

void proc_cache_foreach(struct proc_cache *c, void (*fn)(void *ctx, const struct proc_rec *r),
			void *ctx)
{
	struct proc_entry *e;

	for (e = c->lru.prev; e != &c->lru; e = e->prev) /* oldest first */
		fn(ctx, &e->rec);
}

uint32_t proc_cache_live(const struct proc_cache *c)
{
	return c->live;
}

uint64_t proc_cache_evicted(const struct proc_cache *c)
{
	return c->evicted;
}

void proc_cache_free(struct proc_cache *c)
{
	struct proc_entry *e, *n;
	size_t k;
	uint32_t i;

	if (!c)
		return;
	for (i = 0; i <= c->mask; i++)
		while ((e = c->buckets[i])) {
			c->buckets[i] = e->hnext;
			e->hnext = NULL;
			lru_unlink(e);
			unref(c, e);
		}
	for (k = 0; k < NCLASS; k++)
		for (e = c->free[k]; e; e = n) {
			n = e->hnext;
			free(e);
		}
	free(c->buckets);
	free(c);
}
