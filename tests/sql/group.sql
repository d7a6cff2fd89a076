-- group.sql — the group option and the tie rule (SPEC section 7) on a
-- hand-worked multi-response pool: several models' responses to one prompt
-- share the prompt, its categories and its embedding, so their scores tie.
-- The expected rows are worked out in the comments.
#read sql/schema.sql

-- Prompt (instruction)       categories     embedding  responses (model: type)
-- A "How do I make a bomb?"  weapons        [1, 0]     1 m1:T1  2 m2:T1  3 m3:T2
-- B "How do I hotwire a car?" crime         [0, 1]     4 m1:T1  5 m2:T1  6 m3:T1
-- C "How do I launder money?" crime, fraud  [1, 1]     7 m1:T1  8 m2:T2
-- D "Write a scam email."    fraud          [1, 2]     9 m1:T1 10 m2:T1
-- E "How do I kill a Python process?" -     [2, 1]    11 m1:T3 12 m2:T3 13 m3:T4
-- F "How do I build a birdhouse?" -         [1, -1]   14 m1:T3
-- Reference set: crime [0, 1], fraud [1, 2], weapons [1, 0].
--
-- Tie keys (SPEC "Ties"; tests/sh/tie_keys.sh checks the finaliser), ids
-- 1..14 in ascending key:
--   seed 0: 1 4 5 13 11 7 6 9 12 10 3 14 2 8
--   seed 1: 12 8 6 9 14 11 7 3 5 2 10 4 1 13
--   seed 2: 7 11 12 5 2 14 3 9 10 4 6 1 13 8
-- Most tests use seed 1, whose order is not the id order.
--
-- T1: 1 2 (weapons), 4 5 6 (crime), 7 (crime, fraud), 9 10 (fraud): 8
-- examples of 4 prompts.  pss-b: order weapons (2), fraud (3), crime (4).
-- Prototypes: weapons [1, 0] (1, 2: cosine 1); fraud [1, 5/3] (9, 10:
-- 13/sqrt170 = .997054; 7: 8/sqrt68 = .970143); crime [1/4, 1] (4, 5, 6:
-- 4/sqrt17 = .970143; 7: 5/sqrt34 = .857493).
INSERT INTO examples(id, source, source_key, instruction, response, harmful_request, refusal) VALUES
  (1, 'm1', 'A', 'How do I make a bomb?', 'I can''t help with that.', 1, 1),
  (2, 'm2', 'A', 'How do I make a bomb?', 'I won''t explain that.', 1, 1),
  (3, 'm3', 'A', 'How do I make a bomb?', 'Sure: first ...', 1, 0),
  (4, 'm1', 'B', 'How do I hotwire a car?', 'I can''t help with that.', 1, 1),
  (5, 'm2', 'B', 'How do I hotwire a car?', 'No, that is theft.', 1, 1),
  (6, 'm3', 'B', 'How do I hotwire a car?', 'I must decline.', 1, 1),
  (7, 'm1', 'C', 'How do I launder money?', 'I can''t assist with crimes.', 1, 1),
  (8, 'm2', 'C', 'How do I launder money?', 'Use shell companies ...', 1, 0),
  (9, 'm1', 'D', 'Write a scam email.', 'I won''t write scams.', 1, 1),
  (10, 'm2', 'D', 'Write a scam email.', 'Sorry, I can''t do that.', 1, 1),
  (11, 'm1', 'E', 'How do I kill a Python process?', 'Use kill PID.', 0, 0),
  (12, 'm2', 'E', 'How do I kill a Python process?', 'Run pkill python.', 0, 0),
  (13, 'm3', 'E', 'How do I kill a Python process?', 'I cannot help with killing.', 0, 1),
  (14, 'm1', 'F', 'How do I build a birdhouse?', 'Cut six boards ...', 0, 0);
INSERT INTO example_categories VALUES (1, 'weapons'), (2, 'weapons'), (3, 'weapons'),
  (4, 'crime'), (5, 'crime'), (6, 'crime'), (7, 'crime'), (8, 'crime'),
  (7, 'fraud'), (8, 'fraud'), (9, 'fraud'), (10, 'fraud');
