/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* container.c - cgroup path -> container id and pod UID; runtime state -> names.
 *
 * Two bounded LRU tables: cgroup paths (hash of the path string -> a
 * container slot, or "host") and containers (id -> struct container_info).
 * A path slot remembers the generation of the container slot it points at,
 * so a container evicted (and its slot reused) is noticed and looked up
 * again from the path, which is kept. Slots live in fixed arrays: nothing
 * returned ever points into freed memory.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output/events/container.h"
#include "output/events/jsonr.h"

#define MAX_COMPS 64	  /* path components kept (the innermost ones) */
#define PATH_KEY_MAX 4096 /* longer paths are parsed but not cached */
#define MAX_NAMESPACES 64 /* containerd namespaces searched */

/* ---- cgroup path parsing (no I/O) ---- */

struct comp {
	const char *s;
	size_t n;
};

/* clang-format off */
static const struct {
	const char *prefix; /* "<prefix><id>" or "<prefix><id>.scope" */
	enum ct_runtime rt;
} scope_forms[] = {
	{"docker-", CT_RT_DOCKER},
	{"cri-containerd-", CT_RT_CONTAINERD},
	{"crio-", CT_RT_CRIO}, /* crio-conmon-<id>: not hex, so not a container */
	{"libpod-", CT_RT_PODMAN}, /* libpod-conmon-<id> likewise */
	{"nerdctl-", CT_RT_CONTAINERD},
};
/* clang-format on */

/* "<parent slice>:<runtime>:<id>": a systemd-style parent given to a
 * runtime that uses the cgroupfs driver. */
/* clang-format off */
static const struct {
	const char *name;
	enum ct_runtime rt;
} colon_forms[] = {
	{"cri-containerd", CT_RT_CONTAINERD},
	{"crio", CT_RT_CRIO},
	{"docker", CT_RT_DOCKER},
};
/* clang-format on */

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static bool comp_is(struct comp c, const char *s)
{
	return c.n == strlen(s) && !memcmp(c.s, s, c.n);
}

static bool comp_starts(struct comp c, const char *s)
{
	size_t n = strlen(s);

	return c.n >= n && !memcmp(c.s, s, n);
}

static bool comp_ends(struct comp c, const char *s)
{
	size_t n = strlen(s);

	return c.n >= n && !memcmp(c.s + c.n - n, s, n);
}

static bool comp_has(struct comp c, const char *s)
{
	return memmem(c.s, c.n, s, strlen(s)) != NULL;
}

static bool is_hex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

static bool is_id(const char *s, size_t n)
{
	return n == CT_ID_LEN && is_hex(s, n);
}

/* A pod UID written with sep for '-' (8-4-4-4-12 hex), or a static pod's
 * 32-hex hash; copied to out with dashes. */
static bool take_uid(const char *s, size_t n, char sep, char out[37])
{
	char tmp[37];
	size_t i;

	if (n == 32 && is_hex(s, n)) {
		memcpy(out, s, n);
		out[n] = '\0';
		return true;
	}
	if (n != 36)
		return false;
	for (i = 0; i < n; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? s[i] != sep : !is_hex(s + i, 1))
			return false;
		tmp[i] = dash ? '-' : s[i];
	}
	memcpy(out, tmp, n);
	out[n] = '\0';
	return true;
}

/* systemd driver: "kubepods-<qos>-pod<uid with _>.slice" (any prefix that
 * names kubepods, e.g. kubelet-kubepods-...). */
static bool pod_systemd(struct comp c, char out[37])
{
	const char *p, *last = NULL;

	if (!comp_ends(c, ".slice") || !comp_has(c, "kubepods"))
		return false;
	c.n -= 6;
	for (p = c.s; (p = memmem(p, c.n - (size_t)(p - c.s), "-pod", 4)); p++)
		last = p;
	if (!last)
		return false;
	last += 4;
	return take_uid(last, c.n - (size_t)(last - c.s), '_', out);
}

