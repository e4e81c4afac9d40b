# SPDX-License-Identifier: ISC
"""What bench/run's sections share: the paths and addresses of the simulated
network, the processes, simulations and namespaces started (all removed by
cleanup() at exit), the results table written as it grows, the simulation
(Sim), uplinkd in a namespace (Uplinkd), `ip monitor` (IpMonitor), lsm
(Lsm), download clients and per-link rates.
"""

import datetime
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SIM = os.path.join(REPO, "tests/sim/uplinksim")
ARTICLE = os.path.join(REPO, "tests/sim/article")
NETTOOLS = os.path.join(REPO, "tests/tools/nettools.py")
MPTCPDL = os.path.join(REPO, "tests/tools/mptcpdl")
BUILD = os.environ.get("BUILD", os.path.join(REPO, "build"))
if not os.path.isabs(BUILD):
    BUILD = os.path.join(REPO, BUILD)
UPLINKD = os.environ.get("UPLINKD") or os.path.join(BUILD, "uplinkd")
RESULTS_DIR = os.path.join(REPO, "bench/results")
CTFILL = os.path.join(BUILD, "tests/tools/ctfill")
TARGETS = "198.19.255.1, 198.19.255.2, 198.19.255.3"
TARGETS6 = "2001:db8:fffe::1, 2001:db8:fffe::2, 2001:db8:fffe::3"
# uplinkd's own source address for a host without a LAN: its defaults
# (192.0.0.8, 100::1) replaced by addresses of the simulation's ranges
OWN_SOURCE = "own-source = { 198.18.254.1, 2001:db8:fe::1 }"
SERVER1 = "198.19.200.1"
SERVERS = ["198.19.200.%d" % i for i in range(1, 9)]
PY = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable

WORK = tempfile.mkdtemp(prefix="ulbench.")
PROCS = []          # every process we started, killed by PID at exit
SIMS = []           # every simulation prefix we brought up
NETNS = []          # namespaces we made ourselves
_seq = [0]
_lock = threading.Lock()
OUT = []            # markdown of the results
NOTES = []          # what was pruned or changed, for the report
T_START = time.time()


# ---------------------------------------------------------------- plumbing

def log(msg):
    print("[%6.1fs] %s" % (time.time() - T_START, msg), flush=True)


def run(cmd, check=True, **kw):
    kw.setdefault("stdout", subprocess.PIPE)
    kw.setdefault("stderr", subprocess.PIPE)
    r = subprocess.run(cmd, text=True, **kw)
    if check and r.returncode != 0:
        raise RuntimeError("%s: exit %d: %s" % (" ".join(cmd), r.returncode, (r.stderr or "").strip()))
    return r


def popen(cmd, **kw):
    kw.setdefault("stdin", subprocess.DEVNULL)
    kw.setdefault("stdout", subprocess.DEVNULL)
    kw.setdefault("stderr", subprocess.DEVNULL)
    p = subprocess.Popen(cmd, **kw)
    with _lock:
        PROCS.append(p)
    return p


def stop(p, sig=signal.SIGTERM, timeout=5):
    if p is None or p.poll() is not None:
        return
    try:
        if getattr(p, "_group", False):
            os.killpg(p.pid, sig)
        else:
            p.send_signal(sig)
        p.wait(timeout)
    except (subprocess.TimeoutExpired, ProcessLookupError):
        try:
            if getattr(p, "_group", False):
                os.killpg(p.pid, signal.SIGKILL)
            else:
                p.kill()
            p.wait(2)
        except Exception:
            pass


def cleanup():
    for p in reversed(PROCS):
        stop(p, timeout=3)
    for pre in list(SIMS):
        run([SIM, "-p", pre, "down"], check=False)
    for n in NETNS:
        for pid in run(["ip", "netns", "pids", n], check=False).stdout.split():
            try:
                os.kill(int(pid), signal.SIGKILL)
            except (ProcessLookupError, ValueError):
                pass
        run(["ip", "netns", "del", n], check=False)
    shutil.rmtree(WORK, ignore_errors=True)


