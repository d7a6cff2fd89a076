#!/usr/bin/env bash
# jsonl_long.sh — jsonl_each on lines far longer than any fixed buffer:
# generates a JSON Lines file in a temporary directory with a 3 MB line
# between two short ones (no trailing newline at the end), and a 2 MB line
# that is malformed at its very end, and checks the rows and the message.
# Needs the sqlite3 shell; EXT is the extension path without .so.
set -u
TEST_NAME=jsonl_long.sh
source "$(dirname "$0")/../shlib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
big=$(head -c 3000000 /dev/zero | tr '\0' 'x')
{
  printf '{"n": 1}\n'
  printf '{"n": 2, "text": "%s"}\r\n' "$big"
  printf '{"n": 3}'
} > "$tmp/long.jsonl"
{
  printf '{"n": 1}\n'
  printf '{"n": 2, "text": "%s"\n' "${big:0:2000000}"
} > "$tmp/long_bad.jsonl"

out=$(sqlite3 :memory: ".load $EXT" \
  "SELECT line, length(value), json_extract(value, '\$.n'), length(json_extract(value, '\$.text')) FROM jsonl_each('$tmp/long.jsonl');" 2>&1)
check "3 MB line read whole" "1|8|1|
2|3000020|2|3000000
3|8|3|" "$out"

out=$(sqlite3 :memory: ".load $EXT" "SELECT count(*) FROM jsonl_each('$tmp/long_bad.jsonl');" 2>&1)
check_contains "malformed 2 MB line" "jsonl_each: $tmp/long_bad.jsonl line 2: malformed JSON" "${out:0:300}"

# SQLite's length limit applies to a line, with a clear message.
out=$(sqlite3 :memory: ".load $EXT" ".limit length 1000000" "SELECT count(*) FROM jsonl_each('$tmp/long.jsonl');" 2>&1 | grep Error)
check "line over the length limit" "Error: stepping, jsonl_each: $tmp/long.jsonl line 2: the line is longer than SQLite's length limit of 1000000 bytes; raise the limit or split the record" "$out"

finish
