"""austinc-report on bad input and austinc's gzip output when interrupted.

A recording that is corrupt or not a recording at all, or (with --strict)
truncated, gets one clear line naming where it went wrong and exit status
3 (test_report_cut.py has what a truncated one gives without --strict);
bad options exit 2;
a metric the recording lacks exits 4. An austinc run stopped by Ctrl-C
(SIGINT) leaves a complete .gz file that reads back.
"""

import gzip
import random
import signal
import subprocess
import time

from helpers import AUSTINC, excerpt, run_austinc, sleeper, target, report_command


TEXT = (
    "# austinc: 0.1.0\n"
    "# mode: wall\n"
    "P1;T0:1;/app.py:<module>:3;/app.py:main:7 100\n"
    "P1;T0:1;/app.py:<module>:3;/app.py:main:8 200\n"
)


def report(*args, **kwargs):
    """Run austinc-report; (exit status, stdout, stderr)."""
    proc = subprocess.run(report_command(*args),
                          input=kwargs.get("stdin"), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=60)
    return (proc.returncode, proc.stdout.decode("utf-8", "replace"),
            proc.stderr.decode("utf-8", "replace"))


def assert_one_error(code, err, expected_code, *words):
    lines = err.strip().splitlines()
    assert code == expected_code, "exit %d, stderr %r" % (code, err)
    assert len(lines) >= 1 and lines[0].startswith("austinc-report: "), err
    for word in words:
        assert word in lines[0], "%r not in %r" % (word, lines[0])


def mojo_recording(tmp_path, any_python):
    path = tmp_path / "rec.mojo"
    run_austinc(["-b", any_python.path, target("short.py")],
                output_file=path).assert_ok()
    return path.read_bytes()


def test_good_text_reads(tmp_path):
    path = tmp_path / "rec.txt"
    path.write_text(TEXT)
    code, out, err = report("--collapsed", path)
    assert code == 0, err
    assert "P1;T0:1;/app.py:<module>:3;/app.py:main:7 100" in out


def test_garbage_line_is_named(tmp_path):
    path = tmp_path / "rec.txt"
    path.write_text(TEXT + "this is not a sample\n" + TEXT.splitlines()[2])
    code, _, err = report("--tree", path)
    assert_one_error(code, err, 3, "line 5")


def test_random_bytes_are_refused(tmp_path):
    rng = random.Random(42)
    path = tmp_path / "noise.bin"
    path.write_bytes(bytes(rng.randrange(256) for _ in range(4096)))
    code, _, err = report("--collapsed", path)
    assert_one_error(code, err, 3)


def test_truncated_mojo_names_the_byte(tmp_path, any_python):
    data = mojo_recording(tmp_path, any_python)
    assert data.startswith(b"MOJ")
    # Each cut falls inside an event: within the target's path string,
    # within the footer's last string, and within the first metadata. A
    # cut between two events leaves a shorter valid recording instead.
    inside_path = data.index(b"short.py") + 3
    for cut in (inside_path, len(data) - 1, 5):
        code, _, err = report("--strict", "--collapsed", stdin=data[:cut])
        assert_one_error(code, err, 3, "byte")


def test_truncated_gzip_is_refused(tmp_path):
    data = gzip.compress(TEXT.encode() * 200)
    code, _, err = report("--strict", "--top", "3",
                          stdin=data[: len(data) // 2])
    assert_one_error(code, err, 3, "gzip")


def test_usage_and_metric_errors(tmp_path):
    path = tmp_path / "rec.txt"
    path.write_text(TEXT)
    code, _, err = report("--metric", "bogus", path)
    assert_one_error(code, err, 2, "bogus")
    code, _, err = report("--tree", "--collapsed", path)
    assert_one_error(code, err, 2)
    code, _, err = report("--metric", "memory+", path)
    assert_one_error(code, err, 4, "memory+")
    code, _, err = report(tmp_path / "missing.txt")
    assert_one_error(code, err, 3, "missing.txt")


def test_sigint_leaves_a_complete_gzip(tmp_path, python):
    out = tmp_path / "attach.txt.gz"
    with sleeper(python, 20) as proc:
        austinc = subprocess.Popen([AUSTINC, "-o", str(out), "-p",
                                    str(proc.pid)], stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE)
        time.sleep(1.0)
        austinc.send_signal(signal.SIGINT)
        _, err = austinc.communicate(timeout=30)
        assert austinc.returncode == 0, err
        assert proc.alive(), "the attached process must keep running"
    text = gzip.decompress(out.read_bytes()).decode("utf-8", "replace")
    assert text.rstrip().splitlines()[-1].startswith("# sampling:"), (
        "the footer is missing:\n" + excerpt(text))
    code, top, err = report("--top", "3", out)
    assert code == 0, err
    assert "sleeper.py" in top, top
