# SPDX-License-Identifier: ISC
"""The scale section of bench/run: a busy router: status and metrics latency at
0 to 1M tracked connections, detection of a silent cut while status is
polled, how long the loop stalls while a dead link's 125k connections are
flushed, CPU at rest; 100k sticky entries, 100 policies, 64 links x 3
targets.

Run by bench/run (--only scale); what it shares with the other sections is in
bench/lib/common.py.
"""

import json
import os
import re
import subprocess
import time

from common import (BUILD, CTFILL, NETTOOLS, PY, Sim, Uplinkd, log, miss, mmm, proc_cpu_rss, run,
    start_uplinkd, table, uplinkd_conf, veth_ns)


def ctlpoll(sim, u, cmd, seconds, ivl_ms=0):
    r = sim.x("host", PY, NETTOOLS, "ctlpoll", u.sock, cmd, str(seconds), str(ivl_ms))
    return json.loads(r.stdout)


def ct_fill(sim, n):
    """Empty the host's conntrack table, then fill it with n entries, half
    marked for each of links 1 and 2; the entries actually there."""
    sim.x("host", "conntrack", "-F", check=False)
    left = n
    base = 0
    while left > 0:
        k = min(left, 200000)
        sim.x("host", CTFILL, "-n", str(k), "-s", "100.%d.0.0" % (64 + base), check=False)
        left -= k
        base += 4
    return int(sim.x("host", "cat", "/proc/sys/net/netfilter/nf_conntrack_count").stdout)


