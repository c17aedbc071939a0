#!/usr/bin/env python3
"""Helpers for bench/run.sh.

measure.py run [--stderr FILE] -- CMD ARGS...
    Runs CMD once with stdout sent to /dev/null and prints one line,
    "<wall seconds>\t<peak RSS KiB>\t<exit code>".
    Peak RSS comes from GNU time (`/usr/bin/time -f %M`), which forks and
    execs CMD itself: no shell in between, and a process that CMD exec()s
    (like the pprof wrapper script) keeps the pid and is the one counted.
    (Not from this Python process's own wait4(): Linux starts a child's
    ru_maxrss at its parent's peak, ~14 MiB for Python, ~1 MiB for time.)
    Wall time is measured here, around time's run, at sub-millisecond
    resolution (time's %e has 10 ms); time adds about a millisecond.

measure.py report RESULTS.tsv
    Prints medians per (case, tool) and the ratios heapscope/pprof,
    heapscope/inflate (gzip -dc) and heapscope/isal (ISA-L's igzip). RESULTS.tsv rows: case, tool, run, wall, rss_kib, exit.
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time

GNU_TIME = "/usr/bin/time"


def run(argv):
    err_path = os.devnull
    if argv[:1] == ["--stderr"]:
        err_path, argv = argv[1], argv[2:]
    if argv[:1] == ["--"]:
        argv = argv[1:]
    if not argv:
        sys.exit("measure.py run: no command")
    with tempfile.NamedTemporaryFile("r", prefix="measure-", suffix=".txt") as rss_file, open(
        err_path, "wb"
    ) as err:
        cmd = [GNU_TIME, "-f", "%M", "-o", rss_file.name, "--", *argv]
        start = time.perf_counter()
        code = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=err).returncode
        wall = time.perf_counter() - start
        # the last line is %M; a line before it may say "Command exited with ..."
        lines = rss_file.read().split()
        rss = int(lines[-1]) if lines and lines[-1].isdigit() else 0
    print(f"{wall:.4f}\t{rss}\t{code}")


def fmt_time(s):
    return f"{s:.3f} s" if s < 10 else f"{s:.1f} s"


def fmt_rss(kib):
    mib = kib / 1024
    return f"{mib:.1f} MiB" if mib < 1024 else f"{mib / 1024:.2f} GiB"


def report(path):
    # (case, tool) -> lists of wall and rss of successful runs, and failures
    cases, tools, walls, rsss, fails = [], {}, {}, {}, {}
    with open(path) as f:
        for line in f:
            case, tool, _run, wall, rss, code = line.rstrip("\n").split("\t")
            if case not in cases:
                cases.append(case)
                tools[case] = []
            if tool not in tools[case]:
                tools[case].append(tool)
            key = (case, tool)
            walls.setdefault(key, [])
            rsss.setdefault(key, [])
            if code == "0":
                walls[key].append(float(wall))
                rsss[key].append(int(rss))
            else:
                fails.setdefault(key, []).append(code)

    med = {k: (statistics.median(walls[k]), statistics.median(rsss[k])) for k in walls if walls[k]}

    print(f"\nMedians ({path}):\n")
    print(f"{'case':<16} {'tool':<10} {'runs':>4} {'wall':>10} {'peak RSS':>12}")
    for case in cases:
        for tool in tools[case]:
            key = (case, tool)
            n = len(walls[key])
            failed = fails.get(key, [])
            if key in med:
                w, r = med[key]
                note = f"  ({len(failed)} failed)" if failed else ""
                print(f"{case:<16} {tool:<10} {n:>4} {fmt_time(w):>10} {fmt_rss(r):>12}{note}")
            else:
                print(f"{case:<16} {tool:<10} {n:>4} {'FAILED':>10} {'':>12}  (exit {','.join(sorted(set(failed)))})")

    print(f"\nRatios (heapscope / other; below 1 means heapscope wins):\n")
    print(f"{'case':<16} {'vs':<8} {'wall':>8} {'peak RSS':>9}")
    for case in cases:
        hs = med.get((case, "heapscope"))
        if not hs:
            continue
        for other in ("pprof", "inflate", "isal"):
            o = med.get((case, other))
            if o:
                print(f"{case:<16} {other:<8} {hs[0] / o[0]:>8.3f} {hs[1] / o[1]:>9.3f}")


def main():
    if len(sys.argv) >= 2 and sys.argv[1] == "run":
        run(sys.argv[2:])
    elif len(sys.argv) == 3 and sys.argv[1] == "report":
        report(sys.argv[2])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
