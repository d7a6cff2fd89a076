#!/usr/bin/env bash
# measure_refusal.sh — measures is_refusal()/refusal_score() against human
# refusal labels, with the sqlite3 shell and the extension only.
#
#   tests/measure_refusal.sh                 # figures for both data sets
#   tests/measure_refusal.sh --errors xstest # also list the disagreements
#   tests/measure_refusal.sh --errors dna    #   (first 160 characters each)
#
# Data (bundled, see each SOURCE.md):
#   XSTest v2 completions of Mistral-7B-Instruct (450): refusal when
#     final_label is 2_full_refusal or 3_partial_refusal (XSTest counts a
#     partial refusal as a refusal), compliance for 1_full_compliance.
#   Do-Not-Answer (939 prompts x 6 models = 5,634 responses): refusal when
#     the human label M_action = 0 ("refuses or cannot assist").  Actions 1-5
#     (refutes the premise, balanced view, cautious answer with a referral,
#     cannot answer because of model limits, follows the instruction) count
#     as not refusing.  The script also prints how often is_refusal fires for
#     each action value and the agreement under the wider reading
#     "refusal = action 0 or 4".
#
# For each labelling: accuracy, precision, recall, F1 and the confusion
# matrix.  The line "xstest accuracy 0.xxxx" is what
# tests/sh/refusal_accuracy.sh checks.  BUILD (default build) or EXT (the
# extension without .so) choose the extension; DATA (default tests/data) the
# data directory.  Runs in a few seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
EXT=${EXT:-$BUILD/safety_sample}
DATA=${DATA:-tests/data}
XS_CSV=$DATA/xstest/xstest_v2_completions_mistralinstruct.csv
DNA_CSV=$DATA/do-not-answer/data_en.csv
ERRORS=""
case "${1:-}" in
  "") ;;
  --errors)
    ERRORS=${2:-}
    if [ "$ERRORS" != xstest ] && [ "$ERRORS" != dna ]; then
      echo "measure_refusal: --errors needs xstest or dna" >&2
      exit 2
    fi ;;
  *)
    echo "usage: tests/measure_refusal.sh [--errors xstest|dna]" >&2
    exit 2 ;;
esac
for f in "$EXT.so" "$XS_CSV" "$DNA_CSV"; do
  if [ ! -f "$f" ]; then
    echo "measure_refusal: $f not found; run make (BUILD=$BUILD) from the repository root" >&2
    exit 1
  fi
done
command -v sqlite3 >/dev/null || {
  echo "measure_refusal: the sqlite3 shell is needed (apt-get install sqlite3)" >&2
  exit 1
}

sqlite3 -batch -bail :memory: <<SQL
.load "$EXT"
.import --csv "$XS_CSV" xs_raw
.import --csv "$DNA_CSV" dna_raw
-- One row per response: the human label(s), the detector's score and call.
CREATE TABLE m(dataset TEXT, key TEXT, detail TEXT, label INTEGER,
               label_wide INTEGER, score REAL, pred INTEGER, text TEXT);
INSERT INTO m
  SELECT 'xstest', id, final_label,
         final_label IN ('2_full_refusal', '3_partial_refusal'), NULL,
         refusal_score(completion), is_refusal(completion), completion
  FROM xs_raw;
WITH dna(id, model, response, action) AS (
  SELECT id, 'GPT4', "GPT4_response", "GPT4_action" FROM dna_raw
  UNION ALL SELECT id, 'ChatGPT', "ChatGPT_response", "ChatGPT_action" FROM dna_raw
  UNION ALL SELECT id, 'Claude', "Claude_response", "Claude_action" FROM dna_raw
  UNION ALL SELECT id, 'ChatGLM2', "ChatGLM2_response", "ChatGLM2_action" FROM dna_raw
  UNION ALL SELECT id, 'llama2-7b-chat', "llama2-7b-chat_response",
                   "llama2-7b-chat_action" FROM dna_raw
  UNION ALL SELECT id, 'vicuna-7b', "vicuna-7b_response", "vicuna-7b_action" FROM dna_raw)
INSERT INTO m
  SELECT 'dna', id || '/' || model, action, action = '0', action IN ('0', '4'),
         refusal_score(response), is_refusal(response), response
  FROM dna;

-- The labellings that are scored: name, human label, detector's call.
CREATE VIEW judged(name, label, pred) AS
  SELECT 'xstest', label, pred FROM m WHERE dataset = 'xstest'
  UNION ALL SELECT 'dna', label, pred FROM m WHERE dataset = 'dna'
  UNION ALL SELECT 'dna_action_0_or_4', label_wide, pred FROM m WHERE dataset = 'dna';
CREATE VIEW confusion AS
  SELECT name, count(*) AS n,
         sum(label = 1 AND pred = 1) AS tp, sum(label = 1 AND pred = 0) AS fn,
         sum(label = 0 AND pred = 1) AS fp, sum(label = 0 AND pred = 0) AS tn
  FROM judged GROUP BY name;

SELECT 'checks: ' || count(*) || ' rows, '
       || sum(pred <> (score >= 0.5)) || ' where is_refusal <> (score >= 0.5), '
       || sum(NOT (score BETWEEN 0.0 AND 1.0)) || ' scores outside [0, 1]'
FROM m;
SELECT printf('%s accuracy %.4f' || char(10)
              || '  n=%d  precision=%.4f  recall=%.4f  F1=%.4f' || char(10)
              || '                 predicted refusal  predicted compliance' || char(10)
              || '  human refusal    %9d  %9d' || char(10)
              || '  human compliance %9d  %9d',
              name, (tp + tn) * 1.0 / n, n,
              CASE WHEN tp + fp > 0 THEN tp * 1.0 / (tp + fp) ELSE 0 END,
              CASE WHEN tp + fn > 0 THEN tp * 1.0 / (tp + fn) ELSE 0 END,
              CASE WHEN tp > 0 THEN 2.0 * tp / (2 * tp + fp + fn) ELSE 0 END,
              tp, fn, fp, tn)
FROM confusion
ORDER BY CASE name WHEN 'xstest' THEN 0 WHEN 'dna' THEN 1 ELSE 2 END;

SELECT 'xstest by label:';
SELECT printf('  %-18s n=%3d  called refusal %3d', detail, count(*), sum(pred))
FROM m WHERE dataset = 'xstest' GROUP BY detail ORDER BY detail;
SELECT 'dna by action (0 = refusal in the primary labelling):';
SELECT printf('  %-9s n=%4d  called refusal %4d (%5.1f%%)', detail, count(*),
              sum(pred), 100.0 * sum(pred) / count(*))
FROM m WHERE dataset = 'dna' GROUP BY detail ORDER BY detail;
SELECT 'dna by model (agreement with action = 0):';
SELECT printf('  %-15s accuracy %.4f', substr(key, instr(key, '/') + 1),
              avg(label = pred))
FROM m WHERE dataset = 'dna' GROUP BY substr(key, instr(key, '/') + 1)
ORDER BY 1;

SELECT printf('%s %-6s %s %.3f %s: %s',
              CASE WHEN label THEN 'MISSED' ELSE 'FALSE' END, dataset, key, score,
              detail, replace(replace(substr(text, 1, 160), char(10), ' '), char(13), ''))
FROM m WHERE dataset = '$ERRORS' AND label <> pred
ORDER BY label DESC, score DESC;
SQL
