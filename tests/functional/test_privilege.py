"""A capable or set-user-id austinc reads only its caller's own processes.

With `setcap cap_sys_ptrace+ep` (or a set-user-id root bit) the kernel
lets austinc read every process on the machine: it must hold itself to
what its caller could trace without it (issue 22). Each test runs copies of
austinc made privileged three ways as user nobody:

* cap_sys_ptrace: `setcap cap_sys_ptrace+ep`, as the README suggests;
* more-caps: `cap_sys_ptrace,cap_dac_override+ep`, a capability too many,
  which austinc must give up;
* setuid-root: owned by root, mode 4755.

These need root (to set capabilities and switch users), setcap (Debian's
libcap2-bin) and setpriv, and a file system that honours set-user-id bits
and file capabilities; they are skipped, saying which, without them.
"""

import collections
import os
import pwd
import shutil
import subprocess
import tempfile

import pytest

from helpers import (
    AUSTINC,
    SYSTEM_PYTHON,
    Running,
    assert_error,
    in_stack,
    run_austinc,
    target,
)

PERMISSION_DENIED = 4
CANNOT_WRITE = 7
NOBODY = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
# The -C tests need a process of nobody's that may hand a child to another
# user: nobody with CAP_SETUID and CAP_SETGID as ambient capabilities.
NOBODY_WHO_MAY_SWITCH = NOBODY + ["--inh-caps=+setuid,+setgid",
                                  "--ambient-caps=+setuid,+setgid"]
OTHER_USER = 1  # what switcher.py's child turns into
VARIANTS = ["cap_sys_ptrace", "more-caps", "setuid-root"]
PRIVILEGES = {  # how austinc names them in its messages
    "cap_sys_ptrace": "cap_sys_ptrace",
    "more-caps": "file capabilities",
    "setuid-root": "set-user-id root",
}


def _skip_unless_possible():
    if os.geteuid() != 0:
        pytest.skip("needs root: to set file capabilities and switch users")
    for tool, package in (("setcap", "libcap2-bin"), ("setpriv", "util-linux")):
        if shutil.which(tool) is None:
            pytest.skip("%s not found (Debian package %s)" % (tool, package))
    if not os.access(SYSTEM_PYTHON, os.X_OK):
        pytest.skip("no %s for user nobody to run" % SYSTEM_PYTHON)


def _suid_capable_dir():
    """A new world-readable directory where set-user-id bits and file
    capabilities count (not on a nosuid mount), or None."""
    for parent in (tempfile.gettempdir(), "/var/tmp"):
        try:
            if os.statvfs(parent).f_flag & os.ST_NOSUID:
                continue
            d = tempfile.mkdtemp(prefix="austinc-privilege-", dir=parent)
        except OSError:
            continue
        os.chmod(d, 0o755)
        return d
    return None


def _run(args, timeout=20):
    return subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=timeout, universal_newlines=True)


class Setup(object):
    """The privileged copies, the targets, and a directory nobody may
    write to."""

    def __init__(self, top):
        self.top = top
        self.copies = {}
        for variant in VARIANTS:
            path = os.path.join(top, "austinc-" + variant)
            shutil.copy(AUSTINC, path)
            os.chmod(path, 0o755)
            self.copies[variant] = path
        self.writable = os.path.join(top, "nobodys")
        os.mkdir(self.writable)
        nobody = pwd.getpwnam("nobody")
        os.chown(self.writable, nobody.pw_uid, nobody.pw_gid)
        self.targets = {}
        for name in ("sleeper.py", "switcher.py"):
            self.targets[name] = os.path.join(top, name)
            shutil.copy(target(name), self.targets[name])
            os.chmod(self.targets[name], 0o644)

    def privilege(self):
        for variant, caps in (("cap_sys_ptrace", "cap_sys_ptrace+ep"),
                              ("more-caps", "cap_sys_ptrace,cap_dac_override+ep")):
            done = _run(["setcap", caps, self.copies[variant]])
            if done.returncode != 0:
                return "setcap %s failed: %s" % (caps, done.stderr.strip())
        os.chmod(self.copies["setuid-root"], 0o4755)
        probe = _run(NOBODY + [self.copies["cap_sys_ptrace"], "--version"])
        if probe.returncode != 0:
            return "user nobody cannot run %s: %s" % (
                self.copies["cap_sys_ptrace"], probe.stderr.strip())
        return None


@pytest.fixture(scope="module")
def privileged():
    _skip_unless_possible()
    top = _suid_capable_dir()
    if top is None:
        pytest.skip("no temporary directory outside a nosuid mount")
    try:
        s = Setup(top)
        why = s.privilege()
        if why:
            pytest.skip(why)
        yield s
    finally:
        shutil.rmtree(top, ignore_errors=True)


@pytest.fixture(params=VARIANTS)
def variant(request):
    return request.param


def _nobodys_sleeper(privileged):
    return Running(NOBODY + [SYSTEM_PYTHON, privileged.targets["sleeper.py"], 15])


