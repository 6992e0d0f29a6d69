"""Recurse DEPTH frames deep (default 500), then spin at the bottom.

usage: recursion.py [SECONDS [DEPTH]]   (defaults 1.5, 500)

recurse(n) calls itself until n == 1, so there are exactly DEPTH frames of
recurse() on the stack while spin() runs. Reports "target: pid N" on stderr.
Python 2.7 and 3.6+ syntax.
"""
import os
import sys
import time

sys.setrecursionlimit(5000)


def spin(seconds):
    end = time.time() + seconds
    n = 0
    while time.time() < end:  # LINE:spin
        n += 1  # LINE:spin.body
    return n


def recurse(n, seconds):
    if n > 1:
        return recurse(n - 1, seconds)  # LINE:recurse->recurse
    return spin(seconds)  # LINE:recurse->spin


def main(seconds, depth):
    sys.stderr.write("target: pid %d\n" % os.getpid())
    sys.stderr.flush()
    recurse(depth, seconds)  # LINE:main->recurse


if __name__ == "__main__":
    SECONDS = float(sys.argv[1]) if len(sys.argv) > 1 else 1.5
    DEPTH = int(sys.argv[2]) if len(sys.argv) > 2 else 500
    main(SECONDS, DEPTH)  # LINE:module->main