def prefix():
    with _lock:
        _seq[0] += 1
        return "bn%d_%d_" % (os.getpid() % 100000, _seq[0])


def mmm(xs, fmt="%.0f"):
    xs = [x for x in xs if x is not None]
    if not xs:
        return "–"
    return "%s / %s / %s" % (fmt % min(xs), fmt % statistics.median(xs), fmt % max(xs))


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def table(title, header, rows, note=None):
    md = ["### " + title, ""]
    if note:
        md += [note, ""]
    md.append("| " + " | ".join(header) + " |")
    md.append("|" + "|".join("---" for _ in header) + "|")
    for r in rows:
        md.append("| " + " | ".join(str(c) for c in r) + " |")
    md.append("")
    text = "\n".join(md)
    OUT.append(text)
    print("\n" + text, flush=True)
    write_results()


def write_results(final=False):
    os.makedirs(RESULTS_DIR, exist_ok=True)
    with open(os.path.join(RESULTS_DIR, "RESULTS.md"), "w") as f:
        f.write(header_md(final))
        f.write("\n".join(OUT))


def header_md(final):
    k = os.uname()
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    lines = ["# uplinkd benchmark results", "",
             "- date: %s" % datetime.datetime.now().strftime("%Y-%m-%d %H:%M %Z").strip(),
             "- kernel: %s %s, %d CPUs (%s)" % (k.sysname, k.release, os.cpu_count(), cpu),
             "- uplinkd: %s" % git_rev(),
             "- command: `bench/run %s`, %s" % (" ".join(sys.argv[1:]),
                                               "took %.0f s" % (time.time() - T_START) if final else "in progress"),
             "- every figure was measured in this run; min / median / max over the repetitions", ""]
    if NOTES:
        lines += ["Pruning and settings:", ""] + ["- " + n for n in NOTES] + [""]
    return "\n".join(lines) + "\n"


def git_rev():
    r = run(["git", "-C", REPO, "describe", "--always", "--dirty"], check=False)
    return r.stdout.strip() or "unknown"


# ---------------------------------------------------------------- simulation

class Sim:
    def __init__(self, isps, rates=None, lan=True, host_forwarding=False, extra=()):
        self.p = prefix()
        self.isps = isps
        self.rates = rates or [0] * isps
        cmd = [SIM, "-p", self.p, "up", "--isps", str(isps)]
        if rates:
            cmd += ["--rates", ",".join(str(r) for r in rates)]
        if lan:
            cmd.append("--lan")
        if host_forwarding:
            cmd.append("--host-forwarding")
        cmd += list(extra)
        SIMS.append(self.p)
        run(cmd)

    def sim(self, *args):
        return run([SIM, "-p", self.p] + [str(a) for a in args])

    def ns(self, node):
        return self.p + node

    def x(self, node, *cmd, check=True, **kw):
        return run(["ip", "netns", "exec", self.ns(node)] + list(cmd), check=check, **kw)

    def popen(self, node, *cmd, **kw):
        return popen(["ip", "netns", "exec", self.ns(node)] + list(cmd), **kw)

    def wan_rx(self):
        """Bytes received on each wan (= sent by each ISP toward the host)."""
        files = ["/sys/class/net/wan%d/statistics/rx_bytes" % k for k in range(1, self.isps + 1)]
        return [int(v) for v in self.x("host", "cat", *files).stdout.split()]

    def isp_tx(self):
        """Bytes each ISP sent toward the host (its cust side): per ISP also
        when two share the host's wan1 (--shared)."""
        return [int(self.x("isp%d" % k, "cat", "/sys/class/net/cust/statistics/tx_bytes").stdout)
                for k in range(1, self.isps + 1)]

    def spoofed(self):
        """Packets each ISP's anti-spoofing filter dropped."""
        out = []
        for k in range(1, self.isps + 1):
            j = json.loads(self.x("isp%d" % k, "nft", "-j", "list", "counter", "inet", "uplinksim",
                                  "spoofed").stdout)
            out += [o["counter"]["packets"] for o in j["nftables"] if "counter" in o]
        return out

    def down(self):
        run([SIM, "-p", self.p, "down"], check=False)
        if self.p in SIMS:
            SIMS.remove(self.p)


