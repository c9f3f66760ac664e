// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* html.c - --html: events streamed into a self-contained HTML report (html.h).
 *
 * A chunk is one <script type="application/json" class="trd"> block:
 *
 *   {"s":[new strings], "c":[new branches], "p":[new processes],
 *    "k":[new policy events], "e":[dt, kind, process, extra, ...]}
 *
 * Tables are append-only across chunks, so an index stays valid: a string
 * (binary or arguments) is written once and then named by its index, a
 * process row names its parent's row. "e" holds four numbers an event:
 * microseconds since the previous event, the kind (enum tr_kind), the
 * process row, and the exit status (a signal as its negative) or the row
 * in "k". A policy event keeps the line -o json prints, without the
 * process and parent the tree shows, and the compact line as its summary.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output/events/container.h"
#include "output/format.h"
#include "output/html.h"
#include "output/html_page.h"
#include "output/jsonw.h"
#include "output/events/proc_cache.h"

#define CHUNK_EVENTS 4096      /* events a chunk holds, at most */
#define CHUNK_BYTES (1u << 20) /* a chunk is written once it is this large */
#define ROW_CAP (2u << 20)     /* one row's JSON: a policy event's two lines fit */
#define INTERN_MAX (1u << 16)  /* strings named by index; later ones are written inline */
#define INTERN_BYTES (32u << 20)
#define BRANCH_MAX 4096 /* containers and namespace groups; later ones join the last */
#define CHAIN_MAX 64	/* ancestors written ahead of a process, at most */
#define LIST_MAX 256	/* policy texts and hooks named in the header */

struct dbuf {
	char *p;
	size_t len, cap;
};

enum sect { SEC_S, SEC_C, SEC_P, SEC_K, SEC_E, SEC_N };
static const char sect_key[SEC_N] = {'s', 'c', 'p', 'k', 'e'};

struct pslot { /* a process row, by its exec key */
	uint64_t ktime;
	uint32_t pid;
	int32_t idx; /* -1: empty */
};

struct sslot { /* an interned string */
	uint64_t hash;
	char *s;
	uint32_t len;
	int32_t idx; /* -1: empty */
};

struct branch { /* a container by id, or a group by pid namespace (id "") */
	char id[CT_ID_LEN + 1];
	uint32_t pidns;
};

struct html_report {
	FILE *f;
	char *path;
	bool regular; /* a file we may remove when writing it failed */
	int err;      /* the first error (errno): a write, or memory; nothing more is added */
	const struct tr_host *host;
	struct dbuf sec[SEC_N];
	uint32_t chunk_events;
	char *row;  /* one row of JSON */
	char *fbuf; /* the file's stdio buffer */
	struct formatter summary, json;
	struct pslot *procs;
	uint32_t nprocs, pmask;
	struct sslot *strs;
	uint32_t nstrs, smask;
	size_t str_bytes;
	struct branch br[BRANCH_MAX];
	int16_t br_slot[2 * BRANCH_MAX]; /* hash of br, -1: empty */
	uint32_t nbr;
	uint64_t prev_us, first_ns, last_ns;
	int64_t row_start_us;	   /* the previous process row's start */
	uint64_t kbase, row_ktime; /* the first process row's ktime, the previous one's */
	uint64_t events, npolicy, by_kind[TR_KIND_MAX];
	/* the first capture header */
	uint32_t captures;
	struct capture_info ci;
	char host_name[65], krel[65], kver[65], machine[65], tool[65], node[256], boot[64];
	struct dbuf names; /* policy texts' names, then hooks' "policy\0function\0" */
	int npolicies, nhooks;
};

/* --- buffers ------------------------------------------------------------ */

static int dbuf_room(struct dbuf *b, size_t n)
{
	size_t cap = b->cap ? b->cap : 4096;
	char *p;

	if (b->len + n <= b->cap)
		return 0;
	while (cap < b->len + n)
		cap *= 2;
	p = realloc(b->p, cap);
	if (!p)
		return -1;
	b->p = p;
	b->cap = cap;
	return 0;
}

