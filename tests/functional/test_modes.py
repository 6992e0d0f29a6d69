"""Sampling modes: -m (memory), -f (full), -s (sleepless) and -g (gc).

Each test asserts on what was sampled: which stacks the memory deltas land
on, how the time, idle and memory fields add up, and where :GC: appears.
"""

import collections
import re

import pytest

from helpers import (
    Frame,
    assert_mostly,
    footer_memory,
    footer_rss,
    footer_samples,
    footer_share,
    full_metrics,
    in_stack,
    run_austinc,
    target,
)

MIB = 1 << 20
GC = Frame("", "GC", None)


def within(value, expected, fraction):
    return abs(value - expected) <= fraction * abs(expected)


def charged_late(samples, path, func, sign):
    """The change (of SIGN, else 0) on the first sample after FUNC's last:
    a change is charged at the tick after it, and a busy machine can push
    that tick past the end of FUNC."""
    last = max((i for i, s in enumerate(samples) if in_stack(s, path, func)), default=None)
    if last is None or last + 1 >= len(samples):
        return 0
    value = samples[last + 1].metrics[-1]
    return value if value * sign > 0 else 0


def check_memory_footer(profile, deltas, result):
    """The footers agree exactly with the deltas written, in order."""
    start, peak, end = footer_rss(profile)
    total = sum(deltas)
    assert end - start == total, (
        "# rss says %dB at start and %dB at end (%+d), the deltas sum to %+d\n%s"
        % (start, end, end - start, total, result.describe()))
    allocated, released = footer_memory(profile)
    assert (allocated, released) == (sum(d for d in deltas if d > 0),
                                     -sum(d for d in deltas if d < 0)), (
        "# memory: %dB allocated, %dB released, but the positive deltas sum to %d "
        "and the negative ones to %d" % (allocated, released,
                                         sum(d for d in deltas if d > 0),
                                         sum(d for d in deltas if d < 0)))
    running, highest = start, start
    for d in deltas:
        running += d
        highest = max(highest, running)
    assert peak >= highest and peak >= end, (
        "# rss peak %dB, but the deltas reach %dB" % (peak, highest))
    return start, peak, end


def check_idle_footer(profile, dropped, result):
    """'# idle: N of M thread samples': N idle of M taken; DROPPED: -s."""
    idle, taken, percent = footer_share(profile, "idle")
    written = len(profile.samples)
    assert taken == footer_samples(profile)[3], "# idle and # samples disagree"
    if dropped:
        assert taken - idle == written, (
            "# idle: %d of %d, so %d lines expected, %d written\n%s"
            % (idle, taken, taken - idle, written, result.describe()))
    else:
        flagged = sum(1 for s in profile.samples if full_metrics(s)[1])
        assert (idle, taken) == (flagged, written), (
            "# idle: %d of %d, but %d of %d lines are flagged idle"
            % (idle, taken, flagged, written))
    assert taken and abs(percent - 100.0 * idle / taken) <= 0.1, (
        "# idle: %d of %d is not %.1f%%" % (idle, taken, percent))


# --------------------------------------------------------------------------
# Options
# --------------------------------------------------------------------------


def test_help_lists_mode_options():
    text = run_austinc(["--help"], timeout=10).assert_ok().stdout
    for short, long_ in (("-m", "--memory"), ("-f", "--full"), ("-s", "--sleepless"),
                         ("-g", "--gc"), ("-C", "--children"), ("-w", "--where")):
        assert long_ in text, "--help does not mention %s\n%s" % (long_, text)
        assert re.search(r"(^|[\s,\[])%s(?=[\s,=\]]|$)" % re.escape(short), text, re.M), (
            "--help does not mention %s\n%s" % (short, text))


