// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* emptyload.c - loads empty.bpf.o and attaches the chosen hook groups:
 *
 *   emptyload OBJ GROUP...     GROUP: sched | open | connect
 *
 * Prints "emptyload: attached N programs" on stderr once every program is
 * attached, then waits for SIGINT/SIGTERM. */
#include <bpf/libbpf.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_sig(int s)
{
	(void)s;
	stop = 1;
}

static int wanted(const char *name, int argc, char **argv)
{
	int i;

	for (i = 2; i < argc; i++) {
		size_t n = strlen(argv[i]);

		if (!strncmp(name, argv[i], n) && name[n] == '_')
			return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct bpf_link *links[64];
	struct bpf_object *obj;
	struct bpf_program *p;
	int n = 0, i;

	if (argc < 3) {
		fprintf(stderr, "usage: emptyload OBJ sched|open|connect...\n");
		return 2;
	}
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj) {
		perror("emptyload: open");
		return 1;
	}
	bpf_object__for_each_program(p, obj)
		bpf_program__set_autoload(p, wanted(bpf_program__name(p), argc, argv));
	if (bpf_object__load(obj)) {
		perror("emptyload: load");
		return 1;
	}
	bpf_object__for_each_program(p, obj) {
		if (!bpf_program__autoload(p))
			continue;
		links[n] = bpf_program__attach(p);
		if (!links[n]) {
			fprintf(stderr, "emptyload: attach %s failed\n", bpf_program__name(p));
			return 1;
		}
		n++;
	}
	signal(SIGINT, on_sig);
	signal(SIGTERM, on_sig);
	fprintf(stderr, "emptyload: attached %d programs\n", n);
	while (!stop)
		pause();
	for (i = 0; i < n; i++)
		bpf_link__destroy(links[i]);
	bpf_object__close(obj);
	return 0;
}
