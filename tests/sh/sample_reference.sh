#!/usr/bin/env bash
# sample_reference.sh — compares safety_sample with the independent Python
# reference (tests/reference/): hand-worked cases, then 30 random pools with
# 18 calls each (pss/cossim row for row, sss/random by their quotas).
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