# Austin's users' commands: -f makes -m and -s redundant (Austin's
# meaning: the full set, idle samples kept and flagged), -m makes -s moot.
@pytest.mark.parametrize("options,mode,notes", [
    (["-s", "-i", "1ms", "-f", "-m"], "full", ("-m/--memory", "-s/--sleepless")),
    (["-f", "-s", "-i", "1ms"], "full", ("-s/--sleepless",)),
    (["-m", "-s", "-i", "1ms"], "memory", ("-s/--sleepless",)),
], ids=["austin-command", "full-sleepless", "memory-sleepless"])
def test_austin_mode_combinations(python, options, mode, notes):
    path = target("napper.py")
    result = run_austinc(options + [python.path, path, "1.2", "20"]).assert_ok()
    profile = result.profile
    assert profile.metadata.get("mode") == mode, result.describe()
    said = [l for l in result.error_lines() if l.startswith("austinc: note: ")]
    assert len(said) == len(notes) and all(n in l for n, l in zip(notes, said)), (
        "expected one note for each of %s\n%s" % (notes, result.describe()))
    pid = result.target_pid()
    burning = [s for s in profile.samples if s.tid == pid and in_stack(s, path, "burn")]
    if mode == "memory":
        # Plain -m: one non-zero delta a line, burn() (which maps 20 MiB)
        # among the growers, and the footers agreeing with the lines.
        assert all(len(s.metrics) == 1 and s.metric for s in profile.samples)
        assert sum(s.metric for s in burning if s.metric > 0) > 0, result.describe()
        check_memory_footer(profile, [s.metric for s in profile.samples], result)
        return
    assert_burn_share(profile, pid, burning, result)
    # -s had no effect: nap()'s idle samples are kept, flagged idle.
    napping = [s for s in profile.samples if in_stack(s, path, "nap")]
    assert napping and all(len(s.metrics) == 3 for s in profile.samples)
    assert_asleep(napping, lambda s: full_metrics(s)[1], 1.2e6,
                  "nap() sleeps: idle and kept", result)
    check_idle_footer(profile, False, result)


# --------------------------------------------------------------------------
# -m: memory deltas land on the code that allocates and frees
# --------------------------------------------------------------------------


def test_memory_grow_and_shrink(python):
    path = target("memory.py")
    size = 100 * MIB
    result = run_austinc(["-m", "-i", "1ms", python.path, path, "100"]).assert_ok()
    profile = result.profile
    pid = result.target_pid()
    assert profile.metadata.get("mode") == "memory", result.describe()
    assert profile.samples, "no samples\n" + result.describe()
    for s in profile.samples:
        assert len(s.metrics) == 1 and s.metric != 0, (
            "a memory line carries one non-zero delta: %r" % s.text)
        assert (s.pid, s.tid) == (pid, pid), (
            "a single-threaded target: %r\n%s" % (s.text, result.describe()))

    grown = sum(s.metric for s in profile.samples
                if s.metric > 0 and in_stack(s, path, "grow"))
    grown += charged_late(profile.samples, path, "grow", +1)
    assert within(grown, size, 0.2), (
        "grow() was charged %+dB, it mapped %dB\n%s" % (grown, size, result.describe()))
    shrunk = sum(s.metric for s in profile.samples
                 if s.metric < 0 and in_stack(s, path, "shrink"))
    shrunk += charged_late(profile.samples, path, "shrink", -1)
    assert within(shrunk, -size, 0.2), (
        "shrink() was charged %+dB, it unmapped %dB\n%s" % (shrunk, size, result.describe()))

    others = collections.Counter()
    for s in profile.samples:
        if not (in_stack(s, path, "grow") or in_stack(s, path, "shrink")):
            others[str(s.leaf) if s.leaf else "(no frame)"] += s.metric
    for leaf, total in others.items():
        assert abs(total) <= 10 * MIB, (
            "%s was charged %+dB; only grow() and shrink() move much memory\n%s"
            % (leaf, total, result.describe()))

    start, peak, end = check_memory_footer(
        profile, [s.metric for s in profile.samples], result)
    assert within(peak - start, size, 0.2), (
        "# rss: %dB at start, %dB peak: the peak should be %dB higher" % (start, peak, size))


# --------------------------------------------------------------------------
# -f: time, idle and memory fields add up
# --------------------------------------------------------------------------


