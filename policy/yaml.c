/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* yaml.c - strict TracingPolicy YAML reader: node tree to policy model, with positioned errors. */
#include <dirent.h>
#include <stdarg.h>
#include <strings.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "policy/policy.h"
#include "policy/syscall_table.h"
#include "policy/ytree.h"

#define MAX_FILE_SIZE	(4 << 20)
#define N(a)		(sizeof(a) / sizeof((a)[0]))

struct ctx {
	struct policy_set *ps;
	struct diag *d;
	const char *file;
	struct policy *pol;
};

struct keys {
	const char *what;		/* "kprobe", "selector"... */
	const char *const *known;
	size_t nknown;
	const char *const *unsup;	/* Tetragon keys the tracer refuses */
	size_t nunsup;
};

static struct srcpos pos_of(struct ctx *c, const struct ynode *n)
{
	struct srcpos p = { c->file, n ? n->line : 0, n ? n->col : 0 };

	return p;
}

static int err(struct ctx *c, const struct ynode *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int err(struct ctx *c, const struct ynode *n, const char *fmt, ...)
{
	char buf[480];
	struct srcpos p = pos_of(c, n);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	diag_error(c->d, &p, "%s", buf);
	return -1;
}

/* ps_alloc() and ps_strndup() of a node's text, out of memory an error at n. */
static void *alloc(struct ctx *c, const struct ynode *n, size_t size)
{
	void *p = ps_alloc(c->ps, size);

	if (!p)
		err(c, n, "out of memory");
	return p;
}

static char *text(struct ctx *c, const struct ynode *n)
{
	char *s = ps_strndup(c->ps, n->s, n->len);

	if (!s)
		err(c, n, "out of memory");
	return s;
}

static const char *type_name(const struct ynode *n)
{
	return n->type == YN_MAP ? "a mapping" : n->type == YN_SEQ ? "a list" : "a scalar";
}

/* Empty/false values of refused keys are harmless (loader: false, podSelector: {}). */
static bool is_empty(const struct ynode *v)
{
	if (v->type != YN_SCALAR)
		return v->n == 0 && v->type == YN_SEQ;
	return v->plain && (!strcmp(v->s, "false") || !strcmp(v->s, "null") ||
			    !strcmp(v->s, "~") || !v->len);
}

static bool in_list(const char *s, const char *const *l, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(s, l[i]))
			return true;
	return false;
}

static int unknown_key(struct ctx *c, const struct ynode *k, const struct keys *ks)
{
	const char *hint = diag_suggest(k->s, ks->known, ks->nknown);

	if (!hint)
		hint = diag_suggest(k->s, ks->unsup, ks->nunsup);
	if (hint)
		return err(c, k, "unknown %s field \"%s\" (did you mean \"%s\"?)",
			   ks->what, k->s, hint);
	return err(c, k, "unknown %s field \"%s\"", ks->what, k->s);
}

/* Every key a non-empty scalar, known, not repeated, not a refused feature. */
static int check_keys(struct ctx *c, const struct ynode *m, const struct keys *ks)
{
	int i, j;

	if (m->type != YN_MAP)
		return err(c, m, "%s must be a mapping, not %s", ks->what, type_name(m));
	for (i = 0; i + 1 < m->n; i += 2) {
		const struct ynode *k = m->kids[i], *v = m->kids[i + 1];

		if (k->type != YN_SCALAR || memchr(k->s, 0, k->len))
			return err(c, k, "%s keys must be plain names", ks->what);
		for (j = 0; j < i; j += 2)
			if (m->kids[j]->len == k->len && !memcmp(m->kids[j]->s, k->s, k->len))
				return err(c, k, "duplicate key \"%s\"", k->s);
		if (in_list(k->s, ks->known, ks->nknown))
			continue;
		if (in_list(k->s, ks->unsup, ks->nunsup)) {
			if (is_empty(v))
				continue;
			return err(c, k, "%s field \"%s\" is not supported by tracer",
				   ks->what, k->s);
		}
		return unknown_key(c, k, ks);
	}
	return 0;
}

static struct ynode *get(const struct ynode *m, const char *key)
{
	int i;

	for (i = 0; m && m->type == YN_MAP && i + 1 < m->n; i += 2)
		if (m->kids[i]->type == YN_SCALAR && !strcmp(m->kids[i]->s, key))
			return m->kids[i + 1];
	return NULL;
}

static struct ynode *key_node(const struct ynode *m, const char *key)
{
	int i;

	for (i = 0; m && m->type == YN_MAP && i + 1 < m->n; i += 2)
		if (m->kids[i]->type == YN_SCALAR && !strcmp(m->kids[i]->s, key))
			return m->kids[i];
	return NULL;
}

static int want_str(struct ctx *c, const struct ynode *v, const char *key, const char **out)
{
	if (v->type != YN_SCALAR)
		return err(c, v, "\"%s\" must be a string, not %s", key, type_name(v));
	if (memchr(v->s, 0, v->len))
		return err(c, v, "\"%s\" contains a NUL byte", key);
	*out = text(c, v);
	return *out ? 0 : -1;
}

static int opt_str(struct ctx *c, const struct ynode *m, const char *key, const char **out)
{
	const struct ynode *v = get(m, key);

	return v ? want_str(c, v, key, out) : 0;
}

static int req_str(struct ctx *c, const struct ynode *m, const char *key,
		   const char *what, const char **out)
{
	const struct ynode *v = get(m, key);

	if (!v)
		return err(c, m, "%s needs \"%s\"", what, key);
	if (want_str(c, v, key, out))
		return -1;
	if (!**out)
		return err(c, v, "\"%s\" must not be empty", key);
	return 0;
}

