/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* compile.c - the plan becomes kernel config: per program instance a
 * struct hook_cfg (rodata), its attach targets, and the value sets the
 * selectors look up (string hashes, prefix and CIDR tries).
 *
 * What the kernel programs cannot evaluate is refused here, with the
 * position of the policy node, never silently dropped.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "policy/compile.h"

/* The policy model's limits are the kernel config's: a value the model
 * accepts always has a slot (ns_filter indexes ns_op by enum ns_type). */
_Static_assert((int)NS_T_COUNT == NS_COUNT, "policy namespace types are the kernel's slots");
_Static_assert((int)NS_T_UTS == NS_UTS && (int)NS_T_MNT == NS_MNT && (int)NS_T_PID == NS_PID &&
	       (int)NS_T_NET == NS_NET && (int)NS_T_CGROUP == NS_CGROUP && (int)NS_T_USER == NS_USER,
	       "enum ns_type and enum ns_slot in the same order");
_Static_assert(POL_MAX_SELECTORS == HOOK_MAX_SELECTORS, "selectors per hook");
_Static_assert(POL_MAX_MATCHARGS <= SEL_MAX_FILTERS, "matchArgs per selector");
_Static_assert(POL_MAX_ARGS <= HOOK_MAX_ARGS, "arguments per hook");
_Static_assert(2 * POL_MAX_INT_VALUES <= FILTER_MAX_VALUES, "integer values (range pairs)");
_Static_assert(POL_MAX_NS_VALUES <= 4, "selector_cfg.ns_val[slot][4]");

struct cctx {
	struct compiled *c;
	const struct plan_hook *ph;
	struct diag *d;
};

static int refuse(struct cctx *x, const struct srcpos *pos, const char *fmt, const char *what)
{
	diag_error(x->d, pos, fmt, what);
	return -1;
}

static struct set_entry *set_add(struct compiled *c, enum set_map map)
{
	struct set_entry *e;

	if (c->load.nsets == c->load.capsets) {
		int cap = c->load.capsets ? 2 * c->load.capsets : 64;
		struct set_entry *n = realloc(c->load.sets, cap * sizeof(*n));

		if (!n)
			return NULL;
		c->load.sets = n;
		c->load.capsets = cap;
	}
	e = &c->load.sets[c->load.nsets++];
	memset(e, 0, sizeof(*e));
	e->map = map;
	return e;
}

/* Adds one string to set `id` of the given kind (exact, prefix, postfix). */
static int add_string(struct cctx *x, enum set_map map, uint32_t id, const struct pol_value *v,
		      const char *s)
{
	size_t len = strlen(s), i;
	struct set_entry *e;

	if ((map == SET_STR || map == SET_BIN) ? len >= STR_KEY_LEN : len > LPM_STR_LEN)
		return refuse(x, &v->pos, "value \"%s\" is longer than the kernel compares "
			      "(256 bytes exact, 248 for Prefix/Postfix)", v->str);
	if (!(e = set_add(x->c, map)))
		return refuse(x, &v->pos, "out of memory compiling \"%s\"", v->str);
	if (map == SET_BIN) {
		e->key.bin.set_id = id;
		e->key.bin.hash = bin_hash(s, len);
		return 0;
	}
	if (map == SET_STR) {
		e->key.str.set_id = id;
		e->key.str.len = len;
		memcpy(e->key.str.s, s, len);
		return 0;
	}
	e->key.lpm.set_id = id;
	e->key.lpm.prefixlen = 32 + 8 * len;
	for (i = 0; i < len; i++)
		e->key.lpm.s[i] = map == SET_POSTFIX ? s[len - 1 - i] : s[i];
	return 0;
}

/* A value and, when it differs, its symlink-resolved form. */
static int add_path_value(struct cctx *x, enum set_map map, uint32_t id, const struct pol_value *v)
{
	if (add_string(x, map, id, v, v->str))
		return -1;
	return v->expanded ? add_string(x, map, id, v, v->expanded) : 0;
}

