"""One incarnation of a toy service that a supervisor restarts.

usage: service.py N SECONDS [PIDFILE] [TAG]

Writes its PID to PIDFILE (when given), reports "target: pid N" on stderr,
then spins in incarnation_N() for SECONDS of wall time. TAG is only there
for --name to match. Python 2.7 and 3.6+ syntax.
"""
import os
import sys
import time


def spin(seconds):
    end = time.time() + seconds
    n = 0
    while time.time() < end:
        n += 1
    return n


def incarnation_1(seconds):
    return spin(seconds)


def incarnation_2(seconds):
    return spin(seconds)


def incarnation_3(seconds):
    return spin(seconds)


def incarnation_4(seconds):
    return spin(seconds)


def main(n, seconds, pidfile):
    if pidfile:
        # Written whole under another name, then renamed: a reader never
        # sees half a PID.
        with open(pidfile + ".new", "w") as f:
            f.write("%d\n" % os.getpid())
        os.rename(pidfile + ".new", pidfile)
    sys.stderr.write("target: pid %d\n" % os.getpid())
    sys.stderr.flush()
    globals()["incarnation_%d" % n](seconds)


if __name__ == "__main__":
    main(int(sys.argv[1]), float(sys.argv[2]),
         sys.argv[3] if len(sys.argv) > 3 and sys.argv[3] != "-" else None)
