/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* test_container.c - cgroup path forms, runtime state files and the JSON reader. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "output/events/container.h"
#include "output/events/jsonr.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define ID_A "3b1f5c0e9d8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c"
#define ID_B "aa11bb22cc33dd44ee55ff6600771188992200aabbccddeeff00112233445566"
#define ID_C "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define UID "3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b"
#define UID_ "3f2a1b4c_5d6e_4f70_8a9b_0c1d2e3f4a5b"
#define STATIC_UID "6a1b2c3d4e5f60718293a4b5c6d7e8f9"
#define HEX63 "3b1f5c0e9d8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2"
#define HEX65 ID_A "d"
#define UPPER "3B1F5C0E9D8A7B6C5D4E3F2A1B0C9D8E7F6A5B4C3D2E1F0A9B8C7D6E5F4A3B2C"

/* ---- cgroup path forms ---- */

struct path_case {
	const char *path;
	const char *id; /* NULL: not a container */
	const char *runtime;
	const char *pod_uid;
};

/* clang-format off */
static const struct path_case path_cases[] = {
	/* docker, systemd and cgroupfs drivers; with or without the leading '/' */
	{"/system.slice/docker-" ID_A ".scope", ID_A, "docker", ""},
	{"system.slice/docker-" ID_A ".scope", ID_A, "docker", ""},
	{"/docker/" ID_A, ID_A, "docker", ""},
	{"//docker//" ID_A "/", ID_A, "docker", ""},
	{"/user.slice/user-1000.slice/user@1000.service/docker-" ID_A ".scope", ID_A, "docker", ""},
	/* containerd / CRI, systemd driver: besteffort, burstable, guaranteed */
	{"/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" UID_
	 ".slice/cri-containerd-" ID_A ".scope",
	 ID_A, "containerd", UID},
	{"/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" UID_
	 ".slice/cri-containerd-" ID_A ".scope",
	 ID_A, "containerd", UID},
	{"/kubepods.slice/kubepods-pod" UID_ ".slice/cri-containerd-" ID_A ".scope", ID_A,
	 "containerd", UID},
	/* a static pod's UID is a 32-hex hash */
	{"/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" STATIC_UID
	 ".slice/cri-containerd-" ID_A ".scope",
	 ID_A, "containerd", STATIC_UID},
	/* containerd, cgroupfs driver (also cgroup v1): qos and guaranteed */
	{"/kubepods/besteffort/pod" UID "/" ID_A, ID_A, "", UID},
	{"/kubepods/burstable/pod" UID "/" ID_A, ID_A, "", UID},
	{"/kubepods/pod" UID "/" ID_A, ID_A, "", UID},
	/* CRI-O, systemd and cgroupfs */
	{"/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" UID_ ".slice/crio-" ID_A
	 ".scope",
	 ID_A, "crio", UID},
	{"/kubepods/burstable/pod" UID "/crio-" ID_A, ID_A, "crio", UID},
	/* podman: plain, in a pod, crun's "container" sub-cgroup */
	{"/machine.slice/libpod-" ID_A ".scope", ID_A, "podman", ""},
	{"/machine.slice/machine-libpod_pod_" ID_B ".slice/libpod-" ID_A ".scope", ID_A, "podman",
	 ""},
	{"/machine.slice/libpod-" ID_A ".scope/container", ID_A, "podman", ""},
	{"/libpod_parent/libpod-" ID_A, ID_A, "podman", ""},
	/* nerdctl (containerd without Kubernetes) */
	{"/system.slice/nerdctl-" ID_A ".scope", ID_A, "containerd", ""},
	/* nested: systemd inside the container, docker in docker, kind */
	{"/system.slice/docker-" ID_A ".scope/init.scope", ID_A, "docker", ""},
	{"/system.slice/docker-" ID_A ".scope/system.slice/nginx.service", ID_A, "docker", ""},
	{"/docker/" ID_B "/docker/" ID_A, ID_A, "docker", ""},
	{"/system.slice/docker-" ID_B ".scope/docker/" ID_A, ID_A, "docker", ""},
	{"/system.slice/docker-" ID_B ".scope/kubelet.slice/kubelet-kubepods.slice/"
	 "kubelet-kubepods-besteffort.slice/kubelet-kubepods-besteffort-pod" UID_
	 ".slice/cri-containerd-" ID_A ".scope",
	 ID_A, "containerd", UID},
	/* a systemd-style parent given to a cgroupfs-driver runtime */
	{"/system.slice/containerd.service/kubepods-burstable-pod" UID_ ".slice:cri-containerd:" ID_A,
	 ID_A, "containerd", UID},
	{"/kubepods-besteffort-pod" UID_ ".slice:crio:" ID_A, ID_A, "crio", UID},
	/* a malformed pod UID leaves the container without one */
	{"/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod123.slice/cri-containerd-" ID_A
	 ".scope",
	 ID_A, "containerd", ""},
	{"/kubepods/besteffort/pod" UID_ "/crio-" ID_A, ID_A, "crio", ""},

	/* host processes */
	{"/", NULL, NULL, NULL},
	{"", NULL, NULL, NULL},
	{"/init.scope", NULL, NULL, NULL},
	{"/user.slice/user-1000.slice/session-3.scope", NULL, NULL, NULL},
	{"/user.slice/user-1000.slice/user@1000.service/app.slice/app-gnome.scope", NULL, NULL, NULL},
	{"/system.slice/sshd.service", NULL, NULL, NULL},
	{"/system.slice/docker.service", NULL, NULL, NULL},
	{"/system.slice/containerd.service", NULL, NULL, NULL},
	{"/system.slice/crio.service", NULL, NULL, NULL},
	{"/docker", NULL, NULL, NULL},
	/* runtime helpers that are not the container */
	{"/system.slice/crio-conmon-" ID_A ".scope", NULL, NULL, NULL},
	{"/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" UID_
	 ".slice/crio-conmon-" ID_A ".scope",
	 NULL, NULL, NULL},
	{"/machine.slice/libpod-conmon-" ID_A ".scope", NULL, NULL, NULL},
	/* a pod's own cgroup, no container */
	{"/kubepods/besteffort/pod" UID, NULL, NULL, NULL},
	{"/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" UID_ ".slice", NULL, NULL,
	 NULL},
	/* hex in unrelated places */
	{"/" ID_A, NULL, NULL, NULL},
	{"/user.slice/" ID_A, NULL, NULL, NULL},
	{"/system.slice/" ID_A ".service", NULL, NULL, NULL},
	{"/system.slice/" ID_A ".scope", NULL, NULL, NULL},
	{"/foo/pod" UID "/" ID_A, NULL, NULL, NULL}, /* no kubepods above */
	{"/x.slice:foo:" ID_A, NULL, NULL, NULL},
	{"/x.slice:" ID_A, NULL, NULL, NULL},
	{"/mydocker-" ID_A ".scope", NULL, NULL, NULL},
	{"/system.slice/docker-" ID_A ".service", NULL, NULL, NULL},
	{"/system.slice/docker-" ID_A ".scopex", NULL, NULL, NULL},
	{"/system.slice/docker-" ID_A "-x.scope", NULL, NULL, NULL},
	{"/system.slice/docker-" ID_A "scope", NULL, NULL, NULL},
	/* too short, too long, upper case, not hex */
	{"/system.slice/docker-" HEX63 ".scope", NULL, NULL, NULL},
	{"/system.slice/docker-" HEX65 ".scope", NULL, NULL, NULL},
	{"/docker/3b1f5c0e9d8a", NULL, NULL, NULL},
	{"/docker/" HEX63, NULL, NULL, NULL},
	{"/docker/" HEX65, NULL, NULL, NULL},
	{"/docker/" UPPER, NULL, NULL, NULL},
	{"/system.slice/docker-" UPPER ".scope", NULL, NULL, NULL},
	{"/docker/3b1f5c0e9d8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2g", NULL, NULL, NULL},
	{"/kubepods/besteffort/pod" UID "/" HEX63, NULL, NULL, NULL},
	{"/system.slice/cri-containerd-.scope", NULL, NULL, NULL},
};
/* clang-format on */

