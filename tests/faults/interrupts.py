"""interrupts.py — fault 2: sqlite3_interrupt and a progress handler that
asks to stop end every phase of a call within a fraction of a second, with
SQLite's interrupt error.

One database (built once, about 0.5 s): 50,000 T1 examples of 384
dimensions in 10 categories, and a reference set of 600 categories.  Each
phase gets a call that runs for several seconds on the code before the fix:

  read        pss-b over a pool view that does slow work per row, a search
              of 4,000 rows without a function call (read over several
              connections, ext/pool_parallel.c: the file is not WAL)
  scoring     cossim-b against 600 reference categories (scored as the
              rows arrive), and cossim-b with dedup (scored after the read)
              on 5,000 examples of 4,096 dimensions against 1,500 categories
  greedy      fl-b: facility location over 5,000-member categories
  dedup       pss-b 7,000 with dedup 0.999 (each candidate against every
              chosen example)
  report      safety_report('pss-b', 1000): the coverage radius compares
              every eligible example with every selected row

Each call runs in a child process; the interrupt (conn.interrupt() from a
timer thread) or the stop request (a progress handler that returns 1 from
then on) comes at a time after the read has finished (three times a
measured read, at least 1 s).  The child reports the time from the
request to the return; the test asks for SQLite's interrupt error within
2 s (generous, so a loaded machine does not flake) and kills a child that
is still running 8 s after the request.  The measured latencies are
printed as notes.
"""

import json
import os
import subprocess
import sys
import time

from faultlib import PY, check, connect, finish, make_pool, note, temp_dir

BOUND = 2.0       # seconds from the request to the return
KILL_AFTER = 8.0  # seconds after the request: the child is killed
PROGRESS_N = 10000
# A handler called every 100,000 steps, on the read over several connections:
# the caller steps little SQL of its own while it waits for the helpers' rows.
PROGRESS_N_LONG = 100000

CASES = [
    ("read", "SELECT count(*) FROM safety_sample('pss-b', 100, '{\"pool\": \"slow_pool\"}')"),
    ("scoring on arrival", "SELECT count(*) FROM safety_sample('cossim-b', 100)"),
    ("scoring after the read", "SELECT count(*) FROM safety_sample('cossim-b', 100, "
     "'{\"dedup\": 0.999, \"pool\": \"wide_pool\", \"reference\": \"wide_reference\"}')"),
    ("greedy fl", "SELECT count(*) FROM safety_sample('fl-b', 20)"),
    ("dedup", "SELECT count(*) FROM safety_sample('pss-b', 7000, '{\"dedup\": 0.999}')"),
    ("report", "SELECT length(safety_report('pss-b', 1000))"),
]

CHILD = r"""
import json, sqlite3, sys, threading, time
sys.path.insert(0, sys.argv[1])
from faultlib import connect, parallel_reads
path, how, delay, sql, n = sys.argv[2], sys.argv[3], float(sys.argv[4]), sys.argv[5], int(sys.argv[6])
conn = connect(path)
conn.execute("PRAGMA query_only = 1")
asked = []
def request():
    asked.append(time.monotonic())
    conn.interrupt()
if how == "interrupt":
    t = threading.Timer(delay, request)
    t.start()
else:
    deadline = time.monotonic() + delay
    def handler():
        if time.monotonic() >= deadline:
            if not asked:
                asked.append(deadline)
            return 1
        return 0
    conn.set_progress_handler(handler, n)
start = time.monotonic()
res = {"error": None}
try:
    res["rows"] = conn.execute(sql).fetchall()
except sqlite3.Error as e:
    res["error"] = str(e)
    res["code"] = getattr(e, "sqlite_errorcode", None)
end = time.monotonic()
res["parallel_reads"] = parallel_reads(conn)
res["elapsed"] = end - start
res["latency"] = end - asked[0] if asked else None
print(json.dumps(res))
"""


def build(path):
    conn = connect(path)
    make_pool(conn, 50000, 384)
    conn.executescript("""
        WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 600)
        INSERT INTO reference_examples(id, category, text, embedding)
        SELECT i, 'ref' || i, 't', safety_embed('ref ' || i || ' word' || (i % 97), 384) FROM c;
        CREATE TABLE wide_pool(id INTEGER, category TEXT, behavior TEXT, embedding BLOB);
        WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 5000)
        INSERT INTO wide_pool SELECT i, NULL, 'T1', safety_embed('wide ' || i || ' w' || (i % 89), 4096) FROM c;
        CREATE TABLE wide_reference(category TEXT, embedding BLOB);
        WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 1500)
        INSERT INTO wide_reference SELECT 'ref' || i, safety_embed('ref ' || i || ' w' || (i % 89), 4096) FROM c;
        CREATE TABLE slow_work(k INTEGER PRIMARY KEY, v TEXT);
        WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 4000)
        INSERT INTO slow_work SELECT i, 'w' FROM c;
        CREATE VIEW slow_pool AS SELECT * FROM safety_pool
          WHERE NOT EXISTS (SELECT 1 FROM slow_work AS w WHERE w.k > id % 7 AND w.v = 'never');
    """)
    conn.close()


def run_child(path, how, delay, sql, n=PROGRESS_N):
    argv = [PY, "-c", CHILD, os.path.dirname(os.path.abspath(__file__)), path, how,
            str(delay), sql, str(n)]
    try:
        p = subprocess.run(argv, capture_output=True, text=True, timeout=delay + KILL_AFTER + 5)
    except subprocess.TimeoutExpired:
        return None
    try:
        return json.loads(p.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        return {"error": "child failed: status %d: %s" % (p.returncode, (p.stdout + p.stderr)[-300:]),
                "latency": None, "code": None}


def main():
    tmp = temp_dir()
    path = os.path.join(tmp, "pool.db")
    t0 = time.monotonic()
    build(path)
    note("database built in %.2f s" % (time.monotonic() - t0))
    # The read of the whole pool with embeddings, for the request time.
    conn = connect(path)
    t0 = time.monotonic()
    conn.execute("SELECT count(*) FROM safety_sample('pss-b', 10)").fetchall()
    read = time.monotonic() - t0
    conn.close()
    delay = max(1.0, 3 * read)
    note("a pss-b read takes %.2f s; requests come %.2f s after the start" % (read, delay))
    for phase, sql in CASES:
        hows = [("interrupt", PROGRESS_N), ("progress handler", PROGRESS_N)]
        if phase == "read":  # while the caller waits for the helpers' rows
            hows.append(("progress handler", PROGRESS_N_LONG))
        for how, n in hows:
            what = "%s (%s%s)" % (phase, how, ", N = %d" % n if n != PROGRESS_N else "")
            d = 0.5 if phase == "read" else delay
            res = run_child(path, how, d, sql, n)
            if res is None:
                check(what + ": returns after the request", False,
                      "still running %.0f s after it (killed)" % KILL_AFTER)
                continue
            lat = res.get("latency")
            if phase == "read":  # a rollback-journal file: over several connections
                check(what + ": the pool was read over several connections",
                      res.get("parallel_reads") == 1, "got %r" % res)
            check(what + ": fails with SQLite's interrupt error",
                  "interrupted" in (res.get("error") or "") and res.get("code") in (None, 9),
                  "got %r" % res)
            check(what + ": returns within %.0f s of the request" % BOUND,
                  lat is not None and lat <= BOUND, "latency %r, result %r" % (lat, res))
            note("%s: %s after %.3f s, latency %s" % (
                what, res.get("error") or "rows", res.get("elapsed", -1),
                "%.3f s" % lat if lat is not None else "-"))
    finish()


if __name__ == "__main__":
    main()
