/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* clone.c - one libbpf load per program, then a raw load per hook instance.
 *
 * libbpf parses the ELF, loads the object's BTF and runs CO-RE against the
 * kernel's BTF for every bpf_object: ~40 ms here per hook instance when
 * each instance is its own object. The instructions it hands the kernel
 * differ between instances only in the rodata map they point at, so they
 * are captured once (a SEC() handler of our own sees the final load
 * attributes, func_info included, which bpf_loop callbacks need) and
 * loaded again with a frozen rodata copy per instance: the verifier still
 * sees each instance's constants and removes what they leave dead. The
 * template itself loads a stand-in.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/perf_event.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpf/load/clone.h"
#include "bpf/load/prune.h"

/* generic.bpf.c's SEC() names, exactly: libbpf's built-in definitions of
 * these take no flag the generic programs need (no sleepable, no
 * optional attach type), and BTF targets are set before every load. */
static const struct {
	const char *sec;
	enum bpf_prog_type type;
	enum bpf_attach_type attach;
} secs[] = {
	{"tracepoint", BPF_PROG_TYPE_TRACEPOINT, 0},
	{"tp_btf/inet_sock_set_state", BPF_PROG_TYPE_TRACING, BPF_TRACE_RAW_TP},
	{"kprobe", BPF_PROG_TYPE_KPROBE, 0},
	{"kretprobe", BPF_PROG_TYPE_KPROBE, 0},
	{"uprobe", BPF_PROG_TYPE_KPROBE, 0},
	{"raw_tp", BPF_PROG_TYPE_RAW_TRACEPOINT, 0},
	{"fentry", BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY},
	{"fexit", BPF_PROG_TYPE_TRACING, BPF_TRACE_FEXIT},
	{"fmod_ret", BPF_PROG_TYPE_TRACING, BPF_MODIFY_RETURN},
	{"lsm", BPF_PROG_TYPE_LSM, BPF_LSM_MAC},
};

/* The images being captured: libbpf's callback has no context pointer,
 * and loads run on one thread. */
static struct prog_image *capture_imgs;
static int capture_n;

static void *dup_mem(const void *p, size_t n)
{
	void *q = n ? malloc(n) : NULL;

	if (q)
		memcpy(q, p, n);
	return q;
}

/* What the template loads instead of a captured program: "return 0".
 * Only the copies run; verifying the template itself would cost as much
 * as a copy (the verifier's dead code removal alone is ~10 ms for these
 * programs), for a program never attached. */
static int stand_in(struct bpf_program *prog, struct bpf_prog_load_opts *opts)
{
	static const struct bpf_insn ret0[] = {
		{.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0},
		{.code = BPF_JMP | BPF_EXIT},
	};

	opts->func_info = NULL;
	opts->func_info_cnt = 0;
	opts->line_info = NULL;
	opts->line_info_cnt = 0;
	return bpf_program__set_insns(prog, (struct bpf_insn *)ret0, 2);
}

static bool env_set(const char *name)
{
	const char *v = getenv(name);

	return v && *v && strcmp(v, "0");
}

/* An object of its own being loaded (clone_load_pruned): its rodata, the
 * func_info its pruned programs load with (freed after the load), and the
 * counts. Loads of such objects run on one thread. */
#define OWN_MAX_PROGS 8
static struct {
	const struct bpf_map *map; /* its rodata: created, not yet loaded */
	const void *bytes;
	size_t size;
	void *func_info[OWN_MAX_PROGS];
	int n;
	struct prune_stat *st;
} own;

/* A program of an object of its own: pruned in place before libbpf hands
 * it to the kernel (what bpf_program__set_insns is for); as it is when
 * the pass does not follow it. Source lines go: they name the old
 * instruction offsets. */
