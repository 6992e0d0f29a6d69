"""A hot function and a second one, for austinc-report --diff.

usage: diffwork.py [ROUNDS [fast]]   (default 300 rounds)

Each round hot() counts to 3 * CHUNK and other() to CHUNK, so hot() takes
three quarters of the time. With "fast" hot() counts to CHUNK only: it
does its job three times as fast, and the two functions take half the time
each.
The work is fixed, not the time; on a loaded machine the wall time each
function takes varies with what else runs, so the program measures it:

The tests find line numbers from the "# LINE:" markers. Reports its pid
on stderr as "target: pid N", and at the end the wall time spent in each
function as "target: wall.hot SECONDS" and "target: wall.other SECONDS".
Keep this file valid Python 2.7 and 3.6+ syntax (no f-strings).
"""
import os
import sys
import time

CHUNK = 40000


def hot(n):
    i = 0
    while i < n:  # LINE:hot
        i += 1
    return i


def other(n):
    i = 0
    while i < n:  # LINE:other
        i += 1
    return i


def main(rounds, fast):
    sys.stderr.write("target: pid %d\n" % os.getpid())
    sys.stderr.flush()
    spent = {"hot": 0.0, "other": 0.0}
    for _ in range(rounds):
        start = time.time()
        hot(CHUNK if fast else 3 * CHUNK)  # LINE:main->hot
        middle = time.time()
        other(CHUNK)  # LINE:main->other
        spent["hot"] += middle - start
        spent["other"] += time.time() - middle
    for name in ("hot", "other"):
        sys.stderr.write("target: wall.%s %.6f\n" % (name, spent[name]))


if __name__ == "__main__":
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    main(rounds, sys.argv[2:3] == ["fast"])  # LINE:module->main
