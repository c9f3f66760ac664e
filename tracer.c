// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* tracer.c - command line and main loop: parse -> setup -> run -> teardown. */
#include <argp.h>
#include <dirent.h>
#include <grp.h>
#include <pwd.h>
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bpf/load/hooks.h"
#include "bpf/load/loader.h"
#include "policy/probe.h"
#include "config.h"
#include "output/events/container.h"
#include "output/events/decode.h"
#include "output/capture/recording.h"
#include "output/syslog.h"
#include "output/evidence.h"
#include "output/html.h"
#include "output/story.h"
#include "output/capture/verify.h"
#include "policy/presets.h"
#include "output/format.h"
#include "policy/compile.h"
#include "policy/flags.h"
#include "policy/plan.h"

enum exit_code {
	EXIT_OK = 0,
	EXIT_RUNTIME = 1,
	EXIT_USAGE = 2,
};

/* Long-only options get keys above the ASCII range. */
enum {
	OPT_BUFFER = 0x100,
	OPT_CONTAINER_ID,
	OPT_POD,
	OPT_CONTAINER_ROOT,
	OPT_COLOR,
	OPT_TIME,
	OPT_BINARY_FILTER,
	OPT_JSON_ZEROS,
	OPT_NO_PROCESS_CRED,
	OPT_NO_PROCESS_NS,
	OPT_NODE_NAME,
	OPT_CLUSTER_NAME,
	OPT_NODE_LABEL,
	OPT_SYSLOG,
	OPT_SYSLOG_CA,
	OPT_SYSLOG_CERT,
	OPT_SYSLOG_KEY,
	OPT_HELP,
	OPT_USAGE,
	OPT_VERSION,
	OPT_ANCESTORS,
	OPT_VERIFY,
	OPT_STORY,
	OPT_PRE_TRIGGER,
	OPT_POST_TRIGGER,
	OPT_PRE_TRIGGER_SIZE,
	OPT_EVIDENCE,
	OPT_EVIDENCE_FILE_MAX,
	OPT_EVIDENCE_TOTAL_MAX,
	OPT_EVIDENCE_RATE,
	OPT_HTML,
};

struct options {
	enum out_format format;
	uint64_t count; /* 0: unlimited */
	bool line_buffered;
	bool quiet;
	bool ancestors; /* --ancestors */
	bool verify; /* -r FILE --verify */
	const char *story; /* --story PID|EXEC_ID|CONTAINER */
	uint64_t pre_trigger_s, post_trigger_s; /* -w --pre-trigger, --post-trigger */
	uint64_t pre_trigger_bytes; /* --pre-trigger-size */
	struct evidence_opts evidence; /* --evidence DIR and its limits */
	int verbose;
	uint32_t ringbuf_kib;
	const char *container_id; /* --container-id PREFIX */
	const char *pod; /* --pod [NS/]NAME */
	const char *container_root; /* --container-root DIR */
	const char *drop_user; /* -Z USER */
	const char *write_path; /* -w FILE */
	const char *read_path; /* -r FILE */
	const char *html_path; /* -r FILE --html REPORT */
	uint64_t rotate_bytes; /* -C */
	uint32_t max_files; /* -W */
	enum time_mode time_mode; /* --time */
	int color; /* --color: -1 auto, 0 never, 1 always */
	bool json_zeros; /* --json-zeros */
	bool no_process_cred, no_process_ns; /* --no-process-cred, --no-process-ns */
	const char *node_name; /* --node-name; NULL: the host name */
	const char *cluster_name; /* --cluster-name; NULL: none */
	const char *node_labels[NODE_LABELS_MAX]; /* --node-label, sorted by key */
	int nnode_labels;
	struct syslog_opts syslog; /* --syslog URL, --syslog-ca, ... */
	struct policy_opts pol; /* -p, -e, --check, ... (policy/flags.c) */
	char usage[640]; /* parse_opt refused an option: why, for main to print */
	bool exit_now; /* --help, --usage, --version: printed, exit 0 */
};

const char *argp_program_version = "tracer " TRACER_VERSION;
const char *argp_program_bug_address = NULL;

static const char doc[] =
	"tracer -- trace process execution and security events with eBPF.\n"
	"\n"
	"With no arguments, prints every process exec and exit on this machine,\n"
	"host and containers alike, until Ctrl-C.\n"
	"\n"
	"EXAMPLES:\n"
	"  tracer                        # exec and exit, compact lines\n"
	"  tracer -o json | jq .         # Tetragon-style JSON, one object per line\n"
	"  tracer -o csv -c 100 > x.csv  # the next 100 events as CSV\n"
	"\vExit status: 0 on success, 1 on a runtime error, 2 on a usage error.";

static const struct argp_option opts[] = {
	{"output", 'o', "FORMAT", 0, "Output format: compact (default), json or csv", 0},
	{"count", 'c', "N", 0, "Exit after printing N events", 0},
	{"line-buffered", 'l', NULL, 0, "Flush every event line at once (default on a terminal)", 0},
	{"quiet", 'q', NULL, 0, "Print no events, only the start and end lines on stderr", 0},
	{"color", OPT_COLOR, "WHEN", 0, "Colour compact output: auto (default: on a terminal, "
	 "unless NO_COLOR is set), always or never", 0},
	{"time", OPT_TIME, "MODE", 0, "Event time in compact and CSV output: iso (default), epoch, "
	 "delta or none", 0},
	{"json-zeros", OPT_JSON_ZEROS, NULL, 0, "JSON: also write the zero values Tetragon's export "
	 "leaves out (0, false, \"\", [])", 0},
	{"no-process-cred", OPT_NO_PROCESS_CRED, NULL, 0, "JSON: leave out each process's cap and "
	 "process_credentials (Tetragon's default, without enable-process-cred)", 0},
	{"no-process-ns", OPT_NO_PROCESS_NS, NULL, 0, "JSON: leave out each process's ns "
	 "(Tetragon's default, without enable-process-ns)", 0},
	{"node-name", OPT_NODE_NAME, "NAME", 0, "The node_name of every event (and of exec ids); "
	 "default: the host name", 0},
	{"cluster-name", OPT_CLUSTER_NAME, "NAME", 0, "Add cluster_name NAME to every JSON event", 0},
	{"node-label", OPT_NODE_LABEL, "KEY=VALUE", 0, "Add KEY to the node_labels of every JSON "
	 "event (repeatable)", 0},
	{"ancestors", OPT_ANCESTORS, NULL, 0, "Add every ancestor beyond the parent to each event "
	 "(JSON \"ancestors\", compact: the chain)", 0},
	{"story", OPT_STORY, "PID|EXEC_ID|CONTAINER", 0, "Only that process (or container) and "
	 "its descendants, indented by depth: a timeline (live or with -r)", 0},
	{"evidence", OPT_EVIDENCE, "DIR", 0, "On a policy event, save the process's executable "
	 "(DIR/sha256/HASH) and a record of it (DIR/proc/), once per process", 3},
	{"evidence-file-max", OPT_EVIDENCE_FILE_MAX, "SIZE", 0, "With --evidence: larger "
	 "executables are not saved (default 64m)", 3},
	{"evidence-total-max", OPT_EVIDENCE_TOTAL_MAX, "SIZE", 0, "With --evidence: bytes of "
	 "executables saved in all (default 1g)", 3},
	{"evidence-rate", OPT_EVIDENCE_RATE, "N", 0, "With --evidence: processes collected per "
	 "second, at most (default 10; more are counted)", 3},
	{"write", 'w', "FILE", 0, "Also write every event to a capture FILE (- is stdout)", 2},
	{"read", 'r', "FILE", 0, "Replay a capture FILE (- is stdin) instead of tracing; no root", 2},
	{"html", OPT_HTML, "FILE", 0, "With -r: write the capture as one self-contained HTML "
	 "report to FILE (process tree, timeline, policy events; the filters apply)", 2},
	{"verify", OPT_VERIFY, NULL, 0, "With -r: check the capture's SHA-256 chain (and its "
	 "rotated files); exit 0 when intact, 1 naming the first bad block", 2},
	{"pre-trigger", OPT_PRE_TRIGGER, "SECONDS", 0, "With -w: a flight recorder; keep the last "
	 "SECONDS of events in memory, write only around policy events", 2},
	{"post-trigger", OPT_POST_TRIGGER, "SECONDS", 0, "With --pre-trigger: keep writing until "
	 "SECONDS pass without a policy event (default 30)", 2},
	{"pre-trigger-size", OPT_PRE_TRIGGER_SIZE, "SIZE", 0, "With --pre-trigger: memory for the "
	 "kept events (default 16m; k, m, g suffixes; oldest dropped, counted)", 2},
	{"file-size", 'C', "SIZE", 0, "With -w: start a new file past SIZE million bytes (or "
	 "SIZEk, SIZEm, SIZEg)", 2},
	{"file-count", 'W', "N", 0, "With -w -C: keep at most N files, reused in a ring", 2},
	{"syslog", OPT_SYSLOG, "URL", 0, "Also send every event (its JSON) to a syslog collector: "
	 "tcp://HOST:PORT or tls://HOST:PORT (RFC 5424, octet-counted)", 3},
	{"syslog-ca", OPT_SYSLOG_CA, "FILE", 0, "With tls://: the CA certificates (PEM) that "
	 "verify the collector (default: the system's)", 3},
	{"syslog-cert", OPT_SYSLOG_CERT, "FILE", 0, "With tls://: a client certificate (PEM)", 3},
	{"syslog-key", OPT_SYSLOG_KEY, "FILE", 0, "With tls://: the client certificate's key (PEM)", 3},
	{"relinquish-privileges", 'Z', "USER", 0,
	 "Once every hook is attached, run as USER (drops root)", 0},
	{"verbose", 'v', NULL, 0, "More detail on stderr (repeat for libbpf's messages)", 0},
	{"buffer-size", OPT_BUFFER, "KiB", 0, "Ring buffer size in KiB (power of two, default 4096)", 0},
	{"container-id", OPT_CONTAINER_ID, "PREFIX", 0, "Only the container whose id starts with PREFIX", 1},
	{"pod", OPT_POD, "[NS/]NAME", 0, "Only the Kubernetes pod NAME (in namespace NS)", 1},
	{"container-root", OPT_CONTAINER_ROOT, "DIR", 0,
	 "Read container runtimes' state under DIR (the host's / mounted elsewhere)", 1},
	{"help", OPT_HELP, NULL, 0, "Give this help list", -1},
	{"usage", OPT_USAGE, NULL, 0, "Give a short usage message", -1},
	{"version", OPT_VERSION, NULL, 0, "Print the program version", -1},
	{0},
};

