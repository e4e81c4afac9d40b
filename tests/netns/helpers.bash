# SPDX-License-Identifier: ISC
#
# helpers.bash: what every namespace test (bats) needs: a simulated
# multi-ISP network of its own (tests/sim/uplinksim, see its header for the
# topology and addressing), commands run in its nodes, polling waits, which
# ISP carried a connection, and an uplinkd started and stopped by PID. The
# teardown removes the namespaces and kills the recorded PIDs whatever
# happened; a failed test prints the daemon's log.
#
# Use:   load helpers
#        setup()    { sim_up --lan; }          # optional
#        (teardown comes from here; a file that needs its own calls
#         helpers_teardown from it)

# shellcheck disable=SC2034 # the variables are for the test files
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SIM=$REPO/tests/sim/uplinksim
ARTICLE=$REPO/tests/sim/article
BUILD=${BUILD:-$REPO/build}
UPLINKD=${UPLINKD:-$BUILD/uplinkd}
UPLINKCTL=${UPLINKCTL:-$BUILD/uplinkctl}
# Unique per test process (bats runs each test in its own process); a
# setup_file that exports SIM_PREFIX shares one network across a file.
: "${SIM_PREFIX:=ul$$_}"
export SIM_PREFIX

UPLINKD_PID=""
UPLINKD_LOG=""
UPLINKD_CONF=""
UPLINKD_SOCK=""
UPLINKD_STATUS=""
HELPERS_PIDS=()
# This test's scratch directory (made on first use), short enough for a
# unix socket path. $$ is the test's process, in subshells too.
HELPERS_TMP=/tmp/ul-test.$$

# uplinkd's own source addresses in the tests: of the test ranges.
HELPERS_OWN_SOURCE='own-source = { 198.18.254.1, 2001:db8:fe::1 }'

# Servers, probe targets and NAT addresses of the simulation.
SERVER1=198.19.200.1
SERVERS=(198.19.200.{1..8})
TARGETS=(198.19.255.{1..3})

helpers_tmp() {
	mkdir -p -m 700 "$HELPERS_TMP" && echo "$HELPERS_TMP"
}

sim() { "$SIM" -p "$SIM_PREFIX" "$@"; }
sim_up() { sim up "$@"; }
sim_down() { sim down; }
# article_apply [-w W1,W2,..]: the article's static setup on the host
# (tests/sim/article); article_remove undoes it.
article_apply() { "$ARTICLE" -p "$SIM_PREFIX" "$@" apply; }
article_remove() { "$ARTICLE" -p "$SIM_PREFIX" remove; }
in_ns() { local node=$1; shift; ip netns exec "${SIM_PREFIX}$node" "$@"; }
in_host() { in_ns host "$@"; }
in_lan() { in_ns lan "$@"; }
in_inet() { in_ns inet "$@"; }

# wait_until TIMEOUT_MS CMD...: run CMD every 20 ms until it succeeds (0) or
# TIMEOUT_MS have passed (1, with a message naming CMD). TEST_TIME_SCALE
# (default 1) multiplies every timeout: tests/sanitize sets 3, because an
# instrumented daemon is slower; the time limits themselves are what the
# uninstrumented run (tests/run) checks.
wait_until() {
	local timeout_ms=$(($1 * ${TEST_TIME_SCALE:-1})); shift
	local start now
	start=${EPOCHREALTIME/./}
	while true; do
		"$@" >/dev/null 2>&1 && return 0
		now=${EPOCHREALTIME/./}
		if (((now - start) / 1000 >= timeout_ms)); then
			echo "wait_until: '$*' still failing after ${timeout_ms} ms" >&2
			return 1
		fi
		sleep 0.02
	done
}

# elapsed_ms_since START: milliseconds since START (a ${EPOCHREALTIME/./}).
now_us() { echo "${EPOCHREALTIME/./}"; }
elapsed_ms_since() { echo $((($(now_us) - $1) / 1000)); }

