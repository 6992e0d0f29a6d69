"""austinc --push: each --rotate period's profile sent to a Pyroscope-style
receiver started by the test (POST /ingest, pprof in a multipart form), and
checked against the period's own recording: the query parameters, the
credentials, and the profile decoded by protoc with the official
profile.proto, its totals those of the file the period left on disk."""
import base64
import email.parser
import email.policy
import glob
import http.server
import os
import re
import socket
import threading
import time
import urllib.parse

from helpers import assert_error, parse_output, run_austinc, target
from test_pprof import Decoded, decode_bytes

STAMP_RE = re.compile(r"(\d{8}T\d{6})")
SUMMARY_RE = re.compile(r"^austinc: [\d.]+ s, (\d+) samples", re.M)
PUSHED_RE = re.compile(r"--push: (\d+) profiles? pushed to \S+, (\d+) dropped \(queue full\), "
                       r"(\d+) not sent, (\d+) tries failed")


class Receiver(object):
    """An HTTP server on 127.0.0.1 that keeps every POST it is sent."""

    def __init__(self, port=0):
        self.requests = []
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append((self.path, self.headers, body, time.time()))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def pushes(self):
        return [Push(*r) for r in self.requests]


class Push(object):
    """One request: its path, query, headers and form parts."""

    def __init__(self, path, headers, body, when):
        url = urllib.parse.urlsplit(path)
        self.path = url.path
        self.query = dict((k, v[0]) for k, v in urllib.parse.parse_qs(url.query).items())
        self.headers = headers
        self.when = when
        message = email.parser.BytesParser(policy=email.policy.default).parsebytes(
            b"Content-Type: " + headers["Content-Type"].encode() + b"\r\n\r\n" + body)
        assert message.is_multipart(), "not a multipart form: %r" % headers["Content-Type"]
        self.parts = dict((p.get_param("name", header="content-disposition"), p.get_payload(decode=True))
                          for p in message.iter_parts())


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def period_files(directory):
    return sorted(glob.glob(os.path.join(str(directory), "p-*.txt")))


def started_epoch(profile):
    """The period's '# started' as whole seconds since the epoch (UTC)."""
    stamp = profile.metadata["started"]
    return int(time.mktime(time.strptime(stamp[:19], "%Y-%m-%dT%H:%M:%S")) - time.timezone)


def check_push_matches_file(push, path):
    """The push of the period recorded at path: its range and profile."""
    with open(path) as f:
        profile = parse_output(f.read())
    assert push.path == "/ingest"
    q = push.query
    assert q["format"] == "pprof" and q["spyName"] == "austinc", q
    assert q["sampleRate"] == "10000", q  # the default interval, 100us
    # from: when the period began, as its file's '# started' (read apart,
    # so a second may tick between them)
    assert abs(int(q["from"]) - started_epoch(profile)) <= 1, (q, profile.metadata["started"])
    assert int(q["until"]) > int(q["from"]), q
    d = Decoded(decode_bytes(push.parts["profile"]))
    assert d.types == [("samples", "count"), ("wall", "nanoseconds")]
    assert d.totals() == [len(profile.samples), sum(s.metric for s in profile.samples) * 1000], path
    return profile


def test_push_sends_each_period(python, tmp_path):
    receiver = Receiver()
    token = tmp_path / "token"
    token.write_text("s3cret-token\n")
    try:
        result = run_austinc(["--push", "http://127.0.0.1:%d/" % receiver.port, "--app", "shop",
                              "--push-label", "env=test", "--push-auth", token, "--push-tenant", "team-1",
                              "--rotate", "1s", "-o", tmp_path / "p-%Y%m%dT%H%M%S.txt", "-x", "2.5",
                              python.path, target("busy.py"), "4"]).assert_ok()
    finally:
        receiver.close()
    files = period_files(tmp_path)
    pushes = receiver.pushes()
    assert len(pushes) == len(files) >= 2, (files, [p.query for p in pushes], result.describe())
    m = PUSHED_RE.search(result.stderr)
    assert m and m.groups() == (str(len(files)), "0", "0", "0"), result.describe()
    host = socket.gethostname()
    for push, path in zip(pushes, files):
        assert push.query["name"] == "shop{host=%s,env=test}" % host, push.query
        assert push.headers["Authorization"] == "Bearer s3cret-token"
        assert push.headers["X-Scope-OrgID"] == "team-1"
        assert b'"wall"' in push.parts["sample_type_config"]
        profile = check_push_matches_file(push, path)
        assert any(s.leaf and s.leaf.func == "spin" for s in profile.samples), path
    samples = sum(len(parse_output(open(f).read()).samples) for f in files)
    assert samples == int(SUMMARY_RE.search(result.stderr).group(1))
    # each period ends where the next begins (two clock reads: a second)
    for a, b in zip(pushes, pushes[1:]):
        assert abs(int(b.query["from"]) - int(a.query["until"])) <= 1, (a.query, b.query)


