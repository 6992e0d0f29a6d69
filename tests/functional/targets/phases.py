"""--system test target: three phases of about a second each, then a rest.

usage: phases.py DIR

  burn       CPU-bound for a second of wall time
  write_out  writes 200 MB to DIR/phases.out in 10 MB chunks over about a
             second, each chunk fsync'ed, then deletes the file
  grow       makes 200 MB resident (every page written) in 10 MB steps over
             about a second, and keeps it
  rest       sleeps 0.3 s holding the memory, so that a record follows grow

Writes "target: pid <pid>" on stderr, and "target: burn.cpu <share>", the
CPU time burn() got over its wall time (1.0 is a whole core). Python 2.7 and 3.6+ syntax.
"""
import os
import sys
import time

MB = 1 << 20
SIZE = 200 * MB
STEP = 10 * MB
STEPS = SIZE // STEP


def cpu_seconds():
    times = os.times()
    return times[0] + times[1]


def burn(seconds):
    start, cpu = time.time(), cpu_seconds()
    n = 0
    while time.time() < start + seconds:
        n += 1
    # The share of a core it got: less than all on a busy machine.
    report("burn.cpu", "%.3f" % ((cpu_seconds() - cpu) / (time.time() - start)))
    return n


def write_out(path, seconds):
    chunk = b"x" * STEP
    start = time.time()
    with open(path, "wb") as f:
        for i in range(STEPS):
            f.write(chunk)
            f.flush()
            os.fsync(f.fileno())
            time.sleep(max(0.0, start + seconds * (i + 1) / STEPS - time.time()))
    os.remove(path)


def grow(seconds):
    blocks = []
    start = time.time()
    for i in range(STEPS):
        blocks.append(b"\x01" * STEP)  # filled, so every page is resident
        time.sleep(max(0.0, start + seconds * (i + 1) / STEPS - time.time()))
    return blocks


def rest(seconds):
    time.sleep(seconds)


def report(key, value):
    sys.stderr.write("target: %s %s\n" % (key, value))
    sys.stderr.flush()


def main():
    report("pid", os.getpid())
    burn(1.0)
    write_out(os.path.join(sys.argv[1], "phases.out"), 1.0)
    kept = grow(1.0)
    rest(0.3)
    return len(kept)


if __name__ == "__main__":
    main()