static int opt_bool(struct ctx *c, const struct ynode *m, const char *key, bool *out)
{
	const struct ynode *v = get(m, key);

	if (!v)
		return 0;
	if (v->type == YN_SCALAR && v->plain) {
		if (!strcmp(v->s, "true") || !strcmp(v->s, "True") || !strcmp(v->s, "TRUE")) {
			*out = true;
			return 0;
		}
		if (!strcmp(v->s, "false") || !strcmp(v->s, "False") || !strcmp(v->s, "FALSE")) {
			*out = false;
			return 0;
		}
	}
	return err(c, v, "\"%s\" must be true or false", key);
}

static int want_int(struct ctx *c, const struct ynode *v, const char *key,
		    long long min, long long max, long long *out)
{
	char *end;

	if (v->type != YN_SCALAR || !v->len || memchr(v->s, 0, v->len))
		return err(c, v, "\"%s\" must be an integer", key);
	errno = 0;
	*out = strtoll(v->s, &end, 0);
	if (errno || *end || v->s[0] == ' ')
		return err(c, v, "\"%s\" must be an integer, not \"%s\"", key, v->s);
	if (*out < min || *out > max)
		return err(c, v, "\"%s\" must be between %lld and %lld", key, min, max);
	return 0;
}

static int opt_u32(struct ctx *c, const struct ynode *m, const char *key, uint32_t max,
		   uint32_t *out, bool *seen)
{
	const struct ynode *v = get(m, key);
	long long x;

	if (!v)
		return 0;
	if (want_int(c, v, key, 0, max, &x))
		return -1;
	*out = (uint32_t)x;
	if (seen)
		*seen = true;
	return 0;
}

static int want_seq(struct ctx *c, const struct ynode *v, const char *key, int max)
{
	if (v->type != YN_SEQ)
		return err(c, v, "\"%s\" must be a list, not %s", key, type_name(v));
	if (max && v->n > max)
		return err(c, v, "\"%s\" has %d entries, at most %d are supported", key,
			   v->n, max);
	return 0;
}

/* ---- args ---- */

static const char *const arg_known[] = {
	"index", "type", "sizeArgIndex", "returnCopy", "maxData", "label", "resolve",
};
static const char *const arg_unsup[] = { "source", "btfType", "btfTypeModule" };
static const struct keys arg_keys = { "arg", arg_known, N(arg_known), arg_unsup, N(arg_unsup) };

static int parse_arg(struct ctx *c, const struct ynode *m, struct pol_arg *a)
{
	const struct arg_type_info *t;
	const struct ynode *v;
	const char *ty = "auto", *res = NULL;

	if (check_keys(c, m, &arg_keys))
		return -1;
	a->pos = pos_of(c, m);
	if (!get(m, "index"))
		return err(c, m, "arg needs \"index\"");
	if (opt_u32(c, m, "index", 1023, &a->index, NULL) ||
	    opt_u32(c, m, "sizeArgIndex", 1023, &a->size_arg_index, &a->has_size_arg) ||
	    opt_bool(c, m, "returnCopy", &a->return_copy) ||
	    opt_bool(c, m, "maxData", &a->max_data) ||
	    opt_str(c, m, "label", &a->label) || opt_str(c, m, "type", &ty) ||
	    opt_str(c, m, "resolve", &res))
		return -1;
	if (res && *res)
		return err(c, key_node(m, "resolve"), "arg \"resolve\" is not supported by tracer");
	t = arg_type_lookup(ty);
	v = get(m, "type");
	if (!t) {
		const char *hint = diag_suggest(ty, arg_type_names, arg_type_count);

		if (hint)
			return err(c, v, "unknown arg type \"%s\" (did you mean \"%s\"?)", ty, hint);
		return err(c, v, "unknown arg type \"%s\"", ty);
	}
	if (!strcmp(ty, "auto"))
		return err(c, v ? v : m, "arg type \"auto\" (BTF-derived) is not supported by tracer; name the type");
	a->type = arg_type_id(t);
	return 0;
}

static int parse_args(struct ctx *c, const struct ynode *v, struct pol_arg **out, int *n)
{
	int i;

	if (want_seq(c, v, "args", POL_MAX_ARGS))
		return -1;
	*out = alloc(c, v, v->n * sizeof(**out));
	if (!*out)
		return -1;
	*n = v->n;
	for (i = 0; i < v->n; i++)
		if (parse_arg(c, v->kids[i], &(*out)[i]))
			return -1;
	return 0;
}

/* ---- selectors ---- */

static int parse_values(struct ctx *c, const struct ynode *m, struct pol_match *pm,
			bool required)
{
	const struct ynode *v = get(m, "values");
	int i;

	if (!v) {
		if (required)
			return err(c, m, "%s filter needs \"values\"", match_kind_name(pm->kind));
		return 0;
	}
	if (want_seq(c, v, "values", POL_MAX_VALUES))
		return -1;
	pm->vals = alloc(c, v, v->n * sizeof(*pm->vals));
	if (!pm->vals)
		return -1;
	pm->nvals = v->n;
	for (i = 0; i < v->n; i++) {
		const struct ynode *s = v->kids[i];
		struct pol_value *pv = &pm->vals[i];

		if (s->type != YN_SCALAR)
			return err(c, s, "values must be scalars, not %s", type_name(s));
		pv->pos = pos_of(c, s);
		pv->str = text(c, s);
		if (!pv->str)
			return -1;
		pv->len = s->len;
	}
	return 0;
}

static int parse_op(struct ctx *c, const struct ynode *m, struct pol_match *pm,
		    const int *allowed, size_t nallowed)
{
	const struct ynode *v = get(m, "operator");
	const char *names[OP_COUNT + 2], *s, *hint;
	size_t i;
	int op;

	if (!v)
		return err(c, m, "%s filter needs \"operator\"", match_kind_name(pm->kind));
	if (want_str(c, v, "operator", &s))
		return -1;
	op = op_lookup(s);
	for (i = 0; i < nallowed; i++)
		if (allowed[i] == op) {
			pm->op = op;
			return 0;
		}
	for (i = 0; i < nallowed; i++)
		names[i] = op_name(allowed[i]);
	hint = diag_suggest(s, names, nallowed);
	if (op >= 0)
		return err(c, v, "operator \"%s\" is not valid in %s", s,
			   match_kind_name(pm->kind));
	if (hint)
		return err(c, v, "unknown operator \"%s\" (did you mean \"%s\"?)", s, hint);
	return err(c, v, "unknown operator \"%s\"", s);
}

