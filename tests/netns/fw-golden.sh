#!/bin/bash
# SPDX-License-Identifier: ISC
#
# Loads every golden ruleset (tests/golden/fw/*.nft, written by test_fw)
# into the kernel, each in a fresh network namespace of its own, and proves:
#   - `nft -c` accepts it and a real load succeeds;
#   - loading it again succeeds and keeps the stateful objects: a counter
#     given packets before the first load, and an element put in a sticky
#     set between the loads, are still there afterwards;
#   - removed.nft, applied over removed-before.nft, deletes the objects it names
#     and keeps the ones still wanted.
#
#   +---------------------------+
#   | netns fwgold-PID-N        |   no interfaces needed: the rulesets
#   |   table inet uplinkd      |   name interfaces by string (iifname)
#   +---------------------------+
#
# Needs root. Exits non-zero on any failure.
set -u

dir=$(cd "$(dirname "$0")/../golden/fw" && pwd)
prefix="fwgold-$$"
nsl=()
fail=0
n=0

cleanup() {
	local ns
	for ns in "${nsl[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
}
trap cleanup EXIT

newns() {
	n=$((n + 1))
	ns="$prefix-$n"
	ip netns add "$ns" || exit 1
	nsl+=("$ns")
}

bad() {
	echo "FAIL $*" >&2
	fail=1
	cfail=1
}

nsnft() {
	ip netns exec "$ns" nft "$@"
}

for f in "$dir"/*.nft; do
	name=$(basename "$f" .nft)
	cfail=0
	newns
	if ! nsnft -c -f "$f"; then
		bad "$name: nft -c"
		continue
	fi
	# a counter with history before uplinkd first applies
	cnt=$(sed -n 's/^add counter inet uplinkd \([^ ]*\)$/\1/p' "$f" |
	    head -n1)
	if [ -n "$cnt" ]; then
		nsnft "add table inet uplinkd; add counter inet uplinkd $cnt { packets 7 bytes 700 }" ||
		    bad "$name: seeding counter"
	fi
	nsnft -f "$f" || { bad "$name: first load"; continue; }
	set4=$(sed -n 's/^add set inet uplinkd \(sticky4_[^ ]*\) .*/\1/p' "$f" |
	    while read -r s; do
		grep -q "^delete set inet uplinkd $s\$" "$f" || echo "$s"
	    done | head -n1)
	if [ -n "$set4" ]; then
		nsnft "add element inet uplinkd $set4 { 100.64.0.9 . 198.19.0.1 }" ||
		    bad "$name: element into $set4"
	fi
	nsnft -f "$f" || { bad "$name: second load"; continue; }
	if [ -n "$cnt" ] && ! nsnft list counter inet uplinkd "$cnt" |
	    grep -q 'packets 7 bytes 700'; then
		bad "$name: counter $cnt was reset by the re-apply"
	fi
	if [ -n "$set4" ] && ! nsnft list set inet uplinkd "$set4" |
	    grep -q '100.64.0.9 . 198.19.0.1'; then
		bad "$name: sticky set $set4 lost its element"
	fi
	[ "$cfail" = 0 ] && echo "ok $name"
done

# removal over a config that had the objects
newns
if nsnft -f "$dir/removed-before.nft" && nsnft -f "$dir/removed.nft"; then
	out=$(nsnft list table inet uplinkd)
	for gone in link_isp2_tx link_isp2_rx mark_isp2 pol_web \
	    sticky4_600_web_isp1 sticky6_600_web_isp2; do
		echo "$out" | grep -qw "$gone" && bad "removed: $gone still there"
	done
	for kept in link_isp1_tx mark_isp1 prerouting; do
		echo "$out" | grep -qw "$kept" || bad "removed: $kept went"
	done
	# and once more, now that the objects are gone
	nsnft -f "$dir/removed.nft" || bad "removed: re-apply"
	echo "ok removed-over-before"
else
	bad "removed over removed-before: load"
fi

exit $fail
