#!/usr/bin/env bash
# bench.sh — the performance benchmark, run by `make bench` (tests/bench.mk).
#
# Measures, on the cached synthetic pool BENCH_DB, in BENCH_ROUNDS rounds
# that run every row side by side (so load from other processes hits all
# rows alike), each row a separate process doing one warm-up and BENCH_REPS
# timed repetitions:
#   scan      SELECT sum(length(embedding)) FROM safety_pool      (the floor)
#   read      the pool's four columns fetched row by row through the C API
#             (runq -f), without selecting: what reading with a plain SELECT
#             costs (safety_sample reads through an aggregate instead, which
#             spares SQLite's return to the caller for every row)
#   pss-b, cossim-b, sss-b    SELECT count(*) FROM safety_sample(m, 1000)
#   numpy     pss-b by hand in Python/numpy (tests/bench/pss_numpy.py)
#   cosine    SELECT sum(cosine(embedding, :q)) FROM safety_pool
#   vec       the same with sqlite-vec's vec_distance_cosine
# and prints the medians over all repetitions, ratios to the scan, the peak
# resident set of each process, and each of the performance targets with
# whether it holds.  Then the whole-process rows of tests/bench/whole.sh
# (one fresh process per call, paired with a fresh bare scan; the sweep row)
# and their targets.  Informational only: exits 0 whatever the timings (non-zero only
# when a measurement crashes).  With BENCH_CORETYPES="unset Prescott ..." it
# also compares OpenBLAS core types on the rows where BLAS can matter.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
EXT=${EXT:-$BUILD/safety_sample}
DB=${BENCH_DB:?set BENCH_DB (make bench does)}
RUNQ=${BENCH_RUNQ:-$BUILD/bench/runq}
VEC0=${BENCH_VEC0:-$BUILD/bench/npm/node_modules/sqlite-vec-linux-x64/vec0.so}
REPS=${BENCH_REPS:-3}
ROUNDS=${BENCH_ROUNDS:-3}
CORETYPES=${BENCH_CORETYPES:-}
NSEL=${BENCH_SELECT_N:-1000}
PYTHON=${BENCH_PYTHON:-}
QSQL="SELECT embedding FROM reference_examples WHERE id = 1"
crashed=0

# Debian's python3 (python3-numpy) unless BENCH_PYTHON says otherwise.
if [ -z "$PYTHON" ]; then
  for p in /usr/bin/python3 python3; do
    if "$p" -c "import numpy" 2>/dev/null; then PYTHON=$p; break; fi
  done
fi

# Per measured key: all wall and CPU times (ms, space separated), peak and
# base RSS (KiB), the query result, and a status ("" when measured, else why
# not).  CPU keys are "cpu:KEY" in TIMES.
declare -A TIMES PEAK BASE RESULT STATUS

# measure KEY COMMAND...: runs one process, records its line of output.
measure() {
  local key=$1 out line
  shift
  out=$("$@" 2>&1)
  line=$(printf '%s\n' "$out" | grep -E '^(result|error)=' | tail -n 1)
  if [[ $line == error=* ]]; then
    local msg=${line#error=}
    if [[ $msg == *"no such table: safety_sample"* || $msg == *"no such function"* ]]; then
      STATUS[$key]="not available (safety_sample is not in this build)"
    else
      STATUS[$key]="error: $msg"
    fi
    return
  fi
  if [ -z "$line" ]; then
    STATUS[$key]="crashed: $(printf '%s' "$out" | tail -n 3 | tr '\n' ' ')"
    crashed=1
    return
  fi
  local times cpu peak base result
  times=$(sed -E 's/.*times_ms=([^ ]*).*/\1/' <<<"$line" | tr ',' ' ')
  cpu=$(sed -E 's/.*cpu_ms=([^ ]*).*/\1/' <<<"$line" | tr ',' ' ')
  peak=$(sed -E 's/.*maxrss_kb=([0-9]*).*/\1/' <<<"$line")
  base=$(sed -E 's/.*base_kb=([0-9]*).*/\1/' <<<"$line")
  result=$(sed -E 's/^result=([^ ]*).*/\1/' <<<"$line")
  TIMES[$key]="${TIMES[$key]:-} $times"
  TIMES[cpu:$key]="${TIMES[cpu:$key]:-} $cpu"
  if [ -z "${PEAK[$key]:-}" ] || [ "$peak" -gt "${PEAK[$key]}" ]; then PEAK[$key]=$peak; fi
  BASE[$key]=$base
  RESULT[$key]=$result
  STATUS[$key]=""
}

# median KEY: the median of every time recorded for KEY ("" when none).
median() {
  local t=${TIMES[$1]:-}
  [ -z "$t" ] && return
  tr ' ' '\n' <<<"$t" | sed '/^$/d' | sort -g |
    awk '{v[NR]=$1} END {if (NR%2) printf "%.1f", v[(NR+1)/2];
                          else printf "%.1f", (v[NR/2]+v[NR/2+1])/2}'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (a == "" || b == "" || b == 0) print ""; else printf "%.2f", a / b}'; }
