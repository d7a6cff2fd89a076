-- memory_limit.sql — a pool too large for the memory SQLite may use fails
-- with a clear error (not a crash, not a bare "out of memory"), leaves the
-- database file unchanged, and a small pool still works under the limit.
#file

#setup
CREATE TABLE big(id INTEGER, category TEXT, behavior TEXT, embedding BLOB);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)
INSERT INTO big SELECT i, 'c' || (i % 3), 'T1', CAST(x'0000803F' || zeroblob(4 * 4095) AS BLOB) FROM n;
CREATE VIEW small AS SELECT * FROM big WHERE id <= 20;
PRAGMA hard_heap_limit = 8000000;

#test pss on 16 MB of embeddings under an 8 MB heap limit says what to do
SELECT count(*) FROM safety_sample('pss', 10, '{"pool": "big"}');
#error safety_sample: out of memory keeping the embeddings of the eligible examples (

#test the message names the method and the ways out
SELECT count(*) FROM safety_sample('pss-b', 10, '{"pool": "big"}');
#error pss-b keeps one float32 copy of them: raise the memory SQLite may use (PRAGMA hard_heap_limit, soft_heap_limit), narrow the pool with options.behavior or options.categories, or use cossim or sss, which do not keep them

#test sss reads no embeddings and works under the same limit
SELECT count(*) FROM safety_sample('sss', 10, '{"pool": "big"}');
#expect
10

#test a small pool works under the limit (the arena starts small)
SELECT count(*) FROM safety_sample('pss', 5, '{"pool": "small"}');
#expect
5

#setup
PRAGMA hard_heap_limit = 0;
