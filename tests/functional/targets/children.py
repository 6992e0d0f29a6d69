"""Python descendants of three kinds, each busy in its own function.

usage: children.py [SECONDS]   (default 1.0)

* os.fork(), first, while single-threaded: the child runs orphan_work(),
  which spins for SECONDS, then until this process is gone (it does not wait
  for the child), then 0.5 s more;
* subprocess [sys.executable, child.py, SECONDS]: child_work() there;
* multiprocessing.Pool(3), default start method: three tasks of
  work(SECONDS), each returning the pid of the worker that ran it.

Reports on stderr "target: pid N", "target: fork PID", "target: child PID"
and "target: workers PID,PID,PID". Python 2.7 and 3.6+ syntax.
"""
import multiprocessing
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def report(key, value):
    sys.stderr.write("target: %s %s\n" % (key, value))
    sys.stderr.flush()


def spin(seconds):
    end = time.time() + seconds
    while time.time() < end:  # LINE:spin
        pass


def orphan_work(parent, seconds):
    spin(seconds)
    deadline = time.time() + 30
    while os.getppid() == parent and time.time() < deadline:  # LINE:orphan_work
        pass
    spin(0.5)


def work(seconds):
    spin(seconds)
    return os.getpid()


def main(seconds):
    report("pid", os.getpid())
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:
        orphan_work(parent, seconds)
        os._exit(0)
    report("fork", pid)
    child = subprocess.Popen([sys.executable, os.path.join(HERE, "child.py"),
                              str(seconds)])
    report("child", child.pid)
    pool = multiprocessing.Pool(3)
    workers = pool.map(work, [seconds] * 3, chunksize=1)
    pool.close()
    pool.join()
    report("workers", ",".join(str(w) for w in workers))
    child.wait()


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 1.0)
