-- sample.sql — safety_sample(method, budget [, options]) on a hand-worked
-- pool (tests/data/sample_pool.sql; the expected rows were worked out by
-- hand and with an independent script): every method, the budget rules,
-- options, determinism, read-only use and every error message.
#read sql/schema.sql
#read tests/data/sample_pool.sql

-- pss-b, n = 3.  T1 examples 1,2,5,6,7.  Categories with T1 members:
-- fraud {5,6} (2), crime {1,2,6} (3): fraud first.  k = max(1, 3 div 2) = 1.
-- fraud prototype [0.35,0.9]: cos(5) = .963444 > cos(6) = .963; crime
-- prototype [0.8,0.4667]: cos(2) = .993346 best.  Then 1 random fill.
#test pss-b: categories smallest first, best cosine to the prototype, then fill
SELECT id, category, behavior, round(score, 6), rank, stage FROM safety_sample('pss-b', 3) WHERE stage = 'category';
#expect
5|fraud|T1|0.963444|1|category
2|crime|T1|0.993346|2|category

#test pss-b fill row: T1, no category, no score, not chosen before
SELECT id IN (1, 6, 7), category IS NULL, behavior, score IS NULL, rank, stage FROM safety_sample('pss-b', 3) WHERE stage = 'fill';
#expect
1|1|T1|1|3|fill

-- pss, n = 6, every behaviour (9 has NULL behaviour and is eligible).
-- privacy {8} (1), fraud {3,5,6} (3), crime {1,2,6,9} (4); k = 2.
-- privacy: all of it (1 <= k).  fraud: 5 (.989461), 3 (.970142).
-- crime: 2 (.979333), 9 (.970753).  Then 1 fill.  Example 6 is in two
-- categories and is never taken twice.
#test pss: multi-label pool, category smaller than k, NULL behaviour eligible
SELECT id, category, behavior, round(score, 6), rank, stage FROM safety_sample('pss', 6) WHERE stage = 'category';
#expect
8|privacy|T4|1.0|1|category
5|fraud|T1|0.989461|2|category
3|fraud|T2|0.970142|3|category
2|crime|T1|0.979333|4|category
9|crime|NULL|0.970753|5|category

#test pss score is exactly cosine() to the prototype() of the category's eligible members
SELECT s.score = cosine(p.embedding, (SELECT prototype(embedding) FROM safety_pool WHERE category = 'crime' AND behavior = 'T1'))
FROM safety_sample('pss-b', 3) AS s JOIN safety_pool AS p ON p.id = s.id AND p.category = s.category WHERE s.category = 'crime';
#true

#test the seeded draw is pinned (xoshiro256** from seed 0): the same on every machine
SELECT group_concat(id, ',') FROM safety_sample('pss', 6);
#expect
8,5,3,2,9,6

-- cossim, n = 5: reference categories by name crime, fraud, violence; k = 1.
-- crime mean of unit refs; 2 scores .922841 best.  fraud: 3 (1.0).
-- violence: 7 (.894427).  Fill by best score: 5 (fraud .995037), 9 (crime .913639).
#test cossim: one per reference category by name, then fill by best score
SELECT id, category, behavior, round(score, 6), rank, stage FROM safety_sample('cossim', 5);
#expect
2|crime|T1|0.922841|1|category
3|fraud|T2|1.0|2|category
7|violence|T1|0.894427|3|category
5|fraud|T1|0.995037|4|fill
9|crime|NULL|0.913639|5|fill

#test cossim-b keeps T1 only
SELECT id, category, behavior, round(score, 6), rank, stage FROM safety_sample('cossim-b', 4);
#expect
2|crime|T1|0.922841|1|category
5|fraud|T1|0.995037|2|category
7|violence|T1|0.894427|3|category
1|crime|T1|0.851072|4|fill

