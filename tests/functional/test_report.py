"""austinc-report's text views (--top, --collapsed, --tree) on real recordings.

Each view is checked against the truth: the shares the recorded program was
written to have (shares.py: leaf_a and leaf_b at 2:1; memory.py: 100 MiB
grown then released), and the recording itself, parsed here on its own.
austinc-report is $AUSTINC_REPORT, by default next to austinc.
"""

import collections
import os
import re
import subprocess


from helpers import (
    DEFAULT_TIMEOUT,
    excerpt,
    flamegraph_counts,
    expected_lines,
    leaf_split,
    split_tolerance,
    parse_output,
    run_austinc,
    target,
    report_command,
)


MIB = 1 << 20


def report(*args):
    """Run austinc-report with ARGS; its standard output, or fail."""
    cmd = report_command(*args)
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=DEFAULT_TIMEOUT, universal_newlines=True,
                          env=dict(os.environ, NO_COLOR="1"))
    assert proc.returncode == 0, "$ %s\nexit status %d\n%s\n%s" % (
        " ".join(cmd), proc.returncode, excerpt(proc.stdout), proc.stderr)
    assert "\033" not in proc.stdout, "colours in a pipe:\n" + excerpt(proc.stdout)
    return proc.stdout


def record(python, tmp_path, script, seconds, *options):
    """Record SCRIPT into a file; (path of the recording, austinc's result)."""
    out = tmp_path / ("%s.txt" % script)
    result = run_austinc(list(options) + [python.path, target(script), seconds],
                         output_file=out).assert_ok()
    assert result.profile.samples, "no samples\n" + result.describe()
    return out, result


def within(value, expected, fraction):
    return abs(value - expected) <= fraction * abs(expected)


# --------------------------------------------------------------------------
# Reading the views back
# --------------------------------------------------------------------------

TOP_ROW_RE = re.compile(
    r"^\s*(\d+\.\d)%\s+(\d+\.\d)%\s+(\d+(?:\.\d+)? [a-zA-Z]+)\s+"
    r"(\d+(?:\.\d+)? [a-zA-Z]+)\s+(\S+)\s+(.*)$")

Row = collections.namedtuple("Row", "self_share total_share func file")


def parse_top(text):
    """--top output -> [Row], in the order printed."""
    rows = [TOP_ROW_RE.match(line) for line in text.splitlines()]
    return [Row(float(m.group(1)), float(m.group(2)), m.group(5), m.group(6))
            for m in rows if m]


TREE_LINE_RE = re.compile(r"^\s*(\d+\.\d)%\s+(\d+\.\d)%  (.*)$")
TREE_PREFIXES = ("│  ", "   ", "├─ ", "└─ ")
LIBRARY_RE = re.compile(r"^\[(\d+) library frames?\]  (.*)$")


class Node(object):
    def __init__(self, total, self_, depth, label, parent):
        self.total = total
        self.self = self_
        self.depth = depth
        self.parent = parent
        self.children = []
        self.library = LIBRARY_RE.match(label)
        self.func = self.file = self.line = None
        if ":" in label and "  " in label and not label.startswith("["):
            self.func, where = label.split("  ", 1)
            self.file, line = where.rsplit(":", 1)
            self.line = int(line)

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def __repr__(self):
        if self.library:
            return "[%s library frames: %s]" % self.library.groups()
        return "%s:%s:%s" % (self.file, self.func, self.line)


def parse_tree(text):
    """--tree output -> every frame line as a Node, with parents."""
    nodes, path = [], []
    for line in text.splitlines():
        m = TREE_LINE_RE.match(line)
        if not m:
            path = []  # a header, a thread section or the last line
            continue
        rest, depth = m.group(3), 0
        while rest[:3] in TREE_PREFIXES:
            rest, depth = rest[3:], depth + 1
        del path[depth:]
        assert len(path) == depth, "line deeper than its parent: %r" % line
        node = Node(float(m.group(1)), float(m.group(2)), depth, rest,
                    path[-1] if path else None)
        if node.parent:
            node.parent.children.append(node)
        nodes.append(node)
        path.append(node)
    return nodes


def leaf_shares(profile, path):
    """{function: share %} of the time whose innermost frame is in PATH."""
    total = sum(s.metric for s in profile.samples)
    leaves = collections.Counter()
    for s in profile.samples:
        if s.leaf is not None and s.leaf.file == path:
            leaves[s.leaf.func] += s.metric
    return {f: 100.0 * v / total for f, v in leaves.items()}


# --------------------------------------------------------------------------
# shares.py: main -> outer -> inner -> leaf_a, leaf_b at 2:1
# --------------------------------------------------------------------------


