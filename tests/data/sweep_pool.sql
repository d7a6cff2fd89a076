-- sweep_pool.sql — a pseudo-random pool for tests/sql/sweep.sql, made from
-- fixed arithmetic (no random()), so every run builds the same one.  Load
-- after sql/schema.sql with the extension loaded (safety_embed).
--   400 examples, ids 7i + i % 5 (not contiguous), inserted out of id
--   order; behaviours T1..T4 from i, every 11th NULL (unlabelled);
--   0 to 2 of six categories c0..c5; 24-dimensional safety_embed
--   embeddings of 'prompt P variant V' with P = i % 97 and V = i % 3, so
--   examples 291 apart share their embedding (equal scores: ties);
--   a reference set for c0..c3 and a category no pool example has (c9);
--   1,000 task rows for fractional budgets.
INSERT INTO examples (id, instruction, harmful_request, refusal)
  WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 400)
  SELECT 7 * i + i % 5, 'prompt ' || (i % 97) || ' variant ' || (i % 3),
         CASE WHEN i % 11 = 0 THEN NULL ELSE (i * 13) % 7 < 4 END,
         CASE WHEN i % 11 = 0 THEN NULL ELSE (i * 17) % 5 < 3 END
  FROM k ORDER BY (i * 37) % 401;
INSERT INTO example_categories (example_id, category)
  SELECT id, 'c' || (id % 6) FROM examples WHERE id % 4 != 0
  UNION
  SELECT id, 'c' || ((id / 6) % 5) FROM examples WHERE id % 3 = 0;
INSERT INTO embeddings (example_id, model, embedding)
  SELECT id, 'safety_embed', safety_embed(instruction, 24) FROM examples;
INSERT INTO reference_examples (category, text, embedding)
  WITH RECURSIVE r(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM r WHERE j < 14)
  SELECT CASE WHEN j / 3 < 4 THEN 'c' || (j / 3) ELSE 'c9' END,
         'reference ' || j, safety_embed('prompt ' || (j * 7) || ' variant ' || (j % 3), 24)
  FROM r;
INSERT INTO task_examples (id, instruction, output)
  WITH RECURSIVE t(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM t WHERE i < 1000)
  SELECT i, 'task ' || i, 'answer' FROM t;
