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
    # The clock is read every 25 ms or so: a process is often preempted as
    # a system call returns, and on a busy machine a clock read after every
    # few milliseconds of work took most of the samples.
    while os.times()[4] < end:
        spin(500000)  # LINE:work


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 3.0
    sys.stdout.write("ready %d\n" % os.getpid())
    sys.stdout.flush()
    work(seconds)  # LINE:main


main()
