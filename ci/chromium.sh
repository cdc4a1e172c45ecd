#!/usr/bin/env bash
# Makes headless Chromium available (Debian's `chromium` package) for the console's browser
# test, and prints the path of the binary on stdout (progress goes to stderr). Quick when it
# is already installed; safe to run from several processes at once (one installs, the others
# wait).
#
#   LPA_CHROMIUM   a Chromium binary to use instead
set -euo pipefail

if [ -n "${LPA_CHROMIUM:-}" ]; then
    echo "$LPA_CHROMIUM"
    exit 0
fi
if binary=$(command -v chromium); then
    echo "$binary"
    exit 0
fi
exec 9>/tmp/lpa-chromium-install.lock
flock -w 900 9 || { echo "chromium: another install held the lock for 15 minutes; giving up" >&2; exit 1; }
if ! binary=$(command -v chromium); then
    echo "chromium: installing Debian's chromium package" >&2
    export DEBIAN_FRONTEND=noninteractive
    # The package lists may be older than the mirror: refresh them once if the install fails.
    apt-get install -y -q --no-install-recommends chromium fonts-dejavu-core >&2 \
        || { apt-get update -q >&2 && apt-get install -y -q --no-install-recommends chromium fonts-dejavu-core >&2; }
    binary=$(command -v chromium)
fi
echo "$binary"
