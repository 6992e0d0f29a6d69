/* Unit tests of command-line parsing: defaults, units, validation.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include "suites.h"
#include <check.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "duration.h"
#include "options.h"

#define USAGE_LINE "Usage: austinc [OPTION...] command [ARG...]\n"
#define USAGE_LINES                                                            \
	USAGE_LINE                                                             \
	"   or: austinc [OPTION...] -p PID\n"                                  \
	"   or: austinc [OPTION...] --pidfile=FILE|--name=PATTERN\n"           \
	"   or: austinc [-C] -w PID\n"
#define MAX_ARGS 12

/* What one call of options_parse gave. */
struct parsed {
	enum options_result result;
	struct options opts;
	char *argv[MAX_ARGS + 1];
	char *out, *err;
	size_t out_len, err_len;
};

/* Parse a NULL-terminated argument list, capturing out and err. */
static void parse_args(struct parsed *p, const char *const *args)
{
	FILE *out, *err;
	int argc = 0;

	memset(p, 0, sizeof(*p));
	while (args[argc] != NULL && argc < MAX_ARGS) {
		p->argv[argc] = (char *)args[argc];
		argc++;
	}
	out = open_memstream(&p->out, &p->out_len);
	err = open_memstream(&p->err, &p->err_len);
	ck_assert_ptr_nonnull(out);
	ck_assert_ptr_nonnull(err);
	p->result = options_parse(argc, p->argv, &p->opts, out, err);
	fclose(out);
	fclose(err);
}

static void free_parsed(struct parsed *p)
{
	free(p->out);
	free(p->err);
}

#define PARSE(p, ...)                                                          \
	parse_args((p), (const char *const[]){"austinc", __VA_ARGS__, NULL})

static void assert_runs_quietly(const struct parsed *p)
{
	ck_assert_int_eq(p->result, OPTIONS_RUN);
	ck_assert_str_eq(p->out, "");
	ck_assert_str_eq(p->err, "");
}

START_TEST(test_defaults)
{
	struct parsed p;

	PARSE(&p, "python", "app.py");
	assert_runs_quietly(&p);
	ck_assert_uint_eq(p.opts.interval_us, 100);
	ck_assert_uint_eq(p.opts.timeout_us, 3000000);
	ck_assert_uint_eq(p.opts.exposure_us, 0);
	ck_assert_ptr_null(p.opts.output);
	ck_assert_int_eq(p.opts.pid, 0);
	ck_assert(!p.opts.pipe);
	ck_assert_int_eq(p.opts.argc, 2);
	ck_assert_str_eq(p.opts.argv[0], "python");
	ck_assert_str_eq(p.opts.argv[1], "app.py");
	ck_assert_ptr_null(p.opts.argv[2]);
	free_parsed(&p);
}
END_TEST

/* A duration option, its text and the microseconds it must give. */
struct duration_case {
	const char *option;
	const char *text;
	uint64_t us;
};

static const struct duration_case DURATIONS[] = {
        {"-i", "500", 500},
        {"-i", "2ms", 2000},
        {"-i", "1s", 1000000},
        {"-i", "250us", 250},
        {"-i", "1", 1},
        {"-i", "1000000", 1000000},
        {"-i", "1.5ms", 1500},
        {"-i", "0.25s", 250000},
        {"-i", "1.0ms", 1000},
        {"--interval", "750", 750},
        {"-t", "100", 100000},
        {"-t", "2s", 2000000},
        {"-t", "250ms", 250000},
        {"-t", "1.5", 1500},
        {"-t", "0.5s", 500000},
        {"-t", "3600s", 3600000000u},
        {"--timeout", "10", 10000},
        {"-x", "2", 2000000},
        {"-x", "500ms", 500000},
        {"-x", "1.25", 1250000},
        {"-x", "1.5s", 1500000},
        {"-x", "2592000", 2592000000000u},
        {"--exposure", "3", 3000000},
};

static uint64_t duration_of(const struct options *opts, const char *option)
{
	switch (option[option[1] == '-' ? 2 : 1]) {
	case 'i':
		return opts->interval_us;
	case 't':
		return opts->timeout_us;
	default:
		return opts->exposure_us;
	}
}

START_TEST(test_duration_units)
{
	const struct duration_case *c = &DURATIONS[_i];
	struct parsed p;

	PARSE(&p, c->option, c->text, "python");
	assert_runs_quietly(&p);
	ck_assert_msg(duration_of(&p.opts, c->option) == c->us,
	              "%s %s gave %llu us, expected %llu", c->option, c->text,
	              (unsigned long long)duration_of(&p.opts, c->option),
	              (unsigned long long)c->us);
	free_parsed(&p);
}
END_TEST

START_TEST(test_long_forms)
{
	struct parsed p;

	PARSE(&p, "--interval=2ms", "--output=out.txt", "--timeout", "5s",
	      "--exposure=3", "--pipe", "--pid=42");
	assert_runs_quietly(&p);
	ck_assert_uint_eq(p.opts.interval_us, 2000);
	ck_assert_str_eq(p.opts.output, "out.txt");
	ck_assert_uint_eq(p.opts.timeout_us, 5000000);
	ck_assert_uint_eq(p.opts.exposure_us, 3000000);
	ck_assert(p.opts.pipe);
	ck_assert_int_eq(p.opts.pid, 42);
	ck_assert_int_eq(p.opts.argc, 0);
	free_parsed(&p);
}
END_TEST

