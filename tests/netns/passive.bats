#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
#
# Passive health and fast detection under load (issue 15, parts 2 and 3):
# a link that answers its probes but black-holes all other traffic is
# taken out because of its traffic; a busy link cut silently is down
# within 300 ms; 5 % random loss on saturated links never takes one down.
#
#   ${P}lan 100.64.0.2 -- lan0 [${P}host] wan1 198.18.1.2 -- ${P}isp1 --.   black hole, cut,
#                                      wan2 198.18.2.2 -- ${P}isp2 ----+-- ${P}inet   loss: nft in ispK
#                                                                tbf    servers 198.19.200.1-8
#                                                                       targets 198.19.255.1-3
# (uplinkd runs in ${P}host; full addressing in tests/sim/uplinksim)

load helpers

setup() {
	require_root
}

# black_hole K: ISP K forwards only what goes to or comes from the probe
# targets, and drops everything else (a broken upstream or CGNAT that
# still answers the monitors).
black_hole() {
	in_ns "isp$1" nft -f - <<'EOF'
table inet passive_bh {
 chain forward { type filter hook forward priority -10;
  ip daddr 198.19.255.0/24 accept
  ip saddr 198.19.255.0/24 accept
  drop
 }
}
EOF
}

# try_connect NODE SERVER: one connection to the echo service, 1 s at most.
try_connect() {
	in_ns "$1" socat -T 1 -u "TCP4:$2:80,connect-timeout=1" STDOUT >/dev/null 2>&1
}

# down_because LINK CAUSE: the daemon reports LINK down for CAUSE.
down_because() {
	uplinkctl status --json | jq -e --arg l "$1" --arg c "$2" '
		.links[] | select(.name == $l)
		| .state == "down" and .down_cause == $c
		  and .ipv4.down_cause == $c' >/dev/null
}

# down_ms_after LINK T_US: the unix time in ms of LINK's first ipv4 down
# event after T_US (microseconds), as the daemon recorded it.
down_ms_after() {
	uplinkctl status --json | jq -e --arg l "$1" --argjson t "$(($2 / 1000))" '
		[.events[] | select(.link == $l and .family == "ipv4" and
		    .to == "down" and .time_ms >= $t) | .time_ms] | first' 2>/dev/null
}

# down_lines LINK: how many times the log says LINK went down.
down_lines() { grep -c "link $1: ipv4 [a-z]* -> down" "$UPLINKD_LOG" || true; }

@test "a link answering only its probes is taken out for its traffic; then no new connection fails" {
	sim_up --lan
	start_uplinkd "$CONF_TWO_ISPS"
	wait_until 3000 both_up
	black_hole 1
	# 5 s of ordinary use: new connections from the host and the LAN,
	# eight a second, which fail when they take isp1 (they may)
	local i end=$((SECONDS + 5)) pids=()
	for ((i = 0; SECONDS < end; i++)); do
		try_connect host "${SERVERS[i % 8]}" &
		pids+=($!)
		try_connect lan "${SERVERS[(i + 3) % 8]}" &
		pids+=($!)
		sleep 0.25
	done
	wait "${pids[@]}" || true
	wait_until 3000 down_because isp1 traffic
	local reason
	reason=$(grep -m1 'link isp1: ipv4 up -> down' "$UPLINKD_LOG")
	echo "# $reason" >&3
	[[ $reason == *"(traffic: tcp: "*" new unanswered in "*"; isp2 answered "* ]]
	uplinkctl status | grep -E '^ *isp1 .*down .*\(traffic\)'
	# still answering probes, still down: the black-hole hold is 30 s
	uplinkctl status --json | jq -e '.links[] | select(.name == "isp1")
		| .ipv4.targets | map(.answering) | all' >/dev/null
	# 100 new connections, from the host and the LAN: none fails
	local fails=0 isp
	for ((i = 0; i < 50; i++)); do
		isp=$(which_isp host "${SERVERS[i % 8]}") || isp=fail
		[[ $isp == 2 ]] || fails=$((fails + 1))
		isp=$(which_isp lan "${SERVERS[i % 8]}") || isp=fail
		[[ $isp == 2 ]] || fails=$((fails + 1))
	done
	echo "# partial outage: $fails of 100 new connections failed after detection" >&3
	((fails == 0))
	# metrics and watch say why too
	uplinkctl metrics | grep -q 'uplinkd_link_down_cause{link="isp1",family="ipv4",cause="traffic"} 1'
	[[ $(down_lines isp1) == 1 ]]
}

