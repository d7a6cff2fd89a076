-- jsonl.sql — jsonl_each(path) (contract section 5) on the fixtures in
-- tests/data/jsonl/: rows and line numbers, blank lines, CRLF, a byte-order
-- mark, every error message (naming the file and the line), and that it
-- cannot run from a view or a trigger (SQLITE_VTAB_DIRECTONLY).  Paths are
-- relative to the repository root, where the tests run.  The very long line
-- is in tests/sh/jsonl_long.sh (it generates its file).

#test one row per line: line number and the JSON text as written
SELECT line, value FROM jsonl_each('tests/data/jsonl/good.jsonl');
#expect
1|{"prompt": "How do I pick a lock?", "n": 1}
2|{"prompt": "Tell me a joke", "n": 2, "tags": ["a", "b"]}
3|[1, 2, 3]
4|"just a string"
5|{"prompt": "caf\u00e9 déjà vu", "n": 5}

#test value is valid JSON for SQLite's json functions
SELECT json_valid(value), json_type(value), json_extract(value, '$.n')
FROM jsonl_each('tests/data/jsonl/good.jsonl');
#expect
1|object|1
1|object|2
1|array|NULL
1|text|NULL
1|object|5

#test UTF-8 and JSON escapes survive
SELECT json_extract(value, '$.prompt') FROM jsonl_each('tests/data/jsonl/good.jsonl') WHERE line = 5;
#expect
café déjà vu

#test blank and white-space lines are skipped but counted
SELECT line, json_extract(value, '$.a') FROM jsonl_each('tests/data/jsonl/blank.jsonl');
#expect
2|1
5|2
7|3

#test CRLF line ends: no carriage return in value
SELECT line, value, instr(value, char(13)) FROM jsonl_each('tests/data/jsonl/crlf.jsonl');
#expect
1|{"a": 1}|0
3|{"a": "two"}|0

#test a UTF-8 byte-order mark on line 1 is skipped
SELECT line, value FROM jsonl_each('tests/data/jsonl/bom.jsonl');
#expect
1|{"bom": true}
2|{"a": 2}

#test an empty file has no rows
SELECT count(*) FROM jsonl_each('tests/data/jsonl/empty.jsonl');
#expect
0

#test the hidden path column and rowid (= line)
SELECT path, rowid = line FROM jsonl_each('tests/data/jsonl/crlf.jsonl');
#expect
tests/data/jsonl/crlf.jsonl|1
tests/data/jsonl/crlf.jsonl|1

#test the path may be any expression, and the same file may be read twice
SELECT count(*) FROM jsonl_each('tests/data/' || 'jsonl/good.jsonl') AS a,
       jsonl_each('tests/data/jsonl/good.jsonl') AS b WHERE a.line = b.line;
#expect
5

#test one call per row of a table of paths (lateral join)
CREATE TEMP TABLE files(path TEXT);
INSERT INTO files VALUES ('tests/data/jsonl/blank.jsonl'), ('tests/data/jsonl/crlf.jsonl');
SELECT f.path, j.line FROM files AS f, jsonl_each(f.path) AS j ORDER BY f.path, j.line;
#expect
tests/data/jsonl/blank.jsonl|2
tests/data/jsonl/blank.jsonl|5
tests/data/jsonl/blank.jsonl|7
tests/data/jsonl/crlf.jsonl|1
tests/data/jsonl/crlf.jsonl|3

#test rows stream: lines before a malformed line can be read with LIMIT
SELECT line FROM jsonl_each('tests/data/jsonl/bad_line3.jsonl') LIMIT 2;
#expect
1
2

#test error: a malformed line names the file, the line and the column
SELECT * FROM jsonl_each('tests/data/jsonl/bad_line3.jsonl');
#error jsonl_each: tests/data/jsonl/bad_line3.jsonl line 3: malformed JSON at column 10 near ' "b": 4}'; each non-blank line must hold one complete JSON value

#test error: a malformed line stops an aggregate too
SELECT count(*) FROM jsonl_each('tests/data/jsonl/bad_line3.jsonl');
#error tests/data/jsonl/bad_line3.jsonl line 3: malformed JSON

#test error: a record cut short
SELECT * FROM jsonl_each('tests/data/jsonl/truncated.jsonl');
#error jsonl_each: tests/data/jsonl/truncated.jsonl line 2: malformed JSON at column 7

#test error: two JSON values on one line
SELECT * FROM jsonl_each('tests/data/jsonl/two_values.jsonl');
#error jsonl_each: tests/data/jsonl/two_values.jsonl line 2: more than one JSON value (at column 10 near '{"b": 2}'); put each record on its own line

#test error: invalid UTF-8
SELECT * FROM jsonl_each('tests/data/jsonl/bad_utf8.jsonl');
#error jsonl_each: tests/data/jsonl/bad_utf8.jsonl line 2: invalid UTF-8 at column 8; convert the file to UTF-8 (e.g. with iconv)