static int add_cidr(struct cctx *x, uint32_t id, const struct pol_value *v)
{
	struct set_entry *e = set_add(x->c, SET_CIDR);
	bool v6 = v->cidr.family == 6 || v->cidr.family == AF_INET6;

	if (!e)
		return refuse(x, &v->pos, "out of memory compiling \"%s\"", v->str);
	e->key.addr.set_id = v6 ? id | 0x80000000u : id;
	e->key.addr.prefixlen = 32 + v->cidr.prefix;
	memcpy(e->key.addr.addr, v->cidr.addr, v6 ? 16 : 4);
	return 0;
}

static int int_op(struct cctx *x, struct filter_cfg *f, const struct pol_match *m);

static int ns_filter(struct cctx *x, struct selector_cfg *s, const struct pol_match *m)
{
	int i;

	if (m->nvals < 1 || m->nvals > 4)
		return refuse(x, &m->pos, "matchNamespaces with %s values: the kernel side "
			      "takes one to four per namespace", m->nvals ? "more than four" : "no");
	if (m->op != OP_IN && m->op != OP_NOT_IN)
		return refuse(x, &m->pos, "matchNamespaces operator %s: want In or NotIn",
			      op_name(m->op));
	s->ns_used = 1;
	s->ns_op[m->ns] = m->op == OP_IN ? NSOP_IN : NSOP_NOT_IN;
	s->ns_nval[m->ns] = m->nvals;
	for (i = 0; i < m->nvals; i++) /* 0 stands for host_ns */
		s->ns_val[m->ns][i] = m->vals[i].kind == VK_HOST_NS ? 0 : (uint32_t)m->vals[i].u;
	return 0;
}

static int pid_filter(struct cctx *x, struct selector_cfg *s, const struct pol_match *m)
{
	int i, k = s->pid_op[0] ? 1 : 0;

	if ((m->op != OP_IN && m->op != OP_NOT_IN) || m->nvals > 4 || s->pid_op[1])
		return refuse(x, &m->pos, "matchPIDs %s: the kernel side takes In/NotIn with at "
			      "most 4 pids, two filters per selector", op_name(m->op));
	if (m->follow)
		return refuse(x, &m->pos, "matchPIDs with %s is not evaluated by the kernel side",
			      "followForks");
	s->pid_op[k] = m->op == OP_IN ? NSOP_IN : NSOP_NOT_IN;
	s->npids[k] = m->nvals;
	s->pid_ns[k] = m->ns_flag;
	for (i = 0; i < m->nvals; i++)
		s->pids[k][i] = (uint32_t)m->vals[i].u;
	return 0;
}

static int cap_filter(struct cctx *x, struct selector_cfg *s, const struct pol_match *m)
{
	int i;

	if ((m->op != OP_IN && m->op != OP_NOT_IN) || s->cap_op)
		return refuse(x, &m->pos, "matchCapabilities %s: the kernel side takes one In or "
			      "NotIn per selector", op_name(m->op));
	s->cap_op = m->op == OP_IN ? NSOP_IN : NSOP_NOT_IN;
	s->cap_set = m->capset == CAPSET_INHERITABLE ? 1 : m->capset == CAPSET_PERMITTED ? 2 : 0;
	for (i = 0; i < m->nvals; i++)
		s->cap_mask |= 1ull << (m->vals[i].u & 63);
	return 0;
}

/* matchReturnArgs: integer filters on the return value. */
static int ret_filter(struct cctx *x, struct selector_cfg *s, const struct pol_match *m)
{
	struct filter_cfg *f;

	if (!x->ph->has_ret)
		return refuse(x, &m->pos, "matchReturnArgs needs %s on this hook", "return: true");
	if (s->nfilters >= SEL_MAX_FILTERS)
		return refuse(x, &m->pos, "more than %s matchArgs and matchReturnArgs in one selector",
			      "5");
	f = &s->f[s->nfilters++];
	f->arg = FILTER_ARG_RET;
	return int_op(x, f, m);
}