static const int in_notin[] = { OP_IN, OP_NOT_IN };
static const int bin_ops[] = {
	OP_IN, OP_NOT_IN, OP_PREFIX, OP_NOT_PREFIX, OP_POSTFIX, OP_NOT_POSTFIX,
};
static const int arg_ops[] = {
	OP_EQUAL, OP_NOT_EQUAL, OP_PREFIX, OP_NOT_PREFIX, OP_POSTFIX, OP_NOT_POSTFIX,
	OP_GT, OP_LT, OP_MASK, OP_IN_RANGE, OP_NOT_IN_RANGE, OP_IN_MAP, OP_NOT_IN_MAP,
	OP_SADDR, OP_DADDR, OP_NOT_SADDR, OP_NOT_DADDR, OP_SPORT, OP_DPORT,
	OP_NOT_SPORT, OP_NOT_DPORT, OP_SPORT_PRIV, OP_DPORT_PRIV, OP_NOT_SPORT_PRIV,
	OP_NOT_DPORT_PRIV, OP_PROTOCOL, OP_FAMILY, OP_STATE, OP_FILE_TYPE,
	OP_NOT_FILE_TYPE, OP_SUBSTRING, OP_SUBSTRING_IGNCASE, OP_CAPS_GAINED,
	OP_CEL_EXPR,
};

static const char *const pid_known[] = { "operator", "values", "isNamespacePID", "followForks" };
static const char *const bin_known[] = { "operator", "values", "followChildren" };
static const char *const ns_known[] = { "namespace", "operator", "values" };
static const char *const nsc_known[] = { "operator", "values" };
static const char *const cap_known[] = { "type", "operator", "isNamespaceCapability", "values" };
static const char *const marg_known[] = { "index", "operator", "values" };
static const char *const marg_unsup[] = { "args" };

static int parse_ns_name(struct ctx *c, const struct ynode *m, struct pol_match *pm)
{
	const struct ynode *v = get(m, "namespace");
	const char *s, *hint;
	int i;

	if (!v)
		return err(c, m, "matchNamespaces filter needs \"namespace\"");
	if (want_str(c, v, "namespace", &s))
		return -1;
	for (i = 0; i < NS_T_COUNT; i++)
		if (!strcmp(s, ns_type_names[i])) {
			pm->ns = i;
			return 0;
		}
	hint = diag_suggest(s, ns_type_names, NS_T_COUNT);
	if (hint)
		return err(c, v, "unknown namespace \"%s\" (did you mean \"%s\"?)", s, hint);
	return err(c, v, "unknown namespace \"%s\"", s);
}

static int parse_capset(struct ctx *c, const struct ynode *m, struct pol_match *pm)
{
	const struct ynode *v = get(m, "type");
	const char *s;
	int i;

	pm->capset = CAPSET_EFFECTIVE;
	if (!v)
		return 0;
	if (want_str(c, v, "type", &s))
		return -1;
	for (i = 0; i < 3; i++)
		if (!strcmp(s, cap_set_names[i])) {
			pm->capset = i;
			return 0;
		}
	s = diag_suggest(s, cap_set_names, 3);
	if (s)
		return err(c, v, "unknown capability set \"%s\" (did you mean \"%s\"?)", v->s, s);
	return err(c, v, "unknown capability set \"%s\"", v->s);
}

static int parse_match(struct ctx *c, const struct ynode *m, struct pol_match *pm)
{
	struct keys ks = { match_kind_name(pm->kind), NULL, 0, NULL, 0 };

	pm->pos = pos_of(c, m);
	switch (pm->kind) {
	case MK_PIDS:
		ks.known = pid_known, ks.nknown = N(pid_known);
		return check_keys(c, m, &ks) || parse_op(c, m, pm, in_notin, 2) ||
		       opt_bool(c, m, "isNamespacePID", &pm->ns_flag) ||
		       opt_bool(c, m, "followForks", &pm->follow) ||
		       parse_values(c, m, pm, true) ? -1 : 0;
	case MK_BINARIES:
	case MK_PARENT_BINARIES:
		ks.known = bin_known, ks.nknown = N(bin_known);
		return check_keys(c, m, &ks) || parse_op(c, m, pm, bin_ops, N(bin_ops)) ||
		       opt_bool(c, m, "followChildren", &pm->follow) ||
		       parse_values(c, m, pm, true) ? -1 : 0;
	case MK_NAMESPACES:
		ks.known = ns_known, ks.nknown = N(ns_known);
		return check_keys(c, m, &ks) || parse_ns_name(c, m, pm) ||
		       parse_op(c, m, pm, in_notin, 2) || parse_values(c, m, pm, true) ? -1 : 0;
	case MK_NS_CHANGES:
		ks.known = nsc_known, ks.nknown = N(nsc_known);
		return check_keys(c, m, &ks) || parse_op(c, m, pm, in_notin, 2) ||
		       parse_values(c, m, pm, true) ? -1 : 0;
	case MK_CAPS:
	case MK_CAP_CHANGES:
		ks.known = cap_known, ks.nknown = N(cap_known);
		return check_keys(c, m, &ks) || parse_capset(c, m, pm) ||
		       parse_op(c, m, pm, in_notin, 2) ||
		       opt_bool(c, m, "isNamespaceCapability", &pm->ns_flag) ||
		       parse_values(c, m, pm, true) ? -1 : 0;
	default:
		ks.known = marg_known, ks.nknown = N(marg_known);
		ks.unsup = marg_unsup, ks.nunsup = N(marg_unsup);
		return check_keys(c, m, &ks) || parse_op(c, m, pm, arg_ops, N(arg_ops)) ||
		       opt_u32(c, m, "index", 1023, &pm->index, NULL) ||
		       parse_values(c, m, pm, false) ? -1 : 0;
	}
}

