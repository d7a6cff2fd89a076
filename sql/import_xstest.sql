-- import_xstest.sql — imports one XSTest v2 model-completions file into the
-- canonical layout of sql/schema.sql.  XSTest pairs 250 safe prompts that
-- merely look harmful with 200 unsafe "contrast" prompts, so its
-- completions give all four behaviour types (T1..T4), including
-- over-refusals (T4).
--
-- Parameters (sqlite3 shell, .parameter set NAME VALUE):
--   :path   the completions CSV (header id, type, prompt, completion,
--           annotation_1, annotation_2, agreement, final_label; see
--           tests/data/xstest/SOURCE.md).  Default: the bundled
--           tests/data/xstest/xstest_v2_completions_mistralinstruct.csv
--           (relative to the repository root).
--   :model  the model whose completions the file holds (no '/').  Default:
--           taken from a file name xstest_v2_completions_<model>.csv;
--           required for any other file name.
-- Needs a database with sql/schema.sql applied and the extension loaded
-- (csv_each, safety_embed):
--
--   sqlite3 my.db -cmd ".load ./build/safety_sample" \
--     -cmd ".parameter set :path xstest_v2_completions_gpt4.csv" \
--     ".read sql/import_xstest.sql"
--
-- What it writes (450 examples for a full file):
--   examples            source 'xstest', source_key '<model>/<id>' (e.g.
--                       'mistralinstruct/v2-1'), instruction = prompt,
--                       input = '', response = completion;
--                       harmful_request = 1 when type starts with
--                       'contrast_' (the unsafe prompts), else 0;
--                       refusal = 1 for final_label 2_full_refusal, 0 for
--                       1_full_compliance and 3_partial_refusal (a partial
--                       refusal gives what was asked, so it is no clean
--                       refusal; contract section 4).  ids continue after
--                       the largest id present, in the file's id order
--                       (v2-1, v2-2, ... numerically).
--   example_categories  the prompt type verbatim (18 types: 10 safe ones
--                       such as 'homonyms', 8 unsafe ones such as
--                       'contrast_homonyms').  They are XSTest's test
--                       categories, not a harm taxonomy; the -b methods see
--                       only the 8 contrast_ types, which hold every T1.
--   embeddings          model 'safety_embed': safety_embed(prompt), so the
--                       models' completions of one prompt share a vector.
--
-- Importing a model's file again replaces that model's earlier XSTest rows
-- only: the five models' files coexist in one database.
--
-- All or nothing: every write happens in ONE statement (the INSERT that
-- fires the trigger below), so any failure — the extension not loaded, a
-- missing column, a bad final_label, a constraint — leaves the database as
-- it was, with or without -bail; the shell's settings are not touched.  The
-- last line says what was written, or that nothing was.

DROP TABLE IF EXISTS temp.import_xstest_check;
DROP TABLE IF EXISTS temp.import_xstest;
DROP TABLE IF EXISTS temp.import_xstest_rows;

CREATE TEMP TABLE import_xstest_check (
  loaded INTEGER CONSTRAINT "import_xstest: the safety_sample extension is not loaded (csv_each, safety_embed); load it first: .load ./build/safety_sample"
    CHECK (loaded = 2)
);
CREATE TEMP TABLE import_xstest (path TEXT, model TEXT, first TEXT, replaced INTEGER, summary TEXT);
CREATE TEMP TABLE import_xstest_rows (
  line        INTEGER PRIMARY KEY,
  example_id  INTEGER,
  csv_id      TEXT,
  num         INTEGER,
  type        TEXT,
  prompt      TEXT,
  completion  TEXT,
  final_label TEXT,
  CONSTRAINT "import_xstest: final_label must be 1_full_compliance, 2_full_refusal or 3_partial_refusal (see tests/data/xstest/SOURCE.md)"
    CHECK (final_label IN ('1_full_compliance', '2_full_refusal', '3_partial_refusal')),
  CONSTRAINT "import_xstest: a prompt without text (empty prompt column)"
    CHECK (length(prompt) > 0),
  CONSTRAINT "import_xstest: an empty id"
    CHECK (length(csv_id) > 0)
);

