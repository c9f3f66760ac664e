/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* test_policy_golden.c - --check and --print-policy text of tests/policy/golden/NAME.yaml against goldens
 * (through policy_check_set(): the plan and the compile stage, as --check),
 * planned on a fixed fake kernel (this project's test machine: no kprobes, no fentry/LSM, tp_btf yes).
 * UPDATE_GOLDEN=1 rewrites the .check and .print files that differ, and the test
 * still fails so that an overwrite never looks green. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tests/unit/testutil.h"

#include "policy/flags.h"
#include "policy/ladder.h"
#include "policy/plan.h"

#define DIR_ POLICY_TEST_DIR "/golden"

static bool fake_func(const struct kernel_features *kf, const char *name)
{
	(void)kf;
	return strncmp(name, "missing", 7) != 0;
}

static bool fake_btf_tp(const struct kernel_features *kf, const char *event)
{
	static const char *const tps[] = {
		"sys_enter", "sys_exit", "inet_sock_set_state", "sched_process_exec",
		"sched_process_exit",
	};
	size_t i;

	(void)kf;
	for (i = 0; i < sizeof(tps) / sizeof(tps[0]); i++)
		if (!strcmp(tps[i], event))
			return true;
	return false;
}

static int fake_tp(const struct kernel_features *kf, const char *subsys, const char *event)
{
	(void)kf;
	(void)event;
	return !strcmp(subsys, "syscalls") || !strcmp(subsys, "sched") ||
	       !strcmp(subsys, "raw_syscalls") || !strcmp(subsys, "sock");
}

static bool fake_field(const struct kernel_features *kf, const char *event, unsigned idx,
		       char *name, size_t n)
{
	(void)kf;
	if (strcmp(event, "sys_enter") || idx < 4 || idx > 5)
		return false;
	snprintf(name, n, "%s", idx == 4 ? "id" : "args");
	return true;
}

static void fake_kernel(struct kernel_features *kf)
{
	static const enum feat_state st[F_COUNT] = {
		[F_BTF] = FEAT_YES, [F_KPROBE_LOAD] = FEAT_YES, [F_KPROBE_ATTACH] = FEAT_NO,
		[F_OVERRIDE] = FEAT_YES, [F_FENTRY] = FEAT_NO, [F_FEXIT] = FEAT_NO,
		[F_LSM] = FEAT_NO, [F_TP_BTF] = FEAT_YES, [F_RAW_TP] = FEAT_YES,
		[F_TRACEPOINT] = FEAT_YES, [F_TRACEFS] = FEAT_YES, [F_UPROBE] = FEAT_YES,
		[F_FMOD_RET] = FEAT_NO, [F_TASK_PT_REGS] = FEAT_YES, [F_BPF_LOOP] = FEAT_YES,
	};
	int i;

	memset(kf, 0, sizeof(*kf));
	for (i = 0; i < F_COUNT; i++) {
		kf->f[i] = st[i];
		snprintf(kf->why[i], sizeof(kf->why[i]), "%s", st[i] == FEAT_YES ? "yes" :
			 i == F_KPROBE_ATTACH ? "no kprobe PMU (CONFIG_KPROBES off)" :
			 "load refused (EPERM)");
	}
	kf->fake = true;
	kf->has_func = fake_func;
	kf->has_btf_tp = fake_btf_tp;
	kf->has_tp = fake_tp;
	kf->tp_field = fake_field;
}

static int compare(const char *path, const char *got)
{
	size_t len;
	char *want;
	int ok;
	FILE *f;

	want = slurp(path, &len);
	ok = want && !strcmp(want, got);
	/* UPDATE_GOLDEN=1 rewrites a golden that differs, and it still counts
	 * as a failure: review the diff and run again without it. */
	if (!ok && getenv("UPDATE_GOLDEN")) {
		f = fopen(path, "w");
		fputs(got, f);
		fclose(f);
		fprintf(stderr, "golden rewritten (UPDATE_GOLDEN): %s\n", path);
	} else if (!ok) {
		fprintf(stderr, "golden mismatch: %s\n--- got:\n%s", path, got);
	}
	free(want);
	return ok;
}

/* Every syscall list in --check text ("syscalls:sys_exit_{open openat ...}")
 * is closed on its line and names only real syscalls: a list cut by a short
 * buffer ("... accept accept4 soc") fails here even if a golden recorded it. */
static int lists_whole(const char *name, const char *text)
{
	const char *p = text, *q, *end;
	char word[64];
	int ok = 1;

	while ((p = strstr(p, "syscalls:sys_"))) {
		end = p + strcspn(p, "\n");
		q = p + strcspn(p, " {\n");
		if (*q != '{') { /* a single syscall: sys_enter_NAME */
			p = q;
			continue;
		}
		for (q++; q < end && *q != '}';) {
			size_t n = strcspn(q, " }\n");

			snprintf(word, sizeof(word), "%.*s", (int)n, q);
			if (q + n >= end) {
				fprintf(stderr, "%s: syscall list not closed, cut at \"%s\"\n", name, word);
				ok = 0;
				break;
			}
			if (syscall_nr(word) < 0) {
				fprintf(stderr, "%s: \"%s\" in a syscall list is no syscall\n", name, word);
				ok = 0;
			}
			q += n + (q[n] == ' ');
		}
		p = end;
	}
	return ok;
}

/* Render the --check text (or the refusal) and the --print-policy text of one file. */
static int golden_one(const char *name, const struct kernel_features *kf)
{
	char path[1024], *text, *chk = NULL, *prt = NULL;
	struct policy_set *ps = policy_set_new();
	struct diag d = { .errors = 0 };
	size_t len, cl = 0, pl_len = 0;
	FILE *c = open_memstream(&chk, &cl), *p = open_memstream(&prt, &pl_len);
	int ok, i;

	assert_non_null(ps);
	snprintf(path, sizeof(path), "%s/%s", DIR_, name);
	text = slurp(path, &len);
	if (policy_load_buffer(ps, name, (unsigned char *)text, len, &d) == 0) {
		for (i = 0; i < ps->npols; i++)
			assert_int_equal(policy_expand_binaries(ps, ps->pols[i],
								POLICY_TEST_DIR "/root", &d), 0);
		policy_print_yaml(p, ps);
		/* exactly what --check runs: plan, compile, print */
		if (policy_check_set(ps, kf, false, 0, c, &d) < 0)
			fprintf(c, "refused: %s\n", d.msg);
	} else {
		fprintf(c, "error: %s\n", d.msg);
	}
	fclose(c);
	fclose(p);
	snprintf(path, sizeof(path), "%s/%.*s.check", DIR_, (int)strlen(name) - 5, name);
	ok = lists_whole(name, chk);
	ok &= compare(path, chk);
	snprintf(path, sizeof(path), "%s/%.*s.print", DIR_, (int)strlen(name) - 5, name);
	ok &= compare(path, prt);
	policy_set_free(ps);
	free(text);
	free(chk);
	free(prt);
	return ok;
}

static void test_golden(void **state)
{
	struct kernel_features kf;
	struct dirent **ents;
	int i, n, good = 0, total = 0;

	(void)state;
	fake_kernel(&kf);
	n = scandir(DIR_, &ents, NULL, alphasort);
	assert_true(n > 0);
	for (i = 0; i < n; i++) {
		size_t l = strlen(ents[i]->d_name);

		if (l > 5 && !strcmp(ents[i]->d_name + l - 5, ".yaml")) {
			total++;
			good += golden_one(ents[i]->d_name, &kf);
		}
		free(ents[i]);
	}
	free(ents);
	assert_true(total > 0);
	assert_int_equal(good, total);
}

/* The printed YAML of every golden parses back to the same text. */
static void test_print_roundtrip(void **state)
{
	char path[1024], *text, *a = NULL, *b = NULL;
	struct dirent **ents;
	size_t len, al, bl;
	int i, n;

	(void)state;
	n = scandir(DIR_, &ents, NULL, alphasort);
	for (i = 0; i < n; i++) {
		struct policy_set *ps = policy_set_new(), *ps2 = policy_set_new();
		struct diag d = { .errors = 0 };
		size_t l = strlen(ents[i]->d_name);
		FILE *f;

		assert_true(ps && ps2);
		if (l > 5 && !strcmp(ents[i]->d_name + l - 5, ".yaml")) {
			snprintf(path, sizeof(path), "%s/%s", DIR_, ents[i]->d_name);
			text = slurp(path, &len);
			if (!policy_load_buffer(ps, "a.yaml", (unsigned char *)text, len, &d)) {
				f = open_memstream(&a, &al);
				policy_print_yaml(f, ps);
				fclose(f);
				assert_int_equal(policy_load_buffer(ps2, "b.yaml", (unsigned char *)a, al, &d), 0);
				f = open_memstream(&b, &bl);
				policy_print_yaml(f, ps2);
				fclose(f);
				assert_string_equal(a, b);
				free(a);
				free(b);
			}
			free(text);
		}
		policy_set_free(ps);
		policy_set_free(ps2);
		free(ents[i]);
	}
	free(ents);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden),
		cmocka_unit_test(test_print_roundtrip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