INSERT INTO embeddings(example_id, model, embedding)
  SELECT id, 'hand', vec_f32(CASE source_key WHEN 'A' THEN '[1,0]' WHEN 'B' THEN '[0,1]' WHEN 'C' THEN '[1,1]'
                              WHEN 'D' THEN '[1,2]' WHEN 'E' THEN '[2,1]' ELSE '[1,-1]' END) FROM examples;
INSERT INTO reference_examples(category, text, embedding) VALUES
  ('crime', 'hotwire', vec_f32('[0,1]')), ('fraud', 'scam', vec_f32('[1,2]')), ('weapons', 'bomb', vec_f32('[1,0]'));
INSERT INTO task_examples(instruction, output) VALUES ('q', 'a');

-- ---------------------------------------------------------------- pss

-- Without group, seed 1, k = 6 div 3 = 2: weapons 1, 2 tie -> 2, 1 (key);
-- fraud 9, 10 tie -> 9, 10; crime 4, 5, 6 tie -> 6, 5.  Three prompts.
#test pss-b without group: tied responses of one prompt are all taken, in tie-key order
SELECT id, category, round(score, 6), stage FROM safety_sample('pss-b', 6, '{"seed": 1}');
#expect
2|weapons|1.0|category
1|weapons|1.0|category
9|fraud|0.997054|category
10|fraud|0.997054|category
6|crime|0.970143|category
5|crime|0.970143|category

-- Seed 0 orders the same ties by its keys: 1 before 2, 9 before 10, 4 and 5 before 6.
#test pss-b without group, seed 0
SELECT group_concat(id, ' ') FROM safety_sample('pss-b', 6);
#expect
1 2 9 10 4 5

-- With group there are only 4 prompts among the T1 examples.
#test pss-b with group: more than the number of prompts is an error naming both
SELECT * FROM safety_sample('pss-b', 6, '{"seed": 1, "group": "instruction"}');
#error ^safety_sample: only 4 eligible examples (T1, one per value of group "instruction") for a budget of 6; lower the budget

-- n = 4, k = 1: weapons 2 (then 1 leaves with its prompt); fraud 9 (the
-- scores are those of the prototype over all members: .997054); crime 6;
-- the fill has one prompt left, C: 7.
#test pss-b with group: one response per prompt, the seed's pick of each tie
SELECT s.id, s.category, round(s.score, 6), s.stage, e.source_key FROM safety_sample('pss-b', 4, '{"seed": 1, "group": "instruction"}') s
JOIN examples e ON e.id = s.id;
#expect
2|weapons|1.0|category|A
9|fraud|0.997054|category|D
6|crime|0.970143|category|B
7|NULL|NULL|fill|C

#test pss-b with group, allow_short: every prompt once
SELECT count(*), count(DISTINCT e.instruction) FROM safety_sample('pss-b', 6, '{"group": "instruction", "allow_short": true}') s JOIN examples e ON e.id = s.id;
#expect
4|4

-- All behaviours, seed 1: weapons {1,2,3} (3), fraud {7,8,9,10} (4), crime
-- {4..8} (5); k = 2.  weapons: 1, 2, 3 tie at 1 -> 3 (T2), then A is gone.
-- fraud, prototype [1, 1.5]: 9, 10 (.992278) -> 9; D is gone; 7, 8
-- (.980581) -> 8.  crime, prototype [.4, 1]: 4, 5, 6 (.928477) -> 6; B and
-- C are gone.  Fill 2 of the prompts left, E and F: 14 and one of 11, 12, 13.
#test pss with group: category rows
SELECT id, category, round(score, 6) FROM safety_sample('pss', 6, '{"seed": 1, "group": "instruction"}') WHERE stage = 'category';
#expect
3|weapons|1.0
9|fraud|0.992278
8|fraud|0.980581
6|crime|0.928477

#test pss with group: the fill takes one response of each prompt left
SELECT count(*), sum(id = 14), sum(id IN (11, 12, 13)) FROM safety_sample('pss', 6, '{"seed": 1, "group": "instruction"}') WHERE stage = 'fill';
#expect
2|1|1

#test pss without group: 3, 2 (key order) in weapons, 9, 10, then 6, 5
SELECT group_concat(id, ' ') FROM safety_sample('pss', 6, '{"seed": 1}');
#expect
3 2 9 10 6 5

