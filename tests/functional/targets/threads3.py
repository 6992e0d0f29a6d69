"""Three worker threads, each busy in its own method; the main thread joins.

usage: threads3.py [SECONDS]   (default 1.5)

Each worker is a Worker (threading.Thread subclass) whose run() calls its own
spin_<name>() method, so on 3.11+ the frames read Worker.run and
Worker.spin_alpha. Reports on stderr:
    target: pid N
    target: tid.<name> TID       (Linux TID; "unknown" if it cannot be had)
Python 2.7 and 3.6+ syntax.
"""
import os
import sys
import threading
import time


def native_id():
    """The calling thread's Linux TID, or None."""
    get = getattr(threading, "get_native_id", None)
    if get is not None:
        return get()
    try:  # before 3.8: ask the kernel through libc
        import ctypes
        import platform
        nr = {"x86_64": 186, "aarch64": 178, "i686": 224, "i386": 224}
        number = nr.get(platform.machine())
        if number is None:
            return None
        return ctypes.CDLL(None, use_errno=True).syscall(number)
    except Exception:
        return None


REPORT_LOCK = threading.Lock()


def report(line):
    with REPORT_LOCK:
        sys.stderr.write("target: %s\n" % line)
        sys.stderr.flush()


class Worker(threading.Thread):
    def __init__(self, name, deadline):
        threading.Thread.__init__(self)
        self.kind = name
        self.deadline = deadline
        self.daemon = True

    def run(self):
        tid = native_id()
        report("tid.%s %s" % (self.kind, tid if tid is not None else "unknown"))
        getattr(self, "spin_" + self.kind)()  # LINE:Worker.run->spin

    def spin_alpha(self):
        n = 0
        while time.time() < self.deadline:  # LINE:spin_alpha
            n += 1  # LINE:spin_alpha.body
        return n

    def spin_beta(self):
        n = 0
        while time.time() < self.deadline:  # LINE:spin_beta
            n += 1  # LINE:spin_beta.body
        return n

    def spin_gamma(self):
        n = 0
        while time.time() < self.deadline:  # LINE:spin_gamma
            n += 1  # LINE:spin_gamma.body
        return n


def main(seconds):
    report("pid %d" % os.getpid())
    deadline = time.time() + seconds
    workers = [Worker(name, deadline) for name in ("alpha", "beta", "gamma")]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()  # LINE:main->join


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 1.5)  # LINE:module->main