def uplinkd_conf(sock, links, lan=True, extra="", probe_extra=""):
    """links: list of (name, interface, weight, gateway or None)."""
    c = ['socket = "%s"' % sock, OWN_SOURCE, extra]
    for name, ifname, weight, gw in links:
        c.append("link %s {\n\tinterface = %s\n\tweight = %d\n%s}" %
                 (name, ifname, weight, "\tgateway = %s\n" % gw if gw else ""))
    if lan:
        c.append("lan home { interface = lan0 }")
    c.append("probe {\n\ttargets = { %s }\n%s}" % (TARGETS, probe_extra))
    return "\n".join(c) + "\n"


class Uplinkd:
    """uplinkd in a namespace; its log lines with the time each was read."""

    def __init__(self, ns, conf_text):
        self.ns = ns
        self.dir = tempfile.mkdtemp(dir=WORK)
        self.sock = os.path.join(self.dir, "uplinkd.sock")
        self.conf = os.path.join(self.dir, "uplinkd.conf")
        self.lines = []
        self.proc = None
        self.set_conf(conf_text)

    def set_conf(self, text):
        with open(self.conf, "w") as f:
            f.write(text.replace("@SOCK@", self.sock))

    def start(self):
        self.t_start = time.time()
        self.proc = popen(["ip", "netns", "exec", self.ns, UPLINKD, "-c", self.conf, "-v"],
                          stderr=subprocess.PIPE, text=True, bufsize=1)
        threading.Thread(target=self._reader, args=(self.proc,), daemon=True).start()
        return self

    def _reader(self, proc):
        with open(os.path.join(self.dir, "uplinkd.log"), "a") as lf:
            for line in proc.stderr:
                t = time.time()
                with _lock:
                    self.lines.append((t, line.rstrip("\n")))
                lf.write("%.6f %s" % (t, line))
                lf.flush()

    def pid(self):
        return self.proc.pid

    def find(self, regex, after=0.0, before=None):
        r = re.compile(regex)
        with _lock:
            lines = list(self.lines)
        return [t for t, l in lines if t > after and (before is None or t <= before) and r.search(l)]

    def wait(self, regex, after=0.0, timeout=10.0):
        end = time.time() + timeout
        while True:
            f = self.find(regex, after)
            if f:
                return f[0]
            if self.proc.poll() is not None:
                raise RuntimeError("uplinkd exited (%s); log:\n%s" % (self.proc.returncode, self.log_text()))
            if time.time() > end:
                return None
            time.sleep(0.005)

    def state(self, link):
        with _lock:
            lines = list(self.lines)
        st = "unknown"
        for _, l in lines:
            m = re.search(r"link %s: ipv4 \S+ -> (\S+)" % re.escape(link), l)
            if m:
                st = m.group(1)
        return st

    def wait_up(self, links, timeout=15.0):
        end = time.time() + timeout
        while time.time() < end:
            if all(self.state(l) == "up" for l in links):
                return True
            if self.proc.poll() is not None:
                raise RuntimeError("uplinkd exited; log:\n" + self.log_text())
            time.sleep(0.02)
        raise RuntimeError("links %s not up after %.0f s; log:\n%s" % (links, timeout, self.log_text()))

    def log_text(self):
        with _lock:
            return "\n".join(l for _, l in self.lines[-40:])

    def stop(self, sig=signal.SIGTERM):
        stop(self.proc, sig)


def start_uplinkd(sim, weights=None, lan=True, probe_extra="", extra=""):
    weights = weights or [1] * sim.isps
    links = [("isp%d" % k, "wan%d" % k, weights[k - 1], None) for k in range(1, sim.isps + 1)]
    u = Uplinkd(sim.ns("host"), uplinkd_conf("@SOCK@", links, lan, extra, probe_extra)).start()
    if u.wait(r"\bready\b", timeout=10) is None:
        raise RuntimeError("uplinkd not ready; log:\n" + u.log_text())
    u.wait_up(["isp%d" % k for k in range(1, sim.isps + 1)])
    return u


