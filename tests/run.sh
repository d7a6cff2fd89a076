#!/usr/bin/env bash
# run.sh — runs every test suite and prints one closing line
# "N passed, M failed"; exits non-zero on any failure.
#
# Suites: the C unit tests (build/tests/test_*), the SQL test files
# (tests/sql/*.sql, run by build/tests/sqltest against the extension) and
# the shell tests (tests/sh/*.sh).  Each suite prints its own failures and
# ends with its own "N passed, M failed" line, which this script adds up.
# BUILD names the build directory (default build); EXT and TEST_BIN
# override the extension and the test programs (make sanitize uses them);
# TEST_WRAPPER prefixes the unit and SQL test commands, SH_WRAPPER the shell
# tests (make sanitize preloads the ASan runtime into them that way).
# Shell tests get BUILD and EXT in their environment.
# SAFETY_SAMPLE_READERS=2 (unless set): the pool read over several
# connections (ext/pool_parallel.c), which a 2-core machine does not use by
# default, runs wherever it applies, so that every suite exercises it.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
EXT=${EXT:-$BUILD/safety_sample}
BIN=${TEST_BIN:-$BUILD/tests}
SAFETY_SAMPLE_READERS=${SAFETY_SAMPLE_READERS:-2}
export BUILD EXT SAFETY_SAMPLE_READERS
passed=0
failed=0

# Runs one suite: prints its output except the summary, adds the summary.
run_suite() {
  local name=$1
  shift
  local out rc summary
  out=$("$@" 2>&1)
  rc=$?
  summary=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n 1)
  printf '%s\n' "$out" | grep -vE '^[0-9]+ passed, [0-9]+ failed$' | sed '/^$/d'
  if [ -z "$summary" ]; then
    echo "FAIL $name: exited with status $rc without a summary line"
    failed=$((failed + 1))
    return
  fi
  local p f
  p=${summary%% passed*}
  f=${summary#*, }
  f=${f%% failed*}
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
    echo "FAIL $name: exited with status $rc"
    f=1
  fi
  printf '%-28s %s\n' "$name" "$summary"
  passed=$((passed + p))
  failed=$((failed + f))
}

for t in "$BIN"/test_*; do
  [ -x "$t" ] && run_suite "unit $(basename "$t")" ${TEST_WRAPPER:-} "$t"
done
for f in tests/sql/*.sql; do
  run_suite "sql $(basename "$f")" ${TEST_WRAPPER:-} "$BIN/sqltest" "$EXT" "$f"
done
for s in tests/sh/*.sh; do
  [ -f "$s" ] && run_suite "sh $(basename "$s")" ${SH_WRAPPER:-} bash "$s"
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
