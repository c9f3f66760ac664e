/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* fuzz_policy.c - libFuzzer target: any bytes through the YAML reader, validation and printer. */
#include <stdint.h>
#include <stdio.h>

#include "policy/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct policy_set *ps = policy_set_new();
	struct diag d = { .errors = 0 };
	FILE *null;

	if (!ps)
		return 0;
	if (!policy_load_buffer(ps, "fuzz.yaml", data, size, &d)) {
		null = fopen("/dev/null", "w");
		if (null) {
			policy_print_yaml(null, ps);
			fclose(null);
		}
	}
	policy_set_free(ps);
	return 0;
}
