/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* test_policy_oom.c - out of memory is an error like any other in policy/:
 * calloc, malloc, realloc and strdup are wrapped at link time
 * (-Wl,--wrap=..., this executable only) and the Nth call fails, for N
 * from 1 until a run no longer reaches the Nth call. A run is what --check
 * does on each seed policy (policy/examples/) and on a policy built from
 * flags and a preset: finish, plan, compile, print. Every injected failure
 * must end in -1 with "out of memory" in the message, never a crash, and
 * (under tests/sanitize) never a leak. */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "policy/flags.h"
#include "policy/plan.h"

static long fail_at;	/* 0: no failure injected */
static long calls;	/* allocations since fail_at was set */
static bool injected;

void *__real_calloc(size_t n, size_t size);
void *__real_malloc(size_t size);
void *__real_realloc(void *p, size_t size);
char *__real_strdup(const char *s);

static bool fail_now(void)
{
	if (!fail_at || ++calls != fail_at)
		return false;
	injected = true;
	errno = ENOMEM;
	return true;
}

void *__wrap_calloc(size_t n, size_t size)
{
	return fail_now() ? NULL : __real_calloc(n, size);
}

void *__wrap_malloc(size_t size)
{
	return fail_now() ? NULL : __real_malloc(size);
}

void *__wrap_realloc(void *p, size_t size)
{
	return fail_now() ? NULL : __real_realloc(p, size);
}

char *__wrap_strdup(const char *s)
{
	return fail_now() ? NULL : __real_strdup(s);
}

/* Fail the nth allocation from now on (0: none); whether one failed
 * stays in injected until the next arm(n). */
static void arm(long n)
{
	fail_at = n;
	calls = 0;
	if (n)
		injected = false;
}

/* A kernel that offers everything: every hook plans, on kprobes. */
static bool any_func(const struct kernel_features *kf, const char *name)
{
	(void)kf;
	(void)name;
	return true;
}

static int any_tp(const struct kernel_features *kf, const char *subsys, const char *event)
{
	(void)kf;
	(void)subsys;
	(void)event;
	return 1;
}

static void full_kernel(struct kernel_features *kf)
{
	int i;

	memset(kf, 0, sizeof(*kf));
	for (i = 0; i < F_COUNT; i++)
		kf->f[i] = FEAT_YES;
	kf->fake = true;
	kf->has_func = any_func;
	kf->has_btf_tp = any_func;
	kf->has_tp = any_tp;
}

/* What policy_check_main() runs, on the fake kernel, the report to out. */
static int check_run(struct policy_opts *o, FILE *out, struct diag *d)
{
	struct kernel_features kf;
	struct policy_set *ps;
	int rc;

	memset(d, 0, sizeof(*d));
	if (policy_opts_finish(o, &ps, d))
		return -1;
	full_kernel(&kf);
	rc = policy_check_set(ps, &kf, o->monitor, o->rungs, out, d);
	if (rc >= 0)
		rc = policy_print_yaml(out, ps) ? 1 : rc;
	policy_set_free(ps);
	return rc;
}

/* Fail the 1st, 2nd, ... allocation of the run until it completes; returns
 * how many failures were injected. */
static long fail_each(struct policy_opts *o, const char *what)
{
	FILE *out = fopen("/dev/null", "w");
	struct diag d;
	long n;
	int rc;

	assert_non_null(out);
	rc = check_run(o, out, &d);	/* it runs at all */
	if (rc)
		fprintf(stderr, "%s: %s\n", what, d.msg);
	assert_int_equal(rc, 0);
	for (n = 1;; n++) {
		arm(n);
		rc = check_run(o, out, &d);
		arm(0);
		if (!injected)
			break;
		if (rc != -1 || !strstr(d.msg, "out of memory")) {
			fprintf(stderr, "%s: allocation %ld failed: rc %d, \"%s\"\n", what, n, rc,
				d.msg);
			fail();
		}
	}
	assert_int_equal(rc, 0);
	fclose(out);
	return n - 1;
}

static void test_set_new(void **state)
{
	struct policy_set *ps;
	long n;

	(void)state;
	for (n = 1; n <= 2; n++) {
		arm(n);
		ps = policy_set_new();
		arm(0);
		assert_null(ps);
	}
}

static void test_seed_policies(void **state)
{
	char path[1024];
	struct dirent **ents;
	long total = 0;
	int i, n, files = 0;

	(void)state;
	n = scandir(POLICY_EXAMPLES_DIR, &ents, NULL, alphasort);
	assert_true(n > 0);
	for (i = 0; i < n; i++) {
		struct policy_opts o = { 0 };
		size_t l = strlen(ents[i]->d_name);

		if (l > 5 && !strcmp(ents[i]->d_name + l - 5, ".yaml")) {
			snprintf(path, sizeof(path), "%s/%s", POLICY_EXAMPLES_DIR, ents[i]->d_name);
			o.paths[o.npaths++] = path;
			total += fail_each(&o, ents[i]->d_name);
			files++;
		}
		free(ents[i]);
	}
	free(ents);
	assert_true(files > 0);
	printf("seed policies: %d files, %ld allocation failures, each an error\n", files, total);
}

static void test_flags_and_preset(void **state)
{
	struct policy_opts o = { 0 };

	(void)state;
	o.presets[o.npresets++] = "reverse-shell";
	o.events = EVF_CONNECT | EVF_OPEN | EVF_DUP | EVF_MOUNT;
	o.daddrs[o.ndaddrs++] = "10.0.0.0/8";
	o.dports[o.ndports++] = "443";
	o.prefixes[o.nprefixes++] = "/etc/";
	o.binaries[o.nbinaries++] = "/bin/sh";	/* expanded where /bin is a link */
	o.pids[o.npids++] = 42;
	o.container = true;
	printf("flags and a preset: %ld allocation failures, each an error\n",
	       fail_each(&o, "flags"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set_new),
		cmocka_unit_test(test_seed_policies),
		cmocka_unit_test(test_flags_and_preset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