START_TEST(test_short_forms)
{
	struct parsed p;

	PARSE(&p, "-Pi5ms", "-o", "profile.txt", "-p4242", "-x", "10");
	assert_runs_quietly(&p);
	ck_assert(p.opts.pipe);
	ck_assert_uint_eq(p.opts.interval_us, 5000);
	ck_assert_str_eq(p.opts.output, "profile.txt");
	ck_assert_int_eq(p.opts.pid, 4242);
	ck_assert_uint_eq(p.opts.exposure_us, 10000000);
	free_parsed(&p);
}
END_TEST

START_TEST(test_command_options_untouched)
{
	struct parsed p;

	PARSE(&p, "-i", "1ms", "python", "-i", "script.py", "--help");
	assert_runs_quietly(&p);
	ck_assert_uint_eq(p.opts.interval_us, 1000);
	ck_assert_int_eq(p.opts.argc, 4);
	ck_assert_ptr_eq(p.opts.argv, &p.argv[3]);
	ck_assert_str_eq(p.opts.argv[0], "python");
	ck_assert_str_eq(p.opts.argv[1], "-i");
	ck_assert_str_eq(p.opts.argv[2], "script.py");
	ck_assert_str_eq(p.opts.argv[3], "--help");
	ck_assert_ptr_null(p.opts.argv[4]);
	free_parsed(&p);
}
END_TEST

START_TEST(test_double_dash_ends_options)
{
	struct parsed p;

	PARSE(&p, "-P", "--", "-x", "arg");
	assert_runs_quietly(&p);
	ck_assert_int_eq(p.opts.argc, 2);
	ck_assert_str_eq(p.opts.argv[0], "-x");
	ck_assert_uint_eq(p.opts.exposure_us, 0);
	free_parsed(&p);
}
END_TEST

START_TEST(test_last_value_wins)
{
	struct parsed p;

	PARSE(&p, "-i", "5", "-i", "7ms", "python");
	assert_runs_quietly(&p);
	ck_assert_uint_eq(p.opts.interval_us, 7000);
	free_parsed(&p);
}
END_TEST

/* Parsing many times in one process starts afresh each time. */
START_TEST(test_parse_again)
{
	struct parsed p;

	for (int round = 0; round < 3; round++) {
		PARSE(&p, "-Z", "python");
		ck_assert_int_eq(p.result, OPTIONS_ERROR);
		free_parsed(&p);
		PARSE(&p, "-i", "2ms", "-P", "python", "-i");
		assert_runs_quietly(&p);
		ck_assert_uint_eq(p.opts.interval_us, 2000);
		ck_assert_int_eq(p.opts.argc, 2);
		free_parsed(&p);
		PARSE(&p, "-p", "12", "-x", "1");
		assert_runs_quietly(&p);
		ck_assert_int_eq(p.opts.pid, 12);
		ck_assert(!p.opts.pipe);
		ck_assert_uint_eq(p.opts.interval_us, 100);
		free_parsed(&p);
	}
}
END_TEST

/* Bad arguments and the message each must give. */
struct bad_case {
	const char *args[4];
	const char *message;
};

#define INTERVAL_UNITS "expected a number with an optional unit s, ms or us"
#define OTHER_UNITS    "expected a number with an optional unit s or ms"
#define POSITIVE       "must be greater than zero"
#define NOT_WHOLE      "not a whole number of microseconds"
#define PID_FORMAT     "expected a positive integer"
#define ROTATE_UNITS   "expected a number with an optional unit h, m, s or ms"
#define ROTATE_RANGE   "out of range: must be between 100ms and 30 days"
#define KEEP_RANGE     "expected a number of files from 1 to 1000000"
#define ONE_TARGET     "give one target: a command, -p, --pidfile or --name"
#define PUSH_PARTNERS                                                          \
	"--app, --push-label, --push-auth and --push-tenant need --push"
#define LABEL                                                                  \
	"expected KEY=VALUE, KEY of letters, digits and '_', VALUE also "      \
	"'.:/@-'"
#define FOLLOW_ALONE                                                           \
	"--follow needs --pidfile or --name: it waits for the next process "   \
	"they name"
#define ROTATE_OUTPUT                                                          \
	"--rotate needs -o with strftime fields, such as "                     \
	"-o app-%Y%m%dT%H%M%S.txt: each period gets its own file"
#define KEEP_ALONE                                                             \
	"--keep needs --rotate: it counts the files of the -o pattern"

