#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
#
# Dual-stack uplinks (issue 8): IPv6 balanced and failed over like IPv4,
# per family: a link whose IPv6 dies leaves only the IPv6 group; gateways
# learned as link-local addresses (router advertisements); the LAN's IPv6
# masqueraded per link; inbound IPv6 answered over the ISP it came by.
#
#   ${P}lan 2001:db8:200::2 -- lan0 [${P}host] wan1 2001:db8:1::2 -- ${P}isp1 --.  NAT66 in
#                                           wan2 2001:db8:2::2 -- ${P}isp2 ----+-- ${P}inet
#                                                              servers 2001:db8:ffff::1-8
#                                                              targets 2001:db8:fffe::1-3
# (and the IPv4 of tests/sim/uplinksim alongside)

load helpers

CONF='
link isp1 {
  interface = wan1
  nat6 = masquerade
}
link isp2 {
  interface = wan2
  nat6 = masquerade
}
lan home { interface = lan0 }
probe { targets = { 198.19.255.1, 198.19.255.2, 198.19.255.3,
                    2001:db8:fffe::1, 2001:db8:fffe::2, 2001:db8:fffe::3 } }
'
S6=2001:db8:ffff::1

setup() {
	require_root
}

in_group4() { in_group "$1"; }
all_up() {
	local n
	n=$(grep -cE "link isp[12]: ipv[46] .* -> up" "$UPLINKD_LOG")
	((n >= 4)) && in_group6 1000251 && in_group6 1000252
}

@test "IPv6: the host's connections and the LAN's are balanced; bound sockets keep their link" {
	sim_up --lan --ipv6
	start_uplinkd "$CONF"
	wait_until 4000 all_up
	run in_host ip -6 rule show
	[[ $output == *"from 2001:db8:1::2 lookup 1001 proto 250"* ]]
	[[ $output == *"lookup main suppress_prefixlength 0 proto 250"* ]]
	run in_host ip -6 route show table 1002
	[[ $output == *"default via 2001:db8:2::1 dev wan2 proto 250 src 2001:db8:2::2"* ]]
	local i host="" lan=""
	# (one after the other: alternating host and LAN would give each
	# every other turn of the one round-robin)
	for i in $(seq 8); do
		host+=$(which_isp host "$S6")
	done
	for i in $(seq 8); do
		lan+=$(which_isp lan "$S6")
	done
	echo "# IPv6 host: $host, LAN: $lan" >&3
	[[ $host == *1* && $host == *2* ]]
	[[ $lan == *1* && $lan == *2* ]]
	for i in 1 2 3; do
		run which_isp host "$S6" 2001:db8:1::2
		[[ $output == 1 ]]
		run which_isp host "$S6" 2001:db8:2::2
		[[ $output == 2 ]]
	done
}

@test "IPv6: a silent cut fails over like IPv4" {
	sim_up --lan --ipv6
	start_uplinkd "$CONF"
	wait_until 4000 all_up
	sim cut 2
	wait_until 1500 eval '! in_group6 1000252'
	wait_until 1500 eval '! in_group4 1000002'
	local i
	for i in 1 2 3 4; do
		run which_isp lan "$S6"
		[[ $output == 1 ]]
		run which_isp host "$S6"
		[[ $output == 1 ]]
	done
}

@test "a link with working IPv4 and dead IPv6 leaves only the IPv6 group" {
	sim_up --lan --ipv6
	start_uplinkd "$CONF"
	wait_until 4000 all_up
	# a long IPv4 connection from the LAN that isp1 carries
	local pids="" i
	for i in 1 2 3 4; do
		bg_in lan bash -c 'exec 3<>/dev/tcp/198.19.200.4/9001 || exit 2
			for i in $(seq 50); do echo x >&3 || exit 1; sleep 0.1; done'
		pids+=" $BG_PID"
	done
	sleep 0.3
	in_ns isp1 nft -f - <<-EOF
		table inet v6dead {
			chain forward_v6 { type filter hook forward priority -10; meta nfproto ipv6 drop; }
		}
	EOF
	wait_until 1500 eval '! in_group6 1000251'
	grep -q "link isp1: ipv6 up -> down" "$UPLINKD_LOG"
	! grep -q "link isp1: ipv4 up -> down" "$UPLINKD_LOG" || false
	in_group4 1000001
	local p
	for p in $pids; do
		wait "$p"
	done
	run which_isp lan "$S6"
	[[ $output == 2 ]]
}

@test "an IPv6 gateway learned as a link-local address from the kernel's routes" {
	sim_up --lan --ipv6
	local ll
	ll=$(in_ns isp2 ip -6 -o addr show dev cust scope link | awk '{print $4}')
	ll=${ll%/*}
	in_host ip -6 route del default via 2001:db8:2::1 dev wan2
	in_host ip -6 route add default via "$ll" dev wan2 proto ra metric 1024
	start_uplinkd "$CONF"
	# the ISP's link-local address may still be tentative (DAD, ~1 s):
	# then the first probes fail and the link needs its hold time
	wait_until 8000 all_up
	run in_host ip -6 route show table 1002
	echo "$output"
	[[ $output == *"default via $ll dev wan2"* ]]
	run which_isp host "$S6" 2001:db8:2::2
	[[ $output == 2 ]]
}

@test "IPv6: an inbound connection through each ISP's port forward is answered over it" {
	sim_up --lan --ipv6
	start_uplinkd "$CONF"
	wait_until 4000 all_up
	bg_in host socat TCP6-LISTEN:8000,fork,reuseaddr SYSTEM:'echo host6'
	wait_until 2000 eval 'in_host ss -ltn | grep -q ":8000 "'
	local k i
	for k in 1 2; do
		for i in 1 2 3; do
			run in_inet socat -T 3 - "TCP6:[2001:db8:100:$k::1]:80${k}0,connect-timeout=3"
			[[ $status == 0 && $output == host6 ]]
		done
	done
}

@test "IPv6 prefix translation maps the LAN into each link's delegated prefix" {
	sim_up --lan --ipv6
	start_uplinkd '
link isp1 {
  interface = wan1
  nat6 = npt
  npt-prefix = 2001:db8:1:8000::/64
}
link isp2 {
  interface = wan2
  nat6 = npt
  npt-prefix = 2001:db8:2:8000::/64
}
lan home { interface = lan0 }
probe { targets = { 198.19.255.1, 198.19.255.2, 198.19.255.3,
                    2001:db8:fffe::1, 2001:db8:fffe::2, 2001:db8:fffe::3 } }
'
	wait_until 4000 all_up
	local i isps=""
	for i in 1 2 3 4; do
		isps+=$(which_isp lan "$S6")
	done
	[[ $isps == *1* && $isps == *2* ]]
	# the LAN client 2001:db8:200::2 left as ::2 of each delegated prefix
	run in_host conntrack -L -f ipv6 -p tcp --dport 80
	echo "$output"
	[[ $output == *"dst=2001:db8:1:8000::2"* ]]
	[[ $output == *"dst=2001:db8:2:8000::2"* ]]
}
