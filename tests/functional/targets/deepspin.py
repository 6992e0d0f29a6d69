"""Threads that each go DEPTH frames down, then spin in leaf() until
SECONDS have passed since the start: a steady stream of deep stacks.

usage: deepspin.py [SECONDS [THREADS [DEPTH]]]   (default 2, 1, 20)

THREADS counts the main thread, which is one of the spinners. Once every
one is in leaf(), it prints "ready PID" on stdout. Python 2.7 and 3.6+
syntax.
"""
import os
import sys
import threading
import time

ARRIVED = [0]
LOCK = threading.Lock()


def arrive(threads):
    with LOCK:
        ARRIVED[0] += 1
        if ARRIVED[0] == threads:
            sys.stdout.write("ready %d\n" % os.getpid())
            sys.stdout.flush()


def leaf(deadline):
    arrive(THREADS)
    n = 0
    while time.time() < deadline:  # LINE:leaf
        n += 1
    return n


def down(depth, deadline):
    if depth == 0:
        return leaf(deadline)
    return down(depth - 1, deadline)  # LINE:down


THREADS = int(sys.argv[2]) if len(sys.argv) > 2 else 1


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 2.0
    depth = int(sys.argv[3]) if len(sys.argv) > 3 else 20
    deadline = time.time() + seconds
    others = [threading.Thread(target=down, args=(depth, deadline))
              for _ in range(THREADS - 1)]
    for t in others:
        t.start()
    down(depth, deadline)
    for t in others:
        t.join()


main()
