"""parallel.py — the pool read over several connections (ext/pool_parallel.c)
gives exactly the rows and the errors of the one-connection read.  Each
database file is read twice: in its rollback-journal mode, where the read
is parallel (safety_debug()'s count of parallel reads must grow), and after PRAGMA journal_mode = WAL, where it cannot be (the count
must not move); the answers must be equal.  Pools: a plain table in id
order; one with ids out of rowid order, an example's rows far apart,
sparse and negative rowids near both ends of the 64-bit range; the
canonical views of sql/schema.sql; rows of
65,536 dimensions (each larger than a helper's chunk); the group,
categories, dedup and contrast options; a sweep.  Errors from a row late
in the read (a TEXT id, a wrong dimension, two behaviours of one id, a NULL
id from a view's LEFT JOIN, a value over the length limit in a helper).  And the cases that must stay on one
connection: a view over an indexed table whose rows are in reverse id order
(the first bad row in that order is the error), PRAGMA
reverse_unordered_selects, an authorizer that hides a column, a shared
cache's uncommitted rows read with read_uncommitted, a view that calls a
function the caller redefined (or like() under PRAGMA case_sensitive_like),
a temporary object, an open write transaction (whose rows the
selection must see), a file renamed away or replaced by another,
SAFETY_SAMPLE_READERS=1, a key range under 4,096 keys, a sweep with cossim
lists or a table on 2 cores (by default).  The sqlite3 shell
reads in parallel.  A file
opened with immutable=1 (a WAL file whose WAL the caller does not read) is
read by helpers opened immutable too.
"""

import hashlib
import os
import sqlite3
import subprocess
import urllib.parse

from faultlib import EXT, SCHEMA, check_eq as check, connect, finish, parallel_reads as parallel_count, temp_dir

TMP = temp_dir()


def answer(c, sql):
    """The rows of sql, shown as their count, first row and a digest (so
    that a failure prints a line, not thousands of rows), or its error."""
    try:
        rows = c.execute(sql).fetchall()
    except sqlite3.Error as e:
        return "error: %s" % e
    return "%d rows, first %r, sha1 %s" % (len(rows), rows[:1], hashlib.sha1(repr(rows).encode()).hexdigest())


def both_ways(name, path, calls, parallel=True, setup=None):
    """Runs calls on path as it is, then in WAL mode; checks equal answers
    and that the first read the pool in parallel (when parallel, and the
    call reads embeddings: random without dedup does not) and the second
    did not.  setup(connection) runs first, when given."""
    c = connect(path)
    if setup:
        setup(c)
    got = {}
    for mode in ("delete", "wal"):
        c.execute("PRAGMA journal_mode = %s" % mode)
        for sql in calls:
            before = parallel_count(c)
            got[mode, sql] = answer(c, sql)
            used = parallel_count(c) - before
            want = mode == "delete" and parallel and ("'random" not in sql or "dedup" in sql)
            check("%s, %s: read in parallel (%s)" % (name, mode, sql), want, used > 0)
    c.execute("PRAGMA journal_mode = delete")
    c.close()
    for sql in calls:
        check("%s: the same answer both ways (%s)" % (name, sql), got["wal", sql], got["delete", sql])
    return got


def fresh_row_seen(name, writer, reader):
    """writer inserts a row in an open transaction; reader, which can see
    it (the same connection, or read_uncommitted in a shared cache), must
    select it, reading on one connection."""
    writer.execute("BEGIN")
    writer.execute("INSERT INTO pool VALUES (99999, 'fresh', 'T1', safety_embed('fresh one', 64))")
    before = parallel_count(reader)
    fresh = reader.execute("SELECT id FROM safety_sample('pss-b', 1, '{\"pool\": \"pool\", \"task\": "
                           "\"task\", \"categories\": [\"fresh\"]}')").fetchall()
    check("%s: the new row is selected" % name, [(99999,)], fresh)
    check("%s: read on one connection" % name, before, parallel_count(reader))
    writer.execute("ROLLBACK")


def new_db(name, setup):
    path = os.path.join(TMP, name + ".db")
    c = connect(path)
    c.executescript(setup)
    c.close()
    return path


