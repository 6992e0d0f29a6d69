"""scripts/bench --soak workload: a process whose code, threads and children
never stop changing, for watching a long run of `austinc -C` for growth.

Everything austinc keeps per object comes and goes here, over and over:

- code objects: every round exec's a new function, under a new name and a
  new file name ("<soak-N>"), and makes a few lambdas, then drops them, so
  the code cache sees fresh addresses (and reused ones) all the time;
- threads: short-lived workers (each with its own fresh functions) start
  and end every few tens of milliseconds, a few alive at once;
- processes: a short Python child (this interpreter, -c) starts every
  CHILD_EVERY_S seconds and does the same for CHILD_LIFE_S, so -C finds,
  samples and drops a new process again and again.

It runs until killed (SIGTERM or SIGINT end it cleanly), or for SECONDS
seconds when given.

usage: soak.py [SECONDS]

Python 3.6+ syntax, no f-strings.
"""
import itertools
import random
import subprocess
import sys
import threading
import time

THREADS_ALIVE = 3  # workers at once, each a fresh thread
THREAD_LIFE_S = (0.02, 0.15)
CHILD_EVERY_S = 0.25
CHILD_LIFE_S = 0.2
SOURCE = """
def {name}(n):
    acc = 0
    for i in range(n):
        acc = (acc * 31 + i) & 0xFFFFFFFF
    return acc
"""
# What a child runs: the same churn of fresh functions, for a while.
CHILD = """
import time
end = time.time() + {life}
n = 0
while time.time() < end:
    ns = {{}}
    exec(compile("def child_{tag}_%d(k):\\n    return sum(range(k))\\n" % n,
                 "<child-{tag}-%d>" % n, "exec"), ns)
    ns["child_{tag}_%d" % n](2000)
    n += 1
"""

counter = itertools.count()


def fresh_function():
    """A function never seen before: new code object, name and file name."""
    n = next(counter)
    name = "soak_fn_%d" % n
    namespace = {}
    exec(compile(SOURCE.format(name=name), "<soak-%d>" % n, "exec"), namespace)
    return namespace[name]


def churn(rounds):
    for _ in range(rounds):
        fresh_function()(3000)
        square = eval("lambda x: x * x")  # a code object of its own each time
        sum(map(square, range(200)))


def worker(life):
    end = time.time() + life
    while time.time() < end:
        churn(1)


def keep_threads(threads):
    """Replace the workers that ended: THREADS_ALIVE at any time."""
    threads[:] = [t for t in threads if t.is_alive()]
    while len(threads) < THREADS_ALIVE:
        t = threading.Thread(target=worker, args=(random.uniform(*THREAD_LIFE_S),))
        t.daemon = True
        t.start()
        threads.append(t)


def keep_child(child, tag):
    """A new child when the last one has ended and its time has come."""
    if child is not None and child.poll() is None:
        return child
    code = CHILD.format(life=CHILD_LIFE_S, tag=tag)
    return subprocess.Popen([sys.executable, "-c", code])


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else None
    started = time.time()
    threads, child, next_child = [], None, started
    try:
        while seconds is None or time.time() - started < seconds:
            keep_threads(threads)
            if time.time() >= next_child:
                child = keep_child(child, next(counter))
                next_child = time.time() + CHILD_EVERY_S
            churn(5)
    except KeyboardInterrupt:
        pass
    if child is not None:
        child.wait()


if __name__ == "__main__":
    import signal

    signal.signal(signal.SIGTERM, signal.default_int_handler)
    main()
