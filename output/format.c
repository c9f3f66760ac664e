// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* format.c - compact, JSON and CSV lines from one field table per event kind.
 *
 * Each row of a table says where one value goes in every format: its JSON
 * key (and, through FT_OBJ/FT_END rows, its nesting), its CSV column and
 * its slot in the compact line. An event is flattened once into a list of
 * (row, record) visits; each format walks that list. So a field is added
 * in one place and the three formats cannot drift apart.
 *
 * Policy events (process_kprobe, _tracepoint, _lsm, _uprobe) add rows for
 * the hook (function, args, return, action, policy): their arguments print
 * under Tetragon's keys for the policy's type name (format_args.c), and their
 * compact line is chosen by the hooked function (hook_rules[]).
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "output/escape.h"
#include "output/events/container.h"
#include "output/format.h"
#include "output/format_args.h"
#include "output/format_stdio.h"
#include "output/format_names.h"
#include "output/jsonw.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define FMT_LINE_CAP (256 * 1024) /* worst case exec line is ~150 KiB */

/* The CSV header, in order: one fixed set for every event kind (a column
 * an event has nothing for stays empty). */
/* clang-format off */
#define CSV_COLUMNS(X)                                                        \
	X(TIME, "time") X(EVENT, "event") X(NODE, "node_name")                \
	X(EXEC_ID, "exec_id") X(PID, "pid") X(TID, "tid") X(UID, "uid")       \
	X(AUID, "auid") X(CWD, "cwd") X(BINARY, "binary")                     \
	X(ARGUMENTS, "arguments") X(FLAGS, "flags") X(START, "start_time")    \
	X(PEXEC_ID, "parent_exec_id") X(PPID, "parent_pid")                   \
	X(PBINARY, "parent_binary") X(PARGUMENTS, "parent_arguments")         \
	X(IS_HOST, "is_host") X(NS_UTS, "ns_uts") X(NS_IPC, "ns_ipc")         \
	X(NS_MNT, "ns_mnt") X(NS_PID, "ns_pid")                               \
	X(NS_PID_FC, "ns_pid_for_children") X(NS_NET, "ns_net")               \
	X(NS_TIME, "ns_time") X(NS_TIME_FC, "ns_time_for_children")           \
	X(NS_CGROUP, "ns_cgroup") X(NS_USER, "ns_user")                       \
	X(CAP_P, "cap_permitted") X(CAP_E, "cap_effective")                   \
	X(CAP_I, "cap_inheritable") X(GID, "gid") X(EUID, "euid")             \
	X(EGID, "egid") X(SUID, "suid") X(SGID, "sgid") X(FSUID, "fsuid")     \
	X(FSGID, "fsgid") X(STATUS, "status") X(SIGNAL, "signal")             \
	X(DOCKER, "docker") X(POD_NS, "pod_namespace") X(POD, "pod_name")     \
	X(CT_NAME, "container_name") X(CT_IMAGE, "container_image")           \
	X(POLICY, "policy_name") X(FUNCTION, "function_name")                 \
	X(ACTION, "action") X(ARGS, "args") X(RETURN, "return")             \
	X(BIN_INO, "binary_inode") X(BIN_LINKS, "binary_links")
/* clang-format on */

#define COL_ENUM(id, name) COL_##id,
enum csv_col { COL_NONE, CSV_COLUMNS(COL_ENUM) COL_COUNT };
#undef COL_ENUM

/* Compact slots, in line order (see compact_line()). */
enum compact_slot {
	CS_NONE,
	CS_TIME,
	CS_KIND,
	CS_SCOPE,
	CS_PID,
	CS_BINARY,
	CS_ARGS,
	CS_STDIO, /* exec: a socket on fd 0-2 */
	CS_CHAIN, /* --ancestors: "sshd › bash › sh › curl" */
	CS_EXIT,
	CS_DETAIL, /* policy events: what the hook saw */
	CS_RET,
	CS_ACTION,
	CS_POLICY,
	CS_EVIDENCE, /* --evidence: "sha256:0123456789ab" */
	CS_COUNT,
};

enum ftype {
	FT_OBJ,	   /* JSON only: opens object "key" */
	FT_END,	   /* JSON only: closes it */
	FT_KIND,   /* the event: JSON top-level key, CSV "event", compact label */
	FT_PROC,   /* proc_fields for ev->proc (off 0) or ev->parent (off 1) */
	FT_ANCESTORS, /* --ancestors: JSON array of proc_fields; compact chain */
	FT_NODE,   /* tr_host.node_name */
	FT_TIME,   /* u64 wall-clock ns at off */
	FT_U32,	   /* u32 at off */
	FT_STRP,   /* const char * at off (NULL: "") */
	FT_STRA,   /* char[64] at off */
	FT_ARGS,   /* proc_rec args, joined and quoted */
	FT_FLAGS,  /* proc_rec flags as words */
	FT_SCOPE,  /* host or container (mnt and pid namespaces) */
	FT_NS,	   /* namespace slot off: inum and is_host */
	FT_CAPS,   /* u64 capability set at off */
	FT_SIGNAL, /* tr_event exit signal (compact: signal or status) */
	FT_DOCKER, /* the container id, first 31 characters (Tetragon's "docker") */
	FT_POD,	   /* JSON "pod" object: namespace, name, uid, container */
	FT_CTSTR,  /* a container_info string at off (CSV columns) */
	FT_U32Z,   /* u32 at off, a plain proto3 uint32: JSON leaves 0 out */
	FT_CLUSTER, /* tr_host.cluster_name (JSON, when set) */
	FT_NLABELS, /* tr_host.node_labels: JSON "node_labels" {key: value} */
	FT_REFCNT, /* JSON "refcnt": 1 for a live process, 0 (left out) at its exit */
	FT_BPROPS, /* JSON "binary_properties": what the exec changed */
	FT_INIT,   /* JSON "in_init_tree" */
	FT_CTEXT,  /* JSON "container": a container outside Kubernetes (ours) */
	FT_STDIO,  /* an exec's fds 0-2 (ev->stdio), the event's own process only */
	FT_BINFILE, /* CSV: the executed file's inode number (off 0) or links (1) */
	/* policy events; hook strings are read from ev->hook */
	FT_HSTR,    /* const char * at off in tr_hook_info; JSON: absent when NULL */
	FT_HFUNC,   /* the hook as one text: function, subsys:event, path:symbol */
	FT_HARGS,   /* the arguments (compact: the hook's detail) */
	FT_RET,	    /* the return value, when the hook reports one */
	FT_ACTION,  /* the selector's action */
	FT_MONITOR, /* JSON "monitor": true when the action was only reported */
	FT_TAGS,    /* the policy's tags (JSON) */
	FT_POLICY,  /* the policy name (compact: [name]) */
	FT_EVIDENCE, /* --evidence: JSON {"sha256", "status"}; compact: the hash, short */
};

struct field {
	const char *key; /* JSON key; NULL: not in JSON */
	uint8_t type;	 /* enum ftype */
	uint8_t slot;	 /* enum compact_slot, for ev->proc only */
	uint8_t col;	 /* enum csv_col, as the process */
	uint8_t pcol;	 /* enum csv_col, as the parent */
	uint16_t off;	 /* offset in the record, or a slot or selector */
};

#define ROW(k, t, o, c, pc, s)                                                                     \
	{                                                                                          \
		.key = k, .type = t, .off = o, .col = c, .pcol = pc, .slot = s                     \
	}
#define P(m) offsetof(struct proc_rec, m)
#define CT(m) offsetof(struct container_info, m)
#define CR(m) (offsetof(struct proc_rec, creds) + offsetof(struct event_creds, m))
#define E(m) offsetof(struct tr_event, m)
#define H(m) offsetof(struct tr_hook_info, m)
#define NS(k, slot, c) ROW(k, FT_NS, slot, COL_##c, 0, 0)
#define U32(k, o, c) ROW(k, FT_U32, o, c, 0, 0)

