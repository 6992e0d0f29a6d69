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
# current directory) and prints the five hottest frames: the innermost
# frames, file:function:line, that took the largest share of the sampled
# time.
set -euo pipefail

die() {
	echo "demo.sh: $*" >&2
	exit 1
}

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd) || die "cannot find the script directory"
root=$(cd "$here/.." && pwd)
profile="$PWD/profile.txt"

# shellcheck source=scripts/deps.sh
. "$here/deps.sh" || die "could not install the build dependencies"

# Is ./austinc older than anything it is built from?
stale() {
	[ -x "$root/austinc" ] || return 0
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
		make -j2 austinc
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

# The hot list. A sample line is "P<pid>;T<iid>:<tid>;frame;...;leaf <us>":
# the metric is the last field, and file names may hold spaces ("<frozen
# importlib._bootstrap>"), so the stack is the line up to its last space.
# Each leaf is weighted by its metric, the time it stands for; samples of a
# thread with no Python frame count in the total but are not listed.
echo
"$python" - "$profile" <<'EOF' || die "could not read $profile"
import sys

path = sys.argv[1]
leaves = {}
total = samples = 0
with open(path, encoding="utf-8", errors="replace") as f:
    for line in f:
        if line.startswith("#"):
            continue
        stack, _, metric = line.rstrip("\n").rpartition(" ")
        if not stack or not metric.isdigit():
            continue
        samples += 1
        total += int(metric)
        frames = stack.split(";")
        if len(frames) > 2:
            leaves[frames[-1]] = leaves.get(frames[-1], 0) + int(metric)
if total == 0:
    sys.exit("demo.sh: %s holds no samples" % path)
print("Five hottest frames, by share of the sampled time (%d samples, %.2f s):"
      % (samples, total / 1e6))
for leaf, us in sorted(leaves.items(), key=lambda kv: -kv[1])[:5]:
    print("  %5.1f%%  %s" % (100.0 * us / total, leaf))
print("Full profile: %s" % path)
EOF