static int bin_filter(struct cctx *x, struct selector_cfg *s, const struct pol_match *m)
{
	bool parent = m->kind == MK_PARENT_BINARIES;
	uint32_t id = ++x->c->next_set;
	int i;

	if ((m->op != OP_IN && m->op != OP_NOT_IN) || m->follow)
		return refuse(x, &m->pos, "%s: the kernel side takes In/NotIn, without "
			      "followChildren", match_kind_name(m->kind));
	for (i = 0; i < m->nvals; i++)
		if (add_path_value(x, SET_BIN, id, &m->vals[i]))
			return -1;
	if (parent) {
		s->pbin_op = m->op == OP_IN ? NSOP_IN : NSOP_NOT_IN;
		s->pbin_set = id;
	} else {
		s->bin_op = m->op == OP_IN ? NSOP_IN : NSOP_NOT_IN;
		s->bin_set = id;
	}
	x->c->load.track_bins = true;
	return 0;
}

/* Position of the policy arg whose index the filter names: a function
 * argument's index for kprobes, LSM hooks and uprobes, but for tracepoints
 * (whose arg indexes are format fields) the position in args, as Tetragon
 * reads it. */
static int arg_slot(const struct plan_hook *ph, uint32_t index)
{
	int i;

	if (ph->h->kind == HOOK_TRACEPOINT)
		return index < (uint32_t)ph->nargs ? (int)index : -1;
	for (i = 0; i < ph->nargs; i++)
		if (ph->args[i].arg->index == index)
			return i;
	return -1;
}

/* Integer values inline: singles for Equal/In, pairs for ranges. */
static int int_vals(struct cctx *x, struct filter_cfg *f, const struct pol_match *m, bool pairs)
{
	int i, n = 0;

	for (i = 0; i < m->nvals; i++) {
		const struct pol_value *v = &m->vals[i];
		int64_t lo = v->kind == VK_RANGE ? v->range.lo : v->kind == VK_INT ? v->i : (int64_t)v->u;
		int64_t hi = v->kind == VK_RANGE ? v->range.hi : lo;

		if (n + (pairs ? 2 : 1) > FILTER_MAX_VALUES || (!pairs && v->kind == VK_RANGE))
			return refuse(x, &m->pos, "too many values for %s in the kernel "
				      "(at most 8 numbers or 4 ranges)", op_name(m->op));
		f->vals[n++] = lo;
		if (pairs)
			f->vals[n++] = hi;
	}
	f->nvals = n;
	return 0;
}

static int int_op(struct cctx *x, struct filter_cfg *f, const struct pol_match *m)
{
	switch (m->op) {
	case OP_EQUAL: case OP_IN: f->op = FOP_EQ; return int_vals(x, f, m, false);
	case OP_NOT_EQUAL: case OP_NOT_IN: f->op = FOP_NEQ; return int_vals(x, f, m, false);
	case OP_GT: f->op = FOP_GT; return int_vals(x, f, m, false);
	case OP_LT: f->op = FOP_LT; return int_vals(x, f, m, false);
	case OP_MASK: f->op = FOP_MASK; return int_vals(x, f, m, false);
	case OP_IN_RANGE: f->op = FOP_RANGE; return int_vals(x, f, m, true);
	case OP_NOT_IN_RANGE: f->op = FOP_NOT_RANGE; return int_vals(x, f, m, true);
	default:
		return refuse(x, &m->pos, "operator %s on an integer argument is not evaluated "
			      "by the kernel side", op_name(m->op));
	}
}

/* How string and socket operators run in the kernel: the filter op, and
 * what the values become (a set of strings, prefixes, reversed prefixes or
 * CIDRs, or inline ranges or numbers). */
enum vals_as { AS_STR, AS_PREFIX, AS_POSTFIX, AS_CIDR, AS_RANGES, AS_INTS, AS_NONE };

