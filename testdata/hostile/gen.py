#!/usr/bin/env python3
"""Regenerates the hostile inputs in this folder (tests/hostile.rs holds the
table saying what each one is and what heapscope must answer).

    python3 testdata/hostile/gen.py [NAME...]

Set HOSTILE_OUT=DIR to write elsewhere (tests/hostile.rs does, to check
that the committed files are what this script makes).

Standard library only. Deterministic: gzip members carry mtime 0, the
random bytes come from a fixed seed. Big inputs (a million strings, 100k
frames) are small on disk because they are gzip'd or tiny per entry.
"""

import gzip
import os
import random
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# The profile.proto writer shared with the other generators.
sys.dont_write_bytecode = True  # no __pycache__ in testdata/
sys.path.insert(0, os.path.dirname(HERE))
from protowire import fb, fv, key, packed, varint  # noqa: E402


def gz(b):
    return gzip.compress(b, compresslevel=6, mtime=0)


class P:
    """A profile under construction: strings interned, ids chosen by the
    caller. `raw()` gives the bytes; fields can be appended freely."""

    def __init__(self, types=(("inuse_objects", "count"), ("inuse_space", "bytes"))):
        self.strings = [""]
        self.index = {"": 0}
        self.parts = []  # (order, bytes); order keeps strings last
        self.types = types
        for t, u in types:
            self.parts.append(fb(1, fv(1, self.s(t)) + fv(2, self.s(u))))
        self.parts.append(fb(11, fv(1, self.s("space")) + fv(2, self.s("bytes"))))
        self.parts.append(fv(12, 524288))

    def s(self, x):
        i = self.index.get(x)
        if i is None:
            i = self.index[x] = len(self.strings)
            self.strings.append(x)
        return i

    def function(self, fid, name):
        n = self.s(name)
        self.parts.append(fb(5, fv(1, fid) + fv(2, n) + fv(3, n) + fv(4, self.s("main.go"))))

    def location(self, lid, fids=(), mapping=0, address=0):
        body = fv(1, lid)
        if mapping:
            body += fv(2, mapping)
        if address:
            body += fv(3, address)
        for i, f in enumerate(fids):
            body += fb(4, fv(1, f) + fv(2, 10 + i))
        self.parts.append(fb(4, body))

    def mapping(self, mid, start, limit, name="/bin/app"):
        self.parts.append(
            fb(3, fv(1, mid) + fv(2, start) + fv(3, limit) + fv(5, self.s(name)))
        )

    def sample(self, locs, values):
        self.parts.append(fb(2, packed(1, locs) + packed(2, values)))

    def add(self, b):
        self.parts.append(b)

    def raw(self, strings=True):
        out = b"".join(self.parts)
        if strings:
            out += b"".join(fb(6, x.encode() if isinstance(x, str) else x) for x in self.strings)
        return out


def simple(names=("main.leaf", "main.main"), values=(1, 512)):
    """A valid two-frame profile: functions and locations 1..n."""
    p = P()
    for i, n in enumerate(names, 1):
        p.function(i, n)
        p.location(i, [i])
    p.sample(list(range(1, len(names) + 1)), list(values))
    return p


# --------------------------------------------------------------------------
# The files.

FILES = {}


def f(name):
    def deco(fn):
        FILES[name] = fn
        return fn

    return deco


@f("varint_11_bytes.pb")
def _():
    # period (field 12) whose varint has 11 bytes of continuation.
    return simple().raw() + key(12, 0) + b"\xff" * 10 + b"\x01"


@f("varint_11_bytes_in_sample.pb")
def _():
    # the same inside a sample message (the in-memory cursor's path).
    body = key(2, 0) + b"\x80" * 10 + b"\x01"
    p = simple()
    p.add(fb(2, body))
    return p.raw()


@f("varint_truncated.pb")
def _():
    return simple().raw() + key(12, 0) + b"\xff\xff"