/* cgroupfs driver: "pod<uid>" below a "kubepods" cgroup. */
static bool pod_cgroupfs(const struct comp *v, size_t j, char out[37])
{
	size_t k;

	if (!comp_starts(v[j], "pod") || !take_uid(v[j].s + 3, v[j].n - 3, '-', out))
		return false;
	for (k = 0; k < j; k++)
		if (comp_starts(v[k], "kubepods"))
			return true;
	out[0] = '\0';
	return false;
}

static bool find_pod(const struct comp *v, size_t i, char out[37])
{
	size_t j = i + 1;

	while (j-- > 0)
		if (pod_systemd(v[j], out) || pod_cgroupfs(v, j, out))
			return true;
	return false;
}

static bool scope_form(struct comp c, struct container_info *ci)
{
	size_t i, plen, rest;

	for (i = 0; i < ARRAY_SIZE(scope_forms); i++) {
		if (!comp_starts(c, scope_forms[i].prefix))
			continue;
		plen = strlen(scope_forms[i].prefix);
		rest = c.n - plen;
		if (rest == CT_ID_LEN + 6 && comp_ends(c, ".scope"))
			rest = CT_ID_LEN;
		if (!is_id(c.s + plen, rest))
			continue;
		memcpy(ci->id, c.s + plen, CT_ID_LEN);
		ci->rt = scope_forms[i].rt;
		return true;
	}
	return false;
}

static bool colon_form(struct comp c, struct container_info *ci)
{
	const char *c2, *c1;
	struct comp rt, slice;
	size_t i;

	if (c.n < CT_ID_LEN + 2 || c.s[c.n - CT_ID_LEN - 1] != ':')
		return false;
	c2 = c.s + c.n - CT_ID_LEN - 1;
	if (!is_id(c2 + 1, CT_ID_LEN))
		return false;
	c1 = memrchr(c.s, ':', (size_t)(c2 - c.s));
	if (!c1)
		return false;
	rt = (struct comp){c1 + 1, (size_t)(c2 - c1 - 1)};
	slice = (struct comp){c.s, (size_t)(c1 - c.s)};
	for (i = 0; i < ARRAY_SIZE(colon_forms); i++) {
		if (!comp_is(rt, colon_forms[i].name))
			continue;
		memcpy(ci->id, c2 + 1, CT_ID_LEN);
		ci->rt = colon_forms[i].rt;
		pod_systemd(slice, ci->pod_uid);
		return true;
	}
	return false;
}

/* A bare id counts only where runtimes put one: under "docker" (cgroupfs
 * driver, also nested in docker) or under a Kubernetes pod (cgroupfs). */
static bool bare_form(const struct comp *v, size_t i, struct container_info *ci)
{
	char uid[37];

	if (!i || !is_id(v[i].s, v[i].n))
		return false;
	if (comp_is(v[i - 1], "docker"))
		ci->rt = CT_RT_DOCKER;
	else if (pod_cgroupfs(v, i - 1, uid))
		ci->rt = CT_RT_NONE; /* containerd, docker or CRI-O: the state tells */
	else
		return false;
	memcpy(ci->id, v[i].s, CT_ID_LEN);
	return true;
}

static size_t split(const char *p, size_t len, struct comp *v)
{
	size_t n = 0, i = 0, st;

	while (i < len) {
		while (i < len && p[i] == '/')
			i++;
		st = i;
		while (i < len && p[i] != '/')
			i++;
		if (i == st)
			break;
		if (n == MAX_COMPS) {
			memmove(v, v + 1, (MAX_COMPS - 1) * sizeof(*v));
			n--;
		}
		v[n++] = (struct comp){p + st, i - st};
	}
	return n;
}

const char *container_runtime_name(enum ct_runtime rt)
{
	static const char *const names[] = {
	    [CT_RT_NONE] = "",	   [CT_RT_DOCKER] = "docker", [CT_RT_CONTAINERD] = "containerd",
	    [CT_RT_CRIO] = "crio", [CT_RT_PODMAN] = "podman",
	};

	return (unsigned int)rt < ARRAY_SIZE(names) ? names[rt] : "";
}

static void set_runtime(struct container_info *ci, enum ct_runtime rt)
{
	ci->rt = rt;
	snprintf(ci->runtime, sizeof(ci->runtime), "%s", container_runtime_name(rt));
}

