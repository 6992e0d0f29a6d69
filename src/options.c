/* Command-line options: parsing, units and validation.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "options.h"

#include "decimal.h"
#include "duration.h"

#include <ctype.h>
#include <getopt.h>
#include <limits.h>
#include <string.h>

#ifdef PACKAGE_VERSION
#define AUSTINC_VERSION PACKAGE_VERSION
#else
#define AUSTINC_VERSION "0.1.0"
#endif

/* Bounds of each duration, also stated in the help text. */
#define INTERVAL_MIN_US 1ULL
#define INTERVAL_MAX_US US_PER_S
#define TIMEOUT_MAX_US  (3600ULL * US_PER_S)
#define EXPOSURE_MAX_US (30ULL * 24 * 3600 * US_PER_S)
#define SYSTEM_MIN_US   (10ULL * US_PER_MS)
#define SYSTEM_MAX_US   (60ULL * US_PER_S)
#define ROTATE_MIN_US   (100ULL * US_PER_MS)
#define KEEP_MAX        1000000

/* Values of the long-only options, outside the range of short ones. */
enum {
	OPT_USAGE = 256,
	OPT_HELP_LONG,
	OPT_SYSTEM,
	OPT_FOLDED,
	OPT_PIDFILE,
	OPT_NAME,
	OPT_FOLLOW,
	OPT_ROTATE,
	OPT_KEEP,
	OPT_PUSH,
	OPT_APP,
	OPT_PUSH_LABEL,
	OPT_PUSH_AUTH,
	OPT_PUSH_TENANT,
};

static const char USAGE_TEXT[] =
        "Usage: austinc [OPTION...] command [ARG...]\n"
        "   or: austinc [OPTION...] -p PID\n"
        "   or: austinc [OPTION...] --pidfile=FILE|--name=PATTERN\n"
        "   or: austinc [-C] -w PID\n";

