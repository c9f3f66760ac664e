// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* tracer.c - command line and main loop: parse -> setup -> run -> teardown. */
#include <argp.h>
#include <grp.h>
#include <pwd.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpf/hooks.h"
#include "bpf/loader.h"
#include "bpf/probe.h"
#include "config.h"
#include "output/container.h"
#include "output/decode.h"
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
	OPT_HELP,
	OPT_USAGE,
	OPT_VERSION,
};

struct options {
	enum out_format format;
	uint64_t count; /* 0: unlimited */
	bool line_buffered;
	bool quiet;
	int verbose;
	uint32_t ringbuf_kib;
	const char *container_id; /* --container-id PREFIX */
	const char *pod; /* --pod [NS/]NAME */
	const char *container_root; /* --container-root DIR */
	const char *drop_user; /* -Z USER */
	enum time_mode time_mode; /* --time */
	int color; /* --color: -1 auto, 0 never, 1 always */
	struct policy_opts pol; /* -p, -e, --check, ... (policy/flags.c) */
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

static void usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "tracer: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, " (see tracer --help)\n");
	exit(EXIT_USAGE);
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct options *o = state->input;
	uint64_t v;

	switch (key) {
	case 'o':
		if (out_format_parse(arg, &o->format))
			usage_error("unknown output format \"%s\": use compact, json or csv", arg);
		break;
	case 'c':
		if (parse_u64(arg, 1, UINT64_MAX, &o->count))
			usage_error("-c needs a positive count, not \"%s\"", arg);
		break;
	case 'l':
		o->line_buffered = true;
		break;
	case 'q':
		o->quiet = true;
		break;
	case 'v':
		o->verbose++;
		break;
	case OPT_COLOR:
		if (!strcmp(arg, "auto"))
			o->color = -1;
		else if (!strcmp(arg, "always") || !strcmp(arg, "never"))
			o->color = arg[0] == 'a';
		else
			usage_error("--color takes auto, always or never, not \"%s\"", arg);
		break;
	case OPT_TIME:
		if (time_mode_parse(arg, &o->time_mode))
			usage_error("--time takes iso, epoch, delta or none, not \"%s\"", arg);
		break;
	case 'Z':
		if (!*arg)
			usage_error("-Z needs a user name%s", "");
		o->drop_user = arg;
		break;
	case OPT_BUFFER:
		if (parse_u64(arg, 4, 1 << 20, &v) || (v & (v - 1)))
			usage_error("--buffer-size needs a power of two in KiB (4 to 1048576), not \"%s\"",
				    arg);
		o->ringbuf_kib = v;
		break;
	case OPT_HELP: /* argp_state_help() is silent under ARGP_NO_ERRS */
		argp_help(state->root_argp, stdout, ARGP_HELP_STD_HELP & ~ARGP_HELP_EXIT_OK, "tracer");
		exit(EXIT_OK);
	case OPT_USAGE:
		argp_help(state->root_argp, stdout, ARGP_HELP_USAGE, "tracer");
		exit(EXIT_OK);
	case OPT_VERSION:
		printf("%s\n", argp_program_version);
		exit(EXIT_OK);
	case OPT_CONTAINER_ID:
		if (!*arg || strspn(arg, "0123456789abcdef") != strlen(arg))
			usage_error("--container-id needs lowercase hex digits, not \"%s\"", arg);
		o->container_id = arg;
		break;
	case OPT_POD:
		if (!*arg || arg[strlen(arg) - 1] == '/')
			usage_error("--pod needs [NAMESPACE/]NAME, not \"%s\"", arg);
		o->pod = arg;
		break;
	case OPT_CONTAINER_ROOT:
		o->container_root = arg;
		break;
	case ARGP_KEY_ARG:
		usage_error("unexpected argument \"%s\"", arg);
		break;
	case ARGP_KEY_INIT:
		state->child_inputs[0] = &o->pol;
		break;
	case ARGP_KEY_ERROR:
		if (o->pol.error[0]) /* a policy flag said what was wrong */
			usage_error("%s", o->pol.error);
		/* argp found an unknown option; say so in one line. */
		usage_error("unknown or malformed option \"%s\"",
			    state->next > 0 && state->next <= state->argc ? state->argv[state->next - 1]
									   : "?");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp_child children[] = {
	{&policy_argp, 0, "Policies and filters:", 0},
	{0},
};

static const struct argp argp = {opts, parse_opt, NULL, doc, children, NULL, NULL};

static volatile sig_atomic_t stop_requested, stats_requested;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		stats_requested = 1;
	else
		stop_requested = 1;
}

static void install_signals(void)
{
	struct sigaction sa = {.sa_handler = on_signal}; /* no SA_RESTART: poll returns */

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL); /* statistics on stderr, then go on */
	signal(SIGPIPE, SIG_IGN); /* a closed pipe shows as a write error */
}

