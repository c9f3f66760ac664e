/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* validate.c - semantic checks of a parsed policy: Tetragon's limits, operator/type fit, values. */
#include <string.h>

#include "policy/policy.h"

static const struct pol_arg *find_arg(const struct pol_hook *h, uint32_t index)
{
	int i;

	for (i = 0; i < h->nargs; i++)
		if (h->args[i].index == index)
			return &h->args[i];
	return NULL;
}

static int check_arg(const struct pol_hook *h, const struct pol_arg *a, struct diag *d)
{
	const struct arg_type_info *t = arg_type_at(a->type);
	bool buf = !strcmp(t->name, "char_buf") || !strcmp(t->name, "char_iovec");

	if (!t->supported) {
		diag_error(d, &a->pos, "arg type \"%s\" is not supported by tracer", t->name);
		return -1;
	}
	if (h->kind != HOOK_TRACEPOINT && a->index > POL_MAX_REG_ARG) {
		diag_error(d, &a->pos, "arg index %u out of range (0..%d)", a->index,
			   POL_MAX_REG_ARG);
		return -1;
	}
	if ((a->has_size_arg || a->return_copy) && !buf) {
		diag_error(d, &a->pos, "%s is only valid for char_buf and char_iovec args",
			   a->has_size_arg ? "sizeArgIndex" : "returnCopy");
		return -1;
	}
	if (a->max_data && !buf) {
		diag_error(d, &a->pos, "maxData is only valid for char_buf and char_iovec args");
		return -1;
	}
	if (a->has_size_arg && (a->size_arg_index == 0 || a->size_arg_index > POL_MAX_REG_ARG + 1)) {
		diag_error(d, &a->pos, "sizeArgIndex %u out of range (1..%d)",
			   a->size_arg_index, POL_MAX_REG_ARG + 1);
		return -1;
	}
	return 0;
}

static bool op_needs_class(int op, enum arg_class c, const char **why)
{
	switch (op) {
	case OP_PREFIX: case OP_NOT_PREFIX: case OP_POSTFIX: case OP_NOT_POSTFIX:
	case OP_SUBSTRING: case OP_SUBSTRING_IGNCASE:
		*why = "string, file, path or sockaddr";
		return c == AC_STR || c == AC_FILE || c == AC_SOCKADDR;
	case OP_GT: case OP_LT: case OP_MASK: case OP_IN_RANGE: case OP_NOT_IN_RANGE:
	case OP_IN_MAP: case OP_NOT_IN_MAP:
		*why = "integer";
		return c == AC_INT || c == AC_CAP;
	case OP_EQUAL: case OP_NOT_EQUAL:
		*why = "string, file, path, sockaddr or integer";
		return c == AC_STR || c == AC_FILE || c == AC_SOCKADDR || c == AC_INT || c == AC_CAP;
	case OP_SADDR: case OP_NOT_SADDR: case OP_SPORT: case OP_NOT_SPORT:
	case OP_SPORT_PRIV: case OP_NOT_SPORT_PRIV: case OP_FAMILY:
		*why = "sock or sockaddr";
		return c == AC_SOCK || c == AC_SOCKADDR;
	case OP_DADDR: case OP_NOT_DADDR: case OP_DPORT: case OP_NOT_DPORT:
	case OP_DPORT_PRIV: case OP_NOT_DPORT_PRIV: case OP_PROTOCOL: case OP_STATE:
		*why = "sock";
		return c == AC_SOCK;
	case OP_FILE_TYPE: case OP_NOT_FILE_TYPE:
		*why = "file or path";
		return c == AC_FILE;
	default:
		*why = "?";
		return true;
	}
}

static bool fd_sock_op(const struct pol_arg *a, int op)
{
	const char *why;

	const char *t = arg_type_at(a->type)->name;

	return (!strcmp(t, "fd") || stdio_fd(t) >= 0) && op_needs_class(op, AC_SOCK, &why) &&
	       op != OP_EQUAL && op != OP_NOT_EQUAL;
}