static const char HELP_TEXT[] =
        "Sample the frame stacks of a CPython process and write them in\n"
        "collapsed stack format, one line per thread sample.\n"
        "\n"
        "  -i, --interval=TIME   sampling interval (default 100us)\n"
        "  -m, --memory          memory mode: RSS change per tick, charged to\n"
        "                        the thread holding the GIL\n"
        "  -f, --full            full mode: time, idle flag and RSS change\n"
        "                        on every sample\n"
        "  -s, --sleepless       drop idle samples (estimates CPU time)\n"
        "  -g, --gc              mark samples taken while the garbage\n"
        "                        collector runs with a :GC: frame\n"
        "  -C, --children        also sample every Python descendant process\n"
        "  -o, --output=FILE     write samples to FILE instead of stdout\n"
        "                        (gzip-compressed when FILE ends in .gz)\n"
        "  -z, --gzip            compress the output with gzip\n"
        "  -b, --binary          write Austin's MOJO binary format, not "
        "text\n"
        "      --folded[=METRIC] plain folded stacks for flamegraph.pl: no\n"
        "                        metadata, one count per line; METRIC is\n"
        "                        time, memory+ (growth) or memory- (release);\n"
        "                        default memory+ with -m, else time\n"
        "  -p, --pid=PID         attach to a running process instead of a "
        "command\n"
        "  -w, --where=PID       print where every thread of PID is, then "
        "exit\n"
        "      --pidfile=FILE    attach to the process whose PID FILE holds\n"
        "      --name=PATTERN    attach to the oldest process whose command\n"
        "                        line matches PATTERN (a regular expression,\n"
        "                        as pgrep -f)\n"
        "      --follow          with --pidfile or --name: when the process\n"
        "                        exits, wait for the next one and go on\n"
        "      --rotate=PERIOD   begin a new file every PERIOD; -o names the\n"
        "                        files with strftime fields (%Y%m%dT%H%M%S)\n"
        "      --keep=N          with --rotate: delete the oldest files of\n"
        "                        the -o pattern beyond N\n"
        "      --push=URL        with --rotate: send each period's profile\n"
        "                        to the Pyroscope server at URL (pprof)\n"
        "      --app=NAME        with --push: the application's name\n"
        "      --push-label=KEY=VALUE  with --push: a label (host is added)\n"
        "      --push-auth=FILE  with --push: FILE's first line is a bearer\n"
        "                        token, or USER:PASSWORD for basic auth\n"
        "      --push-tenant=ID  with --push: the X-Scope-OrgID header\n"
        "  -t, --timeout=TIME    wait this long for a Python runtime "
        "(default 3s)\n"
        "  -x, --exposure=TIME   stop sampling after TIME (default: at "
        "exit)\n"
        "      --system[=PERIOD] also record the machine's and each sampled\n"
        "                        process's CPU, memory and I/O every PERIOD\n"
        "                        (default 100ms), as '# system:' metadata\n"
        "  -P, --pipe            no summary on stderr (output read by a "
        "program)\n"
        "  -V, --version         print the version and exit\n"
        "  -?, --help            print this help and exit\n"
        "      --usage           print the usage line and exit\n"
        "\n"
        "TIME is a number with an optional unit:\n"
        "  -i  units s, ms, us; a bare number is microseconds; 1us to 1s\n"
        "  -t  units s, ms; a bare number is milliseconds; at most 3600s\n"
        "  -x  units s, ms; a bare number is seconds; at most 30 days\n"
        "  --rotate  units h, m, s, ms; a bare number is seconds; 100ms to "
        "30 days\n"
        "  --system  units s, ms; a bare number is milliseconds; 10ms to 60s;\n"
        "            given after '=' only (--system=50ms)\n"
        "Seconds and milliseconds may have decimals (1.5ms), microseconds\n"
        "may not; the value must be a whole number of microseconds.\n"
        "\n"
        "Examples:\n"
        "  austinc -i 500 -o profile.txt python app.py\n"
        "  austinc -p 4242 -x 10\n"
        "  austinc -m -o memory.txt python app.py\n"
        "  austinc -f -C python -m app.workers\n"
        "  austinc -s -g python app.py\n"
        "  austinc --system=50ms -f -o run.txt python app.py\n"
        "  austinc -w 4242\n"
        "  austinc --name 'gunicorn: master' -C --follow --rotate 1h "
        "--keep 24 \\\n"
        "          -b -o /var/lib/austinc/app-%Y%m%dT%H%M%S.mojo.gz\n"
        "  austinc --folded python app.py | flamegraph.pl > app.svg\n"
        "\n"
        "Exit status:\n"
        "  0      success, or the launched command's own exit status\n"
        "  1      internal error\n"
        "  2      bad option or value\n"
        "  3      no such process (nothing matches --name, no live process\n"
        "         in --pidfile)\n"
        "  4      permission denied, or (with a capability or set-user-id)\n"
        "         a process that is not the caller's own\n"
        "  5      not a Python process, or no runtime found within the "
        "timeout\n"
        "  6      unsupported Python version\n"
        "  7      cannot write the output\n"
        "  126    the command cannot be executed\n"
        "  127    the command was not found\n"
        "  128+N  the launched command was killed by signal N\n";

/* '+': stop at the command. ':': report a missing argument as ':'.
 * '-?' is deliberately absent: getopt then reports it as an unknown option
 * with optopt == '?', which tells it apart from other unknown options. */
static const char SHORT_OPTIONS[] = "+:i:o:p:t:x:w:mfsgCzbPV";

