#!/usr/bin/env bash
# Append a main run to history.jsonl on the perf-history branch (created on first use) and push
# it. Runs in a checkout of main whose origin accepts the push (the job's token, or a local bare
# repository under scripts/ci-local.ts).
#   REPORT   report.json of the run      BASE   the A/B base commit, if the run had one
#   BRANCH   history branch (default perf-history)
set -euo pipefail
: "${REPORT:?REPORT is required}"
branch=${BRANCH:-perf-history}
dir=$(mktemp -d "${RUNNER_TEMP:-/tmp}/perf-history.XXXXXX")
rmdir "$dir"
if git fetch -q origin "+refs/heads/$branch:refs/remotes/origin/$branch" 2>/dev/null; then
  git worktree add -q --detach "$dir" "origin/$branch"
else
  echo "no $branch branch yet: creating it"
  git worktree add -q --detach "$dir"
  git -C "$dir" checkout -q --orphan "$branch"
  git -C "$dir" rm -rfq .
fi
npx truthgraph perf history-append "$REPORT" --file "$dir/history.jsonl" ${BASE:+--base-sha "$BASE"}
git -C "$dir" add history.jsonl
git -C "$dir" -c user.name="github-actions[bot]" -c user.email="41898282+github-actions[bot]@users.noreply.github.com" \
  commit -qm "perf history: $(git rev-parse --short HEAD) ($(date -u +%Y-%m-%dT%H:%MZ))"
git -C "$dir" push -q origin "HEAD:refs/heads/$branch"
echo "pushed $(git -C "$dir" rev-parse --short HEAD) to $branch ($(wc -l < "$dir/history.jsonl") runs)"
git worktree remove --force "$dir"
