/* austinc-report: turn an austinc recording into a view.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "report/profile.h"
#include "report/read.h"
#include "report/read_many.h"
#include "report/views.h"

/* Exit codes, as documented in austinc-report(1). */
enum {
	REPORT_OK = 0,
	REPORT_INTERNAL = 1,
	REPORT_USAGE = 2,
	REPORT_BAD_INPUT = 3, /* cannot be read, or not a valid recording */
	REPORT_NO_METRIC = 4, /* the recording does not have that metric */
	REPORT_OUTPUT = 7,
};

typedef int (*view_fn)(const struct profile *, const struct view_options *,
                       FILE *);
typedef int (*diff_fn)(const struct profile *, const struct profile *,
                       const struct view_options *, FILE *);

struct report_options {
	view_fn view;
	const char *view_name;
	const char *output; /* NULL: stdout */
	char **inputs;      /* the RECORDING arguments (none: stdin) */
	size_t n_inputs;
	const char *base; /* --diff BASE: compare the inputs with it */
	int metric_given;
	int strict; /* a recording cut short is an error, not salvaged */
	struct view_options view_opts;
};

static const char USAGE_TEXT[] =
        "Usage: austinc-report [VIEW] [OPTION...] [RECORDING...]\n";

static const char HELP_TEXT[] =
        "Turn an austinc recording (text or MOJO, gzipped or not; standard\n"
        "input when RECORDING is - or missing) into one view. Several\n"
        "recordings of one run (a directory of them, or a quoted glob\n"
        "pattern, \"app-*.mojo.gz\") are merged in the order they started,\n"
        "on one time axis.\n"
        "\n"
        "Views (one; --tree when none is given):\n"
        "      --collapsed         folded stacks for flamegraph.pl and\n"
        "                          speedscope, identical stacks merged\n"
        "      --tree              a top-down call tree\n"
        "      --top=N             the N hottest functions, self and total\n"
        "      --svg=FILE          an interactive SVG flame graph\n"
        "      --speedscope=FILE   speedscope's JSON file format\n"
        "      --pprof=FILE        pprof's profile.proto, gzipped (go tool\n"
        "                          pprof, Grafana Pyroscope, Parca)\n"
        "      --html=FILE         a self-contained HTML report: flame "
        "graph,\n"
        "                          and with --system the timeline under "
        "it\n"
        "\n"
        "Before and after:\n"
        "      --diff=BASE NEW     compare recording NEW with BASE (either\n"
        "                          may be a directory or pattern), with\n"
        "                          --collapsed, --tree (the default),\n"
        "                          --html or --pprof\n"
        "\n"
        "Options:\n"
        "  -m, --metric=METRIC     time (default), cpu, wall, memory+ or\n"
        "                          memory- (growth and release, in bytes)\n"
        "  -a, --all               --tree: show library frames instead of\n"
        "                          folding them\n"
        "  -t, --threshold=PCT     --tree: hide nodes under PCT percent of\n"
        "                          the total (default 1)\n"
        "  -o, --output=FILE       write the view to FILE, not stdout\n"
        "      --strict            refuse a recording cut short (by default\n"
        "                          its samples before the cut are shown,\n"
        "                          with a warning)\n"
        "  -V, --version           print the version and exit\n"
        "  -?, --help              print this help and exit\n"
        "      --usage             print the usage line and exit\n"
        "\n"
        "Examples:\n"
        "  austinc -o profile.txt python app.py && austinc-report "
        "profile.txt\n"
        "  austinc-report --collapsed profile.txt | flamegraph.pl > app.svg\n"
        "  austinc-report --svg app.svg --metric memory+ profile.txt\n"
        "  austinc -b python app.py | austinc-report --top 10\n"
        "  austinc --system -f python app.py | austinc-report --html "
        "app.html\n"
        "  austinc-report --diff before.txt after.txt\n"
        "  austinc-report --html week.html /var/lib/app/profiles/\n"
        "\n"
        "Exit status: 0 success (a recording cut short included, unless\n"
        "--strict), 1 internal error, 2 bad option, 3 the recording cannot\n"
        "be read or is not valid, 4 the recording has no such metric, 7 the\n"
        "view cannot be written.\n";

enum {
	OPT_COLLAPSED = 256,
	OPT_TREE,
	OPT_TOP,
	OPT_SVG,
	OPT_SPEEDSCOPE,
	OPT_PPROF,
	OPT_HTML,
	OPT_DIFF,
	OPT_STRICT,
	OPT_USAGE
};

