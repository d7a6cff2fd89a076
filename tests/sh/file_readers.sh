#!/usr/bin/env bash
# file_readers.sh — what jsonl_each and csv_each do with files that could
# hang or exhaust a host (contract sections 5 and 9): a FIFO is refused at
# once (guarded with timeout, so a regression fails instead of hanging), so
# are a directory and /dev/zero; a 1 GB sparse file stops at its first NUL
# byte without buffering it; and a long read (100 million blank lines)
# stops promptly on sqlite3_interrupt() and on a progress handler that
# asks to stop, with SQLite's interrupt code.  The interrupt tests use
# Python's sqlite3 module (Debian's python3 can load extensions); the
# latency is printed and bounded generously (2 s) so a loaded machine does
# not flake.  Environment: BUILD, EXT as tests/run.sh sets.
set -u
TEST_NAME=file_readers.sh
source "$(dirname "$0")/../shlib.sh"
PY=python3
if [ -x /usr/bin/python3 ]; then PY=/usr/bin/python3; fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# run SQL: the shell with the extension, bounded to 10 s; stderr merged.
run() { timeout 10 sqlite3 :memory: -cmd ".load $EXT" "$1" 2>&1; echo "status $?"; }

mkfifo "$tmp/pipe"
for fn in jsonl_each csv_each; do
  out=$(run "SELECT count(*) FROM $fn('$tmp/pipe')")
  check "$fn: a FIFO is refused at once (no blocking open)" \
    "Error: stepping, $fn: '$tmp/pipe' is a FIFO (named pipe), not a regular file; $fn reads only regular files (copy the data into a file first)
status 1" "$out"
  check "$fn: /dev/zero is refused before reading" \
    "Error: stepping, $fn: '/dev/zero' is a character device, not a regular file; $fn reads only regular files (copy the data into a file first)
status 1" "$(run "SELECT count(*) FROM $fn('/dev/zero')")"
  check_contains "$fn: a directory is refused" "$fn: '$tmp' is a directory; pass the path of a" \
    "$(run "SELECT count(*) FROM $fn('$tmp')")"
done

# A symbolic link to a regular file is read (stat follows it).
printf 'a\n1\n' > "$tmp/real.csv"
ln -s "$tmp/real.csv" "$tmp/link.csv"
check "csv_each: a symbolic link to a regular file is read" '{"a":"1"}
status 0' "$(run "SELECT value FROM csv_each('$tmp/link.csv')")"

# A 1 GB sparse file: the first NUL stops the read (no 1 GB buffer).
printf '{"a": 1}\n{"a": 2}\n' > "$tmp/sparse_jsonl_each"
printf 'a\n1\n' > "$tmp/sparse_csv_each"
truncate -s 1G "$tmp/sparse_jsonl_each" "$tmp/sparse_csv_each"
for fn in jsonl_each csv_each; do
  out=$( { /usr/bin/time -f 'rss_kb %M' timeout 10 sqlite3 :memory: -cmd ".load $EXT" \
           "SELECT count(*) FROM $fn('$tmp/sparse_$fn')"; } 2>&1 )
  check_contains "$fn: a sparse file stops at its first NUL byte, on line 3" \
    "$fn: $tmp/sparse_$fn line 3: NUL byte at column 1" "$out"
  rss=$(printf '%s\n' "$out" | sed -n 's/^rss_kb //p')
  if [ -n "$rss" ] && [ "$rss" -lt 200000 ]; then passed=$((passed + 1)); else
    failed=$((failed + 1)); echo "FAIL $TEST_NAME $fn: sparse file used ${rss:-?} KB (bound 200 MB)"; fi
done

# Interrupts during a long read inside one xNext call (blank lines).
"$PY" -c "open('$tmp/blank.jsonl', 'wb').write(b'\n' * 100_000_000)
open('$tmp/blank.csv', 'wb').write(b'a\n' + b'\n' * 100_000_000)"
interrupt() {
  "$PY" - "$EXT" "$1" "$2" "$3" <<'PY'
import sqlite3, sys, threading, time
ext, fn, path, how = sys.argv[1:5]
con = sqlite3.connect(":memory:")
con.enable_load_extension(True)
con.load_extension(ext)
delay = 0.2
start = time.monotonic()
if how == "interrupt":
    threading.Timer(delay, con.interrupt).start()
else:
    con.set_progress_handler(lambda: int(time.monotonic() - start > delay), 1000)
try:
    con.execute("SELECT count(*) FROM %s(?)" % fn, (path,)).fetchall()
    print("not interrupted")
except sqlite3.Error as e:
    late = time.monotonic() - start - delay
    sys.stderr.write("  %s %s: returned %.3f s after the request\n" % (fn, how, late))
    ok = "prompt" if late < 2.0 else "late (%.1f s)" % late
    print(e.sqlite_errorname, ok, str(e).split(" at line")[0])
PY
}
for how in interrupt progress; do
  check "jsonl_each: $how during a long read" \
    "SQLITE_INTERRUPT prompt jsonl_each: interrupted while reading $tmp/blank.jsonl" \
    "$(interrupt jsonl_each "$tmp/blank.jsonl" $how)"
  check "csv_each: $how during a long read" \
    "SQLITE_INTERRUPT prompt csv_each: interrupted while reading $tmp/blank.csv" \
    "$(interrupt csv_each "$tmp/blank.csv" $how)"
done

finish
