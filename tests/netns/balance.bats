#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
#
# Per-connection balancing for the host and its LAN (issue 4): capacity
# filled by flows to one server, weights, inbound connections answered over
# the ISP they came in by, two ISP routers on one segment, sticky policies,
# rules, and connections kept across reloads and restarts.
#
#   ${P}lan 100.64.0.2 -- lan0 [${P}host] wan1 198.18.1.2 -- ${P}isp1 --.   tbf rates per ISP
#                                      wan2 198.18.2.2 -- ${P}isp2 ----+-- ${P}inet
#                                                                      servers 198.19.200.1-8
#   --shared: ${P}host wan1 -- ${P}sw br0 -- isp1 (198.18.1.1), isp2 (198.18.1.3)
# (uplinkd runs in ${P}host; full addressing in tests/sim/uplinksim)

load helpers

CONF=$CONF_TWO_ISPS

setup() {
	require_root
}


# mbit NODE PORT FLOWS: download with iperf3 from one server, Mbit/s
mbit() {
	in_ns "$1" iperf3 -c "$SERVER1" -p "$2" -P "$3" -t 4 -O 1 -R -J |
		python3 -c 'import json,sys; print(int(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]/1e6))'
}

# bats test_tags=long
@test "8 flows to ONE server fill 90% of two 20 Mbit/s uplinks, from the host and from the LAN" {
	sim_up --lan --rates 20,20
	start_uplinkd "$CONF"
	wait_until 5000 both_up
	local h l
	h=$(mbit host 5201 8)
	l=$(mbit lan 5202 8)
	echo "# 8 flows, 2 x 20 Mbit/s: host $h Mbit/s, LAN $l Mbit/s" >&3
	((h >= 36))
	((l >= 36))
}

# bats test_tags=long
@test "weights 3:1 on links of 30 and 10 Mbit/s give 90% of 40 Mbit/s" {
	sim_up --lan --rates 30,10
	start_uplinkd '
link isp1 {
  interface = wan1
  weight = 3
}
link isp2 { interface = wan2 }
lan home { interface = lan0 }
probe { targets = { 198.19.255.1, 198.19.255.2, 198.19.255.3 } }
'
	wait_until 5000 both_up
	local l h
	l=$(mbit lan 5203 8)
	h=$(mbit host 5204 8)
	echo "# 8 flows, 30+10 Mbit/s weighted 3:1: LAN $l Mbit/s, host $h Mbit/s" >&3
	((l >= 36))
	((h >= 36))
}

@test "an inbound connection through each ISP's port forward is answered over that ISP" {
	sim_up --lan
	start_uplinkd "$CONF"
	wait_until 5000 both_up
	# a listener on the host, and port 8000 forwarded by the host to the
	# LAN client's 8001 for the second case
	bg_in host socat TCP-LISTEN:8000,fork,reuseaddr SYSTEM:'echo host'
	bg_in lan socat TCP-LISTEN:8001,fork,reuseaddr SYSTEM:'echo lan'
	wait_until 2000 eval 'in_host ss -ltn | grep -q ":8000 "'
	wait_until 2000 eval 'in_lan ss -ltn | grep -q ":8001 "'
	local k i
	for k in 1 2; do
		for i in 1 2 3 4; do
			run in_inet socat -T 3 - TCP:198.19.$k.1:80${k}0,connect-timeout=3
			[[ $status == 0 && $output == host ]]
		done
	done
	in_host nft -f - <<-EOF
		table ip portfwd {
			chain pre { type nat hook prerouting priority dstnat;
				iifname { "wan1", "wan2" } tcp dport 8000 dnat to 100.64.0.2:8001; }
		}
	EOF
	for k in 1 2; do
		for i in 1 2 3 4; do
			run in_inet socat -T 3 - TCP:198.19.$k.1:80${k}0,connect-timeout=3
			[[ $status == 0 && $output == lan ]]
		done
	done
}

