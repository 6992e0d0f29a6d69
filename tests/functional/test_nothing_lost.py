"""Nothing lost: a full disk leaves a clean recording, a killed austinc one
that is read up to the last write (at most SINK_SYNC_US, 100 ms, behind),
and the summary counts errors per stack as well as per tick.

The full disk is a 256 KiB tmpfs (austinc's tests run as root, as CI
does); without root, a file size limit (prlimit --fsize) stands in for it,
which fails the same writes with EFBIG rather than ENOSPC.
"""

import gzip
import os
import re
import signal
import subprocess
import time

import pytest

from helpers import (
    AUSTINC,
    decode_mojo,
    excerpt,
    footer_samples,
    parse_output,
    Running,
    report_command,
    run_austinc,
    target,
)

CANNOT_WRITE = 7
DISK_BYTES = 256 * 1024
# Options, file name, and how much of the disk is taken already: gzip of
# steady stacks takes some 10 KiB a second, so for it the disk is nearly
# full from the start.
FORMATS = {
    "text": ([], "p.txt", 0),
    "gzip": (["-z"], "p.txt.gz", 224 * 1024),
    "mojo": (["-b"], "p.mojo", 0),
}
SPIN = target("deepspin.py")


@pytest.fixture
def small_disk(tmp_path):
    """A directory on a 256 KiB file system, or None without root."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if os.geteuid() != 0:
        yield None
        return
    subprocess.check_call(["mount", "-t", "tmpfs", "-o",
                           "size=%d" % DISK_BYTES, "tmpfs", str(disk)])
    try:
        yield disk
    finally:
        subprocess.call(["umount", str(disk)])


def fill(disk, tmp_path, taken):
    """(directory, prefix): where to write with taken bytes of the disk
    gone, and what to run austinc under for it (prlimit without root)."""
    if disk is None:
        return tmp_path, ["prlimit", "--fsize=%d" % (DISK_BYTES - taken),
                          "--"]
    if taken:
        with open(str(disk / "taken"), "wb") as f:
            f.write(b"\0" * taken)
    return disk, []


def decode(data, fmt):
    """(metadata, [(leaf function, frames)]) of a whole recording: text
    parsed line by line, gzip inflated member by member (either fails on a
    cut), MOJO event by event (likewise)."""
    if fmt == "gzip":
        data = gzip.decompress(data)
    if fmt == "mojo":
        metadata, samples = decode_mojo(data)
        return metadata, [s.frames for s in samples]
    text = data.decode("utf-8")
    assert text.endswith("\n"), "the recording ends mid-line: %r" % text[-80:]
    profile = parse_output(text)
    return profile.metadata, [[str(f) for f in s.frames]
                              for s in profile.samples]


def functions(frames):
    return [frame.split(":")[-2] for frame in frames]


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_a_full_disk_leaves_a_clean_recording(any_python, small_disk, tmp_path,
                                              fmt):
    options, name, taken = FORMATS[fmt]
    disk, prefix = fill(small_disk, tmp_path, taken)
    out = disk / name
    # Attached to threads already deep in leaf(), which the disk takes in
    # well under the 10 s they spin.
    with Running([any_python.path, SPIN, "10", "4", "40"]) as spinner:
        result = run_austinc(["-i", "100"] + options +
                             ["-o", out, "-p", spinner.pid],
                             prefix=prefix, timeout=30)
    assert result.returncode == CANNOT_WRITE, result.describe()
    reason = "No space left on device" if not prefix else "File too large"
    assert "austinc: cannot write output: %s" % reason in result.stderr, (
        result.describe())
    with open(str(out), "rb") as f:
        data = f.read()
    assert len(data) <= DISK_BYTES - taken
    metadata, stacks = decode(data, fmt)
    # The footer made it, after a line that says the recording is cut.
    assert metadata.get("output") == "cut short by a failed write", metadata
    assert re.match(r"^\d+ \(errors: ", metadata.get("samples", "")), metadata
    assert len(stacks) > 50, "%d samples kept of a full disk" % len(stacks)
    # Every spinner is in leaf() or, for a few ticks after "ready", in the
    # arrive() it calls (the disk fills within milliseconds at -i 100).
    in_leaf = [frames for frames in stacks if "leaf" in functions(frames)]
    assert len(in_leaf) > 0.9 * len(stacks), stacks[-3:]
    # austinc-report reads it as it is: no warning of a cut.
    proc = subprocess.run(report_command("--top", "3", out),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=60)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    assert re.search(r"\bleaf\b", proc.stdout), proc.stdout


def wait_for_bytes(path, proc, timeout=20.0):
    """Wait until PATH holds something (austinc's first write, at its first
    tick)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        if os.path.exists(path) and os.path.getsize(path) > 0:
            return
        time.sleep(0.005)
    pytest.fail("austinc wrote nothing to %s" % path)


def collapsed_time_us(path):
    """({stack: time} of austinc-report --collapsed of PATH, what it said
    on stderr)."""
    proc = subprocess.run(report_command("--collapsed", path),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    times = {}
    for line in proc.stdout.splitlines():
        stack, _, value = line.rpartition(" ")
        times[stack] = int(value)
    return times, proc.stderr


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_a_killed_recording_keeps_all_but_the_last_100ms(any_python, tmp_path,
                                                         fmt):
    options, name, _ = FORMATS[fmt]
    out = tmp_path / name
    proc = subprocess.Popen([AUSTINC, "-i", "100"] + options +
                            ["-o", str(out), any_python.path, SPIN, "3"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    try:
        wait_for_bytes(str(out), proc)
        time.sleep(1.0)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the command austinc left
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    # One thread: its samples' times add up to the time sampled.
    times, warning = collapsed_time_us(out)
    sampled = sum(times.values())
    assert sampled >= 900000, (
        "%d us of samples salvaged from 1 s of sampling\n%s" % (sampled,
                                                                warning))
    leaf = sum(t for stack, t in times.items() if "deepspin.py:leaf:" in stack)
    assert leaf >= 0.5 * sampled, "%d us of them in leaf()" % leaf


def summary_errors(stderr):
    """(ticks with errors, stacks with errors, stacks) from the summary."""
    m = re.search(r"; errors (\d+) \([\d.]+%\), (\d+) of (\d+) stacks "
                  r"\([\d.]+%\)", stderr)
    assert m, "no error counts in the summary:\n%s" % stderr
    return tuple(int(g) for g in m.groups())


def test_errors_are_counted_per_tick_and_per_stack(python, tmp_path):
    out = tmp_path / "p.txt"
    result = run_austinc(["-i", "200", python.path, SPIN, "1", "3", "10"],
                         output_file=out)
    assert result.returncode == 0, result.describe()
    with open(str(out)) as f:
        profile = parse_output(f.read())
    ticks, tick_errors, _, stacks, stack_errors = footer_samples(profile)
    assert summary_errors(result.stderr) == (tick_errors, stack_errors,
                                             stacks)
    assert stacks == len(profile.samples), excerpt(profile.text)
    # A stack error is a stack written with an unreadable frame.
    invalid = sum(1 for s in profile.samples
                  if any(f.invalid for f in s.frames))
    assert stack_errors == invalid
    assert tick_errors <= ticks
    # Three spinners a tick: a tick counts whole, a stack a third.
    assert stacks >= 2 * ticks, (ticks, stacks)