# isp_of_addr ADDR: the ISP number whose NAT address (198.19.K.1 or
# 2001:db8:100:K::1, any spelling) ADDR is.
isp_of_addr() {
	local a=${1#[}
	a=${a%]}
	a=${a#::ffff:}
	if [[ $a =~ ^198\.19\.([0-9]+)\.1$ ]] && ((BASH_REMATCH[1] >= 1 && BASH_REMATCH[1] <= 64)); then
		echo "${BASH_REMATCH[1]}"
		return 0
	fi
	local -a g
	IFS=: read -r -a g <<<"$a"
	if [[ $a =~ ^[0-9a-fA-F:]+$ ]] && ((${#g[@]} >= 4)) && [[ $((16#${g[0]:-0})) == 8193 && $((16#${g[1]:-0})) == 3512 &&
		$((16#${g[2]:-0})) == 256 ]] && ((16#${g[3]:-0} >= 1 && 16#${g[3]:-0} <= 64)); then
		echo $((16#${g[3]}))
		return 0
	fi
	echo "unknown address '$1'" >&2
	return 1
}

# rx_bytes K: bytes ISP K has sent towards the host (its cust interface)
rx_bytes() {
	in_ns "isp$1" cat /sys/class/net/cust/statistics/tx_bytes
}

# rx_grew K SINCE BYTES: ISP K has sent BYTES more than SINCE (rx_bytes)
rx_grew() { (($(rx_bytes "$1") - $2 >= $3)); }

# which_isp [NODE] [SERVER] [BIND]: connect from NODE (default host) to the
# echo service (tcp 80) of SERVER (default 198.19.200.1, or an IPv6 server),
# optionally from address BIND, and print the number of the ISP that
# carried the connection.
which_isp() {
	local node=${1:-host} server=${2:-$SERVER1} bind=${3:-} peer addr
	if [[ $server == *:* ]]; then
		addr="TCP6:[$server]:80"
	else
		addr="TCP4:$server:80"
	fi
	[[ $bind == *:* ]] && bind="[$bind]"
	[[ -n $bind ]] && addr+=",bind=$bind"
	peer=$(in_ns "$node" socat -T 3 -u "$addr,connect-timeout=3" STDOUT) || return 1
	[[ -n $peer ]] || { echo "which_isp: no answer from $server" >&2; return 1; }
	isp_of_addr "$peer"
}

# uplinkd_ready: true once the daemon started by start_uplinkd serves its
# control socket or has logged that it is ready. Adjust here when the
# daemon's readiness signal changes.
uplinkd_ready() {
	[[ -S $UPLINKD_SOCK ]] && return 0
	grep -qiw 'ready' "$UPLINKD_LOG" 2>/dev/null
}

# start_uplinkd CONF_TEXT [ARGS...]: write CONF_TEXT to a file (with a
# control socket of this test's own unless CONF_TEXT names one, and
# HELPERS_OWN_SOURCE unless it names an own-source), start
# $UPLINKD -c FILE -v ARGS in the host namespace, and wait (5 s at most)
# until it is ready. Sets UPLINKD_PID, UPLINKD_LOG, UPLINKD_CONF,
# UPLINKD_SOCK. Fails, with the log, if the daemon exits or is not ready.
# Call it directly, not through `run` (which would lose the variables).
start_uplinkd() {
	local conf=$1; shift
	local dir
	dir=$(helpers_tmp)
	[[ -x $UPLINKD ]] || { echo "start_uplinkd: $UPLINKD is not built" >&2; return 1; }
	UPLINKD_CONF=$dir/uplinkd.conf
	UPLINKD_LOG=$dir/uplinkd.log
	if [[ $conf =~ (^|$'\n')[[:space:]]*socket[[:space:]]*= ]]; then
		UPLINKD_SOCK=$(sed -n 's/^[[:space:]]*socket[[:space:]]*=[[:space:]]*"\{0,1\}\([^"]*\)"\{0,1\}[[:space:]]*$/\1/p' <<<"$conf" | head -1)
		printf '%s\n' "$conf" >"$UPLINKD_CONF"
	else
		UPLINKD_SOCK=$dir/uplinkd.sock
		printf 'socket = "%s"\n%s\n' "$UPLINKD_SOCK" "$conf" >"$UPLINKD_CONF"
	fi
	# uplinkd's own source address (a host without a LAN): from the
	# simulation's ranges instead of the defaults 192.0.0.8 and 100::1
	[[ $conf =~ (^|$'\n')[[:space:]]*own-source[[:space:]]*= ]] ||
		printf '%s\n' "$HELPERS_OWN_SOURCE" >>"$UPLINKD_CONF"
	: >>"$UPLINKD_LOG"
	rm -f "$dir/uplinkd.pid" "$dir/uplinkd.status"
	# Started in an orphaned wrapper, not as a job of the test's shell: a
	# test's bare `wait` then does not wait for the daemon. The wrapper
	# keeps the exit status; fd 3 (bats' own) is closed, or bats would wait
	# for the daemon at the end.
	(
		(
			rc=0
			sh -c 'echo $$ >"$1"; shift; exec "$@"' sh "$dir/uplinkd.pid" \
				ip netns exec "${SIM_PREFIX}host" ${UPLINKD_WRAP:+"$UPLINKD_WRAP"} "$UPLINKD" -c "$UPLINKD_CONF" -v "$@" \
				>>"$UPLINKD_LOG" 2>&1 </dev/null || rc=$?
			echo "$rc" >"$dir/uplinkd.status"
		) 3>&- &
	)
	local start
	start=$(now_us)
	while [[ ! -s $dir/uplinkd.pid ]]; do
		(($(elapsed_ms_since "$start") < 2000)) || { echo "start_uplinkd: no pid" >&2; return 1; }
		sleep 0.01
	done
	UPLINKD_PID=$(<"$dir/uplinkd.pid")
	HELPERS_PIDS+=("$UPLINKD_PID")
	while ! uplinkd_ready; do
		if [[ -s $dir/uplinkd.status ]]; then
			UPLINKD_STATUS=$(<"$dir/uplinkd.status")
			echo "start_uplinkd: uplinkd exited ($UPLINKD_STATUS) before it was ready; log:" >&2
			sed 's/^/  | /' "$UPLINKD_LOG" >&2
			UPLINKD_PID=""
			return 1
		fi
		if (($(elapsed_ms_since "$start") > 5000)); then
			echo "start_uplinkd: uplinkd not ready after 5 s; log:" >&2
			sed 's/^/  | /' "$UPLINKD_LOG" >&2
			return 1
		fi
		sleep 0.02
	done
}

# stop_uplinkd [SIGNAL]: send SIGNAL (default TERM) to the daemon and wait
# (10 s at most) until it is gone; its exit status (128+N when killed by
# signal N) goes to UPLINKD_STATUS.
stop_uplinkd() {
	local sig=${1:-TERM} pid=$UPLINKD_PID dir
	dir=$(helpers_tmp)
	[[ -n $pid ]] || { echo "stop_uplinkd: no uplinkd running" >&2; return 1; }
	kill "-$sig" "$pid" || return 1
	local start
	start=$(now_us)
	while [[ ! -s $dir/uplinkd.status ]]; do
		if (($(elapsed_ms_since "$start") > 10000)); then
			echo "stop_uplinkd: uplinkd ($pid) still running 10 s after SIG$sig" >&2
			return 1
		fi
		sleep 0.02
	done
	UPLINKD_STATUS=$(<"$dir/uplinkd.status")
	UPLINKD_PID=""
}

zombie() {
	local st
	st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null) || return 1
	[[ ${st%% *} == Z ]]
}

# uplinkctl ARGS...: the control client, in the host namespace, on this
# test's socket.
uplinkctl() {
	in_host "$UPLINKCTL" -s "$UPLINKD_SOCK" "$@"
}

# bg_in NODE CMD...: run CMD in NODE in the background; its PID (recorded
# for the teardown) goes to BG_PID.
bg_in() {
	local node=$1; shift
	in_ns "$node" "$@" </dev/null 3>&- &
	BG_PID=$!
	HELPERS_PIDS+=("$BG_PID")
}

# helpers_teardown: print the daemon's log if the test failed, stop what the
# test started, remove the network. Safe to call twice.
helpers_teardown() {
	if [[ -z ${BATS_TEST_COMPLETED:-} && -n $UPLINKD_LOG && -s $UPLINKD_LOG ]]; then
		echo "# --- uplinkd log ($UPLINKD_LOG)"
		sed 's/^/# /' "$UPLINKD_LOG"
	fi
	local p
	for p in "${HELPERS_PIDS[@]}"; do
		kill -TERM "$p" 2>/dev/null || true
	done
	local i
	for ((i = 0; i < 100; i++)); do
		local left=0
		for p in "${HELPERS_PIDS[@]}"; do
			kill -0 "$p" 2>/dev/null && ! zombie "$p" && left=1
		done
		((left)) || break
		sleep 0.02
	done
	for p in "${HELPERS_PIDS[@]}"; do
		kill -KILL "$p" 2>/dev/null || true
	done
	HELPERS_PIDS=()
	UPLINKD_PID=""
	sim_down >/dev/null 2>&1 || sim_down
	rm -rf "$HELPERS_TMP"
}

teardown() { helpers_teardown; }

# require_root: skip a test that needs root (namespaces) when not root.
require_root() {
	[[ $(id -u) == 0 ]] || skip "needs root for network namespaces"
}


# The article's two ISPs with the simulated LAN, probing the simulation's
# targets: the config most namespace tests start from.
CONF_TWO_ISPS='
link isp1 { interface = wan1 }
link isp2 { interface = wan2 }
lan home { interface = lan0 }
probe { targets = { 198.19.255.1, 198.19.255.2, 198.19.255.3 } }
'

# in_group ID / not_in_group ID: is nexthop ID (link i: 1000000+i) in the
# balanced IPv4 group (in_group6: the IPv6 one, 1000500)?
# (No group at all is not an error: ip's complaint is discarded.)
in_group() { in_host ip nexthop show id 1000000 2>/dev/null | grep -q "$1"; }
not_in_group() { ! in_group "$1"; }
in_group6() { in_host ip nexthop show id 1000500 2>/dev/null | grep -q "$1"; }

# rules: the host's IPv4 rules.
rules() { in_host ip -4 rule show; }

# group_lacks ID: the group exists and ID is not in it (a failing `ip` is
# not taken for an absent member)
group_lacks() {
	local o
	o=$(in_host ip nexthop show id 1000000) && [[ $o == *group* && $o != *"$1"* ]]
}

# link_state NAME: NAME's IPv4 health as the running daemon last logged it
# (its transitions after its last "ready:"), "unknown" before any
link_state() {
	awk -v l="link $1: ipv4 " 'index($0, "ready: ") { s = "" }
		index($0, l) && / -> / { s = $0; sub(/.* -> /, "", s); sub(/ .*/, "", s) }
		END { print (s == "" ? "unknown" : s) }' "$UPLINKD_LOG"
}

# links_up [-6] NAME...: the daemon reports every named link up and active
# for IPv4 (-6: IPv6). The daemon answers status only between reconciles
# and takes "active" from the plan it last applied, so once this holds the
# kernel's group and the firewall's balancing map both contain these links.
# (A link in the kernel's group is not enough: at start every link is in it,
# fail-open, until the first one is probed up and the others leave until
# their own first probes answer.)
links_up() {
	local fam=ipv4
	[[ $1 == -6 ]] && { fam=ipv6; shift; }
	uplinkctl status --json 2>/dev/null | jq -e --arg f "$fam" --args '
		[.links[] | select(.name as $n | $ARGS.positional | index($n))
		    | .[$f] | select(.state == "up" and .active)]
		| length == ($ARGS.positional | length)' "$@" >/dev/null
}

# both_up: links isp1 and isp2 up and balanced over (IPv4).
both_up() { links_up isp1 isp2; }
