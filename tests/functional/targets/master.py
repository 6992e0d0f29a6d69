"""A master process and its forked workers, as a pre-forking server runs.

usage: master.py SECONDS [TAG]

Prints "ready PID" on stdout, forks two workers that spin in worker() for
SECONDS and share the master's command line, and waits for them in
supervise(). Reports "target: workers PID,PID" on stderr. TAG is only
there for --name to match. Python 2.7 and 3.6+ syntax.
"""
import os
import sys
import time


def worker(seconds):
    end = time.time() + seconds
    while time.time() < end:
        pass


def supervise(pids):
    for pid in pids:
        os.waitpid(pid, 0)


def main(seconds):
    sys.stdout.write("ready %d\n" % os.getpid())
    sys.stdout.flush()
    pids = []
    for _ in range(2):
        pid = os.fork()
        if pid == 0:
            worker(seconds)
            os._exit(0)
        pids.append(pid)
    sys.stderr.write("target: workers %s\n" % ",".join(str(p) for p in pids))
    sys.stderr.flush()
    supervise(pids)


if __name__ == "__main__":
    main(float(sys.argv[1]))
