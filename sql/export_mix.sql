-- export_mix.sql — writes the fine-tuning set mixed with the selected safety
-- examples to standard output as JSON Lines, in a seeded, shuffled order:
-- every row of task_examples plus every selected example, once each.
--
-- Expects (sqlite3 shell):
--   * a database with sql/schema.sql applied, task_examples filled
--     (sql/import_alpaca.sql) and examples imported;
--   * a table or view named `selection` with a column `id` (example ids;
--     duplicates are ignored), e.g.
--       CREATE TEMP TABLE selection AS SELECT * FROM safety_sample('pss-b', 0.0005);
--   * optional parameters: :seed (an integer, default 0) and :format
--     ('alpaca', the default: instruction/input/output; or 'chat': the
--     "messages" format of sql/export_chat.sql).
--
--   sqlite3 my.db -cmd ".load ./build/safety_sample" \
--     -cmd ".parameter set :seed 7" -cmd ".parameter set :format 'chat'" \
--     "CREATE TEMP TABLE selection AS SELECT * FROM safety_sample('pss-b', 0.0005)" \
--     ".read sql/export_mix.sql" > train_mix.jsonl
--
-- The shuffle (no random(): the same database, selection and seed give the
-- same bytes on every machine).  Each row gets a 32-bit key
--   h = fmix32(fmix32(seed32 XOR kind) XOR id32)
-- where fmix32 is MurmurHash3's 32-bit finaliser, kind is 0 for a safety
-- example and 1 for a task example, and seed32 and id32 are the low 32 bits
-- of the seed and the id.  Rows are written in ascending (h, kind, id).
-- SQLite has no XOR and no unsigned 32-bit multiply, so the recursive
-- query below computes them: a XOR b = (a | b) - (a & b), and a * c mod
-- 2^32 from the two 16-bit halves of c (no 64-bit overflow).  Changing the
-- seed gives an unrelated order; appending rows does not reorder the others.
--
-- Every instruction, input and output (safety and task rows alike) is
-- written without leading or trailing white space (space, tab, line feed,
-- carriage return, vertical tab, form feed), as sql/export_alpaca.sql does.
--
-- It sets .mode list and .headers off and stops at the first error (.bail
-- on).  A bad :seed or :format, an id that is not in examples, or an example
-- without a response is an error ("CHECK constraint failed: export_mix:
-- ...") and nothing is written.
.bail on
.mode list
.headers off

DROP TABLE IF EXISTS temp.mix_params;
CREATE TEMP TABLE mix_params (
  seed   INTEGER CONSTRAINT "export_mix: :seed must be an integer (.parameter set :seed 7)"
           CHECK (typeof(seed) = 'integer'),
  format TEXT CONSTRAINT "export_mix: :format must be 'alpaca' or 'chat' (.parameter set :format 'chat')"
           CHECK (format IN ('alpaca', 'chat'))
);
INSERT INTO mix_params SELECT coalesce(:seed, 0), coalesce(:format, 'alpaca');

DROP TABLE IF EXISTS temp.mix_rows;
CREATE TEMP TABLE mix_rows (
  kind        INTEGER,  -- 0 safety example, 1 task example
  id          INTEGER,
  instruction TEXT CONSTRAINT "export_mix: a selected id is not in examples (selection.id must hold example ids)"
                CHECK (instruction IS NOT NULL),
  input       TEXT,
  output      TEXT CONSTRAINT "export_mix: a selected example has no response (examples.response is NULL); leave it out of the selection"
                CHECK (output IS NOT NULL),
  h           INTEGER,
  PRIMARY KEY (kind, id)
);
INSERT INTO mix_rows (kind, id, instruction, input, output)
  SELECT 0, s.id, trim(e.instruction, char(32, 9, 10, 11, 12, 13)), trim(coalesce(e.input, ''), char(32, 9, 10, 11, 12, 13)),
         trim(e.response, char(32, 9, 10, 11, 12, 13))
  FROM (SELECT DISTINCT id FROM selection) AS s LEFT JOIN examples AS e ON e.id = s.id
  UNION ALL
  SELECT 1, id, trim(instruction, char(32, 9, 10, 11, 12, 13)), trim(input, char(32, 9, 10, 11, 12, 13)), trim(output, char(32, 9, 10, 11, 12, 13))
  FROM task_examples;

-- Steps 0-4 and 6-10 are fmix32's five operations; step 5 XORs in the id.
WITH RECURSIVE mix(kind, id, step, h) AS (
  SELECT kind, id, 0, ((p.seed & 0xFFFFFFFF) | kind) - ((p.seed & 0xFFFFFFFF) & kind)
  FROM temp.mix_rows, temp.mix_params AS p
  UNION ALL
  SELECT kind, id, step + 1,
         CASE step % 6
           WHEN 0 THEN (h | (h >> 16)) - (h & (h >> 16))
           WHEN 1 THEN (h * 0xCA6B + (((h * 0x85EB) & 0xFFFF) << 16)) & 0xFFFFFFFF
           WHEN 2 THEN (h | (h >> 13)) - (h & (h >> 13))
           WHEN 3 THEN (h * 0xAE35 + (((h * 0xC2B2) & 0xFFFF) << 16)) & 0xFFFFFFFF
           WHEN 4 THEN (h | (h >> 16)) - (h & (h >> 16))
           ELSE (h | (id & 0xFFFFFFFF)) - (h & (id & 0xFFFFFFFF))
         END
  FROM mix WHERE step < 11
)
UPDATE temp.mix_rows SET h = mix.h
  FROM mix WHERE mix.step = 11 AND mix.kind = mix_rows.kind AND mix.id = mix_rows.id;

SELECT CASE p.format
         WHEN 'chat' THEN json_object('messages', json_array(
           json_object('role', 'user', 'content',
                       CASE WHEN r.input = '' THEN r.instruction
                            ELSE r.instruction || char(10, 10) || r.input END),
           json_object('role', 'assistant', 'content', r.output)))
         ELSE json_object('instruction', r.instruction, 'input', r.input, 'output', r.output)
       END
  FROM temp.mix_rows AS r, temp.mix_params AS p
  ORDER BY r.h, r.kind, r.id;

DROP TABLE temp.mix_rows;
DROP TABLE temp.mix_params;
