#!/bin/bash
# Install the Debian packages austinc needs to build and test, when missing.
#
# Copyright (C) 2026 The austinc authors. GPL-3.0-or-later.
#
#   scripts/deps.sh [--build] [EXTRA-PACKAGE...]    run it
#   . scripts/deps.sh [--build] [EXTRA-PACKAGE...]  or source it
#                                   (scripts/demo.sh and scripts/test.sh do)
#
# Without --build: everything the test suite needs. With --build: only what
# building austinc and running scripts/demo.sh need (no pytest, chromium or
# npm). Each package is checked with dpkg-query; apt-get update and apt-get
# install run only when something is missing, through sudo unless already
# root. Extra packages named on the command line are installed too.

# Building austinc and austinc-report from a clone, and the demo's python3.
austinc_build_packages="autoconf automake libtool pkg-config make gcc
libproc2-dev zlib1g-dev python3"
# libpython3-dev and binutils: test_stripped.py links a stripped twin of
# Debian's python3 from its static library. libcap2-bin: test_privilege.py
# gives copies of austinc capabilities with setcap.
# libsystemd-dev: src/notify.c's sd_notify (optional for a build, so the
# demo does without it) and its unit test; systemd: systemd-analyze, which
# tests/functional/test_contrib.py runs on contrib/austinc@.service.
# protobuf-compiler, golang-github-google-pprof-dev (the official
# profile.proto) and golang-go (go tool pprof): test_pprof.py reads
# austinc-report's pprof files with them. libcurl4-openssl-dev: --push
# (optional for a build, so the demo does without it; test_push.py).
austinc_test_packages="$austinc_build_packages binutils check python3-pytest
python3-pytest-xdist libpython3-dev gzip chromium git libcap2-bin
libsystemd-dev systemd protobuf-compiler golang-github-google-pprof-dev
golang-go libcurl4-openssl-dev"
# The report tests check speedscope files with npm packages: Debian's node
# and npm, unless a node with npm is already there (say from NodeSource).
if ! command -v npm >/dev/null 2>&1; then
	austinc_test_packages="$austinc_test_packages nodejs npm"
fi

# austinc_deps [--build] [EXTRA-PACKAGE...]: returns non-zero when
# installing failed.
austinc_deps() {
	local pkg status missing=() sudo=() packages=$austinc_test_packages

	if [ "${1:-}" = --build ]; then
		packages=$austinc_build_packages
		shift
	fi

	if ! command -v dpkg-query >/dev/null 2>&1; then
		# shellcheck disable=SC2086 # the list splits into words
		echo "deps.sh: dpkg-query not found: this script installs" \
			"Debian packages; install the equivalents of:" \
			$packages "$@" >&2
		return 1
	fi
	# shellcheck disable=SC2086 # the list is meant to split into words
	for pkg in $packages "$@"; do
		status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null) || true
		case $status in
		*" installed") ;;
		*) missing+=("$pkg") ;;
		esac
	done
	[ ${#missing[@]} -eq 0 ] && return 0

	if [ "$(id -u)" -ne 0 ]; then
		if ! command -v sudo >/dev/null 2>&1; then
			echo "deps.sh: missing packages: ${missing[*]}; run as" \
				"root or install sudo" >&2
			return 1
		fi
		sudo=(sudo)
	fi
	echo "deps.sh: installing ${missing[*]}" >&2
	if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
		apt-get update -q; then
		echo "deps.sh: apt-get update failed" >&2
		return 1
	fi
	if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -q "${missing[@]}"; then
		echo "deps.sh: apt-get install ${missing[*]} failed" >&2
		return 1
	fi
}

# Run directly: install and exit with the outcome. Sourced: do the same but
# return, so the caller decides what a failure means.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	austinc_deps "$@"
	exit
fi
austinc_deps "$@"
