/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* test_capture.c - capture files: round trips, rotation, and every kind of damage. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cmocka.h>

#include "output/capture/capture.h"
#include "output/capture/verify.h"
#include "output/events/decode.h"
#include "output/format.h"

#define NODE "node-a"
#define B2W 1700000000000000000LL

static char dir[64];

/* ---- fixtures -------------------------------------------------------- */

static const char *const tags0[] = {"fs", "open"};
static const struct tr_hook_info hooks[] = {
    {.kind = TR_KPROBE,
     .policy_name = "p1",
     .function_name = "__x64_sys_openat",
     .message = "an open",
     .tags = tags0,
     .ntags = 2,
     .nargs = 2,
     .arg_type = {"int", "string"},
     .arg_label = {"fd", NULL},
     .has_ret = true,
     .ret_type = "int"},
    {.kind = TR_TRACEPOINT,
     .policy_name = "p2",
     .k8s_namespace = "team-a",
     .function_name = "",
     .subsys = "sock",
     .event = "inet_sock_set_state",
     .nargs = 1,
     .arg_type = {"sock"}},
};

static const char pol_a[] = "apiVersion: cilium.io/v1alpha1\nkind: TracingPolicy\n";
static const struct capture_blob pols[] = {
    {"a.yaml", pol_a, sizeof(pol_a) - 1},
    {"empty", "", 0},
};

static struct capture_info info(void)
{
	struct capture_info in = {
	    .tool_version = "9.9.9",
	    .node_name = NODE,
	    .host_name = "host-a",
	    .kernel_release = "6.1.0-test",
	    .start_ns = 1234567890123456789ULL,
	    .boot_to_wall_ns = B2W,
	    .policies = pols,
	    .npolicies = 2,
	    .hooks = hooks,
	    .nhooks = 2,
	};
	int i;

	for (i = 0; i < NS_COUNT; i++)
		in.host_ns[i] = 4026531835u + i;
	return in;
}

/* Builds an event_proc; argv is NUL-separated, argv[0] first. */
static size_t mk_proc(void *buf, uint16_t type, uint32_t pid, uint32_t ppid, uint64_t kt,
		      const char *bin, const char *cwd, const char *argv, size_t argv_len,
		      const char *cg)
{
	struct event_proc *e = buf;
	char *p = (char *)(e + 1);
	int i;

	memset(e, 0, sizeof(*e));
	e->hdr.type = type;
	e->hdr.ktime = kt;
	e->pid = e->tid = e->nspid = pid;
	e->ppid = ppid;
	e->start_ktime = kt;
	e->cgroup_id = 77;
	e->creds.uid = 1000;
	e->creds.cap_effective = 0x1234;
	for (i = 0; i < NS_COUNT; i++)
		e->ns[i] = 4026531835u + i;
	e->flags = type == EV_EXEC ? PROC_F_EXECVE : PROC_F_PROCFS;
	e->binary_len = strlen(bin) + 1;
	memcpy(p, bin, e->binary_len);
	p += e->binary_len;
	e->cwd_len = strlen(cwd) + 1;
	memcpy(p, cwd, e->cwd_len);
	p += e->cwd_len;
	e->args_len = argv_len;
	memcpy(p, argv, argv_len);
	p += argv_len;
	e->cgroup_len = strlen(cg) + 1;
	if (!strncmp(cg, "/kubepods/", 10)) /* with a v1 path after it */
		e->cgroup_len += strlen(cg + e->cgroup_len) + 1;
	memcpy(p, cg, e->cgroup_len);
	p += e->cgroup_len;
	e->hdr.size = p - (char *)buf;
	return e->hdr.size;
}

static size_t mk_exit(void *buf, uint32_t pid, uint32_t code, uint64_t kt)
{
	struct event_exit *e = buf;

	memset(e, 0, sizeof(*e));
	e->hdr = (struct event_header){EV_EXIT, 0, sizeof(*e), kt};
	e->pid = e->tid = pid;
	e->exit_code = code;
	return sizeof(*e);
}

static size_t mk_fork(void *buf, uint32_t pid, uint32_t ppid, uint64_t kt)
{
	struct event_fork *e = buf;

	memset(e, 0, sizeof(*e));
	e->hdr = (struct event_header){EV_FORK, 0, sizeof(*e), kt};
	e->pid = pid;
	e->ppid = ppid;
	e->start_ktime = kt;
	return sizeof(*e);
}

/* A policy event of hook 0: an int and a string argument. */
static size_t mk_hook(void *buf, uint32_t pid, uint64_t kt)
{
	struct event_hook *e = buf;
	struct arg_hdr *a = (struct arg_hdr *)(e + 1);
	int64_t fd = 3;

	memset(buf, 0, sizeof(*e) + 40);
	e->hdr = (struct event_header){EV_HOOK, 0, 0, kt};
	e->pid = e->tid = pid;
	e->hook_id = 0;
	e->action = HA_POST;
	e->nargs = 2;
	e->ret = -2;
	*a = (struct arg_hdr){AK_INT, 0, 8, 0};
	memcpy(a + 1, &fd, 8);
	a = (struct arg_hdr *)((char *)(a + 1) + 8);
	*a = (struct arg_hdr){AK_STR_USER, 0, 11, 0};
	memcpy(a + 1, "/etc/shadow", 11);
	e->hdr.size = sizeof(*e) + 8 + 8 + 8 + 16;
	return e->hdr.size;
}

struct rec {
	enum capture_kind kind;
	size_t size;
	uint8_t annot_type;
	char id[64];
	_Alignas(8) uint8_t data[2048];
};

/* The records every round trip writes: each kernel type, a snapshot, an
 * annotation. */
static int mk_all(struct rec *r)
{
	static const char argv_sh[] = "sh\0-c\0echo hi";
	int n = 0;

	r[n].kind = CAP_EVENT;
	r[n].size = mk_proc(r[n].data, EV_HOST, 0, 0, 0, "", "", "", 0, "");
	n++;
	r[n].kind = CAP_EVENT;
	r[n].size = mk_proc(r[n].data, EV_SCAN, 100, 1, 1000, "/bin/bash", "/root", "bash\0", 5,
			    "/user.slice");
	n++;
	r[n].kind = CAP_EVENT;
	r[n].size = mk_proc(r[n].data, EV_EXEC, 200, 100, 2000, "/bin/sh", "/tmp", argv_sh,
			    sizeof(argv_sh) - 1, "/system.slice/x.scope");
	n++;
	r[n].kind = CAP_EVENT;
	r[n].size = mk_fork(r[n].data, 201, 200, 3000);
	n++;
	r[n].kind = CAP_EVENT;
	r[n].size = mk_hook(r[n].data, 201, 4000);
	n++;
	r[n].kind = CAP_EVENT;
	r[n].size = mk_hook(r[n].data, 200, 4500);
	n++;
	r[n].kind = CAP_EVENT;
	r[n].size = mk_exit(r[n].data, 201, 9, 5000);
	n++;
	r[n].kind = CAP_EVENT;
	r[n].size = mk_exit(r[n].data, 200, 1 << 8, 6000);
	n++;
	r[n].kind = CAP_SNAPSHOT;
	r[n].size = mk_proc(r[n].data, EV_SCAN, 300, 1, 7000, "/sbin/init", "/", "init\0", 5, "/");
	n++;
	r[n].kind = CAP_ANNOT;
	r[n].annot_type = 7;
	strcpy(r[n].id, "0123456789abcdef");
	r[n].size = 5;
	memcpy(r[n].data, "{\"x\"}", 5);
	n++;
	r[n].kind = CAP_ANNOT; /* an empty blob */
	r[n].annot_type = 1;
	strcpy(r[n].id, "c2");
	r[n].size = 0;
	n++;
	return n;
}

