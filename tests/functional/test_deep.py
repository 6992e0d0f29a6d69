"""Deep stacks (issue 20): a recursion 5,000 and 50,000 frames deep is
sampled, not rejected, on every interpreter found.

A sample holds 4096 frames: a deeper stack keeps its 2048 innermost and
2047 outermost frames and, between them, one frame
":[N frames left out]:0". Each test asserts on what was sampled: the error
rate of austinc's summary, the leaf in the samples taken while the
recursion was at the bottom, the frames that started it, and N.
"""

import re

import pytest

from helpers import (
    Running,
    check_with_flamegraph,
    decode_mojo,
    expected_lines,
    flamegraph_counts,
    qualname,
    run_austinc,
    target,
)
from test_mojo import report_collapsed

KEEP_INNER, KEEP_OUTER = 2048, 2047
MARKER_RE = re.compile(r"^\[(\d+) frames left out\]$")
SUMMARY_ERRORS_RE = re.compile(
    r"^austinc: [^,]*, (\d+) samples .*; errors (\d+) \(\d+\.\d+%\)")

# depth -> (seconds at the bottom, in a thread of its own): up to 3.10 a
# Python call takes C stack too, more than a main thread has at 50,000.
CASES = {5000: ("1", False), 50000: ("1", True)}


def summary_errors(result):
    """(samples, errors) of austinc's closing summary on stderr."""
    for line in result.stderr.splitlines():
        m = SUMMARY_ERRORS_RE.match(line)
        if m:
            return int(m.group(1)), int(m.group(2))
    pytest.fail("no summary with an error rate on stderr\n" + result.describe())


def left_out(frame):
    """N of a marker frame, else None."""
    m = MARKER_RE.match(frame.func)
    return int(m.group(1)) if m and frame.file == "" and frame.line == 0 else None


def outer_frames(python, path, in_thread):
    """The functions outside the recursion, outermost first, and whether
    they are in the target's file."""
    if not in_thread:
        return [(path, "<module>"), (path, "main"), (path, "start")]
    bootstrap = "__bootstrap" if python.version[0] == 2 else "_bootstrap"
    return [(None, qualname(python, "Thread." + bootstrap, bootstrap)),
            (None, qualname(python, "Thread." + bootstrap + "_inner",
                            bootstrap + "_inner")),
            (None, qualname(python, "Thread.run", "run")), (path, "start")]


def check_bottom_sample(sample, python, path, depth, in_thread):
    """A sample taken at the bottom: the outer frames, descend() all the way
    down (kept or left out), spin() at the leaf."""
    lines = expected_lines("deep.py")
    outer = outer_frames(python, path, in_thread)
    frames = sample.frames
    for (file, func), frame in zip(outer, frames):
        assert frame.func == func and (file is None or frame.file == file), (
            "outermost frames %s, expected %s\n%s"
            % (frames[:len(outer)], outer, sample.text[:600]))
    markers = [i for i, f in enumerate(frames) if left_out(f) is not None]
    assert len(markers) == 1 and len(frames) == KEEP_INNER + 1 + KEEP_OUTER, (
        "expected %d frames around one marker, got %d frames, markers at %s"
        % (KEEP_INNER + 1 + KEEP_OUTER, len(frames), markers))
    assert markers[0] == KEEP_OUTER, "marker at %d" % markers[0]
    descend = [f for f in frames[len(outer):-1] if left_out(f) is None]
    assert all(f.file == path and f.func == "descend" for f in descend), (
        "between start() and spin(): %s" % sorted(set(descend)))
    assert len(descend) + left_out(frames[markers[0]]) == depth + 1, (
        "%d descend() frames kept and %d left out: %d frames deep, not %d"
        % (len(descend), left_out(frames[markers[0]]),
           len(descend) + left_out(frames[markers[0]]), depth + 1))
    assert descend[-1].line == lines["descend->spin"]
    assert {f.line for f in descend[:-1]} == {lines["descend->descend"]}
    assert frames[-1].file == path and frames[-1].func == "spin", frames[-1]
    # Any line of spin(): a tick can come as the recursion just reached it.
    assert (lines["spin.def"] <= frames[-1].line
            <= lines["spin.body"]), frames[-1]


def record_attached(args, output_file, options=()):
    """austinc -p attached to the target once it is started, to its end:
    the samples taken as an interpreter starts (importlib churning code
    objects, a few dozen invalid ones on 3.11+ whatever the depth) are not
    what is measured here. Every 2 ms: a few hundred samples of 4096
    frames are enough, and parsing is the slow part of the test."""
    with Running(args) as running:
        result = run_austinc(list(options) + ["-i", "2ms", "-p", running.pid],
                             output_file=output_file)
        running.finish()
    return result, running.pid