@f("length_past_eof.pb")
def _():
    # a string-table entry that declares 2^40 bytes; the file has 30.
    return simple().raw() + key(6, 2) + varint(1 << 40) + b"abc"


@f("length_past_message.pb")
def _():
    # a label inside a sample declares more bytes than the sample has.
    p = simple()
    p.add(fb(2, packed(1, [1]) + packed(2, [1, 2]) + key(3, 2) + varint(1000) + b"\x08\x01"))
    return p.raw()


@f("huge_packed_array.pb")
def _():
    # a sample whose packed location_id array declares 2^31 bytes.
    p = simple()
    body = key(1, 2) + varint(1 << 31) + b"\x01\x02"
    p.add(key(2, 2) + varint(len(body)) + body)
    return p.raw()


@f("huge_top_level_length.pb.gz")
def _():
    # a top-level sample that declares 4 GiB and then ends.
    return gz(simple().raw() + key(2, 2) + varint(4 << 30) + b"\x0a\x01\x01")


@f("million_empty_strings.pb.gz")
def _():
    # a string table of 1,000,000 empty strings and nothing else: no
    # sample types, no samples.
    return gz(b"\x32\x00" * 1_000_000)


@f("million_empty_strings_valid.pb.gz")
def _():
    # a valid profile whose string table also holds a million empty
    # strings: must read fast and in bounded memory.
    return gz(simple().raw() + b"\x32\x00" * 1_000_000)


@f("location_id_max_dangling.pb")
def _():
    p = simple()
    p.sample([2**64 - 1], [1, 1])
    return p.raw()


@f("location_id_max_defined.pb")
def _():
    # location id u64::MAX exists and is used: valid.
    p = simple()
    p.function(3, "main.maxid")
    p.location(2**64 - 1, [3])
    p.sample([2**64 - 1, 2], [3, 4096])
    return p.raw()


@f("duplicate_function_ids.pb")
def _():
    p = simple()
    p.function(1, "main.again")
    return p.raw()


@f("duplicate_mapping_ids.pb")
def _():
    p = simple()
    p.mapping(7, 0x1000, 0x2000)
    p.mapping(7, 0x3000, 0x4000)
    return p.raw()


@f("id_cycle_across_tables.pb")
def _():
    # ids that point around in a circle across the tables: location 1 ->
    # mapping 2, line -> function 3; the only "function 3" is a location,
    # and location 3's mapping id is location 1's id. Namespaces are
    # separate, so function 3 does not exist.
    p = P()
    p.function(1, "main.a")
    p.mapping(2, 0x1000, 0x2000)
    p.location(1, [3], mapping=2, address=0x1100)
    p.location(3, [1], mapping=1, address=0x1200)
    p.sample([1, 3], [1, 1])
    return p.raw()


@f("sample_100k_frames.pb.gz")
def _():
    # one sample, 100,000 distinct frames: must work (no recursion over
    # stack depth).
    p = P()
    n = 100_000
    for i in range(1, n + 1):
        p.function(i, "f%d" % i)
        p.location(i, [i])
    p.sample(list(range(1, n + 1)), [1, 4096])
    return gz(p.raw())


@f("sample_100k_recursive_frames.pb.gz")
def _():
    # one sample, 100,000 frames of the same two functions (deep mutual
    # recursion): cum counts each function once.
    p = simple(("main.ping", "main.pong"))
    p.sample([1, 2] * 50_000, [1, 4096])
    return gz(p.raw())


@f("location_100k_inline_lines.pb.gz")
def _():
    # one location with 100,000 inlined lines.
    p = P()
    n = 100_000
    for i in range(1, n + 1):
        p.function(i, "inl%d" % i)
    p.location(1, range(1, n + 1))
    p.sample([1], [1, 4096])
    return gz(p.raw())


@f("negative_values.pb")
def _():
    p = simple()
    p.sample([2], [-5, -2**63])
    p.sample([1], [2**63 - 1, 2**63 - 1])
    return p.raw()


