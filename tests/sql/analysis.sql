-- analysis.sql — sql/analysis.sql on a small hand-worked pool: its default
-- parameters, the behaviour mix, the per-category counts, the prototype
-- cosine and the pairwise cosine (against a brute-force mean over pairs).
--
-- Pool (2-D embeddings; prototypes over every behaviour):
--   A: 1 T1 [1,0]   2 T1 [0.8,0.6]   3 T2 [0,1]     prototype [0.6, 0.5333]
--   B: 4 T1 [0,1]   5 T1 [0.6,0.8]                  prototype [0.3, 0.9]
--   none: 6 T1 [1,1]
-- pss-b at n = 4: categories A, B (2 eligible each, then by name), k = 2,
-- so it takes 1, 2, 4, 5.  Pairwise cosines: 0.8, 0, 0.6, 0.6, 0.96, 0.8,
-- mean 3.76 / 6 = 0.626667.  Prototype cosines: mean 0.910330.

#read sql/schema.sql
#setup
INSERT INTO examples (id, instruction, harmful_request, refusal) VALUES
  (1, 'a1', 1, 1), (2, 'a2', 1, 1), (3, 'a3', 1, 0), (4, 'b1', 1, 1), (5, 'b2', 1, 1), (6, 'u', 1, 1);
INSERT INTO example_categories VALUES (1, 'A'), (2, 'A'), (3, 'A'), (4, 'B'), (5, 'B');
INSERT INTO embeddings (example_id, model, embedding) VALUES
  (1, 't', vec_f32('[1,0]')), (2, 't', vec_f32('[0.8,0.6]')), (3, 't', vec_f32('[0,1]')),
  (4, 't', vec_f32('[0,1]')), (5, 't', vec_f32('[0.6,0.8]')), (6, 't', vec_f32('[1,1]'));
-- 800 task rows: the default budget 0.005 gives n = 4.
INSERT INTO task_examples (instruction, output)
  WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 800)
  SELECT 'task ' || i, 'ok' FROM k;
#read sql/analysis.sql

#test with no parameters: budget 0.005, options {}, no cossim without a reference set
SELECT (SELECT budget || ' ' || options FROM temp.analysis_config),
       (SELECT group_concat(method, ',') FROM (SELECT method FROM temp.analysis_methods ORDER BY rowid));
#expect
0.005 {}|random,random-b,sss,sss-b,pss,pss-b

#test every method returns n = 4 at budget 0.005 of 800 task rows
SELECT group_concat(method || ':' || n, ',') FROM (SELECT method, n FROM temp.analysis_summary ORDER BY method_no);
#expect
random:4,random-b:4,sss:4,sss-b:4,pss:4,pss-b:4

#test pss-b takes 1, 2, 4, 5 by category quota
SELECT group_concat(id, ','), sum(stage = 'category') FROM
  (SELECT id, stage FROM temp.analysis_selection WHERE method = 'pss-b' ORDER BY id);
#expect
1,2,4,5|4

#test pss-b summary: behaviour mix, categories, distinct vectors, measures
SELECT n, fill, T1, T2, T3, T4, categories, printf('%.6f', proto_cos),
       printf('%.6f', pairwise_cos), distinct_vec
FROM temp.analysis_summary WHERE method = 'pss-b';
#expect
4|0|4|0|0|0|2|0.910330|0.626667|4

#test the pairwise formula equals the brute-force mean over pairs for every method
SELECT abs(s.pairwise_cos - (
         SELECT avg(cosine(ea.embedding, eb.embedding))
         FROM temp.analysis_selection AS a JOIN temp.analysis_selection AS b
           ON a.method_no = b.method_no AND a.id < b.id
         JOIN embeddings AS ea ON ea.example_id = a.id
         JOIN embeddings AS eb ON eb.example_id = b.id
         WHERE a.method_no = s.method_no)) < 1e-6
FROM temp.analysis_summary AS s;
#true

#test the behaviour columns add up to n, and -b methods hold only T1
SELECT T1 + T2 + T3 + T4 = n AND (method NOT LIKE '%-b' OR T1 = n) FROM temp.analysis_summary;
#true

#test per-category counts of pss-b, with pool sizes and T1 counts; (none) is NULL
SELECT coalesce(category, 'NULL'), pool, pool_t1, n FROM temp.analysis_category_counts
WHERE method = 'pss-b' ORDER BY category;
#expect
NULL|1|1|0
A|3|2|2
B|2|2|2

#test an example counts in its pool category whichever stage chose it
SELECT c.method, c.n = (SELECT count(*) FROM temp.analysis_selection AS s
                        JOIN example_categories AS e ON e.example_id = s.id
                        WHERE s.method = c.method AND e.category = 'A')
FROM temp.analysis_category_counts AS c WHERE c.category = 'A' ORDER BY c.method_no;
#expect
random|1
random-b|1
sss|1
sss-b|1
pss|1
pss-b|1