/* Parses an unsigned decimal in [min, max]; -1 on anything else. */
static int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || !*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* -C as tcpdump takes it: millions of bytes, or KiB/MiB/GiB with k/m/g. */
static int parse_size(const char *s, uint64_t *out)
{
	char num[32];
	size_t n = strlen(s);
	uint64_t v, unit = 1000000;

	if (!n || n >= sizeof(num))
		return -1;
	memcpy(num, s, n + 1);
	switch (num[n - 1]) {
	case 'k': case 'K': unit = 1 << 10; num[--n] = 0; break;
	case 'm': case 'M': unit = 1 << 20; num[--n] = 0; break;
	case 'g': case 'G': unit = 1 << 30; num[--n] = 0; break;
	}
	if (parse_u64(num, 1, (1ull << 40) / unit, &v))
		return -1;
	*out = v * unit;
	return 0;
}

/* A refused option: the message for main to print; EINVAL stops argp. */
static error_t usage_error(struct options *o, const char *fmt, const char *arg)
{
	if (!o->usage[0])
		snprintf(o->usage, sizeof(o->usage), fmt, arg);
	return EINVAL;
}

/* --node-name, --cluster-name: a name goes into exec ids ("node:ktime:pid")
 * and JSON, so one token without the exec id's separator. */
static error_t check_name(struct options *o, const char **out, const char *arg)
{
	if (!*arg || strlen(arg) > 253 || strpbrk(arg, " \t\n\r\"\\:,"))
		return usage_error(o, "a node or cluster name must be 1 to 253 characters, "
				   "without spaces, quotes, backslashes, ':' or ',': \"%s\"", arg);
	*out = arg;
	return 0;
}

#define LABEL_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-"
_Static_assert(NODE_LABELS_MAX == 64, "the --node-label message says 64");

/* --node-label KEY=VALUE, a Kubernetes label: KEY an optional DNS prefix
 * and "/" then a name, VALUE up to 63 characters; both [A-Za-z0-9._-].
 * Kept sorted by key, the order protojson writes a map in. */
static error_t add_node_label(struct options *o, const char *arg)
{
	const char *eq = strchr(arg, '=');
	size_t kl = eq ? (size_t)(eq - arg) : 0;
	int i;

	if (!kl || kl > 253 + 1 + 63 || strlen(eq + 1) > 63 ||
	    strspn(arg, LABEL_CHARS "/") < kl || strspn(eq + 1, LABEL_CHARS) < strlen(eq + 1))
		return usage_error(o, "--node-label takes KEY=VALUE, a Kubernetes label "
				   "([A-Za-z0-9._-], a key may have a prefix/): \"%s\"", arg);
	if (o->nnode_labels == NODE_LABELS_MAX)
		return usage_error(o, "--node-label: at most 64 labels (\"%s\" is one more)", arg);
	for (i = 0; i < o->nnode_labels; i++) {
		const char *k = o->node_labels[i];
		size_t n = strcspn(k, "=");
		int c = strncmp(k, arg, n < kl ? n : kl);

		if (!c && n == kl)
			return usage_error(o, "--node-label: its key is given twice: \"%s\"", arg);
		if (c > 0 || (!c && n > kl))
			break;
	}
	memmove(&o->node_labels[i + 1], &o->node_labels[i],
		(o->nnode_labels - i) * sizeof(o->node_labels[0]));
	o->node_labels[i] = arg;
	o->nnode_labels++;
	return 0;
}

/* The parse_*_opt groups: 0 taken, EINVAL refused (o->usage says why),
 * ARGP_ERR_UNKNOWN not theirs. */

/* -o -c -l -q -v --color --time --json-zeros --no-process-* --node-* --cluster-name. */
static error_t parse_output_opt(struct options *o, int key, char *arg)
{
	switch (key) {
	case 'o':
		if (out_format_parse(arg, &o->format))
			return usage_error(o, "unknown output format \"%s\": use compact, json or csv", arg);
		return 0;
	case 'c':
		if (parse_u64(arg, 1, UINT64_MAX, &o->count))
			return usage_error(o, "-c needs a positive count, not \"%s\"", arg);
		return 0;
	case 'l': o->line_buffered = true; return 0;
	case 'q': o->quiet = true; return 0;
	case 'v': o->verbose++; return 0;
	case OPT_ANCESTORS: o->ancestors = true; return 0;
	case OPT_JSON_ZEROS: o->json_zeros = true; return 0;
	case OPT_NO_PROCESS_CRED: o->no_process_cred = true; return 0;
	case OPT_NO_PROCESS_NS: o->no_process_ns = true; return 0;
	case OPT_COLOR:
		if (!strcmp(arg, "auto"))
			o->color = -1;
		else if (!strcmp(arg, "always") || !strcmp(arg, "never"))
			o->color = arg[0] == 'a';
		else
			return usage_error(o, "--color takes auto, always or never, not \"%s\"", arg);
		return 0;
	case OPT_TIME:
		if (time_mode_parse(arg, &o->time_mode))
			return usage_error(o, "--time takes iso, epoch, delta or none, not \"%s\"", arg);
		return 0;
	case OPT_NODE_NAME: return check_name(o, &o->node_name, arg);
	case OPT_CLUSTER_NAME: return check_name(o, &o->cluster_name, arg);
	case OPT_NODE_LABEL: return add_node_label(o, arg);
	}
	return ARGP_ERR_UNKNOWN;
}

