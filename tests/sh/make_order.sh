#!/usr/bin/env bash
# make_order.sh — `make -j` on a machine without the packages must install
# them before it compiles anything: every build directory (build, build/core,
# build/tests, build/bench, build/fuzz, build/sanitize/tests), which every
# compile waits for, has deps as an order-only prerequisite.  Read from make's own database
# (make -pq), and first tried on a copy of the Makefile without the rule, so
# a checker that finds nothing fails too.
set -u
TEST_NAME=make_order.sh
source "$(dirname "$0")/../shlib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
DIRS="build build/core build/tests build/bench build/fuzz build/sanitize/tests"

# dirs_without_deps DIR: the build directories whose rule, in the make
# database of the tree at DIR, does not wait for deps.
dirs_without_deps() {
  local db d out=""
  db=$(make -C "$1" -pq BUILD=build 2>/dev/null)
  for d in $DIRS; do
    printf '%s\n' "$db" | grep -qE "^$d:.*\|.*\bdeps\b" || out="$out $d"
  done
  printf '%s' "${out# }"
}

mkdir -p "$tmp/planted/tests"
cp -r ext "$tmp/planted/"
sed 's/^\(\$(BUILD)\/core\): | deps$/\1:/' Makefile >"$tmp/planted/Makefile"
cp tests/*.mk "$tmp/planted/tests/"
check "planted Makefile without the rule is caught" "build/core" "$(dirs_without_deps "$tmp/planted")"
check "every build directory waits for deps" "" "$(dirs_without_deps "$REPO")"
finish
