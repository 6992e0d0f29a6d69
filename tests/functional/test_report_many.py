"""austinc-report on several recordings of one run (a followed service's
periods): a directory of them merged in the order they started, on one
time axis, with the service's attach and exit events shown.

The recordings are real austinc runs of shares.py, then given what the
sampler's service mode writes: a "# started:" line a minute apart (the
file names sorting otherwise) and "# event:" lines. A hidden file, which
the sampler uses for a recording it has not finished, must be left out.
"""

import json
import os
import re
import subprocess

import pytest

from helpers import DEFAULT_TIMEOUT, parse_output, report_command, run_austinc, target
from test_html import browse


# Name order c, a, b; start order c (16:15), a (16:16), b (16:17).
PARTS = [("c.txt", 0), ("a.txt", 1), ("b.txt", 2)]
PYTHON_TEXT = "CPython 3.11.2 (static runtime)"


def report(*args):
    cmd = report_command(*args)
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=DEFAULT_TIMEOUT, universal_newlines=True,
                          env=dict(os.environ, NO_COLOR="1"))
    assert proc.returncode == 0, "$ %s\nexit status %d\n%s" % (
        " ".join(cmd), proc.returncode, proc.stderr)
    return proc.stdout


def as_service_period(text, minute, pid, duration_us):
    """TEXT with its started line moved a minute apart from the others
    (after the first line), an attach event before
    the samples and a detach at the end, as the service mode writes them."""
    lines = [l for l in text.splitlines(True) if not l.startswith("# started:")]
    started = "# started: 2026-12-05T16:%02d:00.000000Z\n" % (15 + minute)
    attach = "# event: attach pid=%d t=0us python=%s\n" % (pid, PYTHON_TEXT)
    detach = "# event: detach pid=%d t=%dus\n" % (pid, duration_us)
    first_sample = next(i for i, l in enumerate(lines) if l.startswith("P"))
    return "".join(lines[:1] + [started] + lines[1:first_sample] + [attach]
                   + lines[first_sample:] + [detach])


@pytest.fixture
def run_dir(any_python, tmp_path):
    """A directory of three periods; {name: (pid, duration_us)}."""
    runs = tmp_path / "runs"
    runs.mkdir()
    facts = {}
    for name, minute in PARTS:
        raw = tmp_path / ("raw-" + name)
        result = run_austinc(["-i", "1ms", "--system", any_python.path,
                              target("shares.py"), "0.3"],
                             output_file=raw).assert_ok()
        profile = result.profile
        assert profile.samples, result.describe()
        pid = profile.samples[0].pid
        duration = profile.duration_us()
        text = as_service_period(raw.read_text(), minute, pid, duration)
        (runs / name).write_text(text)
        facts[name] = (pid, duration)
    # Unfinished: read, it would fail the whole report.
    (runs / ".d.txt").write_text("# mode: memory\nnot a recording\n")
    return runs, facts


SUMMARY_RE = re.compile(r"^(\d+(?:\.\d+)?) (s|ms|us) of wall time in (\d+) samples",
                        re.M)
# (Spaces, not \s: a row whose file is empty must not reach the next.)
ROW_RE = re.compile(r"^ *\d+\.\d% +\d+\.\d% +(\d+(?:\.\d+)?) (s|ms|us) +"
                    r"\d+(?:\.\d+)? (?:s|ms|us) +(\S+) *(.*)$", re.M)
UNIT_US = {"s": 1e6, "ms": 1e3, "us": 1.0}


def microseconds(number, unit):
    """A printed value in us, and how far its rounding may be from it."""
    decimals = len(number.split(".")[1]) if "." in number else 0
    return float(number) * UNIT_US[unit], 0.5 * 10 ** -decimals * UNIT_US[unit]


def top(path):
    """--top of PATH: ((total us, rounding), samples, {(function, file):
    (self us, rounding)}, the text)."""
    text = report("--top", "100000", path)
    m = SUMMARY_RE.search(text)
    assert m, text
    rows = {(r.group(3), r.group(4).strip()): microseconds(r.group(1), r.group(2))
            for r in ROW_RE.finditer(text)}
    return microseconds(m.group(1), m.group(2)), int(m.group(3)), rows, text


def adds_up(whole, parts):
    """WHOLE, a printed value with its rounding, is the sum of PARTS, as
    far as their rounding tells."""
    slack = whole[1] + sum(p[1] for p in parts)
    return abs(whole[0] - sum(p[0] for p in parts)) <= slack + 1e-6


def test_top_of_a_directory_sums_its_recordings(run_dir):
    runs, facts = run_dir
    whole_us, whole_n, whole_rows, text = top(runs)
    parts = [top(runs / name) for name, _ in PARTS]
    assert whole_n == sum(p[1] for p in parts), text
    assert adds_up(whole_us, [p[0] for p in parts]), (whole_us, [p[0] for p in parts])
    leaf_a = ("leaf_a", target("shares.py"))
    assert leaf_a in whole_rows, text
    for key, value in whole_rows.items():
        in_parts = [p[2][key] for p in parts if key in p[2]]
        assert adds_up(value, in_parts), (key, value, in_parts)
    # The events head the view, in the order the recordings started.
    pid_c, duration_c = facts["c.txt"]
    pid_a, _ = facts["a.txt"]
    lines = text.splitlines()
    assert lines[0] == "attached to PID %d at 0 us (python %s)" % (pid_c, PYTHON_TEXT)
    assert lines[1].startswith("lost PID %d at " % pid_c), text
    assert lines[2] == "attached to PID %d at 60.00 s (python %s)" % (pid_a, PYTHON_TEXT)


def embedded_data(page):
    html = page.read_text()
    m = re.search(r'<script type="application/json" id="data">(.*?)</script>', html, re.S)
    assert m, "no embedded document"
    return json.loads(m.group(1))


def test_html_of_a_directory_marks_attach_and_exit(run_dir, tmp_path):
    runs, facts = run_dir
    page = tmp_path / "run.html"
    report("--html", page, runs)
    data = embedded_data(page)
    expected = []
    for name, minute in PARTS:
        pid, duration = facts[name]
        offset = minute * 60 * 1000000
        expected.append({"t": offset, "kind": "attach", "pid": pid,
                         "python": PYTHON_TEXT})
        expected.append({"t": offset + duration, "kind": "exit", "pid": pid,
                         "python": None})
    assert data["marks"] == expected
    # Samples of each recording lie in its own minute, the last two
    # minutes later than the first.
    starts = [b[0] for b in data["buckets"]]
    assert starts[0] < 60e6 and starts[-1] >= 120e6, starts
    assert data["summary"]["duration_us"] >= 120e6
    samples = sum(top(runs / name)[1] for name, _ in PARTS)
    assert data["summary"]["samples"] >= samples

    dom = browse(page, tmp_path)
    labels = dom.all("span", within=dom.by_id("panels"))
    marks = [(s.get("data-kind"), int(s.get("data-pid")), s.text) for s in labels
             if "mark-label" in (s.get("class") or "")]
    assert marks == [(m["kind"], m["pid"], "%s %d" % (m["kind"], m["pid"]))
                     for m in expected], marks
    attach = [s for s in labels if s.get("data-kind") == "attach"]
    assert all(PYTHON_TEXT in s.get("title") for s in attach)
    # A dashed line per mark across every panel of the timeline.
    panels = dom.all("div", **{"class": "panel"})
    assert panels
    for panel in panels:
        lines = [l for l in dom.all("line", panel)
                 if (l.get("class") or "").startswith("mark ")]
        assert len(lines) == len(expected), panel.get("data-panel")
