#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
#
# Multipath TCP (issue 17): one download over every uplink with `mptcp = on`
# (uplinkd's subflow endpoints follow link health), through a silent cut and
# its heal; plain TCP unchanged; endpoints someone else added by hand left
# alone, and every download with them still fills both links.
#
#            [${P}host] wan1 198.18.1.2 -- ${P}isp1 (20 Mbit/s) --.
#   uplinkd,            wan2 198.18.2.2 -- ${P}isp2 (20 Mbit/s) ----+-- ${P}inet
#   MPTCP client                                   MPTCP server 198.19.200.1:7000
# (each ISP masquerades: the server sees each subflow from its ISP's address)

load helpers
bats_require_minimum_version 1.5.0

DL=$REPO/tests/tools/mptcpdl
PORT=7000
CONF_MP='
link isp1 { interface = wan1 }
link isp2 { interface = wan2 }
probe { targets = { 198.19.255.1, 198.19.255.2, 198.19.255.3 } }
'

setup() {
	require_root
	ip netns add "${SIM_PREFIX}mpchk" && ip -n "${SIM_PREFIX}mpchk" mptcp limits show >/dev/null 2>&1 ||
		{ ip netns del "${SIM_PREFIX}mpchk" 2>/dev/null; skip "no MPTCP in this kernel"; }
	ip netns del "${SIM_PREFIX}mpchk"
	sim_up --isps 2 --rates 20,20
	# a server for multi-homed clients: the kernel's default of 2 joined
	# subflows refuses the one re-created after a heal while it still
	# counts the dead one (MPTcpExtMPJoinRejected)
	in_inet ip mptcp limits set subflows 8 add_addr_accepted 8
	bg_in inet "$DL" serve "$SERVER1" "$PORT"
	wait_until 3000 in_inet sh -c "ss -Hltn 'sport = :$PORT' | grep -q ."
}

# endpoints: the host's MPTCP endpoints, one per line
endpoints() { in_host ip mptcp endpoint show; }
has_endpoint() { endpoints | grep -q "^$1 id $2 subflow"; }
no_endpoint() { ! endpoints | grep -q "^$1 "; }

# download SECS [tcp]: one download from the host; prints its report
download() { in_host "$DL" get "$SERVER1" "$PORT" "$@"; }
field() { awk -v k="$1" '$1 == k { print $2 }'; }
# both_links REPORT: a download's rate across both links, for a floor: its
# last third (issue 17's measure) or, if a subflow's loss recovery stalled
# it there for a second or two, its median second (CI: 28.3 38.1 35.0 36.5
# 39.0 25.4 32.2 18.9, last third 25.5, median 33.6), whichever is higher;
# a download held to one link's speed (the bug issue 17 found) has both
# near 20
both_links() {
	awk '$1 == "last" { l = $2 } $1 == "median" { m = $2 }
	    END { print (l > m ? l : m) }' <<<"$1"
}
# ge A B: A >= B (decimals)
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }'; }
# rate_ge A B: a rate floor; an instrumented daemon (tests/sanitize,
# TEST_TIME_SCALE > 1) is checked for memory errors, not speed, as in
# reliability.bats; tests/run checks every floor as written
rate_ge() { ((${TEST_TIME_SCALE:-1} > 1)) || ge "$@"; }

@test "mptcp = on: endpoints follow the links, one download fills 0.8 of 2 x 20 Mbit/s, plain TCP unchanged, SIGTERM removes them" {
	start_uplinkd "mptcp = on$CONF_MP"
	wait_until 5000 both_up
	wait_until 2000 has_endpoint 198.18.1.2 129
	wait_until 2000 has_endpoint 198.18.2.2 130
	endpoints | grep -q "^198.18.1.2 id 129 subflow dev wan1"
	in_host ip mptcp limits show | grep -q "add_addr_accepted 2 subflows 2"
	uplinkctl status --json | jq -e '.links[0].ipv4.mptcp.id == 129 and
	    .links[1].ipv4.mptcp.backup == false' >/dev/null
	uplinkctl status isp1 | grep -q "address 198.18.1.2, .*, mptcp endpoint"
	in_host "$UPLINKCTL" plan -c "$UPLINKD_CONF" |
		grep -q "^ip mptcp endpoint add 198.18.2.2 id 130 subflow dev wan2"
	local out mean tcp
	# over the download's last third, once both subflows run, or its
	# median second (both_links)
	out=$(download 8)
	mean=$(both_links "$out")
	echo "# one MPTCP download, 2 x 20 Mbit/s: $mean Mbit/s (last third $(field last <<<"$out"), median second $(field median <<<"$out"), all of it $(field mean <<<"$out"))" >&3
	[[ $(field error <<<"$out") == none ]]
	rate_ge "$mean" 32 || {
		echo "per second:" $(grep -E '^[0-9.]+$' <<<"$out") >&2
		false
	}
	out=$(download 5 tcp)
	tcp=$(field mean <<<"$out")
	echo "# one plain TCP download: $tcp Mbit/s" >&3
	rate_ge "$tcp" 16
	run ! ge "$tcp" 24
	stop_uplinkd
	[[ -z $(endpoints) ]]
	in_host ip mptcp limits show | grep -q "add_addr_accepted 0 subflows 2"
}