@f("extreme_values_sum.pb")
def _():
    # values whose sums overflow i64.
    p = simple()
    for _ in range(4):
        p.sample([1, 2], [2**63 - 1, 2**63 - 1])
    return p.raw()


@f("zero_period.pb")
def _():
    p = simple()
    p.add(fv(12, 0))
    return p.raw()


@f("negative_period.pb")
def _():
    p = simple()
    p.add(fv(12, -(2**63)))
    return p.raw()


@f("gzip_then_garbage.pb.gz")
def _():
    return gz(simple().raw()) + b"this is not a gzip member\n" * 4


@f("gzip_concatenated_members.pb.gz")
def _():
    raw = simple().raw()
    return gz(raw[:7]) + gz(raw[7:])


@f("gzip_empty_member.pb.gz")
def _():
    # a gzip stream of zero bytes of content.
    return gz(b"")


@f("gzip_header_only.pb.gz")
def _():
    return gz(simple().raw())[:10]


@f("gzip_magic_only.pb.gz")
def _():
    return b"\x1f\x8b"


@f("gzip_bad_crc.pb.gz")
def _():
    b = bytearray(gz(simple().raw()))
    b[-8] ^= 0xFF
    return bytes(b)


@f("concatenated_profiles.pb")
def _():
    a = simple()
    a.add(fv(9, 1_700_000_000_000_000_000))
    b = simple(("other.leaf", "other.main"))
    b.add(fv(9, 1_700_000_001_000_000_000))
    return a.raw() + b.raw()


@f("html_page.pb.gz")
def _():
    return (
        b"<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n"
        b"<body><h1>502 Bad Gateway</h1><p>nginx</p></body></html>\n"
    )


@f("wrong_wire_type.pb")
def _():
    # sample_type (field 1) sent as a varint.
    return fv(1, 3) + simple().raw()


@f("wire_type_6.pb")
def _():
    return simple().raw() + key(100, 6) + b"\x01"


@f("wire_type_start_group.pb")
def _():
    return simple().raw() + key(100, 3) + key(100, 4)


@f("field_number_zero.pb")
def _():
    return simple().raw() + key(0, 0) + b"\x01"


@f("zeros.pb")
def _():
    return b"\x00" * 4096


@f("deeply_nested_garbage.pb")
def _():
    # 20,000 levels of length-delimited field 1 inside a sample, around an
    # 11-byte varint. Nothing recurses into the nesting: field 1 of a sample
    # is its packed location_id array, read as varints, which meet the bad
    # one.
    inner = key(1, 0) + b"\xff" * 11
    for _ in range(20_000):
        inner = fb(1, inner)
    return fb(2, inner) + simple().raw()


@f("deeply_nested_unknown.pb")
def _():
    # the same nesting under an unknown top-level field: skipped whole, the
    # rest of the profile is valid.
    inner = b"\x08\x01"
    for _ in range(20_000):
        inner = fb(1, inner)
    return fb(100, inner) + simple().raw()


@f("invalid_utf8_strings.pb")
def _():
    p = simple()
    p.strings[p.s("main.leaf")] = b"main.\xff\xfeleaf\xc3"
    return p.raw()


@f("sample_type_index_out_of_range.pb")
def _():
    p = simple()
    p.parts[0] = fb(1, fv(1, 99) + fv(2, 1))
    return p.raw()


@f("string_index_negative.pb")
def _():
    p = P()
    p.add(fb(5, fv(1, 1) + fv(2, -1)))
    p.location(1, [1])
    p.sample([1], [1, 1])
    return p.raw()


@f("default_sample_type_names_nothing.pb")
def _():
    # default_sample_type names a string that is no sample type: pprof
    # falls back to the last type.
    p = simple()
    p.add(fv(14, p.s("no_such_type")))
    return p.raw()


@f("default_sample_type_out_of_range.pb")
def _():
    p = simple()
    p.add(fv(14, 12345))
    return p.raw()


@f("no_sample_types_with_samples.pb")
def _():
    p = P(types=())
    p.function(1, "main.a")
    p.location(1, [1])
    p.sample([1], [])
    return p.raw()


