// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* flags.c - -p/-e/--pid/--binary/... flags: an argp child that builds the same model as YAML. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "policy/probe.h"
#include "policy/flags.h"
#include "policy/presets.h"
#include "policy/compile.h"
#include "policy/plan.h"

enum {
	OPT_PID = 0x200, OPT_BINARY, OPT_HOST, OPT_CONTAINER, OPT_PATH_PREFIX,
	OPT_DADDR, OPT_DPORT, OPT_MONITOR, OPT_CHECK, OPT_PRINT_POLICY, OPT_LIST_PRESETS,
	OPT_HOOKS,
};

static const struct argp_option opts[] = {
	{ "policy", 'p', "FILE|DIR", 0, "Load a TracingPolicy file, or every *.yaml/*.yml of DIR (repeatable)", 0 },
	{ "preset", 'P', "NAME", 0, "Load a bundled policy (see --list-presets; repeatable)", 0 },
	{ "list-presets", OPT_LIST_PRESETS, NULL, 0, "List the bundled policies and what each catches, exit", 0 },
	{ "events", 'e', "LIST", 0, "Event families: exec,exit,connect,open,dup,mount", 0 },
	{ "pid", OPT_PID, "PID", 0, "Only this process (repeatable)", 0 },
	{ "binary", OPT_BINARY, "PATH", 0, "Only processes running PATH (repeatable)", 0 },
	{ "host", OPT_HOST, NULL, 0, "Only host processes (host pid namespace)", 0 },
	{ "container", OPT_CONTAINER, NULL, 0, "Only container processes", 0 },
	{ "path-prefix", OPT_PATH_PREFIX, "PREFIX", 0, "open: only paths starting with PREFIX (repeatable)", 0 },
	{ "daddr", OPT_DADDR, "CIDR", 0, "connect: only to this address or CIDR (repeatable)", 0 },
	{ "dport", OPT_DPORT, "PORT", 0, "connect: only to this port or MIN:MAX (repeatable)", 0 },
	{ "monitor", OPT_MONITOR, NULL, 0, "Report enforcement actions (Sigkill, Signal, Override) instead of acting", 0 },
	{ "check", OPT_CHECK, NULL, 0, "Check the policy on this kernel, print the plan, exit", 0 },
	{ "hooks", OPT_HOOKS, "RUNGS", 0, "Kernel-function and LSM hooks may use only these rungs: auto "
	  "(default) or a list of lsm, fentry, kprobe, equivalent", 0 },
	{ "print-policy", OPT_PRINT_POLICY, NULL, 0, "Print the loaded policy as TracingPolicy YAML, exit", 0 },
	{ 0 },
};

static const char *const event_names[] = { "exec", "exit", "connect", "open", "dup", "mount" };
#define NEVENTS (int)(sizeof(event_names) / sizeof(event_names[0]))

static error_t flag_error(struct policy_opts *o, struct argp_state *st, const char *fmt,
			  const char *arg)
{
	snprintf(o->error, sizeof(o->error), fmt, arg);
	argp_error(st, "%s", o->error);
	return EINVAL;
}

static error_t parse_events(struct policy_opts *o, struct argp_state *st, char *arg)
{
	char *save = NULL, *tok, buf[256];
	const char *hint;
	int i;

	for (tok = strtok_r(arg, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < NEVENTS && strcmp(tok, event_names[i]); i++)
			;
		if (i < NEVENTS) {
			o->events |= 1u << i;
			continue;
		}
		hint = diag_suggest(tok, event_names, NEVENTS);
		snprintf(buf, sizeof(buf), "unknown event family \"%.64s\"%s%s%s", tok,
			 hint ? " (did you mean \"" : "", hint ? hint : "", hint ? "\"?)" : "");
		return flag_error(o, st, "%s", buf);
	}
	return 0;
}

static error_t add(struct policy_opts *o, struct argp_state *st, const char **v, int *n,
		   const char *arg, const char *flag)
{
	if (*n >= POLICY_OPTS_MAX)
		return flag_error(o, st, "too many %s flags", flag);
	v[(*n)++] = arg;
	return 0;
}

