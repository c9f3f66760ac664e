/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* policy.h - the policy model: Tetragon TracingPolicy as typed C, every node with its source position. */
#ifndef TRACER_POLICY_H
#define TRACER_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Tetragon's limits (pkg/selectors, pkg/api/tracingapi, CRD markers). */
#define POL_MAX_SELECTORS	5	/* selectors per hook */
#define POL_MAX_MATCHARGS	5	/* matchArgs filters per selector */
#define POL_MAX_ACTIONS		3	/* matchActions per selector */
#define POL_MAX_INT_VALUES	4	/* values of an integer filter */
#define POL_MAX_NS_VALUES	4	/* values of one matchNamespaces filter */
#define POL_MAX_NS_FILTERS	10	/* matchNamespaces filters per selector */
#define POL_MAX_ARGS		5	/* args (+ data) per hook */
#define POL_MAX_REG_ARG		5	/* highest function argument index */
#define POL_MAX_TAGS		16
#define POL_MAX_MESSAGE		256
#define POL_MAX_PREFIX		256	/* Prefix value length */
#define POL_MAX_POSTFIX		127	/* Postfix value length */
#define POL_MAX_STRING		4096	/* Equal string value length */
#define POL_MAX_BINARY		255	/* matchBinaries path length */
#define POL_MAX_SUBSTRING	99
#define POL_MAX_VALUES		1024	/* sanity bound on any value list */

/* Where a node came from; file points into the policy_set's string arena. */
struct srcpos {
	const char *file;
	int line;
	int col;
};

/* First-error-wins diagnostics: "FILE:LINE:COL: message". */
struct diag {
	char msg[640];
	int errors;
};