struct run {
	struct options *opt;
	struct formatter fmt;
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
	bool scanned; /* the start-up scan is done */
	bool done; /* -c reached or output closed */
};

static void sink(void *ctx, const struct tr_event *ev)
{
	struct run *r = ctx;

	if (r->done)
		return;
	if (!r->opt->quiet)
		formatter_event(&r->fmt, ev);
	r->printed++;
	r->by_kind[ev->kind]++;
	if (ev->hook && r->by_hook)
		r->by_hook[ev->hook - r->dec.hooks]++;
	if (r->opt->count && r->printed >= r->opt->count)
		r->done = true;
}

/* Decodes and prints what the last drain collected. */
static void flush_batch(struct run *r)
{
	decode_batch(&r->dec, &r->batch);
	r->batch.n = 0;
	r->batch.len = 0;
}

/* Ring-buffer records are copied out and decoded per drain, so a cgroup
 * move right after an exec is known when the exec prints. */
static int on_record(void *ctx, const void *data, size_t size)
{
	struct run *r = ctx;

	if (!r->scanned) { /* the start-up scan: no lookahead needed */
		decode_record(&r->dec, data, size);
		return 0;
	}
	if (batch_add(&r->batch, data, size)) {
		flush_batch(r);
		if (batch_add(&r->batch, data, size))
			decode_record(&r->dec, data, size); /* larger than a batch */
	}
	return r->done || stop_requested ? -EINTR : 0;
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
	if (policy_opts_finish(&r->opt->pol, &r->ps, stderr))
		return EXIT_USAGE;
	probe_kernel(&r->kf, PROBE_MOUNT_TRACEFS);
	if (plan_build(r->ps, &r->kf, r->opt->pol.monitor, &r->plan, &d) ||
	    compile_plan(r->plan, &r->comp, &d)) {
		fprintf(stderr, "tracer: %s\n", d.msg);
		return EXIT_USAGE;
	}
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

static int setup(struct run *r, struct loader *l)
{
	struct loader_opts lo = {
		.ringbuf_bytes = r->opt->ringbuf_kib << 10,
		.wakeup_bytes = (r->opt->ringbuf_kib << 10) / 16,
		.verbose = r->opt->verbose > 1,
		.track_bins = r->comp && r->comp->track_bins,
	};
	char err[512];
	int rc;

	if (formatter_init(&r->fmt, r->opt->format, stdout, &r->dec.host) ||
	    batch_init(&r->batch, 8u << 20, 1u << 16)) {
		fprintf(stderr, "tracer: out of memory\n");
		return -ENOMEM;
	}
	r->fmt.time_mode = r->opt->time_mode;
	r->fmt.color = r->opt->format == OUT_COMPACT &&
		       (r->opt->color > 0 || (r->opt->color < 0 && isatty(STDOUT_FILENO) &&
					      !getenv("NO_COLOR")));
	rc = loader_start(l, &lo, on_record, r, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "tracer: %s\n", err);
		return rc;
	}
	rc = loader_scan(l);
	if (rc) {
		fprintf(stderr, "tracer: cannot scan running processes: %s\n", strerror(-rc));
		return rc;
	}
	proc_cache_relink(r->dec.cache);
	r->scanned = true;
	if (r->comp) {
		rc = hooks_start(&r->hooks, l, r->comp, r->dec.host.ns, err, sizeof(err));
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

static int run_loop(struct run *r, struct loader *l)
{
	while (!stop_requested && !r->done) {
		int rc = loader_poll(l, 50);

		flush_batch(r);
		if (stats_requested) {
			stats_requested = 0;
			report_stats(r, l);
		}
		if (rc < 0 && rc != -EINTR) {
			fprintf(stderr, "tracer: reading the ring buffer: %s\n", strerror(-rc));
			return EXIT_RUNTIME;
		}
		if (fflush(stdout) && errno == EPIPE)
			break;
		if (ferror(stdout)) {
			fprintf(stderr, "tracer: writing output: %s\n", strerror(errno));
			return EXIT_RUNTIME;
		}
	}
	if (!r->done) {
		loader_poll(l, 0); /* print what was queued before the signal */
		flush_batch(r);
	}
	fflush(stdout);
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
			r->comp->ninfos == 1 ? "" : "s", r->comp->nhooks,
			r->comp->nhooks == 1 ? "" : "s", fmt);
	else
		fprintf(stderr, "tracer: listening for exec and exit (tp_btf sched_process_*), "
			"%s output\n", fmt);
	if (r->plan && r->opt->verbose)
		plan_print_banner(stderr, r->plan);
	fflush(stderr);
}

static void report_end(struct run *r, struct loader *l)
{
	uint64_t lost = loader_drops(l, NULL);

	fprintf(stderr, "tracer: %llu events printed, %llu lost", (unsigned long long)r->printed,
		(unsigned long long)lost);
	if (r->dec.malformed)
		fprintf(stderr, ", %llu malformed", (unsigned long long)r->dec.malformed);
	fprintf(stderr, "\n");
}

int main(int argc, char **argv)
{
	struct options opt = {.format = OUT_COMPACT, .ringbuf_kib = 4096, .color = -1};
	struct run r = {.opt = &opt};
	struct loader l = {0};
	int rc;

	argp_err_exit_status = EXIT_USAGE;
	if (argp_parse(&argp, argc, argv, ARGP_NO_ERRS | ARGP_NO_HELP, NULL, &opt))
		return EXIT_USAGE;
	if (opt.pol.list_presets) {
		policy_list_presets(stdout);
		return EXIT_OK;
	}
	if (opt.pol.check || opt.pol.print_policy)
		return policy_check_main(&opt.pol, stdout, stderr);
	/* An explicit buffer also spares stdio its fstat() at the first event. */
	setvbuf(stdout, NULL, opt.line_buffered || isatty(STDOUT_FILENO) ? _IOLBF : _IOFBF,
		 1 << 16);
	install_signals();
	if (decoder_init(&r.dec, 65536, sink, &r)) {
		fprintf(stderr, "tracer: out of memory\n");
		return EXIT_RUNTIME;
	}
	r.dec.kinds = kinds_mask(&opt.pol);
	if (setup_scope(&r)) {
		rc = EXIT_RUNTIME;
		goto cleanup;
	}
	rc = build_policy(&r);
	if (rc)
		goto cleanup;
	if (setup(&r, &l)) {
		rc = EXIT_RUNTIME;
		goto cleanup;
	}
	if (opt.drop_user && drop_privileges(opt.drop_user)) {
		rc = EXIT_RUNTIME;
		goto cleanup;
	}
	report_listening(&r);
	rc = run_loop(&r, &l);
	report_end(&r, &l);
cleanup:
	hooks_stop(&r.hooks);
	loader_stop(&l);
	compiled_free(r.comp);
	plan_free(r.plan);
	policy_set_free(r.ps);
	probe_free(&r.kf);
	formatter_free(&r.fmt);
	container_cache_free(r.dec.containers);
	decoder_free(&r.dec);
	free(r.pod_ns);
	free(r.by_hook);
	batch_free(&r.batch);
	return rc;
}
