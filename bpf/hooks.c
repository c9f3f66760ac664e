/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* hooks.c - open -> set rodata (struct hook_cfg) and share maps -> load ->
 * fill sets -> attach, once per compiled hook instance.
 *
 * The first instance creates the maps every hook shares (value sets, heap,
 * host namespaces, pending args, rate limits); the ring buffer, drop
 * counters and proc_bins come from the always-loaded process object.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpf/hooks.h"
#include "bpf/loader.h"
#include "generic.skel.h"
#include "generic_compat.skel.h"
#include "policy/compile.h"

static int fail(char *err, size_t n, int rc, const char *what, const char *target)
{
	snprintf(err, n, "%s %s: %s", what, target, strerror(rc < 0 ? -rc : rc));
	return rc < 0 ? rc : -rc;
}

/* Classic tracepoints need tracefs; it is not mounted at boot here. */
static void ensure_tracefs(void)
{
	if (access("/sys/kernel/tracing/events", F_OK) &&
	    access("/sys/kernel/debug/tracing/events", F_OK))
		mount("nodev", "/sys/kernel/tracing", "tracefs", 0, NULL);
}

#define SHARE(obj, first, name) bpf_map__reuse_fd((obj)->maps.name, bpf_map__fd((first)->maps.name))

static int share_maps(struct generic_bpf *o, struct loader *l, struct generic_bpf *first)
{
	int rc = bpf_map__reuse_fd(o->maps.events, loader_map_fd(l, "events"));

	rc = rc ?: bpf_map__reuse_fd(o->maps.drops, loader_map_fd(l, "drops"));
	rc = rc ?: bpf_map__reuse_fd(o->maps.proc_bins, loader_map_fd(l, "proc_bins"));
	rc = rc ?: bpf_map__reuse_fd(o->maps.scratch_map, loader_map_fd(l, "scratch_map"));
	rc = rc ?: bpf_map__reuse_fd(o->maps.walk_buf, loader_map_fd(l, "walk_buf"));
	if (!first || rc)
		return rc;
	rc = SHARE(o, first, hook_heap) ?: SHARE(o, first, host_ns) ?: SHARE(o, first, str_set) ?: SHARE(o, first, bin_set);
	rc = rc ?: SHARE(o, first, prefix_set) ?: SHARE(o, first, postfix_set);
	return rc ?: SHARE(o, first, cidr_set) ?: SHARE(o, first, pending) ?: SHARE(o, first, rate);
}

/* The device of nsfs: every namespace file lives on it. */
static uint64_t nsfs_dev(void)
{
	struct stat st;

	return stat("/proc/self/ns/pid", &st) ? 0 : st.st_dev;
}

/* The generic program that runs a mechanism. */
static struct bpf_program *prog_of(struct generic_bpf *o, const struct compiled_hook *ch,
				   enum mech m)
{
	switch (m) {
	case MECH_FENTRY: return o->progs.fentry_hook;
	case MECH_FEXIT: return o->progs.fexit_hook;
	case MECH_FMOD_RET: return o->progs.fmod_ret_hook;
	case MECH_LSM: return o->progs.lsm_hook;
	case MECH_KPROBE: return o->progs.kprobe_hook;
	case MECH_KRETPROBE: case MECH_URETPROBE: return o->progs.kretprobe_hook;
	case MECH_UPROBE: return o->progs.uprobe_hook;
	case MECH_TP_BTF: case MECH_RAW_TP:
		return ch->cfg.sock_state ? o->progs.sock_state_hook : o->progs.raw_tp_hook;
	case MECH_TRACEPOINT:
		return ch->on_enter ? o->progs.sys_enter_hook : o->progs.sys_exit_hook;
	default: return NULL;
	}
}

/* The exit twin: kretprobe/uretprobe, or sys_exit after sys_enter. */
static struct bpf_program *exit_prog_of(struct generic_bpf *o, const struct compiled_hook *ch)
{
	if (ch->mech == MECH_TRACEPOINT)
		return ch->on_enter && ch->on_exit ? o->progs.sys_exit_hook : NULL;
	return ch->exit_mech ? prog_of(o, ch, ch->exit_mech) : NULL;
}

/* Only the chosen mechanism's programs load; trampolines and LSM
 * programs get their target before the load (the verifier types the
 * arguments from it). */
static int select_programs(struct generic_bpf *o, const struct compiled_hook *ch)
{
	struct bpf_program *p, *entry = prog_of(o, ch, ch->mech), *exit = exit_prog_of(o, ch);

	if (!entry)
		return -EINVAL;
	bpf_object__for_each_program(p, o->obj)
		bpf_program__set_autoload(p, p == entry || p == exit);
	switch (ch->mech) {
	case MECH_FENTRY: case MECH_FEXIT: case MECH_FMOD_RET: case MECH_LSM:
		return bpf_program__set_attach_target(entry, 0, ch->attach);
	default:
		return 0;
	}
}

