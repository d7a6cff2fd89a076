-- sweep.sql — safety_sweep(methods, budgets [, options]) (contract section
-- 8): every combination's rows are exactly those of its own safety_sample
-- call, in grid order (tests/data/sweep_check.sql compares them row by row
-- on the pseudo-random pool of tests/data/sweep_pool.sql, whose shared
-- embeddings make ties), under every option; the columns; and the errors,
-- each prefixed with its combination.
#read sql/schema.sql
#read tests/data/sweep_pool.sql
#read tests/data/sweep_check.sql

-- ---- every combination equals its single call ----

#test every method x 5 budgets (counts and a fraction) x 4 seeds, allow_short
DELETE FROM temp.sweep_case;
INSERT INTO temp.sweep_case VALUES
  ('["random","random-b","sss","sss-b","pss","pss-b","cossim","cossim-b","fl","fl-b"]',
   '[1, 5, 0.02, 37, 150]', '{"seeds": [0, 1, 7, -3], "allow_short": true}');
SELECT * FROM temp.sweep_check;
#true

#test pool rows in descending id order (the cossim lists are made after the read, not as the rows arrive), budgets above the T1 count
CREATE VIEW pool_desc AS SELECT * FROM safety_pool ORDER BY id DESC;
DELETE FROM temp.sweep_case;
INSERT INTO temp.sweep_case VALUES
  ('["cossim","cossim-b","pss","sss-b"]', '[1, 9, 40, 150]',
   '{"seeds": [0, 3], "pool": "pool_desc", "allow_short": true}');
SELECT * FROM temp.sweep_check;
#true

#test pool rows in order but for one early id read last (the ids go out of order late, after many rows were offered to the lists)
CREATE VIEW pool_late AS SELECT * FROM safety_pool ORDER BY id = (SELECT min(id) + 1 FROM safety_pool), id;
DELETE FROM temp.sweep_case;
INSERT INTO temp.sweep_case VALUES
  ('["cossim","cossim-b","pss-b"]', '[1, 9, 40, 150]',
   '{"seeds": [0, 3], "pool": "pool_late", "allow_short": true}');
SELECT * FROM temp.sweep_check;
#true

#test group: every method x 4 budgets x 5 seeds, one per instruction (the list path is off; ties among shared embeddings)
DELETE FROM temp.sweep_case;
INSERT INTO temp.sweep_case VALUES
  ('["random","sss","sss-b","pss","pss-b","cossim","cossim-b","fl"]',
   '[1, 4, 30, 120]', '{"seeds": [0, 1, 2, 7, -3], "group": "instruction", "allow_short": true}');
SELECT * FROM temp.sweep_check;
#true

#test group with a behaviour filter and score fill off: views of the read keep the groups
DELETE FROM temp.sweep_case;
INSERT INTO temp.sweep_case VALUES
  ('["pss","cossim","sss"]', '[3, 25]',
   '{"seeds": [3, 4], "group": "instruction", "behavior": ["T1", "T2"], "fill": "none"}');
SELECT * FROM temp.sweep_check;
#true

#test group: the rows of one sweep hold one example per instruction in every combination
SELECT count(*), sum(k > 1), count(DISTINCT method || seed)
FROM (SELECT w.method, w.seed, p.instruction, count(*) AS k
      FROM safety_sweep('["pss","cossim","sss"]', 60, '{"seeds": [0, 5], "group": "instruction"}') AS w
      JOIN (SELECT DISTINCT id, instruction FROM safety_pool) AS p ON p.id = w.id
      GROUP BY 1, 2, 3);
#expect
360|0|6

#test one method name and one budget, the seed option (no seeds)
DELETE FROM temp.sweep_case;
INSERT INTO temp.sweep_case VALUES ('pss-b', 12, '{"seed": 5}');
SELECT * FROM temp.sweep_check;
#true

#test no options: seed 0
DELETE FROM temp.sweep_case;
INSERT INTO temp.sweep_case VALUES ('["sss", "cossim"]', '[3, 30]', NULL);
SELECT * FROM temp.sweep_check;
#true