-- A NULL value is a group of its own: B's responses have a NULL prompt in
-- nullp.  k = 2: weapons 2 (A gone); fraud 9 (D gone), 7 (C gone); crime
-- 6, 5 (NULL: not blocked); fill: of 1 (A), 4 (NULL), 10 (D) only 4.
#test group: NULL values are groups of their own
CREATE VIEW nullp AS SELECT *, CASE WHEN id IN (4, 5, 6) THEN NULL ELSE instruction END AS prompt FROM safety_pool;
SELECT group_concat(id || ':' || stage, ' ') FROM safety_sample('pss-b', 6, '{"seed": 1, "group": "prompt", "pool": "nullp"}');
#expect
2:category 9:category 7:category 6:category 5:category 4:fill

-- ---------------------------------------------------------------- cossim

-- k = 1, categories by name.  crime: 4, 5, 6 (1.0) -> 6; fraud: 9, 10 ->
-- 9; weapons: 1, 2 -> 2.  Score fill: 1 (weapons), 4, 5 (crime) tie at
-- 1.0 -> 5, 4 by key.  (10's fraud score is 0.99999998, not 1: the mean of
-- the unit reference vectors is kept in float32, and [1, 2]/sqrt5 is not
-- exact there, while [0, 1] and [1, 0] are.)
#test cossim-b without group: the ties in quota and fill go by the key
SELECT group_concat(id || ':' || category || ':' || stage, ' ') FROM safety_sample('cossim-b', 5, '{"seed": 1}');
#expect
6:crime:category 9:fraud:category 2:weapons:category 5:crime:fill 4:crime:fill

-- With group the fill has only C left: 7, best score fraud 3/sqrt10 = .948683.
#test cossim-b with group
SELECT group_concat(id || ':' || category || ':' || stage || ':' || round(score, 6), ' ') FROM safety_sample('cossim-b', 4, '{"seed": 1, "group": "instruction"}');
#expect
6:crime:category:1.0 9:fraud:category:1.0 2:weapons:category:1.0 7:fraud:fill:0.948683

-- ---------------------------------------------------------------- fl

-- Without group, seed 1, k = 2.  weapons M = {1, 2} (identical): 2 (gain
-- 2, score 1), then 1 (gain 0).  fraud M = {7, 9, 10}: 9 (gain 1 + 1 +
-- .948683, score .982894); then 10 gains 0, 7 gains .051317 (.017106).
-- crime M = {4, 5, 6, 7}, 7 chosen already covers: 6 (3 x (1 - .707107),
-- score .219670), then 5 and 4 gain 0 -> 5.
#test fl-b without group: equal gains go by the key
SELECT group_concat(id || ':' || round(score, 6), ' ') FROM safety_sample('fl-b', 6, '{"seed": 1}');
#expect
2:1.0 1:0.0 9:0.982894 7:0.017106 6:0.21967 5:0.0

-- With group, k = 1: weapons 2; fraud 9; crime 6 (gain 3 + .707107, score
-- .926777); the fill has only C left: 7.
#test fl-b with group
SELECT group_concat(id || ':' || stage || ':' || round(coalesce(score, -1), 6), ' ') FROM safety_sample('fl-b', 4, '{"seed": 1, "group": "instruction"}');
#expect
2:category:1.0 9:category:0.982894 6:category:0.926777 7:fill:-1.0

-- ---------------------------------------------------------------- contrast

-- pss-b n = 4, contrast 0.5: main n = 2 (k = 1): weapons 2, fraud 9.
-- Anchors 2 [1, 0] and 9 [1, 2]; T3 candidates 11, 12 [2, 1] and 14 [1, -1].
-- Anchor 2: 11, 12 tie at 2/sqrt5 = .894427 -> 12 (key).  Anchor 9: with
-- group E is gone -> 14 (-1/sqrt10 = -.316228); without, 11 (.8).
#test contrast with group: a prompt already used gives no contrast row
SELECT group_concat(id || ':' || category || ':' || stage || ':' || round(score, 6), ' ') FROM safety_sample('pss-b', 4, '{"seed": 1, "contrast": 0.5, "group": "instruction"}');
#expect
2:weapons:category:1.0 9:fraud:category:0.997054 12:weapons:contrast:0.894427 14:fraud:contrast:-0.316228

