"""--version, --help and --usage."""

import re

from helpers import run_austinc


def test_version():
    for flag in ("-V", "--version"):
        result = run_austinc([flag], timeout=10).assert_ok()
        assert re.search(r"\baustinc\b.*\d+\.\d+\.\d+", result.stdout), result.describe()


def test_help_lists_working_options():
    result = run_austinc(["--help"], timeout=10).assert_ok()
    text = result.stdout
    for short, long_ in (("-i", "--interval"), ("-o", "--output"), ("-p", "--pid"),
                         ("-t", "--timeout"), ("-x", "--exposure"), ("-P", "--pipe"),
                         ("-V", "--version"), ("-?", "--help"), (None, "--usage")):
        assert long_ in text, "--help does not mention %s\n%s" % (long_, text)
        if short:
            assert re.search(r"(^|[\s,\[])%s(?=[\s,=\]]|$)" % re.escape(short), text, re.M), (
                "--help does not mention %s\n%s" % (short, text))
    assert result.stderr == "", result.describe()


def test_usage():
    result = run_austinc(["--usage"], timeout=10).assert_ok()
    assert re.search(r"usage", result.stdout, re.I), result.describe()
    assert "austinc" in result.stdout
