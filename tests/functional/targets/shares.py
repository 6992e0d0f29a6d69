"""main -> outer -> inner, which spends CPU in leaf_a and leaf_b at 2:1.

usage: shares.py [SECONDS [A B [C]]]   (default 1.5 s, shares 2 1 0)

With shares A B C the leaves leaf_a, leaf_b and leaf_c run A, B and C
slices a round (issue 5's recordings use 5 3 2).

The tests find the expected line numbers from the "# LINE:" markers, so
lines may move freely. Reports its pid on stderr as "target: pid N", and
at the end the wall time each leaf took, as "target: leaves A,B,C"
(seconds): a busy machine overruns each slice, so the split is not
quite the shares asked for.
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
    spent = [0.0, 0.0, 0.0]  # each leaf's wall time, as this program saw it
    while time.time() < deadline:
        t0 = time.time()
        leaf_a(shares[0] * SLICE)  # LINE:inner->leaf_a
        t1 = time.time()
        leaf_b(shares[1] * SLICE)  # LINE:inner->leaf_b
        t2 = time.time()
        t3 = t2
        if shares[2]:
            leaf_c(shares[2] * SLICE)  # LINE:inner->leaf_c
            t3 = time.time()
        spent = [spent[0] + t1 - t0, spent[1] + t2 - t1, spent[2] + t3 - t2]
    return spent


def outer(deadline, shares):
    return inner(deadline, shares)  # LINE:outer->inner


def main(seconds, shares):
    sys.stderr.write("target: pid %d\n" % os.getpid())
    sys.stderr.flush()
    spent = outer(time.time() + seconds, shares)  # LINE:main->outer
    sys.stderr.write("target: leaves %s\n" % ",".join("%.6f" % t for t in spent))
    sys.stderr.flush()


def arguments(argv):
    seconds = float(argv[1]) if len(argv) > 1 else 1.5
    shares = [float(a) for a in argv[2:5]] or [2.0, 1.0]
    return seconds, (shares + [0.0, 0.0])[:3]


if __name__ == "__main__":
    main(*arguments(sys.argv))  # LINE:module->main