def test_full_metrics_add_up(python):
    path = target("memory.py")
    size = 60 * MIB
    result = run_austinc(["-f", "-i", "1ms", python.path, path, "60", "keep"]).assert_ok()
    profile = result.profile
    pid = result.target_pid()
    info = result.target_info()
    assert profile.metadata.get("mode") == "full", result.describe()
    assert profile.samples, "no samples\n" + result.describe()
    fields = [full_metrics(s) for s in profile.samples]
    assert all(s.tid == pid for s in profile.samples), "a single-threaded target"

    duration = profile.duration_us()
    total_time = sum(f[0] for f in fields)
    assert within(total_time, duration, 0.1), (
        "the time fields sum to %dus, # duration is %dus" % (total_time, duration))

    deltas = [f[2] for f in fields]
    check_memory_footer(profile, deltas, result)
    own = int(info["rss.end"]) - int(info["rss.start"])
    assert abs(sum(deltas) - own) <= 16 * MIB, (
        "the memory fields sum to %+dB, the target's RSS grew by %+dB"
        % (sum(deltas), own))
    # Charged while main() ran: from its first sample to its last, whatever
    # the stack read (a single thread: an :INVALID: frame still hides main()).
    mains = [i for i, s in enumerate(profile.samples) if in_stack(s, path, "main")]
    during = profile.samples[mains[0]:mains[-1] + 1] if mains else []
    in_main = sum(s.metrics[2] for s in during)
    # What main() grew after its last sample is charged at the next tick,
    # outside it (counted here, as charged_late() does), or never when the
    # program ends first: excused then at main()'s rate of growth over the
    # time from its last sample to the end.
    in_main += charged_late(profile.samples, path, "main", +1)
    main_us = sum(s.metrics[0] for s in during)
    sampled_us = sum(s.metrics[0] for s in profile.samples[:mains[-1] + 1])
    tail = max(own, 0) * max(duration - sampled_us, 0) / max(main_us, 1)
    # And what it grew before austinc's first reading (a sanitised austinc
    # can start sampling late) is in the footer's start, never charged.
    tail += max(footer_rss(profile)[0] - int(info["rss.start"]), 0)
    assert abs(in_main - own) <= 4 * MIB + tail, (
        "main() was charged %+dB, the target's RSS grew by %+dB in main() "
        "(%dB excused for its last %dus)"
        % (in_main, own, tail, duration - sampled_us))
    grown = sum(s.metrics[2] for s in profile.samples if in_stack(s, path, "grow"))
    grown += charged_late(profile.samples, path, "grow", +1)
    assert within(grown, size, 0.2), "grow() was charged %+dB of %dB" % (grown, size)

    growing = [s for s in profile.samples if in_stack(s, path, "grow")]
    assert_mostly(growing, lambda s: s.metrics[1] == 0, 0.8, "grow() spins: not idle",
                  result)
    resting = [s for s in profile.samples if in_stack(s, path, "rest")]
    assert_asleep(resting, lambda s: s.metrics[1], 200000, "rest() sleeps", result)
    check_idle_footer(profile, False, result)


def assert_burn_share(profile, pid, burning, result):
    """burn() is most of napper.py's main thread's life, however few
    samples a busy machine leaves austinc."""
    main = [s for s in profile.samples if s.tid == pid]
    assert len(burning) >= max(20, 0.3 * len(main)), (
        "%d of the main thread's %d samples in burn()\n%s"
        % (len(burning), len(main), result.describe()))


def assert_asleep(samples, idle_of, sleep_us, what, result):
    """A thread that makes one sleep call is seen running only before it
    falls asleep and after it wakes (then waiting for the GIL or a CPU,
    which a busy machine makes long): one unbroken run of its samples, in
    order, is flagged idle, and their time fields cover at least half of
    the sleep however late austinc's ticks came."""
    runs, current = [], []
    for s in samples:
        if idle_of(s):
            current.append(s.metrics[0])
        elif current:
            runs.append(current)
            current = []
    runs.append(current)
    asleep = max(sum(run) for run in runs)
    flags = "".join(str(idle_of(s)) for s in samples)
    assert asleep >= 0.5 * sleep_us, (
        "%s: at most %dus of a %dus sleep seen idle in one run; flags in order %s\n%s"
        % (what, asleep, sleep_us, flags, result.describe()))


