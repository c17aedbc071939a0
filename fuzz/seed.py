#!/usr/bin/env python3
"""Seeds fuzz/corpus/<target>/ from the repository's own fixtures.

    python3 fuzz/seed.py            # every target
    python3 fuzz/seed.py http elf   # some

Standard library only; adds files named by content hash, so running it
again over a grown corpus adds nothing twice. The corpus itself is not
committed (it grows to hundreds of MB); this script is how to start one.
"""

import hashlib
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
T = os.path.join(ROOT, "testdata")
MAX = 256 << 10  # bigger seeds only slow the fuzzer down


def files(*globs_):
    import glob

    out = []
    for g in globs_:
        out += sorted(glob.glob(os.path.join(T, g), recursive=True))
    return [f for f in out if os.path.isfile(f) and os.path.getsize(f) <= MAX]


def read(f):
    with open(f, "rb") as fh:
        return fh.read()


def text(f):
    """Legacy text, inflated when gzip'd."""
    b = read(f)
    if b[:2] == b"\x1f\x8b":
        import gzip

        try:
            b = gzip.decompress(b)
        except Exception:
            pass
    return b


PROFILES = ["*.pb.gz", "*.prof", "diff/**/*.pb.gz", "reports/**/*.pb.gz", "symbolize/*.pb.gz", "hostile/*.pb*"]
LEGACY = ["legacy/**/*.heap", "legacy/**/*.txt", "hostile/*.heap*", "hostile/*.txt", "fuzz-regressions/*.heap"]

JAVA = (
    b"--- heapz 1 ---\nformat = java\nresolution = bytes\n"
    b"     4096     2 @ 0x00000001 0x00000002 0x00000003\n"
    b"      512     1 @ 0x00000004 0x00000002\n"
    b"\n"
    b" 0x00000001 com.example.Cache.put (Cache.java:42)\n"
    b" 0x00000002 com.example.Main.main (Main.java:7)\n"
    b" 0x00000003 libjvm.so (/usr/lib/jvm/lib/server/libjvm.so)\n"
    b" 0x00000004 generated stub/JIT\n"
)


def seeds(target):
    if target == "decode":
        return [read(f) for f in files(*PROFILES, *LEGACY)]
    if target == "legacy":
        return [text(f) for f in files(*LEGACY)] + [JAVA]
    if target.startswith("legacy_"):
        want = {
            "legacy_go_heap": [b"heap profile:"],
            "legacy_tcmalloc": [b"heap profile:", b"heap_v2/", b"heapz_v2/", b"growth", b"fragmentation"],
            "legacy_jemalloc": [b"heap_v2/"],
            "legacy_java": [b"--- heapz"],
        }[target]
        got = [t for t in (text(f) for f in files(*LEGACY)) if any(w in t[:200] for w in want)]
        return got + ([JAVA] if target == "legacy_java" else [])
    if target == "elf":
        return [read(f) for f in files("symbolize/*", "hostile/*.elf", "fuzz-regressions/*.bin")
                if read(f)[:4] == b"\x7fELF"]
    if target == "http":
        out = []
        bodies = [read(f) for f in files(*PROFILES)] + [text(f) for f in files(*LEGACY)]
        for i, b in enumerate(bodies):
            # framing 1..3 with a 200 and octet-stream; 64 KiB reads; 2 MiB cap
            for framing in (1, 2, 3):
                out.append(bytes([0x10 | framing, (i * 7) % 256, 15]) + b)
        html = b"<!DOCTYPE html><html><body>502 Bad Gateway</body></html>\n"
        out.append(bytes([0x31, 3, 15]) + html)
        out.append(bytes([0x69, 1, 15]) + b"profile: unknown sample index\n")  # 404, text, X-Go-Pprof
        out.append(bytes([0x0D, 0, 15]) + b"moved")  # 302 to itself
        raw = b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: %d\r\n\r\n"
        for b in bodies[:8]:
            out.append(bytes([0, 255, 15]) + (raw % len(b)) + b)
        return out
    raise SystemExit("unknown target " + target)


TARGETS = ["decode", "legacy", "legacy_go_heap", "legacy_tcmalloc", "legacy_jemalloc", "legacy_java", "elf", "http"]


def main():
    for t in sys.argv[1:] or TARGETS:
        d = os.path.join(HERE, "corpus", t)
        os.makedirs(d, exist_ok=True)
        n = 0
        for s in seeds(t):
            p = os.path.join(d, hashlib.sha1(s).hexdigest())
            if not os.path.exists(p):
                with open(p, "wb") as fh:
                    fh.write(s)
                n += 1
        print("%s: %d new seeds" % (t, n))


if __name__ == "__main__":
    main()
