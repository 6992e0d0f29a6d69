"""The commands people already type with FlameGraph's flamegraph.pl.

Each output meant for flamegraph.pl is read with its own line rule: every
line a stack and a count, none that it would ignore with "Ignored N lines
with invalid format". Where flamegraph.pl itself is found (FLAMEGRAPH_PL,
or on PATH) it draws each output too, and must print no warning.
"""

import subprocess

import pytest

from helpers import (
    check_with_flamegraph,
    flamegraph_counts,
    report_command,
    run_austinc,
    target,
)

MIB = 1 << 20


def funcs_of(stack):
    """The function names of a folded stack's frames."""
    return [f.rsplit(":", 2)[1] for f in stack.split(";")[2:] if f.count(":") >= 2]


def grand_total(counts, func):
    return sum(c for stack, c in counts.items() if func in funcs_of(stack))


# austinc --folded [mode] python app.py | flamegraph.pl: time in spin() (busy.py),
# or memory grown in grow() / released in shrink() (memory.py).
@pytest.mark.parametrize("options,program,func", [
    (["--folded"], "busy.py", "spin"),
    (["--folded", "-s"], "busy.py", "spin"),
    (["--folded", "-f"], "busy.py", "spin"),
    (["--folded", "-m"], "memory.py", "grow"),
    (["--folded=memory-", "-f"], "memory.py", "shrink"),
], ids=["time", "cpu", "full", "memory-growth", "full-release"])
def test_folded_stream(python, options, program, func):
    args = [python.path, target(program)] + (["1.0"] if program == "busy.py" else ["60"])
    result = run_austinc(options + ["-i", "1ms"] + args).assert_ok()
    counts = flamegraph_counts(result.stdout)
    assert not any(line.startswith("#") for line in result.stdout.splitlines())
    total = grand_total(counts, func)
    if program == "busy.py":
        # spin() is all main() does: its time is what the target itself
        # measured main() to take (time since the thread's previous sample
        # adds up to wall time however few samples a busy machine allows).
        elapsed = float(result.target_info()["elapsed"]) * 1e6
        # The first sample in spin() carries the time since the one before
        # it, from before main() began: a tick held up there adds its gap.
        lines = [l.rpartition(" ") for l in result.stdout.splitlines() if l]
        first = next(int(c) for stack, _, c in lines if func in funcs_of(stack))
        assert 0.85 * elapsed <= total <= 1.1 * elapsed + first, (
            "spin() has %dus, main() took %dus\n%s" % (total, elapsed, result.describe()))
    else:
        assert abs(total - 60 * MIB) <= 0.2 * 60 * MIB, (
            "%s() has %d bytes, it moved 60 MiB\n%s" % (func, total, result.describe()))
    check_with_flamegraph(result.stdout, func)


# austinc-report --collapsed rec | flamegraph.pl, for every metric of a -f
# recording; --diff too.
def test_report_collapsed_streams(python, tmp_path):
    rec = tmp_path / "full.txt"
    run_austinc(["-f", "-i", "1ms", python.path, target("memory.py"), "40"],
                output_file=rec).assert_ok()
    expected = {"time": "grow", "wall": "grow", "cpu": "grow",
                "memory+": "grow", "memory-": "shrink"}
    for metric, func in sorted(expected.items()):
        text = subprocess.check_output(
            report_command("--collapsed", "--metric", metric, rec)).decode()
        counts = flamegraph_counts(text)
        assert grand_total(counts, func) > 0, "%s: nothing in %s()\n%s" % (
            metric, func, text[:800])
        check_with_flamegraph(text, func)
    text = subprocess.check_output(
        report_command("--diff", rec, "--collapsed", rec)).decode()
    counts = flamegraph_counts(text, columns=2)
    assert all(base == new for base, new in counts.values()), (
        "a recording against itself: %r" % text[:800])
    check_with_flamegraph(text, "grow")
