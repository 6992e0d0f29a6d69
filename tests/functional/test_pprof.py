"""austinc-report --pprof: the recording as pprof's profile.proto, read back
by real readers: protoc with the official profile.proto (Debian's
golang-github-google-pprof-dev) and go tool pprof (Debian's golang-go).
Every figure is checked against what the recording itself holds."""
import collections
import datetime
import gzip
import os
import re
import shutil
import subprocess

import pytest

from test_report import parse_top
from helpers import (
    DEFAULT_TIMEOUT,
    full_metrics,
    report_command,
    run_austinc,
    target,
)

PROFILE_PROTO_DIR = "/usr/share/gocode/src/github.com/google/pprof/proto"
FULL_TYPES = [("samples", "count"), ("wall", "nanoseconds"), ("cpu", "nanoseconds"),
              ("memory_growth", "bytes"), ("memory_release", "bytes")]


def tool(name):
    path = shutil.which(name)
    assert path, "%s not found: scripts/deps.sh installs it" % name
    return path


def pprof_file(tmp_path, *args):
    out = tmp_path / "profile.pb.gz"
    cmd = report_command("--pprof", out, *args)
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=DEFAULT_TIMEOUT, universal_newlines=True)
    assert proc.returncode == 0 and not proc.stderr, "$ %s\nexit %d\n%s" % (
        " ".join(cmd), proc.returncode, proc.stderr)
    return out


# --------------------------------------------------------------------------
# protoc's text format, read back into dicts of lists
# --------------------------------------------------------------------------

FIELD_RE = re.compile(r'^(\w+): (-?\d+|"(?:[^"\\]|\\.)*")$')


def unquote(text):
    """A text-format string literal: C escapes, octal bytes as UTF-8."""
    raw = text[1:-1].encode("latin-1", "backslashreplace").decode("unicode_escape")
    return raw.encode("latin-1").decode("utf-8")


def parse_text_format(text):
    root = collections.defaultdict(list)
    stack = [root]
    for line in text.splitlines():
        line = line.strip()
        if line.endswith("{"):
            child = collections.defaultdict(list)
            stack[-1][line[:-1].strip()].append(child)
            stack.append(child)
        elif line == "}":
            stack.pop()
        elif line:
            m = FIELD_RE.match(line)
            assert m, "not protoc's text format: %r" % line
            value = m.group(2)
            stack[-1][m.group(1)].append(unquote(value) if value.startswith('"') else int(value))
    assert len(stack) == 1, "unbalanced braces"
    return root


def decode(path):
    """The profile as protoc decodes it with the official profile.proto."""
    return decode_bytes(path.read_bytes())


def decode_bytes(compressed):
    data = gzip.decompress(compressed)
    proc = subprocess.run([tool("protoc"), "--decode", "perftools.profiles.Profile",
                           "-I", PROFILE_PROTO_DIR, "profile.proto"],
                          input=data, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=DEFAULT_TIMEOUT)
    assert proc.returncode == 0, proc.stderr.decode()
    return parse_text_format(proc.stdout.decode("utf-8"))


def one(message, field):
    """A scalar field: protoc leaves out those that are zero."""
    values = message[field]
    assert len(values) <= 1, "%s repeated" % field
    return values[0] if values else 0


class Decoded(object):
    """The decoded profile's tables, resolved."""

    def __init__(self, p):
        self.p = p
        self.strings = p["string_table"]
        self.types = [self.value_type(t) for t in p["sample_type"]]
        self.functions = dict((one(f, "id"), (self.string(f, "name"), self.string(f, "filename")))
                              for f in p["function"])
        self.locations = {}
        for l in p["location"]:
            assert len(l["line"]) == 1, "a location is one line"
            line = l["line"][0]
            self.locations[one(l, "id")] = (one(line, "function_id"), one(line, "line"))

    def string(self, message, field):
        return self.strings[one(message, field)]

    def value_type(self, message):
        return (self.string(message, "type"), self.string(message, "unit"))

    def labels(self, sample):
        out = {}
        for label in sample["label"]:
            key = self.string(label, "key")
            out[key] = self.string(label, "str") if label["str"] else one(label, "num")
        return out

    def leaf(self, sample):
        ids = sample["location_id"]
        return self.functions[self.locations[ids[0]][0]] if ids else None

    def totals(self, base=None):
        """Each type's sum over the samples (of the base or not, or all)."""
        sums = [0] * len(self.types)
        for s in self.p["sample"]:
            if base is None or ("pprof::base" in self.labels(s)) == base:
                sums = [a + b for a, b in zip(sums, s["value"])]
        return sums

    def leaf_sums(self, index, base=False):
        sums = collections.Counter()
        for s in self.p["sample"]:
            if ("pprof::base" in self.labels(s)) == base and s["location_id"]:
                sums[self.leaf(s)] += s["value"][index]
        return sums