static void make_label(struct container_info *ci)
{
	if (ci->pod_name[0] && ci->pod_namespace[0])
		snprintf(ci->label, sizeof(ci->label), "%s/%s", ci->pod_namespace, ci->pod_name);
	else if (ci->pod_name[0])
		snprintf(ci->label, sizeof(ci->label), "%s", ci->pod_name);
	else if (ci->name[0])
		snprintf(ci->label, sizeof(ci->label), "%s", ci->name);
	else
		snprintf(ci->label, sizeof(ci->label), "%.12s", ci->id);
	/* "host" is the scope compact output prints for host processes: a
	 * container (or pod) of that name shows its short id instead */
	if (!strcmp(ci->label, container_compact_name(NULL)))
		snprintf(ci->label, sizeof(ci->label), "%.12s", ci->id);
}

bool container_parse_cgroup(const char *path, size_t len, struct container_info *ci)
{
	struct comp v[MAX_COMPS];
	size_t n, i;

	memset(ci, 0, sizeof(*ci));
	if (!path)
		return false;
	len = strnlen(path, len);
	n = split(path, len, v);
	for (i = n; i-- > 0;) {
		if (scope_form(v[i], ci) || colon_form(v[i], ci) || bare_form(v, i, ci)) {
			ci->id[CT_ID_LEN] = '\0';
			set_runtime(ci, ci->rt);
			if (!ci->pod_uid[0])
				find_pod(v, i, ci->pod_uid);
			make_label(ci);
			return true;
		}
	}
	memset(ci, 0, sizeof(*ci));
	return false;
}

const char *container_compact_name(const struct container_info *ci)
{
	if (!ci)
		return "host";
	return ci->label[0] ? ci->label : "container";
}

/* ---- runtime state files ---- */

/* Bounded LRU tables over fixed slot arrays (ids, paths). */
struct link {
	uint64_t hash;
	int32_t hnext, prev, next;
};

struct tab {
	char *slots;
	size_t stride;
	uint32_t n, nused;
	int32_t *buckets;
	uint32_t mask;
	int32_t head, tail; /* most and least recently used; -1: empty */
};

struct ct_slot {
	struct link l;
	uint32_t gen; /* bumped each time the slot is given to a container */
	uint16_t lookups; /* since the last state read that found nothing */
	uint8_t retries; /* state reads that found nothing */
	struct container_info info;
};

struct path_slot {
	struct link l;
	int32_t ct; /* container slot, -1: a host path */
	uint32_t ct_gen;
	uint32_t len;
	char *path;
};

struct container_cache {
	char root[PATH_MAX]; /* "" or e.g. "/host": no trailing '/' */
	bool no_state; /* names come from container_cache_learn() only */
	struct tab ids, paths;
	struct container_stats st;
};

static struct link *at(const struct tab *t, int32_t i)
{
	return (struct link *)(t->slots + (size_t)i * t->stride);
}

static int tab_init(struct tab *t, uint32_t n, size_t stride)
{
	uint32_t nb = 16, i;

	while (nb < 2 * n)
		nb <<= 1;
	t->slots = calloc(n, stride);
	t->buckets = malloc(nb * sizeof(*t->buckets));
	if (!t->slots || !t->buckets)
		return -ENOMEM;
	for (i = 0; i < nb; i++)
		t->buckets[i] = -1;
	t->stride = stride;
	t->n = n;
	t->mask = nb - 1;
	t->head = t->tail = -1;
	return 0;
}

static void tab_free(struct tab *t)
{
	free(t->slots);
	free(t->buckets);
}

static void lru_unlink(struct tab *t, int32_t i)
{
	struct link *l = at(t, i);

	if (l->prev >= 0)
		at(t, l->prev)->next = l->next;
	else
		t->head = l->next;
	if (l->next >= 0)
		at(t, l->next)->prev = l->prev;
	else
		t->tail = l->prev;
}

static void lru_push(struct tab *t, int32_t i)
{
	struct link *l = at(t, i);

	l->prev = -1;
	l->next = t->head;
	if (t->head >= 0)
		at(t, t->head)->prev = i;
	else
		t->tail = i;
	t->head = i;
}