static const struct bad_case BAD[] = {
        {{"-Z", "python"}, "unknown option '-Z'"},
        {{"--bogus", "python"}, "unknown option '--bogus'"},
        {{"--bogus=1", "python"}, "unknown option '--bogus'"},
        {{"--p", "1"}, "option '--p' is ambiguous"},
        {{"--pipe=yes", "python"}, "option '--pipe' takes no argument"},
        {{"--help=all"}, "option '--help' takes no argument"},
        {{"-i"}, "option '-i' requires an argument"},
        {{"-Pi"}, "option '-i' requires an argument"},
        {{"--interval"}, "option '--interval' requires an argument"},
        {{"-o"}, "option '-o' requires an argument"},
        {{"-P", "--output"}, "option '--output' requires an argument"},
        {{"-p"}, "option '-p' requires an argument"},
        {{"-i", "abc", "python"}, "invalid interval 'abc': " INTERVAL_UNITS},
        {{"-i", "10x", "python"}, "invalid interval '10x': " INTERVAL_UNITS},
        {{"-i", "", "python"}, "invalid interval '': " INTERVAL_UNITS},
        {{"-i", "1.", "python"}, "invalid interval '1.': " INTERVAL_UNITS},
        {{"-i", ".5ms", "python"}, "invalid interval '.5ms': " INTERVAL_UNITS},
        {{"-i", "1e3", "python"}, "invalid interval '1e3': " INTERVAL_UNITS},
        {{"-i", " 5", "python"}, "invalid interval ' 5': " INTERVAL_UNITS},
        {{"-i", "5 ", "python"}, "invalid interval '5 ': " INTERVAL_UNITS},
        {{"-i", "+5", "python"}, "invalid interval '+5': " INTERVAL_UNITS},
        {{"-i", "5mss", "python"}, "invalid interval '5mss': " INTERVAL_UNITS},
        {{"-i", "ms", "python"}, "invalid interval 'ms': " INTERVAL_UNITS},
        {{"-i", "5MS", "python"}, "invalid interval '5MS': " INTERVAL_UNITS},
        {{"-i", "-5", "python"}, "invalid interval '-5': " POSITIVE},
        {{"-i", "0", "python"}, "invalid interval '0': " POSITIVE},
        {{"-i", "0ms", "python"}, "invalid interval '0ms': " POSITIVE},
        {{"-i", "0.0s", "python"}, "invalid interval '0.0s': " POSITIVE},
        {{"-i", "1.5us", "python"}, "invalid interval '1.5us': " NOT_WHOLE},
        {{"-i", "1.5", "python"}, "invalid interval '1.5': " NOT_WHOLE},
        {{"-i", "0.0005ms", "python"},
         "invalid interval '0.0005ms': " NOT_WHOLE},
        {{"-i", "2s", "python"},
         "interval '2s' out of range: must be between 1us and 1s"},
        {{"-i", "1000001", "python"},
         "interval '1000001' out of range: must be between 1us and 1s"},
        {{"-i", "99999999999999999999", "python"},
         "interval '99999999999999999999' out of range"},
        {{"-t", "500us", "python"}, "invalid timeout '500us': " OTHER_UNITS},
        {{"-t", "abc", "python"}, "invalid timeout 'abc': " OTHER_UNITS},
        {{"-t", "0", "python"}, "invalid timeout '0': " POSITIVE},
        {{"-t", "-1s", "python"}, "invalid timeout '-1s': " POSITIVE},
        {{"-t", "0.0001", "python"}, "invalid timeout '0.0001': " NOT_WHOLE},
        {{"-t", "3601s", "python"},
         "timeout '3601s' out of range: must be at most 3600s"},
        {{"-x", "10x", "python"}, "invalid exposure '10x': " OTHER_UNITS},
        {{"-x", "5us", "python"}, "invalid exposure '5us': " OTHER_UNITS},
        {{"-x", "0", "python"}, "invalid exposure '0': " POSITIVE},
        {{"-x", "-5", "python"}, "invalid exposure '-5': " POSITIVE},
        {{"-x", "2592001", "python"},
         "exposure '2592001' out of range: must be at most 30 days"},
        {{"--system=5ms", "python"},
         "system period '5ms' out of range: must be between 10ms and 60s"},
        {{"--system=61s", "python"},
         "system period '61s' out of range: must be between 10ms and 60s"},
        {{"--system=100us", "python"},
         "invalid system period '100us': " OTHER_UNITS},
        {{"--system=", "python"}, "invalid system period '': " OTHER_UNITS},
        {{"--system=0", "python"}, "invalid system period '0': " POSITIVE},
        {{"--system=0.0001", "python"},
         "invalid system period '0.0001': " NOT_WHOLE},
        {{"--s", "python"}, "option '--s' is ambiguous"},
        {{"-w", "42", "--system"}, "cannot combine -w/--where and --system"},
        {{"-p", "abc"}, "invalid PID 'abc': " PID_FORMAT},
        {{"-p", "0"}, "invalid PID '0': " PID_FORMAT},
        {{"-p", "-1"}, "invalid PID '-1': " PID_FORMAT},
        {{"-p", "12x"}, "invalid PID '12x': " PID_FORMAT},
        {{"-p", ""}, "invalid PID '': " PID_FORMAT},
        {{"-p", "+12"}, "invalid PID '+12': " PID_FORMAT},
        {{"-p", "2147483648"}, "invalid PID '2147483648': " PID_FORMAT},
        {{"-p", "99999999999999999999"},
         "invalid PID '99999999999999999999': " PID_FORMAT},
        {{"-o", "", "python"}, "the output file name is empty"},
        {{"-p", "42", "python"}, "-p and a command are mutually exclusive"},
        {{"-p", "42", "--", "python"},
         "-p and a command are mutually exclusive"},
        {{"-w"}, "option '-w' requires an argument"},
        {{"-w", "abc"}, "invalid PID 'abc': " PID_FORMAT},
        {{"--folded=bogus", "python"},
         "invalid --folded metric 'bogus': expected time, memory+ or "
         "memory-"},
        {{"--folded", "-b", "python"},
         "cannot combine --folded and -b/--binary"},
        {{"--system", "--folded", "python"},
         "cannot combine --folded and --system"},
        {{"-m", "--folded=time", "python"},
         "--folded=time and -m/--memory: -m records no time"},
        {{"--folded=memory+", "python"},
         "--folded=memory+ and memory- need -m or -f"},
        {{"-s", "--folded=memory-", "python"},
         "--folded=memory+ and memory- need -m or -f"},
        {{"-w", "42", "python"}, "cannot combine -w/--where and a command"},
        {{"-w", "42", "-p", "43"}, "cannot combine -w/--where and a command"},
        {{"--follow", "python"}, FOLLOW_ALONE},
        {{"--follow", "-p", "42"}, FOLLOW_ALONE},
        {{"--rotate=1h", "python"}, ROTATE_OUTPUT},
        {{"--rotate=1h", "-o", "out.txt", "python"}, ROTATE_OUTPUT},
        {{"--rotate=1h", "-oout-%%.txt", "python"}, ROTATE_OUTPUT},
        {{"--rotate=1h", "-oout-%", "python"}, ROTATE_OUTPUT},
        {{"--keep=3", "-oa-%H.txt", "python"}, KEEP_ALONE},
        {{"--keep=0", "python"}, "invalid --keep '0': " KEEP_RANGE},
        {{"--keep=abc", "python"}, "invalid --keep 'abc': " KEEP_RANGE},
        {{"--keep=3x", "python"}, "invalid --keep '3x': " KEEP_RANGE},
        {{"--keep=-1", "python"}, "invalid --keep '-1': " KEEP_RANGE},
        {{"--keep=", "python"}, "invalid --keep '': " KEEP_RANGE},
        {{"--keep=1000001", "python"}, "invalid --keep '1000001': " KEEP_RANGE},
        {{"--keep"}, "option '--keep' requires an argument"},
        {{"--rotate"}, "option '--rotate' requires an argument"},
        {{"--rotate=50ms", "python"}, "rotation period '50ms' " ROTATE_RANGE},
        {{"--rotate=99ms", "python"}, "rotation period '99ms' " ROTATE_RANGE},
        {{"--rotate=0.09", "python"}, "rotation period '0.09' " ROTATE_RANGE},
        {{"--rotate=721h", "python"}, "rotation period '721h' " ROTATE_RANGE},
        {{"--rotate=2592001", "python"},
         "rotation period '2592001' " ROTATE_RANGE},
        {{"--rotate=43201m", "python"},
         "rotation period '43201m' " ROTATE_RANGE},
        {{"--rotate=abc", "python"},
         "invalid rotation period 'abc': " ROTATE_UNITS},
        {{"--rotate=1d", "python"},
         "invalid rotation period '1d': " ROTATE_UNITS},
        {{"--rotate=500us", "python"},
         "invalid rotation period '500us': " ROTATE_UNITS},
        {{"--rotate=1H", "python"},
         "invalid rotation period '1H': " ROTATE_UNITS},
        {{"--rotate=0", "python"}, "invalid rotation period '0': " POSITIVE},
        {{"--rotate=-1h", "python"},
         "invalid rotation period '-1h': " POSITIVE},
        /* A ten-billionth of an hour is 0.36 us. */
        {{"--rotate=1.0000000001h", "python"},
         "invalid rotation period '1.0000000001h': " NOT_WHOLE},
        {{"--push=http://h", "--rotate=1s", "python"},
         "--push needs --app=NAME: the application the server files the "
         "profiles under"},
        {{"--push=http://h", "--app=a", "python"},
         "--push needs --rotate=PERIOD: a profile is pushed at the end of "
         "each period"},
        {{"--push=ftp://h", "python"},
         "invalid --push 'ftp://h': expected an http:// or https:// URL"},
        {{"--app=a", "python"}, PUSH_PARTNERS},
        {{"--push-tenant=t", "python"}, PUSH_PARTNERS},
        {{"--push-auth=f", "python"}, PUSH_PARTNERS},
        {{"--push-label=a=b", "python"}, PUSH_PARTNERS},
        {{"--app=a b", "python"},
         "invalid --app 'a b': expected letters, digits and '_.-'"},
        {{"--push-tenant=a/b", "python"},
         "invalid --push-tenant 'a/b': expected letters, digits and '_.-'"},
        {{"--push-label=a", "python"}, "invalid --push-label 'a': " LABEL},
        {{"--push-label==b", "python"}, "invalid --push-label '=b': " LABEL},
        {{"--push-label=1a=b", "python"},
         "invalid --push-label '1a=b': " LABEL},
        {{"--push-label=a=b,c=d", "python"},
         "invalid --push-label 'a=b,c=d': " LABEL},
        {{"--push-label=a=", "python"}, "invalid --push-label 'a=': " LABEL},
        {{"--push=http://h", "--app=a", "--rotate=1s", "-ox.txt"},
         ROTATE_OUTPUT},
        {{"--pidfile=a.pid", "--name=app"}, ONE_TARGET},
        {{"--pidfile=a.pid", "-p", "42"}, ONE_TARGET},
        {{"--pidfile=a.pid", "python"}, ONE_TARGET},
        {{"--name=app", "-p", "42"}, ONE_TARGET},
        {{"--name=app", "python", "app.py"}, ONE_TARGET},
        {{"--pidfile="}, "the pidfile name is empty"},
        {{"--pidfile"}, "option '--pidfile' requires an argument"},
        {{"--name="}, "the --name pattern is empty"},
        {{"-w", "42", "--pidfile=a.pid"},
         "cannot combine -w/--where and --pidfile, --name or --rotate"},
        {{"-w", "42", "--name=app"},
         "cannot combine -w/--where and --pidfile, --name or --rotate"},
        {{"-w", "42", "--rotate=1h"},
         "cannot combine -w/--where and --pidfile, --name or --rotate"},
        {{"--follow=yes", "--name=app"}, "option '--follow' takes no argument"},
        {{"--fo", "--name=app"}, "option '--fo' is ambiguous"},
        {{NULL}, "no command to launch and no -p PID given"},
        {{"-i", "5ms"}, "no command to launch and no -p PID given"},
        {{"-P", "--"}, "no command to launch and no -p PID given"},
};