/* One process (Tetragon's Process message); also used for the parent. */
/* clang-format off */
static const struct field proc_fields[] = {
	ROW("exec_id", FT_STRA, P(exec_id), COL_EXEC_ID, 0, 0),
	ROW("pid", FT_U32, P(pid), COL_PID, COL_PPID, CS_PID),
	U32("uid", CR(uid), COL_UID),
	ROW("cwd", FT_STRP, P(cwd), COL_CWD, 0, 0),
	ROW("binary", FT_STRP, P(binary), COL_BINARY, COL_PBINARY, CS_BINARY),
	ROW("arguments", FT_ARGS, 0, COL_ARGUMENTS, COL_PARGUMENTS, CS_ARGS),
	ROW("flags", FT_FLAGS, 0, COL_FLAGS, 0, 0),
	ROW("start_time", FT_TIME, P(start_ns), COL_START, 0, 0),
	U32("auid", CR(auid), COL_AUID),
	ROW("pod", FT_POD, 0, 0, 0, 0),
	ROW("docker", FT_DOCKER, 0, COL_DOCKER, 0, 0),
	ROW(NULL, FT_CTSTR, CT(pod_namespace), COL_POD_NS, 0, 0),
	ROW(NULL, FT_CTSTR, CT(pod_name), COL_POD, 0, 0),
	ROW(NULL, FT_CTSTR, CT(name), COL_CT_NAME, 0, 0),
	ROW(NULL, FT_CTSTR, CT(image), COL_CT_IMAGE, 0, 0),
	ROW("parent_exec_id", FT_STRA, P(parent_exec_id), COL_PEXEC_ID, 0, 0),
	ROW("refcnt", FT_REFCNT, 0, 0, 0, 0),
	/* FT_OBJ groups hold no object: json_group() finds their end */
	ROW("cap", FT_OBJ, 0, 0, 0, 0),
	ROW("permitted", FT_CAPS, CR(cap_permitted), COL_CAP_P, 0, 0),
	ROW("effective", FT_CAPS, CR(cap_effective), COL_CAP_E, 0, 0),
	ROW("inheritable", FT_CAPS, CR(cap_inheritable), COL_CAP_I, 0, 0),
	ROW(NULL, FT_END, 0, 0, 0, 0),
	ROW("ns", FT_OBJ, 0, 0, 0, 0),
	NS("uts", NS_UTS, NS_UTS),
	NS("ipc", NS_IPC, NS_IPC),
	NS("mnt", NS_MNT, NS_MNT),
	NS("pid", NS_PID, NS_PID),
	NS("pid_for_children", NS_PID_FOR_CHILDREN, NS_PID_FC),
	NS("net", NS_NET, NS_NET),
	NS("time", NS_TIME, NS_TIME),
	NS("time_for_children", NS_TIME_FOR_CHILDREN, NS_TIME_FC),
	NS("cgroup", NS_CGROUP, NS_CGROUP),
	NS("user", NS_USER, NS_USER),
	ROW(NULL, FT_END, 0, 0, 0, 0),
	U32("tid", P(tid), COL_TID),
	ROW(NULL, FT_SCOPE, 0, COL_IS_HOST, 0, CS_SCOPE),
	ROW("process_credentials", FT_OBJ, 0, 0, 0, 0),
	U32("uid", CR(uid), 0),
	U32("gid", CR(gid), COL_GID),
	U32("euid", CR(euid), COL_EUID),
	U32("egid", CR(egid), COL_EGID),
	U32("suid", CR(suid), COL_SUID),
	U32("sgid", CR(sgid), COL_SGID),
	U32("fsuid", CR(fsuid), COL_FSUID),
	U32("fsgid", CR(fsgid), COL_FSGID),
	ROW(NULL, FT_END, 0, 0, 0, 0),
	ROW("binary_properties", FT_BPROPS, 0, 0, 0, 0),
	ROW("in_init_tree", FT_INIT, 0, 0, 0, 0),
	ROW("container", FT_CTEXT, 0, 0, 0, 0), /* ours, after Tetragon's fields */
	ROW("stdio", FT_STDIO, 0, 0, 0, CS_STDIO), /* extension */
	ROW(NULL, FT_BINFILE, 0, COL_BIN_INO, 0, 0), /* JSON: in binary_properties */
	ROW(NULL, FT_BINFILE, 1, COL_BIN_LINKS, 0, 0),
};

static const struct field exec_fields[] = {
	ROW(NULL, FT_KIND, 0, COL_EVENT, 0, CS_KIND),
	ROW("process", FT_PROC, 0, 0, 0, 0),
	ROW("parent", FT_PROC, 1, 0, 0, 0),
	ROW("ancestors", FT_ANCESTORS, 0, 0, 0, CS_CHAIN),
	ROW(NULL, FT_END, 0, 0, 0, 0),
	ROW("node_name", FT_NODE, 0, COL_NODE, 0, 0),
	ROW("time", FT_TIME, E(time_ns), COL_TIME, 0, CS_TIME),
	ROW("cluster_name", FT_CLUSTER, 0, 0, 0, 0),
	ROW("node_labels", FT_NLABELS, 0, 0, 0, 0),
};

static const struct field exit_fields[] = {
	ROW(NULL, FT_KIND, 0, COL_EVENT, 0, CS_KIND),
	ROW("process", FT_PROC, 0, 0, 0, 0),
	ROW("parent", FT_PROC, 1, 0, 0, 0),
	ROW("ancestors", FT_ANCESTORS, 0, 0, 0, CS_CHAIN),
	ROW("signal", FT_SIGNAL, 0, COL_SIGNAL, 0, CS_EXIT),
	ROW("status", FT_U32Z, E(exit_status), COL_STATUS, 0, 0),
	ROW("time", FT_TIME, E(time_ns), 0, 0, 0), /* the exit's time */
	ROW(NULL, FT_END, 0, 0, 0, 0),
	ROW("node_name", FT_NODE, 0, COL_NODE, 0, 0),
	ROW("time", FT_TIME, E(time_ns), COL_TIME, 0, CS_TIME),
	ROW("cluster_name", FT_CLUSTER, 0, 0, 0, 0),
	ROW("node_labels", FT_NLABELS, 0, 0, 0, 0),
};

/* Policy events, each in Tetragon's field order (its protobuf numbering). */
#define HOOK_HEAD                                                                \
	ROW(NULL, FT_KIND, 0, COL_EVENT, 0, CS_KIND),                            \
	ROW("process", FT_PROC, 0, 0, 0, 0),                                     \
	ROW("parent", FT_PROC, 1, 0, 0, 0),                                      \
	ROW("ancestors", FT_ANCESTORS, 0, 0, 0, CS_CHAIN)
#define HOOK_TAIL                                                                \
	ROW(NULL, FT_END, 0, 0, 0, 0),                                           \
	ROW("node_name", FT_NODE, 0, COL_NODE, 0, 0),                            \
	ROW("time", FT_TIME, E(time_ns), COL_TIME, 0, CS_TIME),                  \
	ROW("cluster_name", FT_CLUSTER, 0, 0, 0, 0),                            \
	ROW("node_labels", FT_NLABELS, 0, 0, 0, 0)
#define ARGS_ROW ROW("args", FT_HARGS, 0, COL_ARGS, 0, CS_DETAIL)
#define ACTION_ROWS                                                              \
	ROW("action", FT_ACTION, 0, COL_ACTION, 0, CS_ACTION),                   \
	ROW("monitor", FT_MONITOR, 0, 0, 0, 0)
#define POLICY_ROW ROW("policy_name", FT_POLICY, H(policy_name), COL_POLICY, 0, CS_POLICY)
#define MESSAGE_ROW ROW("message", FT_HSTR, H(message), 0, 0, 0)
#define TAGS_ROW ROW("tags", FT_TAGS, 0, 0, 0, 0)
#define EVIDENCE_ROW ROW("evidence", FT_EVIDENCE, 0, 0, 0, CS_EVIDENCE)

static const struct field kprobe_fields[] = {
	HOOK_HEAD,
	ROW("function_name", FT_HSTR, H(function_name), COL_FUNCTION, 0, 0),
	ARGS_ROW,
	ROW("return", FT_RET, 0, COL_RETURN, 0, CS_RET),
	ACTION_ROWS,
	POLICY_ROW,
	MESSAGE_ROW,
	TAGS_ROW,
	EVIDENCE_ROW,
	HOOK_TAIL,
};

static const struct field tracepoint_fields[] = {
	HOOK_HEAD,
	ROW("subsys", FT_HSTR, H(subsys), 0, 0, 0),
	ROW("event", FT_HSTR, H(event), 0, 0, 0),
	ROW(NULL, FT_HFUNC, 0, COL_FUNCTION, 0, 0),
	ARGS_ROW,
	POLICY_ROW,
	ACTION_ROWS,
	MESSAGE_ROW,
	TAGS_ROW,
	EVIDENCE_ROW,
	HOOK_TAIL,
};

static const struct field lsm_fields[] = {
	HOOK_HEAD,
	ROW("function_name", FT_HSTR, H(function_name), COL_FUNCTION, 0, 0),
	POLICY_ROW,
	MESSAGE_ROW,
	ARGS_ROW,
	ACTION_ROWS,
	TAGS_ROW,
	EVIDENCE_ROW,
	HOOK_TAIL,
};

/* tr_hook_info keeps a uprobe's binary in subsys and its symbol in event. */
static const struct field uprobe_fields[] = {
	HOOK_HEAD,
	ROW("path", FT_HSTR, H(subsys), 0, 0, 0),
	ROW("symbol", FT_HSTR, H(event), 0, 0, 0),
	ROW(NULL, FT_HFUNC, 0, COL_FUNCTION, 0, 0),
	POLICY_ROW,
	MESSAGE_ROW,
	ARGS_ROW,
	TAGS_ROW,
	ACTION_ROWS,
	EVIDENCE_ROW,
	HOOK_TAIL,
};

struct kind_desc {
	const char *name; /* JSON top-level key and CSV "event" */
	const char *label; /* compact: emoji and word, one width (NULL: by hook) */
	const struct field *fields;
	size_t nfields;
};

static const struct kind_desc kinds[TR_KIND_MAX] = {
	[TR_EXEC] = { "process_exec", "\xf0\x9f\x9a\x80 process", exec_fields,
		      ARRAY_SIZE(exec_fields) },
	[TR_EXIT] = { "process_exit", "\xf0\x9f\x92\xa5 exit   ", exit_fields,
		      ARRAY_SIZE(exit_fields) },
	[TR_KPROBE] = { "process_kprobe", NULL, kprobe_fields, ARRAY_SIZE(kprobe_fields) },
	[TR_TRACEPOINT] = { "process_tracepoint", NULL, tracepoint_fields,
			    ARRAY_SIZE(tracepoint_fields) },
	[TR_LSM] = { "process_lsm", NULL, lsm_fields, ARRAY_SIZE(lsm_fields) },
	[TR_UPROBE] = { "process_uprobe", NULL, uprobe_fields, ARRAY_SIZE(uprobe_fields) },
};
/* clang-format on */

