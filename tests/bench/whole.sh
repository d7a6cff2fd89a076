# whole.sh — the whole-process rows of the benchmark, sourced by bench.sh
# (which defines median, ratio, mib, target and the variables used here).
#
# A user runs one selection as one sqlite3 process: the process start, the
# loading of the extension and its libraries, the first touch of fresh
# memory and the start of threads are all paid every time, and an
# in-process repetition (runq) hides them.  Here every call is a fresh
# `sqlite3 -readonly` process (timed from outside by proctime, with its
# CPU time and peak memory from wait4), each one paired with a fresh
# process running the bare scan SELECT sum(length(embedding)) FROM
# safety_pool on the same database (without the extension), and the rows
# report the median of the pair-by-pair ratios, which holds while the
# machine's speed drifts.  Rows, each on the canonical schema (views) and
# on a plain-table pool (the same rows as one table):
#   pss-b, cossim-b   SELECT count(*) FROM safety_sample(m, N)
#   numpy             tests/bench/pss_numpy.py --once (interpreter start and
#                     numpy import included, as a user runs the script)
#   sweep             the 120-combination grid (8 methods x 5 budgets x 3
#                     seeds) in one statement: safety_sweep when the build
#                     has it, else 120 safety_sample calls (a placeholder
#                     that shows what a sweep costs without it)
# The pool files are rollback-journal files, so the extension reads them
# over several connections (ext/pool_parallel.c); the rows marked "1 conn"
# repeat pss-b, cossim-b and the sweep with SAFETY_SAMPLE_READERS=1, the
# read on the caller's connection alone, side by side.
PROCTIME=${BENCH_PROCTIME:-$BUILD/bench/proctime}
PLAIN_DB=${BENCH_PLAIN_DB:-}
PAIRS=${BENCH_PAIRS:-3}
SWEEP_METHODS='["random","random-b","sss","sss-b","pss","pss-b","cossim","cossim-b"]'
SWEEP_BUDGETS='[10,50,100,400,1000]'
SWEEP_SEEDS='[0,1,2]'
SCAN_SQL="SELECT sum(length(embedding)) FROM safety_pool"

# Does this build have safety_sweep?
has_sweep=$("$RUNQ" -e "$EXT" -p "$DB" \
  "SELECT count(*) FROM pragma_module_list WHERE name = 'safety_sweep'" 2>/dev/null)
if [ "$has_sweep" = 1 ]; then
  SWEEP_SQL="SELECT count(*) FROM safety_sweep('$SWEEP_METHODS', '$SWEEP_BUDGETS', '{\"seeds\": $SWEEP_SEEDS}')"
  SWEEP_HOW="safety_sweep"
  SWEEP_ROUNDS=${BENCH_SWEEP_ROUNDS:-$ROUNDS}
  SWEEP_PAIRS=$PAIRS
else
  SWEEP_SQL="SELECT count(*) FROM json_each('$SWEEP_METHODS') AS m, json_each('$SWEEP_BUDGETS') AS b,
    json_each('$SWEEP_SEEDS') AS s, safety_sample(m.value, b.value, json_object('seed', s.value))"
  SWEEP_HOW="120 safety_sample calls (no safety_sweep in this build)"
  SWEEP_ROUNDS=${BENCH_SWEEP_ROUNDS:-1}
  SWEEP_PAIRS=1
fi

# Per whole-process key: the pair ratios (wall, CPU), the peak RSS of the
# measured process, its result and status.
declare -A WR WC WPEAK WRES WSTAT

# field NAME LINE: the value of NAME=... in proctime's output line.
field() { sed -E "s/.*(^| )$1=([^ ]*).*/\\2/" <<<"$2"; }