START_TEST(test_bad_input)
{
	const struct bad_case *c = &BAD[_i];
	const char *args[6] = {"austinc"};
	char expected[256];
	struct parsed p;

	for (int i = 0; i < 4 && c->args[i] != NULL; i++)
		args[i + 1] = c->args[i];
	parse_args(&p, args);
	ck_assert_int_eq(p.result, OPTIONS_ERROR);
	ck_assert_str_eq(p.out, "");
	snprintf(expected, sizeof(expected), "austinc: %s", c->message);
	ck_assert_msg(strncmp(p.err, expected, strlen(expected)) == 0,
	              "expected '%s', got '%s'", expected, p.err);
	ck_assert_ptr_nonnull(strstr(p.err, "\n" USAGE_LINES));
	free_parsed(&p);
}
END_TEST

/* Whole first lines of the messages the brief gives as examples. */
START_TEST(test_example_messages)
{
	struct parsed p;

	PARSE(&p, "-i", "10x", "python");
	ck_assert_str_eq(
	        p.err,
	        "austinc: invalid interval '10x': expected a "
	        "number with an optional unit s, ms or us\n" USAGE_LINES);
	free_parsed(&p);
	PARSE(&p, "-p", "42", "python");
	ck_assert_str_eq(p.err, "austinc: -p and a command are mutually "
	                        "exclusive\n" USAGE_LINES);
	free_parsed(&p);
	parse_args(&p, (const char *const[]){"austinc", NULL});
	ck_assert_str_eq(p.err, "austinc: no command to launch and no -p PID "
	                        "given\n" USAGE_LINES);
	free_parsed(&p);
}
END_TEST

