"""-C: Python descendants (pool workers, a subprocess, a fork) are sampled too."""

import collections

from helpers import (
    complaints,
    in_stack,
    run_austinc,
    sample_errors,
    target,
)


def test_children(python):
    path = target("children.py")
    child_path = target("child.py")
    result = run_austinc(["-C", "-i", "1ms", python.path, path, "1.0"]).assert_ok()
    profile = result.profile
    info = result.target_info()
    root = result.target_pid()
    fork, child = int(info["fork"]), int(info["child"])
    workers = set(int(w) for w in info["workers"].split(","))
    assert len(workers) == 3 and not workers & {root, fork, child}, (
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
    # Seven processes spin on two cores beside the other test worker: the
    # sanitised build once sampled a worker 17 times in its second of work.
    for pid in workers:
        n = sum(1 for s in by_pid[pid] if in_stack(s, path, "work"))
        assert n >= 10, "worker %d: only %d samples in work()" % (pid, n)

    in_child = [s for s in by_pid[child] if in_stack(s, child_path, "child_work")]
    assert len(in_child) >= 30, "subprocess %d: %d samples in child_work()\n%s" % (
        child, len(in_child), result.describe())
    strays = [s for s in profile.samples
              if in_stack(s, child_path, "child_work") and s.pid != child]
    assert not strays, "child_work() under another pid:\n%s" % strays[0].text

    # The fork spins 0.5 s after the root is gone: austinc samples on.
    last_root = max(s.lineno for s in by_pid[root])
    late = [s for s in by_pid[fork]
            if s.lineno > last_root and in_stack(s, path, "orphan_work")]
    assert len(late) >= 20, (
        "only %d samples of the fork %d in orphan_work() after the root's last one\n%s"
        % (len(late), fork, result.describe()))

    assert not complaints(result), "austinc complained:\n%s" % result.describe()
    errors = sample_errors(profile)
    # Processes start and exit under austinc here (five of them, sampled
    # every millisecond): reads that race an exit are a few percent at most.
    assert errors <= max(5, 0.05 * len(profile.samples)), (
        "%d sampling errors in %d samples\n%s" % (errors, len(profile.samples),
                                                  result.describe()))