/* clang-format off */
static const struct { int op; uint8_t fop; uint8_t as; } set_ops[] = {
	{OP_EQUAL, FOP_EQ, AS_STR}, {OP_IN, FOP_EQ, AS_STR},
	{OP_NOT_EQUAL, FOP_NEQ, AS_STR}, {OP_NOT_IN, FOP_NEQ, AS_STR},
	{OP_PREFIX, FOP_PREFIX, AS_PREFIX}, {OP_NOT_PREFIX, FOP_NOT_PREFIX, AS_PREFIX},
	{OP_POSTFIX, FOP_POSTFIX, AS_POSTFIX}, {OP_NOT_POSTFIX, FOP_NOT_POSTFIX, AS_POSTFIX},
	{OP_SADDR, FOP_SADDR, AS_CIDR}, {OP_DADDR, FOP_DADDR, AS_CIDR},
	{OP_NOT_SADDR, FOP_NOT_SADDR, AS_CIDR}, {OP_NOT_DADDR, FOP_NOT_DADDR, AS_CIDR},
	{OP_SPORT, FOP_SPORT, AS_RANGES}, {OP_DPORT, FOP_DPORT, AS_RANGES},
	{OP_NOT_SPORT, FOP_NOT_SPORT, AS_RANGES}, {OP_NOT_DPORT, FOP_NOT_DPORT, AS_RANGES},
	{OP_SPORT_PRIV, FOP_SPORT_PRIV, AS_NONE}, {OP_DPORT_PRIV, FOP_DPORT_PRIV, AS_NONE},
	{OP_NOT_SPORT_PRIV, FOP_NOT_SPORT_PRIV, AS_NONE},
	{OP_NOT_DPORT_PRIV, FOP_NOT_DPORT_PRIV, AS_NONE},
	{OP_PROTOCOL, FOP_PROTOCOL, AS_INTS}, {OP_FAMILY, FOP_FAMILY, AS_INTS},
	{OP_STATE, FOP_STATE, AS_INTS},
};
/* clang-format on */

/* A string (sock) operator; what the argument is: for the refusal. */
static int set_op(struct cctx *x, struct filter_cfg *f, const struct pol_match *m, bool sock)
{
	static const enum set_map maps[] = {[AS_STR] = SET_STR, [AS_PREFIX] = SET_PREFIX,
					    [AS_POSTFIX] = SET_POSTFIX};
	size_t k, n = sizeof(set_ops) / sizeof(set_ops[0]);
	int i, rc = 0;

	for (k = 0; k < n && (set_ops[k].op != m->op || (set_ops[k].as <= AS_POSTFIX) == sock); k++)
		;
	if (k == n)
		return refuse(x, &m->pos, sock ? "operator %s on a socket argument is not evaluated "
					  "by the kernel side" : "operator %s on a string or path "
					  "argument is not evaluated by the kernel side",
			      op_name(m->op));
	f->op = set_ops[k].fop;
	switch (set_ops[k].as) {
	case AS_RANGES: return int_vals(x, f, m, true);
	case AS_INTS: return int_vals(x, f, m, false);
	case AS_NONE: return 0;
	}
	f->set_id = ++x->c->next_set;
	for (i = 0; i < m->nvals && !rc; i++)
		rc = set_ops[k].as == AS_CIDR ? add_cidr(x, f->set_id, &m->vals[i])
					      : add_path_value(x, maps[set_ops[k].as], f->set_id,
							       &m->vals[i]);
	return rc;
}

static int arg_filter(struct cctx *x, struct selector_cfg *s, const struct pol_match *m)
{
	int slot = arg_slot(x->ph, m->index);
	struct filter_cfg *f;
	enum arg_class cls;
	char idx[16];

	snprintf(idx, sizeof(idx), "%u", m->index);
	if (slot < 0)
		return refuse(x, &m->pos, "matchArgs index %s names no argument of this hook", idx);
	if (s->nfilters >= SEL_MAX_FILTERS)
		return refuse(x, &m->pos, "more than %s matchArgs in one selector", "5");
	f = &s->f[s->nfilters++];
	f->arg = slot;
	cls = arg_type_at(x->ph->args[slot].arg->type)->cls;
	if (m->op >= OP_SADDR && m->op <= OP_STATE) /* sock, sockaddr, or an fd that is one */
		return set_op(x, f, m, true);
	switch (cls) {
	case AC_STR:
	case AC_FILE:
		return set_op(x, f, m, false);
	case AC_INT:
	case AC_CAP:
		return int_op(x, f, m);
	case AC_SOCK:
		return set_op(x, f, m, true);
	case AC_SOCKADDR: /* string operators: a unix socket's path */
		return set_op(x, f, m, false);
	default:
		return refuse(x, &m->pos, "matchArgs on a %s argument is not evaluated by the "
			      "kernel side", arg_type_at(x->ph->args[slot].arg->type)->name);
	}
}