static void test_path_forms(void **state)
{
	struct container_info ci;
	size_t i;
	bool ok;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(path_cases); i++) {
		const struct path_case *t = &path_cases[i];

		ok = container_parse_cgroup(t->path, strlen(t->path), &ci);
		if (ok != (t->id != NULL))
			fail_msg("case %zu %s: parsed as %s", i, t->path, ok ? ci.id : "host");
		if (!ok)
			continue;
		if (strcmp(ci.id, t->id) || strcmp(ci.runtime, t->runtime) ||
		    strcmp(ci.pod_uid, t->pod_uid))
			fail_msg("case %zu %s: got id=%s runtime=%s uid=%s", i, t->path, ci.id,
				 ci.runtime, ci.pod_uid);
		assert_string_equal(ci.name, "");
	}
}

static void test_path_bounds(void **state)
{
	static const char p[] = "/docker/" ID_A "\0/docker/" ID_B;
	struct container_info ci;
	char *deep;
	size_t i, n;

	(void)state;
	/* the path ends at the length given, or at a NUL */
	assert_true(container_parse_cgroup(p, sizeof(p) - 1, &ci));
	assert_string_equal(ci.id, ID_A);
	assert_false(container_parse_cgroup(p, 20, &ci));
	assert_false(container_parse_cgroup(NULL, 10, &ci));
	/* very deep paths keep their innermost components */
	n = 200 * 2 + strlen("/docker/" ID_A) + 1;
	deep = malloc(n);
	assert_non_null(deep);
	deep[0] = '\0';
	for (i = 0; i < 200; i++)
		strcat(deep, "/a");
	strcat(deep, "/docker/" ID_A);
	assert_true(container_parse_cgroup(deep, strlen(deep), &ci));
	assert_string_equal(ci.id, ID_A);
	free(deep);
}

/* ---- a temporary root with runtime state files ---- */

static char root[1024];

static void mkdirs(const char *rel)
{
	char p[PATH_MAX], *s;

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	for (s = p + strlen(root) + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		mkdir(p, 0755);
		*s = '/';
	}
	mkdir(p, 0755);
}