static const struct option LONG_OPTIONS[] = {
        {"interval", required_argument, NULL, 'i'},
        {"output", required_argument, NULL, 'o'},
        {"pid", required_argument, NULL, 'p'},
        {"timeout", required_argument, NULL, 't'},
        {"exposure", required_argument, NULL, 'x'},
        {"pipe", no_argument, NULL, 'P'},
        {"memory", no_argument, NULL, 'm'},
        {"full", no_argument, NULL, 'f'},
        {"sleepless", no_argument, NULL, 's'},
        {"gc", no_argument, NULL, 'g'},
        {"children", no_argument, NULL, 'C'},
        {"gzip", no_argument, NULL, 'z'},
        {"binary", no_argument, NULL, 'b'},
        {"where", required_argument, NULL, 'w'},
        {"version", no_argument, NULL, 'V'},
        {"help", no_argument, NULL, OPT_HELP_LONG},
        {"usage", no_argument, NULL, OPT_USAGE},
        {"system", optional_argument, NULL, OPT_SYSTEM},
        {"folded", optional_argument, NULL, OPT_FOLDED},
        {"pidfile", required_argument, NULL, OPT_PIDFILE},
        {"name", required_argument, NULL, OPT_NAME},
        {"follow", no_argument, NULL, OPT_FOLLOW},
        {"rotate", required_argument, NULL, OPT_ROTATE},
        {"keep", required_argument, NULL, OPT_KEEP},
        {"push", required_argument, NULL, OPT_PUSH},
        {"app", required_argument, NULL, OPT_APP},
        {"push-label", required_argument, NULL, OPT_PUSH_LABEL},
        {"push-auth", required_argument, NULL, OPT_PUSH_AUTH},
        {"push-tenant", required_argument, NULL, OPT_PUSH_TENANT},
        {NULL, 0, NULL, 0},
};

static const struct duration_spec INTERVAL_SPEC = {
        "interval",
        1,
        UNIT_ALL,
        "s, ms or us",
        INTERVAL_MIN_US,
        INTERVAL_MAX_US,
        "between 1us and 1s",
};

static const struct duration_spec TIMEOUT_SPEC = {
        "timeout", US_PER_MS,      UNIT_S | UNIT_MS, "s or ms",
        1,         TIMEOUT_MAX_US, "at most 3600s",
};

static const struct duration_spec SYSTEM_SPEC = {
        "system period", US_PER_MS,     UNIT_S | UNIT_MS,       "s or ms",
        SYSTEM_MIN_US,   SYSTEM_MAX_US, "between 10ms and 60s",
};

static const struct duration_spec ROTATE_SPEC = {
        "rotation period",
        US_PER_S,
        UNIT_H | UNIT_M | UNIT_S | UNIT_MS,
        "h, m, s or ms",
        ROTATE_MIN_US,
        EXPOSURE_MAX_US,
        "between 100ms and 30 days",
};

static const struct duration_spec EXPOSURE_SPEC = {
        "exposure", US_PER_S,        UNIT_S | UNIT_MS,  "s or ms",
        1,          EXPOSURE_MAX_US, "at most 30 days",
};

static int read_pid(const char *text, pid_t *pid, FILE *err)
{
	size_t n = 0;
	uint64_t value;

	if (decimal_parse(text, strlen(text), &n, &value) < 0 ||
	    text[n] != '\0' || value == 0 || value > INT_MAX) {
		fprintf(err,
		        "austinc: invalid PID '%s': expected a positive "
		        "integer\n",
		        text);
		return -1;
	}
	*pid = (pid_t)value;
	return 0;
}

static int read_output(const char *text, const char **output, FILE *err)
{
	if (text[0] == '\0') {
		fprintf(err, "austinc: the output file name is empty\n");
		return -1;
	}
	*output = text;
	return 0;
}

static int read_name(const char *what, const char *text, const char **out,
                     FILE *err)
{
	if (text[0] == '\0') {
		fprintf(err, "austinc: the %s is empty\n", what);
		return -1;
	}
	*out = text;
	return 0;
}

static int read_keep(const char *text, unsigned *keep, FILE *err)
{
	size_t n = 0;
	uint64_t value;
	if (decimal_parse(text, strlen(text), &n, &value) < 0 ||
	    text[n] != '\0' || value == 0 || value > KEEP_MAX) {
		fprintf(err,
		        "austinc: invalid --keep '%s': expected a number of "
		        "files from 1 to %d\n",
		        text, KEEP_MAX);
		return -1;
	}
	*keep = (unsigned)value;
	return 0;
}

