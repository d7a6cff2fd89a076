"""recursion.py — fault 1: a relation that calls safety_sample,
safety_sweep or safety_report itself (directly or through views) is an error that names
the relation, never unbounded recursion.

Each case builds a small database whose pool, task or reference relation
selects from safety_sample(...) or calls safety_report(...), then runs the
documented call in a separate host process under a timeout: the sqlite3
shell and a Python host.  The host must exit with an error status (not
killed by a signal, not timed out) and print a message that names the
relation and says it calls the function itself.
"""

import os
import subprocess

from faultlib import EXT, PY, SCHEMA, check, check_contains, connect, finish, note, temp_dir

TIMEOUT = 60
SAMPLE = os.path.join(os.path.dirname(__file__), "..", "data", "sample_pool.sql")

# name, SQL that makes the database recursive, the call, the relation named
CASES = [
    ("pool view selecting from safety_sample",
     "DROP VIEW safety_pool; CREATE VIEW safety_pool AS SELECT id, category, behavior, "
     "NULL AS embedding FROM safety_sample('sss-b', 3);",
     "SELECT count(*) FROM safety_sample('pss-b', 3)", '"safety_pool"'),
    ("pool view through a second view",
     "DROP VIEW safety_pool; CREATE VIEW inner_v AS SELECT id, category, behavior, "
     "NULL AS embedding FROM safety_sample('random', 3); "
     "CREATE VIEW safety_pool AS SELECT * FROM inner_v;",
     "SELECT count(*) FROM safety_sample('sss', 3)", '"safety_pool"'),
    ("task relation selecting from itself through safety_sample",
     "CREATE VIEW v AS SELECT * FROM safety_sample('sss', 0.5, '{\"task\": \"v\"}');",
     "SELECT count(*) FROM safety_sample('sss', 0.5, '{\"task\": \"v\"}')", '"v"'),
    ("reference relation selecting from itself through safety_sample",
     "CREATE VIEW r AS SELECT category, NULL AS embedding FROM "
     "safety_sample('cossim', 2, '{\"reference\": \"r\"}');",
     "SELECT count(*) FROM safety_sample('cossim', 2, '{\"reference\": \"r\"}')", '"r"'),
    ("task relation selecting from another safety_sample call",
     "CREATE VIEW v AS SELECT * FROM safety_sample('sss', 2);",
     "SELECT count(*) FROM safety_sample('sss', 0.5, '{\"task\": \"v\"}')", '"v"'),
    ("reference relation selecting from another safety_sample call",
     "CREATE VIEW r AS SELECT s.category AS category, p.embedding AS embedding "
     "FROM safety_sample('pss', 3) AS s JOIN safety_pool AS p ON p.id = s.id AND p.category = s.category;",
     "SELECT count(*) FROM safety_sample('cossim', 2, '{\"reference\": \"r\"}')", '"r"'),
    ("safety_report inside the pool view",
     "DROP VIEW safety_pool; CREATE VIEW safety_pool AS SELECT e.id AS id, c.category AS category, "
     "e.behavior AS behavior, m.embedding AS embedding FROM examples AS e "
     "LEFT JOIN example_categories AS c ON c.example_id = e.id "
     "LEFT JOIN embeddings AS m ON m.example_id = e.id WHERE safety_report('sss', 1) IS NOT NULL;",
     "SELECT count(*) FROM safety_sample('pss-b', 3)", '"safety_pool"'),
    ("safety_report on a pool view that calls safety_report",
     "DROP VIEW safety_pool; CREATE VIEW safety_pool AS SELECT e.id AS id, c.category AS category, "
     "e.behavior AS behavior, m.embedding AS embedding FROM examples AS e "
     "LEFT JOIN example_categories AS c ON c.example_id = e.id "
     "LEFT JOIN embeddings AS m ON m.example_id = e.id WHERE safety_report('sss', 1) IS NOT NULL;",
     "SELECT safety_report('pss-b', 3)", '"safety_pool"'),
    ("safety_sweep on a pool view selecting from safety_sweep",
     "DROP VIEW safety_pool; CREATE VIEW safety_pool AS SELECT id, category, behavior, "
     "NULL AS embedding FROM safety_sweep('sss-b', 3);",
     "SELECT count(*) FROM safety_sweep('[\"pss-b\", \"sss\"]', '[2, 3]', '{\"seeds\": [0, 1]}')",
     '"safety_pool"'),
    ("safety_sample on a pool view selecting from safety_sweep",
     "DROP VIEW safety_pool; CREATE VIEW safety_pool AS SELECT id, category, behavior, "
     "NULL AS embedding FROM safety_sweep('random', 3);",
     "SELECT count(*) FROM safety_sample('sss', 3)", '"safety_pool"'),
    ("safety_sweep on a reference view selecting from safety_sample",
     "CREATE VIEW r AS SELECT category, NULL AS embedding FROM "
     "safety_sample('cossim', 2, '{\"reference\": \"r\"}');",
     "SELECT count(*) FROM safety_sweep('cossim', '[1, 2]', '{\"reference\": \"r\"}')", '"r"'),
    ("safety_sweep on a task view selecting from safety_sweep",
     "CREATE VIEW v AS SELECT * FROM safety_sweep('sss', 0.5, '{\"task\": \"v\"}');",
     "SELECT count(*) FROM safety_sweep('sss', 0.5, '{\"task\": \"v\"}')", '"v"'),
]

PY_HOST = r"""
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.enable_load_extension(True)
c.load_extension(sys.argv[2])
try:
    print(c.execute(sys.argv[3]).fetchall())
except sqlite3.Error as e:
    print("Error:", e)
    sys.exit(1)
"""


def build(path, sql):
    conn = connect(path)
    with open(SCHEMA) as f:
        conn.executescript(f.read())
    with open(SAMPLE) as f:
        conn.executescript(f.read())
    conn.executescript(sql)
    conn.close()


def run_host(what, argv):
    """Runs a host; returns (status, output), status None on timeout."""
    try:
        p = subprocess.run(argv, capture_output=True, text=True, timeout=TIMEOUT)
        return p.returncode, p.stdout + p.stderr
    except subprocess.TimeoutExpired:
        return None, "timed out after %d s" % TIMEOUT


def main():
    tmp = temp_dir()
    for i, (name, sql, call, rel) in enumerate(CASES):
        path = os.path.join(tmp, "r%d.db" % i)
        build(path, sql)
        hosts = [
            ("sqlite3 shell", ["sqlite3", path, ".load " + EXT, call]),
            ("python host", [PY, "-c", PY_HOST, path, EXT, call]),
        ]
        for host, argv in hosts:
            status, out = run_host(name, argv)
            what = "%s (%s)" % (name, host)
            check(what + ": exits with an error status, not a signal or a hang",
                  status is not None and 0 < status < 128,
                  "status %r, output %r" % (status, out[-300:]))
            check_contains(what + ": names the relation", rel, out)
            check_contains(what + ": says it calls the function itself", "itself", out)
            if status is None or status < 0 or status >= 128:
                note("%s: status %r" % (what, status))
    finish()


if __name__ == "__main__":
    main()
