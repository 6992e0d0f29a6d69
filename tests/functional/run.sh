#!/bin/sh
# The functional test suite, as one automake TESTS entry.
#
#   AUSTINC         the binary under test (default: ../../austinc from here)
#   AUSTINC_SRCDIR  the source tree (default: ../.. from here)
#   AUSTINC_TEST_PYTHONS  extra interpreters to cover, colon-separated
#
# Extra arguments go to pytest (say -k shares, or -n 0). Exits with pytest's
# status.
here=$(cd "$(dirname "$0")" && pwd) || exit 99
AUSTINC_SRCDIR=${AUSTINC_SRCDIR:-$here/../..}
AUSTINC=${AUSTINC:-$here/../../austinc}
PYTHONDONTWRITEBYTECODE=1
export AUSTINC AUSTINC_SRCDIR PYTHONDONTWRITEBYTECODE

if [ -n "${AUSTINC_SKIP_FUNCTIONAL:-}" ]; then
    echo "run.sh: AUSTINC_SKIP_FUNCTIONAL is set: functional suite skipped"
    exit 77 # automake's "skipped"
fi

python=/usr/bin/python3
if ! "$python" -c 'import pytest' 2>/dev/null; then
    echo "run.sh: $python cannot import pytest (apt-get install python3-pytest)" >&2
    exit 99
fi
parallel=
if "$python" -c 'import xdist' 2>/dev/null; then
    parallel="-n 2"
fi
# shellcheck disable=SC2086 # $parallel is two words or none
exec "$python" -m pytest $parallel -p no:cacheprovider -q -rfExXs \
    "$AUSTINC_SRCDIR/tests/functional" "$@"
