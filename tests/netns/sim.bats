#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
#
# Tests of the simulated network itself (tests/sim/uplinksim), with the
# article's static setup (tests/sim/article) and no uplinkd: if these fail,
# no other namespace test means anything.
#
#   ${P}lan 100.64.0.2 -- lan0 [${P}host] wan1 198.18.1.2 -- ${P}isp1 --.
#                                      wan2 198.18.2.2 -- ${P}isp2 ----+-- ${P}inet
#                                                                      servers 198.19.200.1-8
#                                                                      targets 198.19.255.1-3
# (the full drawing and addressing: tests/sim/uplinksim)

load helpers

setup() {
	require_root
}

article_up() {
	sim_up --lan --host-forwarding "$@"
	article_apply
}

link_has_carrier() {
	in_host ip link show "$1" | grep -q LOWER_UP
}

ping_from() {
	in_host ping -n -c 1 -W 1 -I "$1" "$2" >/dev/null
}

@test "up builds 2 ISPs with a LAN quickly and refuses a prefix in use" {
	local start
	start=$(now_us)
	sim_up --lan
	local ms
	ms=$(elapsed_ms_since "$start")
	echo "# up (2 ISPs, LAN): $ms ms" >&3
	((ms < 5000))
	run sim_up --lan
	[ "$status" -ne 0 ]
	[[ $output == *"in use"* ]]
	# The DHCP clients' defaults, one per wan, metric 100+K.
	run in_host ip -4 route show default
	[[ $output == *"default via 198.18.1.1 dev wan1 metric 101"* ]]
	[[ $output == *"default via 198.18.2.1 dev wan2 metric 102"* ]]
	# The host does not forward until someone asks for it.
	[ "$(in_host cat /proc/sys/net/ipv4/ip_forward)" = 0 ]
}

@test "--no-defaults leaves the host without default routes" {
	sim_up --no-defaults
	run in_host ip route show default
	[ -z "$output" ]
	run in_host ping -n -c 1 -W 1 "$SERVER1"
	[ "$status" -ne 0 ]
}

@test "article setup: ping and TCP from host and LAN reach the servers over both ISPs" {
	article_up
	local s isps="" isp
	for s in "${SERVERS[@]}"; do
		in_host ping -n -c 1 -W 1 "$s" >/dev/null
		in_lan ping -n -c 1 -W 1 "$s" >/dev/null
		isp=$(which_isp host "$s")
		isps+=" $isp"
		isp=$(which_isp lan "$s")
		isps+=" $isp"
	done
	echo "# ISP per connection (host, lan per server):$isps" >&3
	[[ $isps == *" 1"* && $isps == *" 2"* ]]
	# The article's tables and rules are there.
	run in_host ip rule
	[[ $output == *"from 198.18.1.2 lookup 101"* ]]
	[[ $output == *"from 198.18.2.2 lookup 102"* ]]
	run in_host ip route show table 102
	[[ $output == *"default via 198.18.2.1 dev wan2"* ]]
}

@test "which_isp names the ISP of a socket bound to each wan address" {
	article_up
	[ "$(which_isp host "$SERVER1" 198.18.1.2)" = 1 ]
	[ "$(which_isp host "$SERVER1" 198.18.2.2)" = 2 ]
	[ "$(which_isp host 198.19.200.8 198.18.2.2)" = 2 ]
	# An address of no ISP is not mistaken for one.
	run isp_of_addr 198.19.200.1
	[ "$status" -ne 0 ]
	[ "$(isp_of_addr '[2001:0db8:0100:0003:0000:0000:0000:0001]')" = 3 ]
	[ "$(isp_of_addr 2001:db8:100:a::1)" = 10 ]
}

@test "ISPs drop sources that are not their customer's (LAN needs NAT)" {
	sim_up --lan --host-forwarding
	# No NAT on the host: ISP 1 drops 100.64.0.2 (BCP 38).
	run in_lan ping -n -c 1 -W 1 "$SERVER1"
	[ "$status" -ne 0 ]
	# The wrong uplink's address is dropped too.
	run in_host ping -n -c 1 -W 1 -I 198.18.2.2 "$SERVER1"
	[ "$status" -ne 0 ]
}

