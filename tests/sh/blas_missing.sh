#!/usr/bin/env bash
# blas_missing.sh — OpenBLAS is opened on first use, not at load time
# (ext/core/blas.h).  The extension itself: loading it and running pss-b
# maps no libopenblas and starts no thread that stays; safety_debug() then
# opens it.  The variant $BUILD/tests/noblas/safety_sample (blas.c built to
# open a library that does not exist, see the Makefile): fl and fl-b fail
# in safety_sample, safety_report and safety_sweep with a message naming
# the function, the missing library and the package to install;
# safety_debug() says "openblas: not loaded (...)"; pss still runs.
# Needs Debian's /usr/bin/python3 (its sqlite3 module loads extensions).
set -u
TEST_NAME=blas_missing.sh
source "$(dirname "$0")/../shlib.sh"
NOBLAS=$REPO/$BUILD/tests/noblas/safety_sample
case $BUILD in /*) NOBLAS=$BUILD/tests/noblas/safety_sample ;; esac
PY=${REFERENCE_PYTHON:-/usr/bin/python3}

# The loaded extension, from inside the process: what is mapped, threads.
out=$(PYTHONDONTWRITEBYTECODE=1 EXT=$EXT REPO=$REPO "$PY" - 2>&1 <<'PYEOF'
import os, sqlite3
def blas_mapped():
    with open("/proc/self/maps") as f:
        return "libopenblas" in f.read()
def threads():
    return len(os.listdir("/proc/self/task"))
db = sqlite3.connect(":memory:")
db.enable_load_extension(True)
before = threads()
db.load_extension(os.environ["EXT"])
print("after load: mapped=%s extra_threads=%d" % (blas_mapped(), threads() - before))
for f in ("sql/schema.sql", "tests/data/sample_pool.sql"):
    db.executescript(open(os.path.join(os.environ["REPO"], f)).read())
n = db.execute("SELECT count(*) FROM safety_sample('pss-b', 3)").fetchone()[0]
print("after pss-b: rows=%d mapped=%s extra_threads=%d" % (n, blas_mapped(), threads() - before))
db.execute("SELECT safety_debug()").fetchone()
print("after safety_debug: mapped=%s" % blas_mapped())
PYEOF
)
check_contains "load maps no OpenBLAS and starts no thread" "after load: mapped=False extra_threads=0" "$out"
check_contains "pss-b maps no OpenBLAS, leaves no thread" "after pss-b: rows=3 mapped=False extra_threads=0" "$out"
check_contains "safety_debug() opens OpenBLAS" "after safety_debug: mapped=True" "$out"

# The variant that cannot open its library.
run() { sqlite3 :memory: -cmd ".load $NOBLAS" ".read sql/schema.sql" ".read tests/data/sample_pool.sql" "$@" 2>&1; }
why="the OpenBLAS library libsafety-missing-blas.so.0 could not be loaded (libsafety-missing-blas.so.0: cannot open shared object file"
fix="); install it (Debian/Ubuntu: apt-get install libopenblas0)"
for m in fl fl-b; do
  out=$(run "SELECT * FROM safety_sample('$m', 3);")
  check_contains "safety_sample $m: the function, the method and why" "safety_sample: $m bounds its gains with OpenBLAS, but $why" "$out"
  check_contains "safety_sample $m: how to fix it" "$fix, or use pss, which needs no BLAS" "$out"
done
out=$(run "SELECT safety_report('fl-b', 3);")
check_contains "safety_report fl-b" "safety_report: fl-b bounds its gains with OpenBLAS, but $why" "$out"
out=$(run "SELECT count(*) FROM safety_sweep('[\"pss\",\"fl\"]', 3);")
check_contains "safety_sweep with fl" "safety_sweep: fl, budget 3, seed 0: fl bounds its gains with OpenBLAS, but $why" "$out"
out=$(run "SELECT safety_debug();")
check_contains "safety_debug(): not loaded, why and how to fix it" "openblas: not loaded ($why" "$out"
check_contains "safety_debug(): the rest still reported" "cjson: 1." "$out"
check "pss runs without OpenBLAS" "3" "$(run "SELECT count(*) FROM safety_sample('pss', 3);")"
finish
