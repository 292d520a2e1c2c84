#!/usr/bin/env bash
# Local runs of the perf workflows in a scratch clone (scripts/ci-local/main.ts runs the steps).
#   demo.sh pr <unchanged|n-plus-one> <state-dir>   the PR gate (perf.yml: shards + gate), then
#                                                    perf-comment.yml against a fake GitHub API
#   demo.sh missing-shard <state-dir>                the gate over a run whose shard 2 never uploaded
#   demo.sh refresh <state-dir>                      refresh-baselines.yml: plan, measure, commit
#   demo.sh main <state-dir>                         perf-main.yml: measure, append to perf-history
# Extra ci-local flags come from CI_LOCAL_FLAGS (e.g. "--env PERF_BASE=none --env PERF_FILTER=db-queries").
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
repo=local/truthgraph-perf
scenario=$1; shift

setup_remote() { # <state>: bare "GitHub" repository = this checkout's HEAD as main
  local s=$1
  rm -rf "$s" && mkdir -p "$s"
  git clone -q --bare "$root" "$s/remote.git"
  git -C "$s/remote.git" branch -q -f main "$(git -C "$root" rev-parse HEAD)"
  git clone -q "$s/remote.git" "$s/work"
  git -C "$s/work" checkout -q main
  git -C "$s/work" config user.name local && git -C "$s/work" config user.email local@localhost
}

make_pr() { # <state> <change>: branch feature with the change, its merge commit as refs/pull/1/merge
  local s=$1 change=$2 w=$1/work
  git -C "$w" checkout -q -b feature main
  case "$change" in
    unchanged) git -C "$w" commit -q --allow-empty -m "a change that touches no measured path" ;;
    n-plus-one) python3 "$here/scenarios/n-plus-one.py" "$w" && git -C "$w" commit -qam "evidence fetch: one query per id (injected N+1)" ;;
    *) echo "unknown change $change" >&2; exit 2 ;;
  esac
  git -C "$w" push -q origin feature
  git -C "$w" checkout -q --detach main
  git -C "$w" merge -q --no-ff feature -m "Merge feature into main"
  git -C "$w" push -q origin "HEAD:refs/pull/1/merge"
  HEAD_SHA=$(git -C "$w" rev-parse feature); BASE_SHA=$(git -C "$w" rev-parse main); MERGE_SHA=$(git -C "$w" rev-parse HEAD)
}

pr_json() { # the pull request object GitHub sends and the pulls API returns
  printf '{"number":1,"state":"open","head":{"sha":"%s","ref":"feature","repo":{"full_name":"%s"}},"base":{"sha":"%s","ref":"main","repo":{"full_name":"%s"}}}' "$HEAD_SHA" "$repo" "$BASE_SHA" "$repo"
}

run() { npx tsx "$root/scripts/ci-local/main.ts" "$@" ${CI_LOCAL_FLAGS:-}; }

case "$scenario" in
  pr)
    change=$1 s=$(realpath -m "$2")
    setup_remote "$s"; make_pr "$s" "$change"
    printf '{"action":"synchronize","number":1,"pull_request":%s,"repository":{"full_name":"%s"}}' "$(pr_json)" "$repo" > "$s/pull_request.json"
    set +e
    run "$root/.github/workflows/perf.yml" --event pull_request --payload "$s/pull_request.json" --remote "$s/remote.git" \
      --sha "$MERGE_SHA" --ref refs/pull/1/merge --state "$s/perf" --jobs perf,gate
    echo "perf.yml: exit $?"
    set -e
    # The comment workflow: the artifact of that run, a fake API that knows PR 1.
    mkdir -p "$s/comment/artifacts" && cp -r "$s/perf/artifacts/." "$s/comment/artifacts/"
    printf '{"action":"completed","workflow_run":{"id":1,"head_sha":"%s","event":"pull_request","conclusion":"failure"},"repository":{"full_name":"%s"}}' "$HEAD_SHA" "$repo" > "$s/workflow_run.json"
    printf '{"pulls":{"1":%s}}' "$(pr_json)" > "$s/api.json"
    run "$root/.github/workflows/perf-comment.yml" --event workflow_run --payload "$s/workflow_run.json" --remote "$s/remote.git" \
      --sha "$BASE_SHA" --ref refs/heads/main --state "$s/comment" --api "$s/api.json" || true
    node -e 'const r=require(process.argv[1]); for (const l of r.api.log) console.log("fake API:", l.method, l.path); const c=Object.values(r.api.comments).flat(); if (c.length) { console.log("\n----- PR comment body -----\n" + c[0].body); }' "$s/comment/result.json"
    ;;
  missing-shard)
    s=$(realpath -m "$1")
    setup_remote "$s"; make_pr "$s" unchanged
    printf '{"action":"synchronize","number":1,"pull_request":%s,"repository":{"full_name":"%s"}}' "$(pr_json)" "$repo" > "$s/pull_request.json"
    # Shard 2 is cancelled before its upload: the local run simply never uploads it.
    set +e
    run "$root/.github/workflows/perf.yml" --event pull_request --payload "$s/pull_request.json" --remote "$s/remote.git" \
      --sha "$MERGE_SHA" --ref refs/pull/1/merge --state "$s/perf" --jobs perf,gate --drop-artifact perf-shard-2
    echo "perf.yml: exit $?"
    ;;
  refresh)
    s=$(realpath -m "$1")
    setup_remote "$s"; make_pr "$s" unchanged
    printf '{"action":"labeled","number":1,"label":{"name":"refresh-baselines"},"pull_request":%s,"repository":{"full_name":"%s"}}' "$(pr_json)" "$repo" > "$s/labeled.json"
    printf '{"pulls":{"1":%s},"comments":{"1":[{"id":7,"body":"/refresh-baselines reason: new reference runner class (local demo)","user":{"login":"maintainer","type":"User"},"author_association":"MEMBER","created_at":"2026-01-01T00:00:00Z"}]}}' "$(pr_json)" > "$s/api.json"
    run "$root/.github/workflows/refresh-baselines.yml" --event pull_request_target --payload "$s/labeled.json" --remote "$s/remote.git" \
      --sha "$BASE_SHA" --ref refs/heads/main --state "$s/refresh" --api "$s/api.json"
    echo "--- the PR branch in the scratch remote after the refresh:"
    git -C "$s/remote.git" log --stat -n 2 feature | cat
    node -e 'const r=require(process.argv[1]); console.log("dispatches:", JSON.stringify(r.api.dispatches))' "$s/refresh/result.json"
    ;;
  main)
    s=$(realpath -m "$1")
    setup_remote "$s"
    git -C "$s/work" commit -q --allow-empty -m "a commit on main" && git -C "$s/work" push -q origin main
    sha=$(git -C "$s/work" rev-parse HEAD); before=$(git -C "$s/work" rev-parse HEAD^)
    printf '{"before":"%s","after":"%s","ref":"refs/heads/main","repository":{"full_name":"%s"}}' "$before" "$sha" "$repo" > "$s/push.json"
    run "$root/.github/workflows/perf-main.yml" --event push --payload "$s/push.json" --remote "$s/remote.git" --sha "$sha" --ref refs/heads/main --state "$s/main"
    git -C "$s/remote.git" log --oneline perf-history | cat
    git -C "$s/remote.git" show perf-history:history.jsonl | head -c 600; echo
    ;;
  *) echo "unknown scenario $scenario" >&2; exit 2 ;;
esac
