-- beyond.sql — beyond the paper: the dedup, quota and contrast options, the fl and
-- fl-b methods and safety_report(), on the hand-worked pool of sample.sql
-- (tests/data/sample_pool.sql, 2-D embeddings; its head comment lists the
-- examples) and on a generated pool with many near-duplicates.  The
-- expected rows are worked out by hand in the comments.
#read sql/schema.sql
#read tests/data/sample_pool.sql

-- A generated pool: 240 examples, 5 categories, behaviours T1..T4 in turn,
-- safety_embed() of texts that repeat (topic i % 13, variant i % 3), so
-- there are exact and near duplicates; and a reference set per category.
CREATE TABLE gp(id INTEGER, category TEXT, behavior TEXT, embedding BLOB);
WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 240)
INSERT INTO gp SELECT i, CASE WHEN i % 11 = 0 THEN NULL ELSE 'cat' || (i % 5) END, 'T' || (1 + i % 4),
  safety_embed('how do I ' || (i % 13) || ' the thing ' || (i % 3) || CASE WHEN i % 2 = 0 THEN ' today' ELSE '' END, 32) FROM k;
CREATE TABLE gref(category TEXT, embedding BLOB);
WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i < 9)
INSERT INTO gref SELECT 'cat' || (i % 5), safety_embed('how do I ' || i || ' the thing', 32) FROM k;

-- ---------------------------------------------------------------- dedup

-- pss, n = 6, dedup 0.99.  privacy {8}: 8.  fraud: 5 (.989461), then 3
-- (.970142) — but cosine(3, 5) = 1/sqrt(1.01) = .995 >= .99: skipped, so
-- the next best, 6 (.921635).  crime: 2 (.979333), 9 (.970753).  Fill:
-- one of the unchosen {1, 4, 7} (3 is out for good).
#test dedup: pss skips a near-duplicate and takes the next best
SELECT id, category, round(score, 6), rank, stage FROM safety_sample('pss', 6, '{"dedup": 0.99}') WHERE stage = 'category';
#expect
8|privacy|1.0|1|category
5|fraud|0.989461|2|category
6|fraud|0.921635|3|category
2|crime|0.979333|4|category
9|crime|0.970753|5|category

#test dedup: the skipped candidate is counted in the report
SELECT json_extract(safety_report('pss', 6, '{"dedup": 0.99}'), '$.dedup_skipped');
#expect
1

#test dedup 1 on a pool without exact duplicates changes nothing
SELECT (SELECT group_concat(id) FROM safety_sample('pss', 6)) = (SELECT group_concat(id) FROM safety_sample('pss', 6, '{"dedup": 1}')),
       (SELECT group_concat(id) FROM safety_sample('sss', 7, '{"seed": 3}')) = (SELECT group_concat(id) FROM safety_sample('sss', 7, '{"seed": 3, "dedup": 1}'));
#true

-- On the generated pool every method keeps every pair below 0.9 and
-- still returns n rows.
#test dedup: no method returns two rows with cosine >= 0.9
WITH calls(m, b, o) AS (VALUES ('random', 12, '{"pool": "gp", "dedup": 0.9}'), ('sss', 12, '{"pool": "gp", "dedup": 0.9, "seed": 4}'),
       ('pss-b', 10, '{"pool": "gp", "dedup": 0.9}'), ('cossim', 10, '{"pool": "gp", "reference": "gref", "dedup": 0.9}'),
       ('fl', 10, '{"pool": "gp", "dedup": 0.9}'))
SELECT group_concat(m || ' ' || (SELECT count(*) FROM safety_sample(m, b, o)) || ' ' ||
  (SELECT max(cosine(a.embedding, c.embedding)) < 0.9 FROM safety_sample(m, b, o) AS x JOIN safety_sample(m, b, o) AS y ON x.id < y.id
   JOIN gp AS a ON a.id = x.id JOIN gp AS c ON c.id = y.id), ', ')
FROM calls;
#expect
random 12 1, sss 12 1, pss-b 10 1, cossim 10 1, fl 10 1

