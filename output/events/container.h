/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* container.h - container identity from a cgroup path, names from runtime state.
 *
 * A process's cgroup path (cgroup v2, or the name=systemd / a v1 hierarchy
 * when v2 has nothing) tells which container it runs in: docker, containerd
 * (CRI and nerdctl), CRI-O and podman each name the container's cgroup after
 * its 64-hex id, and Kubernetes names the pod's after its UID. The names
 * (container, image, pod, namespace) come from the runtime's own state
 * files, read once per container id and cached; a file that is missing,
 * unreadable or malformed leaves the id alone, never an error.
 *
 * Ids are exactly 64 lowercase hex digits: every runtime above writes the
 * full id into the cgroup name, so a shorter or upper-case hex word is
 * never taken for a container. A bare id (no runtime prefix) counts only
 * under a "docker" cgroup or a Kubernetes "pod<uid>" cgroup. The innermost
 * container component of a path wins (docker-in-docker, kind nodes, systemd
 * sub-cgroups such as .../libpod-<id>.scope/container or .../init.scope).
 * A cache is not thread-safe: one per thread, or a lock around it.
 */
#ifndef TRACER_OUTPUT_CONTAINER_H
#define TRACER_OUTPUT_CONTAINER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CT_ID_LEN 64
#define CT_FILE_MAX (4u << 20) /* state files larger than this are ignored */

enum ct_runtime {
	CT_RT_NONE,
	CT_RT_DOCKER,
	CT_RT_CONTAINERD,
	CT_RT_CRIO,
	CT_RT_PODMAN,
};

#define CT_F_STATE 0x1	 /* names were read from the runtime's state */
#define CT_F_SANDBOX 0x2 /* the pod's sandbox (pause/infra) container */
#define CT_F_NOTED 0x4	 /* written to the capture file already */

/* What output prints for a container process. Strings are NUL-terminated,
 * "" when unknown; they are valid UTF-8 but otherwise as the runtime wrote
 * them (untrusted: the formatters escape them). A value that does not fit
 * its field is dropped, never cut. */
struct container_info {
	char id[CT_ID_LEN + 1]; /* 64 lowercase hex digits */
	char runtime[16];	/* "docker", "containerd", "crio", "podman" */
	char pod_uid[37];	/* Kubernetes pod UID (8-4-4-4-12, or 32 hex) */
	char name[256];		/* container name */
	char image[512];	/* image reference, e.g. docker.io/library/nginx:1.27 */
	char image_id[128];	/* image id/digest when the runtime records it */
	char pod_name[254];	/* Kubernetes object names are <= 253 bytes */
	char pod_namespace[64]; /* DNS labels are <= 63 bytes */
	char label[320];	/* container_compact_name() */
	enum ct_runtime rt;
	uint32_t flags; /* CT_F_* */
};

struct container_opts {
	const char *root;	 /* prefix of every state-file path; NULL, "" or "/": none */
	uint32_t max_containers; /* ids cached with their names; 0: 1024 */
	uint32_t max_paths;	 /* cgroup paths cached; 0: 4 * max_containers */
	bool no_state;		 /* read no state file (replay: names come from the capture) */
};

struct container_stats {
	uint64_t lookups;     /* container_lookup*() calls */
	uint64_t path_misses; /* paths parsed (not cached yet) */
	uint64_t loads;	      /* containers whose state files were read */
	uint64_t found;	      /* of those, how many had readable state */
};

struct container_cache;

struct container_cache *container_cache_new(const struct container_opts *opts);
void container_cache_free(struct container_cache *c);

/* The container a cgroup path belongs to, or NULL for a host process (or
 * a NULL/empty path). A cached path costs a hash and a compare, and no
 * system call; a new container costs a few file reads, once. The result
 * stays valid until max_containers - 1 other containers have been looked
 * up (its slot may then be reused); copy it to keep it longer. path need
 * not be NUL-terminated in the _n form; a leading '/' is optional. */
const struct container_info *container_lookup(struct container_cache *c, const char *cgroup_path);
const struct container_info *container_lookup_n(struct container_cache *c, const char *path,
						size_t len);

/* Replay: the names a capture recorded for a container. From then on the
 * cache reads no state file: a capture is replayed as it was recorded,
 * whatever this host has. */
void container_cache_learn(struct container_cache *c, const struct container_info *ci);

/* Every container the cache holds (capture rotation re-annotates them). */
void container_cache_foreach(struct container_cache *c,
			     void (*fn)(void *ctx, struct container_info *ci), void *ctx);

void container_cache_stats(const struct container_cache *c, struct container_stats *st);

/* Parses a cgroup path alone (no I/O): fills id, runtime, rt, pod_uid and
 * label (the short id), and clears the rest. True for a container path. */
bool container_parse_cgroup(const char *path, size_t len, struct container_info *ci);

/* What compact output shows: the pod as "namespace/name" (as tetra), else
 * the pod name, else the container name, else the short id (12 hex
 * digits); "host" for NULL. Points into ci (or a literal): no formatting
 * per event. */
const char *container_compact_name(const struct container_info *ci);

/* "docker", "containerd", "crio", "podman"; "" for CT_RT_NONE. */
const char *container_runtime_name(enum ct_runtime rt);

#endif /* TRACER_OUTPUT_CONTAINER_H */
