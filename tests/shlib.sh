# shlib.sh — shared helpers for the shell tests in tests/sh/ (sourced, not
# run).  Sets REPO (the repository root, also the working directory), BUILD
# and EXT (made absolute, so tests may cd elsewhere), and provides check,
# check_contains and finish, which print failures in the runner's format and
# the closing "N passed, M failed" line.  The sourcing script sets TEST_NAME.
cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO=$(pwd)
BUILD=${BUILD:-build}
EXT=${EXT:-$BUILD/safety_sample}
case $EXT in /*) ;; *) EXT=$REPO/$EXT ;; esac
passed=0
failed=0

# check NAME EXPECTED ACTUAL
check() {
  if [ "$2" = "$3" ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    printf 'FAIL %s %s:\n  expected: %s\n  actual:   %s\n' "$TEST_NAME" "$1" "$2" "$3"
  fi
}

# check_contains NAME NEEDLE HAYSTACK
check_contains() {
  case $3 in
    *"$2"*) passed=$((passed + 1)) ;;
    *) failed=$((failed + 1))
       printf 'FAIL %s %s:\n  expected text containing: %s\n  actual: %s\n' "$TEST_NAME" "$1" "$2" "$3" ;;
  esac
}

# check_unchanged NAME NEEDLE SHELLARGS...: runs the sqlite3 shell on the
# database file $DB in the directory $tmp with SHELLARGS (the caller sets
# both), once without and once with -bail; after each run the file must be
# byte-identical and the output (stdout and stderr) must contain NEEDLE.
check_unchanged() {
  local name=$1 needle=$2 before out bail
  shift 2
  before=$(sha256sum <"$DB")
  for bail in "" -bail; do
    out=$(cd "$tmp" && sqlite3 $bail "$DB" "$@" 2>&1)
    check_contains "$name (${bail:-no -bail}): the message" "$needle" "$out"
    check "$name (${bail:-no -bail}): the database file is byte-identical" "$before" "$(sha256sum <"$DB")"
  done
}

# finish: the summary line; exit status 1 on any failure.
finish() {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}
