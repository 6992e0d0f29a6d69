"""Two threads spin in spin_a() and spin_b(); the main thread sleeps in main().

usage: where.py [SECONDS [child]]   (default 30)

Once both threads are in their functions it prints "ready PID" and then
"tids TID_A TID_B" (0 where threading.get_native_id is missing) on stdout,
and sleeps until SECONDS have passed. With "child" it first starts child.py
(SECONDS, ready), waits until it is in child_work(), and appends the child's
pid to the tids line. Python 2.7 and 3.6+ syntax.
"""
import os
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def native_id():
    get = getattr(threading, "get_native_id", None)
    return get() if get else 0


def spin_a(started, tids, deadline):
    tids["a"] = native_id()
    started.set()
    n = 0
    while time.time() < deadline:  # LINE:spin_a
        n += 1  # LINE:spin_a.body


def spin_b(started, tids, deadline):
    tids["b"] = native_id()
    started.set()
    n = 0
    while time.time() < deadline:  # LINE:spin_b
        n += 1  # LINE:spin_b.body


def main(seconds, with_child):
    deadline = time.time() + seconds
    extra = ""
    if with_child:
        child = subprocess.Popen(
            [sys.executable, os.path.join(HERE, "child.py"), str(seconds), "ready"],
            stdout=subprocess.PIPE)
        child.stdout.readline()
        extra = " %d" % child.pid
    tids = {}
    for spin in (spin_a, spin_b):
        started = threading.Event()
        thread = threading.Thread(target=spin, args=(started, tids, deadline))
        thread.daemon = True
        thread.start()
        started.wait()
    sys.stdout.write("ready %d\ntids %d %d%s\n" % (os.getpid(), tids["a"], tids["b"], extra))
    sys.stdout.flush()
    while time.time() < deadline:
        time.sleep(max(0.0, deadline - time.time()))  # LINE:main->sleep (one long sleep: idle)


if __name__ == "__main__":
    SECONDS = float(sys.argv[1]) if len(sys.argv) > 1 else 30.0
    main(SECONDS, sys.argv[2:3] == ["child"])  # LINE:module->main
