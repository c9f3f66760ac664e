// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* evidence.c - --evidence DIR: on a policy event, what the process is.
 *
 * Once per process, a worker thread reads /proc/PID: the executable
 * through /proc/PID/exe (a binary deleted after it started, or run from a
 * memfd, is still readable there), saved as DIR/sha256/<hex> once per
 * content, and a record DIR/proc/<pid>-<ktime>.json: cmdline, cwd, ids,
 * open fds with their targets (sockets with addresses), the memory map,
 * the container. The main loop only queues a request (a bounded queue:
 * full means dropped, counted) and waits a bounded moment for the hash so
 * that the event itself can name it. Everything in DIR is created with
 * O_EXCL | O_NOFOLLOW, 0600, under a 0700 directory: nothing planted
 * there is followed or overwritten. A process gone before the worker got
 * to it (or its pid reused) is recorded as gone.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "output/events/container.h"
#include "output/evidence.h"
#include "output/jsonw.h"

#define QLEN 64		     /* requests waiting for the worker */
#define SEEN 4096	     /* processes remembered (direct-mapped) */
#define REC_CAP (1u << 20)   /* one record's JSON */
#define MAPS_MAX (256u << 10) /* of /proc/PID/maps in a record */
#define FDS_MAX 1024	     /* fds listed in a record */
#define SOCKS_MAX 4096	     /* sockets looked up by inode */

struct req {
	uint64_t key;
	uint32_t pid;
	uint64_t ktime, time_ns;
	struct event_creds creds;
	char exec_id[64];
	char container[72];
};

struct seen {
	uint64_t key; /* 0: empty */
	char sha[2 * 32 + 1];
	const char *status; /* "pending" until the worker is done */
};

struct sock_name {
	unsigned long ino;
	char text[160];
};

struct evidence {
	struct evidence_opts o;
	int dirfd, shafd, procfd;
	pthread_t th;
	bool started, stop;
	pthread_mutex_t mu;
	pthread_cond_t work, done;
	struct req q[QLEN];
	uint32_t qhead, qtail; /* qtail - qhead requests queued */
	struct seen seen[SEEN];
	uint64_t second;      /* the rate's current second */
	uint32_t this_second; /* processes queued in it */
	char sha_out[2 * 32 + 1]; /* the main loop's copy, for the event it prints */
	/* counters (the worker's, read after it stopped) */
	uint64_t dropped, rated, gone, saved, dedup, unsaved, total_bytes;
	/* the worker's */
	char *rec;
	uint8_t io[1 << 16];
	struct sock_name *socks;
	int nsocks;
};

static uint64_t now_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* ---- the directory ------------------------------------------------------ */

/* A directory of ours, 0700, never through a link. */
static int private_dir(int at, const char *name, char *err, size_t errlen)
{
	struct stat sb;
	int fd;

	if (mkdirat(at, name, 0700) && errno != EEXIST)
		goto fail;
	fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		goto fail;
	if (fstat(fd, &sb) || sb.st_uid != geteuid() || fchmod(fd, 0700)) {
		close(fd);
		errno = errno ? errno : EPERM;
		snprintf(err, errlen, "--evidence %s: not a directory of ours", name);
		return -1;
	}
	return fd;
fail:
	snprintf(err, errlen, "--evidence %s: %s", name,
		 errno == ELOOP || errno == ENOTDIR ? "a link or not a directory; not followed"
						     : strerror(errno));
	return -1;
}

static void *worker(void *arg);

struct evidence *evidence_start(const struct evidence_opts *o, char *err, size_t errlen)
{
	struct evidence *e = calloc(1, sizeof(*e));

	if (e)
		e->dirfd = e->shafd = e->procfd = -1;
	if (!e || !(e->rec = malloc(REC_CAP)) || !(e->socks = calloc(SOCKS_MAX, sizeof(*e->socks)))) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	e->dirfd = e->shafd = e->procfd = -1;
	e->o = *o;
	e->dirfd = private_dir(AT_FDCWD, o->dir, err, errlen);
	if (e->dirfd < 0 || (e->shafd = private_dir(e->dirfd, "sha256", err, errlen)) < 0 ||
	    (e->procfd = private_dir(e->dirfd, "proc", err, errlen)) < 0)
		goto fail;
	pthread_mutex_init(&e->mu, NULL);
	pthread_cond_init(&e->work, NULL);
	pthread_cond_init(&e->done, NULL);
	if (pthread_create(&e->th, NULL, worker, e)) {
		snprintf(err, errlen, "--evidence: cannot start its thread");
		goto fail;
	}
	e->started = true;
	return e;
fail:
	evidence_stop(e);
	return NULL;
}

