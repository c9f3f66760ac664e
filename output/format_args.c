// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* format_args.c - one argument of a policy event, as text and as Tetragon's
 * KprobeArgument JSON object. */
#include <string.h>
#include <sys/socket.h>

#include "output/format_args.h"
#include "output/format_names.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* --- shapes --------------------------------------------------------------- */

/* How an argument prints. The policy's type name picks Tetragon's key (an
 * "fd" is a file_arg, a "char_buf" a bytes_arg); what the kernel read (enum
 * arg_kind) must agree with it, else the kind decides: an fd that turned out
 * to be a socket prints as a sock_arg, an unreadable one as an error_arg. */
enum shape {
	SH_SKIP,     /* "nop", or nothing read: not printed */
	SH_INT,	     /* int_arg: 32-bit signed */
	SH_UINT,     /* uint_arg: 32-bit unsigned */
	SH_SIZE,     /* size_arg: 64-bit unsigned, a JSON string */
	SH_LONG,     /* long_arg: 64-bit signed, a JSON string */
	SH_CAP,	     /* capability_arg{value,name} */
	SH_CAPSET,   /* kernel_cap_t_arg and kin: 16 hex digits */
	SH_SYSCALL,  /* syscall_id{id,abi} */
	SH_STRING,   /* string_arg */
	SH_BYTES,    /* bytes_arg (base64) or truncated_bytes_arg */
	SH_FILE,     /* file_arg{path} */
	SH_PATH,     /* path_arg{path} */
	SH_BINPRM,   /* linux_binprm_arg{path} */
	SH_SOCK,     /* sock_arg{family,type,protocol,saddr,daddr,sport,dport,state} */
	SH_SKB,	     /* skb_arg{family,protocol,saddr,daddr,sport,dport} */
	SH_SOCKADDR, /* sockaddr_arg{family,addr,port} */
	SH_CRED,     /* process_credentials_arg */
	SH_ERROR,    /* error_arg: the kernel could not read it */
};

struct shape_row {
	const char *type; /* the policy's type name */
	uint8_t shape;
	const char *key; /* Tetragon's KprobeArgument field */
};

/* clang-format off */
static const struct shape_row type_shapes[] = {
	{ "int", SH_INT, "int_arg" },	    { "sint32", SH_INT, "int_arg" },
	{ "int32", SH_INT, "int_arg" },	    { "sint16", SH_INT, "int_arg" },
	{ "int16", SH_INT, "int_arg" },	    { "sint8", SH_INT, "int_arg" },
	{ "int8", SH_INT, "int_arg" },	    { "uint32", SH_UINT, "uint_arg" },
	{ "uint16", SH_UINT, "uint_arg" },  { "uint8", SH_UINT, "uint_arg" },
	{ "size_t", SH_SIZE, "size_arg" },  { "uint64", SH_SIZE, "size_arg" },
	{ "ulong", SH_SIZE, "size_arg" },   { "long", SH_LONG, "long_arg" },
	{ "int64", SH_LONG, "long_arg" },   { "sint64", SH_LONG, "long_arg" },
	{ "capability", SH_CAP, "capability_arg" },
	{ "kernel_cap_t", SH_CAPSET, "kernel_cap_t_arg" },
	{ "cap_inheritable", SH_CAPSET, "cap_inheritable_arg" },
	{ "cap_permitted", SH_CAPSET, "cap_permitted_arg" },
	{ "cap_effective", SH_CAPSET, "cap_effective_arg" },
	{ "syscall64", SH_SYSCALL, "syscall_id" },
	{ "string", SH_STRING, "string_arg" }, { "filename", SH_STRING, "string_arg" },
	{ "data_loc", SH_STRING, "string_arg" }, { "net_device", SH_STRING, "string_arg" },
	{ "char_buf", SH_BYTES, "bytes_arg" }, { "char_iovec", SH_BYTES, "bytes_arg" },
	{ "iov_iter", SH_BYTES, "bytes_arg" }, { "const_buf", SH_BYTES, "bytes_arg" },
	{ "file", SH_FILE, "file_arg" },    { "fd", SH_FILE, "file_arg" },
	{ "kiocb", SH_FILE, "file_arg" },   { "path", SH_PATH, "path_arg" },
	{ "dentry", SH_PATH, "path_arg" },
	{ "linux_binprm", SH_BINPRM, "linux_binprm_arg" },
	{ "sock", SH_SOCK, "sock_arg" },    { "socket", SH_SOCK, "sock_arg" },
	{ "skb", SH_SKB, "skb_arg" },	    { "sockaddr", SH_SOCKADDR, "sockaddr_arg" },
	{ "cred", SH_CRED, "process_credentials_arg" },
	{ "nop", SH_SKIP, NULL },
};

