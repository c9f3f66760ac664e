// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* format_names.c - signal, capability, process-flag, action and socket names. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "bpf/events.h"
#include "output/format_names.h"

/* clang-format off */
static const struct tok signal_names[] = {
	{ SIGHUP, "SIGHUP" },	  { SIGINT, "SIGINT" },	    { SIGQUIT, "SIGQUIT" },
	{ SIGILL, "SIGILL" },	  { SIGTRAP, "SIGTRAP" },   { SIGABRT, "SIGABRT" },
	{ SIGBUS, "SIGBUS" },	  { SIGFPE, "SIGFPE" },	    { SIGKILL, "SIGKILL" },
	{ SIGUSR1, "SIGUSR1" },	  { SIGSEGV, "SIGSEGV" },   { SIGUSR2, "SIGUSR2" },
	{ SIGPIPE, "SIGPIPE" },	  { SIGALRM, "SIGALRM" },   { SIGTERM, "SIGTERM" },
#ifdef SIGSTKFLT
	{ SIGSTKFLT, "SIGSTKFLT" },
#endif
	{ SIGCHLD, "SIGCHLD" },	  { SIGCONT, "SIGCONT" },   { SIGSTOP, "SIGSTOP" },
	{ SIGTSTP, "SIGTSTP" },	  { SIGTTIN, "SIGTTIN" },   { SIGTTOU, "SIGTTOU" },
	{ SIGURG, "SIGURG" },	  { SIGXCPU, "SIGXCPU" },   { SIGXFSZ, "SIGXFSZ" },
	{ SIGVTALRM, "SIGVTALRM" }, { SIGPROF, "SIGPROF" }, { SIGWINCH, "SIGWINCH" },
	{ SIGIO, "SIGIO" },	  { SIGPWR, "SIGPWR" },	    { SIGSYS, "SIGSYS" },
	{ 0, NULL },
};

/* Indexed by capability number (linux/capability.h). */
static const char *const cap_names[CAP_LAST_KNOWN + 1] = {
	"CAP_CHOWN",		"CAP_DAC_OVERRIDE",   "CAP_DAC_READ_SEARCH",
	"CAP_FOWNER",		"CAP_FSETID",	      "CAP_KILL",
	"CAP_SETGID",		"CAP_SETUID",	      "CAP_SETPCAP",
	"CAP_LINUX_IMMUTABLE",	"CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
	"CAP_NET_ADMIN",	"CAP_NET_RAW",	      "CAP_IPC_LOCK",
	"CAP_IPC_OWNER",	"CAP_SYS_MODULE",     "CAP_SYS_RAWIO",
	"CAP_SYS_CHROOT",	"CAP_SYS_PTRACE",     "CAP_SYS_PACCT",
	"CAP_SYS_ADMIN",	"CAP_SYS_BOOT",	      "CAP_SYS_NICE",
	"CAP_SYS_RESOURCE",	"CAP_SYS_TIME",	      "CAP_SYS_TTY_CONFIG",
	"CAP_MKNOD",		"CAP_LEASE",	      "CAP_AUDIT_WRITE",
	"CAP_AUDIT_CONTROL",	"CAP_SETFCAP",	      "CAP_MAC_OVERRIDE",
	"CAP_MAC_ADMIN",	"CAP_SYSLOG",	      "CAP_WAKE_ALARM",
	"CAP_BLOCK_SUSPEND",	"CAP_AUDIT_READ",     "CAP_PERFMON",
	"CAP_BPF",		"CAP_CHECKPOINT_RESTORE",
};
/* clang-format on */

/* Tetragon's spelling where it has the flag; ours otherwise. */
const struct tok proc_flag_names[] = {
    {PROC_F_EXECVE, "execve"},
    {PROC_F_PROCFS, "procFS"},
    {PROC_F_BIN_TRUNC, "truncFilename"},
    {PROC_F_ARGS_TRUNC, "truncArgs"},
    {PROC_F_NO_CWD, "nocwd"},
    {PROC_F_CWD_TRUNC, "truncCWD"},
    {PROC_F_ROOT_CWD, "rootcwd"},
    {PROC_F_CLONE, "clone"},
    {PROC_F_KTHREAD, "kthread"},
    {0, NULL},
};

const char *tok_find(const struct tok *t, uint32_t v)
{
	for (; t->s; t++)
		if (t->v == v)
			return t->s;
	return NULL;
}

const char *tok_name(const struct tok *t, uint32_t v, const char *fmt, char *buf, size_t len)
{
	const char *s = tok_find(t, v);

	if (s)
		return s;
	snprintf(buf, len, fmt, v);
	return buf;
}

const char *signal_name(uint32_t sig, char *buf, size_t len)
{
	return tok_name(signal_names, sig, "SIG%u", buf, len);
}

const char *cap_name(uint32_t cap, char *buf, size_t len)
{
	if (cap <= CAP_LAST_KNOWN)
		return cap_names[cap];
	snprintf(buf, len, "CAP_%u", cap);
	return buf;
}