#test cossim score is the mean cosine to the category's reference examples
SELECT abs(s.score - (SELECT avg(cosine(p.embedding, r.embedding)) FROM safety_reference r WHERE r.category = s.category)) < 1e-6
FROM safety_sample('cossim', 5) s JOIN (SELECT DISTINCT id, embedding FROM safety_pool) p ON p.id = s.id;
#true

#test cossim with fill random: fill rows have no category and no score
SELECT count(*), sum(id NOT IN (2, 3, 7)), count(category), count(score) FROM safety_sample('cossim', 5, '{"fill": "random"}') WHERE stage = 'fill';
#expect
2|2|0|0

-- k = 8 div 3 = 2: privacy has only 1, so 1 + 2 + 2 = 5 rows.
#test fill none returns only the category quotas, fewer than n, without error
SELECT count(*), sum(stage = 'category') FROM safety_sample('pss', 8, '{"fill": "none"}');
#expect
5|5

-- k = 7 div 3 = 2: crime 2, 9; fraud 3, 5; violence 7, then 8 (-0.447,
-- the least negative of the rest).
#test cossim fill none: k per reference category
SELECT group_concat(id) FROM safety_sample('cossim', 7, '{"fill": "none"}');
#expect
2,9,3,5,7,8

-- sss: quotas.  sss-b: fraud {5,6}, crime {1,2,6}; n = 4 -> k = 2.
-- fraud: 2 members <= k: both, in id order.  crime: unchosen {1,2}: both.
#test sss-b: a category with at most k unchosen members gives all of them in id order
SELECT id, category, score IS NULL, rank, stage FROM safety_sample('sss-b', 4);
#expect
5|fraud|1|1|category
6|fraud|1|2|category
1|crime|1|3|category
2|crime|1|4|category

#test sss: per-category quota k = n div C, then fill
SELECT category, count(*), stage FROM safety_sample('sss', 7, '{"seed": 5}') GROUP BY category, stage ORDER BY stage, category;
#expect
crime|2|category
fraud|2|category
privacy|1|category
NULL|2|fill

#test sss with n < C takes one from each of the smallest categories and stops at n
SELECT group_concat(category) FROM safety_sample('sss', 2);
#expect
privacy,fraud

#test random: n distinct eligible examples, all fill, no category, no score
SELECT count(*), count(DISTINCT id), sum(stage = 'fill'), count(category), count(score) FROM safety_sample('random', 6);
#expect
6|6|6|0|0

#test random-b draws only T1
SELECT count(*), sum(behavior = 'T1') FROM safety_sample('random-b', 5);
#expect
5|5

#test method names are case-insensitive
SELECT count(*) FROM safety_sample('PSS-B', 3);
#expect
3

#test rank is 1..n in selection order and the rowid
SELECT group_concat(rank) FROM safety_sample('sss', 5, '{"seed": 2}');
#expect
1,2,3,4,5

#test the hidden columns echo the arguments
SELECT DISTINCT method, budget, options FROM safety_sample('pss-b', 2, '{"seed": 1}');
#expect
pss-b|2|{"seed": 1}

#test named-argument form with hidden columns in WHERE
SELECT count(*) FROM safety_sample WHERE method = 'sss' AND budget = 4;
#expect
4

-- ---- budgets ----------------------------------------------------------

#setup
CREATE TABLE big_task(id INTEGER PRIMARY KEY);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000) INSERT INTO task_examples(instruction, output) SELECT 'q' || i, 'a' FROM n;

#test a fraction of a 20,000-example task_examples: 0.0002 x 20000 = 4
SELECT count(*) FROM safety_sample('sss', 0.0002);
#expect
4

#test task_size overrides counting: floor(0.0025 x 1000 + 0.5) = 3 (halves round up)
SELECT count(*) FROM safety_sample('sss', 0.0025, '{"task_size": 1000}');
#expect
3

#test floor(0.0024 x 1000 + 0.5) = 2
SELECT count(*) FROM safety_sample('sss', 0.0024, '{"task_size": 1000}');
#expect
2

