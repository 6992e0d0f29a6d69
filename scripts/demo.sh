#!/bin/bash
# Build austinc and profile a small bundled Python program with it.
#
# Copyright (C) 2026 The austinc authors. GPL-3.0-or-later.
#
#   scripts/demo.sh
#
# Works from any directory. Installs the Debian packages it needs when they
# are missing (scripts/deps.sh), builds ./austinc in the source tree when it
# is missing or older than its sources, profiles scripts/targets/demo.py with
# the python3 found on PATH, writes the samples to ./profile.txt (in the
# current directory) and prints the five hottest functions with
# austinc-report --top 5: their self and total shares of the sampled time.
set -euo pipefail

die() {
	echo "demo.sh: $*" >&2
	exit 1
}

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd) || die "cannot find the script directory"
root=$(cd "$here/.." && pwd)
profile="$PWD/profile.txt"

# shellcheck source=scripts/deps.sh
. "$here/deps.sh" --build || die "could not install the build dependencies"

# Is ./austinc older than anything it is built from?
stale() {
	[ -x "$root/austinc" ] || return 0
	[ -x "$root/austinc-report" ] || return 0
	[ -f "$root/Makefile" ] || return 0
	[ -n "$(find "$root/src" "$root/configure.ac" "$root/Makefile.am" \
		-newer "$root/austinc" -print -quit)" ]
}

if stale; then
	echo "demo.sh: building austinc in $root" >&2
	(
		cd "$root"
		if [ ! -x configure ]; then
			autoreconf -fi
		fi
		if [ ! -f Makefile ]; then
			./configure
		fi
		make -j2 austinc austinc-report
	) || die "the build failed (see the messages above)"
fi

python=$(command -v python3) || die "python3 is not on PATH"
echo "demo.sh: profiling scripts/targets/demo.py with $python" \
	"($("$python" -c 'import sys; print(sys.version.split()[0])'))" >&2

# Relative script path: frames then read scripts/targets/demo.py:...
status=0
(cd "$root" && ./austinc -o "$profile" "$python" scripts/targets/demo.py) || status=$?
if [ "$status" -ne 0 ]; then
	die "austinc exited with status $status (see austinc(1), EXIT STATUS)"
fi
[ -s "$profile" ] || die "$profile is empty"

# The hot list: the five functions with the most self time.
echo
"$root/austinc-report" --top 5 "$profile" || die "austinc-report could not read $profile"
echo "Full profile: $profile (austinc-report --tree $profile shows the call tree)"
