#!/usr/bin/env bash
# Makes the Postgres image the tests use ($LPA_POSTGRES_IMAGE, default postgres:15) available:
# present already → nothing to do; a registry answers → pull it; otherwise build a compatible
# image from Debian's packages (debootstrap) and tag it with that name. The build is cached by
# Docker: it runs again only when the image is missing.
set -euo pipefail
cd "$(dirname "$0")"

image=${LPA_POSTGRES_IMAGE:-postgres:15}

if docker image inspect "$image" >/dev/null 2>&1; then
    echo "postgres image: $image present"
    exit 0
fi

echo "postgres image: trying to pull $image"
if timeout "${LPA_PULL_TIMEOUT:-60}" docker pull -q "$image" >/dev/null 2>&1; then
    echo "postgres image: pulled $image"
    exit 0
fi

echo "postgres image: no registry answered; building $image from Debian packages"
mirror=$(./apt-mirror.sh)
suite=${LPA_DEBIAN_SUITE:-bookworm}
if ! command -v debootstrap >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
fi
rootfs=$(mktemp -d /tmp/lpa-postgres-rootfs.XXXXXX)
trap 'rm -rf "$rootfs"' EXIT
debootstrap --variant=minbase --include=postgresql-15 "$suite" "$rootfs" "$mirror" >/dev/null
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/usr/share/doc "$rootfs"/usr/share/man
# Debian's package creates a cluster of its own; the entry point makes its own in PGDATA.
rm -rf "$rootfs"/var/lib/postgresql/15 "$rootfs"/etc/postgresql/15
install -m 0755 postgres-image/entrypoint.sh "$rootfs"/usr/local/bin/docker-entrypoint.sh
mkdir -p "$rootfs"/docker-entrypoint-initdb.d
tar -C "$rootfs" -c . | docker import \
    -c 'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]' \
    -c 'ENV PGDATA=/var/lib/postgresql/data' \
    -c 'EXPOSE 5432' \
    - "$image" >/dev/null
echo "postgres image: built $image"
