"""--system: machine and process records beside the samples.

phases.py burns CPU, then writes 200 MB, then makes 200 MB resident; the
records of its process must show each in the window of that phase. A
window is read off the stream: a sample belongs to the period that the
last batch of records before it opens, and the rates of that period come
in the next batch.
"""

import bisect
import os
import re
import shutil
import statistics
import tempfile

from helpers import AUSTINC, in_stack, run_austinc, target

MB = 1 << 20
SIZE = 200 * MB
RECORD_RE = re.compile(r"^(machine|process:\d+)((?: [a-z0-9.]+=\d+(?:\.\d+)?(?:%|B|B/s|/s)?)*)"
                       r" t=(\d+)us$")
FIELD_RE = re.compile(r"^([a-z0-9.]+)=(\d+(?:\.\d+)?)(%|B|B/s|/s)?$")


def records(result):
    """[(line number, scope, {name: value}, t)] of the '# system:' lines."""
    found = []
    for lineno, line in enumerate(result.profile.lines, 1):
        if not line.startswith("# system:"):
            continue
        m = RECORD_RE.match(line[len("# system: "):])
        assert m, "not a system record: %r" % line
        fields = {}
        for word in m.group(2).split():
            name, value, unit = FIELD_RE.match(word).groups()
            fields[name] = float(value)
        found.append((lineno, m.group(1), fields, int(m.group(3))))
    return found


class Batches(object):
    """The records in batches (a machine record opens each), and the batch
    each sample follows."""

    def __init__(self, result, pid):
        self.batches = []
        for lineno, scope, fields, t in records(result):
            if scope == "machine":
                self.batches.append({"line": lineno, "t": t, "machine": fields})
            else:
                assert self.batches and self.batches[-1]["t"] == t, "a batch shares t"
                self.batches[-1][scope] = fields
        self.starts = [b["line"] for b in self.batches]
        self.scope = "process:%d" % pid

    def window(self, samples):
        """Indexes of the batches whose periods hold these samples."""
        return sorted({bisect.bisect(self.starts, s.lineno) - 1 for s in samples})

    def figure(self, k, name):
        """NAME in the process record that closes period k."""
        return self.batches[k + 1][self.scope][name]

    def seconds(self, k):
        return (self.batches[k + 1]["t"] - self.batches[k]["t"]) / 1e6


def disk_backed_dir(preferred):
    """A directory whose writes reach a disk: /proc/PID/io counts no
    write_bytes on tmpfs."""
    mounts = []
    with open("/proc/self/mountinfo") as f:
        for line in f:
            left, right = line.split(" - ")
            mounts.append((left.split()[4], right.split()[0]))
    for d in (preferred, "/var/tmp", os.path.dirname(AUSTINC)):
        path = os.path.realpath(d)
        fs = max((m for m in mounts if path == m[0] or path.startswith(m[0].rstrip("/") + "/")),
                 key=lambda m: len(m[0]))[1]
        if fs not in ("tmpfs", "ramfs"):
            return tempfile.mkdtemp(dir=path)
    raise AssertionError("no disk-backed directory to write to")


def test_phases(python, tmp_path):
    path = target("phases.py")
    where = disk_backed_dir(str(tmp_path))
    try:
        result = run_austinc(["--system", "-f", "-i", "1ms", python.path, path, where],
                             output_file=tmp_path / "rec.txt").assert_ok()
    finally:
        shutil.rmtree(where)
    pid = result.target_pid()
    assert result.profile.metadata.get("system-period") == "100000us", result.describe()
    b = Batches(result, pid)
    assert b.batches and b.batches[0]["t"] == 0, "the first batch opens sampling"
    assert b.starts[0] < result.profile.samples[0].lineno, "every sample has a period"

    def window(func):
        samples = [s for s in result.profile.samples
                   if s.pid == pid and in_stack(s, path, func)]
        ks = b.window(samples)
        assert len(ks) >= 5 and ks[-1] + 1 < len(b.batches), (
            "%s(): periods %r of %d\n%s" % (func, ks, len(b.batches), result.describe()))
        return ks

    # burn() spins: the records give it what the target measured itself
    # (a whole core, unless other programs keep the machine busy).
    burning = window("burn")[1:-1]  # the first and last periods are partly other phases
    cpu = statistics.mean(b.figure(k, "cpu.user") + b.figure(k, "cpu.system") for k in burning)
    own = 100 * float(result.target_info()["burn.cpu"])
    assert abs(cpu - own) <= 0.15 * own + 5, (
        "burn() used %.1f%% of a core by the records, %.1f%% by its own count\n%s"
        % (cpu, own, result.describe()))
    assert cpu >= 70 or own < 90, "burn() used %.1f%% of a core" % cpu

    writing = window("write_out")
    written = sum(b.figure(k, "io.write") * b.seconds(k) for k in writing)
    assert abs(written - SIZE) <= 0.25 * SIZE, "write_out() wrote %.1f MB" % (written / MB)
    elsewhere = sum(b.figure(k, "io.write") * b.seconds(k)
                    for k in range(len(b.batches) - 1)
                    if k not in writing and "io.write" in b.batches[k + 1].get(b.scope, {}))
    assert elsewhere <= 0.1 * SIZE, "%.1f MB written outside write_out()" % (elsewhere / MB)

    growing = window("grow")
    rss = [b.batches[k][b.scope]["rss"] for k in (0, growing[0], growing[-1] + 1)]
    assert abs(rss[2] - rss[1] - SIZE) <= 0.2 * SIZE, "RSS %r around grow()" % rss
    assert abs(rss[1] - rss[0]) <= 0.1 * SIZE, "RSS %r before grow()" % rss

    cores, shared = os.cpu_count(), 0
    for batch in b.batches:
        m = batch["machine"]
        assert m["cores"] == cores, "cores=%s, os.cpu_count() %d" % (m["cores"], cores)
        shares = [m["cpu." + n] for n in ("user", "system", "iowait", "steal", "idle")
                  if "cpu." + n in m]
        assert not shares or (len(shares) == 5 and abs(sum(shares) - 100) <= 0.5), m
        shared += bool(shares)
    assert shared >= len(b.batches) - 2, "%d of %d machine records have cpu.*" % (
        shared, len(b.batches))


def test_period(any_python):
    result = run_austinc(["--system=50ms", any_python.path, "-c",
                          "import time; time.sleep(1)"]).assert_ok()
    assert result.profile.metadata.get("system-period") == "50000us"
    times = sorted({t for _, scope, _, t in records(result) if scope == "machine"})
    gaps = [b - a for a, b in zip(times, times[1:-1])]  # the last one ends early
    assert len(gaps) >= 15 and abs(statistics.median(gaps) - 50000) <= 5000, times
    assert all(0 < g <= 150000 for g in gaps), times


def test_none_without_the_option(any_python):
    result = run_austinc([any_python.path, "-c", "import time; time.sleep(0.3)"]).assert_ok()
    assert result.profile.samples
    assert not any(l.startswith("# system") for l in result.profile.lines), result.describe()