/* ---- actions ---- */

static const char *const act_known[] = {
	"action", "argError", "argSig", "argSock", "argFd", "argName", "rateLimit",
	"rateLimitScope", "argUrl", "argFqdn", "argIndex", "argValue",
};
static const char *const act_unsup[] = {
	"kernelStackTrace", "userStackTrace", "imaHash", "argRegs", "argNewSymbol",
	"argNewAddr", "argNewOffset",
};
static const struct keys act_keys = { "action", act_known, N(act_known), act_unsup, N(act_unsup) };

static int action_lookup(struct ctx *c, const struct ynode *v, int *out)
{
	const char *hint;
	int i;

	if (v->type != YN_SCALAR)
		return err(c, v, "\"action\" must be a string, not %s", type_name(v));
	for (i = 0; i < ACT_COUNT; i++)
		if (!strcasecmp(v->s, action_names[i])) {
			*out = i;
			return 0;
		}
	hint = diag_suggest(v->s, action_names, ACT_COUNT);
	if (hint)
		return err(c, v, "unknown action \"%s\" (did you mean \"%s\"?)", v->s, hint);
	return err(c, v, "unknown action \"%s\"", v->s);
}

/* Tetragon's parseRateLimit: N, Ns, Nm or Nh; stored in milliseconds. */
static int parse_rate(struct ctx *c, const struct ynode *v, struct pol_action *a)
{
	unsigned long long n, mult = 1;
	size_t len = v->len;
	char *end, last;

	if (v->type != YN_SCALAR || !len || memchr(v->s, 0, len) || v->s[0] == '-' ||
	    v->s[0] == '+' || v->s[0] == ' ')
		return err(c, v, "invalid rateLimit (want N, Ns, Nm or Nh)");
	last = v->s[len - 1];
	if (last == 's' || last == 'S')
		mult = 1, len--;
	else if (last == 'm' || last == 'M')
		mult = 60, len--;
	else if (last == 'h' || last == 'H')
		mult = 3600, len--;
	errno = 0;
	n = strtoull(v->s, &end, 10);
	if (!len || errno || end != v->s + len || n > 0xffffffffull)
		return err(c, v, "invalid rateLimit \"%s\" (want N, Ns, Nm or Nh)", v->s);
	n = n * mult * 1000;
	a->rate_limit_ms = n > 0xffffffffull ? 0xffffffffu : (uint32_t)n;
	a->rate_limit = text(c, v);
	return a->rate_limit ? 0 : -1;
}

static int parse_scope(struct ctx *c, const struct ynode *m, struct pol_action *a)
{
	static const char *const scopes[] = { "thread", "process", "global" };
	const char *s = NULL;
	int i;

	if (opt_str(c, m, "rateLimitScope", &s) || !s)
		return s ? -1 : 0;
	for (i = 0; i < 3; i++)
		if (!strcmp(s, scopes[i])) {
			a->scope = i;
			return 0;
		}
	return err(c, get(m, "rateLimitScope"),
		   "invalid rateLimitScope \"%s\" (want thread, process or global)", s);
}

static int parse_action(struct ctx *c, const struct ynode *m, struct pol_action *a)
{
	const struct ynode *v;
	long long x;
	int t;

	if (check_keys(c, m, &act_keys))
		return -1;
	a->pos = pos_of(c, m);
	v = get(m, "action");
	if (!v)
		return err(c, m, "action needs \"action\"");
	if (action_lookup(c, v, &t))
		return -1;
	a->type = t;
	a->pos = pos_of(c, v);
	if ((v = get(m, "argError"))) {
		if (want_int(c, v, "argError", -2147483648LL, 2147483647LL, &x))
			return -1;
		a->arg_error = (int32_t)x;
	}
	if (opt_u32(c, m, "argSig", 0xffffffffu, &a->arg_sig, NULL) ||
	    opt_u32(c, m, "argSock", 0xffffffffu, &a->arg_sock, NULL) ||
	    opt_u32(c, m, "argFd", 0xffffffffu, &a->arg_fd, NULL) ||
	    opt_str(c, m, "argName", &a->arg_name) || parse_scope(c, m, a))
		return -1;
	if ((v = get(m, "rateLimit")) && parse_rate(c, v, a))
		return -1;
	return 0;
}

static int parse_actions(struct ctx *c, const struct ynode *v, const char *key,
			 struct pol_action **out, int *n)
{
	int i;

	if (want_seq(c, v, key, POL_MAX_ACTIONS))
		return -1;
	*out = alloc(c, v, v->n * sizeof(**out));
	if (!*out)
		return -1;
	*n = v->n;
	for (i = 0; i < v->n; i++)
		if (parse_action(c, v->kids[i], &(*out)[i]))
			return -1;
	return 0;
}

static const char *const sel_known[] = {
	"matchArgs", "matchReturnArgs", "matchPIDs", "matchBinaries",
	"matchParentBinaries", "matchNamespaces", "matchCapabilities",
	"matchNamespaceChanges", "matchCapabilityChanges", "matchActions",
	"matchReturnActions", "label",
};
static const char *const sel_unsup[] = { "matchData", "matchWorkloads", "macros" };
static const struct keys sel_keys = { "selector", sel_known, N(sel_known), sel_unsup, N(sel_unsup) };

