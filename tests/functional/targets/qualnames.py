"""Busy code in methods and nested functions, for qualified names.

usage: qualnames.py [SECONDS]   (default 0.8)

Stacks (3.11+ names; before 3.11 only the last component is expected):
    <module> -> main -> Worker.run -> Worker.Inner.work
    <module> -> main -> Worker.run -> make_closure.<locals>.closure
Python 2.7 and 3.6+ syntax.
"""
import os
import sys
import time


def make_closure(seconds):
    def closure():
        end = time.time() + seconds
        n = 0
        while time.time() < end:  # LINE:closure
            n += 1  # LINE:closure.body
    return closure


class Worker(object):
    class Inner(object):
        def work(self, seconds):
            end = time.time() + seconds
            n = 0
            while time.time() < end:  # LINE:Inner.work
                n += 1  # LINE:Inner.work.body

    def __init__(self, seconds):
        self.seconds = seconds

    def run(self):
        deadline = time.time() + self.seconds
        inner = Worker.Inner()
        closure = make_closure(0.01)
        while time.time() < deadline:
            inner.work(0.01)  # LINE:Worker.run->work
            closure()  # LINE:Worker.run->closure


def main(seconds):
    sys.stderr.write("target: pid %d\n" % os.getpid())
    sys.stderr.flush()
    Worker(seconds).run()  # LINE:main->run


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 0.8)  # LINE:module->main