static int put_rec(struct capture_writer *w, const struct rec *r)
{
	if (r->kind == CAP_EVENT)
		return capture_write_event(w, r->data, r->size);
	if (r->kind == CAP_SNAPSHOT)
		return capture_write_snapshot(w, r->data, r->size);
	return capture_write_annot(w, r->annot_type, r->id, r->data, r->size);
}

static void path(char *out, size_t cap, const char *name)
{
	snprintf(out, cap, "%s/%s", dir, name);
}

/* Writes recs to a capture, flushing after each so there are blocks. */
static void write_capture(const char *file, const struct rec *r, int n, bool flush_each)
{
	struct capture_info in = info();
	struct capture_opts o = {.path = file};
	char err[256];
	struct capture_writer *w = capture_writer_open(&o, &in, err, sizeof(err));
	int i;

	assert_non_null(w);
	for (i = 0; i < n; i++) {
		assert_int_equal(put_rec(w, &r[i]), 0);
		if (flush_each)
			assert_int_equal(capture_flush(w), 0);
	}
	assert_int_equal(capture_writer_close(w, NULL, 0), 0);
}

static uint8_t *slurp(const char *file, size_t *len)
{
	FILE *f = fopen(file, "rb");
	uint8_t *buf = malloc(1 << 20);

	assert_non_null(f);
	*len = fread(buf, 1, 1 << 20, f);
	fclose(f);
	return buf;
}

static bool same_rec(const struct capture_item *it, const struct rec *r)
{
	if (it->kind != r->kind || it->size != r->size || memcmp(it->data, r->data, r->size))
		return false;
	if (it->kind != CAP_ANNOT && (uintptr_t)it->data % 8)
		return false; /* kernel records are read in place */
	if (it->kind == CAP_ANNOT)
		return it->annot_type == r->annot_type && it->id_len == strlen(r->id) &&
		       !strcmp(it->id, r->id);
	return true;
}

/* Reads buf[0..len) through the reader. Returns the final rc; *good is
 * how many records matched exp[] in order (a mismatch fails the test). */
static int read_mem(const uint8_t *buf, size_t len, const struct rec *exp, int nexp, int *good,
		    char *err, size_t errlen)
{
	FILE *f = fmemopen((void *)buf, len, "rb");
	char oerr[128];
	struct capture_reader *r;
	struct capture_item it;
	int rc, n = 0, headers = 0;

	assert_non_null(f);
	r = capture_open_stream(f, oerr, sizeof(oerr));
	assert_non_null(r);
	while ((rc = capture_next(r, &it)) > 0) {
		if (it.kind == CAP_HEADER) {
			assert_int_equal(headers++, 0);
			continue;
		}
		if (exp) /* NULL: any records */
			assert_true(n < nexp && same_rec(&it, &exp[n]));
		n++;
	}
	snprintf(err, errlen, "%s", capture_error(r));
	capture_close(r);
	*good = n;
	return rc;
}

/* ---- round trips ----------------------------------------------------- */

static bool streq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static void check_hook(const struct tr_hook_info *a, const struct tr_hook_info *b)
{
	int i;

	assert_int_equal(a->kind, b->kind);
	assert_true(streq(a->policy_name, b->policy_name));
	assert_true(streq(a->k8s_namespace, b->k8s_namespace));
	assert_true(streq(a->function_name, b->function_name));
	assert_true(streq(a->subsys, b->subsys));
	assert_true(streq(a->event, b->event));
	assert_true(streq(a->message, b->message));
	assert_true(streq(a->ret_type, b->ret_type));
	assert_int_equal(a->has_ret, b->has_ret);
	assert_int_equal(a->ntags, b->ntags);
	for (i = 0; i < a->ntags; i++)
		assert_true(streq(a->tags[i], b->tags[i]));
	assert_int_equal(a->nargs, b->nargs);
	for (i = 0; i < a->nargs; i++) {
		assert_true(streq(a->arg_type[i], b->arg_type[i]));
		assert_true(streq(a->arg_label[i], b->arg_label[i]));
	}
}

static void check_info(const struct capture_info *got, uint32_t index)
{
	struct capture_info in = info();
	int i;

	assert_int_equal(got->version, CAP_VERSION);
	assert_int_equal(got->file_index, index);
	assert_true(got->file_start_ns > 0);
	assert_string_equal(got->tool_version, "9.9.9");
	assert_string_equal(got->node_name, NODE);
	assert_string_equal(got->host_name, "host-a");
	assert_string_equal(got->kernel_release, "6.1.0-test");
	assert_true(got->kernel_version[0] && got->machine[0]); /* from uname */
	assert_memory_equal(got->host_ns, in.host_ns, sizeof(in.host_ns));
	assert_true(got->start_ns == in.start_ns);
	assert_true(got->boot_to_wall_ns == B2W);
	assert_int_equal(got->npolicies, 2);
	for (i = 0; i < 2; i++) {
		assert_string_equal(got->policies[i].name, pols[i].name);
		assert_int_equal(got->policies[i].len, pols[i].len);
		assert_memory_equal(got->policies[i].data, pols[i].data, pols[i].len);
	}
	assert_int_equal(got->nhooks, 2);
	for (i = 0; i < 2; i++)
		check_hook(&got->hooks[i], &hooks[i]);
}

static void test_round_trip(void **state)
{
	static struct rec r[16];
	char file[128], err[256];
	struct capture_reader *rd;
	struct capture_item it;
	int n = mk_all(r), i, pass;

	(void)state;
	for (pass = 0; pass < 2; pass++) { /* one block, then a block per record */
		path(file, sizeof(file), "rt.cap");
		write_capture(file, r, n, pass);
		rd = capture_open(file, err, sizeof(err));
		assert_non_null(rd);
		assert_int_equal(capture_next(rd, &it), 1);
		assert_int_equal(it.kind, CAP_HEADER);
		check_info(it.info, 0);
		for (i = 0; i < n; i++) {
			assert_int_equal(capture_next(rd, &it), 1);
			assert_true(same_rec(&it, &r[i]));
		}
		assert_int_equal(capture_next(rd, &it), 0);
		assert_int_equal(capture_next(rd, &it), 0);
		capture_close(rd);
	}
}

