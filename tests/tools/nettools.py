#!/usr/bin/python3
# SPDX-License-Identifier: ISC
#
# nettools.py: the small network clients and the one server bench/run needs,
# run inside the simulation's namespaces (`ip netns exec NS python3 ...`).
# Each prints one JSON document on stdout; times are Unix seconds (float).
#
#   serve PORT                     echo server: sends the client's address as
#                                  it saw it ("198.19.K.1\n"), then echoes
#   keep SERVER PORT N [GAP_MS]    N long-lived connections to `serve`, each
#                                  writing 8 bytes every 100 ms and expecting
#                                  the echo within GAP_MS (default 1000); on
#                                  SIGTERM prints each one's ISP, whether/
#                                  when/why it failed, its longest wait for
#                                  an echo (max_gap_s)
#   fetch SERVER PORT              a download (tcp 9000 sends zeros) until
#                                  SIGTERM: bytes, longest pause (max_gap_s)
#   probe SERVER SECONDS [IVL_MS]  a new connection to SERVER:80 every IVL_MS
#                                  (default 50) for SECONDS; each one's start,
#                                  result and ISP
#   which N SERVER...              N sequential connections to the echo
#                                  service (tcp 80), round robin over the
#                                  servers: how many each ISP carried
#   ctlpoll SOCKET CMD SECONDS [IVL_MS]
#                                  uplinkd's control request CMD (status,
#                                  metrics) on one connection every IVL_MS
#                                  (default 0: back to back) for SECONDS;
#                                  each answer's start and latency (ms), and
#                                  the min/median/p99/max

import json
import re
import selectors
import signal
import socket
import sys
import threading
import time


def isp_of(addr):
    m = re.match(r"^(?:::ffff:)?198\.19\.(\d+)\.1$", addr.strip())
    return int(m.group(1)) if m else 0


def serve(port):
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("0.0.0.0", port))
    ls.listen(256)

    def handle(c, peer):
        try:
            c.sendall((peer[0] + "\n").encode())
            while True:
                b = c.recv(4096)
                if not b:
                    break
                c.sendall(b)
        except OSError:
            pass
        finally:
            c.close()

    while True:
        c, peer = ls.accept()
        threading.Thread(target=handle, args=(c, peer), daemon=True).start()


def keep(server, port, n, gap_s=1.0):
    conns = []
    for i in range(n):
        s = socket.create_connection((server, port), timeout=3)
        f = b""
        while not f.endswith(b"\n"):
            b = s.recv(100)
            if not b:
                break
            f += b
        s.setblocking(False)
        conns.append({"i": i, "sock": s, "isp": isp_of(f.decode()), "sent": 0,
                      "rcvd": 0, "pending_since": None, "failed": None,
                      "max_gap_s": 0.0,
                      "reason": None, "start": time.time()})
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *a: stop.set())
    signal.signal(signal.SIGINT, lambda *a: stop.set())
    sel = selectors.DefaultSelector()
    for c in conns:
        sel.register(c["sock"], selectors.EVENT_READ, c)
    print(json.dumps({"ready": [c["isp"] for c in conns]}), file=sys.stderr, flush=True)
    next_tx = time.monotonic()
    while not stop.is_set():
        now = time.monotonic()
        if now >= next_tx:
            next_tx += 0.1
            for c in conns:
                if c["failed"] is not None:
                    continue
                try:
                    c["sock"].send(b"ping1234")
                    c["sent"] += 8
                    if c["pending_since"] is None:
                        c["pending_since"] = now
                except OSError as e:
                    c["failed"], c["reason"] = time.time(), e.strerror or str(e)
        for key, _ in sel.select(timeout=max(0, min(0.02, next_tx - time.monotonic()))):
            c = key.data
            if c["failed"] is not None:
                continue
            try:
                b = c["sock"].recv(65536)
                if not b:
                    c["failed"], c["reason"] = time.time(), "closed by peer"
                    continue
                c["rcvd"] += len(b)
                if c["pending_since"] is not None:
                    c["max_gap_s"] = max(c["max_gap_s"], time.monotonic() - c["pending_since"])
                c["pending_since"] = None if c["rcvd"] >= c["sent"] else time.monotonic()
            except BlockingIOError:
                pass
            except OSError as e:
                c["failed"], c["reason"] = time.time(), e.strerror or str(e)
        now = time.monotonic()
        for c in conns:
            if c["failed"] is None and c["pending_since"] is not None and now - c["pending_since"] > gap_s:
                c["failed"], c["reason"] = time.time(), "no echo for %g s" % gap_s
    out = [{k: c[k] for k in ("i", "isp", "sent", "rcvd", "failed", "reason", "start", "max_gap_s")} for c in conns]
    print(json.dumps(out))