static int fill_sets(struct generic_bpf *o, const struct compiled *c,
		     const uint32_t host_ns[NS_COUNT])
{
	uint8_t one = 1;
	uint32_t zero = 0;
	int i, rc = bpf_map_update_elem(bpf_map__fd(o->maps.host_ns), &zero, host_ns, BPF_ANY);

	for (i = 0; i < c->nsets && !rc; i++) {
		const struct set_entry *e = &c->sets[i];
		struct bpf_map *m = e->map == SET_BIN ? o->maps.bin_set :
				    e->map == SET_STR ? o->maps.str_set :
				    e->map == SET_PREFIX ? o->maps.prefix_set :
				    e->map == SET_POSTFIX ? o->maps.postfix_set : o->maps.cidr_set;

		rc = bpf_map_update_elem(bpf_map__fd(m), &e->key, &one, BPF_ANY);
	}
	return rc ? -errno : 0;
}

static int add_link(struct hook_set *hs, struct bpf_link *lk)
{
	struct bpf_link **n = realloc(hs->links, (hs->nlinks + 1) * sizeof(*n));

	if (!n)
		return -ENOMEM;
	hs->links = n;
	hs->links[hs->nlinks++] = lk;
	return 0;
}

/* Attaches program p as mechanism m; NULL with errno set on failure. */
static struct bpf_link *attach_one(struct bpf_program *p, const struct compiled_hook *ch,
				   enum mech m, const char *tp)
{
	LIBBPF_OPTS(bpf_uprobe_opts, uo, .func_name = ch->attach, .retprobe = m == MECH_URETPROBE);

	switch (m) {
	case MECH_TRACEPOINT:
		return bpf_program__attach_tracepoint(p, "syscalls", tp);
	case MECH_TP_BTF: case MECH_RAW_TP:
		return ch->cfg.sock_state ? bpf_program__attach(p) :
					    bpf_program__attach_raw_tracepoint(p, ch->attach);
	case MECH_KPROBE: case MECH_KRETPROBE:
		return bpf_program__attach_kprobe(p, m == MECH_KRETPROBE, ch->attach);
	case MECH_UPROBE: case MECH_URETPROBE:
		return bpf_program__attach_uprobe_opts(p, -1, ch->path, 0, &uo);
	default: /* fentry, fexit, fmod_ret, LSM: the target set at load */
		return bpf_program__attach(p);
	}
}

static int attach_prog(struct hook_set *hs, struct bpf_program *p, const struct compiled_hook *ch,
		       enum mech m, const char *tp, char *err, size_t n)
{
	struct bpf_link *lk = attach_one(p, ch, m, tp);

	if (!lk || add_link(hs, lk))
		return fail(err, n, -errno ?: -EINVAL, "cannot attach", tp ? tp : ch->attach);
	return 0;
}

/* Each syscall of a tracepoint instance: sys_enter_X and/or sys_exit_X. */
static int attach_syscalls(struct hook_set *hs, struct generic_bpf *o,
			   const struct compiled_hook *ch, char *err, size_t n)
{
	char tp[64];
	int i, rc = 0;

	for (i = 0; i < ch->nsc && !rc; i++) {
		if (ch->on_enter) {
			snprintf(tp, sizeof(tp), "sys_enter_%s", ch->sc[i]);
			rc = attach_prog(hs, o->progs.sys_enter_hook, ch, MECH_TRACEPOINT, tp, err, n);
		}
		if (!rc && ch->on_exit) {
			snprintf(tp, sizeof(tp), "sys_exit_%s", ch->sc[i]);
			rc = attach_prog(hs, o->progs.sys_exit_hook, ch, MECH_TRACEPOINT, tp, err, n);
		}
	}
	return rc;
}

static int attach_instance(struct hook_set *hs, struct generic_bpf *o,
			   const struct compiled_hook *ch, char *err, size_t n)
{
	int rc;

	if (ch->mech == MECH_TRACEPOINT)
		return attach_syscalls(hs, o, ch, err, n);
	rc = attach_prog(hs, prog_of(o, ch, ch->mech), ch, ch->mech, NULL, err, n);
	if (!rc && ch->exit_mech)
		rc = attach_prog(hs, prog_of(o, ch, ch->exit_mech), ch, ch->exit_mech, NULL, err, n);
	return rc;
}