#test without dedup the generated pool does give near-duplicates (the tests above can fail)
SELECT max(cosine(a.embedding, b.embedding)) >= 0.9 FROM safety_sample('pss-b', 10, '{"pool": "gp"}') x
JOIN safety_sample('pss-b', 10, '{"pool": "gp"}') y ON x.id < y.id
JOIN gp a ON a.id = x.id JOIN gp b ON b.id = y.id;
#true

#test dedup out of range
SELECT * FROM safety_sample('pss', 3, '{"dedup": 0}');
#error safety_sample: option dedup must be a number in (0, 1]: the cosine at or above which a candidate counts as a near-duplicate of a chosen example, such as 0.95

#test dedup above 1
SELECT * FROM safety_sample('pss', 3, '{"dedup": 1.5}');
#error safety_sample: option dedup must be a number in (0, 1]

#test dedup of the wrong type
SELECT * FROM safety_sample('pss', 3, '{"dedup": "0.9"}');
#error safety_sample: option dedup must be a number in (0, 1]

#test dedup with sss on a pool without an embedding column
CREATE TABLE noemb AS SELECT id, category, behavior FROM safety_pool;
SELECT * FROM safety_sample('sss', 3, '{"pool": "noemb", "dedup": 0.9}');
#error safety_sample: option dedup needs embeddings, but the pool relation "noemb" has no column embedding; add one (vec_f32 BLOBs) or leave out dedup

#test dedup with sss: an eligible example without an embedding is named
CREATE TABLE nullemb AS SELECT id, category, behavior, CASE WHEN id = 4 THEN NULL ELSE embedding END AS embedding FROM safety_pool;
SELECT * FROM safety_sample('random', 3, '{"pool": "nullemb", "dedup": 0.9}');
#error safety_sample: pool example 4 has no embedding

#test dedup that leaves fewer than n examples
SELECT * FROM safety_sample('sss', 6, '{"dedup": 0.9}');
#error safety_sample: option dedup 0.9 left only 5 examples for a budget of 6 (4 near-duplicates skipped); raise the threshold, lower the budget, or pass "allow_short": true

#test dedup shortfall with allow_short returns what is left
SELECT count(*) FROM safety_sample('sss', 6, '{"dedup": 0.9, "allow_short": true}');
#expect
5

-- ---------------------------------------------------------------- quota

-- proportional, pss, n = 6: privacy 1, fraud 3, crime 4 members (8).  One
-- each, then 3 shared: 3x1/8 = 0 r3, 3x3/8 = 1 r1, 3x4/8 = 1 r4; the unit
-- left goes to the largest remainder (crime): 1, 2, 3.
#test proportional quotas: one each, the rest by largest remainder
SELECT id, category, round(score, 6), stage FROM safety_sample('pss', 6, '{"quota": "proportional"}');
#expect
8|privacy|1.0|category
5|fraud|0.989461|category
3|fraud|0.970142|category
2|crime|0.979333|category
9|crime|0.970753|category
1|crime|0.904819|category

-- n = 2 < C = 3: no minimum; 2x1/8 = 0 r2, 2x3/8 = 0 r6, 2x4/8 = 1 r0:
-- the unit left goes to fraud (r6).
#test proportional quotas with n < C
SELECT id, category FROM safety_sample('pss', 2, '{"quota": "proportional"}');
#expect
5|fraud
2|crime

-- gp: pss-b, T1 = ids 4, 8, 12, ...; five categories.
#test proportional quotas sum to n, at least one per category, no fill
SELECT count(*), sum(stage = 'category'), count(DISTINCT category) FROM safety_sample('pss-b', 23, '{"pool": "gp", "quota": "proportional"}');
#expect
23|23|5

#test proportional quotas follow the category sizes (largest remainder)
WITH sizes AS (SELECT category, count(DISTINCT id) AS m FROM gp WHERE behavior = 'T1' AND category IS NOT NULL GROUP BY category),
     tot AS (SELECT sum(m) AS t FROM sizes),
     got AS (SELECT category, count(*) AS q FROM safety_sample('pss-b', 23, '{"pool": "gp", "quota": "proportional"}') GROUP BY category)
SELECT min(got.q - 1 BETWEEN (18 * sizes.m) / tot.t AND (18 * sizes.m) / tot.t + 1) FROM sizes JOIN got USING (category), tot;
#true

