#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
#
# Fault injection (issue 7, item 3): uplinkd killed in the middle of a burst
# of reconciles, an uplink interface deleted and re-created, addresses
# removed and changed, a thousand carrier flaps, a netlink event overflow
# (ENOBUFS), a routing table already used by someone else, a request the
# kernel keeps refusing, and a reload that cannot be applied. Each test
# builds its own network.
#
#   ${P}lan 100.64.0.2 -- lan0 [${P}host] wan1 198.18.1.2 -- cust [${P}isp1] --.
#                              uplinkd   wan2 198.18.2.2 -- cust [${P}isp2] ---+-- ${P}inet
#                                                                            servers 198.19.200.1-8
#                                                                            targets 198.19.255.1-3
# (full addressing in tests/sim/uplinksim)

load helpers

# hold-max bounds the hold-down a flapping link earns, so that the tests
# that flap converge in seconds
CONF2='
link isp1 { interface = wan1 }
link isp2 { interface = wan2 }
lan home { interface = lan0 }
probe { targets = { 198.19.255.1, 198.19.255.2, 198.19.255.3 }
  hold-max = 5s }
'

setup() {
	require_root
}

# both_up_logged: both links probed up as the log says (not just in the
# group, as they are while their health is unknown) and in the group; the
# log, not the status (helpers' both_up), because these tests kill and
# restart the daemon and flood it
both_up_logged() {
	[[ $(link_state isp1) == up && $(link_state isp2) == up ]] &&
		in_group 1000001 && in_group 1000002
}

# kernel_state: everything of uplinkd's in the host namespace, in a stable
# form (the nexthop group's timers and the nftables handles vary)
kernel_state() {
	in_host ip -4 rule show | grep 'proto 250' | sort
	in_host ip -4 route show table all | grep 'proto 250' | sort
	in_host ip nexthop show | sed 's/ unbalanced_time [0-9]*//' | sort
	in_host nft list table inet uplinkd 2>/dev/null | sed 's/ # handle [0-9]*//; s/packets [0-9]* bytes [0-9]*//'
}

# rss_kb, fds: the daemon's resident memory and open descriptors
rss_kb() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$UPLINKD_PID/status"; }
# fds: the fewest open descriptors over 5 looks 100 ms apart (a control
# client or an nftables query may hold one for a moment)
fds() {
	local i n min=100000
	for ((i = 0; i < 5; i++)); do
		n=$(ls "/proc/$UPLINKD_PID/fd" | wc -l)
		((n < min)) && min=$n
		sleep 0.1
	done
	echo "$min"
}

# keep_talking PORT [BIND]: a TCP connection to SERVER1:9001 (discard)
# that writes every 100 ms for 12 s, from BIND when given; started in the
# background (BG_PID), it fails (exit 1) if the connection breaks.
keep_talking() {
	local bind=${1:-}
	bg_in host socat -u "SYSTEM:'for i in \$(seq 120); do echo x; sleep 0.1; done'" \
		"TCP4:$SERVER1:9001${bind:+,bind=$bind}"
}

@test "kill -9 during a burst of reconciles, then restart: converges as a clean start and keeps a connection" {
	sim_up --lan
	start_uplinkd "$CONF2"
	wait_until 6000 both_up_logged
	local clean round flapper conn dir
	dir=$(helpers_tmp)
	clean=$(kernel_state)
	# an established connection over isp2, whose link stays healthy
	keep_talking 198.18.2.2
	conn=$BG_PID
	for round in 1 2 3; do
		# isp1's carrier flaps: each flap is an event and a reconcile
		rm -f "$dir/stop"
		bg_in isp1 bash -c "while [ ! -e '$dir/stop' ]; do ip link set cust down; ip link set cust up; done"
		flapper=$BG_PID
		sleep 0.$((3 + round * 2))
		stop_uplinkd KILL
		touch "$dir/stop"
		wait "$flapper"
		echo "# round $round: killed after $(grep -c "reconcile:" "$UPLINKD_LOG") reconciles" >&3
		in_ns isp1 ip link set cust up
		# the kernel keeps forwarding as last planned
		run in_host ip route show table 1000
		[[ $output == *"nhid 1000000"* ]]
		start_uplinkd "$CONF2"
		wait_until 15000 both_up_logged
	done
	# the same objects as a clean start, no duplicates, nothing left over
	wait_until 5000 eval '[[ "$(kernel_state)" == "$clean" ]]' || {
		diff <(echo "$clean") <(kernel_state)
		false
	}
	# the connection over isp2 lived through three kill -9 and restarts
	wait "$conn"
	run which_isp host "$SERVER1" 198.18.1.2
	[[ $output == 1 ]]
}

