"""What austinc samples from launched programs, on every interpreter found.

Every test asserts on the stacks themselves: files, (qualified) function
names, line numbers (taken from the '# LINE:' markers of the targets), thread
ids and metrics.
"""

import collections
import os

from helpers import (
    FLAMEGRAPH_STACK_RE,
    Frame,
    HELD_UP_US,
    assert_few_invalid,
    assert_mostly,
    expected_lines,
    format_expected,
    function_span,
    interval_us,
    leaf_split,
    loop_lines,
    qualname,
    run_austinc,
    split_tolerance,
    stack_matches,
    target,
)


def py_frames(sample, path):
    """The frames of SAMPLE that belong to the target file PATH."""
    return [f for f in sample.frames if f.file == path]


# --------------------------------------------------------------------------
# main -> outer -> inner -> leaf_a / leaf_b, CPU shares 2:1
# --------------------------------------------------------------------------


def test_shares_stacks_lines_and_ratio(python, tmp_path):
    path = target("shares.py")
    line = expected_lines("shares.py")
    out = tmp_path / "profile.txt"
    result = run_austinc([python.path, path, "1.5"], output_file=out).assert_ok()
    assert result.stdout == "", "stdout must stay empty with -o\n" + result.describe()
    profile = result.profile
    pid = result.target_pid()
    assert_few_invalid(profile, result)

    assert all(s.pid == pid for s in profile.samples), (
        "samples of another pid than the target's %d\n%s" % (pid, result.describe()))
    assert all(s.iid == 0 for s in profile.samples), "main interpreter id is 0"
    assert {s.tid for s in profile.samples} == {pid}, (
        "a single-threaded target: its only TID is its pid\n" + result.describe())

    outer_stack = [
        Frame(path, "<module>", line["module->main"]),
        Frame(path, "main", line["main->outer"]),
        Frame(path, "outer", line["outer->inner"]),
    ]
    leaves = {}
    for leaf in ("leaf_a", "leaf_b"):
        samples = [s for s in profile.samples
                   if s.leaf is not None and s.leaf.file == path and s.leaf.func == leaf]
        assert samples, "no sample in %s\n%s" % (leaf, result.describe())
        leaves[leaf] = samples
        expected_prefix = outer_stack + [Frame(path, "inner", line["inner->" + leaf])]
        assert_mostly(samples, lambda s: s.frames[:-1] == expected_prefix, 0.98,
                      "full stack %s;%s" % (format_expected(expected_prefix), leaf),
                      result)
        first, last = function_span("shares.py", leaf)
        assert all(first <= s.leaf.line <= last for s in samples), (
            "%s line outside %d..%d\n%s" % (leaf, first, last, result.describe()))
        loop = loop_lines(line, leaf)
        assert_mostly(samples, lambda s: s.leaf.line in loop, 0.95,
                      "%s sampled in its loop, lines %s" % (leaf, sorted(loop)), result)

    # The leaves' time as sampled against the time shares.py measured in
    # them (start-up, which a busy machine stretches, is no part of it).
    split = leaf_split(result)
    spent = sum(float(t) for t in result.target_info()["leaves"].split(","))
    time_in = {leaf: sum(s.metric for s in samples) for leaf, samples in leaves.items()}
    in_leaves = time_in["leaf_a"] + time_in["leaf_b"]
    # A tick held up (a loaded machine) charges its whole gap to wherever
    # the program is when it comes, and an unreadable stack's gap goes to
    # no line: what those took outside the leaves is excused.
    in_leaf = {id(s) for samples in leaves.values() for s in samples}
    excused = sum(s.metric for s in profile.samples if id(s) not in in_leaf
                  and (s.metric > HELD_UP_US or any(f.invalid for f in s.frames)))
    assert in_leaves >= 0.9 * spent * 1e6 - excused, (
        "%dus sampled in the leaves, which took %dus (%dus excused)\n%s"
        % (in_leaves, spent * 1e6, excused, result.describe()))
    share_a = float(time_in["leaf_a"]) / in_leaves
    tolerance = split_tolerance(result, path)
    assert abs(share_a - split["leaf_a"]) <= tolerance, (
        "leaf_a has %.1f%% of the leaves' sampled time, it took %.1f%% by its own clock"
        " (%.1f points allowed)"
        % (100 * share_a, 100 * split["leaf_a"], 100 * tolerance))


# --------------------------------------------------------------------------
# Three threads, each in its own function
# --------------------------------------------------------------------------