static void assert_full_help(const struct parsed *p)
{
	static const char *const needles[] = {
	        USAGE_LINES,
	        "-i, --interval=TIME",
	        "-o, --output=FILE",
	        "-p, --pid=PID",
	        "-t, --timeout=TIME",
	        "-x, --exposure=TIME",
	        "-P, --pipe",
	        "-m, --memory",
	        "-f, --full",
	        "-s, --sleepless",
	        "-g, --gc",
	        "-C, --children",
	        "-w, --where=PID",
	        "-z, --gzip",
	        "-b, --binary",
	        "--system[=PERIOD]",
	        "10ms to 60s",
	        "austinc -w 4242\n",
	        "-V, --version",
	        "-?, --help",
	        "--usage",
	        "1us to 1s",
	        "Examples:\n",
	        "austinc -i 500 -o profile.txt python app.py\n",
	        "austinc -p 4242 -x 10\n",
	        "austinc --folded python app.py | flamegraph.pl > app.svg\n",
	        "--folded[=METRIC]",
	        "Exit status:\n",
	        "  126 ",
	        "  127 ",
	        "128+N",
	        "--pidfile=FILE",
	        "--name=PATTERN",
	        "--follow",
	        "--rotate=PERIOD",
	        "--keep=N",
	        "100ms to 30 days",
	};

	ck_assert_int_eq(p->result, OPTIONS_DONE);
	ck_assert_str_eq(p->err, "");
	ck_assert_int_eq(strncmp(p->out, USAGE_LINES, strlen(USAGE_LINES)), 0);
	for (size_t i = 0; i < sizeof(needles) / sizeof(*needles); i++)
		ck_assert_msg(strstr(p->out, needles[i]) != NULL,
		              "help lacks '%s'", needles[i]);
	for (int status = 0; status <= 7; status++) {
		char line[16];

		snprintf(line, sizeof(line), "\n  %d ", status);
		if (status != 1)
			ck_assert_msg(strstr(p->out, line) != NULL,
			              "help lacks exit status %d", status);
	}
}

static void assert_lines_fit(const char *text, size_t columns)
{
	for (const char *line = text; *line != '\0';) {
		const char *end = strchr(line, '\n');

		ck_assert_ptr_nonnull(end);
		ck_assert_msg((size_t)(end - line) <= columns,
		              "line too long: %.*s", (int)(end - line), line);
		line = end + 1;
	}
}

