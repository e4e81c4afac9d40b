#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
#
# The host's own connections on every topology, with the default config
# apart from links and lans (issue 12): a host without a LAN (uplinkd's own
# source address on lo), two ISP routers on one segment, LAN IPv6 over
# every link, and each ISP's resolvers kept on their own link.
#
#   no LAN:  [${P}host] wan1 198.18.1.2 -- ${P}isp1 --.        tbf 20 Mbit/s each
#                       wan2 198.18.2.2 -- ${P}isp2 ---+-- ${P}inet servers 198.19.200.1-8
#            lo: own-source 198.18.254.1, 2001:db8:fe::1 (the default,
#                192.0.0.8 and 100::1, is outside the test ranges)
#   shared:  [${P}host] wan1 -- ${P}sw br0 -- isp1 (198.18.1.1), isp2 (198.18.1.3)
#   LAN:     ${P}lan 100.64.0.2, 2001:db8:200::2 -- lan0 [${P}host]
# (uplinkd runs in ${P}host; full addressing in tests/sim/uplinksim)

load helpers

# The test ranges' stand-ins for the default own-source addresses.
OWN='own-source = { 198.18.254.1, 2001:db8:fe::1 }'
PROBE='probe { targets = { 198.19.255.1, 198.19.255.2, 198.19.255.3,
                    2001:db8:fffe::1, 2001:db8:fffe::2, 2001:db8:fffe::3 } }'
CONF_NOLAN="
link isp1 { interface = wan1 }
link isp2 { interface = wan2 }
$OWN
$PROBE
"

setup() {
	require_root
}

# mbit NODE PORT FLOWS [SERVER]: download from one server with iperf3, Mbit/s
mbit() {
	in_ns "$1" iperf3 -c "${4:-$SERVER1}" -p "$2" -P "$3" -t 3 -O 1 -R -J |
		python3 -c 'import json,sys; print(int(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]/1e6))'
}

# split NODE N [SERVER [BIND]]: N connections one after the other from NODE
# to SERVER's echo service (from address BIND); prints "n1 n2", how many
# each ISP carried
split() {
	local i n1=0 n2=0 isp
	for ((i = 0; i < $2; i++)); do
		isp=$(which_isp "$1" "${3:-$SERVER1}" "${4:-}") || return 1
		[[ $isp == 1 ]] && n1=$((n1 + 1))
		[[ $isp == 2 ]] && n2=$((n2 + 1))
	done
	echo "$n1 $n2"
}

# own_addrs: how many times the own-source addresses are on the host's lo
own_addrs() {
	in_host ip -o addr show dev lo | grep -cE '198\.18\.254\.1/|2001:db8:fe::1/' || true
}

# bats test_tags=long
@test "no LAN: 2 downloads fill both links under hash policy 0 and 1; 8 connections split 4/4; bound sockets keep their link" {
	sim_up --rates 20,20 --ipv6
	start_uplinkd "$CONF_NOLAN"
	wait_until 5000 both_up
	wait_until 5000 links_up -6 isp1 isp2
	[[ $(own_addrs) == 2 ]]
	local pol run m all=""
	for pol in 0 1; do
		in_host sysctl -qw net.ipv4.fib_multipath_hash_policy=$pol
		in_host sysctl -qw net.ipv6.fib_multipath_hash_policy=$pol
		for run in 1 2 3 4 5; do
			m=$(mbit host 5201 2)
			all+=" $m"
			((m >= 36)) || { echo "policy $pol run $run: $m Mbit/s" >&2; return 1; }
		done
		[[ $(in_host sysctl -n net.ipv4.fib_multipath_hash_policy) == "$pol" ]]
	done
	echo "# no LAN, 2 downloads, 2 x 20 Mbit/s, policy 0 then 1:$all Mbit/s" >&3
	run split host 8
	echo "# no LAN, 8 connections: $output" >&3
	[[ $output == "4 4" ]]
	run split host 8 2001:db8:ffff::1
	echo "# no LAN, 8 IPv6 connections: $output" >&3
	[[ $output == "4 4" ]]
	local k
	for k in 1 2; do
		for run in 1 2 3; do
			[[ $(which_isp host "$SERVER1" "198.18.$k.2") == "$k" ]]
			[[ $(which_isp host 2001:db8:ffff::1 "2001:db8:$k::2") == "$k" ]]
		done
	done
}