def test_three_threads(python):
    path = target("threads3.py")
    line = expected_lines("threads3.py")
    result = run_austinc([python.path, path, "1.5"]).assert_ok()
    profile = result.profile
    info = result.target_info()
    pid = result.target_pid()
    assert_few_invalid(profile, result)
    assert all(s.pid == pid and s.iid == 0 for s in profile.samples)

    kinds = ("alpha", "beta", "gamma")
    spin = {k: qualname(python, "Worker.spin_" + k) for k in kinds}
    run = qualname(python, "Worker.run")
    by_tid = profile.by_tid()

    # Which thread ran which spin function, according to austinc.
    seen = collections.defaultdict(set)
    for s in profile.samples:
        for k in kinds:
            if any(f.file == path and f.func == spin[k] for f in s.frames):
                seen[k].add(s.tid)
    for k in kinds:
        assert len(seen[k]) == 1, "%s ran on TIDs %s, expected exactly one\n%s" % (
            spin[k], sorted(seen[k]), result.describe())
    tids = {k: next(iter(seen[k])) for k in kinds}
    assert len(set(tids.values())) == 3, "three distinct TIDs: %s" % tids
    assert pid not in tids.values(), "a worker reported under the pid: %s" % tids

    for k in kinds:
        reported = info.get("tid." + k)
        if reported is not None and reported != "unknown":
            assert tids[k] == int(reported), (
                "%s sampled on TID %d, but the thread's native id is %s"
                % (spin[k], tids[k], reported))

    assert set(by_tid) == {pid} | set(tids.values()), (
        "expected TIDs %s, got %s" % (sorted({pid} | set(tids.values())), sorted(by_tid)))

    def while_in(samples, func):
        """The samples from the first in FUNC to the last: a thread's state
        exists, with no frame, while it waits for the GIL to start (long on
        a busy machine) and as it ends."""
        inside = [i for i, s in enumerate(samples)
                  if any(f.file == path and f.func == func for f in s.frames)]
        return samples[inside[0]:inside[-1] + 1] if inside else []

    for k in kinds:
        samples = by_tid[tids[k]]
        others = [spin[o] for o in kinds if o != k]
        mixed = [s for s in samples if any(f.func in others for f in s.frames)]
        assert not mixed, "thread %s sampled in another worker's function:\n%s" % (
            k, "\n".join(s.text for s in mixed[:5]))
        expected_tail = [Frame(path, run, line["Worker.run->spin"]),
                         Frame(path, spin[k], loop_lines(line, "spin_" + k))]
        assert_mostly(while_in(samples, spin[k]),
                      lambda s: stack_matches(s.frames[-2:], expected_tail), 0.80,
                      "thread %s busy in %s" % (k, format_expected(expected_tail)),
                      result)

    main_join = Frame(path, "main", line["main->join"])
    # From main() on: interpreter start-up is no part of it.
    assert_mostly(while_in(by_tid[pid], "main"),
                  lambda s: s.frames[:2] == [Frame(path, "<module>", line["module->main"]),
                                             main_join],
                  0.50, "main thread waits in main -> join", result)


# --------------------------------------------------------------------------
# Threads that come and go
# --------------------------------------------------------------------------


def test_threads_come_and_go(python):
    """Four legs, each on a thread that starts when the last has ended: each
    is sampled on a thread of its own, at the right line, and the legs come
    in order, none sampled once the next has begun."""
    path = target("relay.py")
    line = expected_lines("relay.py")
    result = run_austinc([python.path, path, "0.2"]).assert_ok()
    profile = result.profile
    pid = result.target_pid()
    assert_few_invalid(profile, result)
    legs = ["leg_%d" % k for k in range(4)]

    order, tids = [], collections.defaultdict(set)
    for s in profile.samples:
        mine = [f for f in py_frames(s, path) if f.func in legs]
        if not mine:
            continue
        leg = mine[0]
        # On its call line, or on its def line: 3.11+ starts a function
        # with RESUME there, where a thread that must hand over the GIL
        # waits (often, on a busy machine).
        allowed = {line[leg.func + "->spin"], function_span("relay.py", leg.func)[0]}
        assert leg.line in allowed, (
            "%s at line %d, not %s:\n%s" % (leg.func, leg.line, sorted(allowed), s.text))
        tids[leg.func].add(s.tid)
        if not order or order[-1] != leg.func:
            order.append(leg.func)
    assert order == legs, "legs sampled in the order %s\n%s" % (
        order, result.describe())
    for leg in legs:
        assert len(tids[leg]) == 1 and pid not in tids[leg], (
            "%s sampled on TIDs %s" % (leg, sorted(tids[leg])))
    assert len(set.union(*tids.values())) == 4, "four threads: %s" % dict(tids)


# --------------------------------------------------------------------------
# Qualified names
# --------------------------------------------------------------------------


