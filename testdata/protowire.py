"""A tiny protobuf wire-format writer for the Python fixture generators
(testdata/hostile/gen.py, testdata/src/zero_edges/gen.py): enough to write
valid profile.proto messages and to break them on purpose.

Standard library only; a generator imports it with its own folder's
parents on sys.path.
"""


def varint(n):
    """A base-128 varint; negative numbers as their 64-bit two's complement."""
    n &= (1 << 64) - 1
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def key(field, wire):
    return varint((field << 3) | wire)


def fv(field, v):
    """A varint field."""
    return key(field, 0) + varint(v)


def fb(field, b):
    """A length-delimited field."""
    return key(field, 2) + varint(len(b)) + b


def packed(field, vs):
    """A packed repeated varint field."""
    return fb(field, b"".join(varint(v) for v in vs))
