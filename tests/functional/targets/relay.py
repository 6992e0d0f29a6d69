"""Threads that come and go: four legs, one after another, each run by a
thread of its own that starts when the last one has ended.

usage: relay.py [SECONDS]   (default 0.2: each leg's length)

Leg k spins in leg_k() for SECONDS, then its thread ends; the main thread
waits for it in join() and starts the next. So at any moment one leg runs,
and a sampler that keeps up with the interpreter's list of threads sees
leg_0 ... leg_3 in that order, each on its own thread. Python 2.7 and 3.6+
syntax.
"""
import os
import sys
import threading
import time


def spin(seconds):
    end = time.time() + seconds
    n = 0
    while time.time() < end:  # LINE:spin
        n += 1
    return n


def leg_0(seconds):
    return spin(seconds)  # LINE:leg_0->spin


def leg_1(seconds):
    return spin(seconds)  # LINE:leg_1->spin


def leg_2(seconds):
    return spin(seconds)  # LINE:leg_2->spin


def leg_3(seconds):
    return spin(seconds)  # LINE:leg_3->spin


def main(seconds):
    sys.stderr.write("target: pid %d\n" % os.getpid())
    sys.stderr.flush()
    for leg in (leg_0, leg_1, leg_2, leg_3):
        thread = threading.Thread(target=leg, args=(seconds,))
        thread.start()
        thread.join()  # LINE:main->join


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 0.2)  # LINE:module->main
