"""A target in another mount namespace, profiled from the host.

The target's interpreter (and its libpython) sits at a path that exists only
inside a private mount namespace: a tmpfs is mounted over an empty directory
of the test, and inside it the interpreter's pyenv prefix is bind-mounted (or,
for an interpreter with the runtime in its executable, the executable is
copied). From the host that path does not exist, so austinc can only read the
binaries through /proc/PID/root.
"""

import os
import re
import select
import shutil
import subprocess
import time

import pytest

from helpers import (
    Frame,
    complaints,
    expected_lines,
    loop_lines,
    frame_matches,
    run_austinc,
    target,
)

# $1: the mount point (exists on the host, empty), $2: what to expose inside,
# $3: "bind" (a prefix directory) or "copy" (an executable), $4: the
# interpreter's path relative to the prefix; the rest: its arguments.
_NS_SCRIPT = r"""
set -e
ns="$1"; src="$2"; mode="$3"; exe="$4"; shift 4
mount -t tmpfs austinc-ns "$ns"
mkdir "$ns/prefix"
if [ "$mode" = bind ]; then
    mount --bind "$src" "$ns/prefix"
    # RUNPATH names the host prefix: load libpython from the private path.
    LD_LIBRARY_PATH="$ns/prefix/lib"
    export LD_LIBRARY_PATH
else
    mkdir -p "$ns/prefix/$(dirname "$exe")"
    cp "$src" "$ns/prefix/$exe"
    PYTHONHOME=/usr
    export PYTHONHOME
fi
exec "$ns/prefix/$exe" "$@"
"""

_WHERE_FRAME_RE = re.compile(r"^    (\S.*):(\d+) (\S+)$")


def _unshare():
    path = shutil.which("unshare")
    if path is None:
        pytest.fail("unshare(1) (util-linux) is required for this test and is missing")
    probe = subprocess.run([path, "--mount", "--propagation", "private", "true"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           universal_newlines=True, timeout=20)
    if probe.returncode != 0:
        pytest.fail("cannot create a mount namespace (this test must run as root, "
                    "uid %d here): unshare --mount: %s"
                    % (os.getuid(), probe.stderr.strip() or "exit %d" % probe.returncode))
    return path


def _layout(python):
    """(source, mode, path of the interpreter relative to the prefix)."""
    real = os.path.realpath(python.path)
    if python.shape == "shared":
        prefix = os.path.dirname(os.path.dirname(real))
        return prefix, "bind", os.path.relpath(real, prefix)
    return real, "copy", os.path.join("bin", os.path.basename(real))


class NamespacedSleeper(object):
    def __init__(self, python, mount_point, seconds):
        source, mode, exe = _layout(python)
        self.exe_inside = os.path.join(mount_point, "prefix", exe)
        self.args = [_unshare(), "--mount", "--propagation", "private",
                     "sh", "-c", _NS_SCRIPT, "sh", mount_point, source, mode, exe,
                     target("sleeper.py"), str(seconds)]
        self.proc = subprocess.Popen(self.args, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.pid = self.proc.pid  # unshare and sh exec: the same process
        ready, _, _ = select.select([self.proc.stdout], [], [], 20)
        line = self.proc.stdout.readline().decode() if ready else ""
        if not line.startswith("ready "):
            if self.proc.poll() is None:
                self.proc.kill()
            err = self.proc.communicate(timeout=10)[1].decode("utf-8", "replace")
            pytest.fail("the namespaced target did not get ready (got %r)\n"
                        "$ %s\n--- stderr ---\n%s" % (line, " ".join(self.args), err))
        assert int(line.split()[1]) == self.pid, line

    def alive(self):
        return self.proc.poll() is None

    def finish(self, timeout=10):
        if not self.proc.stdin.closed:
            self.proc.stdin.close()
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.proc.poll() is None:
            self.proc.kill()
        for f in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            f.close()
        self.proc.wait(timeout=10)
        return False


def _private_binary(python, pid):
    """The path the target maps its runtime from, as /proc/PID/maps says."""
    with open("/proc/%d/maps" % pid) as f:
        paths = set(l.split(None, 5)[5].strip() for l in f if len(l.split(None, 5)) == 6)
    if python.shape == "shared":
        found = [p for p in paths if "libpython" in os.path.basename(p)]
        assert found, "no libpython in /proc/%d/maps: %s" % (pid, sorted(paths))
        return found[0]
    return os.readlink("/proc/%d/exe" % pid)


def test_profile_across_mount_namespace(python, tmp_path):
    path = target("sleeper.py")
    line = expected_lines("sleeper.py")
    mount_point = str(tmp_path / "ns")
    os.mkdir(mount_point)
    out = tmp_path / "profile.txt"

    with NamespacedSleeper(python, mount_point, 20) as proc:
        exe = os.readlink("/proc/%d/exe" % proc.pid)
        assert exe == proc.exe_inside, "the target runs %s, not %s" % (
            exe, proc.exe_inside)
        binary = _private_binary(python, proc.pid)
        assert binary.startswith(mount_point + os.sep), (
            "the runtime comes from %s, outside the namespace's private %s"
            % (binary, mount_point))
        assert not os.path.exists(binary), (
            "%s exists on the host: the test proves nothing" % binary)
        assert os.listdir(mount_point) == [], "the private tmpfs leaked to the host"

        time.sleep(0.2)
        result = run_austinc(["-x", "1", "-p", proc.pid], output_file=out, timeout=30)
        result.assert_ok(0)
        where = run_austinc(["-w", proc.pid], timeout=30)
        where.assert_ok(0)
        assert proc.alive(), "the target did not survive\n" + result.describe()
        assert proc.finish() == 0, "the target did not exit cleanly"

    profile = result.profile
    main = [s for s in profile.samples if s.tid == proc.pid]
    assert main, "no sample of the main thread\n" + result.describe()
    assert all(s.pid == proc.pid for s in profile.samples), result.describe()
    work = Frame(path, "work", loop_lines(line, "work"))
    assert any(s.leaf and frame_matches(s.leaf, work) for s in main), (
        "never sampled in work()\n" + result.describe())
    assert any(f.file == path and f.func == "main" for s in main for f in s.frames), (
        "never sampled in main()\n" + result.describe())

    assert not complaints(where), where.describe()
    frames = [_WHERE_FRAME_RE.match(l) for l in where.stdout.splitlines()]
    frames = [(m.group(1), m.group(3)) for m in frames if m]
    assert (path, "main") in frames and (path, "watch_stdin") in frames, (
        "-w misses sleeper.py's main or watch_stdin\n" + where.describe())