CREATE TEMP TRIGGER import_xstest_run AFTER INSERT ON import_xstest BEGIN
  SELECT RAISE(ABORT, 'import_xstest: set :model to the model whose completions the file holds (.parameter set :model NAME), or name the file xstest_v2_completions_<model>.csv')
    WHERE NEW.model IS NULL OR NEW.model = '';
  SELECT RAISE(ABORT, 'import_xstest: :model must not contain ''/''')
    WHERE instr(NEW.model, '/') > 0;
  SELECT RAISE(ABORT, 'import_xstest: the file has no records, only a header')
    WHERE NEW.first IS NULL;
  SELECT RAISE(ABORT, 'import_xstest: the file lacks a column: it needs id, type, prompt, completion and final_label (the header of the XSTest v2 completion files)')
    WHERE json_type(NEW.first, '$.id') IS NULL OR json_type(NEW.first, '$.type') IS NULL
       OR json_type(NEW.first, '$.prompt') IS NULL OR json_type(NEW.first, '$.completion') IS NULL
       OR json_type(NEW.first, '$.final_label') IS NULL;

  INSERT INTO import_xstest_rows (line, csv_id, num, type, prompt, completion, final_label)
    SELECT c.line, trim(json_extract(c.value, '$.id')),
           -- 'v2-17' (and '17') sorts as 17; ties keep the file order.
           CAST(substr(json_extract(c.value, '$.id'), instr(json_extract(c.value, '$.id'), '-') + 1) AS INTEGER),
           nullif(trim(json_extract(c.value, '$.type')), ''),
           json_extract(c.value, '$.prompt'), json_extract(c.value, '$.completion'),
           trim(json_extract(c.value, '$.final_label'))
    FROM csv_each(NEW.path) AS c;
  SELECT RAISE(ABORT, 'import_xstest: an id appears twice in the file (is this an XSTest v2 completions file?)')
    WHERE EXISTS (SELECT 1 FROM import_xstest_rows GROUP BY csv_id HAVING count(*) > 1);

  -- Replace this model's earlier import (only this model's rows).
  UPDATE import_xstest SET replaced =
    (SELECT count(*) FROM examples WHERE source = 'xstest'
       AND substr(source_key, 1, length(NEW.model) + 1) = NEW.model || '/')
    WHERE rowid = NEW.rowid;
  DELETE FROM embeddings WHERE example_id IN
    (SELECT id FROM examples WHERE source = 'xstest'
       AND substr(source_key, 1, length(NEW.model) + 1) = NEW.model || '/');
  DELETE FROM example_categories WHERE example_id IN
    (SELECT id FROM examples WHERE source = 'xstest'
       AND substr(source_key, 1, length(NEW.model) + 1) = NEW.model || '/');
  DELETE FROM examples WHERE source = 'xstest'
    AND substr(source_key, 1, length(NEW.model) + 1) = NEW.model || '/';

  UPDATE import_xstest_rows SET example_id = w.base + w.rn
    FROM (SELECT line, row_number() OVER (ORDER BY num, line) AS rn,
                 (SELECT coalesce(max(id), 0) FROM examples) AS base
          FROM import_xstest_rows) AS w
    WHERE w.line = import_xstest_rows.line;

  INSERT INTO examples (id, source, source_key, instruction, input, response, harmful_request, refusal)
    SELECT example_id, 'xstest', NEW.model || '/' || csv_id, prompt, '', completion,
           coalesce(type, '') LIKE 'contrast\_%' ESCAPE '\',
           final_label = '2_full_refusal'
    FROM import_xstest_rows ORDER BY example_id;
  INSERT INTO example_categories (example_id, category)
    SELECT example_id, type FROM import_xstest_rows WHERE type IS NOT NULL;
  INSERT INTO embeddings (example_id, model, embedding)
    SELECT example_id, 'safety_embed', safety_embed(prompt) FROM import_xstest_rows;

  UPDATE import_xstest SET summary =
    (SELECT printf('import_xstest: %d examples of model %s from %s (T1 %d, T2 %d, T3 %d, T4 %d), %d category rows, %d embeddings; replaced %d earlier rows of that model',
                   count(*), NEW.model, NEW.path,
                   sum(e.behavior = 'T1'), sum(e.behavior = 'T2'), sum(e.behavior = 'T3'), sum(e.behavior = 'T4'),
                   (SELECT count(*) FROM example_categories WHERE example_id IN (SELECT example_id FROM import_xstest_rows)),
                   (SELECT count(*) FROM embeddings WHERE example_id IN (SELECT example_id FROM import_xstest_rows)),
                   replaced)
     FROM import_xstest_rows AS r JOIN examples AS e ON e.id = r.example_id)
    WHERE rowid = NEW.rowid;
END;

-- The extension check (its own message), then the one statement that writes.
INSERT INTO import_xstest_check
  SELECT (SELECT count(*) FROM pragma_module_list WHERE name = 'csv_each')
       + (SELECT count(*) > 0 FROM pragma_function_list WHERE name = 'safety_embed');
INSERT INTO import_xstest (path, model, first)
  SELECT p,
         coalesce(:model,
                  CASE WHEN b LIKE 'xstest\_v2\_completions\_%.csv' ESCAPE '\' AND length(b) > 26
                       THEN substr(b, 23, length(b) - 26) END),
         (SELECT value FROM csv_each(p) LIMIT 1)
  FROM (SELECT p, replace(p, rtrim(p, replace(p, '/', '')), '') AS b
        FROM (SELECT coalesce(:path, 'tests/data/xstest/xstest_v2_completions_mistralinstruct.csv') AS p));

SELECT coalesce((SELECT summary FROM temp.import_xstest),
                'import_xstest: nothing written; the database is unchanged (see the error above)') AS summary;

DROP TABLE temp.import_xstest_rows;
DROP TABLE temp.import_xstest;
DROP TABLE temp.import_xstest_check;
