/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* values.c - filter values parsed into typed form: integers, ranges, CIDRs, ports, names. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "policy/policy.h"

struct name_num {
	const char *name;
	long num;
};

const char *const cap_names[] = {
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER",
	"CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP",
	"CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
	"CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER",
	"CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
	"CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
	"CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD",
	"CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP",
	"CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM",
	"CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
	"CAP_CHECKPOINT_RESTORE",
};
const size_t cap_count = sizeof(cap_names) / sizeof(cap_names[0]);

static const struct name_num protocols[] = {
	{ "IPPROTO_IP", 0 }, { "IPPROTO_ICMP", 1 }, { "IPPROTO_IGMP", 2 },
	{ "IPPROTO_TCP", 6 }, { "IPPROTO_UDP", 17 }, { "IPPROTO_IPV6", 41 },
	{ "IPPROTO_GRE", 47 }, { "IPPROTO_ICMPV6", 58 }, { "IPPROTO_SCTP", 132 },
	{ "IPPROTO_UDPLITE", 136 }, { "IPPROTO_RAW", 255 }, { "IPPROTO_MPTCP", 262 },
	{ NULL, 0 },
};

static const struct name_num families[] = {
	{ "AF_UNSPEC", 0 }, { "AF_UNIX", 1 }, { "AF_LOCAL", 1 }, { "AF_INET", 2 },
	{ "AF_INET6", 10 }, { "AF_NETLINK", 16 }, { "AF_PACKET", 17 },
	{ "AF_VSOCK", 40 }, { "AF_XDP", 44 }, { NULL, 0 },
};

static const struct name_num tcp_states[] = {
	{ "TCP_ESTABLISHED", 1 }, { "TCP_SYN_SENT", 2 }, { "TCP_SYN_RECV", 3 },
	{ "TCP_FIN_WAIT1", 4 }, { "TCP_FIN_WAIT2", 5 }, { "TCP_TIME_WAIT", 6 },
	{ "TCP_CLOSE", 7 }, { "TCP_CLOSE_WAIT", 8 }, { "TCP_LAST_ACK", 9 },
	{ "TCP_LISTEN", 10 }, { "TCP_CLOSING", 11 }, { "TCP_NEW_SYN_RECV", 12 },
	{ NULL, 0 },
};

/* Tetragon's fileTypeTable, as S_IFMT values. */
static const struct name_num file_types[] = {
	{ "sock", 0140000 }, { "socket", 0140000 }, { "lnk", 0120000 },
	{ "link", 0120000 }, { "reg", 0100000 }, { "regular", 0100000 },
	{ "blk", 0060000 }, { "block", 0060000 }, { "dir", 0040000 },
	{ "chr", 0020000 }, { "char", 0020000 }, { "fifo", 0010000 },
	{ NULL, 0 },
};

int cap_lookup(const char *s)
{
	size_t i;

	for (i = 0; i < cap_count; i++)
		if (!strcasecmp(cap_names[i], s))
			return (int)i;
	return -1;
}

