/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* model.c - policy model memory (one arena per set), name tables and diagnostics. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "policy/policy.h"

struct arena_blk {
	struct arena_blk *next;
	size_t used, size;
	max_align_t data[];
};

struct arena {
	struct arena_blk *head;
};

static void *arena_alloc(struct arena *a, size_t n)
{
	struct arena_blk *b = a->head;
	size_t al = sizeof(max_align_t);

	n = (n + al - 1) / al * al;
	if (!b || b->size - b->used < n) {
		size_t sz = n > 16384 ? n : 16384;

		b = calloc(1, sizeof(*b) + sz);
		if (!b)
			return NULL;
		b->size = sz;
		b->next = a->head;
		a->head = b;
	}
	b->used += n;
	return (char *)b->data + b->used - n;
}

struct policy_set *policy_set_new(void)
{
	struct policy_set *ps = calloc(1, sizeof(*ps));

	if (!ps)
		return NULL;
	ps->arena = calloc(1, sizeof(*ps->arena));
	if (!ps->arena) {
		free(ps);
		return NULL;
	}
	return ps;
}

void policy_set_free(struct policy_set *ps)
{
	struct arena_blk *b, *n;

	if (!ps)
		return;
	for (b = ps->arena->head; b; b = n) {
		n = b->next;
		free(b);
	}
	free(ps->arena);
	free(ps->pols);
	free(ps);
}

void *ps_alloc(struct policy_set *ps, size_t n)
{
	return arena_alloc(ps->arena, n ? n : 1);
}

char *ps_strndup(struct policy_set *ps, const char *s, size_t n)
{
	char *r = ps_alloc(ps, n + 1);

	if (!r)
		return NULL;
	memcpy(r, s, n);
	r[n] = 0;
	return r;
}

char *ps_strdup(struct policy_set *ps, const char *s)
{
	return s ? ps_strndup(ps, s, strlen(s)) : NULL;
}

char *ps_printf(struct policy_set *ps, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return ps_strdup(ps, buf);
}

struct policy *ps_add_policy(struct policy_set *ps)
{
	struct policy *p;

	if (ps->npols == ps->cap) {
		int cap = ps->cap ? ps->cap * 2 : 8;
		struct policy **n = realloc(ps->pols, cap * sizeof(*n));

		if (!n)
			return NULL;
		ps->pols = n;
		ps->cap = cap;
	}
	p = ps_alloc(ps, sizeof(*p));
	if (p)
		ps->pols[ps->npols++] = p;
	return p;
}

/* ---- diagnostics ---- */

/* Copies s into out[cap] with control bytes (C0, DEL, and C1 as UTF-8,
 * e.g. U+009B CSI) written \xNN: a message quotes YAML values, and what a
 * policy file holds must not drive the terminal nor forge a second line. */
static void escape_ctrl(char *out, size_t cap, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *u = (const unsigned char *)s;
	size_t o = 0, k, n;

	for (; *u && o + 9 < cap; u += n) {
		n = u[0] == 0xc2 && u[1] >= 0x80 && u[1] <= 0x9f ? 2 : 1;
		if (n == 1 && *u >= 0x20 && *u != 0x7f) {
			out[o++] = *u;
			continue;
		}
		for (k = 0; k < n; k++) {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[u[k] >> 4];
			out[o++] = hex[u[k] & 15];
		}
	}
	out[o] = 0;
}

void diag_error(struct diag *d, const struct srcpos *p, const char *fmt, ...)
{
	char body[512], msg[sizeof(d->msg)];
	va_list ap;

	if (d->errors++)
		return;
	va_start(ap, fmt);
	vsnprintf(body, sizeof(body), fmt, ap);
	va_end(ap);
	if (p && p->file && !p->line)
		snprintf(msg, sizeof(msg), "%s: %s", p->file, body);
	else if (p && p->file)
		snprintf(msg, sizeof(msg), "%s:%d:%d: %s", p->file, p->line, p->col, body);
	else
		snprintf(msg, sizeof(msg), "%s", body);
	escape_ctrl(d->msg, sizeof(d->msg), msg);
}

static size_t lev(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t row[64], prev, tmp;

	if (la > 62 || lb > 62)
		return 99;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t c = prev + ((a[i - 1] | 32) != (b[j - 1] | 32));

			tmp = row[j];
			if (row[j] + 1 < c)
				c = row[j] + 1;
			if (row[j - 1] + 1 < c)
				c = row[j - 1] + 1;
			row[j] = c;
			prev = tmp;
		}
	}
	return row[lb];
}

const char *diag_suggest(const char *word, const char *const *names, size_t n)
{
	size_t best = 99, i, lim = strlen(word) / 3 + 1;
	const char *hit = NULL;

	if (lim > 3)
		lim = 3;
	for (i = 0; i < n; i++) {
		size_t dd;

		if (!names[i])
			continue;
		dd = lev(word, names[i]);
		if (dd < best) {
			best = dd;
			hit = names[i];
		}
	}
	return best <= lim ? hit : NULL;
}

