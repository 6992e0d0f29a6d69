"""-w PID: every thread's stack, once, like a traceback; -C adds descendants."""

import os
import re
import signal
import time

from helpers import (
    Frame,
    Running,
    complaints,
    dead_pid,
    expected_lines,
    function_span,
    qualname,
    run_austinc,
    target,
)

PROCESS_RE = re.compile(r"^Process (\d+): Python (\d+\.\d+(?:\.\d+)?)\S* \(([^()]+)\)$")
THREAD_RE = re.compile(r"^  Thread (\d+) \(interpreter (\d+), (running|idle)\)$")
FRAME_RE = re.compile(r"^    (\S.*):(\d+) (\S+)$")


class Process(object):
    def __init__(self, pid, version, shape):
        self.pid, self.version, self.shape = pid, version, shape
        self.threads = []


class Thread(object):
    def __init__(self, tid, iid, status):
        self.tid, self.iid, self.status = tid, iid, status
        self.frames = []


def parse_where(text):
    """-w output -> [Process], each with its threads, each with its frames."""
    processes = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        m = PROCESS_RE.match(line)
        if m:
            processes.append(Process(int(m.group(1)), m.group(2), m.group(3)))
            continue
        m = THREAD_RE.match(line)
        if m and processes:
            processes[-1].threads.append(Thread(int(m.group(1)), int(m.group(2)),
                                                m.group(3)))
            continue
        m = FRAME_RE.match(line)
        if m and processes and processes[-1].threads:
            processes[-1].threads[-1].frames.append(
                Frame(m.group(1), m.group(3), int(m.group(2))))
            continue
        raise AssertionError("-w line %d is not a process, thread or frame: %r\n%s"
                             % (n, line, text))
    return processes


def where(python, pid, *options):
    result = run_austinc(list(options) + ["-w", pid], timeout=30).assert_ok()
    assert "\x1b" not in result.stdout, "colours on a pipe\n" + result.describe()
    assert not complaints(result), result.describe()
    assert result.elapsed < 10, "-w took %.1fs" % result.elapsed
    processes = parse_where(result.stdout)
    for p in processes:
        # The micro version may be unknown (nothing before 3.11 exports it).
        assert python.version_str.startswith(p.version) and p.version.count(".") >= 1, (
            "Python %s, not %s" % (p.version, python.version_str))
        if python.shape == "shared":
            assert p.shape == "shared", "%s is a shared libpython" % python.path
        else:
            assert p.shape != "shared", "%s has the runtime in the executable" % python.path
    return result, processes


def check_where_threads(python, proc, pid, tids):
    """where.py's threads: main sleeping, spin_a and spin_b on TIDS (0: unknown)."""
    path = target("where.py")
    line = expected_lines("where.py")
    assert proc.pid == pid and len(proc.threads) == 3, (
        "expected process %d with 3 threads, got %d with %d" % (
            pid, proc.pid, len(proc.threads)))
    by_leaf = {}
    for t in proc.threads:
        assert t.iid == 0 and t.frames, "thread %d: interpreter %d, %d frames" % (
            t.tid, t.iid, len(t.frames))
        by_leaf[t.frames[-1].func] = t
    assert sorted(by_leaf) == ["main", "spin_a", "spin_b"], (
        "innermost frames: %s" % sorted(by_leaf))

    main = by_leaf["main"]
    assert main.tid == proc.pid and main.status == "idle", (
        "main thread %d is %s" % (main.tid, main.status))
    assert main.frames == [Frame(path, "<module>", line["module->main"]),
                           Frame(path, "main", line["main->sleep"])], (
        "main thread: %s" % main.frames)
    for name, tid in zip(("spin_a", "spin_b"), tids):
        t = by_leaf[name]
        first, last = function_span("where.py", name)
        assert t.frames[-1].file == path and first <= t.frames[-1].line <= last, (
            "%s at %s" % (name, t.frames[-1]))
        outermost = t.frames[0]
        # 2.7's threading.Thread calls it __bootstrap (a private name).
        bootstrap = qualname(python, "Thread._bootstrap",
                             "__bootstrap" if python.version < (3,) else None)
        assert outermost.func == bootstrap and (
            outermost.file.endswith("threading.py")), "outermost first: %s" % t.frames
        assert t.tid != proc.pid and (tid == 0 or t.tid == tid), (
            "%s on thread %d, the target says %d" % (name, t.tid, tid))


def start_where(python, *args):
    proc = Running([python.path, target("where.py"), "30"] + list(args))
    words = proc.proc.stdout.readline().decode().split()
    if not words or words[0] != "tids":
        proc.stop()
        raise AssertionError("where.py said %r after ready" % words)
    # Until main() sleeps: after writing it may wait for the GIL (a futex),
    # then for a CPU, long on a busy machine. The kernel says when it is in
    # its one long sleep (select, pselect6, nanosleep or clock_nanosleep).
    main_syscall = "/proc/%d/task/%d/syscall" % (proc.pid, proc.pid)
    deadline = time.time() + 20
    while True:
        with open(main_syscall) as f:
            number = f.read().split()[0]
        if number in ("23", "270", "35", "230"):
            break
        assert time.time() < deadline, "where.py's main() never went to sleep (syscall %s)" % number
        time.sleep(0.02)
    return proc, [int(w) for w in words[1:]]


def test_where_threads(python):
    proc, tids = start_where(python)
    with proc:
        result, processes = where(python, proc.pid)
        assert proc.alive(), "-w stopped or killed the target\n" + result.describe()
        time.sleep(0.2)
        assert proc.alive(), "the target died after -w"
    assert len(processes) == 1, result.describe()
    check_where_threads(python, processes[0], proc.pid, tids)


def test_where_children(python):
    proc, tids = start_where(python, "child")
    child = tids.pop()
    try:
        with proc:
            _, alone = where(python, proc.pid)
            result, processes = where(python, proc.pid, "-C")
            assert proc.alive() and os.path.exists("/proc/%d" % child)
    finally:
        try:
            os.kill(child, signal.SIGKILL)
        except OSError:
            pass
    assert [p.pid for p in alone] == [proc.pid], "without -C, only the process itself"
    assert sorted(p.pid for p in processes) == sorted([proc.pid, child]), (
        result.describe())
    root = [p for p in processes if p.pid == proc.pid][0]
    check_where_threads(python, root, proc.pid, tids)
    (kid,) = [p for p in processes if p.pid == child]
    assert len(kid.threads) == 1 and kid.threads[0].tid == child, result.describe()
    first, last = function_span("child.py", "child_work")
    leaf = kid.threads[0].frames[-1]
    assert (leaf.file, leaf.func) == (target("child.py"), "child_work") and (
        first <= leaf.line <= last), "the child is in %s" % (leaf,)


def test_where_dead_pid():
    result = run_austinc(["-w", dead_pid()], timeout=10)
    assert result.returncode == 3, result.describe()
    lines = [l for l in result.stderr.splitlines() if l.strip()]
    assert len(lines) == 1 and "no such process" in lines[0].lower(), result.describe()
    assert result.stdout == "", result.describe()