static int parse_selector(struct ctx *c, const struct ynode *m, struct pol_selector *s)
{
	const struct ynode *v;
	int k, i, total = 0;

	if (check_keys(c, m, &sel_keys))
		return -1;
	s->pos = pos_of(c, m);
	for (k = 0; k < MK_COUNT; k++)
		if ((v = get(m, match_kind_name(k)))) {
			if (want_seq(c, v, match_kind_name(k), POL_MAX_VALUES))
				return -1;
			total += v->n;
		}
	s->m = alloc(c, m, total * sizeof(*s->m));
	if (!s->m)
		return -1;
	for (k = 0; k < MK_COUNT; k++) {
		v = get(m, match_kind_name(k));
		for (i = 0; v && i < v->n; i++) {
			s->m[s->nm].kind = k;
			if (parse_match(c, v->kids[i], &s->m[s->nm]))
				return -1;
			s->nm++;
		}
	}
	if ((v = get(m, "matchActions")) &&
	    parse_actions(c, v, "matchActions", &s->act, &s->nact))
		return -1;
	if ((v = get(m, "matchReturnActions")) &&
	    parse_actions(c, v, "matchReturnActions", &s->ret_act, &s->nret))
		return -1;
	return 0;
}

/* ---- hooks ---- */

static int parse_common(struct ctx *c, const struct ynode *m, struct pol_hook *h)
{
	const struct ynode *v;
	int i;

	h->pos = pos_of(c, m);
	h->pol = c->pol;
	if (opt_str(c, m, "message", &h->message))
		return -1;
	if ((v = get(m, "args")) && parse_args(c, v, &h->args, &h->nargs))
		return -1;
	if ((v = get(m, "selectors"))) {
		if (want_seq(c, v, "selectors", POL_MAX_SELECTORS))
			return -1;
		h->sel = alloc(c, v, v->n * sizeof(*h->sel));
		if (!h->sel)
			return -1;
		h->nsel = v->n;
		for (i = 0; i < v->n; i++)
			if (parse_selector(c, v->kids[i], &h->sel[i]))
				return -1;
	}
	if ((v = get(m, "tags"))) {
		if (want_seq(c, v, "tags", POL_MAX_TAGS))
			return -1;
		h->tags = alloc(c, v, v->n * sizeof(*h->tags));
		if (!h->tags)
			return -1;
		h->ntags = v->n;
		for (i = 0; i < v->n; i++)
			if (want_str(c, v->kids[i], "tags", &h->tags[i]))
				return -1;
	}
	return 0;
}

static int parse_return(struct ctx *c, const struct ynode *m, struct pol_hook *h)
{
	const struct ynode *v;
	int t;

	if (opt_bool(c, m, "return", &h->ret))
		return -1;
	if ((v = get(m, "returnArg"))) {
		if (parse_arg(c, v, &h->retarg))
			return -1;
		h->has_retarg = true;
	}
	if ((v = get(m, "returnArgAction"))) {
		if (action_lookup(c, v, &t))
			return -1;
		h->ret_action = t;
		h->ret_action_pos = pos_of(c, v);
	}
	if (h->ret && !h->has_retarg)
		return err(c, key_node(m, "return"), "\"return: true\" needs \"returnArg\"");
	return 0;
}

static const char *const ign_known[] = { "callNotFound" };
static const struct keys ign_keys = { "ignore", ign_known, 1, NULL, 0 };

static const char *const kp_known[] = {
	"call", "return", "syscall", "message", "args", "returnArg",
	"returnArgAction", "selectors", "tags", "ignore",
};
static const char *const kp_unsup[] = { "data" };
static const struct keys kp_keys = { "kprobe", kp_known, N(kp_known), kp_unsup, N(kp_unsup) };

static int parse_kprobe(struct ctx *c, const struct ynode *m, struct pol_hook *h)
{
	const struct ynode *v;

	if (check_keys(c, m, &kp_keys))
		return -1;
	h->kind = HOOK_KPROBE;
	h->ret_action = -1;
	h->syscall = true;	/* the CRD's default */
	if (req_str(c, m, "call", "kprobe", &h->call) ||
	    opt_bool(c, m, "syscall", &h->syscall) || parse_return(c, m, h) ||
	    parse_common(c, m, h))
		return -1;
	if ((v = get(m, "ignore")) &&
	    (check_keys(c, v, &ign_keys) || opt_bool(c, v, "callNotFound", &h->ignore_not_found)))
		return -1;
	return 0;
}

static const char *const tp_known[] = {
	"subsystem", "event", "message", "args", "selectors", "tags", "raw",
};
static const struct keys tp_keys = { "tracepoint", tp_known, N(tp_known), NULL, 0 };

static int parse_tracepoint(struct ctx *c, const struct ynode *m, struct pol_hook *h)
{
	if (check_keys(c, m, &tp_keys))
		return -1;
	h->kind = HOOK_TRACEPOINT;
	h->ret_action = -1;
	return req_str(c, m, "subsystem", "tracepoint", &h->subsystem) ||
	       req_str(c, m, "event", "tracepoint", &h->event) ||
	       opt_bool(c, m, "raw", &h->raw) || parse_common(c, m, h) ? -1 : 0;
}

static const char *const lsm_known[] = { "hook", "message", "args", "selectors", "tags" };
static const struct keys lsm_keys = { "lsmhook", lsm_known, N(lsm_known), NULL, 0 };

static int parse_lsm(struct ctx *c, const struct ynode *m, struct pol_hook *h)
{
	if (check_keys(c, m, &lsm_keys))
		return -1;
	h->kind = HOOK_LSM;
	h->ret_action = -1;
	return req_str(c, m, "hook", "lsmhook", &h->call) || parse_common(c, m, h) ? -1 : 0;
}

static const char *const up_known[] = {
	"path", "symbols", "message", "selectors", "args", "tags", "return", "returnArg",
};
static const char *const up_unsup[] = {
	"btfPath", "offsets", "addrs", "refCtrOffsets", "data", "binaryDigests", "ignore",
};
static const struct keys up_keys = { "uprobe", up_known, N(up_known), up_unsup, N(up_unsup) };