static void put_file(const char *rel, const void *data, size_t len)
{
	char p[PATH_MAX], dir[PATH_MAX], *slash;
	FILE *f;

	snprintf(dir, sizeof(dir), "%s", rel);
	slash = strrchr(dir, '/');
	*slash = '\0';
	mkdirs(dir);
	snprintf(p, sizeof(p), "%s/%s", root, rel);
	unlink(p);
	f = fopen(p, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

static void put_str(const char *rel, const char *s)
{
	put_file(rel, s, strlen(s));
}

static void rm_rf(const char *dir)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static int setup_root(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "%s/tracer-ct-XXXXXX", getenv("TMPDIR") ?: "/tmp");
	return mkdtemp(root) ? 0 : -1;
}

static int teardown_root(void **state)
{
	(void)state;
	rm_rf(root);
	return 0;
}

static struct container_cache *cache(uint32_t max)
{
	struct container_opts o = {.root = root, .max_containers = max};
	struct container_cache *c = container_cache_new(&o);

	assert_non_null(c);
	return c;
}

#define CD_DIR "run/containerd/io.containerd.runtime.v2.task/"
#define DK_DIR "var/lib/docker/containers/"
#define OC_DIR "var/lib/containers/storage/overlay-containers/"
#define RUN_OC_DIR "run/containers/storage/overlay-containers/"
#define K8S_CD                                                                                     \
	"/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" UID_                   \
	".slice/cri-containerd-"
#define K8S_CRIO                                                                                   \
	"/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" UID_ ".slice/crio-"

static const char cd_config[] =
    "{\"ociVersion\": \"1.1.0\", \"process\": {\"args\": [\"nginx\"]}, \"annotations\": {"
    "\"io.kubernetes.cri.container-type\": \"container\","
    "\"io.kubernetes.cri.container-name\": \"web\","
    "\"io.kubernetes.cri.image-name\": \"docker.io/library/nginx:1.27\","
    "\"io.kubernetes.cri.sandbox-name\": \"web-7d9c-x2x\","
    "\"io.kubernetes.cri.sandbox-namespace\": \"prod\","
    "\"io.kubernetes.cri.sandbox-uid\": \"" UID "\"}}";

static void test_containerd(void **state)
{
	const struct container_info *ci;
	struct container_cache *c;

	(void)state;
	mkdirs(CD_DIR "default");
	mkdirs(CD_DIR "moby/" ID_A); /* the id elsewhere, without a config */
	put_str(CD_DIR "k8s.io/" ID_A "/config.json", cd_config);
	c = cache(0);
	ci = container_lookup(c, K8S_CD ID_A ".scope");
	assert_non_null(ci);
	assert_string_equal(ci->id, ID_A);
	assert_string_equal(ci->runtime, "containerd");
	assert_string_equal(ci->pod_uid, UID);
	assert_string_equal(ci->name, "web");
	assert_string_equal(ci->image, "docker.io/library/nginx:1.27");
	assert_string_equal(ci->pod_name, "web-7d9c-x2x");
	assert_string_equal(ci->pod_namespace, "prod");
	assert_true(ci->flags & CT_F_STATE);
	assert_false(ci->flags & CT_F_SANDBOX);
	assert_string_equal(container_compact_name(ci), "prod/web-7d9c-x2x");
	container_cache_free(c);
	rm_rf(root);
	mkdir(root, 0700);
}

static void test_containerd_sandbox_and_uid(void **state)
{
	const struct container_info *ci;
	struct container_cache *c;

	(void)state;
	put_str(CD_DIR "k8s.io/" ID_B "/config.json",
		"{\"annotations\":{\"io.kubernetes.cri.container-type\":\"sandbox\","
		"\"io.kubernetes.cri.sandbox-name\":\"web-7d9c-x2x\","
		"\"io.kubernetes.cri.sandbox-namespace\":\"prod\","
		"\"io.kubernetes.cri.sandbox-uid\":\"" UID "\"}}");
	/* a state uid that disagrees with the cgroup path loses */
	put_str(CD_DIR "k8s.io/" ID_C "/config.json",
		"{\"annotations\":{\"io.kubernetes.cri.sandbox-uid\":"
		"\"11111111-2222-3333-4444-555555555555\"}}");
	c = cache(0);
	/* no pod in the path: the UID comes from the state */
	ci = container_lookup(c, "/system.slice/cri-containerd-" ID_B ".scope");
	assert_non_null(ci);
	assert_true(ci->flags & CT_F_SANDBOX);
	assert_string_equal(ci->pod_uid, UID);
	assert_string_equal(ci->name, "");
	assert_string_equal(container_compact_name(ci), "prod/web-7d9c-x2x");
	ci = container_lookup(c, K8S_CD ID_C ".scope");
	assert_string_equal(ci->pod_uid, UID);
	container_cache_free(c);
	rm_rf(root);
	mkdir(root, 0700);
}

static const char crio_config[] = "{\"annotations\": {"
				  "\"io.kubernetes.cri-o.ContainerID\": \"" ID_A "\","
				  "\"io.kubernetes.cri-o.ContainerType\": \"container\","
				  "\"io.kubernetes.container.name\": \"api\","
				  "\"io.kubernetes.pod.name\": \"api-5f6d\","
				  "\"io.kubernetes.pod.namespace\": \"shop\","
				  "\"io.kubernetes.pod.uid\": \"" UID "\","
				  "\"io.kubernetes.cri-o.ImageName\": \"quay.io/shop/api:2\","
				  "\"io.kubernetes.cri-o.ImageRef\": \"sha256:" ID_C "\"}}";

static void test_crio(void **state)
{
	const struct container_info *ci;
	struct container_cache *c;
	char cfg[sizeof(crio_config)];

	(void)state;
	put_str(OC_DIR ID_A "/userdata/config.json", crio_config);
	/* in the run root only */
	snprintf(cfg, sizeof(cfg), "%s", crio_config);
	memcpy(strstr(cfg, ID_A), ID_B, 64);
	put_str(RUN_OC_DIR ID_B "/userdata/config.json", cfg);
	/* the file names another container: ignored */
	put_str(OC_DIR ID_C "/userdata/config.json", crio_config);
	c = cache(0);
	ci = container_lookup(c, K8S_CRIO ID_A ".scope");
	assert_non_null(ci);
	assert_string_equal(ci->runtime, "crio");
	assert_string_equal(ci->name, "api");
	assert_string_equal(ci->pod_name, "api-5f6d");
	assert_string_equal(ci->pod_namespace, "shop");
	assert_string_equal(ci->image, "quay.io/shop/api:2");
	assert_string_equal(ci->image_id, "sha256:" ID_C);
	assert_string_equal(container_compact_name(ci), "shop/api-5f6d");
	ci = container_lookup(c, "/kubepods/burstable/pod" UID "/crio-" ID_B);
	assert_string_equal(ci->name, "api");
	ci = container_lookup(c, K8S_CRIO ID_C ".scope");
	assert_false(ci->flags & CT_F_STATE);
	assert_string_equal(ci->name, "");
	assert_string_equal(container_compact_name(ci), "0123456789ab");
	container_cache_free(c);
	rm_rf(root);
	mkdir(root, 0700);
}

static void test_docker(void **state)
{
	const struct container_info *ci;
	struct container_cache *c;

	(void)state;
	put_str(DK_DIR ID_A "/config.v2.json",
		"{\"StreamConfig\":{},\"State\":{\"Running\":true,\"Pid\":4242},\"ID\":\"" ID_A
		"\",\"Name\":\"/billing-db\",\"Config\":{\"Hostname\":\"3b1f5c0e9d8a\","
		"\"Image\":\"postgres:16\",\"Labels\":{}},\"Image\":\"sha256:" ID_C "\"}");
	/* dockershim: Kubernetes names in the labels */
	put_str(DK_DIR ID_B "/config.v2.json",
		"{\"ID\":\"" ID_B "\",\"Name\":\"/k8s_web_web-7d9c-x2x_prod_" UID "_0\","
		"\"Config\":{\"Image\":\"nginx:1.27\",\"Labels\":{"
		"\"io.kubernetes.container.name\":\"web\","
		"\"io.kubernetes.docker.type\":\"container\","
		"\"io.kubernetes.pod.name\":\"web-7d9c-x2x\","
		"\"io.kubernetes.pod.namespace\":\"prod\","
		"\"io.kubernetes.pod.uid\":\"" UID "\"}}}");
	/* the file is another container's */
	put_str(DK_DIR ID_C "/config.v2.json", "{\"ID\":\"" ID_A "\",\"Name\":\"/impostor\"}");
	c = cache(0);
	ci = container_lookup(c, "/system.slice/docker-" ID_A ".scope");
	assert_non_null(ci);
	assert_string_equal(ci->runtime, "docker");
	assert_string_equal(ci->name, "billing-db");
	assert_string_equal(ci->image, "postgres:16");
	assert_string_equal(ci->image_id, "sha256:" ID_C);
	assert_string_equal(ci->pod_uid, "");
	assert_string_equal(container_compact_name(ci), "billing-db");
	ci = container_lookup(c, "/docker/" ID_B);
	assert_string_equal(ci->name, "web");
	assert_string_equal(ci->pod_uid, UID);
	assert_string_equal(container_compact_name(ci), "prod/web-7d9c-x2x");
	ci = container_lookup(c, "/docker/" ID_C);
	assert_string_equal(ci->name, "");
	assert_false(ci->flags & CT_F_STATE);
	container_cache_free(c);
	rm_rf(root);
	mkdir(root, 0700);
}

static void test_podman(void **state)
{
	const struct container_info *ci;
	struct container_cache *c;

	(void)state;
	put_str(OC_DIR ID_A "/userdata/config.json",
		"{\"ociVersion\":\"1.0.0\",\"annotations\":{\"io.container.manager\":\"libpod\","
		"\"io.podman.annotations.autoremove\":\"FALSE\"}}");
	put_str(OC_DIR "containers.json",
		"[{\"id\":\"" ID_C "\",\"names\":[\"other\"]},"
		"{\"id\":\"" ID_A "\",\"names\":[\"redis-cache\"],\"image\":\"" ID_C "\","
		"\"layer\":\"" ID_B "\",\"metadata\":\"{\\\"image-name\\\":"
		"\\\"docker.io/library/redis:7\\\",\\\"image-id\\\":\\\"" ID_C "\\\","
		"\\\"name\\\":\\\"redis-cache\\\",\\\"created-at\\\":1700000000}\","
		"\"created\":\"2026-01-01T00:00:00Z\"}]");
	/* --rm containers live in volatile-containers.json */
	put_str(RUN_OC_DIR "volatile-containers.json",
		"[{\"id\":\"" ID_B "\",\"names\":[],\"metadata\":\"{\\\"name\\\":\\\"tmp-job\\\","
		"\\\"image-name\\\":\\\"alpine\\\"}\"}]");
	c = cache(0);
	ci = container_lookup(c, "/machine.slice/libpod-" ID_A ".scope/container");
	assert_non_null(ci);
	assert_string_equal(ci->runtime, "podman");
	assert_string_equal(ci->name, "redis-cache");
	assert_string_equal(ci->image, "docker.io/library/redis:7");
	assert_string_equal(ci->image_id, ID_C);
	assert_string_equal(container_compact_name(ci), "redis-cache");
	ci = container_lookup(c, "/machine.slice/libpod-" ID_B ".scope");
	assert_string_equal(ci->name, "tmp-job");
	assert_string_equal(ci->image, "alpine");
	container_cache_free(c);
	rm_rf(root);
	mkdir(root, 0700);
}

/* A bare id under a pod (cgroupfs driver): the runtime is whichever has it. */
static void test_bare_id_runtime(void **state)
{
	const struct container_info *ci;
	struct container_cache *c;

	(void)state;
	put_str(CD_DIR "k8s.io/" ID_A "/config.json", cd_config);
	put_str(DK_DIR ID_B "/config.v2.json", "{\"ID\":\"" ID_B "\",\"Name\":\"/x\"}");
	c = cache(0);
	ci = container_lookup(c, "kubepods/besteffort/pod" UID "/" ID_A);
	assert_string_equal(ci->runtime, "containerd");
	assert_string_equal(container_compact_name(ci), "prod/web-7d9c-x2x");
	ci = container_lookup(c, "kubepods/besteffort/pod" UID "/" ID_B);
	assert_string_equal(ci->runtime, "docker");
	ci = container_lookup(c, "kubepods/besteffort/pod" UID "/" ID_C);
	assert_string_equal(ci->runtime, "");
	assert_string_equal(ci->pod_uid, UID);
	assert_string_equal(container_compact_name(ci), "0123456789ab");
	container_cache_free(c);
	rm_rf(root);
	mkdir(root, 0700);
}

/* Hostile or broken state files: the id alone, never an error. */
/* clang-format off */
static const struct {
	const char *what;
	const char *json; /* NULL: built by the test */
	bool parsed;	  /* valid JSON: CT_F_STATE set, names still empty */
} bad_docker[] = {
	{"empty", "", false},
	{"whitespace", "  \n", false},
	{"truncated", "{\"ID\":\"" ID_A "\",\"Name\":\"/billing", false},
	{"truncated after a value", "{\"ID\":\"" ID_A "\",\"Name\":\"/db\"", false},
	{"trailing garbage", "{\"Name\":\"/db\"} x", false},
	{"two documents", "{\"Name\":\"/db\"}{}", false},
	{"trailing comma", "{\"Name\":\"/db\",}", false},
	{"single quotes", "{'Name':'/db'}", false},
	{"bare word", "{\"Name\":db}", false},
	{"raw newline in a string", "{\"Name\":\"/d\nb\"}", false},
	{"bad escape", "{\"Name\":\"/d\\xb\"}", false},
	{"short unicode escape", "{\"Name\":\"/d\\u12\"}", false},
	{"invalid UTF-8", "{\"Name\":\"/d\xff\xfe\"}", false},
	{"overlong UTF-8", "{\"Name\":\"/d\xc0\xaf\"}", false},
	{"UTF-8 surrogate", "{\"Name\":\"/d\xed\xa0\x80\"}", false},
	{"BOM", "\xef\xbb\xbf{\"Name\":\"/db\"}", false},
	{"leading zero", "{\"Name\":\"/db\",\"n\":01}", false},
	{"bad number", "{\"Name\":\"/db\",\"n\":1.}", false},
	{"deep nesting", NULL, false},
	{"top-level array", "[{\"Name\":\"/db\"}]", false},
	{"top-level string", "\"/db\"", false},
	{"missing fields", "{}", true},
	{"wrong types", "{\"Name\":5,\"Config\":[\"Image\"],\"Image\":{}}", true},
	{"null values", "{\"Name\":null,\"Config\":{\"Image\":null,\"Labels\":null}}", true},
	{"labels not an object", "{\"Config\":{\"Labels\":\"io.kubernetes.pod.name\"}}", true},
	{"NUL escape", "{\"Name\":\"/d\\u0000b\"}", true},
	{"lone surrogate escape", "{\"Name\":\"/d\\ud800b\"}", true},
	{"reversed surrogates", "{\"Name\":\"/d\\udc00\\ud800\"}", true},
	{"empty name", "{\"Name\":\"\"}", true},
	{"huge name", NULL, true},
	{"binary junk", NULL, false},
	{"NUL bytes", NULL, false},
};
/* clang-format on */

static char *bad_doc(size_t i, size_t *len)
{
	const char *what = bad_docker[i].what;
	size_t n, k;
	char *s;

	if (bad_docker[i].json) {
		*len = strlen(bad_docker[i].json);
		return strdup(bad_docker[i].json);
	}
	if (!strcmp(what, "deep nesting")) {
		n = 100000;
		s = malloc(2 * n + 32);
		for (k = 0; k < n; k++)
			s[k] = '[';
		for (k = 0; k < n; k++)
			s[n + k] = ']';
		*len = 2 * n;
		return s;
	}
	if (!strcmp(what, "huge name")) {
		n = 1 << 20;
		s = malloc(n + 32);
		strcpy(s, "{\"Name\":\"/");
		memset(s + 10, 'a', n);
		strcpy(s + 10 + n, "\"}");
		*len = strlen(s);
		return s;
	}
	n = 4096;
	s = malloc(n);
	srand(7);
	for (k = 0; k < n; k++)
		s[k] = (char)(rand() & 0xff);
	if (!strcmp(what, "NUL bytes"))
		memcpy(s, "{\"Name\":\"/db\"}\0\0\0", 17);
	*len = n;
	return s;
}

static void test_bad_state_files(void **state)
{
	const struct container_info *ci;
	struct container_cache *c;
	char *doc;
	size_t i, len;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad_docker); i++) {
		doc = bad_doc(i, &len);
		put_file(DK_DIR ID_A "/config.v2.json", doc, len);
		free(doc);
		c = cache(0);
		ci = container_lookup(c, "/docker/" ID_A);
		if (!ci || strcmp(ci->id, ID_A) || ci->name[0] || ci->image[0] ||
		    strcmp(container_compact_name(ci), "3b1f5c0e9d8a") ||
		    !!(ci->flags & CT_F_STATE) != bad_docker[i].parsed)
			fail_msg("%s: name=%s flags=%x", bad_docker[i].what, ci ? ci->name : "-",
				 ci ? ci->flags : 0);
		container_cache_free(c);
	}
	rm_rf(root);
	mkdir(root, 0700);
}