/* Does text hold only characters of set (and at least one)? */
static int only_of(const char *text, const char *set)
{
	return text[0] && text[strspn(text, set)] == '\0';
}

#define NAME_CHARS                                                             \
	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"

/* KEY=VALUE: a Pyroscope label (no ',', '{', '}' or '=' in the value). */
static int read_push_label(const char *arg, struct options *opts, FILE *err)
{
	const char *eq = strchr(arg, '=');
	char key[128];
	size_t klen = eq ? (size_t)(eq - arg) : 0;
	if (klen && klen < sizeof key) {
		memcpy(key, arg, klen);
		key[klen] = '\0';
	}
	if (!klen || klen >= sizeof key || !only_of(key, NAME_CHARS) ||
	    (key[0] >= '0' && key[0] <= '9') ||
	    !only_of(eq + 1, NAME_CHARS ".:/@-")) {
		fprintf(err,
		        "austinc: invalid --push-label '%s': expected "
		        "KEY=VALUE, "
		        "KEY of letters, digits and '_', VALUE also '.:/@-'\n",
		        arg);
		return -1;
	}
	if (opts->n_push_labels == PUSH_LABELS_MAX) {
		fprintf(err, "austinc: at most %d --push-label options\n",
		        PUSH_LABELS_MAX);
		return -1;
	}
	opts->push_labels[opts->n_push_labels++] = arg;
	return 0;
}

/* A name the server takes as it is: letters, digits and '_.-'. */
static int read_token(const char *option, const char *arg, const char **out,
                      FILE *err)
{
	if (!only_of(arg, NAME_CHARS ".-")) {
		fprintf(err,
		        "austinc: invalid %s '%s': expected letters, digits "
		        "and '_.-'\n",
		        option, arg);
		return -1;
	}
	*out = arg;
	return 0;
}

/* --push and its partners. */
static int apply_push_option(int c, const char *arg, struct options *opts,
                             FILE *err)
{
	switch (c) {
	case OPT_PUSH:
		if (strncmp(arg, "http://", 7) && strncmp(arg, "https://", 8)) {
			fprintf(err,
			        "austinc: invalid --push '%s': expected an "
			        "http:// or https:// URL\n",
			        arg);
			return -1;
		}
		opts->push_url = arg;
		return 0;
	case OPT_APP:
		return read_token("--app", arg, &opts->push_app, err);
	case OPT_PUSH_LABEL:
		return read_push_label(arg, opts, err);
	case OPT_PUSH_AUTH:
		return read_name("--push-auth file name", arg, &opts->push_auth,
		                 err);
	case OPT_PUSH_TENANT:
		return read_token("--push-tenant", arg, &opts->push_tenant,
		                  err);
	default:
		return -1;
	}
}

/* Service mode's options (finding the target, following, rotating). */
static int apply_service_option(int c, const char *arg, struct options *opts,
                                FILE *err)
{
	switch (c) {
	case OPT_PIDFILE:
		return read_name("pidfile name", arg, &opts->pidfile, err);
	case OPT_NAME:
		return read_name("--name pattern", arg, &opts->name, err);
	case OPT_FOLLOW:
		opts->follow = true;
		return 0;
	case OPT_ROTATE:
		return duration_read(&ROTATE_SPEC, arg, &opts->rotate_us, err);
	case OPT_KEEP:
		return read_keep(arg, &opts->keep, err);
	default:
		return apply_push_option(c, arg, opts, err);
	}
}

static int read_folded(const char *text, enum folded_metric *folded, FILE *err)
{
	static const struct {
		const char *name;
		enum folded_metric metric;
	} names[] = {{"time", FOLDED_TIME},
	             {"memory+", FOLDED_GROWTH},
	             {"memory-", FOLDED_RELEASE}};
	if (text == NULL) {
		*folded = FOLDED_MODE;
		return 0;
	}
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (strcmp(text, names[i].name) == 0) {
			*folded = names[i].metric;
			return 0;
		}
	}
	fprintf(err,
	        "austinc: invalid --folded metric '%s': expected time, "
	        "memory+ or memory-\n",
	        text);
	return -1;
}

