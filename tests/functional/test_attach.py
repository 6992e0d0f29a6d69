"""Attaching to a running process with -p, for -x seconds."""

import time

from helpers import (
    Frame,
    assert_few_invalid,
    assert_mostly,
    expected_lines,
    frame_matches,
    loop_lines,
    run_austinc,
    sleeper,
    target,
)


def test_attach_for_one_second(python, tmp_path):
    path = target("sleeper.py")
    line = expected_lines("sleeper.py")
    out = tmp_path / "profile.txt"
    with sleeper(python, 15) as proc:
        time.sleep(0.2)  # let the main loop run
        result = run_austinc(["-x", "1", "-p", proc.pid], output_file=out, timeout=30)
        result.assert_ok(0)
        assert 0.8 <= result.elapsed <= 4.0, (
            "-x 1 took %.2fs\n%s" % (result.elapsed, result.describe()))
        assert proc.alive(), "the target did not survive the attach\n" + result.describe()
        time.sleep(0.3)
        assert proc.alive(), "the target died after austinc left"
        status = proc.finish()
        assert status == 0, "the target exited with %r after the attach" % status

    profile = result.profile
    assert_few_invalid(profile, result)
    assert profile.metadata.get("command") == "%s %s 15" % (python.path, path), (
        "'# command:' is not the target's command line\n" + result.describe())
    duration = profile.duration_us()
    assert 0.8e6 <= duration <= 3.0e6, "# duration %dus for -x 1" % duration
    assert {s.pid for s in profile.samples} == {proc.pid}, result.describe()
    assert all(s.iid == 0 for s in profile.samples)

    by_tid = profile.by_tid()
    assert proc.pid in by_tid, "no sample of the main thread\n" + result.describe()
    assert len(by_tid) == 2, "expected the main thread and the stdin watcher, got %s" % (
        sorted(by_tid))
    main = by_tid[proc.pid]
    module = Frame(path, "<module>", line["module->main"])
    assert_mostly(main, lambda s: len(s.frames) >= 2 and s.frames[0] == module
                  and s.frames[1].func == "main" and s.frames[1].file == path, 0.95, "main thread in <module>;main", result)
    work = Frame(path, "work", loop_lines(line, "work"))
    working = [s for s in main if s.leaf and frame_matches(s.leaf, work)]
    assert working, "main thread never sampled in work()\n" + result.describe()
    # The target runs on while it is read: a sample taken as work() returns
    # may see main() already on the next line. Rare, never the rule.
    assert_mostly(working, lambda s: s.frames[1] == Frame(path, "main", line["main->work"]),
                  0.95, "work() called from main()'s work line", result)
    sleeping = [s for s in main if s.leaf == Frame(path, "main", line["main->sleep"])]
    assert sleeping, "main thread never sampled in time.sleep()\n" + result.describe()

    (watcher_tid,) = [t for t in by_tid if t != proc.pid]
    watcher = by_tid[watcher_tid]
    assert_mostly(watcher, lambda s: s.leaf == Frame(path, "watch_stdin", line["watch_stdin"]),
                  0.95, "watcher thread blocked in watch_stdin", result)