def _roots_sleeper(privileged):
    return Running([SYSTEM_PYTHON, privileged.targets["sleeper.py"], 15])


def as_nobody(privileged, variant, args, prefix=NOBODY, timeout=20, **kw):
    """Run the privileged copy of austinc as nobody."""
    return run_austinc(args, prefix=prefix, timeout=timeout,
                       austinc=privileged.copies[variant], **kw)


def assert_refused(result, pid, owner, variant):
    """Exit status 4 and one line: the process, its owner, the caller and
    the privileges; nothing of the process printed."""
    assert_error(result, PERMISSION_DENIED, "refusing", "process %d " % pid,
                 "owned by %s" % owner, "caller (nobody)", PRIVILEGES[variant])
    assert not result.stdout.strip(), (
        "something was written of a process austinc may not read\n"
        + result.describe())


@pytest.mark.parametrize("option", ["-p", "-w"])
def test_roots_process_is_refused(privileged, variant, option):
    with _roots_sleeper(privileged) as proc:
        args = ["-x", "1", "-p", proc.pid] if option == "-p" else ["-w", proc.pid]
        result = as_nobody(privileged, variant, args)
        assert proc.alive(), "the target died"
    assert_refused(result, proc.pid, "root", variant)


def test_refused_before_the_output_is_written(privileged, variant):
    out = os.path.join(privileged.writable, "refused-%s.txt" % variant)
    with _roots_sleeper(privileged) as proc:
        result = as_nobody(privileged, variant, ["-o", out, "-x", "1", "-p", proc.pid])
    assert_refused(result, proc.pid, "root", variant)
    with open(out) as f:
        assert "sleeper" not in f.read(), "root's stacks were recorded"


def test_own_process_is_sampled(privileged, variant):
    path = privileged.targets["sleeper.py"]
    out = os.path.join(privileged.writable, "own-%s.txt" % variant)
    with _nobodys_sleeper(privileged) as proc:
        result = as_nobody(privileged, variant, ["-x", "1", "-p", proc.pid],
                           output_file=out)
        assert proc.alive(), "the target died"
    result.assert_ok(0)
    samples = result.profile.samples
    assert {s.pid for s in samples} == {proc.pid}, result.describe()
    main = [s for s in samples if s.tid == proc.pid]
    assert any(in_stack(s, path, "work") for s in main), (
        "work() never sampled\n" + result.describe())
    assert all(in_stack(s, path, "main") for s in main if s.frames), (
        "the main thread outside main()\n" + result.describe())
    assert not [l for l in result.stderr.splitlines() if "refus" in l
                or "leaving out" in l], result.describe()


def test_own_process_where(privileged, variant):
    path = privileged.targets["sleeper.py"]
    with _nobodys_sleeper(privileged) as proc:
        result = as_nobody(privileged, variant, ["-w", proc.pid])
    result.assert_ok(0)
    assert result.stdout.startswith("Process %d: Python " % proc.pid), result.describe()
    assert "%s:" % path in result.stdout and " main" in result.stdout, (
        "no frame of main() in sleeper.py\n" + result.describe())
    assert " watch_stdin" in result.stdout, result.describe()


LAUNCHED = r"""
import sys, time
def spin():
    end = time.time() + 0.5
    while time.time() < end:
        pass
with open("/proc/self/status") as f:
    for line in f:
        if line.startswith(("Uid:", "Gid:", "Cap")):
            sys.stdout.write("status " + line)
sys.stdout.flush()
spin()
"""


def test_launched_command_runs_as_the_caller(privileged, variant):
    """Its own credentials, no capability at all; sampled as usual."""
    out = os.path.join(privileged.writable, "launched-%s.txt" % variant)
    result = as_nobody(privileged, variant, [SYSTEM_PYTHON, "-c", LAUNCHED],
                       output_file=out)
    result.assert_ok(0)
    status = dict(l.split(None, 2)[1:] for l in result.stdout.splitlines()
                  if l.startswith("status "))
    nobody = pwd.getpwnam("nobody")
    assert status.get("Uid:", "").split() == [str(nobody.pw_uid)] * 4, result.describe()
    assert status.get("Gid:", "").split() == [str(nobody.pw_gid)] * 4, result.describe()
    for caps in ("CapInh:", "CapPrm:", "CapEff:", "CapAmb:"):
        assert int(status.get(caps, "x"), 16) == 0, (
            "the command holds capabilities: %s %s\n%s"
            % (caps, status.get(caps), result.describe()))
    assert any(in_stack(s, "<string>", "spin") for s in result.profile.samples), (
        "the command was not sampled\n" + result.describe())


def test_output_opened_with_the_callers_rights(privileged, variant):
    """Not in a directory of root's where nobody may not write."""
    out = os.path.join(privileged.top, "not-nobodys-%s.txt" % variant)
    result = as_nobody(privileged, variant, ["-o", out, SYSTEM_PYTHON, "-c", "pass"])
    assert_error(result, CANNOT_WRITE, "cannot open output", "permission denied")
    assert not os.path.exists(out), "austinc wrote where its caller may not"


