-- faults_stop.sql — calls stopped by a progress handler in the middle of
-- their long phases (greedy facility location, dedup, cossim scoring,
-- contrast, the report's statistics) fail with SQLite's interrupt error and
-- free everything (make sanitize runs this file under LeakSanitizer).
-- tests/faults/interrupts.py measures how soon each phase returns.
#setup
CREATE TABLE pool(id INTEGER, category TEXT, behavior TEXT, embedding BLOB);
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 12000)
INSERT INTO pool SELECT i, 'c' || (i % 2), CASE WHEN i % 3 = 0 THEN 'T3' ELSE 'T1' END,
  safety_embed('ex ' || i || ' w' || (i % 97) || ' v' || (i % 13), 128) FROM c;
CREATE TABLE ref(category TEXT, embedding BLOB);
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 3000)
INSERT INTO ref SELECT 'r' || i, safety_embed('ref ' || i || ' w' || (i % 89), 128) FROM c;

#stop-after 150

#test fl-b stopped in its greedy selection
SELECT count(*) FROM safety_sample('fl-b', 50, '{"pool": "pool"}');
#error safety_sample: interrupted while selecting

#test pss-b stopped in dedup
SELECT count(*) FROM safety_sample('pss-b', 7000, '{"pool": "pool", "dedup": 0.99999}');
#error safety_sample: interrupted while selecting

#test cossim-b stopped while scoring against 3,000 reference categories
SELECT count(*) FROM safety_sample('cossim-b', 100, '{"pool": "pool", "reference": "ref", "dedup": 0.9999}');
#error safety_sample: interrupted while selecting

#test contrast stopped while choosing its rows
SELECT count(*) FROM safety_sample('sss-b', 4000, '{"pool": "pool", "contrast": 0.5}');
#error safety_sample: interrupted while choosing the contrast rows

#test safety_report stopped in its statistics
SELECT safety_report('pss-b', 3000, '{"pool": "pool"}');
#error safety_report: interrupted while computing the report's statistics

#stop-after 0

#test without the handler the same connection works again
SELECT count(*) FROM safety_sample('pss-b', 5, '{"pool": "pool"}');
#expect
5
