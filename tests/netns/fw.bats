#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
#
# The rendered firewall against the real nftables and conntrack, in
# namespaces of their own (topologies drawn in the scripts): every golden
# ruleset of tests/golden/fw loads twice in a row keeping its counters and sticky
# sets, and the two-link ruleset balances, masquerades, keeps bound
# sockets on their link, and flushes conntrack by mark.

load helpers

setup() {
	require_root
}

@test "every golden ruleset loads, re-applies and keeps its state" {
	run "$REPO/tests/netns/fw-golden.sh"
	echo "$output"
	[[ $status == 0 ]]
}

@test "firewall end to end: balance, masquerade, bound sockets, conntrack flush" {
	run "$REPO/tests/netns/fw-e2e.sh" "$BUILD/tests/tools/fwtool"
	echo "$output"
	[[ $status == 0 ]]
}