#test a behaviour filter and listed categories shared by every combination
DELETE FROM temp.sweep_case;
INSERT INTO temp.sweep_case VALUES
  ('["random","sss","pss","cossim","fl","pss-b"]', '[4, 20, 60]',
   '{"seeds": [2, 3], "behavior": ["T1", "T4"], "categories": ["c1", "c2", "c3"], "allow_short": true}');
SELECT * FROM temp.sweep_check;
#true

#test dedup and proportional quotas
DELETE FROM temp.sweep_case;
INSERT INTO temp.sweep_case VALUES
  ('["sss-b","pss","pss-b","cossim","fl-b"]', '[6, 40]',
   '{"seeds": [0, 9], "dedup": 0.97, "quota": "proportional", "allow_short": true}');
SELECT * FROM temp.sweep_check;
#true

#test fill none and explicit quotas
DELETE FROM temp.sweep_case;
INSERT INTO temp.sweep_case VALUES
  ('["sss","pss-b","fl"]', '[10, 25]',
   '{"seeds": [4], "fill": "none", "quota": {"c1": 3, "c4": 2}}');
SELECT * FROM temp.sweep_check;
#true

#test contrast rows
DELETE FROM temp.sweep_case;
INSERT INTO temp.sweep_case VALUES
  ('["pss-b","sss-b","cossim-b"]', '[8, 20]', '{"seeds": [0, 1], "contrast": 0.25}');
SELECT * FROM temp.sweep_check;
#true

#test method names are case-insensitive, as for safety_sample
DELETE FROM temp.sweep_case;
INSERT INTO temp.sweep_case VALUES ('["PSS-B", "Random"]', '[5]', '{}');
SELECT * FROM temp.sweep_check;
#true

-- The check itself fails when a combination differs: a sweep compared
-- with single calls under another seed does not match.
#test the comparison can fail: another seed's rows differ
WITH single AS (SELECT id, rank FROM safety_sample('sss', 30, '{"seed": 1}')),
     sweep AS (SELECT id, rank FROM safety_sweep('sss', 30, '{"seeds": [2]}'))
SELECT EXISTS (SELECT * FROM single EXCEPT SELECT * FROM sweep);
#true

-- ---- columns ----

#test columns: method and budget as given, seed, then the rows of each call
SELECT method, budget, typeof(budget), seed, count(*), min(rank), max(rank)
FROM safety_sweep('["pss-b", "SSS"]', '[0.005, 3]', '{"seeds": [1, 2]}')
GROUP BY method, budget, seed ORDER BY min(rowid);
#expect
pss-b|0.005|real|1|5|1|5
pss-b|0.005|real|2|5|1|5
pss-b|3|integer|1|3|1|3
pss-b|3|integer|2|3|1|3
SSS|0.005|real|1|5|1|5
SSS|0.005|real|2|5|1|5
SSS|3|integer|1|3|1|3
SSS|3|integer|2|3|1|3

#test hidden columns carry the arguments
SELECT DISTINCT methods, budgets, options FROM safety_sweep('["sss"]', '[2]', '{"seeds": [3]}');
#expect
["sss"]|[2]|{"seeds": [3]}

#test the seed column defaults to options.seed, else 0
SELECT (SELECT group_concat(DISTINCT seed) FROM safety_sweep('sss', 2, '{"seed": 11}')),
       (SELECT group_concat(DISTINCT seed) FROM safety_sweep('sss', 2));
#expect
11|0

-- safety_sample takes a seed written 1e3 as 1000 (a whole number): the seed
-- column must name the seed the rows were drawn with, not 0.
#test the seed column is a whole-number seed written as a real, as the rows use it
SELECT (SELECT group_concat(DISTINCT seed) FROM safety_sweep('sss', 4, '{"seed": 1e3}')),
       (SELECT group_concat(id) FROM safety_sweep('sss', 4, '{"seed": 1e3}'))
       = (SELECT group_concat(id) FROM safety_sample('sss', 4, '{"seed": 1000}'));
#expect
1000|1