static const struct option LONG_OPTIONS[] = {
        {"collapsed", no_argument, NULL, OPT_COLLAPSED},
        {"tree", no_argument, NULL, OPT_TREE},
        {"top", required_argument, NULL, OPT_TOP},
        {"svg", required_argument, NULL, OPT_SVG},
        {"speedscope", required_argument, NULL, OPT_SPEEDSCOPE},
        {"pprof", required_argument, NULL, OPT_PPROF},
        {"html", required_argument, NULL, OPT_HTML},
        {"diff", required_argument, NULL, OPT_DIFF},
        {"metric", required_argument, NULL, 'm'},
        {"all", no_argument, NULL, 'a'},
        {"threshold", required_argument, NULL, 't'},
        {"output", required_argument, NULL, 'o'},
        {"strict", no_argument, NULL, OPT_STRICT},
        {"version", no_argument, NULL, 'V'},
        {"help", no_argument, NULL, '?'},
        {"usage", no_argument, NULL, OPT_USAGE},
        {NULL, 0, NULL, 0},
};

static int usage_error(const char *fmt, const char *detail)
{
	char line[512];
	snprintf(line, sizeof line, fmt, detail);
	log_error("%s", line);
	fputs(USAGE_TEXT, stderr);
	return REPORT_USAGE;
}

static int set_view(struct report_options *o, view_fn view, const char *name,
                    const char *output)
{
	if (o->view && o->view != view)
		return usage_error("choose one view: %s and another were given",
		                   name);
	o->view = view;
	o->view_name = name;
	if (output)
		o->output = output;
	return REPORT_OK;
}

static int parse_number(const char *text, double max, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(text, &end);
	if (errno || end == text || *end || !(v >= 0 && v <= max))
		return -1;
	*out = v;
	return 0;
}

static int set_top(struct report_options *o, const char *arg)
{
	double n;
	if (parse_number(arg, 1e6, &n) || n < 1 || n != (double)(size_t)n)
		return usage_error("invalid --top '%s': expected a whole "
		                   "number from 1",
		                   arg);
	o->view_opts.top = (size_t)n;
	return set_view(o, view_top, "--top", NULL);
}

/* One option; REPORT_OK to go on, -1 when --help/--version printed. */
static int apply(struct report_options *o, int c, const char *arg)
{
	switch (c) {
	case OPT_COLLAPSED:
		return set_view(o, view_collapsed, "--collapsed", NULL);
	case OPT_TREE:
		return set_view(o, view_tree, "--tree", NULL);
	case OPT_TOP:
		return set_top(o, arg);
	case OPT_SVG:
		return set_view(o, view_svg, "--svg", arg);
	case OPT_SPEEDSCOPE:
		return set_view(o, view_speedscope, "--speedscope", arg);
	case OPT_PPROF:
		return set_view(o, view_pprof, "--pprof", arg);
	case OPT_HTML:
		return set_view(o, view_html, "--html", arg);
	case OPT_DIFF:
		o->base = arg;
		return REPORT_OK;
	case 'm':
		o->metric_given = 1;
		if (profile_metric_parse(arg, &o->view_opts.metric) == 0)
			return REPORT_OK;
		return usage_error("unknown metric '%s': expected time, cpu, "
		                   "wall, memory+ or memory-",
		                   arg);
	case 'a':
		o->view_opts.all = 1;
		return REPORT_OK;
	case 't':
		if (parse_number(arg, 100, &o->view_opts.threshold) == 0)
			return REPORT_OK;
		return usage_error("invalid threshold '%s': expected a "
		                   "percentage from 0 to 100",
		                   arg);
	case 'o':
		o->output = arg;
		return REPORT_OK;
	case OPT_STRICT:
		o->strict = 1;
		return REPORT_OK;
	case 'V':
		printf("austinc-report %s\n", PACKAGE_VERSION);
		return -1;
	case OPT_USAGE:
		fputs(USAGE_TEXT, stdout);
		return -1;
	default:
		return usage_error("%s", "bad option");
	}
}

/* getopt's own complaints are off: say which option was wrong. */
static int bad_option(char **argv)
{
	const char *word = argv[optind - 1];
	if (optopt == '?' || (optopt == 0 && strcmp(word, "--help") == 0)) {
		fputs(USAGE_TEXT, stdout);
		fputs(HELP_TEXT, stdout);
		return -1;
	}
	if (optopt && strchr("mto", optopt) && strncmp(word, "--", 2) != 0)
		return usage_error("option '-%s' requires an argument",
		                   (char[]){(char)optopt, 0});
	return usage_error("unknown or incomplete option '%s'", word);
}

/* The before-and-after form of a view, if it has one. */
static diff_fn diff_view(view_fn view)
{
	if (view == view_collapsed)
		return view_diff_collapsed;
	if (view == view_tree)
		return view_diff_tree;
	if (view == view_html)
		return view_diff_html;
	if (view == view_pprof)
		return view_diff_pprof;
	return NULL;
}

