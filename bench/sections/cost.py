# SPDX-License-Identifier: ISC
"""The cost section of bench/run: resident memory and CPU time per minute at 2
and 16 links; LAN forwarding throughput with uplinkd's ruleset against plain
routing.

Run by bench/run (--only cost); what it shares with the other sections is in
bench/lib/common.py.
"""

import json
import os
import time

from common import (ARTICLE, SERVER1, Sim, log, mmm, proc_cpu_rss, run, start_uplinkd, table)


def sec_cost(a):
    dur = 10 if a.quick else 30
    log("cost: %d s idle at 2 and 16 links" % dur)
    s2 = Sim(2, [20, 20], lan=True)
    s16 = Sim(16, None, lan=True)
    rows = []
    try:
        u2 = start_uplinkd(s2)
        u16 = start_uplinkd(s16)
        time.sleep(2)
        hz = os.sysconf("SC_CLK_TCK")
        a0 = [(proc_cpu_rss(u.pid()), time.time()) for u in (u2, u16)]
        time.sleep(dur)
        a1 = [(proc_cpu_rss(u.pid()), time.time()) for u in (u2, u16)]
        for n, (c0, t0), (c1, t1) in zip((2, 16), a0, a1):
            cpu_ms_min = (c1[0] - c0[0]) / hz * 1000 * 60 / (t1 - t0)
            rows.append([n, "%.1f MiB" % (c1[1] / 1024), "%.1f MiB" % (c1[2] / 1024),
                         "%.0f ms (%.2f %% of a CPU)" % (cpu_ms_min, cpu_ms_min / 600)])
        u2.stop()
        u16.stop()
    finally:
        s2.down()
        s16.down()
    table("Cost: uplinkd at rest, probing (10 probes/s per link)",
          ["links", "VmRSS", "VmHWM (peak)", "CPU time per minute"], rows,
          note="Measured over %d s from /proc/PID/stat (utime + stime), scaled to a minute." % dur)

    reps = 2 if a.quick else 4
    log("cost: forwarding from the LAN, unlimited links, %d x 3 s each" % reps)
    su = Sim(2, None, lan=True)
    sa = Sim(2, None, lan=True, host_forwarding=True)
    try:
        u = start_uplinkd(su)
        run([ARTICLE, "-p", sa.p, "apply"])
        res = {"uplinkd": [], "plain": []}
        for _ in range(reps):
            for k, s in (("uplinkd", su), ("plain", sa)):
                r = s.x("lan", "iperf3", "-c", SERVER1, "-p", "5203", "-R", "-t", "3", "-J", check=False)
                try:
                    bps = json.loads(r.stdout)["end"]["sum_received"]["bits_per_second"]
                except (ValueError, KeyError):
                    bps = None
                res[k].append(bps / 1e9 if bps else None)
                time.sleep(0.3)
        u.stop()
    finally:
        su.down()
        sa.down()
    ratios = [x / y for x, y in zip(res["uplinkd"], res["plain"]) if x and y]
    table("Cost: LAN forwarding throughput, 1 TCP flow, unlimited veth links (Gbit/s)",
          ["uplinkd's ruleset", "plain routing (article's routes + SNAT)", "ratio uplinkd / plain"],
          [[mmm(res["uplinkd"], "%.2f"), mmm(res["plain"], "%.2f"), mmm(ratios, "%.2f")]],
          note="iperf3 -R -t 3 from the LAN client, %d alternating runs each; CPU-bound on this machine." % reps)
