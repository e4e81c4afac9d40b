#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
#
# An HA pair (issue 16): routers A and B run uplinkd, keepalived and
# conntrackd with contrib/ha's files; a LAN client keeps 8 echoing
# connections, balanced over both uplinks, and one download. A dies, or
# loses both uplinks: B takes over and the connections carry on, because
# LAN traffic is translated to the floating uplink addresses and conntrackd
# synced the connections with their marks.
#
#                 ${P}inet  servers 198.19.200.1-8, targets 198.19.255.1-3
#                  |     |
#            ${P}isp1    ${P}isp2    bridges: 198.18.K.1; A .3, B .4, floating .2
#             |    \     /    |
#           ${P}a --sync0-- ${P}b     keepalived (VRRP 0.3 s), conntrackd FTFW
#                \        /
#                 ${P}lan            bridge: client 100.64.0.10, gateway 100.64.0.1
# (full addressing in tests/sim/pairsim)

load helpers

PAIRSIM=$REPO/tests/sim/pairsim
NETTOOLS=$REPO/tests/tools/nettools.py

setup() {
	require_root
	command -v keepalived >/dev/null || skip "needs keepalived (tests/deps.sh)"
	command -v conntrackd >/dev/null || skip "needs conntrackd (tests/deps.sh)"
	PAIR_PREFIX=ha$$_
	PAIRSIM_STATE=$(helpers_tmp)/pair
	export PAIRSIM_STATE
}

teardown() {
	local d
	if [[ -z ${BATS_TEST_COMPLETED:-} ]]; then
		for d in a b; do
			echo "# --- $d: uplinkd"
			tail -n 25 "$PAIRSIM_STATE/$d/uplinkd.log" 2>/dev/null | sed 's/^/# /'
			echo "# --- $d: keepalived"
			grep -E 'STATE|priority|track' "$PAIRSIM_STATE/$d/keepalived.log" 2>/dev/null |
				tail -n 15 | sed 's/^/# /'
		done
	fi
	pair down >/dev/null 2>&1 || true
	helpers_teardown
}

pair() { "$PAIRSIM" -p "$PAIR_PREFIX" "$@"; }
in_pair() { local n=$1; shift; ip netns exec "${PAIR_PREFIX}$n" "$@"; }
is_master() { [[ $(pair master) == "$1" ]]; }
role_is() { [[ $(pair role "$1") == "$2" ]]; }

# keep N connections echoing (a gap over 3 s is a failure) / a download,
# in the background; their reports land in $PAIRSIM_STATE/NAME.json.
start_keep() {
	local name=$1 n=$2
	bg_in_pair lan "$PAIRSIM_STATE/$name" python3 "$NETTOOLS" keep 198.19.200.1 80 "$n" 3000
	wait_until 5000 grep -q ready "$PAIRSIM_STATE/$name.err"
}
start_fetch() {
	bg_in_pair lan "$PAIRSIM_STATE/$1" python3 "$NETTOOLS" fetch 198.19.200.2 9000
	wait_until 5000 grep -q ready "$PAIRSIM_STATE/$1.err"
}
bg_in_pair() {
	local n=$1 out=$2; shift 2
	# ip netns exec execs: $! is the client's PID
	ip netns exec "${PAIR_PREFIX}$n" "$@" </dev/null >"$out.json" 2>"$out.err" 3>&- &
	HELPERS_PIDS+=($!)
	eval "PID_${out##*/}=$!"
}
# End a background client by its PID and wait for its report.
stop_client() {
	local name=$1 pid
	eval "pid=\$PID_$name"
	kill -TERM "$pid" 2>/dev/null || true	# a client that failed has ended
	wait_until 5000 test -s "$PAIRSIM_STATE/$name.json"
	echo "# $name: $(jq -c 'if type == "array" then
		{n: length, failed: [.[] | select(.failed != null)] | length,
		 isps: [.[].isp], max_gap_s: ([.[].max_gap_s] | max * 100 | round / 100),
		 why: [.[] | select(.failed != null) | "\(.reason) at \(.failed | strftime("%T"))"]}
		else {bytes, max_gap_s: (.max_gap_s * 100 | round / 100), error} end' \
		"$PAIRSIM_STATE/$name.json")" >&3
}
keep_ok() {	# every connection alive, none waited 3 s
	jq -e 'length > 0 and all(.[]; .failed == null and .max_gap_s < 3)' \
		"$PAIRSIM_STATE/$1.json" >/dev/null
}
keep_balanced() { jq -e '[.[].isp] | (index(1) != null and index(2) != null)' "$PAIRSIM_STATE/$1.json" >/dev/null; }
fetch_ok() { cat "$PAIRSIM_STATE/$1.json" "$PAIRSIM_STATE/$1.err"; jq -e '.error == null and .max_gap_s < 3 and .bytes > 1000000' "$PAIRSIM_STATE/$1.json" >/dev/null; }
# New connections, round robin over two servers: all succeed, both uplinks.
new_conns_ok() {
	local out
	out=$(in_pair lan python3 "$NETTOOLS" which 8 198.19.200.3 198.19.200.4) || return 1
	jq -e '.failed == 0 and .counts["1"] > 0 and .counts["2"] > 0' <<<"$out" >/dev/null
}

