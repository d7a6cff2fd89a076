#!/usr/bin/env bash
# sample_reference.sh — compares safety_sample with the independent Python
# reference (tests/reference/): hand-worked cases, then 30 random pools
# (most with several responses per prompt sharing its embedding) with 53
# calls each: pss/cossim/fl row for row with ties by the tie key, sss/random
# by their quotas; dedup, quota, contrast and group in every method.
# Needs Debian's /usr/bin/python3 (its sqlite3 module can load extensions).
# Ends with "N passed, M failed"; exits non-zero on failure.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
EXT=${EXT:-$BUILD/safety_sample}
PY=${REFERENCE_PYTHON:-/usr/bin/python3}
if ! "$PY" -c 'import sqlite3; sqlite3.connect(":memory:").enable_load_extension(True)' 2>/dev/null; then
  echo "FAIL sample_reference: $PY cannot load SQLite extensions"
  echo "0 passed, 1 failed"
  exit 1
fi
PYTHONDONTWRITEBYTECODE=1 EXT=$EXT exec "$PY" tests/reference/compare.py --pools "${REFERENCE_POOLS:-30}"