static const struct field end_row = ROW(NULL, FT_END, 0, 0, 0, 0);

/* One row applied to one record (the event, the process or the parent). */
struct visit {
	const struct field *fl;
	const void *base;
	bool parent;
};

#define MAX_KIND_FIELDS 20
#define MAX_VISITS (MAX_KIND_FIELDS + 2 * (ARRAY_SIZE(proc_fields) + 2))
_Static_assert(ARRAY_SIZE(exec_fields) <= MAX_KIND_FIELDS, "exec table");
_Static_assert(ARRAY_SIZE(exit_fields) <= MAX_KIND_FIELDS, "exit table");
_Static_assert(ARRAY_SIZE(kprobe_fields) <= MAX_KIND_FIELDS, "kprobe table");
_Static_assert(ARRAY_SIZE(tracepoint_fields) <= MAX_KIND_FIELDS, "tracepoint table");
_Static_assert(ARRAY_SIZE(lsm_fields) <= MAX_KIND_FIELDS, "lsm table");
_Static_assert(ARRAY_SIZE(uprobe_fields) <= MAX_KIND_FIELDS, "uprobe table");
_Static_assert(COL_COUNT < 256, "csv columns fit in a uint8_t");

/* The event being printed and where it goes. */
struct fctx {
	struct obuf *o;
	struct formatter *f;
	const struct tr_event *ev;
	const struct tr_host *host;
	const struct kind_desc *kd;
	const struct tr_hook_info *hook; /* policy events (never NULL); else NULL */
	uint8_t rule;			 /* enum hook_rule: the compact label and detail */
	const char *word;		 /* the compact label's word */
	struct visit v[MAX_VISITS];
	size_t nv;
};

static void flatten(struct fctx *c, const struct field *t, size_t n, const void *base, bool parent)
{
	const struct proc_rec *p;
	size_t i;

	for (i = 0; i < n; i++) {
		if (t[i].type == FT_PROC) {
			p = t[i].off ? c->ev->parent : c->ev->proc;
			if (!p)
				continue;
			c->v[c->nv++] = (struct visit){&t[i], p, t[i].off};
			flatten(c, proc_fields, ARRAY_SIZE(proc_fields), p, t[i].off);
			c->v[c->nv++] = (struct visit){&end_row, p, t[i].off};
		} else {
			c->v[c->nv++] = (struct visit){&t[i], base, parent};
		}
	}
}

/* --- values ------------------------------------------------------------ */

static uint32_t get_u32(const struct visit *v)
{
	uint32_t x;

	memcpy(&x, (const char *)v->base + v->fl->off, sizeof(x));
	return x;
}

static uint64_t get_u64(const struct visit *v)
{
	uint64_t x;

	memcpy(&x, (const char *)v->base + v->fl->off, sizeof(x));
	return x;
}

static const char *get_str(const struct fctx *c, const struct visit *v, size_t *n)
{
	size_t max = v->fl->type == FT_STRA ? sizeof(((struct proc_rec *)0)->exec_id) : 1u << 20;
	const char *s = NULL;

	if (v->fl->type == FT_NODE)
		s = c->host ? c->host->node_name : NULL;
	else if (v->fl->type == FT_STRP)
		memcpy(&s, (const char *)v->base + v->fl->off, sizeof(s));
	else if (v->fl->type == FT_STRA)
		s = (const char *)v->base + v->fl->off;
	if (!s)
		s = "";
	*n = strnlen(s, max);
	return s;
}

static bool ns_is_host(const struct fctx *c, const struct proc_rec *p, int slot)
{
	return c->host && c->host->ns[slot] && p->ns[slot] == c->host->ns[slot];
}

/* The container string at off, "" for a host process. */
static const char *ct_str(const struct proc_rec *p, size_t off)
{
	return p->container ? (const char *)p->container + off : "";
}

/* Tetragon's "docker": the first 31 characters of the id. */
static size_t docker_id(const struct proc_rec *p, const char **s)
{
	*s = p->container ? p->container->id : "";
	return strnlen(*s, 31);
}

/* Pod.container.id as Kubernetes writes a container's id: with the
 * runtime's scheme (containerd://, docker://, cri-o://). */
static void json_container_id(struct jsonw *w, const struct container_info *ci)
{
	static const struct {
		const char *runtime, *scheme;
	} schemes[] = {{"containerd", "containerd://"}, {"docker", "docker://"},
		       {"crio", "cri-o://"}, {"podman", "podman://"}};
	size_t i;

	if (!jw_str_open(w, "id"))
		return;
	for (i = 0; i < ARRAY_SIZE(schemes); i++)
		if (!strcmp(ci->runtime, schemes[i].runtime))
			jw_str_raw(w, schemes[i].scheme);
	esc_put(w->o, ci->id, strnlen(ci->id, sizeof(ci->id)), ESC_JSON, 0);
	jw_str_close(w);
}

/* Tetragon's Container message: id, name, image, pid (inside). */
static void json_container(struct jsonw *w, const char *key, const struct proc_rec *p)
{
	const struct container_info *ci = p->container;

	jw_open(w, key, '{');
	json_container_id(w, ci);
	jw_str_nz(w, "name", ci->name, strlen(ci->name));
	if (*ci->image_id || *ci->image || w->zeros) {
		jw_open(w, "image", '{');
		jw_str_nz(w, "id", ci->image_id, strlen(ci->image_id));
		jw_str_nz(w, "name", ci->image, strlen(ci->image));
		jw_close(w);
	}
	jw_u64(w, "pid", p->nspid);
	jw_close(w);
}

static bool in_pod(const struct container_info *ci)
{
	return ci && (*ci->pod_name || *ci->pod_namespace || *ci->pod_uid);
}

/* The pod and its container, as Tetragon's Pod message: only for a
 * Kubernetes pod (a plain container has "docker" and our "container"). */
static void json_pod(struct jsonw *w, const struct proc_rec *p)
{
	const struct container_info *ci = p->container;

	if (!in_pod(ci))
		return;
	jw_open(w, "pod", '{');
	jw_str_nz(w, "namespace", ci->pod_namespace, strlen(ci->pod_namespace));
	jw_str_nz(w, "name", ci->pod_name, strlen(ci->pod_name));
	jw_str_nz(w, "uid", ci->pod_uid, strlen(ci->pod_uid));
	json_container(w, "container", p);
	jw_close(w);
}

/* Tetragon's BinaryProperties, when the exec changed something: setuid and
 * setgid are the ids it ran with, privileges_changed why it gained them,
 * file.inode {number, links 0} for a file with no name left (deleted
 * before its exec, a memfd). */
static void json_bprops(struct jsonw *w, const struct proc_rec *p)
{
	static const struct tok reasons[] = {
	    {BP_RAISED_FILE_CAP, "PRIVILEGES_RAISED_EXEC_FILE_CAP"},
	    {BP_RAISED_SETUID, "PRIVILEGES_RAISED_EXEC_FILE_SETUID"},
	    {BP_RAISED_SETGID, "PRIVILEGES_RAISED_EXEC_FILE_SETGID"},
	    {0, NULL},
	};
	const struct tok *t;

	if (!p->secureexec)
		return;
	jw_open(w, "binary_properties", '{');
	if (p->secureexec & BP_SETUID)
		jw_u64(w, "setuid", p->creds.euid);
	if (p->secureexec & BP_SETGID)
		jw_u64(w, "setgid", p->creds.egid);
	if (p->secureexec & (BP_RAISED_FILE_CAP | BP_RAISED_SETUID | BP_RAISED_SETGID)) {
		jw_open(w, "privileges_changed", '[');
		for (t = reasons; t->s; t++)
			if (p->secureexec & t->v)
				jw_str_cstr(w, NULL, t->s);
		jw_close(w);
	}
	if (p->secureexec & BP_UNLINKED) {
		jw_open(w, "file", '{');
		jw_open(w, "inode", '{');
		if (p->bin_ino || w->zeros) /* uint64: a string; unknown in old records */
			jw_u64_str(w, "number", p->bin_ino);
		jw_u64(w, "links", 0); /* a UInt32Value: written though 0 */
		jw_close(w);
		jw_close(w);
	}
	jw_close(w);
}

/* Days since 1970-01-01 to a civil date (H. Hinnant's algorithm). */
static void civil_from_days(uint64_t days, uint64_t *y, unsigned int *m, unsigned int *d)
{
	uint64_t z = days + 719468, era = z / 146097, doe = z - era * 146097;
	uint64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	uint64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	uint64_t mp = (5 * doy + 2) / 153;

	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yoe + era * 400 + (*m <= 2);
}

/* RFC 3339, UTC, nanoseconds: 2026-11-29T00:12:34.123456789Z. JSON
 * (trim) writes a Timestamp as protojson does: 9, 6, 3 or no fraction
 * digits, the fewest that keep every nonzero one. */
static void put_time(struct obuf *o, uint64_t ns, bool trim)
{
	unsigned int frac = ns % 1000000000, digits = 9;

	uint64_t s = ns / 1000000000, y;
	unsigned int m, d, sod = s % 86400;

	civil_from_days(s / 86400, &y, &m, &d);
	ob_u64(o, y, 4);
	ob_putc(o, '-');
	ob_u64(o, m, 2);
	ob_putc(o, '-');
	ob_u64(o, d, 2);
	ob_putc(o, 'T');
	ob_u64(o, sod / 3600, 2);
	ob_putc(o, ':');
	ob_u64(o, sod / 60 % 60, 2);
	ob_putc(o, ':');
	ob_u64(o, sod % 60, 2);
	while (trim && digits && frac % 1000 == 0) {
		frac /= 1000;
		digits -= 3;
	}
	if (digits) {
		ob_putc(o, '.');
		ob_u64(o, frac, digits);
	}
	ob_putc(o, 'Z');
}