static error_t add_preset(struct policy_opts *o, struct argp_state *st, const char *arg)
{
	const char *names[64], *hint;
	char buf[160];
	size_t i;

	if (preset_find(arg))
		return add(o, st, o->presets, &o->npresets, arg, "-P");
	for (i = 0; i < npresets && i < 64; i++)
		names[i] = presets[i].name;
	hint = diag_suggest(arg, names, i);
	snprintf(buf, sizeof(buf), "unknown preset \"%.64s\"%s%s%s", arg,
		 hint ? " (did you mean \"" : "", hint ? hint : "", hint ? "\"?)" : "");
	return flag_error(o, st, "%s", buf);
}

static error_t parse_pid(struct policy_opts *o, struct argp_state *st, const char *arg)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || *end || !*arg || *arg == '-' || v > 0xffffffffu)
		return flag_error(o, st, "invalid --pid \"%.64s\"", arg);
	if (o->npids >= POLICY_OPTS_MAX)
		return flag_error(o, st, "too many %s flags", "--pid");
	o->pids[o->npids++] = (uint32_t)v;
	return 0;
}

static error_t parse_opt(int key, char *arg, struct argp_state *st)
{
	struct policy_opts *o = st->input;

	switch (key) {
	case 'p': return add(o, st, o->paths, &o->npaths, arg, "-p");
	case 'P': return add_preset(o, st, arg);
	case OPT_LIST_PRESETS: o->list_presets = true; return 0;
	case 'e': return parse_events(o, st, arg);
	case OPT_PID: return parse_pid(o, st, arg);
	case OPT_BINARY: return add(o, st, o->binaries, &o->nbinaries, arg, "--binary");
	case OPT_PATH_PREFIX: return add(o, st, o->prefixes, &o->nprefixes, arg, "--path-prefix");
	case OPT_DADDR: return add(o, st, o->daddrs, &o->ndaddrs, arg, "--daddr");
	case OPT_DPORT: return add(o, st, o->dports, &o->ndports, arg, "--dport");
	case OPT_HOST: o->host = true; return 0;
	case OPT_CONTAINER: o->container = true; return 0;
	case OPT_MONITOR: o->monitor = true; return 0;
	case OPT_CHECK: o->check = true; return 0;
	case OPT_PRINT_POLICY: o->print_policy = true; return 0;
	case OPT_HOOKS:
		if (rungs_parse(arg, &o->rungs))
			return flag_error(o, st, "--hooks takes auto or a list of lsm, fentry, "
					  "kprobe and equivalent, not \"%.64s\"", arg);
		return 0;
	default: return ARGP_ERR_UNKNOWN;
	}
}

const struct argp policy_argp = { opts, parse_opt, NULL, NULL, NULL, NULL, NULL };

/* ---- flags -> model ---- */

struct fb {
	struct policy_set *ps;
	struct policy *p;
	struct policy_opts *o;
	struct diag *d;
};

/* Out of memory while building the flags' policy: the error at the flag. */
static int nomem(struct fb *b, const char *flag)
{
	struct srcpos p = { flag, 0, 0 };

	diag_error(b->d, &p, "out of memory");
	return -1;
}

static struct pol_match *new_match(struct fb *b, struct pol_selector *s, enum match_kind k,
				   int op, const char *flag, const char *const *vals, int n)
{
	struct pol_match *m = &s->m[s->nm++];
	int i;

	m->kind = k;
	m->op = op;
	m->pos = (struct srcpos){ flag, 0, 0 };
	m->vals = ps_alloc(b->ps, (n ? n : 1) * sizeof(*m->vals));
	if (!m->vals)
		goto fail;
	m->nvals = n;
	for (i = 0; i < n; i++) {
		m->vals[i].pos = m->pos;
		m->vals[i].str = ps_strdup(b->ps, vals[i]);
		if (!m->vals[i].str)
			goto fail;
		m->vals[i].len = strlen(vals[i]);
	}
	return m;
fail:
	nomem(b, flag);
	return NULL;
}

