/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* test_bpf_selectors.c - the kernel's selector logic, run by the kernel
 * through BPF_PROG_TEST_RUN, and every mechanism's program through the
 * verifier (kprobe programs load here even where they cannot attach).
 * Each test runs twice: with the modern objects and with the _compat ones
 * (built for kernels without bpf_loop), which must verify and behave the
 * same here too.
 *
 * raw_tp_hook runs in this process's context, so user-memory arguments
 * (strings, sockaddrs) point at this test's own buffers. Needs root:
 * without it the whole program exits 77, which meson reports as SKIP (a
 * cmocka skip() would exit 0 and show as OK though nothing ran).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <cmocka.h>

#include "bpf/events.h"
#include "generic.skel.h"
#include "generic_compat.skel.h"
#include "process.skel.h"
#include "process_compat.skel.h"

/* The syscall entry symbols of this architecture, as the ladder names them. */
#if defined(__x86_64__)
#define SYSCALL_SYM(sc) "__x64_sys_" sc
#elif defined(__aarch64__)
#define SYSCALL_SYM(sc) "__arm64_sys_" sc
#else
#define SYSCALL_SYM(sc) "sys_" sc
#endif

static int events_seen;
static bool compat; /* this run's variant: the _compat objects */

/* Same source, same skeleton layout (bpf/hooks.c asserts it). */
static struct generic_bpf *generic_open(void)
{
	return compat ? (struct generic_bpf *)generic_compat_bpf__open() : generic_bpf__open();
}

static int use_compat(void **state)
{
	(void)state;
	compat = true;
	return 0;
}

static int use_modern(void **state)
{
	(void)state;
	compat = false;
	return 0;
}

static int on_event(void *ctx, void *data, size_t size)
{
	(void)ctx;
	(void)data;
	(void)size;
	events_seen++;
	return 0;
}

/* Loads raw_tp_hook with cfg, fills sets, runs it `times` times with args[]
 * (gap_us apart, in the same loaded object: rate-limit state persists);
 * returns the number of events it posted (-1 on a load or run error). */
static int run_cfg_n(const struct hook_cfg *cfg, const struct str_key *strs, int nstr,
		     const struct lpm_str_key *pfx, int npfx, const struct lpm_addr_key *cidr,
		     int ncidr, const __u64 args[6], int times, unsigned gap_us)
{
	struct generic_bpf *o = generic_open();
	struct bpf_program *p;
	struct ring_buffer *rb;
	__u32 zero = 0, host[NS_COUNT];
	__u8 one = 1;
	struct stat st;
	int i, rc;
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = args, .ctx_size_in = 6 * sizeof(__u64));

	if (!o)
		return -1;
	*(struct hook_cfg *)&o->rodata->cfg = *cfg;
	if (!stat("/proc/self/ns/pid", &st)) /* the pid namespace test takes the helper path */
		o->rodata->nsfs_dev = st.st_dev;
	bpf_map__set_max_entries(o->maps.hook_heap, libbpf_num_possible_cpus());
	bpf_object__for_each_program(p, o->obj)
		bpf_program__set_autoload(p, !strcmp(bpf_program__name(p), "raw_tp_hook"));
	if (generic_bpf__load(o)) {
		generic_bpf__destroy(o);
		return -1;
	}
	/* "host" here is this test's own pid namespace */
	memset(host, 0, sizeof(host));
	if (!stat("/proc/self/ns/pid", &st))
		host[NS_PID] = st.st_ino;
	bpf_map_update_elem(bpf_map__fd(o->maps.host_ns), &zero, host, BPF_ANY);
	for (i = 0; i < nstr; i++)
		bpf_map_update_elem(bpf_map__fd(o->maps.str_set), &strs[i], &one, BPF_ANY);
	for (i = 0; i < npfx; i++)
		bpf_map_update_elem(bpf_map__fd(o->maps.prefix_set), &pfx[i], &one, BPF_ANY);
	for (i = 0; i < ncidr; i++)
		bpf_map_update_elem(bpf_map__fd(o->maps.cidr_set), &cidr[i], &one, BPF_ANY);
	rb = ring_buffer__new(bpf_map__fd(o->maps.events), on_event, NULL, NULL);
	events_seen = 0;
	rc = 0;
	for (i = 0; i < times && !rc; i++) {
		if (i && gap_us)
			usleep(gap_us);
		rc = bpf_prog_test_run_opts(bpf_program__fd(o->progs.raw_tp_hook), &opts);
		ring_buffer__consume(rb);
	}
	ring_buffer__free(rb);
	generic_bpf__destroy(o);
	return rc ? -1 : events_seen;
}

