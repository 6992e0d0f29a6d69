"""contrib/austinc@.service: its austinc command line, its sandbox, and
systemd's own check of it (systemd-analyze verify) where systemd is."""

import os
import re
import shlex
import shutil
import subprocess

import pytest

from helpers import AUSTINC, HERE, run_austinc

UNIT_IN = os.path.join(HERE, "..", "..", "contrib", "austinc@.service.in")


def unit_lines():
    """[(key, value)] of the unit's assignments, in order."""
    with open(UNIT_IN) as f:
        return [tuple(line.rstrip("\n").split("=", 1)) for line in f
                if re.match(r"^[A-Za-z]+=", line)]


def values(key):
    return [v for k, v in unit_lines() if k == key]


def one(key):
    found = values(key)
    assert len(found) == 1, "%s: %d assignments of %s" % (UNIT_IN, len(found), key)
    return found[0]


def exec_start():
    """ExecStart's words, systemd's %% made %."""
    return [w.replace("%%", "%") for w in shlex.split(one("ExecStart"))]


def help_lists(text, option):
    """Does austinc --help name this option (-C, --rotate)?"""
    return re.search(r"(^|[\s,\[])%s(?=[\s,=\[\]]|$)" % re.escape(option), text, re.M) is not None


def test_exec_start_uses_options_austinc_has():
    words = exec_start()
    assert words[0] == "@bindir@/austinc", words
    options = [w for w in words[1:] if w.startswith("-")]
    assert options, words
    text = run_austinc(["--help"], timeout=10).assert_ok().stdout
    missing = [o for o in options if not help_lists(text, o)]
    assert not missing, "ExecStart uses options austinc --help does not list: %s" % missing


def test_writes_rotated_recordings_to_its_state_directory():
    words = exec_start()
    out = words[words.index("-o") + 1]
    assert one("StateDirectory") == "austinc/%i"
    assert out.startswith("/var/lib/austinc/%i/"), out
    # strftime fields, each written %% in the unit (a bare %Y would be
    # systemd's specifier, and an unknown one an error).
    assert re.search(r"%Y%m%dT%H%M%S", out), out
    assert "%%Y" in one("ExecStart")
    assert {"--follow", "--rotate", "--keep", "-C"} <= set(words), words
    assert "${AUSTINC_NAME}" in words, "the pattern must be one word, whatever spaces it holds"


BUILD = os.path.dirname(AUSTINC)


def built_type():
    """Type= of the unit as the build made it (make all)."""
    with open(os.path.join(BUILD, "contrib", "austinc@.service")) as f:
        types = re.findall(r"^Type=(.*)$", f.read(), re.M)
    assert len(types) == 1, types
    return types[0]


def test_type_is_notify_only_when_austinc_can_notify():
    """Type=notify from a build without libsystemd: systemd would wait for
    a READY=1 that never comes, and stop austinc after TimeoutStartSec."""
    assert one("Type") == "@SERVICE_TYPE@"
    with open(os.path.join(BUILD, "config.h")) as f:
        notifies = re.search(r"^#define HAVE_SYSTEMD 1$", f.read(), re.M)
    assert built_type() == ("notify" if notifies else "simple")


def test_notifies_and_holds_one_capability():
    assert one("NotifyAccess") == "main"
    assert one("CapabilityBoundingSet") == "CAP_SYS_PTRACE"
    assert one("AmbientCapabilities") == "CAP_SYS_PTRACE"
    assert one("NoNewPrivileges") == "yes"
    assert one("ProtectSystem") == "strict"


def test_sandbox_leaves_the_target_visible():
    """Each of these would hide the target or austinc's reads of it."""
    assert values("ProtectProc") in ([], ["default"]), "ProtectProc hides other users' /proc/PID"
    assert values("ProcSubset") in ([], ["all"]), "ProcSubset=pid hides /proc/stat from -C and --system"
    assert "yes" not in values("PrivateUsers"), "a user namespace's capabilities do not reach the target"
    assert "yes" not in values("PrivatePIDs"), "a PID namespace of its own shows no target"
    for filt in values("SystemCallFilter"):
        assert not re.search(r"~.*(process_vm_readv|@system-service)", filt), filt


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze not installed")
def test_systemd_analyze_verify(tmp_path):
    """The unit as make installs it, austinc's path that of the build."""
    with open(UNIT_IN) as f:
        text = f.read().replace("@bindir@", BUILD).replace("@SERVICE_TYPE@", built_type())
    # A template is verified as an instance of itself, as systemctl would
    # load it; the Documentation= man page is not installed here.
    (tmp_path / "austinc@.service").write_text(text)
    (tmp_path / "austinc@myapp.service").write_text(text)
    proc = subprocess.run(["systemd-analyze", "verify", "--man=no", str(tmp_path / "austinc@myapp.service")],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stdout
    assert "austinc@" not in proc.stdout, proc.stdout