mib() { awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; }

# run_row ROW [ENV...]: measures one benchmark row (key ROW, or ROW@TAG when
# TAG is set) with the given environment.
run_row() {
  local row=$1 key=$1${TAG:+@$TAG}
  shift
  local envcmd=(env "$@")
  case $row in
    scan) measure "$key" "${envcmd[@]}" "$RUNQ" -e "$EXT" -r "$REPS" "$DB" \
            "SELECT sum(length(embedding)) FROM safety_pool" ;;
    read) measure "$key" "${envcmd[@]}" "$RUNQ" -f -e "$EXT" -r "$REPS" "$DB" \
            "SELECT id, category, behavior, embedding FROM safety_pool" ;;
    pss-b|cossim-b|sss-b)
      if [ -n "${STATUS[$row-missing]:-}" ]; then STATUS[$key]=${STATUS[$row-missing]}; return; fi
      measure "$key" "${envcmd[@]}" "$RUNQ" -e "$EXT" -r "$REPS" "$DB" \
        "SELECT count(*) FROM safety_sample('$row', $NSEL)"
      if [[ ${STATUS[$key]} == "not available"* ]]; then STATUS[$row-missing]=${STATUS[$key]}; fi ;;
    numpy)
      if [ -z "$PYTHON" ]; then STATUS[$key]="skipped: no python3 with numpy (make bench-deps installs python3-numpy)"; return; fi
      measure "$key" "${envcmd[@]}" "$PYTHON" tests/bench/pss_numpy.py "$DB" "$NSEL" "$REPS" ;;
    cosine) measure "$key" "${envcmd[@]}" "$RUNQ" -e "$EXT" -q "$QSQL" -r "$REPS" "$DB" \
              "SELECT sum(cosine(embedding, :q)) FROM safety_pool" ;;
    vec)
      if [ ! -f "$VEC0" ]; then STATUS[$key]="skipped: sqlite-vec not installed ($VEC0 missing; make bench-deps runs npm install)"; return; fi
      measure "$key" "${envcmd[@]}" "$RUNQ" -e "$EXT" -e "${VEC0%.so}" -q "$QSQL" -r "$REPS" "$DB" \
        "SELECT sum(vec_distance_cosine(embedding, :q)) FROM safety_pool" ;;
  esac
}

# One-shot queries for the header.
query() { "$RUNQ" -e "$EXT" -p "$DB" "$1" 2>&1; }
core_line() { env "$@" "$RUNQ" -e "$EXT" -p "$DB" "SELECT safety_debug()" 2>&1 | grep '^openblas core:' | sed 's/^openblas core: //'; }

echo "== safety_sample benchmark =="
echo "machine: $(lscpu | sed -n 's/^Model name: *//p' | head -n 1), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "OPENBLAS_CORETYPE in the environment: ${OPENBLAS_CORETYPE:-<unset>}"
query "SELECT safety_debug()" | sed 's/^/  /'
IFS='|' read -r pool_rows pool_examples t1_examples dim <<<"$(query \
  "SELECT count(*), count(DISTINCT id),
          (SELECT count(DISTINCT id) FROM safety_pool WHERE behavior = 'T1'),
          max(length(embedding)) / 4 FROM safety_pool")"
