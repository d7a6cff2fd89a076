#!/usr/bin/env bash
# readme_rules.sh — keeps the documentation for its readers: README.md (the
# user guide) has at most 700 lines, and no README.md of the repository
# names a commit of this repository (a 7-40 digit hex string that git
# resolves to a commit) or an issue number ("issue 12", "issue #12",
# "issues 4-5").  Each rule is first tried on a planted copy that breaks
# it, so a checker that finds nothing fails too.  The commit rule needs a
# git checkout; outside one it is reported as skipped, not passed.
set -u
TEST_NAME=readme_rules.sh
source "$(dirname "$0")/../shlib.sh"
MAX_LINES=700
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

have_git=0
git -C "$REPO" rev-parse --verify -q HEAD >/dev/null 2>&1 && have_git=1

# commit_ids FILE: the hex strings of FILE that name a commit, one a line.
commit_ids() {
  grep -oE '(^|[^0-9A-Za-z])[0-9a-fA-F]{7,40}([^0-9A-Za-z]|$)' "$1" |
    grep -oE '[0-9a-fA-F]{7,40}' | sort -u |
    while read -r hex; do
      git -C "$REPO" rev-parse -q --verify "$hex^{commit}" >/dev/null 2>&1 && echo "$hex"
    done
}

# issue_refs FILE: the lines of FILE that cite an issue number.
issue_refs() {
  grep -inE '(^|[^[:alnum:]])issues?[ -]*#?[0-9]+' "$1"
}

# --- the checkers find what they must (planted copies) ---------------------
planted=$tmp/planted.md
{ echo "# planted"; for i in $(seq 1 $MAX_LINES); do echo "line $i"; done; } > "$planted"
check "line count catches $((MAX_LINES + 1)) lines" "$((MAX_LINES + 1))" "$(wc -l < "$planted" | tr -d ' ')"
printf 'fixed in issue 7 and issue #12; see issues 4-5\n' > "$tmp/issue.md"
check "issue rule catches 'issue 7'" 1 "$(issue_refs "$tmp/issue.md" | wc -l | tr -d ' ')"
printf 'an issue with the budget, issues of scale, 2 issues\n' > "$tmp/no_issue.md"
check "issue rule ignores issues without a number" 0 "$(issue_refs "$tmp/no_issue.md" | wc -l | tr -d ' ')"
if [ "$have_git" = 1 ]; then
  head=$(git -C "$REPO" rev-parse --short=7 HEAD)
  printf 'measured on commit %s (x %s)\nnot a commit: 0000803F000000C00000003F\n' "$head" "$(git -C "$REPO" rev-parse HEAD)" > "$tmp/commit.md"
  check "commit rule catches a short and a full id" 2 "$(commit_ids "$tmp/commit.md" | wc -l | tr -d ' ')"
else
  echo "readme_rules.sh: not a git checkout; the commit-id rule is skipped"
fi

# --- the real files ------------------------------------------------------------
lines=$(wc -l < "$REPO/README.md" | tr -d ' ')
check "README.md has at most $MAX_LINES lines" "yes" "$([ "$lines" -le "$MAX_LINES" ] && echo yes || echo "no: $lines lines")"
for f in README.md tests/README.md tests/bench/README.md ext/README.md; do
  [ -f "$REPO/$f" ] || continue
  check "$f cites no issue number" "" "$(issue_refs "$REPO/$f")"
  if [ "$have_git" = 1 ]; then
    check "$f names no commit id" "" "$(commit_ids "$REPO/$f" | tr '\n' ' ')"
  fi
done
finish
