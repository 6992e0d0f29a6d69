"""Every error a user can cause: one 'austinc: ' line and its exit code.

These do not depend on the interpreter and run once (those that need a
Python process use a supported one).
"""

import os
import shutil
import subprocess

import pytest

from helpers import (
    AUSTINC,
    INTERPRETERS,
    Running,
    assert_error,
    dead_pid,
    run_austinc,
    sleeper,
    target,
)

USAGE_ERROR = 2
NO_SUCH_PROCESS = 3
PERMISSION_DENIED = 4
NOT_PYTHON = 5
UNSUPPORTED_VERSION = 6
CANNOT_WRITE = 7
CANNOT_EXECUTE = 126
NOT_FOUND = 127


@pytest.mark.parametrize("args,needles", [
    (["--no-such-option", "true"], [("no-such-option", "unrecognized", "unknown")]),
    (["-i", "10x", "true"], [("10x", "interval")]),
    (["-i", "-5", "true"], [("-5", "interval")]),
    (["-i", "", "true"], [("interval",)]),
    (["-t", "soon", "true"], [("soon", "timeout")]),
    (["-x", "abc", "-p", "1"], [("abc", "exposure")]),
    (["-p", "abc"], [("abc", "pid")]),
    (["-p", "-3"], [("-3", "pid")]),
    (["-i"], []),
    ([], []),
    (["-i", "100"], []),
    (["-P"], []),
], ids=["unknown-option", "interval-10x", "interval-negative", "interval-empty",
        "timeout-word", "exposure-word", "pid-word", "pid-negative",
        "interval-missing-value", "nothing", "no-command", "no-command-pipe"])
def test_bad_usage(args, needles):
    result = run_austinc(args, timeout=10)
    assert_error(result, USAGE_ERROR, *needles)


def test_pid_and_command_together(any_python):
    result = run_austinc(["-p", os.getpid(), any_python.path, "-c", "pass"], timeout=10)
    assert_error(result, USAGE_ERROR)


def test_command_not_found():
    result = run_austinc(["no-such-command-for-austinc-tests"], timeout=10)
    assert_error(result, NOT_FOUND, "not found")
    result = run_austinc(["/nonexistent/dir/python3"], timeout=10)
    assert_error(result, NOT_FOUND, "not found")


def test_command_not_executable(tmp_path):
    script = tmp_path / "not-executable.py"
    script.write_text(u"#!/usr/bin/python3\nprint('hello')\n")
    os.chmod(str(script), 0o644)
    result = run_austinc([str(script)], timeout=10)
    assert_error(result, CANNOT_EXECUTE)


def test_no_such_pid():
    pid = dead_pid()
    result = run_austinc(["-p", pid], timeout=10)
    assert_error(result, NO_SUCH_PROCESS, "no such process")


def _nobody_prefix():
    for prefix in (["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"],
                   ["runuser", "-u", "nobody", "--"]):
        try:
            ok = subprocess.run(prefix + ["test", "-x", AUSTINC], timeout=10,
                                stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL).returncode == 0
        except (OSError, subprocess.TimeoutExpired):
            continue
        if ok:
            return prefix
    return None


def test_permission_denied(any_python):
    if os.geteuid() != 0:
        pytest.skip("needs root to run a process that user nobody cannot read")
    prefix = _nobody_prefix()
    if prefix is None:
        pytest.skip("user nobody cannot execute %s (or no setpriv/runuser)" % AUSTINC)
    with sleeper(any_python, 15) as proc:
        result = run_austinc(["-x", "1", "-p", proc.pid], prefix=prefix, timeout=20)
        assert_error(result, PERMISSION_DENIED, ("root", "cap_sys_ptrace"))
        assert proc.alive(), "the target died"
        assert proc.finish() == 0


def test_launch_not_python():
    result = run_austinc(["-t", "300ms", "sleep", "3"], timeout=20)
    assert_error(result, NOT_PYTHON, "python")
    assert result.elapsed < 2.5, "-t 300ms but austinc took %.2fs" % result.elapsed


@pytest.mark.parametrize("command", [["true"], ["sh", "-c", "sleep 0.01"]],
                         ids=["true", "sh-sleep"])
def test_launch_not_python_exits_early(command):
    """A command that ends before the timeout without a runtime: still 'not Python'."""
    for _ in range(8):
        result = run_austinc(["-t", "1s"] + command, timeout=20)
        assert_error(result, NOT_PYTHON, "python")


def test_attach_not_python():
    with Running(["sleep", "30"], wait_ready=False) as proc:
        result = run_austinc(["-t", "300", "-p", proc.pid], timeout=20)
        assert_error(result, NOT_PYTHON, "python")
        assert result.elapsed < 2.5, "-t 300 but austinc took %.2fs" % result.elapsed
        assert proc.alive(), "austinc must leave a process it attached to running"


def _renamed_python(tmp_path):
    """[env, LD_PRELOAD=..., python]: a CPython 3.6-3.10 whose libpython is
    a copy named for 3.5, a version austinc has no layout for.

    Before 3.11 the version is read from the library's file name, so this
    is what an unsupported version looks like to austinc: a real runtime,
    under a name it cannot read. The copy keeps its soname, so the loader
    takes the preloaded file for the library the executable needs."""
    for interp in INTERPRETERS:
        if (interp.implementation != "CPython" or interp.shape != "shared"
                or not (3, 6) <= interp.minor <= (3, 10)):
            continue
        maps = subprocess.run(
            [interp.path, "-c", "print(open('/proc/self/maps').read())"],
            stdout=subprocess.PIPE, universal_newlines=True, check=True).stdout
        libs = {l.split()[-1] for l in maps.splitlines() if "/libpython" in l}
        if len(libs) != 1:
            continue
        renamed = tmp_path / "libpython3.5m.so.1.0"
        shutil.copyfile(libs.pop(), str(renamed))
        return ["env", "LD_PRELOAD=%s" % renamed, interp.path]
    pytest.skip("no shared-library CPython 3.6-3.10 to disguise as 3.5")


def test_unsupported_version_launch(tmp_path):
    python = _renamed_python(tmp_path)
    result = run_austinc(["-t", "2s"] + python + ["-c", "import time; time.sleep(3)"],
                         timeout=20)
    assert_error(result, UNSUPPORTED_VERSION, "3.5")


def test_unsupported_version_attach(tmp_path):
    python = _renamed_python(tmp_path)
    with Running(python + [target("sleeper.py"), 15]) as proc:
        result = run_austinc(["-x", "1", "-p", proc.pid], timeout=20)
        assert_error(result, UNSUPPORTED_VERSION, "3.5")
        assert proc.alive(), "austinc must leave the process running"


def test_cannot_write_output(any_python):
    result = run_austinc(["-o", "/nonexistent/dir/profile.txt", any_python.path, "-c",
                          "pass"], timeout=20)
    assert_error(result, CANNOT_WRITE, "/nonexistent/dir/profile.txt")
