"""main -> outer -> inner, which spends CPU in leaf_a and leaf_b at 2:1.

usage: shares.py [SECONDS [A B [C]]]   (default 1.5 s, shares 2 1 0)

With shares A B C the leaves leaf_a, leaf_b and leaf_c run A, B and C
slices a round (issue 5's recordings use 5 3 2).

The tests find the expected line numbers from the "# LINE:" markers, so
lines may move freely. Reports its pid on stderr as "target: pid N".
Keep this file valid Python 2.7 and 3.6+ syntax (no f-strings).
"""
import os
import sys
import time

SLICE = 0.015  # seconds; by default leaf_a runs 2 slices, leaf_b 1 a round


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


def leaf_c(seconds):
    end = time.time() + seconds
    n = 0
    while time.time() < end:  # LINE:leaf_c
        n += 1  # LINE:leaf_c.body
    return n


def inner(deadline, shares):
    while time.time() < deadline:
        leaf_a(shares[0] * SLICE)  # LINE:inner->leaf_a
        leaf_b(shares[1] * SLICE)  # LINE:inner->leaf_b
        if shares[2]:
            leaf_c(shares[2] * SLICE)  # LINE:inner->leaf_c


def outer(deadline, shares):
    inner(deadline, shares)  # LINE:outer->inner


def main(seconds, shares):
    sys.stderr.write("target: pid %d\n" % os.getpid())
    sys.stderr.flush()
    outer(time.time() + seconds, shares)  # LINE:main->outer


def arguments(argv):
    seconds = float(argv[1]) if len(argv) > 1 else 1.5
    shares = [float(a) for a in argv[2:5]] or [2.0, 1.0]
    return seconds, (shares + [0.0, 0.0])[:3]


if __name__ == "__main__":
    main(*arguments(sys.argv))  # LINE:module->main
