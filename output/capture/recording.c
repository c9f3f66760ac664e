/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* recording.c - -w and -r: the decoder's input written to a capture file,
 * and a capture replayed through the same decoder.
 *
 * What is written is what the decoder reads, in the same order: the
 * start-up scan, then every ring-buffer record followed by a marker at the
 * end of each drain (so replay sees the same batches and prints the same
 * bytes), plus the container names the decoder met, as annotations (a
 * replay elsewhere has no runtime state files). A rotated file starts with
 * a snapshot of the live processes and containers, so it replays alone.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/utsname.h>
#include <time.h>

#include "config.h"
#include "output/events/container.h"
#include "output/capture/recording.h"

#define ANNOT_CONTAINER 1 /* blob: struct container_info */

static void note_container(void *ctx, struct container_info *ci)
{
	struct recording *rec = ctx;

	if (rec->w && !capture_write_annot(rec->w, ANNOT_CONTAINER, ci->id, ci, sizeof(*ci)))
		ci->flags |= CT_F_NOTED;
}

/* Writes a process the capture does not hold yet (one the start-up scan
 * found, or any after a rotation), its parent first, so that replay can
 * decode the event that refers to it. */
static void snapshot(struct recording *rec, const struct proc_rec *r)
{
	size_t n = capture_proc_to_scan(r, rec->snap, sizeof(rec->snap));

	if (n && !capture_write_snapshot(rec->w, rec->snap, n)) {
		((struct proc_rec *)r)->flags |= PROC_F_CAPTURED; /* the decoder owns the cache */
		rec->snap_bytes += n;
	}
}

static void ensure(struct recording *rec, const struct proc_rec *r, int depth)
{
	const struct proc_rec *up, *cur;

	if (!r || (r->flags & PROC_F_CAPTURED))
		return;
	/* the whole chain as the cache links it, up to a process the file
	 * holds: each record's parent is decoded before it, exactly */
	up = proc_cache_parent(r);
	if (up && depth < 64)
		ensure(rec, up, depth + 1);
	/* The parent r links to may have exec'd since (its pid now names a
	 * newer record): replay links by pid, so that one goes in again just
	 * before r, and the newer one right after. */
	cur = up ? proc_cache_get(rec->d->cache, r->ppid) : NULL;
	if (cur && cur != up)
		snapshot(rec, up);
	snapshot(rec, r);
	if (cur && cur != up && (cur->flags & PROC_F_CAPTURED))
		snapshot(rec, cur);
	else if (cur && cur != up)
		ensure(rec, cur, depth + 1);
}

static void ensure_pid(struct recording *rec, uint32_t pid)
{
	ensure(rec, proc_cache_get(rec->d->cache, pid), 0);
}

static const uint16_t min_size[EV_MAX] = {
	[EV_EXEC] = sizeof(struct event_proc), [EV_FORK] = sizeof(struct event_fork),
	[EV_EXIT] = sizeof(struct event_exit), [EV_HOOK] = sizeof(struct event_hook),
	[EV_CGROUP] = sizeof(struct event_cgroup),
};

/* The processes a record refers to, before the record. */
static void ensure_for(struct recording *rec, const struct event_header *h)
{
	if (h->type >= EV_MAX || !min_size[h->type] || h->size < min_size[h->type])
		return; /* the decoder will reject it: nothing to refer to */
	switch (h->type) {
	case EV_EXEC:
		ensure_pid(rec, ((const struct event_proc *)h)->ppid);
		break;
	case EV_FORK:
		ensure_pid(rec, ((const struct event_fork *)h)->ppid);
		break;
	case EV_EXIT:
		ensure_pid(rec, ((const struct event_exit *)h)->pid);
		break;
	case EV_HOOK:
		ensure_pid(rec, ((const struct event_hook *)h)->pid);
		break;
	case EV_CGROUP:
		ensure_pid(rec, ((const struct event_cgroup *)h)->pid);
		break;
	}
}

static void forget_proc(void *ctx, const struct proc_rec *r)
{
	(void)ctx;
	((struct proc_rec *)r)->flags &= ~PROC_F_CAPTURED;
}