def ct_settled(sim, u, n, timeout=40):
    """Wait until status counts about n connections from a fresh count."""
    end = time.time() + timeout
    while time.time() < end:
        st = json.loads(sim.x("host", os.path.join(BUILD, "uplinkctl"), "-s", u.sock, "status",
                              "--json").stdout)
        got = sum(l["connections"] for l in st["links"])
        if abs(got - n) <= max(64, n // 100) and st.get("connections_live"):
            return got
        time.sleep(0.5)
    return None


def lat(p):
    return "%.2f / %.2f / %.1f" % (p["median_ms"], p["p99_ms"], p["max_ms"])


def sec_scale(a):
    sizes = [0, 50000, 250000, 1000000]
    s = Sim(2, [20, 20], lan=True)
    rows, notes = [], []
    try:
        cmax = int(s.x("host", "cat", "/proc/sys/net/netfilter/nf_conntrack_max").stdout)
        if cmax < 1000000:
            s.x("host", "sysctl", "-qw", "net.netfilter.nf_conntrack_max=1100000", check=False)
            cmax = int(s.x("host", "cat", "/proc/sys/net/netfilter/nf_conntrack_max").stdout)
        u = start_uplinkd(s, probe_extra="\thold-max = 0\n")
        hz = os.sysconf("SC_CLK_TCK")
        cpu = {}
        for n in sizes:
            if n > cmax:
                notes.append("%d entries: the kernel keeps nf_conntrack_max at %d in a namespace "
                             "(only the initial namespace may raise it), so that row is left out." % (n, cmax))
                continue
            log("scale: %d tracked connections" % n)
            have = ct_fill(s, n)
            got = ct_settled(s, u, have)
            st = ctlpoll(s, u, "status", 2 if a.quick else 5)
            me = ctlpoll(s, u, "metrics", 2 if a.quick else 5)
            rows.append(["{:,}".format(have), "{:,}".format(got) if got is not None else "not settled",
                         lat(st), lat(me)])
            if n in (0, 250000):
                dur = 10 if a.quick else 30
                c0, t0 = proc_cpu_rss(u.pid()), time.time()
                time.sleep(dur)
                c1, t1 = proc_cpu_rss(u.pid()), time.time()
                cpu[n] = ((c1[0] - c0[0]) / hz * 1000 * 60 / (t1 - t0), c1[1] / 1024)
        table("Scale: status and metrics with many tracked connections (ms: median / p99 / max)",
              ["entries", "connections in status", "status", "metrics"], rows,
              note="Requests back to back on one control connection for %d s each (tests/tools/nettools.py "
                   "ctlpoll). Before this change (a845f1c, issue 11), one status took 12 ms at 0 entries, "
                   "176-212 ms at 50,000 and 1,443-1,458 ms at 240,000." % (2 if a.quick else 5)
                   + (" " + " ".join(notes) if notes else ""))
        if cpu:
            table("Scale: uplinkd at rest with tracked connections",
                  ["entries", "CPU time per minute", "VmRSS"],
                  [["{:,}".format(n), "%.0f ms" % c, "%.1f MiB" % r] for n, (c, r) in sorted(cpu.items())],
                  note="2 links probing at 10/s; /proc/PID/stat over %d s." % (10 if a.quick else 30))

        # silent cuts while status is polled 10/s at 250k entries
        cuts = 3 if a.quick else 5
        log("scale: %d silent cuts at 250k entries, status polled 10/s" % cuts)
        det, flush_ms, stall = [], [], []
        for _ in range(cuts):
            have = ct_fill(s, 250000)
            ct_settled(s, u, have)
            u.wait_up(["isp1", "isp2"], timeout=20)
            poller = s.popen("host", PY, NETTOOLS, "ctlpoll", u.sock, "status", "4", "100",
                             stdout=subprocess.PIPE, text=True)
            back = s.popen("host", PY, NETTOOLS, "ctlpoll", u.sock, "status", "4",
                           stdout=subprocess.PIPE, text=True)
            time.sleep(0.5)
            tc = time.time()
            s.sim("cut", 1)
            td = u.wait(r"link isp1: ipv4 \S+ -> down", after=tc, timeout=5)
            det.append((td - tc) * 1000 if td else None)
            tf = u.wait(r"link isp1: flushed its ipv4 connections \((\d+) ms\)", after=tc, timeout=10)
            if tf:
                m = [l for t, l in u.lines if t == tf]
                mm = re.search(r"\((\d+) ms\)", m[0]) if m else None
                flush_ms.append(int(mm.group(1)) if mm else None)
            out, _ = back.communicate(timeout=15)
            poller.communicate(timeout=15)
            try:
                stall.append(json.loads(out)["max_ms"])
            except ValueError:
                stall.append(None)
            s.sim("heal", 1)
        table("Scale: a silent cut at 250,000 tracked connections, status polled 10 times a second",
              ["cuts", "cut to `down` logged (ms)", "flush of isp1's ~125,000 entries (ms, off the loop)",
               "longest status answer during cut and flush (ms)"],
              [[cuts, mmm(det) + miss(det), mmm(flush_ms) + miss(flush_ms), mmm(stall, "%.1f") + miss(stall)]],
              note="min / median / max. A second client polls status back to back during the cut; its "
                   "longest answer bounds how long the loop was kept from it. Before (a845f1c): `down` "
                   "1.41 s after the cut under polling (0.69-0.78 s at rest), false downs of both links at "
                   "240,000 entries, and the loop blocked 0.83 s by the flush of 100,000 entries.")
        s.x("host", "conntrack", "-F", check=False)
        u.stop()
    finally:
        s.down()
    sec_scale_objects(a)


def sec_scale_objects(a):
    """100k sticky entries, 100 policies, 64 links x 3 targets."""
    rows = []
    s = Sim(2, [20, 20], lan=True)
    try:
        pol = "".join("policy p%d { links = { isp1, isp2 } sticky = 1h }\n"
                      "rule { proto = tcp dport = %d policy = p%d }\n" % (i, 10000 + i, i) for i in range(100))
        u = start_uplinkd(s, extra=pol)
        els = []
        for i in range(50000):
            els.append("100.64.%d.%d . 198.19.200.%d" % ((i >> 8) & 255, i & 255, i % 8 + 1))
        b = ["add element inet uplinkd sticky4_3600_p0_isp%d { %s }" % (k, ", ".join(els[j:j + 5000]))
             for k in (1, 2) for j in range(0, len(els), 5000)]
        s.x("host", "nft", "-f", "-", input="\n".join(b) + "\n")
        st = ctlpoll(s, u, "status", 3)
        rows.append(["100,000 sticky entries, 100 sticky policies", "status back to back, 3 s", lat(st)])
        t0 = time.time()
        s.x("host", os.path.join(BUILD, "uplinkctl"), "-s", u.sock, "reload")
        rows.append(["the same", "`uplinkctl reload` (re-renders and applies the ruleset)",
                     "%.0f" % ((time.time() - t0) * 1000)])
        u.stop()
    finally:
        s.down()
    ns = veth_ns("big")
    links = [("l%d" % k, "fake%d" % k, 1, "198.18.%d.1" % k) for k in range(1, 65)]
    u = Uplinkd(ns, uplinkd_conf("@SOCK@", links, lan=False)).start()
    u.wait(r"\bready\b", timeout=10)
    time.sleep(3)
    hz = os.sysconf("SC_CLK_TCK")
    c0, t0 = proc_cpu_rss(u.pid()), time.time()
    p = json.loads(run(["ip", "netns", "exec", ns, PY, NETTOOLS, "ctlpoll", u.sock, "status", "5", "100"]).stdout)
    c1, t1 = proc_cpu_rss(u.pid()), time.time()
    rows.append(["64 links x 3 targets (640 probes/s, none answered)", "status every 100 ms, 5 s",
                 lat(p) + "; CPU %.0f ms per minute" % ((c1[0] - c0[0]) / hz * 1000 * 60 / (t1 - t0))])
    u.stop()
    table("Scale: large rulesets and many links (ms: median / p99 / max)", ["load", "measured", "result"], rows,
          note="The firewall's counters are read each second with one netlink dump filtered by table and "
               "type, whose cost does not grow with the sticky sets' elements; before (a845f1c), "
               "libnftables listed the whole table for it, seconds at 100,000 entries.")