def fetch(server, port):
    s = socket.create_connection((server, port), timeout=3)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *a: stop.set())
    signal.signal(signal.SIGINT, lambda *a: stop.set())
    s.settimeout(0.05)
    got, gap, last, err = 0, 0.0, time.monotonic(), None
    print(json.dumps({"ready": True}), file=sys.stderr, flush=True)
    while not stop.is_set():
        try:
            b = s.recv(65536)
            if not b:
                err = "closed by peer"
                break
            now = time.monotonic()
            gap, last = max(gap, now - last), now
            got += len(b)
        except socket.timeout:
            pass
        except OSError as e:
            err = e.strerror or str(e)
            break
    gap = max(gap, time.monotonic() - last) if err is None else gap
    print(json.dumps({"bytes": got, "max_gap_s": gap, "error": err}))


def probe(server, seconds, ivl_ms):
    """Connection attempts at a fixed pace, each in its own thread."""
    results = []
    lock = threading.Lock()

    def attempt(t0):
        r = {"start": t0, "ok": False, "isp": 0, "ms": None, "err": None}
        try:
            s = socket.create_connection((server, 80), timeout=1.0)
            s.settimeout(1.0)
            f = b""
            while not f.endswith(b"\n"):
                b = s.recv(100)
                if not b:
                    break
                f += b
            s.close()
            r["isp"] = isp_of(f.decode())
            r["ok"] = r["isp"] > 0
            r["ms"] = (time.time() - t0) * 1000
        except OSError as e:
            r["err"] = e.strerror or str(e)
        with lock:
            results.append(r)

    threads = []
    end = time.monotonic() + seconds
    nxt = time.monotonic()
    while nxt < end:
        time.sleep(max(0, nxt - time.monotonic()))
        th = threading.Thread(target=attempt, args=(time.time(),), daemon=True)
        th.start()
        threads.append(th)
        nxt += ivl_ms / 1000
    for th in threads:
        th.join(2)
    results.sort(key=lambda r: r["start"])
    print(json.dumps(results))


def which(n, servers):
    counts = {}
    fails = 0
    for i in range(n):
        try:
            s = socket.create_connection((servers[i % len(servers)], 80), timeout=2)
            s.settimeout(2)
            f = b""
            while not f.endswith(b"\n"):
                b = s.recv(100)
                if not b:
                    break
                f += b
            s.close()
            k = isp_of(f.decode())
            counts[k] = counts.get(k, 0) + 1
        except OSError:
            fails += 1
    print(json.dumps({"counts": counts, "failed": fails}))


def ctlpoll(path, cmd, seconds, ivl_ms):
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(10)        # an answer later than that is a failure
    s.connect(path)
    f = s.makefile("rwb")
    req = json.dumps({"cmd": cmd}).encode() + b"\n"
    samples, end = [], time.time() + seconds
    while time.time() < end:
        t0 = time.time()
        f.write(req)
        f.flush()
        try:
            line = f.readline()
        except OSError:
            line = b""
        if not line:
            samples.append((round(t0, 4), 10000.0))
            break
        samples.append((round(t0, 4), round((time.time() - t0) * 1000, 2)))
        if ivl_ms > 0:
            time.sleep(max(0.0, t0 + ivl_ms / 1000 - time.time()))
    ms = sorted(x[1] for x in samples) or [0]
    print(json.dumps({"n": len(samples), "min_ms": ms[0],
                      "median_ms": ms[len(ms) // 2],
                      "p99_ms": ms[min(len(ms) - 1, len(ms) * 99 // 100)],
                      "max_ms": ms[-1], "samples": samples}))


def main(argv):
    if not argv:
        sys.exit(__doc__ or "usage: nettools.py serve|keep|probe|which ...")
    cmd, a = argv[0], argv[1:]
    if cmd == "serve":
        serve(int(a[0]))
    elif cmd == "keep":
        keep(a[0], int(a[1]), int(a[2]), float(a[3]) / 1000 if len(a) > 3 else 1.0)
    elif cmd == "fetch":
        fetch(a[0], int(a[1]))
    elif cmd == "probe":
        probe(a[0], float(a[1]), float(a[2]) if len(a) > 2 else 50)
    elif cmd == "which":
        which(int(a[0]), a[1:])
    elif cmd == "ctlpoll":
        ctlpoll(a[0], a[1], float(a[2]), float(a[3]) if len(a) > 3 else 0)
    else:
        sys.exit("nettools.py: unknown command " + cmd)


if __name__ == "__main__":
    main(sys.argv[1:])