static void forget_container(void *ctx, struct container_info *ci)
{
	(void)ctx;
	ci->flags &= ~CT_F_NOTED;
}

/* A new file begins: what it needs is written again as events need it. */
static int on_rotate(void *ctx, struct capture_writer *w)
{
	struct recording *rec = ctx;

	rec->w = w;
	proc_cache_foreach(rec->d->cache, forget_proc, NULL);
	container_cache_foreach(rec->d->containers, forget_container, NULL);
	if (rec->cur) /* the record that started this file goes in after these */
		ensure_for(rec, rec->cur);
	return 0;
}

static void on_raw(void *ctx, const void *data, size_t size)
{
	recording_record(ctx, data, size);
}

/* The flight recorder begins with an empty capture: the file is created
 * (and checked) now, and every window's chain continues from it. */
static int flight_start(struct recording *rec, const struct recording_opts *o, char *err,
			size_t errlen)
{
	rec->flight = true;
	rec->pre_ns = o->pre_ns;
	rec->post_ns = o->post_ns;
	if (flight_init(&rec->ring, o->ring_bytes, o->pre_ns)) {
		snprintf(err, errlen, "out of memory for --pre-trigger-size");
		return -1;
	}
	if (capture_writer_close(rec->w, err, errlen))
		return -1;
	rec->w = NULL;
	rec->co.append = true;
	return 0;
}

int recording_start(struct recording *rec, const struct recording_opts *o, struct decoder *d,
		    char *err, size_t errlen)
{
	struct utsname u;
	struct capture_opts co = {
		.path = o->path,
		.rotate_bytes = o->rotate_bytes,
		.max_files = o->max_files,
		.flush_ms = 100, /* a crash or kill loses at most ~0.1 s of events */
		.on_rotate = on_rotate,
		.rotate_ctx = rec,
	};
	struct capture_info ci = {
		.tool_version = TRACER_VERSION,
		.node_name = d->node_name,
		.boot_to_wall_ns = d->boot_to_wall_ns,
		.policies = o->policies,
		.npolicies = o->npolicies,
		.hooks = d->hooks,
		.nhooks = d->nhooks,
	};

	memset(rec, 0, sizeof(*rec));
	rec->d = d;
	if (!uname(&u)) {
		snprintf(rec->host, sizeof(rec->host), "%s", u.nodename);
		snprintf(rec->release, sizeof(rec->release), "%s", u.release);
		snprintf(rec->version, sizeof(rec->version), "%s", u.version);
		snprintf(rec->machine, sizeof(rec->machine), "%s", u.machine);
	}
	ci.host_name = rec->host;
	ci.kernel_release = rec->release;
	ci.kernel_version = rec->version;
	ci.machine = rec->machine;
	rec->co = co;
	rec->ci = ci;
	rec->w = capture_writer_open(&co, &ci, err, errlen);
	if (!rec->w)
		return -1;
	memcpy(rec->chain, capture_writer_chain(rec->w), CAP_HASH_LEN);
	if (o->pre_ns && flight_start(rec, o, err, errlen))
		return -1;
	d->on_raw = on_raw;
	d->on_container = note_container;
	d->hook_ctx = rec;
	return 0;
}

static void write_record(struct recording *rec, const void *data, size_t size)
{
	const struct event_header *h = data;

	if (!rec->w || size < sizeof(*h) || h->size > size || h->size < sizeof(*h))
		return;
	rec->cur = h; /* set first: writing its processes may start a new file */
	rec->snap_bytes = 0;
	ensure_for(rec, h);
	/* A long ancestry goes in a block of its own, so the events after it
	 * start a new block: a file cut short keeps them rather than just the
	 * processes they refer to. */
	if (rec->snap_bytes > 1024)
		capture_flush(rec->w);
	capture_write_event(rec->w, data, h->size);
	rec->cur = NULL;
	rec->pending = true;
	/* While events trickle (a small drain), blocks of ~1 KiB: a file cut
	 * short keeps all but its last few events. Under load, 64 KiB blocks
	 * keep compressing cheap. */
	if (rec->small_drain && capture_pending(rec->w) >= 1024)
		capture_flush(rec->w);
}