@test "an uplink interface deleted and re-created returns to the group" {
	sim_up --lan
	start_uplinkd "$CONF2"
	wait_until 6000 both_up_logged
	local before
	before=$(in_host cat /sys/class/net/wan2/ifindex)
	in_host ip link del wan2
	wait_until 3000 group_lacks 1000002
	run in_host ip route show table 1002
	[[ $output != *"dev wan2"* ]]
	kill -0 "$UPLINKD_PID"
	# the same name and addresses on a new interface (a new ifindex)
	in_host ip link add wan2 type veth peer name cust netns "${SIM_PREFIX}isp2"
	in_ns isp2 ip addr add 198.18.2.1/24 dev cust
	in_ns isp2 ip link set cust up
	in_host ip addr add 198.18.2.2/24 dev wan2
	in_host ip link set wan2 up
	in_host ip route add default via 198.18.2.1 dev wan2 metric 102
	[[ $(in_host cat /sys/class/net/wan2/ifindex) != "$before" ]]
	wait_until 10000 in_group 1000002
	run in_host ip route show table 1002
	echo "$output"
	[[ $output == *"default via 198.18.2.1 dev wan2 proto 250 src 198.18.2.2"* ]]
	run in_host ip nexthop show id 1000002
	[[ $output == *"dev wan2"* ]]
	run which_isp host "$SERVER1" 198.18.2.2
	[[ $output == 2 ]]
	# twice, quickly: a delete and re-create between two reconciles
	in_host ip link del wan2
	in_host ip link add wan2 type veth peer name cust netns "${SIM_PREFIX}isp2"
	in_ns isp2 ip addr add 198.18.2.1/24 dev cust
	in_ns isp2 ip link set cust up
	in_host ip addr add 198.18.2.2/24 dev wan2
	in_host ip link set wan2 up
	in_host ip route add default via 198.18.2.1 dev wan2 metric 102
	wait_until 10000 in_group 1000002
	run which_isp host "$SERVER1" 198.18.2.2
	[[ $output == 2 ]]
}

@test "an address removed and re-added, then changed make-before-break, is picked up" {
	sim_up --lan
	start_uplinkd "$CONF2"
	wait_until 6000 both_up_logged
	# DHCP lease lost, then the same lease again
	in_host ip addr del 198.18.2.2/24 dev wan2
	wait_until 3000 eval '! rules | grep -q "from 198.18.2.2 lookup 1002"'
	wait_until 3000 group_lacks 1000002
	in_host ip addr add 198.18.2.2/24 dev wan2
	in_host ip route replace default via 198.18.2.1 dev wan2 metric 102
	wait_until 3000 eval 'rules | grep -q "from 198.18.2.2 lookup 1002"'
	wait_until 10000 in_group 1000002
	run which_isp host "$SERVER1" 198.18.2.2
	[[ $output == 2 ]]
	# a new address added before the old one goes (make before break; as
	# systemd-networkd does, the secondary is promoted, not removed)
	in_host sysctl -qw net.ipv4.conf.wan2.promote_secondaries=1
	in_host ip addr add 198.18.2.99/24 dev wan2
	in_host ip addr del 198.18.2.2/24 dev wan2
	in_host ip route replace default via 198.18.2.1 dev wan2 metric 102
	wait_until 3000 eval 'rules | grep -q "from 198.18.2.99 lookup 1002"'
	wait_until 3000 eval '! rules | grep -q "from 198.18.2.2 lookup"'
	run in_host ip route show table 1002
	echo "$output"
	[[ $output == *"src 198.18.2.99"* && $output != *"src 198.18.2.2 "* ]]
	wait_until 10000 in_group 1000002
	run which_isp host "$SERVER1" 198.18.2.99
	[[ $output == 2 ]]
	# two addresses, then the first one goes: the rule follows the one left
	in_host ip addr add 198.18.2.100/24 dev wan2
	in_host ip addr del 198.18.2.99/24 dev wan2
	wait_until 3000 eval 'rules | grep -q "from 198.18.2.100 lookup 1002"'
	wait_until 3000 eval '! rules | grep -q "from 198.18.2.99 lookup"'
}