def recording_figures(profile, index=0):
    """What the -f recording holds: the five sums, and one of them (by
    index) by leaf (function, file), as a pprof file must give them."""
    count = wall = cpu = grown = released = 0
    leaves = collections.Counter()
    for s in profile.samples:
        time_us, idle, rss = full_metrics(s)
        count += 1
        wall += time_us * 1000
        cpu += 0 if idle else time_us * 1000
        grown += max(rss, 0)
        released += max(-rss, 0)
        values = [1, time_us * 1000, 0 if idle else time_us * 1000, max(rss, 0), max(-rss, 0)]
        if s.frames:
            # :INVALID: and :GC: are functions of those names in pprof
            func = s.leaf.func if s.leaf.line is not None else ":%s:" % s.leaf.func
            leaves[(func, s.leaf.file)] += values[index]
    return [count, wall, cpu, grown, released], leaves


def record_full(python, tmp_path, name, seconds="0.6"):
    out = tmp_path / name
    result = run_austinc(["-f", python.path, target("shares.py"), seconds],
                         output_file=out).assert_ok()
    return out, result


def go_top(path, tmp_path, sample_index, unit):
    """go tool pprof -top by function and file: {"func file": flat}."""
    env = dict(os.environ, GOCACHE=str(tmp_path / "gocache"), HOME=str(tmp_path),
               GOPATH=str(tmp_path / "gopath"), GOFLAGS="")
    cmd = [tool("go"), "tool", "pprof", "-top", "-symbolize=none", "-filefunctions",
           "-nodecount=100000", "-nodefraction=0", "-unit=" + unit, "-sample_index=" + sample_index, str(path)]
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                          timeout=DEFAULT_TIMEOUT, universal_newlines=True)
    assert proc.returncode == 0, "$ %s\n%s" % (" ".join(cmd), proc.stderr)
    rows = {}
    # "flat flat% sum% cum cum% NAME FILE": a name or file may hold spaces
    # ("<interpreter trampoline> <shim>"), so rows are keyed by the text.
    row_re = re.compile(r"^\s*(-?\d+)%s?\s+\S+%%\s+\S+%%\s+(-?\d+)%s?\s+\S+%%\s+(.+)$" % (unit, unit))
    for line in proc.stdout.splitlines():
        m = row_re.match(line)
        if m:
            rows[m.group(3)] = int(m.group(1))
    # a type can have no value at all (no memory grew in a short run)
    assert rows or re.search(r"Total samples = 0\b", proc.stdout), (
        "no rows from go tool pprof:\n" + proc.stdout)
    return rows