/* When the type name is missing or disagrees with what was read. */
static const struct shape_row kind_shapes[AK_KIND_MAX] = {
	[AK_INT] = { "long", SH_LONG, "long_arg" },
	[AK_UINT] = { "size_t", SH_SIZE, "size_arg" },
	[AK_STR_USER] = { "string", SH_STRING, "string_arg" },
	[AK_STR_KERNEL] = { "string", SH_STRING, "string_arg" },
	[AK_PATH_USER] = { "string", SH_STRING, "string_arg" },
	[AK_FILE] = { "file", SH_FILE, "file_arg" },
	[AK_PATH] = { "path", SH_PATH, "path_arg" },
	[AK_FD] = { "fd", SH_FILE, "file_arg" },
	[AK_SOCK] = { "sock", SH_SOCK, "sock_arg" },
	[AK_SOCKADDR_USER] = { "sockaddr", SH_SOCKADDR, "sockaddr_arg" },
	[AK_CRED] = { "cred", SH_CRED, "process_credentials_arg" },
	[AK_CAP] = { "capability", SH_CAP, "capability_arg" },
	[AK_BUF_USER] = { "char_buf", SH_BYTES, "bytes_arg" },
	[AK_BINPRM] = { "linux_binprm", SH_BINPRM, "linux_binprm_arg" },
};
/* clang-format on */

static const struct shape_row fd_sock_shape = {"fd", SH_SOCK, "sock_arg"};

static uint8_t shape_class(uint8_t shape)
{
	if (shape >= SH_INT && shape <= SH_SYSCALL)
		return VC_NUM;
	if (shape >= SH_STRING && shape <= SH_BINPRM)
		return VC_STR;
	if (shape >= SH_SOCK && shape <= SH_SOCKADDR)
		return VC_SOCK;
	return shape == SH_CRED ? VC_CRED : VC_NONE;
}

static uint8_t kind_class(const struct tr_arg *a)
{
	if (a->kind >= AK_KIND_MAX || a->kind == AK_NONE)
		return VC_NONE;
	if (a->kind == AK_FD && (a->flags & ARG_F_SOCK))
		return VC_SOCK;
	return shape_class(kind_shapes[a->kind].shape);
}

static const struct shape_row *type_row(const char *type)
{
	size_t i;

	for (i = 0; type && i < ARRAY_SIZE(type_shapes); i++)
		if (!strcmp(type, type_shapes[i].type))
			return &type_shapes[i];
	return NULL;
}

void arg_view(struct argview *v, const struct tr_arg *a, const char *type, const char *label)
{
	const struct shape_row *r = type_row(type);
	uint8_t cls = kind_class(a);

	if (a->kind == AK_FD && (a->flags & ARG_F_SOCK))
		r = &fd_sock_shape;
	else if (!r || (r->shape != SH_SKIP && shape_class(r->shape) != cls))
		r = cls ? &kind_shapes[a->kind] : NULL;
	v->a = a;
	v->shape = r ? r->shape : SH_SKIP;
	v->key = r ? r->key : NULL;
	v->type = type ? type : r ? r->type : "";
	v->label = label && *label ? label : NULL;
	v->name = v->label ? v->label : v->type;
	v->cls = shape_class(v->shape);
	if (v->shape != SH_SKIP && (a->flags & ARG_F_FAILED)) {
		v->shape = SH_ERROR;
		v->key = "error_arg";
	}
}

