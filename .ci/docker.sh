# Sourced by .ci/run: Docker and the pgvector image for the container-engine steps.
# docker_ci_setup    installs docker.io when dockerd is missing (root only), starts dockerd when no
#                    daemon answers (remembering that it did), builds pgvector/pgvector:pg17 locally
#                    when missing (scripts/pgvector-image/build.sh; no registry is reachable here).
#                    Returns non-zero with the reason in $docker_ci_reason: the caller reports it and
#                    the embedded (PGlite) runs still happen, as with the chromium install.
# docker_ci_teardown stops dockerd if docker_ci_setup started it (called from .ci/run's EXIT trap).

docker_ci_reason=""
docker_ci_dockerd_pid=""
DOCKER_CI_IMAGE="pgvector/pgvector:pg17"

docker_ci_answers() { docker info >/dev/null 2>&1; }

docker_ci_setup() {
  if ! command -v dockerd >/dev/null 2>&1 || ! command -v docker >/dev/null 2>&1; then
    if [ "$(id -u)" != 0 ]; then docker_ci_reason="docker is not installed and we are not root"; return 1; fi
    echo "installing docker.io (apt-get)"
    if ! (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null); then
      docker_ci_reason="apt-get could not install docker.io"; return 1
    fi
  fi
  if ! docker_ci_answers; then
    if [ "$(id -u)" != 0 ]; then docker_ci_reason="no Docker daemon answers and we are not root (cannot start dockerd)"; return 1; fi
    echo "starting dockerd (log: reports/ci/dockerd.log)"
    dockerd >reports/ci/dockerd.log 2>&1 &
    docker_ci_dockerd_pid=$!
    local i
    for i in $(seq 1 60); do
      docker_ci_answers && break
      if ! kill -0 "$docker_ci_dockerd_pid" 2>/dev/null; then
        docker_ci_dockerd_pid=""; docker_ci_reason="dockerd exited during start (see reports/ci/dockerd.log)"; return 1
      fi
      sleep 1
    done
    docker_ci_answers || { docker_ci_reason="dockerd did not answer within 60 s (see reports/ci/dockerd.log)"; return 1; }
  fi
  if ! docker image inspect "$DOCKER_CI_IMAGE" >/dev/null 2>&1; then
    echo "building $DOCKER_CI_IMAGE from Debian packages (log: reports/ci/pgvector-image.log; 5-10 minutes)"
    if ! bash scripts/pgvector-image/build.sh >reports/ci/pgvector-image.log 2>&1; then
      tail -5 reports/ci/pgvector-image.log >&2
      docker_ci_reason="building $DOCKER_CI_IMAGE failed (see reports/ci/pgvector-image.log)"; return 1
    fi
  fi
  echo "Docker $(docker version --format '{{.Server.Version}}' 2>/dev/null) with $DOCKER_CI_IMAGE"
}

docker_ci_teardown() {
  [ -n "$docker_ci_dockerd_pid" ] || return 0
  echo "stopping the dockerd this run started (pid $docker_ci_dockerd_pid)"
  kill "$docker_ci_dockerd_pid" 2>/dev/null || true
  local i
  for i in $(seq 1 30); do kill -0 "$docker_ci_dockerd_pid" 2>/dev/null || break; sleep 1; done
  docker_ci_dockerd_pid=""
}