def test_top_shares(python, tmp_path):
    path = target("shares.py")
    rec, result = record(python, tmp_path, "shares.py", "1.5")
    profile, split = result.profile, leaf_split(result)
    text = report("--top", 1000, rec)
    rows = {(r.func, r.file): r for r in parse_top(text)}
    first = parse_top(text)[:2]
    assert [r.func for r in first] == ["leaf_a", "leaf_b"], (
        "the leaves take most of the time, leaf_a first:\n" + text)
    truth = leaf_shares(profile, path)
    for leaf in ("leaf_a", "leaf_b"):
        row = rows[(leaf, path)]
        assert abs(row.self_share - truth[leaf]) <= 0.1, (
            "%s: %.1f%% self, the recording says %.2f%%\n%s"
            % (leaf, row.self_share, truth[leaf], text))
        callers = [x for x in profile.samples
                   if any((f.func, f.file) == (leaf, path) for f in x.frames[:-1])]
        # A walk torn by the target's changing under it (seen once in a
        # loaded sanitizer run on 3.7: a stale chain below the leaf) is
        # one sample; the view counts what the recording holds.
        assert len(callers) <= 1, (
            "a leaf calls nothing, yet %d samples have frames below %s:\n%s"
            % (len(callers), leaf, "\n".join(";".join(x.funcs) for x in callers[:5])))
        below = 100.0 * sum(x.metric for x in callers) / sum(x.metric for x in profile.samples)
        assert abs(row.total_share - (truth[leaf] + below)) <= 0.1, (
            "%s: %.1f%% total, the recording says %.2f%%\n%s"
            % (leaf, row.total_share, truth[leaf] + below, text))
    a, b = rows[("leaf_a", path)].self_share, rows[("leaf_b", path)].self_share
    assert abs(100.0 * a / (a + b) - 100.0 * split["leaf_a"]) <= 100 * split_tolerance(result, path), (
        "leaf_a has %.1f%% of the leaves' time, %.1f%% by shares.py's clock\n%s"
        % (100.0 * a / (a + b), 100.0 * split["leaf_a"], text))
    # inner calls only the leaves: its total is theirs plus its own loop
    # (shares printed to 0.1%). Its own time and main's (a write to stderr,
    # which a busy machine may stall) are what the recording says.
    inner = rows[("inner", path)]
    assert abs(inner.total_share - (a + b + inner.self_share)) <= 0.3, (
        "inner's total is its leaves' and its own (%.1f%%):\n%s"
        % (a + b + inner.self_share, text))
    for func in ("inner", "main"):
        assert abs(rows[(func, path)].self_share - truth.get(func, 0.0)) <= 0.1, (
            "%s: %.1f%% self, the recording says %.2f%%\n%s"
            % (func, rows[(func, path)].self_share, truth.get(func, 0.0), text))
    assert rows[("main", path)].total_share >= inner.total_share, text


def test_collapsed_merges_and_keeps_shares(python, tmp_path):
    path = target("shares.py")
    rec, result = record(python, tmp_path, "shares.py", "1.5")
    profile, split = result.profile, leaf_split(result)
    text = report("--collapsed", rec)
    folded = parse_output(text)
    assert not folded.metadata_lines, "metadata in folded stacks\n" + excerpt(text)
    assert len(flamegraph_counts(text)) == len(folded.samples)

    recorded = collections.Counter()
    for s in profile.samples:
        if s.metric:
            recorded[(s.pid, s.tid, tuple(s.frames))] += s.metric
    merged = collections.Counter()
    for s in folded.samples:
        key = (s.pid, s.tid, tuple(s.frames))
        assert key not in merged, "stack written twice: %r" % s.text
        merged[key] = s.metric
    assert merged == recorded, "the folded stacks are not the recording's sums"

    truth = leaf_shares(profile, path)
    shares = leaf_shares(folded, path)
    for leaf in ("leaf_a", "leaf_b"):
        assert abs(shares[leaf] - truth[leaf]) < 1e-9
    a, b = shares["leaf_a"], shares["leaf_b"]
    assert abs(100.0 * a / (a + b) - 100.0 * split["leaf_a"]) <= 100 * split_tolerance(result, path), (
        "leaf_a has %.1f%% of the leaves' time, %.1f%% by shares.py's clock"
        % (100.0 * a / (a + b), 100.0 * split["leaf_a"]))


