/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* true.c - the tiny static binary the exec workload runs. */
int main(void)
{
	return 0;
}
