#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
#
# The control socket and uplinkctl against a running daemon (issue 5):
# status and JSON follow a cut and a heal, reload refuses a broken config
# and keeps running, drain/undrain, exec, metrics, permissions, a second
# instance, and the systemd unit.
#
#   ${P}lan 100.64.0.2 -- lan0 [${P}host] wan1 198.18.1.2 -- ${P}isp1 --.
#                                      wan2 198.18.2.2 -- ${P}isp2 ----+-- ${P}inet
# (uplinkd and uplinkctl run in ${P}host; addressing in tests/sim/uplinksim)

load helpers

CONF=$CONF_TWO_ISPS

setup() {
	require_root
}

link_field() {	# LINK FIELD: a field of a link in the status JSON
	uplinkctl status --json | python3 -c '
import json, sys
s = json.load(sys.stdin)
l = [l for l in s["links"] if l["name"] == sys.argv[1]][0]
print(json.dumps(l[sys.argv[2]]))' "$1" "$2"
}

@test "status and its JSON follow a cut and a heal within a second" {
	sim_up --lan
	start_uplinkd "$CONF"
	wait_until 5000 both_up
	run uplinkctl status --json
	[[ $status == 0 ]]
	# the schema of DESIGN.md
	python3 - "$output" <<-'EOF'
		import json, sys
		s = json.loads(sys.argv[1])
		for l in s["links"]:
		    for k, t in (("name", str), ("interface", str), ("state", str),
		                 ("active", bool), ("weight", int), ("since", int),
		                 ("tx_bytes", int), ("rx_bytes", int)):
		        assert isinstance(l[k], t), (k, l[k])
		    assert l["state"] in ("up", "down", "degraded", "unknown")
		    assert l["rtt_ms"] is None or isinstance(l["rtt_ms"], float)
		    assert l["loss_pct"] is None or isinstance(l["loss_pct"], (int, float))
	EOF
	# within a second of the daemon's own state change (its log line):
	# detection time itself is failover.bats' business
	local seen
	sim cut 1
	wait_until 3000 grep -q "link isp1: ipv4 up -> down" "$UPLINKD_LOG"
	seen=$(now_us)
	wait_until 1000 eval '[[ $(link_field isp1 state) == "\"down\"" ]]'
	echo "# status shows the cut $(elapsed_ms_since "$seen") ms after the log" >&3
	[[ $(link_field isp1 active) == false ]]
	[[ $(link_field isp2 active) == true ]]
	run uplinkctl status
	echo "$output"
	[[ $output == *"isp1"*"down"* ]]
	[[ $output == *"isp1 ipv4 up -> down (probes): no reply from 3/3 targets"* ]]
	sim heal 1
	wait_until 8000 grep -q "link isp1: ipv4 down -> up" "$UPLINKD_LOG"
	seen=$(now_us)
	wait_until 1000 eval '[[ $(link_field isp1 state) == "\"up\"" ]]'
	echo "# status shows the heal $(elapsed_ms_since "$seen") ms after the log" >&3
	[[ $(link_field isp1 active) == true ]]
	run uplinkctl status isp1
	[[ $output == *"198.19.255.1"* ]]
}

@test "reload with a broken config keeps the running one and reports the errors" {
	sim_up --lan
	start_uplinkd "$CONF"
	wait_until 5000 both_up
	cp "$UPLINKD_CONF" "$UPLINKD_CONF.good"
	printf 'link isp3 {\n  interface = wan2\n  weight = 999\n}\n' >>"$UPLINKD_CONF"
	run uplinkctl reload
	echo "$output"
	[[ $status == 1 ]]
	[[ $output == *"$UPLINKD_CONF:"*"weight"* ]]
	grep -q "keeping the running configuration" "$UPLINKD_LOG"
	# still running the old one
	run uplinkctl status --json
	[[ $status == 0 && $output != *isp3* ]]
	in_host ip nexthop show id 1000000 | grep -q "1000001/1000002"
	# and SIGHUP the same
	kill -HUP "$UPLINKD_PID"
	wait_until 2000 eval '(( $(grep -c "keeping the running configuration" "$UPLINKD_LOG") >= 2 ))'
	# a good reload applies
	sed 's/link isp2 { interface = wan2 }/link isp2 {\n interface = wan2\n weight = 4\n}/' \
		"$UPLINKD_CONF.good" >"$UPLINKD_CONF"
	run uplinkctl reload
	[[ $status == 0 ]]
	wait_until 2000 eval 'in_host ip nexthop show id 1000000 | grep -q "1000002,4"'
}

@test "drain takes a link out of new connections, existing ones stay; undrain brings it back" {
	sim_up --lan
	start_uplinkd "$CONF"
	wait_until 5000 both_up
	bg_in host socat -u SYSTEM:'for i in $(seq 40); do echo x; sleep 0.1; done' \
		TCP:198.19.200.1:9001,bind=198.18.1.2
	local conn=$BG_PID
	run uplinkctl drain isp1
	[[ $status == 0 ]]
	[[ $(link_field isp1 drained) == true ]]
	[[ $(link_field isp1 active) == false ]]
	local i
	for i in 1 2 3 4 5 6; do
		run which_isp lan "$SERVER1"
		[[ $output == 2 ]]
	done
	wait "$conn"
	run uplinkctl drain nosuch
	[[ $status == 1 ]]
	run uplinkctl undrain isp1
	[[ $status == 0 ]]
	local isps=""
	for i in 1 2 3 4; do isps+=$(which_isp lan "$SERVER1"); done
	[[ $isps == *1* && $isps == *2* ]]
}