@test "cut silences an ISP with its carrier up; heal restores it" {
	article_up
	ping_from 198.18.1.2 "${TARGETS[0]}"
	sim cut 1
	run ping_from 198.18.1.2 "${TARGETS[0]}"
	[ "$status" -ne 0 ]
	run ping_from 198.18.1.2 "$SERVER1"
	[ "$status" -ne 0 ]
	run which_isp host "$SERVER1" 198.18.1.2
	[ "$status" -ne 0 ]
	# Silent: the link and the ISP's router still answer.
	link_has_carrier wan1
	ping_from 198.18.1.2 198.18.1.1
	# The other ISP is untouched.
	ping_from 198.18.2.2 "${TARGETS[0]}"
	run sim status
	[[ $output == *"isp1 "*CUT* ]]
	sim heal 1
	wait_until 2000 ping_from 198.18.1.2 "${TARGETS[0]}"
	[ "$(which_isp host "$SERVER1" 198.18.1.2)" = 1 ]
}

@test "carrier down takes wan1's carrier away; carrier up gives it back" {
	article_up
	link_has_carrier wan1
	sim carrier 1 down
	run in_host ip link show wan1
	[[ $output == *NO-CARRIER* ]]
	[[ $output == *"state DOWN"* ]]
	run ping_from 198.18.1.2 198.18.1.1
	[ "$status" -ne 0 ]
	link_has_carrier wan2
	sim carrier 1 up
	wait_until 2000 link_has_carrier wan1
	wait_until 2000 ping_from 198.18.1.2 "${TARGETS[0]}"
}

@test "tbf: a 20 Mbit/s ISP carries 17-21 Mbit/s" {
	sim_up --rates 20,0
	run in_host iperf3 -J -R -t 3 -c "$SERVER1" -p 5201 -B 198.18.1.2
	[ "$status" -eq 0 ]
	local bps mbit
	bps=$(jq '.end.sum_received.bits_per_second' <<<"$output")
	mbit=$(awk -v b="$bps" 'BEGIN { printf "%.1f", b / 1e6 }')
	echo "# iperf3 download through isp1 at 20 Mbit/s: $mbit Mbit/s" >&3
	awk -v m="$mbit" 'BEGIN { exit !(m >= 17 && m <= 21) }'
	tc -n "${SIM_PREFIX}isp1" qdisc show dev cust | grep -q 'tbf.*rate 20Mbit'
	tc -n "${SIM_PREFIX}isp1" qdisc show dev transit | grep -q 'tbf.*rate 20Mbit'
	sim rate 1 0
	run tc -n "${SIM_PREFIX}isp1" qdisc show dev cust
	[[ $output != *tbf* ]]
}

@test "loss drops that share of packets each way; 0 removes it" {
	sim_up
	sim loss 1 50
	run in_host ping -n -q -c 200 -i 0.002 -W 1 -I wan1 "${TARGETS[0]}"
	local pct
	pct=$(sed -n 's/.* \([0-9.]*\)% packet loss.*/\1/p' <<<"$output")
	echo "# 50% loss each way: ${pct}% of pings lost (expect ~75%)" >&3
	awk -v p="$pct" 'BEGIN { exit !(p >= 55 && p <= 92) }'
	sim loss 1 0
	in_host ping -n -q -c 50 -i 0.002 -W 1 -I wan1 "${TARGETS[0]}" | grep -q ' 0% packet loss'
}

@test "each ISP's port forward reaches a listener on the host" {
	article_up
	bg_in host socat TCP4-LISTEN:8000,fork,reuseaddr SYSTEM:'echo here'
	wait_until 2000 in_host sh -c 'ss -Hltn | grep -q ":8000 "'
	local k
	for k in 1 2; do
		run in_inet socat -T 3 -u "TCP4:198.19.$k.1:80${k}0,connect-timeout=3" STDOUT
		[ "$status" -eq 0 ]
		[ "$output" = here ]
	done
}

