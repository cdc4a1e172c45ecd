#!/usr/bin/env bash
# Benchmarks that print ratios against a baseline measured in the same run.
#   ci/bench.sh faults    requests per second with no faults, non-matching faults, latency faults
#   ci/bench.sh compare   bare axum, the official Pact stub server, lpa-sim on memory and on
#                         Postgres, side by side under the same wrk load (tests/bench/compare.py;
#                         LPA_BENCH_SECONDS, LPA_BENCH_ROUNDS, LPA_BENCH_CONNECTIONS,
#                         LPA_BENCH_THREADS; LPA_BENCH_DATABASE_URL for a server of your own,
#                         otherwise a Postgres container is started and removed)
#   ci/bench.sh outage    the same GET load through a paused, a stopped and a flapping
#                         database, in both outage modes, and the outbox's replay rate after
#                         10,000 writes accepted during an outage (tests/bench/outage.py)
set -euo pipefail
cd "$(dirname "$0")/.."
source ci/env.sh

target="${CARGO_TARGET_DIR:-target}/release"

# The release builds of lpa-sim and the bare axum baseline, and wrk from Debian.
build_and_install() {
    echo "bench: building lpa-sim and the bare axum baseline (release)" >&2
    cargo build --release --locked -q -p simulator --bin lpa-sim --example bare_axum
    if ! command -v wrk >/dev/null 2>&1; then
        echo "bench: installing wrk from Debian" >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
    fi
}

# A Postgres container for the run, removed at exit, unless LPA_BENCH_DATABASE_URL names a
# server of the user's own. The simulator reaches it at its address on Docker's bridge:
# through the published port, Docker's userland proxy took as much CPU as the simulator.
start_postgres() {
    if [ -n "${LPA_BENCH_DATABASE_URL:-}" ]; then
        return
    fi
    bash ci/docker.sh >&2
    bash ci/postgres-image.sh >&2
    local port
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    container=$(docker run -d -e POSTGRES_PASSWORD=bench -p "127.0.0.1:$port:5432" \
        "${LPA_POSTGRES_IMAGE:-postgres:15}")
    trap 'docker rm -f "$container" >/dev/null 2>&1 || true' EXIT
    local address
    address=$(docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$container")
    published_url="postgres://postgres:bench@127.0.0.1:$port/postgres"
    export LPA_BENCH_DATABASE_URL="postgres://postgres:bench@$address:5432/postgres"
}

case "${1:-faults}" in
    faults)
        cargo run --release --locked -q -p testkit --example bench_faults
        ;;
    compare)
        build_and_install
        pact=$(bash ci/pact-cli.sh)
        start_postgres
        LPA_BENCH_SIM="$target/lpa-sim" LPA_BENCH_BARE="$target/examples/bare_axum" \
            LPA_BENCH_PACT="$pact" LPA_BENCH_WRK="$(command -v wrk)" \
            LPA_BENCH_WRK_DIR="$PWD/tests/bench/wrk" LPA_BENCH_PACTS="$PWD/contracts/pacts" \
            python3 tests/bench/compare.py
        ;;
    outage)
        build_and_install
        if [ -n "${LPA_BENCH_DATABASE_URL:-}" ]; then
            echo "bench: the outage benchmark pauses and stops its own Postgres container;" \
                "LPA_BENCH_DATABASE_URL is ignored" >&2
            unset LPA_BENCH_DATABASE_URL
        fi
        start_postgres
        # Through the published port, which stays the same when the container is stopped and
        # started again (its address on the bridge may not).
        LPA_BENCH_DATABASE_URL="$published_url" LPA_BENCH_CONTAINER="$container" \
            LPA_BENCH_SIM="$target/lpa-sim" LPA_BENCH_WRK="$(command -v wrk)" \
            LPA_BENCH_WRK_DIR="$PWD/tests/bench/wrk" \
            python3 tests/bench/outage.py
        ;;
    *)
        echo "usage: ci/bench.sh faults|compare|outage" >&2
        exit 2
        ;;
esac