#test it works under PRAGMA query_only
PRAGMA query_only = 1;
SELECT count(*) FROM safety_sweep('["pss-b", "cossim"]', '[3, 4]');
#expect
14

#setup
PRAGMA query_only = 0;

-- ---- errors: a combination's error, prefixed with it ----

#test too few eligible: the failing combination names itself
SELECT count(*) FROM safety_sweep('["sss", "pss-b"]', '[10, 400]', '{"seeds": [1]}');
#error ^safety_sweep: pss-b, budget 400, seed 1: only 123 eligible examples

#test an unknown method is its combination's error, listing the known ones
SELECT count(*) FROM safety_sweep('["sss", "pps-b"]', '[10]');
#error ^safety_sweep: pps-b, budget 10, seed 0: unknown method 'pps-b'; the known methods are random

#test a bad budget inside the array is its combination's error
SELECT count(*) FROM safety_sweep('["sss"]', '[10, 2.5]');
#error ^safety_sweep: sss, budget 2.5, seed 0: budget 2.5 is not a whole number

#test a fractional budget rounding to 0
SELECT count(*) FROM safety_sweep('sss', '[0.0001]');
#error ^safety_sweep: sss, budget 0.0001, seed 0: budget 0.0001 of a fine-tuning set of 1000 examples rounds to 0

#test an option that does not fit one method is that method's error
SELECT count(*) FROM safety_sweep('["sss", "random"]', 5, '{"fill": "none"}');
#error ^safety_sweep: random, budget 5, seed 0: option fill "none"

#test an unknown option is named
SELECT count(*) FROM safety_sweep('sss', 5, '{"seeds": [1], "sed": 2}');
#error ^safety_sweep: 
#test the unknown option's name is in the message
SELECT count(*) FROM safety_sweep('sss', 5, '{"seeds": [1], "sed": 2}');
#error sed

#test seeds must be an array of integers
SELECT count(*) FROM safety_sweep('sss', 5, '{"seeds": [1, 2.5]}');
#error ^safety_sweep: option seeds must be a JSON array of integers

#test seeds must not be empty
SELECT count(*) FROM safety_sweep('sss', 5, '{"seeds": []}');
#error ^safety_sweep: option seeds must be a JSON array of integers

#test seeds must be an array
SELECT count(*) FROM safety_sweep('sss', 5, '{"seeds": 3}');
#error ^safety_sweep: option seeds must be a JSON array of integers

#test seed and seeds together are ambiguous
SELECT count(*) FROM safety_sweep('sss', 5, '{"seed": 1, "seeds": [2]}');
#error ^safety_sweep: give option seed or option seeds, not both

#test methods must be a name or an array of names
SELECT count(*) FROM safety_sweep('["sss", 3]', 5);
#error ^safety_sweep: methods must be a method name or a JSON array of method names

#test an empty methods array
SELECT count(*) FROM safety_sweep('[]', 5);
#error ^safety_sweep: methods must be a method name or a JSON array of method names

#test NULL methods
SELECT count(*) FROM safety_sweep(NULL, 5);
#error ^safety_sweep: methods must be a method name or a JSON array of method names

#test budgets must be a number or an array of numbers
SELECT count(*) FROM safety_sweep('sss', 'ten');
#error ^safety_sweep: budgets must be a number or a JSON array of numbers

#test an empty budgets array
SELECT count(*) FROM safety_sweep('sss', '[]');
#error ^safety_sweep: budgets must be a number or a JSON array of numbers

#test a budget that is not a number inside the array
SELECT count(*) FROM safety_sweep('sss', '[5, "x"]');
#error ^safety_sweep: budgets must be a number or a JSON array of numbers

#test options must be a JSON object
SELECT count(*) FROM safety_sweep('sss', 5, '[1]');
#error ^safety_sweep: 

#test methods and budgets are required
SELECT count(*) FROM safety_sweep;
#error ^safety_sweep: needs methods and budgets

#test a missing pool relation is named
SELECT count(*) FROM safety_sweep('sss', 5, '{"pool": "no_such_pool"}');
#error no_such_pool
