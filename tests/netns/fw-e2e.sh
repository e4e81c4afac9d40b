#!/bin/bash
# SPDX-License-Identifier: ISC
#
# End to end check of the rendered firewall (tests/golden/fw/two-links.nft,
# as test_fw renders it) with fwapply and conntrack (through fwtool), in
# namespaces:
#
#   lan 100.64.0.2 --- br0 100.64.0.1        (masquerade)
#                      router
#        eth0 198.18.1.2/24 --- isp1 198.18.1.1 --- s1 198.19.1.1/30 \
#        eth1 198.18.2.2/24 --- isp2 198.18.2.1 --- s2 198.19.2.1/30 - server
#                                                 198.19.0.1/32 on lo, :8080
#
# The router gets the plan's routing by hand (tables 1001/1002 with realms
# 1/2, fwmark and from rules, table 1000 with the multipath default).
# Checks: 8 connections from the LAN to one server address and port are
# marked 4/4 (conntrack -L) and arrive 4/4 from the two uplink addresses;
# the same for 8 connections of the router itself; a socket bound to an
# uplink's address keeps it; re-applying keeps the counters; flushing one
# mark removes exactly those entries; fw_remove removes the table.
#
# Usage: fw-e2e.sh FWTOOL (built from tests/tools/fwtool.c). Needs root.
set -u

dir=$(cd "$(dirname "$0")/../golden/fw" && pwd)
fwtool=${1:?usage: fw-e2e.sh FWTOOL}
p="fwe$$"
lan=$p-lan; rt=$p-rt; i1=$p-isp1; i2=$p-isp2; srv=$p-srv
fail=0
tmp=$(mktemp -d)

cleanup() {
	local ns
	for ns in $lan $rt $i1 $i2 $srv; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT

bad() {
	echo "FAIL $*" >&2
	fail=1
}
ok() {
	echo "ok $*"
}

for ns in $lan $rt $i1 $i2 $srv; do
	ip netns add "$ns" || exit 1
	ip -n "$ns" link set lo up
done
ip -n $rt link add br0 type veth peer name lan0 netns $lan
ip -n $rt link add eth0 type veth peer name up0 netns $i1
ip -n $rt link add eth1 type veth peer name up0 netns $i2
ip -n $i1 link add s0 type veth peer name s1 netns $srv
ip -n $i2 link add s0 type veth peer name s2 netns $srv

ip -n $lan addr add 100.64.0.2/24 dev lan0
ip -n $rt addr add 100.64.0.1/24 dev br0
ip -n $rt addr add 198.18.1.2/24 dev eth0
ip -n $rt addr add 198.18.2.2/24 dev eth1
ip -n $i1 addr add 198.18.1.1/24 dev up0
ip -n $i2 addr add 198.18.2.1/24 dev up0
ip -n $i1 addr add 198.19.1.1/30 dev s0
ip -n $i2 addr add 198.19.2.1/30 dev s0
ip -n $srv addr add 198.19.1.2/30 dev s1
ip -n $srv addr add 198.19.2.2/30 dev s2
ip -n $srv addr add 198.19.0.1/32 dev lo
for pair in "$lan lan0" "$rt br0" "$rt eth0" "$rt eth1" "$i1 up0" \
    "$i2 up0" "$i1 s0" "$i2 s0" "$srv s1" "$srv s2"; do
	set -- $pair
	ip -n "$1" link set "$2" up
done
ip -n $lan route add default via 100.64.0.1
ip -n $i1 route add 198.19.0.1/32 via 198.19.1.2
ip -n $i2 route add 198.19.0.1/32 via 198.19.2.2
ip -n $srv route add 198.18.1.0/24 via 198.19.1.1
ip -n $srv route add 198.18.2.0/24 via 198.19.2.1
for ns in $rt $i1 $i2; do
	ip netns exec "$ns" sysctl -qw net.ipv4.ip_forward=1
done
ip netns exec $rt sysctl -qw net.ipv4.conf.all.rp_filter=2
ip netns exec $rt sysctl -qw net.ipv4.conf.default.rp_filter=2

# the plan's routing (plan.h), for links 1 (eth0) and 2 (eth1)
ip -n $rt route add 198.18.1.0/24 dev eth0 src 198.18.1.2 scope link realm 1 table 1001
ip -n $rt route add default via 198.18.1.1 dev eth0 src 198.18.1.2 realm 1 table 1001
ip -n $rt route add 198.18.2.0/24 dev eth1 src 198.18.2.2 scope link realm 2 table 1002
ip -n $rt route add default via 198.18.2.1 dev eth1 src 198.18.2.2 realm 2 table 1002
# the balanced default's source is no uplink's address, so that the final
# route lookup of an unbound socket (made with the source it chose) does
# not match a from rule: its route has no realm and the firewall balances
# it, where a bound socket's has its link's realm and keeps its link
ip -n $rt route add default table 1000 src 100.64.0.1 \
    nexthop via 198.18.1.1 dev eth0 nexthop via 198.18.2.1 dev eth1
ip -n $rt rule add pref 1000 lookup main suppress_prefixlength 0
ip -n $rt rule add pref 1001 fwmark 0x00ff0000/0x00ff0000 lookup main
ip -n $rt rule add pref 1002 fwmark 0x00010000/0x00ff0000 lookup 1001
ip -n $rt rule add pref 1003 fwmark 0x00020000/0x00ff0000 lookup 1002
ip -n $rt rule add pref 1301 from 198.18.1.2 lookup 1001
ip -n $rt rule add pref 1302 from 198.18.2.2 lookup 1002
ip -n $rt rule add pref 1900 lookup 1000

# the server: accepts, logs each peer address, keeps the connection
cat > "$tmp/server.py" <<'EOF'
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("198.19.0.1", 8080))
s.listen(64)
keep = []
with open(sys.argv[1], "a", buffering=1) as log:
    while True:
        c, a = s.accept()
        keep.append(c)
        log.write(a[0] + "\n")
