-- pipeline.sql — safety_sample on pools that span many batches of the pool
-- reader's row worker (ext/core/row_worker.c): at dimension 128 a batch holds
-- 256 KiB / (128 * 4) = 512 rows, so the 6,616 rows of big are 13
-- batches, more than the ring of 8.  For pss and cossim every row is
-- eligible and makes one job, so job = row number r (0-based) and batch =
-- r / 512.
--
-- Checked: errors are reported for the FIRST bad row in row order, whether
-- the earlier bad row is found by the worker (NaN, infinite, zero,
-- two different embeddings) or by the reader (two behaviours, a bad label,
-- a text id, a NULL or short embedding, a failing row), and whether the
-- two rows are batches apart, in one batch (the batch not yet handed
-- over when the reader stops) or on either side of a batch boundary;
-- pss gives the same rows, bit for bit, when the ids arrive ascending
-- (prototype sums added on arrival) and shuffled (sums afterwards, in id
-- order), with options.categories and with a category listed twice for an
-- example; cossim-b is the same with and without a categories option that
-- lists every category (the pool's category column read, or skipped), and
-- a pool without the category column is still an error.  Then a pool of
-- 40,000 examples (79 batches) large enough that select.c scores pss on
-- two threads.  Last, the internal aggregate through which the pool is read
-- cannot be called from SQL.  The worker itself is unit-tested in
-- tests/c/test_row_batch.c and tests/c/test_row_pipeline.c.

-- e: element numbers; vecs: one dense 128-d embedding per id (ids 1..5000
-- for the pool, 5001..5070 for the reference set).
CREATE TABLE e(j INTEGER PRIMARY KEY);
WITH RECURSIVE n(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM n WHERE j < 127)
INSERT INTO e SELECT j FROM n;
CREATE TABLE vecs(id INTEGER PRIMARY KEY, v BLOB);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5070)
INSERT INTO vecs SELECT i, vec_f32('[' || (SELECT group_concat(((i * 7919 + j * 104729 + i * j * 31) % 2003 - 1001) * (1 + (i + j) % 5) / 997.0, ',') FROM e) || ']') FROM n;
-- big: the pool, rows in id order (r = row number, k = row of the example).
-- Every example has a row in category c(id*id mod 7) (none when id % 13 =
-- 0: one NULL-category row); id % 4 = 0 adds a second category; id % 10 =
-- 0 lists its first category again (right after it, or after the second
-- category when id % 20 = 0).  Behaviours: T2, T3, NULL and mostly T1.
CREATE TABLE big(r INTEGER PRIMARY KEY, id INTEGER, k INTEGER, category TEXT, behavior TEXT, embedding BLOB);
INSERT INTO big(id, k, category, behavior, embedding)
SELECT id, k, cat, CASE WHEN id % 3 = 0 THEN 'T2' WHEN id % 7 = 0 THEN 'T3' WHEN id % 11 = 0 THEN NULL ELSE 'T1' END, v
FROM (
  SELECT id, 0 AS k, CASE WHEN id % 13 = 0 THEN NULL ELSE 'c' || (id * id % 7) END AS cat FROM vecs WHERE id <= 5000
  UNION ALL SELECT id, 1, 'c' || ((id * id + 3) % 7) FROM vecs WHERE id <= 5000 AND id % 4 = 0 AND id % 13 <> 0
  UNION ALL SELECT id, 2, 'c' || (id * id % 7) FROM vecs WHERE id <= 5000 AND id % 10 = 0 AND id % 13 <> 0
) JOIN vecs USING (id) ORDER BY id, k;
UPDATE big SET r = r - 1;
-- The reference set of cossim: 70 rows over the pool's categories c0..c5.
CREATE TABLE ref(category TEXT, embedding BLOB);
INSERT INTO ref SELECT 'c' || (id % 6), v FROM vecs WHERE id > 5000;
-- The same pool in a shuffled row order (a bijective hash of r), so that
-- ids arrive out of order and an example's rows lie far apart.
CREATE VIEW big_shuf AS SELECT id, category, behavior, embedding FROM big ORDER BY (r * 2654435761) % 4294967296;
-- Without the repeated category rows, and without NULL categories.
CREATE VIEW big_nodup AS SELECT id, category, behavior, embedding FROM big WHERE k < 2;
CREATE VIEW big_cat AS SELECT id, category, behavior, embedding FROM big WHERE category IS NOT NULL;