static void dbuf_put(struct dbuf *b, const char *s, size_t n)
{
	if (!dbuf_room(b, n)) {
		memcpy(b->p + b->len, s, n);
		b->len += n;
	}
}

size_t html_json_safe(char *out, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *u = (const unsigned char *)s;
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		if (u[i] == '<' || u[i] == '>' || u[i] == '&') {
			memcpy(out + o, "\\u00", 4);
			out[o + 4] = hex[u[i] >> 4];
			out[o + 5] = hex[u[i] & 15];
			o += 6;
		} else if (u[i] == 0xe2 && i + 2 < n && u[i + 1] == 0x80 &&
			   (u[i + 2] == 0xa8 || u[i + 2] == 0xa9)) {
			memcpy(out + o, u[i + 2] == 0xa8 ? "\\u2028" : "\\u2029", 6);
			o += 6;
			i += 2;
		} else {
			out[o++] = s[i];
		}
	}
	return o;
}

/* A row of JSON into a section, made safe, comma-separated. A row that
 * cannot be kept fails the report: later rows name rows by index. */
static void sect_put(struct html_report *h, enum sect s, const char *json, size_t n)
{
	struct dbuf *b = &h->sec[s];

	if (dbuf_room(b, 6 * n + 1)) {
		h->err = h->err ? h->err : ENOMEM;
		return;
	}
	if (b->len)
		b->p[b->len++] = ',';
	b->len += html_json_safe(b->p + b->len, json, n);
}

/* JSON made safe straight into the file, in pieces that never split a
 * character. */
static void put_safe(struct html_report *h, const char *json, size_t n)
{
	char out[6 * 4096];
	size_t at = 0, k;

	while (at < n) {
		k = n - at < 4096 ? n - at : 4096;
		while (at + k < n && k > 1 && ((unsigned char)json[at + k] & 0xc0) == 0x80)
			k--; /* not inside a UTF-8 sequence */
		fwrite(out, 1, html_json_safe(out, json + at, k), h->f);
		at += k;
	}
}

/* --- chunks --------------------------------------------------------------- */

/* After each write to the file: the first error's errno, while it is it. */
static void check_write(struct html_report *h)
{
	if (!h->err && ferror(h->f))
		h->err = errno ? errno : EIO;
}

static void flush_chunk(struct html_report *h)
{
	int s;

	if (!h->chunk_events && !h->sec[SEC_P].len)
		return;
	fputs("<script type=\"application/json\" class=\"trd\">{", h->f);
	for (s = 0; s < SEC_N; s++) {
		fprintf(h->f, "%s\"%c\":[", s ? "," : "", sect_key[s]);
		if (h->sec[s].len) /* an empty one has no buffer yet */
			fwrite(h->sec[s].p, 1, h->sec[s].len, h->f);
		fputc(']', h->f);
		h->sec[s].len = 0;
	}
	fputs("}</script>\n", h->f);
	h->chunk_events = 0;
	check_write(h);
}

static void row_start(struct html_report *h, struct obuf *o, struct jsonw *w)
{
	ob_init(o, h->row, ROW_CAP);
	jw_init(w, o);
	jw_open(w, NULL, '[');
}

static void row_end(struct html_report *h, struct obuf *o, struct jsonw *w, enum sect s)
{
	jw_finish(w);
	sect_put(h, s, o->p, o->len);
}

/* --- interned strings ------------------------------------------------------ */

static uint64_t hash_bytes(const char *s, size_t n)
{
	uint64_t x = 1469598103934665603ull;

	while (n--)
		x = (x ^ (unsigned char)*s++) * 1099511628211ull;
	return x;
}

/* The slot of s (empty when new); NULL when the table is full. */
static struct sslot *str_slot(struct html_report *h, const char *s, size_t n, uint64_t x)
{
	uint32_t i = x & h->smask;

	while (h->strs[i].idx >= 0) {
		if (h->strs[i].hash == x && h->strs[i].len == n && !memcmp(h->strs[i].s, s, n))
			return &h->strs[i];
		i = (i + 1) & h->smask;
	}
	if (h->nstrs >= INTERN_MAX || h->str_bytes + n > INTERN_BYTES)
		return NULL;
	return &h->strs[i];
}

