"""Run briefly, then end in a chosen way.

usage: exits.py status N    -> sys.exit(N)
       exits.py signal N    -> kill itself with signal N (default action)
       exits.py ... N SECONDS   (busy SECONDS first; default 0.3)

Python 2.7 and 3.6+ syntax.
"""
import os
import signal
import sys
import time


def spin(seconds):
    end = time.time() + seconds
    n = 0
    while time.time() < end:  # LINE:spin
        n += 1  # LINE:spin.body


def main(how, number, seconds):
    spin(seconds)
    if how == "status":
        sys.exit(number)
    if how == "signal":
        signal.signal(number, signal.SIG_DFL)
        os.kill(os.getpid(), number)
        time.sleep(5)
        sys.exit(99)  # the signal did not kill us
    sys.exit(98)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), float(sys.argv[3]) if len(sys.argv) > 3 else 0.3)