@test "1000 carrier flaps in 10 s: responsive, memory flat, converges" {
	sim_up --lan
	start_uplinkd "$CONF2"
	wait_until 6000 both_up_logged
	local dir rss0 rss1 fd0 fd1 i start lines0 lines1 ms status_ok=0 slow=0
	dir=$(helpers_tmp)
	# warm up: one flap cycle, so lazily allocated buffers exist
	sim carrier 1 down
	wait_until 3000 group_lacks 1000001
	sim carrier 1 up
	wait_until 15000 both_up_logged
	rss0=$(rss_kb)
	fd0=$(fds)
	lines0=$(wc -l <"$UPLINKD_LOG")
	# 10 batches of 100 flaps, one every 10 ms on average
	for ((i = 0; i < 100; i++)); do
		echo "link set cust down"
		echo "link set cust up"
	done >"$dir/flaps"
	start=$(now_us)
	for ((i = 0; i < 10; i++)); do
		in_ns isp1 ip -batch "$dir/flaps"
		# responsive meanwhile: status over the control socket if there
		# is one, else the process runs and answers signals
		if [[ -S $UPLINKD_SOCK ]]; then
			local t0
			t0=$(now_us)
			in_host timeout 1 "$UPLINKCTL" -s "$UPLINKD_SOCK" status >/dev/null && ((++status_ok))
			ms=$(elapsed_ms_since "$t0")
			((ms < 1000)) || ((++slow))
		else
			kill -0 "$UPLINKD_PID"
		fi
		sleep 0.$((RANDOM % 5 + 5))
	done
	ms=$(elapsed_ms_since "$start")
	echo "# 1000 flaps in $ms ms; status answered $status_ok times, $slow slow" >&3
	((slow == 0))
	# it kept up with the events: the carrier's last word is heard at once
	# (the daemon's own word: the kernel drops the nexthop by itself)
	in_ns isp1 ip link set cust down
	wait_until 2000 eval '[[ $(link_state isp1) == down ]]'
	in_ns isp1 ip link set cust up
	# converges: the carrier is up, isp1 comes back
	wait_until 20000 both_up_logged
	sleep 1
	rss1=$(rss_kb)
	fd1=$(fds)
	lines1=$(wc -l <"$UPLINKD_LOG")
	echo "# VmRSS $rss0 kB -> $rss1 kB, fds $fd0 -> $fd1, $((lines1 - lines0)) log lines" >&3
	# (an ASan build keeps freed memory in quarantine: no bound there)
	grep -q libasan "/proc/$UPLINKD_PID/maps" || ((rss1 - rss0 < 2048))
	((fd1 <= fd0))
	# the same state as before the flaps
	run in_host ip route show table 1001
	[[ $output == *"default via 198.18.1.1 dev wan1 proto 250"* ]]
	run which_isp host "$SERVER1" 198.18.1.2
	[[ $output == 1 ]]
	kill -0 "$UPLINKD_PID"
}

@test "a netlink event overflow (ENOBUFS) makes the daemon resync, and what changed meanwhile is seen" {
	sim_up --lan
	start_uplinkd "$CONF2"
	wait_until 6000 both_up_logged
	local dir i
	dir=$(helpers_tmp)
	for ((i = 0; i < 30000; i++)); do
		echo "route add 100.$((64 + i / 65536)).$((i / 256 % 256)).$((i % 256))/32 dev lo table 777"
	done >"$dir/adds"
	kill -STOP "$UPLINKD_PID"
	# what the daemon must notice after the overflow: isp2's address
	# changed and one of its routes removed behind its back
	in_host ip addr del 198.18.2.2/24 dev wan2
	in_host ip addr add 198.18.2.77/24 dev wan2
	in_host ip route replace default via 198.18.2.1 dev wan2 metric 102
	in_host ip route del default table 1001
	# 30000 events while it cannot read: its socket buffer overflows
	in_host ip -batch "$dir/adds"
	kill -CONT "$UPLINKD_PID"
	wait_until 5000 grep -q "netlink events overflowed; dumping afresh" "$UPLINKD_LOG"
	wait_until 5000 eval 'rules | grep -q "from 198.18.2.77 lookup 1002"'
	! rules | grep -q "from 198.18.2.2 lookup" || false
	wait_until 5000 eval 'in_host ip route show table 1001 | grep -q "default via 198.18.1.1 dev wan1 proto 250"'
	wait_until 10000 both_up_logged
	run which_isp host "$SERVER1" 198.18.2.77
	[[ $output == 2 ]]
	# the foreign table is still the owner's
	[[ $(in_host ip route show table 777 | wc -l) == 30000 ]]
	kill -0 "$UPLINKD_PID"
}

