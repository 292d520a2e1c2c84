#!/usr/bin/env bash
# The refresh's measuring job (read-only; this is the PR's code): save baselines for this
# runner class and copy them to $OUT/<env-class>/ for the committing job. With REASON set, the
# save is forced over regressions and the reason is recorded in each baseline file.
#   OUT   artifact folder        REASON   why a forced save is wanted (empty: a plain save)
#   PROFILES   profiles to save (default "full quick")     PERF_FILTER   --filter, when set
set -uo pipefail
: "${OUT:?OUT is required}"
args=()
[ -n "${REASON:-}" ] && args+=(--force --reason "$REASON")
[ -n "${PERF_FILTER:-}" ] && args+=(--filter "$PERF_FILTER")
worst=0
for profile in ${PROFILES:-full quick}; do
  extra=(); [ "$profile" = quick ] && extra=(--quick)
  echo "saving $profile baselines${REASON:+ (forced: $REASON)}"
  npm run --silent perf:baseline -- "${extra[@]}" "${args[@]}"
  code=$?
  [ "$code" -gt "$worst" ] && worst=$code
done
cls=$(npx truthgraph perf runner-class | sed -n 's/^class=//p')
rm -rf "$OUT" && mkdir -p "$OUT/$cls"
cp baselines/"$cls"/*.json "$OUT/$cls/" 2>/dev/null || true
[ -n "${GITHUB_OUTPUT:-}" ] && echo "class=$cls" >> "$GITHUB_OUTPUT"
echo "saved baselines of class $cls: $(ls "$OUT/$cls" | tr '\n' ' ') (exit $worst)"
exit $worst
