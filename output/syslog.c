// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* syslog.c - every event to a syslog collector over TCP or TLS.
 *
 * The decoding thread formats the event's JSON line, frames it (RFC 5424
 * in RFC 6587 octet counting: a newline or a 100 KB argv never splits a
 * message) and copies the frame into a bounded byte ring; that is all it
 * does, so a slow or absent collector never holds tracing. A frame that
 * does not fit is counted lost.
 *
 * The sender thread moves whole frames from the ring into its pending
 * buffer and writes them. It knows how far the socket took the pending
 * bytes: frames wholly written are sent, the one a broken connection cut
 * is counted lost, and the ones not started are written after the
 * reconnect, so no frame is ever written twice. Reconnects back off from
 * BACKOFF_MIN to BACKOFF_MAX.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "output/format.h"
#include "output/syslog.h"
#include "output/syslog_net.h"

#define MS 1000000ull
#define BACKOFF_MIN (100 * MS)
#define BACKOFF_MAX (5000 * MS)
#define CONNECT_TIMEOUT (5000 * MS)
#define WRITE_SLICE (100 * MS) /* how often a blocked write looks at the stop */
#define FULL_REPORT_GAP (5000 * MS) /* "queue full" on stderr at most this often */
#define FACILITY 1 /* user: where a relay's default rules route it */

struct pending {
	char *buf;
	size_t len, cap, off; /* off: bytes the socket took */
	uint32_t *ends; /* end offset of each frame in buf */
	uint32_t n, first, max; /* first: the first frame not wholly written */
};

struct syslog_out {
	char url[300];
	struct syslog_hdr hdr;
	struct formatter fmt; /* JSON, exactly as -o json prints */
	struct out_sink discard; /* the formatter's line is taken, not written */
	char *frame;
	size_t frame_cap;

	pthread_mutex_t mu; /* guards the ring, the flags and the counters */
	pthread_cond_t cv;
	char *q;
	size_t qcap; /* a power of two */
	uint64_t qhead, qtail; /* byte positions; records: u32 length, frame */
	bool idle, stopping;
	uint64_t deadline; /* stopping: when the sender gives up */
	uint64_t given, sent, lost_full, lost_cut, lost_exit;

	pthread_t thr;
	bool started;
	bool up; /* connected: read by syslog_report() on the main thread */
	struct sl_net net;
	struct sl_conn conn;
	struct pending pend;
	char lasterr[512]; /* printed once until the connection is back */
	uint64_t full_reported, full_report_ns;
};

static const char *const msgids[TR_KIND_MAX] = {
	[TR_EXEC] = "process_exec", [TR_EXIT] = "process_exit",
	[TR_KPROBE] = "process_kprobe", [TR_TRACEPOINT] = "process_tracepoint",
	[TR_LSM] = "process_lsm", [TR_UPROBE] = "process_uprobe",
};

/* ---- pure parts: URL, header fields, framing ----------------------------- */

static int parse_port(const char *s, char *out, size_t cap)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (!*s || *end || errno || v < 1 || v > 65535 || *s == '+' || *s == '-')
		return -1;
	snprintf(out, cap, "%ld", v);
	return 0;
}

int syslog_parse_url(const char *url, struct syslog_target *t, char *err, size_t errlen)
{
	const char *h, *hend, *rest;

	memset(t, 0, sizeof(*t));
	if (strncmp(url, "tcp://", 6) && strncmp(url, "tls://", 6))
		goto bad;
	t->tls = url[2] == 's';
	h = url + 6;
	if (*h == '[') { /* [IPv6]:PORT */
		hend = strchr(++h, ']');
		rest = hend ? hend + 1 : NULL;
	} else {
		hend = h + strcspn(h, ":");
		rest = hend;
		if (*rest && strchr(rest + 1, ':'))
			goto bad; /* an IPv6 address needs its brackets */
	}
	if (!hend || hend == h || hend - h >= (long)sizeof(t->host) ||
	    strcspn(h, " /@?#\t\r\n") < (size_t)(hend - h))
		goto bad;
	memcpy(t->host, h, hend - h);
	if (!*rest) /* the IANA ports: 514 for TCP (RFC 6587), 6514 for TLS (RFC 5425) */
		snprintf(t->port, sizeof(t->port), "%s", t->tls ? "6514" : "514");
	else if (*rest != ':' || parse_port(rest + 1, t->port, sizeof(t->port)))
		goto bad;
	return 0;
bad:
	snprintf(err, errlen, "--syslog takes tcp://HOST[:PORT] or tls://HOST[:PORT], not \"%s\"", url);
	return -1;
}

