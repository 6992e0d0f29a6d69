"""Interpreters whose symbols are gone.

When no symbol names the runtime (_PyRuntime, or interp_head before 3.7),
austinc searches the writable data of the file that holds it for a
self-consistent runtime (src/python/scan.c). Two ways to get there:

- every interpreter's "stripped twin": an executable linked from the
  interpreter's own static library (sysconfig's LIBPL/LIBRARY) without
  exporting anything, then stripped: no symbol table at all;
- a stripped copy of a shared build's libpython, loaded through
  LD_LIBRARY_PATH: strip keeps the exported symbols (.dynsym), but before
  3.7 interp_head is a static, found only in the .symtab strip removes.

The twins cannot load extension modules (they export no symbol for them),
so they run with -S (no site) and their target, plain.py, imports only what
is built in.
"""

import os
import shutil
import subprocess

import pytest

from helpers import (
    Frame,
    Running,
    assert_mostly,
    complaints,
    expected_lines,
    frame_matches,
    loop_lines,
    run_austinc,
    target,
)

HERE = os.path.dirname(os.path.abspath(__file__))
TWIN_MAIN = os.path.join(HERE, "stripped", "main.c")
RUNTIME_SYMBOLS = ("_PyRuntime", "interp_head")

# Printed by the interpreter: where its static library, headers and prefix
# are, the libraries it links with, and its libpython's file name.
_CONFIG = r"""
import sysconfig
g = sysconfig.get_config_var
libs = " ".join((g(k) or "") for k in ("LIBS", "SYSLIBS", "MODLIBS"))
for value in (g("LIBPL"), g("LIBRARY"), sysconfig.get_paths()["include"],
              g("prefix"), libs, g("INSTSONAME") or ""):
    print(value)
"""


def _config(python):
    out = subprocess.run([python.path, "-c", _CONFIG], stdout=subprocess.PIPE,
                         universal_newlines=True, check=True, timeout=30).stdout
    libpl, library, include, prefix, libs, soname = out.split("\n")[:6]
    return {"archive": os.path.join(libpl, library), "include": include,
            "prefix": prefix, "libs": libs.split(), "soname": soname}


def _tool(name):
    path = shutil.which(name)
    if path is None:
        pytest.fail("%s (binutils/gcc) is required for this test and is missing" % name)
    return path


def _symbols(path):
    """Every symbol name in the file's .symtab and .dynsym."""
    out = subprocess.run([_tool("readelf"), "-W", "--syms", "--dyn-syms", path],
                         stdout=subprocess.PIPE, universal_newlines=True,
                         check=True).stdout
    names = set()
    for line in out.splitlines():
        fields = line.split()
        if len(fields) >= 8 and fields[0].rstrip(":").isdigit():
            names.add(fields[7].split("@")[0])
    return names


def _build_twin(python, tmp_path):
    """The stripped twin of python, named pythonX.Y as austinc expects to
    read the version from the name; and its PYTHONHOME."""
    conf = _config(python)
    if not os.path.isfile(conf["archive"]):
        pytest.fail("%s has no static library %s: install its development "
                    "files (Debian: libpython3-dev)" % (python.path, conf["archive"]))
    bindir = tmp_path / "bin"
    bindir.mkdir()
    exe = str(bindir / ("python%d.%d" % python.minor))
    cmd = ([_tool("gcc"), "-std=gnu99", "-O2", "-w", "-no-pie",
            "-I", conf["include"], "-o", exe, TWIN_MAIN, conf["archive"]]
           + conf["libs"])
    built = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           universal_newlines=True, timeout=120)
    assert built.returncode == 0, "$ %s\n%s" % (" ".join(cmd), built.stdout)
    subprocess.run([_tool("strip"), exe], check=True, timeout=60)
    left = [n for n in _symbols(exe)
            if n.startswith(("Py", "_Py")) or n in RUNTIME_SYMBOLS]
    assert not left, "the twin still names CPython's symbols: %s" % sorted(left)[:10]
    return exe, conf["prefix"]


