/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* proc_cache.c - pid -> process record, with parents kept while referenced.
 *
 * Records are reference counted: the pid table holds one reference while
 * the process lives, and each live child record holds one on its parent,
 * so a parent that exited is still printable for its children. A record
 * that leaves the table (exit, exec, eviction) lets go of its own parent:
 * by default only a process and its parent are printed, so a fork/exit
 * chain keeps one dead record per live one, never the whole ancestry.
 * With --ancestors a dead record keeps its parent, so the chain of a live
 * process stays printable, within the same byte budget and at most
 * PROC_ANCESTRY_MAX dead links deep (cut_ancestry()).
 *
 * Memory comes from per-size-class free lists, so steady state allocates
 * nothing. Two bounds: max_live records reachable by pid, and max_bytes
 * for every record allocated (live, dead parents, free lists); past
 * either the least recently used live record leaves the table, counted.
 * A record larger than the largest class has its strings cut (args
 * first), flagged and counted: it is never dropped.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "output/events/proc_cache.h"

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

/* The largest holds the largest record a kernel sends: binary made
 * absolute against cwd (2 paths), cwd, argv, two cgroup paths. */
static const size_t class_size[] = {512, 1024, 4096, 5 * 4096};
#define NCLASS (sizeof(class_size) / sizeof(class_size[0]))

struct proc_cache {
	struct proc_entry **buckets;
	uint32_t mask;
	uint32_t live, max_live;
	uint64_t evicted, truncated;
	uint64_t ancestry_cut; /* --ancestors: dead ancestors let go past ANCESTRY_MAX */
	bool keep_ancestry; /* --ancestors: a dead record keeps its parent */
	size_t bytes, max_bytes; /* allocated: in use and on free lists */
	struct proc_entry lru; /* sentinel: next is most recent */
	struct proc_entry *free[NCLASS];
	struct proc_entry *exited[PROC_EXITED_KEEP]; /* a ring, each holding a ref */
	uint32_t exited_next;
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
	c->max_bytes = PROC_CACHE_MAX_BYTES;
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
	e = c->free[k];
	if (e)
		c->free[k] = e->hnext;
	else if (!(e = malloc(sizeof(*e) + class_size[k])))
		return NULL;
	else
		c->bytes += sizeof(*e) + class_size[k];
	memset(e, 0, sizeof(*e));
	e->cls = k;
	return e;
}

/* Unlinks the live entry of pid from the table and the LRU; it lets go of
 * its parent (a dead record is printed as a parent, never with one),
 * unless --ancestors wants the whole chain (bounded in set_parent()). */
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
			if (!c->keep_ancestry) {
				unref(c, e->parent);
				e->parent = NULL;
			}
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

/* --ancestors: a fork/exit chain (daemons double-forking forever) would
 * keep every dead generation; past ANCESTRY_MAX links the first dead
 * record found lets go of the rest, counted. Live records are bounded by
 * max_live already, so only dead ones are cut. */
static void cut_ancestry(struct proc_cache *c, struct proc_entry *e)
{
	uint32_t depth;

	for (depth = 0; e && e->parent; e = e->parent, depth++) {
		if (depth >= PROC_ANCESTRY_MAX && !e->live) {
			unref(c, e->parent);
			e->parent = NULL;
			c->ancestry_cut++;
			return;
		}
	}
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
	if (c->keep_ancestry)
		cut_ancestry(c, e);
}

static void evict_lru(struct proc_cache *c)
{
	struct proc_entry *old = c->lru.prev;

	take_live(c, old->rec.pid);
	c->evicted++;
	unref(c, old);
}

/* Gives free-list memory back first; then evicts the least recently used
 * (never the record just stored) until both bounds hold. Runs after a put
 * has copied its strings: they may point into a record evicted here. */
