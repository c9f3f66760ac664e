// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* plan.c - plan each hook on this kernel through the ladder, and the --check report. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "output/escape.h"
#include "policy/plan.h"

static bool is_enforcing(enum action_type t)
{
	return t == ACT_OVERRIDE || t == ACT_SIGKILL || t == ACT_SIGNAL;
}

/* The first Override of the hook, if it must really change a return value. */
static const struct pol_action *find_override(const struct pol_hook *h)
{
	int s, a;

	for (s = 0; s < h->nsel; s++) {
		for (a = 0; a < h->sel[s].nact; a++)
			if (h->sel[s].act[a].type == ACT_OVERRIDE)
				return &h->sel[s].act[a];
		for (a = 0; a < h->sel[s].nret; a++)
			if (h->sel[s].ret_act[a].type == ACT_OVERRIDE)
				return &h->sel[s].ret_act[a];
	}
	return NULL;
}

static uint32_t field_mask(const struct pol_hook *h)
{
	uint32_t m = 0;
	int i;

	for (i = 0; i < h->nargs; i++)
		m |= h->args[i].index < 32 ? 1u << h->args[i].index : 0x80000000u;
	return m;
}

static void make_req(const struct pol_hook *h, bool monitor, unsigned rungs,
		     struct ladder_req *rq)
{
	static const enum hook_req kinds[] = { REQ_FUNC, REQ_TRACEPOINT, REQ_LSM, REQ_UPROBE };

	memset(rq, 0, sizeof(*rq));
	rq->kind = kinds[h->kind];
	rq->name = h->call;
	rq->subsys = h->subsystem;
	rq->event = h->event;
	rq->path = h->path;
	rq->syscall = h->kind == HOOK_KPROBE && h->syscall;
	rq->raw = h->raw;
	rq->want_ret = h->ret;
	rq->want_override = !monitor && find_override(h);
	rq->field_mask = h->kind == HOOK_TRACEPOINT ? field_mask(h) : 0;
	rq->rungs = rungs ? rungs : RUNG_ALL;
}

static int plan_args(const struct kernel_features *kf, struct plan_hook *ph, struct diag *d)
{
	const struct pol_hook *h = ph->h;
	char why[256];
	int i;

	for (i = 0; i < h->nargs; i++) {
		ph->args[i].arg = &h->args[i];
		if (ladder_arg(kf, &ph->rq, &ph->lr, h->args[i].index,
			       arg_type_at(h->args[i].type)->name, &ph->args[i].rc, why, sizeof(why))) {
			diag_error(d, &h->args[i].pos, "%s", why);
			return -1;
		}
	}
	ph->nargs = h->nargs;
	if (!h->has_retarg || !ph->rq.want_ret)
		return 0;
	if (ladder_retarg(&ph->lr, arg_type_at(h->retarg.type)->name, &ph->ret, why, sizeof(why))) {
		diag_error(d, &h->retarg.pos, "%s", why);
		return -1;
	}
	ph->has_ret = true;
	return 0;
}

static int plan_hook(const struct kernel_features *kf, bool monitor, unsigned rungs,
		     const struct pol_hook *h, struct plan_hook *ph, struct diag *d)
{
	const struct pol_action *ov;

	ph->h = h;
	ph->monitor = monitor || h->pol->monitor;
	if (h->from_list && h->kind == HOOK_KPROBE && !strncmp(h->call, "list:", 5)) {
		diag_error(d, &h->pos, "list \"%s\" (generated_ftrace) is not supported by tracer: "
			   "it needs ftrace-listed kprobes", h->from_list);
		return -1;
	}
	make_req(h, ph->monitor, rungs, &ph->rq);
	if (ladder_choose(kf, &ph->rq, &ph->lr)) {
		if (ph->lr.not_found && h->ignore_not_found) {
			ph->skipped = true;
			return 0;
		}
		ov = find_override(h);
		diag_error(d, ov && ph->rq.want_override && !ph->lr.not_found &&
			   strstr(ph->lr.refuse, "Override") ? &ov->pos : &h->pos,
			   "%s", ph->lr.refuse);
		return -1;
	}
	return plan_args(kf, ph, d);
}