static int actions(struct cctx *x, struct selector_cfg *s, const struct pol_selector *sel)
{
	static const uint8_t map[ACT_COUNT] = {
		[ACT_POST] = HA_POST, [ACT_NOPOST] = HA_NOPOST, [ACT_SIGKILL] = HA_SIGKILL,
		[ACT_SIGNAL] = HA_SIGNAL, [ACT_OVERRIDE] = HA_OVERRIDE,
		[ACT_FOLLOWFD] = HA_FOLLOWFD, [ACT_UNFOLLOWFD] = HA_UNFOLLOWFD,
		[ACT_COPYFD] = HA_COPYFD, [ACT_TRACKSOCK] = HA_TRACKSOCK,
		[ACT_UNTRACKSOCK] = HA_UNTRACKSOCK,
	};
	int i;

	s->post = 1;
	s->action = HA_POST;
	s->monitor = x->ph->monitor;
	if (sel->nret)
		return refuse(x, &sel->ret_act[0].pos, "%s are not run by the kernel side yet",
			      "matchReturnActions");
	for (i = 0; i < sel->nact; i++) {
		const struct pol_action *a = &sel->act[i];

		if (!map[a->type])
			return refuse(x, &a->pos, "action %s is not run by the kernel side",
				      action_names[a->type]);
		if (a->type == ACT_NOPOST)
			s->post = 0;
		else if (a->type == ACT_POST)
			s->rate_ms = a->rate_limit_ms;
		else if (s->action == HA_POST)
			s->action = map[a->type];
		if (a->type == ACT_SIGNAL)
			s->signal = a->arg_sig;
		if (a->type == ACT_OVERRIDE && !s->monitor && !x->ph->lr.can_override)
			return refuse(x, &a->pos, "%s needs BPF LSM or fmod_ret on the function "
				      "itself; run with --monitor to report instead", "Override");
		if (a->type == ACT_OVERRIDE)
			s->override_ret = a->arg_error;
	}
	return 0;
}

static int selector(struct cctx *x, struct selector_cfg *s, const struct pol_selector *sel)
{
	int i, rc = 0;

	for (i = 0; i < sel->nm && !rc; i++) {
		const struct pol_match *m = &sel->m[i];

		switch (m->kind) {
		case MK_PIDS: rc = pid_filter(x, s, m); break;
		case MK_NAMESPACES: rc = ns_filter(x, s, m); break;
		case MK_BINARIES:
		case MK_PARENT_BINARIES: rc = bin_filter(x, s, m); break;
		case MK_ARGS: rc = arg_filter(x, s, m); break;
		case MK_CAPS: rc = cap_filter(x, s, m); break;
		case MK_RETURN_ARGS: rc = ret_filter(x, s, m); break;
		default:
			rc = refuse(x, &m->pos, "%s is not evaluated by the kernel side yet",
				    match_kind_name(m->kind));
		}
	}
	return rc ? rc : actions(x, s, sel);
}

/* Kernel recipe for one planned argument: the kinds come from the ladder's
 * table of what the kernel side reads, so plan and compile agree. */