/* A string member of a row, given as its JSON body (escaped already): its
 * index once interned, else the string itself. */
static void put_str(struct html_report *h, struct jsonw *w, const char *body, size_t n)
{
	uint64_t x = hash_bytes(body, n);
	struct sslot *e = str_slot(h, body, n, x);
	char *copy = e && e->idx < 0 ? malloc(n + 3) : NULL;

	if (e && e->idx >= 0) {
		jw_u64(w, NULL, e->idx);
		return;
	}
	if (!copy) {
		if (jw_str_open(w, NULL)) {
			ob_put(w->o, body, n);
			jw_str_close(w);
		}
		return;
	}
	copy[0] = '"';
	memcpy(copy + 1, body, n);
	copy[n + 1] = '"';
	*e = (struct sslot){.hash = x, .s = copy + 1, .len = n, .idx = h->nstrs++};
	h->str_bytes += n;
	sect_put(h, SEC_S, copy, n + 2);
	jw_u64(w, NULL, e->idx);
}

/* --- processes --------------------------------------------------------- */

static uint32_t pslot_of(const struct html_report *h, uint64_t ktime, uint32_t pid)
{
	uint32_t i = (uint32_t)(hash_bytes((const char *)&ktime, 8) ^ pid * 2654435761u) & h->pmask;

	while (h->procs[i].idx >= 0 && (h->procs[i].ktime != ktime || h->procs[i].pid != pid))
		i = (i + 1) & h->pmask;
	return i;
}

static int procs_grow(struct html_report *h)
{
	struct pslot *old = h->procs, *n;
	uint32_t i, cap = (h->pmask + 1) * 2;

	n = malloc(cap * sizeof(*n));
	if (!n)
		return -1;
	for (i = 0; i < cap; i++)
		n[i].idx = -1;
	h->procs = n;
	h->pmask = cap - 1;
	for (i = 0; i < cap / 2; i++)
		if (old[i].idx >= 0)
			h->procs[pslot_of(h, old[i].ktime, old[i].pid)] = old[i];
	free(old);
	return 0;
}

static void branch_row(struct html_report *h, const struct container_info *ci, uint32_t pidns)
{
	struct obuf o;
	struct jsonw w;

	row_start(h, &o, &w);
	jw_str_cstr(&w, NULL, ci ? ci->id : "");
	jw_str_cstr(&w, NULL, ci ? container_compact_name(ci) : "");
	jw_str_cstr(&w, NULL, ci ? ci->name : "");
	jw_str_cstr(&w, NULL, ci ? ci->image : "");
	jw_str_cstr(&w, NULL, ci ? ci->pod_namespace : "");
	jw_str_cstr(&w, NULL, ci ? ci->pod_name : "");
	jw_u64(&w, NULL, pidns);
	row_end(h, &o, &w, SEC_C);
}

/* The branch of the tree a process sits in: -1 the host, else a container
 * (by id: the cache may reuse a record) or, with no runtime's cgroup, a
 * group of processes in their own pid namespace. Past BRANCH_MAX
 * branches, more containers join the last one. */
static int branch_of(struct html_report *h, const struct proc_rec *p)
{
	const struct container_info *ci = p->container;
	const char *id = ci ? ci->id : "";
	uint32_t pidns = ci ? 0 : p->ns[NS_PID];
	uint32_t i = (uint32_t)(hash_bytes(id, strlen(id)) ^ pidns) & (2 * BRANCH_MAX - 1);
	int16_t b;

	if (format_is_host(h->host, p))
		return -1;
	while ((b = h->br_slot[i]) >= 0) {
		if (h->br[b].pidns == pidns && !strcmp(h->br[b].id, id))
			return b;
		i = (i + 1) & (2 * BRANCH_MAX - 1);
	}
	if (h->nbr == BRANCH_MAX)
		return BRANCH_MAX - 1;
	snprintf(h->br[h->nbr].id, sizeof(h->br[h->nbr].id), "%s", id);
	h->br[h->nbr].pidns = pidns;
	h->br_slot[i] = h->nbr;
	branch_row(h, ci, p->ns[NS_PID]);
	return h->nbr++;
}

