"""austinc-report's graphic views of a real recording, on every interpreter.

shares.py spends its CPU in leaf_a and leaf_b at 2:1 under main -> outer ->
inner. The SVG flame graph must be well-formed XML with one frame drawn per
merged call-tree node of at least 0.1% of the total, widths true to the
recording and the leaves' widths true to the program; its script must
search in a real browser (Debian's chromium). The speedscope file must
validate against speedscope's own schema (npm package speedscope, validated
with ajv; both installed into a cache directory on first use) and carry
every sample of the recording, in order, with its weight.

Needs node and npm, and chromium: a machine without them fails these tests
with a message saying so, never skips them.
"""

import collections
import fcntl
import json
import os
import re
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET

import pytest

from helpers import (
    assert_few_invalid,
    excerpt,
    leaf_split,
    split_tolerance,
    run_austinc,
    target,
    report_command,
)


SVG = "{http://www.w3.org/2000/svg}"
AREA_WIDTH = 1180.0  # view_svg's frames area: 1200 pixels less two margins

NPM_DIR = os.environ.get("AUSTINC_NPM_CACHE") or os.path.join(
    tempfile.gettempdir(), "austinc-npm")
NPM_PACKAGES = ("speedscope@^1", "ajv@^8")
SCHEMA = os.path.join(NPM_DIR, "node_modules", "speedscope", "dist", "release",
                      "file-format-schema.json")
AJV = os.path.join(NPM_DIR, "node_modules", "ajv")


# --------------------------------------------------------------------------
# Recording and reporting
# --------------------------------------------------------------------------


def record_shares(python, tmp_path, *options):
    out = tmp_path / "shares.txt"
    result = run_austinc(list(options) + [python.path, target("shares.py"), "1.0"],
                         output_file=out).assert_ok()
    assert_few_invalid(result.profile, result)
    return result, out


def run_report(args, stdin=None, timeout=60):
    cmd = report_command(*args)
    with open(str(stdin), "rb") if stdin else open(os.devnull, "rb") as f:
        proc = subprocess.run(cmd, stdin=f, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=timeout)
    assert proc.returncode == 0, "$ %s\nexit status %d\n--- stderr ---\n%s" % (
        " ".join(cmd), proc.returncode, proc.stderr.decode("utf-8", "replace"))
    return proc


def metric_of(sample, memory):
    """A sample's time, or with memory its RSS growth (-f samples)."""
    if not memory:
        return sample.metrics[0]
    return max(sample.metrics[2], 0)


# --------------------------------------------------------------------------
# The merged call tree, computed here from the recording
# --------------------------------------------------------------------------


def frame_text(frame):
    """(name, location) as the flame graph shows a recorded frame."""
    if frame.line is None:
        return ":%s:" % frame.func, ""
    return frame.func, "%s:%d" % (frame.file, frame.line)


def merged_tree(profile, memory=False):
    """{path: total} over every merged node; a path is a tuple of
    (name, location) pairs from the root, the root being ()."""
    threads = {(s.pid, s.iid, s.tid) for s in profile.samples}
    totals = collections.Counter()
    for s in profile.samples:
        value = metric_of(s, memory)
        if value <= 0:
            continue
        path = ()
        totals[path] += value
        if len(threads) > 1:
            name = "thread %d (pid %d" % (s.tid, s.pid)
            name += ", interpreter %d)" % s.iid if s.iid else ")"
            path = ((name, ""),)
            totals[path] += value
        for frame in s.frames:
            path = path + (frame_text(frame),)
            totals[path] += value
    return totals


def drawn_nodes(totals):
    """(name, location, total) of the nodes worth 0.1% of the total or more,
    which are the nodes the flame graph draws."""
    root = totals[()]
    nodes = collections.Counter()
    for path, total in totals.items():
        if total * 1000 >= root:
            name, location = path[-1] if path else ("all", "")
            nodes[(name, location, total)] += 1
    return nodes


# --------------------------------------------------------------------------
# Reading the SVG back
# --------------------------------------------------------------------------

VALUE_RE = re.compile(r"^([\d,]+) (us|bytes) \((\d+\.\d\d)%\)$")


