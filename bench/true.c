/* true.c - the tiny static binary the exec workload runs. */
int main(void)
{
	return 0;
}