@f("mapping_limit_below_start.pb")
def _():
    # a Mapping whose memory_limit is below memory_start, used by a
    # location.
    p = P()
    p.mapping(1, 0x9000, 0x1000)
    p.function(1, "main.a")
    p.location(1, [1], mapping=1, address=0x9100)
    p.sample([1], [1, 64])
    return p.raw()


@f("random_bytes.pb")
def _():
    r = random.Random(8)
    return bytes([0x0A]) + bytes(r.randrange(256) for _ in range(4096))


# Legacy text.

MAPS = "\nMAPPED_LIBRARIES:\n00400000-00402000 r-xp 00000000 08:01 123 /usr/bin/app\n"


@f("legacy_absurd_header_counts.heap")
def _():
    return (
        b"heap profile: 99999999999999999999999: 99999999999999999999999 "
        b"[ 1: 1] @ heap_v2/524288\n1: 1 [1: 1] @ 0x401000\n"
    )


@f("legacy_absurd_sample_counts.heap")
def _():
    return (
        b"heap profile: 1: 1 [ 1: 1] @ heap_v2/524288\n"
        b"999999999999999999999999: 1 [1: 1] @ 0x401000\n"
    )


@f("legacy_huge_rate.heap")
def _():
    # the largest i64 rate, and sizes near i64::MAX: un-sampling saturates.
    return (
        b"heap profile: 1: 9223372036854775807 [ 1: 9223372036854775807] @ heap_v2/9223372036854775807\n"
        b"1: 9223372036854775807 [1: 9223372036854775807] @ 0x401000\n"
        b"9223372036854775807: 1 [9223372036854775807: 1] @ 0x401000\n"
    )


@f("legacy_min_div_minus_one.heap")
def _():
    # size i64::MIN over count -1: the average object size overflows.
    return (
        b"heap profile: 1: 64 [ 1: 64] @ heapprofile\n"
        b"-1: -9223372036854775808 [-1: -9223372036854775808] @ 0x401010\n"
    )


@f("legacy_negative_rate.heap")
def _():
    return b"heap profile: 1: 1 [ 1: 1] @ heap_v2/-5\n1: 1 [1: 1] @ 0x401000\n"


@f("legacy_map_end_before_start.heap")
def _():
    return (
        b"heap profile: 1: 64 [ 1: 64] @ heapprofile\n"
        b"1: 64 [1: 64] @ 0x401010\n"
        b"\nMAPPED_LIBRARIES:\n"
        b"00402000-00401000 r-xp 00001000 08:01 123 /usr/bin/app\n"
        b"00401000-00403000 r-xp 00002000 08:01 123 /usr/bin/app\n"
    )


@f("legacy_100k_frames.heap.gz")
def _():
    # (gzip'd text, which heapscope reads as it reads gzip'd profile.proto)
    addrs = " ".join("0x%x" % (0x400000 + 16 * i) for i in range(100_000))
    return gz(("heap profile: 1: 64 [ 1: 64] @ heapprofile\n1: 64 [1: 64] @ %s\n" % addrs).encode())


@f("legacy_nul_bytes.heap")
def _():
    # NUL bytes inside a sample line (after the sniffed prefix, so it is
    # read as text).
    head = b"heap profile: 1: 64 [ 1: 64] @ heapprofile\n" + b"# padding\n" * 30
    return head + b"1: 64 [1: 64] @ 0x4010\x00\x0010\n"


@f("legacy_nul_in_header.heap")
def _():
    return b"heap profile: 1: 64\x00 [ 1: 64] @ heapprofile\n1: 64 [1: 64] @ 0x401010\n"


@f("legacy_latin1_map_path.heap")
def _():
    # a mapping path in Latin-1 (not UTF-8): read lossily, not refused.
    head = b"heap profile: 1: 64 [ 1: 64] @ heapprofile\n" + b"# padding\n" * 30
    return head + b"1: 64 [1: 64] @ 0x401010\n\nMAPPED_LIBRARIES:\n00400000-00402000 r-xp 00000000 08:01 123 /opt/caf\xe9/app\n"


