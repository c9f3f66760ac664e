// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* format.c - compact, JSON and CSV lines from one field table per event kind.
 *
 * Each row of a table says where one value goes in every format: its JSON
 * key (and, through FT_OBJ/FT_END rows, its nesting), its CSV column and
 * its slot in the compact line. An event is flattened once into a list of
 * (row, record) visits; each format walks that list. So a field is added
 * in one place and the three formats cannot drift apart.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "output/escape.h"
#include "output/format.h"
#include "output/format_names.h"
#include "output/jsonw.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define FMT_LINE_CAP (256 * 1024) /* worst case exec line is ~150 KiB */

/* The CSV header, in order. A fixed set: columns later event kinds fill
 * (containers, policies, kprobes) are reserved now and empty until then. */
/* clang-format off */
#define CSV_COLUMNS(X)                                                        \
	X(TIME, "time") X(EVENT, "event") X(NODE, "node_name")                \
	X(EXEC_ID, "exec_id") X(PID, "pid") X(TID, "tid") X(UID, "uid")       \
	X(AUID, "auid") X(CWD, "cwd") X(BINARY, "binary")                     \
	X(ARGUMENTS, "arguments") X(FLAGS, "flags") X(START, "start_time")    \
	X(PEXEC_ID, "parent_exec_id") X(PPID, "parent_pid")                   \
	X(PBINARY, "parent_binary") X(PARGUMENTS, "parent_arguments")         \
	X(IS_HOST, "is_host") X(NS_UTS, "ns_uts") X(NS_IPC, "ns_ipc")         \
	X(NS_MNT, "ns_mnt") X(NS_PID, "ns_pid")                               \
	X(NS_PID_FC, "ns_pid_for_children") X(NS_NET, "ns_net")               \
	X(NS_TIME, "ns_time") X(NS_TIME_FC, "ns_time_for_children")           \
	X(NS_CGROUP, "ns_cgroup") X(NS_USER, "ns_user")                       \
	X(CAP_P, "cap_permitted") X(CAP_E, "cap_effective")                   \
	X(CAP_I, "cap_inheritable") X(GID, "gid") X(EUID, "euid")             \
	X(EGID, "egid") X(SUID, "suid") X(SGID, "sgid") X(FSUID, "fsuid")     \
	X(FSGID, "fsgid") X(STATUS, "status") X(SIGNAL, "signal")             \
	X(DOCKER, "docker") X(POD_NS, "pod_namespace") X(POD, "pod_name")     \
	X(CT_NAME, "container_name") X(CT_IMAGE, "container_image")           \
	X(POLICY, "policy_name") X(FUNCTION, "function_name")                 \
	X(ACTION, "action") X(ARGS, "args") X(RETURN, "return")
/* clang-format on */

#define COL_ENUM(id, name) COL_##id,
enum csv_col { COL_NONE, CSV_COLUMNS(COL_ENUM) COL_COUNT };
#undef COL_ENUM

/* Compact slots, in line order (see compact_line()). */
enum compact_slot {
	CS_NONE,
	CS_TIME,
	CS_KIND,
	CS_SCOPE,
	CS_PID,
	CS_BINARY,
	CS_ARGS,
	CS_EXIT,
	CS_COUNT,
};

enum ftype {
	FT_OBJ,	   /* JSON only: opens object "key" */
	FT_END,	   /* JSON only: closes it */
	FT_KIND,   /* the event: JSON top-level key, CSV "event", compact label */
	FT_PROC,   /* proc_fields for ev->proc (off 0) or ev->parent (off 1) */
	FT_NODE,   /* tr_host.node_name */
	FT_TIME,   /* u64 wall-clock ns at off */
	FT_U32,	   /* u32 at off */
	FT_STRP,   /* const char * at off (NULL: "") */
	FT_STRA,   /* char[64] at off */
	FT_ARGS,   /* proc_rec args, joined and quoted */
	FT_FLAGS,  /* proc_rec flags as words */
	FT_SCOPE,  /* host or container (mnt and pid namespaces) */
	FT_NS,	   /* namespace slot off: inum and is_host */
	FT_CAPS,   /* u64 capability set at off */
	FT_SIGNAL, /* tr_event exit signal (compact: signal or status) */
};

