#!/usr/bin/env bash
# Builds a pgvector/pgvector:pg17-compatible image from Debian packages, for machines that can
# reach a Debian mirror but no image registry: debootstrap (minbase) of Debian trixie with
# postgresql-17 + postgresql-17-pgvector, this folder's docker-entrypoint.sh (the official image's
# POSTGRES_USER / POSTGRES_PASSWORD / POSTGRES_DB behaviour), `docker import`ed under the official
# tag so testcontainers and `truthgraph db start --provider container` use it unchanged.
# Idempotent: does nothing when the image exists (--force rebuilds). Needs root and a Docker daemon.
#
# usage: scripts/pgvector-image/build.sh [--force] [--image NAME:TAG]
# env:   PGVECTOR_IMAGE_MIRROR  Debian mirror (default: the first URI of the system's apt sources)
#        PGVECTOR_IMAGE_CACHE   where downloaded .debs are kept between builds (default .cache/pgvector-image)
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root_dir="$(cd "$here/../.." && pwd)"
image='pgvector/pgvector:pg17'
force=0
while [ $# -gt 0 ]; do
  case "$1" in
    --force) force=1 ;;
    --image) image="${2:?--image needs NAME:TAG}"; shift ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "error: unknown argument $1 (usage: $0 [--force] [--image NAME:TAG])" >&2; exit 2 ;;
  esac
  shift
done

fail() { echo "error: $1" >&2; echo "  fix: $2" >&2; exit 1; }

command -v docker >/dev/null 2>&1 || fail 'the docker command is not installed' 'apt-get install -y docker.io (Debian) and start dockerd'
docker info >/dev/null 2>&1 || fail 'no Docker daemon answers' 'start it (as root: dockerd >/var/log/dockerd.log 2>&1 &) and wait for /var/run/docker.sock'

if [ "$force" = 0 ] && docker image inspect "$image" >/dev/null 2>&1; then
  echo "image $image exists: nothing to do (--force rebuilds it)"
  exit 0
fi

[ "$(id -u)" = 0 ] || fail 'building the image needs root (debootstrap creates device nodes and chowns files)' "rerun as root: sudo $0"
if ! command -v debootstrap >/dev/null 2>&1; then
  echo 'installing debootstrap (apt-get)'
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null \
    || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; } \
    || fail 'debootstrap could not be installed' 'apt-get update && apt-get install -y debootstrap'
fi

# The mirror the machine already uses (deb822 sources first, then the one-line format).
mirror="${PGVECTOR_IMAGE_MIRROR:-}"
if [ -z "$mirror" ] && [ -r /etc/apt/sources.list.d/debian.sources ]; then
  mirror="$(awk '/^URIs:/ && $2 !~ /security/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources)"
fi
if [ -z "$mirror" ] && [ -r /etc/apt/sources.list ]; then
  mirror="$(awk '$1 == "deb" && $2 !~ /security/ { print $2; exit }' /etc/apt/sources.list)"
fi
mirror="${mirror:-http://deb.debian.org/debian}"

cache="${PGVECTOR_IMAGE_CACHE:-$root_dir/.cache/pgvector-image}"
mkdir -p "$cache/debs"
cache="$(cd "$cache" && pwd)"
work="$(mktemp -d /var/tmp/pgvector-image.XXXXXX)"
trap 'rm -rf "$work"' EXIT
rootfs="$work/rootfs"

echo "debootstrap trixie (minbase + postgresql-17 + postgresql-17-pgvector) from $mirror (a few minutes)"
if ! debootstrap --variant=minbase --include=postgresql-17,postgresql-17-pgvector \
  --cache-dir="$cache/debs" trixie "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1; then
  tail -20 "$work/debootstrap.log" >&2
  fail "debootstrap failed (log above)" "check that $mirror serves Debian trixie, or set PGVECTOR_IMAGE_MIRROR"
fi

# The packages create a cluster under /var/lib/postgresql/17/main; the entrypoint initialises its
# own in $PGDATA instead. Drop it, and what a server image does not need.
rm -rf "$rootfs/var/lib/postgresql/17" "$rootfs/etc/postgresql/17" \
  "$rootfs/var/cache/apt/"*.bin "$rootfs/var/cache/apt/archives/"*.deb "$rootfs/var/lib/apt/lists/"* \
  "$rootfs/usr/share/doc" "$rootfs/usr/share/man" "$rootfs/usr/share/locale" "$rootfs/usr/share/info"
install -m 0755 "$here/docker-entrypoint.sh" "$rootfs/usr/local/bin/docker-entrypoint.sh"
mkdir -p "$rootfs/docker-entrypoint-initdb.d" "$rootfs/var/lib/postgresql/data" "$rootfs/var/run/postgresql"
chroot "$rootfs" chown postgres:postgres /var/lib/postgresql/data /var/run/postgresql

versions="$(chroot "$rootfs" dpkg-query -W -f '${Package} ${Version}\n' postgresql-17 postgresql-17-pgvector)"
echo "$versions"

echo "docker import -> $image"
tar -C "$rootfs" -c . | docker import \
  --message "built by scripts/pgvector-image/build.sh from Debian trixie: $(echo "$versions" | tr '\n' ';')" \
  --change 'ENV PATH=/usr/lib/postgresql/17/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV PG_MAJOR=17' \
  --change 'ENV PGDATA=/var/lib/postgresql/data' \
  --change 'ENV LANG=C.UTF-8' \
  --change 'VOLUME /var/lib/postgresql/data' \
  --change 'EXPOSE 5432' \
  --change 'ENTRYPOINT ["docker-entrypoint.sh"]' \
  --change 'CMD ["postgres"]' \
  - "$image" >/dev/null

docker run --rm --entrypoint postgres "$image" --version
echo "built $image"