@f("legacy_utf8_frame_name.heap")
def _():
    # Java heapz whose frame name has a non-ASCII letter in the first 256
    # bytes: text all the same (fuzzing found the frame-name scan slicing
    # inside the character).
    return (
        "--- heapz 1 ---\nformat = java\nresolution = bytes\n"
        "     4096     2 @ 0x00000001 0x00000002\n\n"
        " 0x00000001 com.example.Caf\u00e9\u048f.put (Cache.java:42)\n"
        " 0x00000002 com.example.Main.main (Main.java:7)\n"
    ).encode()


@f("printable_head.pb")
def _():
    # A valid profile.proto whose first 260 bytes are printable (period,
    # field 12, set 130 times to 65 = "`A"): it looks like text, no text
    # format claims it, and it is read as profile.proto, as pprof would.
    p = simple()
    return b"`A" * 130 + p.raw()


@f("legacy_many_map_attrs.heap")
def _():
    # 20,000 memory map attributes, then a map line of 40,000 `$`
    # references: substituting every attribute at every byte (as Go's
    # Replacer, rebuilt per line in pprof) took seconds; fuzzing found it.
    attrs = "".join("k%d=v\n" % i for i in range(20000))
    line = "00400000-00402000 r-xp 00000000 08:01 123 /opt/" + "$k7" * 20000 + "$" * 20000 + "\n"
    return (
        "heap profile: 1: 64 [ 1: 64] @ heapprofile\n1: 64 [1: 64] @ 0x401010\n\n"
        "MAPPED_LIBRARIES:\n" + attrs + line
    ).encode()


@f("legacy_bad_address.heap")
def _():
    return b"heap profile: 1: 64 [ 1: 64] @ heapprofile\n1: 64 [1: 64] @ 0x401010 0x1ffffffffffffffffff\n"


@f("go_heap_absurd_rate.txt")
def _():
    return (
        b"heap profile: 1: 64 [1: 64] @ heap/99999999999999999999999\n"
        b"1: 64 [1: 64] @ 0x401010\n"
    )


@f("jemalloc_absurd_counts.heap")
def _():
    return (
        b"heap_v2/524288\n"
        b"  t*: 99999999999999999999: 1 [0: 0]\n"
        b"@ 0x401010\n"
        b"  t*: 1: 64 [0: 0]\n"
    )


@f("java_heapz_absurd.heap")
def _():
    return (
        b"--- heapz 1 ---\nformat = java\nresolution = bytes\n"
        b"99999999999999999999999 1 @ 0x1\n"
    )


# ELF / DWARF: inputs for the symbolizer. tests/hostile.rs gives each one
# as `--binary` for app_unsymbolized.pb, whose one location sits at
# 0x401010 in a mapping of /bin/app at 0x400000.


@f("app_unsymbolized.pb")
def _():
    p = P()
    p.mapping(1, 0x400000, 0x500000, "/bin/app")
    p.location(1, mapping=1, address=0x401010)
    p.sample([1], [1, 4096])
    return p.raw()


# DWARF's ULEB128 is protobuf's varint (for the non-negative numbers used here).
uleb = varint


# .debug_abbrev: 1 = compile unit (name, stmt_list, low_pc, high_pc as a
# length), 2 = subprogram (name, low_pc, high_pc).
ABBREV = (
    uleb(1) + uleb(0x11) + b"\x01"
    + b"\x03\x08" + b"\x10\x17" + b"\x11\x01" + b"\x12\x07" + b"\x00\x00"
    + uleb(2) + uleb(0x2E) + b"\x00"
    + b"\x03\x08" + b"\x11\x01" + b"\x12\x07" + b"\x00\x00"
    + b"\x00"
)