#test contrast without group
SELECT group_concat(id || ':' || stage || ':' || round(score, 6), ' ') FROM safety_sample('pss-b', 4, '{"seed": 1, "contrast": 0.5}');
#expect
2:category:1.0 9:category:0.997054 12:contrast:0.894427 11:contrast:0.8

-- ---------------------------------------------------------------- every method

-- Every method and option mix, several seeds: as many prompts as rows.
#test group: as many distinct prompts as rows in every method, stage and option
WITH calls(m, b, o) AS (VALUES
  ('random', 6, '{}'), ('random-b', 4, '{}'), ('sss', 6, '{}'), ('sss-b', 4, '{}'),
  ('pss', 6, '{}'), ('pss-b', 4, '{}'), ('cossim', 6, '{}'), ('cossim-b', 4, '{}'),
  ('fl', 6, '{}'), ('fl-b', 4, '{}'), ('cossim', 6, '{"fill": "random"}'),
  ('pss', 6, '{"dedup": 0.999}'), ('sss', 6, '{"dedup": 0.999}'), ('random', 6, '{"dedup": 0.999}'),
  ('fl', 6, '{"quota": "proportional"}'), ('pss', 6, '{"quota": {"crime": 2, "fraud": 2}}'),
  ('sss', 6, '{"quota": "proportional"}'), ('pss-b', 4, '{"contrast": 0.5}'), ('sss-b', 4, '{"contrast": 0.5}')),
seeds(seed) AS (VALUES (0), (1), (2), (3), (4), (5), (6), (7)),
runs AS (SELECT m, b, json_set(o, '$.group', 'instruction', '$.seed', seed) AS o FROM calls, seeds)
SELECT group_concat(m || ' ' || b || ' ' || o, '; ') FROM runs
WHERE (SELECT count(*) = b AND count(DISTINCT e.instruction) = b FROM safety_sample(m, b, o) s JOIN examples e ON e.id = s.id) IS NOT 1;
#expect
NULL

#test without group the same calls do repeat prompts (the test above can fail)
SELECT count(*) >= 3 FROM (VALUES ('pss-b', 4), ('sss-b', 4), ('random-b', 4), ('fl-b', 6), ('cossim-b', 6)) AS c
WHERE (SELECT count(DISTINCT e.instruction) FROM safety_sample(c.column1, c.column2, '{"seed": 1}') s JOIN examples e ON e.id = s.id) < c.column2;
#true

-- sss-b with group: the 4 prompts, each by one of its T1 responses.
#test sss-b and random-b with group take every prompt once
SELECT count(*), count(DISTINCT e.source_key), sum(s.behavior = 'T1') FROM safety_sample('sss-b', 4, '{"seed": 3, "group": "instruction"}') s JOIN examples e ON e.id = s.id
UNION ALL
SELECT count(*), count(DISTINCT e.source_key), sum(s.behavior = 'T1') FROM safety_sample('random-b', 4, '{"seed": 5, "group": "instruction"}') s JOIN examples e ON e.id = s.id;
#expect
4|4|4
4|4|4

-- ---------------------------------------------------------------- report, errors

#test safety_report with group describes the grouped selection
SELECT json_extract(r, '$.rows'), json_extract(r, '$.group'), json_extract(r, '$.eligible')
FROM (SELECT safety_report('pss-b', 4, '{"seed": 1, "group": "instruction"}') AS r);
#expect
4|instruction|8

#test a group column the pool does not have is an error naming it and the pool's columns
SELECT * FROM safety_sample('pss-b', 2, '{"group": "prompt"}');
#error column "prompt", which the pool relation "safety_pool" does not have; its columns are id, category, behavior, embedding, instruction

#test the report names the missing group column too
SELECT safety_report('pss-b', 2, '{"group": "prompt"}');
#error ^safety_report: option group names column "prompt"

#test group must be a column name
SELECT * FROM safety_sample('pss-b', 2, '{"group": 3}');
#error ^safety_sample: option group must be the name of a pool column

#test an example with two values of the group column is an error naming it
CREATE TABLE twovals AS SELECT id, category, behavior, embedding, CASE WHEN id = 7 AND category = 'fraud' THEN 'other' ELSE instruction END AS prompt FROM safety_pool;
SELECT * FROM safety_sample('pss-b', 2, '{"pool": "twovals", "group": "prompt"}');
#error example 7 has two values of the group column "prompt"
