-- schema.sql — the canonical data layout of safety_sample (contract §6).
--
-- Plain SQL: it loads without the extension.  safety_sample() reads only the
-- two views at the end (safety_pool, safety_reference) and counts the rows of
-- task_examples; any table or view with the same columns will do instead.
--
--   sqlite3 my.db < sql/schema.sql

PRAGMA foreign_keys = ON;

-- One row per safety example: an instruction-response pair with its labels.
CREATE TABLE IF NOT EXISTS examples (
  id              INTEGER PRIMARY KEY,
  source          TEXT,                  -- data set it came from
  source_key      TEXT,                  -- its id/row in that data set
  instruction     TEXT NOT NULL,
  input           TEXT NOT NULL DEFAULT '',
  response        TEXT,
  harmful_request INTEGER CHECK (harmful_request IN (0, 1)),  -- 1 = harmful
  refusal         INTEGER CHECK (refusal IN (0, 1)),          -- 1 = refuses
  -- T1 harmful+refusal, T2 harmful+compliance, T3 benign+compliance,
  -- T4 benign+refusal (the same mapping as behavior_type()).
  behavior        TEXT GENERATED ALWAYS AS (
                    CASE WHEN harmful_request IS NULL OR refusal IS NULL THEN NULL
                         WHEN harmful_request = 1 AND refusal = 1 THEN 'T1'
                         WHEN harmful_request = 1 THEN 'T2'
                         WHEN refusal = 0 THEN 'T3'
                         ELSE 'T4' END) VIRTUAL
);

-- Harm categories: many per example; an example with none has no row here.
CREATE TABLE IF NOT EXISTS example_categories (
  example_id INTEGER NOT NULL REFERENCES examples(id) ON DELETE CASCADE,
  category   TEXT NOT NULL,
  PRIMARY KEY (example_id, category)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS example_categories_by_category
  ON example_categories(category);

-- One embedding per example: packed little-endian float32 (vec_f32()).
CREATE TABLE IF NOT EXISTS embeddings (
  example_id INTEGER PRIMARY KEY REFERENCES examples(id) ON DELETE CASCADE,
  model      TEXT,                       -- which embedder wrote it
  embedding  BLOB NOT NULL
);

-- The fine-tuning set the safety examples are mixed into.
CREATE TABLE IF NOT EXISTS task_examples (
  id          INTEGER PRIMARY KEY,
  instruction TEXT NOT NULL,
  input       TEXT NOT NULL DEFAULT '',
  output      TEXT NOT NULL
);

-- Labelled exemplars of each harm category, for the cossim methods.
CREATE TABLE IF NOT EXISTS reference_examples (
  id        INTEGER PRIMARY KEY,
  category  TEXT NOT NULL,
  text      TEXT,
  embedding BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS reference_examples_by_category
  ON reference_examples(category);

-- The prompts of the reference examples that sql/make_reference.sql made
-- from the pool's own prompts.  Every example whose instruction is one of
-- them is held out of safety_pool, whenever it was imported: responses of
-- another model to the same prompts, imported later, are held out too.
-- Nothing is deleted.  To return them: DELETE FROM reference_examples WHERE
-- id IN (SELECT reference_id FROM reference_prompts); DELETE FROM
-- reference_prompts;  (Deleting reference_examples rows alone removes their
-- prompts here only under PRAGMA foreign_keys = ON, which SQLite leaves off
-- by default; else the prompts stay held out until deleted here too.)
CREATE TABLE IF NOT EXISTS reference_prompts (
  reference_id INTEGER PRIMARY KEY     -- the reference_examples row made from it
               REFERENCES reference_examples(id) ON DELETE CASCADE,
  prompt       TEXT NOT NULL           -- the examples.instruction it holds out
);
CREATE INDEX IF NOT EXISTS reference_prompts_by_prompt ON reference_prompts(prompt);

-- The examples held out of safety_pool now, each with the reference row of
-- its prompt.
CREATE VIEW IF NOT EXISTS reference_holdout AS
  SELECT e.id AS example_id, p.reference_id AS reference_id
  FROM reference_prompts AS p JOIN examples AS e ON e.instruction = p.prompt;

-- The pool safety_sample() reads: one row per (example, category); an
-- example with no category has one row with NULL category.  Examples whose
-- prompt is in reference_prompts are left out.  instruction (the prompt text) is read
-- only when an option names it: {"group": "instruction"} selects at most
-- one response per prompt.
CREATE VIEW IF NOT EXISTS safety_pool AS
  SELECT e.id AS id, c.category AS category, e.behavior AS behavior,
         m.embedding AS embedding, e.instruction AS instruction
  FROM examples AS e
  LEFT JOIN example_categories AS c ON c.example_id = e.id
  LEFT JOIN embeddings AS m ON m.example_id = e.id
  WHERE e.instruction NOT IN (SELECT prompt FROM reference_prompts);

-- safety_pool without the responses that were cut off at a token limit
-- (is_truncated(), a function of the extension: load it before reading this
-- view).  Pass it as the pool to keep such responses out of a selection:
--   SELECT * FROM safety_sample('pss-b', 100, '{"pool": "safety_pool_complete"}');
-- Examples without a response stay in.
CREATE VIEW IF NOT EXISTS safety_pool_complete AS
  SELECT p.* FROM safety_pool AS p JOIN examples AS e ON e.id = p.id
  WHERE e.response IS NULL OR NOT is_truncated(e.response);

-- The reference set safety_sample() reads for cossim.
CREATE VIEW IF NOT EXISTS safety_reference AS
  SELECT category, embedding FROM reference_examples;