/* The event's own time as --time asks (compact and CSV). */
static void put_event_time(const struct fctx *c, uint64_t ns)
{
	uint64_t d;

	switch (c->f->time_mode) {
	case TIME_EPOCH:
		ob_u64(c->o, ns / 1000000000, 0);
		ob_putc(c->o, '.');
		ob_u64(c->o, ns % 1000000000, 9);
		break;
	case TIME_DELTA:
		d = c->f->last_ns && ns > c->f->last_ns ? ns - c->f->last_ns : 0;
		ob_putc(c->o, '+');
		ob_u64(c->o, d / 1000000000, 0);
		ob_putc(c->o, '.');
		ob_u64(c->o, d % 1000000000, 9);
		break;
	case TIME_NONE:
		break;
	default:
		put_time(c->o, ns, false);
	}
}

/* Has flags any bit put_flags() names? */
static bool flag_words(uint32_t flags)
{
	const struct tok *t;

	for (t = proc_flag_names; t->s; t++)
		if (flags & t->v)
			return true;
	return false;
}

static void put_flags(struct obuf *o, uint32_t flags)
{
	const struct tok *t;
	bool sep = false;

	for (t = proc_flag_names; t->s; t++) {
		if (!(flags & t->v))
			continue;
		if (sep)
			ob_putc(o, ' ');
		ob_puts(o, t->s);
		sep = true;
	}
}

/* Capability names separated by spaces (compact and CSV). */
static void put_caps(struct obuf *o, uint64_t set)
{
	char buf[16];
	bool sep = false;
	uint32_t i;

	for (i = 0; i < 64; i++) {
		if (!(set >> i & 1))
			continue;
		if (sep)
			ob_putc(o, ' ');
		ob_puts(o, cap_name(i, buf, sizeof(buf)));
		sep = true;
	}
}

static void put_arg(struct obuf *o, const char *a, size_t n, enum esc_mode mode, unsigned int flags)
{
	if (mode == ESC_JSON)
		flags |= ESC_F_VISIBLE;
	if (!arg_needs_quotes(a, n)) {
		esc_put(o, a, n, mode, flags);
		return;
	}
	ob_putc(o, '\'');
	esc_put(o, a, n, mode, flags | ESC_F_SQUOTE);
	ob_putc(o, '\'');
}

/* argv[1..n] joined by spaces, each argument unambiguous (arg_needs_quotes),
 * " ..." after the last when the kernel cut them. The same text in every
 * format before the format's own encoding. */
static void put_args(struct obuf *o, const struct proc_rec *p, enum esc_mode mode,
		     unsigned int flags)
{
	const char *z;
	size_t at = 0, n, len = p->args ? p->args_len : 0;

	while (at < len) {
		z = memchr(p->args + at, '\0', len - at);
		n = z ? (size_t)(z - p->args) - at : len - at;
		if (at)
			ob_putc(o, ' ');
		put_arg(o, p->args + at, n, mode, flags);
		at += n + 1;
	}
	if (p->flags & PROC_F_ARGS_TRUNC)
		ob_puts(o, len ? " ..." : "...");
}

/* process.arguments in JSON, as Tetragon joins argv: an argument holding a
 * space is wrapped in "...", nothing else is quoted or escaped (beyond the
 * JSON string's own encoding); an empty one adds only its separator, and
 * a quoted one its own leading space, as Tetragon's ArgsDecoder does. */
static void put_args_tetragon(struct obuf *o, const struct proc_rec *p)
{
	const char *a, *z;
	size_t at = 0, n, len = p->args ? p->args_len : 0, start = o->len;

	while (at < len) {
		a = p->args + at;
		z = memchr(a, '\0', len - at);
		n = z ? (size_t)(z - a) : len - at;
		if (memchr(a, ' ', n)) {
			ob_puts(o, " \\\"");
			esc_put(o, a, n, ESC_JSON, 0);
			ob_puts(o, "\\\"");
		} else {
			if (o->len != start)
				ob_putc(o, ' ');
			esc_put(o, a, n, ESC_JSON, 0);
		}
		at += n + 1;
	}
	if (p->flags & PROC_F_ARGS_TRUNC)
		ob_puts(o, len ? " ..." : "...");
}

static bool args_csv_quotes(const struct proc_rec *p)
{
	return p->args && (memchr(p->args, ',', p->args_len) || memchr(p->args, '"', p->args_len));
}

/* --- policy events: arguments (format_args.c renders each) -------------- */

static int arg_views(const struct fctx *c, struct argview *v)
{
	const struct tr_hook_info *h = c->hook;
	int i, n = 0, max = c->ev->nargs < HOOK_MAX_ARGS ? c->ev->nargs : HOOK_MAX_ARGS;

	for (i = 0; c->ev->args && i < max; i++) {
		arg_view(&v[n], &c->ev->args[i], i < h->nargs ? h->arg_type[i] : NULL,
			 i < h->nargs ? h->arg_label[i] : NULL);
		if (v[n].key) /* printed */
			n++;
	}
	return n;
}

/* The return value as an argument of the hook's return type. */
static void ret_view(const struct fctx *c, struct argview *v, struct tr_arg *a)
{
	memset(a, 0, sizeof(*a));
	a->kind = AK_INT;
	a->ival = c->ev->ret;
	arg_view(v, a, c->hook->ret_type ? c->hook->ret_type : "int", NULL);
}

/* CSV: "file:/etc/passwd; sock:tcp 10.0.0.1:34567 -> 1.2.3.4:443". */
static void args_text(const struct fctx *c, unsigned int flags)
{
	struct argview v[HOOK_MAX_ARGS];
	int i, n = arg_views(c, v);

	for (i = 0; i < n; i++) {
		if (i)
			ob_puts(c->o, "; ");
		esc_put(c->o, v[i].name, strlen(v[i].name), ESC_TEXT, flags | ESC_F_SPACE);
		ob_putc(c->o, ':');
		arg_text(c->o, &v[i], flags);
	}
}

/* --- policy events: the compact line ------------------------------------- */

/* What a compact line shows for a hooked function, after the process:
 *
 *   R_CONNECT, R_SOCK_CLOSE  the first socket: tcp SADDR:SPORT -> DADDR:DPORT
 *   R_SENDMSG                the first socket, then "N bytes" (last number)
 *   R_OPEN, R_CLOSE          the first path or string
 *   R_READ, R_WRITE          the first path or string, then "N bytes"
 *   R_MOUNT                  every path and string, in order
 *   R_CRED                   every number, in order
 *   anything else            the function (subsys:event; path symbol), then
 *                            every value in order
 */
enum hook_rule {
	R_GENERIC_SYSCALL,
	R_GENERIC_KPROBE,
	R_TRACEPOINT,
	R_LSM,
	R_UPROBE,
	R_CONNECT,
	R_SOCK_CLOSE,
	R_SENDMSG,
	R_OPEN,
	R_CLOSE,
	R_READ,
	R_WRITE,
	R_MOUNT,
	R_CRED,
};

/* clang-format off */
static const struct {
	const char *emoji, *word;
} rule_labels[] = {
	[R_GENERIC_SYSCALL] = { "\xf0\x9f\x94\x8d", "syscall" },	/* 🔍 */
	[R_GENERIC_KPROBE] = { "\xf0\x9f\x94\x8d", "kprobe" },
	[R_TRACEPOINT] = { "\xf0\x9f\x94\x8d", "tracepoint" },
	[R_LSM] = { "\xf0\x9f\x94\x92", "lsm" },			/* 🔒 */
	[R_UPROBE] = { "\xf0\x9f\x94\x97", "uprobe" },			/* 🔗 */
	[R_CONNECT] = { "\xf0\x9f\x94\x8c", "connect" },		/* 🔌 */
	[R_SOCK_CLOSE] = { "\xf0\x9f\xa7\xb9", "close" },		/* 🧹 */
	[R_SENDMSG] = { "\xf0\x9f\x93\xa4", "sendmsg" },		/* 📤 */
	[R_OPEN] = { "\xf0\x9f\x93\xac", "open" },			/* 📬 */
	[R_CLOSE] = { "\xf0\x9f\x93\xaa", "close" },			/* 📪 */
	[R_READ] = { "\xf0\x9f\x93\x9a", "read" },			/* 📚 */
	[R_WRITE] = { "\xf0\x9f\x93\x9d", "write" },			/* 📝 */
	[R_MOUNT] = { "\xf0\x9f\x92\xbe", "mount" },			/* 💾 */
	[R_CRED] = { "\xf0\x9f\x94\x91", NULL },			/* 🔑 */
};

/* By function name, syscalls without their arch prefix; kprobes and LSM
 * hooks alike (an LSM hook is named without "security_"). */