/* The selectors every flag hook shares: --pid, --binary, --host/--container. */
static int common_matches(struct fb *b, struct pol_selector *s)
{
	static const char *const host_ns[] = { "host_ns" };
	const char *pids[POLICY_OPTS_MAX];
	struct pol_match *m;
	int i;

	if (b->o->npids) {
		for (i = 0; i < b->o->npids; i++)
			if (!(pids[i] = ps_printf(b->ps, "%u", b->o->pids[i])))
				return nomem(b, "--pid");
		if (!new_match(b, s, MK_PIDS, OP_IN, "--pid", pids, b->o->npids))
			return -1;
	}
	if (b->o->nbinaries &&
	    !new_match(b, s, MK_BINARIES, OP_IN, "--binary", b->o->binaries, b->o->nbinaries))
		return -1;
	if (b->o->host || b->o->container) {
		m = new_match(b, s, MK_NAMESPACES, b->o->host ? OP_IN : OP_NOT_IN,
			      b->o->host ? "--host" : "--container", host_ns, 1);
		if (!m)
			return -1;
		m->ns = NS_T_PID;
	}
	return 0;
}

static struct pol_hook *new_hook(struct fb *b, const char *call, bool syscall)
{
	struct pol_hook *h = &b->p->hooks[b->p->nhooks++];
	struct pol_selector *s;

	h->kind = HOOK_KPROBE;
	h->pol = b->p;
	h->call = call;
	h->syscall = syscall;
	h->ret_action = -1;
	h->pos = (struct srcpos){ "-e", 0, 0 };
	h->args = ps_alloc(b->ps, POL_MAX_ARGS * sizeof(*h->args));
	h->sel = s = ps_alloc(b->ps, sizeof(*h->sel));
	if (!h->args || !s)
		goto fail;
	h->nsel = 1;
	s->m = ps_alloc(b->ps, 8 * sizeof(*s->m));
	s->act = ps_alloc(b->ps, sizeof(*s->act));
	if (!s->m || !s->act)
		goto fail;
	s->nact = 1;
	s->act[0].type = ACT_POST;
	return common_matches(b, s) ? NULL : h;
fail:
	nomem(b, "-e");
	return NULL;
}

static void add_arg(struct fb *b, struct pol_hook *h, uint32_t index, const char *type)
{
	struct pol_arg *a = &h->args[h->nargs++];

	(void)b;
	a->index = index;
	a->type = arg_type_id(arg_type_lookup(type));
	a->pos = h->pos;
}

static int build_hooks(struct fb *b)
{
	struct policy_opts *o = b->o;
	struct pol_hook *h;

	if (o->events & EVF_CONNECT) {
		if (!(h = new_hook(b, "tcp_connect", false)))
			return -1;
		add_arg(b, h, 0, "sock");
		if (o->ndaddrs &&
		    !new_match(b, h->sel, MK_ARGS, OP_DADDR, "--daddr", o->daddrs, o->ndaddrs))
			return -1;
		if (o->ndports &&
		    !new_match(b, h->sel, MK_ARGS, OP_DPORT, "--dport", o->dports, o->ndports))
			return -1;
	}
	if (o->events & EVF_OPEN) {
		if (!(h = new_hook(b, "security_file_open", false)))
			return -1;
		add_arg(b, h, 0, "file");
		if (o->nprefixes && !new_match(b, h->sel, MK_ARGS, OP_PREFIX, "--path-prefix",
					       o->prefixes, o->nprefixes))
			return -1;
	}
	if (o->events & EVF_DUP) {
		if (!(h = new_hook(b, "sys_dup2", true)))
			return -1;
		add_arg(b, h, 0, "int");
		add_arg(b, h, 1, "int");
		if (!(h = new_hook(b, "sys_dup3", true)))
			return -1;
		add_arg(b, h, 0, "int");
		add_arg(b, h, 1, "int");
		add_arg(b, h, 2, "int");
	}
	if (o->events & EVF_MOUNT) {
		if (!(h = new_hook(b, "security_sb_mount", false)))
			return -1;
		add_arg(b, h, 0, "string");
		add_arg(b, h, 1, "path");
		add_arg(b, h, 2, "string");
	}
	return 0;
}

/* --daddr without -e implies connect, and so on; with -e they must fit. */
static int imply_events(struct policy_opts *o, struct diag *d)
{
	static const struct { const char *flag; unsigned ev; } need[] = {
		{ "--daddr", EVF_CONNECT }, { "--dport", EVF_CONNECT },
		{ "--path-prefix", EVF_OPEN },
	};
	int n[] = { o->ndaddrs, o->ndports, o->nprefixes };
	bool explicit = o->events != 0;
	size_t i;

	for (i = 0; i < 3; i++) {
		if (!n[i] || (o->events & need[i].ev))
			continue;
		if (explicit) {
			struct srcpos p = { need[i].flag, 0, 0 };

			diag_error(d, &p, "applies to -e %s, which is not selected",
				   need[i].ev == EVF_CONNECT ? "connect" : "open");
			return -1;
		}
		o->events |= need[i].ev;
	}
	if (o->host && o->container) {
		struct srcpos p = { "--host", 0, 0 };

		diag_error(d, &p, "--host and --container exclude each other");
		return -1;
	}
	return 0;
}