static int recipe(struct cctx *x, const struct plan_arg *pa, struct karg_recipe *r)
{
	const struct arg_type_info *ti = arg_type_at(pa->arg->type);
	bool user = pa->rc.src == SRC_SYSCALL_ARG || pa->rc.src == SRC_USER_PATH;
	int kind;

	r->src = KSRC_SYSCALL; /* raw argument by index, whatever the mechanism */
	r->index = pa->rc.idx;
	r->max_len = ARG_STR_MAX;
	if (pa->arg->has_size_arg)
		r->size_index = pa->arg->size_arg_index ? pa->arg->size_arg_index - 1 : 0;
	switch (pa->rc.src) {
	case SRC_RETVAL: r->src = KSRC_RETVAL; r->kind = AK_INT; return 0;
	case SRC_FD_FILE: r->src = KSRC_RET_FD; r->kind = AK_FILE; return 0;
	case SRC_FD_SOCK: r->kind = AK_FD; r->index = 0; return 0;
	case SRC_BPRM_FILE: r->kind = AK_BINPRM; return 0;
	case SRC_STDIO: r->src = KSRC_STDIO; r->kind = AK_FD; return 0;
	case SRC_SYSCALL_ARG: case SRC_USER_PATH: case SRC_FUNC_ARG: case SRC_CTX_ARG: break;
	default:
		return refuse(x, &pa->arg->pos, "arguments read from %s are not supported by "
			      "the kernel side yet", "tracepoint format fields");
	}
	kind = kernel_arg_kind(ti->name, user);
	if (kind < 0)
		return refuse(x, &pa->arg->pos, "argument type %s is not read by the kernel side",
			      ti->name);
	r->kind = kind;
	if (ti->cls == AC_INT && kind == AK_INT) {
		r->kind = ti->is_signed ? AK_INT : AK_UINT;
		r->int_size = ti->size;
	}
	if ((r->kind == AK_BUF_USER || r->kind == AK_BUF_KERNEL) && !pa->arg->has_size_arg)
		return refuse(x, &pa->arg->pos, "%s needs sizeArgIndex here", "char_buf");
	return 0;
}

static int hook_cfg_build(struct cctx *x, struct hook_cfg *cfg, int hook_id)
{
	const struct plan_hook *ph = x->ph;
	int i;

	memset(cfg, 0, sizeof(*cfg));
	cfg->hook_id = hook_id;
	cfg->nargs = ph->nargs;
	cfg->has_ret = ph->has_ret;
	for (i = 0; i < ph->nargs; i++)
		if (recipe(x, &ph->args[i], &cfg->args[i]))
			return -1;
	if (ph->h->nsel > HOOK_MAX_SELECTORS)
		return refuse(x, &ph->h->pos, "more than %s selectors", "5");
	cfg->nsel = ph->h->nsel;
	for (i = 0; i < ph->h->nsel; i++)
		if (selector(x, &cfg->sel[i], &ph->h->sel[i]))
			return -1;
	for (i = 0; i < cfg->nsel; i++)
		cfg->uses_binary |= cfg->sel[i].bin_op || cfg->sel[i].pbin_op;
	cfg->ret_int = ph->lr.ret_int;
	return 0;
}

static const char *keep(struct compiled *c, const char *s)
{
	char *d, **n;

	if (!s)
		return NULL;
	n = realloc(c->strs, (c->nstrs + 1) * sizeof(*n));
	if (!n)
		return NULL;
	c->strs = n;
	d = strdup(s);
	if (d)
		c->strs[c->nstrs++] = d;
	return d;
}

/* What the formatters print for this hook (Tetragon's names). */
static int hook_info(struct cctx *x, struct tr_hook_info *in)
{
	static const enum tr_kind kinds[] = {
		[HOOK_KPROBE] = TR_KPROBE, [HOOK_TRACEPOINT] = TR_TRACEPOINT,
		[HOOK_LSM] = TR_LSM, [HOOK_UPROBE] = TR_UPROBE,
	};
	const struct pol_hook *h = x->ph->h;
	char fn[160];
	int i;

	in->kind = kinds[h->kind];
	in->policy_name = h->pol->name;
	in->k8s_namespace = h->pol->kind == POLICY_NAMESPACED ? h->pol->k8s_namespace : NULL;
	if (x->ph->lr.syscall[0] && h->kind == HOOK_KPROBE)
		syscall_symbol(x->ph->lr.syscall, fn, sizeof(fn), NULL);
	else
		snprintf(fn, sizeof(fn), "%s", h->call ? h->call : "");
	in->function_name = keep(x->c, fn);
	in->subsys = h->kind == HOOK_UPROBE ? h->path : h->subsystem;
	in->event = h->kind == HOOK_UPROBE ? h->call : h->event;
	in->message = h->message;
	in->tags = h->tags;
	in->ntags = h->ntags;
	in->nargs = x->ph->nargs;
	for (i = 0; i < x->ph->nargs && i < HOOK_MAX_ARGS; i++) {
		in->arg_type[i] = arg_type_at(x->ph->args[i].arg->type)->name;
		in->arg_label[i] = x->ph->args[i].arg->label;
	}
	in->has_ret = x->ph->has_ret;
	in->ret_type = x->ph->h->has_retarg ? arg_type_at(x->ph->h->retarg.type)->name : "int";
	return in->function_name ? 0 : refuse(x, &h->pos, "out of memory (%s)", "hook");
}

