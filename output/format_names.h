/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* format_names.h - value->name tables (signals, capabilities, process flags,
 * policy actions, socket families, types, protocols and states). */
#ifndef TRACER_OUTPUT_FORMAT_NAMES_H
#define TRACER_OUTPUT_FORMAT_NAMES_H

#include <stddef.h>
#include <stdint.h>

/* One value and its name; a table ends with { 0, NULL }. */
struct tok {
	uint32_t v;
	const char *s;
};

#define CAP_LAST_KNOWN 40 /* CAP_CHECKPOINT_RESTORE */

/* The name of v in t, or NULL. */
const char *tok_find(const struct tok *t, uint32_t v);
/* The name of v in t, or fmt (with one %u) printed into buf. Re-entrant. */
const char *tok_name(const struct tok *t, uint32_t v, const char *fmt, char *buf, size_t len);

/* "SIGKILL"; "SIG<n>" for numbers without a name (real-time signals). */
const char *signal_name(uint32_t sig, char *buf, size_t len);
/* "CAP_CHOWN" .. "CAP_CHECKPOINT_RESTORE"; "CAP_<n>" past those. */
const char *cap_name(uint32_t cap, char *buf, size_t len);

/* Tetragon's CapabilitiesType enum name, as its JSON lists capabilities:
 * cap_name() but "DAC_OVERRIDE" for capability 1 (the enum's spelling);
 * past the enum, its number as text. */
const char *cap_enum_name(uint32_t cap, char *buf, size_t len);

/* PROC_F_* bit -> Tetragon flag word ("execve", "procFS", "clone", ...),
 * in the order they are printed. */
extern const struct tok proc_flag_names[];

/* enum hook_action -> "KPROBE_ACTION_POST" ...; "KPROBE_ACTION_UNKNOWN". */
const char *action_name(uint32_t action);
/* Tetragon's socket names ("AF_INET", "SOCK_STREAM", "IPPROTO_TCP",
 * "TCP_SYN_SENT"); the decimal number when there is none. Re-entrant. */
const char *af_name(uint32_t family, char *buf, size_t len);
const char *sock_type_name(uint32_t type, char *buf, size_t len);
const char *ipproto_name(uint32_t proto, char *buf, size_t len);
const char *tcp_state_name(uint32_t state, char *buf, size_t len);
/* An inode's i_mode as ls shows it, Tetragon's permission: "-rw-r--r--",
 * "drwxrwxrwt", "-rwsr-xr-x" (a file type it has no letter for: the nine
 * permission letters alone). buf: MODE_TEXT_LEN bytes. */
#define MODE_TEXT_LEN 11
const char *mode_text(uint32_t mode, char *buf, size_t len);
/* An address as text, like inet_ntop() (RFC 5952 for IPv6) but without
 * locale or syscalls: addr is 4 (AF_INET) or 16 (AF_INET6) bytes in network
 * order; "" for other families. buf: IP_TEXT_LEN bytes. */
#define IP_TEXT_LEN 48
const char *ip_text(uint32_t family, const uint8_t *addr, char *buf, size_t len);
/* linux/securebits.h bit -> Tetragon's SecureBitsType name. */
extern const struct tok securebit_names[];

#endif /* TRACER_OUTPUT_FORMAT_NAMES_H */