/* The generic object of the variant the process loader chose. Both are
 * built from generic.bpf.c, so their skeletons have the same layout (the
 * asserts keep it so: clang orders maps by first use, see common.h's
 * walk_buf) and the generic_bpf__ functions, which only touch ->skeleton
 * and free(), serve both once opened. */
#define SAME_AT(m) \
	_Static_assert(offsetof(struct generic_bpf, m) == offsetof(struct generic_compat_bpf, m), #m)
SAME_AT(maps.walk_buf);
SAME_AT(maps.events);
SAME_AT(maps.drops);
SAME_AT(maps.scratch_map);
SAME_AT(maps.proc_bins);
SAME_AT(maps.hook_heap);
SAME_AT(maps.host_ns);
SAME_AT(maps.str_set);
SAME_AT(maps.bin_set);
SAME_AT(maps.prefix_set);
SAME_AT(maps.postfix_set);
SAME_AT(maps.cidr_set);
SAME_AT(maps.pending);
SAME_AT(maps.rate);
SAME_AT(progs);
SAME_AT(rodata);
_Static_assert(sizeof(struct generic_bpf) == sizeof(struct generic_compat_bpf), "same skeleton");

static struct generic_bpf *generic_open(const struct loader *l)
{
	return l->compat ? (struct generic_bpf *)generic_compat_bpf__open() : generic_bpf__open();
}

/* What the instance hooks, for messages. */
static const char *instance_name(const struct compiled_hook *ch)
{
	return ch->mech == MECH_TRACEPOINT && ch->nsc ? ch->sc[0] : ch->attach;
}

static int load_instance(struct hook_set *hs, struct loader *l, const struct compiled_hook *ch,
			 char *err, size_t n)
{
	struct generic_bpf *first = hs->nobjs ? hs->objs[0] : NULL;
	struct generic_bpf *o = generic_open(l);
	int rc;

	if (!o)
		return fail(err, n, -errno, "cannot open the hook object for", instance_name(ch));
	hs->objs[hs->nobjs++] = o;
	*(struct hook_cfg *)&o->rodata->cfg = ch->cfg;
	o->rodata->nsfs_dev = nsfs_dev();
	o->rodata->wakeup_bytes = l->wakeup_bytes;
	bpf_map__set_max_entries(o->maps.hook_heap, libbpf_num_possible_cpus());
	rc = select_programs(o, ch);
	if (rc)
		return fail(err, n, rc, "no program or attach target for", instance_name(ch));
	rc = share_maps(o, l, first);
	if (rc)
		return fail(err, n, rc, "cannot share maps with", instance_name(ch));
	rc = generic_bpf__load(o);
	if (rc)
		return fail(err, n, rc, "the kernel refused the program for", instance_name(ch));
	return 0;
}

int hooks_start(struct hook_set *hs, struct loader *l, const struct compiled *c,
		const uint32_t host_ns[NS_COUNT], char *err, size_t errlen)
{
	int i, rc;

	memset(hs, 0, sizeof(*hs));
	if (!c->nhooks)
		return 0;
	if (c->syscall_hooks)
		ensure_tracefs();
	hs->objs = calloc(c->nhooks, sizeof(*hs->objs));
	if (!hs->objs)
		return -ENOMEM;
	/* One instance at a time: load, attach, then drop the object (a
	 * parsed copy of the ELF and its BTF, megabytes): the links hold the
	 * programs and the programs their maps. The first object stays until
	 * the end: the others take the shared maps from it. */
	for (i = 0; i < c->nhooks; i++) {
		rc = load_instance(hs, l, &c->hooks[i], err, errlen);
		if (!rc && i == 0)
			rc = fill_sets(hs->objs[0], c, host_ns);
		if (rc)
			return rc < 0 ? rc : fail(err, errlen, rc, "cannot fill the value sets of",
						  instance_name(&c->hooks[i]));
		rc = attach_instance(hs, hs->objs[i], &c->hooks[i], err, errlen);
		if (rc)
			return rc;
		if (i > 0) {
			generic_bpf__destroy(hs->objs[i]);
			hs->objs[i] = NULL;
		}
	}
	generic_bpf__destroy(hs->objs[0]);
	hs->objs[0] = NULL;
	return 0;
}

void hooks_stop(struct hook_set *hs)
{
	int i;

	for (i = 0; i < hs->nlinks; i++)
		bpf_link__destroy(hs->links[i]);
	for (i = 0; i < hs->nobjs; i++)
		generic_bpf__destroy(hs->objs[i]);
	free(hs->links);
	free(hs->objs);
	memset(hs, 0, sizeof(*hs));
}
