#!/usr/bin/env bash
# The push-to-main and nightly run: the full profile against the committed baselines when this
# runner's class has them; otherwise A/B against the previous main commit (the push's `before`,
# or HEAD^). Copies the run's report folder to $OUT and records the base it used in $OUT/base.txt.
#   OUT      artifact folder to fill      BEFORE   the push event's previous commit, if any
#   PERF_PROFILE=quick   (local runs) the quick profile instead of the full one
set -uo pipefail
: "${OUT:?OUT is required}"

has=$(npx truthgraph perf runner-class --profile "${PERF_PROFILE:-full}" | sed -n 's/^baselines=//p')
reports=$(mktemp -d "${RUNNER_TEMP:-/tmp}/perf-main-reports.XXXXXX")
args=(--reports-dir "$reports")
[ "${PERF_PROFILE:-full}" = quick ] && args+=(--quick)
[ -n "${PERF_FILTER:-}" ] && args+=(--filter "$PERF_FILTER")
base=""
if [ "${has:-0}" -gt 0 ]; then
  echo "this runner class has $has committed baselines: stored-baseline mode"
else
  base=${BEFORE:-}
  if [ -z "$base" ] || [ "$base" = 0000000000000000000000000000000000000000 ] || ! git cat-file -e "$base^{commit}" 2>/dev/null; then
    base=$(git rev-parse 'HEAD^')
  fi
  echo "no committed baselines for this runner class: A/B against the previous main commit $base"
  args+=(--base "$base")
fi
npm run --silent perf -- "${args[@]}"
code=$?
rm -rf "$OUT" && mkdir -p "$OUT"
if [ -e "$reports/latest/report.json" ]; then cp -rL "$reports/latest/." "$OUT/"; fi
printf '%s\n' "$base" > "$OUT/base.txt"
exit $code