static int parse(int argc, char **argv, struct report_options *o)
{
	memset(o, 0, sizeof *o);
	o->view_opts.threshold = VIEW_TREE_THRESHOLD;
	o->view_opts.top = VIEW_TOP_DEFAULT;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, ":m:at:o:V", LONG_OPTIONS, NULL)) !=
	       -1) {
		int rc = c == '?' || c == ':' ? bad_option(argv)
		                              : apply(o, c, optarg);
		if (rc != REPORT_OK)
			return rc;
	}
	o->inputs = argv + optind;
	o->n_inputs = (size_t)(argc - optind);
	if (!o->view)
		set_view(o, view_tree, "--tree", NULL);
	if (o->base && !diff_view(o->view))
		return usage_error("--diff works with --collapsed, --tree, "
		                   "--html or --pprof, not %s",
		                   o->view_name);
	return REPORT_OK;
}

/* Without --metric: time, or memory growth for a memory recording. */
static int choose_metric(struct report_options *o, const struct profile *p)
{
	struct view_options *v = &o->view_opts;
	if (!o->metric_given && p->mode == PROFILE_MEMORY)
		v->metric = METRIC_MEMORY_UP;
	if (profile_has_metric(p, v->metric))
		return REPORT_OK;
	log_error("this recording (mode %s) has no %s metric",
	          profile_meta(p, "mode") ? profile_meta(p, "mode") : "unknown",
	          profile_metric_name(v->metric));
	return REPORT_NO_METRIC;
}

static int write_view(struct report_options *o, const struct profile *base,
                      const struct profile *p)
{
	int to_stdout = !o->output || strcmp(o->output, "-") == 0;
	FILE *out = to_stdout ? stdout : fopen(o->output, "we");
	if (!out) {
		log_error("cannot open %s: %s", o->output, strerror(errno));
		return REPORT_OUTPUT;
	}
	o->view_opts.colour =
	        to_stdout && isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
	int failed = base ? diff_view(o->view)(base, p, &o->view_opts, out)
	                  : o->view(p, &o->view_opts, out);
	int saved = errno;
	int write_error = ferror(out);
	if (fclose(out) != 0)
		write_error = 1;
	if (failed) {
		log_error("%s: %s", o->view_name, strerror(saved));
		return REPORT_INTERNAL;
	}
	if (write_error) {
		log_error("cannot write %s",
		          to_stdout ? "to standard output" : o->output);
		return REPORT_OUTPUT;
	}
	return REPORT_OK;
}

static void warn_cut(void *ctx, const char *path, const struct read_cut *cut,
                     size_t samples)
{
	(void)ctx;
	log_warning("%s: cut short at %s: kept the %zu sample%s before it",
	            path ? path : "standard input", cut->where, samples,
	            samples == 1 ? "" : "s");
}

/* Read the recordings args name (none, or "-": stdin) into p as one;
 * REPORT_OK or REPORT_BAD_INPUT. One cut short is salvaged with one line
 * of warning, unless strict. */
static int read_recordings(struct profile *p, char *const *args, size_t n,
                           int strict)
{
	char err[512];
	struct recordings r = {0};
	profile_init(p);
	int rc = read_many_expand(&r, args, n, err, sizeof err) ||
	                         read_many(p, &r, strict ? NULL : warn_cut,
	                                   NULL, err, sizeof err)
	                 ? REPORT_BAD_INPUT
	                 : REPORT_OK;
	if (rc != REPORT_OK)
		log_error("%s", err);
	read_many_free(&r);
	return rc;
}

/* How a diff names the new side: its one argument, or standard input, or
 * the first of several. */
static const char *inputs_name(const struct report_options *o, char *buf,
                               size_t len)
{
	if (o->n_inputs == 0 ||
	    (o->n_inputs == 1 && strcmp(o->inputs[0], "-") == 0))
		return "standard input";
	if (o->n_inputs == 1)
		return o->inputs[0];
	snprintf(buf, len, "%s and %zu more", o->inputs[0], o->n_inputs - 1);
	return buf;
}

int main(int argc, char **argv)
{
	struct report_options o;
	log_init("austinc-report");
	int rc = parse(argc, argv, &o);
	if (rc != REPORT_OK)
		return rc < 0 ? REPORT_OK : rc;
	static struct profile base, p;
	int diff = o.base != NULL;
	if (diff)
		rc = read_recordings(&base, (char *[]){(char *)o.base}, 1,
		                     o.strict);
	if (rc == REPORT_OK)
		rc = read_recordings(&p, o.inputs, o.n_inputs, o.strict);
	if (rc == REPORT_OK && diff)
		rc = choose_metric(&o, &base);
	if (rc == REPORT_OK)
		rc = choose_metric(&o, &p);
	o.view_opts.base_name = o.base;
	char name[512];
	o.view_opts.new_name = inputs_name(&o, name, sizeof name);
	if (rc == REPORT_OK)
		rc = write_view(&o, diff ? &base : NULL, &p);
	profile_free(&p);
	if (diff)
		profile_free(&base);
	return rc;
}
