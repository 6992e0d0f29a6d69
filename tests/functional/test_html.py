"""austinc-report --html in a real browser, on every interpreter.

phases.py burns CPU for a second, writes 200 MB, then makes 200 MB
resident, under `austinc --system -f`. Its report is opened in Debian's
chromium, headless, and read back after the page's script ran
(--dump-dom): the flame graph lists the frames it drew (for screen
readers, in place of its canvas) and carries what it summed in data-*
attributes, the timeline panels are SVG with one shape per figure. What
the page shows is checked against the recording, read here on its own: a
sample belongs to the period of the last "# system:" record before it.

Opening the page with "#range=A-B&metric=memory+&search=^grow$" over the
periods of grow() must draw only those periods' samples, their memory
growth nearly all under grow(); the same for burn() and the CPU time. A
screenshot must not be blank; a streamed recording, one without
--system, a diff and a million samples have their own tests.

Needs chromium: a machine without it fails these tests with a message
saying how to install it, never skips them.
"""

import bisect
import collections
import os
import re
import shutil
import subprocess
import time
import zlib
from html.parser import HTMLParser

import pytest

from helpers import AUSTINC, assert_few_invalid, run_austinc, target, report_command


# What report.js draws in each panel: (figure, "process" or "machine").
PANELS = collections.OrderedDict([
    ("Target memory", [("rss", "process")]),
    ("Target CPU", [("cpu.user", "process"), ("cpu.system", "process")]),
    ("Machine CPU", [("cpu.user", "machine"), ("cpu.system", "machine"),
                     ("cpu.iowait", "machine"), ("cpu.steal", "machine")]),
    ("Machine memory", [("mem.used", "machine")]),
    ("Disk I/O", [("disk.read", "machine"), ("disk.write", "machine"),
                  ("io.read", "process"), ("io.write", "process")]),
    ("Paging", [("swap.in", "machine"), ("swap.out", "machine"),
                ("faults.major", "machine")]),
])

SYSTEM_RE = re.compile(r"^# system: (machine|process:\d+) (.*)t=(\d+)us$")
FIGURE_RE = re.compile(r"([a-z0-9._]+)=(-?\d+(?:\.\d+)?)")


# --------------------------------------------------------------------------
# The recording, read here
# --------------------------------------------------------------------------


class Recording(object):
    """The samples of a recording, each with its period's start (the t of
    the last system record before it), and the system figures."""

    def __init__(self, result):
        self.result = result
        self.profile = result.profile
        self.figures = collections.defaultdict(list)  # (name, scope) -> [value]
        record_lines, record_ts = [], []
        for lineno, line in enumerate(self.profile.lines, 1):
            m = SYSTEM_RE.match(line)
            if not m:
                continue
            scope = "machine" if m.group(1) == "machine" else "process"
            for name, value in FIGURE_RE.findall(m.group(2)):
                self.figures[(name, scope)].append(float(value))
            record_lines.append(lineno)
            record_ts.append(int(m.group(3)))
        assert record_lines, "no system records\n" + result.describe()
        self.periods = []  # one t per sample
        for s in self.profile.samples:
            k = bisect.bisect(record_lines, s.lineno) - 1
            self.periods.append(record_ts[k] if k >= 0 else 0)

    def window(self, func, value):
        """The periods in which func's samples have a value, less the
        first and the last (partly other phases): [first, end)."""
        ts = sorted({t for t, s in zip(self.periods, self.profile.samples)
                     if value(s) > 0 and func in s.funcs})
        assert len(ts) >= 4, "%s() ran in periods %r\n%s" % (
            func, ts, self.result.describe())
        return ts[1], ts[-1]

    def in_window(self, window, value, func=None):
        """The total value of the samples in [first, end), or of those under
        func."""
        return sum(value(s) for t, s in zip(self.periods, self.profile.samples)
                   if window[0] <= t < window[1] and (func is None or func in s.funcs))


def wall(s):
    return s.metrics[0]


def cpu(s):
    return s.metrics[0] if s.metrics[1] == 0 else 0


def growth(s):
    return max(s.metrics[2], 0)


def record_phases(python, tmp_path):
    out = tmp_path / "phases.txt"
    result = run_austinc(["--system", "-f", python.path, target("phases.py"), str(tmp_path)],
                         output_file=out, timeout=120).assert_ok()
    assert_few_invalid(result.profile, result)
    return result, out


def cpu_share(seconds=0.3):
    """The share of a core a process spinning for SECONDS gets now (1.0 on
    an idle machine)."""
    start, cpu = time.time(), time.process_time()
    while time.time() < start + seconds:
        pass
    return max(0.05, min(1.0, (time.process_time() - cpu) / (time.time() - start)))