static const struct option *option_with_val(int val)
{
	for (const struct option *o = LONG_OPTIONS; o->name != NULL; o++)
		if (o->val == val)
			return o;
	return NULL;
}

/* How many long options start with the first len characters of name. */
static int count_long_matches(const char *name, size_t len)
{
	int n = 0;

	for (const struct option *o = LONG_OPTIONS; o->name != NULL; o++)
		if (strncmp(o->name, name, len) == 0)
			n++;
	return n;
}

/* word is the last argument: a missing argument is always at the end. */
static void report_missing_argument(int val, const char *word, FILE *err)
{
	const struct option *o = option_with_val(val);

	if (o != NULL && (strncmp(word, "--", 2) == 0 || val >= OPT_USAGE))
		fprintf(err, "austinc: option '--%s' requires an argument\n",
		        o->name);
	else
		fprintf(err, "austinc: option '-%c' requires an argument\n",
		        val);
}

/* An unknown or ambiguous long option, as the user wrote it in word. */
static void report_bad_long_option(const char *word, FILE *err)
{
	size_t len = strcspn(word, "=");

	if (strncmp(word, "--", 2) == 0 &&
	    count_long_matches(word + 2, len - 2) > 1)
		fprintf(err, "austinc: option '%.*s' is ambiguous\n", (int)len,
		        word);
	else
		fprintf(err, "austinc: unknown option '%.*s'\n", (int)len,
		        word);
}

/* getopt returned '?' for something other than -?. optopt is 0 for a long
 * option it does not know, the value of a known option when a long option
 * that takes no argument was given one, else the unknown short option. */
static void report_bad_option(int val, const char *word, FILE *err)
{
	const struct option *o = option_with_val(val);
	unsigned char byte = (unsigned char)val;

	if (val == 0)
		report_bad_long_option(word, err);
	else if (o != NULL)
		fprintf(err, "austinc: option '--%s' takes no argument\n",
		        o->name);
	else if (isprint(byte))
		fprintf(err, "austinc: unknown option '-%c'\n", byte);
	else
		fprintf(err, "austinc: unknown option '-\\x%02x'\n", byte);
}

static void set_defaults(struct options *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->interval_us = DEFAULT_INTERVAL_US;
	opts->timeout_us = DEFAULT_TIMEOUT_US;
}

/* Apply one option that takes or needs no message; -1 on a bad value. */
static int apply_option(int c, const char *arg, struct options *opts, FILE *err)
{
	switch (c) {
	case 'i':
		return duration_read(&INTERVAL_SPEC, arg, &opts->interval_us,
		                     err);
	case 't':
		return duration_read(&TIMEOUT_SPEC, arg, &opts->timeout_us,
		                     err);
	case 'x':
		return duration_read(&EXPOSURE_SPEC, arg, &opts->exposure_us,
		                     err);
	case OPT_SYSTEM:
		if (arg == NULL) {
			opts->system_us = DEFAULT_SYSTEM_US;
			return 0;
		}
		return duration_read(&SYSTEM_SPEC, arg, &opts->system_us, err);
	case OPT_FOLDED:
		return read_folded(arg, &opts->folded, err);
	case 'o':
		return read_output(arg, &opts->output, err);
	case 'p':
		return read_pid(arg, &opts->pid, err);
	case 'w':
		return read_pid(arg, &opts->where_pid, err);
	case 'P':
		opts->pipe = true;
		return 0;
	case 'm':
		opts->memory = true;
		return 0;
	case 'f':
		opts->full = true;
		return 0;
	case 's':
		opts->sleepless = true;
		return 0;
	case 'g':
		opts->gc = true;
		return 0;
	case 'C':
		opts->children = true;
		return 0;
	case 'z':
		opts->gzip = true;
		return 0;
	case 'b':
		opts->binary = true;
		return 0;
	default:
		return apply_service_option(c, arg, opts, err);
	}
}

