# SPDX-License-Identifier: ISC
"""The split section of bench/run: connections and bytes per link against the
weights.

Run by bench/run (--only split); what it shares with the other sections is in
bench/lib/common.py.
"""

import json
import signal
import time

from common import (ARTICLE, NETTOOLS, PY, SERVER1, SERVERS, Sim, log, run, start_uplinkd, table,
    uplinkd_conf)


def sec_split(a):
    n = 100 if a.quick else 200
    log("split: %d connections and 8 rate-limited streams per setting" % n)
    rows = []
    # the host has a LAN address: uplinkd gives it to unbound sockets
    # (local-source = auto) and balances them per connection
    su = Sim(2, [20, 20], lan=True)
    sa = Sim(2, [20, 20], lan=False, host_forwarding=True)
    try:
        u = None
        for weights in ([1, 1], [3, 1], "reload"):
            reload = weights == "reload"
            if reload:
                # 1:1, then a reload to 3:1: the first connections after it
                weights = [3, 1]
                u = start_uplinkd(su, [1, 1], lan=True)
                s_ = json.loads(su.x("host", PY, NETTOOLS, "which", str(n), SERVER1).stdout)  # traffic before
                links = [("isp%d" % k, "wan%d" % k, weights[k - 1], None) for k in (1, 2)]
                u.set_conf(uplinkd_conf("@SOCK@", links, lan=True))
                t = time.time()
                u.proc.send_signal(signal.SIGHUP)
                if u.wait(r"reload:", after=t, timeout=5) is None:
                    raise RuntimeError("no reload line; log:\n" + u.log_text())
                time.sleep(0.5)
                systems = (("uplinkd, 0.5 s after a reload from 1:1 (with traffic before it)", su),)
            else:
                u = start_uplinkd(su, weights, lan=True)
                run([ARTICLE, "-p", sa.p, "remove"])
                run([ARTICLE, "-p", sa.p, "-w", ",".join(map(str, weights)), "apply"])
                systems = (("uplinkd", su), ("article", sa))
            want = weights[0] / sum(weights) * 100
            for system, s in systems:
                for label, servers in (("1 server", [SERVER1]), ("8 servers", SERVERS)):
                    r = json.loads(s.x("host", PY, NETTOOLS, "which", str(n), *servers).stdout)
                    c = r["counts"]
                    c1, c2 = c.get("1", 0), c.get("2", 0)
                    rows.append(["%d:%d" % tuple(weights), system, "%d connections, %s" % (n, label),
                                 "%.1f %%" % want, "%d / %d" % (c1, c2),
                                 "%.1f %%" % (c1 / max(1, c1 + c2) * 100), r["failed"]])
                # Bytes: 8 streams of 2 Mbit/s each (the links are not the
                # bottleneck, so bytes follow the connections).
                b0 = s.wan_rx()
                r = s.x("host", "iperf3", "-c", SERVER1, "-p", "5202", "-R", "-P", "8", "-b", "2M",
                        "-t", "3", "-J", check=False)
                b1 = s.wan_rx()
                d = [y - x for x, y in zip(b0, b1)]
                rows.append(["%d:%d" % tuple(weights), system, "bytes of 8 streams to 1 server",
                             "%.1f %%" % want, "%.1f / %.1f MB" % (d[0] / 1e6, d[1] / 1e6),
                             "%.1f %%" % (d[0] / max(1, sum(d)) * 100), "" if r.returncode == 0 else "iperf3 failed"])
            u.stop()
        table("Split accuracy (share of isp1 against its weight)",
              ["weights", "system", "what", "isp1 share wanted", "isp1 / isp2", "isp1 share", "failed"], rows,
              note="The host's own connections, uplinkd started afresh with each weight (and once reloaded "
                   "to 3:1 from 1:1); the article's multipath route hashes source and destination "
                   "address only, so every connection to one server takes one link.")
    finally:
        su.down()
        sa.down()