/* -w -r -C -W --html --verify and the flight recorder. */
static error_t parse_capture_opt(struct options *o, int key, char *arg)
{
	uint64_t v;

	switch (key) {
	case 'w': o->write_path = arg; return 0;
	case 'r': o->read_path = arg; return 0;
	case OPT_VERIFY: o->verify = true; return 0;
	case OPT_HTML:
		if (!*arg)
			return usage_error(o, "--html needs a file name for the report%s", "");
		o->html_path = arg;
		return 0;
	case 'C':
		if (parse_size(arg, &o->rotate_bytes))
			return usage_error(o, "-C needs a size: millions of bytes, or with a k, m or g "
					   "suffix, not \"%s\"", arg);
		return 0;
	case 'W':
		if (parse_u64(arg, 1, 100000, &v))
			return usage_error(o, "-W needs a file count (1 to 100000), not \"%s\"", arg);
		o->max_files = v;
		return 0;
	case OPT_PRE_TRIGGER:
	case OPT_POST_TRIGGER:
		if (parse_u64(arg, 1, 86400, &v))
			return usage_error(o, "--pre-trigger and --post-trigger take seconds (up to "
					   "86400), not \"%s\"", arg);
		*(key == OPT_PRE_TRIGGER ? &o->pre_trigger_s : &o->post_trigger_s) = v;
		return 0;
	case OPT_PRE_TRIGGER_SIZE:
		if (parse_size(arg, &o->pre_trigger_bytes) || o->pre_trigger_bytes < (1u << 20))
			return usage_error(o, "--pre-trigger-size needs a size of at least 1m, not "
					   "\"%s\"", arg);
		return 0;
	}
	return ARGP_ERR_UNKNOWN;
}

/* --story and --evidence*. */
static error_t parse_forensics_opt(struct options *o, int key, char *arg)
{
	uint64_t v;

	switch (key) {
	case OPT_STORY:
		if (!*arg || strlen(arg) >= 128)
			return usage_error(o, "--story needs a pid, an exec_id or a container, not "
					   "\"%s\"", arg);
		o->story = arg;
		return 0;
	case OPT_EVIDENCE:
		if (!*arg)
			return usage_error(o, "--evidence needs a directory%s", "");
		o->evidence.dir = arg;
		return 0;
	case OPT_EVIDENCE_FILE_MAX:
	case OPT_EVIDENCE_TOTAL_MAX:
		if (parse_size(arg, &v))
			return usage_error(o, "--evidence-file-max and --evidence-total-max need a "
					   "size, not \"%s\"", arg);
		*(key == OPT_EVIDENCE_FILE_MAX ? &o->evidence.file_max : &o->evidence.total_max) = v;
		return 0;
	case OPT_EVIDENCE_RATE:
		if (parse_u64(arg, 1, 10000, &v))
			return usage_error(o, "--evidence-rate needs a count per second (1 to 10000), "
					   "not \"%s\"", arg);
		o->evidence.per_second = v;
		return 0;
	}
	return ARGP_ERR_UNKNOWN;
}

/* Scope (--container-id, --pod, --container-root), -Z, --buffer-size, --syslog*. */
static error_t parse_run_opt(struct options *o, int key, char *arg)
{
	struct syslog_target t;
	char err[512];
	uint64_t v;

	switch (key) {
	case OPT_CONTAINER_ID:
		if (!*arg || strspn(arg, "0123456789abcdef") != strlen(arg))
			return usage_error(o, "--container-id needs lowercase hex digits, not \"%s\"", arg);
		o->container_id = arg;
		return 0;
	case OPT_POD:
		if (!*arg || arg[strlen(arg) - 1] == '/')
			return usage_error(o, "--pod needs [NAMESPACE/]NAME, not \"%s\"", arg);
		o->pod = arg;
		return 0;
	case OPT_CONTAINER_ROOT: o->container_root = arg; return 0;
	case 'Z':
		if (!*arg)
			return usage_error(o, "-Z needs a user name%s", "");
		o->drop_user = arg;
		return 0;
	case OPT_BUFFER:
		if (parse_u64(arg, 4, 1 << 20, &v) || (v & (v - 1)))
			return usage_error(o, "--buffer-size needs a power of two in KiB (4 to "
					   "1048576), not \"%s\"", arg);
		o->ringbuf_kib = v;
		return 0;
	case OPT_SYSLOG:
		if (syslog_parse_url(arg, &t, err, sizeof(err)))
			return usage_error(o, "%s", err);
		o->syslog.url = arg;
		return 0;
	case OPT_SYSLOG_CA: o->syslog.ca = arg; return 0;
	case OPT_SYSLOG_CERT: o->syslog.cert = arg; return 0;
	case OPT_SYSLOG_KEY: o->syslog.key = arg; return 0;
	}
	return ARGP_ERR_UNKNOWN;
}

/* --help, --usage, --version print and ask main to exit 0; argp's own
 * events; then each group in turn. */
static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct options *o = state->input;
	error_t rc;

	switch (key) {
	case OPT_HELP: /* argp_state_help() is silent under ARGP_NO_ERRS */
		argp_help(state->root_argp, stdout, ARGP_HELP_STD_HELP & ~ARGP_HELP_EXIT_OK, "tracer");
		o->exit_now = true;
		return EINTR;
	case OPT_USAGE:
		argp_help(state->root_argp, stdout, ARGP_HELP_USAGE, "tracer");
		o->exit_now = true;
		return EINTR;
	case OPT_VERSION:
		printf("%s\n", argp_program_version);
		o->exit_now = true;
		return EINTR;
	case ARGP_KEY_ARG:
		return usage_error(o, "unexpected argument \"%s\"", arg);
	case ARGP_KEY_INIT:
		state->child_inputs[0] = &o->pol;
		return 0;
	case ARGP_KEY_ERROR:
		if (o->pol.error[0]) /* a policy flag said what was wrong */
			return usage_error(o, "%s", o->pol.error);
		/* argp found an unknown option; say so in one line. */
		return usage_error(o, "unknown or malformed option \"%s\"",
				   state->next > 0 && state->next <= state->argc
					   ? state->argv[state->next - 1] : "?");
	}
	rc = parse_output_opt(o, key, arg);
	if (rc == ARGP_ERR_UNKNOWN)
		rc = parse_capture_opt(o, key, arg);
	if (rc == ARGP_ERR_UNKNOWN)
		rc = parse_forensics_opt(o, key, arg);
	if (rc == ARGP_ERR_UNKNOWN)
		rc = parse_run_opt(o, key, arg);
	return rc;
}

static const struct argp_child children[] = {
	{&policy_argp, 0, "Policies and filters:", 0},
	{0},
};

static const struct argp argp = {opts, parse_opt, NULL, doc, children, NULL, NULL};

static volatile sig_atomic_t stop_requested, stats_requested;
/* CLOCK_BOOTTIME ns of the first stop request: the records' clock. */
static volatile uint64_t stop_ns;

/* After a stop, records are printed and lines written for this long. */
#define STOP_GRACE_NS (500 * 1000000ull)

static uint64_t boot_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int stdout_flags = -1; /* as we found them; restored at exit */

static void on_signal(int sig)
{
	if (sig == SIGUSR1) {
		stats_requested = 1;
		return;
	}
	if (!stop_ns)
		stop_ns = boot_ns(); /* clock_gettime is async-signal-safe */
	stop_requested = 1;
	/* A reader that stopped reading must not keep us from exiting: the
	 * blocked write returns, and the rest fail at once (fcntl is
	 * async-signal-safe). */
	if (stdout_flags >= 0)
		fcntl(STDOUT_FILENO, F_SETFL, stdout_flags | O_NONBLOCK);
}

