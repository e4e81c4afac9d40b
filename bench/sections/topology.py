# SPDX-License-Identifier: ISC
"""The topology section of bench/run: the host's own connections without a LAN
(under multipath hash policy 0 and 1) and on two ISP routers sharing one
segment, a LAN's IPv6, and each ISP's resolver over its own link: uplinkd
with its defaults against the article's setup, or against uplinkd without
the feature.

Run by bench/run (--only topology); what it shares with the other sections is in
bench/lib/common.py.
"""

import json
import time

from common import (ARTICLE, NETTOOLS, PY, SERVER1, Sim, downloads, log, measure_rates, mmm, run,
    stop, table, topo_uplinkd)


# A resolver inside ISP 1 that answers only its own customers (sources on
# its customer segment 198.18.1.0/24), and N queries from fresh sockets.
RESOLVER = """
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("198.19.1.53", 53))
while True:
    data, peer = s.recvfrom(512)
    if peer[0].startswith("198.18.1."):
        s.sendto(data, peer)
"""

QUERIES = """
import socket, sys
n = 0
for i in range(int(sys.argv[1])):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(1)
    s.sendto(b"q%d" % i, ("198.19.1.53", 53))
    try:
        n += s.recv(512) == b"q%d" % i
    except socket.timeout:
        pass
    s.close()
print(n)
"""


def bytes_split(sim, node, server, flows=8, secs=3):
    b0 = sim.isp_tx()
    r = sim.x(node, "iperf3", "-c", server, "-p", "5205", "-R", "-P", str(flows), "-t", str(secs),
              check=False)
    d = [y - x for x, y in zip(b0, sim.isp_tx())]
    share = min(d) / max(1, sum(d)) * 100
    return "%.1f / %.1f MB" % (d[0] / 1e6, d[1] / 1e6), share, r.returncode == 0


def topo_nolan(a, rows):
    runs = 2 if a.quick else 5
    links2 = "link isp1 { interface = wan1 }\nlink isp2 { interface = wan2 }"
    su = Sim(2, [20, 20], lan=False)
    sa = Sim(2, [20, 20], lan=False)
    try:
        u = topo_uplinkd(su, links2)
        run([ARTICLE, "-p", sa.p, "apply"])
        for pol in (0, 1):
            for system, s in (("uplinkd", su), ("article", sa)):
                s.x("host", "sysctl", "-qw", "net.ipv4.fib_multipath_hash_policy=%d" % pol)
                fr = []
                for _ in range(runs):
                    ps = downloads(s, "host", [SERVER1], 2)
                    fr.append(sum(measure_rates(s)) / 40 * 100)
                    for p in ps:
                        stop(p)
                    time.sleep(0.2)
                full = sum(1 for f in fr if f >= 90)
                rows.append(["no LAN, hash policy %d" % pol, system,
                             "2 downloads to 1 server, %d runs" % runs,
                             "%s %% of capacity; %d of %d runs >= 90 %%" % (mmm(fr), full, runs)])
        c = json.loads(su.x("host", PY, NETTOOLS, "which", "8", SERVER1).stdout)["counts"]
        rows.append(["no LAN", "uplinkd", "8 connections to 1 server",
                     "%d / %d" % (c.get("1", 0), c.get("2", 0))])
        u.stop()
    finally:
        su.down()
        sa.down()


def topo_shared(a, rows):
    s = Sim(2, [20, 20], lan=False, extra=["--shared"])
    try:
        links = ("link isp1 {\n\tinterface = wan1\n\tgateway = 198.18.1.1\n}\n"
                 "link isp2 {\n\tinterface = wan1\n\tgateway = 198.18.1.3\n}")
        u = topo_uplinkd(s, links)
        split, share, ok = bytes_split(s, "host", SERVER1)
        rows.append(["shared segment, no LAN", "uplinkd", "8 downloads from the host",
                     "%s (smaller share %.0f %%)%s" % (split, share, "" if ok else ", iperf3 failed")])
        u.stop()
    finally:
        s.down()


def topo_lan6(a, rows):
    s = Sim(2, [20, 20], lan=True, extra=["--ipv6"])
    try:
        u = topo_uplinkd(s, "link isp1 { interface = wan1 }\nlink isp2 { interface = wan2 }",
                         "lan home { interface = lan0 }")
        u.wait(r"link isp2: ipv6 \S+ -> up", timeout=10)
        u.wait(r"link isp1: ipv6 \S+ -> up", timeout=10)
        split, share, ok = bytes_split(s, "lan", "2001:db8:ffff::1")
        rows.append(["LAN IPv6, defaults", "uplinkd", "8 downloads from the LAN client",
                     "%s (smaller share %.0f %%)%s; spoofed packets at the ISPs: %s" %
                     (split, share, "" if ok else ", iperf3 failed", "/".join(map(str, s.spoofed())))])
        u.stop()
    finally:
        s.down()


def topo_dns(a, rows):
    s = Sim(2, [20, 20], lan=False)
    try:
        s.x("isp1", "ip", "addr", "add", "198.19.1.53/32", "dev", "lo")
        s.popen("isp1", PY, "-c", RESOLVER)
        time.sleep(0.3)
        for label, dns in (("uplinkd, dns = { 198.19.1.53 } on isp1", "\n\tdns = { 198.19.1.53 }"),
                           ("uplinkd without dns", "")):
            u = topo_uplinkd(s, "link isp1 {\n\tinterface = wan1%s\n}\nlink isp2 { interface = wan2 }" % dns)
            n = s.x("host", PY, "-c", QUERIES, "100").stdout.strip()
            rows.append(["resolver inside isp1 (answers its customers only)", label,
                         "100 queries from the host, round-robin", "%s of 100 answered" % n])
            u.stop()
    finally:
        s.down()


def sec_topology(a):
    log("topology: no LAN, shared segment, LAN IPv6, resolvers per link")
    rows = []
    for f in (topo_nolan, topo_shared, topo_lan6, topo_dns):
        f(a, rows)
    table("Topologies: the host's own connections, a LAN's IPv6, resolvers (2 x 20 Mbit/s)",
          ["setting", "system", "what", "result"], rows,
          note="uplinkd with its default config apart from links, lans, dns and own-source (the "
               "defaults 192.0.0.8 and 100::1 replaced by addresses of the simulation's ranges). "
               "The hash policy is set after uplinkd started; uplinkd leaves it alone where the "
               "host's sockets have a source of uplinkd's own. The article's setup has no IPv6, "
               "no notion of two routers on one interface and no per-link resolvers.")