def debug_info(cu_abbrev=1, fn_name=b"broken_fn"):
    """A DWARF 4 compile unit covering 0x401000..0x401100 with one function."""
    die = (
        uleb(cu_abbrev) + b"b.c\x00" + struct.pack("<IQQ", 0, 0x401000, 0x100)
        + uleb(2) + fn_name + b"\x00" + struct.pack("<QQ", 0x401000, 0x100)
        + b"\x00"
    )
    body = struct.pack("<HIB", 4, 0, 8) + die
    return struct.pack("<I", len(body)) + body


def elf(sections):
    """An ELF64 x86-64 executable: one PT_LOAD of the whole file at
    0x400000, a .text at 0x401000, the given (name, type, flags, bytes)
    sections, and a .symtab defining sym_fn over .text."""
    strtab = b"\x00sym_fn\x00"
    names = [b".text"] + [n for n, _, _, _ in sections] + [b".symtab", b".strtab", b".shstrtab"]
    shstr = b"\x00"
    name_off = []
    for n in names:
        name_off.append(len(shstr))
        shstr += n + b"\x00"
    text = b"\xc3" * 0x100
    body = bytearray(b"\x00" * 0x1000) + text  # .text at file offset 0x1000
    headers = []  # (name index, type, flags, addr, offset, size, link, info, align, entsize)
    headers.append((0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
    headers.append((name_off[0], 1, 6, 0x401000, 0x1000, len(text), 0, 0, 16, 0))
    for i, (_, typ, flags, data) in enumerate(sections):
        headers.append((name_off[1 + i], typ, flags, 0, len(body), len(data), 0, 0, 1, 0))
        body += data
    nsec = len(sections)
    symtab_idx, strtab_idx = 2 + nsec, 3 + nsec
    sym = b"\x00" * 24 + struct.pack("<IBBHQQ", 1, 0x12, 0, 1, 0x401000, 0x100)
    headers.append((name_off[1 + nsec], 2, 0, 0, len(body), len(sym), strtab_idx, 1, 8, 24))
    body += sym
    headers.append((name_off[2 + nsec], 3, 0, 0, len(body), len(strtab), 0, 0, 1, 0))
    body += strtab
    headers.append((name_off[3 + nsec], 3, 0, 0, len(body), len(shstr), 0, 0, 1, 0))
    body += shstr
    while len(body) % 8:
        body += b"\x00"
    sh_off = len(body)
    for h in headers:
        body += struct.pack("<IIQQQQIIQQ", *h)
    e = bytearray(64)
    e[0:4] = b"\x7fELF"
    e[4], e[5], e[6] = 2, 1, 1
    struct.pack_into(
        "<HHIQQQIHHHHHH", e, 16, 2, 62, 1, 0x401000, 64, sh_off, 0, 64, 56, 1, 64,
        len(headers), len(headers) - 1,
    )
    total = len(body)
    ph = struct.pack("<IIQQQQQQ", 1, 5, 0, 0x400000, 0x400000, total, total, 0x1000)
    body[0:64] = e
    body[64 : 64 + len(ph)] = ph
    return bytes(body)


@f("dwarf_reference_ok.elf")
def _():
    # The well-formed baseline the broken ones below depart from.
    line = line_program()
    return elf([
        (b".debug_abbrev", 1, 0, ABBREV),
        (b".debug_info", 1, 0, debug_info(fn_name=b"dwarf_fn")),
        (b".debug_line", 1, 0, line),
    ])


def line_program():
    """A DWARF 4 line program: b.c, 0x401000 line 7, end at 0x401100."""
    std_lengths = bytes([0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1])
    header_rest = (
        bytes([1, 1, 1, 0xFB, 14, 13]) + std_lengths
        + b"\x00"  # no include directories
        + b"b.c\x00\x00\x00\x00" + b"\x00"
    )
    prog = (
        b"\x00\x09\x02" + struct.pack("<Q", 0x401000)  # DW_LNE_set_address
        + b"\x03\x06"  # DW_LNS_advance_line +6 -> 7
        + b"\x01"  # DW_LNS_copy
        + b"\x02" + uleb(0x100)  # advance_pc
        + b"\x00\x01\x01"  # DW_LNE_end_sequence
    )
    after_len = struct.pack("<H", 4) + struct.pack("<I", len(header_rest)) + header_rest + prog
    return struct.pack("<I", len(after_len)) + after_len


@f("dwarf_broken_line_program_full.elf")
def _():
    # A compile unit and function whose line program's unit length runs
    # past .debug_line and whose opcodes are garbage.
    broken = struct.pack("<I", 0xFFFFFF00) + struct.pack("<H", 4) + b"\xff" * 40
    return elf([
        (b".debug_abbrev", 1, 0, ABBREV),
        (b".debug_info", 1, 0, debug_info()),
        (b".debug_line", 1, 0, broken),
    ])


@f("dwarf_missing_abbrev.elf")
def _():
    # .debug_info uses abbreviation code 7, which .debug_abbrev lacks.
    return elf([
        (b".debug_abbrev", 1, 0, ABBREV),
        (b".debug_info", 1, 0, debug_info(cu_abbrev=7)),
    ])


@f("elf_absurd_compressed_section.elf")
def _():
    # SHF_COMPRESSED .debug_info whose header declares 2^60 bytes of zlib.
    chdr = struct.pack("<IIQQ", 1, 0, 1 << 60, 1) + b"\x78\x9c\x03\x00\x00\x00\x00\x01"
    return elf([
        (b".debug_abbrev", 1, 0, ABBREV),
        (b".debug_info", 1, 0x800, chdr),
    ])


@f("not_an_elf.elf")
def _():
    return b"#!/bin/sh\necho this is a script, not a binary\n"


@f("elf_truncated_sections.elf")
def _():
    # An ELF64 little-endian header whose section header table lies past the
    # end of the file (e_shoff = 1 MiB, 64 sections).
    e = bytearray(64)
    e[0:4] = b"\x7fELF"
    e[4] = 2  # 64-bit
    e[5] = 1  # little endian
    e[6] = 1  # version
    struct.pack_into("<HHIQQQIHHHHHH", e, 16, 2, 62, 1, 0x401000, 64, 1 << 20, 0, 64, 56, 1, 64, 64, 63)
    # one program header, truncated after 8 bytes
    return bytes(e) + b"\x01\x00\x00\x00\x05\x00\x00\x00"


@f("dwarf_broken_line_program.elf")
def _():
    # A minimal ELF64 with .shstrtab and a .debug_line whose unit length
    # runs past the section and whose opcodes are garbage.
    shstr = b"\x00.shstrtab\x00.debug_line\x00"
    debug_line = struct.pack("<I", 0xFFFFFF00) + struct.pack("<H", 4) + b"\xff" * 40
    body_off = 64
    shstr_off = body_off
    dl_off = shstr_off + len(shstr)
    sh_off = (dl_off + len(debug_line) + 7) & ~7
    e = bytearray(64)
    e[0:4] = b"\x7fELF"
    e[4], e[5], e[6] = 2, 1, 1
    struct.pack_into("<HHIQQQIHHHHHH", e, 16, 2, 62, 1, 0x401000, 0, sh_off, 0, 64, 56, 0, 64, 3, 1)
    data = bytes(e) + shstr + debug_line
    data += b"\x00" * (sh_off - len(data))

    def sh(name, typ, off, size):
        return struct.pack("<IIQQQQIIQQ", name, typ, 0, 0, off, size, 0, 0, 1, 0)

    data += sh(0, 0, 0, 0)
    data += sh(1, 3, shstr_off, len(shstr))
    data += sh(11, 1, dl_off, len(debug_line))
    return data


def main():
    only = set(sys.argv[1:])
    for name, fn in FILES.items():
        if only and name not in only:
            continue
        data = fn()
        with open(os.path.join(os.environ.get("HOSTILE_OUT", HERE), name), "wb") as out:
            out.write(data)
    print("wrote %d files" % (len(only) or len(FILES)))


if __name__ == "__main__":
    main()