-- explicit: sss {"crime": 3, "privacy": 2}, n = 6.  Visited smallest
-- first: privacy has 1 member (8) and passes its shortfall of 1 to crime,
-- whose target becomes 4: all of its 4 members, in id order.  fraud is
-- not listed: nothing.  Then 1 fill.
#test explicit quotas, with a shortfall passed on
SELECT id, category, stage FROM safety_sample('sss', 6, '{"quota": {"crime": 3, "privacy": 2}}') WHERE stage = 'category';
#expect
8|privacy|category
1|crime|category
2|crime|category
6|crime|category
9|crime|category

#test explicit quotas are honoured exactly
SELECT id, category, round(score, 6) FROM safety_sample('pss', 3, '{"quota": {"fraud": 2, "crime": 1}}');
#expect
5|fraud|0.989461
3|fraud|0.970142
2|crime|0.979333

#test explicit quotas name reference categories for cossim
SELECT id, category, round(score, 6) FROM safety_sample('cossim', 2, '{"quota": {"violence": 2}, "fill": "none"}');
#expect
7|violence|0.894427
3|violence|0.0

#test explicit quotas on the generated pool: counts per category as asked
SELECT group_concat(category || ':' || c) FROM (SELECT category, count(*) AS c FROM safety_sample('fl-b', 9, '{"pool": "gp", "quota": {"cat1": 4, "cat3": 2, "cat0": 3}}') GROUP BY category ORDER BY category);
#expect
cat0:3,cat1:4,cat3:2

-- cossim, proportional, n = 5: a category's size is the number of eligible
-- examples whose best score is for it: crime {1, 2, 4, 6, 8, 9} = 6, fraud
-- {3, 5} = 2, violence {7} = 1 (9).  One each, then 2 shared: 12/9 = 1 r3,
-- 4/9 = 0 r4, 2/9 = 0 r2; the unit left goes to fraud (r4): 2, 2, 1.
#test proportional quotas for cossim weigh the categories by best score
SELECT id, category, stage FROM safety_sample('cossim', 5, '{"quota": "proportional"}');
#expect
2|crime|category
9|crime|category
3|fraud|category
5|fraud|category
7|violence|category

#test quota uniform is the default
SELECT (SELECT group_concat(id) FROM safety_sample('pss', 6)) = (SELECT group_concat(id) FROM safety_sample('pss', 6, '{"quota": "uniform"}'));
#true

#test quota unknown mode
SELECT * FROM safety_sample('pss', 3, '{"quota": "even"}');
#error safety_sample: option quota must be "uniform", "proportional" or an object of per-category counts such as {"crime": 3, "fraud": 2}

#test quota empty object
SELECT * FROM safety_sample('pss', 3, '{"quota": {}}');
#error safety_sample: option quota must be "uniform", "proportional" or an object

#test quota negative count
SELECT * FROM safety_sample('pss', 3, '{"quota": {"crime": -1}}');
#error safety_sample: option quota: the count for category "crime" must be a whole number >= 0

#test quota fractional count
SELECT * FROM safety_sample('pss', 3, '{"quota": {"crime": 1.5}}');
#error safety_sample: option quota: the count for category "crime" must be a whole number >= 0

#test quota names a category twice
SELECT * FROM safety_sample('pss', 3, '{"quota": {"crime": 1, "crime": 2}}');
#error safety_sample: option quota names category "crime" twice; give each category one count

#test quota names an unknown category
SELECT * FROM safety_sample('pss', 3, '{"quota": {"crimes": 1}}');
#error safety_sample: option quota names category 'crimes', which no eligible example has; check the name (category names are case-sensitive) and options.behavior

#test quota names a category that is not in the reference set
SELECT * FROM safety_sample('cossim', 3, '{"quota": {"privacy": 1}}');
#error safety_sample: option quota names category 'privacy', which is not a category of the reference set; check the name (category names are case-sensitive)

#test quota asks for more than n
SELECT * FROM safety_sample('pss', 3, '{"quota": {"crime": 2, "fraud": 2}}');
#error safety_sample: option quota asks for 4 examples in all but the budget gives 3; lower the counts or raise the budget