/* Not regular files, too large, unreadable: skipped without blocking. */
static void test_bad_file_kinds(void **state)
{
	const struct container_info *ci;
	struct container_cache *c;
	char p[PATH_MAX + 256];
	int fd;

	(void)state;
	/* a FIFO must not hang the reader */
	mkdirs(DK_DIR ID_A);
	snprintf(p, sizeof(p), "%s/" DK_DIR ID_A "/config.v2.json", root);
	assert_int_equal(mkfifo(p, 0600), 0);
	/* a directory */
	mkdirs(DK_DIR ID_B "/config.v2.json");
	/* larger than CT_FILE_MAX (sparse) */
	put_str(DK_DIR ID_C "/config.v2.json", "{\"Name\":\"/big\"}");
	snprintf(p, sizeof(p), "%s/" DK_DIR ID_C "/config.v2.json", root);
	fd = open(p, O_WRONLY);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, CT_FILE_MAX + 1), 0);
	close(fd);
	c = cache(0);
	ci = container_lookup(c, "/docker/" ID_A);
	assert_string_equal(container_compact_name(ci), "3b1f5c0e9d8a");
	ci = container_lookup(c, "/docker/" ID_B);
	assert_string_equal(container_compact_name(ci), "aa11bb22cc33");
	ci = container_lookup(c, "/docker/" ID_C);
	assert_string_equal(container_compact_name(ci), "0123456789ab");
	assert_false(ci->flags & CT_F_STATE);
	container_cache_free(c);
	/* a symlink to a device */
	rm_rf(root);
	mkdir(root, 0700);
	mkdirs(DK_DIR ID_A);
	snprintf(p, sizeof(p), "%s/" DK_DIR ID_A "/config.v2.json", root);
	assert_int_equal(symlink("/dev/zero", p), 0);
	c = cache(0);
	ci = container_lookup(c, "/docker/" ID_A);
	assert_false(ci->flags & CT_F_STATE);
	container_cache_free(c);
	/* Issue 14.13: a symlink to a good state file elsewhere is planted,
	 * never followed (before: followed, and opened before any check) */
	rm_rf(root);
	mkdir(root, 0700);
	mkdirs(DK_DIR ID_A);
	put_str("x/elsewhere.json", "{\"Name\":\"/planted\"}");
	snprintf(p, sizeof(p), "%s/" DK_DIR ID_A "/config.v2.json", root);
	assert_int_equal(symlink("../../../../../x/elsewhere.json", p), 0);
	c = cache(0);
	ci = container_lookup(c, "/docker/" ID_A);
	assert_false(ci->flags & CT_F_STATE);
	assert_string_equal(ci->name, "");
	container_cache_free(c);
	rm_rf(root);
	mkdir(root, 0700);
}

