#!/bin/bash
# SPDX-License-Identifier: ISC
#
# ha.sh: the failover of an uplinkd HA pair (doc/HA.md), measured in
# tests/sim/pairsim's namespaces. Each round builds the pair, starts 8
# echoing connections (100 ms) and one download from the LAN, kills router
# A (SIGKILL to its processes, interfaces down) and measures: how long
# until B holds the floating addresses, how many connections survive, the
# longest wait for an echo, the longest pause of the download, and whether
# new connections succeed over both uplinks. One JSON line per round, then
# a summary line. Run as root: bench/ha.sh [ROUNDS] (default 3).
#
#   ${P}inet -- ${P}isp1, ${P}isp2 -- routers ${P}a, ${P}b (sync0) -- ${P}lan

set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PAIRSIM=$REPO/tests/sim/pairsim
NETTOOLS=$REPO/tests/tools/nettools.py
ROUNDS=${1:-3}
P=hab$$_
TMP=$(mktemp -d /tmp/uplinkd-ha-bench.XXXXXX)
export PAIRSIM_STATE=$TMP/pair
KEEP_PID="" FETCH_PID=""

pair() { "$PAIRSIM" -p "$P" "$@"; }
now_ms() { echo $((${EPOCHREALTIME/./} / 1000)); }

cleanup() {
	[[ -n $KEEP_PID ]] && kill "$KEEP_PID" 2>/dev/null
	[[ -n $FETCH_PID ]] && kill "$FETCH_PID" 2>/dev/null
	pair down >/dev/null 2>&1 || true
	rm -rf "$TMP"
}
trap cleanup EXIT

wait_for() {	# MS CMD...
	local end=$(($(now_ms) + $1)); shift
	until "$@" >/dev/null 2>&1; do
		(($(now_ms) < end)) || return 1
		sleep 0.02
	done
}
is_master() { [[ $(pair master) == "$1" ]]; }

round() {
	local t0 took newc
	pair up
	pair start a
	pair start b
	wait_for 5000 is_master a
	ip netns exec "${P}lan" python3 "$NETTOOLS" keep 198.19.200.1 80 8 3000 \
		>"$TMP/keep.json" 2>"$TMP/keep.err" </dev/null &
	KEEP_PID=$!
	ip netns exec "${P}lan" python3 "$NETTOOLS" fetch 198.19.200.2 9000 \
		>"$TMP/fetch.json" 2>"$TMP/fetch.err" </dev/null &
	FETCH_PID=$!
	wait_for 5000 grep -q ready "$TMP/keep.err"
	wait_for 5000 grep -q ready "$TMP/fetch.err"
	sleep 2
	t0=$(now_ms)
	pair kill a
	wait_for 10000 is_master b || true
	took=$(($(now_ms) - t0))
	sleep 5
	newc=$(ip netns exec "${P}lan" python3 "$NETTOOLS" which 8 198.19.200.3 198.19.200.4)
	kill "$KEEP_PID" "$FETCH_PID"
	wait "$KEEP_PID" "$FETCH_PID" || true
	KEEP_PID="" FETCH_PID=""
	jq -nc --argjson takeover_ms "$took" --slurpfile k "$TMP/keep.json" \
		--slurpfile f "$TMP/fetch.json" --argjson n "$newc" '{
		takeover_ms: $takeover_ms,
		survived: ([$k[0][] | select(.failed == null)] | length),
		connections: ($k[0] | length),
		echo_max_gap_s: ([$k[0][].max_gap_s] | max * 100 | round / 100),
		download_max_gap_s: ($f[0].max_gap_s * 100 | round / 100),
		download_error: $f[0].error,
		new_connections: $n}'
	pair down
}

for ((i = 0; i < ROUNDS; i++)); do
	round
done | tee "$TMP/rounds.json"
jq -sc '{rounds: length, takeover_ms: [.[].takeover_ms],
	survived: ([.[].survived] | add), of: ([.[].connections] | add),
	echo_max_gap_s: ([.[].echo_max_gap_s] | max),
	download_max_gap_s: ([.[].download_max_gap_s] | max)}' "$TMP/rounds.json"