static bool op_no_values(int op)
{
	return op == OP_SPORT_PRIV || op == OP_DPORT_PRIV || op == OP_NOT_SPORT_PRIV ||
	       op == OP_NOT_DPORT_PRIV;
}

/* Tetragon's per-filter value limits and string lengths. */
static int check_value_limits(const struct pol_match *m, enum arg_class c, struct diag *d)
{
	size_t max = 0;
	int i;

	if ((c == AC_INT || c == AC_CAP) && m->op != OP_IN_MAP && m->op != OP_NOT_IN_MAP &&
	    m->nvals > POL_MAX_INT_VALUES) {
		diag_error(d, &m->pos, "%s %s supports at most %d integer values (%d given); use InMap",
			   match_kind_name(m->kind), op_name(m->op), POL_MAX_INT_VALUES, m->nvals);
		return -1;
	}
	if (m->op == OP_PREFIX || m->op == OP_NOT_PREFIX)
		max = POL_MAX_PREFIX;
	else if (m->op == OP_POSTFIX || m->op == OP_NOT_POSTFIX)
		max = POL_MAX_POSTFIX;
	else if (m->op == OP_SUBSTRING || m->op == OP_SUBSTRING_IGNCASE)
		max = POL_MAX_SUBSTRING;
	else if (c == AC_STR || c == AC_FILE || c == AC_SOCKADDR)
		max = POL_MAX_STRING;
	for (i = 0; max && i < m->nvals; i++)
		if (m->vals[i].len > max) {
			diag_error(d, &m->vals[i].pos, "%s value longer than %zu characters",
				   op_name(m->op), max);
			return -1;
		}
	return 0;
}

static int check_values(struct policy_set *ps, struct pol_match *m, struct diag *d)
{
	int i;

	if (op_no_values(m->op) && m->nvals) {
		diag_error(d, &m->pos, "operator %s takes no values", op_name(m->op));
		return -1;
	}
	if (!op_no_values(m->op) && !m->nvals) {
		diag_error(d, &m->pos, "%s filter needs at least one value",
			   match_kind_name(m->kind));
		return -1;
	}
	for (i = 0; i < m->nvals; i++)
		if (value_parse(ps, m, &m->vals[i], d))
			return -1;
	return 0;
}

static int check_list_refs(const struct policy *p, const struct pol_match *m, struct diag *d)
{
	int i, j;

	for (i = 0; i < m->nvals; i++) {
		const char *name = m->vals[i].str + 5;

		if (m->vals[i].kind != VK_LIST)
			continue;
		for (j = 0; j < p->nlists && strcmp(p->lists[j].name, name); j++)
			;
		if (j == p->nlists) {
			diag_error(d, &m->vals[i].pos, "unknown list \"%s\"", name);
			return -1;
		}
		if (p->lists[j].type == LIST_GENERATED_FTRACE) {
			diag_error(d, &m->vals[i].pos,
				   "list \"%s\" of type generated_ftrace cannot be used as values", name);
			return -1;
		}
	}
	return 0;
}

static int check_matcharg(struct policy_set *ps, const struct pol_hook *h,
			  struct pol_match *m, struct diag *d)
{
	const struct pol_arg *a;
	const char *why;

	if (m->kind == MK_RETURN_ARGS) {
		if (!h->has_retarg) {
			diag_error(d, &m->pos, "matchReturnArgs needs \"returnArg\" on the hook");
			return -1;
		}
		if (m->index != 0) {
			diag_error(d, &m->pos, "matchReturnArgs index must be 0");
			return -1;
		}
		a = &h->retarg;
	} else if (h->kind == HOOK_TRACEPOINT) {
		/* tracepoints: the index is a position in args, as in Tetragon */
		if (m->index >= (uint32_t)h->nargs) {
			diag_error(d, &m->pos, "matchArgs index %u: the tracepoint has %d args",
				   m->index, h->nargs);
			return -1;
		}
		a = &h->args[m->index];
	} else if (!(a = find_arg(h, m->index))) {
		diag_error(d, &m->pos, "matchArgs index %u does not name an arg of the hook",
			   m->index);
		return -1;
	}
	m->arg_type = a->type;
	if (m->op == OP_CAPS_GAINED || m->op == OP_CEL_EXPR) {
		diag_error(d, &m->pos, "operator %s is not supported by tracer", op_name(m->op));
		return -1;
	}
	/* Extension: an fd arg that is a socket takes the socket operators
	 * (Family, DAddr, DPort, ...); a non-socket fd never matches them. */
	if ((!fd_sock_op(a, m->op) && !op_needs_class(m->op, arg_type_at(a->type)->cls, &why)) ||
	    (m->op == OP_FAMILY && !strcmp(arg_type_at(a->type)->name, "skb"))) {
		diag_error(d, &m->pos, "operator %s needs a %s arg, arg %u is %s",
			   op_name(m->op), why, a->index, arg_type_at(a->type)->name);
		return -1;
	}
	return check_values(ps, m, d) || check_value_limits(m, arg_type_at(a->type)->cls, d) ||
	       check_list_refs(h->pol, m, d) ? -1 : 0;
}