def test_tree_nests_main_outer_inner_leaves(python, tmp_path):
    path = target("shares.py")
    line = expected_lines("shares.py")
    rec, result = record(python, tmp_path, "shares.py", "1.5")
    profile, split = result.profile, leaf_split(result)
    text = report("--tree", rec)  # 1% threshold: a leaf's rarer lines may hide
    nodes = parse_tree(text)
    chain = [("<module>", line["module->main"]), ("main", line["main->outer"]),
             ("outer", line["outer->inner"])]
    leaves = collections.defaultdict(float)
    for node in nodes:
        if node.file != path or node.func not in ("leaf_a", "leaf_b"):
            continue
        above = list(reversed(list(node.ancestors())))
        expected = chain + [("inner", line["inner->" + node.func])]
        assert [(n.file, n.func, n.line) for n in above] == [
            (path, f, l) for f, l in expected], (
            "%r is not under <module> -> main -> outer -> inner:\n%s" % (node, text))
        assert node.total == node.self, "a leaf calls nothing:\n" + text
        leaves[node.func] += node.total
    a, b = leaves["leaf_a"], leaves["leaf_b"]
    assert a and b, "no leaf in the tree:\n" + text
    truth = leaf_shares(profile, path)
    for leaf, shown in (("leaf_a", a), ("leaf_b", b)):
        assert truth[leaf] - 2.0 <= shown <= truth[leaf] + 0.2, (
            "%s at %.1f%% in the tree, the recording says %.1f%%\n%s"
            % (leaf, shown, truth[leaf], text))
    assert abs(100.0 * a / (a + b) - 100.0 * split["leaf_a"]) <= 100 * split_tolerance(result, path), text
    # main's call of outer holds the leaves (its other lines, a write to
    # stderr, may reach 1% on a busy machine and show on their own).
    main = [n for n in nodes if n.file == path and n.func == "main"
            and n.line == line["main->outer"]]
    shown_leaves = [n for n in nodes if n.file == path and n.func in ("leaf_a", "leaf_b")]
    assert len(main) == 1 and main[0].total >= a + b - 0.05 * (len(shown_leaves) + 1), text
    # Hot paths first: siblings never grow in share.
    for node in nodes:
        totals = [c.total for c in node.children]
        assert totals == sorted(totals, reverse=True), (
            "children of %r out of order:\n%s" % (node, text))


# --------------------------------------------------------------------------
# callback.py: through_json -> json.dumps ... -> on_object
# --------------------------------------------------------------------------


def test_tree_folds_library_frames_unless_all(python, tmp_path):
    path = target("callback.py")
    line = expected_lines("callback.py")
    rec, _ = record(python, tmp_path, "callback.py", "1.0")

    folded = parse_tree(report("--tree", rec))
    hooks = [n for n in folded if n.file == path and n.func == "on_object"]
    assert hooks, "on_object is not in the tree"
    for hook in hooks:
        run = hook.parent
        assert run is not None and run.library, (
            "on_object's caller should be the folded json frames, not %r" % run)
        assert int(run.library.group(1)) >= 2, run
        assert "json" in run.library.group(2).split(", "), run
        caller = run.parent
        assert (caller.file, caller.func, caller.line) == (
            path, "through_json", line["through_json->dumps"]), caller
    assert not any("/json/" in (n.file or "") for n in folded), (
        "a json frame was left unfolded")

    text = report("--tree", "--all", rec)
    shown = parse_tree(text)
    assert not any(n.library for n in shown), "--all folds nothing:\n" + text
    hooks = [n for n in shown if n.file == path and n.func == "on_object"]
    assert hooks, "on_object is not in the tree:\n" + text
    for hook in hooks:
        between = []
        for node in hook.ancestors():
            if node.file == path:
                assert node.func == "through_json", text
                break
            between.append(node)
        assert len(between) >= 2 and all(
            re.search(r"/json/(__init__|encoder)\.py$", n.file) for n in between), (
            "on_object should sit under json's frames: %r\n%s" % (between, text))
        assert "dumps" in [n.func for n in between], text


# --------------------------------------------------------------------------
# memory.py under -f: grow() maps 100 MiB, shrink() unmaps it
# --------------------------------------------------------------------------


def test_collapsed_memory_metrics(python, tmp_path):
    path = target("memory.py")
    rec, _ = record(python, tmp_path, "memory.py", "100", "-f", "-i", "1ms")

    def under(metric, func):
        text = report("--collapsed", "--metric", metric, rec)
        folded = parse_output(text)
        assert not folded.metadata_lines, excerpt(text)
        assert all(s.metric > 0 for s in folded.samples), (
            "%s values are positive byte counts:\n%s" % (metric, excerpt(text)))
        return sum(s.metric for s in folded.samples
                   if any(f.file == path and f.func == func for f in s.frames))

    grown = under("memory+", "grow")
    assert within(grown, 100 * MIB, 0.2), "grow() grew %dB, not ~100 MiB" % grown
    released = under("memory-", "shrink")
    assert within(released, 100 * MIB, 0.2), (
        "shrink() released %dB, not ~100 MiB" % released)
