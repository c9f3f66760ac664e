/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* capture.c - capture files: a versioned header, then zlib blocks of records.
 *
 * Layout (framing little-endian; kernel records in the writer's byte order,
 * which the header's flags name):
 *
 *   preamble  "\x89TRACE\r\n" u16 version, u16 flags, u32 file_index,
 *             u64 file_start_ns, u32 body_len, u32 crc32(preamble..body)
 *   body      TLV fields {u16 tag, u16 tflags, u32 len, value}: tool,
 *             node, uname, host namespaces, start, clock offset, one per
 *             policy text, one per hook (unknown tags skipped unless
 *             TF_CRITICAL)
 *   block     u32 "BLK2", u32 comp_len, u32 raw_len, u32 crc32(raw),
 *             u8 link[32], then comp_len bytes of zlib data; raw = records;
 *             link = SHA-256(previous link, the 16 bytes before it, the
 *             zlib data); the first previous link is SHA-256(preamble,
 *             body)
 *   record    u32 len, u16 kind, u16 aux, len bytes, zero padding to 8
 *   end       u32 "END2", u32 blocks, u32 records, u32 crc32(first 12),
 *             u8 link[32]: the last block's (a cut file has none to match)
 *
 * Version 1 (still read) had "BLK1"/"END1" and no links.
 *
 * Another header may follow an end marker (files concatenated).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include <openssl/evp.h>
#include <zlib.h>

#include "output/capture/capture.h"

static const uint8_t file_magic[8] = {0x89, 'T', 'R', 'A', 'C', 'E', '\r', '\n'};
#define PREAMBLE_LEN 32
#define BLOCK_MAGIC_V1 0x314b4c42u /* "BLK1" */
#define END_MAGIC_V1 0x31444e45u   /* "END1" */
#define BLOCK_MAGIC 0x324b4c42u	   /* "BLK2" */
#define END_MAGIC 0x32444e45u	   /* "END2" */
#define BLOCK_HDR_LEN 16
#define REC_HDR_LEN 8
#define CAPF_BIG_ENDIAN 1u   /* kernel records are big-endian */
#define TF_CRITICAL 1u	     /* a reader that does not know the tag must refuse */
#define STR_NULL 0xffffffffu /* encoded length of a NULL string */
#define HOOK_MAX_TAGS 1024
#define HOOK_MIN_LEN 40 /* kind, ntags, nargs, has_ret, six string lengths */

/* A new field in tr_hook_info must be added to tlv_hook() and parse_hook(). */
_Static_assert(sizeof(struct tr_hook_info) == 168,
	       "struct tr_hook_info changed: update the capture serialiser");

enum rec_kind { REC_EVENT = 1, REC_SNAPSHOT, REC_ANNOT };

enum hdr_tag {
	T_TOOL = 1,
	T_NODE,
	T_HOST,
	T_KREL,
	T_KVER,
	T_MACHINE,
	T_HOST_NS,
	T_START,
	T_BOOT_TO_WALL,
	T_POLICY,
	T_HOOK,
	T_BOOT_ID,     /* version 2: the boot the records' clock belongs to */
	T_POLICY_HASH, /* hex SHA-256 over every T_POLICY value, in order */
	T_PREV_CHAIN,  /* the last link of the capture this one continues */
};

#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define HOST_FLAGS CAPF_BIG_ENDIAN
#else
#define HOST_FLAGS 0u
#endif

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v;
	p[1] = v >> 8;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v);
	put16(p + 2, v >> 16);
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, v);
	put32(p + 4, v >> 32);
}

static uint16_t get16(const uint8_t *p)
{
	return p[0] | p[1] << 8;
}

static uint32_t get32(const uint8_t *p)
{
	return get16(p) | (uint32_t)get16(p + 2) << 16;
}

static uint64_t get64(const uint8_t *p)
{
	return get32(p) | (uint64_t)get32(p + 4) << 32;
}

static size_t align8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* SHA-256 of up to three pieces (libcrypto: a well-kept implementation).
 * On an allocation failure the link is all ones: the chain then fails
 * to verify rather than silently passing. */
static void sha256_parts(uint8_t out[CAP_HASH_LEN], const void *a, size_t an, const void *b,
			 size_t bn, const void *c, size_t cn)
{
	EVP_MD_CTX *x = EVP_MD_CTX_new();
	unsigned int len = 0;

	if (!x || !EVP_DigestInit_ex(x, EVP_sha256(), NULL) || !EVP_DigestUpdate(x, a, an) ||
	    !EVP_DigestUpdate(x, b, bn) || !EVP_DigestUpdate(x, c, cn) ||
	    !EVP_DigestFinal_ex(x, out, &len) || len != CAP_HASH_LEN)
		memset(out, 0xff, CAP_HASH_LEN);
	EVP_MD_CTX_free(x);
}

static void hex(char *out, const uint8_t *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = 0;
}

/* ---- header serialisation ------------------------------------------ */

struct sbuf {
	uint8_t *p;
	size_t len, cap;
	bool oom;
};

static uint8_t *sb_grow(struct sbuf *b, size_t n)
{
	size_t cap = b->cap ? b->cap : 4096;
	uint8_t *p;

	if (b->oom)
		return NULL;
	while (cap - b->len < n)
		cap *= 2;
	if (cap != b->cap) {
		p = realloc(b->p, cap);
		if (!p) {
			b->oom = true;
			return NULL;
		}
		b->p = p;
		b->cap = cap;
	}
	p = b->p + b->len;
	b->len += n;
	return p;
}

static void sb_u32(struct sbuf *b, uint32_t v)
{
	uint8_t *p = sb_grow(b, 4);

	if (p)
		put32(p, v);
}

static void sb_bytes(struct sbuf *b, const void *d, size_t n)
{
	uint8_t *p = sb_grow(b, n);

	if (p && n)
		memcpy(p, d, n);
}

/* A length-prefixed string; NULL is kept distinct from "". */
static void sb_str(struct sbuf *b, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	sb_u32(b, s ? (uint32_t)n : STR_NULL);
	sb_bytes(b, s, n);
}

/* Starts a TLV field; returns where its length goes. */
static size_t tlv_begin(struct sbuf *b, uint16_t tag)
{
	uint8_t *p = sb_grow(b, 8);

	if (p) {
		put16(p, tag);
		put16(p + 2, 0);
	}
	return b->len;
}

static void tlv_end(struct sbuf *b, size_t at)
{
	if (!b->oom)
		put32(b->p + at - 4, b->len - at);
}

static void tlv_str(struct sbuf *b, uint16_t tag, const char *s)
{
	size_t at = tlv_begin(b, tag);

	sb_bytes(b, s ? s : "", s ? strlen(s) : 0);
	tlv_end(b, at);
}