/* Which argument holds the file name of an open-family syscall, for the
 * path of a failed open; 0xff when it has none. */
static uint8_t filename_arg(const char *sc)
{
	if (!strcmp(sc, "open") || !strcmp(sc, "creat"))
		return 0;
	if (!strcmp(sc, "openat") || !strcmp(sc, "openat2"))
		return 1;
	return 0xff;
}

/* Syscall tracepoints: sys_enter_X with the arguments as passed, and
 * sys_exit_X for the result; or sys_exit_X alone when the arguments are
 * read there from the saved registers. */
static void syscall_targets(struct compiled_hook *ch, const struct ladder_result *lr)
{
	int i;

	ch->nsc = lr->nsc;
	for (i = 0; i < HOOK_MAX_SYSCALLS; i++)
		ch->cfg.sc_nr[i] = i < lr->nsc ? lr->sc_nr[i] : -1;
	for (i = 0; i < lr->nsc; i++) {
		memcpy(ch->sc[i], lr->sc_name[i], sizeof(ch->sc[i]));
		ch->cfg.sc_fname[i] = filename_arg(lr->sc_name[i]);
	}
	ch->on_enter = lr->sc_when != SC_EXIT;
	ch->on_exit = lr->sc_when != SC_ENTER;
	ch->cfg.need_exit = lr->sc_when == SC_ENTER_EXIT;
	ch->cfg.args_at_exit = lr->sc_when == SC_EXIT;
}

/* One program instance for the hook, typed by the ladder's choice. */
static int instance(struct cctx *x, const struct hook_cfg *cfg)
{
	const struct ladder_result *lr = &x->ph->lr;
	struct compiled *c = x->c;
	struct compiled_hook *ch = realloc(c->load.hooks, (c->load.nhooks + 1) * sizeof(*ch));

	if (!ch)
		return refuse(x, &x->ph->h->pos, "out of memory (%s)", lr->target);
	c->load.hooks = ch;
	ch = &c->load.hooks[c->load.nhooks++];
	memset(ch, 0, sizeof(*ch));
	ch->cfg = *cfg;
	ch->mech = lr->mech;
	ch->exit_mech = lr->exit_mech;
	snprintf(ch->attach, sizeof(ch->attach), "%s", lr->attach);
	ch->btf_id = lr->btf_id > 0 ? (uint32_t)lr->btf_id : 0;
	snprintf(ch->path, sizeof(ch->path), "%s", x->ph->h->path ? x->ph->h->path : "");
	ch->cfg.sock_state = lr->sock_state;
	ch->cfg.syscall_regs = lr->syscall_regs;
	ch->cfg.ret_nonneg = lr->ret_nonneg;
	ch->cfg.fn_nargs = lr->fn_nargs > 0 ? lr->fn_nargs : 0;
	ch->cfg.need_exit = lr->exit_mech == MECH_KRETPROBE || lr->exit_mech == MECH_URETPROBE;
	if (lr->mech == MECH_TRACEPOINT) {
		syscall_targets(ch, lr);
		c->load.syscall_hooks = true;
	}
	return 0;
}

/* The relay hook's printing info: an EV_HOOK the process object builds
 * (struct relay_record), under the asking policy's name and tags. */
