#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
#
# The article's routing setup, kept true by uplinkd (issue 2): tables and
# rules as the article wrote them, balancing of many connections to one
# server, sockets bound to an uplink's address, address changes, clean
# removal on SIGTERM, a kill -9 and restart that keeps connections.
#
#   ${P}lan 100.64.0.2 -- lan0 [${P}host] wan1 198.18.1.2 -- ${P}isp1 --.
#                                      wan2 198.18.2.2 -- ${P}isp2 ----+-- ${P}inet
#                                     (wan3 198.18.3.2 -- ${P}isp3 ---')  servers 198.19.200.1-8
#                                                                      targets 198.19.255.1-3
# (uplinkd runs in ${P}host; full addressing in tests/sim/uplinksim)

load helpers

CONF2=$CONF_TWO_ISPS

setup() {
	require_root
}

# group_has ID: nexthop ID is in the balanced IPv4 group and table 1000 uses it
group_has() {
	in_host ip nexthop show id 1000000 | grep -q "$1" &&
		in_host ip route show table 1000 | grep -q "nhid 1000000"
}

# parallel_isps: 8 connections at once from the host to ONE server (tcp 80
# of $SERVER1); the ISP of each, as one word ("12212121"; a failed one
# leaves its digit out).
parallel_isps() {
	local out i
	out=$(helpers_tmp)/isps
	for i in 1 2 3 4 5 6 7 8; do
		which_isp host "$SERVER1" >"$out.$i" &
	done
	wait
	cat "$out".* | tr -d '\n'
	rm -f "$out".*
}

@test "tables and rules are the article's, behind the host's own routes" {
	sim_up --lan
	start_uplinkd "$CONF2"
	wait_until 3000 group_has 1000002
	run in_host ip route show table 1001
	echo "$output"
	[[ $output == *"default via 198.18.1.1 dev wan1 proto 250 src 198.18.1.2 realm 1"* ]]
	[[ $output == *"198.18.1.0/24 dev wan1 proto 250 scope link src 198.18.1.2 realm 1"* ]]
	run in_host ip route show table 1002
	[[ $output == *"default via 198.18.2.1 dev wan2 proto 250 src 198.18.2.2"* ]]
	run rules
	echo "$output"
	[[ $output == *"1000:	from all lookup main suppress_prefixlength 0 proto 250"* ]]
	[[ $output == *"from all fwmark 0x10000/0xff0000 lookup 1001 proto 250"* ]]
	[[ $output == *"from 198.18.1.2 lookup 1001 proto 250"* ]]
	[[ $output == *"from 198.18.2.2 lookup 1002 proto 250"* ]]
	[[ $output == *"1900:	from all lookup 1000 proto 250"* ]]
	# (with one member up so far, ip prints its gateway inline)
	run in_host ip route show table 1000
	echo "table 1000: $output"
	[[ $output == "default nhid 1000000 "*"proto 250 src 100.64.0.1"* ]]
	wait_until 3000 eval 'in_host ip nexthop show id 1000000 | grep -q "group 1000001/1000002 type resilient buckets 128"'
	# the main table is the host's: untouched
	run in_host ip route show table main
	[[ $output == *"default via 198.18.1.1 dev wan1 metric 101"* ]]
	[[ $output != *"proto 250"* ]]
	# uplinkctl plan prints the same objects as ip commands
	run in_host "$UPLINKCTL" plan -c "$UPLINKD_CONF"
	[[ $output == *"ip route replace default via 198.18.1.1 dev wan1 src 198.18.1.2 realm 1 table 1001 proto 250"* ]]
	[[ $output == *"ip rule add from 198.18.2.2 lookup 1002 pref 1302 protocol 250"* ]]
	# and the firewall as one nftables transaction that nft accepts
	[[ $output == *"# firewall: one nftables transaction"* ]]
	sed -n '/^# firewall/,$p' <<<"$output" >"$(helpers_tmp)/plan.nft"
	in_host nft -c -f "$(helpers_tmp)/plan.nft"
	# the ip commands rebuild the same routing on a bare host: apply them
	# after SIGTERM and compare
	local before after
	before=$(in_host ip rule show; in_host ip route show table all | grep "proto 250")
	sed -n '/^# kernel settings/,/^# firewall/p' <<<"$output" | grep -v '^#' >"$(helpers_tmp)/plan.sh"
	stop_uplinkd TERM
	in_host bash -e "$(helpers_tmp)/plan.sh"
	after=$(in_host ip rule show; in_host ip route show table all | grep "proto 250")
	diff <(echo "$before") <(echo "$after")
}

