#!/usr/bin/env bash
# Makes a Docker engine available: uses a running one, or installs (Debian's docker.io) and
# starts one. Prints nothing but progress; exits non-zero with a reason when it cannot.
set -euo pipefail

bound_secs=${LPA_DOCKER_START_TIMEOUT:-60}

if docker info >/dev/null 2>&1; then
    echo "docker: engine already running"
    exit 0
fi

if ! command -v dockerd >/dev/null 2>&1; then
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
        echo "docker: no engine running and cannot install one (needs root and apt-get);" \
             "start Docker yourself or set DATABASE_URL to a Postgres server" >&2
        exit 1
    fi
    echo "docker: installing docker.io"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq docker.io >/dev/null
fi

echo "docker: starting dockerd"
mkdir -p /var/log
setsid dockerd >/var/log/dockerd.log 2>&1 < /dev/null &
# The caller may stop the engine it caused to start, and only that one.
if [ -n "${LPA_DOCKERD_PIDFILE:-}" ]; then echo $! >"$LPA_DOCKERD_PIDFILE"; fi
for _ in $(seq "$bound_secs"); do
    if docker info >/dev/null 2>&1; then
        echo "docker: engine ready"
        exit 0
    fi
    sleep 1
done
echo "docker: dockerd did not answer within ${bound_secs}s; last log lines:" >&2
tail -n 20 /var/log/dockerd.log >&2 || true
exit 1