/* One uprobe entry with N symbols becomes N hooks sharing everything else. */
static int parse_uprobe(struct ctx *c, const struct ynode *m, struct pol_hook *hooks,
			int *n)
{
	struct pol_hook h = { 0 };
	const struct ynode *v;
	int i;

	if (check_keys(c, m, &up_keys))
		return -1;
	h.kind = HOOK_UPROBE;
	h.ret_action = -1;
	if (req_str(c, m, "path", "uprobe", &h.path) || parse_return(c, m, &h) ||
	    parse_common(c, m, &h))
		return -1;
	v = get(m, "symbols");
	if (!v)
		return err(c, m, "uprobe needs \"symbols\"");
	if (want_seq(c, v, "symbols", 64))
		return -1;
	if (!v->n)
		return err(c, v, "\"symbols\" must not be empty");
	for (i = 0; i < v->n; i++) {
		hooks[*n] = h;
		hooks[*n].pos = pos_of(c, v->kids[i]);
		if (want_str(c, v->kids[i], "symbols", &hooks[*n].call))
			return -1;
		(*n)++;
	}
	return 0;
}

/* ---- lists and list:NAME expansion ---- */

static const char *const list_known[] = { "name", "type", "values", "pattern", "validated" };
static const struct keys list_keys = { "list", list_known, N(list_known), NULL, 0 };
static const char *const list_types[] = { "syscalls", "generated_syscalls", "generated_ftrace" };

static int parse_list(struct ctx *c, const struct ynode *m, struct pol_list *l)
{
	const struct ynode *v;
	const char *ty = "syscalls", *hint;
	bool validated = false;
	int i;

	if (check_keys(c, m, &list_keys))
		return -1;
	l->pos = pos_of(c, m);
	if (req_str(c, m, "name", "list", &l->name) || opt_str(c, m, "type", &ty) ||
	    opt_str(c, m, "pattern", &l->pattern) || opt_bool(c, m, "validated", &validated))
		return -1;
	for (i = 0; i < 3 && strcmp(ty, list_types[i]); i++)
		;
	if (i == 3) {
		v = get(m, "type");
		hint = diag_suggest(ty, list_types, 3);
		if (hint)
			return err(c, v, "unknown list type \"%s\" (did you mean \"%s\"?)", ty, hint);
		return err(c, v, "unknown list type \"%s\"", ty);
	}
	l->type = i;
	if ((v = get(m, "values"))) {
		if (want_seq(c, v, "values", POL_MAX_VALUES))
			return -1;
		l->values = alloc(c, v, v->n * sizeof(*l->values));
		l->vpos = l->values ? alloc(c, v, v->n * sizeof(*l->vpos)) : NULL;
		if (!l->vpos)
			return -1;
		l->nvalues = v->n;
		for (i = 0; i < v->n; i++) {
			l->vpos[i] = pos_of(c, v->kids[i]);
			if (want_str(c, v->kids[i], "values", &l->values[i]))
				return -1;
		}
	}
	if (l->type == LIST_SYSCALLS && !l->nvalues)
		return err(c, m, "list \"%s\" of type syscalls needs \"values\"", l->name);
	if (l->type == LIST_GENERATED_FTRACE && !l->pattern)
		return err(c, m, "list \"%s\" of type generated_ftrace needs \"pattern\"", l->name);
	return 0;
}

static const struct pol_list *find_list(struct ctx *c, const char *name)
{
	int i;

	for (i = 0; i < c->pol->nlists; i++)
		if (!strcmp(c->pol->lists[i].name, name))
			return &c->pol->lists[i];
	return NULL;
}

static int list_size(const struct pol_list *l)
{
	if (l->type == LIST_GENERATED_SYSCALLS)
		return (int)N(syscall_table);
	return l->type == LIST_SYSCALLS ? l->nvalues : 1;
}

/* Replace a kprobe on list:NAME by one kprobe per list entry. */
static int expand_one(struct ctx *c, const struct pol_hook *h, const struct pol_list *l,
		      struct pol_hook *out, int *n)
{
	int i;

	if (l->type == LIST_GENERATED_FTRACE) {
		out[*n] = *h;
		out[(*n)++].from_list = l->name;
		return 0;
	}
	for (i = 0; i < list_size(l); i++) {
		out[*n] = *h;
		out[*n].from_list = l->name;
		out[*n].syscall = true;
		if (l->type == LIST_SYSCALLS)
			out[*n].call = l->values[i];
		else if (!(out[*n].call = ps_printf(c->ps, "sys_%s", syscall_table[i].name)))
			goto nomem;
		if (l->type == LIST_GENERATED_SYSCALLS)
			out[*n].ignore_not_found = true;	/* only those this kernel has */
		(*n)++;
	}
	return 0;
nomem:
	diag_error(c->d, &h->pos, "out of memory");
	return -1;
}

static int expand_lists(struct ctx *c, struct policy *p)
{
	struct pol_hook *nh;
	const struct pol_list *l;
	int i, total = 0, n = 0;

	for (i = 0; i < p->nhooks; i++) {
		const char *call = p->hooks[i].call;

		if (p->hooks[i].kind != HOOK_KPROBE || strncmp(call, "list:", 5)) {
			total++;
			continue;
		}
		l = find_list(c, call + 5);
		if (!l) {
			diag_error(c->d, &p->hooks[i].pos, "unknown list \"%s\"", call + 5);
			return -1;
		}
		total += list_size(l);
	}
	for (i = 0; i < p->nhooks && strncmp(p->hooks[i].call ? p->hooks[i].call : "", "list:", 5); i++)
		;
	if (i == p->nhooks)
		return 0;
	nh = ps_alloc(c->ps, total * sizeof(*nh));
	if (!nh) {
		diag_error(c->d, &p->hooks[i].pos, "out of memory");
		return -1;
	}
	for (i = 0; i < p->nhooks; i++) {
		const char *call = p->hooks[i].call;

		if (p->hooks[i].kind != HOOK_KPROBE || strncmp(call, "list:", 5))
			nh[n++] = p->hooks[i];
		else if (expand_one(c, &p->hooks[i], find_list(c, call + 5), nh, &n))
			return -1;
	}
	p->hooks = nh;
	p->nhooks = n;
	return 0;
}