#test with allow_short the quota counts are checked against the budget, not the fewer eligible examples
-- 9 pool examples; a budget of 20 gives 20 rows for the quota: crime's 15
-- take its 4 members, then the fill the rest, all 9 in all.
SELECT count(*), count(DISTINCT id), sum(category = 'crime' AND stage = 'category')
FROM safety_sample('pss', 20, '{"allow_short": true, "quota": {"crime": 15}}');
#expect
9|9|4

#test with allow_short a quota above the budget is still an error
SELECT * FROM safety_sample('pss', 20, '{"allow_short": true, "quota": {"crime": 21}}');
#error safety_sample: option quota asks for 21 examples in all but the budget gives 20;

#test quota counts are checked against n after the contrast share
SELECT * FROM safety_sample('pss', 6, '{"contrast": 0.5, "quota": {"crime": 3, "fraud": 1}}');
#error safety_sample: option quota asks for 4 examples in all but the budget gives 3 after the contrast share; lower the counts or raise the budget

#test quota with random
SELECT * FROM safety_sample('random', 3, '{"quota": "proportional"}');
#error safety_sample: option quota applies to the category methods (sss, pss, fl, cossim and their -b forms); random draws without categories

-- ---------------------------------------------------------------- fl

-- fl-b, n = 4: T1 members fraud {5, 6}, crime {1, 2, 6}; k = 2.
-- sim = cosine clipped at 0.  fraud: cos(5, 6) = .855732; gains 5:
-- 1 + .855732, 6: .855732 + 1 — equal, so the smaller id: 5, score =
-- gain / members = .927866; then 6: 1 - .855732 = .144268 -> .072134.
-- crime: 6 is already chosen and covers 1 (.6), 2 (.96), 6 (1).  Gains:
-- 1: (1 - .6) = .4 -> .133333; 2: (.8 - .6) + (1 - .96) = .24.  Then 2:
-- 1 - .96 = .04 -> .013333.
#test fl-b: greedy facility location, gain per member as the score
SELECT id, category, behavior, round(score, 6), rank, stage FROM safety_sample('fl-b', 4);
#expect
5|fraud|T1|0.927866|1|category
6|fraud|T1|0.072134|2|category
1|crime|T1|0.133333|3|category
2|crime|T1|0.013333|4|category

-- fl, n = 3, k = 1: privacy 8 (its only member covers itself: 1.0);
-- fraud {3, 5, 6}: gains 3: 1 + .995037 + .8, 5: .995037 + 1 + .855732,
-- 6: .8 + .855732 + 1 -> 5 (2.850769 / 3 = .950256).
#test fl: one per category, most central member first
SELECT id, category, round(score, 6) FROM safety_sample('fl', 2);
#expect
8|privacy|1.0
5|fraud|0.950256

#test fl scores fall within a category (greedy gains shrink)
SELECT min(coalesce(s.score <= (SELECT p.score FROM safety_sample('fl-b', 20, '{"pool": "gp"}') p WHERE p.rank = s.rank - 1 AND p.category = s.category), 1))
FROM safety_sample('fl-b', 20, '{"pool": "gp"}') s WHERE s.stage = 'category';
#true

#test fl fills at random like pss, and fill none stops
SELECT (SELECT count(*) FROM safety_sample('fl', 6) WHERE stage = 'fill'), (SELECT count(*) FROM safety_sample('fl', 8, '{"fill": "none"}'));
#expect
1|5

#test fl is case-insensitive and deterministic across runs and row order
CREATE TABLE gp_rev AS SELECT * FROM gp ORDER BY id DESC;
SELECT (SELECT group_concat(id || category || score) FROM safety_sample('FL-B', 15, '{"pool": "gp"}')) = (SELECT group_concat(id || category || score) FROM safety_sample('fl-b', 15, '{"pool": "gp_rev"}'));
#true

#test fl needs embeddings
SELECT * FROM safety_sample('fl', 3, '{"pool": "noemb"}');
#error safety_sample: the pool relation "noemb" has no column embedding

#test fl refuses a category above 20,000 members
CREATE TABLE bigcat AS WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 20001)
  SELECT i AS id, 'big' AS category, 'T1' AS behavior, vec_f32(json_array(1, i % 7)) AS embedding FROM k;
