#!/bin/bash
# Build austinc and run its whole test suite: what CI runs (.ci/run).
#
# Copyright (C) 2026 The austinc authors. GPL-3.0-or-later.
#
#   scripts/test.sh
#
# Works from any directory, on a fresh Debian machine: installs the packages
# it needs when they are missing (scripts/deps.sh), then
#
#   0. a fresh clone of HEAD in a temporary directory: scripts/demo.sh there,
#      as the README says, checking the functions and samples it shows
#   1. build/       ../configure --enable-werror; make; make check
#                   (Check unit tests and the functional suite,
#                   tests/functional/run.sh, against every interpreter found)
#   2. build-asan/  the same with --enable-sanitizers: unit and functional
#                   tests under AddressSanitizer and UBSan
#   3. build/       make distcheck (the tarball builds, tests, installs and
#                   uninstalls out of tree); the functional suite is skipped
#                   there (AUSTINC_SKIP_FUNCTIONAL=1) as steps 1 and 2 ran it
#
# Both build directories are kept, so a second run is incremental. The build
# is out of tree: a source tree configured in place (./configure run in it)
# is cleaned first with "make distclean", as automake requires.
set -euo pipefail

die() {
	echo "test.sh: $*" >&2
	exit 1
}

step() {
	printf '\n=== test.sh: %s (%dm%02ds)\n' "$*" $((SECONDS / 60)) $((SECONDS % 60))
}

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd) || die "cannot find the script directory"
root=$(cd "$here/.." && pwd)
jobs=${AUSTINC_JOBS:-2}
SECONDS=0

# shellcheck source=scripts/deps.sh
. "$here/deps.sh" || die "could not install the build and test dependencies"

# The tails of the test logs of the build directory $1, after a failure.
show_logs() {
	local log
	for log in "$1"/tests/unit/*.log "$1"/tests/functional/*.log; do
		[ -f "$log" ] || continue
		printf '\n--- %s (last 80 lines)\n' "$log" >&2
		tail -n 80 "$log" >&2
	done
}

# check DIR CONFIGURE-FLAG...: configure and build in DIR, run make check.
check() {
	local dir=$root/$1
	shift
	mkdir -p "$dir"
	cd "$dir"
	../configure -q "$@" || die "$dir: configure $* failed (see $dir/config.log)"
	make -j"$jobs" || die "$dir: the build failed"
	if ! make -j"$jobs" check; then
		show_logs "$dir"
		die "$dir: make check failed"
	fi
	show_coverage "$dir"
}

# Which interpreters the functional suite covered in build directory $1.
show_coverage() {
	local log=$1/tests/functional/run.sh.log
	[ -f "$log" ] || return 0
	sed -n '/interpreters covered/,/short test summary/p' "$log" | sed '$d'
	tail -n 1 "$log"
}

# The README's demo, as a new user runs it: a fresh clone of this
# checkout's HEAD, scripts/demo.sh in it. Its table must name five functions
# of scripts/targets/demo.py, and profile.txt hold at least 1000 samples.
check_demo() {
	local dir rows funcs row func samples
	dir=$(mktemp -d) || die "mktemp failed"
	git clone -q "$root" "$dir/austinc" || die "cannot clone $root"
	if ! (cd "$dir/austinc" && scripts/demo.sh) >"$dir/out" 2>"$dir/err"; then
		tail -n 40 "$dir/err" >&2
		die "scripts/demo.sh failed in a fresh clone ($dir)"
	fi
	cat "$dir/out"
	rows=$(grep -E '[ /]scripts/targets/demo\.py$' "$dir/out") || true
	[ "$(printf '%s\n' "$rows" | grep -c .)" -eq 5 ] ||
		die "demo.sh: expected five rows naming demo.py's functions ($dir/out)"
	funcs=$(sed -n 's/^ *def \([A-Za-z_0-9]*\).*/\1/p' \
		"$dir/austinc/scripts/targets/demo.py")
	while read -r row; do
		func=$(printf '%s\n' "$row" | awk '{ print $(NF - 1) }')
		printf '%s\n' "$funcs" | grep -qx "${func##*.}" ||
			die "demo.sh: '$func' is not a function of demo.py"
	done <<<"$rows"
	samples=$(grep -vc '^#' "$dir/austinc/profile.txt") || true
	[ "$samples" -ge 1000 ] ||
		die "demo.sh: profile.txt holds $samples samples, expected >= 1000"
	echo "test.sh: the demo ran in a fresh clone: $samples samples"
	rm -rf "$dir"
}

cd "$root"
step "scripts/demo.sh in a fresh clone of HEAD, as the README says"
check_demo

cd "$root"
step "autoreconf"
autoreconf -fi || die "autoreconf failed"
if [ -f config.status ]; then
	step "the source tree is configured in place: make distclean there first"
	make distclean >/dev/null || die "make distclean in $root failed"
fi

step "build/: configure --enable-werror, make, make check"
check build --enable-werror

step "build-asan/: configure --enable-sanitizers --enable-werror, make check"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
check build-asan --enable-sanitizers --enable-werror
unset ASAN_OPTIONS UBSAN_OPTIONS

step "build/: make distcheck (functional suite skipped)"
cd "$root/build"
if ! AUSTINC_SKIP_FUNCTIONAL=1 DISTCHECK_CONFIGURE_FLAGS=--enable-werror \
	make -j"$jobs" distcheck; then
	for d in "$root"/build/austinc-*/_build/sub; do
		[ -d "$d" ] && show_logs "$d"
	done
	die "make distcheck failed"
fi

printf '\ntest.sh: all tests passed in %dm%02ds\n' $((SECONDS / 60)) $((SECONDS % 60))