# A tick this long after the previous one (at -i 1ms) was held up.
HELD_UP_US = 10000


def napper_run(python, *options):
    path = target("napper.py")
    result = run_austinc(list(options) + ["-i", "1ms", python.path, path, "1.2", "20"])
    result.assert_ok()
    pid = result.target_pid()
    profile = result.profile
    burning = [s for s in profile.samples if s.tid == pid and in_stack(s, path, "burn")]
    napping = [s for s in profile.samples if in_stack(s, path, "nap")]
    assert_burn_share(profile, pid, burning, result)
    return result, path, burning, napping


def test_full_idle_flags_and_threads(python):
    result, path, burning, napping = napper_run(python, "-f")
    profile = result.profile
    pid = result.target_pid()
    info = result.target_info()
    assert profile.metadata.get("mode") == "full", result.describe()
    fields = {s.lineno: full_metrics(s) for s in profile.samples}

    nap_tids = {s.tid for s in napping}
    assert len(nap_tids) == 1 and pid not in nap_tids, (
        "nap() sampled on TIDs %s\n%s" % (sorted(nap_tids), result.describe()))
    (nap_tid,) = nap_tids
    if info.get("tid.nap", "unknown") != "unknown":
        assert nap_tid == int(info["tid.nap"]), "nap() thread is %s" % info["tid.nap"]
    by_tid = profile.by_tid()
    assert set(by_tid) == {pid, nap_tid}, "threads %s" % sorted(by_tid)

    assert_asleep(napping, lambda s: fields[s.lineno][1], 1.2e6, "nap() sleeps", result)
    assert_mostly(burning, lambda s: fields[s.lineno][1] == 0, 0.8,
                  "burn() spins: not idle", result)

    # The main thread's time fields run from the first tick to its last
    # sample: at least main() (which the target timed), at most the run.
    duration = profile.duration_us()
    main_time = sum(fields[s.lineno][0] for s in by_tid[pid])
    main_wall = float(info["elapsed"]) * 1e6
    assert 0.9 * main_wall <= main_time <= duration, (
        "main thread's time fields sum to %dus; main() took %dus, # duration is %dus"
        % (main_time, main_wall, duration))
    # Its first and last samples may sit a whole gap from its start and end:
    # the longest gap this run left between two of its samples.
    nap_times = [fields[s.lineno][0] for s in by_tid[nap_tid]]
    nap_wall = float(info["elapsed.nap"]) * 1e6
    assert abs(sum(nap_times) - nap_wall) <= 0.1 * nap_wall + max(nap_times), (
        "nap thread's time fields sum to %dus, it ran for %dus (longest gap %dus)"
        % (sum(nap_times), nap_wall, max(nap_times)))

    # Memory goes on the GIL holder's line: burn() maps 20 MiB, nap() holds
    # the GIL only to start, and to report once awake (how many ticks that
    # spans depends on the machine's load; what it allocates does not).
    # A tick held up (a loaded machine) across burn()'s end and nap()'s
    # wake-up charges nap() with what burn() mapped meanwhile: at most
    # burn()'s rate over that sample's gap, and the chunk in progress.
    on_nap = [s for s in by_tid[nap_tid] if fields[s.lineno][2]]
    held = [s for s in on_nap if fields[s.lineno][0] > HELD_UP_US]
    charged = sum(abs(fields[s.lineno][2]) for s in on_nap if s not in held)
    assert charged <= MIB, "%dB charged to the napping thread:\n%s" % (
        charged, "\n".join(s.text for s in on_nap[:8]))
    burn_rate = 20 * MIB / 1.1e6  # bytes per microsecond
    for s in held:
        gap, _, memory = fields[s.lineno]
        assert abs(memory) <= burn_rate * gap + MIB, (
            "%dB charged to the napping thread after a %dus gap: %s"
            % (memory, gap, s.text))
    # A change is charged at the tick after it, which a busy machine can
    # delay past burn()'s end: onto main() itself, joining the napper (where
    # the chunks are later dropped: only its growth counts).
    # The held-up ticks above took their share too (bounded there).
    burnt = sum(fields[s.lineno][2] for s in burning)
    late = sum(max(fields[s.lineno][2], 0) for s in by_tid[pid]
               if s.leaf and s.leaf.func == "main" and s.leaf.file == path)
    on_held = sum(max(fields[s.lineno][2], 0) for s in held)
    mapped = burnt + late + on_held
    assert within(mapped, 20 * MIB, 0.2) and burnt >= 0.5 * mapped, (
        "burn() was charged %+dB, main() after it %+dB and the napping thread's "
        "held-up ticks %+dB, of 20 MiB mapped" % (burnt, late, on_held))
    check_memory_footer(profile, [fields[s.lineno][2] for s in profile.samples], result)
    check_idle_footer(profile, False, result)


