#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
#
# Hostile input and least privilege (issue 7, items 4 and 5): forged ICMP
# echo replies from an ISP whose upstream is dead never bring its link up;
# malformed, oversized and slow control clients get errors and cannot stall
# the daemon; after setup the daemon keeps only CAP_NET_ADMIN and
# CAP_NET_RAW, with no_new_privs, and still does its job.
#
#   ${P}lan -- lan0 [${P}host] wan1 198.18.1.2 -- cust [${P}isp1] transit --.
#                    uplinkd   wan2 198.18.2.2 -- cust [${P}isp2] transit ---+-- ${P}inet
#                                                   ^                        targets 198.19.255.1-3
#                         inject_icmp sniffs the probes on isp1's cust and
#                         answers them with forged replies (from isp1, or
#                         from isp2 so that they arrive on the wrong link)
# (full addressing in tests/sim/uplinksim)

load helpers

CONF2=$CONF_TWO_ISPS

setup() {
	require_root
}

# injector: the path of tests/tools/inject_icmp, built by meson or, when
# the build has no tests/tools yet, compiled here.
injector() {
	local bin=$BUILD/tests/tools/inject_icmp
	if [[ ! -x $bin ]]; then
		bin=$(helpers_tmp)/inject_icmp
		[[ -x $bin ]] || cc -O2 -o "$bin" "$REPO/tests/tools/inject_icmp.c" >&2 || return 1
	fi
	echo "$bin"
}

# cut_isp1: both links up, then ISP 1's upstream dies; wait until isp1 is
# out of the group.
cut_isp1() {
	sim_up --lan
	start_uplinkd "$CONF2"
	wait_until 8000 eval '[[ $(link_state isp1) == up && $(link_state isp2) == up ]]'
	wait_until 3000 in_group 1000001
	wait_until 3000 in_group 1000002
	sim cut 1
	wait_until 3000 group_lacks 1000001
	grep -q "link isp1: ipv4 up -> down" "$UPLINKD_LOG"
}

# never_up SECONDS: isp1 stays out of the group for SECONDS (polled every
# 50 ms) and the log has no transition of isp1 to up after the cut.
never_up() {
	local i n=$(($1 * 20))
	for ((i = 0; i < n; i++)); do
		if in_group 1000001; then
			echo "isp1 is back in the group after $((i * 50)) ms of forged replies" >&2
			return 1
		fi
		sleep 0.05
	done
	! sed -n '/link isp1: ipv4 up -> down/,$p' "$UPLINKD_LOG" | grep -E "link isp1: ipv4 [a-z]+ -> (up|degraded)"
}

# sent_some FILE: the injector's report in FILE says it sent replies.
sent_some() {
	local f=$1
	cat "$f"
	grep -Eq 'requests seen, [1-9][0-9]* replies sent|swept, [1-9][0-9]* replies sent' "$f"
}

@test "forged replies with a wrong id, sequence or source never bring a cut link up" {
	local inj dir m
	inj=$(injector)
	dir=$(helpers_tmp)
	cut_isp1
	# every kind of forgery at once, for 5 s, each answering every probe
	for m in wrong-id wrong-seq wrong-src; do
		bg_in isp1 bash -c "'$inj' --mode $m --sniff-if cust --duration 5 >'$dir/$m.out'"
	done
	# replies claiming to come from another of the link's targets
	for m in 1 2; do
		bg_in isp1 bash -c "'$inj' --mode other-src --src 198.19.255.$m --sniff-if cust --duration 5 >'$dir/other$m.out'"
	done
	never_up 5
	# the injectors ran and answered
	for m in wrong-id wrong-seq wrong-src other1 other2; do
		wait_until 3000 test -s "$dir/$m.out"
		sent_some "$dir/$m.out"
	done
	group_lacks 1000001
	kill -0 "$UPLINKD_PID"
	# and they were counted as ignored, in the status
	run uplinkctl status --json
	python3 -c '
import json, sys
l = [l for l in json.loads(sys.argv[1])["links"] if l["name"] == "isp1"][0]
p = l["ipv4"]["probes"]
print(p)
assert p["ignored"] > 0 and p["sent"] > 0, p' "$output"
}

