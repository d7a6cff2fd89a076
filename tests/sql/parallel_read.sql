-- parallel_read.sql — the pool read over several connections (ext/pool_parallel.c)
-- on a database file, run by sqltest (and under make sanitize with leak
-- detection, so that every path of the helpers frees what it holds): the
-- same rows as the one-connection read of the same file in WAL mode, an
-- error from a row late in the read, a stop in the middle of the read and
-- the call after it.  tests/faults/parallel.py checks many more pool shapes
-- and which read ran.  tests/run.sh sets SAFETY_SAMPLE_READERS=2, without
-- which a 2-core machine reads on one connection.
#file
#setup
CREATE TABLE pool(id INTEGER, category TEXT, behavior TEXT, embedding BLOB);
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 9000)
INSERT INTO pool SELECT i, 'c' || (i % 7), 'T' || (1 + (i * 3) % 4),
  safety_embed('ex ' || i || ' w' || (i % 29) || ' v' || (i % 5), 48) FROM c;
INSERT INTO pool SELECT id, 'c' || ((id + 3) % 7), behavior, embedding FROM pool WHERE id % 6 = 0;
CREATE TABLE ref(category TEXT, embedding BLOB);
WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i < 6)
INSERT INTO ref SELECT 'c' || i, safety_embed('ex w' || i || ' v' || (i % 5), 48) FROM c;
CREATE TABLE task(x);
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 10000) INSERT INTO task SELECT i FROM c;
-- A view read in id order, with slow work per row and no function call (a
-- view that calls one is read on one connection): a search through 12,000
-- rows that finds none.
CREATE TABLE keyed(id INTEGER PRIMARY KEY, category TEXT, behavior TEXT, embedding BLOB);
INSERT INTO keyed SELECT * FROM pool WHERE rowid <= 9000;
CREATE TABLE slow_work(k INTEGER PRIMARY KEY, v TEXT);
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 12000) INSERT INTO slow_work SELECT i, 'w' FROM c;
CREATE VIEW slow_pool AS SELECT * FROM keyed
  WHERE NOT EXISTS (SELECT 1 FROM slow_work AS w WHERE w.k > id % 7 AND w.v = 'never');
PRAGMA journal_mode = WAL;
CREATE TABLE want AS
  SELECT 'pss-b' AS m, group_concat(id || ':' || rank || ':' || round(score, 9), ',') AS picks
    FROM safety_sample('pss-b', 0.05, '{"pool": "pool", "task": "task"}')
  UNION ALL SELECT 'cossim', group_concat(id || ':' || rank, ',')
    FROM safety_sample('cossim', 0.05, '{"pool": "pool", "reference": "ref", "task": "task", "dedup": 0.999}')
  UNION ALL SELECT 'sss-b contrast', group_concat(id || ':' || stage, ',')
    FROM safety_sample('sss-b', 0.05, '{"pool": "pool", "task": "task", "contrast": 0.3}');
PRAGMA journal_mode = DELETE;
CREATE VIEW parallel_reads AS SELECT CAST(substr(d, instr(d, 'sets it); ') + 10) AS INTEGER) AS n
  FROM (SELECT safety_debug() AS d);
CREATE TABLE reads_before AS SELECT n FROM parallel_reads;

#test the parallel read gives the one-connection read's rows (pss-b, cossim with dedup, contrast)
SELECT (SELECT picks FROM want WHERE m = 'pss-b') = (SELECT group_concat(id || ':' || rank || ':' || round(score, 9), ',')
          FROM safety_sample('pss-b', 0.05, '{"pool": "pool", "task": "task"}')),
       (SELECT picks FROM want WHERE m = 'cossim') = (SELECT group_concat(id || ':' || rank, ',')
          FROM safety_sample('cossim', 0.05, '{"pool": "pool", "reference": "ref", "task": "task", "dedup": 0.999}')),
       (SELECT picks FROM want WHERE m = 'sss-b contrast') = (SELECT group_concat(id || ':' || stage, ',')
          FROM safety_sample('sss-b', 0.05, '{"pool": "pool", "task": "task", "contrast": 0.3}'));
#true

#test those calls read the pool in parallel (four reads: contrast reads it twice)
SELECT n - (SELECT n FROM reads_before) FROM parallel_reads;
#expect
4

#setup
CREATE TABLE bad AS SELECT * FROM pool;
UPDATE bad SET embedding = x'0000803f' WHERE rowid = 8800;

#test an error from a row late in the parallel read
SELECT count(*) FROM safety_sample('pss-b', 10, '{"pool": "bad", "task": "task"}');
#error safety_sample: pool example 8800 has a 1-dimensional embedding but others have 48

#setup
DELETE FROM reads_before;
INSERT INTO reads_before SELECT n FROM parallel_reads;

#stop-after 150

#test a stop in the middle of the parallel read
SELECT count(*) FROM safety_sample('pss-b', 10, '{"pool": "slow_pool", "task": "task"}');
#error safety_sample: reading the pool relation "slow_pool" failed: interrupted

#stop-after 0

#test that read was parallel
SELECT n - (SELECT n FROM reads_before) FROM parallel_reads;
#expect
1

#test the call after the stop
SELECT count(*) FROM safety_sample('pss-b', 10, '{"pool": "pool", "task": "task"}');
#expect
10