/* What an informational option prints; DONE when it printed something. */
static enum options_result print_info(int c, FILE *out)
{
	switch (c) {
	case 'V':
		fprintf(out, "austinc %s\n", AUSTINC_VERSION);
		return OPTIONS_DONE;
	case OPT_USAGE:
		fputs(USAGE_TEXT, out);
		return OPTIONS_DONE;
	case OPT_HELP_LONG:
		fputs(USAGE_TEXT, out);
		fputs(HELP_TEXT, out);
		return OPTIONS_DONE;
	default:
		return OPTIONS_RUN;
	}
}

/* One getopt result; OPTIONS_RUN means keep parsing. */
static enum options_result
handle_option(int c, char **argv, struct options *opts, FILE *out, FILE *err)
{
	const char *word = argv[optind - 1];

	if (c == '?' && optopt == '?')
		c = OPT_HELP_LONG; /* -? */
	if (c == ':') {
		report_missing_argument(optopt, word, err);
		return OPTIONS_ERROR;
	}
	if (c == '?') {
		report_bad_option(optopt, word, err);
		return OPTIONS_ERROR;
	}
	if (print_info(c, out) == OPTIONS_DONE)
		return OPTIONS_DONE;
	if (apply_option(c, optarg, opts, err) < 0)
		return OPTIONS_ERROR;
	return OPTIONS_RUN;
}

/* Mode options combine as in Austin: the full set already holds memory and
 * marks idle samples instead of dropping them, and memory is charged to the
 * GIL holder, idle or not. A redundant option is noted, not refused. */
static void settle_modes(struct options *opts, FILE *err)
{
	if (opts->full && opts->memory)
		fprintf(err, "austinc: note: -m/--memory is redundant with "
		             "-f/--full, which records memory too\n");
	if (opts->full && opts->sleepless)
		fprintf(err, "austinc: note: -s/--sleepless has no effect with "
		             "-f/--full, which marks idle samples instead\n");
	else if (opts->memory && opts->sleepless)
		fprintf(err, "austinc: note: -s/--sleepless has no effect with "
		             "-m/--memory: memory is charged idle or not\n");
	if (opts->full)
		opts->memory = false;
	if (opts->full || opts->memory)
		opts->sleepless = false;
	if (opts->folded == FOLDED_MODE)
		opts->folded = opts->memory ? FOLDED_GROWTH : FOLDED_TIME;
}

/* Can the recording carry the --folded metric? -1 after saying why not. */
static int check_folded(const struct options *opts, FILE *err)
{
	const char *why = NULL;
	if (opts->folded == FOLDED_NONE)
		return 0;
	if (opts->binary)
		why = "cannot combine --folded and -b/--binary: --folded is "
		      "text";
	else if (opts->system_us)
		why = "cannot combine --folded and --system: --system's "
		      "records "
		      "are metadata, which --folded leaves out";
	else if (opts->folded == FOLDED_TIME && opts->memory)
		why = "--folded=time and -m/--memory: -m records no time (-f "
		      "records both)";
	else if (opts->folded != FOLDED_TIME && !opts->memory && !opts->full)
		why = "--folded=memory+ and memory- need -m or -f: no memory "
		      "is "
		      "recorded without them";
	if (!why)
		return 0;
	fprintf(err, "austinc: %s\n", why);
	return -1;
}

/* Options that cannot go together; -1 after saying which. */
static int check_combination(const struct options *opts, FILE *err)
{
	const char *clash = NULL;
	if (check_folded(opts, err) < 0)
		return -1;
	if (opts->where_pid && (opts->pid != 0 || opts->argc > 0))
		clash = "-w/--where and a command or -p: -w takes its own PID";
	else if (opts->where_pid &&
	         (opts->pidfile || opts->name || opts->rotate_us))
		clash = "-w/--where and --pidfile, --name or --rotate: -w "
		        "takes its own PID";
	else if (opts->where_pid && opts->system_us)
		clash = "-w/--where and --system: -w takes no recording";
	if (!clash)
		return 0;
	fprintf(err, "austinc: cannot combine %s\n", clash);
	return -1;
}