/* Hostile podman lists: bad metadata inside a good list. */
static void test_bad_podman_list(void **state)
{
	const struct container_info *ci;
	struct container_cache *c;

	(void)state;
	put_str(OC_DIR "containers.json",
		"[{\"id\":\"" ID_A "\",\"names\":\"notalist\",\"metadata\":\"{not json\"},"
		"{\"id\":\"" ID_B "\",\"names\":[5],\"metadata\":7},"
		"{\"id\":\"" ID_C "\",\"names\":[\"ok\"],\"metadata\":\"[[[[[[[[[[[[[[[[[[[[[[[[[["
		"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]\"}]");
	c = cache(0);
	ci = container_lookup(c, "/machine.slice/libpod-" ID_A ".scope");
	assert_string_equal(ci->name, "");
	assert_true(ci->flags & CT_F_STATE);
	ci = container_lookup(c, "/machine.slice/libpod-" ID_B ".scope");
	assert_string_equal(ci->name, "");
	ci = container_lookup(c, "/machine.slice/libpod-" ID_C ".scope");
	assert_string_equal(ci->name, "ok");
	assert_string_equal(ci->image, "");
	container_cache_free(c);
	rm_rf(root);
	mkdir(root, 0700);
}

/* Reads happen once per container; cached paths make no reads at all. */
static void test_cache_reads_once(void **state)
{
	const struct container_info *a, *b;
	struct container_stats st;
	struct container_cache *c;
	char rel[PATH_MAX];
	int i;

	(void)state;
	put_str(CD_DIR "k8s.io/" ID_A "/config.json", cd_config);
	c = cache(0);
	a = container_lookup(c, K8S_CD ID_A ".scope");
	assert_string_equal(a->name, "web");
	/* the state goes away: the cache still knows */
	snprintf(rel, sizeof(rel), "%s/" CD_DIR "k8s.io/" ID_A "/config.json", root);
	assert_int_equal(unlink(rel), 0);
	for (i = 0; i < 1000; i++) {
		b = container_lookup(c, K8S_CD ID_A ".scope");
		assert_ptr_equal(a, b);
	}
	/* another path of the same container: parsed, not read again */
	b = container_lookup(c, K8S_CD ID_A ".scope/init.scope");
	assert_ptr_equal(a, b);
	assert_null(container_lookup(c, "/system.slice/sshd.service"));
	assert_null(container_lookup(c, "system.slice/sshd.service"));
	assert_null(container_lookup(c, ""));
	assert_null(container_lookup(c, NULL));
	container_cache_stats(c, &st);
	assert_int_equal(st.loads, 1);
	assert_int_equal(st.found, 1);
	assert_int_equal(st.path_misses, 3);
	assert_int_equal(st.lookups, 1005);
	container_cache_free(c);
	rm_rf(root);
	mkdir(root, 0700);
}