struct field {
	const char *key; /* JSON key; NULL: not in JSON */
	uint8_t type;	 /* enum ftype */
	uint8_t slot;	 /* enum compact_slot, for ev->proc only */
	uint8_t col;	 /* enum csv_col, as the process */
	uint8_t pcol;	 /* enum csv_col, as the parent */
	uint16_t off;	 /* offset in the record, or a slot or selector */
};

#define ROW(k, t, o, c, pc, s)                                                                     \
	{                                                                                          \
		.key = k, .type = t, .off = o, .col = c, .pcol = pc, .slot = s                     \
	}
#define P(m) offsetof(struct proc_rec, m)
#define CR(m) (offsetof(struct proc_rec, creds) + offsetof(struct event_creds, m))
#define E(m) offsetof(struct tr_event, m)
#define NS(k, slot, c) ROW(k, FT_NS, slot, COL_##c, 0, 0)
#define U32(k, o, c) ROW(k, FT_U32, o, c, 0, 0)

/* One process (Tetragon's Process message); also used for the parent. */
/* clang-format off */
static const struct field proc_fields[] = {
	ROW("exec_id", FT_STRA, P(exec_id), COL_EXEC_ID, 0, 0),
	ROW("pid", FT_U32, P(pid), COL_PID, COL_PPID, CS_PID),
	U32("uid", CR(uid), COL_UID),
	ROW("cwd", FT_STRP, P(cwd), COL_CWD, 0, 0),
	ROW("binary", FT_STRP, P(binary), COL_BINARY, COL_PBINARY, CS_BINARY),
	ROW("arguments", FT_ARGS, 0, COL_ARGUMENTS, COL_PARGUMENTS, CS_ARGS),
	ROW("flags", FT_FLAGS, 0, COL_FLAGS, 0, 0),
	ROW("start_time", FT_TIME, P(start_ns), COL_START, 0, 0),
	U32("auid", CR(auid), COL_AUID),
	ROW("parent_exec_id", FT_STRA, P(parent_exec_id), COL_PEXEC_ID, 0, 0),
	U32("tid", P(tid), COL_TID),
	ROW(NULL, FT_SCOPE, 0, COL_IS_HOST, 0, CS_SCOPE),
	ROW("ns", FT_OBJ, 0, 0, 0, 0),
	NS("uts", NS_UTS, NS_UTS),
	NS("ipc", NS_IPC, NS_IPC),
	NS("mnt", NS_MNT, NS_MNT),
	NS("pid", NS_PID, NS_PID),
	NS("pid_for_children", NS_PID_FOR_CHILDREN, NS_PID_FC),
	NS("net", NS_NET, NS_NET),
	NS("time", NS_TIME, NS_TIME),
	NS("time_for_children", NS_TIME_FOR_CHILDREN, NS_TIME_FC),
	NS("cgroup", NS_CGROUP, NS_CGROUP),
	NS("user", NS_USER, NS_USER),
	ROW(NULL, FT_END, 0, 0, 0, 0),
	ROW("cap", FT_OBJ, 0, 0, 0, 0),
	ROW("permitted", FT_CAPS, CR(cap_permitted), COL_CAP_P, 0, 0),
	ROW("effective", FT_CAPS, CR(cap_effective), COL_CAP_E, 0, 0),
	ROW("inheritable", FT_CAPS, CR(cap_inheritable), COL_CAP_I, 0, 0),
	ROW(NULL, FT_END, 0, 0, 0, 0),
	ROW("process_credentials", FT_OBJ, 0, 0, 0, 0),
	U32("uid", CR(uid), 0),
	U32("gid", CR(gid), COL_GID),
	U32("euid", CR(euid), COL_EUID),
	U32("egid", CR(egid), COL_EGID),
	U32("suid", CR(suid), COL_SUID),
	U32("sgid", CR(sgid), COL_SGID),
	U32("fsuid", CR(fsuid), COL_FSUID),
	U32("fsgid", CR(fsgid), COL_FSGID),
	ROW(NULL, FT_END, 0, 0, 0, 0),
};