# bats test_tags=long
@test "mptcp = on: a silent cut during a download: no gap over 3 s, no error; after the heal both links again" {
	start_uplinkd "mptcp = on$CONF_MP"
	wait_until 5000 both_up
	wait_until 2000 has_endpoint 198.18.2.2 130
	local f
	f=$(helpers_tmp)/dl
	bg_in host "$DL" get "$SERVER1" "$PORT" 26 >"$f"
	local dl=$BG_PID
	sleep 4
	sim cut 1
	wait_until 3000 no_endpoint 198.18.1.2
	sleep 7
	sim heal 1
	wait_until 10000 has_endpoint 198.18.1.2 129
	wait "$dl" || true
	local gap per cut after
	gap=$(field gap <"$f")
	per=$(grep -E '^[0-9.]+$' "$f" | tr '\n' ' ')
	echo "# per second, cut at 4 s, healed at ~12 s: $per" >&3
	echo "# longest gap $gap s" >&3
	[[ $(field error <"$f") == none ]]
	run ! ge "$gap" 3
	# while cut, once the dead subflows are given up: about one link's
	# rate (seconds 9-11)
	cut=$(grep -E '^[0-9.]+$' "$f" | sed -n 9,11p | awk '{ s += $1 } END { print s / NR }')
	rate_ge "$cut" 14
	# the last 4 seconds: both links again
	after=$(grep -E '^[0-9.]+$' "$f" | tail -4 | awk '{ s += $1 } END { print s / NR }')
	echo "# while cut $cut Mbit/s, after the heal $after Mbit/s" >&3
	rate_ge "$after" 30
}

# bats test_tags=long
@test "endpoints added by hand, mptcp unset: every download fills 0.8 of both links; SIGTERM leaves them" {
	start_uplinkd "$CONF_MP"
	wait_until 5000 both_up
	in_host ip mptcp endpoint add 198.18.1.2 dev wan1 subflow
	in_host ip mptcp endpoint add 198.18.2.2 dev wan2 subflow
	local i out mean all=""
	# the issue's measure: each 8 s download over its last third, once
	# both subflows run (a subflow's loss recovery in the simulator's
	# drop-tail queue can stall a download for a second early on:
	# 33.5 6.1 24.5 36.8 ... in one CI run; or late: both_links)
	for i in 1 2 3 4 5 6; do
		out=$(download 8)
		mean=$(both_links "$out")
		all+="$mean "
		[[ $(field error <<<"$out") == none ]]
		rate_ge "$mean" 32 || {
			echo "download $i: $mean Mbit/s, per second:" $(grep -E '^[0-9.]+$' <<<"$out") >&2
			false
		}
	done
	echo "# 6 downloads with hand-made endpoints: $all Mbit/s" >&3
	stop_uplinkd
	has_endpoint 198.18.1.2 1
	has_endpoint 198.18.2.2 2
}

@test "mptcp: adopted after kill -9, removed by a reload to off; another program's endpoint of a link's address is left alone" {
	in_host ip mptcp endpoint add 198.18.2.2 id 5 subflow
	start_uplinkd "mptcp = on$CONF_MP"
	wait_until 5000 both_up
	wait_until 2000 has_endpoint 198.18.1.2 129
	# 198.18.2.2 is someone else's: none of uplinkd's for it
	has_endpoint 198.18.2.2 5
	[[ $(endpoints | grep -c "^198.18.2.2 ") == 1 ]]
	stop_uplinkd KILL
	has_endpoint 198.18.1.2 129
	local added
	added=$(grep -c "mptcp: added" "$UPLINKD_LOG")	# the same log file
	start_uplinkd "mptcp = on$CONF_MP"
	wait_until 5000 both_up
	# adopted: nothing added again
	[[ $(grep -c "mptcp: added" "$UPLINKD_LOG") == "$added" ]]
	[[ $(endpoints | wc -l) == 2 ]]
	sed -i 's/^mptcp = on$/mptcp = off/' "$UPLINKD_CONF"
	uplinkctl reload
	wait_until 3000 no_endpoint 198.18.1.2
	has_endpoint 198.18.2.2 5
	stop_uplinkd
	has_endpoint 198.18.2.2 5
}

@test "mptcp = on, IPv6: an endpoint per address of each family; one IPv6 download fills 0.8 of both links" {
	sim down >/dev/null 2>&1
	sim_up --isps 2 --rates 20,20 --ipv6
	in_inet ip mptcp limits set subflows 8 add_addr_accepted 8
	bg_in inet "$DL" serve 2001:db8:ffff::1 "$PORT"
	wait_until 3000 in_inet sh -c "ss -Hltn 'sport = :$PORT' | grep -q ."
	start_uplinkd "mptcp = on
link isp1 { interface = wan1 }
link isp2 { interface = wan2 }
probe { targets = { 198.19.255.1, 198.19.255.2, 2001:db8:fffe::1, 2001:db8:fffe::2 } }"
	wait_until 5000 links_up -6 isp1 isp2
	wait_until 2000 has_endpoint 2001:db8:2::2 194
	has_endpoint 2001:db8:1::2 193
	has_endpoint 198.18.1.2 129
	in_host ip mptcp limits show | grep -q "add_addr_accepted 4 subflows 4"
	local out mean
	# as above (the whole of a 6 s download measured 27.8 Mbit/s in one
	# CI run)
	out=$(in_host "$DL" get 2001:db8:ffff::1 "$PORT" 8)
	mean=$(both_links "$out")
	echo "# one MPTCP download over IPv6: $mean Mbit/s (last third $(field last <<<"$out"), median second $(field median <<<"$out"), all of it $(field mean <<<"$out"))" >&3
	[[ $(field error <<<"$out") == none ]]
	rate_ge "$mean" 32 || {
		echo "per second:" $(grep -E '^[0-9.]+$' <<<"$out") >&2
		false
	}
}
