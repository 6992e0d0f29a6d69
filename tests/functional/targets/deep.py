"""Recurse DEPTH frames deep, then spin at the bottom for SECONDS.

usage: deep.py DEPTH SECONDS [thread]

start() calls descend(DEPTH), which calls itself until n == 0 and then
spin(): while spin() runs there are DEPTH + 1 frames of descend() on the
stack, start() and what called it outside them. With "thread" the recursion
runs in a thread of its own with a large stack: up to 3.10 every Python call
also takes C stack, more than a main thread's 8 MiB holds at 50,000 frames.
Writes "ready PID" on stdout once started (imports done), then waits
READY_WAIT seconds to be attached to; reports "target: pid N" and
"target: bottom S" (the seconds spent at the bottom) on stderr. Python 2.7
and 3.6+ syntax.
"""
import os
import sys
import threading
import time

STACK_BYTES_PER_FRAME = 4096  # more than any version's C frame needs
READY_WAIT = 0.2


def spin(seconds):  # LINE:spin.def
    end = time.time() + seconds
    n = 0
    while time.time() < end:  # LINE:spin
        n += 1  # LINE:spin.body
    return n


def descend(n, seconds):
    if n > 0:
        return descend(n - 1, seconds)  # LINE:descend->descend
    return spin(seconds)  # LINE:descend->spin


def start(depth, seconds):
    began = time.time()
    descend(depth, seconds)  # LINE:start->descend
    sys.stderr.write("target: bottom %.3f\n" % (time.time() - began))


def main(depth, seconds, in_thread):
    sys.stderr.write("target: pid %d\n" % os.getpid())
    sys.stderr.flush()
    sys.stdout.write("ready %d\n" % os.getpid())
    sys.stdout.flush()
    time.sleep(READY_WAIT)
    sys.setrecursionlimit(depth + 100)
    if not in_thread:
        start(depth, seconds)  # LINE:main->start
        return
    threading.stack_size(64 * 1024 * 1024 + STACK_BYTES_PER_FRAME * depth)
    worker = threading.Thread(target=start, args=(depth, seconds))
    worker.start()
    worker.join()


if __name__ == "__main__":
    main(int(sys.argv[1]), float(sys.argv[2]),
         len(sys.argv) > 3 and sys.argv[3] == "thread")  # LINE:module->main