static const struct field exec_fields[] = {
	ROW(NULL, FT_KIND, 0, COL_EVENT, 0, CS_KIND),
	ROW("process", FT_PROC, 0, 0, 0, 0),
	ROW("parent", FT_PROC, 1, 0, 0, 0),
	ROW(NULL, FT_END, 0, 0, 0, 0),
	ROW("node_name", FT_NODE, 0, COL_NODE, 0, 0),
	ROW("time", FT_TIME, E(time_ns), COL_TIME, 0, CS_TIME),
};

static const struct field exit_fields[] = {
	ROW(NULL, FT_KIND, 0, COL_EVENT, 0, CS_KIND),
	ROW("process", FT_PROC, 0, 0, 0, 0),
	ROW("parent", FT_PROC, 1, 0, 0, 0),
	ROW("signal", FT_SIGNAL, 0, COL_SIGNAL, 0, CS_EXIT),
	U32("status", E(exit_status), COL_STATUS),
	ROW(NULL, FT_END, 0, 0, 0, 0),
	ROW("node_name", FT_NODE, 0, COL_NODE, 0, 0),
	ROW("time", FT_TIME, E(time_ns), COL_TIME, 0, CS_TIME),
};

struct kind_desc {
	const char *name; /* JSON top-level key and CSV "event" */
	const char *label; /* compact: emoji and word, one width */
	const struct field *fields;
	size_t nfields;
};

static const struct kind_desc kinds[TR_KIND_MAX] = {
	[TR_EXEC] = { "process_exec", "\xf0\x9f\x9a\x80 process", exec_fields,
		      ARRAY_SIZE(exec_fields) },
	[TR_EXIT] = { "process_exit", "\xf0\x9f\x92\xa5 exit   ", exit_fields,
		      ARRAY_SIZE(exit_fields) },
};
/* clang-format on */

static const struct field end_row = ROW(NULL, FT_END, 0, 0, 0, 0);

/* One row applied to one record (the event, the process or the parent). */
struct visit {
	const struct field *fl;
	const void *base;
	bool parent;
};

#define MAX_KIND_FIELDS 16
#define MAX_VISITS (MAX_KIND_FIELDS + 2 * (ARRAY_SIZE(proc_fields) + 2))
_Static_assert(ARRAY_SIZE(exec_fields) <= MAX_KIND_FIELDS, "exec table");
_Static_assert(ARRAY_SIZE(exit_fields) <= MAX_KIND_FIELDS, "exit table");
_Static_assert(COL_COUNT < 256, "csv columns fit in a uint8_t");

/* The event being printed and where it goes. */
struct fctx {
	struct obuf *o;
	const struct tr_event *ev;
	const struct tr_host *host;
	const struct kind_desc *kd;
	struct visit v[MAX_VISITS];
	size_t nv;
};

static void flatten(struct fctx *c, const struct field *t, size_t n, const void *base, bool parent)
{
	const struct proc_rec *p;
	size_t i;

	for (i = 0; i < n; i++) {
		if (t[i].type == FT_PROC) {
			p = t[i].off ? c->ev->parent : c->ev->proc;
			if (!p)
				continue;
			c->v[c->nv++] = (struct visit){&t[i], p, t[i].off};
			flatten(c, proc_fields, ARRAY_SIZE(proc_fields), p, t[i].off);
			c->v[c->nv++] = (struct visit){&end_row, p, t[i].off};
		} else {
			c->v[c->nv++] = (struct visit){&t[i], base, parent};
		}
	}
}

