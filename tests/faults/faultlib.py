"""faultlib.py — shared helpers of the fault tests in tests/faults/
(recursive relations, interrupts, snapshots, result codes, memory).

Each test script imports it, calls check()/check_contains() and ends with
finish(), which prints "N passed, M failed" in the runner's format and exits
1 on any failure.  EXT is the extension path without .so (default
build/safety_sample); the scripts need Debian's /usr/bin/python3, whose
sqlite3 module can load extensions.
"""

import atexit
import os
import re
import shutil
import sqlite3
import sys
import tempfile

# The pool read over several connections (ext/pool_parallel.c) is off by
# default on a 2-core machine; the fault tests turn it on (two
# connections) unless the environment says otherwise.
os.environ.setdefault("SAFETY_SAMPLE_READERS", "2")
REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
EXT = os.path.abspath(os.path.join(REPO, os.environ.get("EXT", "build/safety_sample")))
SCHEMA = os.path.join(REPO, "sql", "schema.sql")
PY = sys.executable or "/usr/bin/python3"

_passed = 0
_failed = 0
_name = os.path.basename(sys.argv[0])


def connect(path=":memory:", **kw):
    """A connection with the extension loaded (autocommit mode)."""
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, **kw)
    conn.enable_load_extension(True)
    conn.load_extension(EXT)
    conn.enable_load_extension(False)
    return conn


def check(what, ok, detail=""):
    global _passed, _failed
    if ok:
        _passed += 1
    else:
        _failed += 1
        print("FAIL %s %s%s" % (_name, what, (": " + detail) if detail else ""))
        sys.stdout.flush()


def check_eq(what, expected, actual):
    check(what, expected == actual, "\n  expected: %r\n  actual:   %r" % (expected, actual))


def check_contains(what, needle, hay):
    check(what, hay is not None and needle in hay,
          "\n  expected text containing: %r\n  actual: %r" % (needle, hay))


def note(text):
    """A measured figure, printed for the log (not a check)."""
    print("note %s: %s" % (_name, text))
    sys.stdout.flush()


def error_of(conn, sql, params=()):
    """(message, sqlite error code) of a statement that should fail, or
    (None, None) with the rows when it succeeds."""
    try:
        rows = conn.execute(sql, params).fetchall()
        return None, None, rows
    except sqlite3.Error as e:
        return str(e), getattr(e, "sqlite_errorcode", None), None
    except MemoryError:
        # Python's sqlite3 turns SQLITE_NOMEM into MemoryError and drops the
        # message (tests/sql/memory_limit.sql checks the message).
        return "MemoryError", 7, None


def make_pool(conn, n, dim, categories=10, per_example_category=False,
              behavior="T1"):
    """Fills the canonical schema with n examples of dim-dimensional
    lexical embeddings (safety_embed, deterministic) in `categories`
    categories (or one category per example)."""
    with open(SCHEMA) as f:
        conn.executescript(f.read())
    conn.execute("BEGIN")
    hr, rf = {"T1": (1, 1), "T2": (1, 0), "T3": (0, 0), "T4": (0, 1)}[behavior]
    conn.execute(
        "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < ?) "
        "INSERT INTO examples(id, instruction, response, harmful_request, refusal) "
        "SELECT i, 'prompt ' || i || ' word' || (i % 97) || ' w' || (i % 13), 'r', ?, ? FROM c",
        (n, hr, rf))
    if per_example_category:
        conn.execute("INSERT INTO example_categories SELECT id, 'cat' || id FROM examples")
    else:
        conn.execute("INSERT INTO example_categories SELECT id, 'cat' || (id % ?) FROM examples",
                     (categories,))
    conn.execute("INSERT INTO embeddings(example_id, embedding) "
                 "SELECT id, safety_embed(instruction, ?) FROM examples", (dim,))
    conn.execute("COMMIT")


def parallel_reads(conn):
    """How many pool reads went over several connections so far in this
    process (safety_debug()'s count; ext/pool_parallel.c)."""
    text = conn.execute("SELECT safety_debug()").fetchone()[0]
    return int(re.search(r"parallel pool reads: .*; (\d+) so far", text).group(1))


def temp_dir():
    """A temporary directory, removed when the script exits."""
    d = tempfile.mkdtemp(prefix="safety-faults-")
    atexit.register(shutil.rmtree, d, True)
    return d


def finish():
    print("%d passed, %d failed" % (_passed, _failed))
    sys.exit(1 if _failed else 0)
