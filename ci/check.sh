#!/usr/bin/env bash
# Format, lints and docs: the checks that need no test run.
set -euo pipefail
cd "$(dirname "$0")/.."
source ci/env.sh

echo "== cargo fmt --check"
cargo fmt --all --check
echo "== cargo clippy -D warnings"
cargo clippy --workspace --all-targets --all-features --locked -- -D warnings
echo "== cargo doc -D warnings"
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --workspace --locked --quiet
echo "== cargo deny (licences, duplicate versions, sources; advisories when a local database is there)"
bash ci/deny.sh
