-- import_do_not_answer.sql — imports a Do-Not-Answer CSV into the canonical
-- layout of sql/schema.sql: one example per (prompt, model response), its
-- harm category and its behaviour, and a safety_embed() embedding of the
-- prompt.
--
-- Parameters (sqlite3 shell, .parameter set NAME VALUE):
--   :path   the CSV, with a header row: id, types_of_harm, question, and
--           for each model M a pair of columns M_response, M_action (other
--           columns, such as risk_area or M_harmful, are ignored).  The
--           original release (data_en.csv: 23 columns, the six models
--           GPT4, ChatGPT, Claude, ChatGLM2, llama2-7b-chat, vicuna-7b; see
--           tests/data/do-not-answer/SOURCE.md) is one such file, a file
--           with one model's columns is another.  Default: the bundled
--           tests/data/do-not-answer/data_en.csv (relative to the
--           repository root).
--   :model  optional: import only this model's columns.
-- Needs a database with sql/schema.sql applied and the extension loaded
-- (csv_each, safety_embed):
--
--   sqlite3 my.db -cmd ".load ./build/safety_sample" \
--     -cmd ".parameter set :path data_en.csv" ".read sql/import_do_not_answer.sql"
--
-- What it writes (939 prompts x 6 models = 5,634 examples for data_en.csv):
--   examples            source 'do-not-answer', source_key
--                       '<file name>:<csv id>/<model>' (e.g.
--                       'data_en.csv:3/GPT4'), instruction = question,
--                       input = '', response = M_response, harmful_request =
--                       1 (every Do-Not-Answer prompt is a harmful request),
--                       refusal = (M_action = 0).  ids continue after the
--                       largest id present, in the order (csv id, model in
--                       header order).
--   example_categories  one row per example: types_of_harm (12 harm types,
--                       the level that matches BeaverTails' 14 categories in
--                       size; risk_area is the coarser level above it).
--   embeddings          model 'safety_embed': safety_embed(question), once
--                       per prompt, so the responses to one prompt share it.
--
-- The action codes (human labels, from the paper; counts over the 5,634
-- responses): 0 refuses or cannot assist (1,541) -> refusal = 1, so T1;
-- 1 refutes the opinion or false premise (1,439), 2 balanced statement (203),
-- 3 answers cautiously with a disclaimer or referral (690), 4 cannot answer
-- because of model limits or admits uncertainty (1,576), 5 follows the
-- instruction directly (185) -> refusal = 0, so T2.  Code 4 is the
-- borderline one: to count it as a refusal too, change "action = 0" to
-- "action IN (0, 4)" below.  Code 1 is mixed too: many premise rebuttals
-- are refusals in XSTest's scheme (the README's refusal_kind); where T2
-- must mean compliance, change "action = 0" to "CASE action WHEN 0 THEN 1
-- WHEN 1 THEN is_refusal(response) ELSE 0 END" to let the detector judge
-- them.  M_harmful (is the response harmful) is unused.
--
-- Importing a file again replaces the rows of the same file name and the
-- same models only, so several Do-Not-Answer files (per model, or other
-- languages of the release) coexist in one database.
--
-- All or nothing: every write happens in ONE statement (the INSERT that
-- fires the trigger below), so any failure — the extension not loaded, a
-- missing column, an action code outside 0..5, a constraint — leaves the
-- database as it was, with or without -bail; the shell's settings are not
-- touched.  The last line says what was written, or that nothing was.

DROP TABLE IF EXISTS temp.import_do_not_answer_check;
DROP TABLE IF EXISTS temp.import_do_not_answer;
DROP TABLE IF EXISTS temp.import_do_not_answer_models;
DROP TABLE IF EXISTS temp.import_do_not_answer_old;
DROP TABLE IF EXISTS temp.import_do_not_answer_rows;

CREATE TEMP TABLE import_do_not_answer_check (
  loaded INTEGER CONSTRAINT "import_do_not_answer: the safety_sample extension is not loaded (csv_each, safety_embed); load it first: .load ./build/safety_sample"
    CHECK (loaded = 2)
);
CREATE TEMP TABLE import_do_not_answer (path TEXT, file TEXT, model TEXT, first TEXT,
                                        replaced INTEGER, summary TEXT);