class IpMonitor:
    """`ip -ts monitor OBJECTS` in a namespace: lines with their kernel-side
    (printing) time."""

    def __init__(self, ns, objects):
        self.lines = []
        self.proc = popen(["ip", "netns", "exec", ns, "ip", "-ts", "monitor"] + objects,
                          stdout=subprocess.PIPE, text=True, bufsize=1)
        threading.Thread(target=self._reader, daemon=True).start()
        time.sleep(0.1)

    def _reader(self):
        for line in self.proc.stdout:
            m = re.match(r"^\[(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+)\]\s*(.*)$", line)
            if not m:
                continue
            t = datetime.datetime.fromisoformat(m.group(1)).timestamp()
            with _lock:
                self.lines.append((t, m.group(2)))

    def find(self, regex, after=0.0):
        r = re.compile(regex)
        with _lock:
            return [(t, l) for t, l in self.lines if t > after and r.search(l)]

    def wait(self, regex, after=0.0, timeout=5.0):
        end = time.time() + timeout
        while time.time() < end:
            f = self.find(regex, after)
            if f:
                return f[0][0]
            time.sleep(0.005)
        return None

    def stop(self):
        stop(self.proc)


class Lsm:
    """lsm in the host namespace, one connection per (link, target), one
    group per link (logic OR: up while any target answers, as uplinkd's
    reliability = 1). Its group event script records each state change."""

    SETTINGS = {
        # lsm's compiled-in defaults (lsm.conf documents the same values)
        "default": dict(interval_ms=1000, timeout_ms=1000, max_successive_pkts_lost=7,
                        max_packet_loss=15, min_successive_pkts_rcvd=10, min_packet_loss=5),
        # uplinkd's probe budget and window: 10 probes/s per link over 3
        # targets, 600 ms timeout, ~800 ms of silence, 3 s of answers to come up
        # (packet loss limits 100/99: down on consecutive losses and up on
        # consecutive answers alone, as uplinkd; with min_packet_loss=5 lsm
        # waits until the lost probes leave its 100-probe window; lsm needs
        # min_packet_loss < max_packet_loss or never comes up)
        "matched": dict(interval_ms=300, timeout_ms=600, max_successive_pkts_lost=3,
                        max_packet_loss=100, min_successive_pkts_rcvd=10, min_packet_loss=99),
        # the fastest lsm accepts: one lost probe takes a target down, one
        # answer brings it back; it sends at most every ~100 ms per target
        "fastest": dict(interval_ms=10, timeout_ms=100, max_successive_pkts_lost=1,
                        max_packet_loss=100, min_successive_pkts_rcvd=1, min_packet_loss=99),
    }

    def __init__(self, sim, tag, settings):
        self.tag = tag
        self.dir = tempfile.mkdtemp(dir=WORK)
        self.events_file = os.path.join(self.dir, "events")
        open(self.events_file, "w").close()
        ev = os.path.join(self.dir, "event")
        with open(ev, "w") as f:
            f.write('#!/bin/bash\necho "$EPOCHREALTIME $1 $2" >>"%s"\n' % self.events_file)
        os.chmod(ev, 0o755)
        s = self.SETTINGS[settings]
        c = ["debug=8", "defaults {", "  name=defaults", "  checkip=127.0.0.1",
             "  eventscript=", "  notifyscript=", "  warn_email=", "  check_arp=0",
             "  sourceip=", "  ttl=0"]
        c += ["  %s=%d" % kv for kv in s.items()]
        c.append("}")
        for k in range(1, sim.isps + 1):
            for t in range(1, 4):
                c += ["connection {", "  name=%s_isp%d_t%d" % (tag, k, t),
                      "  checkip=198.19.255.%d" % t, "  device=wan%d" % k,
                      "  sourceip=198.18.%d.2" % k, "  eventscript=", "}"]
            c += ["group {", "  name=%s_isp%d" % (tag, k), "  eventscript=%s" % ev, "  logic=0"]
            c += ["  member-connection=%s_isp%d_t%d" % (tag, k, t) for t in range(1, 4)]
            c.append("}")
        conf = os.path.join(self.dir, "lsm.conf")
        with open(conf, "w") as f:
            f.write("\n".join(c) + "\n")
        self.proc = sim.popen("host", "lsm", "-f", "-c", conf, "-p", os.path.join(self.dir, "pid"))

    def events(self):
        out = []
        with open(self.events_file) as f:
            for line in f:
                p = line.split()
                if len(p) >= 3:
                    out.append((float(p[0]), p[1], p[2]))
        return out

    def first(self, state, link, after):
        for t, s, n in self.events():
            if t > after and s == state and n == "%s_%s" % (self.tag, link):
                return t
        return None

    def state(self, link):
        st = "unknown"
        for _, s, n in self.events():
            if n == "%s_%s" % (self.tag, link):
                st = s
        return st

    def count(self, state, link, after, before):
        return sum(1 for t, s, n in self.events()
                   if after < t <= before and s == state and n == "%s_%s" % (self.tag, link))

    def stop(self):
        stop(self.proc)