START_TEST(test_help)
{
	static const char *const forms[] = {"-?", "--help", "--he"};
	struct parsed p;

	for (size_t i = 0; i < sizeof(forms) / sizeof(*forms); i++) {
		PARSE(&p, forms[i]);
		assert_full_help(&p);
		assert_lines_fit(p.out, 79);
		free_parsed(&p);
	}
	PARSE(&p, "-i", "5", "--help", "-Z");
	assert_full_help(&p);
	free_parsed(&p);
}
END_TEST

START_TEST(test_usage)
{
	struct parsed p;

	PARSE(&p, "--usage");
	ck_assert_int_eq(p.result, OPTIONS_DONE);
	ck_assert_str_eq(p.out, USAGE_LINES);
	ck_assert_str_eq(p.err, "");
	free_parsed(&p);
}
END_TEST

START_TEST(test_version)
{
	static const char *const forms[] = {"-V", "--version"};
	struct parsed p;

	for (size_t i = 0; i < sizeof(forms) / sizeof(*forms); i++) {
		PARSE(&p, forms[i], "python");
		ck_assert_int_eq(p.result, OPTIONS_DONE);
#ifdef PACKAGE_VERSION
		ck_assert_str_eq(p.out, "austinc " PACKAGE_VERSION "\n");
#else
		ck_assert_str_eq(p.out, "austinc 0.1.0\n");
#endif
		ck_assert_str_eq(p.err, "");
		free_parsed(&p);
	}
}
END_TEST

START_TEST(test_mode_flags)
{
	struct parsed p;

	PARSE(&p, "-m", "-g", "-C", "python");
	assert_runs_quietly(&p);
	ck_assert(p.opts.memory && p.opts.gc && p.opts.children);
	ck_assert(!p.opts.full && !p.opts.sleepless);
	free_parsed(&p);
	PARSE(&p, "--full", "-z", "-b", "python");
	assert_runs_quietly(&p);
	ck_assert(p.opts.full && !p.opts.sleepless && !p.opts.memory);
	ck_assert(p.opts.gzip && p.opts.binary);
	ck_assert_int_eq(p.opts.folded, FOLDED_NONE);
	free_parsed(&p);
	PARSE(&p, "-C", "--where=42");
	assert_runs_quietly(&p);
	ck_assert_int_eq(p.opts.where_pid, 42);
	ck_assert_int_eq(p.opts.pid, 0);
	ck_assert(p.opts.children);
	free_parsed(&p);
}
END_TEST

/* Austin's users' commands run as in Austin: -f makes -m and -s
 * redundant, -m makes -s meaningless; each is one note, never an error. */
START_TEST(test_austin_mode_combinations)
{
	struct parsed p;

	PARSE(&p, "-s", "-i", "500", "-o", "austin.profile", "-f", "-m",
	      "python", "app.py");
	ck_assert_int_eq(p.result, OPTIONS_RUN);
	ck_assert(p.opts.full && !p.opts.memory && !p.opts.sleepless);
	ck_assert_str_eq(p.err,
	                 "austinc: note: -m/--memory is redundant with "
	                 "-f/--full, which records memory too\n"
	                 "austinc: note: -s/--sleepless has no effect with "
	                 "-f/--full, which marks idle samples instead\n");
	free_parsed(&p);
	PARSE(&p, "-m", "-s", "python");
	ck_assert_int_eq(p.result, OPTIONS_RUN);
	ck_assert(p.opts.memory && !p.opts.full && !p.opts.sleepless);
	ck_assert_str_eq(p.err, "austinc: note: -s/--sleepless has no effect "
	                        "with -m/--memory: memory is charged idle or "
	                        "not\n");
	free_parsed(&p);
	PARSE(&p, "-f", "-f", "python");
	assert_runs_quietly(&p);
	free_parsed(&p);
}
END_TEST

/* --folded alone takes the mode's own metric. */
START_TEST(test_folded_metric)
{
	static const struct {
		const char *args[3];
		enum folded_metric metric;
	} cases[] = {
	        {{"--folded"}, FOLDED_TIME},
	        {{"-s", "--folded"}, FOLDED_TIME},
	        {{"-m", "--folded"}, FOLDED_GROWTH},
	        {{"--folded", "-m"}, FOLDED_GROWTH},
	        {{"-f", "--folded"}, FOLDED_TIME},
	        {{"-f", "-m", "--folded"}, FOLDED_TIME},
	        {{"-f", "--folded=memory-"}, FOLDED_RELEASE},
	        {{"-m", "--folded=memory-"}, FOLDED_RELEASE},
	        {{"--folded=time"}, FOLDED_TIME},
	        {{"-f", "--folded=memory+"}, FOLDED_GROWTH},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const char *argv[6] = {"austinc"};
		size_t n = 1;
		for (size_t j = 0; j < 3 && cases[i].args[j]; j++)
			argv[n++] = cases[i].args[j];
		argv[n] = "python";
		struct parsed p;
		parse_args(&p, argv);
		ck_assert_msg(p.result == OPTIONS_RUN, "case %zu: %s", i,
		              p.err);
		ck_assert_int_eq(p.opts.folded, cases[i].metric);
		free_parsed(&p);
	}
}
END_TEST

/* --system takes its period only after '=': a separate word is the
 * command. */