static int run_cfg(const struct hook_cfg *cfg, const struct str_key *strs, int nstr,
		   const struct lpm_str_key *pfx, int npfx, const struct lpm_addr_key *cidr,
		   int ncidr, const __u64 args[6])
{
	return run_cfg_n(cfg, strs, nstr, pfx, npfx, cidr, ncidr, args, 1, 0);
}

static struct hook_cfg one_arg(__u8 kind)
{
	struct hook_cfg c = {.nargs = 1, .nsel = 1};

	c.args[0] = (struct karg_recipe){.src = KSRC_SYSCALL, .kind = kind, .index = 0,
					 .max_len = ARG_STR_MAX};
	c.sel[0].post = 1;
	c.sel[0].action = HA_POST;
	return c;
}

static struct lpm_str_key prefix_key(__u32 set, const char *s)
{
	struct lpm_str_key k = {.set_id = set};

	k.prefixlen = 32 + 8 * strlen(s);
	memcpy(k.s, s, strlen(s));
	return k;
}

static void test_string_prefix(void **state)
{
	struct hook_cfg c = one_arg(AK_STR_USER);
	struct lpm_str_key k = prefix_key(7, "/etc/sha");
	char hit[] = "/etc/shadow", miss[] = "/etc/passwd";
	__u64 a[6] = {(__u64)hit};

	(void)state;
	c.sel[0].nfilters = 1;
	c.sel[0].f[0] = (struct filter_cfg){.op = FOP_PREFIX, .arg = 0, .set_id = 7};
	assert_int_equal(run_cfg(&c, NULL, 0, &k, 1, NULL, 0, a), 1);
	a[0] = (__u64)miss;
	assert_int_equal(run_cfg(&c, NULL, 0, &k, 1, NULL, 0, a), 0);
	c.sel[0].f[0].op = FOP_NOT_PREFIX;
	assert_int_equal(run_cfg(&c, NULL, 0, &k, 1, NULL, 0, a), 1);
}

static void test_string_equal_and_second_selector(void **state)
{
	struct hook_cfg c = one_arg(AK_STR_USER);
	struct str_key k = {.set_id = 3, .len = 4};
	char s[] = "/bin", other[] = "/binx";
	__u64 a[6] = {(__u64)s};

	(void)state;
	memcpy(k.s, "/bin", 4);
	/* selector 0 never matches (pid 1 only), selector 1 matches Equal */
	c.nsel = 2;
	c.sel[0].pid_op[0] = NSOP_IN;
	c.sel[0].npids[0] = 1;
	c.sel[0].pids[0][0] = 1;
	c.sel[1] = c.sel[0];
	c.sel[1].pid_op[0] = 0;
	c.sel[1].nfilters = 1;
	c.sel[1].f[0] = (struct filter_cfg){.op = FOP_EQ, .arg = 0, .set_id = 3};
	assert_int_equal(run_cfg(&c, &k, 1, NULL, 0, NULL, 0, a), 1);
	a[0] = (__u64)other;
	assert_int_equal(run_cfg(&c, &k, 1, NULL, 0, NULL, 0, a), 0);
}