void syslog_hostname(char *out, size_t cap, const char *name)
{
	size_t i, n = name ? strlen(name) : 0;

	if (n > 255)
		n = 255;
	if (n + 1 > cap)
		n = cap - 1;
	for (i = 0; i < n; i++) /* PRINTUSASCII: a space would shift every field after it */
		out[i] = name[i] > 32 && name[i] < 127 ? name[i] : '_';
	out[n] = 0;
	if (!n && cap >= 2)
		memcpy(out, "-", 2);
}

int syslog_severity(const struct tr_event *ev)
{
	if (ev->kind < TR_KPROBE)
		return 6; /* info: exec and exit */
	if (ev->action == HA_SIGKILL || ev->action == HA_SIGNAL || ev->action == HA_OVERRIDE)
		return 4; /* warning: the policy acted (or, --monitor, would have) */
	return 5; /* notice: a policy matched */
}

/* TIMESTAMP: RFC 3339 in UTC, microseconds (RFC 5424's most). */
static void put_timestamp(char *buf, size_t cap, uint64_t ns)
{
	time_t sec = (time_t)(ns / 1000000000);
	struct tm tm;

	if (!ns || !gmtime_r(&sec, &tm)) {
		snprintf(buf, cap, "-");
		return;
	}
	snprintf(buf, cap, "%04d-%02d-%02dT%02d:%02d:%02d.%06uZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		 (unsigned int)(ns % 1000000000 / 1000));
}

size_t syslog_frame(char *buf, size_t cap, const struct syslog_hdr *h, const struct tr_event *ev,
		    const char *msg, size_t len)
{
	const char *msgid = ev->kind > 0 && ev->kind < TR_KIND_MAX ? msgids[ev->kind] : NULL;
	char head[400], ts[96];
	int hl, pl;

	if (len && msg[len - 1] == '\n')
		len--;
	put_timestamp(ts, sizeof(ts), ev->time_ns);
	hl = snprintf(head, sizeof(head), "<%d>1 %s %s tracer %u %s -%s", FACILITY * 8 +
		      syslog_severity(ev), ts, h->hostname, h->pid, msgid ? msgid : "-",
		      len ? " " : "");
	if (hl < 0 || (size_t)hl >= sizeof(head))
		return 0;
	pl = snprintf(buf, cap, "%zu ", (size_t)hl + len);
	if (pl < 0 || (size_t)pl + hl + len > cap)
		return 0;
	memcpy(buf + pl, head, hl);
	memcpy(buf + pl + hl, msg, len);
	return pl + hl + len;
}

/* ---- the ring (under mu) -------------------------------------------------- */

static void ring_put(struct syslog_out *s, uint64_t pos, const void *src, size_t n)
{
	size_t i = pos & (s->qcap - 1), first = n < s->qcap - i ? n : s->qcap - i;

	memcpy(s->q + i, src, first);
	memcpy(s->q, (const char *)src + first, n - first);
}

static void ring_get(const struct syslog_out *s, uint64_t pos, void *dst, size_t n)
{
	size_t i = pos & (s->qcap - 1), first = n < s->qcap - i ? n : s->qcap - i;

	memcpy(dst, s->q + i, first);
	memcpy((char *)dst + first, s->q, n - first);
}

void syslog_event(struct syslog_out *s, const struct tr_event *ev)
{
	uint32_t n;
	bool wake;

	formatter_event(&s->fmt, ev);
	n = syslog_frame(s->frame, s->frame_cap, &s->hdr, ev, s->fmt.line, s->fmt.line_len);
	pthread_mutex_lock(&s->mu);
	s->given++;
	if (!n || s->stopping || s->qcap - (s->qhead - s->qtail) < n + sizeof(n)) {
		s->lost_full++;
		pthread_mutex_unlock(&s->mu);
		return;
	}
	ring_put(s, s->qhead, &n, sizeof(n));
	ring_put(s, s->qhead + sizeof(n), s->frame, n);
	s->qhead += sizeof(n) + n;
	wake = s->idle; /* a futex wake only when the sender sleeps */
	s->idle = false;
	if (wake)
		pthread_cond_signal(&s->cv);
	pthread_mutex_unlock(&s->mu);
}

/* Whole frames from the ring into the pending buffer, while they fit. */
static void take_frames(struct syslog_out *s)
{
	struct pending *p = &s->pend;
	uint32_t n;

	while (s->qhead != s->qtail && p->n < p->max) {
		ring_get(s, s->qtail, &n, sizeof(n));
		if (p->len + n > p->cap)
			break;
		ring_get(s, s->qtail + sizeof(n), p->buf + p->len, n);
		s->qtail += sizeof(n) + n;
		p->len += n;
		p->ends[p->n++] = p->len;
	}
}

/* ---- the sender ------------------------------------------------------------ */

/* One line on stderr per distinct trouble, not one per retry. */
static void note(struct syslog_out *s, const char *fmt, ...)
{
	char msg[sizeof(s->lasterr)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!strcmp(msg, s->lasterr))
		return;
	snprintf(s->lasterr, sizeof(s->lasterr), "%s", msg);
	fprintf(stderr, "tracer: syslog %s: %s\n", s->url, msg);
}

/* The decoding thread only counts a full queue; the sender says so. */
static void report_full(struct syslog_out *s)
{
	uint64_t lost = __atomic_load_n(&s->lost_full, __ATOMIC_RELAXED), now = sl_now();

	if (lost == s->full_reported || now - s->full_report_ns < FULL_REPORT_GAP)
		return;
	s->full_reported = lost;
	s->full_report_ns = now;
	fprintf(stderr, "tracer: syslog %s: queue full, %llu events lost so far\n", s->url,
		(unsigned long long)lost);
}

/* Sleeps until t, a stop, or (idle) a new frame. Called with mu held. */
static void wait_locked(struct syslog_out *s, uint64_t t)
{
	struct timespec ts;

	if (s->stopping && t > s->deadline)
		t = s->deadline;
	ts.tv_sec = t / 1000000000;
	ts.tv_nsec = t % 1000000000;
	pthread_cond_timedwait(&s->cv, &s->mu, &ts);
}

/* Fills the pending buffer; false when the sender is to stop. */
static bool refill(struct syslog_out *s)
{
	bool go;

	pthread_mutex_lock(&s->mu);
	for (;;) {
		if (s->stopping && sl_now() >= s->deadline) {
			go = false;
			break;
		}
		take_frames(s);
		if (s->pend.len) {
			go = true;
			break;
		}
		if (s->stopping) {
			go = false; /* all sent */
			break;
		}
		s->idle = true;
		wait_locked(s, sl_now() + 1000 * MS);
		s->idle = false;
		pthread_mutex_unlock(&s->mu);
		report_full(s);
		pthread_mutex_lock(&s->mu);
	}
	pthread_mutex_unlock(&s->mu);
	return go;
}

/* Frames the socket took wholly are sent. */
static void account_sent(struct syslog_out *s)
{
	struct pending *p = &s->pend;
	uint32_t k = p->first;

	while (p->first < p->n && p->ends[p->first] <= p->off)
		p->first++;
	if (p->first != k)
		__atomic_add_fetch(&s->sent, p->first - k, __ATOMIC_RELAXED);
	if (p->first == p->n)
		p->len = p->off = p->n = p->first = 0;
}

/* The connection broke at p->off: a frame cut in the middle is lost (the
 * collector saw part of it; sending it again could duplicate it), the
 * frames not started stay for the next connection. Returns the cut count. */
static uint32_t keep_unstarted(struct syslog_out *s)
{
	struct pending *p = &s->pend;
	uint32_t start = p->first ? p->ends[p->first - 1] : 0, cut = 0, i;

	if (p->off > start) {
		cut = 1;
		__atomic_add_fetch(&s->lost_cut, 1, __ATOMIC_RELAXED);
		start = p->ends[p->first++];
	}
	memmove(p->buf, p->buf + start, p->len - start);
	for (i = p->first; i < p->n; i++)
		p->ends[i - p->first] = p->ends[i] - start;
	p->n -= p->first;
	p->len -= start;
	p->off = 0;
	p->first = 0;
	return cut;
}

/* Writes the pending frames: 0 all written, -1 connection broke, -2 the
 * stop deadline passed. */
static int send_pending(struct syslog_out *s, char *err, size_t errlen)
{
	struct pending *p = &s->pend;
	uint64_t dl, stop;
	ssize_t n;

	if (!sl_alive(&s->conn)) {
		snprintf(err, errlen, "the collector closed the connection");
		return -1;
	}
	while (p->len) {
		stop = __atomic_load_n(&s->stopping, __ATOMIC_ACQUIRE) ? s->deadline : UINT64_MAX;
		dl = sl_now() + WRITE_SLICE;
		if (dl > stop)
			dl = stop;
		n = sl_write(&s->conn, p->buf + p->off, p->len - p->off, dl, err, errlen);
		if (n < 0)
			return -1;
		if (!n && sl_now() >= stop)
			return -2;
		if (!n)
			report_full(s); /* the collector is slow to read */
		p->off += n;
		account_sent(s);
	}
	return 0;
}

static void connection_broke(struct syslog_out *s, const char *why)
{
	uint32_t cut = keep_unstarted(s);

	sl_close(&s->conn);
	__atomic_store_n(&s->up, false, __ATOMIC_RELAXED);
	if (cut)
		note(s, "%s; reconnecting (1 event cut short and lost)", why);
	else
		note(s, "%s; reconnecting", why);
}

/* Connects when it is time to; false while not connected. */
static bool ensure_connected(struct syslog_out *s, uint64_t *retry_at, uint64_t *backoff)
{
	char err[sizeof(s->lasterr) - 64];
	uint64_t now = sl_now(), dl = now + CONNECT_TIMEOUT;

	if (s->conn.fd >= 0)
		return true;
	if (now < *retry_at) {
		pthread_mutex_lock(&s->mu);
		wait_locked(s, *retry_at); /* until then, or the stop deadline */
		pthread_mutex_unlock(&s->mu);
		return false;
	}
	if (__atomic_load_n(&s->stopping, __ATOMIC_ACQUIRE) && dl > s->deadline)
		dl = s->deadline;
	if (sl_connect(&s->net, &s->conn, dl, err, sizeof(err))) {
		note(s, "%s (retrying)", err);
		*retry_at = sl_now() + *backoff;
		*backoff = *backoff * 2 > BACKOFF_MAX ? BACKOFF_MAX : *backoff * 2;
		return false;
	}
	*backoff = BACKOFF_MIN;
	__atomic_store_n(&s->up, true, __ATOMIC_RELAXED);
	if (s->lasterr[0])
		fprintf(stderr, "tracer: syslog %s: connected\n", s->url);
	s->lasterr[0] = 0;
	return true;
}

static void *sender_main(void *arg)
{
	struct syslog_out *s = arg;
	uint64_t retry_at = 0, backoff = BACKOFF_MIN;
	char err[sizeof(s->lasterr) - 64];
	int rc;

	while (refill(s)) {
		if (!ensure_connected(s, &retry_at, &backoff))
			continue;
		rc = send_pending(s, err, sizeof(err));
		if (rc == -2)
			break;
		if (rc == -1) {
			connection_broke(s, err);
			retry_at = sl_now() + BACKOFF_MIN;
		}
	}
	sl_close(&s->conn);
	return NULL;
}

/* ---- open, report, finish ------------------------------------------------ */

static int alloc_buffers(struct syslog_out *s, const struct syslog_opts *o)
{
	size_t want = o->queue_bytes ? o->queue_bytes : SYSLOG_QUEUE_BYTES;
	pthread_condattr_t ca;

	if (formatter_init(&s->fmt, OUT_JSON, NULL, o->host))
		return -1;
	/* an out_sink with an error set takes a line and writes nothing: the
	 * line stays in fmt.line for the frame */
	s->discard.fd = -1;
	s->discard.err = EBADF;
	s->fmt.sink = &s->discard;
	s->frame_cap = s->fmt.line_cap + 512;
	for (s->qcap = 1u << 16; s->qcap < want || s->qcap < 2 * s->frame_cap; s->qcap <<= 1)
		;
	s->pend.cap = 2 * s->frame_cap;
	s->pend.max = s->pend.cap / 64; /* no frame is shorter */
	s->frame = malloc(s->frame_cap);
	s->q = malloc(s->qcap);
	s->pend.buf = malloc(s->pend.cap);
	s->pend.ends = calloc(s->pend.max, sizeof(*s->pend.ends));
	pthread_mutex_init(&s->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->cv, &ca);
	pthread_condattr_destroy(&ca);
	return s->frame && s->q && s->pend.buf && s->pend.ends ? 0 : -1;
}

/* The sender takes no signal: SIGINT and SIGUSR1 interrupt the main loop. */
static int start_sender(struct syslog_out *s)
{
	sigset_t all, old;
	int rc;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&s->thr, NULL, sender_main, s);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	s->started = !rc;
	return rc ? -1 : 0;
}