static void tab_touch(struct tab *t, int32_t i)
{
	if (t->head != i) {
		lru_unlink(t, i);
		lru_push(t, i);
	}
}

/* A slot for a new entry: an unused one, else the least recently used
 * (taken out of the table; *evicted set). */
static int32_t tab_take(struct tab *t, bool *evicted)
{
	int32_t i, *pp;

	*evicted = false;
	if (t->nused < t->n)
		return (int32_t)t->nused++;
	i = t->tail;
	for (pp = &t->buckets[at(t, i)->hash & t->mask]; *pp != i; pp = &at(t, *pp)->hnext)
		;
	*pp = at(t, i)->hnext;
	lru_unlink(t, i);
	*evicted = true;
	return i;
}

static void tab_insert(struct tab *t, int32_t i, uint64_t hash)
{
	struct link *l = at(t, i);

	l->hash = hash;
	l->hnext = t->buckets[hash & t->mask];
	t->buckets[hash & t->mask] = i;
	lru_push(t, i);
}

/* Path and id hash: 8 bytes a step (paths are ~100-250 bytes, hashed on
 * every lookup). */
static uint64_t hash_bytes(const char *s, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ull ^ n, w;

	for (; n >= 8; s += 8, n -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
	}
	w = 0;
	memcpy(&w, s, n);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
	return h ^ h >> 29;
}

static struct ct_slot *cslot(const struct container_cache *c, int32_t i)
{
	return (struct ct_slot *)at(&c->ids, i);
}

static struct path_slot *pslot(const struct container_cache *c, int32_t i)
{
	return (struct path_slot *)at(&c->paths, i);
}

/* Reads root/rel whole: a regular file of at most CT_FILE_MAX bytes. */
static int read_file(const struct container_cache *c, const char *rel, char **buf, size_t *len)
{
	char path[PATH_MAX];
	struct stat pre, sb;
	size_t got = 0, cap;
	ssize_t r;
	char *b;
	int fd, err = 0;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", c->root, rel) >= sizeof(path))
		return -ENAMETOOLONG;
	/* Checked before it is opened: opening a device has effects of its
	 * own. O_NOFOLLOW: a runtime writes the file itself, a link is
	 * planted; O_NONBLOCK: a FIFO swapped in meanwhile must not hang. */
	if (lstat(path, &pre) || !S_ISREG(pre.st_mode))
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &sb) || !S_ISREG(sb.st_mode) || sb.st_ino != pre.st_ino ||
	    sb.st_dev != pre.st_dev || sb.st_size > (off_t)CT_FILE_MAX) {
		close(fd);
		return -EINVAL;
	}
	cap = (size_t)sb.st_size + 1; /* one more: a file that grew is refused */
	b = malloc(cap);
	if (!b) {
		close(fd);
		return -ENOMEM;
	}
	while (got < cap) {
		r = read(fd, b + got, cap - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			err = -errno;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	if (!err && got == cap)
		err = -EFBIG;
	if (err) {
		free(b);
		return err;
	}
	*buf = b;
	*len = got;
	return 0;
}

#define FIELD(m) offsetof(struct container_info, m), sizeof(((struct container_info *)0)->m)

/* Sets a field from string v unless it is set; empty strings, other types
 * and values that do not fit leave it empty. */
static void fill(char *dst, size_t cap, struct jr_val v)
{
	if (!dst[0] && jr_type(v) == JR_STR && jr_str(v, dst, cap) <= 0)
		dst[0] = '\0';
}

static void fill_key(struct container_info *ci, size_t off, size_t cap, struct jr_val obj,
		     const char *key)
{
	struct jr_val v;

	if (jr_get(obj, key, &v))
		fill((char *)ci + off, cap, v);
}

/* A pod UID from the state, when the cgroup path did not give one. */
static void fill_uid(struct container_info *ci, struct jr_val obj, const char *key)
{
	struct jr_val v;
	char tmp[40];
	int n;

	if (ci->pod_uid[0] || !jr_get(obj, key, &v))
		return;
	n = jr_str(v, tmp, sizeof(tmp));
	if (n > 0)
		take_uid(tmp, (size_t)n, '-', ci->pod_uid);
}

static void sandbox_if(struct container_info *ci, struct jr_val obj, const char *key,
		       const char *value)
{
	struct jr_val v;

	if (jr_get(obj, key, &v) && jr_str_eq(v, value))
		ci->flags |= CT_F_SANDBOX;
}

/* OCI runtime spec annotations: containerd's CRI plugin, CRI-O, nerdctl. */
/* clang-format off */
static const struct {
	const char *key;
	size_t off, cap;
} oci_keys[] = {
	{"io.kubernetes.cri.container-name", FIELD(name)},
	{"io.kubernetes.cri.image-name", FIELD(image)},
	{"io.kubernetes.cri.sandbox-name", FIELD(pod_name)},
	{"io.kubernetes.cri.sandbox-namespace", FIELD(pod_namespace)},
	{"io.kubernetes.container.name", FIELD(name)},
	{"io.kubernetes.pod.name", FIELD(pod_name)},
	{"io.kubernetes.pod.namespace", FIELD(pod_namespace)},
	{"io.kubernetes.cri-o.ImageName", FIELD(image)},
	{"io.kubernetes.cri-o.ImageRef", FIELD(image_id)},
	{"nerdctl/name", FIELD(name)},
};
/* clang-format on */

static int parse_oci(struct container_info *ci, struct jr_val root)
{
	struct jr_val a, v;
	size_t i;

	if (jr_type(root) != JR_OBJ)
		return -EINVAL;
	if (!jr_get(root, "annotations", &a) || jr_type(a) != JR_OBJ)
		return 0; /* a spec without annotations: nothing to name */
	if (jr_get(a, "io.kubernetes.cri-o.ContainerID", &v) && !jr_str_eq(v, ci->id))
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(oci_keys); i++)
		fill_key(ci, oci_keys[i].off, oci_keys[i].cap, a, oci_keys[i].key);
	fill_uid(ci, a, "io.kubernetes.cri.sandbox-uid");
	fill_uid(ci, a, "io.kubernetes.pod.uid");
	sandbox_if(ci, a, "io.kubernetes.cri.container-type", "sandbox");
	sandbox_if(ci, a, "io.kubernetes.cri-o.ContainerType", "sandbox");
	return 0;
}

