#!/usr/bin/env bash
# faults.sh — the fault tests of tests/faults/ (SPEC §9, reliability rules):
# recursive relations must end in an error, not a signal (recursion.py);
# interrupts and progress handlers stop every phase within 2 s
# (interrupts.py); one read snapshot per statement under a concurrent
# writer (snapshot.py); BUSY, LOCKED, NOMEM and INTERRUPT keep their codes
# (codes.py); per-category memory is bounded (memory.py); the pool read
# over several connections gives the rows and errors of the one-connection
# read (parallel.py).  Each script
# prints FAIL lines, notes with measured figures, and its own summary; this
# script adds the summaries up.  Needs Debian's /usr/bin/python3 (its
# sqlite3 module loads extensions) and the sqlite3 shell.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
EXT=${EXT:-$BUILD/safety_sample}
case $EXT in /*) ;; *) EXT=$(pwd)/$EXT ;; esac
PY=${FAULTS_PYTHON:-/usr/bin/python3}
export EXT PYTHONDONTWRITEBYTECODE=1
passed=0
failed=0
for t in recursion interrupts snapshot codes memory parallel; do
  out=$("$PY" "tests/faults/$t.py" 2>&1)
  rc=$?
  printf '%s\n' "$out" | grep -vE '^[0-9]+ passed, [0-9]+ failed$'
  summary=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n 1)
  if [ -z "$summary" ]; then
    echo "FAIL faults.sh $t.py: exited with status $rc without a summary line"
    failed=$((failed + 1))
    continue
  fi
  p=${summary%% passed*}
  f=${summary#*, }
  f=${f%% failed*}
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  passed=$((passed + p))
  failed=$((failed + f))
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