@pytest.mark.parametrize("depth", sorted(CASES))
def test_deep_recursion_is_sampled(python, depth, tmp_path):
    path = target("deep.py")
    seconds, in_thread = CASES[depth]
    args = [python.path, path, depth, seconds] + (["thread"] if in_thread else [])
    result, pid = record_attached(args, tmp_path / "deep.txt")
    result.assert_ok()
    samples = [s for s in result.profile.samples
               if s.pid == pid and (s.tid != pid) == in_thread]
    # While the recursion is at the bottom, from the first sample in spin()
    # to the last one (going down and back up takes up to 0.5 s).
    at_leaf = [i for i, s in enumerate(samples) if s.leaf and s.leaf.func == "spin"]
    assert len(at_leaf) >= 20, (
        "%d samples in spin()\n%s" % (len(at_leaf), result.describe()))
    bottom = samples[at_leaf[0]:at_leaf[-1] + 1]
    # A stack read while the recursion goes down or comes back can tear
    # (a slow build reads 4096 frames in tens of ms): those errors are the
    # race, not a refusal. All the others stay under 1 %.
    moving = samples[:at_leaf[0]] + samples[at_leaf[-1] + 1:]
    torn = sum(1 for s in moving if any(f.invalid for f in s.frames))
    total, errors = summary_errors(result)
    assert errors - torn < 0.01 * total, (
        "%d errors in %d samples, %d of them torn while the stack moved\n%s"
        % (errors, total, torn, result.describe()))
    # Most of spin()'s second (a deep sample takes milliseconds, and two
    # tests run at once on a machine of two cores: ticks come late).
    time_us = sum(s.metric for s in bottom)
    assert time_us >= 0.5 * float(seconds) * 1e6, (
        "%dus sampled at the bottom, spin() ran %ss" % (time_us, seconds))
    missing = len(bottom) - len(at_leaf)
    assert missing <= 0.01 * len(bottom), (
        "spin() in %d of %d samples taken at the bottom\n%s"
        % (len(at_leaf), len(bottom),
           "\n".join(s.text[:300] for s in bottom if s.leaf.func != "spin")))
    # A sampler races the program: a sample torn as the recursion comes
    # back is an error (counted above), never a wrong stack.
    whole = [s for s in bottom if s.leaf.func == "spin"
             and not any(f.invalid for f in s.frames)]
    assert len(whole) >= 0.99 * len(at_leaf), (
        "%d of %d samples in spin() have an INVALID frame"
        % (len(at_leaf) - len(whole), len(at_leaf)))
    for s in whole:
        check_bottom_sample(s, python, path, depth, in_thread)

    # The marker is drawn like any frame (metadata lines are not stacks).
    stacks = "\n".join(l for l in result.output.splitlines()
                       if not l.startswith("# "))
    counts = flamegraph_counts(stacks)
    assert any("frames left out]:0;" in stack for stack in counts)
    check_with_flamegraph(stacks, "frames left out", "spin", "start")


def report_stacks(path):
    """{stack: time} of austinc-report's collapsed view of PATH."""
    stacks = {}
    for line in report_collapsed(path).splitlines():
        if line and not line.startswith("#"):
            stack, _, weight = line.rpartition(" ")
            stacks[stack] = int(weight)
    return stacks


def test_marker_is_a_frame_in_mojo_and_the_report(any_python, tmp_path):
    """MOJO carries the marker as a FRAME; austinc-report reads it from both
    formats, and shows the same stacks."""
    path = target("deep.py")
    args = [any_python.path, path, 5000, "0.5"]
    text = tmp_path / "deep.txt"
    mojo = tmp_path / "deep.mojo"
    record_attached(args, text)[0].assert_ok()
    record_attached(args, mojo, ["-b"])[0].assert_ok()

    _, samples = decode_mojo(mojo.read_bytes())
    marked = [s for s in samples if any("frames left out]:0" in f for f in s.frames)]
    assert len(marked) >= 0.5 * len(samples), (
        "%d of %d MOJO samples have the marker" % (len(marked), len(samples)))
    for s in marked:
        assert len(s.frames) == KEEP_INNER + 1 + KEEP_OUTER
        assert re.match(r"^:\[\d+ frames left out\]:0$", s.frames[KEEP_OUTER])

    for recording in (text, mojo):
        stacks = report_stacks(recording)
        deep = [s for s in stacks if "frames left out]:0" in s]
        assert deep, "austinc-report lost the marker of %s" % recording.name
        leaves = {s.rsplit(";", 1)[1].rsplit(":", 2)[1] for s in deep}
        assert leaves <= {"spin", "descend"}, leaves
