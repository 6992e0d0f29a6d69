"""A sub-interpreter busy in its own function while the main one spins.

    python subinterp.py [SECONDS]

The sub-interpreter runs in a thread of its own (its id is >= 1); the main
interpreter spins in main_spin(), then waits for the worker. CPython 3.8+
creates it with _xxsubinterpreters (_interpreters from 3.13); 2.7, 3.6 and
3.7 have no such module, and get theirs from the C API through ctypes (see
CApiSubInterpreter). Python 2.7 and 3.6+ syntax.
"""
import ctypes
import os
import sys
import threading
import time

try:
    import _interpreters as interpreters
except ImportError:
    try:
        import _xxsubinterpreters as interpreters
    except ImportError:
        interpreters = None

SUB_CODE = """
import time
def sub_spin(seconds):
    end = time.time() + seconds
    while time.time() < end:  # the sub-interpreter's loop
        pass
sub_spin(%f)
"""


def run_sub_module(seconds):
    interp = interpreters.create()
    interpreters.run_string(interp, SUB_CODE % seconds)
    interpreters.destroy(interp)


# Switching the GIL rarely, then sleeping long enough for a request already
# under way to land and be cleared: see CApiSubInterpreter.
QUIET = """
import sys, time
if sys.version_info < (3,):
    sys.setcheckinterval(1 << 30)
else:
    sys.setswitchinterval(1000.0)
time.sleep(0.02)
"""

LOUD = """
import sys
if sys.version_info < (3,):
    sys.setcheckinterval(100)
else:
    sys.setswitchinterval(0.005)
"""

# What the C-API sub-interpreter runs: it tells the main thread it starts,
# spins, then waits until the main thread has stopped spinning.
CAPI_SUB_CODE = """
import os
%(loud)s
os.write(%(started)d, b"s")
%(spin)s
%(quiet)s
os.read(%(done)d, 1)
"""


class CApiSubInterpreter(object):
    """A sub-interpreter made with Py_NewInterpreter() through ctypes.

    ctypes returns to this thread's Python code between C calls, and while
    the sub-interpreter's thread state is the current one there, the eval
    loop of the caller must not try to hand the GIL over: it would find
    another thread state than its own and abort ("tstate mix-up"). It hands
    over when another thread has waited a switch interval for the GIL (3.x)
    or when its instruction ticker runs out (2.7). So those moments come
    while the main thread waits outside the GIL (on a pipe, or in join()),
    with the interval made too long to run out.
    """

    def __init__(self):
        api = ctypes.pythonapi
        api.PyThreadState_Get.restype = ctypes.c_void_p
        api.Py_NewInterpreter.restype = ctypes.c_void_p
        api.PyThreadState_Swap.restype = ctypes.c_void_p
        api.PyThreadState_Swap.argtypes = [ctypes.c_void_p]
        api.PyRun_SimpleString.argtypes = [ctypes.c_char_p]
        self.api = api
        self.started_r, self.started_w = os.pipe()
        self.done_r, self.done_w = os.pipe()

    def run(self, seconds):
        """In the worker thread: create it, run it, switch back."""
        api = self.api
        code = CAPI_SUB_CODE % {
            "loud": LOUD, "quiet": QUIET, "spin": SUB_CODE % seconds,
            "started": self.started_w, "done": self.done_r}
        exec(QUIET)
        own = api.PyThreadState_Get()
        sub = api.Py_NewInterpreter()
        api.PyThreadState_Swap(own)
        api.PyThreadState_Swap(sub)
        api.PyRun_SimpleString(code.encode())
        api.PyThreadState_Swap(own)
        exec(LOUD)
        # The sub-interpreter is left alive: Py_EndInterpreter() would
        # leave this thread without a thread state on return to Python.

    def wait_started(self):
        os.read(self.started_r, 1)

    def release(self):
        """In the main thread, done spinning: let the worker finish."""
        os.write(self.done_w, b"d")


def main_spin(seconds):
    end = time.time() + seconds
    while time.time() < end:  # LINE:main_spin
        pass  # LINE:main_spin.body


def main(seconds):
    sys.stderr.write("target: pid %d\n" % os.getpid())
    if interpreters is not None:
        worker = threading.Thread(target=run_sub_module, args=(seconds,))
        worker.start()
        main_spin(seconds)
        worker.join()
        return
    sub = CApiSubInterpreter()
    worker = threading.Thread(target=sub.run, args=(seconds,))
    worker.start()
    sub.wait_started()
    main_spin(seconds)
    sub.release()
    worker.join()
    # 3.7's finalisation aborts on an interpreter left alive: skip it.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 1.0)