@test "no LAN: the own source address never leaves the host, is removed on SIGTERM, adopted after kill -9, never doubled" {
	sim_up
	start_uplinkd "$CONF_NOLAN"
	wait_until 5000 both_up
	[[ $(own_addrs) == 1 ]]
	run in_host ip route show table 1000
	[[ $output == *"src 198.18.254.1"* ]]
	stop_uplinkd KILL
	[[ $(own_addrs) == 1 ]]
	start_uplinkd "$CONF_NOLAN"
	wait_until 5000 both_up
	[[ $(own_addrs) == 1 ]]
	# round robin again: 8 in a row split 4 4, or 5 3 for one extra
	# turn. Under ASan and load, about 1 run in 4 shows one turn taken
	# between the first connections after the restart (1 1 2 1), by
	# nothing that conntrack lists and with no firewall change
	# (nft monitor); not yet explained.
	run split host 8
	[[ $output =~ ^([345])\ ([345])$ ]] &&
		((BASH_REMATCH[1] + BASH_REMATCH[2] == 8)) ||
		{ echo "split after kill -9: $output" >&2; false; }
	# it never leaves the host: untracked packets from it (no NAT) are
	# dropped after NAT by the guard chain, and no ISP sees them
	in_host nft -f - <<-EOF
		table ip topo_raw {
			chain out { type filter hook output priority raw;
				ip saddr 198.18.254.1 icmp type echo-request notrack; }
		}
	EOF
	! in_host ping -nq -c 3 -i 0.2 -W 1 -I 198.18.254.1 "$SERVER1" || false
	run in_host nft -j list chain inet uplinkd guard
	[[ $(jq '[.nftables[] | select(.rule) | .rule.expr[] | select(.counter) | .counter.packets] | add' <<<"$output") -ge 3 ]]
	[[ $(spoofed 1) == 0 && $(spoofed 2) == 0 ]]
	in_host nft delete table ip topo_raw
	stop_uplinkd TERM
	[[ $UPLINKD_STATUS == 0 ]]
	[[ $(own_addrs) == 0 ]]
	run in_host ip rule show
	[[ $output != *"proto 250"* ]]
	run in_host ip route show table all
	[[ $output != *"proto 250"* ]]
	run in_host ip nexthop show
	[[ -z $output ]]
	run in_host nft list tables
	[[ $output != *uplinkd* ]]
	run which_isp host "$SERVER1"
	[[ $output == 1 ]]
}

# downloads8 NODE [SERVER]: 8 downloads at once from NODE to one server for
# 3 s; prints "b1 b2", the bytes each ISP carried to the host meanwhile
downloads8() {
	local a1 a2
	a1=$(rx_bytes 1) a2=$(rx_bytes 2)
	in_ns "$1" iperf3 -c "${2:-$SERVER1}" -p 5203 -P 8 -t 3 -R >/dev/null || return 1
	echo "$(($(rx_bytes 1) - a1)) $(($(rx_bytes 2) - a2))"
}

# both_over PCT B1 B2: each of B1, B2 is at least PCT % of their sum
both_over() {
	local pct=$1 b1=$2 b2=$3
	((b1 * 100 >= pct * (b1 + b2) && b2 * 100 >= pct * (b1 + b2)))
}

@test "shared segment: the host's 8 downloads use both routers; a silent cut of either is survived, by bound sockets too" {
	sim_up --shared --rates 20,20 --ipv6
	start_uplinkd "
link isp1 {
  interface = wan1
  gateway = { 198.18.1.1, 2001:db8:1::1 }
}
link isp2 {
  interface = wan1
  gateway = { 198.18.1.3, 2001:db8:1::3 }
}
$OWN
$PROBE
"
	wait_until 5000 both_up
	local b
	b=$(downloads8 host)
	echo "# shared segment, host, 8 downloads: bytes via isp1, isp2: $b" >&3
	both_over 30 $b
	# IPv6 alike: the segment's one IPv6 address, two routers
	wait_until 5000 links_up -6 isp1 isp2
	run split host 8 2001:db8:ffff::1
	echo "# shared segment, 8 IPv6 connections: $output" >&3
	[[ $output == "4 4" ]]
	run split host 4 2001:db8:ffff::1 2001:db8:1::2
	[[ $output == "2 2" ]]
	local k other i
	for k in 1 2; do
		other=$((3 - k))
		sim cut "$k"
		wait_until 1500 not_in_group "100000$k"
		for i in 1 2 3 4; do
			[[ $(which_isp host "$SERVER1") == "$other" ]]
			[[ $(which_isp host "$SERVER1" 198.18.1.2) == "$other" ]]
		done
		sim heal "$k"
		wait_until 8000 both_up
	done
	# sockets bound to the segment's one address are balanced over the
	# two links that share it
	run split host 4 "$SERVER1" 198.18.1.2
	echo "# shared segment, 4 bound connections: $output" >&3
	[[ $output == "2 2" ]]
}

