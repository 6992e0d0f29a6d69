"""The main thread burns CPU (and maps memory) while a second thread naps.

usage: napper.py [SECONDS [MIB]]   (defaults 1.2 and 0)

nap(), on a second thread, makes one time.sleep(SECONDS) call: once it is
asleep, burn() spins on the main thread for SECONDS - 0.1, then main() joins
it. nap() wakes up once, uncontended: a sample that lands on a wake-up (or
on a thread waiting for the GIL, or for a CPU) sees it running. With MIB > 0
burn() also maps and touches MIB chunks of 1 MiB, spread evenly over its
time, and keeps them.

Reports on stderr "target: pid N", "target: tid.nap TID" (its native id, or
"unknown" before 3.8), and at the end "target: elapsed.nap SECONDS" and
"target: elapsed SECONDS" (from the start of main to its end). Python 2.7
and 3.6+ syntax.
"""
import mmap
import os
import sys
import threading
import time

LOCK = threading.Lock()


def report(key, value):
    with LOCK:
        sys.stderr.write("target: %s %s\n" % (key, value))
        sys.stderr.flush()


def nap(seconds, asleep):
    start = time.time()
    get_tid = getattr(threading, "get_native_id", None)
    report("tid.nap", get_tid() if get_tid else "unknown")
    asleep.set()
    time.sleep(seconds)  # LINE:nap
    report("elapsed.nap", "%.6f" % (time.time() - start))


def burn(seconds, mib):
    chunks = []
    fill = b"\x01" * (1 << 20)
    start = time.time()
    end = start + seconds
    n = 0
    while time.time() < end:  # LINE:burn
        n += 1  # LINE:burn.body
        if len(chunks) < mib * (time.time() - start) / seconds:
            chunks.append(mmap.mmap(-1, len(fill), mmap.MAP_PRIVATE))
            chunks[-1].write(fill)
    return chunks


def main(seconds, mib):
    start = time.time()
    report("pid", os.getpid())
    asleep = threading.Event()
    napper = threading.Thread(target=nap, args=(seconds, asleep))
    napper.start()
    asleep.wait()
    # Let it reach its sleep first: until it does, it runs (or queues for
    # the GIL) on line "nap", and those samples are rightly not idle.
    time.sleep(0.05)
    burn(max(seconds - 0.1, 0), mib)  # LINE:main->burn
    napper.join()
    report("elapsed", "%.6f" % (time.time() - start))


if __name__ == "__main__":
    SECONDS = float(sys.argv[1]) if len(sys.argv) > 1 else 1.2
    main(SECONDS, int(sys.argv[2]) if len(sys.argv) > 2 else 0)  # LINE:module->main
