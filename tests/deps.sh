#!/bin/bash
# SPDX-License-Identifier: ISC
#
# deps.sh: install the Debian packages that building, testing, the demo,
# the benchmarks and the Debian package (tests/deb) need, if any is missing
# (apt-get update once, then one apt-get install). Without arguments it installs the whole list; with
# arguments, only those packages. Run as root on Debian 12 or later; as
# another user it only says what is missing.

set -euo pipefail

PACKAGES=(
	# build
	make meson ninja-build pkg-config gcc clang
	libmnl-dev libnftables-dev libnetfilter-conntrack-dev libsystemd-dev
	libconfuse-dev libjansson-dev libcmocka-dev
	# tests, simulator, demo, benchmarks
	bats iproute2 nftables iperf3 conntrack socat jq iputils-ping lsm
	gnuplot-nox procps valgrind curl python3 systemd util-linux
	prometheus	# promtool: checks the metrics exposition
	# the Debian package (tests/deb; Build-Depends are the build list)
	build-essential debhelper dpkg-dev lintian
)
(($#)) && PACKAGES=("$@")

missing=()
for p in "${PACKAGES[@]}"; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[[ $st == installed ]] || missing+=("$p")
done
((${#missing[@]})) || exit 0

if [[ $(id -u) != 0 ]]; then
	echo "deps.sh: missing Debian packages: ${missing[*]} (run as root to install them)" >&2
	exit 1
fi
echo "deps.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt_q=(-q -o Dpkg::Use-Pty=0)
# Update the package lists once; a fresh machine may have none.
apt-get "${apt_q[@]}" update >&2
apt-get "${apt_q[@]}" install -y --no-install-recommends "${missing[@]}" >&2
