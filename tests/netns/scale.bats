#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
#
# A busy router (issue 11): with 100,000 tracked connections in the host
# namespace (tests/tools/ctfill makes them, half marked for each link),
# status and metrics are served from memory, polling them does not delay
# the probes, a silent cut is still seen within 1 s, the dead link's
# connections go in one request off the loop while status keeps being
# answered, and the per-link counts follow. Also: 100,000 sticky entries do
# not slow the firewall's reads.
#
#   ${P}lan 100.64.0.2 -- lan0 [${P}host] wan1 198.18.1.2 -- ${P}isp1 --.   cut/heal: nft drop
#                       100k conntrack  wan2 198.18.2.2 -- ${P}isp2 ----+-- ${P}inet
#                       entries          (uplinkd runs in ${P}host; see tests/sim/uplinksim)

load helpers

CONF=$CONF_TWO_ISPS
CTFILL=$BUILD/tests/tools/ctfill
POLL=("$REPO/tests/tools/nettools.py" ctlpoll)
# limits in ms, scaled like wait_until's (tests/sanitize triples them)
FAST=$((20 * ${TEST_TIME_SCALE:-1}))
STALL=$((250 * ${TEST_TIME_SCALE:-1}))

setup() {
	require_root
	sim_up --lan
}

both_in() { both_up && in_group 1000001 && in_group 1000002; }

# conns LINK: the link's connections as status reports them
conns() {
	uplinkctl status --json | jq -r --arg l "$1" \
		'.links[] | select(.name == $l) | .connections'
}

@test "100k connections: status and metrics stay fast, counts follow, a cut under polling is seen within 1 s" {
	start_uplinkd "$CONF"
	wait_until 3000 both_in
	run in_host "$CTFILL" -n 100000 -m 0x10000,0x20000
	echo "$output"
	[[ $status == 0 ]]
	# the counts come from events, corrected by a full count off the loop
	wait_until 15000 eval '(( $(conns isp1) >= 50000 && $(conns isp2) >= 50000 ))'
	uplinkctl status --json | jq -e '.connections_counted_age_s != null'

	# status and metrics back to back for 2 s: each answered at once
	local out
	out=$(in_host python3 "${POLL[@]}" "$UPLINKD_SOCK" status 2)
	echo "# status at 100k entries: $(jq -c 'del(.samples)' <<<"$out")" >&3
	jq -e --argjson l "$FAST" '.n > 100 and .median_ms < $l' <<<"$out"
	out=$(in_host python3 "${POLL[@]}" "$UPLINKD_SOCK" metrics 1)
	jq -e --argjson l "$FAST" '.n > 50 and .median_ms < $l' <<<"$out"
	uplinkctl metrics | grep -q '^uplinkd_link_connections{link="isp1".*} 5[0-9][0-9][0-9][0-9]$'

	# a silent cut while status is polled 10 times a second
	local tmp start ms
	tmp=$(helpers_tmp)
	in_host python3 "${POLL[@]}" "$UPLINKD_SOCK" status 4 100 >"$tmp/poll" &
	local poller=$!
	sleep 0.5
	start=$(now_us)
	sim cut 1
	wait_until 1000 not_in_group 1000001
	ms=$(elapsed_ms_since "$start")
	echo "# silent cut while polled: out of the group after $ms ms" >&3
	wait "$poller"
	# the flush of isp1's 50k entries ran off the loop: every status
	# answer during it came at once
	echo "# status during the cut and flush: $(jq -c 'del(.samples)' "$tmp/poll")" >&3
	jq -e --argjson l "$STALL" '.n >= 30 and .max_ms < $l' "$tmp/poll"
	wait_until 5000 grep -q "link isp1: flushed its ipv4 connections" "$UPLINKD_LOG"
	wait_until 10000 eval '(( $(conns isp1) < 100 && $(conns isp2) >= 50000 ))'
	! grep -q "link isp2: ipv4 up -> down" "$UPLINKD_LOG" || false
}

@test "100k sticky entries do not slow the firewall's reads or re-applies" {
	start_uplinkd "$CONF
policy web { links = { isp1, isp2 } sticky = 2h }
rule { proto = tcp dport = 443 policy = web }"
	wait_until 3000 both_in
	local tmp
	tmp=$(helpers_tmp)
	python3 - >"$tmp/elems.nft" <<-'EOF'
	for s in ("sticky4_7200_web_isp1", "sticky4_7200_web_isp2"):
	    els = ["100.64.%d.%d . 198.19.200.%d" % ((i >> 8) & 255, i & 255, i % 8 + 1)
	           for i in range(50000)]
	    for k in range(0, len(els), 5000):
	        print("add element inet uplinkd %s { %s }" % (s, ", ".join(els[k:k + 5000])))
	EOF
	in_host nft -f "$tmp/elems.nft"
	# each second the daemon reads its counters; polled status shows no
	# stall, and a reload (a re-apply of the ruleset) keeps the sets
	local out
	out=$(in_host python3 "${POLL[@]}" "$UPLINKD_SOCK" status 3)
	echo "# status with 100k sticky entries: $(jq -c 'del(.samples)' <<<"$out")" >&3
	jq -e --argjson l "$STALL" '.n > 100 and .max_ms < $l' <<<"$out"
	uplinkctl reload
	[[ $(in_host nft list set inet uplinkd sticky4_7200_web_isp1 | grep -c ' \. ') -ge 50000 ]]
	sim cut 1
	wait_until 1500 not_in_group 1000001
}
