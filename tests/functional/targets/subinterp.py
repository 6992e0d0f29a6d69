"""A sub-interpreter busy in its own function while the main one spins.

    python subinterp.py [SECONDS]

The sub-interpreter runs in a thread of its own (its id is >= 1); the main
interpreter spins in main_spin(), then waits for the worker. Needs CPython 3.8+ (_xxsubinterpreters,
_interpreters from 3.13).
"""
import os
import sys
import threading
import time

try:
    import _interpreters as interpreters
except ImportError:
    import _xxsubinterpreters as interpreters

SUB_CODE = """
import time
def sub_spin(seconds):
    end = time.time() + seconds
    while time.time() < end:  # the sub-interpreter's loop
        pass
sub_spin(%f)
"""


def run_sub(seconds):
    interp = interpreters.create()
    interpreters.run_string(interp, SUB_CODE % seconds)
    interpreters.destroy(interp)


def main_spin(seconds):
    end = time.time() + seconds
    while time.time() < end:  # LINE:main_spin
        pass  # LINE:main_spin.body


def main(seconds):
    sys.stderr.write("target: pid %d\n" % os.getpid())
    worker = threading.Thread(target=run_sub, args=(seconds,))
    worker.start()
    main_spin(seconds)
    worker.join()


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 1.0)