static void tlv_u64(struct sbuf *b, uint16_t tag, uint64_t v)
{
	size_t at = tlv_begin(b, tag);
	uint8_t *p = sb_grow(b, 8);

	if (p)
		put64(p, v);
	tlv_end(b, at);
}

static void tlv_hook(struct sbuf *b, const struct tr_hook_info *h)
{
	size_t at = tlv_begin(b, T_HOOK);
	int ntags = h->tags && h->ntags > 0 ? h->ntags : 0;
	int nargs = h->nargs < 0 ? 0 : h->nargs > HOOK_MAX_ARGS ? HOOK_MAX_ARGS : h->nargs;
	int i;

	sb_u32(b, h->kind);
	sb_u32(b, ntags);
	sb_u32(b, nargs);
	sb_u32(b, h->has_ret);
	sb_str(b, h->policy_name);
	sb_str(b, h->function_name);
	sb_str(b, h->subsys);
	sb_str(b, h->event);
	sb_str(b, h->message);
	sb_str(b, h->ret_type);
	for (i = 0; i < ntags; i++)
		sb_str(b, h->tags[i]);
	for (i = 0; i < nargs; i++) {
		sb_str(b, h->arg_type[i]);
		sb_str(b, h->arg_label[i]);
	}
	/* Fields added later go here, after the fixed ones: older readers
	 * ignore what follows what they know. */
	sb_str(b, h->k8s_namespace);
	tlv_end(b, at);
}

static void tlv_policy(struct sbuf *b, const struct capture_blob *p)
{
	size_t at = tlv_begin(b, T_POLICY);

	sb_str(b, p->name ? p->name : "");
	sb_u32(b, p->len);
	sb_bytes(b, p->data, p->len);
	tlv_end(b, at);
}

static void tlv_uname(struct sbuf *b, const struct capture_info *in)
{
	struct utsname u;
	bool ok = uname(&u) == 0;

	tlv_str(b, T_HOST, in->host_name ? in->host_name : ok ? u.nodename : "");
	tlv_str(b, T_KREL, in->kernel_release ? in->kernel_release : ok ? u.release : "");
	tlv_str(b, T_KVER, in->kernel_version ? in->kernel_version : ok ? u.version : "");
	tlv_str(b, T_MACHINE, in->machine ? in->machine : ok ? u.machine : "");
}

/* The policies' hash: one value to compare two captures' rule sets by. */
static void tlv_policy_hash(struct sbuf *b, const struct capture_info *in)
{
	uint8_t h[CAP_HASH_LEN] = {0}, len[4];
	char text[2 * CAP_HASH_LEN + 1];
	int i;

	for (i = 0; i < in->npolicies; i++) {
		put32(len, in->policies[i].len);
		sha256_parts(h, h, sizeof(h), len, 4, in->policies[i].data, in->policies[i].len);
	}
	hex(text, h, sizeof(h));
	tlv_str(b, T_POLICY_HASH, text);
}

static void tlv_boot_id(struct sbuf *b, const char *given)
{
	char id[64] = "";
	FILE *f;

	if (!given && (f = fopen("/proc/sys/kernel/random/boot_id", "re"))) {
		if (!fgets(id, sizeof(id), f))
			id[0] = 0;
		id[strcspn(id, "\n")] = 0;
		fclose(f);
	}
	tlv_str(b, T_BOOT_ID, given ? given : id);
}

/* The header body; uname fields the caller left NULL are filled in.
 * *ns_at: where the host namespaces are, to update them later; the
 * previous link follows them (rewritten per rotated file). */
static int header_body(struct sbuf *b, const struct capture_info *in, size_t *ns_at)
{
	size_t at;
	int i;

	if (in->npolicies > CAP_POLICIES_MAX || in->nhooks > CAP_HOOKS_MAX)
		return -E2BIG;
	tlv_str(b, T_TOOL, in->tool_version);
	tlv_str(b, T_NODE, in->node_name);
	tlv_uname(b, in);
	at = tlv_begin(b, T_HOST_NS);
	*ns_at = at;
	for (i = 0; i < NS_COUNT; i++)
		sb_u32(b, in->host_ns[i]);
	tlv_end(b, at);
	at = tlv_begin(b, T_PREV_CHAIN);
	sb_bytes(b, in->prev_chain, CAP_HASH_LEN);
	tlv_end(b, at);
	tlv_boot_id(b, in->boot_id);
	tlv_policy_hash(b, in);
	tlv_u64(b, T_START, in->start_ns ? in->start_ns : clock_ns(CLOCK_REALTIME));
	tlv_u64(b, T_BOOT_TO_WALL, (uint64_t)in->boot_to_wall_ns);
	for (i = 0; i < in->npolicies; i++)
		tlv_policy(b, &in->policies[i]);
	for (i = 0; i < in->nhooks; i++)
		tlv_hook(b, &in->hooks[i]);
	if (b->oom || b->len > CAP_HEADER_MAX)
		return -ENOMEM;
	return 0;
}

static void preamble(uint8_t *p, uint32_t index, uint64_t start, const uint8_t *body, uint32_t len)
{
	uint32_t crc;

	memcpy(p, file_magic, sizeof(file_magic));
	put16(p + 8, CAP_VERSION);
	put16(p + 10, HOST_FLAGS);
	put32(p + 12, index);
	put64(p + 16, start);
	put32(p + 24, len);
	crc = crc32(0, p, 28);
	put32(p + 28, crc32(crc, body, len));
}

/* ---- writer ---------------------------------------------------------- */

struct capture_writer {
	struct capture_opts o;
	char *base; /* opts.path, owned */
	char *name; /* the file being written */
	size_t name_cap;
	int fd;
	bool own_fd;
	uint8_t *body; /* serialised header body, rewritten per file */
	size_t body_len;
	size_t body_ns; /* where the host namespaces are in body */
	uint32_t seq;	/* files begun, minus one */
	uint8_t chain[CAP_HASH_LEN]; /* the last link written */
	uint64_t file_bytes;
	uint32_t file_blocks, file_recs, file_user_recs;
	uint8_t *pend; /* records of the block being filled */
	size_t pend_len, pend_cap;
	uint32_t pend_recs, pend_user_recs;
	uint8_t *out; /* block header + compressed data */
	size_t out_cap;
	z_stream z;
	bool z_ok, in_rotate;
	bool rotate_due; /* over -C: the next record starts a new file */
	uint64_t last_flush_ms;
	int err;
	char msg[512];
};