/* docker's config.v2.json; dockershim put the Kubernetes names in labels. */
static int parse_docker(struct container_info *ci, struct jr_val root)
{
	struct jr_val l, v;
	char tmp[sizeof(ci->name) + 1];

	if (jr_type(root) != JR_OBJ)
		return -EINVAL;
	if (jr_get(root, "ID", &v) && !jr_str_eq(v, ci->id))
		return -EINVAL;
	if (jr_getp(root, &l, "Config", "Labels", NULL) && jr_type(l) == JR_OBJ) {
		fill_key(ci, FIELD(name), l, "io.kubernetes.container.name");
		fill_key(ci, FIELD(pod_name), l, "io.kubernetes.pod.name");
		fill_key(ci, FIELD(pod_namespace), l, "io.kubernetes.pod.namespace");
		fill_uid(ci, l, "io.kubernetes.pod.uid");
		sandbox_if(ci, l, "io.kubernetes.docker.type", "podsandbox");
	}
	if (!ci->name[0] && jr_get(root, "Name", &v) && jr_str(v, tmp, sizeof(tmp)) > 0)
		snprintf(ci->name, sizeof(ci->name), "%s", tmp + (tmp[0] == '/'));
	if (jr_getp(root, &v, "Config", "Image", NULL))
		fill(ci->image, sizeof(ci->image), v);
	if (jr_get(root, "Image", &v))
		fill(ci->image_id, sizeof(ci->image_id), v);
	return 0;
}

/* containers/storage's container list (podman): [{"id", "names", "image",
 * "metadata": "<JSON text: name, image-name, image-id>"}]. */