@test "forged replies with the right id, sequence and source but a wrong tag never bring a cut link up, and are counted" {
	local inj dir
	inj=$(injector)
	dir=$(helpers_tmp)
	cut_isp1
	bg_in isp1 bash -c "'$inj' --mode wrong-tag --sniff-if cust --duration 5 >'$dir/tag.out'"
	never_up 5
	wait_until 3000 test -s "$dir/tag.out"
	sent_some "$dir/tag.out"
	group_lacks 1000001
	run uplinkctl status --json
	python3 -c '
import json, sys
l = [l for l in json.loads(sys.argv[1])["links"] if l["name"] == "isp1"][0]
p = l["ipv4"]["probes"]
print(p)
assert p["forged"] > 10 and p["replies"] < p["sent"], p' "$output"
}

@test "a blind blast of all 65536 ids never brings a cut link up" {
	local inj dir
	inj=$(injector)
	dir=$(helpers_tmp)
	cut_isp1
	bg_in isp1 bash -c "'$inj' --mode blast --src 198.19.255.1 --dst 198.18.1.2 --duration 5 >'$dir/blast1.out'"
	bg_in isp1 bash -c "'$inj' --mode blast --src 198.19.255.2 --dst 198.18.1.2 --duration 5 >'$dir/blast2.out'"
	never_up 5
	wait_until 3000 test -s "$dir/blast2.out"
	wait_until 3000 test -s "$dir/blast1.out"
	sent_some "$dir/blast1.out"
	sent_some "$dir/blast2.out"
	kill -0 "$UPLINKD_PID"
}

@test "an echo-reply flood at one uplink's address: the other link's silent cut is still seen within 1 s" {
	local inj dir start ms
	inj=$(injector)
	dir=$(helpers_tmp)
	sim_up --lan
	start_uplinkd "$CONF2"
	wait_until 8000 eval '[[ $(link_state isp1) == up && $(link_state isp2) == up ]]'
	wait_until 3000 in_group 1000002
	# two blind floods of echo replies at wan1, from isp1's probe targets
	bg_in isp1 bash -c "'$inj' --mode blast --src 198.19.255.1 --dst 198.18.1.2 --duration 6 >'$dir/f1.out'"
	bg_in isp1 bash -c "'$inj' --mode blast --src 198.19.255.2 --dst 198.18.1.2 --duration 6 >'$dir/f2.out'"
	sleep 1
	start=$(now_us)
	sim cut 2
	wait_until 1000 not_in_group 1000002
	ms=$(elapsed_ms_since "$start")
	echo "# isp2 cut under a flood at wan1: out of the group after $ms ms" >&3
	# the flooded link itself stayed up, and the daemon answers
	[[ $(link_state isp1) == up ]]
	status_fast
	wait_until 8000 test -s "$dir/f1.out"
	sent_some "$dir/f1.out"
}

@test "exact replies to one link's probes arriving on the other link do not count" {
	local inj dir
	inj=$(injector)
	dir=$(helpers_tmp)
	cut_isp1
	# isp2 delivers to the host's wan2 what is addressed to wan1's address
	in_ns isp2 ip route add 198.18.1.2/32 dev cust
	# sniff isp1's probes, answer them perfectly, but from isp2
	bg_in isp2 bash -c "'$inj' --mode exact --sniff-ns '${SIM_PREFIX}isp1' --sniff-if cust --duration 5 >'$dir/other.out'"
	never_up 5
	wait_until 3000 test -s "$dir/other.out"
	sent_some "$dir/other.out"
}