@test "8 parallel TCP connections from the host to ONE server use both uplinks" {
	sim_up --lan
	start_uplinkd "$CONF2"
	wait_until 5000 both_up
	local isps
	isps=$(parallel_isps)
	echo "# 8 connections: $isps" >&3
	[[ ${#isps} == 8 && $isps == *1* && $isps == *2* ]]
}

@test "a host without a LAN: local-source on lo balances its connections to ONE server" {
	sim_up
	# an address that is no uplink's, for the host's unbound sockets
	in_host ip addr add 100.64.255.1/32 dev lo
	start_uplinkd '
link isp1 { interface = wan1 }
link isp2 { interface = wan2 }
local-source = 100.64.255.1
probe { targets = { 198.19.255.1, 198.19.255.2, 198.19.255.3 } }
'
	wait_until 5000 both_up
	run in_host ip route show table 1000
	[[ $output == *"src 100.64.255.1"* ]]
	local isps
	isps=$(parallel_isps)
	echo "# host without a LAN, 8 connections: $isps" >&3
	[[ ${#isps} == 8 && $isps == *1* && $isps == *2* ]]
	# sockets bound to an uplink's address keep it
	run which_isp host "$SERVER1" 198.18.2.2
	[[ $output == 2 ]]
	run which_isp host "$SERVER1" 198.18.1.2
	[[ $output == 1 ]]
}

@test "a socket bound to an uplink's address leaves through that uplink" {
	sim_up --lan
	start_uplinkd "$CONF2"
	wait_until 3000 group_has 1000002
	local k i
	for k in 1 2; do
		for i in 1 2 3 4; do
			run which_isp host "$SERVER1" "198.18.$k.2"
			[[ $status == 0 && $output == "$k" ]]
		done
	done
}

@test "an address and gateway change (DHCP renew) is picked up" {
	sim_up --lan
	start_uplinkd "$CONF2"
	wait_until 3000 group_has 1000002
	local start
	start=$(now_us)
	in_host ip addr del 198.18.2.2/24 dev wan2
	in_host ip addr add 198.18.2.77/24 dev wan2
	in_host ip route replace default via 198.18.2.1 dev wan2 metric 102
	wait_until 2000 eval 'rules | grep -q "from 198.18.2.77 lookup 1002"'
	echo "# address change picked up in $(elapsed_ms_since "$start") ms" >&3
	run rules
	[[ $output != *"198.18.2.2 "* ]]
	run in_host ip route show table 1002
	[[ $output == *"src 198.18.2.77"* ]]
	run which_isp host "$SERVER1" 198.18.2.77
	[[ $output == 2 ]]
	# a link without an address leaves the group and comes back
	in_host ip addr flush dev wan2
	wait_until 2000 eval '! group_has 1000002'
	in_host ip addr add 198.18.2.5/24 dev wan2
	in_host ip route replace default via 198.18.2.1 dev wan2 metric 102
	wait_until 6000 group_has 1000002
}

@test "a gateway-less point-to-point link works" {
	sim_up --lan
	# make wan2 look like PPP: no ARP, a /32 with a peer, no default route
	# to learn (both veth ends share one MAC, so frames need no ARP)
	local mac
	mac=$(in_host cat /sys/class/net/wan2/address)
	in_ns isp2 ip link set cust arp off address "$mac"
	in_host ip link set wan2 arp off
	in_host ip route del default dev wan2 || true
	in_host ip addr del 198.18.2.2/24 dev wan2
	in_host ip addr add 198.18.2.2/32 peer 198.18.2.1/32 dev wan2
	start_uplinkd "$CONF2"
	wait_until 3000 group_has 1000002
	run in_host ip route show table 1002
	echo "$output"
	[[ $output == *"default dev wan2 proto 250 scope link src 198.18.2.2"* ]]
	run which_isp host "$SERVER1" 198.18.2.2
	[[ $output == 2 ]]
}

@test "SIGTERM removes everything of uplinkd's and the host's default works again" {
	sim_up --lan
	start_uplinkd "$CONF2"
	wait_until 3000 group_has 1000002
	stop_uplinkd TERM
	[[ $UPLINKD_STATUS == 0 ]]
	run in_host ip rule show
	[[ $output != *"proto 250"* ]]
	run in_host ip -4 rule show
	[[ $(wc -l <<<"$output") == 3 ]]
	run in_host ip nexthop show
	[[ -z $output ]]
	run in_host ip route show table all
	[[ $output != *"proto 250"* ]]
	run in_host nft list tables
	[[ $output != *uplinkd* ]]
	run which_isp host "$SERVER1"
	[[ $output == 1 ]]
}

@test "a restart after kill -9 converges and keeps an established connection" {
	sim_up --lan
	start_uplinkd "$CONF2"
	wait_until 3000 group_has 1000002
	# a connection that writes every 100 ms for 6 s; a reset fails it
	bg_in host bash -c 'exec 3<>/dev/tcp/198.19.200.1/9001 || exit 2
		for i in $(seq 60); do echo x >&3 || exit 1; sleep 0.1; done'
	local conn=$BG_PID
	sleep 0.5
	stop_uplinkd KILL
	# the kernel keeps forwarding as last planned
	run in_host ip route show table 1000
	[[ $output == *"nhid 1000000"* ]]
	start_uplinkd "$CONF2"
	wait_until 3000 group_has 1000002
	grep -q "ready" "$UPLINKD_LOG"
	wait "$conn"
	# it adopted its objects: no duplicate rules
	run in_host ip -4 rule show
	[[ $(grep -c "lookup 1001 proto 250" <<<"$output") == 2 ]]
}

@test "three uplinks weighted 2:1:1 split 300 connections within 10%" {
	sim_up --isps 3 --lan
	start_uplinkd '
link a { interface = wan1
  weight = 2 }
link b { interface = wan2 }
link c { interface = wan3 }
lan home { interface = lan0 }
probe { targets = { 198.19.255.1, 198.19.255.2, 198.19.255.3 } }
'
	wait_until 5000 links_up a b c
	local i n1=0 n2=0 n3=0 isp
	for i in $(seq 300); do
		isp=$(which_isp host "198.19.200.$((i % 8 + 1))")
		case $isp in
		1) ((++n1)) ;;
		2) ((++n2)) ;;
		3) ((++n3)) ;;
		esac
	done
	echo "# split 2:1:1 over 300: $n1 $n2 $n3" >&3
	((n1 >= 135 && n1 <= 165))
	((n2 >= 67 && n2 <= 83))
	((n3 >= 67 && n3 <= 83))
}

@test "uplinkd --check reports errors as FILE:LINE and --print round-trips" {
	local f
	f=$(helpers_tmp)/bad.conf
	printf 'link isp1 {\n  interface = wan1\n  weight = 0\n}\nlink isp2 {\n  gateway = 300.1.1.1\n}\n' >"$f"
	run "$UPLINKD" -c "$f" --check
	echo "$output"
	[[ $status != 0 ]]
	[[ $output == *"$f:3: "* ]]
	[[ $output == *"$f:6: "* ]]
	printf 'link isp1 { interface = wan1 }\n' >"$f"
	run "$UPLINKD" -c "$f" --check --print
	[[ $status == 0 ]]
	printf '%s\n' "$output" >"$f.canon"
	run "$UPLINKD" -c "$f.canon" --check --print
	[[ $status == 0 ]]
	diff <(printf '%s\n' "$output") "$f.canon"
}