static void test_integers(void **state)
{
	struct hook_cfg c = one_arg(AK_INT);
	__u64 a[6] = {42};

	(void)state;
	c.sel[0].nfilters = 1;
	c.sel[0].f[0] = (struct filter_cfg){.op = FOP_EQ, .arg = 0, .nvals = 2, .vals = {7, 42}};
	assert_int_equal(run_cfg(&c, NULL, 0, NULL, 0, NULL, 0, a), 1);
	c.sel[0].f[0].op = FOP_NEQ;
	assert_int_equal(run_cfg(&c, NULL, 0, NULL, 0, NULL, 0, a), 0);
	c.sel[0].f[0] = (struct filter_cfg){.op = FOP_GT, .arg = 0, .nvals = 1, .vals = {41}};
	assert_int_equal(run_cfg(&c, NULL, 0, NULL, 0, NULL, 0, a), 1);
	c.sel[0].f[0].op = FOP_LT;
	assert_int_equal(run_cfg(&c, NULL, 0, NULL, 0, NULL, 0, a), 0);
	c.sel[0].f[0] = (struct filter_cfg){.op = FOP_MASK, .arg = 0, .nvals = 1, .vals = {0x8}};
	assert_int_equal(run_cfg(&c, NULL, 0, NULL, 0, NULL, 0, a), 1);
	c.sel[0].f[0] = (struct filter_cfg){.op = FOP_RANGE, .arg = 0, .nvals = 2, .vals = {40, 50}};
	assert_int_equal(run_cfg(&c, NULL, 0, NULL, 0, NULL, 0, a), 1);
	c.sel[0].f[0].op = FOP_NOT_RANGE;
	assert_int_equal(run_cfg(&c, NULL, 0, NULL, 0, NULL, 0, a), 0);
}

static void test_sockaddr_cidr_and_port(void **state)
{
	struct hook_cfg c = one_arg(AK_SOCKADDR_USER);
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(6443)};
	struct lpm_addr_key k = {.prefixlen = 32 + 8, .set_id = 9};
	__u64 a[6] = {(__u64)&sin};

	(void)state;
	inet_pton(AF_INET, "10.250.0.2", &sin.sin_addr);
	k.addr[0] = 10;
	c.sel[0].nfilters = 2;
	c.sel[0].f[0] = (struct filter_cfg){.op = FOP_DADDR, .arg = 0, .set_id = 9};
	c.sel[0].f[1] = (struct filter_cfg){.op = FOP_DPORT, .arg = 0, .nvals = 4,
					    .vals = {443, 443, 6443, 6443}};
	assert_int_equal(run_cfg(&c, NULL, 0, NULL, 0, &k, 1, a), 1);
	c.sel[0].f[0].op = FOP_NOT_DADDR; /* DaddrNotIn 10.0.0.0/8 */
	assert_int_equal(run_cfg(&c, NULL, 0, NULL, 0, &k, 1, a), 0);
	c.sel[0].f[0].op = FOP_DADDR;
	sin.sin_port = htons(8080);
	assert_int_equal(run_cfg(&c, NULL, 0, NULL, 0, &k, 1, a), 0);
}

/* An AF_UNIX sockaddr is matched by its path (an abstract name as "@name")
 * with the string operators; of the socket operators only Family holds. */
static void test_sockaddr_unix_path(void **state)
{
	struct hook_cfg c = one_arg(AK_SOCKADDR_USER);
	struct sockaddr_un sun = {.sun_family = AF_UNIX, .sun_path = "/run/docker.sock"};
	struct lpm_str_key k[2] = {prefix_key(11, "/run/docker"), prefix_key(11, "@tracer-")};
	__u64 a[6] = {(__u64)&sun};

	(void)state;
	c.sel[0].nfilters = 1;
	c.sel[0].f[0] = (struct filter_cfg){.op = FOP_PREFIX, .arg = 0, .set_id = 11};
	assert_int_equal(run_cfg(&c, NULL, 0, k, 2, NULL, 0, a), 1);
	memcpy(sun.sun_path, "\0tracer-test", 13); /* abstract */
	assert_int_equal(run_cfg(&c, NULL, 0, k, 2, NULL, 0, a), 1);
	memcpy(sun.sun_path, "/run/other.sock", 16);
	assert_int_equal(run_cfg(&c, NULL, 0, k, 2, NULL, 0, a), 0);
	c.sel[0].f[0] = (struct filter_cfg){.op = FOP_FAMILY, .arg = 0, .nvals = 1, .vals = {AF_UNIX}};
	assert_int_equal(run_cfg(&c, NULL, 0, NULL, 0, NULL, 0, a), 1);
	c.sel[0].f[0] = (struct filter_cfg){.op = FOP_DPORT, .arg = 0, .nvals = 2, .vals = {0, 65535}};
	assert_int_equal(run_cfg(&c, NULL, 0, NULL, 0, NULL, 0, a), 0);
}