static void install_signals(void)
{
	struct sigaction sa = {.sa_handler = on_signal}; /* no SA_RESTART: poll returns */

	stdout_flags = fcntl(STDOUT_FILENO, F_GETFL);

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL); /* statistics on stderr, then go on */
	signal(SIGPIPE, SIG_IGN); /* a closed pipe shows as a write error */
}

/* The start-up's phases, timed for -v: where a slow start goes. */
enum phase { PHASE_POLICY, PHASE_PROCESS, PHASE_HOOKS, PHASE_SCAN, PHASE_ATTACH, PHASE_COUNT };

struct run {
	struct options *opt;
	struct formatter fmt;
	struct out_sink out; /* stdout, whole lines only */
	struct syslog_out *syslog; /* --syslog */
	struct decoder dec;
	struct policy_set *ps;
	struct kernel_features kf;
	struct plan *plan;
	struct compiled *comp;
	struct hook_set hooks;
	char *pod_ns; /* --pod NS/NAME: NS */
	uint64_t printed;
	uint64_t by_kind[TR_KIND_MAX];
	uint64_t *by_hook; /* events printed per policy hook */
	struct batch batch; /* records of one drain of the ring buffer */
	bool draining, counting; /* stopping: print until the deadline, then count */
	uint64_t seen, kept; /* stopping: records read, and those to print */
	uint64_t unread; /* records from before the stop left in the ring at exit */
	struct recording rec; /* -w */
	struct story *story; /* --story */
	struct html_report *html; /* -r --html */
	const char *command; /* the command line, for the report */
	struct evidence *evidence; /* --evidence */
	struct capture_blob *blobs; /* the policy texts, for the capture header */
	int nblobs;
	bool scanned; /* the start-up scan is done */
	bool done; /* -c reached or output closed */
	uint64_t phase_ns[PHASE_COUNT]; /* start-up, for -v */
};

/* --evidence: the worker collects the process; the event names its hash. */
static const struct tr_event *with_evidence(struct run *r, const struct tr_event *ev,
					    struct tr_event *copy)
{
	*copy = *ev;
	copy->exe_sha256 = evidence_note(r->evidence, ev->proc, &copy->evidence);
	return copy;
}

static void sink(void *ctx, const struct tr_event *ev)
{
	struct run *r = ctx;
	struct tr_event copy;
	int depth = 0;

	if (r->done)
		return;
	if (r->story && !story_admit(r->story, ev, &depth))
		return;
	if (ev->hook) /* the flight recorder writes around policy events */
		recording_trigger(&r->rec, ev->time_ns - r->dec.boot_to_wall_ns);
	r->fmt.indent = 2 * depth;
	if (r->evidence && ev->hook)
		ev = with_evidence(r, ev, &copy);
	if (r->html)
		html_event(r->html, ev, r->story ? depth : -1);
	else if (!r->opt->quiet)
		formatter_event(&r->fmt, ev);
	if (r->syslog)
		syslog_event(r->syslog, ev); /* queued; the sender thread writes */
	r->printed++;
	r->by_kind[ev->kind]++;
	if (ev->hook && r->by_hook)
		r->by_hook[ev->hook - r->dec.hooks]++;
	if (r->opt->count && r->printed >= r->opt->count)
		r->done = true;
}

/* Decodes and prints what the drains collected; all of it when stopping. */
static void flush_batch(struct run *r, bool all)
{
	uint32_t n = all ? r->batch.n : batch_ready(&r->batch, boot_ns()), i;

	r->rec.small_drain = n < 256;
	decode_batch_upto(&r->dec, &r->batch, n); /* -w: each record is written first */
	for (i = n; r->rec.w && i < r->batch.n; i++) /* lookahead used, decoded later */
		recording_hint(&r->rec, r->batch.buf + r->batch.off[i],
			       (i + 1 < r->batch.n ? r->batch.off[i + 1] : r->batch.len) -
				       r->batch.off[i]);
	recording_batch_end(&r->rec);
	batch_keep_tail(&r->batch, n);
}

/* A record produced after the stop request (the exits the Ctrl-C itself
 * causes, say) is neither printed nor lost. */
static bool after_stop(const void *data, size_t size)
{
	return stop_requested && size >= sizeof(struct event_header) &&
	       ((const struct event_header *)data)->ktime > stop_ns;
}

/* Whether this drain goes on: a stop leaves the main loop at once, and
 * the final drain ends at the deadline. */
static int drain_on(struct run *r)
{
	if (stop_requested && !r->draining)
		return -EINTR; /* the final drain follows */
	if (r->draining && !(++r->seen & 1023) && boot_ns() > stop_ns + STOP_GRACE_NS)
		return -EINTR;
	return 0;
}

/* Ring-buffer records are copied out and decoded per drain, so a cgroup
 * move right after an exec is known when the exec prints. */
static int on_record(void *ctx, const void *data, size_t size)
{
	struct run *r = ctx;

	if (!r->scanned) { /* the start-up scan: no lookahead needed */
		if (size >= sizeof(struct event_header) &&
		    ((const struct event_header *)data)->type == EV_HOST)
			recording_record(&r->rec, data, size); /* scanned processes: as needed */
		decode_record(&r->dec, data, size);
		return 0;
	}
	if (after_stop(data, size))
		return r->counting ? 0 : drain_on(r);
	if (r->counting) { /* past the stop deadline: count what is left */
		r->unread++;
		return 0;
	}
	if (batch_add(&r->batch, data, size)) {
		flush_batch(r, true);
		if (batch_add(&r->batch, data, size))
			decode_record(&r->dec, data, size); /* larger than a batch */
	}
	r->kept += r->draining;
	if (r->done)
		return -EINTR;
	return drain_on(r);
}

static bool has_policy(const struct policy_opts *p)
{
	return p->npaths || p->npresets || (p->events & ~(unsigned)(EVF_EXEC | EVF_EXIT)) || p->nprefixes ||
	       p->ndaddrs || p->ndports;
}

/* Policies and flags -> model -> plan on this kernel -> kernel config.
 * Returns 0, or the exit code of a policy error (reported already). */
static int build_policy(struct run *r)
{
	struct diag d = {0};

	if (!has_policy(&r->opt->pol))
		return 0;
	r->phase_ns[PHASE_POLICY] = boot_ns();
	if (policy_opts_finish(&r->opt->pol, &r->ps, &d)) {
		fprintf(stderr, "tracer: %s\n", d.msg);
		return EXIT_USAGE;
	}
	if (probe_kernel(&r->kf, PROBE_MOUNT_TRACEFS)) {
		fprintf(stderr, "tracer: out of memory\n");
		return EXIT_RUNTIME;
	}
	if (plan_build(r->ps, &r->kf, r->opt->pol.monitor, r->opt->pol.rungs, &r->plan, &d) ||
	    compile_plan(r->plan, &r->comp, &d)) {
		fprintf(stderr, "tracer: %s\n", d.msg);
		return EXIT_USAGE;
	}
	probe_free(&r->kf); /* vmlinux BTF: megabytes no longer needed */
	r->phase_ns[PHASE_POLICY] = boot_ns() - r->phase_ns[PHASE_POLICY];
	r->dec.hooks = r->comp->infos;
	r->dec.nhooks = r->comp->ninfos;
	r->by_hook = calloc(r->comp->ninfos ? r->comp->ninfos : 1, sizeof(*r->by_hook));
	return r->by_hook ? 0 : EXIT_RUNTIME;
}

/* Container names and the scope flags; the kernel side scopes the
 * policy hooks the flags build, this scopes everything that prints. */