/* [pid, parent row, binary, arguments, uid, start, branch, pid inside,
 *  ktime (the exec id's), flags: 1 a fork that did not exec, 2 predates]
 * Small numbers for a large file: start is in microseconds after the
 * previous row's (the first: after the first event), ktime in ns after the
 * previous row's (the first: after "kbase" of the header), pid inside 0
 * when it is the pid. */
static void proc_row(struct html_report *h, const struct proc_rec *p, int32_t parent)
{
	char body[2 * PATH_MAX_LEN * 6 + 64];
	struct obuf o, b;
	struct jsonw w;
	int br = branch_of(h, p);

	row_start(h, &o, &w);
	jw_u64(&w, NULL, p->pid);
	jw_i64(&w, NULL, parent);
	ob_init(&b, body, sizeof(body));
	esc_put(&b, p->binary ? p->binary : "", p->binary ? strlen(p->binary) : 0, ESC_JSON,
		ESC_F_VISIBLE);
	put_str(h, &w, b.p, b.len);
	ob_init(&b, body, sizeof(body));
	format_args_text(&b, p, ESC_JSON);
	put_str(h, &w, b.p, b.len);
	jw_u64(&w, NULL, p->creds.uid);
	if (!h->nprocs) {
		h->row_start_us = h->first_ns / 1000;
		h->kbase = h->row_ktime = p->ktime;
	}
	jw_i64(&w, NULL, (int64_t)(p->start_ns / 1000) - h->row_start_us);
	h->row_start_us = p->start_ns / 1000;
	jw_i64(&w, NULL, br);
	jw_u64(&w, NULL, p->nspid == p->pid ? 0 : p->nspid);
	jw_i64(&w, NULL, (int64_t)(p->ktime - h->row_ktime));
	h->row_ktime = p->ktime;
	jw_u64(&w, NULL, (p->flags & PROC_F_CLONE ? 1 : 0) | (p->flags & PROC_F_PROCFS ? 2 : 0));
	row_end(h, &o, &w, SEC_P);
}

/* The row of the event's process, written first (after those of its
 * ancestors not written yet, up to above of them: the parent the decoder
 * linked, then up the cache's links). */
static int32_t proc_idx(struct html_report *h, const struct tr_event *ev, int above)
{
	const struct proc_rec *chain[CHAIN_MAX], *p = ev->proc;
	int32_t parent = -1;
	uint32_t s;
	int n = 0;

	while (p && n < CHAIN_MAX && (above < 0 || n <= above)) {
		s = pslot_of(h, p->ktime, p->pid);
		if (h->procs[s].idx >= 0) {
			parent = h->procs[s].idx;
			break;
		}
		chain[n++] = p;
		p = n == 1 ? ev->parent : proc_cache_parent(p);
	}
	while (n-- > 0) {
		if ((h->nprocs + 1) * 2 > h->pmask && procs_grow(h)) {
			h->err = h->err ? h->err : ENOMEM; /* never shown as another */
			return -1;
		}
		proc_row(h, chain[n], parent);
		s = pslot_of(h, chain[n]->ktime, chain[n]->pid);
		h->procs[s] = (struct pslot){chain[n]->ktime, chain[n]->pid, (int32_t)h->nprocs++};
		parent = h->procs[s].idx;
	}
	return parent;
}

/* --- policy events ------------------------------------------------------- */

/* The end of the JSON string at s[i] ('"'). */
static size_t skip_str(const char *s, size_t n, size_t i)
{
	for (i++; i < n && s[i] != '"'; i++)
		if (s[i] == '\\')
			i++;
	return i + 1;
}

/* Where the JSON value at s[i] ends: the ',' after it, or the '}' or ']'
 * closing what holds it. */
static size_t skip_value(const char *s, size_t n, size_t i)
{
	int depth = 0;

	for (; i < n; i++) {
		if (s[i] == '"')
			i = skip_str(s, n, i) - 1;
		else if (s[i] == '{' || s[i] == '[')
			depth++;
		else if ((s[i] == '}' || s[i] == ']') && depth-- == 0)
			return i;
		else if (s[i] == ',' && !depth)
			return i;
	}
	return n;
}