/* --- values ------------------------------------------------------------ */

static uint32_t get_u32(const struct visit *v)
{
	uint32_t x;

	memcpy(&x, (const char *)v->base + v->fl->off, sizeof(x));
	return x;
}

static uint64_t get_u64(const struct visit *v)
{
	uint64_t x;

	memcpy(&x, (const char *)v->base + v->fl->off, sizeof(x));
	return x;
}

static const char *get_str(const struct fctx *c, const struct visit *v, size_t *n)
{
	size_t max = v->fl->type == FT_STRA ? sizeof(((struct proc_rec *)0)->exec_id) : 1u << 20;
	const char *s = NULL;

	if (v->fl->type == FT_NODE)
		s = c->host ? c->host->node_name : NULL;
	else if (v->fl->type == FT_STRP)
		memcpy(&s, (const char *)v->base + v->fl->off, sizeof(s));
	else if (v->fl->type == FT_STRA)
		s = (const char *)v->base + v->fl->off;
	if (!s)
		s = "";
	*n = strnlen(s, max);
	return s;
}

static bool ns_is_host(const struct fctx *c, const struct proc_rec *p, int slot)
{
	return c->host && c->host->ns[slot] && p->ns[slot] == c->host->ns[slot];
}

/* A process is on the host when it sees the host's mounts and pids. */
static bool proc_is_host(const struct fctx *c, const struct proc_rec *p)
{
	return ns_is_host(c, p, NS_MNT) && ns_is_host(c, p, NS_PID);
}

/* Days since 1970-01-01 to a civil date (H. Hinnant's algorithm). */
static void civil_from_days(uint64_t days, uint64_t *y, unsigned int *m, unsigned int *d)
{
	uint64_t z = days + 719468, era = z / 146097, doe = z - era * 146097;
	uint64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	uint64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	uint64_t mp = (5 * doy + 2) / 153;

	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yoe + era * 400 + (*m <= 2);
}

/* RFC 3339, UTC, nanoseconds: 2026-11-29T00:12:34.123456789Z. */
static void put_time(struct obuf *o, uint64_t ns)
{
	uint64_t s = ns / 1000000000, y;
	unsigned int m, d, sod = s % 86400;

	civil_from_days(s / 86400, &y, &m, &d);
	ob_u64(o, y, 4);
	ob_putc(o, '-');
	ob_u64(o, m, 2);
	ob_putc(o, '-');
	ob_u64(o, d, 2);
	ob_putc(o, 'T');
	ob_u64(o, sod / 3600, 2);
	ob_putc(o, ':');
	ob_u64(o, sod / 60 % 60, 2);
	ob_putc(o, ':');
	ob_u64(o, sod % 60, 2);
	ob_putc(o, '.');
	ob_u64(o, ns % 1000000000, 9);
	ob_putc(o, 'Z');
}

static void put_flags(struct obuf *o, uint32_t flags)
{
	const struct tok *t;
	bool sep = false;

	for (t = proc_flag_names; t->s; t++) {
		if (!(flags & t->v))
			continue;
		if (sep)
			ob_putc(o, ' ');
		ob_puts(o, t->s);
		sep = true;
	}
}

/* Capability names separated by spaces (compact and CSV). */
static void put_caps(struct obuf *o, uint64_t set)
{
	char buf[16];
	bool sep = false;
	uint32_t i;

	for (i = 0; i < 64; i++) {
		if (!(set >> i & 1))
			continue;
		if (sep)
			ob_putc(o, ' ');
		ob_puts(o, cap_name(i, buf, sizeof(buf)));
		sep = true;
	}
}

/* Quoted: empty, or holding a space, control, quote or backslash, or "..."
 * (which would read as the truncation marker). */
