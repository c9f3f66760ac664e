/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* test_policy.c - unit tests of the policy parser, model, values, flags and YAML printer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "policy/flags.h"
#include "policy/policy.h"

static struct policy_set *load(const char *text, struct diag *d)
{
	struct policy_set *ps = policy_set_new();

	assert_non_null(ps);
	memset(d, 0, sizeof(*d));
	policy_load_buffer(ps, "t.yaml", (const unsigned char *)text, strlen(text), d);
	return ps;
}

#define HEAD "apiVersion: cilium.io/v1alpha1\nkind: TracingPolicy\nmetadata:\n  name: t\nspec:\n"

static void test_seed_like(void **state)
{
	const char *y = HEAD
		"  kprobes:\n"
		"  - call: \"tcp_connect\"\n"
		"    syscall: false\n"
		"    args:\n"
		"    - index: 0\n"
		"      type: \"sock\"\n"
		"    selectors:\n"
		"    - matchArgs:\n"
		"      - index: 0\n"
		"        operator: \"DaddrNotIn\"\n"
		"        values: [\"10.0.0.0/8\", \"::1/128\"]\n"
		"      - index: 0\n"
		"        operator: \"DportIn\"\n"
		"        values: [\"443\", \"6000:7000\"]\n"
		"      matchNamespaces:\n"
		"      - namespace: Pid\n"
		"        operator: NotIn\n"
		"        values: [host_ns, \"4026531836\"]\n"
		"      matchActions:\n"
		"      - action: Post\n"
		"        rateLimit: 1m\n";
	struct diag d;
	struct policy_set *ps = load(y, &d);
	struct pol_hook *h;
	struct pol_selector *s;

	(void)state;
	assert_int_equal(d.errors, 0);
	assert_int_equal(ps->npols, 1);
	h = &ps->pols[0]->hooks[0];
	assert_string_equal(h->call, "tcp_connect");
	assert_false(h->syscall);
	assert_int_equal(h->pos.line, 7);
	assert_int_equal(h->pos.col, 5);
	s = &h->sel[0];
	assert_int_equal(s->nm, 3);
	assert_int_equal(s->m[0].op, OP_NOT_DADDR);
	assert_int_equal(s->m[0].vals[0].kind, VK_CIDR);
	assert_int_equal(s->m[0].vals[0].cidr.prefix, 8);
	assert_int_equal(s->m[0].vals[1].cidr.family, 6);
	assert_int_equal(s->m[1].op, OP_DPORT);
	assert_int_equal(s->m[1].vals[1].kind, VK_RANGE);
	assert_int_equal(s->m[1].vals[1].range.hi, 7000);
	assert_int_equal(s->m[2].ns, NS_T_PID);
	assert_int_equal(s->m[2].vals[0].kind, VK_HOST_NS);
	assert_int_equal(s->m[2].vals[1].u, 4026531836u);
	assert_int_equal(s->act[0].rate_limit_ms, 60000);
	policy_set_free(ps);
}

static void test_syscall_default_true(void **state)
{
	struct diag d;
	struct policy_set *ps = load(HEAD "  kprobes:\n  - call: sys_dup2\n", &d);

	(void)state;
	assert_int_equal(d.errors, 0);
	assert_true(ps->pols[0]->hooks[0].syscall);
	policy_set_free(ps);
}

static void test_did_you_mean(void **state)
{
	struct diag d;
	struct policy_set *ps = load(HEAD "  kprobes:\n  - call: x\n    syscal: true\n", &d);

	(void)state;
	assert_string_equal(d.msg, "t.yaml:8:5: unknown kprobe field \"syscal\" (did you mean \"syscall\"?)");
	policy_set_free(ps);
	assert_string_equal(diag_suggest("Prefx", (const char *const[]){ "Prefix", "Postfix" }, 2),
			    "Prefix");
	assert_null(diag_suggest("zzzzzz", (const char *const[]){ "Prefix" }, 1));
}

static void test_multi_doc_and_lists(void **state)
{
	const char *y = HEAD "  kprobes:\n  - call: sys_dup\n---\n"
		"apiVersion: cilium.io/v1alpha1\nkind: TracingPolicyNamespaced\n"
		"metadata:\n  name: u\n  namespace: prod\nspec:\n"
		"  lists:\n  - name: dups\n    type: syscalls\n    values: [sys_dup, sys_dup2]\n"
		"  kprobes:\n  - call: \"list:dups\"\n";
	struct diag d;
	struct policy_set *ps = load(y, &d);

	(void)state;
	assert_int_equal(d.errors, 0);
	assert_int_equal(ps->npols, 2);
	assert_int_equal(ps->pols[1]->kind, POLICY_NAMESPACED);
	assert_string_equal(ps->pols[1]->k8s_namespace, "prod");
	assert_int_equal(ps->pols[1]->nhooks, 2);
	assert_string_equal(ps->pols[1]->hooks[1].call, "sys_dup2");
	assert_string_equal(ps->pols[1]->hooks[1].from_list, "dups");
	policy_set_free(ps);
}