@test "netlink reads failing again and again: every failed dump is tried again until the state converges" {
	sim_up --lan
	local dir
	dir=$(helpers_tmp)
	# while $dir/fault exists, every second read on the daemon's route
	# netlink sockets fails with ENOBUFS (nlfault.so): events are lost,
	# and so is every dump meant to recover them (in an ASan build, the
	# sanitizer is told the preload is fine)
	cat >"$dir/wrap" <<-EOF
	#!/bin/sh
	exec env LD_PRELOAD=$BUILD/tests/tools/nlfault.so NLFAULT_FILE=$dir/fault \\
	    NLFAULT_EVERY=2 \\
	    ASAN_OPTIONS="\${ASAN_OPTIONS:+\$ASAN_OPTIONS:}verify_asan_link_order=0" "\$@"
	EOF
	chmod +x "$dir/wrap"
	UPLINKD_WRAP=$dir/wrap start_uplinkd "$CONF2"
	wait_until 6000 both_up_logged
	touch "$dir/fault"
	# what the daemon must notice once reads work again
	in_host ip addr del 198.18.2.2/24 dev wan2
	in_host ip addr add 198.18.2.77/24 dev wan2
	in_host ip route replace default via 198.18.2.1 dev wan2 metric 102
	wait_until 3000 grep -q "netlink dump: .*trying again" "$UPLINKD_LOG"
	sleep 1
	rm "$dir/fault"
	wait_until 10000 grep -q "netlink: resynchronised" "$UPLINKD_LOG"
	wait_until 5000 eval 'rules | grep -q "from 198.18.2.77 lookup 1002"'
	! rules | grep -q "from 198.18.2.2 lookup" || false
	wait_until 10000 both_up_logged
	run which_isp host "$SERVER1" 198.18.2.77
	[[ $output == 2 ]]
	kill -0 "$UPLINKD_PID"
}

@test "a rule the kernel refuses does not hold back another link's failover" {
	sim_up --lan
	local dir start ms
	dir=$(helpers_tmp)
	# while $dir/refuse exists, the kernel refuses every new rule for
	# isp1's table 1001 (nlfault.so sends it with a family no rule code
	# knows: a real error ACK)
	cat >"$dir/wrap" <<-EOF
	#!/bin/sh
	exec env LD_PRELOAD=$BUILD/tests/tools/nlfault.so \\
	    NLFAULT_REFUSE_TABLE=1001 NLFAULT_REFUSE_FILE=$dir/refuse \\
	    ASAN_OPTIONS="\${ASAN_OPTIONS:+\$ASAN_OPTIONS:}verify_asan_link_order=0" "\$@"
	EOF
	chmod +x "$dir/wrap"
	UPLINKD_WRAP=$dir/wrap start_uplinkd "$CONF2"
	wait_until 6000 both_up_logged
	touch "$dir/refuse"
	# isp1 moves to a new address (make before break, isp1 stays up): its
	# new rule is needed, and refused
	in_host sysctl -qw net.ipv4.conf.wan1.promote_secondaries=1
	in_host ip addr add 198.18.1.77/24 dev wan1
	in_host ip addr del 198.18.1.2/24 dev wan1
	in_host ip route replace default via 198.18.1.1 dev wan1 metric 101
	wait_until 3000 grep -q "the kernel refuses rule from 198.18.1.77 lookup 1001 .*; applying the rest without it" "$UPLINKD_LOG"
	wait_until 3000 eval 'in_host ip route show table 1001 | grep -q "src 198.18.1.77"'
	! rules | grep -q "from 198.18.1.77 lookup 1001" || false
	wait_until 10000 both_up_logged
	# isp2 dies silently: it leaves the group all the same
	start=$(now_us)
	sim cut 2
	wait_until 2000 not_in_group 1000002
	ms=$(elapsed_ms_since "$start")
	echo "# isp2 out of the group $ms ms after its cut, isp1's rule refused" >&3
	# and it stays out (not put back by an undo, nor by a retry)
	local i
	for ((i = 0; i < 10; i++)); do
		group_lacks 1000002
		sleep 0.2
	done
	in_group 1000001
	run which_isp host "$SERVER1"
	[[ $output == 1 ]]
	# the kernel accepts the rule again: the backoff retry adds it
	rm "$dir/refuse"
	wait_until 40000 eval 'rules | grep -q "from 198.18.1.77 lookup 1001"'
	not_in_group 1000002
	echo "# $(grep -c "the kernel refuses rule" "$UPLINKD_LOG") refusals logged, the first:" >&3
	echo "# $(grep -m1 "the kernel refuses rule" "$UPLINKD_LOG")" >&3
}