def run_report(args, stdin=None, timeout=120):
    cmd = report_command(*args)
    proc = subprocess.run(cmd, stdin=stdin or subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=timeout)
    assert proc.returncode == 0, "$ %s\nexit status %d\n%s" % (
        " ".join(cmd), proc.returncode, proc.stderr.decode("utf-8", "replace"))


# --------------------------------------------------------------------------
# The browser
# --------------------------------------------------------------------------


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    pytest.fail("chromium is needed to run the HTML report's script: scripts/deps.sh "
                "installs it (apt-get install chromium)")


def browse(page, tmp_path, fragment="", screenshot=None, size="1400,1400"):
    """The page's DOM after its script ran (chromium --dump-dom), or with
    screenshot a PNG of it there."""
    cmd = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
           "--force-device-scale-factor=1",
           "--user-data-dir=%s" % (tmp_path / "chromium"), "--window-size=" + size,
           "--virtual-time-budget=20000"]
    cmd += ["--screenshot=%s" % screenshot] if screenshot else ["--dump-dom"]
    cmd.append("file://%s%s" % (page, fragment))
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=180)
    if screenshot:
        assert os.path.exists(str(screenshot)), "no screenshot\n%s" % proc.stderr.decode(
            "utf-8", "replace")[-2000:]
        return None
    dom = Dom(proc.stdout.decode("utf-8", "replace"))
    assert dom.body.get("data-render-ms"), "the page's script did not finish\n%s" % (
        proc.stderr.decode("utf-8", "replace")[-3000:])
    return dom


class Element(object):
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.text = ""

    def get(self, name, default=None):
        return self.attrs.get(name, default)

    def within(self, other):
        e = self.parent
        while e is not None and e is not other:
            e = e.parent
        return e is other


class Dom(HTMLParser):
    """The elements of a page, with their attributes and their text (not
    that of scripts)."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
            "source", "track", "wbr"}

    def __init__(self, text):
        HTMLParser.__init__(self, convert_charrefs=True)
        self.elements, self.open = [], []
        self.body = {}
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        e = Element(tag, dict(attrs), self.open[-1] if self.open else None)
        self.elements.append(e)
        if tag == "body":
            self.body = e.attrs
        if tag not in self.VOID:
            self.open.append(e)

    def handle_endtag(self, tag):
        for i in range(len(self.open) - 1, -1, -1):
            if self.open[i].tag == tag:
                del self.open[i:]
                break

    def handle_data(self, data):
        if self.open and self.open[-1].tag != "script":
            for e in self.open:
                e.text += data

    def by_id(self, name):
        found = [e for e in self.elements if e.get("id") == name]
        assert found, "no element #%s in the page" % name
        return found[0]

    def all(self, tag, within=None, **attrs):
        return [e for e in self.elements if e.tag == tag
                and all(e.get(k.replace("_", "-")) == v for k, v in attrs.items())
                and (within is None or e.within(within))]

    @property
    def flame(self):
        return self.by_id("flame").attrs

    def drawn_names(self):
        return {li.get("data-name") for li in self.all("li", self.by_id("flame-labels"))}

    def panels(self):
        """{panel title: {figure drawn}}"""
        found = {}
        for div in self.all("div", **{"class": "panel"}):
            shapes = self.all("polyline", div) + self.all("polygon", div)
            found[div.get("data-panel")] = {s.get("data-series") for s in shapes}
        return found

    def facts(self):
        facts = {}
        for div in self.all("div", self.by_id("facts")):
            dt, dd = self.all("dt", div), self.all("dd", div)
            if dt and dd:
                facts[dt[0].text] = dd[0].text
        return facts


def fragment(window, metric, search):
    return "#range=%.6f-%.6f&metric=%s&search=%s" % (
        (window[0] + 1) / 1e6, (window[1] - 1) / 1e6, metric, search)


# --------------------------------------------------------------------------
# The report of a recording with --system, on every interpreter
# --------------------------------------------------------------------------


def expected_panels(rec):
    panels = {}
    for title, figures in PANELS.items():
        drawn = {name for name, scope in figures if rec.figures.get((name, scope))}
        if drawn:
            panels[title] = drawn
    panels["Threads"] = {"threads.active", "threads.idle"}
    return panels


def format_bytes(b):
    """report.js's formatBytes for a figure of megabytes."""
    assert 1e6 <= b < 1e9
    return "%.1f MB" % (b / 1e6)