-- pm: big with the rows listed in mods changed (in big's row order), and
-- the rows of extra appended after them.
CREATE TABLE mods(r INTEGER PRIMARY KEY, what TEXT);
CREATE TABLE extra(id, category, behavior, embedding);
CREATE VIEW pm AS
SELECT CASE m.what WHEN 'textid' THEN 'x' || b.id ELSE b.id END AS id,
       b.category,
       CASE WHEN m.what GLOB 'T[0-9]' THEN m.what ELSE b.behavior END AS behavior,
       CASE m.what
         WHEN 'nan5' THEN CAST(substr(b.embedding, 1, 20) || x'0000C07F' || substr(b.embedding, 25) AS BLOB)
         WHEN 'nan0' THEN CAST(x'0000C07F' || substr(b.embedding, 5) AS BLOB)
         WHEN 'ninf127' THEN CAST(substr(b.embedding, 1, 508) || x'000080FF' AS BLOB)
         WHEN 'zero' THEN zeroblob(512)
         WHEN 'null' THEN NULL
         WHEN 'short' THEN substr(b.embedding, 1, 508)
         WHEN 'fail' THEN json_extract('not json', '$')
         WHEN 'lastbit' THEN CAST(substr(b.embedding, 1, 508) || x'01000000' AS BLOB)
         ELSE b.embedding END AS embedding
FROM big AS b LEFT JOIN mods AS m ON m.r = b.r
UNION ALL SELECT id, category, behavior, embedding FROM extra;

-- same_rows: for each pair, safety_sample(meth, n, a) and (meth, n, b):
-- a's row count, how many of them a category quota chose, and whether the
-- two are the same rows in the same order, every column (scores to 17
-- significant digits: bit for bit).
CREATE TABLE pairs(name TEXT, meth TEXT, n INTEGER, a TEXT, b TEXT);
CREATE VIEW same_rows AS
SELECT name,
  (SELECT count(*) FROM safety_sample(meth, n, a)) AS n_rows,
  (SELECT count(*) FROM safety_sample(meth, n, a) WHERE stage = 'category') AS n_category,
  (SELECT group_concat(rank || ':' || id || ':' || ifnull(category, '') || ':' || ifnull(behavior, '') || ':' || ifnull(printf('%!.17g', score), '') || ':' || stage, ' ') FROM safety_sample(meth, n, a))
  IS (SELECT group_concat(rank || ':' || id || ':' || ifnull(category, '') || ':' || ifnull(behavior, '') || ':' || ifnull(printf('%!.17g', score), '') || ':' || stage, ' ') FROM safety_sample(meth, n, b)) AS same
FROM pairs;

#test the layout the row numbers below rely on
SELECT count(*), count(DISTINCT id), max(r), vec_dim(embedding),
       (SELECT group_concat(r || ':' || id || ':' || k || ':' || ifnull(behavior, 'NULL'), ' ') FROM big WHERE r IN (4, 5, 511, 512, 513, 3000, 4990, 5000, 6500, 6600, 6610, 6612, 6615))
FROM big;
#expect
6616|5000|6615|128|4:4:1:T1 5:5:0:T1 511:387:0:T2 512:388:0:T1 513:388:1:T1 3000:2268:1:T2 4990:3772:1:T1 5000:3780:1:T2 6500:4913:0:T1 6600:4989:0:T2 6610:4997:0:T1 6612:4999:0:T1 6615:5000:2:T1

#test pm reads big's rows in big's order (unchanged when mods is empty)
SELECT count(*), sum(p.id = b.id AND p.category IS b.category AND p.behavior IS b.behavior AND p.embedding = b.embedding)
FROM (SELECT row_number() OVER () - 1 AS r, * FROM pm) AS p JOIN big AS b USING (r);
#expect
6616|6616

#test pss reads the unchanged pool
SELECT count(*) FROM safety_sample('pss', 10, '{"pool": "pm"}');
#expect
10

-- ---- the first bad row is reported --------------------------------------

#test pss: a NaN in batch 0 beats two behaviours in batch 9
DELETE FROM mods; INSERT INTO mods VALUES (5, 'nan5'), (5000, 'T1');
SELECT * FROM safety_sample('pss', 10, '{"pool": "pm"}');
#error ^safety_sample: pool example 5 has an embedding whose element 5 is NaN; embeddings must be finite

#test cossim: a NaN in batch 0 beats two behaviours in batch 9
SELECT * FROM safety_sample('cossim', 10, '{"pool": "pm", "reference": "ref"}');
#error ^safety_sample: pool example 5 has an embedding whose element 5 is NaN; embeddings must be finite

#test pss: two behaviours in batch 0 beat a NaN in batch 9
DELETE FROM mods; INSERT INTO mods VALUES (4, 'T3'), (5000, 'nan5');
SELECT * FROM safety_sample('pss', 10, '{"pool": "pm"}');
#error ^safety_sample: pool example 4 has two behaviours (T1 and T3); an example must have exactly one

#test cossim: two behaviours in batch 0 beat a NaN in batch 9
SELECT * FROM safety_sample('cossim', 10, '{"pool": "pm", "reference": "ref"}');
#error ^safety_sample: pool example 4 has two behaviours (T1 and T3)

#test pss: a NaN ten rows before two behaviours in the same batch (not yet handed over)
DELETE FROM mods; INSERT INTO mods VALUES (4990, 'nan5'), (5000, 'T1');
SELECT * FROM safety_sample('pss', 10, '{"pool": "pm"}');
#error ^safety_sample: pool example 3772 has an embedding whose element 5 is NaN

#test cossim: a NaN ten rows before two behaviours in the same batch
SELECT * FROM safety_sample('cossim', 10, '{"pool": "pm", "reference": "ref"}');
#error ^safety_sample: pool example 3772 has an embedding whose element 5 is NaN

#test two behaviours ten rows before a NaN in the same batch
DELETE FROM mods; INSERT INTO mods VALUES (4990, 'T4'), (5000, 'nan5');
SELECT * FROM safety_sample('pss', 10, '{"pool": "pm"}');
#error ^safety_sample: pool example 3772 has two behaviours (T1 and T4)

#test a NaN in the last row of batch 0 beats a bad label in the first row of batch 1
DELETE FROM mods; INSERT INTO mods VALUES (511, 'nan0'), (512, 'T9');
SELECT * FROM safety_sample('pss', 10, '{"pool": "pm"}');
#error ^safety_sample: pool example 387 has an embedding whose element 0 is NaN

#test the same with cossim
SELECT * FROM safety_sample('cossim', 10, '{"pool": "pm", "reference": "ref"}');
#error ^safety_sample: pool example 387 has an embedding whose element 0 is NaN

#test a bad label in the last row of batch 0 beats a NaN in the first row of batch 1
DELETE FROM mods; INSERT INTO mods VALUES (511, 'T9'), (512, 'nan0');
SELECT * FROM safety_sample('pss', 10, '{"pool": "pm"}');
#error ^safety_sample: pool example 387 has behavior 'T9'; expected 'T1', 'T2', 'T3', 'T4' or NULL

#test a NaN in the first row of batch 1 beats two behaviours in its second row
DELETE FROM mods; INSERT INTO mods VALUES (512, 'nan5'), (513, 'T2');
SELECT * FROM safety_sample('pss', 10, '{"pool": "pm"}');
#error ^safety_sample: pool example 388 has an embedding whose element 5 is NaN

#test a NaN in the last row of batch 0 beats a text id in the first row of batch 1
DELETE FROM mods; INSERT INTO mods VALUES (511, 'nan5'), (512, 'textid');
SELECT * FROM safety_sample('cossim', 10, '{"pool": "pm", "reference": "ref"}');
#error ^safety_sample: pool example 387 has an embedding whose element 5 is NaN

#test a text id alone is reported (the row above is really bad)
DELETE FROM mods WHERE r = 511;
SELECT * FROM safety_sample('cossim', 10, '{"pool": "pm", "reference": "ref"}');
#error ^safety_sample: the pool relation "pm" has an id that is not an INTEGER (x388)

#test -inf in batch 5 beats a NaN in batch 11
DELETE FROM mods; INSERT INTO mods VALUES (3000, 'ninf127'), (6000, 'nan5');
SELECT * FROM safety_sample('pss', 10, '{"pool": "pm"}');
#error ^safety_sample: pool example 2268 has an embedding whose element 127 is infinite; embeddings must be finite

#test a NaN in batch 5 beats -inf in batch 11
DELETE FROM mods; INSERT INTO mods VALUES (3000, 'nan5'), (6000, 'ninf127');
SELECT * FROM safety_sample('cossim', 10, '{"pool": "pm", "reference": "ref"}');
#error ^safety_sample: pool example 2268 has an embedding whose element 5 is NaN

#test pss: a zero embedding in the last row (last batch, a repeat row of example 5000)
DELETE FROM mods; INSERT INTO mods VALUES (6615, 'zero');
SELECT * FROM safety_sample('pss', 10, '{"pool": "pm"}');
#error ^safety_sample: pool example 5000 has a zero embedding, which has no direction for cosine; re-embed it or leave the row out

#test cossim: a zero embedding in the last row
SELECT * FROM safety_sample('cossim', 10, '{"pool": "pm", "reference": "ref"}');
#error ^safety_sample: pool example 5000 has a zero embedding

#test a zero embedding two rows before a NaN in the last batch
DELETE FROM mods; INSERT INTO mods VALUES (6610, 'zero'), (6612, 'nan5');
SELECT * FROM safety_sample('pss', 10, '{"pool": "pm"}');
#error ^safety_sample: pool example 4997 has a zero embedding

#test a NaN two rows before a zero embedding in the last batch
DELETE FROM mods; INSERT INTO mods VALUES (6610, 'nan5'), (6612, 'zero');
SELECT * FROM safety_sample('cossim', 10, '{"pool": "pm", "reference": "ref"}');
#error ^safety_sample: pool example 4997 has an embedding whose element 5 is NaN

#test a NaN beats a later NULL embedding (same batch)
DELETE FROM mods; INSERT INTO mods VALUES (6500, 'nan5'), (6600, 'null');
SELECT * FROM safety_sample('pss', 10, '{"pool": "pm"}');
#error ^safety_sample: pool example 4913 has an embedding whose element 5 is NaN

#test a NULL embedding alone is reported
DELETE FROM mods WHERE r = 6500;
SELECT * FROM safety_sample('pss', 10, '{"pool": "pm"}');
#error ^safety_sample: pool example 4989 has no embedding

#test a NaN beats a later short embedding (same batch)
DELETE FROM mods; INSERT INTO mods VALUES (6500, 'nan5'), (6600, 'short');
SELECT * FROM safety_sample('cossim', 10, '{"pool": "pm", "reference": "ref"}');
#error ^safety_sample: pool example 4913 has an embedding whose element 5 is NaN

#test a short embedding alone is reported
DELETE FROM mods WHERE r = 6500;
SELECT * FROM safety_sample('cossim', 10, '{"pool": "pm", "reference": "ref"}');
#error ^safety_sample: pool example 4989 has a 127-dimensional embedding but the reference set's have 128

#test a NaN beats a later row whose reading fails
DELETE FROM mods; INSERT INTO mods VALUES (6500, 'nan5'), (6600, 'fail');
SELECT * FROM safety_sample('pss', 10, '{"pool": "pm"}');
#error ^safety_sample: pool example 4913 has an embedding whose element 5 is NaN

#test a failing row alone is reported
DELETE FROM mods WHERE r = 6500;
SELECT * FROM safety_sample('pss', 10, '{"pool": "pm"}');
#error ^safety_sample: reading the pool relation "pm" failed: malformed JSON

-- ---- two different embeddings for one example ---------------------------

#test pss: adjacent rows of one example differ in one bit
DELETE FROM mods; INSERT INTO mods VALUES (513, 'lastbit');
SELECT * FROM safety_sample('pss', 10, '{"pool": "pm"}');
#error ^safety_sample: pool example 388 has two different embeddings in its rows; one example must have one embedding

#test cossim: adjacent rows of one example differ in one bit
SELECT * FROM safety_sample('cossim', 10, '{"pool": "pm", "reference": "ref"}');
#error ^safety_sample: pool example 388 has two different embeddings in its rows

#test pss: a row 6,611 rows after its example's first row, another embedding
DELETE FROM mods; INSERT INTO extra SELECT id, 'c3', behavior, (SELECT v FROM vecs WHERE id = 7) FROM big WHERE r = 5;
SELECT * FROM safety_sample('pss', 10, '{"pool": "pm"}');
#error ^safety_sample: pool example 5 has two different embeddings in its rows

#test cossim: a row 6,611 rows after its example's first row, another embedding
SELECT * FROM safety_sample('cossim', 10, '{"pool": "pm", "reference": "ref"}');
#error ^safety_sample: pool example 5 has two different embeddings in its rows

#test a NaN in the last batch beats the different row after it
INSERT INTO mods VALUES (6610, 'nan5');
SELECT * FROM safety_sample('pss', 10, '{"pool": "pm"}');
#error ^safety_sample: pool example 4997 has an embedding whose element 5 is NaN

#test the far row with the same embedding is accepted: same rows as when it is read in id order
DELETE FROM mods; DELETE FROM extra; INSERT INTO extra SELECT id, 'c3', behavior, embedding FROM big WHERE r = 5;
CREATE VIEW pm_sorted AS SELECT * FROM pm ORDER BY id, category;
DELETE FROM pairs; INSERT INTO pairs VALUES
  ('far row = rows in id order', 'pss', 400, '{"pool": "pm"}', '{"pool": "pm_sorted"}'),
  ('the far row counts (c3 moved)', 'pss', 400, '{"pool": "pm"}', '{"pool": "big"}');
SELECT * FROM same_rows;
#expect
far row = rows in id order|400|396|1
the far row counts (c3 moved)|400|396|0

-- ---- pss: sums on arrival (ids ascending) = sums afterwards (shuffled) ----

#test pss: ids ascending (sums on arrival) = shuffled (sums afterwards); a category listed twice counts once
DELETE FROM pairs; INSERT INTO pairs VALUES
  ('pss', 'pss', 400, '{"pool": "big"}', '{"pool": "big_shuf"}'),
  ('pss-b', 'pss-b', 300, '{"pool": "big"}', '{"pool": "big_shuf"}'),
  ('pss categories', 'pss', 240, '{"pool": "big", "categories": ["c5", "c1", "c3"]}', '{"pool": "big_shuf", "categories": ["c5", "c1", "c3"]}'),
  ('pss-b categories', 'pss-b', 101, '{"pool": "big", "categories": ["c0", "c4"], "seed": 9}', '{"pool": "big_shuf", "categories": ["c0", "c4"], "seed": 9}'),
  ('pss repeated category rows', 'pss', 400, '{"pool": "big"}', '{"pool": "big_nodup"}'),
  ('pss shuffled repeated rows', 'pss', 240, '{"pool": "big_shuf", "categories": ["c5", "c1", "c3"]}', '{"pool": "big_nodup", "categories": ["c5", "c1", "c3"]}');
SELECT * FROM same_rows;
#expect
pss|400|396|1
pss-b|300|300|1
pss categories|240|240|1
pss-b categories|101|100|1
pss repeated category rows|400|396|1
pss shuffled repeated rows|240|240|1

#test pss scores are exactly cosine() to prototype() of each category's members, in id order, each once
WITH s AS MATERIALIZED (SELECT id, category, score FROM safety_sample('pss', 400, '{"pool": "big"}') WHERE stage = 'category'),
     p AS MATERIALIZED (SELECT c.category, (SELECT prototype(embedding) FROM big WHERE big.category = c.category AND k < 2) AS proto FROM (SELECT DISTINCT category FROM s) AS c)
SELECT count(*), count(DISTINCT s.category), sum(s.score = cosine(v.v, p.proto)) FROM s JOIN p USING (category) JOIN vecs AS v USING (id);
#expect
396|6|396

#test pss-b scores are exactly cosine() to prototype() of the T1 members (c3 has none)
WITH s AS MATERIALIZED (SELECT id, category, score FROM safety_sample('pss-b', 300, '{"pool": "big_shuf"}') WHERE stage = 'category'),
     p AS MATERIALIZED (SELECT c.category, (SELECT prototype(embedding) FROM big WHERE big.category = c.category AND k < 2 AND behavior = 'T1') AS proto FROM (SELECT DISTINCT category FROM s) AS c)
SELECT count(*), count(DISTINCT s.category), sum(s.score = cosine(v.v, p.proto)) FROM s JOIN p USING (category) JOIN vecs AS v USING (id);
#expect
300|5|300

-- ---- cossim: the pool's category column skipped or read ------------------

#test cossim-b: without categories (column skipped) = every category listed (column read); on arrival = vectors kept; shuffled
DELETE FROM pairs; INSERT INTO pairs VALUES
  ('categories', 'cossim-b', 300, '{"pool": "big_cat", "reference": "ref"}', '{"pool": "big_cat", "reference": "ref", "categories": ["c0", "c1", "c2", "c3", "c4", "c5"]}'),
  ('dedup 1', 'cossim-b', 300, '{"pool": "big", "reference": "ref"}', '{"pool": "big", "reference": "ref", "dedup": 1}'),
  ('shuffled', 'cossim-b', 300, '{"pool": "big", "reference": "ref"}', '{"pool": "big_shuf", "reference": "ref"}'),
  ('cossim shuffled', 'cossim', 300, '{"pool": "big", "reference": "ref", "fill": "random"}', '{"pool": "big_shuf", "reference": "ref", "fill": "random"}');
SELECT * FROM same_rows;
#expect
categories|300|300|1
dedup 1|300|300|1
shuffled|300|300|1
cossim shuffled|300|300|1

#test cossim scores are the mean cosine to the category's reference rows
-- (to 1e-7: the mean of the unit reference vectors is kept in float32)
WITH s AS MATERIALIZED (SELECT id, category, score FROM safety_sample('cossim', 200, '{"pool": "big_shuf", "reference": "ref"}'))
SELECT count(*), sum(abs(s.score - (SELECT avg(cosine(v.v, r.embedding)) FROM ref AS r WHERE r.category = s.category)) < 1e-7)
FROM s JOIN vecs AS v USING (id);
#expect
200|200

#test cossim: a pool without the category column is still an error
CREATE VIEW nocat AS SELECT id, behavior, embedding FROM big;
SELECT * FROM safety_sample('cossim', 10, '{"pool": "nocat", "reference": "ref"}');
#error ^safety_sample: the pool relation "nocat" has no column category; it needs the columns id, category, behavior, embedding

#test cossim-b: the same with a categories option
SELECT * FROM safety_sample('cossim-b', 10, '{"pool": "nocat", "reference": "ref", "categories": ["c1"]}');
#error ^safety_sample: the pool relation "nocat" has no column category; it needs the columns id, category, behavior, embedding

-- ---- 40,000 examples: 79 batches, and enough memberships x dimensions
-- (over 2^22) that select.c scores pss on two threads ----------------------

#setup
CREATE TABLE huge(id INTEGER PRIMARY KEY, category TEXT, behavior TEXT, embedding BLOB);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 40000)
INSERT INTO huge SELECT i, 'c' || (i * i % 11), CASE WHEN i % 9 = 0 THEN 'T2' ELSE 'T1' END,
  (SELECT v FROM vecs WHERE vecs.id = 1 + i * 7 % 5000) FROM n;