static int w_fail(struct capture_writer *w, int err)
{
	if (!w->err) {
		w->err = err;
		snprintf(w->msg, sizeof(w->msg), "%s: %s", w->name,
			 err == -EEXIST	  ? "exists and is another user's or has other links; "
					    "remove it first"
			 : err == -ELOOP ? "a symbolic link to a file; not followed"
					 : strerror(-err));
	}
	return w->err;
}

static int write_all(struct capture_writer *w, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t k = write(w->fd, p, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return w_fail(w, k < 0 ? -errno : -EIO);
		p += k;
		n -= k;
		w->file_bytes += k;
	}
	return 0;
}

int capture_file_name(char *out, size_t cap, const char *base, uint32_t idx, uint32_t max_files)
{
	int width = 0, n;
	uint32_t x = max_files ? max_files - 1 : 0;

	for (; x; x /= 10)
		width++;
	if (idx == 0 && width == 0)
		n = snprintf(out, cap, "%s", base);
	else
		n = snprintf(out, cap, "%s%0*u", base, width, idx);
	return n < 0 || (size_t)n >= cap ? -1 : 0;
}

static int write_header(struct capture_writer *w)
{
	uint8_t p[PREAMBLE_LEN];

	preamble(p, w->seq, clock_ns(CLOCK_REALTIME), w->body, w->body_len);
	sha256_parts(w->chain, p, sizeof(p), w->body, w->body_len, NULL, 0);
	if (write_all(w, p, sizeof(p)))
		return w->err;
	return write_all(w, w->body, w->body_len);
}

/* A capture holds argv: created 0600, never through a link. A file that
 * exists is reused only when it is ours, a regular file with one name
 * (no link planted in /tmp by someone else), and made 0600 before it is
 * truncated; a device or FIFO (/dev/null, a pipe) is written as is. */
