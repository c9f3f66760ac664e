/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* print.c - --print-policy: write the loaded model back as TracingPolicy YAML. */
#include <string.h>

#include "output/escape.h"
#include "policy/policy.h"

/* Double-quoted YAML scalar: every control byte escaped, never a raw newline. */
static void qs(FILE *o, const char *s)
{
	esc_fput_quoted(o, s, strlen(s));
}

static void print_arg(FILE *o, const char *ind, const struct pol_arg *a, bool item)
{
	fprintf(o, "%s%sindex: %u\n", ind, item ? "- " : "  ", a->index);
	fprintf(o, "%s  type: ", ind);
	qs(o, arg_type_at(a->type)->name);
	fputc('\n', o);
	if (a->has_size_arg)
		fprintf(o, "%s  sizeArgIndex: %u\n", ind, a->size_arg_index);
	if (a->max_data)
		fprintf(o, "%s  maxData: true\n", ind);
	if (a->return_copy)
		fprintf(o, "%s  returnCopy: true\n", ind);
	if (a->label) {
		fprintf(o, "%s  label: ", ind);
		qs(o, a->label);
		fputc('\n', o);
	}
}

static void print_values(FILE *o, const struct pol_match *m)
{
	int i;

	if (!m->nvals)
		return;
	fputs("        values:\n", o);
	for (i = 0; i < m->nvals; i++) {
		fputs("        - ", o);
		if (m->kind == MK_PIDS)
			fprintf(o, "%s", m->vals[i].str);
		else
			esc_fput_quoted(o, m->vals[i].str, m->vals[i].len);
		fputc('\n', o);
	}
}

static void print_match(FILE *o, const struct pol_match *m)
{
	const char *dash = "      - ";

	switch (m->kind) {
	case MK_ARGS:
	case MK_RETURN_ARGS:
		fprintf(o, "%sindex: %u\n        operator: \"%s\"\n", dash, m->index, op_name(m->op));
		break;
	case MK_NAMESPACES:
		fprintf(o, "%snamespace: %s\n        operator: \"%s\"\n", dash,
			ns_type_names[m->ns], op_name(m->op));
		break;
	case MK_CAPS:
	case MK_CAP_CHANGES:
		fprintf(o, "%stype: %s\n        operator: \"%s\"\n", dash,
			cap_set_names[m->capset], op_name(m->op));
		if (m->ns_flag)
			fputs("        isNamespaceCapability: true\n", o);
		break;
	default:
		fprintf(o, "%soperator: \"%s\"\n", dash, op_name(m->op));
		if (m->follow)
			fprintf(o, "        %s: true\n",
				m->kind == MK_PIDS ? "followForks" : "followChildren");
		if (m->ns_flag)
			fputs("        isNamespacePID: true\n", o);
	}
	print_values(o, m);
}

static void print_action(FILE *o, const struct pol_action *a)
{
	fprintf(o, "      - action: %s\n", action_names[a->type]);
	if (a->type == ACT_OVERRIDE)
		fprintf(o, "        argError: %d\n", a->arg_error);
	if (a->type == ACT_SIGNAL)
		fprintf(o, "        argSig: %u\n", a->arg_sig);
	if (a->type == ACT_TRACKSOCK || a->type == ACT_UNTRACKSOCK)
		fprintf(o, "        argSock: %u\n", a->arg_sock);
	if (a->type == ACT_FOLLOWFD || a->type == ACT_UNFOLLOWFD || a->type == ACT_COPYFD) {
		fprintf(o, "        argFd: %u\n", a->arg_fd);
		if (a->arg_name) {
			fputs("        argName: ", o);
			qs(o, a->arg_name);
			fputc('\n', o);
		}
	}
	if (a->rate_limit) {
		fputs("        rateLimit: ", o);
		qs(o, a->rate_limit);
		fputc('\n', o);
		if (a->scope)
			fprintf(o, "        rateLimitScope: %s\n",
				a->scope == RL_PROCESS ? "process" : "global");
	}
}

static void print_selector(FILE *o, const struct pol_selector *s)
{
	int k, i, first = 1;

	for (k = 0; k < MK_COUNT; k++) {
		int hdr = 0;

		for (i = 0; i < s->nm; i++) {
			if (s->m[i].kind != (enum match_kind)k)
				continue;
			if (!hdr++) {
				fprintf(o, "    %s%s:\n", first ? "- " : "  ", match_kind_name(k));
				first = 0;
			}
			print_match(o, &s->m[i]);
		}
	}
	if (s->nact) {
		fprintf(o, "    %smatchActions:\n", first ? "- " : "  ");
		first = 0;
		for (i = 0; i < s->nact; i++)
			print_action(o, &s->act[i]);
	}
	if (s->nret) {
		fprintf(o, "    %smatchReturnActions:\n", first ? "- " : "  ");
		first = 0;
		for (i = 0; i < s->nret; i++)
			print_action(o, &s->ret_act[i]);
	}
	if (first)
		fputs("    - {}\n", o);
}

