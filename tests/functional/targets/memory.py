"""Grow the resident set by MIB mebibytes, gradually, then give it back.

usage: memory.py [MIB [keep]]   (default 100)

grow() maps MIB anonymous 1 MiB chunks, one every ~5 ms, writes every page
so it is resident, and keeps them; shrink() unmaps them again, one every
~3 ms; rest() then sleeps 0.2 s. Both grow() and shrink() spin while they
wait, so the main thread holds the GIL. Chunks are mmap objects, so the
resident set follows the program whatever malloc's thresholds.

With "keep" there is no shrink(): after rest() the program leaves with
os._exit(0), so no finalisation frees anything while it is sampled.

Reports on stderr "target: pid N", "target: rss.start BYTES" and
"target: rss.end BYTES" (/proc/self/statm at the start and end of main), and
"target: elapsed SECONDS". Python 2.7 and 3.6+ syntax.
"""
import gc
import mmap
import os
import sys
import time

MIB = 1 << 20


def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * mmap.PAGESIZE


def report(key, value):
    sys.stderr.write("target: %s %s\n" % (key, value))
    sys.stderr.flush()


def spin(seconds):
    end = time.time() + seconds
    while time.time() < end:
        pass


def grow(chunks, mib, fill):
    for _ in range(mib):
        chunk = mmap.mmap(-1, MIB, mmap.MAP_PRIVATE)
        chunk.write(fill)  # LINE:grow->write
        chunks.append(chunk)
        spin(0.005)
    spin(0.05)


def shrink(chunks):
    while chunks:
        chunks.pop().close()  # LINE:shrink->close
        spin(0.003)
    gc.collect()
    spin(0.05)


def rest():
    time.sleep(0.2)  # LINE:rest


def main(mib, keep):
    start = time.time()
    report("pid", os.getpid())
    report("rss.start", rss())
    fill = b"\x01" * MIB
    chunks = []
    grow(chunks, mib, fill)  # LINE:main->grow
    if not keep:
        shrink(chunks)  # LINE:main->shrink
    del fill
    rest()  # LINE:main->rest
    report("rss.end", rss())
    report("elapsed", "%.6f" % (time.time() - start))
    if keep:
        os._exit(0)


if __name__ == "__main__":
    MIB_ARG = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    main(MIB_ARG, sys.argv[2:3] == ["keep"])  # LINE:module->main