/* --- text ---------------------------------------------------------------- */

/* Quoted: empty, or holding a space, control, quote or backslash, or "..."
 * (which would read as the truncation marker). */
bool arg_needs_quotes(const char *a, size_t n)
{
	size_t i;

	if (!n || (n == 3 && !memcmp(a, "...", 3)))
		return true;
	for (i = 0; i < n; i++) {
		unsigned char c = a[i];

		if (c <= ' ' || c == 0x7f || c == '\'' || c == '"' || c == '\\')
			return true;
	}
	return false;
}

static const char *arg_str(const struct tr_arg *a, size_t *n)
{
	*n = a->str ? a->len : 0;
	return a->str ? a->str : "";
}

/* A string value in text: one token, quoted when ambiguous (as arguments
 * are), when it holds the "; " that separates CSV args, or when it reads
 * "?", which stands for an unreadable value. */
void put_val(struct obuf *o, const char *s, size_t n, unsigned int flags)
{
	if (!arg_needs_quotes(s, n) && !memchr(s, ';', n) && !(n == 1 && s[0] == '?')) {
		esc_put(o, s, n, ESC_TEXT, flags);
		return;
	}
	ob_putc(o, '\'');
	esc_put(o, s, n, ESC_TEXT, flags | ESC_F_SQUOTE);
	ob_putc(o, '\'');
}

/* Upper-case name without its prefix, lower-cased: IPPROTO_TCP -> tcp. */
static void put_lower(struct obuf *o, const char *name, const char *prefix)
{
	size_t n = strlen(prefix);

	if (!strncmp(name, prefix, n))
		name += n;
	for (; *name; name++)
		ob_putc(o, *name >= 'A' && *name <= 'Z' ? *name - 'A' + 'a' : *name);
}

static bool inet_family(uint16_t family)
{
	return family == AF_INET || family == AF_INET6;
}

/* 10.0.0.1:443, [2001:db8::1]:443 */
static void put_endpoint(struct obuf *o, uint16_t family, const uint8_t *addr, uint16_t port)
{
	char buf[IP_TEXT_LEN];

	if (family == AF_INET6)
		ob_putc(o, '[');
	ob_puts(o, ip_text(family, addr, buf, sizeof(buf)));
	if (family == AF_INET6)
		ob_putc(o, ']');
	ob_putc(o, ':');
	ob_u64(o, port, 0);
}

/* "tcp 10.0.0.1:34567 -> 1.2.3.4:443"; a sockaddr: "1.2.3.4:443"; other
 * families by name: "unix". */
static void sock_text(struct obuf *o, const struct sock_info *s, bool sockaddr)
{
	char buf[16];

	if (!inet_family(s->family)) {
		put_lower(o, af_name(s->family, buf, sizeof(buf)), "AF_");
		return;
	}
	if (sockaddr) {
		put_endpoint(o, s->family, s->daddr, s->dport);
		return;
	}
	if (s->protocol) {
		put_lower(o, ipproto_name(s->protocol, buf, sizeof(buf)), "IPPROTO_");
		ob_putc(o, ' ');
	}
	put_endpoint(o, s->family, s->saddr, s->sport);
	ob_puts(o, " -> ");
	put_endpoint(o, s->family, s->daddr, s->dport);
}

static void cred_text(struct obuf *o, const struct event_creds *cr)
{
	ob_puts(o, "uid=");
	ob_u64(o, cr->uid, 0);
	ob_puts(o, " euid=");
	ob_u64(o, cr->euid, 0);
	ob_puts(o, " gid=");
	ob_u64(o, cr->gid, 0);
	ob_puts(o, " egid=");
	ob_u64(o, cr->egid, 0);
}

/* syscall64: bit 31 marks the 32-bit ABI, as in Tetragon. */
#define SYSCALL_32BIT 0x80000000u

static const char *syscall_abi(uint64_t v)
{
#if defined(__x86_64__)
	return v & SYSCALL_32BIT ? "i386" : "x64";
#elif defined(__aarch64__)
	return v & SYSCALL_32BIT ? "arm32" : "arm64";
#else
	(void)v;
	return "unknown";
#endif
}