static int setup_scope(struct run *r)
{
	struct container_opts co = {.root = r->opt->container_root};
	struct scope_filter *f = &r->dec.scope;
	const char *slash = r->opt->pod ? strchr(r->opt->pod, '/') : NULL;

	r->dec.containers = container_cache_new(&co);
	if (!r->dec.containers) {
		fprintf(stderr, "tracer: out of memory\n");
		return -1;
	}
	f->host_only = r->opt->pol.host;
	f->container_only = r->opt->pol.container;
	f->container_id = r->opt->container_id;
	if (slash) {
		r->pod_ns = strndup(r->opt->pod, slash - r->opt->pod);
		f->pod_namespace = r->pod_ns;
		f->pod_name = slash + 1;
	} else {
		f->pod_name = r->opt->pod;
	}
	return 0;
}

/* -e: which kinds print (policy events always do). */
static uint32_t kinds_mask(const struct policy_opts *p)
{
	uint32_t all = ~0u, m = all & ~((1u << TR_EXEC) | (1u << TR_EXIT));

	if (!p->events)
		return all;
	if (p->events & EVF_EXEC)
		m |= 1u << TR_EXEC;
	if (p->events & EVF_EXIT)
		m |= 1u << TR_EXIT;
	return m;
}

/* The formatter and the batch buffer: live and replay alike. */
static int setup_output(struct run *r)
{
	bool each_line = r->opt->line_buffered || isatty(STDOUT_FILENO);

	/* 64 KiB: one write per drain, as stdio did */
	if (formatter_init(&r->fmt, r->opt->format, stdout, &r->dec.host) ||
	    sink_init(&r->out, STDOUT_FILENO, 1u << 16, each_line, &stop_ns, STOP_GRACE_NS) ||
	    batch_init(&r->batch, 8u << 20, 1u << 16)) {
		fprintf(stderr, "tracer: out of memory\n");
		return -ENOMEM;
	}
	r->fmt.sink = &r->out;
	r->fmt.time_mode = r->opt->time_mode;
	r->fmt.json_zeros = r->opt->json_zeros;
	r->fmt.json_no_cred = r->opt->no_process_cred;
	r->fmt.json_no_ns = r->opt->no_process_ns;
	r->dec.host.cluster_name = r->opt->cluster_name;
	r->dec.host.node_labels = r->opt->node_labels;
	r->dec.host.nnode_labels = r->opt->nnode_labels;
	if (r->opt->node_name) /* -r: the capture's exec ids, this node_name */
		r->dec.host.node_name = r->opt->node_name;
	r->fmt.color = r->opt->format == OUT_COMPACT &&
		       (r->opt->color > 0 || (r->opt->color < 0 && isatty(STDOUT_FILENO) &&
					      !getenv("NO_COLOR")));
	return 0;
}

static int add_blob(struct run *r, const char *name, const void *data, size_t len)
{
	struct capture_blob *n = realloc(r->blobs, (r->nblobs + 1) * sizeof(*n));

	if (!n)
		return -1;
	r->blobs = n;
	r->blobs[r->nblobs++] = (struct capture_blob){strdup(name), data, len};
	return 0;
}

static int add_file_blob(struct run *r, const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0;
	long n;

	if (!f)
		return 0; /* it was read a moment ago; the capture just lacks its text */
	if (!fseek(f, 0, SEEK_END) && (n = ftell(f)) >= 0 && n < (16 << 20) && !fseek(f, 0, SEEK_SET) &&
	    (buf = malloc(n + 1)))
		len = fread(buf, 1, n, f);
	fclose(f);
	return buf ? add_blob(r, path, buf, len) : 0;
}

/* The policy texts in force, for the capture header: presets, then each
 * -p file (a directory: its *.yaml and *.yml). */
static int collect_policies(struct run *r)
{
	const struct policy_opts *p = &r->opt->pol;
	char path[4096];
	struct dirent **ents;
	int i, k, n;

	for (i = 0; i < p->npresets; i++) {
		const struct preset *ps = preset_find(p->presets[i]);

		if (ps && add_blob(r, ps->name, ps->yaml, ps->len))
			return -1;
	}
	for (i = 0; i < p->npaths; i++) {
		n = scandir(p->paths[i], &ents, NULL, alphasort);
		if (n < 0) {
			if (add_file_blob(r, p->paths[i]))
				return -1;
			continue;
		}
		for (k = 0; k < n; k++) {
			size_t l = strlen(ents[k]->d_name);

			if ((l > 5 && !strcmp(ents[k]->d_name + l - 5, ".yaml")) ||
			    (l > 4 && !strcmp(ents[k]->d_name + l - 4, ".yml"))) {
				snprintf(path, sizeof(path), "%s/%s", p->paths[i], ents[k]->d_name);
				add_file_blob(r, path);
			}
			free(ents[k]);
		}
		free(ents);
	}
	return 0;
}

static void free_blobs(struct run *r)
{
	int i;

	for (i = 0; i < r->nblobs; i++) {
		const struct preset *ps = preset_find(r->blobs[i].name); /* before the name goes */

		if (!ps || r->blobs[i].data != ps->yaml)
			free((void *)r->blobs[i].data);
		free((char *)r->blobs[i].name);
	}
	free(r->blobs);
}

/* -w: the capture opens before the scan, so the scan is in it. */
static int start_recording(struct run *r)
{
	struct recording_opts ro = {
		.path = r->opt->write_path,
		.rotate_bytes = r->opt->rotate_bytes,
		.max_files = r->opt->max_files,
		.pre_ns = r->opt->pre_trigger_s * 1000000000ull,
		.post_ns = r->opt->post_trigger_s * 1000000000ull,
		.ring_bytes = r->opt->pre_trigger_bytes,
	};
	char err[512];

	if (!r->opt->write_path)
		return 0;
	if (collect_policies(r)) {
		fprintf(stderr, "tracer: out of memory\n");
		return -1;
	}
	ro.policies = r->blobs;
	ro.npolicies = r->nblobs;
	if (recording_start(&r->rec, &ro, &r->dec, err, sizeof(err))) {
		fprintf(stderr, "tracer: %s\n", err);
		return -1;
	}
	return 0;
}

/* What the bounded process cache gave up, so that a process printed
 * without its names is explained, never silently misattributed. */
static void report_cache_drops(const struct decoder *d)
{
	uint64_t ev = proc_cache_evicted(d->cache), cut = proc_cache_truncated(d->cache);

	if (ev || d->dropped)
		fprintf(stderr, ", %llu processes dropped from the cache",
			(unsigned long long)(ev + d->dropped));
	if (cut)
		fprintf(stderr, ", %llu with strings cut to fit", (unsigned long long)cut);
}

static void on_capture_header(void *ctx, const struct capture_info *ci)
{
	html_capture(ctx, ci);
}

/* --verify's check for the report: its one line, without "tracer: ". */
static char *verify_line(const char *path, bool *ok)
{
	char *text = NULL, *s;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return NULL;
	*ok = !capture_verify(path, f, f);
	fclose(f);
	if (!text)
		return NULL;
	text[strcspn(text, "\n")] = 0;
	s = strncmp(text, "tracer: ", 8) ? text : text + 8;
	memmove(text, s, strlen(s) + 1);
	return text;
}

/* --html: the report is created before the replay, so an unreadable
 * capture or an unwritable report stops here, before any work. */
static int open_report(struct run *r)
{
	const char *in = r->opt->read_path;
	char err[512];

	if (strcmp(in, "-") && access(in, R_OK)) {
		fprintf(stderr, "tracer: %s: %s\n", in, strerror(errno));
		return -1;
	}
	r->html = html_open(r->opt->html_path, &r->dec.host, err, sizeof(err));
	if (!r->html) {
		fprintf(stderr, "tracer: %s\n", err);
		return -1;
	}
	r->dec.on_capture = on_capture_header;
	r->dec.capture_ctx = r->html;
	return 0;
}

