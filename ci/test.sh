#!/usr/bin/env bash
# Everything CI runs: checks, then every test, on both stores. The one command to run all tests.
# On a machine with no Docker engine, no Postgres image or no official Pact CLI, it sets them up
# first (ci/docker.sh, ci/postgres-image.sh, ci/pact-cli.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
source ci/env.sh

started=$(date +%s)

cleanup() {
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

ci/check.sh

echo "== Docker and the Postgres image"
if ! docker info >/dev/null 2>&1; then
    started_dockerd=/tmp/lpa-dockerd.pid
fi
LPA_DOCKERD_PIDFILE=${started_dockerd:-} ci/docker.sh
ci/postgres-image.sh

echo "== the official Pact CLI (PyPI pact-python-cli), for the interop tests"
ci/pact-cli.sh >/dev/null

if cargo nextest --version >/dev/null 2>&1; then
    run_tests() { cargo nextest run --locked --no-fail-fast "$@"; }
else
    run_tests() { cargo test --locked --no-fail-fast "$@"; }
fi

echo "== tests (API suite on the in-memory store)"
# The Gherkin features run below, on their own: nextest lists a test binary by calling it with
# libtest's `--list`, which cucumber's runner does not understand.
run_tests --workspace --exclude features

echo "== tests (API suite on Postgres, one container per test)"
# Each test waits mostly on its container, so more run at once than there are cores.
LPA_TEST_STORE=postgres NEXTEST_TEST_THREADS=4 RUST_TEST_THREADS=4 run_tests -p testkit --test api

echo "== doctests"
cargo test --workspace --doc --locked

echo "== soak (short form: 15 s on Postgres in queue mode, two SIGKILLs; ci/soak.sh runs it longer)"
LPA_SOAK_PROFILE=dev ci/soak.sh 15

echo "== features (Gherkin downtime scenarios; JUnit report: $CARGO_TARGET_DIR/cucumber/junit.xml)"
cargo test --locked -p features --test features

echo "ci/test.sh passed in $(( $(date +%s) - started ))s"