/* A container seen before its runtime wrote the state: a miss is not kept
 * for good; it is read again after 1, 2, 4, ... lookups, then given up. */
static void test_state_written_late(void **state)
{
	const struct container_info *ci;
	struct container_stats st;
	struct container_cache *c;
	int i;

	(void)state;
	c = cache(0);
	ci = container_lookup(c, "/machine.slice/libpod-" ID_A ".scope");
	assert_string_equal(ci->name, "");
	put_str(RUN_OC_DIR "volatile-containers.json",
		"[{\"id\":\"" ID_A "\",\"names\":[],\"metadata\":\"{\\\"name\\\":\\\"late\\\","
		"\\\"image-name\\\":\\\"busybox\\\"}\"}]");
	ci = container_lookup(c, "/machine.slice/libpod-" ID_A ".scope");
	assert_string_equal(ci->name, "late");
	assert_string_equal(ci->image, "busybox");
	/* a container whose state never appears: read at most 13 times */
	for (i = 0; i < 20000; i++)
		ci = container_lookup(c, "/machine.slice/libpod-" ID_B ".scope");
	assert_string_equal(ci->name, "");
	container_cache_stats(c, &st);
	assert_int_equal(st.loads, 2 + 1 + 12);
	container_cache_free(c);
	rm_rf(root);
	mkdir(root, 0700);
}

