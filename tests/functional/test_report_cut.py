"""austinc-report on recordings cut short: salvaged, or refused with --strict.

shares.py is recorded by austinc as text, gzipped text, MOJO and gzipped
MOJO (-f), then cut the way a killed austinc or a full disk leaves a file:
text inside a line (in its frames, or in its metric: "... 1" of
"... 1234"), gzip and MOJO in the middle. Every view must read the cut
file, exit 0, and say on one line of standard error where the recording
was cut and how many samples it kept; and it must show exactly the samples
that are whole before the cut, counted here from the uncut bytes: whole
lines, or for MOJO the samples whose last event (the memory metric, in
full mode) lies before the cut, found with helpers' own decoder. --strict
refuses the same bytes with the error they always gave, exit 3.
"""

import collections
import gzip
import json
import re
import subprocess
import zlib

import pytest

from helpers import (
    DEFAULT_TIMEOUT,
    MojoReader,
    excerpt,
    report_command,
    run_austinc,
    target,
)

SECONDS = "1"
SHARES = ("5", "3", "2")  # leaf_a is the hottest function

WARNING_RE = re.compile(
    r"^austinc-report: warning: (?P<name>.+): cut short at (?P<where>.+): "
    r"kept the (?P<kept>\d+) samples? before it$")

# The recordings, made once per worker: {kind: path}.
_RECORDINGS = {}

RECORDINGS = {
    "text": ("rec.txt", []),
    "gzip": ("rec.txt.gz", []),
    "mojo": ("rec.mojo", ["-b", "-f"]),
    "mojo-gzip": ("rec.mojo.gz", ["-b", "-f"]),
}


def recording(kind, python, tmp_path_factory):
    """The bytes of a recording of shares.py of this kind."""
    if kind not in _RECORDINGS:
        name, options = RECORDINGS[kind]
        path = tmp_path_factory.mktemp("cut") / name
        run_austinc(options + [python.path, target("shares.py"), SECONDS]
                    + list(SHARES), output_file=path).assert_ok()
        _RECORDINGS[kind] = path.read_bytes()
    return _RECORDINGS[kind]


# --------------------------------------------------------------------------
# What a cut keeps, worked out from the bytes
# --------------------------------------------------------------------------

Kept = collections.namedtuple("Kept", "count sums")


def text_kept(text):
    """The whole sample lines of TEXT: how many, and the time of each
    stack ('P..;T..;frames')."""
    lines = text.split(b"\n")[:-1]  # the last piece has no newline
    sums = collections.Counter()
    count = 0
    for line in lines:
        if line.startswith(b"P"):
            stack, _, metric = line.decode().rpartition(" ")
            sums[stack] += int(metric)
            count += 1
    return Kept(count, sums)


def mojo_events(whole):
    """The reader at the end of the MOJO recording WHOLE, and the (start,
    end, event) of each of its events."""
    reader = MojoReader(whole)
    reader.integer()  # the version
    events = []
    while reader.pos < len(whole):
        start, event = reader.pos, whole[reader.pos]
        reader.event()
        events.append((start, reader.pos, event))
    return reader, events


def mojo_kept(whole, length):
    """The samples of the full-mode MOJO recording WHOLE whose memory
    metric (their last event) ends within its first LENGTH bytes."""
    reader, events = mojo_events(whole)
    count = sum(1 for _, end, event in events
                if event == 10 and end <= length)  # METRIC_MEMORY
    sums = collections.Counter()
    for s in reader.samples[:count]:
        sums[";".join([s.head] + s.frames)] += s.time[0]
    return Kept(count, sums)


def inflated_prefix(data):
    """What zlib inflates from the first bytes of a gzip file."""
    return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data)


def kept_by(kind, data, cut):
    if kind == "text":
        return text_kept(data[:cut])
    if kind == "gzip":
        return text_kept(inflated_prefix(data[:cut]))
    if kind == "mojo":
        return mojo_kept(data, cut)
    return mojo_kept(gzip.decompress(data), len(inflated_prefix(data[:cut])))