#test the task option names another relation
CREATE TABLE my_task(x);
INSERT INTO my_task VALUES (1), (2), (3), (4), (5), (6), (7), (8), (9), (10);
SELECT count(*) FROM safety_sample('sss', 0.5, '{"task": "my_task"}');
#expect
5

#test an integral REAL budget is a count
SELECT count(*) FROM safety_sample('sss', 3.0);
#expect
3

-- ---- options ----------------------------------------------------------

#test behavior as a string
SELECT group_concat(DISTINCT behavior) FROM safety_sample('random', 1, '{"behavior": "T2"}');
#expect
T2

#test behavior as an array replaces the -b default
SELECT count(*), sum(behavior IN ('T2', 'T4')) FROM safety_sample('sss-b', 2, '{"behavior": ["T2", "T4"]}');
#expect
2|2

#test categories restrict eligibility and quotas
SELECT id, category, stage FROM safety_sample('pss', 2, '{"categories": ["fraud"]}');
#expect
5|fraud|category
3|fraud|category

#test categories restrict the reference categories of cossim
SELECT group_concat(DISTINCT category) FROM safety_sample('cossim', 2, '{"categories": ["violence", "crime"]}');
#expect
crime,violence

#test allow_short returns every eligible example
SELECT count(*) FROM safety_sample('pss-b', 50, '{"allow_short": true}');
#expect
5

#test pool and reference options name other relations
CREATE VIEW t1_only AS SELECT * FROM safety_pool WHERE behavior = 'T1';
CREATE VIEW ref_fraud AS SELECT * FROM safety_reference WHERE category = 'fraud';
SELECT id, category FROM safety_sample('cossim', 1, '{"pool": "t1_only", "reference": "ref_fraud"}');
#expect
5|fraud

#test seed changes the random draws; the same seed repeats them
WITH RECURSIVE s(seed) AS (SELECT 0 UNION ALL SELECT seed + 1 FROM s WHERE seed < 9)
SELECT count(DISTINCT (SELECT group_concat(id) FROM safety_sample('random', 4, json_object('seed', seed)))) > 3,
       (SELECT group_concat(id) FROM safety_sample('random', 4, '{"seed": 7}')) = (SELECT group_concat(id) FROM safety_sample('random', 4, '{"seed": 7}'))
FROM s;
#expect
1|1

#test a negative seed is valid
SELECT count(*) FROM safety_sample('random', 2, '{"seed": -12345}');
#expect
2

-- ---- determinism: physical row order does not matter ------------------

#setup
CREATE TABLE pool_fwd(id INTEGER, category TEXT, behavior TEXT, embedding BLOB);
CREATE TABLE pool_rev(id INTEGER, category TEXT, behavior TEXT, embedding BLOB);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
INSERT INTO pool_fwd SELECT i, CASE WHEN i % 7 = 0 THEN NULL ELSE 'c' || (i % 5) END,
  'T' || (1 + (i * 7) % 4), vec_f32(json_array(sin(i), cos(i * 3), (i % 11) - 5.0, 1)) FROM n;
INSERT INTO pool_fwd SELECT id, 'c9', behavior, embedding FROM pool_fwd WHERE id % 13 = 0;
INSERT INTO pool_rev SELECT * FROM pool_fwd ORDER BY rowid DESC;
CREATE TABLE ref_fwd(category TEXT, embedding BLOB);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 40)
INSERT INTO ref_fwd SELECT 'c' || (i % 4), vec_f32(json_array(cos(i), sin(i), 1, i % 3)) FROM n;
CREATE TABLE ref_rev AS SELECT * FROM ref_fwd ORDER BY rowid DESC;

