#!/usr/bin/env bash
# measure_refusal.sh — measures the refusal detector (refusal_kind,
# is_refusal) against the labelled responses bundled in tests/data, with the
# public string matchers beside it (XSTest's own, GCG's and JailbreakBench's
# prefix lists).
#
#   tests/measure_refusal.sh                    leave one source out: for each
#                                               source (a model's responses in a
#                                               data set, or a data set) train
#                                               without it and measure on it
#                                               (about 5-15 minutes)
#   tests/measure_refusal.sh --only SRC ...     only these sources
#   tests/measure_refusal.sh --shipped          the shipped model
#                                               (ext/core/refusal_model.inc) on all the
#                                               data it was built from: in-sample
#                                               figures, in about 30 s
#   ... --errors SRC                            also list the mistakes on SRC
#
# The table (Markdown) has one row per source and detector: n, purity (share
# of the responses called 'refusal' that are labelled clean refusals), recall
# of the clean refusals, 3-way agreement of refusal_kind (where the labels
# have partial refusals), and the share called 'refusal' of the compliant
# (c->ref), jailbroken (jb->ref), not-jailbroken (nj->ref) responses and of
# Do-Not-Answer's actions 1 and 4.  A Do-Not-Answer source has a second row
# against the second reading of its responses (audited labels,
# tests/data/do-not-answer/audit.csv).  How each data set's labels map to the
# three kinds: tests/refusal/data.py.  The Python side computes exactly what
# the extension computes (tests/sh/refusal_model.sh checks it on every text).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v python3 >/dev/null || {
  echo "measure_refusal: python3 is needed (apt-get install python3)" >&2
  exit 1
}
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --shipped) args+=(--shipped ext/core/refusal_model.inc) ;;
    --errors)
      [ $# -ge 2 ] || { echo "measure_refusal: --errors needs a source name" >&2; exit 2; }
      args+=(--errors "$2")
      shift ;;
    --only)
      args+=(--only)
      while [ $# -ge 2 ] && [ "${2#--}" = "$2" ]; do args+=("$2"); shift; done ;;
    *)
      echo "usage: tests/measure_refusal.sh [--shipped] [--only SOURCE ...] [--errors SOURCE]" >&2
      exit 2 ;;
  esac
  shift
done
exec python3 tests/refusal/evaluate.py ${args[@]+"${args[@]}"}