ROWS = """
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < {n})
INSERT INTO {t}({cols}) SELECT {vals} FROM c;
"""
POOL_COLS = "id, category, behavior, embedding"
# 12,000 examples, a fifth with a second category row: T1..T4, 9 categories.
EX = ("i, 'c' || (i % 9), 'T' || (1 + (i * 7) % 4), "
      "safety_embed('ex ' || i || ' w' || (i % 31) || ' v' || (i % 7), 64)")
REF = """
CREATE TABLE ref(category TEXT, embedding BLOB);
WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i < 8)
INSERT INTO ref SELECT 'c' || i, safety_embed('ex w' || i || ' v' || (i % 7), 64) FROM c;
CREATE TABLE task(x);
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 20000) INSERT INTO task SELECT i FROM c;
"""


def calls_for(pool, extra=""):
    o = '{"pool": "%s", "reference": "ref", "task": "task"%s}' % (pool, extra)
    out = []
    for m in ("pss-b", "cossim-b", "pss", "cossim", "random-b"):
        out.append("SELECT id, category, behavior, round(score, 12), rank, stage FROM "
                   "safety_sample('%s', 0.02, '%s')" % (m, o))
    return out


# 1. A plain table in id order.
p = new_db("plain", "CREATE TABLE pool(%s);" % POOL_COLS +
           ROWS.format(n=12000, t="pool", cols=POOL_COLS, vals=EX) +
           "INSERT INTO pool SELECT id, 'c' || ((id + 4) % 9), behavior, embedding FROM pool WHERE id % 5 = 0 ORDER BY id;" + REF)
got = both_ways("plain table", p, calls_for("pool") + calls_for(
    "pool", ', "dedup": 0.999, "contrast": 0.2, "categories": ["c1", "c2", "c5"]'))
check("plain table: the selection has rows", True, got["delete", calls_for("pool")[0]].startswith("400 rows"))

# 2. Ids out of rowid order, an example's rows far apart, sparse rowids
# near both ends of the 64-bit range.
p = new_db("scattered", """
CREATE TABLE src(%s);
""" % POOL_COLS + ROWS.format(n=12000, t="src", cols=POOL_COLS, vals=EX) + """
CREATE TABLE pool(%s);
INSERT INTO pool(rowid, id, category, behavior, embedding)
  SELECT CASE WHEN id %% 97 = 0 THEN 9223372036854775807 - id
              WHEN id %% 89 = 0 THEN -9223372036854775807 + id
              ELSE (id * 7919) %% 1000003 - 500000 END,
         id, category, behavior, embedding FROM src;
INSERT INTO pool(rowid, id, category, behavior, embedding)
  SELECT 2000000 + id, id, 'c' || ((id + 4) %% 9), behavior, embedding FROM src WHERE id %% 5 = 0;
""" % POOL_COLS + REF)
both_ways("scattered rowids", p, calls_for("pool") + calls_for("pool", ', "group": "id"'))

# 3. The canonical views of sql/schema.sql.
schema = open(SCHEMA).read()
p = new_db("canonical", schema + """
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 6000)
INSERT INTO examples(id, source, instruction, response, harmful_request, refusal)
  SELECT i, 'test', 'prompt ' || (i % 3000), 'r' || i, i % 3 > 0, i % 2 FROM c;
INSERT INTO example_categories(example_id, category)
  SELECT id, 'c' || (id % 7) FROM examples UNION ALL
  SELECT id, 'c' || ((id + 3) % 7) FROM examples WHERE id % 4 = 0;
INSERT INTO embeddings(example_id, embedding)
  SELECT id, safety_embed(instruction || ' x' || (id % 11), 48) FROM examples;
INSERT INTO reference_examples(category, embedding)
  SELECT 'c' || (id % 7), safety_embed('ref ' || id, 48) FROM examples WHERE id <= 70;
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 20000)
INSERT INTO task_examples(id, instruction, output) SELECT i, 'task', 'done' FROM c;
""")
canon = ["SELECT id, category, behavior, round(score, 12), rank, stage FROM safety_sample('%s', 0.01%s)"
         % (m, o) for m in ("pss-b", "cossim-b", "pss") for o in ("", ", '{\"group\": \"instruction\"}'")]
canon.append("SELECT method, budget, seed, id, rank, stage FROM safety_sweep("
             "'[\"pss-b\", \"cossim\", \"random\"]', '[10, 60]', '{\"seeds\": [0, 1]}')")