static const struct {
	const char *fn;
	uint8_t rule;
} hook_rules[] = {
	{ "tcp_connect", R_CONNECT },	      { "tcp_v4_connect", R_CONNECT },
	{ "tcp_v6_connect", R_CONNECT },      { "sys_connect", R_CONNECT },
	{ "security_socket_connect", R_CONNECT }, { "socket_connect", R_CONNECT },
	{ "tcp_close", R_SOCK_CLOSE },	      { "tcp_sendmsg", R_SENDMSG },
	{ "udp_sendmsg", R_SENDMSG },	      { "security_socket_sendmsg", R_SENDMSG },
	{ "socket_sendmsg", R_SENDMSG },
	{ "security_file_open", R_OPEN },     { "file_open", R_OPEN },
	{ "fd_install", R_OPEN },	      { "sys_open", R_OPEN },
	{ "sys_openat", R_OPEN },	      { "sys_openat2", R_OPEN },
	{ "sys_creat", R_OPEN },	      { "sys_close", R_CLOSE },
	{ "sys_read", R_READ },		      { "sys_write", R_WRITE },
	{ "security_sb_mount", R_MOUNT },     { "sb_mount", R_MOUNT },
	{ "sys_mount", R_MOUNT },
	{ "sys_setuid", R_CRED },	      { "sys_setgid", R_CRED },
	{ "sys_setreuid", R_CRED },	      { "sys_setregid", R_CRED },
	{ "sys_setresuid", R_CRED },	      { "sys_setresgid", R_CRED },
	{ "sys_setfsuid", R_CRED },	      { "sys_setfsgid", R_CRED },
};
/* clang-format on */

/* "__x64_sys_openat" -> "sys_openat"; other names unchanged. */
static const char *cut_arch_prefix(const char *fn)
{
	const char *p;

	if (!strncmp(fn, "__", 2) && (p = strstr(fn + 2, "_sys_")))
		return p + 1;
	return fn;
}

static void pick_rule(struct fctx *c)
{
	const char *fn = cut_arch_prefix(c->hook->function_name ? c->hook->function_name : "");
	size_t i;

	c->rule = c->ev->kind == TR_TRACEPOINT ? R_TRACEPOINT
		  : c->ev->kind == TR_UPROBE   ? R_UPROBE
		  : c->ev->kind == TR_LSM      ? R_LSM
		  : !strncmp(fn, "sys_", 4)    ? R_GENERIC_SYSCALL
					       : R_GENERIC_KPROBE;
	c->word = rule_labels[c->rule].word;
	if (c->rule == R_TRACEPOINT || c->rule == R_UPROBE)
		return;
	for (i = 0; i < ARRAY_SIZE(hook_rules); i++) {
		if (strcmp(fn, hook_rules[i].fn))
			continue;
		c->rule = hook_rules[i].rule;
		c->word = rule_labels[c->rule].word ? rule_labels[c->rule].word
						    : hook_rules[i].fn + 4; /* "setuid" */
		return;
	}
}

/* "📬 open   ": the word padded to seven columns, as tetra does. */
static void hook_label(const struct fctx *c)
{
	size_t n = strlen(c->word);

	ob_puts(c->o, rule_labels[c->rule].emoji);
	ob_putc(c->o, ' ');
	ob_puts(c->o, c->word);
	while (n++ < 7)
		ob_putc(c->o, ' ');
}

static int first_of(const struct argview *v, int n, int from, uint8_t cls)
{
	int i;

	for (i = from; i < n; i++)
		if (v[i].cls == cls)
			return i;
	return -1;
}

static int last_of(const struct argview *v, int n, int from, uint8_t cls)
{
	int i;

	for (i = n - 1; i >= from; i--)
		if (v[i].cls == cls)
			return i;
	return -1;
}

static void sep(struct obuf *o, bool *first)
{
	if (!*first)
		ob_putc(o, ' ');
	*first = false;
}

/* Every value of class cls (VC_NONE: every value), space separated. */
static void values_text(struct obuf *o, const struct argview *v, int n, uint8_t cls, bool *first)
{
	int i;

	for (i = 0; i < n; i++) {
		if (cls != VC_NONE && v[i].cls != cls)
			continue;
		sep(o, first);
		arg_text(o, &v[i], 0);
	}
}

static void hook_str_token(struct obuf *o, const char *s, bool *first)
{
	sep(o, first);
	put_val(o, s ? s : "", s ? strlen(s) : 0, 0);
}

/* The value at i, then "N bytes" from the last number after it. */
static bool value_and_size(struct obuf *o, const struct argview *v, int n, int i)
{
	int j;

	if (i < 0)
		return false;
	arg_text(o, &v[i], 0);
	j = last_of(v, n, i + 1, VC_NUM);
	if (j >= 0) {
		ob_putc(o, ' ');
		arg_text(o, &v[j], 0);
		ob_puts(o, " bytes");
	}
	return true;
}

static bool rule_detail(const struct fctx *c, const struct argview *v, int n)
{
	struct obuf *o = c->o;
	bool first = true;
	int i;

	switch (c->rule) {
	case R_CONNECT:
	case R_SOCK_CLOSE:
	case R_OPEN:
	case R_CLOSE:
		i = first_of(v, n, 0,
			     c->rule == R_CONNECT || c->rule == R_SOCK_CLOSE ? VC_SOCK : VC_STR);
		if (i >= 0)
			arg_text(o, &v[i], 0);
		return i >= 0;
	case R_SENDMSG:
		return value_and_size(o, v, n, first_of(v, n, 0, VC_SOCK));
	case R_READ:
	case R_WRITE:
		return value_and_size(o, v, n, first_of(v, n, 0, VC_STR));
	case R_MOUNT:
	case R_CRED:
		if (first_of(v, n, 0, c->rule == R_MOUNT ? VC_STR : VC_NUM) < 0)
			return false;
		values_text(o, v, n, c->rule == R_MOUNT ? VC_STR : VC_NUM, &first);
		return true;
	case R_TRACEPOINT:
		sep(o, &first);
		esc_put(o, c->hook->subsys ? c->hook->subsys : "",
			c->hook->subsys ? strlen(c->hook->subsys) : 0, ESC_TEXT, ESC_F_SPACE);
		ob_putc(o, ':');
		esc_put(o, c->hook->event ? c->hook->event : "",
			c->hook->event ? strlen(c->hook->event) : 0, ESC_TEXT, ESC_F_SPACE);
		break;
	case R_UPROBE:
		hook_str_token(o, c->hook->subsys, &first);
		hook_str_token(o, c->hook->event, &first);
		break;
	default:
		hook_str_token(o, c->hook->function_name, &first);
		break;
	}
	values_text(o, v, n, VC_NONE, &first);
	return true;
}

static void compact_detail(const struct fctx *c)
{
	struct argview v[HOOK_MAX_ARGS];
	int n = arg_views(c, v);
	bool first = true;

	if (!rule_detail(c, v, n))
		values_text(c->o, v, n, VC_NONE, &first);
}

/* Post is the rule and says nothing; enforcement is flagged, and one only
 * reported (--monitor) says so: "🚫 SIGKILL", "👀 SIGKILL (monitor)". */
static void compact_action(const struct fctx *c)
{
	const char *name = action_name(c->ev->action) + strlen("KPROBE_ACTION_");
	uint8_t a = c->ev->action;

	if (a == HA_POST && !c->ev->monitor)
		return;
	if (a == HA_SIGKILL || a == HA_SIGNAL || a == HA_OVERRIDE)
		ob_puts(c->o, c->ev->monitor ? "\xf0\x9f\x91\x80 " : "\xf0\x9f\x9a\xab ");
	ob_puts(c->o, name);
	if (c->ev->monitor)
		ob_puts(c->o, " (monitor)");
}

static const char *hook_str(const struct fctx *c, const struct visit *v)
{
	const char *s;

	memcpy(&s, (const char *)c->hook + v->fl->off, sizeof(s));
	return s;
}

/* The text of a policy-event row, for compact (its slot) or CSV (its cell). */
static void hook_text(const struct fctx *c, const struct visit *v, unsigned int flags, bool compact)
{
	struct argview rv;
	struct tr_arg ra;
	const char *s;

	switch (v->fl->type) {
	case FT_HSTR:
	case FT_POLICY:
		s = hook_str(c, v);
		if (!s)
			break;
		compact = compact && v->fl->type == FT_POLICY; /* the only slot */
		if (compact)
			ob_putc(c->o, '[');
		esc_put(c->o, s, strlen(s), ESC_TEXT, flags | (compact ? ESC_F_SPACE : 0));
		if (compact)
			ob_putc(c->o, ']');
		break;
	case FT_HFUNC: /* CSV only */
		s = c->ev->kind == TR_TRACEPOINT || c->ev->kind == TR_UPROBE
			? c->hook->subsys
			: c->hook->function_name;
		esc_put(c->o, s ? s : "", s ? strlen(s) : 0, ESC_TEXT, flags);
		if (c->ev->kind == TR_TRACEPOINT || c->ev->kind == TR_UPROBE) {
			ob_putc(c->o, ':');
			s = c->hook->event;
			esc_put(c->o, s ? s : "", s ? strlen(s) : 0, ESC_TEXT, flags);
		}
		break;
	case FT_HARGS:
		if (compact)
			compact_detail(c);
		else
			args_text(c, flags);
		break;
	case FT_RET:
		if (!c->hook->has_ret)
			break;
		ret_view(c, &rv, &ra);
		if (compact)
			ob_puts(c->o, "= ");
		arg_text(c->o, &rv, flags);
		break;
	case FT_ACTION:
		if (compact) {
			compact_action(c);
			break;
		}
		ob_puts(c->o, action_name(c->ev->action));
		if (c->ev->monitor)
			ob_puts(c->o, " monitor");
		break;
	}
}

