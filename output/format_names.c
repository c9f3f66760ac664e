// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* format_names.c - signal, capability and process-flag names. */
#include <signal.h>
#include <stdio.h>

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