SELECT * FROM safety_sample('fl-b', 5, '{"pool": "bigcat"}');
#error safety_sample: fl-b compares every pair of a category's members, and category 'big' has 20001 eligible members (the limit is 20000); narrow it with options.behavior or options.categories, or use pss

#test the unknown-method message lists fl
SELECT * FROM safety_sample('kmeans', 3);
#error safety_sample: unknown method 'kmeans'; the known methods are random, random-b, sss, sss-b, pss, pss-b, cossim, cossim-b, fl, fl-b

-- ---------------------------------------------------------------- contrast

-- pss-b, n = 2, contrast 0.5: floor(0.5 x 2) = 1 contrast row, 1 main
-- row: fraud's best, 5.  The only T3 example is 4 [1, 1]: cosine to 5 =
-- 1.1 / (1.004988 x 1.414214) = .773957; its category is the anchor's.
#test contrast: the T3 look-alike of the chosen T1 example comes last
SELECT id, category, behavior, round(score, 6), rank, stage FROM safety_sample('pss-b', 2, '{"contrast": 0.5}');
#expect
5|fraud|T1|0.963444|1|category
4|fraud|T3|0.773957|2|contrast

#test contrast 0 is the default
SELECT (SELECT group_concat(id) FROM safety_sample('pss-b', 3)) = (SELECT group_concat(id) FROM safety_sample('pss-b', 3, '{"contrast": 0}'));
#true

#test contrast share is floor(contrast x n), only T3 rows, after the main rows
SELECT count(*), sum(behavior = 'T3'), min(rank) FROM safety_sample('pss-b', 20, '{"pool": "gp", "contrast": 0.25}') WHERE stage = 'contrast';
#expect
5|5|16

#test the main rows keep the -b filter; no example is returned twice
SELECT sum(behavior = 'T1'), count(*), count(DISTINCT id) FROM safety_sample('pss-b', 20, '{"pool": "gp", "contrast": 0.25}') WHERE stage <> 'contrast';
#expect
15|15|15

#test contrast rows are never already chosen T3 rows of the main selection
SELECT count(*) = count(DISTINCT id), sum(stage = 'contrast') FROM safety_sample('sss', 30, '{"pool": "gp", "contrast": 0.2, "seed": 2}');
#expect
1|6

-- Each contrast row is the T3 example most similar to its anchor (round
-- robin over the T1 rows in rank order) among those not taken before.
#test a contrast row's score is its cosine to the first anchor
SELECT abs(c.score - cosine(a.embedding, b.embedding)) < 1e-9
FROM (SELECT * FROM safety_sample('pss-b', 10, '{"pool": "gp", "contrast": 0.3}') WHERE stage = 'contrast' ORDER BY rank LIMIT 1) c
JOIN (SELECT DISTINCT id, embedding FROM gp) b ON b.id = c.id
JOIN (SELECT DISTINCT id, embedding FROM gp) a ON a.id = (SELECT id FROM safety_sample('pss-b', 10, '{"pool": "gp", "contrast": 0.3}') WHERE behavior = 'T1' ORDER BY rank LIMIT 1);
#true

#test contrast out of range
SELECT * FROM safety_sample('pss-b', 3, '{"contrast": 1}');
#error safety_sample: option contrast must be a number in [0, 1): the share of the budget kept for benign answered (T3) look-alikes of the chosen T1 examples, such as 0.2

#test contrast of the wrong type
SELECT * FROM safety_sample('pss-b', 3, '{"contrast": true}');
#error safety_sample: option contrast must be a number in [0, 1)

#test contrast over a pool without any T3 example: the shortage error, not a corrupted heap
CREATE TABLE no_t3 AS SELECT id, category, behavior, embedding FROM safety_pool WHERE behavior IS NOT 'T3';
SELECT * FROM safety_sample('pss-b', 4, '{"pool": "no_t3", "contrast": 0.5}');
#error safety_sample: option contrast reserves 2 of 4 rows for T3 look-alikes, but only 0 T3 examples are available

#test the same with allow_short: the main selection alone
SELECT count(*), sum(stage = 'contrast') FROM safety_sample('pss-b', 4, '{"pool": "no_t3", "contrast": 0.5, "allow_short": true}');
#expect
2|0

