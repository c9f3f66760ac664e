/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* test_policy_bad.c - every tests/policy/bad/X.yaml is refused with exactly the line in X.expect. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tests/unit/testutil.h"

#include "policy/policy.h"

static int check_one(const char *dir, const char *name)
{
	char path[1024], exp_path[1024], *text, *want;
	struct policy_set *ps = policy_set_new();
	struct diag d = { .errors = 0 };
	size_t len, wlen;
	int ok;

	assert_non_null(ps);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(exp_path, sizeof(exp_path), "%s/%.*s.expect", dir, (int)strlen(name) - 5, name);
	text = slurp(path, &len);
	want = slurp(exp_path, &wlen);
	assert_non_null(text);
	if (!want) {
		fprintf(stderr, "missing %s\n", exp_path);
		return 0;
	}
	if (wlen && want[wlen - 1] == '\n')
		want[wlen - 1] = 0;
	policy_load_buffer(ps, name, (unsigned char *)text, len, &d);
	ok = d.errors && !strcmp(d.msg, want);
	if (!ok)
		fprintf(stderr, "%s:\n  want: %s\n  got:  %s\n", name, want,
			d.errors ? d.msg : "(accepted)");
	free(text);
	free(want);
	policy_set_free(ps);
	return ok;
}

static void test_bad_corpus(void **state)
{
	const char *dir = POLICY_TEST_DIR "/bad";
	struct dirent **ents;
	int i, n, good = 0, total = 0;

	(void)state;
	n = scandir(dir, &ents, NULL, alphasort);
	assert_true(n > 0);
	for (i = 0; i < n; i++) {
		size_t l = strlen(ents[i]->d_name);

		if (l > 5 && !strcmp(ents[i]->d_name + l - 5, ".yaml")) {
			total++;
			good += check_one(dir, ents[i]->d_name);
		}
		free(ents[i]);
	}
	free(ents);
	assert_true(total >= 40);
	assert_int_equal(good, total);
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(test_bad_corpus) };

	return cmocka_run_group_tests(tests, NULL, NULL);
}
