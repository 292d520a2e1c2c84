#!/usr/bin/env bash
# One shard of the PR gate: base and head measured in lockstep on this runner (A/B), quick
# profile. Whatever happens, $OUT/shard.json records the shard, its exit code and the commits, so
# the gate can tell a shard that died from one that never ran; report.json and the rest of the
# run's report folder follow when the run got that far. Exits with the run's own exit code.
#   SHARD, SHARDS   this shard and the shard count (vitest --shard SHARD/SHARDS)
#   OUT             artifact folder to fill (emptied first)
#   BASE_SHA        commit to compare against; empty on a pull_request checkout, whose merge
#                   commit's first parent is the base branch as GitHub merged it
#   PERF_BASE=none  run against the committed baselines instead of A/B (no base worktree)
#   ROUNDS, MAX_TIME, PERF_FILTER   passed on as --rounds, --max-time, --filter when set
set -uo pipefail
: "${SHARD:?SHARD is required}" "${SHARDS:?SHARDS is required}" "${OUT:?OUT is required}"

head=$(git rev-parse HEAD)
base=${BASE_SHA:-}
if [ -z "$base" ] && git rev-parse -q --verify 'HEAD^2' >/dev/null; then base=$(git rev-parse 'HEAD^1'); fi

reports=$(mktemp -d "${RUNNER_TEMP:-/tmp}/perf-shard-reports.XXXXXX")
args=(--quick --shard "$SHARD/$SHARDS" --reports-dir "$reports")
[ -n "${PERF_FILTER:-}" ] && args+=(--filter "$PERF_FILTER")
if [ "${PERF_BASE:-}" = none ]; then
  base=""
elif [ -n "$base" ]; then
  args+=(--base "$base")
  [ -n "${ROUNDS:-}" ] && args+=(--rounds "$ROUNDS")
  [ -n "${MAX_TIME:-}" ] && args+=(--max-time "$MAX_TIME")
else
  echo "::error title=perf shard $SHARD/$SHARDS::no base commit: set BASE_SHA (dispatch input base) or check out a pull_request merge commit"
  exit 2
fi

echo "shard $SHARD/$SHARDS: head $head${base:+, base $base}: npm run perf -- ${args[*]}"
npm run --silent perf -- "${args[@]}"
code=$?

rm -rf "$OUT" && mkdir -p "$OUT"
if [ -e "$reports/latest/report.json" ]; then cp -rL "$reports/latest/." "$OUT/"; fi
SHARD_EXIT=$code HEAD_SHA=$head BASE=$base node -e '
  const e = process.env;
  const status = { shard: Number(e.SHARD), of: Number(e.SHARDS), exitCode: Number(e.SHARD_EXIT), headSha: e.HEAD_SHA, baseSha: e.BASE || null };
  require("node:fs").writeFileSync(e.OUT + "/shard.json", JSON.stringify(status, null, 2) + "\n");'
echo "shard $SHARD/$SHARDS exited $code; artifact: $(ls "$OUT" | tr '\n' ' ')"
exit $code