@test "a busy link cut silently is down within 300 ms, in each of 5 runs" {
	sim_up --lan --rates 20,20
	# back after 1 s of answers, undamped: five runs in seconds
	start_uplinkd "
link isp1 { interface = wan1 }
link isp2 { interface = wan2 }
lan home { interface = lan0 }
probe { targets = { 198.19.255.1, 198.19.255.2, 198.19.255.3 }
	up-after = 1s
	hold-max = 0 }"
	wait_until 3000 both_up
	local run start ms worst=0 all="" cut down
	cut=$(helpers_tmp)/cut.nft
	cat >"$cut" <<'EOF'
table inet uplinksim_cut {
 chain forward { type filter hook forward priority -10; drop; }
 chain input { type filter hook input priority -10; meta l4proto icmp ip saddr 198.19.255.0/24 drop; }
 chain output { type filter hook output priority -10; meta l4proto icmp ip daddr 198.19.255.0/24 drop; }
}
EOF
	for run in 1 2 3 4 5; do
		# a download over isp1: a socket bound to its address
		bg_in host socat -u TCP4:198.19.200.1:9000,bind=198.18.1.2 /dev/null
		local dl=$BG_PID
		# carrying it: its data flows (a lost SYN is retried only
		# after 1 s), then busy from the first per-second sample that
		# sees it, which a 1.5 s stretch always holds
		wait_until 3000 rx_grew 1 "$(rx_bytes 1)" 500000
		sleep 1.5
		# the cut as `sim cut` makes it, timed from just before nft
		# starts (so nft's own run time counts against us), to the
		# down event's time as the daemon recorded it (same clock)
		start=$(now_us)
		in_ns isp1 nft -f "$cut"
		wait_until 3000 down_ms_after isp1 "$start"
		down=$(down_ms_after isp1 "$start")
		ms=$((down - start / 1000))
		all+=" $ms"
		((ms > worst)) && worst=$ms
		grep "link isp1: ipv4 up -> down" "$UPLINKD_LOG" | tail -1 |
			sed 's/^/#   /' >&3
		kill "$dl" 2>/dev/null || true
		in_ns isp1 nft delete table inet uplinksim_cut
		wait_until 5000 both_up
	done
	echo "# cut -> down under load (ms, from the cut's nft command):$all; worst $worst" >&3
	((worst <= 300))
	# each down was the traffic's, not the probes'
	[[ $(grep -c 'link isp1: ipv4 up -> down (traffic: nothing received' "$UPLINKD_LOG") == 5 ]]
}

# bats test_tags=long
@test "5% random loss on saturated links: no false down over 60 s" {
	sim_up --lan --rates 10,10
	start_uplinkd "$CONF_TWO_ISPS"
	wait_until 3000 both_up
	sim loss 1 5
	sim loss 2 5
	# saturate both links with downloads (two each: the LAN's are
	# balanced, the host's are bound to each link's address)
	local k
	for k in 1 2; do
		bg_in host socat -u "TCP4:198.19.200.$k:9000,bind=198.18.$k.2" /dev/null
		bg_in host socat -u "TCP4:198.19.200.$((k + 2)):9000,bind=198.18.$k.2" /dev/null
		bg_in lan socat -u "TCP4:198.19.200.$((k + 4)):9000" /dev/null
	done
	sleep 60
	local rates
	rates=$(uplinkctl status --json | jq -r '[.links[] | "\(.name) \(.rx_bytes_per_s * 8 / 1e6 | floor) Mbit/s"] | join(", ")')
	echo "# 60 s at 5% loss, saturated: $rates; downs: isp1 $(down_lines isp1), isp2 $(down_lines isp2)" >&3
	# the links were busy: the fast detector sampled them
	grep -q 'fast detection: link isp[12] busy' "$UPLINKD_LOG"
	# the downloads ran: both links near their 10 Mbit/s
	uplinkctl status --json | jq -e '[.links[] | .rx_bytes_per_s * 8 > 5e6] | all' >/dev/null
	[[ $(down_lines isp1) == 0 && $(down_lines isp2) == 0 ]]
}
