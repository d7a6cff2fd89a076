#!/usr/bin/env bash
# layout.sh — the layout rules of ext/ (ext/README.md), checked by
# tests/layout.py: no file under ext/core/ names sqlite3 (the core is pure
# C and links without SQLite), only ext/relation.c prepares SQL text, no C
# file over 600 lines, no function over 100 lines; tests/ keeps the two
# size rules too.  First shows on made-up trees that the checker catches
# each breach (so that the last check can fail), then checks ext/ and
# tests/, and that no unit-test binary needs an SQLite symbol.
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

# A function after a macro invocation without ';' (HEAP_DEFINE(...)) is
# named by its own signature and counted from it, not from the macro.
mkdir -p "$tmp/macro"
{
  printf 'HEAP_DEFINE(lazy, Entry, before)\n\nstatic Entry\nlazy_pop(Entry *h,\n         size_t *n) {\n'
  lines 97 "  h[0] = h[--*n];"
  printf '}\n'
} >"$tmp/macro/z.c"
out=$("$PY" tests/layout.py "$tmp/macro"; echo "rc=$?")
check "function after a macro invocation" "function-too-long $tmp/macro/z.c:3 lazy_pop 101
rc=1" "$out"

# SQL text prepared outside relation.c (a comment naming the call is not).
mkdir -p "$tmp/sql"
printf '/* sqlite3_prepare_v2 is relation.c'"'"'s */\nint r(void);\n' >"$tmp/sql/relation.c"
printf '/* not sqlite3_exec() */\nint f(sqlite3 *db, sqlite3_stmt **st) {\n  return sqlite3_prepare_v2(db, "SELECT 1", -1, st, 0);\n}\n' >"$tmp/sql/other.c"
out=$("$PY" tests/layout.py "$tmp/sql"; echo "rc=$?")
check "SQL outside relation.c" "sql-outside-relation $tmp/sql/other.c:3
rc=1" "$out"

# The real trees.
out=$("$PY" tests/layout.py ext 2>&1; echo "rc=$?")
check "ext/ keeps the layout rules" "rc=0" "$out"
out=$("$PY" tests/layout.py tests 2>&1; echo "rc=$?")
check "tests/ keeps the size rules" "rc=0" "$out"

# The core links on its own: the unit tests are built from ext/core/ alone;
# no unit-test binary refers to an sqlite3 symbol.  Without nm or without the binaries (make unit-tests)
# this fails rather than passing unchecked.
check "nm is installed" "yes" "$(command -v nm >/dev/null && echo yes || echo 'no: install binutils')"
bins=$(ls "$BUILD"/tests/test_* 2>/dev/null)
check "unit-test binaries are built" "yes" "$([ -n "$bins" ] && echo yes || echo "no: none in $BUILD/tests (make unit-tests)")"
for bin in $bins; do
  [ -x "$bin" ] || continue
  out=$(nm -u "$bin" 2>&1 | grep -ci 'sqlite3' || true)
  check "$(basename "$bin") needs no SQLite symbol" "0" "$out"
done
finish
