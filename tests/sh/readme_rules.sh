#!/usr/bin/env bash
# readme_rules.sh — keeps the documentation and the code for their readers:
# README.md (the user guide) has at most 700 lines, and no tracked file of
# the repository (code, comments, printed text and docs alike; tests/data/
# and this checker excepted) names a commit of this repository (a 7-40
# digit hex string that git resolves to a commit) or an issue number
# ("issue 12", "issue #12", "issues 4-5").  Each rule is first tried on a
# planted copy that breaks it, so a checker that finds nothing fails too.
# Outside a git checkout the files are those found below the repository
# (build/ and tests/data/ left out) and the commit rule is reported as
# skipped, not passed.
set -u
TEST_NAME=readme_rules.sh
source "$(dirname "$0")/../shlib.sh"
MAX_LINES=700
SELF=tests/sh/readme_rules.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

have_git=0
git -C "$REPO" rev-parse --verify -q HEAD >/dev/null 2>&1 && have_git=1

# checked_files: the files the rules apply to, relative to REPO, one a line.
checked_files() {
  if [ "$have_git" = 1 ]; then
    git -C "$REPO" ls-files
  else
    (cd "$REPO" && find . -type f -not -path './build/*' -not -path './.git/*' | sed 's|^\./||')
  fi | grep -v -e '^tests/data/' -e "^$SELF\$" | sort
}

# commit_ids FILE...: "FILE: HEX" for each hex string of the (text) files
# that names a commit, one a line; asks git once for all of them.
commit_ids() {
  grep -oHIE '(^|[^0-9A-Za-z])[0-9a-fA-F]{7,40}([^0-9A-Za-z]|$)' "$@" /dev/null |
    sed -E 's/^([^:]*):[^0-9A-Fa-f]*([0-9A-Fa-f]{7,40}).*/\1: \2/' | sort -u >"$tmp/hex"
  cut -d' ' -f2 "$tmp/hex" | sort -u >"$tmp/hexes"
  # batch-check answers one line per question: "SHA commit SIZE" or "... missing"
  sed 's/$/^{commit}/' "$tmp/hexes" | git -C "$REPO" cat-file --batch-check 2>/dev/null |
    paste -d' ' - "$tmp/hexes" | awk '$2 == "commit" { print $NF }' >"$tmp/commits"
  [ -s "$tmp/commits" ] && grep -Fwf "$tmp/commits" "$tmp/hex"
  return 0
}

# issue_refs FILE...: "FILE:LINE:text" for each line of the (text) files
# that cites an issue number.
issue_refs() {
  grep -HinIE '(^|[^[:alnum:]])issues?[ -]*#?[0-9]+' "$@" /dev/null
}

# --- the checkers find what they must (planted copies) ---------------------
planted=$tmp/planted.md
{ echo "# planted"; for i in $(seq 1 $MAX_LINES); do echo "line $i"; done; } > "$planted"
check "line count catches $((MAX_LINES + 1)) lines" "$((MAX_LINES + 1))" "$(wc -l < "$planted" | tr -d ' ')"
printf 'fixed in issue 7 and issue #12; see issues 4-5\n' > "$tmp/issue.md"
printf '/* the options of issue 7 */\nint x;\n' > "$tmp/issue.c"
printf 'echo "issue-5 targets"\n' > "$tmp/issue.sh"
check "issue rule catches 'issue 7' in a doc, a comment and printed text" 3 \
  "$(issue_refs "$tmp/issue.md" "$tmp/issue.c" "$tmp/issue.sh" | wc -l | tr -d ' ')"
printf 'an issue with the budget, issues of scale, 2 issues\n' > "$tmp/no_issue.md"
check "issue rule ignores issues without a number" 0 "$(issue_refs "$tmp/no_issue.md" | wc -l | tr -d ' ')"
if [ "$have_git" = 1 ]; then
  head=$(git -C "$REPO" rev-parse --short=7 HEAD)
  printf 'measured on commit %s (x %s)\nnot a commit: 0000803F000000C00000003F\n' "$head" "$(git -C "$REPO" rev-parse HEAD)" > "$tmp/commit.md"
  printf '/* see %s */\nstatic const char k[] = "deadbeef00";\n' "$head" > "$tmp/commit.c"
  check "commit rule catches a short and a full id in a doc, one in code" 3 \
    "$(commit_ids "$tmp/commit.md" "$tmp/commit.c" | wc -l | tr -d ' ')"
else
  echo "readme_rules.sh: not a git checkout; the commit-id rule is skipped"
fi

# --- the real files ------------------------------------------------------------
lines=$(wc -l < "$REPO/README.md" | tr -d ' ')
check "README.md has at most $MAX_LINES lines" "yes" "$([ "$lines" -le "$MAX_LINES" ] && echo yes || echo "no: $lines lines")"
mapfile -t files < <(checked_files)
check "the rules see the tracked tree (README.md, ext/, tests/)" "yes" \
  "$(printf '%s\n' "${files[@]}" | grep -qx README.md && printf '%s\n' "${files[@]}" | grep -q '^ext/core/' &&
     printf '%s\n' "${files[@]}" | grep -q '^tests/sh/' && echo yes || echo "no: ${#files[@]} files")"
# One check per rule and area (the top-level files, then each top-level
# directory), so that a failure says where to look.
for area in $(printf '%s\n' "${files[@]}" | sed -n 's|/.*||p' | sort -u) "(top level)"; do
  if [ "$area" = "(top level)" ]; then
    mapfile -t group < <(printf '%s\n' "${files[@]}" | grep -v /)
  else
    mapfile -t group < <(printf '%s\n' "${files[@]}" | grep "^$area/")
  fi
  check "$area: no file cites an issue number" "" "$(cd "$REPO" && issue_refs "${group[@]}")"
  if [ "$have_git" = 1 ]; then
    check "$area: no file names a commit id" "" "$(cd "$REPO" && commit_ids "${group[@]}" | tr '\n' ' ')"
  fi
done
finish