def _assert_sampled_plain(result, pid):
    """The profile holds plain.py's spin() under work() under main()."""
    path = target("plain.py")
    line = expected_lines("plain.py")
    samples = [s for s in result.profile.samples if s.pid == pid]
    assert samples, "no sample of %d\n%s" % (pid, result.describe())
    spin = Frame(path, "spin", loop_lines(line, "spin"))
    in_spin = [s for s in samples if s.leaf and frame_matches(s.leaf, spin)]
    assert len(in_spin) >= len(samples) // 2, (
        "spin() is the leaf of %d of %d samples\n%s"
        % (len(in_spin), len(samples), result.describe()))
    # The target runs on while it is read: a sample taken as spin() is
    # called or returns may see work() on its loop line. Rare, never the rule.
    callers = [("main", line["main"]), ("work", line["work"])]
    assert_mostly(in_spin, lambda s: [(f.func, f.line) for f in s.frames[-3:-1]] == callers,
                  0.9, "spin() called from work() called from main()", result)


def _assert_where_plain(where):
    where.assert_ok(0)
    assert not complaints(where), where.describe()
    for func in ("main", "work"):  # spin() is likely, not certain
        assert (" %s\n" % func) in where.stdout, (
            "-w misses %s()\n%s" % (func, where.describe()))


def test_stripped_twin_attach(python, tmp_path):
    exe, home = _build_twin(python, tmp_path)
    with Running([exe, "-S", target("plain.py"), 20],
                 env={"PYTHONHOME": home}) as proc:
        result = run_austinc(["-x", "1", "-p", proc.pid],
                             output_file=tmp_path / "profile.txt", timeout=30)
        result.assert_ok(0)
        where = run_austinc(["-w", proc.pid], timeout=30)
        assert proc.alive(), "the target did not survive\n" + result.describe()
    assert not complaints(result), result.describe()
    _assert_sampled_plain(result, proc.pid)
    _assert_where_plain(where)


def test_stripped_twin_launch(python, tmp_path):
    """Launched, the twin is searched while it starts: austinc must wait
    for its runtime to be initialised, not give up."""
    exe, home = _build_twin(python, tmp_path)
    result = run_austinc([exe, "-S", target("plain.py"), "1"],
                         env={"PYTHONHOME": home},
                         output_file=tmp_path / "profile.txt", timeout=60)
    result.assert_ok(0)
    assert not complaints(result), result.describe()
    ready = [l for l in result.stdout.splitlines() if l.startswith("ready ")]
    assert ready, "the target did not start\n" + result.describe()
    _assert_sampled_plain(result, int(ready[0].split()[1]))


def test_stripped_libpython(python, tmp_path):
    if python.shape != "shared":
        pytest.skip("%s keeps its runtime in the executable: no libpython "
                    "to strip (its stripped twin is tested)" % python.path)
    conf = _config(python)
    original = os.path.join(conf["prefix"], "lib", conf["soname"])
    libdir = tmp_path / "lib"
    libdir.mkdir()
    copy = str(libdir / conf["soname"])
    shutil.copy(original, copy)
    subprocess.run([_tool("strip"), copy], check=True, timeout=60)
    left = _symbols(copy) & set(RUNTIME_SYMBOLS)
    if python.version < (3, 7):
        assert not left, "stripping left %s" % sorted(left)
    env = {"LD_LIBRARY_PATH": str(libdir)}  # before the RUNPATH
    with Running([python.path, target("plain.py"), 20], env=env) as proc:
        with open("/proc/%d/maps" % proc.pid) as f:
            assert copy in f.read(), "the target did not load %s" % copy
        result = run_austinc(["-x", "1", "-p", proc.pid],
                             output_file=tmp_path / "profile.txt", timeout=30)
        result.assert_ok(0)
        where = run_austinc(["-w", proc.pid], timeout=30)
    assert not complaints(result), result.describe()
    _assert_sampled_plain(result, proc.pid)
    _assert_where_plain(where)
