"""Launching commands: wrappers, short programs, exit statuses, options."""

import os
import re
import signal
import concurrent.futures

import pytest

from helpers import (
    PYENV_ROOT,
    Frame,
    assert_mostly,
    expected_lines,
    frame_matches,
    interval_us,
    loop_lines,
    run_austinc,
    stack_matches,
    target,
)


def test_launch_through_pyenv_shim(python):
    """pyenv's python3 shim is a bash script that execs Python later."""
    if python.origin != "pyenv":
        pytest.skip("%s is not a pyenv interpreter: no shim to go through" % python.path)
    shim = os.path.join(PYENV_ROOT, "shims", os.path.basename(python.path))
    if not os.access(shim, os.X_OK):
        pytest.skip("no pyenv shim %s" % shim)
    path = target("busy.py")
    line = expected_lines("busy.py")
    # The shim runs pyenv (a dozen processes) before it execs Python: on a
    # busy machine that has taken 5 s, past the default 3 s timeout. What
    # is tested is that austinc finds Python behind it, not how soon.
    result = run_austinc(["-t", "30s", shim, path, "1.0"],
                         env={"PYENV_VERSION": python.pyenv_version}).assert_ok()
    profile = result.profile
    pid = result.target_pid()
    ours = [s for s in profile.samples if s.pid == pid]
    assert ours, "no sample of the Python process %d\n%s" % (pid, result.describe())
    # busy.py's spin() ran about as long as main() says: austinc, through
    # the shim, must have seen most of it (interpreter start-up, and the
    # writes to stderr around it, which a busy machine stretches, are no
    # part of it).
    spin = [s for s in ours if s.leaf is not None and s.leaf.file == path
            and any(f.func == "spin" for f in s.frames)]
    seen = sum(s.metric for s in spin) / 1e6
    elapsed = float(result.target_info()["elapsed"])
    assert seen >= 0.8 * elapsed, (
        "%.3fs of busy.py sampled, its main() ran %.3fs\n%s" % (seen, elapsed,
                                                                  result.describe()))
    assert_mostly(spin,
                  lambda s: stack_matches(s.frames, [
                      Frame(path, "<module>", line["module->main"]),
                      Frame(path, "main", line["main->spin"]),
                      Frame(path, "spin", loop_lines(line, "spin"))]),
                  0.90, "busy.py stack through the shim", result)


RUNS = 30
PARALLEL = 3
# short.py's own run time in ms, cycled over the launches: some end during
# interpreter start-up, while austinc is still looking for the runtime.
WORK_MS = (10, 0, 10, 2, 10, 5)


def test_repeated_short_launches(python):
    """A few-millisecond program, stdout piped, launched many times: never fails."""
    path = target("short.py")
    line = expected_lines("short.py")

    def once(i):
        ms = WORK_MS[i % len(WORK_MS)]
        return ms, run_austinc([python.path, path, str(ms)], timeout=30)

    with concurrent.futures.ThreadPoolExecutor(PARALLEL) as pool:
        results = list(pool.map(once, range(RUNS)))

    failed = [r for _, r in results if r.returncode != 0]
    assert not failed, "%d of %d launches failed; first:\n%s" % (
        len(failed), RUNS, failed[0].describe())
    work = loop_lines(line, "work")
    longest = [r for ms, r in results if ms == max(WORK_MS)]
    sampled = 0
    for ms, r in results:
        profile = r.profile  # fails the test on a bad line
        assert "duration" in profile.metadata, (
            "output of a launch has no '# duration' footer\n" + r.describe())
        if ms == max(WORK_MS) and any(
                f.file == path and f.func == "work" and f.line in work
                for s in profile.samples for f in s.frames):
            sampled += 1
    assert sampled >= len(longest) // 2, (
        "short.py's %dms of work was sampled in only %d of %d launches"
        % (max(WORK_MS), sampled, len(longest)))


@pytest.mark.parametrize("how,number,status", [
    ("status", 3, 3),
    ("status", 0, 0),
    ("signal", signal.SIGTERM, 128 + signal.SIGTERM),
], ids=["exit3", "exit0", "sigterm"])
def test_exit_status_propagates(python, how, number, status):
    path = target("exits.py")
    line = expected_lines("exits.py")
    result = run_austinc([python.path, path, how, str(int(number)), "0.3"])
    result.assert_ok(status)
    profile = result.profile
    assert "duration" in profile.metadata, "output not finished\n" + result.describe()
    spin = Frame(path, "spin", loop_lines(line, "spin"))
    # exits.py spins 0.3 s before it ends: austinc must have sampled it
    # there, unless the run shows it could not. A busy machine has held an
    # ASan build off the CPU for 0.4 s in one sample, and austinc off the
    # CPU between two ticks: the sample after such a gap has a time that
    # long, or, when the program ended meanwhile, there is none and the
    # samples' times fall short of the duration by as much.
    longest = re.search(r"(\d+)ns max", profile.metadata.get("sampling", ""))
    assert longest, "no '# sampling:' footer\n" + result.describe()
    times = [s.metric for s in profile.samples]
    duration = profile.duration_us()
    held_off = max(times + [duration - sum(times)])
    if (int(longest.group(1)) < 0.3e9 and held_off < 0.25e6
            and duration >= 0.3e6):
        assert any(s.leaf and frame_matches(s.leaf, spin) for s in profile.samples), (
            "exits.py was not sampled before it ended\n" + result.describe())


# --------------------------------------------------------------------------
# Options that do not depend on the interpreter: run once
# --------------------------------------------------------------------------


@pytest.mark.parametrize("value,expected_us", [("10ms", 10000), ("10000", 10000),
                                               ("10000us", 10000)])
def test_interval_option(any_python, value, expected_us):
    path = target("busy.py")
    result = run_austinc(["-i", value, any_python.path, path, "1.0"]).assert_ok()
    profile = result.profile
    assert interval_us(profile.metadata.get("interval")) == expected_us
    pid = result.target_pid()
    main = [s for s in profile.samples if s.tid == pid]
    duration = profile.duration_us()
    assert main, "no samples\n" + result.describe()
    most = duration / expected_us + 2
    assert len(main) <= most, "%d samples of the main thread in %dus at %dus" % (
        len(main), duration, expected_us)
    # A busy machine delays ticks (never hastens them): the count says
    # little, but the ticks that came on time are the interval apart.
    gaps = sorted(s.metric for s in main)
    assert gaps[len(gaps) // 10] <= 1.5 * expected_us, (
        "the shortest tenth of the gaps between samples reach %dus at %dus" % (
            gaps[len(gaps) // 10], expected_us))
    average = sum(s.metric for s in main) / float(len(main))
    assert average >= 0.9 * expected_us, "average time metric %.0fus < interval %dus" % (
        average, expected_us)


def test_pipe_option_drops_summary(any_python):
    path = target("busy.py")

    def foreign(result):
        return [l for l in result.stderr.splitlines()
                if l.strip() and not l.startswith("target: ")]

    plain = run_austinc([any_python.path, path, "0.3"]).assert_ok()
    assert foreign(plain), "no summary on stderr without -P\n" + plain.describe()

    piped = run_austinc(["-P", any_python.path, path, "0.3"]).assert_ok()
    assert foreign(piped) == [], "-P must not write a summary\n" + piped.describe()
    assert piped.profile.samples, "no samples with -P\n" + piped.describe()
    assert "duration" in piped.profile.metadata