CREATE TEMP TABLE import_do_not_answer_models (model_no INTEGER PRIMARY KEY, model TEXT);
CREATE TEMP TABLE import_do_not_answer_old (id INTEGER PRIMARY KEY);
CREATE TEMP TABLE import_do_not_answer_rows (
  example_id INTEGER,
  csv_id     INTEGER,
  model_no   INTEGER NOT NULL,
  model      TEXT NOT NULL,
  category   TEXT,
  question   TEXT,
  response   TEXT,
  action     INTEGER,
  CONSTRAINT "import_do_not_answer: every action code must be an integer 0..5 (see tests/data/do-not-answer/SOURCE.md)"
    CHECK (typeof(action) = 'integer' AND action BETWEEN 0 AND 5),
  CONSTRAINT "import_do_not_answer: a prompt without text (empty question column)"
    CHECK (length(question) > 0),
  CONSTRAINT "import_do_not_answer: every id must be a whole number (is this a Do-Not-Answer CSV?)"
    CHECK (typeof(csv_id) = 'integer')
);
CREATE INDEX temp.import_do_not_answer_rows_key ON import_do_not_answer_rows (csv_id, model_no);

CREATE TEMP TRIGGER import_do_not_answer_run AFTER INSERT ON import_do_not_answer BEGIN
  SELECT RAISE(ABORT, 'import_do_not_answer: the file has no records, only a header')
    WHERE NEW.first IS NULL;
  SELECT RAISE(ABORT, 'import_do_not_answer: the file lacks a column: it needs id, types_of_harm and question (the header of Do-Not-Answer''s data_en.csv)')
    WHERE json_type(NEW.first, '$.id') IS NULL OR json_type(NEW.first, '$.types_of_harm') IS NULL
       OR json_type(NEW.first, '$.question') IS NULL;

  -- The models: every M with columns M_response and M_action, in header order.
  INSERT INTO import_do_not_answer_models (model_no, model)
    SELECT row_number() OVER (ORDER BY h.id), substr(h.key, 1, length(h.key) - 9)
    FROM json_each(NEW.first) AS h
    WHERE h.key LIKE '%\_response' ESCAPE '\' AND length(h.key) > 9
      AND json_type(NEW.first, '$."' || substr(h.key, 1, length(h.key) - 9) || '_action"') IS NOT NULL
      AND (NEW.model IS NULL OR substr(h.key, 1, length(h.key) - 9) = NEW.model);
  SELECT RAISE(ABORT, 'import_do_not_answer: no model columns: the file needs a pair M_response, M_action for at least one model M (or :model names none of them)')
    WHERE NOT EXISTS (SELECT 1 FROM import_do_not_answer_models);
  -- A model with only one of its two columns is a damaged header, not a
  -- model to leave out without a word.
  SELECT RAISE(ABORT, 'import_do_not_answer: a model has M_response without M_action or M_action without M_response: fix the header, or import the complete models one by one with :model')
    WHERE EXISTS (SELECT 1 FROM json_each(NEW.first) AS h
                  WHERE (h.key LIKE '%\_response' ESCAPE '\' AND length(h.key) > 9
                         AND (NEW.model IS NULL OR substr(h.key, 1, length(h.key) - 9) = NEW.model)
                         AND json_type(NEW.first, '$."' || substr(h.key, 1, length(h.key) - 9) || '_action"') IS NULL)
                     OR (h.key LIKE '%\_action' ESCAPE '\' AND length(h.key) > 7
                         AND (NEW.model IS NULL OR substr(h.key, 1, length(h.key) - 7) = NEW.model)
                         AND json_type(NEW.first, '$."' || substr(h.key, 1, length(h.key) - 7) || '_response"') IS NULL));

  -- Unpivot: one row per (prompt, model), validated.
  INSERT INTO import_do_not_answer_rows
    SELECT NULL, CASE WHEN id GLOB '[0-9]*' AND id NOT GLOB '*[^0-9]*' THEN CAST(id AS INTEGER) ELSE id END,
           model_no, model, nullif(trim(types_of_harm), ''), question, response,
           CASE WHEN trim(action) GLOB '[0-9]' THEN CAST(trim(action) AS INTEGER) ELSE action END
    FROM (SELECT trim(json_extract(c.value, '$.id')) AS id, m.model_no, m.model,
                 json_extract(c.value, '$.types_of_harm') AS types_of_harm,
                 json_extract(c.value, '$.question') AS question,
                 json_extract(c.value, '$."' || m.model || '_response"') AS response,
                 json_extract(c.value, '$."' || m.model || '_action"') AS action
          FROM csv_each(NEW.path) AS c, import_do_not_answer_models AS m);
  SELECT RAISE(ABORT, 'import_do_not_answer: an id appears twice in the file (ids must be unique)')
    WHERE EXISTS (SELECT 1 FROM import_do_not_answer_rows GROUP BY csv_id, model_no HAVING count(*) > 1);

  -- Replace this file's earlier import of the same models: the keys
  -- '<file>:<digits>/<model>'.
  INSERT INTO import_do_not_answer_old (id)
    SELECT e.id FROM examples AS e, import_do_not_answer_models AS m
    WHERE e.source = 'do-not-answer'
      AND length(e.source_key) > length(NEW.file) + length(m.model) + 2
      AND substr(e.source_key, 1, length(NEW.file) + 1) = NEW.file || ':'
      AND substr(e.source_key, -length(m.model) - 1) = '/' || m.model
      AND substr(e.source_key, length(NEW.file) + 2,
                 length(e.source_key) - length(NEW.file) - length(m.model) - 2) NOT GLOB '*[^0-9]*';
  UPDATE import_do_not_answer SET replaced = (SELECT count(*) FROM import_do_not_answer_old)
    WHERE rowid = NEW.rowid;
  DELETE FROM embeddings WHERE example_id IN (SELECT id FROM import_do_not_answer_old);
  DELETE FROM example_categories WHERE example_id IN (SELECT id FROM import_do_not_answer_old);
  DELETE FROM examples WHERE id IN (SELECT id FROM import_do_not_answer_old);

  -- ids continue after the largest one present, in (csv id, model) order.
  UPDATE import_do_not_answer_rows SET example_id = w.base + w.rn
    FROM (SELECT csv_id, model_no, row_number() OVER (ORDER BY csv_id, model_no) AS rn,
                 (SELECT coalesce(max(id), 0) FROM examples) AS base
          FROM import_do_not_answer_rows) AS w
    WHERE w.csv_id = import_do_not_answer_rows.csv_id AND w.model_no = import_do_not_answer_rows.model_no;

  INSERT INTO examples (id, source, source_key, instruction, input, response, harmful_request, refusal)
    SELECT example_id, 'do-not-answer', NEW.file || ':' || csv_id || '/' || model, question, '',
           response, 1, action = 0
    FROM import_do_not_answer_rows ORDER BY example_id;
  INSERT INTO example_categories (example_id, category)
    SELECT example_id, category FROM import_do_not_answer_rows WHERE category IS NOT NULL;
  -- One embedding per distinct prompt, shared by its responses.
  INSERT INTO embeddings (example_id, model, embedding)
    SELECT r.example_id, 'safety_embed', v.embedding
    FROM import_do_not_answer_rows AS r
    JOIN (SELECT question, safety_embed(question) AS embedding
          FROM (SELECT DISTINCT question FROM import_do_not_answer_rows)) AS v USING (question);

  UPDATE import_do_not_answer SET summary =
    (SELECT printf('import_do_not_answer: %d examples (%d prompts x %d models: %s) from %s (T1 %d, T2 %d), %d category rows, %d embeddings; replaced %d earlier rows of that file and those models',
                   count(*), count(DISTINCT r.csv_id),
                   (SELECT count(*) FROM import_do_not_answer_models),
                   (SELECT group_concat(model, ', ') FROM (SELECT model FROM import_do_not_answer_models ORDER BY model_no)),
                   NEW.path, sum(e.behavior = 'T1'), sum(e.behavior = 'T2'),
                   (SELECT count(*) FROM example_categories WHERE example_id IN (SELECT example_id FROM import_do_not_answer_rows)),
                   (SELECT count(*) FROM embeddings WHERE example_id IN (SELECT example_id FROM import_do_not_answer_rows)),
                   replaced)
     FROM import_do_not_answer_rows AS r JOIN examples AS e ON e.id = r.example_id)
    WHERE rowid = NEW.rowid;
END;

-- The extension check (its own message), then the one statement that writes.
INSERT INTO import_do_not_answer_check
  SELECT (SELECT count(*) FROM pragma_module_list WHERE name = 'csv_each')
       + (SELECT count(*) > 0 FROM pragma_function_list WHERE name = 'safety_embed');
INSERT INTO import_do_not_answer (path, file, model, first)
  SELECT p, replace(p, rtrim(p, replace(p, '/', '')), ''), :model,
         (SELECT value FROM csv_each(p) LIMIT 1)
  FROM (SELECT coalesce(:path, 'tests/data/do-not-answer/data_en.csv') AS p);

SELECT coalesce((SELECT summary FROM temp.import_do_not_answer),
                'import_do_not_answer: nothing written; the database is unchanged (see the error above)') AS summary;

DROP TABLE temp.import_do_not_answer_rows;
DROP TABLE temp.import_do_not_answer_old;
DROP TABLE temp.import_do_not_answer_models;
DROP TABLE temp.import_do_not_answer;
DROP TABLE temp.import_do_not_answer_check;
