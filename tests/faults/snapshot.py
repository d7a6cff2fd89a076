"""snapshot.py — fault 4: everything one statement reads (task count,
reference, pool, contrast rows) comes from one state of the database, even
while another connection commits.

The database (WAL) holds two consistent states, 0 and 1; a flag table says
which is current and the relations are views that show the current one:
the task set (1,000 or 2,000 rows, so a fractional budget gives n = 50 or
100), the reference set (categories a, b, c or a, b, d), and the pool
(T1 examples and T3 contrast candidates that differ between the states).
A writer thread on a second connection flips the flag as fast as it can
(each flip one committed transaction) while the test runs the same call
again and again; every answer must equal one of the two answers computed
with the writer stopped.  Before the fix, safety_report read each relation
in its own read transaction and described states that never existed.
The relations also come in an attached database read through temporary
views (the outer statement holds no read transaction on it), and in a
rollback-journal file whose pool is read over several connections
(ext/pool_parallel.c): there the call's read lock keeps the writer out, and
the helper connections must read the state the call reads.
"""

import os
import threading
import time

from faultlib import check, connect, finish, note, parallel_reads, temp_dir

REPORT = ("SELECT safety_report('cossim-b', 0.05, "
          "'{\"contrast\": 0.2, \"allow_short\": true, \"seed\": 3}')")
SAMPLE = ("SELECT group_concat(id || ':' || ifnull(category, '') || ':' || stage, ',') FROM "
          "safety_sample('cossim-b', 0.05, '{\"contrast\": 0.2, \"allow_short\": true, \"seed\": 3}')")
SECONDS = 2.5  # per call kind


def build(conn, schema="", searched=False):
    """searched: the views find their rows by index (an INTEGER PRIMARY KEY
    flag, the pool indexed by state and id), so that the pool of a
    rollback-journal file is read over several connections."""
    s = schema + "." if schema else ""
    conn.executescript("""
        CREATE TABLE {s}flag(k INTEGER PRIMARY KEY, v INTEGER);
        INSERT INTO {s}flag VALUES (1, 0);
        CREATE TABLE {s}task_all(state INTEGER, id INTEGER);
        WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 3000)
        INSERT INTO {s}task_all SELECT CASE WHEN i <= 1000 THEN 0 ELSE 1 END, i FROM c;
        CREATE TABLE {s}ref_all(state INTEGER, category TEXT, embedding BLOB);
        WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 600)
        INSERT INTO {s}ref_all SELECT 0, char(97 + i % 3), safety_embed('ref ' || (i % 3) || ' x' || i, 64) FROM c
          UNION ALL SELECT 1, char(97 + i % 3 + (i % 3 = 2)), safety_embed('ref ' || (i % 3) || ' y' || i, 64) FROM c;
        CREATE TABLE {s}pool_all(state INTEGER, id INTEGER, category TEXT, behavior TEXT, embedding BLOB);
        WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 6000)
        INSERT INTO {s}pool_all SELECT s.v, i, NULL, CASE WHEN i % 4 = 0 THEN 'T3' ELSE 'T1' END,
          safety_embed('ex ' || i || ' state' || s.v || ' w' || (i % 7), 64)
          FROM c, (SELECT 0 AS v UNION ALL SELECT 1) AS s WHERE s.v = 0 OR i % 5 <> 0;
    """.format(s=s))
    if searched:
        conn.execute("CREATE INDEX {s}pool_all_by_state ON pool_all(state, id)".format(s=s))
    # Views over the current state (temporary when the tables are attached:
    # a view of main cannot name another database).
    t = "TEMP " if schema else ""
    conn.executescript("""
        CREATE {t}VIEW v_task AS SELECT id FROM {s}task_all WHERE state = (SELECT v FROM {s}flag WHERE k = 1);
        CREATE {t}VIEW v_ref AS SELECT category, embedding FROM {s}ref_all WHERE state = (SELECT v FROM {s}flag WHERE k = 1);
        CREATE {t}VIEW v_pool AS SELECT id, category, behavior, embedding FROM {s}pool_all WHERE state = (SELECT v FROM {s}flag WHERE k = 1);
    """.format(s=s, t=t))


def opts(call):
    return call.replace('"seed": 3', '"seed": 3, "pool": "v_pool", "reference": "v_ref", "task": "v_task"')


def run(conn, label, call, set_flag, writer_path, writer_flip, pause=0.0):
    """Runs call again and again while a writer on writer_path flips the
    state with writer_flip (pausing pause seconds after each commit, so
    that readers of a rollback-journal file get their turn); set_flag(v)
    sets the state with no writer."""
    expected = set()
    for v in (0, 1):
        conn.execute(set_flag, (v,))
        expected.add(conn.execute(call).fetchone()[0])
    check("%s: the two states give two different answers" % label, len(expected) == 2)
    stop = threading.Event()
    flips = [0]

    def writer():
        w = connect(writer_path)
        w.execute("PRAGMA busy_timeout = 5000")
        while not stop.is_set():
            w.execute(writer_flip)
            flips[0] += 1
            time.sleep(pause)
        w.close()

    th = threading.Thread(target=writer)
    th.start()
    calls = mixed = 0
    end = time.monotonic() + SECONDS
    while time.monotonic() < end:
        got = conn.execute(call).fetchall()[0][0]  # done: its read lock goes
        calls += 1
        if got not in expected:
            mixed += 1
    stop.set()
    th.join()
    note("%s: %d calls during %d commits, %d described no real state" % (label, calls, flips[0], mixed))
    check("%s: every answer during the commits is one of the two states" % label, mixed == 0,
          "%d of %d answers mixed the states" % (mixed, calls))
    check("%s: the writer committed while the calls ran" % label, flips[0] > 0)


def main():
    tmp = temp_dir()
    path = os.path.join(tmp, "snap.db")
    conn = connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA busy_timeout = 5000")
    build(conn)
    for label, call in (("safety_report", REPORT), ("safety_sample", SAMPLE)):
        run(conn, label, opts(call), "UPDATE flag SET v = ?", path, "UPDATE flag SET v = 1 - v")
    conn.close()
    # The same relations in an attached database, read through temp views;
    # the writer flips aux.db's flag through its own connection to it.
    apath = os.path.join(tmp, "aux.db")
    a = connect(apath)
    a.execute("PRAGMA journal_mode = WAL")
    a.close()
    conn = connect(os.path.join(tmp, "main2.db"))
    conn.execute("PRAGMA busy_timeout = 5000")
    conn.execute("ATTACH ? AS aux", (apath,))
    build(conn, "aux")
    for label, call in (("safety_report, attached", REPORT), ("safety_sample, attached", SAMPLE)):
        run(conn, label, opts(call), "UPDATE aux.flag SET v = ?", apath, "UPDATE flag SET v = 1 - v")
    conn.close()
    # A rollback-journal file, whose pool view is read over several
    # connections while the call's read lock keeps the writer waiting.
    rpath = os.path.join(tmp, "rollback.db")
    conn = connect(rpath)
    conn.execute("PRAGMA busy_timeout = 5000")
    build(conn, searched=True)
    before = parallel_reads(conn)
    for label, call in (("safety_report, rollback journal", REPORT),
                        ("safety_sample, rollback journal", SAMPLE)):
        run(conn, label, opts(call), "UPDATE flag SET v = ?", rpath, "UPDATE flag SET v = 1 - v", 0.003)
    check("rollback journal: the pool was read over several connections",
          parallel_reads(conn) > before)
    conn.close()
    finish()



if __name__ == "__main__":
    main()