static int open_capture(const char *name)
{
	int fd = open(name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	bool link = false;
	struct stat sb;

	if (fd >= 0 || errno != EEXIST)
		return fd >= 0 ? fd : -errno;
	/* a link is followed only to a pipe or device (/dev/stdout) */
	fd = open(name, O_WRONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0 && errno == ELOOP)
		fd = open(name, O_WRONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY), link = true;
	if (fd < 0)
		return -errno;
	if (fstat(fd, &sb)) {
		close(fd);
		return -errno;
	}
	if (S_ISREG(sb.st_mode) && link) {
		close(fd);
		return -ELOOP;
	}
	if (S_ISREG(sb.st_mode) && (sb.st_uid != geteuid() || sb.st_nlink != 1)) {
		close(fd);
		return -EEXIST;
	}
	if (S_ISREG(sb.st_mode) && (fchmod(fd, 0600) || ftruncate(fd, 0))) {
		close(fd);
		return -errno;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return fd;
}

/* Opens file number seq of the rotation and writes its header. */
static int open_file(struct capture_writer *w)
{
	uint32_t idx = w->o.max_files ? w->seq % w->o.max_files : w->seq;

	w->file_bytes = 0;
	w->file_blocks = w->file_recs = w->file_user_recs = 0;
	if (w->seq) /* a rotated file continues the previous one's chain */
		memcpy(w->body + w->body_ns + 4 * NS_COUNT + 8, w->chain, CAP_HASH_LEN);
	if (!strcmp(w->base, "-")) {
		snprintf(w->name, w->name_cap, "standard output");
		w->fd = STDOUT_FILENO;
		return write_header(w);
	}
	if (capture_file_name(w->name, w->name_cap, w->base, idx, w->o.max_files)) {
		snprintf(w->name, w->name_cap, "%s", w->base);
		return w_fail(w, -ENAMETOOLONG);
	}
	/* a later window of the flight recorder: the file it created itself */
	w->fd = w->o.append ? open(w->name, O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC)
			    : open_capture(w->name);
	if (w->o.append && w->fd < 0)
		w->fd = -errno;
	if (w->fd < 0)
		return w_fail(w, w->fd);
	w->own_fd = true;
	return write_header(w);
}

static int write_end(struct capture_writer *w)
{
	uint8_t e[BLOCK_HDR_LEN + CAP_HASH_LEN];

	put32(e, END_MAGIC);
	put32(e + 4, w->file_blocks);
	put32(e + 8, w->file_recs);
	put32(e + 12, crc32(0, e, 12));
	memcpy(e + BLOCK_HDR_LEN, w->chain, CAP_HASH_LEN);
	return write_all(w, e, sizeof(e));
}

static int close_file(struct capture_writer *w)
{
	int rc = write_end(w);

	if (w->own_fd && close(w->fd) && !rc)
		rc = w_fail(w, -errno);
	w->own_fd = false;
	w->fd = -1;
	return rc;
}

static int rotate(struct capture_writer *w)
{
	int rc;

	if (close_file(w))
		return w->err;
	w->seq++;
	if (open_file(w))
		return w->err;
	if (!w->o.on_rotate)
		return 0;
	w->in_rotate = true;
	rc = w->o.on_rotate(w->o.rotate_ctx, w);
	w->in_rotate = false;
	return rc && !w->err ? w_fail(w, rc < 0 ? rc : -EIO) : w->err;
}

static uint64_t now_ms(void)
{
	return clock_ns(CLOCK_MONOTONIC) / 1000000;
}

/* Deflates the pending records into out, behind the block header. */
static int compress_block(struct capture_writer *w, size_t *len)
{
	uint8_t *h = w->out;

	if (deflateReset(&w->z) != Z_OK)
		return -EIO;
	w->z.next_in = w->pend;
	w->z.avail_in = w->pend_len;
	w->z.next_out = w->out + BLOCK_HDR_LEN + CAP_HASH_LEN;
	w->z.avail_out = w->out_cap - BLOCK_HDR_LEN - CAP_HASH_LEN;
	if (deflate(&w->z, Z_FINISH) != Z_STREAM_END)
		return -EIO;
	put32(h, BLOCK_MAGIC);
	put32(h + 4, w->z.total_out);
	put32(h + 8, w->pend_len);
	put32(h + 12, crc32(0, w->pend, w->pend_len));
	/* the link is computed here; w->chain moves on once it is written */
	sha256_parts(h + BLOCK_HDR_LEN, w->chain, CAP_HASH_LEN, h, BLOCK_HDR_LEN,
		     h + BLOCK_HDR_LEN + CAP_HASH_LEN, w->z.total_out);
	*len = BLOCK_HDR_LEN + CAP_HASH_LEN + w->z.total_out;
	return 0;
}

int capture_flush(struct capture_writer *w)
{
	size_t len;
	int rc;

	if (w->err || !w->pend_len)
		return w->err;
	rc = compress_block(w, &len);
	if (rc)
		return w_fail(w, rc);
	if (write_all(w, w->out, len))
		return w->err;
	memcpy(w->chain, w->out + BLOCK_HDR_LEN, CAP_HASH_LEN);
	w->file_blocks++;
	w->file_recs += w->pend_recs;
	w->file_user_recs += w->pend_user_recs;
	w->pend_len = 0;
	w->pend_recs = w->pend_user_recs = 0;
	w->last_flush_ms = now_ms();
	/* Over -C and holding a record of its own (a snapshot bigger than -C
	 * must not rotate forever): the next record goes to a new file, so
	 * stopping now leaves no empty one. */
	if (w->o.rotate_bytes && w->file_bytes > w->o.rotate_bytes && w->file_user_recs)
		w->rotate_due = true;
	return 0;
}

size_t capture_pending(const struct capture_writer *w)
{
	return w->pend_len;
}

int capture_tick(struct capture_writer *w)
{
	if (w->err || !w->pend_len || now_ms() - w->last_flush_ms < w->o.flush_ms)
		return w->err;
	return capture_flush(w);
}

/* Appends one record: framing, head (hlen bytes), body (blen), padding. */
static int append(struct capture_writer *w, uint16_t kind, uint16_t aux, const void *head,
		  size_t hlen, const void *body, size_t blen)
{
	size_t len = hlen + blen, total = REC_HDR_LEN + align8(len);
	uint8_t *p;

	if (w->err)
		return w->err;
	if (len > CAP_RECORD_MAX)
		return -E2BIG;
	/* A flush may make a rotation due, and a rotation's snapshot refill
	 * the block: loop until the record fits in the file it belongs to, so
	 * that a new file's snapshot always comes before its first record. */
	for (;;) {
		if (w->rotate_due && !w->in_rotate) {
			w->rotate_due = false;
			if (rotate(w))
				return w->err;
		} else if (w->pend_len && w->pend_len + total > CAP_BLOCK_TARGET) {
			if (capture_flush(w))
				return w->err;
		} else {
			break;
		}
	}
	p = w->pend + w->pend_len;
	put32(p, len);
	put16(p + 4, kind);
	put16(p + 6, aux);
	memcpy(p + REC_HDR_LEN, head, hlen);
	if (blen)
		memcpy(p + REC_HDR_LEN + hlen, body, blen);
	memset(p + REC_HDR_LEN + len, 0, total - REC_HDR_LEN - len);
	w->pend_len += total;
	w->pend_recs++;
	w->pend_user_recs += !w->in_rotate;
	return 0;
}

/* The start-up scan reports the host namespaces after the header is
 * written: later files of a rotation carry them in their header. */
static void note_host(struct capture_writer *w, const void *data, size_t size)
{
	const struct event_proc *e = data;
	int i;

	if (size < sizeof(*e) || e->hdr.type != EV_HOST)
		return;
	for (i = 0; i < NS_COUNT; i++)
		put32(w->body + w->body_ns + 4 * i, e->ns[i]);
}

int capture_write_event(struct capture_writer *w, const void *data, size_t size)
{
	note_host(w, data, size);
	return append(w, REC_EVENT, 0, data, size, NULL, 0);
}

int capture_write_snapshot(struct capture_writer *w, const void *data, size_t size)
{
	return append(w, REC_SNAPSHOT, 0, data, size, NULL, 0);
}

int capture_write_annot(struct capture_writer *w, uint8_t type, const char *id, const void *blob,
			size_t len)
{
	size_t idl = strlen(id);
	uint8_t head[4 + 256];

	if (idl > sizeof(head) - 5)
		return -ENAMETOOLONG;
	put32(head, idl);
	memcpy(head + 4, id, idl + 1);
	return append(w, REC_ANNOT, type, head, 4 + idl + 1, blob, len);
}

static int writer_buffers(struct capture_writer *w, const struct capture_info *info)
{
	struct sbuf b = {0};

	w->pend_cap = CAP_BLOCK_TARGET + REC_HDR_LEN + align8(CAP_RECORD_MAX);
	w->pend = malloc(w->pend_cap);
	w->name_cap = strlen(w->base) + 32;
	w->name = malloc(w->name_cap);
	if (!w->pend || !w->name || header_body(&b, info, &w->body_ns)) {
		free(b.p);
		return -ENOMEM;
	}
	w->body = b.p;
	w->body_len = b.len;
	if (w->o.prev_chain) /* a flight-recorder window continues the one before */
		memcpy(w->body + w->body_ns + 4 * NS_COUNT + 8, w->o.prev_chain, CAP_HASH_LEN);
	if (deflateInit(&w->z, w->o.level) != Z_OK)
		return -ENOMEM;
	w->z_ok = true;
	w->out_cap = BLOCK_HDR_LEN + CAP_HASH_LEN + deflateBound(&w->z, w->pend_cap);
	w->out = malloc(w->out_cap);
	return w->out ? 0 : -ENOMEM;
}

static void writer_free(struct capture_writer *w)
{
	if (w->z_ok)
		deflateEnd(&w->z);
	if (w->own_fd)
		close(w->fd);
	free(w->base);
	free(w->name);
	free(w->body);
	free(w->pend);
	free(w->out);
	free(w);
}

struct capture_writer *capture_writer_open(const struct capture_opts *o,
					   const struct capture_info *info, char *err,
					   size_t errlen)
{
	struct capture_writer *w = calloc(1, sizeof(*w));

	if (!w || !(w->base = strdup(o->path))) {
		snprintf(err, errlen, "%s: %s", o->path, strerror(ENOMEM));
		free(w);
		return NULL;
	}
	w->o = *o;
	w->o.flush_ms = o->flush_ms ? o->flush_ms : 1000;
	w->o.level = o->level ? o->level : 1;
	w->fd = -1;
	if (!strcmp(o->path, "-") && o->rotate_bytes) {
		snprintf(err, errlen, "-: cannot rotate standard output");
		goto fail;
	}
	if (writer_buffers(w, info)) {
		snprintf(err, errlen, "%s: %s", o->path, strerror(ENOMEM));
		goto fail;
	}
	w->last_flush_ms = now_ms();
	if (!open_file(w))
		return w;
	snprintf(err, errlen, "%s", w->msg);
fail:
	writer_free(w);
	return NULL;
}

int capture_writer_close(struct capture_writer *w, char *err, size_t errlen)
{
	int rc;

	if (!w)
		return 0;
	capture_flush(w);
	if (w->fd >= 0 && !w->err)
		close_file(w);
	rc = w->err;
	if (rc && err)
		snprintf(err, errlen, "%s", w->msg);
	writer_free(w);
	return rc;
}

const uint8_t *capture_writer_chain(const struct capture_writer *w)
{
	return w->chain;
}

const char *capture_writer_error(const struct capture_writer *w)
{
	return w->err ? w->msg : "";
}

/* ---- the rotation snapshot ------------------------------------------- */

static char *put_field(char *p, const char *s, size_t n, __u16 *len, bool nul)
{
	memcpy(p, s, n);
	if (nul)
		p[n++] = 0;
	*len = n;
	return p + n;
}

size_t capture_proc_to_scan(const struct proc_rec *rec, void *buf, size_t cap)
{
	const char *bin = rec->binary ? rec->binary : "", *cwd = rec->cwd ? rec->cwd : "";
	const char *cg = rec->cgroup ? rec->cgroup : "",
		   *cg1 = rec->cgroup_v1 ? rec->cgroup_v1 : "";
	size_t nb = strlen(bin), nc = strlen(cwd), ng = strlen(cg), ng1 = strlen(cg1);
	size_t na = rec->args ? rec->args_len : 0;
	size_t need = sizeof(struct event_proc) + nb + nc + na + ng + ng1 + 6 +
		      sizeof(struct event_binfile);
	struct event_proc *e = buf;
	__u16 l1 = 0, l2 = 0;
	char *p;

	if (need > cap || nb >= 0xffff || nc >= 0xffff || na + 2 >= 0xffff ||
	    ng + ng1 + 2 >= 0xffff)
		return 0;
	memset(e, 0, sizeof(*e));
	e->hdr.type = EV_SCAN;
	e->hdr.ktime = rec->ktime;
	e->pid = rec->pid;
	e->tid = rec->tid;
	e->ppid = rec->ppid;
	e->nspid = rec->nspid;
	e->start_ktime = rec->ktime;
	e->cgroup_id = rec->cgroup_id;
	e->creds = rec->creds;
	memcpy(e->ns, rec->ns, sizeof(e->ns));
	e->flags = (rec->flags & ~PROC_F_BP_MASK) |
		   ((uint32_t)rec->secureexec << PROC_F_BP_SHIFT & PROC_F_BP_MASK);
	p = put_field((char *)(e + 1), bin, nb, &e->binary_len, true);
	p = put_field(p, cwd, nc, &e->cwd_len, true);
	/* argv[0] is dropped by the decoder: an empty one, then argv[1..n]. */
	*p++ = 0;
	p = put_field(p, rec->args, na, &e->args_len, na > 0);
	e->args_len += 1;
	p = put_field(p, cg, ng, &l1, true);
	p = put_field(p, cg1, ng1, &l2, ng1 > 0);
	e->cgroup_len = l1 + l2;
	if (rec->bin_known) { /* the exec's inode, for its binary_properties */
		struct event_binfile bf = {rec->bin_ino, rec->bin_nlink, 0};

		e->flags |= PROC_F_BINFILE;
		memcpy(p, &bf, sizeof(bf));
		p += sizeof(bf);
	}
	e->hdr.size = p - (char *)buf;
	return e->hdr.size;
}

/* ---- reader ---------------------------------------------------------- */

enum rd_state { RD_HEADER, RD_BLOCKS, RD_AFTER_END, RD_DONE, RD_ERROR };

struct capture_reader {
	FILE *fp;
	bool own_fp;
	enum rd_state state;
	uint64_t off; /* bytes consumed */
	bool any_header;
	char err[256];
	/* the current header */
	struct capture_info info;
	struct tr_hook_info *hooks;
	struct capture_blob *policies;
	uint8_t *arena;
	size_t arena_len, arena_used;
	/* the header before it: a replay still decodes its last batch against
	 * its hooks after the next header was read (freed at the one after) */
	struct tr_hook_info *old_hooks;
	struct capture_blob *old_policies;
	uint8_t *old_arena;
	/* the current block */
	uint8_t *comp, *raw; /* grown to the largest block seen */
	size_t comp_cap, raw_cap;
	size_t raw_len, raw_pos;
	uint64_t block_off;
	bool partial;	       /* a truncated block: its good records, then err */
	uint32_t blocks, recs; /* in this file, for the end marker */
	bool chained;	       /* version 2: blocks carry links */
	uint8_t chain[CAP_HASH_LEN]; /* the last link checked */
	z_stream z;
	bool z_ok;
};

__attribute__((format(printf, 2, 3))) static int r_fail(struct capture_reader *r, const char *fmt,
							...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->err, sizeof(r->err), fmt, ap);
	va_end(ap);
	r->state = RD_ERROR;
	return -1;
}

/* Reads up to n bytes; fewer only at end of file (or on an I/O error,
 * which fails the reader). Returns the count, or -1. */
static long rd(struct capture_reader *r, void *buf, size_t n)
{
	size_t k = n ? fread(buf, 1, n, r->fp) : 0;

	r->off += k;
	if (k < n && ferror(r->fp))
		return r_fail(r, "read error: %s", strerror(errno ? errno : EIO));
	return k;
}

static void *arena_alloc(struct capture_reader *r, size_t n, size_t align)
{
	size_t at = (r->arena_used + align - 1) & ~(align - 1);

	if (at > r->arena_len || n > r->arena_len - at)
		return NULL;
	r->arena_used = at + n;
	return r->arena + at;
}

/* A cursor over untrusted bytes: every take is bounds checked. */
struct cur {
	const uint8_t *p, *end;
	bool bad;
};

static const uint8_t *take(struct cur *c, size_t n)
{
	const uint8_t *p = c->p;

	if (c->bad || (size_t)(c->end - c->p) < n) {
		c->bad = true;
		return NULL;
	}
	c->p += n;
	return p;
}

static uint32_t take32(struct cur *c)
{
	const uint8_t *p = take(c, 4);

	return p ? get32(p) : 0;
}

/* A copy of n bytes with a NUL after them, in the arena. */
static const char *arena_str(struct capture_reader *r, struct cur *c, const uint8_t *s, size_t n)
{
	char *out = arena_alloc(r, n + 1, 1);

	if (!out) {
		c->bad = true;
		return NULL;
	}
	memcpy(out, s, n);
	out[n] = 0;
	return out;
}

/* A length-prefixed string; NULL when encoded as such (or on damage). */
static const char *take_str(struct capture_reader *r, struct cur *c)
{
	uint32_t n = take32(c);
	const uint8_t *s;

	if (n == STR_NULL)
		return NULL;
	s = take(c, n);
	return s ? arena_str(r, c, s, n) : NULL;
}

static void parse_hook(struct capture_reader *r, struct cur *c, struct tr_hook_info *h)
{
	uint32_t kind = take32(c), ntags = take32(c), nargs = take32(c), has_ret = take32(c);
	const char **tags = NULL;
	uint32_t i;

	if (kind < TR_KPROBE || kind >= TR_KIND_MAX || ntags > HOOK_MAX_TAGS ||
	    nargs > HOOK_MAX_ARGS || has_ret > 1 || c->bad) {
		c->bad = true;
		return;
	}
	h->kind = kind;
	h->has_ret = has_ret;
	h->policy_name = take_str(r, c);
	h->function_name = take_str(r, c);
	h->subsys = take_str(r, c);
	h->event = take_str(r, c);
	h->message = take_str(r, c);
	h->ret_type = take_str(r, c);
	if (ntags && !(tags = arena_alloc(r, ntags * sizeof(*tags), sizeof(void *))))
		c->bad = true;
	for (i = 0; i < ntags && !c->bad; i++)
		tags[i] = take_str(r, c);
	h->tags = tags;
	h->ntags = c->bad ? 0 : ntags;
	for (i = 0; i < nargs && !c->bad; i++) {
		h->arg_type[i] = take_str(r, c);
		h->arg_label[i] = take_str(r, c);
	}
	h->nargs = c->bad ? 0 : nargs;
	if (c->p < c->end)
		h->k8s_namespace = take_str(r, c);
	c->p = c->end; /* fields of a newer writer */
}

static void parse_policy(struct capture_reader *r, struct cur *c, struct capture_blob *b)
{
	const char *name = take_str(r, c);
	uint32_t n = take32(c);
	const uint8_t *d = take(c, n);

	b->name = name ? name : "";
	b->data = d ? arena_str(r, c, d, n) : NULL;
	b->len = b->data ? n : 0;
}

static void parse_ns(struct capture_info *in, struct cur *v)
{
	int i;

	if ((v->end - v->p) % 4) {
		v->bad = true;
		return;
	}
	for (i = 0; i < NS_COUNT && v->p < v->end; i++)
		in->host_ns[i] = take32(v);
}

/* One header field; v covers exactly its value. */
static void parse_field(struct capture_reader *r, uint16_t tag, uint16_t tflags, struct cur *v)
{
	struct capture_info *in = &r->info;
	const char **str[] = {
	    [T_TOOL] = &in->tool_version,   [T_NODE] = &in->node_name,
	    [T_HOST] = &in->host_name,	    [T_KREL] = &in->kernel_release,
	    [T_KVER] = &in->kernel_version, [T_MACHINE] = &in->machine,
	};
	const uint8_t *p;

	if (tag >= T_TOOL && tag <= T_MACHINE) {
		*str[tag] = arena_str(r, v, v->p, v->end - v->p);
		v->p = v->end;
	} else if (tag == T_HOST_NS) {
		parse_ns(in, v);
	} else if (tag == T_BOOT_ID) {
		in->boot_id = arena_str(r, v, v->p, v->end - v->p);
		v->p = v->end;
	} else if (tag == T_POLICY_HASH && v->end - v->p == 2 * CAP_HASH_LEN) {
		memcpy(in->policy_hash, v->p, 2 * CAP_HASH_LEN);
		v->p = v->end;
	} else if (tag == T_PREV_CHAIN && v->end - v->p == CAP_HASH_LEN) {
		memcpy(in->prev_chain, v->p, CAP_HASH_LEN);
		v->p = v->end;
	} else if (tag == T_START || tag == T_BOOT_TO_WALL) {
		p = take(v, 8);
		if (p && tag == T_START)
			in->start_ns = get64(p);
		else if (p)
			in->boot_to_wall_ns = (int64_t)get64(p);
	} else if (tag == T_POLICY) {
		parse_policy(r, v, &r->policies[in->npolicies++]);
	} else if (tag == T_HOOK && v->end - v->p >= HOOK_MIN_LEN) { /* as counted */
		parse_hook(r, v, &r->hooks[in->nhooks++]);
	} else if (tag == T_HOOK) {
		v->bad = true;
	} else if (tflags & TF_CRITICAL) {
		v->bad = true;
	} else {
		v->p = v->end; /* a field from a newer writer */
	}
	if (v->p != v->end)
		v->bad = true;
}

/* Walks the TLVs: counts hooks and policies (count != NULL) or parses. */
static int walk_fields(struct capture_reader *r, const uint8_t *body, size_t len, int *counts)
{
	struct cur c = {body, body + len, false};

	while (c.p < c.end) {
		const uint8_t *h = take(&c, 8);
		struct cur v;

		if (!h || !(v.p = take(&c, get32(h + 4))))
			return -1;
		v.end = c.p;
		v.bad = false;
		if (counts) { /* a field too short to parse is refused later */
			counts[0] += get16(h) == T_HOOK && get32(h + 4) >= HOOK_MIN_LEN;
			counts[1] += get16(h) == T_POLICY;
			if (counts[0] > CAP_HOOKS_MAX || counts[1] > CAP_POLICIES_MAX)
				return -1;
			continue;
		}
		parse_field(r, get16(h), get16(h + 2), &v);
		if (v.bad)
			return -1;
	}
	return 0;
}

/* The current header becomes the previous one; the one before is freed.
 * Pointers the caller took from the current header stay valid until the
 * header after the next (a pending batch is decoded against them). */
static void retire_header(struct capture_reader *r)
{
	free(r->old_hooks);
	free(r->old_policies);
	free(r->old_arena);
	r->old_hooks = r->hooks;
	r->old_policies = r->policies;
	r->old_arena = r->arena;
	r->hooks = NULL;
	r->policies = NULL;
	r->arena = NULL;
	memset(&r->info, 0, sizeof(r->info));
}

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

static int parse_body(struct capture_reader *r, const uint8_t *body, size_t len)
{
	int counts[2] = {0, 0};
	struct capture_info *in = &r->info;

	if (walk_fields(r, body, len, counts))
		return -1;
	/* A string of n bytes is encoded in 4 + n and copied in n + 1; a tag
	 * pointer (8) is encoded in at least 4: twice the body always fits. */
	r->arena_len = 2 * len + 64;
	r->arena_used = 0;
	r->arena = malloc(r->arena_len);
	r->hooks = calloc(counts[0] + 1, sizeof(*r->hooks));
	r->policies = calloc(counts[1] + 1, sizeof(*r->policies));
	if (!r->arena || !r->hooks || !r->policies)
		return r_fail(r, "out of memory reading the header");
	if (walk_fields(r, body, len, NULL))
		return -1;
	in->tool_version = or_empty(in->tool_version);
	in->node_name = or_empty(in->node_name);
	in->host_name = or_empty(in->host_name);
	in->kernel_release = or_empty(in->kernel_release);
	in->kernel_version = or_empty(in->kernel_version);
	in->machine = or_empty(in->machine);
	in->boot_id = or_empty(in->boot_id);
	in->hooks = r->hooks;
	in->policies = r->policies;
	return 0;
}

static bool looks_like_pcap(const uint8_t *p, long n)
{
	static const uint32_t m[] = {0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1, 0x0a0d0d0a};
	size_t i;

	for (i = 0; n >= 4 && i < sizeof(m) / sizeof(m[0]); i++)
		if (get32(p) == m[i])
			return true;
	return false;
}

/* Checks the preamble; returns the body length, or -1. */
static long check_preamble(struct capture_reader *r, const uint8_t *p, long n)
{
	size_t cmp = n < (long)sizeof(file_magic) ? (size_t)n : sizeof(file_magic);
	uint16_t version;

	if (n == 0)
		return r_fail(r, "empty file, not a tracer capture");
	if (memcmp(p, file_magic, cmp))
		return r_fail(r, r->any_header ? "unexpected data after the end of the capture"
				 : looks_like_pcap(p, n) ? "a pcap file, not a tracer capture"
							 : "not a tracer capture file");
	if (n < PREAMBLE_LEN)
		return r_fail(r, "truncated: the file ends inside its header");
	version = get16(p + 8);
	if (version < CAP_VERSION_MIN || version > CAP_VERSION)
		return r_fail(r,
			      "capture format version %u is not supported (this tracer reads "
			      "versions %u to %u)",
			      version, CAP_VERSION_MIN, CAP_VERSION);
	if (get16(p + 10) != HOST_FLAGS)
		return r_fail(
		    r, get16(p + 10) & ~CAPF_BIG_ENDIAN
			   ? "corrupt header (unknown flags)"
			   : "written on a machine of the other byte order; cannot replay here");
	if (get32(p + 24) > CAP_HEADER_MAX)
		return r_fail(r, "corrupt header (declared length %u too large)", get32(p + 24));
	return get32(p + 24);
}

static int read_header(struct capture_reader *r, struct capture_item *it)
{
	uint8_t p[PREAMBLE_LEN], *body;
	long n = rd(r, p, sizeof(p)), len;

	if (n < 0 || (len = check_preamble(r, p, n)) < 0)
		return -1;
	body = malloc(len ? len : 1);
	if (!body)
		return r_fail(r, "out of memory reading the header");
	retire_header(r);
	n = rd(r, body, len);
	if (n >= 0 && n < len)
		n = r_fail(r, "truncated: the file ends inside its header");
	else if (n >= 0 && crc32(crc32(0, p, 28), body, len) != get32(p + 28))
		n = r_fail(r, "corrupt header (checksum mismatch)");
	else if (n >= 0 && parse_body(r, body, len))
		n = r->state == RD_ERROR ? -1 : r_fail(r, "corrupt header (malformed field)");
	if (n < 0) {
		free(body);
		return -1;
	}
	r->info.version = get16(p + 8);
	r->chained = r->info.version >= 2;
	if (r->chained)
		sha256_parts(r->chain, p, sizeof(p), body, len, NULL, 0);
	free(body);
	r->info.file_index = get32(p + 12);
	r->info.file_start_ns = get64(p + 16);
	r->any_header = true;
	r->blocks = r->recs = 0;
	r->state = RD_BLOCKS;
	*it = (struct capture_item){.kind = CAP_HEADER, .info = &r->info};
	return 1;
}

static int read_end(struct capture_reader *r, const uint8_t *e)
{
	uint8_t link[CAP_HASH_LEN];

	if (get32(e + 12) != crc32(0, e, 12))
		return r_fail(r, "corrupt end marker at byte offset %llu",
			      (unsigned long long)r->block_off);
	if (r->chained && rd(r, link, sizeof(link)) != sizeof(link))
		return r->state == RD_ERROR ? -1 : r_fail(r, "truncated: the file ends inside its end marker");
	if (r->chained && memcmp(link, r->chain, sizeof(link)))
		return r_fail(r, "the end marker does not close the hash chain (blocks cut, "
			      "replaced or reordered)");
	if (get32(e + 4) != r->blocks || get32(e + 8) != r->recs)
		return r_fail(r,
			      "corrupt capture: the end marker counts %u blocks and %u "
			      "records, the file holds %u and %u",
			      get32(e + 4), get32(e + 8), r->blocks, r->recs);
	r->state = RD_AFTER_END;
	return 0;
}

/* Inflates comp_len bytes into raw; a truncated block yields its prefix. */
static int inflate_block(struct capture_reader *r, size_t comp_len, size_t raw_len)
{
	int zr;

	if (inflateReset(&r->z) != Z_OK)
		return r_fail(r, "out of memory");
	r->z.next_in = r->comp;
	r->z.avail_in = comp_len;
	r->z.next_out = r->raw;
	r->z.avail_out = raw_len;
	zr = inflate(&r->z, Z_FINISH);
	r->raw_len = r->z.total_out;
	r->raw_pos = 0;
	if (r->partial)
		return 0;
	if (zr != Z_STREAM_END || r->raw_len != raw_len || r->z.avail_in)
		return r_fail(r, "corrupt block at byte offset %llu (bad compressed data)",
			      (unsigned long long)r->block_off);
	return 0;
}

static int grow(uint8_t **buf, size_t *cap, size_t need)
{
	uint8_t *p;

	if (need <= *cap)
		return 0;
	need = need < 65536 ? 65536 : need;
	p = realloc(*buf, need);
	if (!p)
		return -1;
	*buf = p;
	*cap = need;
	return 0;
}

/* Version 2: the block must follow the last link; checked before its
 * bytes are inflated, so an edit anywhere in it is named as such. */
static int check_link(struct capture_reader *r, const uint8_t *h, const uint8_t *link,
		      size_t comp_len)
{
	uint8_t want[CAP_HASH_LEN];

	sha256_parts(want, r->chain, CAP_HASH_LEN, h, BLOCK_HDR_LEN, r->comp, comp_len);
	if (memcmp(want, link, CAP_HASH_LEN))
		return r_fail(r, "block at byte offset %llu breaks the hash chain (edited, "
			      "reordered or from another capture)",
			      (unsigned long long)r->block_off);
	memcpy(r->chain, link, CAP_HASH_LEN);
	return 0;
}

static int read_block(struct capture_reader *r)
{
	uint8_t h[BLOCK_HDR_LEN], link[CAP_HASH_LEN];
	uint32_t comp_len, raw_len;
	long n;

	r->block_off = r->off;
	n = rd(r, h, sizeof(h));
	if (n < 0)
		return -1;
	if (n == 0)
		return r_fail(r,
			      "truncated: no end-of-capture marker after %u blocks (the writer "
			      "was stopped before it finished)",
			      r->blocks);
	if (n < (long)sizeof(h))
		return r_fail(r, "truncated: the file ends inside the block at byte offset %llu",
			      (unsigned long long)r->block_off);
	if (get32(h) == (r->chained ? END_MAGIC : END_MAGIC_V1))
		return read_end(r, h);
	comp_len = get32(h + 4);
	raw_len = get32(h + 8);
	if (get32(h) != (r->chained ? BLOCK_MAGIC : BLOCK_MAGIC_V1))
		return r_fail(r, "corrupt data at byte offset %llu (no block marker)",
			      (unsigned long long)r->block_off);
	if (!raw_len || raw_len > CAP_BLOCK_MAX || !comp_len || comp_len > compressBound(raw_len))
		return r_fail(r, "corrupt block at byte offset %llu (impossible lengths %u/%u)",
			      (unsigned long long)r->block_off, comp_len, raw_len);
	if (grow(&r->comp, &r->comp_cap, comp_len) || grow(&r->raw, &r->raw_cap, raw_len))
		return r_fail(r, "out of memory");
	if (r->chained && (n = rd(r, link, sizeof(link))) != sizeof(link))
		return n < 0 ? -1 : r_fail(r, "truncated: the file ends inside the block at byte "
					   "offset %llu", (unsigned long long)r->block_off);
	n = rd(r, r->comp, comp_len);
	if (n < 0)
		return -1;
	r->partial = n < comp_len;
	if (r->chained && !r->partial && check_link(r, h, link, comp_len))
		return -1;
	if (inflate_block(r, n, raw_len))
		return -1;
	if (!r->partial && crc32(0, r->raw, raw_len) != get32(h + 12))
		return r_fail(r, "corrupt block at byte offset %llu (checksum mismatch)",
			      (unsigned long long)r->block_off);
	r->blocks++;
	return 0;
}

/* The record at raw_pos: 1 with *it set, 0 for a skipped kind, -1. */
static int next_record(struct capture_reader *r, struct capture_item *it)
{
	const uint8_t *p = r->raw + r->raw_pos;
	size_t left = r->raw_len - r->raw_pos, len;
	uint16_t kind;

	if (left < REC_HDR_LEN || (len = get32(p)) > CAP_RECORD_MAX ||
	    REC_HDR_LEN + align8(len) > left) {
		r->raw_pos = r->raw_len;
		if (r->partial)
			return r_fail(r,
				      "truncated: the file ends inside the block at byte offset "
				      "%llu",
				      (unsigned long long)r->block_off);
		return r_fail(r, "corrupt record in the block at byte offset %llu",
			      (unsigned long long)r->block_off);
	}
	kind = get16(p + 4);
	r->raw_pos += REC_HDR_LEN + align8(len);
	r->recs++;
	*it = (struct capture_item){.data = p + REC_HDR_LEN, .size = len};
	if (kind == REC_EVENT || kind == REC_SNAPSHOT) {
		it->kind = kind == REC_EVENT ? CAP_EVENT : CAP_SNAPSHOT;
		return 1;
	}
	if (kind != REC_ANNOT)
		return 0; /* a kind from a newer writer */
	if (len < 5 || get32(p + REC_HDR_LEN) > len - 5 ||
	    p[REC_HDR_LEN + 4 + get32(p + REC_HDR_LEN)] != 0)
		return r_fail(r, "corrupt annotation in the block at byte offset %llu",
			      (unsigned long long)r->block_off);
	it->kind = CAP_ANNOT;
	it->annot_type = get16(p + 6);
	it->id_len = get32(p + REC_HDR_LEN);
	it->id = (const char *)p + REC_HDR_LEN + 4;
	it->data = it->id + it->id_len + 1;
	it->size = len - 5 - it->id_len;
	return 1;
}

/* After an end marker: end of file, or another capture's header. */
static int after_end(struct capture_reader *r, struct capture_item *it)
{
	int c = fgetc(r->fp);

	if (c == EOF) {
		if (ferror(r->fp))
			return r_fail(r, "read error: %s", strerror(errno ? errno : EIO));
		r->state = RD_DONE;
		return 0;
	}
	ungetc(c, r->fp);
	return read_header(r, it);
}

int capture_next(struct capture_reader *r, struct capture_item *it)
{
	int rc;

	for (;;) {
		if (r->state == RD_ERROR)
			return -1;
		if (r->raw_pos < r->raw_len) {
			rc = next_record(r, it);
			if (rc)
				return rc;
			continue;
		}
		if (r->partial)
			return r_fail(r,
				      "truncated: the file ends inside the block at byte offset "
				      "%llu",
				      (unsigned long long)r->block_off);
		if (r->state == RD_DONE)
			return 0;
		if (r->state == RD_HEADER)
			return read_header(r, it);
		if (r->state == RD_AFTER_END)
			return after_end(r, it);
		if (read_block(r))
			return -1;
	}
}

const char *capture_error(const struct capture_reader *r)
{
	return r->err;
}

uint32_t capture_blocks(const struct capture_reader *r)
{
	return r->blocks;
}

const uint8_t *capture_chain(const struct capture_reader *r)
{
	return r->chain;
}

bool capture_chained(const struct capture_reader *r)
{
	return r->chained;
}

struct capture_reader *capture_open_stream(FILE *fp, char *err, size_t errlen)
{
	struct capture_reader *r = calloc(1, sizeof(*r));

	if (r)
		r->z_ok = inflateInit(&r->z) == Z_OK;
	if (!r || !r->z_ok) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		if (fp != stdin)
			fclose(fp);
		capture_close(r);
		return NULL;
	}
	r->fp = fp;
	r->own_fp = fp != stdin;
	return r;
}

struct capture_reader *capture_open(const char *path, char *err, size_t errlen)
{
	FILE *fp = strcmp(path, "-") ? fopen(path, "rbe") : stdin;

	if (!fp) {
		snprintf(err, errlen, "%s", strerror(errno));
		return NULL;
	}
	return capture_open_stream(fp, err, errlen);
}

void capture_close(struct capture_reader *r)
{
	if (!r)
		return;
	if (r->own_fp && r->fp)
		fclose(r->fp);
	if (r->z_ok)
		inflateEnd(&r->z);
	retire_header(r);
	retire_header(r);
	free(r->comp);
	free(r->raw);
	free(r);
}