void diag_error(struct diag *d, const struct srcpos *p, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Append ' (did you mean "X"?)' when a name in names[] is close to word. */
const char *diag_suggest(const char *word, const char *const *names, size_t n);

enum policy_kind { POLICY_CLUSTER, POLICY_NAMESPACED };
enum hook_kind { HOOK_KPROBE, HOOK_TRACEPOINT, HOOK_LSM, HOOK_UPROBE };

/* Argument types, Tetragon's names (see arg_type_name()). */
enum arg_class {
	AC_INT,		/* integers: value ops */
	AC_STR,		/* strings and buffers: string ops */
	AC_FILE,	/* file, path, fd, dentry, linux_binprm: string ops on the path */
	AC_SOCK,	/* sock, skb, socket: socket ops */
	AC_SOCKADDR,	/* sockaddr: saddr/sport/family */
	AC_CAP,		/* capability sets: value ops */
	AC_OTHER,	/* decoded for output only (cred, nop, ...) */
};

struct arg_type_info {
	const char *name;
	enum arg_class cls;
	uint8_t size;		/* integer width in bytes (0: not an integer) */
	bool is_signed;
	bool supported;		/* the tracer can decode it */
};

const struct arg_type_info *arg_type_lookup(const char *name);
const struct arg_type_info *arg_type_at(int id);
int arg_type_id(const struct arg_type_info *t);
extern const char *const arg_type_names[];
extern const size_t arg_type_count;
/* The extension types "stdin", "stdout", "stderr": fd 0, 1, 2; else -1. */
int stdio_fd(const char *type);

struct pol_arg {
	struct srcpos pos;
	uint32_t index;
	int type;		/* index into the arg type table */
	bool has_size_arg;
	uint32_t size_arg_index;
	bool max_data;
	bool return_copy;
	const char *label;
};

enum match_kind {
	MK_ARGS, MK_RETURN_ARGS, MK_PIDS, MK_BINARIES, MK_PARENT_BINARIES,
	MK_NAMESPACES, MK_CAPS, MK_NS_CHANGES, MK_CAP_CHANGES, MK_COUNT,
};

enum pol_op {
	OP_EQUAL, OP_NOT_EQUAL, OP_PREFIX, OP_NOT_PREFIX, OP_POSTFIX, OP_NOT_POSTFIX,
	OP_GT, OP_LT, OP_MASK, OP_IN_RANGE, OP_NOT_IN_RANGE, OP_IN, OP_NOT_IN,
	OP_IN_MAP, OP_NOT_IN_MAP,
	OP_SADDR, OP_DADDR, OP_NOT_SADDR, OP_NOT_DADDR,
	OP_SPORT, OP_DPORT, OP_NOT_SPORT, OP_NOT_DPORT,
	OP_SPORT_PRIV, OP_DPORT_PRIV, OP_NOT_SPORT_PRIV, OP_NOT_DPORT_PRIV,
	OP_PROTOCOL, OP_FAMILY, OP_STATE, OP_FILE_TYPE, OP_NOT_FILE_TYPE,
	OP_SUBSTRING, OP_SUBSTRING_IGNCASE, OP_CAPS_GAINED, OP_CEL_EXPR,
	OP_COUNT,
};

const char *op_name(enum pol_op op);	/* canonical spelling */
int op_lookup(const char *s);		/* any accepted spelling; -1 if none */

enum ns_type {
	NS_T_UTS, NS_T_IPC, NS_T_MNT, NS_T_PID, NS_T_PID_FOR_CHILDREN, NS_T_NET,
	NS_T_TIME, NS_T_TIME_FOR_CHILDREN, NS_T_CGROUP, NS_T_USER, NS_T_COUNT,
};
extern const char *const ns_type_names[NS_T_COUNT];

enum cap_set { CAPSET_EFFECTIVE, CAPSET_INHERITABLE, CAPSET_PERMITTED };
extern const char *const cap_set_names[3];

enum value_kind {
	VK_STR, VK_INT, VK_UINT, VK_RANGE, VK_CIDR, VK_HOST_NS, VK_LIST, VK_NAME,
};

/* One value of a filter, parsed into the form its operator needs. */
struct pol_value {
	struct srcpos pos;
	enum value_kind kind;
	const char *str;	/* the text as written (may hold NUL bytes: len) */
	size_t len;
	union {
		int64_t i;
		uint64_t u;	/* uint, host_ns type, name->number (cap, proto...) */
		struct { int64_t lo, hi; } range;
		struct { uint8_t addr[16]; uint8_t family; uint8_t prefix; } cidr;
	};
	const char *expanded;	/* matchBinaries: resolved form when it differs */
};

struct pol_match {
	struct srcpos pos;
	enum match_kind kind;
	int op;			/* enum pol_op */
	uint32_t index;		/* matchArgs / matchReturnArgs */
	int ns;			/* matchNamespaces: enum ns_type */
	int capset;		/* matchCapabilities: enum cap_set */
	bool follow;		/* followChildren / followForks */
	bool ns_flag;		/* isNamespacePID / isNamespaceCapability */
	struct pol_value *vals;
	int nvals;
	int arg_type;		/* matchArgs: type of the referenced arg */
};

enum action_type {
	ACT_POST, ACT_NOPOST, ACT_SIGKILL, ACT_SIGNAL, ACT_OVERRIDE,
	ACT_FOLLOWFD, ACT_UNFOLLOWFD, ACT_COPYFD, ACT_TRACKSOCK, ACT_UNTRACKSOCK,
	ACT_GETURL, ACT_DNSLOOKUP, ACT_NOTIFY_ENFORCER, ACT_CLEANUP_ENFORCER, ACT_SET,
	ACT_COUNT,
};
extern const char *const action_names[ACT_COUNT];

enum rl_scope { RL_THREAD, RL_PROCESS, RL_GLOBAL };

struct pol_action {
	struct srcpos pos;
	enum action_type type;
	int32_t arg_error;
	uint32_t arg_sig;
	uint32_t arg_sock;
	uint32_t arg_fd;
	const char *arg_name;
	uint32_t rate_limit_ms;	/* 0: none */
	const char *rate_limit;	/* as written */
	enum rl_scope scope;
};

struct pol_selector {
	struct srcpos pos;
	struct pol_match *m;
	int nm;
	struct pol_action *act;
	int nact;
	struct pol_action *ret_act;
	int nret;
};

struct policy;

struct pol_hook {
	struct srcpos pos;
	enum hook_kind kind;
	struct policy *pol;
	const char *call;	/* kprobe function / lsm hook / uprobe symbol */
	const char *subsystem;	/* tracepoint */
	const char *event;
	const char *path;	/* uprobe binary */
	const char *from_list;	/* expanded from list:NAME */
	bool syscall;
	bool ret;
	bool raw;
	bool ignore_not_found;
	struct pol_arg *args;
	int nargs;
	bool has_retarg;
	struct pol_arg retarg;
	int ret_action;		/* returnArgAction: enum action_type or -1 */
	struct srcpos ret_action_pos;
	struct pol_selector *sel;
	int nsel;
	const char **tags;
	int ntags;
	const char *message;
};

enum list_type { LIST_SYSCALLS, LIST_GENERATED_SYSCALLS, LIST_GENERATED_FTRACE };

struct pol_list {
	struct srcpos pos;
	const char *name;
	enum list_type type;
	const char **values;
	struct srcpos *vpos;
	int nvalues;
	const char *pattern;
};

struct policy {
	struct srcpos pos;
	const char *name;
	enum policy_kind kind;
	const char *k8s_namespace;
	const char *file;
	bool monitor;		/* options: policy-mode: monitor */
	const char *relay_shells;	/* options: relay-shells (extension): basenames */
	struct pol_hook *hooks;
	int nhooks;
	struct pol_list *lists;
	int nlists;
};

struct arena;

struct policy_set {
	struct arena *arena;
	struct policy **pols;
	int npols;
	int cap;
};

/* Model life cycle (model.c). Out of memory is an error like any other:
 * policy_set_new() and every ps_*() return NULL then (ps_strdup(ps, NULL)
 * is NULL too), and callers fail with a diag "out of memory". */
struct policy_set *policy_set_new(void);
void policy_set_free(struct policy_set *ps);
void *ps_alloc(struct policy_set *ps, size_t n);	/* zeroed, freed with the set */
char *ps_strndup(struct policy_set *ps, const char *s, size_t n);
char *ps_strdup(struct policy_set *ps, const char *s);
char *ps_printf(struct policy_set *ps, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
struct policy *ps_add_policy(struct policy_set *ps);	/* zeroed, appended to ps->pols */

/* Value parsing shared by YAML and flags (values.c); 0 or -1 with d set. */
int value_parse(struct policy_set *ps, struct pol_match *m, struct pol_value *v,
		struct diag *d);
int parse_cidr(const char *s, struct pol_value *v);
int cap_lookup(const char *s);
extern const char *const cap_names[];
extern const size_t cap_count;

/* Parsing (yaml.c): append every document of a file, or of a buffer. */
int policy_load_file(struct policy_set *ps, const char *path, struct diag *d);
int policy_load_path(struct policy_set *ps, const char *path, struct diag *d);
int policy_load_buffer(struct policy_set *ps, const char *name,
		       const unsigned char *buf, size_t len, struct diag *d);

/* Semantic checks (validate.c): limits, operator/type fit, lists. */
int policy_validate(struct policy_set *ps, struct policy *p, struct diag *d);

/* matchBinaries symlink expansion (binpath.c); root is "" or a test root.
 * 0, or -1 with "out of memory" in d. */
int binpath_expand(struct policy_set *ps, struct pol_value *v, const char *root, struct diag *d);
int policy_expand_binaries(struct policy_set *ps, struct policy *p, const char *root,
			   struct diag *d);

/* --print-policy: the equivalent TracingPolicy YAML (print.c). */
int policy_print_yaml(FILE *out, const struct policy_set *ps);

/* Names for printing. */
const char *hook_kind_name(enum hook_kind k);
const char *match_kind_name(enum match_kind k);

#endif /* TRACER_POLICY_H */