@test "a table already used by someone else: a clear error, its routes untouched, retried with backoff" {
	sim_up --lan
	# someone else's routes in table 1001, which uplinkd would use for isp1
	in_host ip route add default via 198.18.1.1 dev wan1 table 1001 proto static
	in_host ip route add 198.19.100.0/24 via 198.18.1.1 dev wan1 table 1001 proto static
	start_uplinkd "$CONF2"
	wait_until 6000 in_group 1000002
	sleep 3
	# a clear error naming the table
	grep -E "table 1001 .*(not uplinkd|does not own|someone else|foreign)" "$UPLINKD_LOG"
	# the daemon runs and isp2 is served
	kill -0 "$UPLINKD_PID"
	run which_isp host "$SERVER1" 198.18.2.2
	[[ $output == 2 ]]
	# the other owner's routes are as they were: not replaced, not removed
	run in_host ip route show table 1001
	echo "$output"
	[[ $output == *"default via 198.18.1.1 dev wan1 proto static"* ]]
	[[ $output == *"198.19.100.0/24 via 198.18.1.1 dev wan1 proto static"* ]]
	# retried with growing delays
	run grep -o "retrying in [0-9]* ms" "$UPLINKD_LOG"
	echo "$output"
	local -a d
	mapfile -t d < <(grep -o "retrying in [0-9]* ms" "$UPLINKD_LOG" | awk '{print $3}')
	((${#d[@]} >= 3))
	((d[1] > d[0] && d[2] > d[1]))
	# once the table is free, the link is served
	in_host ip route flush table 1001 proto static
	wait_until 40000 in_group 1000001
	run which_isp host "$SERVER1" 198.18.1.2
	[[ $output == 1 ]]
}

@test "a valid reload that cannot be applied keeps the previous kernel state working" {
	sim_up --lan
	# someone else's routes in tables 2001 and 2002
	in_host ip route add default via 198.18.1.1 dev wan1 table 2001 proto static
	in_host ip route add default via 198.18.2.1 dev wan2 table 2002 proto static
	start_uplinkd "$CONF2"
	wait_until 6000 both_up_logged
	local before
	before=$(kernel_state)
	# a valid configuration whose tables are someone else's
	printf 'socket = "%s"\ntable-base = 2000\n%s\n' "$UPLINKD_SOCK" "$CONF2" >"$UPLINKD_CONF"
	in_host "$UPLINKD" -c "$UPLINKD_CONF" --check
	kill -HUP "$UPLINKD_PID"
	sleep 3
	kill -0 "$UPLINKD_PID"
	# the other owner's routes are untouched
	run in_host ip route show table 2001
	echo "$output"
	[[ $output == "default via 198.18.1.1 dev wan1 proto static "* ]]
	[[ $(wc -l <<<"$output") == 1 ]]
	run in_host ip route show table 2002
	[[ $output == "default via 198.18.2.1 dev wan2 proto static "* ]]
	# the previous state stays and works
	[[ "$(kernel_state)" == "$before" ]] || { diff <(echo "$before") <(kernel_state); false; }
	run which_isp host "$SERVER1" 198.18.1.2
	[[ $output == 1 ]]
	run which_isp host "$SERVER1" 198.18.2.2
	[[ $output == 2 ]]
	grep -Ei "reload.*(roll|keep|refus|cannot)" "$UPLINKD_LOG"
}
