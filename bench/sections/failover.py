# SPDX-License-Identifier: ISC
"""The failover section of bench/run: detection time and time until new
connections succeed over silent cuts and carrier pulls, recovery time, false
down events under 5 % random loss: uplinkd against lsm (three settings).
lsm_default_cycles runs in a thread of bench/run beside the other sections.

Run by bench/run (--only failover); what it shares with the other sections is in
bench/lib/common.py.
"""

import json
import subprocess
import time

from common import (Lsm, NETTOOLS, NOTES, PY, SERVER1, Sim, log, miss, mmm, run, start_uplinkd,
    table)


def first_ok_after(results, tc):
    """ms from tc until new connections succeed: the start of the first
    successful attempt after the last failed one (attempts started after tc)."""
    after = [r for r in results if r["start"] >= tc]
    if not after:
        return None, 0
    fails = [r for r in after if not r["ok"]]
    if not fails:
        return (after[0]["start"] - tc) * 1000, 0
    last = max(r["start"] for r in fails)
    oks = [r for r in after if r["ok"] and r["start"] > last]
    if not oks:
        return None, len(fails)
    return (oks[0]["start"] - tc) * 1000, len(fails)


def lsm_default_cycles(ncuts, out):
    """lsm with its defaults in a network of its own: its detection takes
    seconds, so its cycles run beside the rest of the benchmarks."""
    try:
        s = Sim(2, [20, 20], lan=False)
        out["sim"] = s
        m = Lsm(s, "def", "default")
        end = time.time() + 40
        while time.time() < end and not all(m.state("isp%d" % k) == "up" for k in (1, 2)):
            time.sleep(0.1)
        done = {"cut": 0, "carrier": 0}
        while not out["stop"].is_set() and min(done.values()) < ncuts:
            kind = "cut" if done["cut"] <= done["carrier"] else "carrier"
            done[kind] += 1
            t0 = time.time()
            if kind == "cut":
                s.sim("cut", 1)
            else:
                run(["ip", "-n", s.ns("isp1"), "link", "set", "cust", "down"])
            tc = time.time()
            td = None
            while time.time() < tc + 25:
                td = m.first("down", "isp1", t0)
                if td:
                    break
                time.sleep(0.05)
            t1 = time.time()
            s.sim("heal", 1) if kind == "cut" else s.sim("carrier", 1, "up")
            th = time.time()
            tu = None
            while time.time() < th + 150 and not out["stop"].is_set():
                tu = m.first("up", "isp1", t1)
                if tu:
                    break
                time.sleep(0.1)
            out.setdefault(kind, []).append(((td - tc) * 1000 if td else None,
                                             (tu - th) * 1000 if tu else None))
            if not tu:
                break
            time.sleep(0.5)
        m.stop()
    except Exception as e:  # reported in the table
        out["error"] = str(e)
    finally:
        if "sim" in out:
            out["sim"].down()


