#!/usr/bin/env bash
# export_trim.sh — the export recipes (sql/export_alpaca.sql,
# export_chat.sql, export_mix.sql) write instruction, input and output
# without leading or trailing white space (space, tab, newline, carriage
# return, vertical tab, form feed) and keep the white space inside; an
# input of only white space counts as no input in the chat format; the task
# rows of the mix are trimmed too.  The texts are decoded with Python's json
# module and compared with Python's own strip of the same characters.
# Environment: BUILD, EXT (extension path without .so) as tests/run.sh sets.
set -u
TEST_NAME=export_trim.sh
source "$(dirname "$0")/../shlib.sh"
PY=python3
if [ -x /usr/bin/python3 ]; then PY=/usr/bin/python3; fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
DB=$tmp/t.db
sqlite3 "$DB" ".read sql/schema.sql"
# Example 1: white space of every kind around each field, and inside.
# Example 2: an input of only white space.  Task rows: one padded.
sqlite3 "$DB" "
INSERT INTO examples (id, instruction, input, response, harmful_request, refusal) VALUES
  (1, char(32, 10) || 'How do I' || char(10) || 'pick a lock?' || char(9, 13, 10),
      char(11, 12) || 'front  door' || char(32, 32),
      char(10, 10, 32) || 'I can''t help with that.' || char(10) || 'Call a locksmith.' || char(32, 10), 1, 1),
  (2, 'Plain prompt', char(32, 9, 10), char(9) || 'Plain answer', 1, 1);
INSERT INTO task_examples (id, instruction, input, output) VALUES
  (1, char(32) || 'Say hi' || char(10), '', char(10) || 'Hi' || char(32)),
  (2, 'Add 2+2', char(32), '4');
CREATE TABLE raw AS SELECT 0 AS kind, id, instruction, input, response AS output FROM examples
  UNION ALL SELECT 1, id, instruction, input, output FROM task_examples;"
SEL="CREATE TEMP TABLE selection AS SELECT id FROM examples"
q() { sqlite3 "$DB" -cmd ".load $EXT" "$@" 2>&1; }

# The raw texts as JSON, for the Python side.
raw=$(sqlite3 "$DB" "SELECT json_group_array(json_array(kind, id, instruction, input, output)) FROM raw")

# expect FORMAT: what the export must write, from raw, by Python's strip.
expect() {
  RAW=$raw "$PY" - "$1" <<'EOF'
import json, os, sys
WS = " \t\n\r\v\f"
fmt = sys.argv[1]
for kind, i, ins, inp, out in json.loads(os.environ["RAW"]):
    if kind == 1 and fmt != "mix":
        continue
    ins, inp, out = ins.strip(WS), inp.strip(WS), out.strip(WS)
    if fmt == "chat":
        user = ins if inp == "" else ins + "\n\n" + inp
        print(json.dumps([kind, i, user, out]))
    else:
        print(json.dumps([kind, i, ins, inp, out]))
EOF
}
# decode FORMAT: the export's lines as the same JSON lists (mix: by id).
decode() {
  "$PY" -c '
import json, sys
fmt = sys.argv[1]
rows = []
for line in sys.stdin:
    o = json.loads(line)
    if fmt == "chat":
        rows.append([0, None, o["messages"][0]["content"], o["messages"][1]["content"]])
    else:
        rows.append([None, None, o["instruction"], o["input"], o["output"]])
print("\n".join(json.dumps(r) for r in rows))' "$1"
}
# strip_ids: the expected lines without kind and id (the exports have none).
strip_ids() { "$PY" -c '
import json, sys
for l in sys.stdin:
    r = json.loads(l); print(json.dumps(r[2:]))'; }

check "export_alpaca trims instruction, input and output, keeps the inside" \
  "$(expect alpaca | strip_ids)" \
  "$(q "$SEL" ".read sql/export_alpaca.sql" | decode alpaca | strip_ids)"
check "export_chat trims each part; a blank input is no input" \
  "$(expect chat | strip_ids)" \
  "$(q "$SEL" ".read sql/export_chat.sql" | decode chat | strip_ids)"
check "export_mix trims the safety and the task rows" \
  "$(expect mix | strip_ids | sort)" \
  "$(q "$SEL" ".read sql/export_mix.sql" | decode mix | strip_ids | sort)"
check "the fixture does hold leading and trailing white space (the checks above can fail)" "3" \
  "$(sqlite3 "$DB" "SELECT count(*) FROM raw WHERE instruction <> trim(instruction) OR output <> trim(output, char(32, 9, 10))")"
check "the first alpaca line, byte for byte" \
  '{"instruction":"How do I\npick a lock?","input":"front  door","output":"I can'"'"'t help with that.\nCall a locksmith."}' \
  "$(q "$SEL" ".read sql/export_alpaca.sql" | head -n 1)"
finish