/* ---- name tables ---- */

#define T(n, c, s, sg, ok) { n, c, s, sg, ok }
static const struct arg_type_info arg_types[] = {
	T("auto", AC_OTHER, 0, 0, 0),	T("int", AC_INT, 4, 1, 1),
	T("sint8", AC_INT, 1, 1, 1),	T("int8", AC_INT, 1, 1, 1),
	T("uint8", AC_INT, 1, 0, 1),	T("sint16", AC_INT, 2, 1, 1),
	T("int16", AC_INT, 2, 1, 1),	T("uint16", AC_INT, 2, 0, 1),
	T("uint32", AC_INT, 4, 0, 1),	T("sint32", AC_INT, 4, 1, 1),
	T("int32", AC_INT, 4, 1, 1),	T("ulong", AC_INT, 8, 0, 1),
	T("uint64", AC_INT, 8, 0, 1),	T("size_t", AC_INT, 8, 0, 1),
	T("long", AC_INT, 8, 1, 1),	T("sint64", AC_INT, 8, 1, 1),
	T("int64", AC_INT, 8, 1, 1),	T("char_buf", AC_STR, 0, 0, 1),
	T("char_iovec", AC_STR, 0, 0, 0), T("skb", AC_SOCK, 0, 0, 1),
	T("sock", AC_SOCK, 0, 0, 1),	T("sockaddr", AC_SOCKADDR, 0, 0, 1),
	T("socket", AC_SOCK, 0, 0, 1),	T("sockaddr_un", AC_OTHER, 0, 0, 0),
	T("string", AC_STR, 0, 0, 1),	T("fd", AC_FILE, 0, 0, 1),
	T("file", AC_FILE, 0, 0, 1),	T("filename", AC_STR, 0, 0, 1),
	T("path", AC_FILE, 0, 0, 1),	T("nop", AC_OTHER, 0, 0, 1),
	T("bpf_attr", AC_OTHER, 0, 0, 0), T("perf_event", AC_OTHER, 0, 0, 0),
	T("bpf_map", AC_OTHER, 0, 0, 0), T("user_namespace", AC_OTHER, 0, 0, 0),
	T("capability", AC_INT, 4, 1, 1), T("kiocb", AC_OTHER, 0, 0, 0),
	T("iov_iter", AC_OTHER, 0, 0, 0), T("cred", AC_OTHER, 0, 0, 1),
	T("const_buf", AC_STR, 0, 0, 0), T("load_info", AC_OTHER, 0, 0, 0),
	T("module", AC_OTHER, 0, 0, 0),	T("syscall64", AC_INT, 8, 1, 1),
	T("kernel_cap_t", AC_CAP, 8, 0, 1), T("cap_inheritable", AC_CAP, 8, 0, 1),
	T("cap_permitted", AC_CAP, 8, 0, 1), T("cap_effective", AC_CAP, 8, 0, 1),
	T("linux_binprm", AC_FILE, 0, 0, 1), T("data_loc", AC_STR, 0, 0, 0),
	T("net_device", AC_STR, 0, 0, 0), T("bpf_cmd", AC_INT, 4, 1, 0),
	T("dentry", AC_FILE, 0, 0, 1),	T("bpf_prog", AC_OTHER, 0, 0, 0),
	/* extension: fd 0, 1, 2 of the current task, on any hook */
	T("stdin", AC_FILE, 0, 0, 1),	T("stdout", AC_FILE, 0, 0, 1),
	T("stderr", AC_FILE, 0, 0, 1),
};
#undef T

#define NTYPES (sizeof(arg_types) / sizeof(arg_types[0]))
const char *const arg_type_names[] = {
	"auto", "int", "sint8", "int8", "uint8", "sint16", "int16", "uint16",
	"uint32", "sint32", "int32", "ulong", "uint64", "size_t", "long",
	"sint64", "int64", "char_buf", "char_iovec", "skb", "sock", "sockaddr",
	"socket", "sockaddr_un", "string", "fd", "file", "filename", "path",
	"nop", "bpf_attr", "perf_event", "bpf_map", "user_namespace",
	"capability", "kiocb", "iov_iter", "cred", "const_buf", "load_info",
	"module", "syscall64", "kernel_cap_t", "cap_inheritable",
	"cap_permitted", "cap_effective", "linux_binprm", "data_loc",
	"net_device", "bpf_cmd", "dentry", "bpf_prog", "stdin",
	"stdout", "stderr",
};
const size_t arg_type_count = NTYPES;

int stdio_fd(const char *type)
{
	static const char *const names[] = { "stdin", "stdout", "stderr" };
	int i;

	for (i = 0; i < 3; i++)
		if (!strcmp(type, names[i]))
			return i;
	return -1;
}
_Static_assert(sizeof(arg_type_names) / sizeof(arg_type_names[0]) == NTYPES,
	       "arg type tables drift");