static int parse_storage_list(struct container_info *ci, struct jr_val root)
{
	struct jr_iter it = {0}, nit = {0};
	struct jr_val e, v, meta;
	size_t cap;
	char *m;
	int n;

	if (jr_type(root) != JR_ARR)
		return -EINVAL;
	while (jr_next(root, &it, &e)) {
		if (!jr_get(e, "id", &v) || !jr_str_eq(v, ci->id))
			continue;
		if (jr_get(e, "names", &v) && jr_next(v, &nit, &v))
			fill(ci->name, sizeof(ci->name), v);
		if (jr_get(e, "metadata", &v) && jr_type(v) == JR_STR) {
			cap = (size_t)(v.end - v.p);
			m = malloc(cap);
			n = m ? jr_str(v, m, cap) : -ENOMEM;
			if (n > 0 && !jr_parse(m, (size_t)n, 0, &meta) && jr_type(meta) == JR_OBJ) {
				fill_key(ci, FIELD(name), meta, "name");
				fill_key(ci, FIELD(image), meta, "image-name");
				fill_key(ci, FIELD(image_id), meta, "image-id");
			}
			free(m);
		}
		fill_key(ci, FIELD(image_id), e, "image");
		return 0;
	}
	return -ENOENT;
}

typedef int (*state_parser)(struct container_info *ci, struct jr_val root);

/* Reads and parses one state file; true when it was there and made sense. */
static bool __attribute__((format(printf, 4, 5)))
load(struct container_cache *c, struct container_info *ci, state_parser parse, const char *fmt, ...)
{
	char rel[PATH_MAX], *buf = NULL;
	struct jr_val root;
	size_t len = 0;
	va_list ap;
	bool ok;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(rel, sizeof(rel), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(rel))
		return false;
	if (read_file(c, rel, &buf, &len))
		return false;
	ok = !jr_parse(buf, len, JR_MAX_DEPTH, &root) && !parse(ci, root);
	free(buf);
	return ok;
}

static bool src_docker(struct container_cache *c, struct container_info *ci)
{
	return load(c, ci, parse_docker, "var/lib/docker/containers/%s/config.v2.json", ci->id);
}

/* Every containerd namespace (k8s.io, moby, default, ...) is searched. */
static bool src_containerd(struct container_cache *c, struct container_info *ci)
{
	static const char *const bases[] = {
	    "run/containerd/io.containerd.runtime.v2.task",
	    "run/containerd/io.containerd.runtime.v1.linux",
	};
	char dir[PATH_MAX];
	struct dirent *de;
	bool ok = false;
	size_t i, k;
	DIR *d;

	for (i = 0; i < ARRAY_SIZE(bases) && !ok; i++) {
		if ((size_t)snprintf(dir, sizeof(dir), "%s/%s", c->root, bases[i]) >= sizeof(dir))
			continue;
		d = opendir(dir);
		if (!d)
			continue;
		for (k = 0; !ok && k < MAX_NAMESPACES && (de = readdir(d)); k++) {
			if (de->d_name[0] == '.')
				continue;
			ok = load(c, ci, parse_oci, "%s/%s/%s/config.json", bases[i], de->d_name,
				  ci->id);
		}
		closedir(d);
	}
	return ok;
}

/* clang-format off */
static const char *const storage_roots[] = {
	"var/lib/containers/storage", /* graph root */
	"run/containers/storage",     /* run root */
};
/* clang-format on */

static bool src_userdata(struct container_cache *c, struct container_info *ci)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(storage_roots); i++)
		if (load(c, ci, parse_oci, "%s/overlay-containers/%s/userdata/config.json",
			 storage_roots[i], ci->id))
			return true;
	return false;
}

static bool src_podman(struct container_cache *c, struct container_info *ci)
{
	static const char *const lists[] = {"containers.json", "volatile-containers.json"};
	bool ok = src_userdata(c, ci);
	size_t i, k;

	for (i = 0; i < ARRAY_SIZE(storage_roots); i++)
		for (k = 0; k < ARRAY_SIZE(lists); k++)
			if (load(c, ci, parse_storage_list, "%s/overlay-containers/%s",
				 storage_roots[i], lists[k]))
				return true;
	return ok;
}

