"""memory.py — fault 7: per-category state is bounded, so a pool with one
category per example needs about as much memory as the same pool with ten
categories.

Two databases of 20,000 T1 examples x 384 dimensions (30 MB of float32
embeddings): ten categories, and one category per example.  Each call runs
in a fresh child process that reports its peak resident memory
(getrusage ru_maxrss); the peak with one category per example may exceed
the peak with ten categories by at most 16 MiB plus a quarter of the
embeddings (before the fix pss kept two double vectors per category:
about 120 MB more here).
"""

import json
import os
import subprocess

from faultlib import PY, check, connect, finish, make_pool, note, temp_dir

N, DIM = 20000, 384
EMBEDDINGS = N * DIM * 4
SLACK = 16 * 1024 * 1024 + EMBEDDINGS // 4

CALLS = [
    ("pss-b", "SELECT count(*) FROM safety_sample('pss-b', 100)"),
    ("pss", "SELECT count(*) FROM safety_sample('pss', 100)"),
    ("pss-b with dedup", "SELECT count(*) FROM safety_sample('pss-b', 100, '{\"dedup\": 0.99}')"),
    ("safety_report pss-b", "SELECT length(safety_report('pss-b', 100))"),
]

CHILD = r"""
import json, resource, sys
sys.path.insert(0, sys.argv[1])
from faultlib import connect
conn = connect(sys.argv[2])
res = {}
try:
    res["rows"] = conn.execute(sys.argv[3]).fetchall()
except Exception as e:
    res["error"] = str(e)
res["peak"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps(res))
"""


def peak(path, sql):
    p = subprocess.run([PY, "-c", CHILD, os.path.dirname(os.path.abspath(__file__)), path, sql],
                       capture_output=True, text=True, timeout=300)
    try:
        return json.loads(p.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        return {"error": "child failed: %s" % (p.stdout + p.stderr)[-300:], "peak": None}


def main():
    tmp = temp_dir()
    few, many = os.path.join(tmp, "few.db"), os.path.join(tmp, "many.db")
    c = connect(few)
    make_pool(c, N, DIM, categories=10)
    c.close()
    c = connect(many)
    make_pool(c, N, DIM, per_example_category=True)
    c.close()
    for label, sql in CALLS:
        a, b = peak(few, sql), peak(many, sql)
        check("%s: works with ten categories" % label, "error" not in a, a.get("error", ""))
        check("%s: works with one category per example" % label, "error" not in b, b.get("error", ""))
        if a.get("peak") and b.get("peak"):
            note("%s: peak %.1f MiB with ten categories, %.1f MiB with %d" % (
                label, a["peak"] / 2**20, b["peak"] / 2**20, N))
            check("%s: one category per example costs at most %.0f MiB more" % (label, SLACK / 2**20),
                  b["peak"] <= a["peak"] + SLACK,
                  "%.1f MiB against %.1f MiB" % (b["peak"] / 2**20, a["peak"] / 2**20))
    finish()


if __name__ == "__main__":
    main()