static void test_namespaces_host(void **state)
{
	struct hook_cfg c = one_arg(AK_INT);
	__u64 a[6] = {1};

	(void)state;
	c.sel[0].ns_used = 1;
	c.sel[0].ns_op[NS_PID] = NSOP_IN;
	c.sel[0].ns_nval[NS_PID] = 2;
	c.sel[0].ns_val[NS_PID][0] = 12345; /* a literal inode, then host_ns */
	assert_int_equal(run_cfg(&c, NULL, 0, NULL, 0, NULL, 0, a), 1);
	c.sel[0].ns_op[NS_PID] = NSOP_NOT_IN;
	assert_int_equal(run_cfg(&c, NULL, 0, NULL, 0, NULL, 0, a), 0);
	c.sel[0].ns_nval[NS_PID] = 1; /* NotIn 12345 only */
	assert_int_equal(run_cfg(&c, NULL, 0, NULL, 0, NULL, 0, a), 1);
}

static void test_capabilities(void **state)
{
	struct hook_cfg c = one_arg(AK_INT);
	__u64 a[6] = {1};

	(void)state;
	c.sel[0].cap_op = NSOP_IN; /* root has CAP_SYS_ADMIN (21) effective */
	c.sel[0].cap_mask = 1ull << 21;
	assert_int_equal(run_cfg(&c, NULL, 0, NULL, 0, NULL, 0, a), 1);
	c.sel[0].cap_op = NSOP_NOT_IN;
	assert_int_equal(run_cfg(&c, NULL, 0, NULL, 0, NULL, 0, a), 0);
	c.sel[0].cap_set = 1; /* inheritable is empty */
	assert_int_equal(run_cfg(&c, NULL, 0, NULL, 0, NULL, 0, a), 1);
}

static void test_nopost(void **state)
{
	struct hook_cfg c = one_arg(AK_INT);
	__u64 a[6] = {1};

	(void)state;
	c.sel[0].post = 0;
	assert_int_equal(run_cfg(&c, NULL, 0, NULL, 0, NULL, 0, a), 0);
	c.nsel = 0; /* no selectors: everything posts */
	assert_int_equal(run_cfg(&c, NULL, 0, NULL, 0, NULL, 0, a), 1);
}

/* rateLimit: one event per (hook, selector, process) per rate_ms; without
 * it every run posts, and once the window has passed the next run posts. */
static void test_rate_limit(void **state)
{
	struct hook_cfg c = one_arg(AK_INT);
	__u64 a[6] = {1};

	(void)state;
	assert_int_equal(run_cfg_n(&c, NULL, 0, NULL, 0, NULL, 0, a, 4, 0), 4);
	c.sel[0].rate_ms = 60000;
	assert_int_equal(run_cfg_n(&c, NULL, 0, NULL, 0, NULL, 0, a, 4, 0), 1);
	c.sel[0].rate_ms = 20;
	assert_int_equal(run_cfg_n(&c, NULL, 0, NULL, 0, NULL, 0, a, 3, 60000), 3);
}

/* Every program with every argument kind and filter kind must pass the
 * verifier: rodata prunes what a config does not use, so each is loaded
 * with configs that use all of it. */