static int prune_own(struct bpf_program *prog, struct bpf_prog_load_opts *opts)
{
	struct prune_prog full = {(struct bpf_insn *)bpf_program__insns(prog),
				  bpf_program__insn_cnt(prog), (void *)opts->func_info,
				  opts->func_info_cnt, opts->func_info_rec_size}, cut;
	struct prune_rodata ro = {bpf_map__fd(own.map), own.bytes, own.size};

	if (own.n == OWN_MAX_PROGS || ro.map_fd < 0 || env_set("TRACER_NO_PRUNE") ||
	    prune_program(&full, &ro, true, &cut))
		return 0;
	if (bpf_program__set_insns(prog, cut.insns, cut.ninsns)) {
		free(cut.insns);
		free(cut.func_info);
		return 0;
	}
	own.st->pruned++;
	own.st->before += full.ninsns;
	own.st->after += cut.ninsns;
	free(cut.insns); /* libbpf keeps a copy */
	own.func_info[own.n++] = cut.func_info;
	opts->func_info = cut.func_info;
	opts->func_info_cnt = cut.nfunc;
	opts->line_info = NULL;
	opts->line_info_cnt = 0;
	return 0;
}

int clone_load_pruned(struct bpf_object *obj, const struct bpf_map *rodata, const void *bytes,
		      size_t size, struct prune_stat *st)
{
	int rc;

	own.bytes = bytes;
	own.size = size;
	own.st = st;
	own.map = rodata;
	rc = bpf_object__load(obj);
	while (own.n)
		free(own.func_info[--own.n]);
	own.map = NULL;
	return rc;
}

static int capture(struct bpf_program *prog, struct bpf_prog_load_opts *opts, long cookie)
{
	struct prog_image *img = NULL;
	int i;

	for (i = 0; i < capture_n; i++)
		if (capture_imgs[i].prog == prog)
			img = &capture_imgs[i];
	if (!img)
		return own.map ? prune_own(prog, opts) : 0;
	img->type = secs[cookie].type;
	snprintf(img->name, sizeof(img->name), "%s", bpf_program__name(prog));
	img->ninsns = bpf_program__insn_cnt(prog);
	img->insns = dup_mem(bpf_program__insns(prog), img->ninsns * sizeof(struct bpf_insn));
	img->opts = *opts;
	img->func_info =
		dup_mem(opts->func_info, (size_t)opts->func_info_cnt * opts->func_info_rec_size);
	img->opts.func_info = img->func_info;
	/* no line_info: source lines only serve verifier logs and dumps, and
	 * the verifier moves them with every dead instruction it removes */
	img->opts.line_info = NULL;
	img->opts.line_info_cnt = 0;
	img->opts.log_buf = NULL;
	img->opts.log_size = 0;
	img->opts.log_level = 0;
	if (!img->insns || (opts->func_info_cnt && !img->func_info))
		return -ENOMEM;
	img->captured = 1;
	return stand_in(prog, opts);
}

int clone_handlers_register(void)
{
	static int done;
	LIBBPF_OPTS(libbpf_prog_handler_opts, ho, .prog_prepare_load_fn = capture);
	size_t i;
	int rc;

	if (done)
		return 0;
	for (i = 0; i < sizeof(secs) / sizeof(secs[0]); i++) {
		ho.cookie = (long)i;
		rc = libbpf_register_prog_handler(secs[i].sec, secs[i].type, secs[i].attach, &ho);
		if (rc < 0)
			return rc;
	}
	done = 1;
	return 0;
}

int clone_capture_load(struct bpf_object *obj, struct prog_image *imgs, int n)
{
	int rc;

	capture_imgs = imgs;
	capture_n = n;
	rc = bpf_object__load(obj);
	capture_imgs = NULL;
	capture_n = 0;
	return rc;
}

void clone_image_free(struct prog_image *img)
{
	free(img->insns);
	free(img->func_info);
	memset(img, 0, sizeof(*img));
}