# wp_pair KEY DB EXPECT COMMAND...: one fresh scan process on DB, then
# COMMAND in a fresh process; records the ratios of the pair.  EXPECT is a
# pattern the command's last line must match (its result line).
wp_pair() {
  local key=$1 db=$2 expect=$3 scan out res
  shift 3
  scan=$("$PROCTIME" sqlite3 -readonly "$db" "$SCAN_SQL")
  out=$("$PROCTIME" "$@" 2>&1)
  res=$(grep '^out=' <<<"$out" | sed 's/^out=//')
  local line
  line=$(grep '^wall_ms=' <<<"$out")
  local sline
  sline=$(grep '^wall_ms=' <<<"$scan")
  if [ -z "$line" ] || [ "$(field status "$line")" != 0 ] || ! [[ $res =~ $expect ]]; then
    WSTAT[$key]="error: ${res:-$(tail -n 2 <<<"$out" | tr '\n' ' ')}"
    return
  fi
  WR[$key]="${WR[$key]:-} $(ratio "$(field wall_ms "$line")" "$(field wall_ms "$sline")")"
  WC[$key]="${WC[$key]:-} $(ratio "$(field cpu_ms "$line")" "$(field cpu_ms "$sline")")"
  TIMES[wp:$key]="${TIMES[wp:$key]:-} $(field wall_ms "$line")"
  TIMES[wpscan:$key]="${TIMES[wpscan:$key]:-} $(field wall_ms "$sline")"
  local peak
  peak=$(field maxrss_kb "$line")
  if [ -z "${WPEAK[$key]:-}" ] || [ "$peak" -gt "${WPEAK[$key]}" ]; then WPEAK[$key]=$peak; fi
  WRES[$key]=${res#result=}
  WSTAT[$key]=""
}

# wp_row KEY: one pair of the row KEY (ROW, ROW@plain, ROW@one: the
# canonical views read on one connection, ROW@plain1: the plain table so).
wp_row() {
  local key=$1 row=${1%@*} db=$DB readers=${SAFETY_SAMPLE_READERS:-}
  [[ $key == *@plain* ]] && db=$PLAIN_DB
  [[ $key == *@one || $key == *@plain1 ]] && readers=1
  if [ -z "$db" ] || [ ! -f "$db" ]; then WSTAT[$key]="skipped: no plain-table pool (make bench-pool)"; return; fi
  case $row in
    pss-b|cossim-b)
      wp_pair "$key" "$db" '^[0-9]+$' env SAFETY_SAMPLE_READERS=$readers sqlite3 -readonly \
        -cmd ".load $EXT" "$db" "SELECT count(*) FROM safety_sample('$row', $NSEL)" ;;
    numpy)
      if [ -z "$PYTHON" ]; then WSTAT[$key]="skipped: no python3 with numpy"; return; fi
      wp_pair "$key" "$db" '^result=[0-9]+$' "$PYTHON" tests/bench/pss_numpy.py "$db" "$NSEL" --once ;;
    sweep)
      wp_pair "$key" "$db" '^[0-9]+$' env SAFETY_SAMPLE_READERS=$readers sqlite3 -readonly \
        -cmd ".load $EXT" "$db" "$SWEEP_SQL" ;;
  esac
}

# wmedian LIST: the median of a space-separated list ("" when empty).
wmedian() {
  tr ' ' '\n' <<<"$1" | sed '/^$/d' | sort -g |
    awk '{v[NR]=$1} END {if (NR == 0) exit; if (NR%2) printf "%.2f", v[(NR+1)/2];
                          else printf "%.2f", (v[NR/2]+v[NR/2+1])/2}'
}

WROWS=(pss-b cossim-b numpy pss-b@plain cossim-b@plain numpy@plain pss-b@plain1 cossim-b@plain1)
for key in "${WROWS[@]}" sweep sweep@one; do WSTAT[$key]="not measured"; done
echo
echo "== whole processes: one fresh sqlite3 (or python3) process per call, each paired with a fresh bare-scan process =="
echo "$ROUNDS rounds x $PAIRS pairs per row; sweep: $SWEEP_HOW, $SWEEP_ROUNDS round(s) x $SWEEP_PAIRS pair(s)"
for ((r = 1; r <= ROUNDS; r++)); do
  printf 'round %d/%d:' "$r" "$ROUNDS"
  for key in "${WROWS[@]}"; do
    printf ' %s' "$key"
    for ((p = 0; p < PAIRS; p++)); do wp_row "$key"; done
  done
  if [ "$r" -le "$SWEEP_ROUNDS" ]; then
    printf ' sweep sweep@one'
    for ((p = 0; p < SWEEP_PAIRS; p++)); do wp_row sweep; wp_row sweep@one; done
  fi
  echo
