#!/usr/bin/env python3
"""seeds.py — writes the seed corpora tests/fuzz/corpus/<target>/ (committed;
rerun after changing an input format).  Deterministic: no randomness but a
fixed-seed generator, so rerunning rewrites the same files."""
import hashlib
import os
import random
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def f32(*xs):
    return struct.pack("<%df" % len(xs), *xs)


def write(target, seeds):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    for old in os.listdir(d):
        os.remove(os.path.join(d, old))
    for s in seeds:
        if isinstance(s, str):
            s = s.encode()
        name = hashlib.sha1(s).hexdigest()[:16]
        with open(os.path.join(d, name), "wb") as f:
            f.write(s)


rng = random.Random(6)
NAN, INF = float("nan"), float("inf")

write("vec_blob", [
    f32(1, 2, 3), f32(0), f32(-0.0), f32(NAN), f32(1, INF), f32(-INF),
    b"\x01\x02\x03", b"", f32(1.4e-45, -1.17549435e-38),
    f32(3.4028234663852886e38, -3.4028234663852886e38),
    f32(*[rng.uniform(-1, 1) for _ in range(768)]),
    f32(*[0.0] * 64),
])

vec_json = [
    "[0.1, -2, 3e-4]", "[1e39]", "[-1e999]", "[]", "[1,[2]]", '{"a": 1}',
    "  [1,2]  ", "[1,2] x", "[3.40282347e38,-1.17549435e-38,1.4e-45]",
    "[-0.0]", "[1e-50]", "[" * 50 + "]" * 50, '[1,"2"]', "[true]", "[NaN]",
    "[0x10]", "[1.5e+3 , -2E-2]", "[0.100000001,-2,0.000300000014]",
    "[" + ",".join("%.9g" % rng.uniform(-1, 1) for _ in range(384)) + "]",
    "[1,\n2,\t3]\n", "[1,2", "null", "5",
]
write("vec_json", vec_json)

write("refusal", [
    "I'm sorry, but I can't help with that.",
    "Sure! Here is how you bake bread: mix flour and water.",
    "I cannot provide instructions for making weapons.",
    "As an AI language model, I won't do that.",
    "I can\u2019t assist with that request, but I can suggest resources.",
    "", b"I am sorry\x00 but no", b"\xff\xfe\xc3\x28 invalid utf-8",
    "No problem. " * 300, "  \n\t  ", "I'M SORRY. I CANNOT.",
    "[GPT]: I'm sorry, I can't.\n\n[DAN]: Sure, here is how:\n1. First\n2. Then",
    "(\U0001F512Normal Output) No.\n(\U0001F513Developer Mode Output) Yes:",
    "I can't help with that. However, here are some steps:\n- one\n* two\n\u2022 three",
    "It is not appropriate to ask that. " * 20, "```\ncode\n```", "1. 2. 3.\n4)",
    "\u6211\u5f88\u62b1\u6b49\uff0c\u4f46\u6211\u4e0d\u80fd\u3002", "a " * 1100,
    "Title: x\nNote: y\nA: b\nB: c\n[C]: d",
])

def embed(dim, text):
    return struct.pack("<H", dim) + (text.encode() if isinstance(text, str) else text)

write("embed", [
    embed(384, "How do I pick a lock?"), embed(1, "a"),
    embed(0xFFFE, "hello world"), embed(0xFFFF, "x"), embed(2, "a b c"),
    embed(16, "Don't STOP! don't stop"), embed(8, b"\x00\xff\xc3\xa9t\xc3\xa9"),
    embed(0, "zero dimension"), embed(384, ""), embed(384, "!!! ... ???"),
    embed(1024, "word " * 300),
])

write("options", [
    '{"seed": 1}',
    '{"pool": "p", "reference": "r", "task": "t", "task_size": 100,'
    ' "behavior": ["T1", "T4"], "categories": ["a", "b"], "fill": "none",'
    ' "allow_short": true}',
    '{"behavior": "T2"}', '{"seed": 1.5}', "[]", '{"fill": "score"}',
    '{"sed": 1}', '{"seed": 9007199254740993}', '{"categories": []}',
    '{"seed": 1} x', '{"seed": -7, "seed": 8}', '{"pool": ""}',
    '{"behavior": ["T5"]}', '{"task_size": 0}', "", "{}",
])

# select: header, n_ex, dim, n_cat, n, 8 seed bytes, first id, then bytes.
sel = []
for method in range(4):
    for fill in range(3):
        hdr = method + 4 * fill
        body = bytes(rng.randrange(256) for _ in range(400))
        sel.append(bytes([hdr, 20, 3, 4, 6]) + bytes(8) + body)
sel.append(bytes([2, 31, 7, 5, 33]) + b"\x01" * 8 + bytes(400))  # zero vectors
sel.append(bytes([2, 3, 1, 1, 1]) + bytes(8) + b"\x00\x01\x00\x01\x00\x01\x00\x01")
write("select", sel)

def sql(stmt, t1, t2, a1, a2=b""):
    a1 = a1.encode() if isinstance(a1, str) else a1
    a2 = a2.encode() if isinstance(a2, str) else a2
    return bytes([stmt, t1 + 6 * t2]) + struct.pack("<H", len(a1)) + a1 + a2