static bool arg_needs_quotes(const char *a, size_t n)
{
	size_t i;

	if (!n || (n == 3 && !memcmp(a, "...", 3)))
		return true;
	for (i = 0; i < n; i++) {
		unsigned char c = a[i];

		if (c <= ' ' || c == 0x7f || c == '\'' || c == '"' || c == '\\')
			return true;
	}
	return false;
}

static void put_arg(struct obuf *o, const char *a, size_t n, enum esc_mode mode, unsigned int flags)
{
	if (mode == ESC_JSON)
		flags |= ESC_F_VISIBLE;
	if (!arg_needs_quotes(a, n)) {
		esc_put(o, a, n, mode, flags);
		return;
	}
	ob_putc(o, '\'');
	esc_put(o, a, n, mode, flags | ESC_F_SQUOTE);
	ob_putc(o, '\'');
}

/* argv[1..n] joined by spaces, each argument unambiguous (arg_needs_quotes),
 * " ..." after the last when the kernel cut them. The same text in every
 * format before the format's own encoding. */
static void put_args(struct obuf *o, const struct proc_rec *p, enum esc_mode mode,
		     unsigned int flags)
{
	const char *z;
	size_t at = 0, n, len = p->args ? p->args_len : 0;

	while (at < len) {
		z = memchr(p->args + at, '\0', len - at);
		n = z ? (size_t)(z - p->args) - at : len - at;
		if (at)
			ob_putc(o, ' ');
		put_arg(o, p->args + at, n, mode, flags);
		at += n + 1;
	}
	if (p->flags & PROC_F_ARGS_TRUNC)
		ob_puts(o, len ? " ..." : "...");
}

static bool args_csv_quotes(const struct proc_rec *p)
{
	return p->args && (memchr(p->args, ',', p->args_len) || memchr(p->args, '"', p->args_len));
}

/* The plain-text form shared by compact and CSV. */
static void text_value(const struct fctx *c, const struct visit *v, unsigned int flags,
		       bool compact)
{
	const struct proc_rec *p = v->base;
	struct obuf *o = c->o;
	char buf[16];
	const char *s;
	size_t n;

	switch (v->fl->type) {
	case FT_KIND:
		ob_puts(o, compact ? c->kd->label : c->kd->name);
		break;
	case FT_TIME:
		put_time(o, get_u64(v));
		break;
	case FT_U32:
		ob_u64(o, get_u32(v), 0);
		break;
	case FT_NODE:
	case FT_STRP:
	case FT_STRA:
		s = get_str(c, v, &n);
		if (!n && compact)
			ob_putc(o, '?');
		esc_put(o, s, n, ESC_TEXT, flags);
		break;
	case FT_ARGS:
		put_args(o, p, ESC_TEXT, flags);
		break;
	case FT_FLAGS:
		put_flags(o, p->flags);
		break;
	case FT_SCOPE:
		if (compact)
			ob_puts(o, proc_is_host(c, p) ? "host" : "container");
		else
			ob_puts(o, proc_is_host(c, p) ? "true" : "false");
		break;
	case FT_NS:
		ob_u64(o, p->ns[v->fl->off], 0);
		break;
	case FT_CAPS:
		put_caps(o, get_u64(v));
		break;
	case FT_SIGNAL:
		if (c->ev->exit_signal)
			ob_puts(o, signal_name(c->ev->exit_signal, buf, sizeof(buf)));
		else if (compact)
			ob_u64(o, c->ev->exit_status, 0);
		break;
	}
}

/* --- JSON --------------------------------------------------------------- */

static void json_caps(struct jsonw *w, const char *key, uint64_t set)
{
	char buf[16];
	const char *s;
	uint32_t i;

	jw_open(w, key, '[');
	for (i = 0; i < 64; i++) {
		if (!(set >> i & 1))
			continue;
		s = cap_name(i, buf, sizeof(buf));
		jw_str(w, NULL, s, strlen(s));
	}
	jw_close(w);
}

