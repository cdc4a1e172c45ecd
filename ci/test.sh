#!/usr/bin/env bash
# Everything CI runs: checks, then every test. The one command to run all tests.
set -euo pipefail
cd "$(dirname "$0")/.."
source ci/env.sh

started=$(date +%s)
ci/check.sh

echo "== tests"
if cargo nextest --version >/dev/null 2>&1; then
    cargo nextest run --workspace --locked --no-fail-fast
else
    cargo test --workspace --locked --no-fail-fast
fi
echo "== doctests"
cargo test --workspace --doc --locked

echo "ci/test.sh passed in $(( $(date +%s) - started ))s"
