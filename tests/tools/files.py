#!/usr/bin/python3
# SPDX-License-Identifier: ISC
#
# files.py: a batch of file downloads, as a LAN or the host makes them, run
# inside the simulation's namespaces (`ip netns exec NS python3 ...`):
#
#   files.py N PAR SIZE SERVER...
#
# N downloads of SIZE bytes each from tcp 9000 of the servers (round
# robin; the simulation's tcp 9000 sends zeros until the client closes),
# PAR at a time, each a new connection. Prints one JSON document: the
# batch's wall time (seconds), the downloads' times (min/median/max), how
# many failed (connection error or under SIZE bytes), the longest connect
# and how many connects took 0.9 s or more (a SYN or SYN-ACK lost: TCP
# tries again after 1, 3, 7, 15 s).

import json
import socket
import sys
import threading
import time


def one(server, size, conn):
    t0 = time.monotonic()
    try:
        s = socket.create_connection((server, 9000), timeout=30)
        conn.append(time.monotonic() - t0)
        s.settimeout(10)
        got = 0
        while got < size:
            b = s.recv(min(262144, size - got))
            if not b:
                break
            got += len(b)
        s.close()
        return time.monotonic() - t0, got >= size
    except OSError:
        return time.monotonic() - t0, False


def batch(n, par, size, servers):
    lock = threading.Lock()
    nxt = [0]
    times, failed, conn = [], [0], []

    def worker():
        while True:
            with lock:
                i = nxt[0]
                if i >= n:
                    return
                nxt[0] += 1
            dt, ok = one(servers[i % len(servers)], size, conn)
            with lock:
                times.append(dt)
                if not ok:
                    failed[0] += 1

    t0 = time.monotonic()
    ws = [threading.Thread(target=worker) for _ in range(par)]
    for w in ws:
        w.start()
    for w in ws:
        w.join()
    total = time.monotonic() - t0
    times.sort()
    return {"n": n, "par": par, "size": size, "seconds": round(total, 3),
            "failed": failed[0],
            "min_s": round(times[0], 3), "median_s": round(times[len(times) // 2], 3),
            "max_s": round(times[-1], 3),
            "max_connect_s": round(max(conn or [0]), 3),
            "slow_connects": sum(1 for c in conn if c >= 0.9)}


def main(argv):
    if len(argv) < 4:
        sys.exit("usage: files.py N PAR SIZE SERVER...")
    print(json.dumps(batch(int(argv[0]), int(argv[1]), int(argv[2]), argv[3:])))


if __name__ == "__main__":
    main(sys.argv[1:])