static void json_text(struct jsonw *w, const struct fctx *c, const struct visit *v)
{
	if (!jw_str_open(w, v->fl->key))
		return;
	text_value(c, v, 0, false);
	jw_str_close(w);
}

static void json_value(struct jsonw *w, const struct fctx *c, const struct visit *v)
{
	const struct field *fl = v->fl;
	const struct proc_rec *p = v->base;
	const char *s;
	size_t n;

	switch (fl->type) {
	case FT_KIND:
		jw_open(w, c->kd->name, '{');
		break;
	case FT_OBJ:
	case FT_PROC:
		jw_open(w, fl->key, '{');
		break;
	case FT_END:
		jw_close(w);
		break;
	case FT_U32:
		jw_u64(w, fl->key, get_u32(v));
		break;
	case FT_NODE:
	case FT_STRP:
	case FT_STRA:
		s = get_str(c, v, &n);
		jw_str(w, fl->key, s, n);
		break;
	case FT_ARGS:
		if (jw_str_open(w, fl->key))
			put_args(w->o, p, ESC_JSON, 0);
		jw_str_close(w);
		break;
	case FT_NS:
		jw_open(w, fl->key, '{');
		jw_u64(w, "inum", p->ns[fl->off]);
		jw_bool(w, "is_host", ns_is_host(c, p, fl->off));
		jw_close(w);
		break;
	case FT_CAPS:
		json_caps(w, fl->key, get_u64(v));
		break;
	case FT_SIGNAL:
		if (c->ev->exit_signal)
			json_text(w, c, v);
		break;
	case FT_SCOPE:
		break;
	default: /* FT_TIME, FT_FLAGS: trusted text */
		json_text(w, c, v);
		break;
	}
}

static void json_line(struct fctx *c)
{
	struct jsonw w;
	size_t i;

	jw_init(&w, c->o);
	jw_open(&w, NULL, '{');
	for (i = 0; i < c->nv; i++)
		json_value(&w, c, &c->v[i]);
	jw_finish(&w);
}

/* --- CSV ---------------------------------------------------------------- */

/* "time,event,...,return\n": each name is prefixed by a comma; skip the first. */
#define COL_HDR(id, name) "," name
static const char csv_header[] = CSV_COLUMNS(COL_HDR) "\n";
#undef COL_HDR

static bool csv_quoted(const struct fctx *c, const struct visit *v)
{
	const char *s;
	size_t n;

	switch (v->fl->type) {
	case FT_NODE:
	case FT_STRP:
	case FT_STRA:
		s = get_str(c, v, &n);
		return csv_needs_quotes(s, n);
	case FT_ARGS:
		return args_csv_quotes(v->base);
	default:
		return false; /* numbers, times, names: never , " or spaces */
	}
}

static void csv_cell(const struct fctx *c, const struct visit *v)
{
	if (!csv_quoted(c, v)) {
		text_value(c, v, 0, false);
		return;
	}
	if (!ob_putc(c->o, '"'))
		return;
	text_value(c, v, ESC_F_CSVQ, false);
	ob_force(c->o, "\"", 1);
}

static uint8_t visit_col(const struct visit *v)
{
	return v->parent ? v->fl->pcol : v->fl->col;
}

/* Every row has every column; a full line still gets all its commas. */
static void csv_line(struct fctx *c)
{
	const struct visit *cols[COL_COUNT] = {NULL};
	size_t i;

	for (i = 0; i < c->nv; i++)
		if (visit_col(&c->v[i]))
			cols[visit_col(&c->v[i])] = &c->v[i];
	for (i = 1; i < COL_COUNT; i++) {
		if (i > 1)
			ob_force(c->o, ",", 1);
		if (cols[i])
			csv_cell(c, cols[i]);
	}
}

/* --- compact ------------------------------------------------------------- */