def downloads(sim, node, servers, n, port=9000):
    return [sim.popen(node, "socat", "-u", "TCP4:%s:%d" % (servers[i % len(servers)], port), "/dev/null")
            for i in range(n)]


def download_loops(sim, node, n, server=SERVER1):
    """n loops, each downloading for 3 s or until 0.5 s without data, then
    again (a process group each, killed by its id)."""
    script = ('while :; do timeout 3 ip netns exec %s socat -T 0.5 -u '
              'TCP4:%s:9000,connect-timeout=0.5 /dev/null; sleep 0.05; done') % (sim.ns(node), server)
    ps = []
    for _ in range(n):
        p = popen(["bash", "-c", script], start_new_session=True)
        p._group = True
        ps.append(p)
    return ps


def measure_rates(sim, warm=1.0, dur=2.0):
    time.sleep(warm)
    b0, t0 = sim.wan_rx(), time.time()
    time.sleep(dur)
    b1, t1 = sim.wan_rx(), time.time()
    return [(b - a) * 8 / (t1 - t0) / 1e6 for a, b in zip(b0, b1)]


# ---------------------------------------------------------------- shared by sections

def miss(xs):
    n = sum(1 for x in xs if x is None)
    return " (%d missed)" % n if n else ""


def proc_cpu_rss(pid):
    with open("/proc/%d/stat" % pid) as f:
        st = f.read().rsplit(")", 1)[1].split()
    ticks = int(st[11]) + int(st[12])
    rss = hwm = 0
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
            elif line.startswith("VmHWM:"):
                hwm = int(line.split()[1])
    return ticks, rss, hwm


def topo_uplinkd(sim, links, lans="", extra=""):
    """uplinkd with the default config apart from links, lans and the
    simulation's own-source; up on IPv4 (and IPv6 where the sim has it)."""
    text = "\n".join(['socket = "@SOCK@"', OWN_SOURCE, extra, links, lans,
                      "probe { targets = { %s, %s } }" % (TARGETS, TARGETS6)]) + "\n"
    u = Uplinkd(sim.ns("host"), text).start()
    if u.wait(r"\bready\b", timeout=10) is None:
        raise RuntimeError("uplinkd not ready; log:\n" + u.log_text())
    u.wait_up(["isp1", "isp2"])
    return u


def veth_ns(tag, n=64):
    """A namespace of its own (removed at exit) holding n veth pairs fakeK and
    peerK, up, fakeK with 198.18.K.2/24: links whose gateways never answer."""
    ns = prefix() + tag
    run(["ip", "netns", "add", ns])
    NETNS.append(ns)
    b = ["link set lo up"]
    for k in range(1, n + 1):
        b += ["link add fake%d type veth peer name peer%d" % (k, k), "addr add 198.18.%d.2/24 dev fake%d" % (k, k),
              "link set fake%d up" % k, "link set peer%d up" % k]
    run(["ip", "-n", ns, "-b", "-"], input="\n".join(b) + "\n")
    return ns