ENVIRONMENT = r"""
import os
for name in ("AUSTINC_TEST_CALLERS", "LD_LIBRARY_PATH"):
    print("env %s=%s" % (name, os.environ.get(name)))
"""


def test_command_gets_the_callers_environment(privileged, variant):
    """Found on the caller's PATH, with the caller's variables, less those
    the dynamic loader strips from any privileged program's."""
    out = os.path.join(privileged.writable, "env-%s.txt" % variant)
    result = as_nobody(privileged, variant, ["-o", out, "python3", "-c", ENVIRONMENT],
                       env={"PATH": os.path.dirname(SYSTEM_PYTHON),
                            "AUSTINC_TEST_CALLERS": "kept",
                            "LD_LIBRARY_PATH": "/nonexistent"})
    result.assert_ok(0)
    assert "env AUSTINC_TEST_CALLERS=kept" in result.stdout, result.describe()
    assert "env LD_LIBRARY_PATH=None" in result.stdout, result.describe()


def _switcher(privileged, seconds, switch_after):
    """switcher.py as nobody, allowed to hand its child to another user."""
    return Running(NOBODY_WHO_MAY_SWITCH + [
        SYSTEM_PYTHON, privileged.targets["switcher.py"], seconds, switch_after])


def _children_of(proc):
    info = {}
    for line in proc.proc.stderr:
        line = line.decode()
        if line.startswith("target: "):
            role, pid = line.split()[1:3]
            info[role] = int(pid)
        if len(info) == 2:
            return info
    pytest.fail("switcher.py did not name its children")


def _by_pid(profile):
    by_pid = collections.defaultdict(list)
    for s in profile.samples:
        by_pid[s.pid].append(s)
    return by_pid


def assert_dropped(result, pid, metadata=True, exact=True):
    """One note on stderr, and one '# dropped:' line with metadata, of pid
    left out. exact: as user OTHER_USER's; else it may have been caught
    half-way through its switch (its group changed, its user not yet)."""
    owner = pwd.getpwuid(OTHER_USER).pw_name
    needle = "process %d (owned by %s" % (pid, owner + ")" if exact else "")
    why = ("user ids are %d, %d, %d" % ((OTHER_USER,) * 3),)
    if not exact:
        why += ("group ids are %d, %d, %d" % ((OTHER_USER,) * 3), "non-dumpable")
    lines = [l for l in result.stderr.splitlines()
             if l.startswith("austinc: note: leaving out ")]
    if metadata:
        dropped = [l for l in result.output.splitlines() if l.startswith("# dropped: ")]
        assert len(dropped) == 1, (
            "the recording does not say why the child is missing\n" + result.describe())
        lines += dropped
    assert len(lines) == (2 if metadata else 1), (
        "no single note of the child left out\n" + result.describe())
    for line in lines:
        assert needle in line and any(w in line for w in why), (
            "%r does not say that process %d is another user's\n%s"
            % (line, pid, result.describe()))


def _sample_switcher(privileged, switch_after, exposure, also_where=False):
    """Run switcher.py, sample it with -C for exposure seconds (and with
    also_where show it with -C -w): (parent, children, result, where)."""
    out = os.path.join(privileged.writable, "switcher-%s.txt" % switch_after)
    where = None
    with _switcher(privileged, exposure + 3, switch_after) as proc:
        children = _children_of(proc)
        result = as_nobody(privileged, "cap_sys_ptrace",
                           ["-C", "-x", exposure, "-p", proc.pid], output_file=out)
        if also_where:
            where = as_nobody(privileged, "cap_sys_ptrace", ["-C", "-w", proc.pid])
    result.assert_ok(0)
    return proc, children, result, where


def test_child_of_another_user_is_left_out(privileged):
    path = privileged.targets["switcher.py"]
    proc, children, result, where = _sample_switcher(privileged, 0, 1, True)
    by_pid = _by_pid(result.profile)
    assert set(by_pid) == {proc.pid, children["stays"]}, (
        "sampled %s; the parent is %d, its children %s\n%s"
        % (sorted(by_pid), proc.pid, children, result.describe()))
    assert any(in_stack(s, path, "stays") for s in by_pid[children["stays"]])
    assert_dropped(result, children["switches"])
    where.assert_ok(0)
    assert "Process %d:" % children["stays"] in where.stdout, where.describe()
    assert "Process %d:" % children["switches"] not in where.stdout, where.describe()
    assert "after_switch" not in where.stdout, where.describe()
    assert_dropped(where, children["switches"], metadata=False)


def test_child_that_switches_while_sampled_is_dropped(privileged):
    path = privileged.targets["switcher.py"]
    _, children, result, _ = _sample_switcher(privileged, 1.5, 3)
    switcher = _by_pid(result.profile)[children["switches"]]
    assert any(in_stack(s, path, "before_switch") for s in switcher), (
        "the child was not sampled before it switched\n" + result.describe())
    assert not any(in_stack(s, path, "after_switch") for s in switcher), (
        "the child was sampled as another user's\n" + result.describe())
    assert_dropped(result, children["switches"], exact=False)