/* Does the -o name hold a strftime field (a '%' not doubled)? */
static int has_time_fields(const char *name)
{
	/* p[1] is checked first: a '%' that ends the name has no p + 2. */
	for (const char *p = strchr(name, '%'); p && p[1] != '\0';
	     p = strchr(p + 2, '%'))
		if (p[1] != '%')
			return 1;
	return 0;
}

/* Service mode's options need their partners; -1 after saying which. */
static int check_service(const struct options *opts, FILE *err)
{
	const char *why = NULL;
	if (opts->follow && !opts->pidfile && !opts->name)
		why = "--follow needs --pidfile or --name: it waits for the "
		      "next process they name";
	else if (opts->rotate_us && (opts->output || !opts->push_url) &&
	         (!opts->output || !has_time_fields(opts->output)))
		why = "--rotate needs -o with strftime fields, such as "
		      "-o app-%Y%m%dT%H%M%S.txt: each period gets its own file";
	else if (opts->push_url && !opts->rotate_us)
		why = "--push needs --rotate=PERIOD: a profile is pushed at "
		      "the "
		      "end of each period";
	else if (opts->push_url && !opts->push_app)
		why = "--push needs --app=NAME: the application the server "
		      "files the profiles under";
	else if (!opts->push_url && (opts->push_app || opts->n_push_labels ||
	                             opts->push_auth || opts->push_tenant))
		why = "--app, --push-label, --push-auth and --push-tenant need "
		      "--push";
	else if (opts->keep && !opts->rotate_us)
		why = "--keep needs --rotate: it counts the files of the "
		      "-o pattern";
	if (!why)
		return 0;
	fprintf(err, "austinc: %s\n", why);
	return -1;
}

static int check_target(const struct options *opts, FILE *err)
{
	if (check_combination(opts, err) < 0 || check_service(opts, err) < 0)
		return -1;
	if (opts->where_pid)
		return 0;
	if (opts->pid != 0 && opts->argc > 0) {
		fprintf(err, "austinc: -p and a command are mutually "
		             "exclusive\n");
		return -1;
	}
	if ((opts->pid != 0) + (opts->argc > 0) + (opts->pidfile != NULL) +
	            (opts->name != NULL) >
	    1) {
		fprintf(err, "austinc: give one target: a command, -p, "
		             "--pidfile or --name\n");
		return -1;
	}
	if (opts->pidfile || opts->name)
		return 0;
	if (opts->pid == 0 && opts->argc == 0) {
		fprintf(err, "austinc: no command to launch and no -p PID "
		             "given\n");
		return -1;
	}
	return 0;
}

/* After an error: the usage line, for the next try. */
static enum options_result usage_error(FILE *err)
{
	fputs(USAGE_TEXT, err);
	fflush(err);
	return OPTIONS_ERROR;
}

enum options_result options_parse(int argc, char **argv, struct options *opts,
                                  FILE *out, FILE *err)
{
	enum options_result result;
	int c;

	set_defaults(opts);
	if (argc < 1 || argv == NULL || argv[0] == NULL) {
		fprintf(err, "austinc: no command to launch and no -p PID "
		             "given\n");
		return usage_error(err);
	}
	optind = 0; /* glibc: full reset, so parsing can run again */
	opterr = 0; /* messages are ours, and go to err */
	while ((c = getopt_long(argc, argv, SHORT_OPTIONS, LONG_OPTIONS,
	                        NULL)) != -1) {
		result = handle_option(c, argv, opts, out, err);
		if (result == OPTIONS_ERROR)
			return usage_error(err);
		if (result == OPTIONS_DONE) {
			fflush(out);
			return OPTIONS_DONE;
		}
	}
	opts->argc = argc - optind;
	opts->argv = argv + optind;
	settle_modes(opts, err);
	if (check_target(opts, err) < 0)
		return usage_error(err);
	return OPTIONS_RUN;
}
