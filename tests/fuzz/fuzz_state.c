// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* fuzz_state.c - libFuzzer target: one input becomes every runtime's state
 * file (docker, containerd, CRI-O/podman userdata, podman's lists) under a
 * private root, and a container of each runtime is looked up through the
 * same code the live tracer runs (output/container.c, output/jsonr.c). */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output/events/container.h"

#define ID "3b1f5c0e9d8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c"

static const char *const files[] = {
	"var/lib/docker/containers/" ID "/config.v2.json",
	"run/containerd/io.containerd.runtime.v2.task/k8s.io/" ID "/config.json",
	"var/lib/containers/storage/overlay-containers/" ID "/userdata/config.json",
	"var/lib/containers/storage/overlay-containers/containers.json",
	"run/containers/storage/overlay-containers/volatile-containers.json",
};

static const char *const cgroups[] = {
	"/system.slice/docker-" ID ".scope",
	"/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod"
	"3f2a1b4c_5d6e_4f70_8a9b_0c1d2e3f4a5b.slice/cri-containerd-" ID ".scope",
	"/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod"
	"3f2a1b4c_5d6e_4f70_8a9b_0c1d2e3f4a5b.slice/crio-" ID ".scope",
	"/machine.slice/libpod-" ID ".scope",
};

static char root[64];

/* mkdir -p of the file's directory under root. */
static void make_dirs(const char *rel)
{
	char path[512];
	char *p;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (p = path + strlen(root) + 1; (p = strchr(p, '/')); p++) {
		*p = 0;
		mkdir(path, 0700);
		*p = '/';
	}
}

static void put(const char *rel, const uint8_t *data, size_t size)
{
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		abort();
	if (size && write(fd, data, size) != (ssize_t)size)
		abort();
	close(fd);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	size_t i;

	(void)argc;
	(void)argv;
	snprintf(root, sizeof(root), "/tmp/fuzz-state-%d", (int)getpid());
	mkdir(root, 0700);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		make_dirs(files[i]);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct container_opts o = {.root = root, .max_containers = 8};
	struct container_cache *c;
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		put(files[i], data, size);
	c = container_cache_new(&o);
	if (!c)
		return 0;
	for (i = 0; i < sizeof(cgroups) / sizeof(cgroups[0]); i++) {
		const struct container_info *ci = container_lookup(c, cgroups[i]);

		/* every string the formatters print must be terminated */
		if (ci && (strlen(ci->name) >= sizeof(ci->name) ||
			   strlen(ci->image) >= sizeof(ci->image) ||
			   strlen(container_compact_name(ci)) > 4096))
			abort();
	}
	container_cache_free(c);
	return 0;
}