static void print_head(FILE *o, const struct pol_hook *h)
{
	switch (h->kind) {
	case HOOK_KPROBE:
		fputs("  - call: ", o);
		qs(o, h->call);
		fprintf(o, "\n    syscall: %s\n", h->syscall ? "true" : "false");
		if (h->ignore_not_found)
			fputs("    ignore:\n      callNotFound: true\n", o);
		break;
	case HOOK_TRACEPOINT:
		fputs("  - subsystem: ", o);
		qs(o, h->subsystem);
		fputs("\n    event: ", o);
		qs(o, h->event);
		fputc('\n', o);
		if (h->raw)
			fputs("    raw: true\n", o);
		break;
	case HOOK_LSM:
		fputs("  - hook: ", o);
		qs(o, h->call);
		fputc('\n', o);
		break;
	case HOOK_UPROBE:
		fputs("  - path: ", o);
		qs(o, h->path);
		fputs("\n    symbols:\n    - ", o);
		qs(o, h->call);
		fputc('\n', o);
		break;
	}
}

static void print_hook(FILE *o, const struct pol_hook *h)
{
	int i;

	print_head(o, h);
	if (h->message) {
		fputs("    message: ", o);
		qs(o, h->message);
		fputc('\n', o);
	}
	if (h->ret)
		fputs("    return: true\n", o);
	if (h->nargs)
		fputs("    args:\n", o);
	for (i = 0; i < h->nargs; i++)
		print_arg(o, "    ", &h->args[i], true);
	if (h->has_retarg) {
		fputs("    returnArg:\n", o);
		print_arg(o, "    ", &h->retarg, false);
	}
	if (h->ret_action >= 0)
		fprintf(o, "    returnArgAction: %s\n", action_names[h->ret_action]);
	if (h->nsel)
		fputs("    selectors:\n", o);
	for (i = 0; i < h->nsel; i++)
		print_selector(o, &h->sel[i]);
	if (h->ntags)
		fputs("    tags:\n", o);
	for (i = 0; i < h->ntags; i++) {
		fputs("    - ", o);
		qs(o, h->tags[i]);
		fputc('\n', o);
	}
}

static void print_lists(FILE *o, const struct policy *p)
{
	static const char *const types[] = { "syscalls", "generated_syscalls", "generated_ftrace" };
	int i, j;

	if (p->nlists)
		fputs("  lists:\n", o);
	for (i = 0; i < p->nlists; i++) {
		const struct pol_list *l = &p->lists[i];

		fputs("  - name: ", o);
		qs(o, l->name);
		fprintf(o, "\n    type: \"%s\"\n", types[l->type]);
		if (l->pattern) {
			fputs("    pattern: ", o);
			qs(o, l->pattern);
			fputc('\n', o);
		}
		if (l->nvalues)
			fputs("    values:\n", o);
		for (j = 0; j < l->nvalues; j++) {
			fputs("    - ", o);
			qs(o, l->values[j]);
			fputc('\n', o);
		}
	}
}

static void print_policy(FILE *o, const struct policy *p)
{
	static const char *const secs[] = { "kprobes", "tracepoints", "lsmhooks", "uprobes" };
	int k, i, any;

	fprintf(o, "apiVersion: cilium.io/v1alpha1\nkind: %s\nmetadata:\n  name: ",
		p->kind == POLICY_NAMESPACED ? "TracingPolicyNamespaced" : "TracingPolicy");
	qs(o, p->name);
	fputc('\n', o);
	if (p->k8s_namespace) {
		fputs("  namespace: ", o);
		qs(o, p->k8s_namespace);
		fputc('\n', o);
	}
	fputs("spec:\n", o);
	if (p->monitor || p->relay_shells)
		fputs("  options:\n", o);
	if (p->monitor)
		fputs("  - name: \"policy-mode\"\n    value: \"monitor\"\n", o);
	if (p->relay_shells) {
		fputs("  - name: \"relay-shells\"\n    value: ", o);
		qs(o, p->relay_shells);
		fputc('\n', o);
	}
	print_lists(o, p);
	for (k = HOOK_KPROBE; k <= HOOK_UPROBE; k++) {
		for (any = 0, i = 0; i < p->nhooks; i++) {
			if (p->hooks[i].kind != (enum hook_kind)k)
				continue;
			if (!any++)
				fprintf(o, "  %s:\n", secs[k]);
			print_hook(o, &p->hooks[i]);
		}
	}
}

int policy_print_yaml(FILE *out, const struct policy_set *ps)
{
	int i;

	for (i = 0; i < ps->npols; i++) {
		if (i)
			fputs("---\n", out);
		print_policy(out, ps->pols[i]);
	}
	return ferror(out) ? -1 : 0;
}