static void test_every_program_verifies(void **state)
{
	static const char *const progs[] = {"sys_enter_hook", "sys_exit_hook", "sock_state_hook",
					    "kprobe_hook", "kretprobe_hook", "uprobe_hook",
					    "raw_tp_hook"};
	static const __u8 kinds[] = {AK_INT, AK_STR_USER, AK_STR_KERNEL, AK_PATH_USER, AK_FILE,
				     AK_PATH, AK_FD, AK_SOCK, AK_SOCKADDR_USER, AK_CRED,
				     AK_BUF_USER, AK_BINPRM, AK_SOCKET, AK_SOCKADDR, AK_BUF_KERNEL,
				     AK_DENTRY, AK_SKB, AK_UINT};
	size_t pi, k;
	int s, f;

	(void)state;
	for (pi = 0; pi < sizeof(progs) / sizeof(progs[0]); pi++) {
		for (k = 0; k < sizeof(kinds); k += 3) {
			struct hook_cfg c = {.nargs = 5, .nsel = 5, .need_exit = 1, .has_ret = 1,
					     .sock_state = 2, .syscall_regs = pi == 3,
					     .args_at_exit = (k / 3) & 1, .ret_nonneg = 1};
			struct generic_bpf *o = generic_open();
			struct bpf_program *p;

			assert_non_null(o);
			for (s = 0; s < 5; s++) {
				c.args[s] = (struct karg_recipe){
					.src = s == 4 ? KSRC_RET_FD : KSRC_SYSCALL,
					.kind = s == 4 ? AK_FILE : kinds[(k + s) % sizeof(kinds)],
					.index = s, .size_index = 2, .max_len = 1024};
				c.sel[s] = (struct selector_cfg){.nfilters = 5, .post = 1,
					.action = HA_SIGNAL, .rate_ms = 10, .bin_op = NSOP_IN,
					.pbin_op = NSOP_NOT_IN, .pid_op = {NSOP_IN, NSOP_NOT_IN},
					.npids = {2, 4}, .pid_ns = {1, 0}, .ns_used = 1,
					.cap_op = NSOP_IN, .cap_set = s % 3, .cap_mask = 5};
				c.sel[s].ns_nval[s] = 4;
				c.sel[s].ns_nval[s + 5] = 2;
				c.sel[s].ns_op[s] = NSOP_IN;
				c.sel[s].ns_op[s + 5] = NSOP_NOT_IN;
				for (f = 0; f < 5; f++)
					c.sel[s].f[f] = (struct filter_cfg){
						.op = 1 + (s * 5 + f + k) % (FOP_OP_MAX - 1),
						.arg = f == 4 ? FILTER_ARG_RET : f, .nvals = 8,
						.set_id = f & 1};
				c.sc_nr[s] = 2;
				c.sc_fname[s] = 1;
			}
			*(struct hook_cfg *)&o->rodata->cfg = c;
			bpf_map__set_max_entries(o->maps.hook_heap, libbpf_num_possible_cpus());
			bpf_object__for_each_program(p, o->obj)
				bpf_program__set_autoload(p, !strcmp(bpf_program__name(p), progs[pi]));
			if (generic_bpf__load(o))
				fail_msg("%s does not pass the verifier with kinds from %zu", progs[pi], k);
			generic_bpf__destroy(o);
		}
	}
}

/* fentry, fexit, fmod_ret and BPF LSM need an attach target at load; the
 * kernel either verifies them (stock kernels: they must pass) or refuses
 * the program type with EPERM before verifying (this project's
 * development kernel): never EINVAL, a verifier refusal. */