int syslog_open(struct syslog_out **out, const struct syslog_opts *o, char *err, size_t errlen)
{
	struct syslog_target t;
	struct syslog_out *s;
	char name[256] = "";

	*out = NULL;
	if (syslog_parse_url(o->url, &t, err, errlen))
		return -1;
	s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	s->conn.fd = -1;
	snprintf(s->url, sizeof(s->url), "%s", o->url);
	gethostname(name, sizeof(name) - 1);
	syslog_hostname(s->hdr.hostname, sizeof(s->hdr.hostname), name);
	s->hdr.pid = getpid();
	if (sl_net_init(&s->net, &t, o, err, errlen)) {
		syslog_free(s);
		return -1;
	}
	if (alloc_buffers(s, o) || start_sender(s)) {
		snprintf(err, errlen, "syslog: out of memory");
		syslog_free(s);
		return -1;
	}
	*out = s;
	return 0;
}

void syslog_report(struct syslog_out *s, FILE *f)
{
	uint64_t q, given, lost;

	if (!s)
		return;
	pthread_mutex_lock(&s->mu);
	q = s->qhead - s->qtail;
	given = s->given;
	lost = s->lost_full + __atomic_load_n(&s->lost_cut, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&s->mu);
	fprintf(f, "tracer: syslog %s: %s, %llu events sent, %llu queued (%llu bytes), "
		"%llu not delivered\n", s->url,
		__atomic_load_n(&s->up, __ATOMIC_RELAXED) ? "connected" : "not connected",
		(unsigned long long)__atomic_load_n(&s->sent, __ATOMIC_RELAXED),
		(unsigned long long)(given - lost - __atomic_load_n(&s->sent, __ATOMIC_RELAXED)),
		(unsigned long long)q, (unsigned long long)lost);
}