const struct arg_type_info *arg_type_lookup(const char *name)
{
	size_t i;

	for (i = 0; i < NTYPES; i++)
		if (!strcmp(arg_types[i].name, name))
			return &arg_types[i];
	return NULL;
}

const struct arg_type_info *arg_type_at(int id)
{
	return id >= 0 && (size_t)id < NTYPES ? &arg_types[id] : &arg_types[0];
}

int arg_type_id(const struct arg_type_info *t)
{
	return (int)(t - arg_types);
}

static const char *const op_names[OP_COUNT] = {
	"Equal", "NotEqual", "Prefix", "NotPrefix", "Postfix", "NotPostfix",
	"GT", "LT", "Mask", "InRange", "NotInRange", "In", "NotIn",
	"InMap", "NotInMap", "SAddr", "DAddr", "NotSAddr", "NotDAddr",
	"SPort", "DPort", "NotSPort", "NotDPort",
	"SPortPriv", "DPortPriv", "NotSPortPriv", "NotDPortPriv",
	"Protocol", "Family", "State", "FileType", "NotFileType",
	"SubString", "SubStringIgnCase", "CapabilitiesGained", "CelExpr",
};

/* Tetragon's aliases (pkg/selectors SelectorOp) and the seed document's. */
static const struct { const char *s; int op; } op_alias[] = {
	{ "gt", OP_GT }, { "GreaterThan", OP_GT }, { "lt", OP_LT },
	{ "LessThan", OP_LT }, { "eq", OP_EQUAL }, { "neq", OP_NOT_EQUAL },
	{ "prefix", OP_PREFIX }, { "notprefix", OP_NOT_PREFIX },
	{ "postfix", OP_POSTFIX }, { "notpostfix", OP_NOT_POSTFIX },
	{ "mask", OP_MASK }, { "saddr", OP_SADDR }, { "Saddr", OP_SADDR },
	{ "daddr", OP_DADDR }, { "Daddr", OP_DADDR },
	{ "notsaddr", OP_NOT_SADDR }, { "NotSaddr", OP_NOT_SADDR },
	{ "notdaddr", OP_NOT_DADDR }, { "NotDaddr", OP_NOT_DADDR },
	{ "sport", OP_SPORT }, { "Sport", OP_SPORT }, { "dport", OP_DPORT },
	{ "Dport", OP_DPORT }, { "protocol", OP_PROTOCOL },
	{ "notsport", OP_NOT_SPORT }, { "NotSport", OP_NOT_SPORT },
	{ "notdport", OP_NOT_DPORT }, { "NotDport", OP_NOT_DPORT },
	{ "sportpriv", OP_SPORT_PRIV }, { "SportPriv", OP_SPORT_PRIV },
	{ "dportpriv", OP_DPORT_PRIV }, { "DportPriv", OP_DPORT_PRIV },
	{ "notsportpriv", OP_NOT_SPORT_PRIV }, { "NotSportPriv", OP_NOT_SPORT_PRIV },
	{ "notdportpriv", OP_NOT_DPORT_PRIV }, { "NotDportPriv", OP_NOT_DPORT_PRIV },
	{ "family", OP_FAMILY }, { "state", OP_STATE },
	{ "DaddrNotIn", OP_NOT_DADDR }, { "DportIn", OP_DPORT },
};

const char *op_name(enum pol_op op)
{
	return op < OP_COUNT ? op_names[op] : "?";
}

int op_lookup(const char *s)
{
	size_t i;

	for (i = 0; i < OP_COUNT; i++)
		if (!strcmp(op_names[i], s))
			return (int)i;
	for (i = 0; i < sizeof(op_alias) / sizeof(op_alias[0]); i++)
		if (!strcmp(op_alias[i].s, s))
			return op_alias[i].op;
	return -1;
}

const char *const ns_type_names[NS_T_COUNT] = {
	"Uts", "Ipc", "Mnt", "Pid", "PidForChildren", "Net", "Time",
	"TimeForChildren", "Cgroup", "User",
};

const char *const cap_set_names[3] = { "Effective", "Inheritable", "Permitted" };

const char *const action_names[ACT_COUNT] = {
	"Post", "NoPost", "Sigkill", "Signal", "Override", "FollowFD",
	"UnfollowFD", "CopyFD", "TrackSock", "UntrackSock", "GetUrl",
	"DnsLookup", "NotifyEnforcer", "CleanupEnforcerNotification", "Set",
};

const char *hook_kind_name(enum hook_kind k)
{
	static const char *const n[] = { "kprobe", "tracepoint", "lsm", "uprobe" };

	return k <= HOOK_UPROBE ? n[k] : "?";
}

const char *match_kind_name(enum match_kind k)
{
	static const char *const n[MK_COUNT] = {
		"matchArgs", "matchReturnArgs", "matchPIDs", "matchBinaries",
		"matchParentBinaries", "matchNamespaces", "matchCapabilities",
		"matchNamespaceChanges", "matchCapabilityChanges",
	};

	return k < MK_COUNT ? n[k] : "?";
}
