# SPDX-License-Identifier: ISC
"""The timeline section of bench/run: per-link throughput every 100 ms around a
cut, as a PNG.

Run by bench/run (--only timeline); what it shares with the other sections is in
bench/lib/common.py.
"""

import os
import statistics
import time

from common import (OUT, RESULTS_DIR, Sim, download_loops, log, run, start_uplinkd, stop,
    write_results)


def sec_timeline(a):
    log("timeline: per-link throughput every 100 ms around a cut and a heal")
    s = Sim(2, [20, 20], lan=True)
    loops = []
    try:
        u = start_uplinkd(s, probe_extra="\thold-max = 0\n")
        loops = download_loops(s, "host", 4) + download_loops(s, "lan", 4)
        time.sleep(2)
        samples = []
        prev, pt = s.wan_rx(), time.time()
        t_cut = t_heal = None
        t_start = pt
        nxt = pt + 0.1
        while True:
            time.sleep(max(0, nxt - time.time()))
            nxt += 0.1
            b, t = s.wan_rx(), time.time()
            samples.append((t, [(y - x) * 8 / (t - pt) / 1e6 for x, y in zip(prev, b)]))
            prev, pt = b, t
            if t_cut is None and t - t_start >= 3:
                s.sim("cut", 1)
                t_cut = time.time()
            if t_cut and t_heal is None and t - t_cut >= 6:
                s.sim("heal", 1)
                t_heal = time.time()
            if t_heal and t - t_heal >= 7:
                break
        t_down = (u.find(r"link isp1: ipv4 \S+ -> down", t_cut) or [None])[0]
        t_up = (u.find(r"link isp1: ipv4 \S+ -> up", t_heal) or [None])[0]
        u.stop()
    finally:
        for p in loops:
            stop(p)
        s.down()
    os.makedirs(RESULTS_DIR, exist_ok=True)
    dat = os.path.join(RESULTS_DIR, "failover.dat")
    with open(dat, "w") as f:
        f.write("# t_s isp1_mbit isp2_mbit (t = 0 at the cut)\n")
        for t, r in samples:
            f.write("%.3f %.2f %.2f\n" % (t - t_cut, r[0], r[1]))
    rel = lambda t: (t - t_cut) if t else None
    marks = [("cut", rel(t_cut)), ("isp1 down", rel(t_down)), ("heal", rel(t_heal)), ("isp1 up", rel(t_up))]
    gp = ['set terminal pngcairo size 1000,430 font "DejaVu Sans,10"',
          'set output "%s"' % os.path.join(RESULTS_DIR, "failover.png"),
          'set title "uplinkd: per-link download throughput around a silent cut of isp1 (8 download loops, 2 x 20 Mbit/s)"',
          'set xlabel "seconds from the cut"', 'set ylabel "Mbit/s"', 'set yrange [0:32]',
          'set grid', 'set key top right box opaque', 'set style fill transparent solid 0.35 noborder']
    for i, (label, x) in enumerate(marks):
        if x is not None:
            gp.append('set arrow %d from %.3f, graph 0 to %.3f, graph 1 nohead dt 2 lc rgb "#555555"' % (i + 1, x, x))
            gp.append('set label %d "%s\\n%+.2f s" at %.3f, graph %.2f offset 0.5,0 font ",9"'
                      % (i + 1, label, x, x, 0.97 if i % 2 == 0 else 0.83))
    gp.append('plot "%s" using 1:2 with lines lw 2 lc rgb "#d62728" title "isp1", '
              '"%s" using 1:3 with lines lw 2 lc rgb "#1f77b4" title "isp2"' % (dat, dat))
    run(["gnuplot"], input="\n".join(gp) + "\n")
    pre = [r for t, r in samples if t < t_cut]
    mid = [r for t, r in samples if t_down and t_down + 1 < t < t_heal]
    OUT.append("### Failover timeline\n\n![per-link throughput around a cut](%s)\n\n"
               "Cut at 0 s; uplinkd logged isp1 down at %s s and up at %s s after the heal at %.2f s. "
               "Median per-link Mbit/s before the cut: %s; while isp1 is down: %s.\n"
               % ("failover.png", "%.2f" % rel(t_down) if t_down else "–",
                  "%.2f" % rel(t_up) if t_up else "–", rel(t_heal),
                  "/".join("%.1f" % statistics.median(x) for x in zip(*pre)) if pre else "–",
                  "/".join("%.1f" % statistics.median(x) for x in zip(*mid)) if mid else "–"))
    write_results()