class DrawnFrame(object):
    def __init__(self, group):
        title = group.find(SVG + "title").text
        lines = title.split("\n")
        self.name = lines[0]
        self.location = lines[1] if len(lines) == 3 else ""
        m = VALUE_RE.match(lines[-1])
        assert m, "bad value line in the title %r" % title
        self.value = int(m.group(1).replace(",", ""))
        self.unit = m.group(2)
        rect = group.find(SVG + "rect")
        self.x = float(rect.get("x"))
        self.width = float(rect.get("width"))
        self.y = float(rect.get("y"))


def read_svg(path):
    try:
        root = ET.parse(str(path)).getroot()
    except ET.ParseError as exc:
        with open(str(path), errors="replace") as f:
            pytest.fail("the SVG is not well-formed XML: %s\n%s" % (exc, excerpt(f.read())))
    assert root.tag == SVG + "svg", "root element %s" % root.tag
    frames = root.find(".//%sg[@id='frames']" % SVG)
    assert frames is not None, "no frames group"
    drawn = [DrawnFrame(g) for g in frames.findall(SVG + "g")]
    assert all(g.get("class") == "f" for g in frames.findall(SVG + "g"))
    return root, drawn


def text_of(root, element_id):
    element = root.find(".//*[@id='%s']" % element_id)
    assert element is not None, "no element with id %s" % element_id
    return "".join(element.itertext())


# --------------------------------------------------------------------------
# SVG
# --------------------------------------------------------------------------

SHARES_FUNCS = ("<module>", "main", "outer", "inner", "leaf_a", "leaf_b")


def check_svg(svg_path, profile, memory, unit_title):
    root, drawn = read_svg(svg_path)
    assert text_of(root, "heading") == unit_title
    assert unit_title in root.find(SVG + "title").text

    totals = merged_tree(profile, memory)
    expected = drawn_nodes(totals)
    found = collections.Counter((f.name, f.location, f.value) for f in drawn)
    assert sum(found.values()) == len(root.findall(".//%sg[@class='f']/%srect" % (SVG, SVG)))
    assert found == expected, (
        "drawn frames differ from the recording's merged tree\n"
        "missing: %s\nextra: %s" % (
            sorted(expected - found)[:10], sorted(found - expected)[:10]))
    if not totals[()]:
        assert not drawn and "No sample has a value" in text_of(root, "subheading")
        return drawn
    hidden = len(totals) - sum(expected.values())
    assert "not drawn (%s of %s)" % (format(hidden, ","), format(len(totals), ",")) in (
        text_of(root, "subheading"))

    root_total = totals[()]
    for f in drawn:
        assert abs(f.width - f.value * AREA_WIDTH / root_total) <= 0.02, (
            "%s %s: width %.2f for %d of %d" % (f.name, f.location, f.width, f.value,
                                                root_total))
    return drawn


def test_svg_flame_graph_of_shares(python, tmp_path):
    result, recording = record_shares(python, tmp_path)
    svg_path = tmp_path / "shares.svg"
    run_report(["--svg", svg_path, recording])
    drawn = check_svg(svg_path, result.profile, False, "Wall time (us)")

    path = target("shares.py")
    names = {f.name for f in drawn if f.location.startswith(path + ":")}
    for func in SHARES_FUNCS:
        assert func in names, "no %s frame drawn (got %s)" % (func, sorted(names))
    width = {leaf: sum(f.width for f in drawn
                       if f.name == leaf and f.location.startswith(path + ":"))
             for leaf in ("leaf_a", "leaf_b")}
    # Against what shares.py measured: the split of its leaves' time, and
    # that time against the whole recording (start-up, which a busy
    # machine stretches, takes the rest).
    split = leaf_split(result)
    share_a = width["leaf_a"] / (width["leaf_a"] + width["leaf_b"])
    assert abs(share_a - split["leaf_a"]) <= split_tolerance(result, path), (
        "leaf_a is %.1f%% of the leaves' width, %.1f%% by shares.py's clock"
        % (100 * share_a, 100 * split["leaf_a"]))
    spent = sum(float(t) for t in result.target_info()["leaves"].split(",")) * 1e6
    recorded = sum(s.metric for s in result.profile.samples)
    # A sanitised austinc held off the CPU can record less than the leaves
    # took (2.7 under ASan: 583 of 988 ms): then the leaves are all it saw.
    spent = min(spent, recorded)
    assert width["leaf_a"] + width["leaf_b"] >= 0.9 * AREA_WIDTH * spent / recorded, (
        "the leaves take only %.0f of %.0f pixels, %.0f%% of the time recorded" % (
            width["leaf_a"] + width["leaf_b"], AREA_WIDTH, 100 * spent / recorded))