/* Finishes the report with what the replay saw; one line on stderr. */
static int close_report(struct run *r, const char *damage)
{
	struct html_meta m = {
		.capture = r->opt->read_path,
		.command = r->command,
		.error = damage,
		.malformed = r->dec.malformed,
		.dropped = r->dec.dropped,
		.evicted = proc_cache_evicted(r->dec.cache),
		.truncated = proc_cache_truncated(r->dec.cache),
		.orphan_exits = r->dec.orphan_exits,
		.filtered = r->dec.filtered,
	};
	char err[512], *vtext = NULL;
	uint64_t pol = r->printed - r->by_kind[TR_EXEC] - r->by_kind[TR_EXIT];
	int rc;

	if (strcmp(r->opt->read_path, "-"))
		m.verify = vtext = verify_line(r->opt->read_path, &m.verify_ok);
	rc = html_close(r->html, &m, err, sizeof(err));
	r->html = NULL;
	free(vtext);
	if (rc) {
		fprintf(stderr, "tracer: %s\n", err);
		return -1;
	}
	fprintf(stderr, "tracer: %s: %llu events (%llu policy event%s) from %s\n",
		r->opt->html_path, (unsigned long long)r->printed, (unsigned long long)pol,
		pol == 1 ? "" : "s", r->opt->read_path);
	return 0;
}

/* -r: no BPF, no privileges: the capture through the same decoder. */
static int run_replay(struct run *r)
{
	struct container_opts co = {.no_state = true};
	char err[512];
	int rc;

	container_cache_free(r->dec.containers);
	r->dec.containers = container_cache_new(&co);
	if (!r->dec.containers || setup_output(r))
		return EXIT_RUNTIME;
	r->scanned = true;
	r->dec.scope.pids = r->opt->pol.pids;
	r->dec.scope.npids = r->opt->pol.npids;
	r->dec.scope.binaries = r->opt->pol.binaries;
	r->dec.scope.nbinaries = r->opt->pol.nbinaries;
	if (r->opt->html_path && open_report(r))
		return EXIT_RUNTIME;
	rc = replay_file(r->opt->read_path, &r->dec, &r->batch, &stop_requested, err, sizeof(err));
	sink_flush(&r->out);
	if (r->html && close_report(r, rc ? err : NULL))
		return EXIT_RUNTIME;
	if (proc_cache_evicted(r->dec.cache) || proc_cache_truncated(r->dec.cache) ||
	    r->dec.dropped) {
		fprintf(stderr, "tracer: %s replayed", r->opt->read_path);
		report_cache_drops(&r->dec);
		fprintf(stderr, "\n");
	}
	if (rc) {
		fprintf(stderr, "tracer: %s: %s\n", r->opt->read_path, err);
		return EXIT_RUNTIME;
	}
	return EXIT_OK;
}

/* --evidence: DIR and the worker, with the limits' defaults. */
static int start_evidence(struct run *r)
{
	struct evidence_opts *o = &r->opt->evidence;
	char err[512];

	if (!o->dir)
		return 0;
	o->file_max = o->file_max ? o->file_max : 64u << 20;
	o->total_max = o->total_max ? o->total_max : 1ull << 30;
	o->per_second = o->per_second ? o->per_second : 10;
	o->wait_ms = 200;
	r->evidence = evidence_start(o, err, sizeof(err));
	if (!r->evidence)
		fprintf(stderr, "tracer: %s\n", err);
	return r->evidence ? 0 : -1;
}

/* The process object's load, on a thread of its own while the hooks load. */
struct process_load {
	struct loader *l;
	const struct loader_opts *lo;
	uint64_t ns; /* how long it took */
	int rc;
	char err[512];
};

static void *process_load_thread(void *arg)
{
	struct process_load *p = arg;
	uint64_t t0 = boot_ns();

	p->rc = loader_load(p->l, p->lo, p->err, sizeof(p->err));
	p->ns = boot_ns() - t0;
	return NULL;
}

/* Both objects load at once, one per core: the verifier runs in the
 * loading thread. Then the scan, then the hooks attach: their first
 * events find every process known. */
static int load_both(struct run *r, struct process_load *p, char *err, size_t errlen)
{
	pthread_t th;
	bool threaded = r->comp && !pthread_create(&th, NULL, process_load_thread, p);
	uint64_t t0;
	int rc = 0;

	if (!threaded)
		process_load_thread(p);
	if (r->comp) {
		t0 = boot_ns();
		rc = hooks_load(&r->hooks, p->l, &r->comp->load, err, errlen);
		r->phase_ns[PHASE_HOOKS] = boot_ns() - t0;
	}
	if (threaded)
		pthread_join(th, NULL);
	r->phase_ns[PHASE_PROCESS] = p->ns;
	if (p->rc) { /* the process object's failure says more */
		snprintf(err, errlen, "%s", p->err);
		return p->rc;
	}
	return rc;
}

static int setup(struct run *r, struct loader *l)
{
	struct loader_opts lo = {
		.ringbuf_bytes = r->opt->ringbuf_kib << 10,
		.wakeup_bytes = (r->opt->ringbuf_kib << 10) / 16,
		.verbose = r->opt->verbose > 1,
		.track_bins = r->comp && r->comp->load.track_bins,
		.track_relay = r->comp && r->comp->track_relay,
		.relay_hook_id = r->comp ? r->comp->relay_info : 0,
		.relay_bins = r->comp ? r->comp->relay_bins : NULL,
		.nrelay_bins = r->comp ? r->comp->nrelay_bins : 0,
	};
	struct process_load p = {.l = l, .lo = &lo};
	char err[512];
	uint64_t t0;
	int rc;

	rc = loader_open(l, &lo, on_record, r, err, sizeof(err));
	rc = rc ?: load_both(r, &p, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "tracer: %s\n", err);
		return rc;
	}
	t0 = boot_ns();
	rc = loader_scan(l);
	r->phase_ns[PHASE_SCAN] = boot_ns() - t0;
	if (rc) {
		fprintf(stderr, "tracer: cannot scan running processes: %s\n", strerror(-rc));
		return rc;
	}
	proc_cache_relink(r->dec.cache);
	r->scanned = true;
	if (r->comp) {
		t0 = boot_ns();
		rc = hooks_attach(&r->hooks, l, &r->comp->load, r->dec.host.ns, err, sizeof(err));
		r->phase_ns[PHASE_ATTACH] = boot_ns() - t0;
		if (rc) {
			fprintf(stderr, "tracer: %s\n", err);
			return rc;
		}
	}
	return 0;
}

static const char *const kind_names[TR_KIND_MAX] = {
	[TR_EXEC] = "exec", [TR_EXIT] = "exit", [TR_KPROBE] = "kprobe",
	[TR_TRACEPOINT] = "tracepoint", [TR_LSM] = "lsm", [TR_UPROBE] = "uprobe",
};

/* SIGUSR1: what went by so far, on stderr; no syscall but the write. */
static void report_stats(struct run *r, struct loader *l)
{
	uint64_t drops[EV_MAX];
	int k;

	fprintf(stderr, "tracer: %llu events printed:", (unsigned long long)r->printed);
	for (k = 1; k < TR_KIND_MAX; k++)
		if (r->by_kind[k])
			fprintf(stderr, " %s %llu", kind_names[k], (unsigned long long)r->by_kind[k]);
	fprintf(stderr, "; %llu lost", (unsigned long long)loader_drops(l, drops));
	for (k = 1; k < EV_MAX; k++)
		if (drops[k])
			fprintf(stderr, " (type %d: %llu)", k, (unsigned long long)drops[k]);
	fprintf(stderr, "; %llu outside the scope; %u processes cached\n",
		(unsigned long long)r->dec.filtered, proc_cache_live(r->dec.cache));
	for (k = 0; r->comp && k < r->comp->ninfos; k++)
		fprintf(stderr, "tracer:   %s %s: %llu\n", r->comp->infos[k].policy_name,
			r->comp->infos[k].function_name, (unsigned long long)r->by_hook[k]);
	syslog_report(r->syslog, stderr);
}