static void test_trampolines_verify(void **state)
{
	static const struct { const char *prog, *target; __u8 nargs; } t[] = {
		{"fentry_hook", "security_file_open", 1}, {"fexit_hook", "security_file_open", 1},
		{"fmod_ret_hook", "security_file_open", 1}, {"lsm_hook", "file_open", 1},
		{"fentry_hook", SYSCALL_SYM("openat"), 1},
	};
	struct bpf_program *p;
	size_t i;
	int k, rc;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		for (k = 0; k < 3; k++) {
			struct hook_cfg c = one_arg(k == 0 ? AK_FILE : k == 1 ? AK_PATH_USER : AK_SKB);
			struct generic_bpf *o = generic_open();

			assert_non_null(o);
			c.fn_nargs = t[i].nargs;
			c.ret_int = 1;
			c.syscall_regs = !strncmp(t[i].target, SYSCALL_SYM(""), strlen(SYSCALL_SYM("")));
			c.args[0].src = KSRC_SYSCALL;
			c.sel[0].action = HA_OVERRIDE;
			c.sel[0].override_ret = -13;
			*(struct hook_cfg *)&o->rodata->cfg = c;
			bpf_map__set_max_entries(o->maps.hook_heap, libbpf_num_possible_cpus());
			bpf_object__for_each_program(p, o->obj)
				bpf_program__set_autoload(p, !strcmp(bpf_program__name(p), t[i].prog));
			p = bpf_object__find_program_by_name(o->obj, t[i].prog);
			assert_int_equal(bpf_program__set_attach_target(p, 0, t[i].target), 0);
			rc = generic_bpf__load(o);
			if (rc && rc != -EPERM)
				fail_msg("%s on %s (kind %d): the verifier refused it (%d)", t[i].prog,
					 t[i].target, k, rc);
			generic_bpf__destroy(o);
		}
	}
}

/* The always-loaded process object: every program through the verifier. */
static void test_process_object_verifies(void **state)
{
	(void)state;
	if (compat) {
		struct process_compat_bpf *o = process_compat_bpf__open_and_load();

		assert_non_null(o);
		process_compat_bpf__destroy(o);
	} else {
		struct process_bpf *o = process_bpf__open_and_load();

		assert_non_null(o);
		process_bpf__destroy(o);
	}
}

/* The same with relay tracking on: its exec code, exit deletes and the
 * inet_sock_set_state program (dead code while track_relay is false). */
static void test_process_relay_verifies(void **state)
{
	(void)state;
	if (compat) {
		struct process_compat_bpf *o = process_compat_bpf__open();

		assert_non_null(o);
		o->rodata->track_relay = true;
		assert_int_equal(process_compat_bpf__load(o), 0);
		process_compat_bpf__destroy(o);
	} else {
		struct process_bpf *o = process_bpf__open();

		assert_non_null(o);
		o->rodata->track_relay = true;
		assert_int_equal(process_bpf__load(o), 0);
		process_bpf__destroy(o);
	}
}

static int quiet(enum libbpf_print_level l, const char *f, va_list ap)
{
	(void)l;
	(void)f;
	(void)ap;
	return 0;
}

#define ALL_TESTS(V)                                                                         \
	V(test_string_prefix), V(test_string_equal_and_second_selector), V(test_integers),  \
	V(test_sockaddr_cidr_and_port), V(test_sockaddr_unix_path), V(test_namespaces_host), \
	V(test_capabilities), V(test_nopost), V(test_rate_limit),                           \
	V(test_every_program_verifies), V(test_trampolines_verify),                         \
	V(test_process_object_verifies), V(test_process_relay_verifies)

int main(void)
{
#define BOTH(t) cmocka_unit_test_setup(t, use_modern), cmocka_unit_test_setup(t, use_compat)
#define COMPAT(t) cmocka_unit_test_setup(t, use_compat)
	const struct CMUnitTest tests[] = {ALL_TESTS(BOTH)};
	/* before 5.17 (no bpf_loop) the loader runs the compat objects only */
	const struct CMUnitTest compat_tests[] = {ALL_TESTS(COMPAT)};

	if (geteuid() != 0) {
		fprintf(stderr, "SKIP: test_bpf_selectors loads BPF programs and needs root\n");
		return 77; /* meson: SKIP */
	}
	if (!getenv("TRACER_TEST_VERBOSE"))
		libbpf_set_print(quiet);
	if (libbpf_probe_bpf_helper(BPF_PROG_TYPE_RAW_TRACEPOINT, BPF_FUNC_loop, NULL) != 1)
		return cmocka_run_group_tests(compat_tests, NULL, NULL);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
