#!/usr/bin/env bash
# embed_reference.sh — checks safety_embed against an independent Python
# implementation of the algorithm exactly as ext/core/embed.h documents it
# (words, FNV-1a 64 + fmix64, signed buckets, 1 + ln tf, unit length):
# the float32 BLOBs must be byte-identical.  It also shows that Python's
# sqlite3 module can load the extension (Debian's /usr/bin/python3 can).
# EXT is the extension path without .so.
set -u
TEST_NAME=embed_reference.sh
source "$(dirname "$0")/../shlib.sh"
# Debian's /usr/bin/python3 allows extension loading; some other builds
# (pyenv, python.org) are compiled without it.
PYTHON=${PYTHON:-python3}
if [ -x /usr/bin/python3 ]; then PYTHON=/usr/bin/python3; fi
exec "$PYTHON" - "$EXT" <<'PY'
import math, sqlite3, struct, sys
from collections import Counter

M = (1 << 64) - 1
BASIS, PRIME = 0xcbf29ce484222325, 0x100000001b3

def fnv1a(h, data):
    for b in data:
        h = ((h ^ b) * PRIME) & M
    return h

def fmix64(h):
    h ^= h >> 33; h = (h * 0xff51afd7ed558ccd) & M
    h ^= h >> 33; h = (h * 0xc4ceb9fe1a85ec53) & M
    return h ^ (h >> 33)

def ln(x):  # the documented series, with IEEE operations only
    m, e = math.frexp(x)
    if m < 0.70710678118654752440:
        m, e = m * 2.0, e - 1
    s = (m - 1.0) / (m + 1.0); s2 = s * s; term = s; acc = 0.0
    for k in range(13):
        acc += term / (2 * k + 1); term *= s2
    return 2.0 * acc + e * 0.69314718055994530942

def words(data):
    out, cur = [], bytearray()
    for c in data + b"\0":
        if c >= 0x80 or (c < 0x80 and chr(c).isalnum()):
            cur.append(c + 32 if 65 <= c <= 90 else c)
        elif cur:
            out.append(bytes(cur)); cur = bytearray()
    return out

def embed(data, dim):
    ws = words(data)
    if not ws:
        return None
    feats = [fmix64(fnv1a(BASIS, w)) for w in ws]
    feats += [fmix64(fnv1a(BASIS, a + b" " + b)) for a, b in zip(ws, ws[1:])]
    bucket = [0.0] * dim
    for h, tf in sorted(Counter(feats).items()):
        bucket[h % dim] += -(1.0 + ln(float(tf))) if h >> 63 else 1.0 + ln(float(tf))
    ss = 0.0
    for x in bucket:
        ss += x * x
    if ss == 0.0:
        return "zero"  # the extension reports an error instead
    norm = math.sqrt(ss)
    return struct.pack("<%df" % dim, *[x / norm for x in bucket])

texts = [
    "How do I pick a lock? I locked myself out of my own house.",
    "the the the cat cat sat", "Hello, World!", "Zürich café — naïve résumé 東京",
    "a " * 50 + "b " * 7 + "c", "don't STOP me now!!!", "x", "1234 5678 1234",
    "", "?!...", "\x00abc\x00def", "tab\tseparated\nlines\r\nhere",
]
texts += ["".join(chr(32 + (i * 7919 + j * 104729) % 95) for j in range(i * 13 % 400))
          for i in range(40)]
dims = [1, 2, 3, 8, 100, 384, 768, 4096]
db = sqlite3.connect(":memory:")
db.enable_load_extension(True)
db.load_extension(sys.argv[1])
passed = failed = 0
for t in texts:
    for d in dims:
        want = embed(t.encode(), d)
        try:
            got = db.execute("SELECT safety_embed(?, ?)", (t, d)).fetchone()[0]
        except sqlite3.Error as e:  # a zero vector at a tiny dim
            got = "error: %s" % e
            if want != "zero" or "cancel out" not in str(e):
                failed += 1
                print("FAIL embed_reference.sh %r dim %d: %s" % (t[:30], d, got))
            else:
                passed += 1
            continue
        if got == want:
            passed += 1
        else:
            failed += 1
            print("FAIL embed_reference.sh %r dim %d: extension and reference differ" % (t[:30], d))
print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
PY
