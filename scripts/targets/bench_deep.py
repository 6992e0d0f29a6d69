"""scripts/bench workload: a fixed amount of CPU work under 200 frames.

<module> -> main -> descend (197 times) -> crunch: the busy part of the run
samples stacks exactly 200 Python frames deep. The work is a fixed number of
loop iterations, not a fixed time; the wall time it took is printed on stdout
as "work: SECONDS s", its CPU time as "cpu: SECONDS s".

usage: bench_deep.py [SCALE [DEPTH]]   (defaults 1.0: about 2 s on CPython
3.11, and 200 frames; scripts/bench --per-frame also runs it 5,000 deep)

Python 2.7 and 3.6+ syntax, no f-strings.
"""
import sys
import time

# 2.7 has neither: time.time and time.clock (its CPU time) stand in.
wall_clock = getattr(time, "perf_counter", time.time)
cpu_clock = getattr(time, "process_time", getattr(time, "clock", time.time))

DEPTH = 200  # frames at the bottom, <module> and crunch included
ROUNDS = 560
ITERATIONS = 25000


def crunch(n):
    acc = 0
    for i in range(n):
        acc = (acc * 31 + i) & 0xFFFFFFFF
        if acc & 1:
            acc ^= i << 3
    return acc


def descend(levels, rounds, n):
    if levels > 1:
        return descend(levels - 1, rounds, n)
    total = 0
    for _ in range(rounds):
        total = (total + crunch(n)) & 0xFFFFFFFF
    return total


def main(scale, depth):
    sys.setrecursionlimit(max(sys.getrecursionlimit(), depth + 100))
    start = wall_clock()
    cpu_start = cpu_clock()
    # <module> and main above, crunch below: DEPTH - 3 descend frames.
    result = descend(depth - 3, max(1, int(ROUNDS * scale)), ITERATIONS)
    elapsed = wall_clock() - start
    cpu = cpu_clock() - cpu_start
    print("result: %d" % result)
    print("work: %.6f s" % elapsed)
    print("cpu: %.6f s" % cpu)


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 1.0,
         int(sys.argv[2]) if len(sys.argv) > 2 else DEPTH)