#test contrast with too few T3 examples
SELECT * FROM safety_sample('pss-b', 4, '{"contrast": 0.5}');
#error safety_sample: option contrast reserves 2 of 4 rows for T3 look-alikes, but only 1 T3 example is available; lower contrast, add T3 examples (benign, answered) to the pool, or pass "allow_short": true

#test contrast shortage after dedup says so
CREATE TABLE t3dup AS SELECT id, category, behavior, embedding FROM safety_pool UNION ALL SELECT 100, NULL, 'T3', vec_f32('[1, 1.0001]');
SELECT * FROM safety_sample('pss-b', 4, '{"pool": "t3dup", "contrast": 0.5, "dedup": 0.99}');
#error safety_sample: option contrast reserves 2 of 4 rows for T3 look-alikes, but only 1 T3 example remains after dedup

#test contrast with a budget far above the pool and allow_short: every T1 and T3 example, no huge allocation
-- floor(0.2 x 10^9) contrast rows asked for, 60 T3 examples to give.
SELECT count(*), sum(behavior = 'T1' AND stage <> 'contrast'), sum(stage = 'contrast')
FROM safety_sample('pss-b', 1000000000, '{"pool": "gp", "allow_short": true, "contrast": 0.2}');
#expect
120|60|60

#test the main selection's eligible count is checked against n minus the contrast share
SELECT * FROM safety_sample('pss-b', 12, '{"contrast": 0.5}');
#error safety_sample: only 5 eligible examples (T1) for a budget of 6 (after the contrast share); 1 pool example has no behaviour

#test the same with a fractional budget: one parenthesis names the contrast share and the fraction's count
SELECT * FROM safety_sample('pss-b', 0.012, '{"contrast": 0.5, "task_size": 1000}');
#error safety_sample: only 5 eligible examples (T1) for a budget of 6 (after the contrast share; the fraction 0.012 of 1000 task examples is 12); 1 pool example has no behaviour

#test contrast shortfall with allow_short
SELECT count(*), sum(stage = 'contrast') FROM safety_sample('pss-b', 4, '{"contrast": 0.5, "allow_short": true}');
#expect
3|1

#test contrast without T1 examples in the selection
SELECT * FROM safety_sample('pss', 4, '{"behavior": "T2", "contrast": 0.5, "allow_short": true}');
#error safety_sample: option contrast looks for T3 examples that resemble the chosen T1 examples, but the pss selection has no T1 example; include "T1" in options.behavior or leave out contrast

#test contrast with sss on a pool without an embedding column
SELECT * FROM safety_sample('sss', 4, '{"pool": "noemb", "contrast": 0.5}');
#error safety_sample: option contrast needs embeddings, but the pool relation "noemb" has no column embedding

#test contrast: T3 embeddings of another dimension
CREATE TABLE t3dim AS SELECT id, category, behavior, CASE WHEN behavior = 'T3' THEN vec_f32('[1, 1, 1]') ELSE embedding END AS embedding FROM safety_pool;
SELECT * FROM safety_sample('pss-b', 2, '{"pool": "t3dim", "contrast": 0.5}');
#error safety_sample: option contrast: a T3 example has a 3-dimensional embedding but the selected examples have 2 (dimension mismatch 3 vs 2); every embedding must come from the same model

-- ---------------------------------------------------------------- report

#test safety_report: arguments, resolved n and counts (pss, n = 6)
SELECT json_extract(r, '$.method'), json_extract(r, '$.n'), json_extract(r, '$.rows'), json_extract(r, '$.fill'),
       json_extract(r, '$.seed'), json_extract(r, '$.behavior'), json_extract(r, '$.eligible'), json_extract(r, '$.version') = safety_version()
FROM (SELECT safety_report('PSS', 6) AS r);
#expect
pss|6|6|1|0|any|9|1

#test safety_report resolves a fractional budget against the task size
SELECT json_extract(r, '$.budget'), json_extract(r, '$.task_size'), json_extract(r, '$.n'), json_extract(r, '$.behavior')
FROM (SELECT safety_report('pss-b', 0.5, '{"task_size": 6, "seed": 9}') AS r);
#expect
0.5|6|3|["T1"]

