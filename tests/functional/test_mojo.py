"""MOJO recordings (-b), plain and gzipped, read back by austinc-report.

shares.py is recorded three times on every interpreter: as text, as MOJO
and as gzipped MOJO. In each, austinc-report --collapsed must find the
program's own stacks, the same ones; leaf_a, leaf_b and leaf_c must have
the 5:3:2 share of the samples the program was told to have (counted as
test_sampling.py counts them); and a gzipped recording must read exactly as
the same bytes unzipped, from a file or from standard input.

To count MOJO samples this file decodes MOJO itself (decode_mojo in
helpers.py, written from the format as src/emit/mojo.h describes it),
which also checks
austinc-report's reading: the time it gives each stack must be what the
decoder adds up. (That a text and a MOJO recording of the same samples give
one model is a unit test: two runs never sample the same instants.)
"""

import collections
import gzip
import subprocess

from helpers import (
    MOJO_MAGIC,
    DEFAULT_TIMEOUT,
    decode_mojo,
    excerpt,
    expected_lines,
    leaf_split,
    loop_lines,
    parse_output,
    run_austinc,
    target,
    report_command,
)


GZIP_MAGIC = b"\x1f\x8b"

# A stack carrying this share of a recording's time must be in the others.
HEAVY = 0.05

SECONDS = "2"
LEAVES = ("leaf_a", "leaf_b", "leaf_c")
SLICE_US = 15000  # shares.py's SLICE
SHARES = (5, 3, 2)


# --------------------------------------------------------------------------
# Recording and reporting
# --------------------------------------------------------------------------


def report_collapsed(path=None, stdin_bytes=None):
    """austinc-report --collapsed on PATH (or '-' and STDIN_BYTES)."""
    cmd = report_command("--collapsed", path or "-")
    proc = subprocess.run(cmd, input=stdin_bytes, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=DEFAULT_TIMEOUT)
    out = proc.stdout.decode("utf-8", "replace")
    assert proc.returncode == 0, "$ %s\nexit status %d\n%s\n%s" % (
        " ".join(cmd), proc.returncode, excerpt(out),
        proc.stderr.decode("utf-8", "replace"))
    return out


def record(python, path, *options):
    """Record shares.py, its leaves at 5:3:2, into PATH with OPTIONS; the
    bytes written, and the split of the leaves' time shares.py measured."""
    result = run_austinc(
        list(options) + [python.path, target("shares.py"), SECONDS]
        + [str(share) for share in SHARES], output_file=path)
    assert result.returncode == 0, "$ %s\nexit status %s\n%s" % (
        " ".join(result.args), result.returncode, excerpt(result.stderr))
    assert result.stdout == "", "stdout must stay empty with -o"
    with open(str(path), "rb") as f:
        return f.read(), leaf_split(result)


def collapsed_sums(collapsed):
    """{'P..;T..;frames': time} of a --collapsed view."""
    sums = {}
    for line in collapsed.splitlines():
        if line and not line.startswith("#"):
            stack, _, weight = line.rpartition(" ")
            assert stack not in sums, "stack written twice: %r" % line
            sums[stack] = int(weight)
    return sums


def program_stacks(sums, path):
    """The stacks made of PATH's frames only, without the process and
    thread (they differ from run to run): {frames: time}."""
    stacks = collections.Counter()
    for stack, weight in sums.items():
        frames = tuple(stack.split(";")[2:])  # after "P<pid>;T<iid>:<tid>"
        if frames and all(f.startswith(path + ":") for f in frames):
            stacks[frames] += weight
    return stacks


def heavy(stacks):
    total = sum(stacks.values())
    return {frames for frames, w in stacks.items() if w >= HEAVY * total}


def leaf_shares(leaves):
    """Each leaf's share of the time in the three leaves, from the
    (function of the innermost frame, time) of the samples."""
    counts = collections.Counter()
    for func, t in leaves:
        counts[func] += t
    total = sum(counts[leaf] for leaf in LEAVES)
    assert total, "no sample in %s" % ", ".join(LEAVES)
    return {leaf: float(counts[leaf]) / total for leaf in LEAVES}


def func_of(frame):
    """'file:function:line' -> function."""
    return frame.rsplit(":", 2)[1] if frame.count(":") >= 2 else frame


# --------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------