EOF
# a client: n connections held for a while; bind: source address
cat > "$tmp/client.py" <<'EOF'
import socket, sys, time
n, hold = int(sys.argv[1]), float(sys.argv[2])
bind = sys.argv[3] if len(sys.argv) > 3 else None
socks = []
for i in range(n):
    c = socket.socket()
    if bind:
        c.bind((bind, 0))
    c.settimeout(3)
    c.connect(("198.19.0.1", 8080))
    socks.append(c)
time.sleep(hold)
EOF
ip netns exec $srv python3 "$tmp/server.py" "$tmp/peers" &

# wait for the listener
for _ in $(seq 50); do
	ip netns exec $srv ss -ltn | grep -q 198.19.0.1:8080 && break
	sleep 0.1
done

ip netns exec $rt "$fwtool" check "$dir/two-links.nft" || bad "fw_check in ns"
ip netns exec $rt "$fwtool" apply "$dir/two-links.nft" || bad "fw_apply"
ip netns exec $rt "$fwtool" apply "$dir/two-links.nft" || bad "fw_apply again"
ok "apply twice"

# expects: count of peer lines for 198.18.1.2 and 198.18.2.2
peers_split() {
	local a b
	a=$(grep -c '^198.18.1.2$' "$tmp/peers")
	b=$(grep -c '^198.18.2.2$' "$tmp/peers")
	echo "$a/$b"
}
ctmarks() {
	ip netns exec $rt conntrack -L -p tcp --dport 8080 2>/dev/null |
	    grep -o 'mark=[0-9]*' | sort | uniq -c | awk '{print $2 ":" $1}' |
	    tr '\n' ' '
}

# --- 8 connections from the LAN ---
: > "$tmp/peers"
ip netns exec $lan python3 "$tmp/client.py" 8 6 &
cl=$!
for _ in $(seq 50); do
	[ "$(wc -l < "$tmp/peers")" -ge 8 ] && break
	sleep 0.1
done
split=$(peers_split)
[ "$split" = "4/4" ] && ok "lan: 8 connections arrive 4/4 ($split)" ||
    bad "lan: server saw $split"
marks=$(ctmarks)
[ "$marks" = "mark=131072:4 mark=65536:4 " ] &&
    ok "lan: conntrack marks $marks" || bad "lan: conntrack marks '$marks'"
counts=$(ip netns exec $rt "$fwtool" count 0x00ff0000 | tr '\n' ' ')
echo "$counts" | grep -q "1 4 2 4 " && ok "conntrack_count_marks: $counts" ||
    bad "conntrack_count_marks: $counts"

# counters: both links sent and received; a re-apply keeps them
c1=$(ip netns exec $rt "$fwtool" counters)
echo "$c1" | awk '$1=="isp1" && $2>0 && $4>0 {f=1} END {exit !f}' &&
echo "$c1" | awk '$1=="isp2" && $2>0 && $4>0 {f=1} END {exit !f}' &&
    ok "counters: $(echo $c1)" || bad "counters: $c1"
