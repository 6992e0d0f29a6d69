"""main -> outer -> inner, which spends CPU in leaf_a and leaf_b at 2:1.

usage: shares.py [SECONDS]   (default 1.5)

The tests find the expected line numbers from the "# LINE:" markers, so
lines may move freely. Reports its pid on stderr as "target: pid N".
Keep this file valid Python 2.7 and 3.6+ syntax (no f-strings).
"""
import os
import sys
import time

SLICE = 0.015  # seconds; leaf_a runs 2 slices, leaf_b 1 slice per round


def leaf_a(seconds):
    end = time.time() + seconds
    n = 0
    while time.time() < end:  # LINE:leaf_a
        n += 1  # LINE:leaf_a.body
    return n


def leaf_b(seconds):
    end = time.time() + seconds
    n = 0
    while time.time() < end:  # LINE:leaf_b
        n += 1  # LINE:leaf_b.body
    return n


def inner(deadline):
    while time.time() < deadline:
        leaf_a(2 * SLICE)  # LINE:inner->leaf_a
        leaf_b(SLICE)  # LINE:inner->leaf_b


def outer(deadline):
    inner(deadline)  # LINE:outer->inner


def main(seconds):
    sys.stderr.write("target: pid %d\n" % os.getpid())
    sys.stderr.flush()
    outer(time.time() + seconds)  # LINE:main->outer


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 1.5)  # LINE:module->main