@test "positive control: exact forged replies on the link itself are accepted (the injector works)" {
	# The positive control of the tests above: an on-path ISP that copies
	# id, sequence and payload is indistinguishable from a live target, so
	# the link comes up. Were this to fail, the forgeries above would
	# prove nothing.
	local inj dir
	inj=$(injector)
	dir=$(helpers_tmp)
	cut_isp1
	bg_in isp1 bash -c "'$inj' --mode exact --sniff-if cust --duration 20 >'$dir/exact.out'"
	wait_until 15000 in_group 1000001
}

# --- the control socket -------------------------------------------------

# control_or_skip: skip unless the daemon serves its control socket
# within 2 s of start (src/control.c wired into the daemon).
control_or_skip() {
	wait_until 2000 test -S "$UPLINKD_SOCK" ||
		skip "uplinkd serves no control socket ($UPLINKD_SOCK) within 2 s of start"
}

# ask LINE...: send raw bytes (printf %b) to the socket, print the answer.
ask() {
	printf '%b' "$1" | in_host timeout 3 socat -t 2 - "UNIX-CONNECT:$UPLINKD_SOCK"
}

# status_fast: `uplinkctl status` answers within 1 s
status_fast() {
	local start ms
	start=$(now_us)
	in_host timeout 1 "$UPLINKCTL" -s "$UPLINKD_SOCK" status >/dev/null || return 1
	ms=$(elapsed_ms_since "$start")
	echo "# status answered in $ms ms" >&3
	((ms < 1000))
}

@test "control: oversized, truncated, non-JSON and unknown requests get an error" {
	sim_up
	start_uplinkd "$CONF2"
	control_or_skip
	local big req out
	big=$(head -c 5000 /dev/zero | tr '\0' 'a')
	for req in "{\"cmd\":\"status\",\"x\":\"$big\"}\n" "$big\n" '{"cmd":"sta\n' \
		'{"cmd":\n' 'hello\n' '\x00\x01\x02\xff\n' '[1,2,3]\n' '{"cmd":"no-such-command"}\n' \
		'{"cmd":"drain","link":"no-such-link"}\n' '{"cmd":"drain","link":"../../etc"}\n' \
		'{"cmd":"status","cmd":"status"}\n' '{}\n' '"status"\n'; do
		out=$(ask "$req") || true
		echo "request ${req:0:40}... -> $out"
		[[ $out == *'"ok":false'* || $out == *'"ok": false'* ]]
		[[ $out == *'"error"'* ]]
		kill -0 "$UPLINKD_PID"
	done
	# a request cut short by the client's EOF: an error or nothing, and the
	# daemon goes on
	ask '{"cmd":"stat' || true
	status_fast
	# many requests on one connection, some bad: one answer each
	out=$(ask '{"cmd":"status"}\nbad\n{"cmd":"status"}\n{"cmd":"x"}\n')
	[[ $(grep -c '"ok"' <<<"$out") == 4 ]]
	status_fast
}

@test "control: a slow client and idle clients cannot stall the daemon" {
	sim_up
	start_uplinkd "$CONF2"
	control_or_skip
	local i
	# one byte per second of a status request
	bg_in host bash -c "for c in '{' '\"' c m d '\"' : '\"' s t a t u s; do printf %s \"\$c\"; sleep 1; done | socat -t 30 - 'UNIX-CONNECT:$UPLINKD_SOCK' >/dev/null"
	# forty idle connections (the daemon serves at most 64 clients)
	bg_in host bash -c "for i in \$(seq 40); do socat -u 'UNIX-CONNECT:$UPLINKD_SOCK' EXEC:'sleep 30' & done; wait"
	sleep 1
	for i in 1 2 3 4 5; do
		status_fast
		sleep 0.5
	done
	# and the daemon still does its job: a dead ISP leaves the group
	sim cut 2
	wait_until 3000 group_lacks 1000002
}