@test "two ISP routers on one segment are both used and fail over independently" {
	sim_up --lan --shared
	start_uplinkd '
link isp1 {
  interface = wan1
  gateway = 198.18.1.1
}
link isp2 {
  interface = wan1
  gateway = 198.18.1.3
}
lan home { interface = lan0 }
probe { targets = { 198.19.255.1, 198.19.255.2, 198.19.255.3 } }
'
	wait_until 5000 both_up
	wait_until 2000 eval 'in_group 1000001 && in_group 1000002'
	local i n1=0 n2=0 isp
	for i in $(seq 8); do
		isp=$(which_isp lan "$SERVER1")
		[[ $isp == 1 ]] && n1=$((n1 + 1))
		[[ $isp == 2 ]] && n2=$((n2 + 1))
	done
	echo "# shared segment, LAN: isp1 $n1, isp2 $n2" >&3
	((n1 >= 2 && n2 >= 2))
	sim cut 2
	wait_until 1500 not_in_group 1000002
	in_group 1000001
	for i in 1 2 3 4; do
		run which_isp host "$SERVER1"
		[[ $output == 1 ]]
	done
	sim heal 2
	wait_until 8000 in_group 1000002
	# inbound through each router's port forward: told apart by the
	# routers' MAC addresses, answered through the router it came by
	bg_in host socat TCP-LISTEN:8000,fork,reuseaddr SYSTEM:'echo host'
	wait_until 2000 eval 'in_host ss -ltn | grep -q ":8000 "'
	local k
	for k in 1 2; do
		for i in 1 2 3; do
			run in_inet socat -T 3 - TCP:198.19.$k.1:80${k}0,connect-timeout=3
			[[ $status == 0 && $output == host ]]
		done
	done
	sim cut 1
	wait_until 1500 not_in_group 1000001
	in_group 1000002
	for i in 1 2 3 4; do
		run which_isp lan "$SERVER1"
		[[ $output == 2 ]]
	done
}

@test "a sticky policy keeps 20 connections from one client to one server on one uplink" {
	sim_up --lan
	start_uplinkd "$CONF
policy web {
  links = { isp1, isp2 }
  sticky = 10m
}
rule {
  dst = { 198.19.200.0/24 }
  policy = web
}
"
	wait_until 5000 both_up
	local i isps="" hisps=""
	for i in $(seq 20); do
		isps+=$(which_isp lan "$SERVER1")
		hisps+=$(which_isp host "$SERVER1")
	done
	echo "# sticky, 20 connections: LAN $isps, host $hisps" >&3
	[[ $isps =~ ^(1{20}|2{20})$ ]]
	[[ $hisps =~ ^(1{20}|2{20})$ ]]
	# another server may take another uplink
	local other=""
	for i in 2 3 4 5 6 7 8; do
		other+=$(which_isp lan "198.19.200.$i")
	done
	[[ $other == *1* && $other == *2* ]]
}

@test "a rule sends TCP port 9001 over one chosen link only" {
	sim_up --lan
	start_uplinkd "$CONF
policy only2 { links = { isp2 } }
rule {
  proto = tcp
  dport = { 9001 }
  policy = only2
}
"
	wait_until 5000 both_up
	local i isp
	for i in $(seq 8); do
		# port 9001 discards: which ISP shows in the host's conntrack
		in_lan bash -c "exec 3<>/dev/tcp/$SERVER1/9001; echo x >&3"
		in_host bash -c "exec 3<>/dev/tcp/$SERVER1/9001; echo x >&3"
		# port 80 still balances
		isp+=$(which_isp lan "$SERVER1")
	done
	[[ $isp == *1* && $isp == *2* ]]
	# every port-9001 connection, the LAN's and the host's, has isp2's
	# mark (0x20000) and leaves with isp2's address
	run in_host conntrack -L -p tcp --dport 9001
	echo "$output"
	[[ $(grep -c "mark=131072" <<<"$output") == 16 ]]
	[[ $(grep -c "dst=198.18.2.2" <<<"$output") == 16 ]]
}

@test "connections on the links survive a reload with a new weight and a restart" {
	sim_up --lan
	start_uplinkd "$CONF"
	wait_until 5000 both_up
	local pids="" i
	for i in $(seq 6); do
		bg_in lan bash -c 'exec 3<>/dev/tcp/198.19.200.3/9001 || exit 2
			for i in $(seq 60); do echo x >&3 || exit 1; sleep 0.1; done'
		pids+=" $BG_PID"
	done
	sleep 0.5
	sed -i 's/link isp2 { interface = wan2 }/link isp2 {\n interface = wan2\n weight = 3\n}/' "$UPLINKD_CONF"
	kill -HUP "$UPLINKD_PID"
	wait_until 2000 grep -q "reload" "$UPLINKD_LOG"
	wait_until 2000 eval 'in_host ip nexthop show id 1000000 | grep -q "1000002,3"'
	stop_uplinkd KILL
	start_uplinkd "$(cat "$UPLINKD_CONF")"
	wait_until 5000 both_up
	local p
	for p in $pids; do
		wait "$p"
	done
}