both_ways("canonical views", p, canon)

# 4. A view over a table with an index on id, its rows in the reverse
# order of the ids: the one-connection read takes them in that order, and
# the first bad row it meets is the error, so the view is read on one
# connection.
p = new_db("view", "CREATE TABLE t(%s, note TEXT);" % POOL_COLS +
           ROWS.format(n=12000, t="t", cols=POOL_COLS, vals=EX) +
           "UPDATE t SET rowid = -rowid; CREATE INDEX t_by_id ON t(id);"
           "CREATE VIEW pool AS SELECT id, category, behavior, embedding FROM t WHERE behavior IS NOT 'T4';" + REF)
both_ways("view over an indexed table", p, calls_for("pool"), parallel=False)
c = connect(p)
c.executescript("UPDATE t SET behavior = 'X' WHERE id = 10; UPDATE t SET behavior = 'Y' WHERE id = 11990;")
c.close()
got = both_ways("view in reverse id order, two bad rows", p, calls_for("pool")[:1], parallel=False)
check("view in reverse id order, two bad rows: the first in the view's order",
      True, "pool example 11990 has behavior 'Y'" in str(got["delete", calls_for("pool")[0]]))

# 5. Rows larger than a helper's chunk (65,536 floats, 262,144 bytes and more).
p = new_db("wide", "CREATE TABLE pool(%s);" % POOL_COLS + ROWS.format(
    n=40, t="pool", cols="rowid, " + POOL_COLS,  # rowids 1,000 apart: a key range worth helpers
    vals="i * 1000, i, 'c' || (i % 3), 'T1', safety_embed('wide ' || i || ' w' || (i % 5), 65536)") +
    "CREATE TABLE task(x); INSERT INTO task VALUES (1);")
both_ways("rows larger than a chunk", p, [
    "SELECT id, rank FROM safety_sample('pss-b', 12, '{\"pool\": \"pool\", \"task\": \"task\"}')"])

# 6. Errors from a row late in the read: the same message both ways.
bad = {
    "a TEXT id": "UPDATE pool SET id = 'x9' WHERE rowid = 11000;",
    "a wrong dimension": "UPDATE pool SET embedding = safety_embed('odd', 32) WHERE rowid = 11500;",
    "two behaviours of one id": "INSERT INTO pool VALUES (7, 'c1', 'T3', safety_embed('x', 64));",
    "a NULL embedding": "UPDATE pool SET embedding = NULL WHERE rowid = 11996;",
}
for what, sql in bad.items():
    p = new_db("bad%d" % len(sql), "CREATE TABLE pool(%s);" % POOL_COLS +
               ROWS.format(n=12000, t="pool", cols=POOL_COLS, vals=EX) + sql + REF)
    got = both_ways("error: " + what, p, calls_for("pool")[:1])
    check("error: %s: an error" % what, True, str(got["delete", calls_for("pool")[0]]).startswith("error"))

# A row a helper cannot read (a category over the caller's length limit,
# which the helpers copy): the helper's error reaches the caller after the
# rows before it, as the one-connection read's.
p = new_db("toobig", "CREATE TABLE pool(%s);" % POOL_COLS +
           ROWS.format(n=12000, t="pool", cols=POOL_COLS, vals=EX) +
           "UPDATE pool SET category = 'c' || printf('%5000s', 'x') WHERE rowid = 11900;" + REF)
got = both_ways("a value over the length limit", p, calls_for("pool")[:1],
                setup=lambda c: c.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, 4000))
check("a value over the length limit: the helper's message", True,
      got["delete", calls_for("pool")[0]].startswith(
          'error: safety_sample: reading the pool relation "pool" failed: string or blob too big'))

# A view whose id may be NULL (a LEFT JOIN's missing side) is read on one
# connection, which names the NULL id.
p = new_db("nullid", "CREATE TABLE ex(id INTEGER PRIMARY KEY, behavior TEXT);"
           "CREATE TABLE lab(example_id INTEGER, category TEXT, embedding BLOB);" +
           ROWS.format(n=3000, t="ex", cols="id, behavior", vals="i, 'T1'") +
           ROWS.format(n=3001, t="lab", cols="example_id, category, embedding",
                       vals="i, 'c' || (i % 3), safety_embed('l' || i, 16)") +
           "CREATE VIEW pool AS SELECT ex.id AS id, category, behavior, embedding FROM lab LEFT JOIN ex ON ex.id = lab.example_id;"
           "CREATE TABLE task(x); INSERT INTO task VALUES (1);")