eligible_bytes=$((t1_examples * dim * 4))
mem_bound_kb=$(((eligible_bytes + 32 * 1048576) / 1024))
echo "pool: $DB ($(du -m "$DB" | cut -f1) MiB): $pool_examples examples, $pool_rows pool rows, dim $dim, $t1_examples T1 examples"
echo "selection size n = $NSEL; $ROUNDS rounds x (1 warm-up + $REPS timed repetitions) per row, one process per row and round"
echo "medians over every repetition; 'median ms' is wall time, 'CPU ms' user+system time of every thread"
echo

ROWS=(scan read pss-b cossim-b sss-b numpy cosine vec)
for row in "${ROWS[@]}"; do STATUS[$row]="not measured"; done
TAG=
for ((r = 1; r <= ROUNDS; r++)); do
  printf 'round %d/%d:' "$r" "$ROUNDS"
  for row in "${ROWS[@]}"; do printf ' %s' "$row"; run_row "$row"; done
  echo
done
echo

scan_ms=$(median scan)
declare -A LABEL=(
  [scan]="bare scan: sum(length(embedding))"
  [read]="read id, category, behavior, embedding (C API)"
  [pss-b]="safety_sample('pss-b', $NSEL)"
  [cossim-b]="safety_sample('cossim-b', $NSEL)"
  [sss-b]="safety_sample('sss-b', $NSEL)"
  [numpy]="pss-b by hand, Python/numpy"
  [cosine]="sum(cosine(embedding, :q))"
  [vec]="sum(vec_distance_cosine(embedding, :q)) [sqlite-vec]"
)
printf '%-52s %10s %8s %9s %8s %13s %s\n' "row" "median ms" "x scan" "CPU ms" "x scan" "peak RSS MiB" "result"
scan_cpu=$(median cpu:scan)
for row in "${ROWS[@]}"; do
  if [ -n "${STATUS[$row]}" ]; then
    printf '%-52s %s\n' "${LABEL[$row]}" "${STATUS[$row]}"
    continue
  fi
  m=$(median "$row")
  c=$(median "cpu:$row")
  printf '%-52s %10s %8s %9s %8s %13s %s\n' "${LABEL[$row]}" "$m" "$(ratio "$m" "$scan_ms")" \
    "$c" "$(ratio "$c" "$scan_cpu")" "$(mib "${PEAK[$row]}")" "${RESULT[$row]}"
done
echo

echo "peak memory of each selection vs one float32 copy of the eligible embeddings"
echo "($t1_examples T1 examples x $dim x 4 B = $(mib $((eligible_bytes / 1024))) MiB) + 32 MiB = $(mib $mem_bound_kb) MiB:"
for row in pss-b cossim-b sss-b numpy; do
  [ -n "${STATUS[$row]}" ] && continue
  printf '  %-10s peak %8s MiB (%8s MiB above the %s MiB after loading)\n' "$row" \
    "$(mib "${PEAK[$row]}")" "$(mib $((PEAK[$row] - BASE[$row])))" "$(mib "${BASE[$row]}")"
done
echo

# target LABEL VALUE OP LIMIT [CPU_VALUE]: prints one target line; the
# verdict is on VALUE (wall-time ratio), CPU_VALUE is shown beside it.
target() {
  local label=$1 value=$2 op=$3 limit=$4 cpu=${5:-} verdict
  if [ -z "$value" ]; then
    printf '  %-52s %s\n' "$label" "n/a (a row is missing)"
    return
  fi
  verdict=$(awk -v v="$value" -v l="$limit" -v op="$op" \
    'BEGIN {ok = (op == "<=") ? (v <= l) : (v >= l); print ok ? "holds" : "misses"}')
  printf '  %-52s %6s  (target %s %-3s) %-6s %s\n' "$label" "$value" "$op" "$limit" "$verdict" \
    "${cpu:+(CPU-time ratio $cpu)}"
}
val() { [ -z "${STATUS[$1]}" ] && median "$1"; }
cval() { [ -z "${STATUS[$1]}" ] && median "cpu:$1"; }
echo "the performance targets (informational; wall-time ratios measured in this run):"
target "pss-b / bare scan" "$(ratio "$(val pss-b)" "$scan_ms")" "<=" 1.6 \
  "$(ratio "$(cval pss-b)" "$scan_cpu")"