def check_mojo(data, name, collapsed):
    """The decoded samples add up to what austinc-report shows; their
    leaves."""
    metadata, samples = decode_mojo(data)
    assert metadata.get("mode") == "wall", "%s: metadata %r" % (name, metadata)
    assert samples, "%s: no samples" % name
    sums = collections.Counter()
    for s in samples:
        sums[";".join([s.head] + s.frames)] += s.time[0]
    decoded = {stack: t for stack, t in sums.items() if t}
    assert decoded == collapsed_sums(collapsed), (
        "%s: austinc-report's stacks are not the recording's" % name)
    return [(func_of(s.frames[-1]), s.time[0]) for s in samples if s.frames]


def test_text_and_mojo_show_the_same_stacks(python, tmp_path):
    path = target("shares.py")
    line = expected_lines("shares.py")
    splits = {}
    text, splits["shares.txt"] = record(python, tmp_path / "shares.txt")
    mojo, splits["shares.mojo"] = record(python, tmp_path / "shares.mojo", "-b")
    assert mojo.startswith(MOJO_MAGIC), "MOJO header: %r" % mojo[:8]
    zipped, splits["shares.mojo.gz"] = record(python, tmp_path / "shares.mojo.gz", "-b")
    assert zipped.startswith(GZIP_MAGIC), "not gzip: %r" % zipped[:8]

    stacks, leaves = {}, {}
    for name in ("shares.txt", "shares.mojo", "shares.mojo.gz"):
        collapsed = report_collapsed(tmp_path / name)
        stacks[name] = program_stacks(collapsed_sums(collapsed), path)
        assert stacks[name], "no stack of %s in %s\n%s" % (
            path, name, excerpt(collapsed))
        if name == "shares.txt":
            profile = parse_output(text.decode("utf-8", "replace"))
            leaves[name] = [(s.leaf.func, s.metric) for s in profile.samples if s.leaf]
        else:
            data = mojo if name == "shares.mojo" else gzip.decompress(zipped)
            leaves[name] = check_mojo(data, name, collapsed)

    # The stacks the program spends its time in, as shares.py is written.
    prefix = (
        "%s:<module>:%d" % (path, line["module->main"]),
        "%s:main:%d" % (path, line["main->outer"]),
        "%s:outer:%d" % (path, line["outer->inner"]),
    )
    for name, found in stacks.items():
        for leaf in LEAVES:
            expected = {
                prefix + ("%s:inner:%d" % (path, line["inner->" + leaf]),
                          "%s:%s:%d" % (path, leaf, n))
                for n in loop_lines(line, leaf)
            }
            assert expected & set(found), "%s: no stack %s;%s in %s" % (
                name, ";".join(prefix), leaf, sorted(found))

    # Whatever carries a good share of one recording is in the others.
    for a in stacks:
        for b in stacks:
            missing = heavy(stacks[a]) - set(stacks[b])
            assert not missing, "stacks of %s not in %s:\n%s" % (
                a, b, "\n".join(";".join(s) for s in sorted(missing)))

    # Each recording's split is the one shares.py measured in that run (a
    # busy machine overruns every slice alike, which evens the split out).
    # A sample carries the time since the one before: a gap longer than a
    # slice (austinc held off the CPU) lands on whichever leaf runs at its
    # end, so the share of the leaves' time in such gaps widens the margin.
    for name in stacks:
        truth = splits[name]
        in_leaves = [t for f, t in leaves[name] if f in LEAVES]
        stalled = float(sum(t for t in in_leaves if t > SLICE_US)) / sum(in_leaves)
        for leaf, share in leaf_shares(leaves[name]).items():
            assert abs(share - truth[leaf]) <= 0.10 + stalled, (
                "%s: %s has %.1f%% of the leaves' time, shares.py measured %.1f%% "
                "+- %.1f" % (name, leaf, 100 * share, 100 * truth[leaf],
                             100 * (0.10 + stalled)))


def test_gzipped_mojo_reads_as_plain(python, tmp_path):
    zipped, _ = record(python, tmp_path / "shares.mojo.gz", "-b")
    plain = tmp_path / "unzipped.mojo"
    plain.write_bytes(gzip.decompress(zipped))

    from_gz = report_collapsed(tmp_path / "shares.mojo.gz")
    assert program_stacks(collapsed_sums(from_gz), target("shares.py")), (
        excerpt(from_gz))
    assert report_collapsed(plain) == from_gz
    assert report_collapsed(stdin_bytes=plain.read_bytes()) == from_gz
    assert report_collapsed(stdin_bytes=zipped) == from_gz