static int parse_i64(const char *s, int base, int64_t *out)
{
	char *end;
	long long v;

	if (!*s || strlen(s) > 40)
		return -1;
	errno = 0;
	v = strtoll(s, &end, base);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

static int parse_u64(const char *s, int base, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!*s || *s == '-' || strlen(s) > 40)
		return -1;
	errno = 0;
	v = strtoull(s, &end, base);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

int parse_cidr(const char *s, struct pol_value *v)
{
	char buf[64], *slash;
	int max;
	int64_t pfx;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = 0;
	memset(v->cidr.addr, 0, 16);
	if (inet_pton(AF_INET, buf, v->cidr.addr) == 1) {
		v->cidr.family = 4;
		max = 32;
	} else if (inet_pton(AF_INET6, buf, v->cidr.addr) == 1) {
		v->cidr.family = 6;
		max = 128;
	} else {
		return -1;
	}
	pfx = max;
	if (slash && (parse_i64(slash, 10, &pfx) || pfx < 0 || pfx > max ||
		      !*slash || *slash == '+' || *slash == '-'))
		return -1;
	v->cidr.prefix = (uint8_t)pfx;
	v->kind = VK_CIDR;
	return 0;
}

static int lookup_name(const struct name_num *t, const char *s, uint64_t *out)
{
	for (; t->name; t++)
		if (!strcasecmp(t->name, s)) {
			*out = t->num;
			return 0;
		}
	return -1;
}

static int names_of(const struct name_num *t, const char **out, size_t max)
{
	size_t n = 0;

	for (; t->name && n < max; t++)
		out[n++] = t->name;
	return (int)n;
}

static int bad(struct diag *d, struct pol_value *v, const char *what,
	       const struct name_num *t)
{
	const char *names[64], *hint = NULL;
	int n;

	if (t) {
		n = names_of(t, names, 64);
		hint = diag_suggest(v->str, names, n);
	}
	if (hint)
		diag_error(d, &v->pos, "invalid %s \"%s\" (did you mean \"%s\"?)",
			   what, v->str, hint);
	else
		diag_error(d, &v->pos, "invalid %s \"%s\"", what, v->str);
	return -1;
}

/* A number, or a symbolic name from t (Protocol, Family, State, FileType). */
static int parse_named(struct pol_value *v, const struct name_num *t,
		       uint64_t max, const char *what, struct diag *d)
{
	v->kind = VK_NAME;
	if (!lookup_name(t, v->str, &v->u))
		return 0;
	if (!parse_u64(v->str, 0, &v->u) && v->u <= max) {
		v->kind = VK_UINT;
		return 0;
	}
	return bad(d, v, what, t);
}

static int parse_range(struct pol_value *v, bool sign, uint64_t max, const char *what,
		       struct diag *d)
{
	const char *colon = memchr(v->str, ':', v->len);
	char lo[48], hi[48];
	size_t n;

	v->kind = VK_RANGE;
	if (!colon)
		return bad(d, v, what, NULL);
	n = colon - v->str;
	if (n >= sizeof(lo) || strlen(colon + 1) >= sizeof(hi))
		return bad(d, v, what, NULL);
	memcpy(lo, v->str, n);
	lo[n] = 0;
	strcpy(hi, colon + 1);
	if (parse_i64(lo, 0, &v->range.lo) || parse_i64(hi, 0, &v->range.hi))
		return bad(d, v, what, NULL);
	if ((!sign && v->range.lo < 0) || v->range.lo > v->range.hi ||
	    (max && (uint64_t)v->range.hi > max))
		return bad(d, v, what, NULL);
	return 0;
}

static int parse_int_for(struct pol_value *v, const struct arg_type_info *t,
			 struct diag *d)
{
	int64_t lim;

	if (t->is_signed || t->cls == AC_CAP) {
		v->kind = VK_INT;
		if (parse_i64(v->str, 0, &v->i) &&
		    (t->cls != AC_CAP || parse_u64(v->str, 0, &v->u)))
			return bad(d, v, "integer", NULL);
		if (t->size < 8) {
			lim = (int64_t)1 << (t->size * 8 - 1);
			if (v->i < -lim || v->i >= lim)
				return bad(d, v, "integer (out of range)", NULL);
		}
		return 0;
	}
	v->kind = VK_UINT;
	if (parse_u64(v->str, 0, &v->u))
		return bad(d, v, "unsigned integer", NULL);
	if (t->size < 8 && v->u >> (t->size * 8))
		return bad(d, v, "unsigned integer (out of range)", NULL);
	return 0;
}

static int parse_port(struct pol_value *v, struct diag *d)
{
	if (memchr(v->str, ':', v->len))
		return parse_range(v, false, 65535, "port range", d);
	v->kind = VK_UINT;
	if (parse_u64(v->str, 10, &v->u) || v->u > 65535)
		return bad(d, v, "port", NULL);
	return 0;
}

static int parse_inmap(struct pol_value *v, const struct arg_type_info *t, struct diag *d)
{
	if (!strncmp(v->str, "list:", 5)) {
		v->kind = VK_LIST;
		return 0;
	}
	if (memchr(v->str, ':', v->len))
		return parse_range(v, t->is_signed, 0, "range", d);
	return parse_int_for(v, t, d);
}

static int parse_arg_value(struct pol_match *m, struct pol_value *v, struct diag *d)
{
	const struct arg_type_info *t = arg_type_at(m->arg_type);

	switch (m->op) {
	case OP_SADDR: case OP_DADDR: case OP_NOT_SADDR: case OP_NOT_DADDR:
		if (parse_cidr(v->str, v))
			return bad(d, v, "IP address or CIDR", NULL);
		return 0;
	case OP_SPORT: case OP_DPORT: case OP_NOT_SPORT: case OP_NOT_DPORT:
		return parse_port(v, d);
	case OP_PROTOCOL:
		return parse_named(v, protocols, 65535, "protocol", d);
	case OP_FAMILY:
		return parse_named(v, families, 65535, "address family", d);
	case OP_STATE:
		return parse_named(v, tcp_states, 255, "TCP state", d);
	case OP_FILE_TYPE: case OP_NOT_FILE_TYPE:
		v->kind = VK_NAME;
		if (lookup_name(file_types, v->str, &v->u))
			return bad(d, v, "file type", file_types);
		return 0;
	case OP_IN_RANGE: case OP_NOT_IN_RANGE:
		return parse_range(v, t->is_signed, 0, "range (want MIN:MAX)", d);
	case OP_IN_MAP: case OP_NOT_IN_MAP:
		return parse_inmap(v, t, d);
	default:
		break;
	}
	if (t->cls == AC_INT || t->cls == AC_CAP)
		return parse_int_for(v, t, d);
	v->kind = VK_STR;
	return 0;
}

static int parse_ns_value(struct pol_value *v, struct diag *d)
{
	if (!strcmp(v->str, "host_ns")) {
		v->kind = VK_HOST_NS;
		return 0;
	}
	v->kind = VK_UINT;
	if (parse_u64(v->str, 10, &v->u) || v->u > 0xffffffffu) {
		diag_error(d, &v->pos,
			   "invalid namespace \"%s\" (want an inode number or host_ns)",
			   v->str);
		return -1;
	}
	return 0;
}

static int parse_cap_value(struct pol_value *v, struct diag *d)
{
	int c = cap_lookup(v->str);
	const char *hint;

	if (c >= 0) {
		v->kind = VK_NAME;
		v->u = (uint64_t)c;
		return 0;
	}
	hint = diag_suggest(v->str, cap_names, cap_count);
	if (hint)
		diag_error(d, &v->pos, "unknown capability \"%s\" (did you mean \"%s\"?)",
			   v->str, hint);
	else
		diag_error(d, &v->pos, "unknown capability \"%s\"", v->str);
	return -1;
}

static int parse_ns_change(struct pol_value *v, struct diag *d)
{
	const char *hint;
	int i;

	for (i = 0; i < NS_T_COUNT; i++)
		if (!strcasecmp(ns_type_names[i], v->str)) {
			v->kind = VK_NAME;
			v->u = (uint64_t)i;
			return 0;
		}
	hint = diag_suggest(v->str, ns_type_names, NS_T_COUNT);
	if (hint)
		diag_error(d, &v->pos, "unknown namespace type \"%s\" (did you mean \"%s\"?)",
			   v->str, hint);
	else
		diag_error(d, &v->pos, "unknown namespace type \"%s\"", v->str);
	return -1;
}

int value_parse(struct policy_set *ps, struct pol_match *m, struct pol_value *v,
		struct diag *d)
{
	(void)ps;
	if (memchr(v->str, 0, v->len) && m->kind != MK_ARGS && m->kind != MK_RETURN_ARGS) {
		diag_error(d, &v->pos, "value contains a NUL byte");
		return -1;
	}
	switch (m->kind) {
	case MK_ARGS:
	case MK_RETURN_ARGS:
		return parse_arg_value(m, v, d);
	case MK_PIDS:
		v->kind = VK_UINT;
		if (parse_u64(v->str, 10, &v->u) || v->u > 0xffffffffu) {
			diag_error(d, &v->pos, "invalid PID \"%s\"", v->str);
			return -1;
		}
		return 0;
	case MK_BINARIES:
	case MK_PARENT_BINARIES:
		v->kind = VK_STR;
		return 0;
	case MK_NAMESPACES:
		return parse_ns_value(v, d);
	case MK_CAPS:
	case MK_CAP_CHANGES:
		return parse_cap_value(v, d);
	case MK_NS_CHANGES:
		return parse_ns_change(v, d);
	default:
		return 0;
	}
}