# --------------------------------------------------------------------------
# -s: idle samples are dropped
# --------------------------------------------------------------------------


def test_sleepless_drops_idle(python):
    result, path, burning, napping = napper_run(python, "-s")
    profile = result.profile
    assert profile.metadata.get("mode") == "cpu", result.describe()
    # Without -s both threads are sampled on every tick: burn()'s count
    # (never idle) stands for what nap() would have had. A few are rightly
    # kept: on a loaded machine the napper waits on the run queue (state R)
    # before it reaches its sleep.
    assert len(napping) <= 0.15 * len(burning), (
        "%d samples in nap() kept, %d in burn()\n%s"
        % (len(napping), len(burning), "\n".join(s.text for s in napping[:8])))
    assert all(len(s.metrics) == 1 for s in profile.samples)
    check_idle_footer(profile, True, result)


# --------------------------------------------------------------------------
# -g: the garbage collector as the innermost frame
# --------------------------------------------------------------------------


def gc_run(python, seconds, *args):
    path = target("gcchurn.py")
    result = run_austinc(["-g", python.path, path, seconds] + list(args)).assert_ok()
    profile = result.profile
    churning = [s for s in profile.samples if in_stack(s, path, "churn")]
    # churn() is the program's work: most of its samples, however few a
    # busy machine leaves austinc (at 100 us, some thousands when idle).
    assert len(churning) >= max(100, 0.5 * len(profile.samples)), (
        "%d of %d samples in churn()\n%s"
        % (len(churning), len(profile.samples), result.describe()))
    with_gc = [s for s in profile.samples if GC in s.frames]
    # "# gc" counts ticks; single-threaded, so one :GC: line per GC tick.
    gc_count, total, percent = footer_share(profile, "gc")
    ticks = footer_samples(profile)[0]
    assert (gc_count, total) == (len(with_gc), ticks), (
        "# gc: %d of %d samples, but %d lines carry :GC: and there were %d ticks"
        % (gc_count, total, len(with_gc), ticks))
    assert total and abs(percent - 100.0 * gc_count / total) <= 0.1
    return result, path, churning, with_gc


def test_gc_frames(python):
    result, path, churning, with_gc = gc_run(python, "1.0")
    assert with_gc, "no :GC: frame in a program that makes cyclic garbage\n" + (
        result.describe())
    bad = [s for s in with_gc if s.frames.index(GC) != len(s.frames) - 1]
    assert not bad, ":GC: must be the last frame:\n%s" % "\n".join(s.text for s in bad[:8])
    in_churn = sum(1 for s in churning if GC in s.frames)
    assert in_churn >= 0.05 * len(churning), (
        "the collector seen in %d of %d churn() samples; it takes ~40%% of the time"
        % (in_churn, len(churning)))


def test_gc_disabled(python):
    result, path, churning, with_gc = gc_run(python, "0.5", "nogc")
    assert result.target_info().get("collections") in ("0", "unknown")
    # Start-up collects before main() disables the collector; after that,
    # from the first sample in churn() on, nothing may.
    first = min(s.lineno for s in churning)
    after = [s for s in with_gc if s.lineno >= first or in_stack(s, path, "main")]
    assert not after, ":GC: with the collector disabled:\n%s" % (
        "\n".join(s.text for s in after[:8]))