/* ---- spec, metadata, document ---- */

static const char *const opt_known[] = { "name", "value" };
static const struct keys opt_keys = { "option", opt_known, 2, NULL, 0 };
static const char *const opt_names[] = {
	"disable-kprobe-multi", "disable-uprobe-multi", "policy-mode", "relay-shells",
};

static int parse_option(struct ctx *c, const struct ynode *m)
{
	const char *name, *val = "", *hint;

	if (check_keys(c, m, &opt_keys) || req_str(c, m, "name", "option", &name) ||
	    opt_str(c, m, "value", &val))
		return -1;
	if (!strcmp(name, "policy-mode")) {
		if (strcmp(val, "monitor") && strcmp(val, "enforce"))
			return err(c, get(m, "value"), "policy-mode must be monitor or enforce");
		c->pol->monitor = !strcmp(val, "monitor");
		return 0;
	}
	if (!strcmp(name, "relay-shells")) { /* extension: relay reverse shells */
		if (!val[strspn(val, " ")])
			return err(c, get(m, "value"), "relay-shells needs the shells' names");
		c->pol->relay_shells = val;
		return 0;
	}
	if (in_list(name, opt_names, N(opt_names)))
		return 0;
	hint = diag_suggest(name, opt_names, N(opt_names));
	if (hint)
		return err(c, get(m, "name"), "unknown option \"%s\" (did you mean \"%s\"?)", name, hint);
	return err(c, get(m, "name"), "unknown option \"%s\"", name);
}

static const char *const spec_known[] = {
	"kprobes", "tracepoints", "lsmhooks", "uprobes", "lists", "options",
};
static const char *const spec_unsup[] = {
	"usdts", "loader", "enforcers", "fentries", "podSelector", "containerSelector",
	"hostSelector", "nodeSelector", "selectorsMacros",
};
static const struct keys spec_keys = { "spec", spec_known, N(spec_known), spec_unsup, N(spec_unsup) };

typedef int (*hook_fn)(struct ctx *, const struct ynode *, struct pol_hook *);

static int parse_section(struct ctx *c, const struct ynode *spec, const char *key,
			 hook_fn fn, struct policy *p)
{
	const struct ynode *v = get(spec, key);
	int i;

	if (!v)
		return 0;
	if (want_seq(c, v, key, POL_MAX_VALUES))
		return -1;
	for (i = 0; i < v->n; i++) {
		if (!fn) {
			if (parse_uprobe(c, v->kids[i], p->hooks, &p->nhooks))
				return -1;
			continue;
		}
		if (fn(c, v->kids[i], &p->hooks[p->nhooks]))
			return -1;
		p->nhooks++;
	}
	return 0;
}

static int count_hooks(const struct ynode *spec)
{
	static const char *const secs[] = { "kprobes", "tracepoints", "lsmhooks" };
	const struct ynode *v;
	int i, j, n = 0;

	for (i = 0; i < 3; i++)
		if ((v = get(spec, secs[i])) && v->type == YN_SEQ)
			n += v->n;
	if ((v = get(spec, "uprobes")) && v->type == YN_SEQ)
		for (j = 0; j < v->n; j++) {
			const struct ynode *s = get(v->kids[j], "symbols");

			n += s && s->type == YN_SEQ ? s->n : 1;
		}
	return n;
}

static int parse_spec(struct ctx *c, const struct ynode *spec, struct policy *p)
{
	const struct ynode *v;
	int i;

	if (check_keys(c, spec, &spec_keys))
		return -1;
	if ((v = get(spec, "lists"))) {
		if (want_seq(c, v, "lists", POL_MAX_VALUES))
			return -1;
		p->lists = alloc(c, v, v->n * sizeof(*p->lists));
		if (!p->lists)
			return -1;
		p->nlists = v->n;
		for (i = 0; i < v->n; i++)
			if (parse_list(c, v->kids[i], &p->lists[i]))
				return -1;
	}
	if ((v = get(spec, "options"))) {
		if (want_seq(c, v, "options", 64))
			return -1;
		for (i = 0; i < v->n; i++)
			if (parse_option(c, v->kids[i]))
				return -1;
	}
	p->hooks = alloc(c, spec, count_hooks(spec) * sizeof(*p->hooks));
	if (!p->hooks || parse_section(c, spec, "kprobes", parse_kprobe, p) ||
	    parse_section(c, spec, "tracepoints", parse_tracepoint, p) ||
	    parse_section(c, spec, "lsmhooks", parse_lsm, p) ||
	    parse_section(c, spec, "uprobes", NULL, p))
		return -1;
	if (!p->nhooks)
		return err(c, spec, "policy \"%s\" has no hooks (kprobes, tracepoints, lsmhooks or uprobes)",
			   p->name);
	return expand_lists(c, p);
}

static const char *const meta_known[] = { "name", "namespace", "labels", "annotations" };
static const struct keys meta_keys = { "metadata", meta_known, N(meta_known), NULL, 0 };

static int parse_metadata(struct ctx *c, const struct ynode *m, struct policy *p)
{
	const char *s;

	if (check_keys(c, m, &meta_keys) || req_str(c, m, "name", "metadata", &p->name) ||
	    opt_str(c, m, "namespace", &p->k8s_namespace))
		return -1;
	for (s = p->name; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' ||
		      *s == '.'))
			return err(c, get(m, "name"),
				   "invalid policy name \"%s\" (lower-case letters, digits, '-' and '.')",
				   p->name);
	if (strlen(p->name) > 253)
		return err(c, get(m, "name"), "policy name longer than 253 characters");
	if (p->kind == POLICY_NAMESPACED && !p->k8s_namespace)
		return err(c, m, "TracingPolicyNamespaced needs metadata.namespace");
	if (p->kind == POLICY_CLUSTER && p->k8s_namespace)
		return err(c, get(m, "namespace"),
			   "metadata.namespace is only valid for TracingPolicyNamespaced");
	return 0;
}