/* ---- the main loop's side ---------------------------------------------- */

static uint64_t proc_key(const struct proc_rec *p)
{
	uint64_t k = (p->ktime ^ ((uint64_t)p->pid << 40)) * 0x9e3779b97f4a7c15ull;

	return k ? k : 1;
}

/* Per second at most o.per_second processes: a storm of alerts costs
 * bounded disk and CPU. */
static bool rate_ok(struct evidence *e)
{
	uint64_t s = now_ns(CLOCK_MONOTONIC) / 1000000000;

	if (s != e->second) {
		e->second = s;
		e->this_second = 0;
	}
	return e->this_second++ < e->o.per_second;
}

/* Queues p (with e->mu held); the status of its seen slot says the rest. */
static void enqueue(struct evidence *e, const struct proc_rec *p, struct seen *s)
{
	struct req *r;

	if (!rate_ok(e)) {
		e->rated++;
		s->status = "rate limited";
		return;
	}
	if (e->qtail - e->qhead >= QLEN) {
		e->dropped++;
		s->status = "dropped (queue full)";
		return;
	}
	r = &e->q[e->qtail++ % QLEN];
	memset(r, 0, sizeof(*r));
	r->key = s->key;
	r->pid = p->pid;
	r->ktime = p->ktime;
	r->time_ns = now_ns(CLOCK_REALTIME);
	r->creds = p->creds;
	memcpy(r->exec_id, p->exec_id, sizeof(r->exec_id));
	if (p->container)
		snprintf(r->container, sizeof(r->container), "%s", p->container->id);
	s->status = "pending";
	pthread_cond_signal(&e->work);
}

const char *evidence_note(struct evidence *e, const struct proc_rec *p, const char **status)
{
	uint64_t key = proc_key(p), deadline;
	struct seen *s = &e->seen[key % SEEN];
	bool fresh = s->key != key; /* first time (or its slot was reused: again) */
	struct timespec ts;

	pthread_mutex_lock(&e->mu);
	if (fresh) {
		s->key = key;
		s->sha[0] = 0;
		enqueue(e, p, s);
	}
	/* only the first event waits: a busy process's later events never do */
	deadline = now_ns(CLOCK_REALTIME) + (uint64_t)e->o.wait_ms * 1000000;
	ts.tv_sec = deadline / 1000000000;
	ts.tv_nsec = deadline % 1000000000;
	while (fresh && !s->sha[0] && !strcmp(s->status, "pending"))
		if (pthread_cond_timedwait(&e->done, &e->mu, &ts))
			break;
	*status = s->status;
	memcpy(e->sha_out, s->sha, sizeof(e->sha_out)); /* the worker may write s later */
	pthread_mutex_unlock(&e->mu);
	return e->sha_out[0] ? e->sha_out : NULL;
}

/* ---- the worker: reading /proc ----------------------------------------- */

/* A whole small /proc file into buf (NUL-terminated); its length or -1. */
static ssize_t read_at(int dir, const char *name, char *buf, size_t cap)
{
	int fd = openat(dir, name, O_RDONLY | O_CLOEXEC);
	size_t n = 0;
	ssize_t k;

	if (fd < 0)
		return -1;
	while (n + 1 < cap && (k = read(fd, buf + n, cap - 1 - n)) > 0)
		n += k;
	close(fd);
	buf[n] = 0;
	return n;
}

/* The pid still names the process the event was about: it started (fork)
 * no later than its exec. A reused pid started after. */
static bool same_process(int pdir, const struct req *r, char *buf, size_t cap)
{
	unsigned long long start = 0;
	const char *p;
	int i;

	if (read_at(pdir, "stat", buf, cap) <= 0 || !(p = strrchr(buf, ')')))
		return false;
	for (i = 0; i < 20 && p; i++) /* field 22, starttime, counted from ')' */
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p + 1, "%llu", &start) != 1)
		return false;
	start = start * (1000000000ull / (unsigned long long)sysconf(_SC_CLK_TCK));
	return !r->ktime || start <= r->ktime + 20000000ull; /* a tick of slack */
}

