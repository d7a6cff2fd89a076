#!/usr/bin/env bash
# refusal_bench.sh — the refusal detector's throughput, part of make bench:
# sum(is_refusal(txt)) and sum(refusal_kind(txt) = 'partial') over the
# 18,173 bundled labelled responses (tests/refusal/data.py; about 10 MB of
# text), each timed against a bare sum(length(txt)) scan of the same table,
# BENCH_REPS runs each, interleaved, in one sqlite3 shell per run.  Prints
# medians and MB/s of text (bytes of the whole texts; the detector reads at
# most the first 8192 bytes of each).  Not a test: exits 0 whatever the
# timings are.  BUILD, EXT, BENCH_REPS as in bench.sh.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
EXT=${EXT:-$BUILD/safety_sample}
REPS=${BENCH_REPS:-3}
DB=$BUILD/bench/refusal_texts.db
mkdir -p "$BUILD/bench"
if [ ! -f "$DB" ]; then
  python3 - "$DB.tmp" <<'PY' || { echo "refusal bench: could not write $DB"; exit 0; }
import os, sqlite3, sys
sys.path.insert(0, "tests/refusal")
import data
path = sys.argv[1]
if os.path.exists(path):
    os.remove(path)
con = sqlite3.connect(path)
con.execute("CREATE TABLE texts(txt TEXT)")
con.executemany("INSERT INTO texts VALUES (?)", ((e[1].decode("utf-8"),) for e in data.load("tests/data")))
con.commit()
PY
  mv "$DB.tmp" "$DB"
fi
# ms SQL: wall milliseconds of one run of SQL (the shell's .timer line)
ms() {
  printf '.load %s\n.timer on\n%s;\n' "$EXT" "$1" | sqlite3 -batch "$DB" 2>&1 |
    awk '/^Run Time: real/ { printf "%.1f", $4 * 1000 }'
}
median() { sort -n | awk '{v[NR]=$1} END {if (NR%2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'; }
bytes=$(sqlite3 -batch "$DB" "SELECT count(*) || ' texts, ' || sum(length(CAST(txt AS BLOB))) FROM texts")
nbytes=${bytes##*, }
scan=() ref=() kind=()
for _ in $(seq "$REPS"); do
  scan+=("$(ms "SELECT sum(length(txt)) FROM texts")")
  ref+=("$(ms "SELECT sum(is_refusal(txt)) FROM texts")")
  kind+=("$(ms "SELECT sum(refusal_kind(txt) = 'partial') FROM texts")")
done
s=$(printf '%s\n' "${scan[@]}" | median)
r=$(printf '%s\n' "${ref[@]}" | median)
k=$(printf '%s\n' "${kind[@]}" | median)
echo
echo "refusal detector: $bytes bytes of text, median of $REPS runs"
printf '  %-40s %9s ms\n' "sum(length(txt)) (bare scan)" "$s"
awk -v r="$r" -v s="$s" -v b="$nbytes" -v name="sum(is_refusal(txt))" \
  'BEGIN { printf "  %-40s %9s ms  %7.1f MB/s of text (%.1f MB/s beyond the scan)\n", name, r, b / r / 1000, (r > s ? b / (r - s) / 1000 : 0) }'
awk -v r="$k" -v s="$s" -v b="$nbytes" -v name="sum(refusal_kind(txt) = 'partial')" \
  'BEGIN { printf "  %-40s %9s ms  %7.1f MB/s of text (%.1f MB/s beyond the scan)\n", name, r, b / r / 1000, (r > s ? b / (r - s) / 1000 : 0) }'
exit 0