const char *cap_enum_name(uint32_t cap, char *buf, size_t len)
{
	if (cap == 1)
		return "DAC_OVERRIDE";
	if (cap <= CAP_LAST_KNOWN)
		return cap_names[cap];
	snprintf(buf, len, "%u", cap);
	return buf;
}

/* Tetragon's KprobeAction names, by enum hook_action. */
static const struct tok action_names[] = {
    {HA_POST, "KPROBE_ACTION_POST"},
    {HA_NOPOST, "KPROBE_ACTION_NOPOST"},
    {HA_SIGKILL, "KPROBE_ACTION_SIGKILL"},
    {HA_SIGNAL, "KPROBE_ACTION_SIGNAL"},
    {HA_OVERRIDE, "KPROBE_ACTION_OVERRIDE"},
    {HA_TRACKSOCK, "KPROBE_ACTION_TRACKSOCK"},
    {HA_UNTRACKSOCK, "KPROBE_ACTION_UNTRACKSOCK"},
    {HA_FOLLOWFD, "KPROBE_ACTION_FOLLOWFD"},
    {HA_UNFOLLOWFD, "KPROBE_ACTION_UNFOLLOWFD"},
    {HA_COPYFD, "KPROBE_ACTION_COPYFD"},
    {0, NULL},
};

/* clang-format off */
static const struct tok af_names[] = {
	{ 0, "AF_UNSPEC" }, { 1, "AF_UNIX" }, { 2, "AF_INET" }, { 3, "AF_AX25" },
	{ 4, "AF_IPX" }, { 5, "AF_APPLETALK" }, { 6, "AF_NETROM" }, { 7, "AF_BRIDGE" },
	{ 8, "AF_ATMPVC" }, { 9, "AF_X25" }, { 10, "AF_INET6" }, { 11, "AF_ROSE" },
	{ 12, "AF_DECnet" }, { 13, "AF_NETBEUI" }, { 14, "AF_SECURITY" }, { 15, "AF_KEY" },
	{ 16, "AF_NETLINK" }, { 17, "AF_PACKET" }, { 18, "AF_ASH" }, { 19, "AF_ECONET" },
	{ 20, "AF_ATMSVC" }, { 21, "AF_RDS" }, { 23, "AF_IRDA" }, { 24, "AF_PPPOX" },
	{ 25, "AF_WANPIPE" }, { 26, "AF_LLC" }, { 27, "AF_IB" }, { 28, "AF_MPLS" },
	{ 29, "AF_CAN" }, { 30, "AF_TIPC" }, { 31, "AF_BLUETOOTH" }, { 32, "AF_IUCV" },
	{ 33, "AF_RXRPC" }, { 34, "AF_ISDN" }, { 35, "AF_PHONET" }, { 36, "AF_IEEE802154" },
	{ 37, "AF_CAIF" }, { 38, "AF_ALG" }, { 39, "AF_NFC" }, { 40, "AF_VSOCK" },
	{ 41, "AF_KCM" }, { 42, "AF_QIPCRTR" }, { 43, "AF_SMC" }, { 44, "AF_XDP" },
	{ 45, "AF_MCTP" }, { 0, NULL },
};

static const struct tok sock_type_names[] = {
	{ 1, "SOCK_STREAM" }, { 2, "SOCK_DGRAM" }, { 3, "SOCK_RAW" }, { 4, "SOCK_RDM" },
	{ 5, "SOCK_SEQPACKET" }, { 6, "SOCK_DCCP" }, { 10, "SOCK_PACKET" }, { 0, NULL },
};

static const struct tok ipproto_names[] = {
	{ 0, "IPPROTO_IP" }, { 1, "IPPROTO_ICMP" }, { 2, "IPPROTO_IGMP" },
	{ 4, "IPPROTO_IPIP" }, { 6, "IPPROTO_TCP" }, { 8, "IPPROTO_EGP" },
	{ 12, "IPPROTO_PUP" }, { 17, "IPPROTO_UDP" }, { 22, "IPPROTO_IDP" },
	{ 29, "IPPROTO_TP" }, { 33, "IPPROTO_DCCP" }, { 41, "IPPROTO_IPV6" },
	{ 46, "IPPROTO_RSVP" }, { 47, "IPPROTO_GRE" }, { 50, "IPPROTO_ESP" },
	{ 51, "IPPROTO_AH" }, { 58, "IPPROTO_ICMPV6" }, { 92, "IPPROTO_MTP" },
	{ 94, "IPPROTO_BEETPH" }, { 98, "IPPROTO_ENCAP" }, { 103, "IPPROTO_PIM" },
	{ 108, "IPPROTO_COMP" }, { 132, "IPPROTO_SCTP" }, { 136, "IPPROTO_UDPLITE" },
	{ 137, "IPPROTO_MPLS" }, { 143, "IPPROTO_ETHERNET" }, { 255, "IPPROTO_RAW" },
	{ 262, "IPPROTO_MPTCP" }, { 0, NULL },
};