def test_qualified_names(python):
    path = target("qualnames.py")
    line = expected_lines("qualnames.py")
    result = run_austinc([python.path, path, "0.8"]).assert_ok()
    profile = result.profile
    assert_few_invalid(profile, result)

    base = [
        Frame(path, "<module>", line["module->main"]),
        Frame(path, "main", line["main->run"]),
    ]
    run = qualname(python, "Worker.run")
    work = qualname(python, "Worker.Inner.work")
    closure = qualname(python, "make_closure.<locals>.closure")
    if python.version >= (3, 11):
        assert (run, work, closure) == (
            "Worker.run", "Worker.Inner.work", "make_closure.<locals>.closure")
    else:
        assert (run, work, closure) == ("run", "work", "closure")

    for leaf, leaf_line, call in ((work, "Inner.work", "Worker.run->work"),
                                  (closure, "closure", "Worker.run->closure")):
        expected = base + [Frame(path, run, line[call]),
                           Frame(path, leaf, loop_lines(line, leaf_line))]
        samples = [s for s in profile.samples if s.leaf is not None
                   and s.leaf.file == path and s.leaf.func == leaf]
        assert samples, "no sample in %s\n%s" % (leaf, result.describe())
        assert_mostly(samples, lambda s: stack_matches(s.frames, expected), 0.95,
                      "stack %s" % format_expected(expected), result)

    funcs = {f.func for s in profile.samples for f in s.frames if f.file == path}
    if python.version >= (3, 11):
        assert "run" not in funcs and "work" not in funcs, (
            "bare names on %s: %s" % (python.version_str, sorted(funcs)))


# --------------------------------------------------------------------------
# Recursion 500 deep
# --------------------------------------------------------------------------


def test_recursion_500(python):
    path = target("recursion.py")
    line = expected_lines("recursion.py")
    depth = 500
    result = run_austinc([python.path, path, "1.5", str(depth)]).assert_ok()
    profile = result.profile
    assert_few_invalid(profile, result)

    def recursion_depth(s):
        return sum(1 for f in s.frames if f.file == path and f.func == "recurse")

    deepest = max(recursion_depth(s) for s in profile.samples) if profile.samples else 0
    assert deepest == depth, "deepest sample has %d recurse frames, expected %d\n%s" % (
        deepest, depth, result.describe(5))

    expected = (
        [Frame(path, "<module>", line["module->main"]),
         Frame(path, "main", line["main->recurse"])]
        + [Frame(path, "recurse", line["recurse->recurse"])] * (depth - 1)
        + [Frame(path, "recurse", line["recurse->spin"]),
           Frame(path, "spin", loop_lines(line, "spin"))]
    )
    at_bottom = [s for s in profile.samples
                 if s.leaf is not None and s.leaf.file == path and s.leaf.func == "spin"]
    # spin() runs 1.5 s of wall time: the time metrics of the samples at
    # the bottom add up to it, however many ticks a busy machine allowed
    # (and however long start-up took).
    bottom_time = sum(s.metric for s in at_bottom)
    assert bottom_time >= 0.9 * 1.5e6, (
        "%dus sampled at the bottom of the recursion (%d of %d samples), spin() ran 1.5 s"
        % (bottom_time, len(at_bottom), len(profile.samples)))
    assert_mostly(at_bottom, lambda s: stack_matches(s.frames, expected), 0.95,
                  "all %d frames, outermost first, with their lines" % len(expected),
                  None)


# --------------------------------------------------------------------------
# Time metrics add up to the wall time
# --------------------------------------------------------------------------


def test_time_metrics_sum_to_duration(python):
    path = target("busy.py")
    line = expected_lines("busy.py")
    result = run_austinc([python.path, path, "2.0"]).assert_ok()
    profile = result.profile
    pid = result.target_pid()
    duration = profile.duration_us()
    elapsed = float(result.target_info()["elapsed"])

    main = [s for s in profile.samples if s.tid == pid]
    assert main, "no sample of the main thread\n" + result.describe()
    assert all(s.metric >= 0 for s in main), "time metrics cannot be negative"
    total = sum(s.metric for s in main)
    assert abs(total - duration) <= 0.10 * duration, (
        "main thread's time metrics sum to %dus, # duration is %dus (off by %.1f%%)"
        % (total, duration, 100.0 * abs(total - duration) / duration))
    assert 0.9 * elapsed * 1e6 <= duration <= (elapsed + 2.0) * 1e6, (
        "# duration %dus, but the target itself ran %.3fs" % (duration, elapsed))

    busy = [s for s in main if s.leaf is not None and s.leaf.file == path]
    assert_mostly(busy,
                  lambda s: stack_matches(s.frames, [
                      Frame(path, "<module>", line["module->main"]),
                      Frame(path, "main", line["main->spin"]),
                      Frame(path, "spin", loop_lines(line, "spin"))]),
                  0.90, "busy in <module>;main;spin", result)
    # spin() is nearly all of main(), whose length the target measured
    # itself; interpreter start-up, which a busy machine stretches, is not.
    busy_time = sum(s.metric for s in busy if s.leaf.func == "spin")
    assert busy_time >= 0.9 * elapsed * 1e6, (
        "spin() got %dus of the %dus main() ran (%dus sampled)" % (
            busy_time, elapsed * 1e6, total))