static bool dropped_key(const char *k, size_t n)
{
	return (n == 9 && !memcmp(k, "\"process\"", 9)) ||
	       (n == 8 && !memcmp(k, "\"parent\"", 8)) ||
	       (n == 11 && !memcmp(k, "\"ancestors\"", 11));
}

/* The line -o json prints, without the event's process, parent and
 * ancestors (the tree holds them): {"process_kprobe":{...},...}. Our own
 * line, always valid JSON; anything unexpected keeps it whole. */
static size_t strip_process(const char *s, size_t n, char *out)
{
	size_t i, k, v, o = 0;
	bool first = true;

	while (n && (s[n - 1] == '\n' || s[n - 1] == ' '))
		n--;
	if (n < 2 || s[0] != '{' || s[1] != '"' || (i = skip_str(s, n, 1)) + 1 >= n ||
	    s[i] != ':' || s[i + 1] != '{') {
		memcpy(out, s, n);
		return n;
	}
	memcpy(out, s, i + 2);
	o = i + 2;
	for (k = i + 2; k < n && s[k] == '"';) {
		v = skip_str(s, n, k);
		if (v >= n || s[v] != ':')
			break;
		v = skip_value(s, n, v + 1);
		if (!dropped_key(s + k, skip_str(s, n, k) - k)) {
			if (!first)
				out[o++] = ',';
			memcpy(out + o, s + k, v - k);
			o += v - k;
			first = false;
		}
		k = v < n && s[v] == ',' ? v + 1 : v;
	}
	memcpy(out + o, s + k, n - k);
	return o + n - k;
}

/* [process row, policy name, the compact line, the -o json line] */
static void policy_row(struct html_report *h, const struct tr_event *ev, int32_t proc)
{
	struct obuf o;
	struct jsonw w;
	size_t n = formatter_render(&h->summary, ev), skip = 0;

	row_start(h, &o, &w);
	jw_i64(&w, NULL, proc);
	jw_str_cstr(&w, NULL, ev->hook ? ev->hook->policy_name : "");
	while (skip < n && h->summary.line[skip] == ' ')
		skip++;
	while (n > skip && (h->summary.line[n - 1] == '\n' || h->summary.line[n - 1] == ' '))
		n--;
	jw_str(&w, NULL, h->summary.line + skip, n - skip);
	n = formatter_render(&h->json, ev);
	if (n && o.len + n + 1 < o.lim && ob_putc(&o, ','))
		o.len += strip_process(h->json.line, n, o.p + o.len);
	row_end(h, &o, &w, SEC_K);
}

/* --- events ---------------------------------------------------------------- */

static void event_nums(struct html_report *h, const struct tr_event *ev, int32_t proc,
		       int64_t extra)
{
	char buf[96];
	uint64_t us = ev->time_ns / 1000;
	int n;

	n = snprintf(buf, sizeof(buf), "%lld,%d,%d,%lld",
		     (long long)(h->events ? (int64_t)(us - h->prev_us) : 0), ev->kind, proc,
		     (long long)extra);
	sect_put(h, SEC_E, buf, n);
	h->prev_us = us;
}

void html_event(struct html_report *h, const struct tr_event *ev, int above)
{
	int32_t proc;
	int64_t extra = 0;

	if (!h || h->err || !ev || !ev->proc || ev->kind <= 0 || ev->kind >= TR_KIND_MAX)
		return;
	if (!h->events)
		h->first_ns = ev->time_ns;
	h->last_ns = ev->time_ns > h->last_ns ? ev->time_ns : h->last_ns;
	proc = proc_idx(h, ev, above);
	if (ev->kind == TR_EXIT)
		extra = ev->exit_signal ? -(int64_t)ev->exit_signal : ev->exit_status;
	if (ev->kind >= TR_KPROBE) {
		policy_row(h, ev, proc);
		extra = h->npolicy++;
	}
	event_nums(h, ev, proc, extra);
	h->events++;
	h->by_kind[ev->kind]++;
	if (++h->chunk_events >= CHUNK_EVENTS ||
	    h->sec[SEC_P].len + h->sec[SEC_K].len > CHUNK_BYTES)
		flush_chunk(h);
}