#test error: a NUL byte inside a line
SELECT * FROM jsonl_each('tests/data/jsonl/nul.jsonl');
#error jsonl_each: tests/data/jsonl/nul.jsonl line 2: NUL byte at column 6; JSON Lines text cannot contain NUL bytes

#test error: a missing file
SELECT * FROM jsonl_each('tests/data/jsonl/no_such_file.jsonl');
#error jsonl_each: cannot open 'tests/data/jsonl/no_such_file.jsonl': No such file or directory; check the path (a relative path is relative to the current directory)

#test error: a directory
SELECT * FROM jsonl_each('tests/data/jsonl');
#error jsonl_each: 'tests/data/jsonl' is a directory; pass the path of a JSON Lines file inside it

#test error: NULL path (an unset shell parameter is NULL)
SELECT * FROM jsonl_each(NULL);
#error jsonl_each: the path is NULL; pass a file name, e.g. jsonl_each('data.jsonl') (in the sqlite3 shell: .parameter set :path 'data.jsonl')

#test error: no path argument
SELECT * FROM jsonl_each;
#error jsonl_each: missing the path argument; call it as jsonl_each('data.jsonl')

#test error: too many arguments
SELECT * FROM jsonl_each('a.jsonl', 'b.jsonl');
#error too many arguments on jsonl_each() - max 1

#test error: it is eponymous only; CREATE VIRTUAL TABLE is refused
CREATE VIRTUAL TABLE j USING jsonl_each;
#error no such module: jsonl_each

#setup
CREATE VIEW lines AS SELECT line, value FROM jsonl_each('tests/data/jsonl/good.jsonl');
CREATE TABLE log(line INTEGER);
CREATE TABLE t(x);
CREATE TRIGGER t_reads_file AFTER INSERT ON t BEGIN
  INSERT INTO log SELECT line FROM jsonl_each('tests/data/jsonl/good.jsonl');
END;

#test error: the view (created fine above) cannot be queried (SQLITE_DIRECTONLY)
SELECT * FROM lines;
#error unsafe use of virtual table "jsonl_each"

#test error: the trigger (created fine above) cannot run (SQLITE_DIRECTONLY)
INSERT INTO t VALUES (1);
#error unsafe use of virtual table "jsonl_each"

#test the failed trigger left nothing behind
SELECT (SELECT count(*) FROM log), (SELECT count(*) FROM t);
#expect
0|0

#test the same query typed directly (not from the schema) works
INSERT INTO log SELECT line FROM jsonl_each('tests/data/jsonl/good.jsonl');
SELECT count(*) FROM log;
#expect
5

#test error: a path through a regular file (another open failure)
SELECT * FROM jsonl_each('tests/data/jsonl/good.jsonl/x.jsonl');
#error jsonl_each: cannot open 'tests/data/jsonl/good.jsonl/x.jsonl': Not a directory; check the path

#test error: a read failure names the file and line (Linux: /proc/self/mem fails with EIO at offset 0)
SELECT * FROM jsonl_each('/proc/self/mem');
#error jsonl_each: /proc/self/mem line 1: read error: Input/output error

-- cJSON accepts a few things that JSON (RFC 8259) and SQLite's json
-- functions reject; jsonl_each rejects them too, so that every value it
-- returns works with json_extract and friends.

#test strict JSON numbers pass, and SQLite agrees the value is JSON
SELECT json_valid(value), json_extract(value, '$.m'), json_extract(value, '$.k[3]')
FROM jsonl_each('tests/data/jsonl/numbers.jsonl');
#expect
1|1500.0|0.001

#test error: a number with a leading zero (cJSON would accept 007)
SELECT * FROM jsonl_each('tests/data/jsonl/bad_number.jsonl');
#error jsonl_each: tests/data/jsonl/bad_number.jsonl line 2: malformed JSON at column 7 near '007}': a malformed number (JSON numbers look like -12, 0.5 or 1e-3: no leading +, no leading zeros, digits on both sides of the point)

#test error: a control character between values
SELECT * FROM jsonl_each('tests/data/jsonl/ctrl_between.jsonl');
#error jsonl_each: tests/data/jsonl/ctrl_between.jsonl line 2: malformed JSON at column 4 near '? 2]': a control character between values (only spaces, tabs and CR may separate them)

#test error: a raw tab inside a string
SELECT * FROM jsonl_each('tests/data/jsonl/ctrl_in_string.jsonl');
#error jsonl_each: tests/data/jsonl/ctrl_in_string.jsonl line 2: malformed JSON at column 11 near '?here"}': a raw control character inside a string (write it as an escape such as \t or \u0001)

#test error: a byte-order mark on a later line
SELECT * FROM jsonl_each('tests/data/jsonl/bom_line2.jsonl');
#error jsonl_each: tests/data/jsonl/bom_line2.jsonl line 2: byte-order mark at column 1; only the first line of a file may start with one (remove it)