int clone_rodata(const void *val, size_t size)
{
	LIBBPF_OPTS(bpf_map_create_opts, mo, .map_flags = BPF_F_RDONLY_PROG);
	uint32_t zero = 0;
	int fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "hook.rodata", sizeof(zero), size, 1, &mo);

	if (fd < 0)
		return -errno;
	if (bpf_map_update_elem(fd, &zero, val, BPF_ANY) || bpf_map_freeze(fd)) {
		int rc = -errno;

		close(fd);
		return rc;
	}
	return fd;
}

/* The program the kernel ended with, after its own dead code removal. */
static int xlated(int fd, struct bpf_insn **out, uint32_t *len)
{
	struct bpf_prog_info info = {0};
	uint32_t n = sizeof(info);

	if (bpf_obj_get_info_by_fd(fd, &info, &n))
		return -errno;
	*len = info.xlated_prog_len;
	*out = malloc(*len ? *len : 1);
	if (!*out)
		return -ENOMEM;
	memset(&info, 0, sizeof(info));
	info.xlated_prog_len = *len;
	info.xlated_prog_insns = (uint64_t)(uintptr_t)*out;
	n = sizeof(info);
	return bpf_obj_get_info_by_fd(fd, &info, &n) ? -errno : 0;
}

/* TRACER_PRUNE_CHECK=1 (tests): loads the reference too, the same
 * subprogram copies unpruned, and fails unless the kernel made the same
 * program of both. That holds where the verifier decides at least what
 * prune.c decides and explores alike whatever the layout: 6.12 and later
 * (tests/e2e). 6.1 sometimes keeps dead code in the pruned program that
 * it removes from the reference; 5.10 keeps more dead code in the
 * reference. The pruning itself depends on no kernel. */
static int prune_check(const struct prog_image *img, const struct prune_prog *full,
		       const struct prune_rodata *ro, const struct bpf_prog_load_opts *used, int fd)
{
	struct bpf_prog_load_opts o = *used; /* the instance's attach target */
	struct prune_prog ref;
	struct bpf_insn *a = NULL, *b = NULL;
	uint32_t na = 0, nb = 0;
	int rc = prune_program(full, ro, false, &ref), rfd = -1;

	if (!rc) {
		o.func_info = ref.func_info;
		o.func_info_cnt = ref.nfunc;
		rfd = bpf_prog_load(img->type, img->name, "Dual BSD/GPL", ref.insns, ref.ninsns, &o);
		rc = rfd < 0 ? -errno : 0;
	}
	rc = rc ?: xlated(fd, &a, &na) ?: xlated(rfd, &b, &nb);
	if (!rc && (na != nb || memcmp(a, b, na))) {
		fprintf(stderr, "tracer: prune check: %s: the kernel's program differs "
			"(%u instructions pruned, %u not)\n", img->name, na / 8, nb / 8);
		rc = -EPROTO;
	}
	if (rfd >= 0)
		close(rfd);
	free(ref.insns);
	free(ref.func_info);
	free(a);
	free(b);
	return rc;
}

/* Loads in (img's instructions with the rodata map swapped), pruned for
 * ro unless TRACER_NO_PRUNE=1 or the pass does not follow it. */
static int load_pruned(const struct prog_image *img, const struct bpf_insn *in,
		       struct bpf_prog_load_opts *o, const struct prune_rodata *ro,
		       struct prune_stat *st)
{
	struct prune_prog full = {(struct bpf_insn *)in, img->ninsns, (void *)o->func_info,
				  o->func_info_cnt, o->func_info_rec_size}, cut = {0};
	int fd, rc;

