#!/usr/bin/env bash
# tie_keys.sh — the tie rule of SPEC section 7 ("Ties"), checked against
# values this script computes itself (its own splitmix64 finaliser, not the
# reference's): on pools where every embedding is the same, pss-b, cossim-b,
# fl-b and dedup return the examples in ascending tie_key(id) =
# mix(uint64(id) XOR mix(uint64(seed))), for six seeds, with negative and
# huge ids (INT64_MIN, INT64_MAX); a higher score still comes first whatever
# its key; with group, the response a prompt keeps is its smallest key; the
# orders of the hand pool's ids 1..9 quoted in tests/reference/hand_cases.py.
# Needs Debian's /usr/bin/python3 (its sqlite3 module loads extensions).
set -u
TEST_NAME=tie_keys.sh
source "$(dirname "$0")/../shlib.sh"
PY=${REFERENCE_PYTHON:-/usr/bin/python3}
PYTHONDONTWRITEBYTECODE=1 EXT=$EXT exec "$PY" - <<'EOF'
import json
import os
import sqlite3
import struct

M = (1 << 64) - 1
passed = failed = 0


def check(name, want, got):
    global passed, failed
    if want == got:
        passed += 1
    else:
        failed += 1
        print("FAIL tie_keys.sh %s:\n  expected: %r\n  actual:   %r"
              % (name, want, got))


def mix(x):
    x = (x + 0x9E3779B97F4A7C15) & M
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & M
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & M
    return x ^ (x >> 31)


def key(i, seed):
    return mix((i & M) ^ mix(seed & M))


def f32(v):
    return struct.pack("<%df" % len(v), *v)


# splitmix64's first output from state 0, as published with the generator.
check("mix(0) is splitmix64's first output", 0xE220A8397B1DCDAF, mix(0))

db = sqlite3.connect(":memory:")
db.enable_load_extension(True)
db.load_extension(os.environ["EXT"])
IDS = [-(1 << 63), -(1 << 63) + 1, -(1 << 53), -7, -1, 0, 1, 2, 3, 9, 10,
       1 << 32, (1 << 53) + 1, (1 << 63) - 2, (1 << 63) - 1]
db.execute("CREATE TABLE flat(id INTEGER, category TEXT, behavior TEXT, "
           "embedding BLOB)")
db.executemany("INSERT INTO flat VALUES (?, 'c', 'T1', ?)",
               [(i, f32([1, 0])) for i in IDS])
db.execute("CREATE TABLE ref(category TEXT, embedding BLOB)")
db.execute("INSERT INTO ref VALUES ('c', ?)", (f32([1, 0]),))


def ids(method, n, opts):
    try:
        return [r[0] for r in db.execute(
            "SELECT id FROM safety_sample(?, ?, ?)",
            (method, n, json.dumps(opts)))]
    except sqlite3.Error as e:
        return "error: %s" % e


orders = {}
for seed in (0, 1, 2, -1, 1 << 53, -(1 << 53)):
    want = sorted(IDS, key=lambda i: (key(i, seed), i))
    orders[seed] = want
    o = {"pool": "flat", "seed": seed}
    check("pss-b, seed %d: every score ties, tie-key order" % seed,
          want, ids("pss-b", len(IDS), o))
    check("cossim-b, seed %d: tie-key order" % seed, want,
          ids("cossim-b", len(IDS), dict(o, reference="ref")))
    check("fl-b, seed %d: equal gains, tie-key order" % seed, want,
          ids("fl-b", len(IDS), o))
    check("pss-b dedup 1, seed %d: the one kept is the smallest key" % seed,
          want[:1], ids("pss-b", 1, dict(o, dedup=1)))
check("the six orders differ from each other and from id order",
      7, len({tuple(v) for v in orders.values()} | {tuple(sorted(IDS))}))

# A higher score wins whatever its key: half of the others get [1, 1],
# half [1, -1] (cosine 1/sqrt2 to the prototype [1, 0], exactly tied) and
# INT64_MAX gets [1, 0] (cosine 1).
db.execute("CREATE TABLE lead AS SELECT * FROM flat")
for n, i in enumerate(IDS):
    v = [1, 0] if i == (1 << 63) - 1 else [1, 1 if n % 2 else -1]
    db.execute("UPDATE lead SET embedding = ? WHERE id = ?", (f32(v), i))
rest = sorted(IDS[:-1], key=lambda i: key(i, 0))
check("the highest score comes first whatever its key, then the ties",
      [(1 << 63) - 1] + rest, ids("pss-b", len(IDS), {"pool": "lead"}))

# Group: three responses per prompt, identical embeddings; the prompt's
# pick is its response with the smallest key.
db.execute("CREATE TABLE multi(id INTEGER, category TEXT, behavior TEXT, "
           "embedding BLOB, prompt TEXT)")
rows = []
for p in range(4):
    for r in range(3):
        rows.append((p * 100 + r * 7 - 150, "c", "T1", f32([1, p]), "p%d" % p))
db.executemany("INSERT INTO multi VALUES (?,?,?,?,?)", rows)
for seed in (0, 1, 2):
    o = {"pool": "multi", "group": "prompt", "seed": seed}
    got = ids("pss-b", 4, o)
    by_prompt = {}
    for i, _, _, _, p in rows:
        by_prompt.setdefault(p, []).append(i)
    want = {min(v, key=lambda i: key(i, seed)) for v in by_prompt.values()}
    check("group, seed %d: one per prompt, each its smallest key" % seed,
          sorted(want), sorted(got))

# The orders of the hand pool's ids quoted in hand_cases.py.
quoted = {0: [1, 4, 5, 7, 6, 9, 3, 2, 8], 1: [8, 6, 9, 7, 3, 5, 2, 4, 1],
          2: [7, 5, 2, 3, 9, 4, 6, 1, 8]}
for seed, want in quoted.items():
    check("hand pool key order, seed %d" % seed, want,
          sorted(range(1, 10), key=lambda i: key(i, seed)))
print("%d passed, %d failed" % (passed, failed))
raise SystemExit(1 if failed else 0)
EOF