sql = "SELECT count(*) FROM safety_sample('pss-b', 5, '{\"pool\": \"pool\", \"task\": \"task\"}')"
got = both_ways("a NULL id from a view", p, [sql], parallel=False)
check("a NULL id from a view: the message names it", True, "not an INTEGER (NULL)" in str(got["delete", sql]))

# Settings of the calling connection that the helpers would not share:
# rows in reverse order, an authorizer that hides a column (its reads are
# NULL), rows of a shared cache's open write read uncommitted.
p = new_db("settings", "CREATE TABLE pool(%s);" % POOL_COLS +
           ROWS.format(n=12000, t="pool", cols=POOL_COLS, vals=EX) + REF +
           "UPDATE pool SET behavior = 'X' WHERE id = 10; UPDATE pool SET behavior = 'Y' WHERE id = 11990;")
sql = calls_for("pool")[0]
got = both_ways("reverse_unordered_selects", p, [sql], parallel=False,
                setup=lambda c: c.execute("PRAGMA reverse_unordered_selects = 1"))
check("reverse_unordered_selects: the first bad row in that order", True,
      "pool example 11990 has behavior 'Y'" in str(got["delete", sql]))
c = connect(p)
c.executescript("UPDATE pool SET behavior = 'T1' WHERE id IN (10, 11990);")
c.close()


def hide_category(c):
    c.set_authorizer(lambda action, table, column, db, trigger:
                     sqlite3.SQLITE_IGNORE if (action, table, column) == (sqlite3.SQLITE_READ, "pool", "category")
                     else sqlite3.SQLITE_OK)


both_ways("an authorizer that hides the category", p, [sql], parallel=False, setup=hide_category)
c = connect(p)
hide_category(c)
check("an authorizer that hides the category: no categories", True,
      all(row[1] is None for row in c.execute(sql).fetchall()))
c.close()
# A view that calls a function, here one the caller defines under a
# built-in's name, or like() changed by PRAGMA case_sensitive_like.
c = connect(p)
c.executescript("CREATE TABLE keyed(id INTEGER PRIMARY KEY, category TEXT, behavior TEXT, embedding BLOB);"
                "INSERT INTO keyed SELECT id, CASE WHEN id % 2 THEN upper(category) ELSE category END,"
                " behavior, embedding FROM pool WHERE rowid IN (SELECT min(rowid) FROM pool GROUP BY id);"
                "CREATE VIEW upper_pool AS SELECT id, upper(category) AS category, behavior, embedding FROM keyed;"
                "CREATE VIEW like_pool AS SELECT * FROM keyed WHERE category LIKE 'c%';")
c.close()
usql = calls_for("upper_pool")[0]
both_ways("a redefined upper()", p, [usql], parallel=False,
          setup=lambda c: c.create_function("upper", 1, lambda v: "same"))
c = connect(p)
c.create_function("upper", 1, lambda v: "same")
check("a redefined upper(): the caller's upper()", True,
      all(row[1] == "same" for row in c.execute(usql).fetchall()))
c.close()
lsql = "SELECT count(*) FROM safety_sample('pss', 0.9, '{\"pool\": \"like_pool\", \"task\": \"task\", \"allow_short\": true}')"
got = both_ways("PRAGMA case_sensitive_like", p, [lsql], parallel=False,
                setup=lambda c: c.execute("PRAGMA case_sensitive_like = 1"))
uri = "file:%s?cache=shared" % p
writer = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
reader = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
for conn in (writer, reader):
    conn.enable_load_extension(True)
    conn.load_extension(EXT)
reader.execute("PRAGMA read_uncommitted = 1")
fresh_row_seen("read_uncommitted in a shared cache", writer, reader)
writer.close()
reader.close()

# A key range under 4,096 keys stays on one connection (the helpers' start
# would cost more than they save).
p = new_db("small", "CREATE TABLE pool(%s);" % POOL_COLS +
           ROWS.format(n=4000, t="pool", cols=POOL_COLS, vals=EX) + REF)
