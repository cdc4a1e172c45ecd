#!/usr/bin/env bash
# Benchmarks that print ratios against a baseline measured in the same run.
#   ci/bench.sh faults    requests per second with no faults, non-matching faults, latency faults
#   ci/bench.sh compare   bare axum, the official Pact stub server, lpa-sim on memory and on
#                         Postgres, side by side under the same wrk load (tests/bench/compare.py;
#                         LPA_BENCH_SECONDS, LPA_BENCH_ROUNDS, LPA_BENCH_CONNECTIONS,
#                         LPA_BENCH_THREADS; LPA_BENCH_DATABASE_URL for a server of your own,
#                         otherwise a Postgres container is started and removed)
set -euo pipefail
cd "$(dirname "$0")/.."
source ci/env.sh

case "${1:-faults}" in
    faults)
        cargo run --release --locked -q -p testkit --example bench_faults
        ;;
    compare)
        echo "bench: building lpa-sim and the bare axum baseline (release)" >&2
        cargo build --release --locked -q -p simulator --bin lpa-sim --example bare_axum
        target="${CARGO_TARGET_DIR:-target}/release"
        if ! command -v wrk >/dev/null 2>&1; then
            echo "bench: installing wrk from Debian" >&2
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
        fi
        pact=$(bash ci/pact-cli.sh)
        if [ -z "${LPA_BENCH_DATABASE_URL:-}" ]; then
            bash ci/docker.sh >&2
            bash ci/postgres-image.sh >&2
            container=$(docker run -d --rm -e POSTGRES_PASSWORD=bench -p 127.0.0.1::5432 \
                "${LPA_POSTGRES_IMAGE:-postgres:15}")
            trap 'docker rm -f "$container" >/dev/null 2>&1 || true' EXIT
            port=$(docker port "$container" 5432/tcp | head -1 | sed 's/.*://')
            export LPA_BENCH_DATABASE_URL="postgres://postgres:bench@127.0.0.1:$port/postgres"
        fi
        LPA_BENCH_SIM="$target/lpa-sim" LPA_BENCH_BARE="$target/examples/bare_axum" \
            LPA_BENCH_PACT="$pact" LPA_BENCH_WRK="$(command -v wrk)" \
            LPA_BENCH_WRK_DIR="$PWD/tests/bench/wrk" LPA_BENCH_PACTS="$PWD/contracts/pacts" \
            python3 tests/bench/compare.py
        ;;
    *)
        echo "usage: ci/bench.sh faults|compare" >&2
        exit 2
        ;;
esac