@test "a client of the socket's group reads status but may not drain or reload" {
	sim_up --lan
	start_uplinkd "$CONF
socket-group = nogroup
"
	wait_until 5000 both_up
	chmod 711 "$(helpers_tmp)"	# let others reach the socket's mode
	run stat -c '%a %U %G' "$UPLINKD_SOCK"
	[[ $output == "660 root nogroup" ]]
	local as_nobody=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
	run in_host "${as_nobody[@]}" "$UPLINKCTL" -s "$UPLINKD_SOCK" status --json
	[[ $status == 0 && $output == *isp1* ]]
	run in_host "${as_nobody[@]}" "$UPLINKCTL" -s "$UPLINKD_SOCK" drain isp1
	echo "$output"
	[[ $status == 1 && $output == *"permission denied"* ]]
	run in_host "${as_nobody[@]}" "$UPLINKCTL" -s "$UPLINKD_SOCK" reload
	[[ $status == 1 && $output == *"permission denied"* ]]
	[[ $(link_field isp1 drained) == false ]]
	# others may not even connect
	run in_host setpriv --reuid=nobody --regid=nobody --clear-groups \
		"$UPLINKCTL" -s "$UPLINKD_SOCK" status
	[[ $status != 0 ]]
}

@test "metrics are valid Prometheus exposition, on the socket and over HTTP" {
	sim_up --lan
	start_uplinkd "$CONF
metrics-listen = \"127.0.0.1:9120\"
"
	wait_until 5000 both_up
	run uplinkctl metrics
	[[ $status == 0 ]]
	printf '%s\n' "$output" | promtool check metrics
	[[ $output == *'uplinkd_link_up{link="isp1",interface="wan1",family="ipv4"} 1'* ]]
	[[ $output == *"uplinkd_reconciles_total"* ]]
	run in_host curl -sf http://127.0.0.1:9120/metrics
	[[ $status == 0 ]]
	printf '%s\n' "$output" | promtool check metrics
	[[ $output == *"uplinkd_link_rx_bytes_total"* ]]
}

@test "a second instance refuses to start while one answers on the socket" {
	sim_up --lan
	start_uplinkd "$CONF"
	wait_until 5000 both_up
	run in_host timeout 5 "$UPLINKD" -c "$UPLINKD_CONF"
	echo "$output"
	[[ $status != 0 ]]
	[[ $output == *"control socket"* ]]
	# the first one is untouched
	run uplinkctl status --json
	[[ $status == 0 ]]
	in_host ip nexthop show id 1000000 | grep -q "1000001/1000002"
}

@test "watch prints state changes as they happen" {
	sim_up --lan
	start_uplinkd "$CONF"
	wait_until 5000 both_up
	local out
	out=$(helpers_tmp)/watch.out
	bg_in host "$UPLINKCTL" -s "$UPLINKD_SOCK" watch
	local w=$BG_PID
	sleep 0.3
	in_host "$UPLINKCTL" -s "$UPLINKD_SOCK" watch >"$out" &
	local w2=$!
	HELPERS_PIDS+=("$w2")
	sleep 0.3
	sim carrier 2 down
	wait_until 2000 grep -q "isp2.*down" "$out"
	cat "$out" >&3
	kill "$w" "$w2"
}

@test "the systemd unit is valid" {
	command -v systemd-analyze || skip "no systemd-analyze"
	local dir unit
	dir=$(helpers_tmp)
	unit=$dir/uplinkd.service
	sed "s|@sbindir@/uplinkd|$UPLINKD|g; s|@sysconfdir@|/etc|g" \
		"$REPO/contrib/uplinkd.service" >"$unit"
	run systemd-analyze verify --man=no "$unit"
	echo "$output"
	[[ $status == 0 ]]
	grep -q '^Type=notify' "$unit"
	grep -q '^CapabilityBoundingSet=CAP_NET_ADMIN CAP_NET_RAW' "$unit"
}

@test "exec runs a command whose traffic leaves over the named link" {
	sim_up --lan
	# `ip netns exec` gives each command a fresh /sys without the cgroup
	# mounts: mount the (one, shared) cgroup2 hierarchy where nftables
	# and uplinkctl look for it, for the daemon and for each client
	local wrap
	wrap=$(helpers_tmp)/cg
	printf '#!/bin/sh\nmountpoint -q /sys/fs/cgroup || mount -t cgroup2 none /sys/fs/cgroup || exit 77\nexec "$@"\n' >"$wrap"
	chmod 755 "$wrap"
	in_host "$wrap" true || skip "cgroup2 cannot be mounted here"
	UPLINKD_WRAP=$wrap start_uplinkd "$CONF"
	wait_until 5000 both_up
	grep -q "uplinkctl exec is unavailable" "$UPLINKD_LOG" && fail "no exec cgroups"
	local i
	for i in 1 2 3 4; do
		run in_host "$wrap" "$UPLINKCTL" -s "$UPLINKD_SOCK" exec isp2 -- \
			socat -T 3 - TCP:198.19.200.1:80,connect-timeout=3
		[[ $status == 0 ]]
		[[ $(isp_of_addr "$output") == 2 ]]
		run in_host "$wrap" "$UPLINKCTL" -s "$UPLINKD_SOCK" exec isp1 -- \
			socat -T 3 - TCP:198.19.200.1:80,connect-timeout=3
		[[ $(isp_of_addr "$output") == 1 ]]
	done
	run in_host "$UPLINKCTL" -s "$UPLINKD_SOCK" exec nosuch -- true
	[[ $status != 0 ]]
}