static const struct tok tcp_state_names[] = {
	{ 1, "TCP_ESTABLISHED" }, { 2, "TCP_SYN_SENT" }, { 3, "TCP_SYN_RECV" },
	{ 4, "TCP_FIN_WAIT1" }, { 5, "TCP_FIN_WAIT2" }, { 6, "TCP_TIME_WAIT" },
	{ 7, "TCP_CLOSE" }, { 8, "TCP_CLOSE_WAIT" }, { 9, "TCP_LAST_ACK" },
	{ 10, "TCP_LISTEN" }, { 11, "TCP_CLOSING" }, { 12, "TCP_NEW_SYN_RECV" },
	{ 0, NULL },
};
/* clang-format on */

/* linux/securebits.h bits, Tetragon's SecureBitsType names. */
const struct tok securebit_names[] = {
    {1u << 0, "SecBitNoRoot"},
    {1u << 1, "SecBitNoRootLocked"},
    {1u << 2, "SecBitNoSetUidFixup"},
    {1u << 3, "SecBitNoSetUidFixupLocked"},
    {1u << 4, "SecBitKeepCaps"},
    {1u << 5, "SecBitKeepCapsLocked"},
    {1u << 6, "SecBitNoCapAmbientRaise"},
    {1u << 7, "SecBitNoCapAmbientRaiseLocked"},
    {0, NULL},
};

const char *action_name(uint32_t action)
{
	const char *s = tok_find(action_names, action);

	return s ? s : "KPROBE_ACTION_UNKNOWN";
}

/* Tetragon prints unknown values as their number. */
const char *af_name(uint32_t family, char *buf, size_t len)
{
	return tok_name(af_names, family, "%u", buf, len);
}

const char *sock_type_name(uint32_t type, char *buf, size_t len)
{
	return tok_name(sock_type_names, type, "%u", buf, len);
}

const char *ipproto_name(uint32_t proto, char *buf, size_t len)
{
	return tok_name(ipproto_names, proto, "%u", buf, len);
}

const char *tcp_state_name(uint32_t state, char *buf, size_t len)
{
	return tok_name(tcp_state_names, state, "%u", buf, len);
}

/* One rwx triplet; the execute letter shows the special bit when set
 * (lower case with execute, upper case without). */
static char *mode_triplet(char *p, uint32_t bits, uint32_t special, char sp)
{
	*p++ = bits & 4 ? 'r' : '-';
	*p++ = bits & 2 ? 'w' : '-';
	if (special)
		*p++ = bits & 1 ? sp : sp - 'a' + 'A';
	else
		*p++ = bits & 1 ? 'x' : '-';
	return p;
}

const char *mode_text(uint32_t mode, char *buf, size_t len)
{
	static const struct tok types[] = {
	    {0060000, "b"}, {0020000, "c"}, {0040000, "d"}, {0010000, "p"},
	    {0120000, "l"}, {0100000, "-"}, {0140000, "s"}, {0, NULL},
	};
	const char *t = tok_find(types, mode & 0170000);
	char tmp[MODE_TEXT_LEN], *p = tmp;

	if (t)
		*p++ = *t;
	p = mode_triplet(p, mode >> 6 & 7, mode & 04000, 's');
	p = mode_triplet(p, mode >> 3 & 7, mode & 02000, 's');
	p = mode_triplet(p, mode & 7, mode & 01000, 't');
	*p = 0;
	snprintf(buf, len, "%s", tmp);
	return buf;
}

/* RFC 5952: lower-case hex, the longest run of two or more zero groups
 * (the first of equals) as "::", IPv4-mapped addresses as ::ffff:a.b.c.d. */
static void ip6_text(const uint8_t *a, char *buf, size_t len)
{
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	int i, run = 0, best = -1, best_len = 1, at = 0;
	uint16_t w[8];

	if (!memcmp(a, mapped, sizeof(mapped))) {
		snprintf(buf, len, "::ffff:%u.%u.%u.%u", a[12], a[13], a[14], a[15]);
		return;
	}
	for (i = 0; i < 8; i++) {
		w[i] = (uint16_t)(a[2 * i] << 8 | a[2 * i + 1]);
		run = w[i] ? 0 : run + 1;
		if (run > best_len) {
			best_len = run;
			best = i - run + 1;
		}
	}
	buf[0] = '\0';
	for (i = 0; i < 8 && at >= 0 && (size_t)at < len; i++) {
		if (i == best) {
			at += snprintf(buf + at, len - at, "::");
			i += best_len - 1;
			continue;
		}
		at +=
		    snprintf(buf + at, len - at, "%s%x", at && buf[at - 1] != ':' ? ":" : "", w[i]);
	}
}

const char *ip_text(uint32_t family, const uint8_t *addr, char *buf, size_t len)
{
	if (!len)
		return "";
	buf[0] = '\0';
	if (family == AF_INET)
		snprintf(buf, len, "%u.%u.%u.%u", addr[0], addr[1], addr[2], addr[3]);
	else if (family == AF_INET6)
		ip6_text(addr, buf, len);
	return buf;
}