/* -Z: every hook is attached and the ring mapped; nothing more needs root
 * (the drop counters are memory-mapped too). */
static int drop_privileges(const char *user)
{
	struct passwd *pw = getpwnam(user);

	if (!pw) {
		fprintf(stderr, "tracer: -Z: no such user \"%s\"\n", user);
		return -1;
	}
	if (setgroups(0, NULL) || setgid(pw->pw_gid) || setuid(pw->pw_uid) ||
	    getuid() != pw->pw_uid || geteuid() != pw->pw_uid) {
		fprintf(stderr, "tracer: -Z %s: %s\n", user, strerror(errno));
		return -1;
	}
	return 0;
}

/* -Z with -C: later files are created after privileges are dropped, so
 * the user must be able to create them; found out now, not at the first
 * rotation. */
static int check_rotation_dir(const struct options *o)
{
	char dir[4096];
	const char *slash;

	if (!o->rotate_bytes || !o->write_path || !strcmp(o->write_path, "-"))
		return 0;
	slash = strrchr(o->write_path, '/');
	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - o->write_path) + 1 : 1,
		 slash ? o->write_path : ".");
	if (!access(dir, W_OK | X_OK))
		return 0;
	fprintf(stderr, "tracer: -Z %s -C: %s: %s (rotated files are created as that user)\n",
		o->drop_user, dir, strerror(errno));
	return -1;
}

/* Stopping: every record produced before the stop request prints (all
 * that is held back too), until the deadline; those the deadline leaves
 * in the ring are counted lost. Drained again until a pass finds none
 * from before the stop, so one committed late still prints. */
static void final_drain(struct run *r, struct loader *l)
{
	uint64_t kept;
	int rc;

	r->draining = true;
	do {
		kept = r->kept;
		rc = loader_poll(l, 0);
		flush_batch(r, true);
	} while (rc >= 0 && r->kept != kept);
	r->counting = true;
	loader_poll(l, 0);
}

static int run_loop(struct run *r, struct loader *l)
{
	while (!stop_requested && !r->done) {
		int rc = loader_poll(l, 50);

		flush_batch(r, false);
		recording_tick(&r->rec);
		if (recording_failed(&r->rec)) /* finish_recording() says why */
			return EXIT_RUNTIME;
		if (stats_requested) {
			stats_requested = 0;
			report_stats(r, l);
		}
		if (rc < 0 && rc != -EINTR) {
			fprintf(stderr, "tracer: reading the ring buffer: %s\n", strerror(-rc));
			return EXIT_RUNTIME;
		}
		rc = sink_flush(&r->out);
		if (rc == -EPIPE) { /* the reader is gone: nothing more to print */
			r->done = true;
			break;
		}
		if (rc && !stop_requested) {
			fprintf(stderr, "tracer: writing output: %s\n", strerror(-rc));
			return EXIT_RUNTIME;
		}
	}
	if (!r->done)
		final_drain(r, l);
	sink_flush(&r->out);
	return EXIT_OK;
}

/* tcpdump's habit: one line on stderr once every hook is attached. */
static void report_listening(struct run *r)
{
	const char *fmt = r->opt->format == OUT_JSON ? "json" :
			  r->opt->format == OUT_CSV ? "csv" : "compact";

	if (r->comp)
		fprintf(stderr, "tracer: listening for exec, exit and %d policy hook%s "
			"(%d program instance%s), %s output\n", r->comp->ninfos,
			r->comp->ninfos == 1 ? "" : "s", r->comp->load.nhooks,
			r->comp->load.nhooks == 1 ? "" : "s", fmt);
	else
		fprintf(stderr, "tracer: listening for exec and exit (tp_btf sched_process_*), "
			"%s output\n", fmt);
	if (r->plan && r->opt->verbose)
		plan_print_banner(stderr, r->plan);
	if (r->comp && r->opt->verbose)
		fprintf(stderr, "tracer: hooks: %d program loads, %d attachments; %d pruned "
			"(%llu instructions to %llu)\n", r->hooks.nloads, r->hooks.nattach,
			r->hooks.prune.pruned, (unsigned long long)r->hooks.prune.before,
			(unsigned long long)r->hooks.prune.after);
	if (r->opt->verbose)
		fprintf(stderr, "tracer: start-up: policies %.1f ms; at once: process programs "
			"%.1f ms, hook programs %.1f ms; then scan %.1f ms, attach %.1f ms\n",
			r->phase_ns[PHASE_POLICY] / 1e6, r->phase_ns[PHASE_PROCESS] / 1e6,
			r->phase_ns[PHASE_HOOKS] / 1e6, r->phase_ns[PHASE_SCAN] / 1e6,
			r->phase_ns[PHASE_ATTACH] / 1e6);
	fflush(stderr);
}

static int finish_recording(struct run *r)
{
	char err[512];

	if (!r->rec.w)
		return 0;
	if (recording_stop(&r->rec, err, sizeof(err))) {
		fprintf(stderr, "tracer: %s\n", err);
		return -1;
	}
	return 0;
}

static void report_end(struct run *r, struct loader *l)
{
	/* a CSV header not written is a line too, not an event */
	uint64_t unwritten = r->out.unwritten < r->printed ? r->out.unwritten : r->printed;
	uint64_t lost = loader_drops(l, NULL) + r->unread + unwritten;

	fprintf(stderr, "tracer: %llu events printed, %llu lost",
		(unsigned long long)(r->printed - unwritten), (unsigned long long)lost);
	if (r->unread && unwritten)
		fprintf(stderr, " (%llu still queued at exit, %llu not written)",
			(unsigned long long)r->unread, (unsigned long long)unwritten);
	else if (r->unread)
		fprintf(stderr, " (%llu still queued at exit)", (unsigned long long)r->unread);
	else if (unwritten)
		fprintf(stderr, " (%llu not written)", (unsigned long long)unwritten);
	if (r->dec.malformed)
		fprintf(stderr, ", %llu malformed", (unsigned long long)r->dec.malformed);
	if (r->rec.flight)
		fprintf(stderr, ", %u flight-recorder window%s written, %llu events dropped from "
			"its memory", r->rec.windows + !!r->rec.w, r->rec.windows + !!r->rec.w == 1 ? "" : "s",
			(unsigned long long)r->rec.ring.dropped);
	report_cache_drops(&r->dec);
	if (loader_relay_stat(l, RELAY_ST_MAP_FULL))
		fprintf(stderr, ", %llu relay-tracking updates refused (maps full)",
			(unsigned long long)loader_relay_stat(l, RELAY_ST_MAP_FULL));
	fprintf(stderr, "\n");
}

/* At exit, what is queued for syslog has this long to leave. */
#define SYSLOG_WAIT_NS (2000 * 1000000ull)

/* --syslog: the sender starts now and connects in the background; a bad
 * CA, certificate or key stops here, a collector that is down does not. */
static int open_syslog(struct run *r)
{
	char err[512];

	if (!r->opt->syslog.url)
		return 0;
	r->opt->syslog.host = &r->dec.host;
	if (syslog_open(&r->syslog, &r->opt->syslog, err, sizeof(err))) {
		fprintf(stderr, "tracer: %s\n", err);
		return -1;
	}
	return 0;
}