CREATE VIEW huge_shuf AS SELECT * FROM huge ORDER BY (id * 2654435761) % 4294967296;

#test pss on 40,000 examples: ascending = shuffled, bit for bit
DELETE FROM pairs; INSERT INTO pairs VALUES
  ('pss', 'pss', 500, '{"pool": "huge"}', '{"pool": "huge_shuf"}'),
  ('pss-b', 'pss-b', 500, '{"pool": "huge"}', '{"pool": "huge_shuf"}');
SELECT * FROM same_rows;
#expect
pss|500|498|1
pss-b|500|498|1

#test pss-b on 40,000 examples: scores are exactly cosine() to prototype() of the T1 members
WITH s AS MATERIALIZED (SELECT id, category, score FROM safety_sample('pss-b', 500, '{"pool": "huge_shuf"}') WHERE stage = 'category'),
     p AS MATERIALIZED (SELECT c.category, (SELECT prototype(embedding) FROM huge WHERE huge.category = c.category AND behavior = 'T1') AS proto FROM (SELECT DISTINCT category FROM s) AS c)
SELECT count(*), count(DISTINCT s.category), sum(s.score = cosine(h.embedding, p.proto)) FROM s JOIN p USING (category) JOIN huge AS h USING (id);
#expect
498|6|498