/* One line per event, tokens separated by one space, always in this order:
 *
 *   TIME KIND SCOPE PID BINARY [ARGUMENTS...] [EXIT]
 *
 *   2026-11-29T00:12:34.123456789Z 🚀 process host 4242 /usr/bin/true a 'two words'
 *   2026-11-29T00:12:34.125000000Z 💥 exit    host 4242 /usr/bin/true a 'two words' 0
 *   2026-11-29T00:12:35.000000000Z 💥 exit    container 77 /usr/bin/sleep 30 SIGKILL
 *
 * TIME is RFC 3339 UTC with nanoseconds. KIND is "🚀 process" or
 * "💥 exit   " (padded to one width). SCOPE is "host" or "container" (the
 * slot a container name takes later). BINARY is one token: its spaces are
 * written \x20. ARGUMENTS is the arguments text (argv[1..], quoted where
 * ambiguous, " ..." when cut), absent when there are none. EXIT, on exits
 * only, is the signal name when a signal killed the process, else the exit
 * status. Nothing in a token is a raw control byte (escape.h).
 */
static void compact_line(struct fctx *c)
{
	const struct visit *slots[CS_COUNT] = {NULL};
	size_t i, mark;

	for (i = 0; i < c->nv; i++)
		if (c->v[i].fl->slot && !c->v[i].parent)
			slots[c->v[i].fl->slot] = &c->v[i];
	for (i = 1; i < CS_COUNT; i++) {
		if (!slots[i])
			continue;
		mark = c->o->len;
		if (i > 1)
			ob_putc(c->o, ' ');
		text_value(c, slots[i], i == CS_ARGS ? 0 : ESC_F_SPACE, true);
		if (c->o->len == mark + (i > 1))
			c->o->len = mark; /* empty token: no separator */
	}
}

/* --- API ---------------------------------------------------------------- */

int out_format_parse(const char *name, enum out_format *fmt)
{
	static const struct {
		const char *name;
		enum out_format fmt;
	} names[] = {{"compact", OUT_COMPACT}, {"json", OUT_JSON}, {"csv", OUT_CSV}};
	size_t i;

	for (i = 0; name && i < ARRAY_SIZE(names); i++) {
		if (!strcmp(name, names[i].name)) {
			*fmt = names[i].fmt;
			return 0;
		}
	}
	return -1;
}

int formatter_init(struct formatter *f, enum out_format fmt, FILE *out, const struct tr_host *host)
{
	memset(f, 0, sizeof(*f));
	f->line = malloc(FMT_LINE_CAP);
	if (!f->line)
		return -ENOMEM;
	f->line_cap = FMT_LINE_CAP;
	f->format = fmt;
	f->out = out;
	f->host = host;
	return 0;
}

void formatter_event(struct formatter *f, const struct tr_event *ev)
{
	struct obuf o;
	struct fctx c;

	if (!f->line || !ev || !ev->proc || ev->kind <= 0 || ev->kind >= TR_KIND_MAX)
		return;
	ob_init(&o, f->line, f->line_cap);
	c.o = &o;
	c.ev = ev;
	c.host = f->host;
	c.kd = &kinds[ev->kind];
	c.nv = 0;
	flatten(&c, c.kd->fields, c.kd->nfields, ev, false);
	if (f->format == OUT_CSV && !f->header_done) {
		fwrite(csv_header + 1, 1, sizeof(csv_header) - 2, f->out);
		f->header_done = true;
	}
	if (f->format == OUT_JSON)
		json_line(&c);
	else if (f->format == OUT_CSV)
		csv_line(&c);
	else
		compact_line(&c);
	ob_force(&o, "\n", 1);
	f->line_len = o.len;
	fwrite(f->line, 1, o.len, f->out);
}

void formatter_free(struct formatter *f)
{
	free(f->line);
	f->line = NULL;
	f->line_cap = 0;
}
