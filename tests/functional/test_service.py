"""Service mode: a target chosen by --name or --pidfile and followed across
restarts, recordings rotated into complete files, SIGUSR1, SIGHUP and
SIGTERM, and the errors of bad input.

Every recording is checked for what it holds: each file complete (footer
written, readable alone by austinc-report with no warning), the ticks of
all files adding up to the run's summary, the functions of each
incarnation of the service present.
"""

import glob
import gzip
import os
import re
import signal
import subprocess
import time

import pytest

from helpers import (
    AUSTINC,
    DEFAULT_TIMEOUT,
    Running,
    assert_error,
    decode_mojo,
    footer_samples,
    parse_output,
    report_command,
    run_austinc,
    in_stack,
    target,
)

SERVICE = target("service.py")
SUMMARY_RE = re.compile(r"^austinc: [\d.]+ s, (\d+) samples", re.M)
STARTED_RE = re.compile(r"^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)\.(\d{6})Z$")
EVENT_RE = re.compile(r"^(attach|detach) pid=(\d+) t=(\d+)us(?: python=(.+))?$")


class Sampler(object):
    """austinc running in the background, to be signalled."""

    def __init__(self, args):
        self.args = [AUSTINC] + [str(a) for a in args]
        self.proc = subprocess.Popen(self.args, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     start_new_session=True)
        self.stdout = self.stderr = ""

    def signal(self, signum):
        self.proc.send_signal(signum)

    def wait(self, timeout=DEFAULT_TIMEOUT):
        try:
            out, err = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            out, err = self.proc.communicate()
            pytest.fail("austinc did not finish within %ss\n%s" % (
                timeout, err.decode("utf-8", "replace")))
        self.stdout = out.decode("utf-8", "replace")
        self.stderr = err.decode("utf-8", "replace")
        return self.proc.returncode

    def summary_ticks(self):
        m = SUMMARY_RE.search(self.stderr)
        assert m, "no summary on stderr:\n" + self.stderr
        return int(m.group(1))

    def describe(self):
        return "$ %s\nexit status %s\n--- stderr ---\n%s" % (
            " ".join(self.args), self.proc.returncode, self.stderr)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.communicate()
        return False


class Recording(object):
    """One file's metadata, footer ticks and (text) samples."""

    def __init__(self, path):
        self.path = path
        with open(path, "rb") as f:
            data = f.read()
        if path.endswith(".gz"):
            data = gzip.decompress(data)
        if data[:3] == b"MOJ":
            self.metadata, samples = decode_mojo(data)
            self.n_stacks = len(samples)
            self.times = [s.time[0] for s in samples]
            self.frames = [f for s in samples for f in s.frames]
            self.ticks = int(self.metadata["samples"].split()[0])
            self.events = []  # not compared in MOJO here
        else:
            profile = parse_output(data.decode("utf-8"))
            self.metadata = profile.metadata
            self.n_stacks = len(profile.samples)
            self.times = [s.metric for s in profile.samples]
            self.frames = ["%s:%s" % (f.file, f.func)
                           for s in profile.samples for f in s.frames]
            self.ticks = footer_samples(profile)[0]
            self.samples = profile.samples
            self.events = [EVENT_RE.match(line[len("# event: "):]).groups()
                           for line in profile.metadata_lines
                           if line.startswith("# event: ")]
        assert "duration" in self.metadata, "%s: no footer" % path
        self.started_us = started_us(self.metadata["started"])
        self.duration_us = int(self.metadata["duration"].rstrip("us"))


def started_us(text):
    """'2026-12-05T16:15:00.123456Z' -> microseconds since the epoch."""
    import calendar
    m = STARTED_RE.match(text)
    assert m, "bad started line %r" % text
    y, mo, d, h, mi, s, us = (int(g) for g in m.groups())
    return calendar.timegm((y, mo, d, h, mi, s)) * 1000000 + us


def read_alone(path):
    """austinc-report reads PATH by itself: exit 0 and no warning."""
    cmd = report_command("--top", "5", path)
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=DEFAULT_TIMEOUT, universal_newlines=True)
    assert proc.returncode == 0 and not proc.stderr.strip(), (
        "$ %s\nexit %d\n%s" % (" ".join(cmd), proc.returncode, proc.stderr))
    return proc.stdout


