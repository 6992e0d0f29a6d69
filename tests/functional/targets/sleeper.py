"""A long-running target for attaching to.

usage: sleeper.py [SECONDS]   (default 10)

Prints "ready PID" on stdout once its main loop is about to start, then
alternates short bursts of work with short sleeps until SECONDS have passed
(exit 0) or its stdin reaches end of file (exit 0 at once). A second thread
blocks reading stdin. Python 2.7 and 3.6+ syntax.
"""
import os
import sys
import threading
import time


def watch_stdin():
    while True:
        data = os.read(0, 4096)  # LINE:watch_stdin
        if not data:
            os._exit(0)


def work(seconds):
    end = time.time() + seconds
    n = 0
    while time.time() < end:  # LINE:work
        n += 1  # LINE:work.body
    return n


def main(seconds):
    watcher = threading.Thread(target=watch_stdin)
    watcher.daemon = True
    watcher.start()
    deadline = time.time() + seconds
    sys.stdout.write("ready %d\n" % os.getpid())
    sys.stdout.flush()
    while time.time() < deadline:
        work(0.005)  # LINE:main->work
        time.sleep(0.005)  # LINE:main->sleep


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 10.0)  # LINE:module->main