int plan_build(const struct policy_set *ps, const struct kernel_features *kf, bool monitor,
	       unsigned rungs, struct plan **out, struct diag *d)
{
	struct plan *p = calloc(1, sizeof(*p));
	int i, j, n = 0;

	*out = NULL;
	for (i = 0; i < ps->npols; i++)
		n += ps->pols[i]->nhooks;
	if (p)
		p->hooks = calloc(n ? n : 1, sizeof(*p->hooks));
	if (!p || !p->hooks) {
		free(p);
		diag_error(d, NULL, "out of memory");
		return -1;
	}
	p->ps = ps;
	p->kf = kf;
	p->monitor = monitor;
	p->rungs = rungs;
	*out = p;
	for (i = 0; i < ps->npols; i++)
		for (j = 0; j < ps->pols[i]->nhooks; j++)
			if (plan_hook(kf, monitor, rungs, &ps->pols[i]->hooks[j],
				      &p->hooks[p->nhooks++], d))
				return -1;
	return 0;
}

void plan_free(struct plan *p)
{
	if (!p)
		return;
	free(p->hooks);
	free(p);
}

/* ---- --check text ---- */

static void print_value(FILE *o, const struct pol_value *v)
{
	char buf[64];

	switch (v->kind) {
	case VK_INT: fprintf(o, "%lld", (long long)v->i); break;
	case VK_UINT: fprintf(o, "%llu", (unsigned long long)v->u); break;
	case VK_RANGE: fprintf(o, "%lld:%lld", (long long)v->range.lo, (long long)v->range.hi); break;
	case VK_HOST_NS: fputs("host_ns", o); break;
	case VK_NAME: fprintf(o, "%s(%llu)", v->str, (unsigned long long)v->u); break;
	case VK_LIST: fputs(v->str, o); break;
	case VK_CIDR:
		inet_ntop(v->cidr.family == 4 ? AF_INET : AF_INET6, v->cidr.addr, buf, sizeof(buf));
		fprintf(o, "%s/%u", buf, v->cidr.prefix);
		break;
	default: esc_fput_quoted(o, v->str, v->len);
	}
}

static void print_match(FILE *o, const struct pol_match *m)
{
	int i;

	fprintf(o, "      %s", match_kind_name(m->kind));
	if (m->kind == MK_ARGS || m->kind == MK_RETURN_ARGS)
		fprintf(o, " %u (%s)", m->index, arg_type_at(m->arg_type)->name);
	if (m->kind == MK_NAMESPACES)
		fprintf(o, " %s", ns_type_names[m->ns]);
	if (m->kind == MK_CAPS || m->kind == MK_CAP_CHANGES)
		fprintf(o, " %s%s", cap_set_names[m->capset], m->ns_flag ? " (namespace)" : "");
	if (m->kind == MK_PIDS && m->ns_flag)
		fputs(" (namespace pids)", o);
	fprintf(o, " %s", op_name(m->op));
	for (i = 0; i < m->nvals; i++) {
		fputc(' ', o);
		print_value(o, &m->vals[i]);
	}
	if (m->follow)
		fputs(m->kind == MK_PIDS ? " +forks" : " +children", o);
	fputc('\n', o);
	for (i = 0; i < m->nvals; i++)
		if (m->vals[i].expanded) {
			fputs("        expand ", o);
			esc_fput_quoted(o, m->vals[i].str, m->vals[i].len);
			fputs(" -> ", o);
			esc_fput_quoted(o, m->vals[i].expanded, strlen(m->vals[i].expanded));
			fputc('\n', o);
		}
}

static void print_actions(FILE *o, const char *what, const struct pol_action *a, int n,
			  bool monitor)
{
	int i;

	fprintf(o, "      %s:", what);
	for (i = 0; i < n; i++) {
		fprintf(o, " %s", action_names[a[i].type]);
		if (a[i].type == ACT_OVERRIDE)
			fprintf(o, "(%d)", a[i].arg_error);
		if (a[i].type == ACT_SIGNAL)
			fprintf(o, "(%u)", a[i].arg_sig);
		if (a[i].rate_limit_ms)
			fprintf(o, "(rateLimit %ums)", a[i].rate_limit_ms);
		if (monitor && is_enforcing(a[i].type))
			fputs("[monitor: report only]", o);
		if (a[i].type == ACT_FOLLOWFD || a[i].type == ACT_UNFOLLOWFD ||
		    a[i].type == ACT_COPYFD)
			fputs("[deprecated: no-op]", o);
	}
	fputs(n ? "\n" : " Post\n", o);
}

static void print_selectors(FILE *o, const struct plan_hook *ph)
{
	const struct pol_hook *h = ph->h;
	int s, m;

	if (!h->nsel)
		fputs("    selectors: none (every call is reported)\n", o);
	for (s = 0; s < h->nsel; s++) {
		fprintf(o, "    selector %d:\n", s + 1);
		for (m = 0; m < h->sel[s].nm; m++)
			print_match(o, &h->sel[s].m[m]);
		print_actions(o, "actions", h->sel[s].act, h->sel[s].nact, ph->monitor);
		if (h->sel[s].nret)
			print_actions(o, "return actions", h->sel[s].ret_act, h->sel[s].nret,
				      ph->monitor);
	}
}