def check_complete_files(paths, sampler):
    """Each file complete and readable alone, none hidden left behind, the
    files' ticks the run's, and one file beginning where the one before
    ended (no longer between them than the run's longest tick gap)."""
    assert paths, "no recording\n" + sampler.describe()
    directory = os.path.dirname(paths[0])
    assert not glob.glob(os.path.join(directory, ".*")), (
        "a hidden file is left: %s" % os.listdir(directory))
    recordings = sorted((Recording(p) for p in paths), key=lambda r: r.started_us)
    for r in recordings:
        read_alone(r.path)
    total = sum(r.ticks for r in recordings)
    assert total == sampler.summary_ticks(), (
        "the files hold %s ticks, the run took %d\n%s" % (
            [r.ticks for r in recordings], sampler.summary_ticks(), sampler.describe()))
    longest_tick = max(t for r in recordings for t in r.times)
    for before, after in zip(recordings, recordings[1:]):
        gap = after.started_us - (before.started_us + before.duration_us)
        assert -1000 <= gap <= longest_tick + 1000, (
            "%s ends %dus before %s begins (the longest tick took %dus)" % (
                before.path, gap, after.path, longest_tick))
    return recordings


# --------------------------------------------------------------------------
# Following a service that restarts
# --------------------------------------------------------------------------

INCARNATIONS = 4
RUN_S = 0.6
RESTART_S = 0.3


def restart_service(python, pidfile, tag, until_attached=None):
    """Run INCARNATIONS of service.py one after the other, RESTART_S apart;
    the PIDs. until_attached(pid) waits for austinc to be sampling pid."""
    pids = []
    for n in range(1, INCARNATIONS + 1):
        proc = subprocess.Popen([python.path, SERVICE, str(n), str(RUN_S),
                                 pidfile or "-", tag], stderr=subprocess.DEVNULL)
        pids.append(proc.pid)
        assert proc.wait(timeout=DEFAULT_TIMEOUT) == 0
        time.sleep(RESTART_S)
    return pids


def follow_and_check(python, tmp_path, how):
    tag = "austinc-service-%s-%d" % (how, os.getpid())
    pidfile = str(tmp_path / "service.pid")
    out = tmp_path / "followed.txt"
    chooser = (["--pidfile", pidfile] if how == "pidfile"
               else ["--name", "service\\.py [0-9].* %s$" % re.escape(tag)])
    with Sampler(chooser + ["--follow", "-t", "20s", "-o", out]) as sampler:
        pids = restart_service(python, pidfile if how == "pidfile" else None, tag)
        time.sleep(0.5)  # the last loss is seen within a poll (0.1 s)
        sampler.signal(signal.SIGTERM)
        assert sampler.wait() == 0, sampler.describe()
    (recording,) = check_complete_files([str(out)], sampler)
    # The header names the command line of the process found first.
    assert SERVICE in recording.metadata.get("command", ""), recording.metadata
    attached = [int(pid) for kind, pid, t, py in recording.events if kind == "attach"]
    detached = [int(pid) for kind, pid, t, py in recording.events if kind == "detach"]
    assert attached == pids and detached == pids, (
        "attach %s, detach %s, the service ran as %s\n%s" % (
            attached, detached, pids, sampler.describe()))
    # Before 3.11 the interpreter is known by major.minor only.
    minor = "%d.%d" % tuple(python.version[:2])
    assert all(py and py.startswith(minor)
               for kind, pid, t, py in recording.events if kind == "attach"), recording.events
    times = [int(t) for kind, pid, t, py in recording.events]
    assert times == sorted(times), recording.events
    for n, pid in enumerate(pids, 1):
        mine = [s for s in recording.samples if s.pid == pid]
        funcs = {f.func for s in mine for f in s.frames if f.file == SERVICE}
        assert "incarnation_%d" % n in funcs and "spin" in funcs, (
            "incarnation %d (pid %d): functions %s\n%s" % (
                n, pid, sorted(funcs), sampler.describe()))
        spun = sum(s.metric for s in mine
                   if any(f.func == "incarnation_%d" % n for f in s.frames))
        assert spun >= 0.5 * RUN_S * 1e6, (
            "%dus of incarnation %d sampled, it ran %.1f s" % (spun, n, RUN_S))


def test_follow_by_name_through_restarts(python, tmp_path):
    follow_and_check(python, tmp_path, "name")


def test_follow_by_pidfile_through_restarts(any_python, tmp_path):
    follow_and_check(any_python, tmp_path, "pidfile")