static int check_binaries(struct policy_set *ps, struct pol_match *m, struct diag *d)
{
	int i;

	if (m->follow && m->op != OP_IN && m->op != OP_NOT_IN) {
		diag_error(d, &m->pos, "followChildren works only with In and NotIn");
		return -1;
	}
	if (check_values(ps, m, d))
		return -1;
	for (i = 0; i < m->nvals; i++) {
		if (m->vals[i].len > POL_MAX_BINARY) {
			diag_error(d, &m->vals[i].pos, "binary path longer than %d characters",
				   POL_MAX_BINARY);
			return -1;
		}
		if ((m->op == OP_IN || m->op == OP_NOT_IN) && m->vals[i].str[0] != '/') {
			diag_error(d, &m->vals[i].pos,
				   "binary \"%s\" must be an absolute path", m->vals[i].str);
			return -1;
		}
	}
	return 0;
}

static int check_match(struct policy_set *ps, const struct pol_hook *h, struct pol_match *m,
		       struct diag *d)
{
	switch (m->kind) {
	case MK_ARGS:
	case MK_RETURN_ARGS:
		return check_matcharg(ps, h, m, d);
	case MK_BINARIES:
	case MK_PARENT_BINARIES:
		return check_binaries(ps, m, d);
	case MK_NAMESPACES:
		if (m->nvals > POL_MAX_NS_VALUES) {
			diag_error(d, &m->pos, "matchNamespaces supports at most %d values per filter (%d given)",
				   POL_MAX_NS_VALUES, m->nvals);
			return -1;
		}
		return check_values(ps, m, d);
	default:
		return check_values(ps, m, d);
	}
}

/* Tetragon's per-selector counts: matchArgs 5, one matchBinaries, 10 namespace filters. */
static int check_counts(const struct pol_selector *s, struct diag *d)
{
	static const int max[MK_COUNT] = {
		[MK_ARGS] = POL_MAX_MATCHARGS, [MK_RETURN_ARGS] = POL_MAX_MATCHARGS,
		[MK_PIDS] = POL_MAX_VALUES, [MK_BINARIES] = 1, [MK_PARENT_BINARIES] = 1,
		[MK_NAMESPACES] = POL_MAX_NS_FILTERS, [MK_CAPS] = POL_MAX_VALUES,
		[MK_NS_CHANGES] = 1, [MK_CAP_CHANGES] = 1,
	};
	int cnt[MK_COUNT] = { 0 }, i;

	for (i = 0; i < s->nm; i++)
		if (++cnt[s->m[i].kind] > max[s->m[i].kind]) {
			diag_error(d, &s->m[i].pos, "%s supports at most %d filter%s per selector",
				   match_kind_name(s->m[i].kind), max[s->m[i].kind],
				   max[s->m[i].kind] == 1 ? "" : "s");
			return -1;
		}
	return 0;
}

static bool is_sock_arg(const struct pol_hook *h, uint32_t idx)
{
	const struct pol_arg *a = find_arg(h, idx);

	return a && arg_type_at(a->type)->cls == AC_SOCK;
}