#setup
INSERT INTO reference_examples (category, text, embedding) VALUES
  ('A', 'ra', vec_f32('[1,0.1]')), ('B', 'rb', vec_f32('[0.1,1]'));
DROP TABLE temp.analysis_methods;
UPDATE temp.analysis_config SET budget = 2, options = '{"seed": 3}';
#read sql/analysis.sql

#test with a reference set the cossim pair joins; the set parameters are kept
SELECT (SELECT budget || ' ' || options FROM temp.analysis_config),
       (SELECT group_concat(method || ':' || n, ',') FROM
          (SELECT method, n FROM temp.analysis_summary ORDER BY method_no));
#expect
2 {"seed": 3}|random:2,random-b:2,sss:2,sss-b:2,pss:2,pss-b:2,cossim:2,cossim-b:2

#setup
DELETE FROM temp.analysis_methods;
INSERT INTO temp.analysis_methods VALUES ('pss-b'), ('random');
UPDATE temp.analysis_config SET budget = 4, options = NULL;
#read sql/analysis.sql

#test a chosen method list in its order, NULL options as {}
SELECT group_concat(method || ':' || n, ',') FROM (SELECT method, n FROM temp.analysis_summary ORDER BY method_no);
#expect
pss-b:4,random:4

-- Several budgets and seeds in one sweep: a summary row per method,
-- budget and seed, each made from exactly its safety_sample call's rows.
#setup
DELETE FROM temp.analysis_methods;
INSERT INTO temp.analysis_methods VALUES ('pss-b'), ('sss');
CREATE TEMP TABLE IF NOT EXISTS analysis_budgets (budget);
INSERT INTO temp.analysis_budgets VALUES (2), (0.005);
UPDATE temp.analysis_config SET budget = NULL, options = '{"seeds": [0, 5]}';
#read sql/analysis.sql

#test the budgets in order, a summary row per method, budget and seed
SELECT (SELECT group_concat(budget_no || ':' || budget, ',') FROM temp.analysis_budget_list),
       (SELECT group_concat(method || '/' || budget || '/' || seed || ':' || n, ',') FROM
          (SELECT * FROM temp.analysis_summary ORDER BY budget_no, seed, method_no));
#expect
1:2,2:0.005|pss-b/2/0:2,sss/2/0:2,pss-b/2/5:2,sss/2/5:2,pss-b/0.005/0:4,sss/0.005/0:4,pss-b/0.005/5:4,sss/0.005/5:4

#test every selection is exactly its safety_sample call
WITH single AS (
  SELECT m.rowid AS method_no, b.budget_no, s.value AS seed, x.id, x.category, x.behavior,
         x.score, x.rank, x.stage
  FROM temp.analysis_methods AS m, temp.analysis_budget_list AS b, json_each('[0, 5]') AS s,
       safety_sample(m.method, b.budget, json_object('seed', s.value)) AS x),
sel AS (SELECT method_no, budget_no, seed, id, category, behavior, score, rank, stage
        FROM temp.analysis_selection)
SELECT (SELECT count(*) FROM single) = (SELECT count(*) FROM sel),
       NOT EXISTS (SELECT * FROM single EXCEPT SELECT * FROM sel),
       (SELECT count(*) FROM sel) = 2 * 2 * (2 + 4);
#true

#test the per-category counts have a row per category, method, budget and seed
SELECT count(*) = (SELECT count(*) FROM temp.analysis_prototype) * 2 * 2 * 2
FROM temp.analysis_category_counts;
#true

-- The printed comparison (the view analysis_comparison): a cosine that is
-- undefined is blank, not 0.000, and one that rounds to zero is never -0.000.
#setup
DELETE FROM temp.analysis_methods;
DROP TABLE temp.analysis_budgets;
INSERT INTO temp.analysis_methods VALUES ('pss-b');
UPDATE temp.analysis_config SET budget = 1, options = NULL;
#read sql/analysis.sql

#test one selected example (2, cosine 0.997 to the prototype of A): its pairwise cosine is blank
SELECT method, n, quote(pairwise_cos), proto_cos FROM temp.analysis_comparison WHERE k = 1;
#expect
pss-b|1|''|0.997

#test the printed cosines: blank for NULL, 0.000 for a small negative, rounded to 3 places
INSERT INTO temp.analysis_summary (method_no, method, budget_no, budget, seed, n, fill, T1, T2, T3, T4,
                                   categories, proto_cos, pairwise_cos, distinct_vec)
  VALUES (9, 'made-up', 1, 1, 0, 2, 0, 2, 0, 0, 0, 0, NULL, -0.0004, 2),
         (10, 'made-up-2', 1, 1, 0, 2, 0, 2, 0, 0, 0, 0, 0.12345, -0.0006, 2);
SELECT method, quote(proto_cos), pairwise_cos FROM temp.analysis_comparison
WHERE method_no >= 9 ORDER BY method_no;
#expect
made-up|''|0.000
made-up-2|'0.123'|-0.001