static void load_state(struct container_cache *c, struct container_info *ci)
{
	bool ok = false;

	c->st.loads++;
	switch (ci->rt) {
	case CT_RT_DOCKER:
		ok = src_docker(c, ci);
		break;
	case CT_RT_CONTAINERD:
		ok = src_containerd(c, ci);
		break;
	case CT_RT_CRIO:
		ok = src_userdata(c, ci);
		break;
	case CT_RT_PODMAN:
		ok = src_podman(c, ci);
		break;
	case CT_RT_NONE: /* a bare id under a pod: whichever runtime knows it */
		if ((ok = src_containerd(c, ci)))
			set_runtime(ci, CT_RT_CONTAINERD);
		else if ((ok = src_docker(c, ci)))
			set_runtime(ci, CT_RT_DOCKER);
		else if ((ok = src_userdata(c, ci)))
			set_runtime(ci, CT_RT_CRIO);
		break;
	}
	if (ok) {
		ci->flags |= CT_F_STATE;
		c->st.found++;
	}
	make_label(ci);
}

/* ---- the cache ---- */

struct container_cache *container_cache_new(const struct container_opts *opts)
{
	struct container_opts o = opts ? *opts : (struct container_opts){0};
	struct container_cache *c;
	size_t n;

	if (!o.max_containers)
		o.max_containers = 1024;
	if (!o.max_paths)
		o.max_paths = 4 * o.max_containers;
	if (o.max_containers > (1u << 20) || o.max_paths > (1u << 22)) {
		errno = EINVAL;
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	n = o.root ? strlen(o.root) : 0;
	while (n && o.root[n - 1] == '/')
		n--;
	if (n >= sizeof(c->root) - 256) {
		free(c);
		errno = ENAMETOOLONG;
		return NULL;
	}
	memcpy(c->root, o.root ? o.root : "", n);
	c->no_state = o.no_state;
	if (tab_init(&c->ids, o.max_containers, sizeof(struct ct_slot)) ||
	    tab_init(&c->paths, o.max_paths, sizeof(struct path_slot))) {
		container_cache_free(c);
		errno = ENOMEM;
		return NULL;
	}
	return c;
}

void container_cache_free(struct container_cache *c)
{
	uint32_t i;

	if (!c)
		return;
	for (i = 0; c->paths.slots && i < c->paths.nused; i++)
		free(pslot(c, (int32_t)i)->path);
	tab_free(&c->ids);
	tab_free(&c->paths);
	free(c);
}

/* A runtime writes its state a moment after the container's first
 * process may run: a miss is read again, after 1, 2, 4, ... lookups (a
 * file read only then, never per event), and given up after 12 tries. */
#define STATE_RETRIES 12

static void state_retry(struct container_cache *c, struct ct_slot *cs)
{
	struct container_info parsed;

	if (c->no_state || (cs->info.flags & CT_F_STATE) || cs->retries >= STATE_RETRIES ||
	    ++cs->lookups < (1u << cs->retries))
		return;
	cs->lookups = 0;
	cs->retries++;
	parsed = cs->info;
	load_state(c, &parsed);
	if (parsed.flags & CT_F_STATE)
		cs->info = parsed;
}

/* The container slot for a parsed id: cached, or loaded from state now. */
static int32_t ct_get(struct container_cache *c, const struct container_info *parsed)
{
	uint64_t h = hash_bytes(parsed->id, CT_ID_LEN);
	struct ct_slot *cs;
	bool evicted;
	int32_t i;

	for (i = c->ids.buckets[h & c->ids.mask]; i >= 0; i = cs->l.hnext) {
		cs = cslot(c, i);
		if (cs->l.hash == h && !memcmp(cs->info.id, parsed->id, CT_ID_LEN)) {
			tab_touch(&c->ids, i);
			state_retry(c, cs);
			return i;
		}
	}
	i = tab_take(&c->ids, &evicted);
	cs = cslot(c, i);
	cs->gen++;
	cs->lookups = 0;
	cs->retries = 0;
	cs->info = *parsed;
	if (!c->no_state)
		load_state(c, &cs->info);
	tab_insert(&c->ids, i, h);
	return i;
}

void container_cache_foreach(struct container_cache *c,
			     void (*fn)(void *ctx, struct container_info *ci), void *ctx)
{
	uint32_t i;

	for (i = 0; c && i < c->ids.n; i++) {
		struct ct_slot *cs = cslot(c, i);

		if (cs->info.id[0])
			fn(ctx, &cs->info);
	}
}

#define TERMINATE(f) (f)[sizeof(f) - 1] = '\0'

/* A capture's container record is untrusted: every string ends inside its
 * field, the id is an id, and what is derived (runtime name, label) is
 * derived again here rather than believed. False: not a container. */
static bool sanitize_info(struct container_info *ci)
{
	if (!is_id(ci->id, strnlen(ci->id, sizeof(ci->id))))
		return false;
	TERMINATE(ci->pod_uid);
	TERMINATE(ci->name);
	TERMINATE(ci->image);
	TERMINATE(ci->image_id);
	TERMINATE(ci->pod_name);
	TERMINATE(ci->pod_namespace);
	if ((unsigned int)ci->rt > CT_RT_PODMAN)
		ci->rt = CT_RT_NONE;
	set_runtime(ci, ci->rt);
	make_label(ci);
	ci->flags &= CT_F_STATE | CT_F_SANDBOX;
	return true;
}

void container_cache_learn(struct container_cache *c, const struct container_info *in)
{
	struct container_info ci;
	struct ct_slot *cs;
	int32_t i;

	if (!c || !in)
		return;
	memcpy(&ci, in, sizeof(ci)); /* in may be unaligned (a capture's bytes) */
	if (!sanitize_info(&ci))
		return;
	c->no_state = true; /* replay: what a capture says, never this host's files */
	i = ct_get(c, &ci);
	cs = cslot(c, i);
	cs->info = ci;
}

static int32_t path_find(const struct container_cache *c, const char *path, uint32_t len,
			 uint64_t h)
{
	struct path_slot *ps;
	int32_t i;

	for (i = c->paths.buckets[h & c->paths.mask]; i >= 0; i = ps->l.hnext) {
		ps = pslot(c, i);
		if (ps->l.hash == h && ps->len == len && !memcmp(ps->path, path, len))
			return i;
	}
	return -1;
}

static struct path_slot *path_add(struct container_cache *c, const char *path, uint32_t len,
				  uint64_t h)
{
	struct path_slot *ps;
	char *copy;
	bool evicted;
	int32_t i;

	if (len > PATH_KEY_MAX || !(copy = malloc(len)))
		return NULL;
	memcpy(copy, path, len);
	i = tab_take(&c->paths, &evicted);
	ps = pslot(c, i);
	if (evicted)
		free(ps->path);
	ps->path = copy;
	ps->len = len;
	ps->ct = -1;
	tab_insert(&c->paths, i, h);
	return ps;
}

const struct container_info *container_lookup_n(struct container_cache *c, const char *path,
						size_t len)
{
	struct container_info parsed;
	struct path_slot *ps;
	struct ct_slot *cs;
	uint64_t h;
	int32_t i;

	if (!c || !path)
		return NULL;
	c->st.lookups++;
	len = strnlen(path, len);
	while (len && *path == '/')
		path++, len--;
	if (!len || len > UINT32_MAX)
		return NULL;
	h = hash_bytes(path, len);
	i = path_find(c, path, (uint32_t)len, h);
	if (i >= 0) {
		ps = pslot(c, i);
		tab_touch(&c->paths, i);
		if (ps->ct < 0)
			return NULL;
		cs = cslot(c, ps->ct);
		if (cs->gen == ps->ct_gen) {
			tab_touch(&c->ids, ps->ct);
			state_retry(c, cs);
			return &cs->info;
		}
		/* its container was evicted: find it again from the path */
	} else {
		c->st.path_misses++;
		ps = path_add(c, path, (uint32_t)len, h);
	}
	if (!container_parse_cgroup(path, len, &parsed))
		return NULL; /* a host path: ps->ct stays -1 */
	i = ct_get(c, &parsed);
	if (ps) {
		ps->ct = i;
		ps->ct_gen = cslot(c, i)->gen;
	}
	return &cslot(c, i)->info;
}

const struct container_info *container_lookup(struct container_cache *c, const char *cgroup_path)
{
	return container_lookup_n(c, cgroup_path, cgroup_path ? strlen(cgroup_path) : 0);
}

void container_cache_stats(const struct container_cache *c, struct container_stats *st)
{
	*st = c->st;
}