static void print_hook_name(FILE *o, const struct pol_hook *h)
{
	switch (h->kind) {
	case HOOK_TRACEPOINT:
		fprintf(o, "  tracepoint %s:%s%s", h->subsystem, h->event, h->raw ? " (raw)" : "");
		break;
	case HOOK_UPROBE:
		fprintf(o, "  uprobe %s:%s", h->path, h->call);
		break;
	default:
		fprintf(o, "  %s %s%s", hook_kind_name(h->kind), h->call,
			h->kind == HOOK_KPROBE && h->syscall ? " (syscall)" : "");
	}
	if (h->from_list)
		fprintf(o, " from list:%s", h->from_list);
	if (h->pos.line)
		fprintf(o, " at %d:%d\n", h->pos.line, h->pos.col);
	else
		fprintf(o, " from %s\n", h->pos.file ? h->pos.file : "flags");
}

static void print_ladder(FILE *o, const struct ladder_result *r)
{
	int i;

	fputs("    ladder:", o);
	for (i = 0; i < r->nsteps; i++)
		fprintf(o, "%s %s %s: %s (%s)", i ? ";" : "",
			r->steps[i].mech ? mech_name(r->steps[i].mech) : "equivalent",
			r->steps[i].target, r->steps[i].ok ? "yes" : "no", r->steps[i].why);
	fputc('\n', o);
}

static void print_hook(FILE *o, const struct plan_hook *ph)
{
	const struct ladder_result *r = &ph->lr;
	char buf[96];
	int i;

	print_hook_name(o, ph->h);
	if (ph->skipped) {
		fputs("    skipped: not on this kernel (ignore.callNotFound)\n", o);
		return;
	}
	print_ladder(o, r);
	fprintf(o, "    mechanism: %s %s\n", mech_name(r->mech), r->target);
	if (r->exit_mech && r->mech != MECH_TRACEPOINT)
		fprintf(o, "    exit: %s %s\n", mech_name(r->exit_mech), r->target);
	if (r->can_override && ph->rq.want_override)
		fprintf(o, "    override: by the %s program's return value\n", mech_name(r->mech));
	if (r->eq)
		fprintf(o, "    equivalent: %s\n", r->note);
	if (r->filter)
		fprintf(o, "    filter: %s\n", r->filter);
	for (i = 0; i < ph->nargs; i++)
		fprintf(o, "    arg %u %s <- %s\n", ph->args[i].arg->index,
			arg_type_at(ph->args[i].arg->type)->name,
			arg_recipe_str(&ph->args[i].rc, buf, sizeof(buf)));
	if (ph->has_ret)
		fprintf(o, "    return %s <- %s\n", arg_type_at(ph->h->retarg.type)->name,
			arg_recipe_str(&ph->ret, buf, sizeof(buf)));
	print_selectors(o, ph);
}

int plan_print_check(FILE *out, const struct plan *p)
{
	const struct policy *cur = NULL;
	int i;

	for (i = 0; i < p->nhooks; i++) {
		const struct policy *pol = p->hooks[i].h->pol;

		if (pol != cur) {
			fprintf(out, "%spolicy \"%s\" (%s%s%s) from %s%s\n", cur ? "\n" : "",
				pol->name, pol->kind == POLICY_NAMESPACED ?
				"TracingPolicyNamespaced" : "TracingPolicy",
				pol->k8s_namespace ? ", namespace " : "",
				pol->k8s_namespace ? pol->k8s_namespace : "", pol->file,
				p->monitor || pol->monitor ? " [monitor]" : "");
			cur = pol;
		}
		print_hook(out, &p->hooks[i]);
	}
	return ferror(out) ? -1 : 0;
}

void plan_print_banner(FILE *out, const struct plan *p)
{
	int i;

	for (i = 0; i < p->nhooks; i++) {
		const struct plan_hook *ph = &p->hooks[i];
		const struct pol_hook *h = ph->h;

		fprintf(out, "tracer: %s %s: %s %s%s\n", hook_kind_name(h->kind),
			h->kind == HOOK_TRACEPOINT ? h->event : h->call,
			ph->skipped ? "skipped" : mech_name(ph->lr.mech),
			ph->skipped ? "(not found)" : ph->lr.target,
			ph->lr.eq ? " (equivalent)" : "");
	}
}