-- ---- the aggregate that reads the pool (ext/pool_read.c) -----------------
-- With embeddings, safety_sample reads the pool through an internal
-- aggregate, so that SQLite steps through every row in one sqlite3_step.
-- SQL cannot supply the reader it needs: called directly it is an error
-- that says what to use instead, and it is direct-only (not in a view).

#test the internal aggregate cannot be called from SQL
SELECT safety_sample_read_pool(1, id, category, behavior, embedding, NULL) FROM big;
#error ^safety_sample_read_pool: this function is internal to safety_sample, which reads the pool with it; select from safety_sample(...) instead

#test nor with a NULL where its reader goes
SELECT safety_sample_read_pool(NULL, 1, 'c0', 'T1', x'0000803f', NULL);
#error ^safety_sample_read_pool: this function is internal to safety_sample

#setup
CREATE VIEW uses_reader AS SELECT safety_sample_read_pool(NULL, 1, 'c0', 'T1', x'0000803f', NULL) AS x;

#test nor from a view: it is direct-only
SELECT * FROM uses_reader;
#error unsafe use of safety_sample_read_pool()

#test an empty pool through the aggregate is "no eligible examples", not a crash
CREATE TABLE IF NOT EXISTS empty_pool(id INTEGER, category TEXT, behavior TEXT, embedding BLOB);
SELECT * FROM safety_sample('pss', 3, '{"pool": "empty_pool"}');
#error ^safety_sample: only 0 eligible examples