# spoofed K: packets ISP K dropped for a source it does not route
spoofed() {
	in_ns "isp$1" nft -j list counter inet uplinksim spoofed |
		jq '.nftables[] | select(.counter) | .counter.packets'
}

@test "LAN IPv6 with the defaults: 8 downloads from a LAN client use both links; no ISP sees a spoofed source" {
	sim_up --lan --ipv6 --rates 20,20
	start_uplinkd "
link isp1 { interface = wan1 }
link isp2 { interface = wan2 }
lan home { interface = lan0 }
$OWN
$PROBE
"
	wait_until 5000 both_up
	wait_until 5000 links_up -6 isp1 isp2
	local b
	b=$(downloads8 lan 2001:db8:ffff::1)
	echo "# LAN IPv6, 8 downloads: bytes via isp1, isp2: $b" >&3
	both_over 30 $b
	[[ $(spoofed 1) == 0 && $(spoofed 2) == 0 ]]
	# and --check says nothing of the defaults, but warns of nat6 = none
	run "$UPLINKD" -c "$UPLINKD_CONF" --check
	[[ $status == 0 && $output != *warning* ]]
	sed -i 's/^link isp2 { interface = wan2 }$/link isp2 {\n  interface = wan2\n  nat6 = none\n}/' "$UPLINKD_CONF"
	run "$UPLINKD" -c "$UPLINKD_CONF" --check
	echo "$output"
	[[ $status == 0 && $output == *"uplinkd.conf:6: warning: link isp2: nat6 = none"* ]]
}

# A resolver inside ISP 1 (198.19.1.53 on its lo, tcp/udp 53) that answers
# only its own customers: queries whose source is on its customer segment.
RESOLVER='
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("198.19.1.53", 53))
while True:
    data, peer = s.recvfrom(512)
    if peer[0].startswith("198.18.1."):
        s.sendto(data, peer)
'
# QUERIES N: N queries from the host, each from a socket of its own (a new
# connection each, balanced anew); prints how many were answered
QUERIES='
import socket, sys
n = 0
for i in range(int(sys.argv[1])):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(1)
    s.sendto(b"q%d" % i, ("198.19.1.53", 53))
    try:
        if s.recv(512) == b"q%d" % i:
            n += 1
    except socket.timeout:
        pass
    s.close()
print(n)
'

@test "DNS: a resolver inside ISP1 that answers only ISP1's customers answers 100 of 100 queries, with round-robin on" {
	sim_up
	in_ns isp1 ip addr add 198.19.1.53/32 dev lo
	bg_in isp1 python3 -c "$RESOLVER"
	wait_until 2000 eval 'in_ns isp1 ss -Hlun | grep -q 198.19.1.53:53'
	start_uplinkd "
link isp1 {
  interface = wan1
  dns = { 198.19.1.53 }
}
link isp2 { interface = wan2 }
$OWN
$PROBE
"
	wait_until 5000 both_up
	run in_host python3 -c "$QUERIES" 100
	echo "# DNS over ISP1's link: $output of 100 answered" >&3
	[[ $output == 100 ]]
	# round-robin is on: other connections still take both links
	[[ $(split host 4) == "2 2" ]]
	# status and plan show the resolvers
	run uplinkctl status --json
	[[ $(jq -c '.links[] | select(.name == "isp1") | .dns' <<<"$output") == '["198.19.1.53"]' ]]
	run in_host "$UPLINKCTL" plan -c "$UPLINKD_CONF"
	[[ $output == *"resolvers 198.19.1.53: always over this link"* ]]
	[[ $output == *"ip daddr { 198.19.1.53 } goto mark_isp1"* ]]
	# ISP1's upstream dies: its resolver, inside it, is still reached
	# over its link, though the link takes no new connections
	sim cut 1
	wait_until 1500 not_in_group 1000001
	run in_host python3 -c "$QUERIES" 20
	[[ $output == 20 ]]
}