	if (env_set("TRACER_NO_PRUNE") || prune_program(&full, ro, true, &cut))
		cut = (struct prune_prog){0};
	if (cut.insns) {
		o->func_info = cut.func_info;
		o->func_info_cnt = cut.nfunc;
		st->pruned++;
		st->before += img->ninsns;
		st->after += cut.ninsns;
	}
	fd = bpf_prog_load(img->type, img->name, "Dual BSD/GPL", cut.insns ? cut.insns : in,
			   cut.insns ? cut.ninsns : img->ninsns, o);
	fd = fd < 0 ? -errno : fd;
	if (fd >= 0 && cut.insns && env_set("TRACER_PRUNE_CHECK") &&
	    (rc = prune_check(img, &full, ro, o, fd))) {
		close(fd);
		fd = rc;
	}
	free(cut.insns);
	free(cut.func_info);
	return fd;
}

int clone_load(const struct prog_image *img, int old_fd, int new_fd, const void *rodata,
	       size_t rodata_size, uint32_t attach_btf_id, struct prune_stat *st)
{
	struct bpf_prog_load_opts o = img->opts;
	struct prune_rodata ro = {new_fd, rodata, rodata_size};
	struct bpf_insn *in = malloc(img->ninsns * sizeof(*in));
	size_t i;
	int fd;

	if (!in)
		return -ENOMEM;
	memcpy(in, img->insns, img->ninsns * sizeof(*in));
	for (i = 0; i + 1 < img->ninsns; i++)
		if (in[i].code == (BPF_LD | BPF_IMM | BPF_DW) &&
		    (in[i].src_reg == BPF_PSEUDO_MAP_VALUE || in[i].src_reg == BPF_PSEUDO_MAP_FD) &&
		    in[i].imm == old_fd)
			in[i++].imm = new_fd;
	if (attach_btf_id) {
		o.attach_btf_id = attach_btf_id;
		o.attach_btf_obj_fd = 0;
	}
	fd = load_pruned(img, in, &o, &ro, st);
	free(in);
	if (fd >= 0)
		bpf_prog_bind_map(fd, new_fd, NULL); /* as libbpf does: rodata stays visible */
	return fd;
}

/* The id of a tracefs event, or -errno. */
static int tp_id(const char *cat, const char *name)
{
	static const char *const roots[] = {"/sys/kernel/tracing", "/sys/kernel/debug/tracing"};
	char path[256], buf[32];
	ssize_t n = -1;
	size_t i;
	int fd;

	for (i = 0; i < 2 && n < 0; i++) {
		snprintf(path, sizeof(path), "%s/events/%s/%s/id", roots[i], cat, name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
	}
	if (n <= 0)
		return -ENOENT;
	buf[n] = 0;
	return atoi(buf);
}

/* A perf event on the tracepoint, the program on it: a BPF link where the
 * kernel has them for perf events (5.15), else the older ioctl. */
int clone_attach_tracepoint(int prog_fd, const char *cat, const char *name, int *perf_fd)
{
	struct perf_event_attr a = {.type = PERF_TYPE_TRACEPOINT, .size = sizeof(a)};
	int id = tp_id(cat, name), pfd, lfd, rc;

	if (id < 0)
		return id;
	a.config = id;
	/* any CPU: a tracepoint runs its programs wherever it fires */
	pfd = syscall(__NR_perf_event_open, &a, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
	if (pfd < 0)
		return -errno;
	*perf_fd = pfd;
	lfd = bpf_link_create(prog_fd, pfd, BPF_PERF_EVENT, NULL);
	if (lfd >= 0)
		return lfd;
	*perf_fd = -1; /* the perf event itself holds the program */
	if (ioctl(pfd, PERF_EVENT_IOC_SET_BPF, prog_fd) || ioctl(pfd, PERF_EVENT_IOC_ENABLE, 0)) {
		rc = -errno;
		close(pfd);
		return rc;
	}
	return pfd;
}

int clone_attach_raw_tp(int prog_fd, const char *name)
{
	int fd = bpf_raw_tracepoint_open(name, prog_fd);

	return fd < 0 ? -errno : fd;
}

int clone_attach_btf(int prog_fd)
{
	int fd = bpf_raw_tracepoint_open(NULL, prog_fd);

	return fd < 0 ? -errno : fd;
}