/* Frames still in the ring or pending when the sender stopped. */
static uint64_t count_left(struct syslog_out *s)
{
	uint64_t n = s->pend.n - s->pend.first, pos;
	uint32_t len;

	for (pos = s->qtail; pos != s->qhead; pos += sizeof(len) + len, n++)
		ring_get(s, pos, &len, sizeof(len));
	return n;
}

void syslog_finish(struct syslog_out *s, uint64_t wait_ns, FILE *f)
{
	uint64_t lost;

	if (!s || !s->started)
		return;
	pthread_mutex_lock(&s->mu);
	__atomic_store_n(&s->stopping, true, __ATOMIC_RELEASE);
	s->deadline = sl_now() + wait_ns;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
	pthread_join(s->thr, NULL);
	s->started = false;
	s->lost_exit = count_left(s);
	lost = s->lost_full + s->lost_cut + s->lost_exit;
	fprintf(f, "tracer: syslog %s: %llu events sent, %llu events not delivered to syslog",
		s->url, (unsigned long long)s->sent, (unsigned long long)lost);
	if (lost)
		fprintf(f, " (lost: %llu queue full, %llu cut by a broken connection, %llu still "
			"queued at exit)", (unsigned long long)s->lost_full,
			(unsigned long long)s->lost_cut, (unsigned long long)s->lost_exit);
	fprintf(f, "\n");
}

void syslog_free(struct syslog_out *s)
{
	if (!s)
		return;
	if (s->started) { /* an error path: stop at once */
		pthread_mutex_lock(&s->mu);
		__atomic_store_n(&s->stopping, true, __ATOMIC_RELEASE);
		s->deadline = 0;
		pthread_cond_broadcast(&s->cv);
		pthread_mutex_unlock(&s->mu);
		pthread_join(s->thr, NULL);
	}
	sl_close(&s->conn);
	sl_net_free(&s->net);
	formatter_free(&s->fmt);
	free(s->frame);
	free(s->q);
	free(s->pend.buf);
	free(s->pend.ends);
	if (s->pend.max) {
		pthread_mutex_destroy(&s->mu);
		pthread_cond_destroy(&s->cv);
	}
	free(s);
}