static void evict_over_limit(struct proc_cache *c)
{
	size_t k;

	while (c->live > c->max_live)
		evict_lru(c);
	while (c->bytes > c->max_bytes) {
		for (k = NCLASS; k-- > 0 && !c->free[k];)
			;
		if (k < NCLASS) {
			struct proc_entry *e = c->free[k];

			c->free[k] = e->hnext;
			c->bytes -= sizeof(*e) + class_size[k];
			free(e);
		} else if (c->live > 1) {
			evict_lru(c);
		} else {
			break;
		}
	}
}

/* Cuts strings until they fit the largest class: argv, then cwd, then
 * the cgroup paths, then the binary, each flagged as the kernel flags a
 * cut (the v1 path has no flag: it is only a fallback). */
static void fit_strings(struct proc_cache *c, struct proc_rec *r, struct proc_strings *s)
{
	size_t max = class_size[NCLASS - 1] - 5, over;
	size_t *len[] = {&s->args_len, &s->cwd_len, &s->cgroup_v1_len, &s->cgroup_len,
			 &s->binary_len};
	const uint32_t flag[] = {PROC_F_ARGS_TRUNC, PROC_F_CWD_TRUNC, 0, 0, PROC_F_BIN_TRUNC};
	size_t i, total = s->binary_len + s->cwd_len + s->args_len + s->cgroup_len +
			  s->cgroup_v1_len;

	if (total <= max)
		return;
	c->truncated++;
	for (i = 0; i < 5 && total > max; i++) {
		over = total - max < *len[i] ? total - max : *len[i];
		*len[i] -= over;
		total -= over;
		r->flags |= over ? flag[i] : 0;
	}
	while (s->args_len && s->args[s->args_len - 1] == 0) /* no empty last arg */
		s->args_len--;
	for (s->argc = s->args_len ? 1 : 0, i = 0; i < s->args_len; i++)
		s->argc += s->args[i] == 0;
}

const struct proc_rec *proc_cache_put(struct proc_cache *c, const struct proc_rec *rec,
				      const struct proc_strings *str)
{
	struct proc_strings fit = *str, *s = &fit;
	struct proc_entry *e, *old;
	struct proc_rec r = *rec;
	char *p;

	fit_strings(c, &r, s);
	e = entry_alloc(c, s->binary_len + s->cwd_len + s->args_len + s->cgroup_len +
			       s->cgroup_v1_len + 5);
	if (!e)
		return NULL;
	e->rec = r;
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
	struct proc_entry *e = take_live(c, pid), **slot;

	if (!e)
		return;
	slot = &c->exited[c->exited_next++ % PROC_EXITED_KEEP];
	unref(c, *slot);
	*slot = e; /* the table's reference moves to the ring */
}

const struct proc_rec *proc_cache_get_exited(struct proc_cache *c, uint32_t pid)
{
	uint32_t i, k;

	for (i = 1; i <= PROC_EXITED_KEEP; i++) { /* newest first */
		k = (c->exited_next - i) % PROC_EXITED_KEEP;
		if (c->exited[k] && c->exited[k]->rec.pid == pid)
			return &c->exited[k]->rec;
	}
	return NULL;
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

uint64_t proc_cache_truncated(const struct proc_cache *c)
{
	return c->truncated;
}

size_t proc_cache_bytes(const struct proc_cache *c)
{
	return c->bytes;
}

void proc_cache_keep_ancestry(struct proc_cache *c, bool on)
{
	c->keep_ancestry = on;
}

uint64_t proc_cache_ancestry_cut(const struct proc_cache *c)
{
	return c->ancestry_cut;
}

void proc_cache_set_max_bytes(struct proc_cache *c, size_t max_bytes)
{
	c->max_bytes = max_bytes;
	evict_over_limit(c);
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
	for (i = 0; i < PROC_EXITED_KEEP; i++)
		unref(c, c->exited[i]);
	for (k = 0; k < NCLASS; k++)
		for (e = c->free[k]; e; e = n) {
			n = e->hnext;
			free(e);
		}
	free(c->buckets);
	free(c);
}
