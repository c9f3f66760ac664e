/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* hooks.c - the compiled hook instances: one template load, then a copy
 * of its programs per instance with the instance's rodata (struct hook_cfg),
 * loaded on every CPU at once, then attached.
 *
 * The template object creates the maps every hook shares (value sets,
 * heap, host namespaces, pending args, rate limits); the ring buffer, drop
 * counters and proc_bins come from the always-loaded process object. What
 * cannot be copied (kprobes, uprobes, a module's function) is opened and
 * loaded as an object of its own, as every instance once was.
 */
#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "bpf/load/clone.h"
#include "bpf/load/hooks.h"
#include "bpf/load/loader.h"
#include "generic.skel.h"
#include "generic_compat.skel.h"

static const char *const mech_names[MECH_COUNT] = {
	"none", "fentry", "fexit", "fmod_ret", "kprobe", "kretprobe", "bpf-lsm", "tp_btf",
	"raw_tracepoint", "tracepoint", "uprobe", "uretprobe",
};

const char *mech_name(enum mech m)
{
	return m < MECH_COUNT ? mech_names[m] : "?";
}

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

/* Trampolines and LSM programs get their target before the load (the
 * verifier types the arguments from it); so does the tp_btf program, as
 * clone.c's SEC() handler does not resolve it from the section name. */
static int set_target(struct bpf_program *p, const struct compiled_hook *ch)
{
	switch (ch->mech) {
	case MECH_FENTRY: case MECH_FEXIT: case MECH_FMOD_RET: case MECH_LSM:
		return bpf_program__set_attach_target(p, 0, ch->attach);
	case MECH_TP_BTF: case MECH_RAW_TP:
		return ch->cfg.sock_state ? bpf_program__set_attach_target(p, 0, "inet_sock_set_state") : 0;
	default:
		return 0;
	}
}

/* Only the chosen mechanism's programs load, with their target. */
static int select_programs(struct generic_bpf *o, const struct compiled_hook *ch)
{
	struct bpf_program *p, *entry = prog_of(o, ch, ch->mech), *exit = exit_prog_of(o, ch);

	if (!entry)
		return -EINVAL;
	bpf_object__for_each_program(p, o->obj)
		bpf_program__set_autoload(p, p == entry || p == exit);
	return set_target(entry, ch);
}

static int fill_sets(struct generic_bpf *o, const struct hook_load *c,
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
	hs->nattach++;
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
		return ch->cfg.sock_state ? bpf_program__attach_trace(p) :
					    bpf_program__attach_raw_tracepoint(p, ch->attach);
	case MECH_KPROBE: case MECH_KRETPROBE:
		return bpf_program__attach_kprobe(p, m == MECH_KRETPROBE, ch->attach);
	case MECH_UPROBE: case MECH_URETPROBE:
		return bpf_program__attach_uprobe_opts(p, -1, ch->path, 0, &uo);
	case MECH_LSM:
		return bpf_program__attach_lsm(p);
	default: /* fentry, fexit, fmod_ret: the target set at load */
		return bpf_program__attach_trace(p);
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

/* An instance as its own object (kprobes, uprobes, module functions):
 * open, share the template's maps, load, attach, drop the object (a
 * parsed copy of the ELF and its BTF, megabytes): the links hold the
 * programs and the programs their maps. */
static int own_object(struct hook_set *hs, struct loader *l, const struct compiled_hook *ch,
		      char *err, size_t n)
{
	struct generic_bpf *o = generic_open(l);
	int rc;

	if (!o)
		return fail(err, n, -errno, "cannot open the hook object for", instance_name(ch));
	*(struct hook_cfg *)&o->rodata->cfg = ch->cfg;
	o->rodata->nsfs_dev = nsfs_dev();
	o->rodata->wakeup_bytes = l->wakeup_bytes;
	bpf_map__set_max_entries(o->maps.hook_heap, libbpf_num_possible_cpus());
	rc = select_programs(o, ch);
	if (rc)
		rc = fail(err, n, rc, "no program or attach target for", instance_name(ch));
	else if ((rc = share_maps(o, l, hs->objs[0])))
		rc = fail(err, n, rc, "cannot share maps with", instance_name(ch));
	else if ((rc = clone_load_pruned(o->obj, o->maps.rodata, o->rodata, sizeof(*o->rodata),
					  &hs->prune)))
		rc = fail(err, n, rc, "the kernel refused the program for", instance_name(ch));
	else
		rc = attach_instance(hs, o, ch, err, n);
	hs->nloads += rc ? 0 : 1 + !!exit_prog_of(o, ch);
	generic_bpf__destroy(o);
	return rc;
}

/* ---- copies of the template's programs (clone.c) ---------------------- */

#define MAX_IMAGES 16

/* One instance loaded from the template's programs. */
struct inst {
	const struct compiled_hook *ch;
	const struct prog_image *entry, *exit; /* NULL entry: its own object */
	uint32_t btf_id; /* trampolines and LSM: the target's id in vmlinux */
	struct prune_stat prune; /* its loads */
	int rodata, entry_fd, exit_fd;
	int rc;
};

struct tmpl {
	struct generic_bpf *o; /* programs loaded with a zero hook_cfg */
	struct prog_image img[MAX_IMAGES];
	int nimg;
	struct btf *vmlinux; /* read once, for the targets' ids */
	struct inst *in;
	int n;
	int next; /* the next instance to load, taken by every loading thread */
};

_Static_assert(offsetof(struct generic_bpf__rodata, cfg) ==
	       offsetof(struct generic_compat_bpf__rodata, cfg), "same rodata");
_Static_assert(sizeof(struct generic_bpf__rodata) == sizeof(struct generic_compat_bpf__rodata),
	       "same rodata");

static bool btf_target(const struct compiled_hook *ch)
{
	return ch->mech == MECH_FENTRY || ch->mech == MECH_FEXIT || ch->mech == MECH_FMOD_RET ||
	       ch->mech == MECH_LSM;
}

/* The mechanisms clone.c attaches by program fd. */
static bool copyable(const struct compiled_hook *ch)
{
	return btf_target(ch) || ch->mech == MECH_TRACEPOINT || ch->mech == MECH_TP_BTF ||
	       ch->mech == MECH_RAW_TP;
}

/* The target's BTF id in vmlinux as libbpf would find it; 0 when it is
 * not there (a module's function: its own object resolves it). */
static uint32_t vmlinux_id(struct tmpl *t, const struct compiled_hook *ch)
{
	char name[160];
	int id;

	if (ch->btf_id) /* the probe's index found it: no second parse */
		return ch->btf_id;
	if (!t->vmlinux && !(t->vmlinux = btf__load_vmlinux_btf()))
		return 0;
	snprintf(name, sizeof(name), "%s%s", ch->mech == MECH_LSM ? "bpf_lsm_" : "", ch->attach);
	id = btf__find_by_name_kind(t->vmlinux, name, BTF_KIND_FUNC);
	return id > 0 ? (uint32_t)id : 0;
}

static const struct prog_image *image_of(struct tmpl *t, const struct bpf_program *p)
{
	int i;

	for (i = 0; p && i < t->nimg; i++)
		if (t->img[i].prog == p)
			return &t->img[i];
	return NULL;
}

/* Which template programs the instance copies; they load with the
 * template (the first instance of each sets the trampoline's target). */
static int plan_instance(struct tmpl *t, struct inst *in)
{
	const struct compiled_hook *ch = in->ch;
	struct bpf_program *entry = prog_of(t->o, ch, ch->mech), *exit = exit_prog_of(t->o, ch);
	int rc = 0;

	in->rodata = in->entry_fd = in->exit_fd = -1;
	if (!copyable(ch) || !entry || (btf_target(ch) && !(in->btf_id = vmlinux_id(t, ch))))
		return 0;
	if (!bpf_program__autoload(entry)) {
		bpf_program__set_autoload(entry, true);
		rc = set_target(entry, ch);
	}
	if (exit)
		bpf_program__set_autoload(exit, true);
	in->entry = image_of(t, entry);
	in->exit = image_of(t, exit);
	return rc;
}

static int template_load(struct hook_set *hs, struct loader *l, struct tmpl *t, char *err,
			 size_t n)
{
	struct bpf_program *p;
	int i, rc;

	t->o = generic_open(l);
	if (!t->o)
		return fail(err, n, -errno, "cannot open the hook object for", instance_name(t->in[0].ch));
	hs->objs[hs->nobjs++] = t->o;
	t->o->rodata->nsfs_dev = nsfs_dev();
	t->o->rodata->wakeup_bytes = l->wakeup_bytes;
	bpf_map__set_max_entries(t->o->maps.hook_heap, libbpf_num_possible_cpus());
	bpf_object__for_each_program(p, t->o->obj) {
		bpf_program__set_autoload(p, false);
		if (t->nimg < MAX_IMAGES)
			t->img[t->nimg++].prog = p;
	}
	for (i = 0; i < t->n; i++) {
		rc = plan_instance(t, &t->in[i]);
		if (rc)
			return fail(err, n, rc, "no attach target for", instance_name(t->in[i].ch));
	}
	rc = share_maps(t->o, l, NULL);
	if (rc)
		return fail(err, n, rc, "cannot share maps with", instance_name(t->in[0].ch));
	rc = clone_capture_load(t->o->obj, t->img, t->nimg);
	if (rc)
		return fail(err, n, rc, "the kernel refused the program for", instance_name(t->in[0].ch));
	return 0;
}

/* The instance's rodata (the template's, with its hook_cfg) and its
 * copies of the template's programs. */
static int load_copy(struct tmpl *t, struct inst *in)
{
	struct generic_bpf__rodata ro = *t->o->rodata;
	int old = bpf_map__fd(t->o->maps.rodata);

	*(struct hook_cfg *)&ro.cfg = in->ch->cfg;
	in->rodata = clone_rodata(&ro, sizeof(ro));
	if (in->rodata < 0)
		return in->rodata;
	in->entry_fd = clone_load(in->entry, old, in->rodata, &ro, sizeof(ro), in->btf_id, &in->prune);
	if (in->entry_fd < 0 || !in->exit)
		return in->entry_fd < 0 ? in->entry_fd : 0;
	in->exit_fd = clone_load(in->exit, old, in->rodata, &ro, sizeof(ro), 0, &in->prune);
	return in->exit_fd < 0 ? in->exit_fd : 0;
}

/* A loading thread: the verifier runs in the caller, so the instances
 * spread over the CPUs. */
static void *load_copies(void *arg)
{
	struct tmpl *t = arg;
	int i;

	while ((i = __atomic_fetch_add(&t->next, 1, __ATOMIC_RELAXED)) < t->n)
		if (t->in[i].entry)
			t->in[i].rc = load_copy(t, &t->in[i]);
	return NULL;
}

#define MAX_LOAD_THREADS 4

static int load_all_copies(struct hook_set *hs, struct tmpl *t, char *err, size_t n)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	pthread_t th[MAX_LOAD_THREADS];
	int i, nth = 0;

	for (i = 0; i < t->n; i++)
		if (t->in[i].entry && (!t->in[i].entry->captured ||
				       (t->in[i].exit && !t->in[i].exit->captured)))
			t->in[i].entry = NULL; /* not seen at load: its own object */
	while (nth < MAX_LOAD_THREADS && nth + 1 < cpus && nth + 1 < t->n &&
	       !pthread_create(&th[nth], NULL, load_copies, t))
		nth++;
	load_copies(t);
	while (nth--)
		pthread_join(th[nth], NULL);
	for (i = 0; i < t->n; i++) {
		hs->nloads += (t->in[i].entry_fd >= 0) + (t->in[i].exit_fd >= 0);
		hs->prune.pruned += t->in[i].prune.pruned;
		hs->prune.before += t->in[i].prune.before;
		hs->prune.after += t->in[i].prune.after;
		if (t->in[i].rc)
			return fail(err, n, t->in[i].rc, "the kernel refused the program for",
				    instance_name(t->in[i].ch));
	}
	return 0;
}

static int add_fd(struct hook_set *hs, int fd)
{
	int *n;

	if (fd < 0)
		return 0;
	n = realloc(hs->fds, (hs->nfds + 1) * sizeof(*n));
	if (!n) {
		close(fd);
		return -ENOMEM;
	}
	hs->fds = n;
	hs->fds[hs->nfds++] = fd;
	return 0;
}

/* Keeps an attachment (and the perf event under it); a negative fd is
 * the error. */
static int keep_attach(struct hook_set *hs, int link, int perf, const char *what, char *err,
		       size_t n)
{
	if (link < 0) {
		if (perf >= 0)
			close(perf);
		return fail(err, n, link, "cannot attach", what);
	}
	hs->nattach++;
	return add_fd(hs, perf) ?: add_fd(hs, link);
}

static int attach_tp(struct hook_set *hs, int prog_fd, const char *fmt, const char *sc,
		     char *err, size_t n)
{
	char tp[64];
	int pfd = -1, link;

	snprintf(tp, sizeof(tp), fmt, sc);
	link = clone_attach_tracepoint(prog_fd, "syscalls", tp, &pfd);
	return keep_attach(hs, link, pfd, tp, err, n);
}

/* Each syscall of a tracepoint instance: sys_enter_X and/or sys_exit_X. */
static int attach_copy_tp(struct hook_set *hs, const struct inst *in, char *err, size_t n)
{
	const struct compiled_hook *ch = in->ch;
	int i, rc = 0;

	for (i = 0; i < ch->nsc && !rc; i++) {
		if (ch->on_enter)
			rc = attach_tp(hs, in->entry_fd, "sys_enter_%s", ch->sc[i], err, n);
		if (!rc && ch->on_exit)
			rc = attach_tp(hs, ch->on_enter ? in->exit_fd : in->entry_fd, "sys_exit_%s",
				       ch->sc[i], err, n);
	}
	return rc;
}

static int attach_copy(struct hook_set *hs, struct inst *in, char *err, size_t n)
{
	const struct compiled_hook *ch = in->ch;
	int rc, link;

	if (ch->mech == MECH_TRACEPOINT) {
		rc = attach_copy_tp(hs, in, err, n);
	} else {
		if ((ch->mech == MECH_TP_BTF || ch->mech == MECH_RAW_TP) && !ch->cfg.sock_state)
			link = clone_attach_raw_tp(in->entry_fd, ch->attach);
		else
			link = clone_attach_btf(in->entry_fd);
		rc = keep_attach(hs, link, -1, ch->attach, err, n);
	}
	/* the set owns them now (add_fd closes what it cannot keep) */
	if (add_fd(hs, in->rodata) | add_fd(hs, in->entry_fd) | add_fd(hs, in->exit_fd))
		rc = rc ?: -ENOMEM;
	in->rodata = in->entry_fd = in->exit_fd = -1;
	return rc;
}

static void template_free(struct tmpl *t)
{
	int i;

	if (!t)
		return;
	for (i = 0; i < t->nimg; i++)
		clone_image_free(&t->img[i]);
	for (i = 0; t->in && i < t->n; i++) {
		if (t->in[i].rodata >= 0)
			close(t->in[i].rodata);
		if (t->in[i].entry_fd >= 0)
			close(t->in[i].entry_fd);
		if (t->in[i].exit_fd >= 0)
			close(t->in[i].exit_fd);
	}
	free(t->in);
	btf__free(t->vmlinux);
	free(t);
}

static int attach_all(struct hook_set *hs, struct loader *l, struct tmpl *t, char *err, size_t n)
{
	int i, rc = 0;

	for (i = 0; i < t->n && !rc; i++)
		rc = t->in[i].entry ? attach_copy(hs, &t->in[i], err, n) :
				      own_object(hs, l, t->in[i].ch, err, n);
	return rc;
}

int hooks_load(struct hook_set *hs, struct loader *l, const struct hook_load *c, char *err,
	       size_t errlen)
{
	struct tmpl *t;
	int i, rc;

	memset(hs, 0, sizeof(*hs));
	if (!c->nhooks)
		return 0;
	if (c->syscall_hooks)
		ensure_tracefs();
	hs->objs = calloc(1, sizeof(*hs->objs));
	t = calloc(1, sizeof(*t));
	if (t)
		t->in = calloc(c->nhooks, sizeof(*t->in));
	if (!hs->objs || !t || !t->in) {
		template_free(t);
		return -ENOMEM;
	}
	hs->tmpl = t;
	t->n = c->nhooks;
	for (i = 0; i < c->nhooks; i++)
		t->in[i].ch = &c->hooks[i];
	rc = clone_handlers_register();
	if (rc)
		rc = fail(err, errlen, rc, "cannot register the program sections of", "libbpf");
	rc = rc ?: template_load(hs, l, t, err, errlen);
	return rc ?: load_all_copies(hs, t, err, errlen);
}

int hooks_attach(struct hook_set *hs, struct loader *l, const struct hook_load *c,
		 const uint32_t host_ns[NS_COUNT], char *err, size_t errlen)
{
	struct tmpl *t = hs->tmpl;
	int rc;

	if (!t)
		return 0;
	rc = fill_sets(t->o, c, host_ns);
	if (rc)
		rc = fail(err, errlen, rc, "cannot fill the value sets of", instance_name(c->hooks));
	rc = rc ?: attach_all(hs, l, t, err, errlen);
	hooks_drop_template(hs);
	return rc;
}

void hooks_drop_template(struct hook_set *hs)
{
	template_free(hs->tmpl);
	hs->tmpl = NULL;
	/* the template object goes: the programs hold their maps */
	if (hs->nobjs) {
		generic_bpf__destroy(hs->objs[0]);
		hs->objs[0] = NULL;
	}
}

void hooks_stop(struct hook_set *hs)
{
	int i;

	hooks_drop_template(hs);
	for (i = 0; i < hs->nlinks; i++)
		bpf_link__destroy(hs->links[i]);
	for (i = 0; i < hs->nfds; i++)
		close(hs->fds[i]);
	for (i = 0; i < hs->nobjs; i++)
		generic_bpf__destroy(hs->objs[i]);
	free(hs->links);
	free(hs->fds);
	free(hs->objs);
	memset(hs, 0, sizeof(*hs));
}
