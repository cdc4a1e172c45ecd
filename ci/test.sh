#!/usr/bin/env bash
# Everything CI runs: checks, then every test, on both stores. The one command to run all tests.
# On a machine with no Docker engine, no Postgres image, no official Pact CLI, no Chromium or no
# docker-compose, it sets them up first (ci/docker.sh, ci/postgres-image.sh, ci/pact-cli.sh,
# ci/chromium.sh, ci/compose.sh), and builds the harness's own image (ci/image.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
source ci/env.sh

started=$(date +%s)

# The stage under way, named again at the end when it fails: a CI page may show only the
# log's tail.
stage=setup
begin() {
    stage=$1
    echo "== $1"
}

cleanup() {
    local status=$?
    if [ "$status" -ne 0 ]; then
        echo "ci/test.sh FAILED (exit $status) in: $stage, after $(( $(date +%s) - started ))s" >&2
    fi
    # Containers a killed test process could not remove.
    if docker info >/dev/null 2>&1; then
        docker ps -aq --filter label=org.testcontainers.managed-by=testcontainers \
            | xargs -r docker rm -f >/dev/null 2>&1 || true
    fi
    if [ -n "${started_dockerd:-}" ] && [ -f "$started_dockerd" ]; then
        kill "$(cat "$started_dockerd")" 2>/dev/null || true
    fi
}
trap cleanup EXIT

begin "checks (ci/prune-target.sh, ci/check.sh)"
ci/prune-target.sh
ci/check.sh

begin "Docker and the Postgres image"
if ! docker info >/dev/null 2>&1; then
    started_dockerd=/tmp/lpa-dockerd.pid
fi
LPA_DOCKERD_PIDFILE=${started_dockerd:-} ci/docker.sh
ci/postgres-image.sh

begin "the official Pact CLI (PyPI pact-python-cli), for the interop tests"
ci/pact-cli.sh >/dev/null

begin "headless Chromium (Debian's package), for the console's browser test"
ci/chromium.sh >/dev/null

begin "the harness's image (from the unoptimised binaries the tests build) and docker-compose"
LPA_IMAGE_PROFILE=dev ci/image.sh
ci/compose.sh >/dev/null

if cargo nextest --version >/dev/null 2>&1; then
    run_tests() { cargo nextest run --locked --no-fail-fast "$@"; }
else
    run_tests() { cargo test --locked --no-fail-fast "$@"; }
fi

begin "tests (API suite on the in-memory store)"
# The Gherkin features run below, on their own: nextest lists a test binary by calling it with
# libtest's `--list`, which cucumber's runner does not understand.
run_tests --workspace --exclude features

begin "tests (API suite on Postgres: one server, a fresh database per test)"
# No API test takes its database down, so one server serves them all (a container per test
# would spend most of the run starting Postgres); the Postgres-only tests above keep a
# container each, since they pause and stop it.
api_pg=$(docker run -d --rm -p 127.0.0.1::5432 -e POSTGRES_PASSWORD=postgres \
    --label org.testcontainers.managed-by=testcontainers "${LPA_POSTGRES_IMAGE:-postgres:15}")
for _ in $(seq 60); do
    docker exec "$api_pg" pg_isready -h 127.0.0.1 -U postgres >/dev/null 2>&1 && break
    sleep 1
done
docker exec "$api_pg" pg_isready -h 127.0.0.1 -U postgres >/dev/null
api_pg_port=$(docker port "$api_pg" 5432/tcp | head -n 1 | sed 's/.*://')
DATABASE_URL="postgres://postgres:postgres@127.0.0.1:$api_pg_port/postgres" \
    LPA_TEST_STORE=postgres NEXTEST_TEST_THREADS=6 RUST_TEST_THREADS=6 \
    run_tests -p testkit --test api
docker rm -f "$api_pg" >/dev/null

begin "doctests"
cargo test --workspace --doc --locked

begin "soak (short form: 15 s on Postgres in queue mode, two SIGKILLs; ci/soak.sh runs it longer)"
LPA_SOAK_PROFILE=dev ci/soak.sh 15

begin "features (Gherkin downtime scenarios; JUnit report: $CARGO_TARGET_DIR/cucumber/junit.xml)"
cargo test --locked -p features --test features -- --tags 'not @consumer-under-test'

begin "the consumer under test: the example service, well and badly behaved (ci/consumer-under-test.sh)"
ci/consumer-under-test.sh

begin "benchmarks (short form, to keep them working: ci/bench.sh compare and outage run longer by hand)"
LPA_BENCH_SECONDS=1 LPA_BENCH_ROUNDS=1 ci/bench.sh compare
LPA_BENCH_OUTAGE_SECONDS=1 LPA_BENCH_WRITES=400 ci/bench.sh outage

echo "ci/test.sh passed in $(( $(date +%s) - started ))s"
