# SPDX-License-Identifier: ISC
"""The mptcp section of bench/run: one Multipath TCP download over two 20
Mbit/s ISPs: uplinkd with mptcp = on against the article's setup with two
subflow endpoints, and plain TCP.

Run by bench/run (--only mptcp); what it shares with the other sections is in
bench/lib/common.py.
"""

import re
import time

from common import (ARTICLE, MPTCPDL, PY, SERVER1, Sim, mmm, run, stop, table, topo_uplinkd)


def mptcp_download(s, secs, tcp=False):
    """One download from the host (tests/tools/mptcpdl): Mbit/s after its
    first second, or None if it failed."""
    r = s.x("host", PY, MPTCPDL, "get", SERVER1, "7000", str(secs), *(["tcp"] if tcp else []),
            check=False)
    m = re.search(r"^mean ([0-9.]+)", r.stdout, re.M)
    return float(m.group(1)) if m and "error none" in r.stdout else None


def mptcp_cell(label, setup, runs, tcp=False):
    """A fresh 2 x 20 Mbit/s network, an MPTCP server (limits raised as a
    server for multi-homed clients would), setup(sim), then runs downloads."""
    s = Sim(2, [20, 20], lan=False)
    u = srv = None
    try:
        s.x("inet", "ip", "mptcp", "limits", "set", "subflows", "8", "add_addr_accepted", "8")
        srv = s.popen("inet", PY, MPTCPDL, "serve", SERVER1, "7000")
        time.sleep(0.5)
        u = setup(s)
        rs = [mptcp_download(s, 5, tcp) for _ in range(runs)]
        ok = [r for r in rs if r is not None]
        full = sum(1 for r in ok if r >= 32)
        return [label, "MPTCP" if not tcp else "TCP", len(rs), mmm(ok, "%.1f"),
                "%d of %d" % (full, len(rs))]
    finally:
        if u:
            u.stop()
        stop(srv)
        s.down()


def sec_mptcp(a):
    runs = 2 if a.quick else 6
    links2 = "link isp1 { interface = wan1 }\nlink isp2 { interface = wan2 }"

    def endpoints(s):
        for k in (1, 2):
            s.x("host", "ip", "mptcp", "endpoint", "add", "198.18.%d.2" % k, "dev", "wan%d" % k,
                "subflow")

    def article(s):
        run([ARTICLE, "-p", s.p, "apply"])
        endpoints(s)

    def by_hand(s):
        u = topo_uplinkd(s, links2)
        endpoints(s)
        return u

    rows = [
        mptcp_cell("article + 2 subflow endpoints", article, runs),
        mptcp_cell("uplinkd, mptcp = on", lambda s: topo_uplinkd(s, links2, extra="mptcp = on"), runs),
        mptcp_cell("uplinkd + 2 endpoints by hand, mptcp unset", by_hand, runs),
        mptcp_cell("uplinkd (per-connection balancing alone)", lambda s: topo_uplinkd(s, links2), runs,
                   tcp=True),
    ]
    table("One download over two 20 Mbit/s ISPs (Multipath TCP, issue 17)",
          ["setup", "protocol", "downloads", "Mbit/s min / median / max", ">= 32 Mbit/s (0.8 of 40)"],
          rows, "Each download 5 s from the host to one MPTCP server (tests/tools/mptcpdl), "
          "the first second left out; a fresh network per row.")