@test "control: a client that sends many requests and never reads cannot stall the daemon or its probes" {
	sim_up
	start_uplinkd "$CONF2"
	control_or_skip
	wait_until 8000 eval '[[ $(link_state isp1) == up && $(link_state isp2) == up ]]'
	local i
	# pipelined status requests whose answers are never read
	bg_in host bash -c "yes '{\"cmd\":\"status\"}' | head -n 100000 | socat -u - 'UNIX-CONNECT:$UPLINKD_SOCK'"
	sleep 0.5
	for i in 1 2 3 4 5; do
		status_fast
		sleep 0.5
	done
	# the probes were answered in time all along: no link went down
	! grep -E "link isp[12]: ipv4 up -> (down|degraded)" "$UPLINKD_LOG"
	in_group 1000001
	in_group 1000002
}

@test "control: the socket's permissions are enforced" {
	sim_up
	local dir
	dir=$(helpers_tmp)
	# other users may reach the socket's directory; the socket's own
	# permissions decide
	chmod 711 "$dir"
	start_uplinkd "socket-group = \"nogroup\"
$CONF2"
	control_or_skip
	run in_host stat -c '%a %U %G' "$UPLINKD_SOCK"
	echo "$output"
	[[ $output == "660 root nogroup" ]]
	# someone else: cannot connect at all
	run in_host setpriv --reuid=daemon --regid=daemon --clear-groups \
		"$UPLINKCTL" -s "$UPLINKD_SOCK" status
	echo "$output"
	((status != 0))
	# a member of the socket's group: may read, may not change
	run in_host setpriv --reuid=nobody --regid=nogroup --clear-groups \
		"$UPLINKCTL" -s "$UPLINKD_SOCK" status
	echo "$output"
	((status == 0))
	run in_host setpriv --reuid=nobody --regid=nogroup --clear-groups \
		"$UPLINKCTL" -s "$UPLINKD_SOCK" reload
	echo "$output"
	((status != 0))
	run in_host setpriv --reuid=nobody --regid=nogroup --clear-groups \
		"$UPLINKCTL" -s "$UPLINKD_SOCK" drain isp1
	((status != 0))
	in_group 1000001
}

# --- least privilege ----------------------------------------------------

cap_field() { sed -n "s/^$1:[[:space:]]*//p" "/proc/$UPLINKD_PID/status"; }

@test "after setup the daemon keeps only CAP_NET_ADMIN and CAP_NET_RAW, with no_new_privs" {
	sim_up --lan
	local dir
	dir=$(helpers_tmp)
	mkdir -p "$dir/hooks"
	# a hook that reports its own privileges
	cat >"$dir/hooks/10-caps" <<'EOF'
#!/bin/sh
grep -E '^(CapEff|CapBnd|NoNewPrivs):' /proc/self/status | tr '\t' ' ' | sed 's/^/hookcaps /'
EOF
	chmod 755 "$dir/hooks/10-caps"
	start_uplinkd "hooks-dir = \"$dir/hooks\"
$CONF2"
	wait_until 8000 grep -q "ready: " "$UPLINKD_LOG"
	wait_until 8000 eval '[[ $(link_state isp2) == up ]]'
	[[ $(cat "/proc/$UPLINKD_PID/comm") == uplinkd ]]
	grep -E '^(Cap|NoNewPrivs)' "/proc/$UPLINKD_PID/status"
	# CAP_NET_ADMIN (12) and CAP_NET_RAW (13): 0x3000
	[[ $(cap_field CapEff) == 0000000000003000 ]]
	[[ $(cap_field CapPrm) == 0000000000003000 ]]
	[[ $(cap_field CapBnd) == 0000000000003000 ]]
	[[ $(cap_field CapInh) == 0000000000000000 ]]
	[[ $(cap_field CapAmb) == 0000000000000000 ]]
	[[ $(cap_field NoNewPrivs) == 1 ]]
	# the hooks run with the same reduced set
	wait_until 5000 grep -q "hookcaps CapEff: *0000000000003000" "$UPLINKD_LOG"
	grep -q "hookcaps CapBnd: *0000000000003000" "$UPLINKD_LOG"
	grep -q "hookcaps NoNewPrivs: *1" "$UPLINKD_LOG"
	# and it can still do everything its loop does: rewrite a sysctl
	# someone changed, move traffic off a dead link, reload, clean up
	in_host sysctl -qw net.ipv4.fib_multipath_use_neigh=0
	sim cut 2
	wait_until 3000 group_lacks 1000002
	[[ $(in_host sysctl -n net.ipv4.fib_multipath_use_neigh) == 1 ]]
	sim heal 2
	wait_until 10000 in_group 1000002
	kill -HUP "$UPLINKD_PID"
	wait_until 3000 grep -q "reload: " "$UPLINKD_LOG"
	! grep -qi "permission denied\|operation not permitted" "$UPLINKD_LOG"
	stop_uplinkd TERM
	[[ $UPLINKD_STATUS == 0 ]]
	run in_host ip rule show
	[[ $output != *"proto 250"* ]]
	run in_host nft list tables
	[[ $output != *uplinkd* ]]
}

