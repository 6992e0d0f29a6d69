"""Build reference cycles in a loop, so that the cyclic GC keeps running.

usage: gcchurn.py [SECONDS [nogc]]   (default 1.0)

churn() makes pairs of objects that refer to each other and drops them at
once: only the cyclic garbage collector can free them. With "nogc", main()
first calls gc.disable(), so no collection runs while churn() does, and ends
with os._exit(0): finalisation would collect the piled-up garbage (~400 MB a
second) in one long collection.

Reports on stderr "target: pid N" and "target: collections N" (how many
collections ran during churn(); "unknown" before 3.4). Python 2.7 and 3.6+
syntax.
"""
import gc
import os
import sys
import time


class Node(object):
    def __init__(self, other=None):
        self.other = other


def collections():
    stats = getattr(gc, "get_stats", None)
    return sum(s["collections"] for s in stats()) if stats else None


def churn(seconds):
    end = time.time() + seconds
    while time.time() < end:  # LINE:churn
        for _ in range(100):
            a = Node()  # LINE:churn.node
            a.other = Node(a)


def main(seconds, nogc):
    if nogc:
        gc.disable()
    sys.stderr.write("target: pid %d\n" % os.getpid())
    before = collections()
    churn(seconds)  # LINE:main->churn
    after = collections()
    sys.stderr.write("target: collections %s\n" % (
        "unknown" if before is None else after - before))
    sys.stderr.flush()
    if nogc:
        os._exit(0)  # finalisation would collect all that garbage at once


if __name__ == "__main__":
    SECONDS = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
    main(SECONDS, sys.argv[2:3] == ["nogc"])  # LINE:module->main