def test_html_report(python, tmp_path):
    result, recording = record_phases(python, tmp_path)
    rec = Recording(result)
    page = tmp_path / "phases.html"
    run_report(["--html", page, recording])
    size = os.path.getsize(str(page))
    assert size < 2e6, "a %d-byte report of %d samples" % (size, len(rec.profile.samples))

    dom = browse(page, tmp_path)
    flame = dom.flame
    assert flame["data-metric"] == "wall" and flame["data-range"] == ""
    assert float(flame["data-total"]) == sum(wall(s) for s in rec.profile.samples)
    drawn = dom.drawn_names()
    for func in ("<module>", "main", "burn", "write_out", "grow"):
        assert func in drawn, "%s not in the flame graph: %s" % (func, sorted(drawn))

    # A panel for each group of figures the recording has, with exactly
    # those figures; the RSS through every record.
    panels = dom.panels()
    assert panels == expected_panels(rec), "panels %r, figures %r" % (
        panels, sorted(rec.figures))
    rss = dom.all("polyline", data_series="rss")
    assert len(rss) == 1 and len(rss[0].get("points").split()) == len(
        rec.figures[("rss", "process")])

    facts = dom.facts()
    samples = int(rec.profile.metadata["samples"].split()[0])
    assert facts["Samples"].startswith("{:,} samples".format(samples)), facts
    assert facts["Peak RSS"] == format_bytes(max(rec.figures[("rss", "process")])), facts
    assert facts["Mode"] == "full (-f)", facts
    command, python = rec.profile.metadata.get("command"), rec.profile.metadata["python"]
    assert dom.by_id("command").text.strip() == (command or "Python " + python)
    assert facts.get("Python") == (python if command else None), facts

    # The memory phase: its growth is grow()'s.
    window = rec.window("grow", growth)
    dom = browse(page, tmp_path, fragment(window, "memory+", "^grow$"))
    flame = dom.flame
    total = rec.in_window(window, growth)
    under = rec.in_window(window, growth, "grow")
    assert flame["data-metric"] == "memory+"
    assert float(flame["data-total"]) == total, "drew %s bytes of growth, the periods " \
        "%r hold %d" % (flame["data-total"], window, total)
    assert abs(float(flame["data-matched"]) - 100.0 * under / total) <= 0.01
    assert float(flame["data-matched"]) >= 90, "%s%% of the growth under grow()" % (
        flame["data-matched"])
    assert "burn" not in dom.drawn_names()
    assert {tr.get("data-name") for tr in dom.all("tr")} >= {"grow"}

    # The CPU phase: its CPU time is burn()'s.
    window = rec.window("burn", cpu)
    flame = browse(page, tmp_path, fragment(window, "cpu", "^burn$")).flame
    total = rec.in_window(window, cpu)
    assert float(flame["data-total"]) == total
    assert float(flame["data-matched"]) >= 90, "%s%% of the CPU time under burn()" % (
        flame["data-matched"])


# --------------------------------------------------------------------------
# Once, on one interpreter
# --------------------------------------------------------------------------


def png_rows(path):
    """The pixel rows of a PNG (8-bit RGB or RGBA, not interlaced), each a
    list of (r, g, b)."""
    with open(str(path), "rb") as f:
        data = f.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, b""
    while pos < len(data):
        length = int.from_bytes(data[pos:pos + 4], "big")
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height = int.from_bytes(body[0:4], "big"), int.from_bytes(body[4:8], "big")
            depth, colour, interlace = body[8], body[9], body[12]
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    assert depth == 8 and colour in (2, 6) and not interlace, (depth, colour, interlace)
    bpp = 3 if colour == 2 else 4
    raw, stride = zlib.decompress(idat), width * bpp
    previous, rows = bytearray(stride), []
    for y in range(height):
        kind = raw[y * (stride + 1)]
        row = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            left = row[i - bpp] if i >= bpp else 0
            up, corner = previous[i], previous[i - bpp] if i >= bpp else 0
            if kind == 1:
                row[i] = (row[i] + left) & 0xFF
            elif kind == 2:
                row[i] = (row[i] + up) & 0xFF
            elif kind == 3:
                row[i] = (row[i] + ((left + up) >> 1)) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                row[i] = (row[i] + (left if pa <= pb and pa <= pc else up if pb <= pc
                                    else corner)) & 0xFF
        rows.append([tuple(row[i:i + 3]) for i in range(0, stride, bpp)])
        previous = row
    return rows


def is_flame(pixel):
    """A flame graph cell's colour: hue 0-50, saturated, light (report.js)."""
    r, g, b = pixel
    return r >= 200 and r - b >= 80 and g <= r


