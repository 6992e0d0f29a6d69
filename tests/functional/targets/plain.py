"""A target that imports nothing but os and sys, which every interpreter has
built in: the stripped twins of test_stripped.py export no symbol, so they
cannot load extension modules.

usage: plain.py [SECONDS]   (default 3)

Prints "ready PID" on stdout, then calls spin() from work() until SECONDS of
wall time have passed, and exits 0. Python 2.7 and 3.6+ syntax.
"""
import os
import sys


def spin(n):
    total = 0
    for i in range(n):  # LINE:spin
        total += i  # LINE:spin.body
    return total


def work(seconds):
    end = os.times()[4] + seconds
    while os.times()[4] < end:
        spin(50000)  # LINE:work


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 3.0
    sys.stdout.write("ready %d\n" % os.getpid())
    sys.stdout.flush()
    work(seconds)  # LINE:main


main()
