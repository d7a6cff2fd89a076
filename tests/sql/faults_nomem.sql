-- faults_nomem.sql — out of memory in safety_report: the message says
-- what ran out (the code is SQLITE_NOMEM: tests/faults/codes.py checks it;
-- Python drops the message of a NOMEM, so it is checked here).
#file

#setup
CREATE TABLE bigm(id INTEGER, category TEXT, behavior TEXT, embedding BLOB);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)
INSERT INTO bigm SELECT i, 'c' || (i % 3), 'T1', CAST(x'0000803F' || zeroblob(4 * 4095) AS BLOB) FROM n;
PRAGMA hard_heap_limit = 8000000;

#test safety_report out of memory names the embeddings, as safety_sample does
SELECT safety_report('pss', 10, '{"pool": "bigm"}');
#error safety_report: out of memory keeping the embeddings of the eligible examples (

#test and says how to get by
SELECT safety_report('pss-b', 10, '{"pool": "bigm"}');
#error pss-b keeps one float32 copy of them: raise the memory SQLite may use

#setup
PRAGMA hard_heap_limit = 0;