/* Bounded: past max_containers the least recently used is evicted, and a
 * cached path whose container slot was reused finds its own again. */
static void test_cache_eviction(void **state)
{
	const struct container_info *a, *b, *x;
	struct container_stats st;
	struct container_cache *c;
	char path[128];
	int i;

	(void)state;
	c = cache(2);
	a = container_lookup(c, "/docker/" ID_A);
	b = container_lookup(c, "/docker/" ID_B);
	assert_ptr_not_equal(a, b);
	x = container_lookup(c, "/docker/" ID_C); /* evicts A; reuses its slot */
	assert_ptr_equal(x, a);
	assert_string_equal(x->id, ID_C);
	a = container_lookup(c, "/docker/" ID_A); /* cached path, stale slot */
	assert_string_equal(a->id, ID_A);
	container_cache_stats(c, &st);
	assert_int_equal(st.loads, 4);
	/* many paths, bounded memory */
	for (i = 0; i < 20000; i++) {
		snprintf(path, sizeof(path), "/system.slice/unit-%d.service", i);
		assert_null(container_lookup(c, path));
	}
	assert_string_equal(container_lookup(c, "/docker/" ID_A)->id, ID_A);
	container_cache_free(c);
}

static void test_root_prefix(void **state)
{
	struct container_opts o = {0};
	const struct container_info *ci;
	struct container_cache *c;
	char r[PATH_MAX + 2];

	(void)state;
	put_str(DK_DIR ID_A "/config.v2.json", "{\"Name\":\"/db\"}");
	snprintf(r, sizeof(r), "%s//", root);
	o.root = r;
	c = container_cache_new(&o);
	ci = container_lookup(c, "/docker/" ID_A);
	assert_string_equal(ci->name, "db");
	container_cache_free(c);
	/* no prefix: the real / (nothing there for this id) */
	c = container_cache_new(NULL);
	assert_non_null(c);
	ci = container_lookup(c, "/docker/" ID_A);
	assert_string_equal(ci->name, "");
	container_cache_free(c);
	rm_rf(root);
	mkdir(root, 0700);
}

