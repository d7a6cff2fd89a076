-- export_chat.sql — writes the selected safety examples to standard output
-- as JSON Lines in the conversational "messages" format, one object per line:
--   {"messages": [{"role": "user", "content": "<instruction>"},
--                 {"role": "assistant", "content": "<response>"}]}
-- When the example has an input, the user turn is instruction, a blank line,
-- then input (as the Alpaca prompt template joins them).
--
-- TRL's SFTTrainer reads this format directly (a "messages" column of
-- role/content turns).  LLaMA-Factory reads it as a "sharegpt" data set with
-- these tags in dataset_info.json:
--   "formatting": "sharegpt", "columns": {"messages": "messages"},
--   "tags": {"role_tag": "role", "content_tag": "content",
--            "user_tag": "user", "assistant_tag": "assistant"}
--
-- Expects (sqlite3 shell):
--   * a database with sql/schema.sql applied and examples imported;
--   * a table or view named `selection` with a column `id` (example ids;
--     duplicates are ignored), e.g.
--       CREATE TEMP TABLE selection AS SELECT * FROM safety_sample('pss-b', 0.0005);
--
--   sqlite3 my.db -cmd ".load ./build/safety_sample" \
--     "CREATE TEMP TABLE selection AS SELECT * FROM safety_sample('pss-b', 0.0005)" \
--     ".read sql/export_chat.sql" > safety_chat.jsonl
--
-- instruction, input and the response are each written without leading or
-- trailing white space (space, tab, line feed, carriage return, vertical
-- tab, form feed), as sql/export_alpaca.sql does.
--
-- Lines are in ascending id order.  It sets .mode list and .headers off and
-- stops at the first error (.bail on).  An id that is not in examples, or an
-- example without a response, is an error
-- ("CHECK constraint failed: export_chat: ...") and nothing is written.
.bail on
.mode list
.headers off

DROP TABLE IF EXISTS temp.export_rows;
CREATE TEMP TABLE export_rows (
  id        INTEGER,
  user      TEXT CONSTRAINT "export_chat: a selected id is not in examples (selection.id must hold example ids)"
              CHECK (user IS NOT NULL),
  assistant TEXT CONSTRAINT "export_chat: a selected example has no response (examples.response is NULL); leave it out of the selection"
              CHECK (assistant IS NOT NULL)
);
INSERT INTO export_rows
  SELECT s.id,
         CASE WHEN trim(coalesce(e.input, ''), char(32, 9, 10, 11, 12, 13)) = ''
              THEN trim(e.instruction, char(32, 9, 10, 11, 12, 13))
              ELSE trim(e.instruction, char(32, 9, 10, 11, 12, 13)) || char(10, 10) ||
                   trim(e.input, char(32, 9, 10, 11, 12, 13)) END,
         trim(e.response, char(32, 9, 10, 11, 12, 13))
  FROM (SELECT DISTINCT id FROM selection) AS s LEFT JOIN examples AS e ON e.id = s.id;

SELECT json_object('messages', json_array(
         json_object('role', 'user', 'content', user),
         json_object('role', 'assistant', 'content', assistant)))
  FROM temp.export_rows ORDER BY id;

DROP TABLE temp.export_rows;
