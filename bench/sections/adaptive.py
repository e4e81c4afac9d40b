# SPDX-License-Identifier: ISC
"""The capacity and passive sections of bench/run (issue 15): the standalone
scripts bench/capacity (weight = auto beside static weights, 30/10 Mbit/s
then swapped) and bench/passive (a partial outage, and a silent cut under
load, beside the probe-only daemon), run as they are; their markdown goes
into the results.

Run by bench/run (--only capacity,passive).
"""

import os
import sys

from common import OUT, REPO, log, run, write_results


def script(name, args):
    log("%s: bench/%s %s" % (name, name, " ".join(args)))
    r = run([sys.executable, os.path.join(REPO, "bench", name)] + args, check=False,
            stderr=None)
    md = r.stdout[r.stdout.find("###"):] if "###" in r.stdout else ""
    if r.returncode != 0 or not md:
        md = "### bench/%s\n\nfailed (exit %d)\n" % (name, r.returncode)
    OUT.append(md.rstrip("\n") + "\n")
    print("\n" + md, flush=True)
    write_results()


def sec_capacity(a):
    script("capacity", ["--reps", str(a.reps)])


def sec_passive(a):
    script("passive", ["--cuts", str(a.cuts)] + (["--seconds", "20"] if a.quick else []))
