#!/usr/bin/env bash
# Benchmarks that print ratios against a baseline measured in the same run.
#   ci/bench.sh faults   requests per second with no faults, non-matching faults, latency faults
set -euo pipefail
cd "$(dirname "$0")/.."
source ci/env.sh

case "${1:-faults}" in
    faults)
        cargo run --release --locked -q -p testkit --example bench_faults
        ;;
    *)
        echo "usage: ci/bench.sh faults" >&2
        exit 2
        ;;
esac