def test_pprof_holds_the_recording(python, tmp_path):
    rec, result = record_full(python, tmp_path, "shares.txt")
    profile = result.profile
    path = target("shares.py")
    d = Decoded(decode(pprof_file(tmp_path, rec)))

    # The tables: string 0 empty, strings, functions and locations once.
    assert d.strings[0] == ""
    assert len(set(d.strings)) == len(d.strings), "strings repeated"
    assert len(set(d.functions.values())) == len(d.functions), "functions repeated"
    assert len(set(d.locations.values())) == len(d.locations), "locations repeated"
    assert d.types == FULL_TYPES
    assert d.string(d.p, "default_sample_type") == "wall"

    # When, how long, how often, and the run's facts.
    assert d.p["period"] == [100000]  # the default interval, 100us
    assert d.value_type(d.p["period_type"][0]) == ("wall", "nanoseconds")
    duration_us = int(profile.metadata["duration"][:-2])
    assert d.p["duration_nanos"] == [duration_us * 1000]
    started = datetime.datetime.strptime(profile.metadata["started"], "%Y-%m-%dT%H:%M:%S.%fZ")
    epoch = datetime.datetime(1970, 1, 1)
    assert d.p["time_nanos"] == [(started - epoch) // datetime.timedelta(microseconds=1) * 1000]
    comments = [d.strings[c] for c in d.p["comment"]]
    assert "python: %s" % profile.metadata["python"] in comments, comments
    assert any(c.startswith("command: ") and path in c for c in comments), comments

    # Every sample is the target's, labelled by thread; values add up.
    pid = result.target_pid()
    for s in d.p["sample"]:
        labels = d.labels(s)
        assert labels["pid"] == pid and labels["tid"] > 0, labels
    expected, leaves = recording_figures(profile, 1)
    assert d.totals() == expected
    wall = d.leaf_sums(1)
    assert wall[("leaf_a", path)] == leaves[("leaf_a", path)] > 0
    assert wall[("leaf_b", path)] == leaves[("leaf_b", path)] > 0
    assert wall == +leaves

    # go tool pprof reads the same: its flat time and memory per function
    # are the recording's, in microseconds and bytes.
    flat = go_top(d_path(tmp_path), tmp_path, "wall", "us")
    for key in (("leaf_a", path), ("leaf_b", path)):
        assert flat[row_key(key)] * 1000 == leaves[key], (key, flat[row_key(key)], leaves[key])
    # and austinc-report --top lists the same hottest functions, with the
    # same self time to its display's precision
    rows = parse_top(report_text("--top", 2, "-m", "wall", rec))
    hottest = sorted(flat, key=lambda k: -flat[k])[:2]
    assert [row_key((r.func, r.file)) for r in rows] == hottest, (rows, hottest)
    for r in rows:
        shown = TIME_RE.match(parse_top_self(r.func, rec))
        value, unit = float(shown.group(1)), shown.group(2)
        scale = {"us": 1, "ms": 1e3, "s": 1e6}[unit]
        us = flat[row_key((r.func, r.file))]
        assert abs(us - value * scale) <= 0.05 * scale + 0.5, (r, us)
    grown = go_top(d_path(tmp_path), tmp_path, "memory_growth", "B")
    _, grown_by_leaf = recording_figures(profile, 3)
    assert (dict((k, v) for k, v in grown.items() if v)
            == dict((row_key(k), v) for k, v in grown_by_leaf.items() if v)), "memory growth by function"


def row_key(key):
    """A (function, file) as go tool pprof -filefunctions writes it."""
    return "%s %s" % key if key[1] else key[0]


TIME_RE = re.compile(r"^([\d.]+) (us|ms|s)$")


def report_text(*args):
    cmd = report_command(*args)
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=DEFAULT_TIMEOUT,
                          universal_newlines=True, env=dict(os.environ, NO_COLOR="1"))
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def parse_top_self(func, rec):
    """The self time --top prints for func, as text ("684.7 ms")."""
    for line in report_text("--top", 2, "-m", "wall", rec).splitlines():
        m = re.match(r"^\s*[\d.]+%\s+[\d.]+%\s+([\d.]+ \w+)\s+[\d.]+ \w+\s+(\S+)\s", line)
        if m and m.group(2) == func:
            return m.group(1)
    raise AssertionError("%s not in --top" % func)


def d_path(tmp_path):
    return tmp_path / "profile.pb.gz"


def test_pprof_diff_is_new_with_a_negated_base(python, tmp_path):
    a, ra = record_full(python, tmp_path, "a.txt", "0.4")
    b, rb = record_full(python, tmp_path, "b.txt", "0.4")
    path = target("shares.py")
    d = Decoded(decode(pprof_file(tmp_path, "--diff", a, b)))
    expected_a, leaves_a = recording_figures(ra.profile, 1)
    expected_b, leaves_b = recording_figures(rb.profile, 1)
    assert d.totals(base=False) == expected_b
    assert d.totals(base=True) == [-v for v in expected_a]
    for s in d.p["sample"]:
        if "pprof::base" in d.labels(s):
            assert d.labels(s)["pprof::base"] == "true"
    # pprof merges them: what is left is the change.
    flat = go_top(d_path(tmp_path), tmp_path, "wall", "us")
    for key in (("leaf_a", path), ("leaf_b", path)):
        assert flat[row_key(key)] * 1000 == leaves_b[key] - leaves_a[key], key


def test_pprof_of_a_memory_recording(python, tmp_path):
    rec = tmp_path / "memory.txt"
    result = run_austinc(["-m", python.path, target("memory.py")], output_file=rec)
    result.assert_ok()
    d = Decoded(decode(pprof_file(tmp_path, rec)))
    assert d.types == [("samples", "count"), ("memory_growth", "bytes"),
                       ("memory_release", "bytes")]
    assert d.string(d.p, "default_sample_type") == "memory_growth"
    grown = sum(max(s.metric, 0) for s in result.profile.samples)
    released = sum(max(-s.metric, 0) for s in result.profile.samples)
    assert d.totals() == [len(result.profile.samples), grown, released]
    assert grown > 0
