"""Functional tests for austinc: shared machinery (conftest.py holds the hooks).

* Interpreter discovery: every pyenv version under $PYENV_ROOT/versions
  (default /root/.pyenv), Debian's /usr/bin/python3, and the colon-separated
  paths in $AUSTINC_TEST_PYTHONS. Each is run once to learn its version and
  shape (libpython shared library, or the runtime inside the executable).
  Tests that take the ``python`` fixture are parametrised over all of them;
  versions austinc does not support yet are expected failures, never skips.
* ``run_austinc``: run the binary ($AUSTINC, default ../../austinc from this
  directory) with a timeout, always, and parse what it wrote.
* ``parse_output``: collapsed-stack text -> samples and metadata; raises on
  any line that is neither metadata, blank, nor a valid sample.
* ``expected_lines``: line numbers of the ``# LINE:<tag>`` markers in the
  target programs, so no test hard-codes a line number.
* ``decode_mojo`` / ``MojoReader``: MOJO recordings decoded here, from the
  format as src/emit/mojo.h describes it, to check austinc-report against.
"""

import collections
import glob
import os
import re
import shutil
import signal
import subprocess
import sys
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
TARGETS = os.path.join(HERE, "targets")

# The source tree may be read-only (make distcheck): never write bytecode,
# neither here nor in any interpreter the tests start.
os.environ["PYTHONDONTWRITEBYTECODE"] = "1"
sys.dont_write_bytecode = True

AUSTINC = os.path.abspath(
    os.environ.get("AUSTINC") or os.path.join(HERE, "..", "..", "austinc")
)
AUSTINC_REPORT = os.path.abspath(
    os.environ.get("AUSTINC_REPORT")
    or os.path.join(os.path.dirname(AUSTINC), "austinc-report")
)

PYENV_ROOT = os.environ.get("PYENV_ROOT") or "/root/.pyenv"
SYSTEM_PYTHON = "/usr/bin/python3"

SUPPORTED = {(2, 7), (3, 6), (3, 7), (3, 8), (3, 9), (3, 10), (3, 11), (3, 12),
             (3, 13)}
UNSUPPORTED_ISSUE = 7  # the issue that brought 2.7, 3.6, 3.7 and 3.14+
# From 3.13 on the target describes itself (_Py_DebugOffsets): any newer
# CPython (say from AUSTINC_TEST_PYTHONS) is expected to work.
FIRST_SELF_DESCRIBING = (3, 13)

# Every child process gets at most this long unless a test says otherwise.
DEFAULT_TIMEOUT = 60.0


# --------------------------------------------------------------------------
# Interpreters
# --------------------------------------------------------------------------

_PROBE = r"""
import platform, sys
shape = "static"
try:
    f = open("/proc/self/maps")
    for line in f:
        if "libpython" in line:
            shape = "shared"
            break
    f.close()
except Exception:
    shape = "unknown"
print("%d.%d.%d %s %s" % (sys.version_info[0], sys.version_info[1],
                          sys.version_info[2], platform.python_implementation(),
                          shape))
"""


class Interpreter(object):
    def __init__(self, path, origin, label, pyenv_version=None):
        self.path = path
        self.origin = origin  # "pyenv", "debian", "system" or "extra"
        self.label = label
        self.pyenv_version = pyenv_version
        self.version = None  # (major, minor, micro)
        self.implementation = None
        self.shape = None  # "shared" (libpython) or "static" (in executable)
        self.error = None
        self.id = None

    @property
    def version_str(self):
        return ".".join(str(v) for v in self.version) if self.version else "?"

    @property
    def minor(self):
        return self.version[:2]

    @property
    def supported(self):
        return self.implementation == "CPython" and (
            self.minor in SUPPORTED or self.minor >= FIRST_SELF_DESCRIBING)

    @property
    def unsupported_reason(self):
        if self.implementation != "CPython":
            return "%s is not CPython" % self.implementation
        return "CPython %d.%d not supported yet (issue %d)" % (
            self.minor + (UNSUPPORTED_ISSUE,)
        )

    @property
    def shape_str(self):
        return {
            "shared": "shared libpython",
            "static": "static (runtime in executable)",
        }.get(self.shape, self.shape or "?")

    def probe(self):
        try:
            out = subprocess.run(
                [self.path, "-c", _PROBE],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                timeout=20,
                check=True,
                universal_newlines=True,
            ).stdout.split()
            self.version = tuple(int(v) for v in out[0].split("."))
            self.implementation = out[1]
            self.shape = out[2]
        except Exception as exc:  # broken or missing interpreter
            self.error = "%s: %s" % (type(exc).__name__, exc)
        return self

    def __repr__(self):
        return "Interpreter(%s, %s)" % (self.id, self.path)