/* A spreadsheet runs a cell that starts with = + - or @ as a formula:
 * such a cell (unless it is a plain negative number) gets a leading ',
 * as OWASP advises. Tabs and CRs never start one: they are escaped. */
static void csv_defuse(struct obuf *o, size_t mark)
{
	size_t at = mark + (o->len > mark && o->p[mark] == '"'), n, i;
	char *s = o->p + at;

	if (at >= o->len || !strchr("=+-@", s[0]))
		return;
	n = o->len - at - (at > mark); /* without the closing quote */
	for (i = 1; s[0] == '-' && i < n && s[i] >= '0' && s[i] <= '9'; i++)
		;
	if (s[0] == '-' && n > 1 && i == n)
		return;
	if (o->len + 1 > o->cap)
		return;
	memmove(s + 1, s, o->len - at);
	s[0] = '\'';
	o->len++;
}

/* CSV: render, and quote (re-render with "" doubling) only when needed. */
static void csv_hook_cell(const struct fctx *c, const struct visit *v)
{
	size_t mark = c->o->len;
	bool full = c->o->full;

	hook_text(c, v, 0, false);
	if (!csv_needs_quotes(c->o->p + mark, c->o->len - mark))
		return;
	c->o->len = mark;
	c->o->full = full;
	if (!ob_putc(c->o, '"'))
		return;
	hook_text(c, v, ESC_F_CSVQ, false);
	ob_force(c->o, "\"", 1);
}

/* An exec's stdio belongs to the event's process, never to its parent. */
static bool stdio_here(const struct fctx *c, const struct visit *v)
{
	return c->ev->stdio && !v->parent && v->base == c->ev->proc;
}

/* The last path component of a binary, escaped. */
static void put_base(struct obuf *o, const char *bin)
{
	const char *b = bin ? strrchr(bin, '/') : NULL;

	b = b ? b + 1 : bin ? bin : "";
	if (*b)
		esc_put(o, b, strlen(b), ESC_TEXT, ESC_F_SPACE);
	else
		ob_putc(o, '?');
}

/* --ancestors, compact: the chain oldest first down to the process, as
 * "(sshd › bash › sh › curl)"; nothing when the option is off. */
static void put_chain(const struct fctx *c)
{
	const struct tr_event *ev = c->ev;
	int i;

	if (!ev->ancestors || (!ev->parent && !ev->nancestors))
		return;
	ob_putc(c->o, '(');
	for (i = ev->nancestors; i-- > 0;) {
		put_base(c->o, ev->ancestors[i]->binary);
		ob_puts(c->o, " \xe2\x80\xba ");
	}
	if (ev->parent) {
		put_base(c->o, ev->parent->binary);
		ob_puts(c->o, " \xe2\x80\xba ");
	}
	put_base(c->o, ev->proc->binary);
	ob_putc(c->o, ')');
}

/* text_value's fields that depend on the event or the host: kind, scope,
 * stdio, signal, ancestry, evidence, and the policy-event fields. */
static void text_event_value(const struct fctx *c, const struct visit *v, unsigned int flags,
			     bool compact)
{
	const struct proc_rec *p = v->base;
	struct obuf *o = c->o;
	char buf[16];
	const char *s;

	switch (v->fl->type) {
	case FT_KIND:
		if (compact && c->hook)
			hook_label(c);
		else
			ob_puts(o, compact ? c->kd->label : c->kd->name);
		break;
	case FT_SCOPE:
		if (compact && p->container) { /* pod ns/name, name or short id */
			s = container_compact_name(p->container);
			esc_put(o, s, strlen(s), ESC_TEXT, flags);
		} else if (compact)
			ob_puts(o, proc_on_host(c->host, p) ? "host" : "container");
		else
			ob_puts(o, proc_on_host(c->host, p) ? "true" : "false");
		break;
	case FT_STDIO:
		if (compact && stdio_here(c, v))
			stdio_text(o, c->ev->stdio);
		break;
	case FT_SIGNAL:
		if (c->ev->exit_signal)
			ob_puts(o, signal_name(c->ev->exit_signal, buf, sizeof(buf)));
		else if (compact)
			ob_u64(o, c->ev->exit_status, 0);
		break;
	case FT_ANCESTORS:
		if (compact)
			put_chain(c);
		break;
	case FT_EVIDENCE:
		if (compact && c->ev->exe_sha256) {
			ob_puts(o, "sha256:");
			ob_put(o, c->ev->exe_sha256, 12);
		}
		break;
	default:
		hook_text(c, v, flags, compact);
		break;
	}
}

/* The plain-text form shared by compact and CSV. */
static void text_value(const struct fctx *c, const struct visit *v, unsigned int flags,
		       bool compact)
{
	const struct proc_rec *p = v->base;
	struct obuf *o = c->o;
	const char *s;
	size_t n;

	switch (v->fl->type) {
	case FT_TIME:
		if (v->base == c->ev && v->fl->off == E(time_ns))
			put_event_time(c, get_u64(v));
		else
			put_time(o, get_u64(v), false);
		break;
	case FT_U32:
	case FT_U32Z:
		ob_u64(o, get_u32(v), 0);
		break;
	case FT_NODE:
	case FT_STRP:
	case FT_STRA:
		s = get_str(c, v, &n);
		if (!n && compact)
			ob_putc(o, '?');
		esc_put(o, s, n, ESC_TEXT, flags);
		break;
	case FT_ARGS:
		put_args(o, p, ESC_TEXT, flags);
		break;
	case FT_FLAGS:
		put_flags(o, p->flags);
		break;
	case FT_DOCKER:
		n = docker_id(p, &s);
		esc_put(o, s, n, ESC_TEXT, flags);
		break;
	case FT_CTSTR:
		s = ct_str(p, v->fl->off);
		esc_put(o, s, strlen(s), ESC_TEXT, flags);
		break;
	case FT_NS:
		ob_u64(o, p->ns[v->fl->off], 0);
		break;
	case FT_CAPS:
		put_caps(o, get_u64(v));
		break;
	case FT_BINFILE: /* empty when the record had no inode */
		if (p->bin_known)
			ob_u64(o, v->fl->off ? p->bin_nlink : p->bin_ino, 0);
		break;
	default:
		text_event_value(c, v, flags, compact);
		break;
	}
}

/* --- JSON --------------------------------------------------------------- */

static void json_text(struct jsonw *w, const struct fctx *c, const struct visit *v)
{
	if (!jw_str_open(w, v->fl->key))
		return;
	text_value(c, v, 0, false);
	jw_str_close(w);
}

static void json_hook(struct jsonw *w, const struct fctx *c, const struct visit *v)
{
	struct argview av[HOOK_MAX_ARGS], rv;
	const struct tr_hook_info *h = c->hook;
	struct tr_arg ra;
	const char *s;
	int i, n;

	switch (v->fl->type) {
	case FT_HSTR:
	case FT_POLICY:
		s = hook_str(c, v);
		if (s)
			jw_str_cstr(w, v->fl->key, s);
		break;
	case FT_HARGS:
		n = arg_views(c, av);
		jw_open(w, v->fl->key, '[');
		for (i = 0; i < n; i++)
			json_arg(w, NULL, &av[i]);
		jw_close(w);
		break;
	case FT_RET:
		if (!h->has_ret)
			break;
		ret_view(c, &rv, &ra);
		json_arg(w, v->fl->key, &rv);
		break;
	case FT_ACTION:
		jw_str_cstr(w, v->fl->key, action_name(c->ev->action));
		break;
	case FT_MONITOR:
		if (c->ev->monitor)
			jw_bool(w, v->fl->key, true);
		break;
	case FT_TAGS:
		if (h->ntags <= 0 || !h->tags)
			break;
		jw_open(w, v->fl->key, '[');
		for (i = 0; i < h->ntags; i++)
			if (h->tags[i])
				jw_str_cstr(w, NULL, h->tags[i]);
		jw_close(w);
		break;
	}
}

/* The envelope's node_labels, a map<string, string>: left out when empty
 * (protojson, and --json-zeros: {}), keys in order. */
static void json_node_labels(struct jsonw *w, const struct tr_host *h, const char *key)
{
	int i;

	if (!h || (!h->nnode_labels && !w->zeros))
		return;
	jw_open(w, key, '{');
	for (i = 0; i < h->nnode_labels; i++) {
		const char *kv = h->node_labels[i], *eq = strchr(kv, '=');

		if (eq)
			jw_str_keyed(w, kv, eq - kv, eq + 1, strlen(eq + 1));
	}
	jw_close(w);
}

/* Rows of a process that only JSON has, and the envelope's cluster_name
 * and node_labels. */
static void json_extra(struct jsonw *w, const struct fctx *c, const struct visit *v)
{
	const struct proc_rec *p = v->base;
	const char *s;

	switch (v->fl->type) {
	case FT_CLUSTER:
		s = c->host ? c->host->cluster_name : NULL;
		if (s && *s)
			jw_str_cstr(w, v->fl->key, s);
		break;
	case FT_NLABELS:
		json_node_labels(w, c->host, v->fl->key);
		break;
	case FT_REFCNT: /* 1 while the process lives: replay prints what live did */
		jw_u64_nz(w, v->fl->key, c->ev->kind == TR_EXIT && p == c->ev->proc ? 0 : 1);
		break;
	case FT_BPROPS:
		json_bprops(w, p);
		break;
	case FT_INIT: /* a BoolValue: always written */
		jw_bool(w, v->fl->key, p->in_init_tree);
		break;
	case FT_CTEXT:
		if (p->container && !in_pod(p->container))
			json_container(w, v->fl->key, p);
		break;
	case FT_POD:
		json_pod(w, p);
		break;
	}
}