def test_html_screenshot(any_python, tmp_path):
    result, recording = record_phases(any_python, tmp_path)
    page = tmp_path / "phases.html"
    run_report(["--html", page, recording])
    shot = tmp_path / "phases.png"
    browse(page, tmp_path, screenshot=shot, size="900,700")
    rows = png_rows(shot)
    # Text, a flame graph of many colours, the panels: hundreds of colours
    # (a blank page has one, a page of text a few dozen greys).
    colours = {p for row in rows for p in row}
    assert len(colours) > 200, "the screenshot has %d colours" % len(colours)
    # The flame graph is drawn: warm cells cover a good part of the page,
    # and its outer levels (<module>, main, the leaves: phases.py spends
    # all its time under them) are rows of cells each some 17 pixels high,
    # below the header, that are mostly warm. The timeline's bars make
    # fewer such rows, and shorter runs of them.
    flame = sum(is_flame(p) for row in rows for p in row)
    assert flame > len(rows) * len(rows[0]) // 20, (
        "flame-coloured pixels: %d of %d" % (flame, len(rows) * len(rows[0])))
    warm = [y for y, row in enumerate(rows) if sum(map(is_flame, row)) > len(row) // 2]
    runs, run = [], 1
    for y, before in zip(warm[1:], warm):
        run = run + 1 if y == before + 1 else 1
        runs.append(run)
    assert len(warm) >= 40 and max(runs or [1]) >= 15 and warm[0] > 100, (
        "no flame graph levels below the header: mostly warm rows %s" % warm)


def test_html_streamed(any_python, tmp_path):
    page = tmp_path / "streamed.html"
    sampler = subprocess.Popen([AUSTINC, "--system", "-f", any_python.path, target("phases.py"),
                                str(tmp_path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        run_report(["--html", page], stdin=sampler.stdout)
    finally:
        sampler.stdout.close()
        stderr = sampler.communicate(timeout=120)[1]
    assert sampler.returncode == 0, stderr.decode("utf-8", "replace")
    dom = browse(page, tmp_path)
    assert {"burn", "write_out", "grow"} <= dom.drawn_names()
    assert "rss" in dom.panels()["Target memory"]


def test_html_without_system(any_python, tmp_path):
    recording = tmp_path / "shares.txt"
    result = run_austinc(["-f", any_python.path, target("shares.py"), "1.0"],
                         output_file=recording).assert_ok()
    page = tmp_path / "shares.html"
    run_report(["--html", page, recording])
    # A range asks for what the recording cannot give: the page ignores it.
    dom = browse(page, tmp_path, "#range=0.2-0.5&search=leaf_a")
    flame = dom.flame
    assert flame["data-range"] == "" and flame["data-buckets"] == "1"
    assert float(flame["data-total"]) == sum(wall(s) for s in result.profile.samples)
    assert {"leaf_a", "leaf_b"} <= dom.drawn_names()
    assert not dom.panels()
    note = dom.by_id("timeline-note")
    assert "hidden" not in note.attrs and "--system" in note.text, note.text


# report.js's flame graph: frames narrower than MIN_WIDTH pixels are not
# drawn, and only those LABELLED pixels wide or more are listed (at most
# LISTED of them) in #flame-labels.
MIN_WIDTH = 0.4
LABELLED = 36
LISTED = 500


def call_tree(samples, weight):
    """report.js's merged call tree (threads merged, as in a diff): {path:
    total}, a path being the tuple of (name, file, line) from the root, the
    root being ()."""
    total = collections.defaultdict(float)
    for s in samples:
        value = weight(s)
        path = ()
        total[path] += value
        for f in s.frames:
            name = f.func if f.line is not None else ":%s:" % f.func  # :INVALID:, :GC:
            path += ((name, f.file, f.line or 0),)
            total[path] += value
    return total


def listed_nodes(total, width):
    """The nodes report.js lists for screen readers, unzoomed, in a canvas
    width pixels wide: those drawn (each level's kids, largest first, until
    one is narrower than MIN_WIDTH) and LABELLED pixels wide or more."""
    kids = collections.defaultdict(list)
    for path in total:
        if path:
            kids[path[:-1]].append(path)
    scale = float(width) / total[()]
    listed, level = [()], [()]
    while level:
        drawn = []
        for node in level:
            for kid in sorted(kids[node], key=lambda k: -total[k]):
                if total[kid] * scale < MIN_WIDTH:
                    break
                drawn.append(kid)
        listed += [n for n in drawn if total[n] * scale >= LABELLED]
        level = drawn
    return listed


def test_html_diff(any_python, tmp_path):
    result, base = record_phases(any_python, tmp_path)
    # The same run with grow()'s samples counted twice: its share grows,
    # every other function's shrinks.
    new = tmp_path / "more-growth.txt"
    twice = lambda s: ":grow:" in s.text
    with open(str(new), "w") as out:
        for line in result.profile.lines:
            out.write(line + "\n")
            if line.startswith("P") and ":grow:" in line:
                out.write(line + "\n")
    page = tmp_path / "diff.html"
    run_report(["--diff", base, "--html", page, new])
    dom = browse(page, tmp_path)
    assert dom.flame["data-metric"] == "wall", dom.flame

    # What the page must show, computed here as report.js does from the
    # same samples: each node's change in share of its run's total, for the
    # nodes wide enough to be listed in this canvas.
    samples = result.profile.samples
    base_total = call_tree(samples, wall)
    new_total = call_tree(samples, lambda s: wall(s) * (2 if twice(s) else 1))
    assert new_total[()] == float(dom.flame["data-total"]), dom.flame
    canvas = dom.by_id("flame-canvas")
    width = float(canvas.get("width"))  # the page is drawn at 1 pixel per CSS pixel
    expected = listed_nodes(new_total, width)
    assert len(expected) < LISTED

    def change(path):
        return (100.0 * new_total[path] / new_total[()]
                - 100.0 * base_total[path] / base_total[()])

    listed = dom.all("li", dom.by_id("flame-labels"))
    shown = sorted((li.get("data-name"), int(li.get("data-depth")), float(li.get("data-total")))
                   for li in listed)
    assert shown == sorted((p[-1][0] if p else "all", len(p), new_total[p])
                           for p in expected), (shown, expected)
    shown_change = collections.defaultdict(float)  # summed over a function's nodes
    for li in listed:
        shown_change[li.get("data-name")] += float(li.get("data-change"))
    expected_change = collections.defaultdict(float)
    for path in expected[1:]:
        expected_change[path[-1][0]] += change(path)
    for name, value in expected_change.items():
        # Each node's change is shown to 0.01 point.
        rounding = 0.005 * sum(1 for p in expected[1:] if p[-1][0] == name) + 1e-9
        assert abs(shown_change[name] - value) <= rounding, (name, shown_change, expected_change)
    # And it means what it should: grow() grew, the others shrank.
    assert shown_change["grow"] > 0, shown_change
    assert shown_change["burn"] < 0 and shown_change["write_out"] < 0, shown_change
    assert "hidden" not in dom.by_id("legend").attrs

    # Against itself, nothing changed.
    run_report(["--diff", base, "--html", page, base])
    dom = browse(page, tmp_path)
    changes = {li.get("data-change") for li in dom.all("li", dom.by_id("flame-labels"))}
    assert changes == {"0.00"}, changes


def test_html_a_million_samples(any_python, tmp_path):
    """The report of 10^6 samples (a real recording's lines over and over,
    the records' times shifted a round later each time) stays under 10 MB
    and is drawn in under 3 s of a core (a busy machine gives it less)."""
    result, recording = record_phases(any_python, tmp_path)
    lines = [l for l in result.profile.lines
             if l.startswith("P") or l.startswith("# system: ")]
    header = [l for l in result.profile.lines[:10] if l.startswith("# ")
              and not l.startswith("# system: ")]
    span = max(int(m.group(3)) for m in map(SYSTEM_RE.match, lines) if m) + 100000
    big, count, rounds, wall_total = tmp_path / "million.txt", 0, 0, 0
    with open(str(big), "w") as out:
        out.write("\n".join(header) + "\n")
        while count < 1000000:
            for line in lines:
                m = SYSTEM_RE.match(line)
                if m:
                    out.write("%st=%dus\n" % (line[:m.start(3) - 2], int(m.group(3))
                                              + rounds * span))
                    continue
                out.write(line + "\n")
                wall_total += int(line.rsplit(" ", 1)[1].split(",")[0])
                count += 1
                if count == 1000000:
                    break
            rounds += 1
    page = tmp_path / "million.html"
    run_report(["--html", page, big])
    size = os.path.getsize(str(page))
    assert size <= 10e6, "the report of a million samples takes %d bytes" % size
    before = cpu_share()
    dom = browse(page, tmp_path)
    share = min(before, cpu_share())
    assert float(dom.flame["data-total"]) == wall_total
    # 3 s on a core of its own; a busy machine gives the browser less.
    budget = 3000 / share
    assert int(dom.body["data-render-ms"]) < budget, "drawn in %s ms, %.0f ms allowed " \
        "(a spinning process got %.0f%% of a core)" % (dom.body["data-render-ms"], budget,
                                                       100 * share)
