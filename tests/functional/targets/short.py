"""A program that runs for a few milliseconds of its own code, then exits 0.

usage: short.py [MILLISECONDS]   (default 10)

Python 2.7 and 3.6+ syntax.
"""
import sys
import time


def work(seconds):
    end = time.time() + seconds
    n = 0
    while time.time() < end:  # LINE:work
        n += 1  # LINE:work.body
    return n


if __name__ == "__main__":
    work((float(sys.argv[1]) if len(sys.argv) > 1 else 10.0) / 1000.0)  # LINE:module->work