static int check_action(const struct pol_hook *h, const struct pol_action *a, bool ret,
			struct diag *d)
{
	const char *name = action_names[a->type];

	switch (a->type) {
	case ACT_GETURL: case ACT_DNSLOOKUP: case ACT_NOTIFY_ENFORCER:
	case ACT_CLEANUP_ENFORCER: case ACT_SET:
		diag_error(d, &a->pos, "action %s is not supported by tracer", name);
		return -1;
	case ACT_SIGNAL:
		if (a->arg_sig < 1 || a->arg_sig > 64) {
			diag_error(d, &a->pos, "Signal needs \"argSig\" between 1 and 64");
			return -1;
		}
		break;
	case ACT_OVERRIDE:
		if (h->kind == HOOK_TRACEPOINT) {
			diag_error(d, &a->pos, "Override is not possible on a tracepoint");
			return -1;
		}
		break;
	case ACT_TRACKSOCK: case ACT_UNTRACKSOCK:
		if (!ret && !is_sock_arg(h, a->arg_sock)) {
			diag_error(d, &a->pos, "%s argSock %u does not name a sock arg", name,
				   a->arg_sock);
			return -1;
		}
		break;
	default:
		break;
	}
	if (a->rate_limit && a->type != ACT_POST) {
		diag_error(d, &a->pos, "rateLimit is only valid with Post (not %s)", name);
		return -1;
	}
	return 0;
}

static int check_selector(struct policy_set *ps, const struct pol_hook *h,
			  struct pol_selector *s, struct diag *d)
{
	int i;

	if (check_counts(s, d))
		return -1;
	for (i = 0; i < s->nm; i++)
		if (check_match(ps, h, &s->m[i], d))
			return -1;
	for (i = 0; i < s->nact; i++)
		if (check_action(h, &s->act[i], false, d))
			return -1;
	for (i = 0; i < s->nret; i++)
		if (check_action(h, &s->ret_act[i], true, d))
			return -1;
	if (s->nret && !h->has_retarg) {
		diag_error(d, &s->pos, "matchReturnActions needs \"returnArg\" on the hook");
		return -1;
	}
	return 0;
}

static int check_hook(struct policy_set *ps, struct pol_hook *h, struct diag *d)
{
	int i, j;

	if (h->message && strlen(h->message) > POL_MAX_MESSAGE) {
		diag_error(d, &h->pos, "message longer than %d characters", POL_MAX_MESSAGE);
		return -1;
	}
	for (i = 0; i < h->nargs; i++) {
		if (check_arg(h, &h->args[i], d))
			return -1;
		for (j = 0; j < i; j++)
			if (h->args[j].index == h->args[i].index) {
				diag_error(d, &h->args[i].pos, "arg index %u given twice",
					   h->args[i].index);
				return -1;
			}
	}
	if (h->has_retarg && check_arg(h, &h->retarg, d))
		return -1;
	if (h->ret_action >= 0 && h->ret_action != ACT_TRACKSOCK &&
	    h->ret_action != ACT_UNTRACKSOCK) {
		diag_error(d, &h->ret_action_pos,
			   "returnArgAction %s unsupported (use TrackSock or UntrackSock)",
			   action_names[h->ret_action]);
		return -1;
	}
	for (i = 0; i < h->nsel; i++)
		if (check_selector(ps, h, &h->sel[i], d))
			return -1;
	return 0;
}

int policy_validate(struct policy_set *ps, struct policy *p, struct diag *d)
{
	int i;

	for (i = 0; i < p->nhooks; i++)
		if (check_hook(ps, &p->hooks[i], d))
			return -1;
	for (i = 0; i < ps->npols; i++)
		if (ps->pols[i] != p && ps->pols[i]->name && p->name &&
		    !strcmp(ps->pols[i]->name, p->name) && ps->pols[i]->kind == p->kind &&
		    (!p->k8s_namespace || !strcmp(p->k8s_namespace, ps->pols[i]->k8s_namespace))) {
			diag_error(d, &p->pos, "policy \"%s\" already loaded from %s", p->name,
				   ps->pols[i]->file);
			return -1;
		}
	return 0;
}