/* The text of one value, shared by compact and CSV. A cut string or path
 * is followed by " ..." (a value "..." is always quoted, so this cannot be
 * forged); an unreadable one is "?". */
void arg_text(struct obuf *o, const struct argview *v, unsigned int flags)
{
	const struct tr_arg *a = v->a;
	char buf[16];
	const char *s;
	size_t n;

	switch (v->shape) {
	case SH_INT:
		ob_i64(o, (int32_t)a->ival);
		break;
	case SH_UINT:
		ob_u64(o, (uint32_t)a->ival, 0);
		break;
	case SH_SIZE:
		ob_u64(o, (uint64_t)a->ival, 0);
		break;
	case SH_LONG:
		ob_i64(o, a->ival);
		break;
	case SH_CAP:
		if (a->ival >= 0 && a->ival < 64)
			ob_puts(o, cap_name(a->ival, buf, sizeof(buf)));
		else
			ob_i64(o, a->ival);
		break;
	case SH_CAPSET:
		ob_hex(o, (uint64_t)a->ival, 16);
		break;
	case SH_SYSCALL:
		ob_puts(o, syscall_abi(a->ival));
		ob_putc(o, '/');
		ob_u64(o, (uint64_t)a->ival & ~(uint64_t)SYSCALL_32BIT & 0xffffffffu, 0);
		break;
	case SH_SOCK:
	case SH_SKB:
	case SH_SOCKADDR:
		sock_text(o, &a->sock, v->shape == SH_SOCKADDR);
		if (a->flags & ARG_F_UNIX) { /* "unix /run/docker.sock" */
			s = arg_str(a, &n);
			ob_putc(o, ' ');
			put_val(o, s, n, flags);
		}
		break;
	case SH_CRED:
		cred_text(o, &a->cred);
		break;
	case SH_ERROR:
		ob_putc(o, '?');
		break;
	default: /* strings, buffers, paths */
		s = arg_str(a, &n);
		put_val(o, s, n, flags);
		break;
	}
	if ((a->flags & ARG_F_TRUNC) && v->shape != SH_ERROR && v->cls == VC_STR)
		ob_puts(o, " ...");
}

/* --- JSON ---------------------------------------------------------------- */

/* The members of a set's array ("CAP_CHOWN","DAC_OVERRIDE"), memoised. */
static const struct caps_memo *caps_text(struct caps_memo *m, uint64_t set, uint32_t *k)
{
	char buf[16];
	struct obuf o;
	uint32_t i;

	for (*k = 0; *k < CAPS_MEMO_SLOTS; (*k)++)
		if (m->slot[*k].len && m->slot[*k].set == set)
			return m;
	*k = m->next++ % CAPS_MEMO_SLOTS;
	ob_init(&o, m->slot[*k].text, sizeof(m->slot[*k].text));
	for (i = 0; i < 64; i++) {
		if (!(set >> i & 1))
			continue;
		if (o.len)
			ob_putc(&o, ',');
		ob_putc(&o, '"');
		ob_puts(&o, cap_enum_name(i, buf, sizeof(buf)));
		ob_putc(&o, '"');
	}
	m->slot[*k].set = set;
	m->slot[*k].len = o.full ? 0 : (uint16_t)o.len;
	return o.full || !o.len ? NULL : m;
}

/* A repeated CapabilitiesType: Tetragon's enum names; an empty list is
 * left out, as protojson leaves it (--json-zeros: []). On a full line the
 * list ends after the last whole name. */
void json_caps(struct jsonw *w, const char *key, uint64_t set, struct caps_memo *memo)
{
	char buf[16], q[40];
	uint32_t i, k;
	int n;

	if (!set && !w->zeros)
		return;
	jw_open(w, key, '[');
	if (set && memo && caps_text(memo, set, &k) &&
	    jw_raw_members(w, memo->slot[k].text, memo->slot[k].len)) {
		jw_close(w);
		return;
	}
	for (i = 0; i < 64; i++) {
		if (!(set >> i & 1))
			continue;
		/* a name of the table, or CAP_<n>: nothing to escape */
		n = snprintf(q, sizeof(q), "\"%s\"", cap_enum_name(i, buf, sizeof(buf)));
		if (n <= 0 || (size_t)n >= sizeof(q) || !jw_raw_members(w, q, (size_t)n)) {
			w->o->full = true; /* cut here: no later member */
			break;
		}
	}
	jw_close(w);
}