START_TEST(test_system_period)
{
	static const struct {
		const char *option;
		uint64_t us;
	} cases[] = {
	        {"--system", 100000},     {"--system=50ms", 50000},
	        {"--system=20", 20000},   {"--system=1.5s", 1500000},
	        {"--system=10ms", 10000}, {"--system=60s", 60000000},
	        {"--sys=0.25s", 250000},  {"--system=0.01s", 10000},
	};
	struct parsed p;

	PARSE(&p, "python");
	ck_assert_uint_eq(p.opts.system_us, 0);
	free_parsed(&p);
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		PARSE(&p, cases[i].option, "-f", "python");
		assert_runs_quietly(&p);
		ck_assert_msg(p.opts.system_us == cases[i].us,
		              "%s gave %llu us", cases[i].option,
		              (unsigned long long)p.opts.system_us);
		ck_assert(p.opts.full);
		free_parsed(&p);
	}
	PARSE(&p, "--system", "50ms", "python");
	assert_runs_quietly(&p);
	ck_assert_uint_eq(p.opts.system_us, 100000);
	ck_assert_int_eq(p.opts.argc, 2);
	ck_assert_str_eq(p.opts.argv[0], "50ms");
	free_parsed(&p);
}
END_TEST

START_TEST(test_service_defaults)
{
	struct parsed p;

	PARSE(&p, "python");
	ck_assert_ptr_null(p.opts.pidfile);
	ck_assert_ptr_null(p.opts.name);
	ck_assert(!p.opts.follow);
	ck_assert_uint_eq(p.opts.rotate_us, 0);
	ck_assert_uint_eq(p.opts.keep, 0);
	free_parsed(&p);
}
END_TEST

/* --pidfile and --name are targets on their own, no command or -p. */
START_TEST(test_service_targets)
{
	struct parsed p;

	PARSE(&p, "--pidfile=app.pid", "--follow");
	assert_runs_quietly(&p);
	ck_assert_str_eq(p.opts.pidfile, "app.pid");
	ck_assert_ptr_null(p.opts.name);
	ck_assert(p.opts.follow);
	ck_assert_int_eq(p.opts.pid, 0);
	ck_assert_int_eq(p.opts.argc, 0);
	free_parsed(&p);
	PARSE(&p, "--pidfile", "/run/app.pid");
	assert_runs_quietly(&p);
	ck_assert_str_eq(p.opts.pidfile, "/run/app.pid");
	ck_assert(!p.opts.follow);
	free_parsed(&p);
	PARSE(&p, "--name=gunicorn: master", "-C");
	assert_runs_quietly(&p);
	ck_assert_str_eq(p.opts.name, "gunicorn: master");
	ck_assert_ptr_null(p.opts.pidfile);
	ck_assert(p.opts.children && !p.opts.follow);
	free_parsed(&p);
	PARSE(&p, "--name", "^python app\\.py$", "--follow", "-x", "10");
	assert_runs_quietly(&p);
	ck_assert_str_eq(p.opts.name, "^python app\\.py$");
	ck_assert(p.opts.follow);
	ck_assert_uint_eq(p.opts.exposure_us, 10000000);
	free_parsed(&p);
}
END_TEST

/* --rotate's units and bare seconds, within 100ms and 30 days. */
static const struct duration_case ROTATIONS[] = {
        {"--rotate", "1h", 3600 * US_PER_S},
        {"--rotate", "30m", 1800 * US_PER_S},
        {"--rotate", "10s", 10 * US_PER_S},
        {"--rotate", "1s", US_PER_S},
        {"--rotate", "500ms", 500 * US_PER_MS},
        {"--rotate", "2", 2 * US_PER_S},
        {"--rotate", "0.5", 500 * US_PER_MS},
        {"--rotate", "1.5s", 1500 * US_PER_MS},
        {"--rotate", "1.0h", 3600 * US_PER_S},
        {"--rotate", "1.5h", 5400 * US_PER_S},
        {"--rotate", "0.25m", 15 * US_PER_S},
        {"--rotate", "0.0001h", 360 * US_PER_MS},
        {"--rotate", "100ms", 100 * US_PER_MS},
        {"--rotate", "0.1", 100 * US_PER_MS},
        {"--rotate", "720h", 2592000 * US_PER_S},
        {"--rotate", "43200m", 2592000 * US_PER_S},
        {"--rotate", "2592000", 2592000 * US_PER_S},
};

START_TEST(test_rotate_period)
{
	const struct duration_case *c = &ROTATIONS[_i];
	char option[32];
	struct parsed p;

	snprintf(option, sizeof option, "%s=%s", c->option, c->text);
	PARSE(&p, option, "-o", "app-%Y%m%dT%H%M%S.txt", "python");
	assert_runs_quietly(&p);
	ck_assert_msg(p.opts.rotate_us == c->us, "%s gave %llu us", option,
	              (unsigned long long)p.opts.rotate_us);
	ck_assert_uint_eq(p.opts.keep, 0);
	free_parsed(&p);
}
END_TEST