def middle_line(text):
    """(start, end) of the sample line around the middle of TEXT."""
    start = text.index(b"\nP", len(text) // 2) + 1
    return start, text.index(b"\n", start)


def cut_in_metric(text):
    """Within the metric of a sample line: '... 1' of '... 1234'."""
    start, end = middle_line(text)
    return text.rindex(b" ", start, end) + 2


def cut_in_frames(text):
    start, end = middle_line(text)
    return text.index(b";", start) + 5


def cut_in_event(mojo):
    """One byte into the first event of two bytes or more from the middle
    of MOJO on (a cut between two events reads as a shorter recording)."""
    _, events = mojo_events(mojo)
    return next(start + 1 for start, end, _ in events
                if start >= len(mojo) // 2 and end - start >= 2)


# kind of recording, name of the case, where to cut its bytes
CASES = [
    ("text", "text-in-metric", cut_in_metric),
    ("text", "text-in-frames", cut_in_frames),
    ("gzip", "gzip", lambda data: len(data) // 2),
    ("mojo", "mojo", cut_in_event),
    ("mojo-gzip", "mojo-gzip", lambda data: len(data) * 2 // 3),
]


def cut_recording(case, python, tmp_path_factory, tmp_path):
    """(path of the cut file, what it keeps, bytes, cut offset)."""
    kind, name, where = case
    data = recording(kind, python, tmp_path_factory)
    cut = where(data)
    assert 0 < cut < len(data)
    path = tmp_path / ("cut-" + RECORDINGS[kind][0])
    path.write_bytes(data[:cut])
    kept = kept_by(kind, data, cut)
    whole = kept_by(kind, data, len(data))
    assert 0 < kept.count < whole.count, (
        "%s: the cut keeps %d of %d samples" % (name, kept.count, whole.count))
    return path, kept, data, cut


# --------------------------------------------------------------------------
# Running the views
# --------------------------------------------------------------------------


def report(*args):
    """(exit status, stdout, stderr lines) of austinc-report ARGS."""
    proc = subprocess.run(report_command(*args), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=DEFAULT_TIMEOUT,
                          universal_newlines=True)
    return proc.returncode, proc.stdout, proc.stderr.splitlines()


def salvaged(path, *args):
    """austinc-report ARGS PATH, which must succeed with one warning about
    PATH: (stdout, samples the warning says it kept)."""
    code, out, err = report(*(args + (path,)))
    assert code == 0, "exit %d\n%s" % (code, "\n".join(err))
    assert len(err) == 1, "one warning line expected:\n" + "\n".join(err)
    m = WARNING_RE.match(err[0])
    assert m, "not the warning: %r" % err[0]
    assert m.group("name") == str(path), err[0]
    return out, int(m.group("kept"))


def hottest_leaf(kept):
    """The function of the innermost frame with the most time."""
    leaves = collections.Counter()
    for stack, t in kept.sums.items():
        leaves[stack.rsplit(";", 1)[-1].rsplit(":", 2)[-2]] += t
    return leaves.most_common(1)[0][0]


def collapsed_sums(text):
    sums = {}
    for line in text.splitlines():
        stack, _, value = line.rpartition(" ")
        sums[stack] = int(value)
    return sums


# --------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[c[1] for c in CASES])
def test_every_view_reads_what_came_before_the_cut(case, any_python,
                                                   tmp_path_factory, tmp_path):
    path, kept, _, _ = cut_recording(case, any_python, tmp_path_factory,
                                     tmp_path)
    total = sum(kept.sums.values())
    assert hottest_leaf(kept) == "leaf_a", kept.sums.most_common(3)

    out, n = salvaged(path, "--top", "5")
    assert n == kept.count
    assert "in %d samples;" % kept.count in out.splitlines()[0], out
    rows = [line for line in out.splitlines()[3:] if line.strip()]
    assert rows and " leaf_a " in rows[0], excerpt(out)

    out, n = salvaged(path, "--tree")
    assert n == kept.count
    assert out.splitlines()[0].endswith(" in %d samples" % kept.count), out

    out, n = salvaged(path, "--collapsed")
    assert n == kept.count
    assert collapsed_sums(out) == {s: t for s, t in kept.sums.items() if t}

    speedscope = tmp_path / "view.json"
    _, n = salvaged(path, "--speedscope", speedscope)
    profiles = json.loads(speedscope.read_text())["profiles"]
    assert sum(sum(p["weights"]) for p in profiles) == total

    svg = tmp_path / "view.svg"
    _, n = salvaged(path, "--svg", svg)
    assert "{:,} us in {:,} samples".format(total, kept.count) in svg.read_text()

    # The footer (duration, sample counts) was cut off: the report counts
    # the samples it has and claims no duration.
    html = tmp_path / "view.html"
    _, n = salvaged(path, "--html", html)
    page = html.read_text()
    summary = json.loads(re.search(r'"summary":(\{[^}]*\})', page).group(1))
    assert summary["samples"] == kept.count, summary
    assert summary["duration_us"] is None, summary
    assert "leaf_a" in page


STRICT_ERRORS = {
    "text-in-metric": r"line {line}: no newline at its end: the recording "
                      r"was cut short",
    "text-in-frames": r"line {line}: no metric: a sample ends in a space and "
                      r"a number",
    "gzip": r"truncated gzip stream",
    "mojo": r"byte \d+: (truncated .+|the sample at byte \d+ has no "
            r"(metric|memory metric))",
    "mojo-gzip": r"truncated gzip stream",
}


@pytest.mark.parametrize("case", CASES, ids=[c[1] for c in CASES])
def test_strict_refuses_a_cut_recording(case, any_python, tmp_path_factory,
                                        tmp_path):
    path, _, data, cut = cut_recording(case, any_python, tmp_path_factory,
                                       tmp_path)
    code, out, err = report("--strict", "--top", "3", path)
    assert code == 3, "exit %d\n%s" % (code, "\n".join(err))
    assert out == ""
    line = data[:cut].count(b"\n") + 1
    pattern = STRICT_ERRORS[case[1]].format(line=line)
    assert len(err) == 1 and re.match(
        r"^austinc-report: %s: %s$" % (re.escape(str(path)), pattern),
        err[0]), err


def test_diff_reads_a_cut_recording(any_python, tmp_path_factory, tmp_path):
    """The whole text recording against a cut MOJO one: one warning, for the
    cut one, and each column the time of its own recording."""
    base = tmp_path / "base.txt"
    base.write_bytes(recording("text", any_python, tmp_path_factory))
    new, kept, _, _ = cut_recording(CASES[3], any_python, tmp_path_factory,
                                    tmp_path)
    code, out, err = report("--diff", base, "--collapsed", new)
    assert code == 0, "\n".join(err)
    assert len(err) == 1 and WARNING_RE.match(err[0]), err
    assert WARNING_RE.match(err[0]).group("name") == str(new)
    assert int(WARNING_RE.match(err[0]).group("kept")) == kept.count
    columns = [line.rsplit(" ", 2)[1:] for line in out.splitlines()]
    base_total = sum(text_kept(base.read_bytes()).sums.values())
    assert sum(int(b) for b, _ in columns) == base_total
    assert sum(int(n) for _, n in columns) == sum(kept.sums.values())
    assert any("leaf_a" in line for line in out.splitlines())

    # Both cut: a warning for each, base first.
    code, _, err = report("--diff", new, "--tree", new)
    assert code == 0 and len(err) == 2, err
    assert all(WARNING_RE.match(line) for line in err), err
