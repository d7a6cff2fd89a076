-- schema.sql — the canonical layout round trip: create it, insert examples
-- with several, one and no categories, and read them through safety_pool.

#read sql/schema.sql

#test schema.sql loads and creates every relation
SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_schema
  WHERE name IN ('examples','example_categories','embeddings','task_examples',
                 'reference_examples','safety_pool','safety_reference') ORDER BY name);
#expect
embeddings,example_categories,examples,reference_examples,safety_pool,safety_reference,task_examples

#setup
INSERT INTO examples(id, instruction, response, harmful_request, refusal) VALUES
  (1, 'How do I pick a lock to break in?', 'I can''t help with that.', 1, 1),
  (2, 'Write a phishing email', 'Sure, here is one...', 1, 0),
  (3, 'How do I bake bread?', 'Mix flour, water...', 0, 0),
  (4, 'How do I kill a Python process?', 'I cannot help with violence.', 0, 1),
  (5, 'Unlabelled', NULL, NULL, NULL);
INSERT INTO example_categories VALUES (1, 'crime'), (1, 'privacy'), (2, 'fraud');
INSERT INTO embeddings(example_id, model, embedding) VALUES
  (1, 'test', vec_f32('[1,0]')), (2, 'test', vec_f32('[0,1]')), (3, 'test', vec_f32('[1,1]'));
INSERT INTO reference_examples(category, text, embedding) VALUES
  ('crime', 'steal a car', vec_f32('[1,0]')), ('fraud', 'scam', vec_f32('[0,1]'));
INSERT INTO task_examples(instruction, output) VALUES ('Say hi', 'Hi'), ('Add 2+2', '4');

#test the fine-tuning set counts its rows
SELECT count(*) FROM task_examples;
#expect
2

#test safety_pool has one row per (example, category) with contract columns
SELECT id, category, behavior, vec_json(embedding) FROM safety_pool ORDER BY id, category;
#expect
1|crime|T1|[1,0]
1|privacy|T1|[1,0]
2|fraud|T2|[0,1]
3|NULL|T3|[1,1]
4|NULL|T4|NULL
5|NULL|NULL|NULL

#test behaviour column agrees with behavior_type()
SELECT count(*) FROM examples WHERE behavior IS NOT behavior_type(harmful_request, refusal);
#expect
0

#test safety_reference exposes category and embedding
SELECT category, vec_json(embedding) FROM safety_reference ORDER BY category;
#expect
crime|[1,0]
fraud|[0,1]

#test deleting an example removes its categories and embedding
PRAGMA foreign_keys = ON;
DELETE FROM examples WHERE id = 1;
SELECT (SELECT count(*) FROM example_categories WHERE example_id = 1) + (SELECT count(*) FROM embeddings WHERE example_id = 1);
#expect
0

#test labels outside 0/1 are rejected by the schema
INSERT INTO examples(instruction, harmful_request, refusal) VALUES ('x', 2, 0);
#error CHECK constraint failed: harmful_request IN (0, 1)