static void test_file_mode_and_missing(void **state)
{
	char file[128], err[256];
	struct stat st;

	(void)state;
	path(file, sizeof(file), "mode.cap");
	write_capture(file, NULL, 0, false);
	assert_int_equal(stat(file, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600); /* command lines are secrets */
	path(file, sizeof(file), "nonexistent.cap");
	assert_null(capture_open(file, err, sizeof(err)));
	assert_string_equal(err, strerror(ENOENT));
}

/* Issue 14.7: -w as root followed a planted link, kept a file's 0666. */
static void test_writer_refuses_links_fixes_mode(void **state)
{
	char file[128], target[128], err[256];
	struct capture_info in = info();
	struct capture_opts o = {.path = file};
	struct capture_writer *w;
	struct stat st;
	int fd;

	(void)state;
	path(target, sizeof(target), "victim");
	fd = open(target, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0 && write(fd, "keep", 4) == 4);
	close(fd);
	path(file, sizeof(file), "planted-link.cap");
	unlink(file);
	assert_int_equal(symlink(target, file), 0);
	assert_null(capture_writer_open(&o, &in, err, sizeof(err)));
	assert_non_null(strstr(err, "symbolic link"));
	assert_int_equal(stat(target, &st), 0);
	assert_int_equal(st.st_size, 4); /* untouched */
	unlink(file);
	assert_int_equal(link(target, file), 0); /* a second name: refused */
	assert_null(capture_writer_open(&o, &in, err, sizeof(err)));
	assert_non_null(strstr(err, "other links"));
	unlink(file);
	fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0666);
	assert_true(fd >= 0 && fchmod(fd, 0666) == 0);
	close(fd);
	w = capture_writer_open(&o, &in, err, sizeof(err));
	assert_non_null(w);
	assert_int_equal(capture_writer_close(w, err, sizeof(err)), 0);
	assert_int_equal(stat(file, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	unlink(file);
	unlink(target);
}

static void test_empty_capture(void **state)
{
	char file[128], err[256];
	size_t len;
	uint8_t *buf;
	int good;

	(void)state;
	path(file, sizeof(file), "empty.cap");
	write_capture(file, NULL, 0, false);
	buf = slurp(file, &len);
	assert_int_equal(read_mem(buf, len, NULL, 0, &good, err, sizeof(err)), 0);
	free(buf);
}

static void test_concatenated(void **state)
{
	static struct rec r[16], twice[32];
	char file[128], err[256];
	uint8_t *buf, *two;
	size_t len;
	int n = mk_all(r), headers = 0, cnt = 0, rc;
	FILE *f;
	struct capture_reader *rd;
	struct capture_item it;

	(void)state;
	path(file, sizeof(file), "cat.cap");
	write_capture(file, r, n, true);
	buf = slurp(file, &len);
	two = malloc(2 * len);
	memcpy(two, buf, len);
	memcpy(two + len, buf, len);
	memcpy(twice, r, n * sizeof(*r));
	memcpy(twice + n, r, n * sizeof(*r));
	f = fmemopen(two, 2 * len, "rb");
	rd = capture_open_stream(f, err, sizeof(err));
	while ((rc = capture_next(rd, &it)) > 0) {
		if (it.kind == CAP_HEADER) {
			headers++;
			continue;
		}
		assert_true(same_rec(&it, &twice[cnt]));
		cnt++;
	}
	assert_int_equal(rc, 0);
	assert_int_equal(headers, 2);
	assert_int_equal(cnt, 2 * n);
	capture_close(rd);
	free(buf);
	free(two);
}

/* ---- live output equals replayed output ------------------------------ */

struct out {
	struct formatter fmt;
	FILE *f;
	char *buf;
	size_t len;
};

static void sink(void *ctx, const struct tr_event *ev)
{
	formatter_event(&((struct out *)ctx)->fmt, ev);
}

static void out_open(struct out *o, struct decoder *d)
{
	o->f = open_memstream(&o->buf, &o->len);
	assert_non_null(o->f);
	assert_int_equal(decoder_init(d, 1024, sink, o), 0);
	assert_int_equal(formatter_init(&o->fmt, OUT_JSON, o->f, &d->host), 0);
}

static void out_close(struct out *o, struct decoder *d)
{
	formatter_free(&o->fmt);
	fclose(o->f);
	decoder_free(d);
}

static void live_decoder(struct decoder *d)
{
	snprintf(d->node_name, sizeof(d->node_name), NODE);
	d->boot_to_wall_ns = B2W;
	d->hooks = hooks;
	d->nhooks = 2;
}

/* What -r does: the header sets the decoder's context, records decode. */
static int replay(const char *file, struct out *o, int *snapshots)
{
	struct decoder d;
	struct capture_reader *rd;
	struct capture_item it;
	char err[256];
	int rc;

	out_open(o, &d);
	rd = capture_open(file, err, sizeof(err));
	assert_non_null(rd);
	*snapshots = 0;
	while ((rc = capture_next(rd, &it)) > 0) {
		if (it.kind == CAP_HEADER) {
			snprintf(d.node_name, sizeof(d.node_name), "%s", it.info->node_name);
			d.boot_to_wall_ns = it.info->boot_to_wall_ns;
			memcpy(d.host.ns, it.info->host_ns, sizeof(d.host.ns));
			d.hooks = it.info->hooks;
			d.nhooks = it.info->nhooks;
		} else if (it.kind == CAP_EVENT || it.kind == CAP_SNAPSHOT) {
			*snapshots += it.kind == CAP_SNAPSHOT;
			decode_record(&d, it.data, it.size);
		}
	}
	capture_close(rd);
	out_close(o, &d);
	return rc;
}

static void test_replay_equals_live(void **state)
{
	static struct rec r[16];
	struct decoder d;
	struct out live, again;
	char file[128], err[256];
	struct capture_info in = info();
	struct capture_opts o = {0};
	struct capture_writer *w;
	int n = mk_all(r) - 3, i, snaps; /* kernel records only */

	(void)state;
	out_open(&live, &d);
	live_decoder(&d);
	path(file, sizeof(file), "live.cap");
	o.path = file;
	memset(in.host_ns, 0, sizeof(in.host_ns)); /* EV_HOST brings them */
	w = capture_writer_open(&o, &in, err, sizeof(err));
	assert_non_null(w);
	for (i = 0; i < n; i++) {
		assert_int_equal(capture_write_event(w, r[i].data, r[i].size), 0);
		assert_int_equal(decode_record(&d, r[i].data, r[i].size), 0);
	}
	assert_int_equal(capture_writer_close(w, NULL, 0), 0);
	out_close(&live, &d);
	assert_int_equal(replay(file, &again, &snaps), 0);
	assert_true(live.len > 500);
	assert_non_null(strstr(live.buf, "/etc/shadow"));
	assert_string_equal(again.buf, live.buf);
	free(live.buf);
	free(again.buf);
}

/* EV_SCAN built from a cached record re-creates it exactly. */
static void test_proc_to_scan(void **state)
{
	static const char argv[] = "x\0-a\0\0b c";
	_Alignas(8) uint8_t rec[4096], scan[2 * EVENT_PROC_MAX];
	struct decoder a, b;
	struct out oa, ob;
	const struct proc_rec *p, *q;
	size_t n;

	(void)state;
	out_open(&oa, &a);
	out_open(&ob, &b);
	live_decoder(&a);
	live_decoder(&b);
	n = mk_proc(rec, EV_EXEC, 42, 1, 99, "./bin/x", "/home/u", argv, sizeof(argv) - 1,
		    "/kubepods/pod1\0/mem");
	assert_int_equal(decode_record(&a, rec, n), 0);
	p = proc_cache_get(a.cache, 42);
	assert_non_null(p);
	assert_int_equal(capture_proc_to_scan(p, scan, 100), 0); /* too small */
	n = capture_proc_to_scan(p, scan, sizeof(scan));
	assert_true(n > sizeof(struct event_proc));
	assert_int_equal(decode_record(&b, scan, n), 0);
	q = proc_cache_get(b.cache, 42);
	assert_non_null(q);
	assert_string_equal(q->binary, "/home/u/bin/x");
	assert_string_equal(q->binary, p->binary);
	assert_string_equal(q->cwd, p->cwd);
	assert_int_equal(q->args_len, p->args_len);
	assert_memory_equal(q->args, p->args, p->args_len);
	assert_int_equal(q->argc, 3);
	assert_int_equal(q->argc, p->argc);
	assert_string_equal(q->cgroup, p->cgroup);
	assert_string_equal(q->cgroup_v1, "/mem");
	assert_string_equal(q->cgroup_v1, p->cgroup_v1);
	assert_string_equal(q->exec_id, p->exec_id);
	assert_int_equal(q->flags, p->flags);
	assert_true(q->start_ns == p->start_ns && q->ktime == p->ktime);
	assert_memory_equal(&q->creds, &p->creds, sizeof(p->creds));
	assert_memory_equal(q->ns, p->ns, sizeof(p->ns));
	assert_true(q->cgroup_id == p->cgroup_id && q->nspid == p->nspid && q->tid == p->tid);
	out_close(&oa, &a);
	out_close(&ob, &b);
	free(oa.buf);
	free(ob.buf);
}

/* An exec record with its trailers: stdio, then the file's inode. */
static size_t mk_exec_bin(void *buf, uint64_t ino, uint32_t nlink)
{
	static const char argv[] = "x\0gone";
	struct event_binfile bf = {ino, nlink, 0};
	struct event_proc *e = buf;
	size_t n = mk_proc(buf, EV_EXEC, 43, 1, 100, "/tmp/x", "/", argv, sizeof(argv), "/");

	memset((char *)buf + n, 0, sizeof(struct event_stdio));
	n += sizeof(struct event_stdio);
	memcpy((char *)buf + n, &bf, sizeof(bf));
	n += sizeof(bf);
	e->flags |= PROC_F_STDIO | PROC_F_BINFILE;
	e->hdr.size = n;
	return n;
}

/* The inode of a deleted binary reaches binary_properties, survives a
 * capture's snapshot, and a record cut inside it is refused. */
static void test_exec_binfile(void **state)
{
	_Alignas(8) uint8_t rec[4096], scan[2 * EVENT_PROC_MAX];
	struct decoder a, b;
	struct out oa, ob;
	const struct proc_rec *p, *q;
	size_t n;

	(void)state;
	out_open(&oa, &a);
	out_open(&ob, &b);
	live_decoder(&a);
	live_decoder(&b);
	n = mk_exec_bin(rec, 917513, 0);
	assert_int_equal(decode_record(&a, rec, n - 1), -1);
	assert_int_equal(decode_record(&a, rec, n), 0);
	p = proc_cache_get(a.cache, 43);
	assert_true(p && p->bin_known && p->bin_ino == 917513 && !p->bin_nlink);
	assert_true(p->secureexec & BP_UNLINKED);
	n = capture_proc_to_scan(p, scan, sizeof(scan));
	assert_int_equal(decode_record(&b, scan, n), 0);
	q = proc_cache_get(b.cache, 43);
	assert_true(q && q->bin_known && q->bin_ino == 917513 && q->secureexec == p->secureexec);
	n = mk_exec_bin(rec, 917514, 2); /* a file with names: no properties */
	assert_int_equal(decode_record(&a, rec, n), 0);
	p = proc_cache_get(a.cache, 43);
	assert_true(p->bin_known && p->bin_nlink == 2 && !(p->secureexec & BP_UNLINKED));
	out_close(&oa, &a);
	out_close(&ob, &b);
	/* (mk_proc's creds are a set-user-ID exec's: properties either way) */
	assert_non_null(strstr(oa.buf, "\"file\":{\"inode\":{\"number\":\"917513\",\"links\":0}}"));
	assert_non_null(strchr(oa.buf, '\n'));
	assert_null(strstr(strchr(oa.buf, '\n'), "\"file\":"));
	free(oa.buf);
	free(ob.buf);
}

/* A sock argument carries its cookie (struct sock_arg); a record from
 * before it (the 48-byte tuple) has none; a file its permission. */
static void test_sock_cookie_and_mode(void **state)
{
	static const struct tr_hook_info h[] = {
	    {.kind = TR_KPROBE, .policy_name = "c", .function_name = "tcp_connect",
	     .nargs = 2, .arg_type = {"sock", "file"}},
	};
	_Alignas(8) uint8_t rec[512];
	struct event_hook *e = (void *)rec;
	struct arg_hdr *a = (struct arg_hdr *)(e + 1);
	struct sock_arg sa = {.si = {.family = 2, .type = 1, .protocol = 6}, .cookie = 4096};
	struct decoder d;
	struct out o;
	int i;

	(void)state;
	out_open(&o, &d);
	live_decoder(&d);
	d.hooks = h;
	d.nhooks = 1;
	for (i = 0; i < 2; i++) {
		size_t sl = i ? sizeof(sa.si) : sizeof(sa);

		memset(rec, 0, sizeof(rec));
		e->hdr = (struct event_header){EV_HOOK, 0, 0, 200 + i};
		e->pid = e->tid = 44;
		e->action = HA_POST;
		e->nargs = 2;
		a = (struct arg_hdr *)(e + 1);
		*a = (struct arg_hdr){AK_SOCK, 0, sl, 0, 0};
		memcpy(a + 1, &sa, sl);
		a = (struct arg_hdr *)((char *)(a + 1) + sl);
		*a = (struct arg_hdr){AK_FILE, 0, 2, i ? 0 : 0100640, 0};
		memcpy(a + 1, "/f", 2);
		e->hdr.size = (char *)(a + 1) + 8 - (char *)rec;
		assert_int_equal(decode_record(&d, rec, e->hdr.size), 0);
	}
	out_close(&o, &d);
	assert_non_null(strstr(o.buf, "\"cookie\":\"4096\""));
	assert_non_null(strstr(o.buf, "{\"path\":\"/f\",\"permission\":\"-rw-r-----\"}"));
	assert_non_null(strchr(o.buf, '\n'));
	assert_null(strstr(strchr(o.buf, '\n'), "cookie")); /* the old record */
	assert_null(strstr(strchr(o.buf, '\n'), "permission"));
	free(o.buf);
}

/* ---- rotation -------------------------------------------------------- */

static void test_file_names(void **state)
{
	char b[64];

	(void)state;
	assert_int_equal(capture_file_name(b, sizeof(b), "f", 0, 0), 0);
	assert_string_equal(b, "f");
	capture_file_name(b, sizeof(b), "f", 1, 0);
	assert_string_equal(b, "f1");
	capture_file_name(b, sizeof(b), "f", 12, 0);
	assert_string_equal(b, "f12");
	capture_file_name(b, sizeof(b), "f", 0, 1); /* -W 1: one file, no digit */
	assert_string_equal(b, "f");
	capture_file_name(b, sizeof(b), "f", 0, 10);
	assert_string_equal(b, "f0");
	capture_file_name(b, sizeof(b), "f", 7, 100);
	assert_string_equal(b, "f07");
	capture_file_name(b, sizeof(b), "f", 10, 11);
	assert_string_equal(b, "f10");
	assert_int_equal(capture_file_name(b, 3, "abc", 0, 0), -1);
}

struct rot {
	struct decoder *d;
	const uint32_t *pids; /* parents first */
	int npids;
	int calls;
};

/* The rotation callback as the lead writes it: every known process. */
static int on_rotate(void *ctx, struct capture_writer *w)
{
	struct rot *rt = ctx;
	_Alignas(8) static uint8_t buf[2 * EVENT_PROC_MAX];
	int i;

	rt->calls++;
	for (i = 0; rt->d && i < rt->npids; i++) {
		const struct proc_rec *p = proc_cache_get(rt->d->cache, rt->pids[i]);
		size_t n = p ? capture_proc_to_scan(p, buf, sizeof(buf)) : 0;

		if (n && capture_write_snapshot(w, buf, n))
			return -EIO;
	}
	return capture_write_annot(w, 1, "ctr", "meta", 4);
}

static bool exists(const char *name)
{
	char file[128];

	path(file, sizeof(file), name);
	return access(file, F_OK) == 0;
}

static int read_file_all(const char *name, uint32_t *index, int *records)
{
	char file[128], err[256];
	struct capture_reader *rd;
	struct capture_item it;
	int rc;

	path(file, sizeof(file), name);
	rd = capture_open(file, err, sizeof(err));
	assert_non_null(rd);
	*records = 0;
	while ((rc = capture_next(rd, &it)) > 0) {
		if (it.kind == CAP_HEADER) {
			*index = it.info->file_index;
			assert_int_equal(it.info->nhooks, 2);
			assert_int_equal(it.info->npolicies, 2);
		} else {
			(*records)++;
		}
	}
	capture_close(rd);
	return rc;
}

static void test_rotation_names(void **state)
{
	static struct rec r[16];
	char file[128], err[256];
	struct capture_info in = info();
	struct rot rt = {0};
	struct capture_opts o = {.rotate_bytes = 1, .on_rotate = on_rotate, .rotate_ctx = &rt};
	struct capture_writer *w;
	uint32_t idx;
	int i, recs;

	(void)state;
	mk_all(r);
	path(file, sizeof(file), "rot");
	o.path = file;
	w = capture_writer_open(&o, &in, err, sizeof(err));
	assert_non_null(w);
	for (i = 0; i < 3; i++) {
		assert_int_equal(capture_write_event(w, r[1].data, r[1].size), 0);
		assert_int_equal(capture_flush(w), 0);
	}
	assert_int_equal(capture_writer_close(w, NULL, 0), 0); /* no empty rot3 */
	assert_int_equal(rt.calls, 2);
	assert_true(exists("rot") && exists("rot1") && exists("rot2"));
	assert_false(exists("rot3") || exists("rot0"));
	assert_int_equal(read_file_all("rot", &idx, &recs), 0);
	assert_int_equal(idx, 0);
	assert_int_equal(recs, 1);
	assert_int_equal(read_file_all("rot2", &idx, &recs), 0);
	assert_int_equal(idx, 2);
	assert_int_equal(recs, 2); /* the annotation, then the event */
}

static void test_rotation_ring(void **state)
{
	static struct rec r[16];
	char file[128], err[256];
	struct capture_info in = info();
	struct capture_opts o = {.rotate_bytes = 100, .max_files = 3};
	struct capture_writer *w;
	uint32_t idx;
	int i, recs;

	(void)state;
	mk_all(r);
	path(file, sizeof(file), "ring");
	o.path = file;
	w = capture_writer_open(&o, &in, err, sizeof(err));
	assert_non_null(w);
	for (i = 0; i < 7; i++) {
		assert_int_equal(capture_write_event(w, r[2].data, r[2].size), 0);
		assert_int_equal(capture_flush(w), 0);
	}
	assert_int_equal(capture_writer_close(w, NULL, 0), 0);
	assert_true(exists("ring0") && exists("ring1") && exists("ring2"));
	assert_false(exists("ring") || exists("ring3"));
	/* files 0..6 were begun; the ring keeps 4, 5, 6 */
	assert_int_equal(read_file_all("ring0", &idx, &recs), 0);
	assert_int_equal(idx, 6);
	assert_int_equal(recs, 1);
	assert_int_equal(read_file_all("ring1", &idx, &recs), 0);
	assert_int_equal(idx, 4);
	assert_int_equal(read_file_all("ring2", &idx, &recs), 0);
	assert_int_equal(idx, 5);
}

/* A later file of a rotation replays alone: parents resolve. */
static void test_rotated_file_self_contained(void **state)
{
	static struct rec r[16];
	static const uint32_t pids[] = {100, 200};
	struct decoder d;
	struct out live, again;
	char file[128], err[256], *tail;
	struct capture_info in = info();
	struct rot rt = {.d = &d, .pids = pids, .npids = 2};
	struct capture_opts o = {.rotate_bytes = 1, .on_rotate = on_rotate, .rotate_ctx = &rt};
	struct capture_writer *w;
	int n = mk_all(r) - 3, i, snaps;

	(void)state;
	out_open(&live, &d);
	live_decoder(&d);
	path(file, sizeof(file), "self");
	o.path = file;
	w = capture_writer_open(&o, &in, err, sizeof(err));
	assert_non_null(w);
	for (i = 0; i < n; i++) {
		assert_int_equal(capture_write_event(w, r[i].data, r[i].size), 0);
		assert_int_equal(decode_record(&d, r[i].data, r[i].size), 0);
		if (i == 2) /* after the exec, as the main loop would */
			assert_int_equal(capture_flush(w), 0);
	}
	assert_int_equal(capture_writer_close(w, NULL, 0), 0);
	assert_int_equal(rt.calls, 1);
	path(file, sizeof(file), "self1");
	assert_int_equal(replay(file, &again, &snaps), 0);
	assert_int_equal(snaps, 2);
	out_close(&live, &d);
	/* the live lines after the exec (hooks and exits, with their parents) */
	tail = strchr(live.buf, '\n') + 1;
	assert_true(strlen(again.buf) > 200);
	assert_string_equal(again.buf, tail);
	free(live.buf);
	free(again.buf);
}

static void test_tick_flushes(void **state)
{
	static struct rec r[16];
	char file[128], err[256];
	struct capture_info in = info();
	struct capture_opts o = {.flush_ms = 1};
	struct capture_writer *w;
	struct stat a, b;

	(void)state;
	mk_all(r);
	path(file, sizeof(file), "tick.cap");
	o.path = file;
	w = capture_writer_open(&o, &in, err, sizeof(err));
	assert_non_null(w);
	assert_int_equal(capture_write_event(w, r[2].data, r[2].size), 0);
	stat(file, &a);
	usleep(3000);
	assert_int_equal(capture_tick(w), 0);
	stat(file, &b);
	assert_true(b.st_size > a.st_size);
	assert_int_equal(capture_tick(w), 0); /* nothing pending */
	assert_int_equal(capture_writer_close(w, NULL, 0), 0);
}

/* A reader that goes away: the error sticks, close reports it. */
static void test_write_error(void **state)
{
	static struct rec r[16];
	char file[64], err[256];
	struct capture_info in = info();
	struct capture_opts o = {.path = file};
	struct capture_writer *w;
	int p[2];

	(void)state;
	mk_all(r);
	signal(SIGPIPE, SIG_IGN);
	assert_int_equal(pipe(p), 0);
	snprintf(file, sizeof(file), "/proc/self/fd/%d", p[1]);
	w = capture_writer_open(&o, &in, err, sizeof(err));
	assert_non_null(w);
	close(p[0]);
	assert_int_equal(capture_write_event(w, r[2].data, r[2].size), 0);
	assert_int_equal(capture_flush(w), -EPIPE);
	assert_int_equal(capture_write_event(w, r[2].data, r[2].size), -EPIPE);
	assert_int_equal(capture_tick(w), -EPIPE);
	assert_non_null(strstr(capture_writer_error(w), "Broken pipe"));
	assert_int_equal(capture_writer_close(w, err, sizeof(err)), -EPIPE);
	snprintf(file, sizeof(file), "/proc/self/fd/%d: Broken pipe", p[1]);
	assert_string_equal(err, file);
	close(p[1]);
}

static void test_writer_refusals(void **state)
{
	char file[128], err[256], id[300];
	struct capture_info in = info();
	struct capture_opts o = {.path = "-", .rotate_bytes = 10};
	struct capture_writer *w;
	void *big = calloc(1, CAP_RECORD_MAX + 1);

	(void)state;
	assert_null(capture_writer_open(&o, &in, err, sizeof(err)));
	assert_non_null(strstr(err, "standard output"));
	o.path = "/nonexistent-dir/x.cap";
	o.rotate_bytes = 0;
	assert_null(capture_writer_open(&o, &in, err, sizeof(err)));
	assert_non_null(strstr(err, "/nonexistent-dir/x.cap: "));
	path(file, sizeof(file), "refuse.cap");
	o.path = file;
	w = capture_writer_open(&o, &in, err, sizeof(err));
	assert_non_null(w);
	assert_int_equal(capture_write_event(w, big, CAP_RECORD_MAX + 1), -E2BIG);
	memset(id, 'a', sizeof(id) - 1);
	id[sizeof(id) - 1] = 0;
	assert_int_equal(capture_write_annot(w, 1, id, "", 0), -ENAMETOOLONG);
	assert_int_equal(capture_write_event(w, big, CAP_RECORD_MAX), 0); /* still usable */
	assert_int_equal(capture_writer_close(w, NULL, 0), 0);
	/* a full disk refuses the header */
	o.path = "/dev/full";
	assert_null(capture_writer_open(&o, &in, err, sizeof(err)));
	assert_string_equal(err, "/dev/full: No space left on device");
	free(big);
}

/* ---- damage ---------------------------------------------------------- */

/* Truncated at every byte: a prefix of the records, then one error. */
static void test_truncation_everywhere(void **state)
{
	static struct rec r[16];
	char file[128], err[256];
	uint8_t *buf;
	size_t len, cut;
	int n = mk_all(r), good, last = 0;

	(void)state;
	path(file, sizeof(file), "trunc.cap");
	write_capture(file, r, n, true);
	buf = slurp(file, &len);
	for (cut = 0; cut < len; cut++) {
		assert_int_equal(read_mem(buf, cut, r, n, &good, err, sizeof(err)), -1);
		assert_true(err[0]);
		assert_true(strstr(err, "truncated") || strstr(err, "empty"));
		assert_true(good >= last); /* never fewer records for more bytes */
		last = good;
	}
	assert_int_equal(last, n); /* all but the end marker: every record */
	assert_int_equal(read_mem(buf, len, r, n, &good, err, sizeof(err)), 0);
	assert_int_equal(good, n);
	free(buf);
}

/* Most of a block that was cut short is still read. */
static void test_truncated_block_prefix(void **state)
{
	static struct rec r[16];
	char file[128], err[256];
	uint8_t *buf;
	size_t len;
	int n = mk_all(r), good;

	(void)state;
	path(file, sizeof(file), "one.cap");
	write_capture(file, r, n, false); /* one block */
	buf = slurp(file, &len);
	/* the end marker (48 bytes) and 24 bytes of the block */
	assert_int_equal(read_mem(buf, len - 72, r, n, &good, err, sizeof(err)), -1);
	assert_true(good > 0 && good < n);
	assert_non_null(strstr(err, "truncated: the file ends inside the block"));
	free(buf);
}

static void test_bit_flips(void **state)
{
	static struct rec r[16];
	char file[128], err[256];
	uint8_t *buf;
	size_t len, i;
	int n = 4, good, bit;

	(void)state;
	mk_all(r);
	path(file, sizeof(file), "flip.cap");
	write_capture(file, r, n, true);
	buf = slurp(file, &len);
	for (i = 0; i < len; i++)
		for (bit = 0; bit < 8; bit++) {
			buf[i] ^= 1 << bit;
			/* caught, or harmless (deflate's padding bits): never
			 * a wrong record (read_mem compares each) */
			if (read_mem(buf, len, r, n, &good, err, sizeof(err)))
				assert_true(err[0]);
			else
				assert_int_equal(good, n);
			buf[i] ^= 1 << bit;
		}
	free(buf);
}

static void expect_error(const void *data, size_t len, const char *msg)
{
	char err[256];
	int good;

	assert_int_equal(read_mem(data, len, NULL, 0, &good, err, sizeof(err)), -1);
	if (!strstr(err, msg))
		fail_msg("error \"%s\" lacks \"%s\"", err, msg);
}

static void put32le(uint8_t *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

/* A preamble with a good checksum over any version, flags and body. */
static size_t craft_header(uint8_t *out, uint16_t version, uint16_t flags, const void *body,
			   uint32_t len)
{
	static const uint8_t magic[8] = {0x89, 'T', 'R', 'A', 'C', 'E', '\r', '\n'};

	memset(out, 0, 32);
	memcpy(out, magic, 8);
	out[8] = version;
	out[9] = version >> 8;
	out[10] = flags;
	put32le(out + 24, len);
	memcpy(out + 32, body, len);
	put32le(out + 28, crc32(crc32(0, out, 28), body, len));
	return 32 + len;
}

/* A valid header, then a block holding raw (good checksum); version 1,
 * unchained, which a reader still takes. */
static size_t craft_block(uint8_t *out, const void *raw, uint32_t raw_len)
{
	size_t n = craft_header(out, 1, 0, "", 0);
	uLongf comp = 4096;

	compress2(out + n + 16, &comp, raw, raw_len, 1);
	put32le(out + n, 0x314b4c42);
	put32le(out + n + 4, comp);
	put32le(out + n + 8, raw_len);
	put32le(out + n + 12, crc32(0, raw, raw_len));
	return n + 16 + comp;
}

static void test_not_a_capture(void **state)
{
	static const char text[] = "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/:/bin/sh\n";
	static const uint8_t pcap[] = {0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0};
	uint8_t buf[8192];
	char file[128], err[256];
	size_t n;
	int i, good;

	(void)state;
	expect_error("", 0, "empty file");
	expect_error(text, sizeof(text) - 1, "not a tracer capture file");
	expect_error(pcap, sizeof(pcap), "a pcap file");
	expect_error("\x89TRA", 4, "truncated: the file ends inside its header");
	srand(7);
	for (i = 0; i < 2000; i++) {
		size_t j, len = rand() % sizeof(buf);

		for (j = 0; j < len; j++)
			buf[j] = rand();
		assert_int_equal(read_mem(buf, len, NULL, 0, &good, err, sizeof(err)), -1);
	}
	/* a good header, then random bytes */
	n = craft_header(buf, CAP_VERSION, 0, "", 0);
	for (i = 0; i < 2000; i++) {
		size_t j, len = n + rand() % (sizeof(buf) - n);

		for (j = n; j < len; j++)
			buf[j] = rand();
		assert_int_equal(read_mem(buf, len, NULL, 0, &good, err, sizeof(err)), -1);
	}
	path(file, sizeof(file), "");
	{
		struct capture_reader *rd = capture_open(file, err, sizeof(err));
		struct capture_item it;

		assert_non_null(rd); /* a directory: fopen() accepts it */
		assert_int_equal(capture_next(rd, &it), -1);
		assert_string_equal(capture_error(rd), "read error: Is a directory");
		capture_close(rd);
	}
}

static void test_wrong_version_and_flags(void **state)
{
	uint8_t buf[256];

	(void)state;
	expect_error(buf, craft_header(buf, 3, 0, "", 0),
		     "capture format version 3 is not supported (this tracer reads versions 1 to 2)");
	expect_error(buf, craft_header(buf, 0, 0, "", 0), "version 0 is not supported");
	expect_error(buf, craft_header(buf, 1, 1, "", 0), "other byte order");
	expect_error(buf, craft_header(buf, 1, 6, "", 0), "unknown flags");
	craft_header(buf, 1, 0, "", 0);
	buf[28] ^= 1;
	expect_error(buf, 32, "corrupt header (checksum mismatch)");
}

/* Hostile lengths in the header and its fields. */
static void test_huge_header_lengths(void **state)
{
	uint8_t buf[8192], body[256];
	size_t n;

	(void)state;
	/* header length */
	craft_header(buf, 1, 0, "", 0);
	put32le(buf + 24, 0xffffffff);
	expect_error(buf, 32, "declared length 4294967295 too large");
	put32le(buf + 24, 1000);
	expect_error(buf, 32, "truncated: the file ends inside its header");
	/* a TLV longer than the body */
	memset(body, 0, 8);
	body[0] = 11;
	put32le(body + 4, 0xfffffff0);
	expect_error(buf, craft_header(buf, 1, 0, body, 8), "corrupt header (malformed field)");
	/* a hook with 2^32-1 tags, then one with 6 args, then kind 0 */
	put32le(body + 4, 16);
	put32le(body + 8, TR_KPROBE);
	put32le(body + 12, 0xffffffff);
	put32le(body + 16, 0);
	put32le(body + 20, 0);
	expect_error(buf, craft_header(buf, 1, 0, body, 24), "malformed field");
	put32le(body + 12, 0);
	put32le(body + 16, HOOK_MAX_ARGS + 1);
	expect_error(buf, craft_header(buf, 1, 0, body, 24), "malformed field");
	put32le(body + 8, 0);
	put32le(body + 16, 0);
	expect_error(buf, craft_header(buf, 1, 0, body, 24), "malformed field");
	/* a string of length 2^31 inside a hook */
	put32le(body + 8, TR_KPROBE);
	put32le(body + 4, 20);
	put32le(body + 24, 0x80000000);
	expect_error(buf, craft_header(buf, 1, 0, body, 28), "malformed field");
	/* an unknown critical field; an unknown plain one is skipped */
	memset(body, 0, 12);
	body[0] = 200;
	body[2] = 1;
	put32le(body + 4, 4);
	expect_error(buf, craft_header(buf, 1, 0, body, 12), "malformed field");
	body[2] = 0;
	n = craft_header(buf, 1, 0, body, 12);
	expect_error(buf, n, "no end-of-capture marker");
}

/* Hostile lengths in blocks and in the records inside them. */
static void test_huge_block_lengths(void **state)
{
	uint8_t buf[8192], raw[64];
	size_t n;

	(void)state;
	/* block lengths */
	n = craft_header(buf, 1, 0, "", 0);
	put32le(buf + n, 0x314b4c42);
	put32le(buf + n + 4, 0xffffffff);
	put32le(buf + n + 8, 0xffffffff);
	expect_error(buf, n + 16, "impossible lengths");
	put32le(buf + n + 4, 100);
	put32le(buf + n + 8, 0);
	expect_error(buf, n + 16, "impossible lengths");
	put32le(buf + n + 8, CAP_BLOCK_MAX + 1);
	expect_error(buf, n + 16, "impossible lengths");
	put32le(buf + n, 0x12345678);
	expect_error(buf, n + 16, "no block marker");
	/* a decompression bomb: 1 MiB of zeros declared as 1 KiB */
	{
		uint8_t *zeros = calloc(1, CAP_BLOCK_MAX / 2);
		uLongf comp = sizeof(buf) - n - 16;

		compress2(buf + n + 16, &comp, zeros, CAP_BLOCK_MAX / 2, 9);
		put32le(buf + n, 0x314b4c42);
		put32le(buf + n + 4, comp);
		put32le(buf + n + 8, 1024);
		put32le(buf + n + 12, crc32(0, zeros, 1024));
		expect_error(buf, n + 16 + comp, "bad compressed data");
		free(zeros);
	}
	/* record lengths inside a good block */
	memset(raw, 0, sizeof(raw));
	put32le(raw, 0xfffffff0);
	raw[4] = 1;
	expect_error(buf, craft_block(buf, raw, 16), "corrupt record");
	put32le(raw, 9); /* 9 bytes, padded to 16: past the block */
	expect_error(buf, craft_block(buf, raw, 16), "corrupt record");
	expect_error(buf, craft_block(buf, raw, 5), "corrupt record");
	/* an annotation whose id runs past the record */
	put32le(raw, 8);
	raw[4] = 3;
	put32le(raw + 8, 100);
	expect_error(buf, craft_block(buf, raw, 16), "corrupt annotation");
	put32le(raw + 8, 1); /* id "x" without its NUL */
	raw[12] = 'x';
	raw[13] = 'y';
	expect_error(buf, craft_block(buf, raw, 16), "corrupt annotation");
	/* an unknown record kind is skipped */
	put32le(raw, 0);
	raw[4] = 99;
	expect_error(buf, craft_block(buf, raw, 8), "no end-of-capture marker");
}

static void test_bad_end_marker(void **state)
{
	static struct rec r[16];
	char file[128];
	uint8_t *buf;
	size_t len;

	(void)state;
	mk_all(r);
	path(file, sizeof(file), "end.cap");
	write_capture(file, r, 3, true);
	buf = slurp(file, &len);
	/* counts that disagree with the file, checksum made good (the end
	 * marker is 16 bytes and the chain's last link, 32) */
	put32le(buf + len - 44, 9);
	put32le(buf + len - 36, crc32(0, buf + len - 48, 12));
	expect_error(buf, len, "end marker counts 9 blocks");
	buf[len] = 'x'; /* end marker, then junk */
	put32le(buf + len - 44, 3);
	put32le(buf + len - 36, crc32(0, buf + len - 48, 12));
	expect_error(buf, len + 1, "unexpected data after the end of the capture");
	free(buf);
}

/* --verify: its exit code and the one line it printed. */
static int verify(const char *file, char *line, size_t cap)
{
	FILE *out = fopen("/dev/null", "w"), *err = tmpfile();
	int rc = capture_verify(file, out, err);

	rewind(err);
	line[0] = 0;
	if (!fgets(line, cap, err))
		line[0] = 0;
	fclose(out);
	fclose(err);
	return rc;
}

static void spit(const char *file, const uint8_t *buf, size_t len)
{
	FILE *f = fopen(file, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, len, f), len);
	fclose(f);
}

/* The block layout of a version 2 file: where each block starts. */
static int block_offsets(const uint8_t *buf, size_t len, size_t *off, int max)
{
	size_t at = 32 + (buf[24] | buf[25] << 8 | buf[26] << 16 | (size_t)buf[27] << 24);
	int n = 0;

	while (at + 48 <= len && n < max && !memcmp(buf + at, "BLK2", 4)) {
		off[n++] = at;
		at += 48 + (buf[at + 4] | buf[at + 5] << 8 | buf[at + 6] << 16);
	}
	off[n] = at;
	return n;
}

/* Every way a capture can be altered is found, and named by its block. */
static void test_verify_chain(void **state)
{
	static struct rec r[16];
	char file[128], bad[128], line[512];
	size_t len, off[16], a, b;
	uint8_t *buf, *sw;
	int n = mk_all(r), k;

	(void)state;
	path(file, sizeof(file), "chain.cap");
	path(bad, sizeof(bad), "bad.cap");
	write_capture(file, r, n, true);
	assert_int_equal(verify(file, line, sizeof(line)), 0);
	buf = slurp(file, &len);
	k = block_offsets(buf, len, off, 15);
	assert_true(k >= 4);
	/* one bit of the third block's compressed data */
	buf[off[2] + 50] ^= 1;
	spit(bad, buf, len);
	assert_int_equal(verify(bad, line, sizeof(line)), 1);
	assert_non_null(strstr(line, "block 3: "));
	assert_non_null(strstr(line, "breaks the hash chain"));
	buf[off[2] + 50] ^= 1;
	/* blocks 2 and 3 swapped: each is intact, the order is not */
	a = off[2] - off[1];
	b = off[3] - off[2];
	sw = malloc(len);
	memcpy(sw, buf, off[1]);
	memcpy(sw + off[1], buf + off[2], b);
	memcpy(sw + off[1] + b, buf + off[1], a);
	memcpy(sw + off[3], buf + off[3], len - off[3]);
	spit(bad, sw, len);
	assert_int_equal(verify(bad, line, sizeof(line)), 1);
	assert_non_null(strstr(line, "block 2: "));
	/* the last block removed, end marker kept: counts and link disagree */
	memcpy(sw, buf, off[k - 1]);
	memcpy(sw + off[k - 1], buf + off[k], len - off[k]);
	spit(bad, sw, off[k - 1] + len - off[k]);
	assert_int_equal(verify(bad, line, sizeof(line)), 1);
	assert_non_null(strstr(line, "hash chain"));
	/* cut anywhere */
	spit(bad, buf, len * 2 / 3);
	assert_int_equal(verify(bad, line, sizeof(line)), 1);
	assert_non_null(strstr(line, "truncated"));
	free(sw);
	free(buf);
}

/* A rotation's files chain into each other: one missing is named. */
static void test_verify_rotated_set(void **state)
{
	static struct rec r[16];
	char file[128], f1[128], f2[128], line[512];
	struct capture_info in = info();
	struct capture_opts o = {.rotate_bytes = 1};
	struct capture_writer *w;
	int i;

	(void)state;
	mk_all(r);
	path(file, sizeof(file), "set");
	path(f1, sizeof(f1), "set1");
	path(f2, sizeof(f2), "set2");
	o.path = file;
	w = capture_writer_open(&o, &in, line, sizeof(line));
	assert_non_null(w);
	for (i = 0; i < 3; i++) {
		assert_int_equal(capture_write_event(w, r[1].data, r[1].size), 0);
		assert_int_equal(capture_flush(w), 0);
	}
	assert_int_equal(capture_writer_close(w, NULL, 0), 0);
	assert_int_equal(verify(file, line, sizeof(line)), 0);
	unlink(f1);
	assert_int_equal(verify(file, line, sizeof(line)), 1);
	assert_non_null(strstr(line, "set1: missing from the set"));
	/* set2 put in set1's place: it does not continue set */
	assert_int_equal(rename(f2, f1), 0);
	assert_int_equal(verify(file, line, sizeof(line)), 1);
	assert_non_null(strstr(line, "does not continue the file before it"));
}

static int setup_dir(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test_capture.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_verify_chain),
	    cmocka_unit_test(test_verify_rotated_set),
	    cmocka_unit_test(test_file_mode_and_missing),
	    cmocka_unit_test(test_writer_refuses_links_fixes_mode),
	    cmocka_unit_test(test_empty_capture),
	    cmocka_unit_test(test_concatenated),
	    cmocka_unit_test(test_replay_equals_live),
	    cmocka_unit_test(test_proc_to_scan),
	    cmocka_unit_test(test_exec_binfile),
	    cmocka_unit_test(test_sock_cookie_and_mode),
	    cmocka_unit_test(test_file_names),
	    cmocka_unit_test(test_rotation_names),
	    cmocka_unit_test(test_rotation_ring),
	    cmocka_unit_test(test_rotated_file_self_contained),
	    cmocka_unit_test(test_tick_flushes),
	    cmocka_unit_test(test_writer_refusals),
	    cmocka_unit_test(test_write_error),
	    cmocka_unit_test(test_truncation_everywhere),
	    cmocka_unit_test(test_truncated_block_prefix),
	    cmocka_unit_test(test_bit_flips),
	    cmocka_unit_test(test_not_a_capture),
	    cmocka_unit_test(test_wrong_version_and_flags),
	    cmocka_unit_test(test_huge_header_lengths),
	    cmocka_unit_test(test_huge_block_lengths),
	    cmocka_unit_test(test_bad_end_marker),
	};

	return cmocka_run_group_tests(tests, setup_dir, remove_dir);
}