both_ways("a small key range", p, calls_for("pool")[:1], parallel=False)

# 7. What must stay on one connection.
p = os.path.join(TMP, "plain.db")
sql = calls_for("pool")[0]
c = connect(p)
want = answer(c, sql)
c.execute("CREATE TEMP TABLE scratch(x)")
before = parallel_count(c)
check("a temporary object: the same rows", want, answer(c, sql))
check("a temporary object: read on one connection", before, parallel_count(c))
c.execute("DROP TABLE scratch")
fresh_row_seen("an open write transaction", c, c)
os.rename(p, p + ".moved")
before = parallel_count(c)
check("a renamed file: the same rows", want, answer(c, sql))
check("a renamed file: read on one connection", before, parallel_count(c))
other = connect(p)  # another database where the file was
other.executescript("CREATE TABLE pool(%s); INSERT INTO pool VALUES (1, 'c1', 'T1', safety_embed('other', 64));" % POOL_COLS + REF)
other.close()
check("a replaced file: the same rows as its own", want, answer(c, sql))
check("a replaced file: read on one connection", before, parallel_count(c))
c.close()

# The sqlite3 shell (whose connection has no mutex of its own, in
# multi-thread mode) reads in parallel too.
p = os.path.join(TMP, "scattered.db")
out = subprocess.run(["sqlite3", "-readonly", "-cmd", ".load " + EXT, p, calls_for("pool")[0],
                      "SELECT safety_debug()"], capture_output=True, text=True).stdout
check("the sqlite3 shell: read in parallel", True, "sets it); 1 so far" in out)

# The default number of helpers: one a core, one fewer for a sweep with
# cossim lists or a table (the row worker's core): on 2 cores those read
# on one connection, a single selection over views over two.
cores = os.cpu_count() or 1
del os.environ["SAFETY_SAMPLE_READERS"]
for what, db, sql, helpers in (("a selection over views", "canonical.db", canon[0], cores),
                               ("a sweep with cossim", "canonical.db", canon[-1], cores - 1),
                               ("a selection over a table", "scattered.db", calls_for("pool")[0], cores - 1)):
    c = connect(os.path.join(TMP, db))
    before = parallel_count(c)
    c.execute(sql).fetchall()
    check("by default, %s on %d cores: read in parallel" % (what, cores), min(helpers, 4) >= 2,
          parallel_count(c) > before)
    c.close()
os.environ["SAFETY_SAMPLE_READERS"] = "2"

# 8. A file opened with immutable=1 is read by helpers opened so too: here
# a WAL-mode file whose WAL holds rows the database file does not (an
# immutable reader reads the file alone), in a directory whose name needs
# percent-encoding; and SAFETY_SAMPLE_READERS=1 keeps the read on one
# connection.
d = os.path.join(TMP, "odd dir %?#")
os.makedirs(d)
p = os.path.join(d, "imm.db")
w = connect(p)
w.executescript("PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0; CREATE TABLE pool(%s);" % POOL_COLS +
                ROWS.format(n=6000, t="pool", cols=POOL_COLS, vals=EX) + REF)
w.execute("PRAGMA wal_checkpoint(TRUNCATE)")
w.executescript(ROWS.format(n=3000, t="pool", cols=POOL_COLS, vals=EX.replace("i, ", "6000 + i, ", 1)))
c = sqlite3.connect("file:%s?immutable=1" % urllib.parse.quote(p), uri=True)
c.enable_load_extension(True)
c.load_extension(EXT)
sql = calls_for("pool")[0]
before = parallel_count(c)
top = c.execute("SELECT max(id) FROM (%s)" % sql).fetchone()[0]
check("immutable: read in parallel", before + 1, parallel_count(c))
check("immutable: only the database file's rows", True, top <= 6000)
got = answer(c, sql)
os.environ["SAFETY_SAMPLE_READERS"] = "1"
before = parallel_count(c)
check("SAFETY_SAMPLE_READERS=1: the same rows", got, answer(c, sql))
check("SAFETY_SAMPLE_READERS=1: read on one connection", before, parallel_count(c))
os.environ["SAFETY_SAMPLE_READERS"] = "2"
c.close()
w.close()

finish()
