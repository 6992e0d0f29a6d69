"""A plain Python child process, busy in child_work().

usage: child.py [SECONDS [ready]]   (default 1.0)

With "ready", child_work() prints "ready PID" on stdout before it spins.
Python 2.7 and 3.6+ syntax.
"""
import os
import sys
import time


def child_work(seconds, ready):
    if ready:
        sys.stdout.write("ready %d\n" % os.getpid())
        sys.stdout.flush()
    end = time.time() + seconds
    n = 0
    while time.time() < end:  # LINE:child_work
        n += 1  # LINE:child_work.body
    return n


if __name__ == "__main__":
    SECONDS = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
    child_work(SECONDS, sys.argv[2:3] == ["ready"])