done
echo
declare -A WLABEL=(
  [pss-b]="safety_sample('pss-b', $NSEL)"
  [cossim-b]="safety_sample('cossim-b', $NSEL)"
  [numpy]="pss-b by hand, python3 pss_numpy.py --once"
  [sweep]="sweep: 8 methods x 5 budgets x 3 seeds"
)
printf '%-46s %-15s %9s %9s %9s %8s %13s %s\n' "whole-process row" "pool" "median ms" "scan ms" "x scan" "CPU x" "peak RSS MiB" "result"
for key in "${WROWS[@]}" sweep sweep@one; do
  row=${key%@*} pool=canonical
  [[ $key == *@plain* ]] && pool=plain
  [[ $key == *@one || $key == *@plain1 ]] && pool="$pool,1conn"
  if [ -n "${WSTAT[$key]}" ]; then
    printf '%-46s %-15s %s\n' "${WLABEL[$row]}" "$pool" "${WSTAT[$key]}"
    continue
  fi
  printf '%-46s %-15s %9s %9s %9s %8s %13s %s\n' "${WLABEL[$row]}" "$pool" \
    "$(median "wp:$key")" "$(median "wpscan:$key")" "$(wmedian "${WR[$key]}")" \
    "$(wmedian "${WC[$key]}")" "$(mib "${WPEAK[$key]}")" "${WRES[$key]}"
done
echo "(x scan: median of the pair-by-pair wall-time ratios; CPU x: the same for user+system CPU time)"
echo

wval() { [ -z "${WSTAT[$1]}" ] && wmedian "${WR[$1]}"; }
wcval() { [ -z "${WSTAT[$1]}" ] && wmedian "${WC[$1]}"; }
# The whole-process numpy/pss-b ratio: each against its own paired scans.
wnumpy() { local a b; a=$(wval "numpy$1") b=$(wval "pss-b$1"); ratio "$a" "$b"; }
wnumpy_cpu() { local a b; a=$(wcval "numpy$1") b=$(wcval "pss-b$1"); ratio "$a" "$b"; }
# Peak-memory ratios to three places, so that a peak just over its bound
# does not round to 1.00 and pass.
ratio3() { awk -v a="$1" -v b="$2" 'BEGIN {if (a == "" || b == "" || b == 0) print ""; else printf "%.3f", a / b}'; }
all_kb=$(((pool_examples * dim * 4 + 32 * 1048576) / 1024))
echo "whole-process and sweep targets (informational; wall-time ratios measured in this run):"
target "sweep (120 combinations) / bare scan" "$(wval sweep)" "<=" 2 "$(wcval sweep)"
for sfx in @plain ""; do
  pool=${sfx:+plain table}
  pool=${pool:-canonical views}
  target "pss-b / bare scan ($pool)" "$(wval "pss-b$sfx")" "<=" 1.3 "$(wcval "pss-b$sfx")"
  target "cossim-b / bare scan ($pool)" "$(wval "cossim-b$sfx")" "<=" 1.2 "$(wcval "cossim-b$sfx")"
  target "numpy script / pss-b ($pool)" "$(wnumpy "$sfx")" ">=" 2.5 "$(wnumpy_cpu "$sfx")"
done
for key in pss-b cossim-b; do
  v=
  [ -z "${WSTAT[$key]}" ] && v=$(ratio3 "${WPEAK[$key]}" "$mem_bound_kb")
  target "$key peak RSS / (T1 embeddings + 32 MiB)" "$v" "<=" 1.0
done
v=
[ -z "${WSTAT[sweep]}" ] && v=$(ratio3 "${WPEAK[sweep]}" "$all_kb")
target "sweep peak RSS / (all embeddings + 32 MiB)" "$v" "<=" 1.0
echo "  (the sweep's eligible examples are every example, since half its methods filter no behaviour:"
echo "   $pool_examples x $dim x 4 B + 32 MiB = $(mib "$all_kb") MiB)"
echo "the read over several connections against one (informational: the 1conn row's ratio over the row's):"
for key in pss-b@plain cossim-b@plain sweep; do
  one=$key@one
  [[ $key == *@plain ]] && one=${key}1
  printf '  %-26s %s\n' "$key" "$(ratio "$(wval "$one")" "$(wval "$key")")x"
done