static void test_values(void **state)
{
	struct pol_value v = { 0 };

	(void)state;
	assert_int_equal(parse_cidr("127.0.0.1/8", &v), 0);
	assert_int_equal(v.cidr.prefix, 8);
	assert_int_equal(parse_cidr("127.0.0.1/33", &v), -1);
	assert_int_equal(parse_cidr("fe80::/10", &v), 0);
	assert_int_equal(parse_cidr("1.2.3/8", &v), -1);
	assert_int_equal(cap_lookup("cap_sys_admin"), 21);
	assert_int_equal(op_lookup("GreaterThan"), OP_GT);
	assert_int_equal(op_lookup("NotDport"), OP_NOT_DPORT);
	assert_int_equal(op_lookup("Prefx"), -1);
}

static void test_nul_in_string(void **state)
{
	const char *y = HEAD "  kprobes:\n  - call: f\n    syscall: false\n"
		"    args:\n    - index: 0\n      type: string\n"
		"    selectors:\n    - matchArgs:\n      - index: 0\n"
		"        operator: Equal\n        values: [\"a\\0\"]\n";
	struct diag d;
	struct policy_set *ps = load(y, &d);

	(void)state;
	assert_int_equal(d.errors, 0);
	assert_int_equal(ps->pols[0]->hooks[0].sel[0].m[0].vals[0].len, 2);
	policy_set_free(ps);
}

static void test_no_crash_on_garbage(void **state)
{
	static const char *const inputs[] = {
		"", "---\n", "[", "a: *x\n", "&a [*a]\n", "- - - -\n", "kind: 5\n",
		"\xff\xfe", "apiVersion: [1]\n", HEAD "  kprobes: {}\n", HEAD "  kprobes: [[]]\n",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		struct diag d;
		struct policy_set *ps = load(inputs[i], &d);

		assert_true(d.errors > 0);
		assert_non_null(strstr(d.msg, "t.yaml"));
		policy_set_free(ps);
	}
}

static char *print_to_string(struct policy_set *ps)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	policy_print_yaml(f, ps);
	fclose(f);
	return buf;
}

static void test_flags_roundtrip(void **state)
{
	struct policy_opts o = { 0 };
	struct policy_set *ps, *ps2;
	struct diag d = { 0 };
	char *a, *b;

	(void)state;
	o.events = EVF_CONNECT | EVF_OPEN | EVF_DUP | EVF_MOUNT;
	o.daddrs[o.ndaddrs++] = "10.0.0.0/8";
	o.dports[o.ndports++] = "443";
	o.prefixes[o.nprefixes++] = "/etc/";
	o.binaries[o.nbinaries++] = "/usr/bin/curl";
	o.pids[o.npids++] = 42;
	o.container = true;
	assert_int_equal(policy_opts_finish(&o, &ps, &d), 0);
	assert_int_equal(ps->pols[0]->nhooks, 5);
	a = print_to_string(ps);
	ps2 = policy_set_new();
	assert_non_null(ps2);
	assert_int_equal(policy_load_buffer(ps2, "p.yaml", (unsigned char *)a, strlen(a), &d), 0);
	b = print_to_string(ps2);
	assert_string_equal(a, b);
	free(a);
	free(b);
	policy_set_free(ps);
	policy_set_free(ps2);
}

static void test_flags_errors(void **state)
{
	struct policy_opts o = { 0 };
	struct policy_set *ps;
	struct diag d = { 0 };

	(void)state;
	o.events = EVF_DUP;
	o.daddrs[o.ndaddrs++] = "10.0.0.0/8";
	assert_int_equal(policy_opts_finish(&o, &ps, &d), -1);
	assert_null(ps);
	assert_string_equal(d.msg, "--daddr: applies to -e connect, which is not selected");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed_like),
		cmocka_unit_test(test_syscall_default_true),
		cmocka_unit_test(test_did_you_mean),
		cmocka_unit_test(test_multi_doc_and_lists),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_nul_in_string),
		cmocka_unit_test(test_no_crash_on_garbage),
		cmocka_unit_test(test_flags_roundtrip),
		cmocka_unit_test(test_flags_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
