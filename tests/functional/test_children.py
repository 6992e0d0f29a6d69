"""-C: Python descendants (pool workers, a subprocess, a fork) are sampled too."""

import collections

from helpers import (
    complaints,
    in_stack,
    longest_sample_s,
    run_austinc,
    sample_errors,
    target,
)


def test_children(python):
    path = target("children.py")
    child_path = target("child.py")
    seconds = 1.0
    result = run_austinc(["-C", "-i", "1ms", python.path, path, str(seconds)]).assert_ok()
    profile = result.profile
    info = result.target_info()
    root = result.target_pid()
    fork, child = int(info["fork"]), int(info["child"])
    workers = set(int(w) for w in info["workers"].split(","))
    # Three tasks for three workers, but a busy machine may start one late
    # and another take two tasks.
    assert 1 <= len(workers) <= 3 and not workers & {root, fork, child}, (
        "the pool ran its three tasks on %s" % sorted(workers))

    by_pid = collections.defaultdict(list)
    for s in profile.samples:
        by_pid[s.pid].append(s)
    for pid in [root, fork, child] + sorted(workers):
        assert pid in by_pid, "no sample of process %d\n%s" % (pid, result.describe())
        assert pid in {s.tid for s in by_pid[pid]}, (
            "process %d: no sample of its main thread (TID = pid)" % pid)
    # A fork starts with a copy of its parent's thread states: those are
    # not threads of the child.
    pids = set(by_pid)
    phantoms = [s for s in profile.samples if s.tid != s.pid and s.tid in pids]
    assert not phantoms, "threads of one process sampled under another:\n%s" % (
        "\n".join(s.text for s in phantoms[:8]))

    working = {s.pid for s in profile.samples if in_stack(s, path, "work")}
    assert workers <= working and root not in working, (
        "work() sampled in processes %s; the pool workers are %s\n%s"
        % (sorted(working), sorted(workers), result.describe()))
    # What austinc saw of each busy phase is told by the time metrics (each
    # sample carries the time since its thread's last one), not by how many
    # ticks it got in: seven processes spin on two cores beside the other
    # test worker, and a sanitised build on a busy machine gets far fewer
    # ticks than one a millisecond. Each phase spins for a given wall time:
    # austinc must have followed at least half of it.
    def seen(samples, func_path, func):
        return sum(s.metric for s in samples if in_stack(s, func_path, func)) / 1e6

    # A process that exits while austinc is held up inside a tick loses the
    # time since its last sample: half a phase, less the longest tick.
    need = 0.5 * seconds - longest_sample_s(result)

    for pid in workers:
        t = seen(by_pid[pid], path, "work")
        assert t >= need, "worker %d: %.3fs of %.1fs in work() sampled\n%s" % (
            pid, t, seconds, result.describe())

    t = seen(by_pid[child], child_path, "child_work")
    assert t >= need, "subprocess %d: %.3fs of %.1fs in child_work() sampled\n%s" % (
        child, t, seconds, result.describe())
    strays = [s for s in profile.samples
              if in_stack(s, child_path, "child_work") and s.pid != child]
    assert not strays, "child_work() under another pid:\n%s" % strays[0].text

    # The fork spins 0.5 s after the root is gone: austinc samples on.
    last_root = max(s.lineno for s in by_pid[root])
    late = [s for s in by_pid[fork] if s.lineno > last_root]
    t = seen(late, path, "orphan_work")
    assert t >= 0.25 - longest_sample_s(result), (
        "only %.3fs of the fork %d's last 0.5s in orphan_work() sampled after the root's "
        "last sample\n%s" % (t, fork, result.describe()))

    assert not complaints(result), "austinc complained:\n%s" % result.describe()
    errors = sample_errors(profile)
    # Processes start and exit under austinc here (five of them, sampled
    # every millisecond): reads that race an exit are a few percent at most.
    assert errors <= max(5, 0.05 * len(profile.samples)), (
        "%d sampling errors in %d samples\n%s" % (errors, len(profile.samples),
                                                  result.describe()))