static int flags_policy(struct policy_set *ps, struct policy_opts *o, struct diag *d)
{
	struct fb b = { ps, NULL, o, d };

	if (imply_events(o, d))
		return -1;
	if (!(o->events & (EVF_CONNECT | EVF_OPEN | EVF_DUP | EVF_MOUNT)))
		return 0;
	b.p = ps_add_policy(ps);
	if (!b.p)
		return nomem(&b, "-e");
	b.p->name = "command-line";
	b.p->file = "command line";
	b.p->pos = (struct srcpos){ "-e", 0, 0 };
	b.p->hooks = ps_alloc(ps, 5 * sizeof(*b.p->hooks));
	if (!b.p->hooks)
		return nomem(&b, "-e");
	if (build_hooks(&b))
		return -1;
	return policy_validate(ps, b.p, d);
}

int policy_opts_finish(struct policy_opts *o, struct policy_set **out, struct diag *d)
{
	struct policy_set *ps = policy_set_new();
	struct diag e = { .errors = 0 };
	int i;

	*out = NULL;
	if (!ps) {
		diag_error(d, NULL, "out of memory");
		return -1;
	}
	for (i = 0; i < o->npresets && !e.errors; i++) {
		const struct preset *p = preset_find(o->presets[i]);
		char name[96];

		snprintf(name, sizeof(name), "preset:%s", p->name);
		policy_load_buffer(ps, name, p->yaml, p->len, &e);
	}
	for (i = 0; i < o->npaths && !e.errors; i++)
		policy_load_path(ps, o->paths[i], &e);
	if (!e.errors)
		flags_policy(ps, o, &e);
	for (i = 0; i < ps->npols && !e.errors; i++)
		policy_expand_binaries(ps, ps->pols[i], "", &e);
	if (e.errors) {
		*d = e;
		policy_set_free(ps);
		return -1;
	}
	*out = ps;
	return 0;
}

int policy_check_set(const struct policy_set *ps, const struct kernel_features *kf, bool monitor,
		     unsigned rungs, FILE *out, struct diag *d)
{
	struct plan *pl = NULL;
	struct compiled *cp = NULL;
	int rc = -1;

	/* compiling too: a plan the kernel side cannot run is refused here */
	if (!plan_build(ps, kf, monitor, rungs, &pl, d) && !compile_plan(pl, &cp, d))
		rc = plan_print_check(out, pl) ? 1 : 0;
	compiled_free(cp);
	plan_free(pl);
	return rc;
}

int policy_check_main(struct policy_opts *o, FILE *out, struct diag *d)
{
	struct kernel_features kf;
	struct policy_set *ps;
	int rc;

	if (policy_opts_finish(o, &ps, d))
		return CHECK_REFUSED;
	if (o->print_policy && !o->check) {
		rc = policy_print_yaml(out, ps) ? CHECK_WRITE : CHECK_OK;
		policy_set_free(ps);
		return rc;
	}
	if (probe_kernel(&kf, PROBE_MOUNT_TRACEFS)) {
		diag_error(d, NULL, "out of memory");
		policy_set_free(ps);
		return CHECK_REFUSED;
	}
	rc = policy_check_set(ps, &kf, o->monitor, o->rungs, out, d);
	if (rc < 0)
		rc = CHECK_REFUSED;
	else if (o->print_policy)	/* rc: CHECK_OK, or CHECK_WRITE */
		rc |= policy_print_yaml(out, ps) ? CHECK_WRITE : CHECK_OK;
	probe_free(&kf);
	policy_set_free(ps);
	return rc;
}

void policy_list_presets(FILE *out)
{
	size_t i;

	for (i = 0; i < npresets; i++)
		fprintf(out, "%-22s %s\n", presets[i].name, presets[i].purpose);
}