/* A window ends: the capture is closed, its last link kept for the next. */
static void close_window(struct recording *rec)
{
	char err[256];

	recording_batch_end(rec);
	memcpy(rec->chain, capture_writer_chain(rec->w), CAP_HASH_LEN);
	if (capture_writer_close(rec->w, err, sizeof(err)))
		snprintf(rec->fail, sizeof(rec->fail), "%s", err);
	rec->w = NULL;
	rec->windows++;
}

/* -w --pre-trigger: a record goes to the open window, or waits in the
 * ring; the host record is kept apart, for every window. */
static void flight_record(struct recording *rec, const void *data, size_t size)
{
	const struct event_header *h = data;
	uint64_t t = h->ktime ? h->ktime : rec->last_ktime;
	void *copy;

	rec->last_ktime = t;
	if (h->type == EV_HOST && (copy = realloc(rec->host_rec, size))) {
		memcpy(copy, data, size);
		rec->host_rec = copy;
		rec->host_len = size;
		return;
	}
	if (rec->w && t > rec->until + rec->pre_ns)
		close_window(rec); /* no later trigger could reach back to it */
	if (rec->w && t <= rec->until)
		write_record(rec, data, size);
	else
		flight_push(&rec->ring, data, size, t);
}

void recording_record(struct recording *rec, const void *data, size_t size)
{
	const struct event_header *h = data;

	if (size < sizeof(*h) || h->size > size || h->size < sizeof(*h))
		return;
	if (rec->flight)
		flight_record(rec, data, size);
	else
		write_record(rec, data, size);
}

static void drain_one(void *ctx, const void *data, size_t size)
{
	write_record(ctx, data, size);
}

/* Opens a window: a new capture appended to the file, continuing the
 * chain; the processes it needs are written again as records need them. */
static int open_window(struct recording *rec)
{
	char err[256];

	rec->co.prev_chain = rec->chain;
	rec->w = capture_writer_open(&rec->co, &rec->ci, err, sizeof(err));
	if (!rec->w) {
		snprintf(rec->fail, sizeof(rec->fail), "%s", err);
		return -1;
	}
	proc_cache_foreach(rec->d->cache, forget_proc, NULL);
	container_cache_foreach(rec->d->containers, forget_container, NULL);
	if (rec->host_rec)
		capture_write_event(rec->w, rec->host_rec, rec->host_len);
	return 0;
}

void recording_trigger(struct recording *rec, uint64_t ktime)
{
	if (!rec->flight || rec->fail[0])
		return;
	if (ktime + rec->post_ns > rec->until)
		rec->until = ktime + rec->post_ns;
	if (!rec->w && open_window(rec))
		return;
	/* the seconds before (or, merging, what came since the window's end) */
	flight_drain(&rec->ring, ktime > rec->pre_ns ? ktime - rec->pre_ns : 0, drain_one, rec);
}

/* A cgroup move held back for the next batch but already used as
 * lookahead: replay needs it as lookahead too, not decoded twice. */
void recording_hint(struct recording *rec, const void *data, size_t size)
{
	const struct event_header *h = data;
	char copy[sizeof(struct event_cgroup) + 1024];

	if (!rec->w || rec->flight || size < sizeof(*h) || h->type != EV_CGROUP || h->size > sizeof(copy) ||
	    h->size > size)
		return;
	memcpy(copy, data, h->size);
	((struct event_header *)copy)->flags |= EV_F_HINT;
	capture_write_event(rec->w, copy, h->size);
	rec->pending = true;
}

/* The end of a drain: replay decodes up to here as one batch. */
void recording_batch_end(struct recording *rec)
{
	struct event_header mark = {.type = EV_BATCH, .size = sizeof(mark)};

	/* one block per drain (at most ~20 a second): a crash or a cut file
	 * loses at most the last drain's events */
	if (rec->w && rec->pending) {
		capture_write_event(rec->w, &mark, sizeof(mark));
		capture_flush(rec->w);
	} else if (rec->flight && !rec->w && rec->ring.n) {
		flight_push(&rec->ring, &mark, sizeof(mark), rec->last_ktime);
	}
	rec->pending = false;
}

