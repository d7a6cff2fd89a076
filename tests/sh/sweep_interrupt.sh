#!/usr/bin/env bash
# sweep_interrupt.sh — a progress handler that returns non-zero stops
# safety_sweep with SQLite's interrupt error (SQLITE_INTERRUPT), both while
# the pool is read and between combinations, and the connection works
# afterwards.  Also shows the one read: the whole 18-combination sweep
# costs the progress handler about what one safety_sample call does, and
# 20 fractional budgets count the task relation once.
# Needs Debian's python3 (its sqlite3 module loads extensions).
# Environment: BUILD, EXT (extension path without .so) as tests/run.sh sets.
set -u
TEST_NAME=sweep_interrupt.sh
source "$(dirname "$0")/../shlib.sh"
PY=${REFERENCE_PYTHON:-/usr/bin/python3}

out=$(EXT=$EXT "$PY" - <<'PYEOF' 2>&1
import os, sqlite3
con = sqlite3.connect(":memory:")
con.enable_load_extension(True)
con.load_extension(os.environ["EXT"])
for f in ("sql/schema.sql", "tests/data/sweep_pool.sql"):
    con.executescript(open(f).read())
sweep = ("SELECT id FROM safety_sweep('[\"sss\", \"pss-b\", \"cossim\"]', "
         "'[5, 20]', '{\"seeds\": [0, 1, 2]}')")
total = len(con.execute(sweep).fetchall())
calls = 0
def count():
    global calls
    calls += 1
    return 0
con.set_progress_handler(count, 10)
cur = con.execute(sweep)
cur.fetchone()
first = calls            # the read and the first combination
cur.fetchall()
full = calls             # the whole sweep
calls = 0
con.execute("SELECT id FROM safety_sample('pss-b', 20)").fetchall()
print("one call", calls, "sweep", full, "first row", first)
def stop_at(n):
    left = n
    def stop():
        nonlocal left
        left -= 1
        return 1 if left <= 0 else 0
    con.set_progress_handler(stop, 10)
    try:
        rows = len(con.execute(sweep).fetchall())
        return "no error, %d rows" % rows
    except sqlite3.OperationalError as e:
        return getattr(e, "sqlite_errorname", str(e))
print("in the read:", stop_at(max(1, first // 2)))
print("between combinations:", stop_at((first + full) // 2), full - first > 2)
con.set_progress_handler(None, 0)
print("after:", len(con.execute(sweep).fetchall()) == total)
# The task relation is counted once for all fractional budgets: a 20,000-row
# task view costs the progress handler one count, not one per combination.
con.execute("CREATE TEMP VIEW big_task AS WITH RECURSIVE k(i) AS (SELECT 1 "
            "UNION ALL SELECT i + 1 FROM k WHERE i < 20000) SELECT i AS id FROM k")
def cost(sql):
    global calls
    calls = 0
    con.set_progress_handler(count, 10)
    rows = con.execute(sql).fetchall()
    con.set_progress_handler(None, 0)
    return calls, rows
one, _ = cost("SELECT count(*) FROM big_task")
frac, rows_f = cost("SELECT id, rank FROM safety_sweep('[\"sss\", \"random\"]', "
                    "'[0.001, 0.002, 0.003, 0.004, 0.005]', '{\"seeds\": [0, 1], \"task\": \"big_task\"}')")
cnt, rows_c = cost("SELECT id, rank FROM safety_sweep('[\"sss\", \"random\"]', "
                   "'[20, 40, 60, 80, 100]', '{\"seeds\": [0, 1], \"task\": \"big_task\"}')")
print("task counted:", round((frac - cnt) / one, 1), rows_f == rows_c)
PYEOF
)
read_calls=$(sed -n 's/^one call \([0-9]*\) sweep \([0-9]*\) .*/\1 \2/p' <<<"$out")
check "the sweep of 18 combinations reads once: under 1.5x the progress calls of one safety_sample call ($read_calls)" "1" \
  "$(awk '{print ($2 < 1.5 * $1) ? 1 : 0}' <<<"$read_calls")"
check "a progress handler stops it while it reads the pool" "in the read: SQLITE_INTERRUPT" \
  "$(grep '^in the read:' <<<"$out")"
check "a progress handler stops it between combinations" "between combinations: SQLITE_INTERRUPT True" \
  "$(grep '^between combinations:' <<<"$out")"
check "the connection works afterwards" "after: True" "$(grep '^after:' <<<"$out")"
counted=$(sed -n 's/^task counted: \([0-9.-]*\) \(.*\)/\1 \2/p' <<<"$out")
check "20 fractional combinations count the task relation once (counts: $counted), with the rows of the counted budgets" "1 True" \
  "$(awk '{print ($1 > 0.5 && $1 < 1.8) ? 1 : 0, $2}' <<<"$counted")"
finish
