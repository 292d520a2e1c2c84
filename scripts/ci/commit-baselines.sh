#!/usr/bin/env bash
# The refresh's committing job (runs no PR code: only git, in the PR checkout): commit the
# checked baselines on top of the measured commit and push them to the PR branch.
#   PR_DIR     the PR branch checkout (baselines already written into it)
#   HEAD_SHA   the commit that was measured    HEAD_REF   the PR branch    PR   its number
#   REASON     the forced save's reason, if any (also recorded inside each baseline file)
set -euo pipefail
: "${PR_DIR:?}" "${HEAD_SHA:?}" "${HEAD_REF:?}" "${PR:?}"
cd "$PR_DIR"
out() { [ -n "${GITHUB_OUTPUT:-}" ] && echo "$1" >> "$GITHUB_OUTPUT"; echo "$1"; }
if [ "$(git rev-parse HEAD)" != "$HEAD_SHA" ]; then
  echo "::error title=refresh-baselines::PR branch $HEAD_REF is at $(git rev-parse --short HEAD), not the measured $HEAD_SHA: it moved while measuring; remove and re-add the label"
  exit 2
fi
git add -A baselines
if git diff --cached --quiet; then
  echo "baselines unchanged: nothing to commit"
  out committed=false
  exit 0
fi
msg="perf: refresh baselines for PR #$PR (measured at ${HEAD_SHA:0:7})"
[ -n "${REASON:-}" ] && msg+=$'\n\n'"Forced save: $REASON"
git -c user.name="github-actions[bot]" -c user.email="41898282+github-actions[bot]@users.noreply.github.com" commit -q -F - <<<"$msg"
git diff --stat HEAD~1 HEAD
git push -q origin "HEAD:refs/heads/$HEAD_REF"
out committed=true
out sha="$(git rev-parse HEAD)"