ip netns exec $rt "$fwtool" apply "$dir/two-links.nft" || bad "re-apply"
c2=$(ip netns exec $rt "$fwtool" counters)
tx1=$(echo "$c1" | awk '$1=="isp1" {print $3}')
tx2=$(echo "$c2" | awk '$1=="isp1" {print $3}')
[ "$tx2" -ge "$tx1" ] && [ "$tx1" -gt 0 ] &&
    ok "re-apply keeps counters ($tx1 -> $tx2 bytes)" ||
    bad "re-apply reset counters ($tx1 -> $tx2)"

# flush one uplink's connections: exactly those go
ip netns exec $rt "$fwtool" flush 0x00010000 0x00ff0000 || bad "flush"
marks=$(ctmarks)
[ "$marks" = "mark=131072:4 " ] &&
    ok "conntrack_flush_mark: one request, left $marks" ||
    bad "conntrack_flush_mark: left '$marks'"
# a flush of one family leaves the other family's entries of that mark
ip netns exec $rt conntrack -I -s 2001:db8::1 -d 2001:db8::2 -p tcp \
    --sport 1 --dport 2 --state ESTABLISHED -t 100 -m 0x00020000 \
    -r 2001:db8::2 -q 2001:db8::1 --reply-port-src 2 --reply-port-dst 1 \
    >/dev/null 2>&1 || bad "conntrack -I (IPv6)"
ip netns exec $rt "$fwtool" flush 0x00020000 0x00ff0000 6 || bad "flush 6"
v6=$(ip netns exec $rt conntrack -L -f ipv6 2>/dev/null | grep -c mark=131072)
marks=$(ctmarks)
[ "$v6" = 0 ] && [ "$marks" = "mark=131072:4 " ] &&
    ok "conntrack_flush_mark AF_INET6: IPv6 gone, IPv4 left ($marks)" ||
    bad "conntrack_flush_mark AF_INET6: $v6 IPv6 left, IPv4 '$marks'"
kill $cl 2>/dev/null
wait $cl 2>/dev/null
ip netns exec $rt conntrack -F 2>/dev/null

# --- 8 connections of the router itself, unbound ---
: > "$tmp/peers"
ip netns exec $rt python3 "$tmp/client.py" 8 3 &
cl=$!
for _ in $(seq 50); do
	[ "$(wc -l < "$tmp/peers")" -ge 8 ] && break
	sleep 0.1
done
split=$(peers_split)
[ "$split" = "4/4" ] && ok "host: 8 connections arrive 4/4 ($split)" ||
    bad "host: server saw $split"
marks=$(ctmarks)
[ "$marks" = "mark=131072:4 mark=65536:4 " ] &&
    ok "host: conntrack marks $marks" || bad "host: conntrack marks '$marks'"
kill $cl 2>/dev/null
wait $cl 2>/dev/null
ip netns exec $rt conntrack -F 2>/dev/null

# --- bound to isp2's address: all stay on isp2 ---
: > "$tmp/peers"
ip netns exec $rt python3 "$tmp/client.py" 4 1 198.18.2.2 &
cl=$!
for _ in $(seq 50); do
	[ "$(wc -l < "$tmp/peers")" -ge 4 ] && break
	sleep 0.1
done
split=$(peers_split)
marks=$(ctmarks)
[ "$split" = "0/4" ] && [ "$marks" = "mark=131072:4 " ] &&
    ok "host bound to isp2: $split, $marks" ||
    bad "host bound to isp2: server saw $split, marks '$marks'"
wait $cl 2>/dev/null

# objects read back, then removal
objs=$(ip netns exec $rt "$fwtool" objects | tr '\n' ' ')
echo "$objs" | grep -q "1 link_isp2_rx" && echo "$objs" | grep -q "0 mark_isp1" &&
    ok "fw_read_objects" || bad "fw_read_objects: $objs"
ip netns exec $rt "$fwtool" remove || bad "fw_remove"
ip netns exec $rt nft list tables | grep -q uplinkd && bad "table still there"
ip netns exec $rt "$fwtool" remove || bad "fw_remove without table"
[ -z "$(ip netns exec $rt "$fwtool" counters)" ] && ok "fw_remove" ||
    bad "counters after remove"

exit $fail