@test "hooks that others could change are not run" {
	sim_up
	local dir
	dir=$(helpers_tmp)
	mkdir -p "$dir/hooks"
	chmod 755 "$dir/hooks"
	local h
	for h in 10-good 20-world-writable 30-group-writable 40-not-roots; do
		printf '#!/bin/sh\ntouch "%s/ran-%s"\n' "$dir" "$h" >"$dir/hooks/$h"
		chmod 755 "$dir/hooks/$h"
	done
	chmod 757 "$dir/hooks/20-world-writable"
	chmod 775 "$dir/hooks/30-group-writable"
	chown nobody "$dir/hooks/40-not-roots"
	start_uplinkd "hooks-dir = \"$dir/hooks\"
$CONF2"
	# a state change runs the hooks
	wait_until 8000 test -e "$dir/ran-10-good"
	sleep 0.5
	[[ ! -e $dir/ran-20-world-writable ]]
	[[ ! -e $dir/ran-30-group-writable ]]
	[[ ! -e $dir/ran-40-not-roots ]]
	grep -q "hook 20-world-writable: writable by group or others; not run" "$UPLINKD_LOG"
	grep -q "hook 30-group-writable: writable by group or others; not run" "$UPLINKD_LOG"
	grep -q "hook 40-not-roots: owned by uid" "$UPLINKD_LOG"
}

@test "started with only CAP_NET_ADMIN and CAP_NET_RAW (systemd CapabilityBoundingSet=), it drops nothing more and works" {
	command -v setpriv >/dev/null || skip "no setpriv"
	sim_up --lan
	local dir
	dir=$(helpers_tmp)
	# what systemd does for CapabilityBoundingSet=CAP_NET_ADMIN CAP_NET_RAW:
	# no CAP_SETPCAP, so the bounding set cannot be changed any more
	printf '#!/bin/sh\nexec setpriv --bounding-set=-all,+net_admin,+net_raw --inh-caps=-all -- "$@"\n' >"$dir/wrap"
	chmod 755 "$dir/wrap"
	UPLINKD_WRAP=$dir/wrap start_uplinkd "$CONF2"
	wait_until 8000 grep -q "ready: " "$UPLINKD_LOG"
	grep -q "privileges dropped" "$UPLINKD_LOG"
	[[ $(cap_field CapEff) == 0000000000003000 ]]
	[[ $(cap_field CapBnd) == 0000000000003000 ]]
	[[ $(cap_field NoNewPrivs) == 1 ]]
	wait_until 8000 eval '[[ $(link_state isp1) == up && $(link_state isp2) == up ]]'
	sim cut 2
	wait_until 3000 group_lacks 1000002
	stop_uplinkd TERM
	[[ $UPLINKD_STATUS == 0 ]]
	run in_host ip rule show
	[[ $output != *"proto 250"* ]]
}
