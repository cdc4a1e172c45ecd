#!/usr/bin/env bash
# Makes Debian's docker-compose available (installing it when missing) and prints its path.
set -euo pipefail
if ! command -v docker-compose >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "compose: installing docker-compose" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get install -y -qq docker-compose >/dev/null 2>&1 \
            || { apt-get update -qq && apt-get install -y -qq docker-compose >/dev/null; }
    else
        echo "compose: docker-compose is missing and cannot be installed (needs root and apt-get)" >&2
        exit 1
    fi
fi
command -v docker-compose
