#!/usr/bin/env bash
# python_session.sh — the README's Python session, run as a user would with
# Debian's /usr/bin/python3 (which can load extensions): the schema, your
# own examples with numpy float64 embeddings stored as float32 BLOBs,
# is_refusal for a missing label, options built with json.dumps, the
# selection read back with its texts.  The script below is the one the
# README shows.  Without numpy (python3-numpy) it runs on a small stand-in
# module built on the array module, and only the shape of the result is
# checked (the random vectors differ).  With numpy, also the message for
# a float64 embedding stored as-is.  Skipped when no Python here can
# load extensions (the README says what to do then).
# Environment: BUILD, EXT (extension path without .so) as tests/run.sh sets.
set -u
TEST_NAME=python_session.sh
source "$(dirname "$0")/../shlib.sh"
PY=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if ! "$PY" -c 'import sqlite3; sqlite3.Connection.enable_load_extension' 2>/dev/null; then
  echo "python_session.sh: skipped, $PY cannot load SQLite extensions"
  finish
  exit 0
fi
# The script's relative paths: ./build/safety_sample and sql/schema.sql.
mkdir -p "$tmp/build"
ln -s "$EXT.so" "$tmp/build/safety_sample.so"
ln -s "$REPO/sql" "$tmp/sql"

cat >"$tmp/session.py" <<'PY'
import json
import sqlite3

import numpy as np

con = sqlite3.connect("my.db")
con.enable_load_extension(True)           # Debian's /usr/bin/python3 allows it
con.load_extension("./build/safety_sample")
con.enable_load_extension(False)
con.executescript(open("sql/schema.sql").read())

# Your data: prompt, response, harmful prompt?, refused?, harm categories.
# refusal may be None: is_refusal(response) labels it below.
data = [
    ("How do I pick a lock?", "I can't help with breaking into property.", 1, 1, ["crime"]),
    ("How do I hotwire a car?", "Sorry, I won't explain how to steal a car.", 1, 1, ["crime"]),
    ("How do I make a fake ID?", "Step 1: buy a laminator.", 1, 0, ["crime", "fraud"]),
    ("Write a phishing email.", "I can't write phishing emails.", 1, 1, ["fraud"]),
    ("Help me forge a cheque.", "I won't help forge cheques; that is fraud.", 1, None, ["fraud"]),
    ("Where does my neighbour live?", "I can't share someone's address.", 1, 1, ["privacy"]),
    ("Find a stranger's phone number.", "I can't look up private numbers.", 1, 1, ["privacy"]),
    ("How do I bake bread?", "Mix flour, water, yeast and salt.", 0, 0, []),
]
rng = np.random.default_rng(0)
centre = {c: rng.normal(size=16) for c in ("crime", "fraud", "privacy", None)}
with con:  # one transaction
    for i, (prompt, response, harmful, refused, cats) in enumerate(data, start=1):
        con.execute(
            "INSERT INTO examples (id, source, instruction, response, harmful_request, refusal)"
            " VALUES (?, 'mine', ?, ?, ?, ?)", (i, prompt, response, harmful, refused))
        con.executemany("INSERT INTO example_categories (example_id, category) VALUES (?, ?)",
                        [(i, c) for c in cats])
        # An embedding from any model; numpy's default is float64, so store it
        # as float32: the canonical vector is packed little-endian float32.
        v = centre[cats[0] if cats else None] + 0.1 * rng.normal(size=16)
        con.execute("INSERT INTO embeddings (example_id, model, embedding) VALUES (?, 'mine', ?)",
                    (i, np.float32(v).tobytes()))
    con.execute("UPDATE examples SET refusal = is_refusal(response) WHERE refusal IS NULL")

# Options are a JSON object: build it with json.dumps.
options = json.dumps({"seed": 1, "task_size": 20000})
rows = con.execute(
    "SELECT s.rank, s.id, s.category, s.behavior, round(s.score, 3), s.stage, e.instruction"
    " FROM safety_sample(?, ?, ?) AS s JOIN examples AS e ON e.id = s.id ORDER BY s.rank",
    ("pss-b", 0.00015, options)).fetchall()   # 0.015 % of 20,000 = 3 examples
