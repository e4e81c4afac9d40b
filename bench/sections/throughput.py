# SPDX-License-Identifier: ISC
"""The throughput section of bench/run: aggregate download throughput as a
fraction of the summed link capacity: uplinkd against the article's static
setup (tests/sim/article) in the same kind of network.

Run by bench/run (--only throughput); what it shares with the other sections is in
bench/lib/common.py.
"""

import statistics
import time

from common import (ARTICLE, NOTES, SERVERS, Sim, downloads, log, measure_rates, mmm, run,
    start_uplinkd, stop, table)


def sec_throughput(a):
    topos = [("2 links 20/20, weights 1:1", [20, 20], [1, 1], True),
             ("2 links 30/10, weights 3:1", [30, 10], [3, 1], False),
             ("3 links 20/20/20, weights 1:1:1", [20, 20, 20], [1, 1, 1], False)]
    if a.quick:
        topos = topos[:1]
    reps = a.reps
    full_cells = [("host", 2, 1), ("host", 4, 1), ("host", 8, 1), ("host", 8, 8),
                  ("lan", 2, 1), ("lan", 4, 1), ("lan", 8, 1), ("lan", 8, 8)]
    pruned_cells = [("host", 8, 1), ("host", 8, 8), ("lan", 8, 1), ("lan", 8, 8)]
    if a.quick:
        full_cells = [("host", 4, 1), ("host", 8, 8), ("lan", 4, 1), ("lan", 8, 8)]
    NOTES.append("throughput: %d repetitions of 1 s warm-up + 2 s measured per cell; the 2- and "
                 "4-flow cells to one server are run for the first topology only "
                 "(the others: 8 flows to one server and 8 flows to 8 servers)" % reps)
    for name, rates, weights, full in topos:
        cells = full_cells if full else pruned_cells
        log("throughput: %s" % name)
        su = Sim(len(rates), rates, lan=True)
        sa = Sim(len(rates), rates, lan=True, host_forwarding=True)
        try:
            u = start_uplinkd(su, weights)
            run([ARTICLE, "-p", sa.p, "-w", ",".join(map(str, weights)), "apply"])
            res = {}
            for rep in range(reps):
                for cell in cells:
                    node, n, nserv = cell
                    servers = SERVERS[:nserv]
                    for system, s in (("uplinkd", su), ("article", sa)):
                        ps = downloads(s, node, servers, n)
                        r = measure_rates(s)
                        for p in ps:
                            stop(p)
                        res.setdefault((cell, system), []).append(r)
                        time.sleep(0.2)
            cap = sum(rates)
            rows = []
            for cell in cells:
                node, n, nserv = cell
                fu = [sum(r) / cap * 100 for r in res[(cell, "uplinkd")]]
                fa = [sum(r) / cap * 100 for r in res[(cell, "article")]]
                per_u = "/".join("%.0f" % statistics.median(x) for x in zip(*res[(cell, "uplinkd")]))
                per_a = "/".join("%.0f" % statistics.median(x) for x in zip(*res[(cell, "article")]))
                rows.append(["host" if node == "host" else "LAN", n,
                             "1" if nserv == 1 else str(nserv),
                             mmm(fu), per_u, mmm(fa), per_a])
            table("Throughput: %s (%d Mbit/s in all)" % (name, cap),
                  ["from", "flows", "servers", "uplinkd % of capacity", "uplinkd Mbit/s per link (median)",
                   "article % of capacity", "article Mbit/s per link (median)"], rows)
            u.stop()
        finally:
            su.down()
            sa.down()