@test "without the article's rules, ISP 2's port forward is answered over wan1 (caveat 3)" {
	sim_up
	bg_in host socat TCP4-LISTEN:8000,fork,reuseaddr SYSTEM:'echo here'
	wait_until 2000 in_host sh -c 'ss -Hltn | grep -q ":8000 "'
	run in_inet socat -T 3 -u TCP4:198.19.1.1:8010,connect-timeout=3 STDOUT
	[ "$output" = here ]
	run in_inet socat -T 2 -u TCP4:198.19.2.1:8020,connect-timeout=2 STDOUT
	[ "$status" -ne 0 ]
}

@test "IPv6: host and LAN addressing, servers over the DHCP default, NAT66" {
	sim_up --ipv6 --lan
	in_host ping -6 -n -c 1 -W 1 2001:db8:fffe::1 >/dev/null
	in_host ping -6 -n -c 1 -W 1 -I 2001:db8:2::2 2001:db8:2::1 >/dev/null
	in_lan ping -6 -n -c 1 -W 1 2001:db8:200::1 >/dev/null
	[ "$(which_isp host 2001:db8:ffff::1)" = 1 ]
	in_host ip -6 route add 2001:db8:ffff::2/128 via 2001:db8:2::1 dev wan2
	[ "$(which_isp host 2001:db8:ffff::2 2001:db8:2::2)" = 2 ]
}

@test "--shared puts ISPs 1 and 2 behind wan1; ISP 2's carrier is its own" {
	sim_up --shared --isps 3
	run in_host ip -br link
	[[ $output == *wan1* && $output == *wan3* && $output != *wan2* ]]
	run in_host ip route show default
	[[ $output == *"default via 198.18.1.3 dev wan1 metric 102"* ]]
	ping_from wan1 198.18.1.1
	ping_from wan1 198.18.1.3
	in_host ip route add 198.19.200.2/32 via 198.18.1.3 dev wan1
	[ "$(which_isp host 198.19.200.1)" = 1 ]
	[ "$(which_isp host 198.19.200.2)" = 2 ]
	# wan3 is an ordinary uplink: with the article's rule for it, a socket
	# bound to its address leaves through ISP 3.
	in_host ip rule add from 198.18.3.2 table 103
	in_host ip route add default via 198.18.3.1 table 103
	[ "$(which_isp host "$SERVER1" 198.18.3.2)" = 3 ]
	sim carrier 2 down
	link_has_carrier wan1
	run ping_from wan1 198.18.1.3
	[ "$status" -ne 0 ]
	ping_from wan1 198.18.1.1
}

@test "down removes every namespace and process, even after a failed up" {
	sim_up --lan --ipv6
	local -a pids=()
	local n
	for n in host inet isp1 isp2 lan; do
		pids+=($(ip netns pids "${SIM_PREFIX}$n"))
	done
	((${#pids[@]} >= 19))
	sim_down
	run ip netns list
	[[ $output != *"$SIM_PREFIX"* ]]
	local p
	for p in "${pids[@]}"; do
		! kill -0 "$p" 2>/dev/null || zombie "$p"
	done
	[ ! -e "/run/uplinksim/$SIM_PREFIX" ]
	# What a failed up leaves (some namespaces, no state) goes too.
	ip netns add "${SIM_PREFIX}host"
	ip netns add "${SIM_PREFIX}isp3"
	run sim_up
	[ "$status" -ne 0 ]
	sim_down
	run ip netns list
	[[ $output != *"$SIM_PREFIX"* ]]
	# And an up that fails half way (no iperf3 server starts) removes
	# everything it built.
	local fake
	fake=$(helpers_tmp)/bin
	mkdir -p "$fake"
	printf '#!/bin/sh\nexit 1\n' >"$fake/iperf3"
	chmod +x "$fake/iperf3"
	run env PATH="$fake:$PATH" "$SIM" -p "$SIM_PREFIX" up --lan
	[ "$status" -ne 0 ]
	[[ $output == *"up failed"* ]]
	run ip netns list
	[[ $output != *"$SIM_PREFIX"* ]]
	[ ! -e "/run/uplinksim/$SIM_PREFIX" ]
}