def test_svg_memory_metric(python, tmp_path):
    result, recording = record_shares(python, tmp_path, "-f")
    svg_path = tmp_path / "growth.svg"
    run_report(["--svg", svg_path, "--metric", "memory+", recording])
    drawn = check_svg(svg_path, result.profile, True, "Memory growth (bytes)")
    assert all(f.unit == "bytes" for f in drawn)


# --------------------------------------------------------------------------
# The SVG's script in a browser
# --------------------------------------------------------------------------


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    pytest.fail("chromium is needed to run the flame graph's script in a "
                "browser: apt-get install chromium")


def test_svg_search_in_a_browser(any_python, tmp_path):
    result, recording = record_shares(any_python, tmp_path)
    svg_path = tmp_path / "shares.svg"
    run_report(["--svg", svg_path, recording])
    # The script searches what a #search= fragment names as the page loads.
    proc = subprocess.run(
        [chromium(), "--headless", "--no-sandbox", "--disable-gpu",
         "--user-data-dir=%s" % (tmp_path / "chromium"), "--dump-dom",
         "file://%s#search=leaf_a" % svg_path],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    dom = proc.stdout.decode("utf-8", "replace")
    m = re.search(r'<text id="matched"[^>]*>Matched (\d+) frames, '
                  r'(\d+\.\d)% of the total</text>', dom)
    assert m, "no search result in the page chromium ran\n%s\n%s" % (
        excerpt(dom, 10), proc.stderr.decode("utf-8", "replace")[-2000:])
    # What the script must find, computed here from the recording as the
    # page is drawn: the nodes worth 0.1% or more, those named leaf_a, and
    # the share their outermost ones cover (widths are written to 0.01 px).
    totals = merged_tree(result.profile)
    root = totals[()]
    drawn = [p for p in totals if p and totals[p] * 1000 >= root]
    hits = [p for p in drawn if "leaf_a" in p[-1][0]]
    outermost = [p for p in hits if not any("leaf_a" in f[0] for f in p[:-1])]
    covered = 100.0 * sum(totals[p] for p in outermost) / root
    assert int(m.group(1)) == len(hits), "search matched %s frames, %d drawn are leaf_a" % (
        m.group(1), len(hits))
    assert abs(float(m.group(2)) - covered) <= 0.05 + len(outermost) * 100 * 0.02 / AREA_WIDTH, (
        "search says %s%%, the drawn leaf_a frames cover %.3f%%" % (m.group(2), covered))
    assert hits, "no leaf_a frame drawn"
    assert dom.count('fill="#e040c8"') == int(m.group(1)), "matches not highlighted"


# --------------------------------------------------------------------------
# speedscope
# --------------------------------------------------------------------------


def npm_tools():
    """Install speedscope (for its schema) and ajv into NPM_DIR, once."""
    for tool in ("node", "npm"):
        if shutil.which(tool) is None:
            pytest.fail("%s is needed to validate austinc-report's speedscope "
                        "output against speedscope's schema: apt-get install "
                        "nodejs npm" % tool)
    os.makedirs(NPM_DIR, exist_ok=True)
    # pytest-xdist runs tests in parallel: one installs, the others wait.
    with open(os.path.join(NPM_DIR, ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (os.path.exists(SCHEMA) and os.path.exists(AJV)):
            proc = subprocess.run(
                ["npm", "install", "--prefix", NPM_DIR, "--no-save",
                 "--no-package-lock", "--no-audit", "--no-fund"]
                + list(NPM_PACKAGES),
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=600)
            if proc.returncode != 0 or not os.path.exists(SCHEMA):
                pytest.fail("npm install %s into %s failed (status %d):\n%s" % (
                    " ".join(NPM_PACKAGES), NPM_DIR, proc.returncode,
                    proc.stderr.decode("utf-8", "replace")[-3000:]))


VALIDATE_JS = r"""
const fs = require("fs");
const [ajvDir, schemaPath, dataPath] = process.argv.slice(2);
const ajvModule = require(ajvDir);
const Ajv = ajvModule.default || ajvModule;
const ajv = new Ajv({allErrors: true, strict: false});
const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaPath, "utf8")));
if (!validate(JSON.parse(fs.readFileSync(dataPath, "utf8")))) {
    console.log(JSON.stringify(validate.errors.slice(0, 10), null, 1));
    process.exit(1);
}
console.log("valid");
"""


def validate_speedscope(path, tmp_path):
    npm_tools()
    script = tmp_path / "validate.js"
    script.write_text(VALIDATE_JS)
    proc = subprocess.run(["node", str(script), AJV, SCHEMA, str(path)],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    assert proc.returncode == 0 and proc.stdout.strip() == b"valid", (
        "not valid under speedscope's file-format schema:\n%s%s" % (
            proc.stdout.decode("utf-8", "replace"),
            proc.stderr.decode("utf-8", "replace")))


def speedscope_frame(frame):
    """(name, file, line) as the speedscope file names a recorded frame."""
    if frame.line is None:
        return ":%s:" % frame.func, None, None
    return frame.func, frame.file, frame.line or None


def expected_runs(samples, memory):
    """[(stack, weight)] of one thread: consecutive equal stacks merged."""
    runs = []
    for s in samples:
        value = metric_of(s, memory)
        if value <= 0:
            continue
        stack = tuple(speedscope_frame(f) for f in s.frames)
        if runs and runs[-1][0] == stack:
            runs[-1][1] += value
        else:
            runs.append([stack, value])
    return [tuple(r) for r in runs]


def check_speedscope(data, profile, memory, unit):
    assert data["$schema"] == "https://www.speedscope.app/file-format-schema.json"
    assert data["exporter"].startswith("austinc-report ")
    frames = [(f["name"], f.get("file"), f.get("line")) for f in data["shared"]["frames"]]
    by_thread = profile.by_tid()
    profiles = data["profiles"]
    worth = [tid for tid, samples in by_thread.items()
             if any(metric_of(s, memory) > 0 for s in samples)]
    assert len(profiles) == len(worth), "one profile per thread with samples"
    total = 0
    for p in profiles:
        assert p["type"] == "sampled" and p["unit"] == unit
        tid = int(re.match(r"^thread (\d+) ", p["name"]).group(1))
        runs = [(tuple(frames[i] for i in stack), weight)
                for stack, weight in zip(p["samples"], p["weights"])]
        assert runs == expected_runs(by_thread[tid], memory), (
            "thread %d: the samples differ from the recording's" % tid)
        assert p["startValue"] == 0 and p["endValue"] == sum(p["weights"])
        total += sum(p["weights"])
    assert total == sum(metric_of(s, memory) for s in profile.samples)
    return frames


def test_speedscope_of_shares(python, tmp_path):
    result, recording = record_shares(python, tmp_path)
    json_path = tmp_path / "shares.speedscope.json"
    run_report(["--speedscope", json_path], stdin=recording)
    validate_speedscope(json_path, tmp_path)
    with open(str(json_path)) as f:
        data = json.load(f)
    frames = check_speedscope(data, result.profile, False, "microseconds")
    path = target("shares.py")
    names = {name for name, file, _ in frames if file == path}
    for func in SHARES_FUNCS:
        assert func in names, "no frame %s in %s (got %s)" % (func, path, sorted(names))
    assert data["profiles"][data["activeProfileIndex"]]["name"].endswith(
        "(pid %d)" % result.target_pid())


def test_speedscope_memory_in_bytes(python, tmp_path):
    result, recording = record_shares(python, tmp_path, "-f")
    json_path = tmp_path / "growth.json"
    run_report(["--speedscope", json_path, "--metric", "memory+", recording])
    validate_speedscope(json_path, tmp_path)
    with open(str(json_path)) as f:
        check_speedscope(json.load(f), result.profile, True, "bytes")