/* Strings, numbers and times; protojson leaves a zero proto3 scalar out. */
static void json_scalar(struct jsonw *w, const struct fctx *c, const struct visit *v)
{
	const struct proc_rec *p = v->base;
	const char *s;
	size_t n;

	switch (v->fl->type) {
	case FT_U32: /* a UInt32Value: always written */
		jw_u64(w, v->fl->key, get_u32(v));
		break;
	case FT_U32Z:
		jw_u64_nz(w, v->fl->key, get_u32(v));
		break;
	case FT_NODE:
	case FT_STRP:
	case FT_STRA:
		s = get_str(c, v, &n);
		jw_str_nz(w, v->fl->key, s, n);
		break;
	case FT_TIME:
		if (jw_str_open(w, v->fl->key))
			put_time(w->o, get_u64(v), true);
		jw_str_close(w);
		break;
	case FT_ARGS:
		if (!p->args_len && !(p->flags & PROC_F_ARGS_TRUNC) && !w->zeros)
			break;
		if (jw_str_open(w, v->fl->key))
			put_args_tetragon(w->o, p);
		jw_str_close(w);
		break;
	case FT_FLAGS:
		if (!flag_words(p->flags) && !w->zeros)
			break;
		json_text(w, c, v);
		break;
	case FT_NS:
		jw_open(w, v->fl->key, '{');
		jw_u64_nz(w, "inum", p->ns[v->fl->off]);
		jw_bool_nz(w, "is_host", ns_is_host(c, p, v->fl->off));
		jw_close(w);
		break;
	}
}

static void json_value(struct jsonw *w, const struct fctx *c, const struct visit *v);
static void json_rows(struct jsonw *w, const struct fctx *c, const struct visit *v, size_t n);

/* --ancestors: Tetragon's "ancestors", each as the "parent" object. */
static void json_ancestors(struct jsonw *w, const struct fctx *c)
{
	struct visit v[ARRAY_SIZE(proc_fields)];
	size_t i;
	int k;

	if (!c->ev->ancestors || !c->ev->nancestors)
		return; /* protojson leaves an empty list out */
	jw_open(w, "ancestors", '[');
	for (k = 0; k < c->ev->nancestors; k++) {
		for (i = 0; i < ARRAY_SIZE(proc_fields); i++)
			v[i] = (struct visit){&proc_fields[i], c->ev->ancestors[k], true};
		jw_open(w, NULL, '{');
		json_rows(w, c, v, ARRAY_SIZE(v));
		jw_close(w);
	}
	jw_close(w);
}

/* --evidence: what the worker did with the process's binary. */
static void json_evidence(struct jsonw *w, const struct fctx *c, const char *key)
{
	if (!c->ev->evidence)
		return;
	jw_open(w, key, '{');
	if (c->ev->exe_sha256)
		jw_str_cstr(w, "sha256", c->ev->exe_sha256);
	jw_str_cstr(w, "status", c->ev->evidence);
	jw_close(w);
}

/* Fields of this event rather than of a process record. */
static void json_event_field(struct jsonw *w, const struct fctx *c, const struct visit *v)
{
	switch (v->fl->type) {
	case FT_SIGNAL:
		if (c->ev->exit_signal)
			json_text(w, c, v);
		break;
	case FT_STDIO:
		if (stdio_here(c, v))
			stdio_json(w, v->fl->key, c->ev->stdio);
		break;
	case FT_ANCESTORS:
		json_ancestors(w, c);
		break;
	default: /* FT_EVIDENCE */
		json_evidence(w, c, v->fl->key);
		break;
	}
}

static void json_value(struct jsonw *w, const struct fctx *c, const struct visit *v)
{
	const struct field *fl = v->fl;
	const struct proc_rec *p = v->base;
	const char *s = NULL;

	switch (fl->type) {
	case FT_KIND:
		jw_open(w, c->kd->name, '{');
		break;
	case FT_OBJ:
	case FT_PROC:
		jw_open(w, fl->key, '{');
		break;
	case FT_END:
		jw_close(w);
		break;
	case FT_CAPS:
		json_caps(w, fl->key, get_u64(v), &c->f->caps);
		break;
	case FT_SIGNAL:
	case FT_STDIO:
	case FT_ANCESTORS:
	case FT_EVIDENCE:
		json_event_field(w, c, v);
		break;
	case FT_SCOPE:
	case FT_HFUNC:
	case FT_CTSTR:
	case FT_BINFILE:
		break;
	case FT_DOCKER:
		if (p->container) {
			size_t n = docker_id(p, &s);

			jw_str(w, fl->key, s, n);
		}
		break;
	case FT_CLUSTER:
	case FT_NLABELS:
	case FT_REFCNT:
	case FT_BPROPS:
	case FT_INIT:
	case FT_CTEXT:
	case FT_POD:
		json_extra(w, c, v);
		break;
	default:
		if (fl->type >= FT_HSTR)
			json_hook(w, c, v);
		else
			json_scalar(w, c, v);
		break;
	}
}

/* The slot of p's namespace set, rendered on a miss; NULL if it did not
 * fit. v..v[end] are the "ns" object's rows. */
static const char *ns_text(const struct fctx *c, const struct visit *v, size_t end, bool zeros,
			   uint16_t *len)
{
	const struct proc_rec *p = v->base;
	struct ns_memo *m = &c->f->ns;
	uint32_t bits = 0, k;
	struct jsonw w;
	struct obuf o;
	size_t i;

	for (k = 0; k < NS_COUNT; k++)
		bits |= (uint32_t)ns_is_host(c, p, k) << k;
	for (k = 0; k < NS_MEMO_SLOTS; k++)
		if (m->slot[k].len && m->slot[k].host_bits == bits && m->slot[k].zeros == zeros &&
		    !memcmp(m->slot[k].ns, p->ns, sizeof(p->ns)))
			break;
	if (k == NS_MEMO_SLOTS) {
		k = m->next++ % NS_MEMO_SLOTS;
		ob_init(&o, m->slot[k].text, sizeof(m->slot[k].text));
		jw_init(&w, &o);
		w.zeros = zeros;
		for (i = 0; i <= end; i++)
			json_value(&w, c, &v[i]);
		memcpy(m->slot[k].ns, p->ns, sizeof(p->ns));
		m->slot[k].host_bits = bits;
		m->slot[k].zeros = zeros;
		m->slot[k].len = o.full ? 0 : (uint16_t)o.len;
	}
	*len = m->slot[k].len;
	return *len ? m->slot[k].text : NULL;
}

/* --no-process-cred, --no-process-ns: a process's object left out whole,
 * as Tetragon leaves it out unless enable-process-cred/-ns is set. */
static bool json_dropped(const struct formatter *f, const struct field *fl)
{
	if (fl->type != FT_OBJ || !fl->key)
		return false;
	if (f->json_no_cred && (!strcmp(fl->key, "cap") || !strcmp(fl->key, "process_credentials")))
		return true;
	return f->json_no_ns && !strcmp(fl->key, "ns");
}

/* Rows v[0] (an object) to its FT_END: left out (--no-process-*), the
 * memoised "ns", or written row by row. Returns the rows consumed. */
static size_t json_group(struct jsonw *w, const struct fctx *c, const struct visit *v, size_t n)
{
	const char *text;
	uint16_t len;
	size_t end = 0, i;

	while (end + 1 < n && v[end + 1].fl->type != FT_END) /* these objects hold no object */
		end++;
	end = end + 1 < n ? end + 1 : end;
	if (json_dropped(c->f, v->fl))
		return end + 1;
	if (!strcmp(v->fl->key, "ns") && (text = ns_text(c, v, end, w->zeros, &len)) &&
	    jw_raw_members(w, text, len))
		return end + 1;
	for (i = 0; i <= end; i++)
		json_value(w, c, &v[i]);
	return end + 1;
}

/* Rows in order; an object's group as json_group() decides. */
static void json_rows(struct jsonw *w, const struct fctx *c, const struct visit *v, size_t n)
{
	size_t i;

	for (i = 0; i < n;) {
		if (v[i].fl->type == FT_OBJ && v[i].fl->key)
			i += json_group(w, c, &v[i], n - i);
		else
			json_value(w, c, &v[i++]);
	}
}

static void json_line(struct fctx *c)
{
	struct jsonw w;

	jw_init(&w, c->o);
	w.zeros = c->f->json_zeros;
	jw_open(&w, NULL, '{');
	json_rows(&w, c, c->v, c->nv);
	jw_finish(&w);
}

/* --- CSV ---------------------------------------------------------------- */

/* "time,event,...,return\n": each name is prefixed by a comma; skip the first.
 *
 * Policy events fill policy_name, function_name (a tracepoint's
 * "subsys:event", a uprobe's "path:symbol"), action (Tetragon's name, then
 * " monitor" when only reported), return, and args: "NAME:VALUE" joined by
 * "; ", NAME the arg's label or else its type name, VALUE as in compact
 * lines, e.g. "file:/etc/passwd; sock:tcp 10.0.0.1:34567 -> 1.2.3.4:443". */
#define COL_HDR(id, name) "," name
static const char csv_header[] = CSV_COLUMNS(COL_HDR) "\n";
#undef COL_HDR