/* --- the header ----------------------------------------------------------- */

static void copy_str(char *dst, size_t cap, const char *s)
{
	snprintf(dst, cap, "%s", s ? s : "");
}

void html_capture(struct html_report *h, const struct capture_info *ci)
{
	int i;

	if (!h || h->captures++)
		return;
	h->ci = *ci;
	copy_str(h->host_name, sizeof(h->host_name), ci->host_name);
	copy_str(h->krel, sizeof(h->krel), ci->kernel_release);
	copy_str(h->kver, sizeof(h->kver), ci->kernel_version);
	copy_str(h->machine, sizeof(h->machine), ci->machine);
	copy_str(h->tool, sizeof(h->tool), ci->tool_version);
	copy_str(h->node, sizeof(h->node), ci->node_name);
	copy_str(h->boot, sizeof(h->boot), ci->boot_id);
	for (i = 0; i < ci->npolicies && h->npolicies < LIST_MAX; i++, h->npolicies++)
		dbuf_put(&h->names, ci->policies[i].name, strlen(ci->policies[i].name) + 1);
	for (i = 0; i < ci->nhooks && h->nhooks < LIST_MAX; i++, h->nhooks++) {
		const char *p = ci->hooks[i].policy_name, *f = ci->hooks[i].function_name;

		dbuf_put(&h->names, p ? p : "", strlen(p ? p : "") + 1);
		dbuf_put(&h->names, f ? f : "", strlen(f ? f : "") + 1);
	}
}

static void meta_capture(struct html_report *h, struct jsonw *w)
{
	const char *s = h->names.p;
	int i;

	jw_str_cstr(w, "host", h->host_name);
	jw_str_cstr(w, "node", h->node);
	jw_str_cstr(w, "kernel", h->krel);
	jw_str_cstr(w, "kernel_version", h->kver);
	jw_str_cstr(w, "machine", h->machine);
	jw_str_cstr(w, "tool", h->tool);
	jw_str_cstr(w, "boot_id", h->boot);
	jw_u64(w, "captures", h->captures);
	jw_u64_str(w, "capture_start_ns", h->ci.start_ns);
	jw_str_cstr(w, "policy_hash", h->captures ? h->ci.policy_hash : "");
	jw_open(w, "policies", '[');
	for (i = 0; i < h->npolicies; i++, s += strlen(s) + 1)
		jw_str_cstr(w, NULL, s);
	jw_close(w);
	jw_open(w, "hooks", '[');
	for (i = 0; i < h->nhooks; i++, s += strlen(s) + 1) {
		jw_open(w, NULL, '[');
		jw_str_cstr(w, NULL, s);
		s += strlen(s) + 1;
		jw_str_cstr(w, NULL, s);
		jw_close(w);
	}
	jw_close(w);
}

static void meta_counts(struct html_report *h, struct jsonw *w, const struct html_meta *m)
{
	static const char *const names[TR_KIND_MAX] = {
	    [TR_EXEC] = "exec",	    [TR_EXIT] = "exit",
	    [TR_KPROBE] = "kprobe", [TR_TRACEPOINT] = "tracepoint",
	    [TR_LSM] = "lsm",	    [TR_UPROBE] = "uprobe",
	};
	int k;

	jw_u64(w, "events", h->events);
	jw_u64(w, "processes", h->nprocs);
	jw_u64(w, "policy_events", h->npolicy);
	jw_u64(w, "base_us", h->first_ns / 1000);
	jw_u64_str(w, "kbase", h->kbase);
	jw_u64(w, "first_ns", h->first_ns);
	jw_u64(w, "last_ns", h->last_ns);
	jw_open(w, "by_kind", '{');
	for (k = 1; k < TR_KIND_MAX; k++)
		jw_u64(w, names[k], h->by_kind[k]);
	jw_close(w);
	jw_open(w, "loss", '{');
	jw_u64(w, "malformed", m->malformed);
	jw_u64(w, "dropped", m->dropped + m->evicted);
	jw_u64(w, "truncated", m->truncated);
	jw_u64(w, "orphan_exits", m->orphan_exits);
	jw_close(w);
	jw_u64(w, "filtered", m->filtered);
}