static const char *const doc_known[] = { "apiVersion", "kind", "metadata", "spec" };
static const struct keys doc_keys = { "top-level", doc_known, N(doc_known), NULL, 0 };
static const char *const kinds[] = { "TracingPolicy", "TracingPolicyNamespaced" };

static int parse_kind(struct ctx *c, const struct ynode *root, struct policy *p)
{
	const char *api, *kind, *hint;

	if (req_str(c, root, "apiVersion", "policy", &api) ||
	    req_str(c, root, "kind", "policy", &kind))
		return -1;
	if (strcmp(api, "cilium.io/v1alpha1"))
		return err(c, get(root, "apiVersion"),
			   "unsupported apiVersion \"%s\" (want cilium.io/v1alpha1)", api);
	if (!strcmp(kind, kinds[0]) || !strcmp(kind, kinds[1])) {
		p->kind = strcmp(kind, kinds[0]) ? POLICY_NAMESPACED : POLICY_CLUSTER;
		return 0;
	}
	hint = diag_suggest(kind, kinds, 2);
	if (hint)
		return err(c, get(root, "kind"), "unknown kind \"%s\" (did you mean \"%s\"?)", kind, hint);
	return err(c, get(root, "kind"), "unsupported kind \"%s\" (want TracingPolicy or TracingPolicyNamespaced)", kind);
}

static int on_doc(struct ynode *root, void *arg)
{
	struct ctx *c = arg;
	struct policy *p;

	if (!root)
		return 0;
	if (root->type == YN_SCALAR && root->plain && (!root->len || !strcmp(root->s, "null") || !strcmp(root->s, "~")))
		return 0;
	if (check_keys(c, root, &doc_keys))
		return -1;
	p = ps_add_policy(c->ps);
	if (!p)
		return err(c, root, "out of memory");
	c->pol = p;
	p->pos = pos_of(c, root);
	p->file = c->file;
	if (parse_kind(c, root, p))
		return -1;
	if (!get(root, "metadata"))
		return err(c, root, "policy needs \"metadata\"");
	if (parse_metadata(c, get(root, "metadata"), p))
		return -1;
	if (!get(root, "spec"))
		return err(c, root, "policy needs \"spec\"");
	return parse_spec(c, get(root, "spec"), p) || policy_validate(c->ps, p, c->d) ? -1 : 0;
}

int policy_load_buffer(struct policy_set *ps, const char *name, const unsigned char *buf,
		       size_t len, struct diag *d)
{
	struct ctx c = { ps, d, ps_strdup(ps, name), NULL };
	char msg[400];
	int line = 0, col = 0, before = ps->npols;
	struct srcpos p;

	if (!c.file) {
		diag_error(d, NULL, "%s: out of memory", name);
		return -1;
	}
	if (ytree_parse(buf, len, on_doc, &c, msg, sizeof(msg), &line, &col)) {
		if (!d->errors) {
			p = (struct srcpos){ c.file, line, col };
			diag_error(d, &p, "%s", msg);
		}
		return -1;
	}
	if (ps->npols == before) {
		p = (struct srcpos){ c.file, 1, 1 };
		diag_error(d, &p, "no policy in file");
		return -1;
	}
	return 0;
}

/* strerror(), but ENOMEM is said as every other out of memory is. */
static const char *errno_msg(int e)
{
	return e == ENOMEM ? "out of memory" : strerror(e);
}

int policy_load_file(struct policy_set *ps, const char *path, struct diag *d)
{
	struct srcpos p = { path, 0, 0 };
	unsigned char *buf;
	struct stat st;
	size_t n;
	FILE *f;
	int rc;

	f = fopen(path, "rb");
	if (!f || fstat(fileno(f), &st) || !S_ISREG(st.st_mode)) {
		diag_error(d, NULL, "%s: %s", path, f ? "not a regular file" : errno_msg(errno));
		if (f)
			fclose(f);
		return -1;
	}
	if (st.st_size > MAX_FILE_SIZE) {
		fclose(f);
		diag_error(d, &p, "file larger than %d bytes", MAX_FILE_SIZE);
		return -1;
	}
	buf = malloc(st.st_size + 1);
	if (!buf) {
		fclose(f);
		diag_error(d, &p, "out of memory");
		return -1;
	}
	n = fread(buf, 1, st.st_size, f);
	fclose(f);
	rc = policy_load_buffer(ps, path, buf, n, d);
	free(buf);
	return rc;
}

static int yaml_name(const struct dirent *e)
{
	size_t n = strlen(e->d_name);

	if (e->d_name[0] == '.')
		return 0;
	return (n > 5 && !strcmp(e->d_name + n - 5, ".yaml")) ||
	       (n > 4 && !strcmp(e->d_name + n - 4, ".yml"));
}

int policy_load_path(struct policy_set *ps, const char *path, struct diag *d)
{
	struct dirent **ents;
	struct stat st;
	char full[4096];
	int i, n, rc = 0;

	if (stat(path, &st) || !S_ISDIR(st.st_mode))
		return policy_load_file(ps, path, d);
	n = scandir(path, &ents, yaml_name, alphasort);
	if (n < 0) {
		diag_error(d, NULL, "%s: %s", path, errno_msg(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		snprintf(full, sizeof(full), "%s%s%s", path,
			 path[strlen(path) - 1] == '/' ? "" : "/", ents[i]->d_name);
		if (!rc && policy_load_file(ps, full, d))
			rc = -1;
		free(ents[i]);
	}
	free(ents);
	if (!n) {
		diag_error(d, NULL, "%s: no *.yaml or *.yml files", path);
		return -1;
	}
	return rc;
}
