"""codes.py — fault 5: SQLITE_BUSY, SQLITE_LOCKED, SQLITE_NOMEM and
SQLITE_INTERRUPT reach the caller as those codes, with the function's
message, and the advice "create it" is given only for a relation that is
really missing.

  BUSY       a second connection holds an EXCLUSIVE lock (rollback
             journal); safety_report and safety_sample, with a count and a
             fractional budget (the task count), must fail with code 5
  LOCKED     shared-cache mode, another connection has written to the
             examples table in an open transaction: code 6
  NOMEM      PRAGMA hard_heap_limit below what the embeddings need: code 7
             (Python raises MemoryError for it and drops the message;
             tests/sql/memory_limit.sql checks the message)
  INTERRUPT  sqlite3_interrupt before the call: code 9 (and interrupts.py
             for every phase)
"""

import os
import sqlite3

from faultlib import REPO, SCHEMA, check, check_contains, connect, error_of, finish, temp_dir

SAMPLE_POOL = os.path.join(REPO, "tests", "data", "sample_pool.sql")

CALLS = [
    ("safety_report, count budget", "SELECT safety_report('pss-b', 3)", "safety_report: "),
    ("safety_report, fractional budget", "SELECT safety_report('pss-b', 0.5)", "safety_report: "),
    ("safety_report, cossim", "SELECT safety_report('cossim', 2)", "safety_report: "),
    ("safety_sample, count budget", "SELECT count(*) FROM safety_sample('pss-b', 3)", None),
    ("safety_sample, fractional budget", "SELECT count(*) FROM safety_sample('pss-b', 0.5)", None),
]


def fill(conn):
    with open(SCHEMA) as f:
        conn.executescript(f.read())
    with open(SAMPLE_POOL) as f:
        conn.executescript(f.read())
    conn.execute("INSERT INTO task_examples(id, instruction, output) VALUES (1, 'a', 'b'), (2, 'c', 'd'), "
                 "(3, 'e', 'f'), (4, 'g', 'h'), (5, 'i', 'j'), (6, 'k', 'l')")


def expect_code(label, conn, sql, code, prefix):
    msg, got, rows = error_of(conn, sql)
    check("%s: fails" % label, msg is not None, "returned %r" % (rows,))
    if msg is None:
        return
    check("%s: code %d (got %r: %s)" % (label, code, got, msg),
          got is not None and (got & 0xff) == code)
    if prefix and msg != "MemoryError":
        check_contains("%s: the function's message" % label, prefix, msg)
    check("%s: no advice to create a relation that exists" % label, "create it" not in msg, msg)


def busy(tmp):
    path = os.path.join(tmp, "busy.db")
    conn = connect(path)
    fill(conn)
    conn.close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    conn = connect(path)
    conn.execute("PRAGMA busy_timeout = 0")
    for label, sql, prefix in CALLS:
        expect_code("BUSY: " + label, conn, sql, 5, prefix)
    holder.execute("ROLLBACK")
    msg, _, rows = error_of(conn, CALLS[0][1])
    check("BUSY: the call works once the lock is gone", msg is None, msg)
    holder.close()
    conn.close()


def locked(tmp):
    uri = "file:%s?cache=shared" % os.path.join(tmp, "locked.db")
    conn = connect(uri, uri=True)
    fill(conn)
    writer = sqlite3.connect(uri, uri=True, isolation_level=None)
    writer.execute("BEGIN")
    writer.execute("INSERT INTO examples(id, instruction) VALUES (1000, 'x')")
    for label, sql, prefix in CALLS[:3]:
        expect_code("LOCKED: " + label, conn, sql, 6, prefix)
    writer.execute("ROLLBACK")
    writer.close()
    conn.close()


def nomem(tmp):
    conn = connect(os.path.join(tmp, "nomem.db"))
    conn.executescript("""
        CREATE TABLE big(id INTEGER, category TEXT, behavior TEXT, embedding BLOB);
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)
        INSERT INTO big SELECT i, 'c' || (i % 3), 'T1', CAST(x'0000803F' || zeroblob(4 * 4095) AS BLOB) FROM n;
    """)
    conn.execute("PRAGMA hard_heap_limit = 8000000")
    try:
        expect_code("NOMEM: safety_sample", conn,
                    "SELECT count(*) FROM safety_sample('pss', 10, '{\"pool\": \"big\"}')", 7,
                    "safety_sample: ")
        expect_code("NOMEM: safety_report", conn,
                    "SELECT safety_report('pss', 10, '{\"pool\": \"big\"}')", 7,
                    "safety_report: ")
    finally:
        conn.execute("PRAGMA hard_heap_limit = 0")
    conn.close()


def interrupt(tmp):
    conn = connect(os.path.join(tmp, "int.db"))
    fill(conn)
    # A progress handler that stops at once: the first check in the call.
    conn.set_progress_handler(lambda: 1, 1)
    for label, sql, prefix in CALLS[:3]:
        msg, code, rows = error_of(conn, sql)
        check("INTERRUPT: %s: code 9 (got %r: %s)" % (label, code, msg),
              code is not None and (code & 0xff) == 9)
    conn.set_progress_handler(None, 1)
    conn.close()


def main():
    tmp = temp_dir()
    busy(tmp)
    locked(tmp)
    nomem(tmp)
    interrupt(tmp)
    finish()


if __name__ == "__main__":
    main()