def test_push_waits_for_the_server(python, tmp_path):
    """The server is down for the first 2.2 s: sampling keeps its pace, the
    periods are sent once it is up, each once and in order; basic auth."""
    port = free_port()
    auth = tmp_path / "auth"
    auth.write_text("ops:pa55\n")
    late = {}
    timer = threading.Timer(2.2, lambda: late.setdefault("receiver", Receiver(port)))
    timer_started = time.time()
    timer.start()
    try:
        result = run_austinc(["--push", "http://127.0.0.1:%d" % port, "--app", "shop", "--push-auth", auth,
                              "--rotate", "1s", "-o", tmp_path / "p-%Y%m%dT%H%M%S.txt", "-x", "3.5",
                              python.path, target("busy.py"), "5"]).assert_ok()
    finally:
        timer.cancel()
        timer.join()
    receiver = late.get("receiver")
    assert receiver, "the receiver never started"
    receiver.close()
    files = period_files(tmp_path)
    pushes = receiver.pushes()
    assert len(pushes) == len(files) >= 3, (files, [p.query for p in pushes], result.describe())
    froms = [int(p.query["from"]) for p in pushes]
    assert froms == sorted(froms) and len(set(froms)) == len(files), froms
    assert pushes[0].when >= timer_started + 2.2, "a push arrived before the server was up"
    m = PUSHED_RE.search(result.stderr)
    assert m and m.group(1) == str(len(files)) and int(m.group(4)) >= 1, result.describe()
    expected = "Basic " + base64.b64encode(b"ops:pa55").decode()
    for push, path in zip(pushes, files):
        assert push.headers["Authorization"] == expected
        check_push_matches_file(push, path)
    # The ticks of the full periods while the server was down and after.
    ticks = [len(parse_output(open(f).read()).samples) for f in files[:3]]
    assert min(ticks) >= 0.5 * max(ticks), "sampling slowed while pushes failed: %s" % ticks


def test_push_drops_the_oldest_when_the_queue_is_full(python, tmp_path):
    """Periods of 100 ms while the server is down for 2 s: more than the
    queue holds; the oldest are dropped and counted, the rest sent."""
    port = free_port()
    late = {}
    timer = threading.Timer(2.0, lambda: late.setdefault("receiver", Receiver(port)))
    timer.start()
    try:
        result = run_austinc(["--push", "http://127.0.0.1:%d" % port, "--app", "shop", "--rotate", "100ms",
                              "-o", tmp_path / "p-%Y%m%dT%H%M%S.txt", "-x", "2.5",
                              python.path, target("busy.py"), "4"]).assert_ok()
    finally:
        timer.cancel()
        timer.join()
    receiver = late["receiver"]
    receiver.close()
    m = PUSHED_RE.search(result.stderr)
    assert m, result.describe()
    pushed, dropped, unsent, _ = (int(g) for g in m.groups())
    files = period_files(tmp_path)
    assert dropped >= 1 and pushed == len(receiver.pushes()), result.describe()
    assert pushed + dropped + unsent == len(files), (pushed, dropped, unsent, len(files))
    assert "the queue is full" in result.stderr


def test_push_without_output_leaves_nothing(python, tmp_path):
    receiver = Receiver()
    env = dict(os.environ, TMPDIR=str(tmp_path))
    try:
        result = run_austinc(["--push", "http://127.0.0.1:%d" % receiver.port, "--app", "shop",
                              "--rotate", "1s", "-x", "1.5", python.path, target("busy.py"), "2"],
                             env=env).assert_ok()
    finally:
        receiver.close()
    assert not [l for l in result.stdout.splitlines() if l.strip()], "samples on stdout:\n" + result.describe()
    pushes = receiver.pushes()
    assert pushes, result.describe()
    # every tick of the run is in what was pushed
    samples = sum(Decoded(decode_bytes(p.parts["profile"])).totals()[0] for p in pushes)
    assert samples == int(SUMMARY_RE.search(result.stderr).group(1)), result.describe()
    assert os.listdir(str(tmp_path)) == [], "left behind: %s" % os.listdir(str(tmp_path))


def test_push_option_errors(python, tmp_path):
    busy = [python.path, target("busy.py"), "0.1"]
    cases = [
        (["--push", "http://x", "--rotate", "1s"], "--app"),
        (["--push", "ftp://x", "--app", "a", "--rotate", "1s"], "http://"),
        (["--push", "http://x", "--app", "a"], "--rotate"),
        (["--app", "a"], "need --push"),
        (["--push", "http://x", "--app", "a b", "--rotate", "1s"], "--app"),
        (["--push", "http://x", "--app", "a", "--rotate", "1s", "--push-label", "k=v,x=y"], "--push-label"),
        (["--push", "http://x", "--app", "a", "--rotate", "1s", "--push-auth", tmp_path / "none"],
         ("cannot read", "--push-auth")),
    ]
    for options, needle in cases:
        assert_error(run_austinc(options + busy), 2, needle)