def sec_failover(a, bg):
    ncuts = a.cuts
    loss_s = 15 if a.quick else 60
    NOTES.append("failover: uplinkd with `hold-max = 0` (no flap damping: by design a link that fails "
                 "again within a minute of coming back waits twice as long each time, which repeated "
                 "cuts would measure instead of the hold time); every other probe setting is the default")
    s = Sim(2, [20, 20], lan=True)
    try:
        u = start_uplinkd(s, probe_extra="\thold-max = 0\n")
        lsms = {"matched": Lsm(s, "mat", "matched"), "fastest": Lsm(s, "fst", "fastest")}
        end = time.time() + 30
        while time.time() < end and not all(m.state("isp%d" % k) == "up" for m in lsms.values() for k in (1, 2)):
            time.sleep(0.1)
        res = {}
        for kind in ("cut", "carrier"):
            log("failover: %d x %s" % (ncuts, "silent cut" if kind == "cut" else "carrier pull"))
            for i in range(ncuts):
                u.wait_up(["isp1", "isp2"], timeout=20)
                end = time.time() + 8
                while time.time() < end and not all(m.state("isp1") == "up" for m in lsms.values()):
                    time.sleep(0.05)
                ph = s.popen("host", PY, NETTOOLS, "probe", SERVER1, "3.5", "50", stdout=subprocess.PIPE, text=True)
                pl = s.popen("lan", PY, NETTOOLS, "probe", SERVER1, "3.5", "50", stdout=subprocess.PIPE, text=True)
                time.sleep(0.4)
                t0 = time.time()
                if kind == "cut":
                    s.sim("cut", 1)
                    tc = time.time()
                else:
                    run(["ip", "-n", s.ns("isp1"), "link", "set", "cust", "down"])
                    tc = time.time()
                td = u.wait(r"link isp1: ipv4 \S+ -> down", after=t0, timeout=5)
                oh, ol = ph.communicate(timeout=10)[0], pl.communicate(timeout=10)[0]
                rh, rl = json.loads(oh), json.loads(ol)
                nh, fh = first_ok_after(rh, tc)
                nl, fl = first_ok_after(rl, tc)
                # lsm: give it until 10 s after the event
                det = {}
                for k, m in lsms.items():
                    end = tc + 10
                    t = None
                    while time.time() < end:
                        t = m.first("down", "isp1", t0)
                        if t:
                            break
                        time.sleep(0.05)
                    det[k] = (t - tc) * 1000 if t else None
                t1 = time.time()
                s.sim("heal", 1) if kind == "cut" else s.sim("carrier", 1, "up")
                th = time.time()
                tu = u.wait(r"link isp1: ipv4 \S+ -> up", after=t1, timeout=20)
                rec = {}
                for k, m in lsms.items():
                    end = th + 8
                    t = None
                    while time.time() < end:
                        t = m.first("up", "isp1", t1)
                        if t:
                            break
                        time.sleep(0.05)
                    rec[k] = (t - th) * 1000 if t else None
                res.setdefault(kind, []).append(dict(
                    det=(td - tc) * 1000 if td else None, rec=(tu - th) * 1000 if tu else None,
                    new_host=nh, new_lan=nl, fails=fh + fl, lsm_det=det, lsm_rec=rec))
                time.sleep(0.3)
        # false down events under random loss
        log("failover: %d s of 5 %% random loss on isp1" % loss_s)
        lsms["default"] = Lsm(s, "def", "default")
        end = time.time() + 30
        while time.time() < end and not all(m.state("isp%d" % k) == "up" for m in lsms.values() for k in (1, 2)):
            time.sleep(0.1)
        u.wait_up(["isp1", "isp2"], timeout=20)
        s.sim("loss", 1, 5)
        tl0 = time.time()
        time.sleep(loss_s)
        tl1 = time.time()
        s.sim("loss", 1, 0)
        loss = {"uplinkd": (len(u.find(r"link isp1: ipv4 \S+ -> down", tl0, tl1)),
                            len(u.find(r"link isp1: ipv4 \S+ -> degraded", tl0, tl1)))}
        for k, m in lsms.items():
            loss[k] = (m.count("down", "isp1", tl0, tl1), None)
        for m in lsms.values():
            m.stop()
        u.stop()
    finally:
        s.down()

    # wait for lsm's defaults, running beside
    if bg:
        t, out = bg
        log("failover: stopping the lsm-defaults cycles")
        out["stop"].set()
        t.join()
    else:
        out = {}
    rows = []
    names = {"cut": "silent cut", "carrier": "carrier pull"}
    for kind in ("cut", "carrier"):
        r = res[kind]
        rows.append([names[kind], "uplinkd (defaults)", len(r), mmm([x["det"] for x in r]),
                     mmm([x["new_host"] for x in r]) + " (host)<br>" + mmm([x["new_lan"] for x in r]) + " (LAN)",
                     mmm([x["rec"] for x in r])])
        for k, label in (("matched", "lsm, uplinkd's probe budget"), ("fastest", "lsm, fastest settings")):
            d = [x["lsm_det"][k] for x in r]
            rows.append([names[kind], label, len(r), mmm(d) + miss(d), "detection only",
                         mmm([x["lsm_rec"][k] for x in r]) + miss([x["lsm_rec"][k] for x in r])])
        dd = out.get(kind, [])
        if dd:
            d = [x[0] for x in dd]
            rows.append([names[kind], "lsm, defaults", len(dd), mmm(d) + miss(d), "detection only",
                         mmm([x[1] for x in dd]) + miss([x[1] for x in dd])])
        elif "error" in out:
            rows.append([names[kind], "lsm, defaults", 0, "error: " + out["error"], "", ""])
    table("Failover: detection, new connections, recovery (ms)",
          ["event", "monitor", "events", "detection", "until new connections succeed", "recovery (heal -> up)"],
          rows,
          note="Detection: from the event (the return of `uplinksim cut 1`, or of `ip link set cust "
               "down` in isp1 for a carrier pull) to uplinkd's `-> down` log line or lsm's group event script. New "
               "connections: a connection attempt every 50 ms from the host and from the LAN; the "
               "time from the event to the first success after the last failure. lsm only "
               "monitors (its scripts would then change the routes), so only its detection is "
               "comparable. Missed: no event within 10 s of the event (detection) or 8 s of the heal (recovery); "
               "150 s for lsm's defaults, whose cycles run in a network of their own beside the other "
               "benchmarks, as many as fit. lsm settings: " + "; ".join(
                   "%s: %s" % (k, ", ".join("%s=%d" % kv for kv in v.items())) for k, v in Lsm.SETTINGS.items()))
    rows = [["uplinkd (defaults)", loss["uplinkd"][0], loss["uplinkd"][1]]]
    for k, label in (("default", "lsm, defaults"), ("matched", "lsm, uplinkd's probe budget"),
                     ("fastest", "lsm, fastest settings")):
        rows.append([label, loss[k][0], "–"])
    table("False down events: 5 %% random loss on isp1 (each way) for %d s" % loss_s,
          ["monitor", "down events", "degraded events"], rows)