static int check_capture_options(const struct options *o)
{
	const char *bad = NULL;

	if (o->evidence.dir && o->read_path)
		bad = "--evidence reads live processes: not with -r";
	else if ((o->evidence.file_max || o->evidence.total_max || o->evidence.per_second) &&
		 !o->evidence.dir)
		bad = "--evidence-file-max, --evidence-total-max and --evidence-rate go with --evidence";
	else if (o->verify && !o->read_path)
		bad = "--verify checks a capture: it goes with -r";
	else if (o->html_path && !o->read_path)
		bad = "--html writes a report of a capture: it goes with -r";
	else if (o->html_path && o->verify)
		bad = "--html verifies the capture itself: no --verify";
	else if (o->read_path && (o->write_path || o->pol.npaths || o->pol.npresets))
		bad = "-r replays a capture: it takes no -w, -p or -P";
	else if ((o->pre_trigger_s || o->post_trigger_s || o->pre_trigger_bytes) &&
		 !(o->write_path && o->pre_trigger_s))
		bad = "--post-trigger and --pre-trigger-size go with --pre-trigger, and that with -w";
	else if (o->pre_trigger_s && o->rotate_bytes)
		bad = "--pre-trigger writes windows into one file: no -C";
	else if ((o->rotate_bytes || o->max_files) && !o->write_path)
		bad = "-C and -W go with -w";
	else if (o->max_files && !o->rotate_bytes)
		bad = "-W needs -C";
	else if (o->rotate_bytes && o->write_path && !strcmp(o->write_path, "-"))
		bad = "-C cannot rotate standard output";
	else if (!o->syslog.url && (o->syslog.ca || o->syslog.cert || o->syslog.key))
		bad = "--syslog-ca, --syslog-cert and --syslog-key go with --syslog";
	if (bad)
		fprintf(stderr, "tracer: %s (see tracer --help)\n", bad);
	return bad ? -1 : 0;
}

/* --check, --print-policy: the report on stdout, a refusal on stderr (exit 2). */
static int check_main(struct policy_opts *pol)
{
	struct diag d = {0};
	int rc = policy_check_main(pol, stdout, &d);

	if (rc == CHECK_REFUSED)
		fprintf(stderr, "tracer: %s\n", d.msg);
	return rc == CHECK_REFUSED ? EXIT_USAGE : rc == CHECK_WRITE ? EXIT_RUNTIME : EXIT_OK;
}

/* The command line as typed (arguments joined by spaces), for the report. */
static char *join_args(int argc, char **argv)
{
	size_t len = 1;
	char *s;
	int i;

	for (i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	s = calloc(1, len);
	for (i = 0; s && i < argc; i++) {
		if (i)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	return s;
}

/* Parses the command line and runs what needs no tracing (--check,
 * --list-presets, --verify). -1 to go on, else the exit status. */
static int parse_command_line(struct options *opt, int argc, char **argv)
{
	argp_err_exit_status = EXIT_USAGE;
	if (argp_parse(&argp, argc, argv, ARGP_NO_ERRS | ARGP_NO_HELP, NULL, opt)) {
		if (opt->exit_now)
			return EXIT_OK;
		fprintf(stderr, "tracer: %s (see tracer --help)\n",
			opt->usage[0] ? opt->usage : "malformed command line");
		return EXIT_USAGE;
	}
	if (opt->pol.list_presets) {
		policy_list_presets(stdout);
		return EXIT_OK;
	}
	if (opt->pol.check || opt->pol.print_policy)
		return check_main(&opt->pol);
	if (check_capture_options(opt))
		return EXIT_USAGE;
	if (opt->pre_trigger_s && !opt->post_trigger_s)
		opt->post_trigger_s = 30;
	if (opt->pre_trigger_s && !opt->pre_trigger_bytes)
		opt->pre_trigger_bytes = 16u << 20;
	if (opt->verify)
		return capture_verify(opt->read_path, stdout, stderr);
	if (opt->write_path && !strcmp(opt->write_path, "-"))
		opt->quiet = true; /* stdout carries the capture */
	return -1;
}

/* What live tracing and replay share: the decoder, --story, the scope
 * filters, --syslog. 0 or an exit status. */
static int prepare(struct run *r)
{
	const struct options *opt = r->opt;

	if (decoder_init(&r->dec, 65536, sink, r)) {
		fprintf(stderr, "tracer: out of memory\n");
		return EXIT_RUNTIME;
	}
	r->dec.kinds = kinds_mask(&opt->pol);
	if (opt->node_name) /* Tetragon's exec ids name the node too */
		snprintf(r->dec.node_name, sizeof(r->dec.node_name), "%s", opt->node_name);
	r->dec.ancestors = opt->ancestors;
	if (opt->story && !(r->story = story_new(opt->story))) {
		fprintf(stderr, "tracer: out of memory\n");
		return EXIT_RUNTIME;
	}
	proc_cache_keep_ancestry(r->dec.cache, opt->ancestors);
	if (setup_scope(r) || open_syslog(r))
		return EXIT_RUNTIME;
	return 0;
}

#define HEAP_HEADROOM (256 << 10)

/* Loads, attaches and prints until a stop; the exit status. */
static int run_live(struct run *r, struct loader *l)
{
	const struct options *opt = r->opt;
	int rc = build_policy(r);

	if (rc)
		return rc;
	if (setup_output(r) || start_recording(r) || setup(r, l) || start_evidence(r))
		return EXIT_RUNTIME;
	/* what loading (BTF, verifier logs) used goes back, but room for the
	 * process cache to grow without a brk while events flow */
	malloc_trim(HEAP_HEADROOM);
	if (opt->drop_user && (drop_privileges(opt->drop_user) || check_rotation_dir(opt)))
		return EXIT_RUNTIME;
	report_listening(r);
	rc = run_loop(r, l);
	report_end(r, l);
	syslog_finish(r->syslog, SYSLOG_WAIT_NS, stderr);
	if (finish_recording(r))
		rc = EXIT_RUNTIME;
	return rc;
}

static void teardown(struct run *r, struct loader *l)
{
	hooks_stop(&r->hooks);
	evidence_stop(r->evidence);
	loader_stop(l);
	compiled_free(r->comp);
	plan_free(r->plan);
	policy_set_free(r->ps);
	probe_free(&r->kf);
	formatter_free(&r->fmt);
	sink_free(&r->out);
	container_cache_free(r->dec.containers);
	decoder_free(&r->dec);
	syslog_free(r->syslog);
	free(r->pod_ns);
	free(r->by_hook);
	batch_free(&r->batch);
	free_blobs(r);
	story_free(r->story);
	if (stdout_flags >= 0) /* the terminal or pipe is shared: as it was */
		fcntl(STDOUT_FILENO, F_SETFL, stdout_flags);
}

int main(int argc, char **argv)
{
	struct options opt = {.format = OUT_COMPACT, .ringbuf_kib = 4096, .color = -1};
	struct run r = {.opt = &opt};
	struct loader l = {0};
	int rc;

	/* One malloc arena: the load threads would each get one of their own,
	 * and keep the libbpf parse's megabytes in it after the load. A fixed
	 * mmap threshold: freeing the first copy of vmlinux BTF (5 MiB) would
	 * otherwise raise glibc's to that size, and the next copies would go
	 * on the heap, which keeps them after they are freed. Fixing it fixes
	 * the trim threshold too (at 128 KiB: the heap's top would go back and
	 * come again, a brk while events flow): set high, and malloc_trim once
	 * listening returns what loading used but HEAP_HEADROOM. */
	mallopt(M_ARENA_MAX, 1);
	mallopt(M_MMAP_THRESHOLD, 256 << 10);
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
	mallopt(M_TOP_PAD, HEAP_HEADROOM);
	rc = parse_command_line(&opt, argc, argv);
	if (rc >= 0)
		return rc;
	install_signals();
	rc = prepare(&r);
	if (!rc && opt.read_path) {
		r.command = opt.html_path ? join_args(argc, argv) : NULL;
		rc = run_replay(&r);
		free((char *)r.command);
		syslog_finish(r.syslog, SYSLOG_WAIT_NS, stderr);
	} else if (!rc) {
		rc = run_live(&r, &l);
	}
	teardown(&r, &l);
	return rc;
}
