#!/bin/bash
# SPDX-License-Identifier: ISC
#
# article.sh: the static "routing for multiple uplinks" setup (LARTC 4.2,
# and the 2008 Debian article that repeats it), applied to uplinksim's host
# with the article's own commands. It is what uplinkd is measured against.
#
#        ${P}lan 100.64.0.2 --- lan0 [ ${P}host ] wan1 198.18.1.2 --- isp1 198.18.1.1
#                                              wan2 198.18.2.2 --- isp2 198.18.2.1
#                                              ...
#
# Per uplink K (the article's $IFk, $IPk, $Pk, $Pk_NET), table 100+K:
#   ip route add 198.18.K.0/24 dev wanK src 198.18.K.2 table TK
#   ip route add default via 198.18.K.1 table TK
#   ip route replace 198.18.K.0/24 dev wanK src 198.18.K.2
#   ip rule add from 198.18.K.2 table TK
#   ip route add 100.64.0.0/24 dev lan0 table TK      (the article's $P0_NET)
#   ip route add 127.0.0.0/8 dev lo table TK
# then the balanced default:
#   ip route add default scope global nexthop via 198.18.1.1 dev wan1 weight 1 \
#       nexthop via 198.18.2.1 dev wan2 weight 1 ...
# and, with a LAN, the NAT the article says its clients need (its iptables
# SNAT lines, in nftables): oifname wanK ip saddr 100.64.0.0/24 snat to
# 198.18.K.2.
#
# Deviations, all forced by running inside a simulation: tables are numbered
# (101, 102, ...) instead of named in /etc/iproute2/rt_tables, a file shared
# with the root namespace; the main table's connected routes exist already
# (the kernel added them with the addresses), so they are replaced, not
# added; the article's single `ip route add default via $P1` is left out, as
# the simulated DHCP clients' defaults (metric 100+K) are there and the
# multipath default (metric 0) goes before them. The article does not switch
# on forwarding: give uplinksim `--host-forwarding` for the LAN.
#
# usage: article.sh [-p PREFIX] [-w W1,W2,..] apply|remove|print

set -euo pipefail

PROG=${0##*/}
PREFIX=usim_
WEIGHTS=""
STATE_ROOT=/run/uplinksim

die() { echo "$PROG: $*" >&2; exit 1; }

while getopts "p:w:h" o; do
	case $o in
	p) PREFIX=$OPTARG ;;
	w) WEIGHTS=$OPTARG ;;
	*) echo "usage: $PROG [-p PREFIX] [-w W1,W2,..] apply|remove|print" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
action=${1:-}
[[ $action == apply || $action == remove || $action == print ]] ||
	die "usage: $PROG [-p PREFIX] [-w W1,W2,..] apply|remove|print"

conf=$STATE_ROOT/$PREFIX/conf
[[ -f $conf ]] || die "no uplinksim network with prefix '$PREFIX'"
# shellcheck disable=SC1090
. "$conf"
((!SHARED)) || die "the article cannot use two ISPs on one interface (its caveat 4)"
IFS=, read -r -a weight <<<"$WEIGHTS"
HOST=${PREFIX}host

# The article's commands, one per line, in `ip -batch` form (no leading ip).
route_cmds() {
	local k nh=""
	for ((k = 1; k <= ISPS; k++)); do
		echo "route add 198.18.$k.0/24 dev wan$k src 198.18.$k.2 table $((100 + k))"
		echo "route add default via 198.18.$k.1 table $((100 + k))"
	done
	for ((k = 1; k <= ISPS; k++)); do
		echo "route replace 198.18.$k.0/24 dev wan$k src 198.18.$k.2"
	done
	for ((k = 1; k <= ISPS; k++)); do
		echo "rule add from 198.18.$k.2 table $((100 + k))"
	done
	for ((k = 1; k <= ISPS; k++)); do
		((LAN)) && echo "route add 100.64.0.0/24 dev lan0 table $((100 + k))"
		local j
		for ((j = 1; j <= ISPS; j++)); do
			((j == k)) || echo "route add 198.18.$j.0/24 dev wan$j table $((100 + k))"
		done
		echo "route add 127.0.0.0/8 dev lo table $((100 + k))"
	done
	for ((k = 1; k <= ISPS; k++)); do
		nh+=" nexthop via 198.18.$k.1 dev wan$k weight ${weight[k - 1]:-1}"
	done
	echo "route add default scope global$nh"
}

nat_cmds() {
	((LAN)) || return 0
	local k
	echo "table ip article {"
	echo " chain postrouting { type nat hook postrouting priority srcnat;"
	for ((k = 1; k <= ISPS; k++)); do
		echo "  oifname \"wan$k\" ip saddr 100.64.0.0/24 snat to 198.18.$k.2"
	done
	echo " }"
	echo "}"
}

case $action in
print)
	route_cmds | sed 's/^/ip /'
	if ((LAN)); then
		echo "nft -f - <<EOF"
		nat_cmds
		echo "EOF"
	fi
	;;
apply)
	route_cmds | ip -n "$HOST" -b -
	if ((LAN)); then nat_cmds | ip netns exec "$HOST" nft -f -; fi
	;;
remove)
	# Undo in reverse; what is already gone is fine.
	ip -n "$HOST" route del default scope global metric 0 2>/dev/null || true
	for ((k = 1; k <= ISPS; k++)); do
		ip -n "$HOST" rule del from "198.18.$k.2" table $((100 + k)) 2>/dev/null || true
		ip -n "$HOST" route flush table $((100 + k)) 2>/dev/null || true
	done
	ip netns exec "$HOST" nft delete table ip article 2>/dev/null || true
	;;
esac
