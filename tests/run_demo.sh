#!/usr/bin/env bash
# run_demo.sh [EXT [OUT]] — the demo driver behind `make demo` (tests/demo.mk)
# and tests/sh/demo.sh.  Creates OUT/demo.db from scratch and runs
# sql/demo.sql in it with the sqlite3 shell, the extension EXT (path without
# .so) loaded; the selection goes to OUT/demo/selected.jsonl.
# Defaults: EXT=build/safety_sample, OUT=build.  Run from anywhere.
set -eu
cd "$(dirname "$0")/.."
EXT=${1:-build/safety_sample}
OUT=${2:-build}
rm -f "$OUT/demo.db" "$OUT/demo/selected.jsonl"
mkdir -p "$OUT/demo"
q="'"
exec sqlite3 -bail -cmd ".load $EXT" \
  -cmd "CREATE TEMP TABLE demo_config AS SELECT '${OUT//$q/$q$q}' AS build" \
  "$OUT/demo.db" ".read sql/demo.sql"