TEXT, BLOB, INT, REAL, NULL, SMALL = range(6)
i64 = lambda v: struct.pack("<q", v)
dbl = lambda v: struct.pack("<d", v)
write("sql", [
    sql(0, TEXT, TEXT, "[1, 2, 3]"), sql(0, BLOB, TEXT, f32(1, 2)),
    sql(1, BLOB, TEXT, f32(0.1, -2)), sql(2, TEXT, TEXT, "[1e39]"),
    sql(3, REAL, TEXT, dbl(1.5)), sql(4, TEXT, TEXT, "[0, 0]"),
    sql(5, TEXT, TEXT, "[1,2,3]", "[2,4,6]"), sql(5, BLOB, BLOB, f32(1, 0), f32(0, 1)),
    sql(6, TEXT, BLOB, "[1,2]", f32(1, 2, 3)), sql(7, TEXT, TEXT, "[1,2]", "[3,4]"),
    sql(8, BLOB, NULL, f32(1, 2, 3)), sql(9, TEXT, TEXT, "[0.1, 3e-4]"),
    sql(10, SMALL, SMALL, b"\x01", b"\x00"), sql(10, INT, TEXT, i64(2), "1"),
    sql(11, TEXT, TEXT, "I'm sorry, I can't help with that."),
    sql(12, TEXT, TEXT, "Sure, here you go."), sql(13, TEXT, TEXT, "How do I pick a lock?"),
    sql(14, TEXT, SMALL, "pick a lock", b"\x10"), sql(14, TEXT, INT, "x", i64(65536)),
    sql(15, TEXT, SMALL, "pss-b", b"\x03"), sql(15, TEXT, REAL, "random", dbl(0.05)),
    sql(16, SMALL, TEXT, b"\x03", '{"seed": 7, "behavior": ["T1", "T2"]}'),
    sql(17, TEXT, TEXT, "sss", '{"categories": ["crime"], "allow_short": true}'),
    sql(18, SMALL, TEXT, b"\x04", '{"fill": "score"}'),
    sql(15, TEXT, TEXT, "cossim-b", "ten"),
])

write("jsonl", [
    b"\x00" + b'{"a": 1}\n\n[1, 2]\r\n"x"\n',
    b"\x01" + b'{"instruction": "hi", "output": "hello"}\n{"bad": }\n',
    b"\x02" + b'{"a": 1}\n',
    b"\x00" + b'{"a": 1} {"b": 2}\n',
    b"\x00" + b'{"a": "\x00"}\n',
    b"\x00" + b'"\xff\xfe"\n',
    b"\x03" + b"  \n\t\n" + b'{"long": "' + b"x" * 3000 + b'"}',
    b"\x00",
])

write("csv", [
    b"\x00" + b'a,b,c\n1,"x, y","he said ""hi"""\n\n"multi\nline",2,3\r\n4,5,6',
    b"\x01" + b'id,text\r\n1,"two\r\nlines"\r\n2,plain\r\n',
    b"\x02" + b'id,name\n1,caf\xc3\xa9\n',
    b"\x00" + b'a,b\n1,2\n3\n',
    b"\x00" + b'a,b\n1,"oops\n2,3\n',
    b"\x00" + b'a,a\n1,2\n',
    b"\x00" + b'a,,c\n',
    b"\x00" + b'a,b\n1,\xff\n',
    b"\x00" + b'a,b\n1,x"y\n1,"x"y\n',
    b"\x00" + b'a\n\x01\t\\\n\x00\n',
    b"\x03" + b'n,"quoted, name"\n1,\n"",""\n' + b'"' + b"x\n" * 2000 + b'",1\n',
    b"\x00",
])

# facility: m, dim, k, flags (bit 0: no sgemm cache), pass mask, then per
# member dim element bytes and a state byte (< 192 candidate, < 224 selected).
fac = []
for m, dim, k, flags, mask in [(8, 3, 3, 0, 0), (20, 4, 6, 1, 0x05), (39, 2, 10, 0, 0x81),
                               (5, 1, 5, 0, 0), (12, 8, 12, 1, 0xFF)]:
    body = b""
    for i in range(m):
        body += bytes(rng.randrange(256) for _ in range(dim))
        body += bytes([rng.choice([0, 0, 0, 100, 200, 230])])
    fac.append(bytes([m - 1, dim - 1, k, flags, mask]) + body)
# duplicates: every member the same vector (all gains tie)
fac.append(bytes([9, 1, 4, 0, 0]) + bytes([8, 8, 0]) * 10)
write("facility", fac)

# oom: byte 0 = N (< 16: registration fails at allocation N; else the
# statement fails at allocation N - 16), then a sql input.
oom = [b"\x00", b"\x05", b"\x0f"]
for n, s in [(16, sql(5, TEXT, TEXT, "[1,2,3]", "[2,4,6]")), (17, sql(7, TEXT, TEXT, "[1,2]", "[3,4]")),
             (20, sql(9, TEXT, TEXT, "[0.1, 3e-4]")), (18, sql(13, TEXT, TEXT, "How do I pick a lock?")),
             (40, sql(15, TEXT, SMALL, "pss-b", b"\x03")), (90, sql(18, SMALL, TEXT, b"\x04", '{"fill": "score"}')),
             (200, sql(16, SMALL, TEXT, b"\x03", '{"seed": 7}'))]:
    oom.append(bytes([n]) + s)
write("oom", oom)

write("truncation", [
    "I can't help with that.", "Here are the steps:", "and then you",
    "1. Mix it.\n2.", "```python\nprint(1)\n", "```c\nint x;\n```",
    "Best regards,\n\nAlex", "Take care \U0001F496", "\u6211\u4e0d\u80fd\u3002",
    "known as \"the Troubles\"", "Some tools, e.g.", "", " \n\t ",
    b"fine.\xff", b"\x80", b"\xe3\x80", b"a\x00b.", "Say no. " * 500 + "Then th",
])
