# SPDX-License-Identifier: ISC
"""The disruption section of bench/run: established connections on healthy
links lost during a failover, a recovery, a reload and a restart.

Run by bench/run (--only disruption); what it shares with the other sections is in
bench/lib/common.py.
"""

import json
import signal
import subprocess
import time

from common import (NETTOOLS, PY, SERVER1, Sim, log, start_uplinkd, table, uplinkd_conf)


def keepers(s, n=8):
    ps = []
    for node in ("host", "lan"):
        p = s.popen(node, PY, NETTOOLS, "keep", SERVER1, "9100", str(n),
                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        ps.append(p)
    for p in ps:
        line = p.stderr.readline()
        if "ready" not in line:
            raise RuntimeError("keeper did not start: " + line + p.stderr.read())
    return ps


def keepers_result(ps):
    out = []
    for p in ps:
        p.send_signal(signal.SIGTERM)
        o = p.communicate(timeout=10)[0]
        out += json.loads(o)
    return out


def sec_disruption(a):
    reps = 1 if a.quick else 3
    log("disruption: %d x failover, recovery, reload, restart" % reps)
    s = Sim(2, [20, 20], lan=True)
    try:
        s.popen("inet", PY, NETTOOLS, "serve", "9100")
        time.sleep(0.3)
        u = start_uplinkd(s, probe_extra="\thold-max = 0\n")
        rows = {}

        def count(name, conns, dead_isp=None):
            healthy = [c for c in conns if c["isp"] != dead_isp]
            dead = [c for c in conns if dead_isp and c["isp"] == dead_isp]
            r = rows.setdefault(name, [0, 0, 0, 0, []])
            r[0] += len(healthy)
            r[1] += sum(1 for c in healthy if c["failed"])
            r[2] += len(dead)
            r[3] += sum(1 for c in dead if c["failed"])
            r[4] += ["isp%d: %s" % (c["isp"], c["reason"]) for c in healthy if c["failed"]]

        weight = 1
        for rep in range(reps):
            u.wait_up(["isp1", "isp2"], timeout=20)
            # failover of isp1
            ks = keepers(s)
            time.sleep(0.5)
            t = time.time()
            s.sim("cut", 1)
            u.wait(r"link isp1: ipv4 \S+ -> down", after=t, timeout=5)
            time.sleep(2)
            count("failover (silent cut of isp1)", keepers_result(ks), dead_isp=1)
            # recovery of isp1
            ks = keepers(s)
            time.sleep(0.5)
            t = time.time()
            s.sim("heal", 1)
            u.wait(r"link isp1: ipv4 \S+ -> up", after=t, timeout=20)
            time.sleep(2)
            count("recovery of isp1", keepers_result(ks))
            # reload with a changed weight
            ks = keepers(s)
            time.sleep(0.5)
            weight = 3 if weight == 1 else 1
            links = [("isp1", "wan1", weight, None), ("isp2", "wan2", 1, None)]
            u.set_conf(uplinkd_conf("@SOCK@", links, True, "", "\thold-max = 0\n"))
            t = time.time()
            u.proc.send_signal(signal.SIGHUP)
            if u.wait(r"reload:", after=t, timeout=5) is None:
                raise RuntimeError("no reload; log:\n" + u.log_text())
            time.sleep(2)
            count("reload (SIGHUP, isp1 weight 1 <-> 3)", keepers_result(ks))
            # restart: kill -9, start again
            ks = keepers(s)
            time.sleep(0.5)
            u.stop(signal.SIGKILL)
            u.lines = []
            u.start()
            if u.wait(r"\bready\b", timeout=10) is None:
                raise RuntimeError("uplinkd not ready after restart; log:\n" + u.log_text())
            u.wait_up(["isp1", "isp2"], timeout=15)
            time.sleep(2)
            count("restart (kill -9, start)", keepers_result(ks))
        u.stop()
        table("Disruption: established connections lost (each writes every 100 ms; lost = reset, "
              "closed or no echo for 1 s)",
              ["event", "connections on healthy links", "lost", "connections on the failed link", "lost there"],
              [[k, v[0], v[1] if not v[4] else "%d (%s)" % (v[1], "; ".join(sorted(set(v[4])))),
                v[2] if k.startswith("failover") else "–", v[3] if k.startswith("failover") else "–"]
               for k, v in rows.items()],
              note="%d repetitions, 8 connections from the host and 8 from the LAN each time, "
                   "spread over both links by uplinkd (all on isp2 for the recovery)." % reps)
    finally:
        s.down()
