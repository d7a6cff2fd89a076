#!/usr/bin/env bash
# layout.sh — the layout rules of ext/ (ext/README.md), checked by
# tests/layout.py: no file under ext/core/ names sqlite3 (the core is pure
# C and links without SQLite), no C file over 600 lines, no function over
# 100 lines.  First shows on made-up trees that the checker catches each
# breach (so that the last check can fail), then checks ext/.
set -u
TEST_NAME=layout.sh
source "$(dirname "$0")/../shlib.sh"
PY=${PYTHON:-python3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# A clean tree passes.
mkdir -p "$tmp/ok/core"
printf '/* uses SQLite only in name */\nint f(int x) {\n  return x;\n}\n' >"$tmp/ok/core/a.c"
printf '#include "sqlite3ext.h"\nint g(void) { return 1; }\n' >"$tmp/ok/b.c"
out=$("$PY" tests/layout.py "$tmp/ok"; echo "rc=$?")
check "clean tree" "rc=0" "$out"

# sqlite3 named in a core file, in code or in a comment, any case.
mkdir -p "$tmp/sq/core"
printf 'int f(void);\n/* calls SQLITE3_malloc */\n' >"$tmp/sq/core/a.h"
out=$("$PY" tests/layout.py "$tmp/sq"; echo "rc=$?")
check_contains "core names sqlite3" "core-names-sqlite3 $tmp/sq/core/a.h:2" "$out"
check_contains "core names sqlite3: status" "rc=1" "$out"

# A file of 601 lines.
mkdir -p "$tmp/long"
{ for i in $(seq 1 601); do echo "int v$i;"; done; } >"$tmp/long/x.c"
out=$("$PY" tests/layout.py "$tmp/long"; echo "rc=$?")
check_contains "file over 600 lines" "file-too-long $tmp/long/x.c 601" "$out"

# A function of 101 lines (signature to closing brace, on two lines of
# signature), beside one of exactly 100, a struct and an initialiser of
# more: only the first is reported.
mkdir -p "$tmp/fn"
# lines N TEXT: N copies of the line TEXT.
lines() { for _ in $(seq 1 "$1"); do echo "$2"; done; }
{
  printf 'static int big(int a,\n               int b) {\n'
  lines 98 "  a += b; /* { */"
  printf '}\nint exact(void) {\n'
  lines 98 "  if (1) { }"
  printf '}\nstruct S {\n'
  lines 120 "  int f;"
  printf '};\nstatic const int table[] = {\n'
  lines 120 "  1,"
  printf '};\n'
} >"$tmp/fn/y.c"
out=$("$PY" tests/layout.py "$tmp/fn"; echo "rc=$?")
check "function over 100 lines" "function-too-long $tmp/fn/y.c:1 big 101
rc=1" "$out"

# The real tree.
out=$("$PY" tests/layout.py ext 2>&1; echo "rc=$?")
check "ext/ keeps the layout rules" "rc=0" "$out"

# The core links on its own: the unit tests are built from ext/core/ alone
# (and ext/refusal.c until it moves there); no core object refers to an
# sqlite3_ symbol.
if command -v nm >/dev/null && [ -x "$BUILD/tests/test_select" ]; then
  out=$(nm -u "$BUILD/tests/test_select" | grep -c 'sqlite3' || true)
  check "unit test binary needs no SQLite symbol" "0" "$out"
fi
finish