static void json_sock(struct jsonw *w, const struct argview *v)
{
	const struct sock_info *s = &v->a->sock;
	char buf[IP_TEXT_LEN];

	jw_open(w, v->key, '{');
	jw_str_cstr(w, "family", af_name(s->family, buf, sizeof(buf)));
	if (v->shape == SH_SOCKADDR) {
		if (v->a->flags & ARG_F_UNIX) /* extension: a unix socket's path */
			jw_str(w, "path", v->a->str ? v->a->str : "", v->a->str ? v->a->len : 0);
		if (inet_family(s->family)) {
			jw_str_cstr(w, "addr", ip_text(s->family, s->daddr, buf, sizeof(buf)));
			jw_u64_nz(w, "port", s->dport);
		}
		jw_close(w);
		return;
	}
	if (s->type && v->shape == SH_SOCK)
		jw_str_cstr(w, "type", sock_type_name(s->type, buf, sizeof(buf)));
	if (s->protocol)
		jw_str_cstr(w, "protocol", ipproto_name(s->protocol, buf, sizeof(buf)));
	if (inet_family(s->family)) {
		jw_str_cstr(w, "saddr", ip_text(s->family, s->saddr, buf, sizeof(buf)));
		jw_str_cstr(w, "daddr", ip_text(s->family, s->daddr, buf, sizeof(buf)));
		/* uint32: a 0 (a connect's port not yet chosen) is left out */
		jw_u64_nz(w, "sport", s->sport);
		jw_u64_nz(w, "dport", s->dport);
	}
	/* uint64, a string in protojson; 0: none assigned, or not read */
	if (v->shape == SH_SOCK && (v->a->cookie || w->zeros))
		jw_u64_str(w, "cookie", v->a->cookie);
	if (s->state && v->shape == SH_SOCK)
		jw_str_cstr(w, "state", tcp_state_name(s->state, buf, sizeof(buf)));
	jw_close(w);
}

static void json_cred(struct jsonw *w, const struct argview *v)
{
	const struct event_creds *cr = &v->a->cred;
	const struct tok *t;

	jw_open(w, v->key, '{');
	jw_u64(w, "uid", cr->uid);
	jw_u64(w, "gid", cr->gid);
	jw_u64(w, "euid", cr->euid);
	jw_u64(w, "egid", cr->egid);
	jw_u64(w, "suid", cr->suid);
	jw_u64(w, "sgid", cr->sgid);
	jw_u64(w, "fsuid", cr->fsuid);
	jw_u64(w, "fsgid", cr->fsgid);
	if (cr->securebits) {
		jw_open(w, "securebits", '[');
		for (t = securebit_names; t->s; t++)
			if (cr->securebits & t->v)
				jw_str_cstr(w, NULL, t->s);
		jw_close(w);
	}
	jw_open(w, "caps", '{');
	json_caps(w, "permitted", cr->cap_permitted, NULL);
	json_caps(w, "effective", cr->cap_effective, NULL);
	json_caps(w, "inheritable", cr->cap_inheritable, NULL);
	jw_close(w);
	jw_close(w);
}

/* file_arg, path_arg, linux_binprm_arg: {"path": ..., "permission": ...};
 * a path cut by the dentry walk is flagged as Tetragon flags it; the
 * permission is the inode's mode as ls shows it (none: a failed open). */
static void json_path(struct jsonw *w, const struct argview *v)
{
	char buf[MODE_TEXT_LEN];
	size_t n;
	const char *s = arg_str(v->a, &n);

	jw_open(w, v->key, '{');
	jw_str(w, "path", s, n);
	if (v->a->flags & ARG_F_TRUNC)
		jw_str_cstr(w, "flags", "unresolvedPathComponents");
	if (v->a->mode)
		jw_str_cstr(w, "permission", mode_text(v->a->mode, buf, sizeof(buf)));
	else if (w->zeros)
		jw_str_cstr(w, "permission", "");
	jw_close(w);
}