def test_exit_time_bounds_the_whole_followed_run(any_python, tmp_path):
    """-x 1.5s with --follow: austinc ends 1.5 s after it began, whichever
    incarnation it is sampling then, with a complete file (exit 0)."""
    pidfile = str(tmp_path / "service.pid")
    out = tmp_path / "bounded.txt"
    start = time.time()
    with Sampler(["--pidfile", pidfile, "--follow", "-t", "20s", "-x", "1.5s",
                  "-o", out]) as sampler:
        restart_service(any_python, pidfile, "austinc-bounded")
        assert sampler.wait() == 0, sampler.describe()
    (recording,) = check_complete_files([str(out)], sampler)
    duration_s = recording.duration_us / 1e6
    assert 1.4 <= duration_s <= 2.5, "ran %.2f s\n%s" % (duration_s, sampler.describe())
    attached = [pid for kind, pid, t, py in recording.events if kind == "attach"]
    # Four incarnations take 3.6 s: the run ended during the second or third.
    assert 1 <= len(attached) < INCARNATIONS, (recording.events, time.time() - start)


def test_name_with_children_samples_the_master_and_its_workers(python, tmp_path):
    """--name -C: the workers share the master's command line; the oldest
    match (the master) is the target and its workers are sampled too."""
    master = target("master.py")
    tag = "austinc-master-%d" % os.getpid()
    with Running([python.path, master, "1.5", tag]) as running:
        result = run_austinc(["--name", "master\\.py .* %s$" % re.escape(tag),
                              "-C", "-i", "1ms"]).assert_ok()
        running.finish()
        err = running.proc.stderr.read().decode()
    workers = {int(p) for p in re.search(r"workers ([\d,]+)", err).group(1).split(",")}
    by_pid = {}
    for s in result.profile.samples:
        by_pid.setdefault(s.pid, []).append(s)
    assert any(in_stack(s, master, "supervise") for s in by_pid.get(running.pid, [])), (
        "the master %d was not the target\n%s" % (running.pid, result.describe()))
    for pid in workers:
        assert any(in_stack(s, master, "worker") for s in by_pid.get(pid, [])), (
            "worker %d not sampled\n%s" % (pid, result.describe()))


def test_name_matching_processes_started_together_is_refused(tmp_path):
    """Two matches with one start time: neither is "the oldest"."""
    tag = "0.%d" % os.getpid()
    for attempt in range(5):
        shell = subprocess.Popen(
            ["sh", "-c", "sleep 30 %s & sleep 30 %s & wait" % (tag, tag)],
            start_new_session=True)
        try:
            pids = wait_for_children(shell.pid, 2)
            began = {start_ticks(pid) for pid in pids}
            if len(began) == 1:  # forked within one clock tick
                result = run_austinc(["--name", "^sleep 30 %s$" % re.escape(tag)])
                assert_error(result, 3, "several processes match",
                             *[str(p) for p in pids])
                return
        finally:
            os.killpg(shell.pid, signal.SIGKILL)
            shell.wait()
    pytest.fail("two processes never started within one clock tick")


def wait_for_children(pid, count):
    deadline = time.time() + DEFAULT_TIMEOUT
    while time.time() < deadline:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            children = [int(c) for c in f.read().split()]
        if len(children) == count:
            # Exec'd: the command line is sleep's, not the shell's.
            if all(open("/proc/%d/cmdline" % c, "rb").read().startswith(b"sleep")
                   for c in children):
                return children
        time.sleep(0.01)
    pytest.fail("the shell did not start %d children" % count)


def start_ticks(pid):
    """Field 22 of /proc/PID/stat: when it started, in clock ticks."""
    with open("/proc/%d/stat" % pid) as f:
        return int(f.read().rsplit(")", 1)[1].split()[19])


# --------------------------------------------------------------------------
# Rotation
# --------------------------------------------------------------------------

FORMATS = {"text": ("p-%Y%m%dT%H%M%S.txt", []),
           "gzip": ("p-%Y%m%dT%H%M%S.txt.gz", []),
           "mojo": ("p-%Y%m%dT%H%M%S.mojo", ["-b"])}


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_rotation_writes_complete_files(any_python, tmp_path, fmt):
    pattern, extra = FORMATS[fmt]
    runs = tmp_path / "runs"
    runs.mkdir()
    with Sampler(extra + ["--rotate", "1s", "-x", "5s", "-o", runs / pattern,
                          any_python.path, target("busy.py"), "6"]) as sampler:
        assert sampler.wait() == 0, sampler.describe()
    paths = sorted(str(p) for p in runs.iterdir())
    recordings = check_complete_files(paths, sampler)
    # 5 s in 1 s periods: five files and perhaps the few ticks of a sixth.
    full = [r for r in recordings if r.duration_us >= 900000]
    assert len(full) >= 4 and len(recordings) <= 6, (
        [(r.path, r.duration_us) for r in recordings])
    for r in full:
        assert any("busy.py:spin" in f for f in r.frames), r.path
        assert 900000 <= r.duration_us <= 1500000, (r.path, r.duration_us)