static bool csv_quoted(const struct fctx *c, const struct visit *v)
{
	const char *s;
	size_t n;

	switch (v->fl->type) {
	case FT_NODE:
	case FT_STRP:
	case FT_STRA:
		s = get_str(c, v, &n);
		return csv_needs_quotes(s, n);
	case FT_ARGS:
		return args_csv_quotes(v->base);
	case FT_CTSTR: /* names a runtime's state file gave: anything */
		s = ct_str(v->base, v->fl->off);
		return csv_needs_quotes(s, strlen(s));
	default:
		return false; /* numbers, times, names: never , " or spaces */
	}
}

static void csv_cell_raw(const struct fctx *c, const struct visit *v)
{
	if (v->fl->type >= FT_HSTR) {
		csv_hook_cell(c, v);
		return;
	}
	if (!csv_quoted(c, v)) {
		text_value(c, v, 0, false);
		return;
	}
	if (!ob_putc(c->o, '"'))
		return;
	text_value(c, v, ESC_F_CSVQ, false);
	ob_force(c->o, "\"", 1);
}

static void csv_cell(const struct fctx *c, const struct visit *v)
{
	size_t mark = c->o->len;

	csv_cell_raw(c, v);
	csv_defuse(c->o, mark);
}

static uint8_t visit_col(const struct visit *v)
{
	return v->parent ? v->fl->pcol : v->fl->col;
}

/* Every row has every column; a full line still gets all its commas. */
static void csv_line(struct fctx *c)
{
	const struct visit *cols[COL_COUNT] = {NULL};
	size_t i;

	for (i = 0; i < c->nv; i++)
		if (visit_col(&c->v[i]))
			cols[visit_col(&c->v[i])] = &c->v[i];
	for (i = 1; i < COL_COUNT; i++) {
		if (i > 1)
			ob_force(c->o, ",", 1);
		if (cols[i])
			csv_cell(c, cols[i]);
	}
}

/* --- compact ------------------------------------------------------------- */

/* One line per event, tokens separated by one space, always in this order:
 *
 *   TIME KIND SCOPE PID BINARY [ARGUMENTS...] [EXIT]
 *
 *   2026-11-29T00:12:34.123456789Z 🚀 process host 4242 /usr/bin/true a 'two words'
 *   2026-11-29T00:12:34.125000000Z 💥 exit    host 4242 /usr/bin/true a 'two words' 0
 *   2026-11-29T00:12:35.000000000Z 💥 exit    container 77 /usr/bin/sleep 30 SIGKILL
 *
 * TIME is RFC 3339 UTC with nanoseconds. KIND is "🚀 process" or
 * "💥 exit   " (padded to one width). SCOPE is "host" or "container" (the
 * slot a container name takes later). BINARY is one token: its spaces are
 * written \x20. ARGUMENTS is the arguments text (argv[1..], quoted where
 * ambiguous, " ..." when cut), absent when there are none. EXIT, on exits
 * only, is the signal name when a signal killed the process, else the exit
 * status. Nothing in a token is a raw control byte (escape.h).
 *
 * Policy events print no ARGUMENTS and no EXIT, but after BINARY:
 *
 *   TIME KIND SCOPE PID BINARY DETAIL... [= RETURN] [ACTION] [POLICY]
 *
 *   ... 📬 open    host 4242 /usr/bin/cat /etc/shadow [sensitive-files]
 *   ... 🔌 connect container 77 /usr/bin/nc tcp 10.0.0.1:34567 -> 1.2.3.4:443 [revshell]
 *   ... 💾 mount   container 77 /bin/mount tmpfs /mnt tmpfs 🚫 SIGKILL [escape]
 *
 * KIND and DETAIL come from the hooked function (enum hook_rule). Each
 * value is one token, quoted where ambiguous as arguments are, except a
 * socket ("tcp SADDR:SPORT -> DADDR:DPORT", IPv6 in brackets) and a cred
 * ("uid=U euid=E gid=G egid=EG"). A cut string or path is followed by
 * "...", an unreadable value is "?". RETURN is "= N" when the hook reports
 * one. ACTION is absent for Post, "🚫 NAME" for Sigkill, Signal and
 * Override, "👀 NAME (monitor)" when --monitor only reported it, else the
 * bare name (UNTRACKSOCK). POLICY is the policy name in brackets.
 */
/* --color: exec green, exit yellow, policy events red when they enforce,
 * magenta otherwise. The escapes are ours, never a traced process's. */
static const char *kind_color(const struct fctx *c)
{
	if (c->ev->kind == TR_EXEC)
		return "\033[32m";
	if (c->ev->kind == TR_EXIT)
		return "\033[33m";
	if (c->ev->action == HA_SIGKILL || c->ev->action == HA_SIGNAL ||
	    c->ev->action == HA_OVERRIDE)
		return "\033[1;31m";
	return "\033[35m";
}

static void compact_line(struct fctx *c)
{
	const struct visit *slots[CS_COUNT] = {NULL};
	size_t i, mark;

	for (i = 0; i < c->nv; i++)
		if (c->v[i].fl->slot && !c->v[i].parent)
			slots[c->v[i].fl->slot] = &c->v[i];
	for (i = 1; i < CS_COUNT; i++) {
		if (!slots[i] || (i == CS_ARGS && c->hook))
			continue; /* policy events: no process arguments, as tetra */
		mark = c->o->len;
		if (i > 1)
			ob_putc(c->o, ' ');
		if (c->f->color && (i == CS_KIND || i == CS_POLICY))
			ob_puts(c->o, i == CS_POLICY ? "\033[1m" : kind_color(c));
		text_value(c, slots[i], i == CS_ARGS ? 0 : ESC_F_SPACE, true);
		if (c->f->color && (i == CS_KIND || i == CS_POLICY))
			ob_puts(c->o, "\033[0m");
		if (c->o->len == mark + (i > 1))
			c->o->len = mark; /* empty token: no separator */
		for (mark = 0; i == CS_TIME && mark < (size_t)c->f->indent && mark < 64; mark++)
			ob_putc(c->o, ' '); /* --story: the tree's depth, after the time */
	}
}

/* --- API ---------------------------------------------------------------- */

int time_mode_parse(const char *name, enum time_mode *mode)
{
	static const char *const names[] = {"iso", "epoch", "delta", "none"};
	size_t i;

	for (i = 0; name && i < ARRAY_SIZE(names); i++)
		if (!strcmp(name, names[i])) {
			*mode = (enum time_mode)i;
			return 0;
		}
	return -1;
}

int out_format_parse(const char *name, enum out_format *fmt)
{
	static const struct {
		const char *name;
		enum out_format fmt;
	} names[] = {{"compact", OUT_COMPACT}, {"json", OUT_JSON}, {"csv", OUT_CSV}};
	size_t i;

	for (i = 0; name && i < ARRAY_SIZE(names); i++) {
		if (!strcmp(name, names[i].name)) {
			*fmt = names[i].fmt;
			return 0;
		}
	}
	return -1;
}

int formatter_init(struct formatter *f, enum out_format fmt, FILE *out, const struct tr_host *host)
{
	memset(f, 0, sizeof(*f));
	f->line = malloc(FMT_LINE_CAP);
	if (!f->line)
		return -ENOMEM;
	f->line_cap = FMT_LINE_CAP;
	f->format = fmt;
	f->out = out;
	f->host = host;
	return 0;
}

/* Whole lines only: the sink never writes part of one. */
static void put_line(struct formatter *f, const char *s, size_t len)
{
	if (f->sink)
		sink_line(f->sink, s, len);
	else
		fwrite(s, 1, len, f->out);
}

/* A policy event whose hook is unknown still prints (generic, unnamed). */
static const struct tr_hook_info no_hook;

size_t formatter_render(struct formatter *f, const struct tr_event *ev)
{
	struct obuf o;
	struct fctx c;

	if (!f->line || !ev || !ev->proc || ev->kind <= 0 || ev->kind >= TR_KIND_MAX)
		return 0;
	ob_init(&o, f->line, f->line_cap);
	c.o = &o;
	c.f = f;
	c.ev = ev;
	c.host = f->host;
	c.kd = &kinds[ev->kind];
	c.hook = NULL;
	if (ev->kind >= TR_KPROBE) {
		c.hook = ev->hook ? ev->hook : &no_hook;
		pick_rule(&c);
	}
	c.nv = 0;
	flatten(&c, c.kd->fields, c.kd->nfields, ev, false);
	if (f->format == OUT_CSV && !f->header_done) {
		put_line(f, csv_header + 1, sizeof(csv_header) - 2);
		f->header_done = true;
	}
	if (f->format == OUT_JSON)
		json_line(&c);
	else if (f->format == OUT_CSV)
		csv_line(&c);
	else
		compact_line(&c);
	ob_force(&o, "\n", 1);
	f->last_ns = ev->time_ns;
	f->line_len = o.len;
	return o.len;
}

void formatter_event(struct formatter *f, const struct tr_event *ev)
{
	size_t len = formatter_render(f, ev);

	if (len)
		put_line(f, f->line, len);
}

void format_args_text(struct obuf *o, const struct proc_rec *p, enum esc_mode mode)
{
	put_args(o, p, mode, 0);
}

bool format_is_host(const struct tr_host *host, const struct proc_rec *p)
{
	return host && host->ns[NS_MNT] && p->ns[NS_MNT] == host->ns[NS_MNT] && host->ns[NS_PID] &&
	       p->ns[NS_PID] == host->ns[NS_PID] && !p->container;
}

void formatter_free(struct formatter *f)
{
	free(f->line);
	f->line = NULL;
	f->line_cap = 0;
}
