#!/usr/bin/env python3
"""Writes zero_new.pb.gz and zero_base.pb.gz (gzip profile.proto) into the
folder given as the first argument (default: testdata/reports/).

The pair is built so that `-base zero_base.pb.gz zero_new.pb.gz` has call
edges whose weight nets to 0:
  * main -> X -> Y: +10 objects through Y -> leaf1 in NEW, -10 through
    Y -> leaf2 from BASE, so X and Y net to 0 (pprof drops the nodes) while
    the edges main -> X, Y -> leaf1 and Y -> leaf2 stay;
  * main -> A -> B: +5 in NEW, -5 in BASE (a sample ending in B), so the
    edge A -> B nets to 0 while A and B keep non-zero values.
Deterministic: no dependency beyond the standard library; gzip mtime 0.
"""
import gzip, os, sys

# The profile.proto writer shared with the other generators (testdata/protowire.py).
sys.dont_write_bytecode = True  # no __pycache__ in testdata/
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
from protowire import fb as f_bytes, fv as f_int, packed  # noqa: E402

FUNCS = ["main", "X", "Y", "leaf1", "leaf2", "Z", "leaf3", "A", "B", "C", "leafB"]

def profile(samples, time_nanos):
    strings = ["", "objects", "count", "space", "bytes", "zero_edges.go", "zero_edges"]
    def s(x):
        if x not in strings:
            strings.append(x)
        return strings.index(x)
    body = b""
    body += f_bytes(1, f_int(1, s("objects")) + f_int(2, s("count")))
    body += f_bytes(1, f_int(1, s("space")) + f_int(2, s("bytes")))
    for stack, (n, b) in samples:
        ids = [FUNCS.index(f) + 1 for f in reversed(stack)]  # leaf first
        body += f_bytes(2, packed(1, ids) + packed(2, [n, b]))
    body += f_bytes(3, f_int(1, 1) + f_int(2, 0x400000) + f_int(3, 0x500000)
                    + f_int(5, s("zero_edges")) + f_int(7, 1) + f_int(8, 1) + f_int(9, 1))
    for i, name in enumerate(FUNCS):
        line = f_int(1, i + 1) + f_int(2, 10 * (i + 1))
        body += f_bytes(4, f_int(1, i + 1) + f_int(2, 1) + f_int(3, 0x401000 + 0x10 * i) + f_bytes(4, line))
    for i, name in enumerate(FUNCS):
        body += f_bytes(5, f_int(1, i + 1) + f_int(2, s(name)) + f_int(3, s(name))
                        + f_int(4, s("zero_edges.go")) + f_int(5, 10 * (i + 1) - 2))
    s("space"), s("bytes")
    tail = f_int(9, time_nanos) + f_bytes(11, f_int(1, s("space")) + f_int(2, s("bytes"))) + f_int(12, 1)
    return b"".join(f_bytes(6, x.encode()) for x in strings) + body + tail

NEW = [
    (["main", "X", "Y", "leaf1"], (10, 10240)),
    (["main", "Z", "leaf3"], (50, 51200)),
    (["main", "A", "B", "leafB"], (5, 5120)),
    (["main", "C", "B", "leafB"], (5, 5120)),
    (["main", "A", "leaf2"], (20, 20480)),
]
BASE = [
    (["main", "X", "Y", "leaf2"], (10, 10240)),
    (["main", "A", "B"], (5, 5120)),
]

def write(path, data):
    with open(path, "wb") as f:
        f.write(gzip.compress(data, mtime=0))

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..", "reports")
write(os.path.join(out, "zero_new.pb.gz"), profile(NEW, 1_700_000_100_000_000_000))
write(os.path.join(out, "zero_base.pb.gz"), profile(BASE, 1_700_000_000_000_000_000))