static void write_meta(struct html_report *h, const struct html_meta *m)
{
	struct obuf o;
	struct jsonw w;

	flush_chunk(h);
	ob_init(&o, h->row, ROW_CAP);
	jw_init(&w, &o);
	jw_open(&w, NULL, '{');
	jw_str_cstr(&w, "file", m->capture);
	jw_str_cstr(&w, "command", m->command);
	if (m->verify) {
		jw_open(&w, "verify", '{');
		jw_bool(&w, "ok", m->verify_ok);
		jw_str_cstr(&w, "text", m->verify);
		jw_close(&w);
	}
	if (m->error)
		jw_str_cstr(&w, "error", m->error);
	meta_capture(h, &w);
	meta_counts(h, &w, m);
	jw_finish(&w);
	fputs("<script type=\"application/json\" id=\"trmeta\">", h->f);
	put_safe(h, o.p, o.len);
	fputs("</script>\n", h->f);
	check_write(h);
}

/* --- open and close --------------------------------------------------------- */

static int setup(struct html_report *h, const struct tr_host *host)
{
	uint32_t i;

	h->host = host;
	h->row = malloc(ROW_CAP);
	h->procs = malloc(4096 * sizeof(*h->procs));
	h->strs = malloc(2 * INTERN_MAX * sizeof(*h->strs));
	if (!h->row || !h->procs || !h->strs ||
	    formatter_init(&h->summary, OUT_COMPACT, NULL, host) ||
	    formatter_init(&h->json, OUT_JSON, NULL, host))
		return -1;
	h->summary.time_mode = TIME_NONE;
	h->pmask = 4095;
	for (i = 0; i < 4096; i++)
		h->procs[i].idx = -1;
	memset(h->br_slot, 0xff, sizeof(h->br_slot));
	h->smask = 2 * INTERN_MAX - 1;
	for (i = 0; i < 2 * INTERN_MAX; i++)
		h->strs[i].idx = -1;
	return 0;
}

static void report_free(struct html_report *h)
{
	uint32_t i;
	int s;

	for (i = 0; h->strs && i <= h->smask; i++)
		if (h->strs[i].idx >= 0)
			free(h->strs[i].s - 1);
	for (s = 0; s < SEC_N; s++)
		free(h->sec[s].p);
	free(h->names.p);
	free(h->strs);
	free(h->procs);
	free(h->row);
	free(h->fbuf);
	formatter_free(&h->summary);
	formatter_free(&h->json);
	free(h->path);
	free(h);
}

struct html_report *html_open(const char *path, const struct tr_host *host, char *err,
			      size_t errlen)
{
	struct html_report *h = calloc(1, sizeof(*h));
	struct stat st;
	int fd;

	if (!h || setup(h, host) || !(h->path = strdup(path))) {
		snprintf(err, errlen, "out of memory");
		if (h)
			report_free(h);
		return NULL;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	h->f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!h->f) {
		if (fd >= 0)
			close(fd);
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		report_free(h);
		return NULL;
	}
	h->regular = !fstat(fd, &st) && S_ISREG(st.st_mode);
	h->fbuf = malloc(1u << 20); /* setvbuf() would ignore a size without one */
	if (h->fbuf)
		setvbuf(h->f, h->fbuf, _IOFBF, 1u << 20);
	errno = 0;
	fputs(html_page_head, h->f);
	check_write(h);
	return h;
}

int html_close(struct html_report *h, const struct html_meta *m, char *err, size_t errlen)
{
	int rc = 0;

	if (!h)
		return 0;
	write_meta(h, m);
	errno = 0;
	fputs(html_page_tail, h->f);
	fflush(h->f);
	check_write(h);
	if (fclose(h->f) && !h->err)
		h->err = errno ? errno : EIO;
	if (h->err) {
		snprintf(err, errlen, "%s: %s", h->path, strerror(h->err));
		if (h->regular) /* never a device or a pipe named on the command line */
			unlink(h->path);
		rc = -1;
	}
	report_free(h);
	return rc;
}
