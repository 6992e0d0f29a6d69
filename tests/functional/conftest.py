"""pytest hooks for the austinc functional suite; the machinery is in helpers.py.

Tests that take the ``python`` fixture run once per interpreter found (see
helpers.discover_interpreters); versions austinc does not support yet are
marked xfail, never skipped. At the end the run lists the interpreters it
covered.
"""

import collections
import re

import pytest

from helpers import (
    AUSTINC,
    BROKEN_INTERPRETERS,
    INTERPRETERS,
    default_interpreter,
)


def interpreter_params():
    params = []
    for interp in INTERPRETERS:
        marks = []
        if not interp.supported:
            marks.append(
                pytest.mark.xfail(reason=interp.unsupported_reason, strict=False)
            )
        params.append(pytest.param(interp, id=interp.id, marks=marks))
    return params


def pytest_generate_tests(metafunc):
    if "python" in metafunc.fixturenames:
        metafunc.parametrize("python", interpreter_params())


@pytest.fixture
def any_python():
    interp = default_interpreter()
    if interp is None:
        pytest.skip("no supported Python interpreter found")
    return interp


def pytest_report_header(config):
    lines = ["austinc: %s" % AUSTINC]
    for interp in INTERPRETERS:
        lines.append(
            "interpreter %s: %s (%s)" % (interp.id, interp.path, interp.shape_str)
        )
    return lines


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    outcomes = collections.defaultdict(collections.Counter)
    ids = sorted((i.id for i in INTERPRETERS), key=len, reverse=True)
    param_re = re.compile(r"\[([^\]]+)\]$")

    def interpreter_of(nodeid):
        m = param_re.search(nodeid or "")
        if m:
            for interp_id in ids:  # longest first: py3.1.0 vs py3.1.0-x
                if m.group(1) == interp_id or m.group(1).startswith(interp_id + "-"):
                    return interp_id
        return None

    for status in ("passed", "failed", "error", "skipped", "xfailed", "xpassed"):
        for report in terminalreporter.stats.get(status, []):
            when = getattr(report, "when", None)
            if when == "teardown" or (status == "passed" and when != "call"):
                continue
            interp_id = interpreter_of(getattr(report, "nodeid", ""))
            if interp_id:
                outcomes[interp_id][status] += 1
    tr = terminalreporter
    tr.section("interpreters covered")
    for interp in INTERPRETERS:
        if interp.id not in outcomes:
            continue
        counts = ", ".join(
            "%d %s" % (n, s) for s, n in sorted(outcomes[interp.id].items())
        )
        tr.write_line(
            "%-20s %-8s %-45s %-31s %-22s %s"
            % (
                interp.id,
                interp.version_str,
                interp.path,
                interp.shape_str,
                "supported" if interp.supported else "expected-failure",
                counts,
            )
        )
    for interp in BROKEN_INTERPRETERS:
        tr.write_line("%-20s %s: unusable (%s)" % ("-", interp.path, interp.error))
    if not outcomes:
        tr.write_line("(no interpreter-parametrised test ran)")