-- The counts per category x behaviour equal the rows of the same call.
#test report counts equal safety_sample's rows (pss-b on gp)
WITH r AS (SELECT value FROM json_each(safety_report('pss-b', 17, '{"pool": "gp", "seed": 3}'), '$.counts')),
     a AS (SELECT json_extract(value, '$.category') AS c, json_extract(value, '$.behavior') AS b, json_extract(value, '$.rows') AS n FROM r),
     s AS (SELECT category AS c, behavior AS b, count(*) AS n FROM safety_sample('pss-b', 17, '{"pool": "gp", "seed": 3}') GROUP BY 1, 2)
SELECT (SELECT count(*) FROM (SELECT * FROM a EXCEPT SELECT * FROM s)) + (SELECT count(*) FROM (SELECT * FROM s EXCEPT SELECT * FROM a)), (SELECT sum(n) FROM a);
#expect
0|17

#test report counts equal safety_sample's rows (sss with fill, random, cossim, fl, contrast, dedup)
WITH calls(m, b, o) AS (VALUES ('sss', 25, '{"pool": "gp", "seed": 8}'), ('random', 9, '{"pool": "gp", "seed": 1}'),
       ('cossim', 12, '{"pool": "gp", "reference": "gref"}'), ('fl', 14, '{"pool": "gp", "quota": "proportional"}'),
       ('pss-b', 20, '{"pool": "gp", "contrast": 0.25, "dedup": 0.95}'))
SELECT min((SELECT count(*) FROM (
  SELECT json_extract(value, '$.category'), json_extract(value, '$.behavior'), json_extract(value, '$.rows') FROM json_each(safety_report(m, b, o), '$.counts')
  EXCEPT SELECT category, behavior, count(*) FROM safety_sample(m, b, o) GROUP BY 1, 2)) = 0
  AND json_extract(safety_report(m, b, o), '$.rows') = (SELECT count(*) FROM safety_sample(m, b, o))
  AND json_extract(safety_report(m, b, o), '$.fill') = (SELECT count(*) FROM safety_sample(m, b, o) WHERE stage = 'fill')
  AND json_extract(safety_report(m, b, o), '$.stages.contrast') = (SELECT count(*) FROM safety_sample(m, b, o) WHERE stage = 'contrast'))
FROM calls;
#true

#test report: mean cosine to the own prototype = mean pss score of the category rows
SELECT json_extract(safety_report('pss', 6), '$.mean_prototype_cosine') = round((SELECT avg(score) FROM safety_sample('pss', 6) WHERE stage = 'category'), 6),
       json_extract(safety_report('pss', 6), '$.prototype_rows');
#expect
1|5

#test report: mean and minimum pairwise cosine of the selection
WITH s AS (SELECT DISTINCT x.id, p.embedding FROM safety_sample('pss', 6) x JOIN safety_pool p ON p.id = x.id),
     pairs AS (SELECT cosine(a.embedding, b.embedding) AS c FROM s a JOIN s b ON a.id < b.id)
SELECT json_extract(safety_report('pss', 6), '$.mean_pairwise_cosine') = round((SELECT avg(c) FROM pairs), 6),
       json_extract(safety_report('pss', 6), '$.min_pairwise_cosine') = round((SELECT min(c) FROM pairs), 6);
#true

#test report: coverage radius = largest distance from an eligible example to its nearest selected one
WITH s AS (SELECT DISTINCT x.id, p.embedding FROM safety_sample('pss', 6) x JOIN safety_pool p ON p.id = x.id),
     e AS (SELECT DISTINCT id, embedding FROM safety_pool),
     d AS (SELECT e.id, min(cosine_distance(e.embedding, s.embedding)) AS d FROM e, s GROUP BY e.id)
SELECT json_extract(safety_report('pss', 6), '$.coverage_radius') = round((SELECT max(d) FROM d), 6), json_extract(safety_report('pss', 6), '$.coverage_radius') > 0;
#true

#test report: quota, dedup and contrast are echoed
SELECT json_extract(r, '$.quota'), json_extract(r, '$.dedup'), json_extract(r, '$.contrast'), json_extract(r, '$.contrast_reserved'), json_extract(r, '$.options.seed')
FROM (SELECT safety_report('pss-b', 20, '{"pool": "gp", "quota": {"cat1": 3}, "dedup": 0.95, "contrast": 0.25, "seed": 5}') AS r);
#expect
{"cat1":3}|0.95|0.25|5|5

