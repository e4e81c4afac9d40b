# SPDX-License-Identifier: ISC
"""The control section of bench/run: link event to kernel state converged; time
to apply a config of 2, 16 and 64 links.

Run by bench/run (--only control); what it shares with the other sections is in
bench/lib/common.py.
"""

import time

from common import (Sim, Uplinkd, log, miss, mmm, run, start_uplinkd, table, uplinkd_conf,
    veth_ns)


def poll_until(pred, cmds, timeout=5.0):
    """Run cmds (a list of argv) until pred(outputs) is true; the time of
    that poll (the middle of it) or None. About 3-6 ms a poll."""
    end = time.time() + timeout
    while time.time() < end:
        t0 = time.time()
        outs = [run(c, check=False).stdout for c in cmds]
        t1 = time.time()
        if pred(outs):
            return (t0 + t1) / 2
    return None


def sec_control(a):
    reps = 2 if a.quick else 5
    rows = []
    s = Sim(2, [20, 20], lan=True)
    try:
        u = start_uplinkd(s, probe_extra="\thold-max = 0\n")
        log("control: %d carrier pulls, %d renumberings" % (reps, reps))
        c_log, c_nh, c_up = [], [], []
        h = s.ns("host")
        i1 = s.ns("isp1")
        for _ in range(reps):
            u.wait_up(["isp1", "isp2"], timeout=20)
            t0 = time.time()
            run(["ip", "-n", i1, "link", "set", "cust", "down"])
            tc = time.time()
            tg = poll_until(lambda o: "1000001" not in o[0], [["ip", "-n", h, "nexthop", "show", "id", "1000000"]])
            td = u.wait(r"link isp1: ipv4 \S+ -> down", after=t0, timeout=3)
            c_log.append((td - tc) * 1000 if td else None)
            c_nh.append((tg - tc) * 1000 if tg else None)
            time.sleep(0.3)
            run(["ip", "-n", i1, "link", "set", "cust", "up"])
            tc = time.time()
            tn = poll_until(lambda o: "1000001" in o[0], [["ip", "-n", h, "nexthop", "show", "id", "1000001"]])
            c_up.append((tn - tc) * 1000 if tn else None)
        rows.append(["carrier pull on wan1", "isp1 member gone from group 1000000 (the kernel drops it)",
                     reps, mmm(c_nh, "%.1f") + miss(c_nh)])
        rows.append(["carrier pull on wan1", "uplinkd's `-> down` log line", reps, mmm(c_log, "%.1f") + miss(c_log)])
        rows.append(["carrier back on wan1", "nexthop 1000001 re-created by uplinkd", reps,
                     mmm(c_up, "%.1f") + miss(c_up)])
        conv = []
        conv_back = []
        for _ in range(reps):
            u.wait_up(["isp1", "isp2"], timeout=20)
            for old, new, out in (("198.18.2.2", "198.18.2.3", conv), ("198.18.2.3", "198.18.2.2", conv_back)):
                run(["ip", "-n", h, "-b", "-"], input="addr del %s/24 dev wan2\naddr add %s/24 dev wan2\n"
                    "route replace default via 198.18.2.1 dev wan2 metric 102\n" % (old, new))
                tc = time.time()
                tr = poll_until(lambda o: ("from %s lookup" % new) in o[0] and ("from %s lookup" % old) not in o[0],
                                [["ip", "-n", h, "rule"]])
                out.append((tr - tc) * 1000 if tr else None)
                time.sleep(0.5)
        rows.append(["wan2 renumbered (address and default route replaced)",
                     "rule `from NEW lookup` present, old one gone", reps, mmm(conv, "%.1f") + miss(conv)])
        rows.append(["wan2 renumbered back", "the same", reps, mmm(conv_back, "%.1f") + miss(conv_back)])
        u.stop()
    finally:
        s.down()
    table("Control plane: link event to kernel state converged (ms)",
          ["event (ms from the command's return)", "converged when", "events", "min / median / max"], rows,
          note="The kernel's state is polled with `ip` every 3-6 ms (that is the resolution); "
               "the log line is timed when bench/run reads it from uplinkd's stderr.")

    # config of 2, 16 and 64 links on veth pairs that never answer
    sizes = [2, 16, 64]
    creps = 2 if a.quick else 3
    ns = veth_ns("cfg")
    rows = []
    log("control: configs of %s links, %d times each" % (sizes, creps))
    for n in sizes:
        r_ready, r_conv, objs = [], [], None
        for _ in range(creps):
            links = [("l%d" % k, "fake%d" % k, 1, "198.18.%d.1" % k) for k in range(1, n + 1)]
            u = Uplinkd(ns, uplinkd_conf("@SOCK@", links, lan=False))
            polls = []
            u.start()
            t0 = u.t_start
            end = t0 + 20
            tr = None
            while time.time() < end:
                p0 = time.time()
                rules = len([l for l in run(["ip", "-n", ns, "rule"]).stdout.splitlines() if "proto 250" in l])
                nhs = len(run(["ip", "-n", ns, "nexthop"]).stdout.splitlines())
                polls.append(((p0 + time.time()) / 2, rules, nhs))
                tr = tr or (u.find(r"\bready\b") or [None])[0]
                if tr and time.time() > tr + 0.3:
                    break
            final = polls[-1][1:]
            own = [t for t, r_, n_ in polls if (r_, n_) == final]
            objs = "%d rules, %d nexthops" % final
            r_ready.append((tr - t0) * 1000 if tr else None)
            r_conv.append((min(own) - t0) * 1000 if own else None)
            u.stop()
            time.sleep(0.2)
        rows.append([n, objs, mmm(r_ready, "%.0f"), mmm(r_conv, "%.0f")])
    table("Control plane: time to apply a config (ms from exec)",
          ["links", "kernel objects owned", "to `ready` log line", "to the full state visible (polled)"], rows,
          note="Links on veth pairs whose gateways never answer (probe targets unreachable); %d runs each." % creps)