static void relay_hook_info(const struct policy *pol, struct tr_hook_info *in)
{
	static const char *const types[RELAY_NARGS] = { "sock", "sock", "int", "int", "string" };
	static const char *const labels[RELAY_NARGS] = {
		"input_remote", "output_remote", "input_relay_pid", "output_relay_pid", "input_relay",
	};
	int i;

	memset(in, 0, sizeof(*in));
	in->kind = TR_KPROBE;
	in->policy_name = pol->name;
	in->k8s_namespace = pol->kind == POLICY_NAMESPACED ? pol->k8s_namespace : NULL;
	in->function_name = "pipe_relay";
	in->message = "shell relayed to the network through pipes (relay reverse shell)";
	if (pol->nhooks) {
		in->tags = pol->hooks[0].tags;
		in->ntags = pol->hooks[0].ntags;
	}
	in->nargs = RELAY_NARGS;
	for (i = 0; i < RELAY_NARGS; i++) {
		in->arg_type[i] = types[i];
		in->arg_label[i] = labels[i];
	}
}

/* The bind-shell hook's (relay_info + 1): struct bind_record. */
static void bind_hook_info(const struct policy *pol, struct tr_hook_info *in)
{
	relay_hook_info(pol, in);
	in->function_name = "bind_shell";
	in->message = "shell started on an accepted network socket (bind shell)";
	in->nargs = BIND_NARGS;
	in->arg_label[0] = "stdin";
	in->arg_label[1] = "output";
}

/* The first policy with options: relay-shells turns relay tracking on. */
static int relay_compile(const struct plan *p, struct compiled *c)
{
	const struct policy *pol = NULL;
	struct tr_hook_info *in;
	const char *s, *e;
	int i;

	for (i = 0; i < p->ps->npols && !pol; i++)
		if (p->ps->pols[i]->relay_shells)
			pol = p->ps->pols[i];
	if (!pol)
		return 0;
	in = realloc(c->infos, (c->ninfos + 2) * sizeof(*in));
	if (!in)
		return -1;
	c->infos = in;
	relay_hook_info(pol, &c->infos[c->ninfos]);
	bind_hook_info(pol, &c->infos[c->ninfos + 1]);
	c->relay_info = c->ninfos;
	c->ninfos += 2;
	c->track_relay = true;
	for (s = pol->relay_shells; *(s += strspn(s, " ,")); s = e) {
		const char **b = realloc(c->relay_bins, (c->nrelay_bins + 1) * sizeof(*b));
		char name[RELAY_NAME_LEN * 2];

		e = s + strcspn(s, " ,");
		if (!b)
			return -1;
		c->relay_bins = b;
		snprintf(name, sizeof(name), "%.*s", (int)(e - s), s);
		if (!(b[c->nrelay_bins] = keep(c, name)))
			return -1;
		c->nrelay_bins++;
	}
	return 0;
}

int compile_plan(const struct plan *p, struct compiled **out, struct diag *d)
{
	struct compiled *c = calloc(1, sizeof(*c));
	struct cctx x = {.c = c, .d = d};
	int i;

	if (c)
		c->infos = calloc(p->nhooks ? p->nhooks : 1, sizeof(*c->infos));
	if (!c || !c->infos) {
		diag_error(d, NULL, "out of memory");
		goto fail;
	}
	for (i = 0; i < p->nhooks; i++) {
		struct hook_cfg cfg;

		x.ph = &p->hooks[i];
		if (x.ph->skipped)
			continue;
		if (hook_cfg_build(&x, &cfg, c->ninfos) || hook_info(&x, &c->infos[c->ninfos]) ||
		    instance(&x, &cfg))
			goto fail;
		c->ninfos++;
	}
	if (relay_compile(p, c)) {
		diag_error(d, NULL, "out of memory");
		goto fail;
	}
	*out = c;
	return 0;
fail:
	compiled_free(c);
	return -1;
}

void compiled_free(struct compiled *c)
{
	if (!c)
		return;
	while (c->nstrs)
		free(c->strs[--c->nstrs]);
	free(c->strs);
	free(c->load.hooks);
	free(c->relay_bins);
	free(c->infos);
	free(c->load.sets);
	free(c);
}