static uint64_t boot_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void recording_tick(struct recording *rec)
{
	/* quiet after a window: nothing arrives to close it, the clock does
	 * (a second later than records would: they are held back briefly) */
	if (rec->flight && rec->w && boot_clock() > rec->until + rec->pre_ns + 1000000000ull)
		close_window(rec);
	if (rec->w)
		capture_tick(rec->w);
}

bool recording_failed(const struct recording *rec)
{
	return rec->fail[0] || (rec->w && *capture_writer_error(rec->w));
}

int recording_stop(struct recording *rec, char *err, size_t errlen)
{
	int rc = 0;

	if (rec->w) {
		recording_batch_end(rec);
		rc = capture_writer_close(rec->w, err, errlen);
	}
	rec->w = NULL;
	if (!rc && rec->fail[0]) {
		snprintf(err, errlen, "%s", rec->fail);
		rc = -EIO;
	}
	if (rec->flight)
		flight_free(&rec->ring);
	free(rec->host_rec);
	rec->host_rec = NULL;
	if (rec->d)
		rec->d->on_raw = NULL, rec->d->on_container = NULL;
	return rc;
}

/* --- replay -------------------------------------------------------------- */

static void replay_header(struct decoder *d, const struct capture_info *in)
{
	snprintf(d->node_name, sizeof(d->node_name), "%s", in->node_name ? in->node_name : "");
	d->boot_to_wall_ns = in->boot_to_wall_ns;
	memcpy(d->host.ns, in->host_ns, sizeof(d->host.ns));
	d->hooks = in->hooks;
	d->nhooks = in->nhooks;
	if (d->on_capture)
		d->on_capture(d->capture_ctx, in);
}

static bool scan_pending; /* scan records decoded, parents not linked yet */

static void replay_flush(struct decoder *d, struct batch *b)
{
	if (scan_pending)
		proc_cache_relink(d->cache);
	scan_pending = false;
	decode_batch(d, b);
	b->n = 0;
	b->len = 0;
}

/* One item of the capture into the decoder. */
static void replay_item(struct decoder *d, struct batch *b, const struct capture_item *it)
{
	const struct event_header *h = it->data;

	switch (it->kind) {
	case CAP_HEADER:
		replay_flush(d, b);
		replay_header(d, it->info);
		break;
	case CAP_SNAPSHOT: /* written parent first: it links as it lands, no relink */
		replay_flush(d, b);
		decode_record(d, it->data, it->size);
		break;
	case CAP_ANNOT: /* learn() copies it aligned and checks every field */
		if (it->annot_type == ANNOT_CONTAINER && it->size == sizeof(struct container_info))
			container_cache_learn(d->containers, it->data);
		break;
	case CAP_EVENT:
		if (it->size >= sizeof(*h) && h->type == EV_BATCH)
			replay_flush(d, b);
		else if (it->size >= sizeof(*h) && h->type == EV_HOST)
			decode_record(d, it->data, it->size);
		else if (it->size >= sizeof(*h) && h->type == EV_SCAN) {
			decode_record(d, it->data, it->size); /* a whole start-up scan */
			scan_pending = true;
		}
		else if (batch_add(b, it->data, it->size)) {
			replay_flush(d, b);
			if (batch_add(b, it->data, it->size))
				decode_record(d, it->data, it->size);
		}
		break;
	}
}

int replay_file(const char *path, struct decoder *d, struct batch *b,
		volatile const int *stop, char *err, size_t errlen)
{
	struct capture_reader *r = capture_open(path, err, errlen);
	struct capture_item it;
	int rc = 0;

	if (!r)
		return -1;
	while (!*stop && (rc = capture_next(r, &it)) > 0)
		replay_item(d, b, &it);
	replay_flush(d, b);
	if (!*stop && rc < 0) {
		snprintf(err, errlen, "%s", capture_error(r));
		capture_close(r);
		return -1;
	}
	capture_close(r);
	return 0;
}
