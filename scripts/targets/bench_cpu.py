"""scripts/bench workload: a fixed amount of CPU work, 10 frames deep.

<module> -> main -> run -> stage1 ... stage6 -> crunch: every sample of the
busy part of the run has exactly 10 Python frames. The work is a fixed
number of loop iterations, not a fixed time, so the run takes longer when
the interpreter is slowed down; the wall time the work took is printed on
stdout as "work: SECONDS s", its CPU time as "cpu: SECONDS s".

usage: bench_cpu.py [SCALE]   (default 1.0: about 2 s on CPython 3.11)

Python 2.7 and 3.6+ syntax, no f-strings.
"""
import sys
import time

# 2.7 has neither: time.time and time.clock (its CPU time) stand in.
wall_clock = getattr(time, "perf_counter", time.time)
cpu_clock = getattr(time, "process_time", getattr(time, "clock", time.time))

ROUNDS = 560
ITERATIONS = 25000


def crunch(n):
    acc = 0
    for i in range(n):
        acc = (acc * 31 + i) & 0xFFFFFFFF
        if acc & 1:
            acc ^= i << 3
    return acc


def stage6(n):
    return crunch(n)


def stage5(n):
    return stage6(n)


def stage4(n):
    return stage5(n)


def stage3(n):
    return stage4(n)


def stage2(n):
    return stage3(n)


def stage1(n):
    return stage2(n)


def run(rounds, n):
    total = 0
    for _ in range(rounds):
        total = (total + stage1(n)) & 0xFFFFFFFF
    return total


def main(scale):
    start = wall_clock()
    cpu_start = cpu_clock()
    result = run(max(1, int(ROUNDS * scale)), ITERATIONS)
    elapsed = wall_clock() - start
    cpu = cpu_clock() - cpu_start
    print("result: %d" % result)
    print("work: %.6f s" % elapsed)
    print("cpu: %.6f s" % cpu)


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 1.0)
