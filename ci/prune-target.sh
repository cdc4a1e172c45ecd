#!/usr/bin/env bash
# Keeps the shared target directory ($CARGO_TARGET_DIR, outside the clone) from filling the
# disk. Cargo names a workspace crate's artifacts after the checkout's path as well, so every
# fresh clone adds another copy of each test binary and workspace library (about 2 GB), and
# the Postgres containers share that disk. This removes, for the workspace's own crates only,
# every test binary but the newest of its name and every library but the newest three of
# its name; dependencies are left alone. What it removes is rebuilt when needed.
set -euo pipefail
cd "$(dirname "$0")/.."
source ci/env.sh

freed=0
for deps in "$CARGO_TARGET_DIR"/*/deps; do
    [ -d "$deps" ] || continue
    # Newest first: "mtime name" per line.
    listing=$(find "$deps" -maxdepth 1 -type f -printf '%T@ %f\n' | sort -rn)
    stale=$(awk '
        {
            file = $2
            # Test and binary executables: no extension. Keep the newest of each name.
            if (file !~ /\./) {
                name = file; sub(/-[0-9a-f]+$/, "", name)
                if (seen["bin " name]++) print file
                next
            }
            # The workspace libraries: keep the newest three of each name and kind.
            if (file ~ /^lib(simulator|testkit|contracts|verifier|features)-[0-9a-f]+\.(rlib|rmeta)$/) {
                key = file; sub(/-[0-9a-f]+\./, ".", key)
                if (seen[key]++ >= 3) print file
            }
        }' <<<"$listing")
    for file in $stale; do
        size=$(stat -c %s "$deps/$file")
        rm -f "$deps/$file" "$deps/${file%.*}.d" "$deps/$file.d"
        freed=$((freed + size))
    done
done
echo "prune-target: removed $((freed / 1024 / 1024)) MiB of stale workspace artifacts from $CARGO_TARGET_DIR"