#test report on a pool without embeddings: metrics are null and say why
SELECT json_extract(r, '$.rows'), json_extract(r, '$.coverage_radius') IS NULL, json_extract(r, '$.embeddings_unavailable')
FROM (SELECT safety_report('sss', 3, '{"pool": "noemb"}') AS r);
#expect
3|1|the pool relation has no embedding column

#test report for sss where an eligible embedding is missing: still the same rows, metrics null
SELECT json_extract(r, '$.rows'), json_extract(r, '$.mean_pairwise_cosine') IS NULL, json_extract(r, '$.embeddings_unavailable') LIKE 'pool example 4 has no embedding%'
FROM (SELECT safety_report('sss', 3, '{"pool": "nullemb"}') AS r);
#expect
3|1|1

#test fingerprint: 64 hex digits; the same data gives the same fingerprint whatever the seed or method
SELECT length(json_extract(safety_report('pss', 3), '$.fingerprint')), json_extract(safety_report('pss', 3), '$.fingerprint') LIKE 'sha256:%',
       json_extract(safety_report('pss', 3), '$.fingerprint') = json_extract(safety_report('pss', 5, '{"seed": 7}'), '$.fingerprint');
#expect
71|1|1

#test fingerprint does not change with the physical order of rows
CREATE TABLE pool_rev AS SELECT * FROM safety_pool ORDER BY id DESC, category DESC;
SELECT json_extract(safety_report('pss', 3), '$.fingerprint') = json_extract(safety_report('pss', 3, '{"pool": "pool_rev"}'), '$.fingerprint');
#true

-- 0.1f is 0x3DCCCCCD; the next float, 0.100000009 = 0x3DCCCCCE, differs
-- in its lowest byte only (the first byte of the little-endian BLOB).
#test fingerprint changes when one embedding byte changes
CREATE TABLE pool_byte AS SELECT id, category, behavior, CASE WHEN id = 5 THEN vec_f32('[0.100000009, 1]') ELSE embedding END AS embedding FROM safety_pool;
SELECT (SELECT hex(embedding) FROM safety_pool WHERE id = 5), (SELECT hex(embedding) FROM pool_byte WHERE id = 5),
       json_extract(safety_report('pss', 3), '$.fingerprint') <> json_extract(safety_report('pss', 3, '{"pool": "pool_byte"}'), '$.fingerprint');
#expect
CDCCCC3D0000803F|CECCCC3D0000803F|1

#test fingerprint changes when a label changes
CREATE TABLE pool_label AS SELECT id, CASE WHEN id = 9 THEN 'fraud' ELSE category END AS category, behavior, embedding FROM safety_pool;
SELECT json_extract(safety_report('pss', 3), '$.fingerprint') <> json_extract(safety_report('pss', 3, '{"pool": "pool_label"}'), '$.fingerprint');
#true

#test report errors are safety_report's
SELECT safety_report('kmeans', 3);
#error ^safety_report: unknown method 'kmeans'; the known methods are random, random-b, sss, sss-b, pss, pss-b, cossim, cossim-b, fl, fl-b

#test report budget errors
SELECT safety_report('pss', 0);
#error ^safety_report: budget must be positive, got 0

#test report option errors
SELECT safety_report('pss', 3, '{"dedup": 2}');
#error ^safety_report: option dedup must be a number in (0, 1]

#test report of an impossible selection fails like safety_sample
SELECT safety_report('pss-b', 6);
#error ^safety_report: only 5 eligible examples (T1) for a budget of 6

#test report works under query_only
PRAGMA query_only = 1;
SELECT json_extract(safety_report('pss', 2), '$.rows');
#expect
2

#setup
PRAGMA query_only = 0;

-- A listed category with no pool members (it exists only in the reference
-- set) has no prototype: its rows are left out of mean_prototype_cosine
-- instead of turning it into NaN (JSON null).
#test safety_report skips categories without pool members in the prototype cosine
SELECT json_extract(r, '$.mean_prototype_cosine') IS NOT NULL, json_extract(r, '$.prototype_rows')
FROM (SELECT safety_report('cossim', 2, '{"categories": ["crime", "violence"]}') AS r);
#expect
1|1