def _candidates():
    for d in sorted(glob.glob(os.path.join(PYENV_ROOT, "versions", "*"))):
        name = os.path.basename(d)
        for exe in ("python3", "python2.7", "python2", "python"):
            path = os.path.join(d, "bin", exe)
            if os.access(path, os.X_OK):
                yield path, "pyenv", "pyenv", name
                break
    if os.access(SYSTEM_PYTHON, os.X_OK):
        origin = "debian" if os.path.exists("/etc/debian_version") else "system"
        yield SYSTEM_PYTHON, origin, origin, None
    for path in os.environ.get("AUSTINC_TEST_PYTHONS", "").split(":"):
        if path:
            yield path, "extra", "extra", None


def _version_key(interp):
    return (interp.version or (0,), interp.origin, interp.path)


def discover_interpreters():
    seen = set()
    found, broken = [], []
    for path, origin, label, pyenv_version in _candidates():
        key = os.path.realpath(path)
        if key in seen:
            continue
        seen.add(key)
        interp = Interpreter(path, origin, label, pyenv_version).probe()
        (broken if interp.error else found).append(interp)
    found.sort(key=_version_key)
    ids = collections.Counter()
    for interp in found:
        base = "py%s-%s" % (interp.version_str, interp.label)
        ids[base] += 1
        interp.id = base if ids[base] == 1 else "%s%d" % (base, ids[base])
    return found, broken


INTERPRETERS, BROKEN_INTERPRETERS = discover_interpreters()
SUPPORTED_INTERPRETERS = [i for i in INTERPRETERS if i.supported]


def default_interpreter():
    """A supported interpreter for tests that need one but run once."""
    for interp in SUPPORTED_INTERPRETERS:
        if interp.path == SYSTEM_PYTHON:
            return interp
    return SUPPORTED_INTERPRETERS[-1] if SUPPORTED_INTERPRETERS else None


# --------------------------------------------------------------------------
# Output parsing
# --------------------------------------------------------------------------

# flamegraph.pl's rule for a stack line: everything up to the last run of
# whitespace, then a count.
FLAMEGRAPH_STACK_RE = re.compile(r"^(.*)\s+?(\d+(?:\.\d*)?)$")



def flamegraph_counts(text, columns=1):
    """Read TEXT the way flamegraph.pl does and fail on any line it would
    ignore ("Ignored N lines with invalid format") or on no count at all
    ("No stack counts found"). Returns {stack: count}, summed over lines as
    flamegraph.pl sums them, or with columns=2 (a differential: "stack base
    new") {stack: (base, new)}, where each stack must appear once."""
    counts = collections.Counter() if columns == 1 else {}
    for lineno, line in enumerate(text.splitlines(), 1):
        values = []
        stack = line
        for _ in range(columns):
            m = FLAMEGRAPH_STACK_RE.match(stack)
            assert m, "flamegraph.pl would ignore line %d: %r" % (lineno, line)
            stack, value = m.group(1), m.group(2)
            values.insert(0, int(value))
        if columns == 1:
            counts[stack] += values[0]
            continue
        assert stack not in counts, "stack written twice: %r" % line
        counts[stack] = tuple(values)
    total = sum(v if columns == 1 else sum(v) for v in counts.values())
    assert total > 0, "flamegraph.pl: no stack counts found in %r" % text[:400]
    return counts