/* bytes_arg is base64; a cut buffer is a truncated_bytes_arg with the size
 * asked for (tr_arg.ival) when the kernel knew it. */
static void json_bytes(struct jsonw *w, const struct argview *v)
{
	const struct tr_arg *a = v->a;
	const char *key = v->key;
	size_t n;
	const char *s = arg_str(a, &n);
	bool cut = a->flags & ARG_F_TRUNC;

	if (cut) {
		jw_open(w, "truncated_bytes_arg", '{');
		key = "bytes_arg";
	}
	if (jw_str_open(w, key))
		ob_base64(w->o, s, n);
	jw_str_close(w);
	if (cut && a->ival > 0 && (uint64_t)a->ival > n)
		jw_u64_str(w, "orig_size", a->ival);
	if (cut)
		jw_close(w);
}

/* A capability, a capability set or a syscall: numbers with their names. */
static void json_kernel_value(struct jsonw *w, const struct argview *v)
{
	const struct tr_arg *a = v->a;
	char buf[24];

	if (v->shape == SH_CAPSET) {
		if (jw_str_open(w, v->key))
			ob_hex(w->o, a->ival, 16);
		jw_str_close(w);
		return;
	}
	jw_open(w, v->key, '{');
	if (v->shape == SH_CAP) {
		jw_i64(w, "value", (int32_t)a->ival);
		if (a->ival >= 0 && a->ival < 64)
			jw_str_cstr(w, "name", cap_name(a->ival, buf, sizeof(buf)));
	} else { /* SH_SYSCALL */
		jw_u64_nz(w, "id", (uint64_t)a->ival & ~(uint64_t)SYSCALL_32BIT & 0xffffffffu);
		jw_str_cstr(w, "abi", syscall_abi(a->ival));
	}
	jw_close(w);
}

/* Tetragon's KprobeError spells its field "Message". */
static void json_unreadable(struct jsonw *w, const struct argview *v)
{
	jw_open(w, v->key, '{');
	if (jw_str_open(w, "Message")) {
		jw_str_raw(w, "could not read ");
		esc_put(w->o, v->type, strlen(v->type), ESC_JSON, 0);
	}
	jw_str_close(w);
	jw_close(w);
}

/* One KprobeArgument: {"<key>": value, "label": ...}; key is NULL inside
 * "args" and "return" for the return value. */
void json_arg(struct jsonw *w, const char *key, const struct argview *v)
{
	const struct tr_arg *a = v->a;
	size_t n;
	const char *s;

	jw_open(w, key, '{');
	switch (v->shape) {
	case SH_INT:
		jw_i64(w, v->key, (int32_t)a->ival);
		break;
	case SH_UINT:
		jw_u64(w, v->key, (uint32_t)a->ival);
		break;
	case SH_SIZE:
		jw_u64_str(w, v->key, a->ival);
		break;
	case SH_LONG:
		jw_i64_str(w, v->key, a->ival);
		break;
	case SH_CAP:
	case SH_CAPSET:
	case SH_SYSCALL:
		json_kernel_value(w, v);
		break;
	case SH_STRING:
		s = arg_str(a, &n);
		jw_str(w, v->key, s, n);
		if (a->flags & ARG_F_TRUNC)
			jw_bool(w, "truncated", true);
		break;
	case SH_BYTES:
		json_bytes(w, v);
		break;
	case SH_FILE:
	case SH_PATH:
	case SH_BINPRM:
		json_path(w, v);
		break;
	case SH_SOCK:
	case SH_SKB:
	case SH_SOCKADDR:
		json_sock(w, v);
		break;
	case SH_CRED:
		json_cred(w, v);
		break;
	case SH_ERROR:
		json_unreadable(w, v);
		break;
	}
	if (v->label)
		jw_str_cstr(w, "label", v->label);
	jw_close(w);
}