#test every method gives the same rows on a pool inserted in reverse order
-- (the CTE column is not called "method": inside the subquery that name
-- would be safety_sample's own hidden column)
WITH m(meth) AS (VALUES ('random'), ('random-b'), ('sss'), ('sss-b'), ('pss'), ('pss-b'), ('cossim'), ('cossim-b'))
SELECT meth,
  (SELECT group_concat(id || ':' || ifnull(category, '') || ':' || ifnull(score, '') || ':' || stage, ' ') FROM safety_sample(meth, 20, '{"pool": "pool_fwd", "reference": "ref_fwd", "seed": 3}'))
  = (SELECT group_concat(id || ':' || ifnull(category, '') || ':' || ifnull(score, '') || ':' || stage, ' ') FROM safety_sample(meth, 20, '{"pool": "pool_rev", "reference": "ref_rev", "seed": 3}'))
FROM m;
#expect
random|1
random-b|1
sss|1
sss-b|1
pss|1
pss-b|1
cossim|1
cossim-b|1

#test two runs give identical rows
SELECT (SELECT group_concat(id || score) FROM safety_sample('pss', 30, '{"pool": "pool_fwd"}')) = (SELECT group_concat(id || score) FROM safety_sample('pss', 30, '{"pool": "pool_fwd"}'));
#true

-- ---- read-only and safe -----------------------------------------------

#test works under PRAGMA query_only
PRAGMA query_only = 1;
SELECT count(*) FROM safety_sample('pss-b', 3);
#expect
3

#setup
PRAGMA query_only = 0;

#test an injection attempt through the pool name is only a missing relation
SELECT * FROM safety_sample('sss', 1, '{"pool": "safety_pool\"; DROP TABLE examples; --"}');
#error safety_sample: the pool relation "safety_pool"; DROP TABLE examples; --" cannot be read

#test the injection left the database intact
SELECT count(*) FROM examples;
#expect
9

-- ---- errors -------------------------------------------------------------

#test unknown method lists the known ones
SELECT * FROM safety_sample('kmeans', 3);
#error safety_sample: unknown method 'kmeans'; the known methods are random, random-b, sss, sss-b, pss, pss-b, cossim, cossim-b

#test NULL method
SELECT * FROM safety_sample(NULL, 3);
#error safety_sample: unknown method 'NULL'

#test missing arguments
SELECT * FROM safety_sample;
#error safety_sample: needs a method and a budget

#test one argument only
SELECT * FROM safety_sample('sss');
#error safety_sample: needs a method and a budget

#test called as a scalar function: says to call it in FROM
SELECT safety_sample('pss', 2);
#error safety_sample: cannot be called as a scalar function; it is a table-valued function: call it in FROM, as in SELECT * FROM safety_sample('pss-b', 10)

#test safety_sweep called as a scalar function
SELECT safety_sweep('["pss"]', '[2]');
#error safety_sweep: cannot be called as a scalar function; it is a table-valued function: call it in FROM, as in SELECT * FROM safety_sweep('["pss-b"]', '[10, 100]')

#test safety_report with one argument says what it needs
SELECT safety_report('pss');
#error safety_report: needs a method and a budget, and optionally options (got 1 argument), as in SELECT safety_report('pss-b', 10, '{"seed": 1}')

#test safety_report with four arguments
SELECT safety_report('pss', 2, '{}', 1);
#error safety_report: needs a method and a budget, and optionally options (got 4 arguments)

#test the table-valued call still works beside the scalar of the same name
SELECT count(*) FROM safety_sample('sss', 3);
#expect
3

#test an OR in WHERE (the planner also asks for plans without the arguments): the rows of the materialized call
SELECT (SELECT group_concat(id || ':' || rank) FROM safety_sample('sss', 3) WHERE stage = 'fill' OR rank <= 2)
     = (WITH s AS MATERIALIZED (SELECT * FROM safety_sample('sss', 3))
        SELECT group_concat(id || ':' || rank) FROM s WHERE stage = 'fill' OR rank <= 2),
       (SELECT count(*) FROM safety_sample('sss', 3) WHERE stage = 'fill' OR rank <= 2);
#expect
1|2

#test an OR in WHERE over safety_sweep: the same rows as the materialized call
SELECT (SELECT group_concat(budget || ':' || id || ':' || rank) FROM safety_sweep('sss', '[2, 3]')
         WHERE stage = 'fill' OR rank <= 2)
     = (WITH s AS MATERIALIZED (SELECT * FROM safety_sweep('sss', '[2, 3]'))
        SELECT group_concat(budget || ':' || id || ':' || rank) FROM s WHERE stage = 'fill' OR rank <= 2);
#expect
1

#test budget NULL
SELECT * FROM safety_sample('sss', NULL);
#error safety_sample: budget is NULL; pass a count such as 10

#test budget text
SELECT * FROM safety_sample('sss', 'ten');
#error safety_sample: budget must be a number, got 'ten'

#test budget zero
SELECT * FROM safety_sample('sss', 0);
#error safety_sample: budget must be positive, got 0

#test budget negative
SELECT * FROM safety_sample('sss', -1);
#error safety_sample: budget must be positive, got -1

#test NaN budget arrives as NULL
SELECT * FROM safety_sample('sss', 0.0 * 1e999);
#error safety_sample: budget is NULL

#test a fractional count
SELECT * FROM safety_sample('sss', 2.5);
#error safety_sample: budget 2.5 is not a whole number

#test a huge budget
SELECT * FROM safety_sample('sss', 1e308);
#error safety_sample: budget 1e+308 is too large

#test a fraction that rounds to zero
SELECT * FROM safety_sample('sss', 0.00001);
#error safety_sample: budget 1e-05 of a fine-tuning set of 20000 examples rounds to 0 examples

#test a fraction with no task relation
SELECT * FROM safety_sample('sss', 0.5, '{"task": "no_such_task"}');
#error safety_sample: budget 0.5 is a fraction of the fine-tuning set, but the task relation "no_such_task" cannot be read (no such table: no_such_task); create it, pass options.task_size

#test fewer eligible examples than n names both numbers
SELECT * FROM safety_sample('pss-b', 6);
#error safety_sample: only 5 eligible examples (T1) for a budget of 6

#test missing pool relation
SELECT * FROM safety_sample('pss', 2, '{"pool": "nope"}');
#error safety_sample: the pool relation "nope" cannot be read (no such table: nope)

#test pool relation missing a column
CREATE TABLE no_emb(id INTEGER, category TEXT, behavior TEXT);
INSERT INTO no_emb VALUES (1, 'a', 'T1');
SELECT * FROM safety_sample('pss', 1, '{"pool": "no_emb"}');
#error safety_sample: the pool relation "no_emb" has no column embedding; it needs the columns id, category, behavior, embedding

#test sss does not need the embedding column
SELECT id FROM safety_sample('sss', 1, '{"pool": "no_emb"}');
#expect
1

#test missing reference relation
SELECT * FROM safety_sample('cossim', 2, '{"reference": "nope"}');
#error safety_sample: the reference relation "nope" cannot be read

#test reference relation missing a column
CREATE TABLE ref_bad(category TEXT);
SELECT * FROM safety_sample('cossim', 2, '{"reference": "ref_bad"}');
#error safety_sample: the reference relation "ref_bad" has no column embedding

#test empty reference set
CREATE TABLE ref_empty(category TEXT, embedding BLOB);
SELECT * FROM safety_sample('cossim-b', 2, '{"reference": "ref_empty"}');
#error safety_sample: the reference relation "ref_empty" has no rows; cossim-b needs labelled exemplars of each harm category (fill reference_examples: sql/make_reference.sql makes one from part of your pool; or name another relation with options.reference)

#test reference with no rows in the requested categories
SELECT * FROM safety_sample('cossim', 1, '{"categories": ["nothing"]}');
#error safety_sample: the reference relation "safety_reference" has no rows in the requested categories; cossim needs labelled exemplars

#test reference with a zero vector
CREATE TABLE ref_zero(category TEXT, embedding BLOB);
INSERT INTO ref_zero VALUES ('a', vec_f32('[0,0]'));
SELECT * FROM safety_sample('cossim', 1, '{"reference": "ref_zero"}');
#error safety_sample: a reference example of category 'a' has a zero embedding, which has no direction for cosine; re-embed it or leave the row out

-- cossim reads the reference set first; the pool is checked against it.
#test reference dimension differs from the pool
CREATE TABLE ref_dim(category TEXT, embedding BLOB);
INSERT INTO ref_dim VALUES ('a', vec_f32('[1,0,0]'));
SELECT * FROM safety_sample('cossim', 1, '{"reference": "ref_dim"}');
#error safety_sample: pool example 1 has a 2-dimensional embedding but the reference set's have 3 (dimension mismatch 2 vs 3)

#test reference examples of different dimensions
INSERT INTO ref_dim VALUES ('b', vec_f32('[1,0]'));
SELECT * FROM safety_sample('cossim', 1, '{"reference": "ref_dim"}');
#error safety_sample: a reference example of category 'b' has a 2-dimensional embedding but others have 3 (dimension mismatch 2 vs 3)

#test cossim scored on arrival equals cossim with the vectors kept (dedup 1 keeps them)
SELECT (SELECT group_concat(id || ':' || category || ':' || score || ':' || stage) FROM safety_sample('cossim', 7))
     = (SELECT group_concat(id || ':' || category || ':' || score || ':' || stage) FROM safety_sample('cossim', 7, '{"dedup": 1}'));
#true

#test reference with a NULL category
CREATE TABLE ref_nullcat(category TEXT, embedding BLOB);
INSERT INTO ref_nullcat VALUES (NULL, vec_f32('[1,0]'));
SELECT * FROM safety_sample('cossim', 1, '{"reference": "ref_nullcat"}');
#error safety_sample: the reference relation "ref_nullcat" has a row with a NULL category

#setup
CREATE TABLE p(id, category, behavior, embedding);

#test a pool example with two behaviours
DELETE FROM p; INSERT INTO p VALUES (1, 'a', 'T1', vec_f32('[1,0]')), (1, 'b', 'T2', vec_f32('[1,0]'));
SELECT * FROM safety_sample('sss', 1, '{"pool": "p"}');
#error safety_sample: pool example 1 has two behaviours (T1 and T2)

#test NULL and T1 for one id are two behaviours too
DELETE FROM p; INSERT INTO p VALUES (3, 'a', NULL, NULL), (3, 'b', 'T1', NULL);
SELECT * FROM safety_sample('sss', 1, '{"pool": "p"}');
#error safety_sample: pool example 3 has two behaviours (NULL and T1)

#test an invalid behaviour label
DELETE FROM p; INSERT INTO p VALUES (4, 'a', 'harmful', NULL);
SELECT * FROM safety_sample('sss', 1, '{"pool": "p"}');
#error safety_sample: pool example 4 has behavior 'harmful'; expected 'T1', 'T2', 'T3', 'T4' or NULL

#test a text id
DELETE FROM p; INSERT INTO p VALUES ('x1', 'a', 'T1', vec_f32('[1,0]'));
SELECT * FROM safety_sample('sss', 1, '{"pool": "p"}');
#error safety_sample: the pool relation "p" has an id that is not an INTEGER (x1)

#test a missing embedding names the example
DELETE FROM p; INSERT INTO p VALUES (1, 'a', 'T1', vec_f32('[1,0]')), (17, 'a', 'T1', NULL);
SELECT * FROM safety_sample('pss-b', 1, '{"pool": "p"}');
#error safety_sample: pool example 17 has no embedding

#test an ineligible example may lack an embedding
DELETE FROM p; INSERT INTO p VALUES (1, 'a', 'T1', vec_f32('[1,0]')), (17, 'a', 'T2', NULL);
SELECT id FROM safety_sample('pss-b', 1, '{"pool": "p"}');
#expect
1

#test a zero embedding names the example
DELETE FROM p; INSERT INTO p VALUES (1, 'a', 'T1', vec_f32('[1,0]')), (18, 'a', 'T1', vec_f32('[0,0]'));
SELECT * FROM safety_sample('pss', 1, '{"pool": "p"}');
#error safety_sample: pool example 18 has a zero embedding

#test a NaN embedding names the example and element
DELETE FROM p; INSERT INTO p VALUES (19, 'a', 'T1', x'0000803F0000C07F');
SELECT * FROM safety_sample('cossim', 1, '{"pool": "p"}');
#error safety_sample: pool example 19 has an embedding whose element 1 is NaN

#test a short embedding blob
DELETE FROM p; INSERT INTO p VALUES (20, 'a', 'T1', x'000080');
SELECT * FROM safety_sample('pss', 1, '{"pool": "p"}');
#error safety_sample: pool example 20 has an embedding of 3 bytes, which is not a float32 vector

#test mismatched embedding dimensions name both sizes
DELETE FROM p; INSERT INTO p VALUES (1, 'a', 'T1', vec_f32('[1,0]')), (21, 'b', 'T1', vec_f32('[1,0,0]'));
SELECT * FROM safety_sample('pss', 1, '{"pool": "p"}');
#error safety_sample: pool example 21 has a 3-dimensional embedding but others have 2 (dimension mismatch 3 vs 2)

#test two different embeddings for one example
DELETE FROM p; INSERT INTO p VALUES (22, 'a', 'T1', vec_f32('[1,0]')), (22, 'b', 'T1', vec_f32('[0,1]'));
SELECT * FROM safety_sample('pss', 1, '{"pool": "p"}');
#error safety_sample: pool example 22 has two different embeddings

#test JSON text embeddings are accepted
DELETE FROM p; INSERT INTO p VALUES (1, 'a', 'T1', '[1,0]'), (2, 'a', 'T1', '[0.9,0.1]'), (2, 'b', 'T1', '[0.9,0.1]');
SELECT id, category FROM safety_sample('pss', 1, '{"pool": "p"}');
#expect
2|b

#test a category whose prototype is the zero vector
DELETE FROM p; INSERT INTO p VALUES (1, 'a', 'T1', vec_f32('[1,0]')), (2, 'a', 'T1', vec_f32('[-1,0]'));
SELECT * FROM safety_sample('pss', 1, '{"pool": "p"}');
#error safety_sample: the prototype of category 'a' is a zero vector

#test an empty pool relation
DELETE FROM p;
SELECT * FROM safety_sample('random', 1, '{"pool": "p"}');
#error safety_sample: only 0 eligible examples (any behaviour) for a budget of 1

#test an empty pool with allow_short returns no rows
SELECT count(*) FROM safety_sample('pss', 3, '{"pool": "p", "allow_short": true}');
#expect
0

-- options errors name the key
#test options that are not JSON
SELECT * FROM safety_sample('sss', 1, '{seed: 1}');
#error safety_sample: options are not valid JSON

#test options that are not an object
SELECT * FROM safety_sample('sss', 1, '[1]');
#error safety_sample: options must be a JSON object

#test unknown option
SELECT * FROM safety_sample('sss', 1, '{"sed": 1}');
#error safety_sample: unknown option "sed"; the known options are seed, pool, reference, task, task_size, behavior, categories, fill, allow_short

#test seeds, safety_sweep's option, says where it belongs
SELECT * FROM safety_sample('sss', 1, '{"seeds": [1, 2]}');
#error safety_sample: unknown option "seeds"; seeds (a list) is safety_sweep's, here give one seed; the known options are seed, pool

#test seed of the wrong type
SELECT * FROM safety_sample('sss', 1, '{"seed": "1"}');
#error safety_sample: option seed must be a whole number

#test fractional seed
SELECT * FROM safety_sample('sss', 1, '{"seed": 1.5}');
#error safety_sample: option seed must be a whole number

#test pool of the wrong type
SELECT * FROM safety_sample('sss', 1, '{"pool": 3}');
#error safety_sample: option pool must be the name of a table or view

#test empty reference name
SELECT * FROM safety_sample('sss', 1, '{"reference": ""}');
#error safety_sample: option reference must be the name of a table or view

#test task_size zero
SELECT * FROM safety_sample('sss', 0.5, '{"task_size": 0}');
#error safety_sample: option task_size must be a positive whole number

#test behavior unknown type
SELECT * FROM safety_sample('sss', 1, '{"behavior": "T5"}');
#error safety_sample: option behavior must be one of "T1", "T2", "T3", "T4" or a non-empty array of them

#test behavior empty array
SELECT * FROM safety_sample('sss', 1, '{"behavior": []}');
#error safety_sample: option behavior must be one of

#test categories not an array
SELECT * FROM safety_sample('sss', 1, '{"categories": "crime"}');
#error safety_sample: option categories must be a non-empty array of category names

#test categories with a non-string
SELECT * FROM safety_sample('sss', 1, '{"categories": ["crime", 2]}');
#error safety_sample: option categories must be an array of strings; element 1 is not a string

#test fill unknown
SELECT * FROM safety_sample('sss', 1, '{"fill": "best"}');
#error safety_sample: option fill must be "random", "score" (cossim only) or "none"

#test fill score outside cossim
SELECT * FROM safety_sample('pss', 1, '{"fill": "score"}');
#error safety_sample: option fill "score" is only for cossim and cossim-b; use "random" or "none" with pss

#test fill none for random, which has no category quotas
SELECT * FROM safety_sample('random-b', 1, '{"fill": "none"}');
#error safety_sample: option fill "none" would return nothing for random-b, which has no category quotas (every row is a fill); drop the option

#test allow_short of the wrong type
SELECT * FROM safety_sample('sss', 1, '{"allow_short": 1}');
#error safety_sample: option allow_short must be true or false

-- ---- errors while reading, and embeddings of the wrong type -------------

#setup
CREATE VIEW badview AS SELECT 1 AS id, 'a' AS category, 'T1' AS behavior, json_extract('bad', '$') AS embedding;
CREATE VIEW badref AS SELECT 'a' AS category, json_extract('bad', '$') AS embedding;
CREATE VIEW badtask AS SELECT 1 AS x WHERE json_extract('bad', '$') IS NULL;
CREATE TABLE p_types(id, category, behavior, embedding);

#test a pool relation that fails while it is read names the relation and the cause
SELECT * FROM safety_sample('pss', 1, '{"pool": "badview"}');
#error safety_sample: reading the pool relation "badview" failed: malformed JSON

#test a reference relation that fails while it is read
SELECT * FROM safety_sample('cossim', 1, '{"reference": "badref"}');
#error safety_sample: reading the reference relation "badref" failed: malformed JSON

#test a task relation that fails while it is counted
SELECT * FROM safety_sample('sss', 0.5, '{"task": "badtask"}');
#error safety_sample: counting the task relation "badtask" failed: malformed JSON

#test an INTEGER embedding
INSERT INTO p_types VALUES (1, 'a', 'T1', 1);
SELECT * FROM safety_sample('pss', 1, '{"pool": "p_types"}');
#error safety_sample: pool example 1 has an INTEGER embedding; store a float32 BLOB (vec_f32(...))

#test a REAL embedding
DELETE FROM p_types; INSERT INTO p_types VALUES (3, 'a', 'T1', 0.5);
SELECT * FROM safety_sample('pss', 1, '{"pool": "p_types"}');
#error safety_sample: pool example 3 has a REAL embedding

#test malformed JSON text as an embedding
DELETE FROM p_types; INSERT INTO p_types VALUES (2, 'a', 'T1', '[1,');
SELECT * FROM safety_sample('pss', 1, '{"pool": "p_types"}');
#error safety_sample: pool example 2 has an invalid embedding: malformed JSON near byte 2

#test the task option must name a relation
SELECT * FROM safety_sample('sss', 1, '{"task": 5}');
#error safety_sample: option task must be the name of a table or view, as a non-empty string