def real_flamegraph():
    """flamegraph.pl itself, when FLAMEGRAPH_PL names it or it is on PATH."""
    path = os.environ.get("FLAMEGRAPH_PL") or shutil.which("flamegraph.pl")
    return path if path and os.path.exists(path) else None


def check_with_flamegraph(text, *functions):
    """When flamegraph.pl is here, draw TEXT with it: no warning, and each
    of FUNCTIONS in the picture. Without it, flamegraph_counts has already
    applied its line rule."""
    tool = real_flamegraph()
    if tool is None:
        return
    proc = subprocess.run(["perl", tool, "--countname", "us"], input=text.encode(),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    warnings = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode == 0 and not warnings.strip(), (
        "flamegraph.pl complained: %s" % warnings)
    svg = proc.stdout.decode("utf-8", "replace")
    for func in functions:
        assert func in svg, "flamegraph.pl drew no %s" % func


SAMPLE_RE = re.compile(r"^P(\d+);T(\d+):(\d+)((?:;[^;]*)*) (-?\d+(?:,-?\d+)*)$")
META_RE = re.compile(r"^# ([^:]+): (.*)$")


class Frame(collections.namedtuple("Frame", "file func line")):
    """One frame; line is an int, or None for :INVALID: and :GC:."""

    @property
    def invalid(self):
        return self.file == "" and self.func == "INVALID"

    def __str__(self):
        if self.line is None:
            return "%s:%s:" % (self.file, self.func)
        return "%s:%s:%d" % (self.file, self.func, self.line)


class Sample(object):
    __slots__ = ("pid", "iid", "tid", "frames", "metrics", "lineno", "text")

    def __init__(self, pid, iid, tid, frames, metrics, lineno, text):
        self.pid = pid
        self.iid = iid
        self.tid = tid
        self.frames = frames
        self.metrics = metrics
        self.lineno = lineno
        self.text = text

    @property
    def metric(self):
        return self.metrics[0]

    @property
    def funcs(self):
        return [f.func for f in self.frames]

    @property
    def leaf(self):
        return self.frames[-1] if self.frames else None

    def __repr__(self):
        return "<line %d: %s>" % (self.lineno, self.text)


class OutputError(ValueError):
    pass


def parse_frame(text, lineno, line):
    if text in (":INVALID:", ":GC:"):
        return Frame("", text.strip(":"), None)
    parts = text.rsplit(":", 2)
    if len(parts) != 3 or not parts[1] or not re.match(r"^\d+$", parts[2]):
        raise OutputError("line %d: bad frame %r in %r" % (lineno, text, line))
    return Frame(parts[0], parts[1], int(parts[2]))


class Profile(object):
    """Everything austinc wrote: samples, metadata and the raw lines."""

    def __init__(self, text):
        self.text = text
        self.lines = text.splitlines()
        self.samples = []
        self.metadata = collections.OrderedDict()
        self.metadata_lines = []
        for lineno, line in enumerate(self.lines, 1):
            if not line.strip():
                continue
            if line.startswith("# "):
                m = META_RE.match(line)
                if not m:
                    raise OutputError(
                        "line %d: metadata is not '# key: value': %r" % (lineno, line)
                    )
                # " (value)" after a value that ends in a number keeps
                # flamegraph.pl from reading the line as a stack.
                value = m.group(2)
                if value.endswith(" (value)"):
                    value = value[:-len(" (value)")]
                self.metadata[m.group(1)] = value
                self.metadata_lines.append(line)
                continue
            m = SAMPLE_RE.match(line)
            if not m:
                raise OutputError(
                    "line %d: neither metadata nor a sample: %r" % (lineno, line)
                )
            stack = m.group(4)
            frames = [parse_frame(t, lineno, line) for t in stack[1:].split(";")] if stack else []
            metrics = tuple(int(v) for v in m.group(5).split(","))
            self.samples.append(
                Sample(int(m.group(1)), int(m.group(2)), int(m.group(3)),
                       frames, metrics, lineno, line)
            )

    def duration_us(self):
        value = self.metadata.get("duration")
        m = re.match(r"^(\d+)us$", value or "")
        if not m:
            raise OutputError("no '# duration: <N>us' metadata (got %r)" % value)
        return int(m.group(1))

    def by_tid(self):
        result = collections.OrderedDict()
        for s in self.samples:
            result.setdefault(s.tid, []).append(s)
        return result

    def excerpt(self, n=25):
        return excerpt(self.text, n)


def parse_output(text):
    return Profile(text)


def excerpt(text, n=25):
    lines = text.splitlines()
    if len(lines) <= 2 * n:
        return "\n".join(lines)
    return "\n".join(
        lines[:n] + ["... (%d lines omitted) ..." % (len(lines) - 2 * n)] + lines[-n:]
    )


# --------------------------------------------------------------------------
# Running austinc
# --------------------------------------------------------------------------


class Result(object):
    def __init__(self, args, returncode, stdout, stderr, elapsed, output_file=None):
        self.args = args
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        self.elapsed = elapsed
        self.output_file = output_file
        self._profile = None

    @property
    def output(self):
        """The sample text: the -o file when one was given, else stdout."""
        if self.output_file is not None:
            try:
                with open(self.output_file) as f:
                    return f.read()
            except (IOError, OSError):
                return ""
        return self.stdout

    @property
    def profile(self):
        if self._profile is None:
            try:
                self._profile = parse_output(self.output)
            except OutputError as exc:
                pytest.fail("unparsable austinc output: %s\n%s" % (exc, self.describe()))
        return self._profile

    def target_info(self):
        """'target: key value' lines the target programs wrote to stderr."""
        info = {}
        for line in self.stderr.splitlines():
            if line.startswith("target: "):
                parts = line[len("target: "):].split(None, 1)
                if len(parts) == 2:
                    info[parts[0]] = parts[1].strip()
        return info

    def target_pid(self):
        info = self.target_info()
        if "pid" not in info:
            pytest.fail("the target did not report its pid\n" + self.describe())
        return int(info["pid"])

    def error_lines(self):
        return [l for l in self.stderr.splitlines() if l.startswith("austinc: ")]

    def describe(self, n=20):
        return (
            "$ %s\nexit status %s after %.2fs\n--- output ---\n%s\n--- stderr ---\n%s"
            % (
                " ".join(self.args),
                self.returncode,
                self.elapsed,
                excerpt(self.output, n),
                excerpt(self.stderr, n),
            )
        )

    def assert_ok(self, status=0):
        assert self.returncode == status, "expected exit status %d\n%s" % (
            status, self.describe())
        return self


def _kill_group(pgid):
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def run_austinc(args, timeout=DEFAULT_TIMEOUT, output_file=None, env=None,
                prefix=(), stdin=subprocess.DEVNULL, austinc=None):
    """Run austinc with ARGS (list) and return a Result.

    The process runs in its own session; on return anything it left in that
    process group (say a launched command austinc gave up on) is killed.
    prefix is prepended to the command line (e.g. setpriv ...). austinc
    names another binary to run than $AUSTINC (say a privileged copy).
    """
    austinc = austinc or AUSTINC
    if not os.path.exists(austinc):
        pytest.fail("austinc binary not found at %s (set AUSTINC)" % austinc)
    args = [str(a) for a in args]
    if output_file is not None:
        args = ["-o", str(output_file)] + args
    cmd = list(prefix) + [austinc] + args
    full_env = dict(os.environ)
    if env:
        full_env.update(env)
    start = time.monotonic()
    proc = subprocess.Popen(
        cmd,
        stdin=stdin,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=full_env,
        start_new_session=True,
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc.pid)
        out, err = proc.communicate()
        result = Result(cmd, None, out.decode("utf-8", "replace"),
                        err.decode("utf-8", "replace"),
                        time.monotonic() - start, output_file)
        pytest.fail("austinc did not finish within %ss\n%s" % (timeout, result.describe()))
    elapsed = time.monotonic() - start
    _kill_group(proc.pid)
    return Result(cmd, proc.returncode, out.decode("utf-8", "replace"),
                  err.decode("utf-8", "replace"), elapsed, output_file)


def report_command(*args):
    """[austinc-report, ARGS...]; fails the test when there is no binary."""
    if not os.path.exists(AUSTINC_REPORT):
        pytest.fail("austinc-report not found at %s (set AUSTINC_REPORT)" % AUSTINC_REPORT)
    return [AUSTINC_REPORT] + [str(a) for a in args]


def target(name):
    return os.path.join(TARGETS, name)


_MARKER_RE = re.compile(r"#\s*LINE:(\S+)")


def expected_lines(name):
    """{tag: line number} for the '# LINE:tag' markers of a target."""
    lines = {}
    with open(target(name)) as f:
        for n, text in enumerate(f, 1):
            m = _MARKER_RE.search(text)
            if m:
                assert m.group(1) not in lines, "duplicate marker %s" % m.group(1)
                lines[m.group(1)] = n
    return lines


def function_span(name, func):
    """(first, last) line of the top-level or nested 'def func' in a target."""
    with open(target(name)) as f:
        text = f.read().splitlines()
    for i, line in enumerate(text):
        m = re.match(r"^(\s*)def %s\(" % re.escape(func), line)
        if m:
            indent = len(m.group(1))
            last = i + 1
            for j in range(i + 1, len(text)):
                body = text[j]
                if body.strip() and len(body) - len(body.lstrip()) <= indent:
                    break
                if body.strip():
                    last = j + 1
            return i + 1, last
    raise LookupError("no def %s in %s" % (func, name))


def qualname(python, qualified, bare=None):
    """The function name austinc should print: qualified on 3.11+."""
    if python.version >= (3, 11):
        return qualified
    return bare if bare is not None else qualified.rsplit(".", 1)[-1]


def pid_is_running(pid):
    """True if pid exists and is neither a zombie nor stopped."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            stat = f.read()
    except (IOError, OSError):
        return False
    state = stat[stat.rindex(")") + 2:].split()[0]
    return state not in ("Z", "X", "T", "t")


def dead_pid():
    """A pid that no process has right now (spawned and reaped)."""
    for _ in range(10):
        proc = subprocess.Popen(["true"])
        proc.wait(timeout=10)
        try:
            os.kill(proc.pid, 0)
        except ProcessLookupError:
            return proc.pid
    pytest.fail("could not find a free pid")


# --------------------------------------------------------------------------
# Assertions on samples
# --------------------------------------------------------------------------


def assert_mostly(samples, predicate, fraction, what, result=None):
    """At least FRACTION of SAMPLES satisfy PREDICATE (and there are some)."""
    assert samples, "no samples to check (%s)\n%s" % (
        what, result.describe() if result else "")
    bad = [s for s in samples if not predicate(s)]
    allowed = int((1.0 - fraction) * len(samples))
    assert len(bad) <= allowed, (
        "%d of %d samples fail: %s (at most %d may)\nfirst offenders:\n%s\n%s"
        % (len(bad), len(samples), what, allowed,
           "\n".join(s.text for s in bad[:8]),
           result.describe(10) if result else "")
    )


def assert_few_invalid(profile, result=None, fraction=0.01):
    """INVALID frames may happen (torn reads) but must stay rare."""
    bad = [s for s in profile.samples if any(f.invalid for f in s.frames)]
    allowed = int(fraction * len(profile.samples))
    assert len(bad) <= allowed, (
        "%d of %d samples carry :INVALID: frames, e.g.\n%s\n%s"
        % (len(bad), len(profile.samples), "\n".join(s.text for s in bad[:8]),
           result.describe(10) if result else "")
    )


def interval_us(value):
    """'100us', '2ms', '1s' -> microseconds."""
    m = re.match(r"^(\d+)(us|ms|s)$", value or "")
    assert m, "interval metadata %r is not <N>us/ms/s" % value
    return int(m.group(1)) * {"us": 1, "ms": 1000, "s": 1000000}[m.group(2)]


def assert_error(result, status, *needles):
    """austinc failed with STATUS and one 'austinc: ' line holding NEEDLES.

    Each needle is a string or a tuple of alternatives, matched without
    regard to case. Besides the error line, stderr may only carry the usage
    line (or lines the command itself wrote: 'target: ...').
    """
    assert result.returncode == status, "expected exit status %d\n%s" % (
        status, result.describe())
    errors = result.error_lines()
    assert len(errors) == 1, "expected exactly one 'austinc: ' line\n%s" % (
        result.describe())
    line = errors[0].lower()
    for needle in needles:
        options = needle if isinstance(needle, tuple) else (needle,)
        assert any(o.lower() in line for o in options), (
            "error line %r mentions none of %r\n%s" % (errors[0], options,
                                                      result.describe()))
    for other in result.stderr.splitlines():
        if not other.strip() or other in errors or other.startswith("target: "):
            continue
        assert re.match(r"^(\s|usage|try )", other, re.I), (
            "unexpected stderr line %r besides the error\n%s" % (
                other, result.describe()))
    assert not any(SAMPLE_RE.match(l) for l in result.stdout.splitlines()), (
        "samples on stdout of a failed run\n%s" % result.describe())


# --------------------------------------------------------------------------
# Processes to attach to
# --------------------------------------------------------------------------


class Running(object):
    """A process the test started and must stop: use as a context manager."""

    def __init__(self, args, ready_timeout=20.0, wait_ready=True, env=None):
        self.args = [str(a) for a in args]
        full_env = dict(os.environ)
        full_env.update(env or {})
        self.proc = subprocess.Popen(
            self.args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, env=full_env)
        self.pid = self.proc.pid
        if wait_ready:
            self._wait_ready(ready_timeout)

    def _wait_ready(self, timeout):
        import select
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        line = self.proc.stdout.readline().decode() if ready else ""
        if not line.startswith("ready "):
            self.stop()
            pytest.fail("%s did not get ready (got %r)" % (" ".join(self.args), line))
        assert int(line.split()[1]) == self.pid

    def alive(self):
        return self.proc.poll() is None and pid_is_running(self.pid)

    def finish(self, timeout=10):
        """Close its stdin (sleeper.py exits) and return its exit status."""
        try:
            self.proc.stdin.close()
        except (IOError, OSError):
            pass
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.stop()
            return None

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
        for f in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            try:
                f.close()
            except (IOError, OSError):
                pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
        return False


def sleeper(python, seconds=10):
    return Running([python.path, target("sleeper.py"), seconds])


# --------------------------------------------------------------------------
# Matching frames against expectations
# --------------------------------------------------------------------------


def loop_lines(lines, tag):
    """The lines of a busy loop: its 'while' (tag) and its body (tag.body)."""
    return frozenset((lines[tag], lines[tag + ".body"]))


def frame_matches(frame, expected):
    """EXPECTED is a Frame whose line may be a set of allowed lines."""
    if frame.file != expected.file or frame.func != expected.func:
        return False
    if isinstance(expected.line, (set, frozenset)):
        return frame.line in expected.line
    return frame.line == expected.line


def stack_matches(frames, expected):
    return len(frames) == len(expected) and all(
        frame_matches(f, e) for f, e in zip(frames, expected))


def format_expected(expected):
    def one(e):
        if isinstance(e.line, (set, frozenset)):
            return "%s:%s:{%s}" % (e.file, e.func, ",".join(map(str, sorted(e.line))))
        return str(e)
    return ";".join(one(e) for e in expected)


# --------------------------------------------------------------------------
# Sampling modes: footers, full-mode metrics, complaints
# --------------------------------------------------------------------------


def _footer(profile, key, regex, what):
    value = profile.metadata.get(key)
    m = re.match(regex, value or "")
    if not m:
        raise OutputError("no '# %s: %s' metadata (got %r)" % (key, what, value))
    return m


def footer_rss(profile):
    """'# rss: <a>B at start, <p>B peak, <e>B at end' -> (a, p, e)."""
    m = _footer(profile, "rss", r"^(\d+)B at start, (\d+)B peak, (\d+)B at end$",
                "<a>B at start, <p>B peak, <e>B at end")
    return tuple(int(g) for g in m.groups())


def footer_memory(profile):
    """'# memory: <N>B allocated, <M>B released' -> (N, M), both >= 0."""
    m = _footer(profile, "memory", r"^(\d+)B allocated, (-?\d+)B released$",
                "<N>B allocated, <M>B released")
    return int(m.group(1)), abs(int(m.group(2)))


def footer_share(profile, key):
    """'# KEY: <N> of <M> ... (<P>%)' (idle, gc) -> (N, M, P)."""
    m = _footer(profile, key, r"^(\d+) of (\d+) [a-z ]+\((\d+(?:\.\d*)?)%\)$",
                "<N> of <M> ... (<P>%)")
    return int(m.group(1)), int(m.group(2)), float(m.group(3))


def full_metrics(sample):
    """(time_us, idle, rss_delta) of a -f sample; fails on any other shape."""
    assert len(sample.metrics) == 3, "not time,idle,rss: %r" % sample.text
    time_us, idle, rss = sample.metrics
    assert time_us >= 0 and idle in (0, 1), "bad full metrics: %r" % sample.text
    return time_us, idle, rss


SUMMARY_RE = re.compile(r"^austinc: \d+(\.\d+)? s, \d+ samples")


def complaints(result):
    """'austinc: ' lines on stderr other than the closing summary."""
    return [l for l in result.error_lines() if not SUMMARY_RE.match(l)]


def footer_samples(profile):
    """'# samples: N (errors: E, saturated: S, stacks: T, stack errors: X)'
    -> (N, E, S, T, X).

    N counts ticks, T thread samples (stacks), X the stacks with errors."""
    m = _footer(profile, "samples",
                r"^(\d+) \(errors: (\d+), saturated: (\d+), stacks: (\d+), "
                r"stack errors: (\d+)\)$",
                "N (errors: E, saturated: S, stacks: T, stack errors: X)")
    return tuple(int(g) for g in m.groups())


def sample_errors(profile):
    """The error count of the '# samples:' footer."""
    return footer_samples(profile)[1]


def in_stack(sample, path, func):
    """True if SAMPLE has a frame of function FUNC in file PATH."""
    return any(f.file == path and f.func == func for f in sample.frames)


# A sample this long after the previous one (at the default 100 us) came
# from a tick that was held up.
HELD_UP_US = 1000


SAMPLE_COST_RE = re.compile(r"sample cost min/avg/max [\d.]+/[\d.]+/([\d.]+) us")


def longest_sample_s(result):
    """The longest sample of the run in seconds, from austinc's summary: a
    loaded machine can hold austinc up that long inside one tick, and a
    process that exits meanwhile loses the time since its last sample."""
    m = SAMPLE_COST_RE.search(result.stderr)
    assert m, "no sample cost in the summary\n" + result.describe()
    return float(m.group(1)) / 1e6


def split_tolerance(result, path, leaves=("leaf_a", "leaf_b")):
    """How far the sampled split of PATH's LEAVES may stray from leaf_split:
    10 points, plus the share of the leaves' sampled time that came in held-up
    ticks, which a loaded machine gives and which charge their whole gap to
    the leaf they find (what this run measured, not a guess)."""
    in_leaves = held_up = 0
    for s in result.profile.samples:
        if s.leaf is not None and s.leaf.file == path and s.leaf.func in leaves:
            in_leaves += s.metric
            if s.metric > HELD_UP_US:
                held_up += s.metric
    return 0.10 + (float(held_up) / in_leaves if in_leaves else 0.0)


def leaf_split(result):
    """{leaf: fraction} of the time shares.py's leaves took, as it measured
    it ("target: leaves A,B,C"): what the sampled split must match. A busy
    machine stretches every slice by about as much, which pulls the split
    towards even."""
    spent = [float(t) for t in result.target_info()["leaves"].split(",")]
    leaves = ("leaf_a", "leaf_b", "leaf_c")
    total = sum(spent)
    return {leaf: t / total for leaf, t in zip(leaves, spent) if t > 0}


# --------------------------------------------------------------------------
# MOJO: a decoder, for counting samples
# --------------------------------------------------------------------------

MOJO_MAGIC = b"MOJ\x03"  # "MOJ" and version 3 as a MOJO integer

MojoSample = collections.namedtuple("MojoSample", "head frames time memory idle")


class MojoReader(object):
    """Events of a MOJO 3 stream; keys are scoped to the current pid."""

    def __init__(self, data):
        assert data[:3] == b"MOJ", "no MOJO header: %r" % data[:8]
        self.data = data
        self.pos = 3
        self.pid = None
        self.strings = {}
        self.frames = {}
        self.metadata = collections.OrderedDict()
        self.samples = []

    def integer(self):
        byte = self.byte()
        value, negative, shift = byte & 0x3F, byte & 0x40, 6
        while byte & 0x80:
            byte = self.byte()
            value |= (byte & 0x7F) << shift
            shift += 7
        return -value if negative else value

    def byte(self):
        assert self.pos < len(self.data), "truncated at byte %d" % self.pos
        self.pos += 1
        return self.data[self.pos - 1]

    def string(self):
        end = self.data.index(b"\0", self.pos)
        text = self.data[self.pos:end].decode("utf-8", "replace")
        self.pos = end + 1
        return text

    def stack(self):
        self.pid = self.integer()
        iid = self.integer()
        tid = int(self.string(), 16)  # hexadecimal in MOJO
        head = "P%d;T%d:%d" % (self.pid, iid, tid)
        self.samples.append(MojoSample(head, [], [0], [0], [0]))

    def frame(self):
        key = self.integer()
        file_key, name_key, line = self.integer(), self.integer(), self.integer()
        for _ in range(3):  # end line, column, end column
            self.integer()
        self.frames[(self.pid, key)] = "%s:%s:%d" % (
            self.strings[(self.pid, file_key)],
            self.strings[(self.pid, name_key)], line)

    def event(self):
        at = self.pos
        event = self.byte()
        sample = self.samples[-1] if self.samples else None
        if event == 1:
            key = self.string()
            self.metadata[key] = self.string()
        elif event == 2:
            self.stack()
        elif event == 3:
            self.frame()
        elif event == 4:
            sample.frames.append(":INVALID:")
        elif event == 5:
            sample.frames.append(self.frames[(self.pid, self.integer())])
        elif event == 7:
            sample.frames.append(":GC:")
        elif event == 8:
            sample.idle[0] = 1
        elif event == 9:
            sample.time[0] = self.integer()
        elif event == 10:
            sample.memory[0] = self.integer()
        elif event == 11:
            key = self.integer()
            self.strings[(self.pid, key)] = self.string()
        else:
            pytest.fail("byte %d: event %d, which austinc does not write"
                        % (at, event))


def decode_mojo(data):
    """(metadata, [MojoSample]) of a MOJO recording."""
    reader = MojoReader(data)
    assert reader.integer() == 3, "not MOJO version 3"
    while reader.pos < len(reader.data):
        reader.event()
    return reader.metadata, reader.samples
