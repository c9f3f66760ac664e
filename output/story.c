// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* story.c - --story: which events belong to one process tree.
 *
 * The tree is learned from the events themselves, so it works the same
 * live and on replay: the root is the process named (by pid, exec_id) or
 * every process of the container named; a process joins when its parent
 * is in the tree (an exec, or a policy event of a forked child that never
 * exec'd). Members are kept by pid with their depth, in a fixed table:
 * no allocation per event, a full table drops newcomers, counted. A pid
 * that comes back after its process exited, under a parent outside the
 * tree, is a reused pid and leaves the tree.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output/events/container.h"
#include "output/events/proc_cache.h"
#include "output/story.h"

enum story_by { BY_PID, BY_EXEC_ID, BY_CONTAINER };

struct member {
	uint32_t pid; /* 0: empty slot */
	uint16_t depth;
	uint8_t dead; /* its exit went by */
	uint8_t out;  /* its pid was reused outside the tree: not a member */
};

struct story {
	enum story_by by;
	uint32_t pid;
	char what[128];
	uint32_t n;
	uint64_t dropped;
	struct member tab[2 * STORY_MAX_PROCS]; /* open addressing, half full at most */
};

static bool all_of(const char *s, const char *set)
{
	return *s && strspn(s, set) == strlen(s);
}

struct story *story_new(const char *what)
{
	struct story *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	snprintf(s->what, sizeof(s->what), "%s", what);
	if (all_of(what, "0123456789") && strlen(what) < 10) {
		s->by = BY_PID;
		s->pid = strtoul(what, NULL, 10);
	} else if (strlen(what) >= 40 && !all_of(what, "0123456789abcdef")) {
		s->by = BY_EXEC_ID; /* base64 of node:ktime:pid */
	} else {
		s->by = BY_CONTAINER; /* an id prefix or a name */
	}
	return s;
}

void story_free(struct story *s)
{
	free(s);
}

uint64_t story_dropped(const struct story *s)
{
	return s->dropped;
}

static struct member *slot(struct story *s, uint32_t pid)
{
	uint32_t mask = 2 * STORY_MAX_PROCS - 1, i = (pid * 2654435761u) & mask;

	while (s->tab[i].pid && s->tab[i].pid != pid)
		i = (i + 1) & mask;
	return &s->tab[i];
}

static struct member *find(struct story *s, uint32_t pid)
{
	struct member *m = pid ? slot(s, pid) : NULL;

	return m && m->pid && !m->out ? m : NULL;
}

static struct member *join(struct story *s, uint32_t pid, int depth)
{
	struct member *m = slot(s, pid);

	if (!m->pid && s->n >= STORY_MAX_PROCS) {
		s->dropped++;
		return NULL;
	}
	if (!m->pid)
		s->n++;
	m->pid = pid;
	m->depth = depth > 0xffff ? 0xffff : depth;
	m->dead = 0;
	m->out = 0;
	return m;
}

/* The process is a root of the story by itself. */
static bool is_root(const struct story *s, const struct proc_rec *p)
{
	const struct container_info *ci = p->container;

	switch (s->by) {
	case BY_PID:
		return p->pid == s->pid;
	case BY_EXEC_ID:
		return !strcmp(p->exec_id, s->what);
	case BY_CONTAINER:
		return ci && (!strncmp(ci->id, s->what, strlen(s->what)) || !strcmp(ci->name, s->what));
	}
	return false;
}

/* A process whose parent had no event yet (started before tracing, or
 * forked without an exec): its ancestry in the cache says whether it
 * descends from a member or the root; the links between join too. */
static struct member *join_by_ancestry(struct story *s, const struct proc_rec *p)
{
	const struct proc_rec *chain[64];
	struct member *m = NULL;
	int n = 0, depth;

	for (; p && n < 64; p = proc_cache_parent(p)) {
		chain[n++] = p;
		if ((m = find(s, p->pid)) || is_root(s, p))
			break;
	}
	if (!n || (!m && !is_root(s, chain[n - 1])))
		return NULL;
	depth = m ? m->depth : -1;
	for (n = m ? n - 2 : n - 1; n >= 0; n--)
		if (!(m = join(s, chain[n]->pid, ++depth)))
			return NULL;
	return m;
}

bool story_admit(struct story *s, const struct tr_event *ev, int *depth)
{
	const struct proc_rec *p = ev->proc;
	struct member *m = find(s, p->pid), *up;

	/* a pid reused by a process the tree did not start */
	if (m && m->dead && ev->kind == TR_EXEC && !find(s, p->ppid) && !is_root(s, p)) {
		m->out = 1; /* the slot stays: open addressing keeps its probe chain */
		m = NULL;
	}
	if (!m) {
		up = p->ppid != p->pid ? find(s, p->ppid) : NULL;
		if (up)
			m = join(s, p->pid, up->depth + 1);
		else if (is_root(s, p))
			m = join(s, p->pid, 0);
		else if (ev->parent && join_by_ancestry(s, ev->parent))
			m = join(s, p->pid, find(s, ev->parent->pid)->depth + 1);
	}
	if (!m)
		return false;
	if (ev->kind == TR_EXIT)
		m->dead = 1;
	*depth = m->depth;
	return true;
}