/* --push and its partners; -o is not needed (push.c makes its own). */
START_TEST(test_push_options)
{
	struct parsed p;

	PARSE(&p, "--push=https://pyroscope:4040", "--app=shop.web",
	      "--push-label=env=prod", "--push-label=region=eu-1",
	      "--push-auth=/etc/austinc/token", "--push-tenant=team-1",
	      "--rotate=10s", "--name", "gunicorn");
	assert_runs_quietly(&p);
	ck_assert_str_eq(p.opts.push_url, "https://pyroscope:4040");
	ck_assert_str_eq(p.opts.push_app, "shop.web");
	ck_assert_uint_eq(p.opts.n_push_labels, 2);
	ck_assert_str_eq(p.opts.push_labels[1], "region=eu-1");
	ck_assert_str_eq(p.opts.push_auth, "/etc/austinc/token");
	ck_assert_str_eq(p.opts.push_tenant, "team-1");
	ck_assert_ptr_null(p.opts.output);
	ck_assert(!p.opts.push_private);
	free_parsed(&p);
}
END_TEST

/* The service example of the help, and --keep's bounds. */
START_TEST(test_rotate_and_keep)
{
	struct parsed p;

	PARSE(&p, "--name", "gunicorn: master", "-C", "--follow", "--rotate",
	      "1h", "--keep", "24", "-b", "-o", "/var/lib/app-%H.mojo.gz");
	assert_runs_quietly(&p);
	ck_assert_uint_eq(p.opts.rotate_us, 3600 * US_PER_S);
	ck_assert_uint_eq(p.opts.keep, 24);
	ck_assert(p.opts.follow && p.opts.children && p.opts.binary);
	free_parsed(&p);
	PARSE(&p, "--rotate=10s", "--keep=3", "-o", "a-%S.txt", "-p", "42");
	assert_runs_quietly(&p);
	ck_assert_uint_eq(p.opts.keep, 3);
	ck_assert_int_eq(p.opts.pid, 42);
	free_parsed(&p);
	PARSE(&p, "--rotate=1m", "--keep=1000000", "-oa%%-%M", "python");
	assert_runs_quietly(&p);
	ck_assert_uint_eq(p.opts.keep, 1000000);
	ck_assert_uint_eq(p.opts.rotate_us, 60 * US_PER_S);
	free_parsed(&p);
}
END_TEST

START_TEST(test_parse_duration)
{
	uint64_t us = 12345;

	ck_assert_int_eq(duration_parse("1.5", 1000, &us), 0);
	ck_assert_uint_eq(us, 1500);
	ck_assert_int_eq(duration_parse("2", 1000000, &us), 0);
	ck_assert_uint_eq(us, 2000000);
	ck_assert_int_eq(duration_parse("7us", 1000000, &us), 0);
	ck_assert_uint_eq(us, 7);
	ck_assert_int_eq(duration_parse("0.000001s", 1, &us), 0);
	ck_assert_uint_eq(us, 1);
	ck_assert_int_eq(duration_parse("0.0000010s", 1, &us), 0);
	ck_assert_uint_eq(us, 1);
	ck_assert_int_eq(duration_parse("18446744073709551615", 1, &us), 0);
	ck_assert_uint_eq(us, UINT64_MAX);
	us = 12345;
	ck_assert_int_eq(duration_parse("18446744073709551616", 1, &us), -1);
	ck_assert_int_eq(duration_parse("18446744073710s", 1, &us), -1);
	ck_assert_int_eq(duration_parse("0.0000001s", 1, &us), -1);
	ck_assert_int_eq(duration_parse("1.0us", 1, &us), -1);
	ck_assert_int_eq(duration_parse("1.5", 1, &us), -1);
	ck_assert_int_eq(duration_parse("-1", 1, &us), -1);
	ck_assert_int_eq(duration_parse("0", 1000, &us), -1);
	ck_assert_int_eq(duration_parse("", 1, &us), -1);
	ck_assert_int_eq(duration_parse("--1", 1, &us), -1);
	ck_assert_int_eq(duration_parse(NULL, 1, &us), -1);
	ck_assert_uint_eq(us, 12345); /* untouched on failure */
}
END_TEST

Suite *options_suite(void)
{
	Suite *s = suite_create("options");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_defaults);
	tcase_add_loop_test(tc, test_duration_units, 0,
	                    sizeof(DURATIONS) / sizeof(*DURATIONS));
	tcase_add_test(tc, test_long_forms);
	tcase_add_test(tc, test_short_forms);
	tcase_add_test(tc, test_command_options_untouched);
	tcase_add_test(tc, test_double_dash_ends_options);
	tcase_add_test(tc, test_last_value_wins);
	tcase_add_test(tc, test_parse_again);
	tcase_add_loop_test(tc, test_bad_input, 0, sizeof(BAD) / sizeof(*BAD));
	tcase_add_test(tc, test_example_messages);
	tcase_add_test(tc, test_help);
	tcase_add_test(tc, test_usage);
	tcase_add_test(tc, test_version);
	tcase_add_test(tc, test_mode_flags);
	tcase_add_test(tc, test_austin_mode_combinations);
	tcase_add_test(tc, test_folded_metric);
	tcase_add_test(tc, test_parse_duration);
	tcase_add_test(tc, test_system_period);
	tcase_add_test(tc, test_service_defaults);
	tcase_add_test(tc, test_service_targets);
	tcase_add_loop_test(tc, test_rotate_period, 0,
	                    sizeof(ROTATIONS) / sizeof(*ROTATIONS));
	tcase_add_test(tc, test_rotate_and_keep);
	tcase_add_test(tc, test_push_options);
	suite_add_tcase(s, tc);
	return s;
}