# --------------------------------------------------------------------------
# The output format itself
# --------------------------------------------------------------------------


def test_output_format_flamegraph_safe(python, tmp_path):
    path = target("busy.py")
    out = tmp_path / "profile.txt"
    result = run_austinc([python.path, path, "0.5"], output_file=out).assert_ok()
    profile = result.profile  # raises on any line that is not metadata or a sample
    assert profile.samples, "no samples\n" + result.describe()

    for meta in profile.metadata_lines:
        assert not FLAMEGRAPH_STACK_RE.match(meta), (
            "flamegraph.pl would take metadata line %r for a stack" % meta)
    for s in profile.samples:
        m = FLAMEGRAPH_STACK_RE.match(s.text)
        assert m and int(m.group(2)) == s.metric and not m.group(1).endswith(" "), (
            "flamegraph.pl misreads %r" % s.text)

    for key in ("interval", "mode", "duration"):
        assert key in profile.metadata, "no '# %s:' metadata\n%s" % (key, result.describe())
    assert interval_us(profile.metadata["interval"]) == 100, (
        "default interval is 100us, metadata says %r" % profile.metadata["interval"])
    assert profile.metadata["mode"] == "wall", profile.metadata["mode"]
    assert profile.duration_us() > 0
    command = "%s %s 0.5" % (python.path, path)
    assert profile.metadata.get("command") == command, (
        "'# command:' is not the command launched\n" + result.describe())
    # It ends in a number: flamegraph.pl must not take it for a stack.
    assert "# command: %s (value)" % command in profile.metadata_lines

    # Header before the first sample, footer after the last one.
    lines = profile.lines
    first = profile.samples[0].lineno
    last = profile.samples[-1].lineno
    index = {l.split(":", 1)[0][2:]: n for n, l in enumerate(lines, 1) if l.startswith("# ")}
    assert max(index[k] for k in ("interval", "mode", "command")) < first, (
        "header after samples")
    assert index["duration"] > last, "'# duration' must follow the samples"
    assert os.path.getsize(str(out)) == len(result.output.encode())


def test_sub_interpreters(python):
    """Threads of sub-interpreters are sampled, under their own interpreter id."""
    path = target("subinterp.py")
    line = expected_lines("subinterp.py")
    result = run_austinc([python.path, path, "1.0"]).assert_ok()
    profile = result.profile
    assert_few_invalid(profile, result)

    sub = [s for s in profile.samples if s.iid != 0]
    assert sub, "no sample of a sub-interpreter\n" + result.describe()
    assert {s.iid for s in sub} == {sub[0].iid}, "one sub-interpreter expected"
    def in_sub_spin(s):
        return s.leaf is not None and s.leaf.func == "sub_spin" and s.leaf.file == "<string>"

    # A new interpreter first imports its start-up modules (slowly, on a
    # busy machine): judge it from its first sample in sub_spin on.
    started = [i for i, s in enumerate(sub) if in_sub_spin(s)]
    assert started, "the sub-interpreter never sampled in sub_spin\n" + result.describe()
    assert_mostly(sub[started[0]:], in_sub_spin, 0.9, "sub-interpreter in sub_spin", result)

    main = [s for s in profile.samples if s.iid == 0 and s.tid == result.target_pid()]
    spinning = [s for s in main if any(f.func == "main_spin" for f in s.frames)]
    # main_spin() runs 1.0 s of wall time; start-up (long on a busy
    # machine) is no part of it: its samples' time adds up to most of it.
    spun = sum(s.metric for s in spinning)
    assert spun >= 0.8e6, (
        "the main interpreter was sampled %dus in main_spin (%d of %d samples), "
        "which ran 1.0 s\n%s" % (spun, len(spinning), len(main), result.describe()))
    assert_mostly(spinning, lambda s: s.leaf is not None and s.leaf.file == path
                  and s.leaf.func == "main_spin"
                  and s.leaf.line in loop_lines(line, "main_spin"),
                  0.9, "main interpreter in main_spin's loop", result)

    # The sub-interpreter runs on the worker thread, which also has a thread
    # state in the main interpreter: each is charged its own time.
    worker_tid = sub[0].tid
    for iid in (0, sub[0].iid):
        states = [s for s in profile.samples if s.tid == worker_tid and s.iid == iid]
        total = sum(s.metric for s in states)
        assert total >= 0.5 * profile.duration_us(), (
            "thread state %d:%d charged %dus of %dus" % (iid, worker_tid, total,
                                                          profile.duration_us()))