static void hex(char *out, const unsigned char *p, size_t n)
{
	static const char d[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = d[p[i] >> 4];
		out[2 * i + 1] = d[p[i] & 15];
	}
	out[2 * n] = 0;
}

/* Copies fd into a new 0600 file in sha256/ (when out >= 0) while hashing. */
static int copy_hash(struct evidence *e, int fd, int out, char sha[65])
{
	EVP_MD_CTX *x = EVP_MD_CTX_new();
	unsigned char md[32];
	unsigned int len = 0;
	ssize_t k;
	int rc = -1;

	if (!x || !EVP_DigestInit_ex(x, EVP_sha256(), NULL))
		goto out;
	while ((k = read(fd, e->io, sizeof(e->io))) > 0) {
		if (!EVP_DigestUpdate(x, e->io, k) || (out >= 0 && write(out, e->io, k) != k))
			goto out;
	}
	if (k == 0 && EVP_DigestFinal_ex(x, md, &len) && len == 32) {
		hex(sha, md, 32);
		rc = 0;
	}
out:
	EVP_MD_CTX_free(x);
	return rc;
}

/* The executable: hashed, and saved once per content while the byte
 * budget lasts. Returns the status for the record and the event. */
static const char *save_exe(struct evidence *e, int pdir, char sha[65], uint64_t *size)
{
	char tmp[64];
	struct stat sb;
	bool keep;
	int fd = openat(pdir, "exe", O_RDONLY | O_CLOEXEC), out = -1;
	const char *st = "saved";

	if (fd < 0)
		return errno == ENOENT || errno == ESRCH ? "gone" : "unreadable";
	if (fstat(fd, &sb) || !S_ISREG(sb.st_mode)) {
		close(fd);
		return "unreadable";
	}
	*size = sb.st_size;
	if ((uint64_t)sb.st_size > e->o.file_max) {
		close(fd);
		return "not saved: larger than --evidence-file-max";
	}
	keep = e->total_bytes + sb.st_size <= e->o.total_max;
	snprintf(tmp, sizeof(tmp), ".partial-%d", (int)gettid());
	unlinkat(e->shafd, tmp, 0);
	if (keep)
		out = openat(e->shafd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (copy_hash(e, fd, out, sha)) {
		st = "unreadable";
	} else if (!keep || out < 0) {
		st = !keep ? "hashed, not saved: --evidence-total-max reached"
			   : "hashed, not saved: cannot create the file";
		e->unsaved++;
	} else if (renameat2(e->shafd, tmp, e->shafd, sha, RENAME_NOREPLACE) == 0) {
		e->total_bytes += sb.st_size;
		e->saved++;
	} else if (errno == EEXIST) { /* the same content, saved before */
		st = "saved (already there)";
		e->dedup++;
	} else {
		st = "hashed, not saved";
		e->unsaved++;
	}
	if (out >= 0) {
		close(out);
		unlinkat(e->shafd, tmp, 0); /* a leftover after a failed rename */
	}
	close(fd);
	return st;
}

/* "0100007F:1F90" (v4) or 32 hex digits and a port (v6) as text. */
static void addr_text(const char *hexaddr, char *out, size_t cap)
{
	unsigned char a[16];
	unsigned int w[4], port = 0;
	char ip[INET6_ADDRSTRLEN] = "?";
	int i, n = strchr(hexaddr, ':') - hexaddr;

	if (n == 8 && sscanf(hexaddr, "%8x:%x", &w[0], &port) == 2) {
		memcpy(a, &w[0], 4); /* the kernel prints the u32 in host order */
		inet_ntop(AF_INET, a, ip, sizeof(ip));
	} else if (n == 32 && sscanf(hexaddr, "%8x%8x%8x%8x:%x", &w[0], &w[1], &w[2], &w[3],
				     &port) == 5) {
		for (i = 0; i < 4; i++)
			memcpy(a + 4 * i, &w[i], 4);
		inet_ntop(AF_INET6, a, ip, sizeof(ip));
	}
	snprintf(out, cap, strchr(ip, ':') ? "[%s]:%u" : "%s:%u", ip, port);
}

/* The process's sockets by inode, from its own network namespace's view. */
static void load_socks(struct evidence *e, int pdir)
{
	static const char *const tabs[] = {"net/tcp", "net/tcp6", "net/udp", "net/udp6"};
	char line[512], l[64], r[64], ltxt[64], rtxt[64];
	unsigned long ino;
	size_t t;

	e->nsocks = 0;
	for (t = 0; t < 4; t++) {
		int fd = openat(pdir, tabs[t], O_RDONLY | O_CLOEXEC);
		FILE *f = fd >= 0 ? fdopen(fd, "r") : NULL;

		if (!f) {
			if (fd >= 0)
				close(fd);
			continue;
		}
		while (e->nsocks < SOCKS_MAX && fgets(line, sizeof(line), f)) {
			if (sscanf(line, " %*s %63s %63s %*s %*s %*s %*s %*s %*s %lu", l, r, &ino) != 3 || !ino)
				continue;
			addr_text(l, ltxt, sizeof(ltxt));
			addr_text(r, rtxt, sizeof(rtxt));
			e->socks[e->nsocks].ino = ino;
			snprintf(e->socks[e->nsocks++].text, sizeof(e->socks[0].text), "%s %s -> %s",
				 tabs[t] + 4, ltxt, rtxt);
		}
		fclose(f);
	}
}

static const char *sock_text(const struct evidence *e, const char *target)
{
	unsigned long ino;
	int i;

	if (sscanf(target, "socket:[%lu]", &ino) != 1)
		return NULL;
	for (i = 0; i < e->nsocks; i++)
		if (e->socks[i].ino == ino)
			return e->socks[i].text;
	return NULL;
}

/* "fds": each open descriptor and what it is (readlink of /proc/PID/fd/N). */
static void json_fds(struct evidence *e, struct jsonw *w, int pdir)
{
	int dfd = openat(pdir, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC), n = 0;
	DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
	char target[4096];
	struct dirent *de;
	const char *s;
	ssize_t k;

	jw_open(w, "fds", '[');
	while (d && n < FDS_MAX && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		k = readlinkat(dfd, de->d_name, target, sizeof(target) - 1);
		target[k > 0 ? k : 0] = 0;
		jw_open(w, NULL, '{');
		jw_u64(w, "fd", strtoul(de->d_name, NULL, 10));
		jw_str_cstr(w, "target", target);
		if ((s = sock_text(e, target)))
			jw_str_cstr(w, "socket", s);
		jw_close(w);
		n++;
	}
	jw_close(w);
	if (d)
		closedir(d);
	else if (dfd >= 0)
		close(dfd);
}

/* "cmdline": the arguments as the process shows them now. */
static void json_cmdline(struct evidence *e, struct jsonw *w, int pdir)
{
	char *buf = (char *)e->io;
	ssize_t n = read_at(pdir, "cmdline", buf, sizeof(e->io));
	ssize_t i = 0;

	jw_open(w, "cmdline", '[');
	while (i < n) {
		size_t len = strnlen(buf + i, n - i);

		jw_str(w, NULL, buf + i, len);
		i += len + 1;
	}
	jw_close(w);
}

static void json_link(struct jsonw *w, int pdir, const char *name)
{
	char target[4096];
	ssize_t k = readlinkat(pdir, name, target, sizeof(target) - 1);

	if (k > 0)
		jw_str(w, name, target, k);
}

/* What /proc said about a live process. */
static void json_live(struct evidence *e, struct jsonw *w, int pdir)
{
	char *maps;
	ssize_t n;

	json_cmdline(e, w, pdir);
	json_link(w, pdir, "cwd");
	json_link(w, pdir, "root");
	load_socks(e, pdir);
	json_fds(e, w, pdir);
	maps = malloc(MAPS_MAX);
	n = maps ? read_at(pdir, "maps", maps, MAPS_MAX) : -1;
	if (n >= 0)
		jw_str(w, "maps", maps, n);
	free(maps);
}

/* DIR/proc/<pid>-<ktime>.json, created new, 0600, never through a link. */
static void write_record(struct evidence *e, const struct req *r, int pdir, const char *sha,
			 const char *status, uint64_t size)
{
	struct obuf o;
	struct jsonw w;
	char name[64];
	int fd;

	ob_init(&o, e->rec, REC_CAP);
	jw_init(&w, &o);
	jw_open(&w, NULL, '{');
	jw_str_cstr(&w, "exec_id", r->exec_id);
	jw_u64(&w, "pid", r->pid);
	jw_u64(&w, "collected_ns", r->time_ns);
	jw_open(&w, "executable", '{');
	if (pdir >= 0)
		json_link(&w, pdir, "exe");
	jw_str_cstr(&w, "status", status);
	if (sha)
		jw_str_cstr(&w, "sha256", sha);
	if (size)
		jw_u64(&w, "size", size);
	jw_close(&w);
	jw_u64(&w, "uid", r->creds.uid);
	jw_u64(&w, "gid", r->creds.gid);
	jw_u64(&w, "euid", r->creds.euid);
	jw_u64(&w, "egid", r->creds.egid);
	if (r->container[0])
		jw_str_cstr(&w, "container", r->container);
	if (pdir >= 0)
		json_live(e, &w, pdir);
	jw_bool(&w, "gone", pdir < 0);
	jw_finish(&w);
	ob_force(&o, "\n", 1);
	snprintf(name, sizeof(name), "%u-%llu.json", r->pid, (unsigned long long)r->ktime);
	fd = openat(e->procfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd >= 0) {
		if (write(fd, o.p, o.len) != (ssize_t)o.len)
			e->unsaved++;
		close(fd);
	}
}

static void publish(struct evidence *e, uint64_t key, const char *sha, const char *status)
{
	struct seen *s = &e->seen[key % SEEN];

	pthread_mutex_lock(&e->mu);
	if (s->key == key) {
		if (sha)
			snprintf(s->sha, sizeof(s->sha), "%s", sha);
		s->status = status;
	}
	pthread_cond_broadcast(&e->done);
	pthread_mutex_unlock(&e->mu);
}

static void collect(struct evidence *e, const struct req *r)
{
	char path[32], sha[65] = "", *stat = (char *)e->io;
	const char *status;
	uint64_t size = 0;
	int pdir;

	snprintf(path, sizeof(path), "/proc/%u", r->pid);
	pdir = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (pdir >= 0 && !same_process(pdir, r, stat, sizeof(e->io))) {
		close(pdir);
		pdir = -1;
	}
	status = pdir < 0 ? "gone" : save_exe(e, pdir, sha, &size);
	if (!strcmp(status, "gone") && pdir >= 0) {
		close(pdir);
		pdir = -1;
	}
	e->gone += pdir < 0;
	publish(e, r->key, sha[0] ? sha : NULL, status);
	write_record(e, r, pdir, sha[0] ? sha : NULL, status, size);
	if (pdir >= 0)
		close(pdir);
}

static void *worker(void *arg)
{
	struct evidence *e = arg;
	struct req r;

	pthread_mutex_lock(&e->mu);
	for (;;) {
		while (!e->stop && e->qhead == e->qtail)
			pthread_cond_wait(&e->work, &e->mu);
		if (e->qhead == e->qtail)
			break; /* stopping, and everything queued is done */
		r = e->q[e->qhead++ % QLEN];
		pthread_mutex_unlock(&e->mu);
		collect(e, &r);
		pthread_mutex_lock(&e->mu);
	}
	pthread_mutex_unlock(&e->mu);
	return NULL;
}

void evidence_stop(struct evidence *e)
{
	if (!e)
		return;
	if (e->started) {
		pthread_mutex_lock(&e->mu);
		e->stop = true;
		pthread_cond_signal(&e->work);
		pthread_mutex_unlock(&e->mu);
		pthread_join(e->th, NULL);
		fprintf(stderr, "tracer: evidence in %s: %llu executables saved, %llu already there, "
			"%llu processes gone before they were read, %llu not saved (limits), "
			"%llu dropped (queue full), %llu rate limited\n", e->o.dir,
			(unsigned long long)e->saved, (unsigned long long)e->dedup,
			(unsigned long long)e->gone, (unsigned long long)e->unsaved,
			(unsigned long long)e->dropped, (unsigned long long)e->rated);
	}
	if (e->dirfd >= 0)
		close(e->dirfd);
	if (e->shafd >= 0)
		close(e->shafd);
	if (e->procfd >= 0)
		close(e->procfd);
	free(e->rec);
	free(e->socks);
	free(e);
}