pair_up() {
	pair up
	pair start a "$@"
	pair start b "$@"
	wait_until 5000 is_master a
	wait_until 3000 role_is a master
	wait_until 3000 role_is b backup
}

# A dies under load; B takes over; then A comes back (pair_up's options).
kill_and_revive() {
	start_keep keep 8
	start_fetch fetch
	local start ms r
	sleep 1
	# a reload on either router rewrites nothing of the synced state
	for r in a b; do
		in_pair "$r" "$UPLINKCTL" -s "$PAIRSIM_STATE/$r/uplinkd.sock" reload
	done
	sleep 1
	start=$(now_us)
	pair kill a
	wait_until 3000 is_master b
	ms=$(elapsed_ms_since "$start")
	echo "# A killed: B holds the floating addresses after $ms ms" >&3
	wait_until 2000 role_is b master
	new_conns_ok
	# connections opened on B must survive the failback too
	start_keep keep_b 4
	sleep 4
	start=$(now_us)
	echo "# reviving A at $(date +%T)" >&3
	pair revive a "$@"
	echo "# A revived (its uplinkd ready) after $(elapsed_ms_since "$start") ms" >&3
}

@test "A dies: B is master within 3 s, 8 balanced connections and a download carry on, A returns and preempts" {
	pair_up
	kill_and_revive
	wait_until 5000 is_master a
	wait_until 3000 role_is a master
	wait_until 3000 role_is b backup
	sleep 4
	new_conns_ok
	stop_client keep
	stop_client keep_b
	stop_client fetch
	keep_balanced keep
	keep_ok keep
	keep_ok keep_b
	fetch_ok fetch
}

@test "A dies and returns without preempting: B stays master, nothing breaks" {
	pair_up --nopreempt
	kill_and_revive --nopreempt
	wait_until 3000 role_is a backup
	sleep 3
	is_master b
	role_is b master
	new_conns_ok
	stop_client keep
	stop_client keep_b
	stop_client fetch
	keep_ok keep
	keep_ok keep_b
	fetch_ok fetch
}

@test "A's uplinks die upstream: its track file lowers its priority, B takes over, new connections succeed within 3 s" {
	pair_up
	[[ $(<"$PAIRSIM_STATE/a/ha-weight") == 0 ]]
	local start ms
	start=$(now_us)
	pair cut a
	wait_until 3000 grep -qx 1 "$PAIRSIM_STATE/a/ha-weight"
	echo "# A's links down, track file 1, after $(elapsed_ms_since "$start") ms" >&3
	wait_until 3000 new_conns_ok
	ms=$(elapsed_ms_since "$start")
	echo "# new connections succeed over both uplinks $ms ms after the cut" >&3
	is_master b
	wait_until 2000 role_is b master
	[[ $(<"$PAIRSIM_STATE/b/ha-weight") == 0 ]]
	# the status and metrics show the role
	in_pair a "$UPLINKCTL" -s "$PAIRSIM_STATE/a/uplinkd.sock" status | grep -q "^ha: backup"
	in_pair b "$UPLINKCTL" -s "$PAIRSIM_STATE/b/uplinkd.sock" metrics |
		grep -q '^uplinkd_ha_role{role="master"} 1'
	# healed: A's links come back, and A (preempting) is master again
	pair heal a
	wait_until 8000 grep -qx 0 "$PAIRSIM_STATE/a/ha-weight"
	wait_until 3000 is_master a
	wait_until 3000 new_conns_ok
}