static void test_compact_name(void **state)
{
	struct container_info ci;

	(void)state;
	assert_string_equal(container_compact_name(NULL), "host");
	assert_true(container_parse_cgroup("/docker/" ID_A, 72, &ci));
	assert_string_equal(container_compact_name(&ci), "3b1f5c0e9d8a");
}

/* ---- the JSON reader ---- */

static const char *const jsonr_good[] = {
	    "0",
	    "-0",
	    "-0.5e+10",
	    "1E3",
	    "true",
	    "null",
	    "\"\"",
	    "[]",
	    "{}",
	    " [1, 2.5, \"x\", {\"a\": [true, false, null]}] ",
	    "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\"",
	    "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"",
};

static const char *const jsonr_bad[] = {
	    "",
	    " ",
	    "01",
	    "1.",
	    ".5",
	    "-",
	    "1e",
	    "+1",
	    "tru",
	    "nul",
	    "[1,]",
	    "[,1]",
	    "{\"a\"}",
	    "{\"a\":}",
	    "{a:1}",
	    "{\"a\":1,}",
	    "[1 2]",
	    "\"abc",
	    "\"\\a\"",
	    "\"\\u00g0\"",
	    "\"\x01\"",
	    "[1]]",
	    "\xf4\x90\x80\x80",
	    "\"\xf4\x90\x80\x80\"",
	    "\"\xe0\x80\xaf\"",
	    "NaN",
	    "Infinity",
};

/* The grammar: every good text parses, every bad one is refused. */
static void test_jsonr_grammar(void **state)
{
	struct jr_val v;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(jsonr_good); i++)
		if (jr_parse(jsonr_good[i], strlen(jsonr_good[i]), 0, &v))
			fail_msg("rejected %s", jsonr_good[i]);
	for (i = 0; i < ARRAY_SIZE(jsonr_bad); i++)
		if (!jr_parse(jsonr_bad[i], strlen(jsonr_bad[i]), 0, &v))
			fail_msg("accepted %s", jsonr_bad[i]);
	/* depth: 3 accepted at max 3, refused at 2 */
	assert_int_equal(jr_parse("[[[]]]", 6, 3, &v), 0);
	assert_int_equal(jr_parse("[[[]]]", 6, 2, &v), -E2BIG);
}

/* Strings decoded, members, paths, arrays, duplicate and escaped keys. */
static void test_jsonr_values(void **state)
{
	static const char doc[] = "{\"a\":{\"b\":[1,\"x\",{}]},\"a\":2,\"k\\u0065y\":\"v\"}";
	struct jr_val v, w;
	struct jr_iter it = {0};
	char buf[64];
	int n;

	(void)state;
	assert_int_equal(jr_parse(jsonr_good[10], strlen(jsonr_good[10]), 0, &v), 0);
	n = jr_str(v, buf, sizeof(buf));
	assert_int_equal(n, 14);
	assert_memory_equal(buf, "\"\\/\b\f\n\r\t\xc3\xa9\xf0\x9f\x98\x80", 15);
	assert_int_equal(jr_str(v, buf, 10), -E2BIG);
	assert_string_equal(buf, "");
	/* members, paths, arrays, duplicate keys, escaped keys */
	assert_int_equal(jr_parse(doc, strlen(doc), 0, &v), 0);
	assert_true(jr_getp(v, &w, "a", "b", NULL));
	assert_int_equal(jr_type(w), JR_ARR);
	assert_true(jr_next(w, &it, &v) && jr_type(v) == JR_NUM);
	assert_true(jr_next(w, &it, &v) && jr_str_eq(v, "x"));
	assert_true(jr_next(w, &it, &v) && jr_type(v) == JR_OBJ);
	assert_false(jr_next(w, &it, &v));
	assert_int_equal(jr_parse(doc, strlen(doc), 0, &v), 0);
	assert_true(jr_get(v, "a", &w));
	assert_int_equal(jr_type(w), JR_OBJ); /* the first "a" */
	assert_true(jr_get(v, "key", &w));
	assert_true(jr_str_eq(w, "v"));
	assert_false(jr_get(v, "nope", &w));
	assert_false(jr_get(w, "x", &w)); /* not an object */
	assert_int_equal(jr_str(w, buf, sizeof(buf)), 1);
	it.p = NULL;
	assert_int_equal(jr_parse("[]", 2, 0, &v), 0);
	assert_false(jr_next(v, &it, &w));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_path_forms),
	    cmocka_unit_test(test_path_bounds),
	    cmocka_unit_test(test_compact_name),
	    cmocka_unit_test(test_jsonr_grammar),
	    cmocka_unit_test(test_jsonr_values),
	    cmocka_unit_test(test_containerd),
	    cmocka_unit_test(test_containerd_sandbox_and_uid),
	    cmocka_unit_test(test_crio),
	    cmocka_unit_test(test_docker),
	    cmocka_unit_test(test_podman),
	    cmocka_unit_test(test_state_written_late),
	    cmocka_unit_test(test_bare_id_runtime),
	    cmocka_unit_test(test_bad_state_files),
	    cmocka_unit_test(test_bad_file_kinds),
	    cmocka_unit_test(test_bad_podman_list),
	    cmocka_unit_test(test_cache_reads_once),
	    cmocka_unit_test(test_cache_eviction),
	    cmocka_unit_test(test_root_prefix),
	};

	return cmocka_run_group_tests(tests, setup_root, teardown_root);
}
