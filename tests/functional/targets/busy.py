"""A single thread, busy on the CPU for a fixed wall time.

usage: busy.py [SECONDS]   (default 1.5)

Reports "target: pid N" and, at the end, "target: elapsed SECONDS" (from the
start of main to its end) on stderr. Python 2.7 and 3.6+ syntax.
"""
import os
import sys
import time


def spin(seconds):
    end = time.time() + seconds
    n = 0
    while time.time() < end:  # LINE:spin
        n += 1  # LINE:spin.body
    return n


def main(seconds):
    start = time.time()
    sys.stderr.write("target: pid %d\n" % os.getpid())
    sys.stderr.flush()
    spin(seconds)  # LINE:main->spin
    sys.stderr.write("target: elapsed %.6f\n" % (time.time() - start))
    sys.stderr.flush()


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 1.5)  # LINE:module->main