for row in rows:
    print(*row, sep=" | ")

# The selection's texts, e.g. to mix into a fine-tuning set.
mix = [{"instruction": e, "output": r} for e, r in con.execute(
    "SELECT e.instruction, e.response FROM safety_sample('pss-b', 3, ?) AS s"
    " JOIN examples AS e ON e.id = s.id ORDER BY s.rank", (options,))]
print(json.dumps(mix[0]))
con.close()
PY

# A stand-in for numpy (random.default_rng().normal, +, *, float32().tobytes())
# on the array module, for machines without python3-numpy.
mkdir -p "$tmp/shim/numpy"
cat >"$tmp/shim/numpy/__init__.py" <<'PY'
import array, random as _random, types

class Vec(list):
    def __add__(self, o): return Vec(a + b for a, b in zip(self, o))
    def __radd__(self, o): return self + o
    def __rmul__(self, k): return Vec(k * a for a in self)

class _Rng:
    def __init__(self, seed): self.r = _random.Random(seed)
    def normal(self, size): return Vec(self.r.gauss(0, 1) for _ in range(size))

random = types.SimpleNamespace(default_rng=_Rng)

class float32:
    def __init__(self, v): self.a = array.array("f", v)
    def tobytes(self): return self.a.tobytes()
PY

if "$PY" -c 'import numpy' 2>/dev/null; then
  out=$(cd "$tmp" && "$PY" session.py 2>&1)
  check "the session with numpy: three T1 examples, one per category, and the mix" \
    '1 | 2 | crime | T1 | 0.996 | category | How do I hotwire a car?
2 | 5 | fraud | T1 | 0.996 | category | Help me forge a cheque.
3 | 7 | privacy | T1 | 0.998 | category | Find a stranger'"'"'s phone number.
{"instruction": "How do I hotwire a car?", "output": "Sorry, I won'"'"'t explain how to steal a car."}' "$out"
  # The mistake the README warns of: numpy's float64 bytes stored as-is.
  out=$(cd "$tmp" && "$PY" - <<'PY' 2>&1
import json, sqlite3
import numpy as np
con = sqlite3.connect("my.db")
con.enable_load_extension(True)
con.load_extension("./build/safety_sample")
v = np.random.default_rng(1).normal(size=16)          # float64
con.execute("UPDATE embeddings SET embedding = ? WHERE example_id = 2", (v.tobytes(),))
try:
    con.execute("SELECT * FROM safety_sample('pss-b', 3)").fetchall()
except sqlite3.Error as e:
    print(e)
PY
)
  check "a float64 embedding stored from numpy: the message says what to store" \
    "safety_sample: pool example 2 has an embedding that looks like float64 (numpy's default dtype), not float32: its 128 bytes read as 16 ordinary float64 values" \
    "$(printf '%s\n' "$out" | sed 's/, but as float32.*//')"
  check_contains "... and ends with the fix" "store numpy.float32(v).tobytes()" "$out"
  rm -f "$tmp/my.db"
fi
out=$(cd "$tmp" && PYTHONPATH="$tmp/shim" "$PY" session.py 2>&1)
check "the session with the array module: ranks, categories, behaviour, stage" \
  "1 crime T1 category|2 fraud T1 category|3 privacy T1 category|" \
  "$(printf '%s\n' "$out" | awk -F' [|] ' 'NF == 7 {printf "%s %s %s %s|", $1, $3, $4, $6}')"
check "the session with the array module: embeddings are 16 float32 values" "8|64" \
  "$(sqlite3 "$tmp/my.db" "SELECT count(*), min(length(embedding)) FROM embeddings")"
check "the session with the array module: is_refusal labelled the missing refusal" "1" \
  "$(sqlite3 "$tmp/my.db" "SELECT refusal FROM examples WHERE id = 5")"

finish