target "cossim-b / bare scan" "$(ratio "$(val cossim-b)" "$scan_ms")" "<=" 1.3 \
  "$(ratio "$(cval cossim-b)" "$scan_cpu")"
target "numpy script / pss-b (speed-up)" "$(ratio "$(val numpy)" "$(val pss-b)")" ">=" 3 \
  "$(ratio "$(cval numpy)" "$(cval pss-b)")"
target "cosine() / vec_distance_cosine (time)" "$(ratio "$(val cosine)" "$(val vec)")" "<=" 1.0 \
  "$(ratio "$(cval cosine)" "$(cval vec)")"
for row in pss-b cossim-b sss-b; do
  v=
  [ -z "${STATUS[$row]}" ] && v=$(ratio "${PEAK[$row]}" "$mem_bound_kb")
  target "$row peak RSS / (eligible embeddings + 32 MiB)" "$v" "<=" 1.0
done
cos_cpu=$(cval cosine) vec_cpu=$(cval vec)
if [ -n "$cos_cpu" ] && [ -n "$vec_cpu" ]; then
  awk -v c="$cos_cpu" -v v="$vec_cpu" -v s="$scan_cpu" -v n="$pool_rows" 'BEGIN {
    printf "  CPU time per pool row above the bare scan: cosine() %.0f ns, vec_distance_cosine %.0f ns%s\n",
      (c - s) * 1e6 / n, (v - s) * 1e6 / n, (c < s || v < s) ? " (below the scan: noise)" : "" }'
fi

# Do numpy and safety_sample pick the same examples for the categories?
if [ -z "${STATUS[pss-b]}" ] && [ -z "${STATUS[numpy]}" ]; then
  ours=$(query "SELECT category || '|' || id FROM safety_sample('pss-b', $NSEL) WHERE stage = 'category'" | sort)
  theirs=$("$PYTHON" tests/bench/pss_numpy.py "$DB" "$NSEL" --ids | sort)
  same=$(comm -12 <(printf '%s\n' "$ours") <(printf '%s\n' "$theirs") | grep -c .)
  echo "  check: numpy and safety_sample('pss-b') agree on $same of $(grep -c . <<<"$ours") category-stage picks"
fi

# The whole-process rows (and the sweep row): tests/bench/whole.sh.
. tests/bench/whole.sh

if [ -n "$CORETYPES" ]; then
  echo
  echo "OpenBLAS core types (rows where BLAS can matter; rounds side by side):"
  CROWS=(scan pss-b cossim-b numpy)
  for ((r = 1; r <= ROUNDS; r++)); do
    for ct in $CORETYPES; do
      TAG=$ct
      if [ "$ct" = unset ]; then envs=(-u OPENBLAS_CORETYPE); else envs=(OPENBLAS_CORETYPE="$ct"); fi
      for row in "${CROWS[@]}"; do run_row "$row" "${envs[@]}"; done
    done
  done
  echo "  median wall ms (x the bare scan of the same setting); the scan never calls BLAS"
  printf '  %-10s %-14s' "setting" "core reported"
  for row in "${CROWS[@]}"; do printf ' %17s' "$row"; done
  echo
  for ct in $CORETYPES; do
    if [ "$ct" = unset ]; then envs=(-u OPENBLAS_CORETYPE); else envs=(OPENBLAS_CORETYPE="$ct"); fi
    printf '  %-10s %-14s' "$ct" "$(core_line "${envs[@]}")"
    s=$(median "scan@$ct")
    for row in "${CROWS[@]}"; do
      if [ -n "${STATUS[$row@$ct]:-}" ]; then
        printf ' %17s' "n/a"
      else
        m=$(median "$row@$ct")
        printf ' %17s' "$m ($(ratio "$m" "$s"))"
      fi
    done
    echo
  done
fi
# the refusal detector's MB/s of text (its own script, its own table)
BENCH_REPS=$REPS bash tests/bench/refusal_bench.sh
exit $crashed