def test_rotation_keeps_the_newest(any_python, tmp_path):
    runs = tmp_path / "runs"
    runs.mkdir()
    with Sampler(["--rotate", "500ms", "--keep", "2", "-x", "2.8s",
                  "-o", runs / "p-%H%M%S.txt",
                  any_python.path, target("busy.py"), "4"]) as sampler:
        assert sampler.wait() == 0, sampler.describe()
    names = sorted(os.listdir(str(runs)))
    assert len(names) == 2, names
    recordings = [Recording(str(runs / n)) for n in names]
    for r in recordings:
        read_alone(r.path)
    # The two kept are the last two: the second ends the run.
    last = max(recordings, key=lambda r: r.started_us)
    assert last.started_us + last.duration_us >= max(
        r.started_us for r in recordings), names


# --------------------------------------------------------------------------
# Signals
# --------------------------------------------------------------------------


def test_sigusr1_sets_aside_complete_recordings(any_python, tmp_path):
    runs = tmp_path / "runs"
    runs.mkdir()
    out = runs / "p.txt"
    with Sampler(["-o", out, any_python.path, target("busy.py"), "2.5"]) as sampler:
        time.sleep(1.0)
        sampler.signal(signal.SIGUSR1)
        time.sleep(0.5)
        sampler.signal(signal.SIGUSR1)
        assert sampler.wait() == 0, sampler.describe()
    paths = sorted(str(p) for p in runs.iterdir())
    assert len(paths) == 3 and str(out) in paths, paths
    set_aside = [p for p in paths if p != str(out)]
    assert all(re.search(r"/p\.\d{8}T\d{6}(-\d+)?\.txt$", p) for p in set_aside), paths
    recordings = check_complete_files(paths, sampler)
    assert recordings[-1].path == str(out), "the run ends in -o"
    assert all(any("busy.py:spin" in f for f in r.frames) for r in recordings)


def test_sighup_reopens_the_output(any_python, tmp_path):
    out = tmp_path / "p.txt"
    moved = tmp_path / "p.txt.1"
    with Sampler(["-o", out, any_python.path, target("busy.py"), "2"]) as sampler:
        time.sleep(1.0)
        os.rename(str(out), str(moved))
        sampler.signal(signal.SIGHUP)
        assert sampler.wait() == 0, sampler.describe()
    recordings = check_complete_files([str(moved), str(out)], sampler)
    assert [r.path for r in recordings] == [str(moved), str(out)]


def test_sigterm_finishes_the_file_and_exits_0(any_python, tmp_path):
    pidfile = tmp_path / "service.pid"
    service = subprocess.Popen([any_python.path, SERVICE, "1", "10", str(pidfile)],
                               stderr=subprocess.DEVNULL)
    try:
        out = tmp_path / "p.txt.gz"
        with Sampler(["--pidfile", pidfile, "--follow", "-o", out]) as sampler:
            time.sleep(1.5)
            sampler.signal(signal.SIGTERM)
            assert sampler.wait() == 0, sampler.describe()
        (recording,) = check_complete_files([str(out)], sampler)
        assert any("incarnation_1" in f for f in recording.frames)
        assert service.poll() is None, "the service must not be touched"
    finally:
        service.kill()
        service.wait()


# --------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------


def test_no_match_is_exit_3(tmp_path):
    result = run_austinc(["--name", "no-such-process-[0-9]{12}",
                          "--rotate", "1m", "-o", tmp_path / "p-%H%M.txt"])
    assert_error(result, 3, "no process matches")
    # Nothing was recorded: no file, and no hidden one left behind.
    assert sorted(os.listdir(tmp_path)) == [], os.listdir(tmp_path)


def test_follow_waits_for_a_match_within_the_timeout():
    result = run_austinc(["--name", "no-such-process-[0-9]{12}", "--follow", "-t", "1s"])
    assert_error(result, 3, "no process matches")
    assert 1.0 <= result.elapsed < 10.0, result.describe()


@pytest.mark.parametrize("content", ["garbage\n", "12x\n", "-4\n"])
def test_pidfile_with_garbage_is_exit_3(tmp_path, content):
    pidfile = tmp_path / "bad.pid"
    pidfile.write_text(content)
    result = run_austinc(["--pidfile", pidfile])
    assert_error(result, 3, str(pidfile), "no PID")


def test_rotation_into_a_directory_that_cannot_be_made(any_python, tmp_path):
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("")
    result = run_austinc(["--rotate", "1s", "-o", not_a_dir / "p-%H%M%S.txt",
                          any_python.path, "-c", "pass"])
    assert_error(result, 7, "cannot open output", "not a directory")
