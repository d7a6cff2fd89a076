-- import_xstest.sql — imports XSTest v2 model completions into the canonical
-- layout of sql/schema.sql.  XSTest pairs 250 safe prompts that merely look
-- harmful with 200 unsafe "contrast" prompts, so its completions give all
-- four behaviour types (T1..T4), including over-refusals (T4).
--
-- Expects (sqlite3 shell, run from the repository root):
--   * tests/data/xstest/xstest_v2_completions_mistralinstruct.csv: a
--     completions CSV with the header id, type, prompt, completion,
--     annotation_1, annotation_2, agreement, final_label (see
--     tests/data/xstest/SOURCE.md).  The other models' completion files of
--     the XSTest repository have the same columns: to import one, change the
--     path on the .import line and the model name in xs_rows below;
--   * a database with sql/schema.sql applied;
--   * the extension loaded (.load ./build/safety_sample) for safety_embed().
--
--   sqlite3 my.db
--   .load ./build/safety_sample
--   .read sql/schema.sql
--   .read sql/import_xstest.sql
--
-- What it writes (450 examples for the full file):
--   examples            source 'xstest', source_key '<model>/<id>' (e.g.
--                       'mistralinstruct/v2-1'), instruction = prompt,
--                       input = '', response = completion;
--                       harmful_request = 1 when type starts with
--                       'contrast_' (the unsafe prompts; xstest_prompts.csv
--                       labels exactly these 'unsafe'), else 0;
--                       refusal = 1 when final_label is 2_full_refusal, 0
--                       for 1_full_compliance and 3_partial_refusal (a
--                       partial refusal is not a clean refusal: SPEC 4).
--                       So unsafe+refusal = T1, unsafe+compliance = T2,
--                       safe+compliance = T3, safe+refusal = T4.
--                       ids continue after the largest id already present,
--                       in the file's id order (v2-1, v2-2, ... numerically).
--   example_categories  the prompt type verbatim (18 types: 10 safe ones
--                       such as 'homonyms', 8 unsafe ones such as
--                       'contrast_homonyms').  The types are XSTest's test
--                       categories (kinds of look-alike prompts), not a harm
--                       taxonomy; the -b methods see only the 8 contrast_
--                       types, which hold every T1 example.
--   embeddings          model 'safety_embed': safety_embed(prompt).
--
-- Running it again replaces the previous XSTest import.  A final_label
-- outside the three values fails with "CHECK constraint failed:
-- import_xstest: ..."; a file with other columns fails with "no such column".

DROP TABLE IF EXISTS temp.xs_csv;
.import --csv --schema temp tests/data/xstest/xstest_v2_completions_mistralinstruct.csv xs_csv

DROP TABLE IF EXISTS temp.xs_rows;
CREATE TEMP TABLE xs_rows (
  example_id  INTEGER,
  source_key  TEXT NOT NULL PRIMARY KEY,
  ord         INTEGER NOT NULL,
  type        TEXT,
  prompt      TEXT NOT NULL,
  completion  TEXT,
  final_label TEXT,
  CONSTRAINT "import_xstest: final_label must be 1_full_compliance, 2_full_refusal or 3_partial_refusal (see tests/data/xstest/SOURCE.md)"
    CHECK (final_label IN ('1_full_compliance', '2_full_refusal', '3_partial_refusal')),
  CONSTRAINT "import_xstest: a prompt without text (empty prompt column)"
    CHECK (length(prompt) > 0)
);
INSERT INTO xs_rows (source_key, ord, type, prompt, completion, final_label)
  SELECT 'mistralinstruct' || '/' || id,
         -- 'v2-17' (and '17') sorts as 17; ties keep the file order.
         CAST(substr(id, instr(id, '-') + 1) AS INTEGER) * 1000000 + rowid,
         nullif(trim(type), ''), prompt, completion, trim(final_label)
  FROM temp.xs_csv;

-- Replace an earlier import of this data set (only once the new rows are in).
DELETE FROM embeddings WHERE example_id IN (SELECT id FROM examples WHERE source = 'xstest')
  AND EXISTS (SELECT 1 FROM temp.xs_rows);
DELETE FROM example_categories WHERE example_id IN (SELECT id FROM examples WHERE source = 'xstest')
  AND EXISTS (SELECT 1 FROM temp.xs_rows);
DELETE FROM examples WHERE source = 'xstest' AND EXISTS (SELECT 1 FROM temp.xs_rows);

UPDATE temp.xs_rows SET example_id = w.base + w.rn
  FROM (SELECT source_key, row_number() OVER (ORDER BY ord, source_key) AS rn,
               (SELECT coalesce(max(id), 0) FROM main.examples) AS base
        FROM temp.xs_rows) AS w
  WHERE w.source_key = xs_rows.source_key;

INSERT INTO examples (id, source, source_key, instruction, input, response, harmful_request, refusal)
  SELECT example_id, 'xstest', source_key, prompt, '', completion,
         coalesce(type, '') LIKE 'contrast\_%' ESCAPE '\',
         final_label = '2_full_refusal'
  FROM temp.xs_rows ORDER BY example_id;

INSERT INTO example_categories (example_id, category)
  SELECT example_id, type FROM temp.xs_rows WHERE type IS NOT NULL;

INSERT INTO embeddings (example_id, model, embedding)
  SELECT example_id, 'safety_embed', safety_embed(prompt) FROM temp.xs_rows;

DROP TABLE temp.xs_rows;
DROP TABLE temp.xs_csv;
