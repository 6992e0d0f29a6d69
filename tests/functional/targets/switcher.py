"""A parent whose child turns into another user, for -C under privilege.

usage: switcher.py SECONDS SWITCH_AFTER

Meant to run as an unprivileged user that holds CAP_SETUID and CAP_SETGID
as ambient capabilities, so that it may hand a child to another user.
Forks two children that spin until SECONDS have passed: "stays" keeps the
parent's user; "switches" turns to user and group 1 after SWITCH_AFTER
seconds (at once when 0). Prints "ready PID" on stdout once both run (and
an immediate switch is done), and "target: stays PID", "target: switches
PID" on stderr. The parent spins too, then waits for both; a child whose
parent is gone stops. Python 2.7 and
3.6+ syntax.
"""
import os
import sys
import time

OTHER_USER = 1


PARENT = os.getpid()


def alive():
    """False in a child whose parent is gone."""
    return os.getpid() == PARENT or os.getppid() == PARENT


def spin(end):
    while time.time() < end and alive():  # LINE:spin
        pass


def parent_work(end):
    spin(end)  # LINE:parent_work


def stays(end):
    spin(end)  # LINE:stays


def before_switch(end):
    spin(end)  # LINE:before_switch


def after_switch(end):
    spin(end)  # LINE:after_switch


def switch():
    os.setresgid(OTHER_USER, OTHER_USER, OTHER_USER)
    os.setresuid(OTHER_USER, OTHER_USER, OTHER_USER)


def child(role, end, switch_at, ready):
    if role == "switches" and switch_at <= time.time():
        switch()
    os.write(ready, b"x")
    os.close(ready)
    if role == "stays":
        stays(end)
        os._exit(0)
    if os.getuid() != OTHER_USER:
        before_switch(switch_at)
        switch()
    after_switch(end)
    os._exit(0)


def main(seconds, switch_after):
    start = time.time()
    end, switch_at = start + seconds, start + switch_after
    r, w = os.pipe()
    pids = {}
    for role in ("stays", "switches"):
        pid = os.fork()
        if pid == 0:
            os.close(r)
            child(role, end, switch_at, w)
        pids[role] = pid
        sys.stderr.write("target: %s %d\n" % (role, pid))
    sys.stderr.flush()
    os.close(w)
    got = b""
    while len(got) < 2:
        data = os.read(r, 2 - len(got))
        if not data:
            break
        got += data
    sys.stdout.write("ready %d\n" % os.getpid())
    sys.stdout.flush()
    parent_work(end)
    for pid in pids.values():
        os.waitpid(pid, 0)


if __name__ == "__main__":
    main(float(sys.argv[1]), float(sys.argv[2]))
