"""main -> through_json -> json.dumps (the standard library) -> on_object.

usage: callback.py [SECONDS]   (default 1.0)

json.dumps calls on_object, the encoder's default hook, for every object it
cannot encode itself; on_object spins for 10 ms. Nearly all the time is
spent in a function of this file that the standard library called: between
through_json and on_object lie the json module's own frames (dumps, encode,
iterencode, ...). Reports its pid on stderr as "target: pid N".
Keep this file valid Python 2.7 and 3.6+ syntax (no f-strings).
"""
import json
import os
import sys
import time


class Opaque(object):
    pass


def on_object(obj):
    end = time.time() + 0.01
    while time.time() < end:  # LINE:on_object
        pass  # LINE:on_object.body
    return "opaque"


def through_json(deadline):
    while time.time() < deadline:
        json.dumps([Opaque(), Opaque()], default=on_object)  # LINE:through_json->dumps


def main(seconds):
    sys.stderr.write("target: pid %d\n" % os.getpid())
    sys.stderr.flush()
    through_json(time.time() + seconds)  # LINE:main->through_json


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 1.0)  # LINE:module->main
