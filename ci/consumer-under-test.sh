#!/usr/bin/env bash
# The @consumer-under-test scenarios against the example consumer service (examples/consumer/),
# in both its configurations: the test of the steps themselves. The well-behaved service must
# pass every scenario; the badly-behaved one must fail, and each of its misbehaviours must be
# named in the report. Needs Docker and the Postgres image (ci/docker.sh, ci/postgres-image.sh)
# and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
source ci/env.sh

command -v python3 >/dev/null || { echo "python3 is needed to run the example consumer service" >&2; exit 1; }

report_dir="$CARGO_TARGET_DIR/cucumber"
mkdir -p "$report_dir"
run() {
    local config=$1 junit=$2 log=$3
    LPA_CONSUMER_UNDER_TEST="$config" LPA_FEATURES_JUNIT="$junit" \
        cargo test --locked -q -p features --test features -- --tags @consumer-under-test \
        >"$log" 2>&1
}

echo "-- the well-behaved example: every scenario must pass"
well_log="$report_dir/consumer-under-test-well.log"
if ! run examples/consumer/well-behaved.toml "$report_dir/consumer-under-test-well.xml" "$well_log"; then
    cat "$well_log"
    echo "FAIL: the well-behaved example consumer failed a scenario" >&2
    exit 1
fi
grep -E "^[0-9]+ scenarios" "$well_log"

echo "-- the badly-behaved example: the scenarios must fail, naming each misbehaviour"
bad_log="$report_dir/consumer-under-test-bad.log"
if run examples/consumer/badly-behaved.toml "$report_dir/consumer-under-test-bad.xml" "$bad_log"; then
    cat "$bad_log"
    echo "FAIL: the badly-behaved example consumer passed every scenario" >&2
    exit 1
fi
missing=0
while IFS='|' read -r misbehaviour expected; do
    if grep -qF -- "$expected" "$bad_log"; then
        echo "  named: $misbehaviour"
    else
        echo "  NOT NAMED: $misbehaviour (expected \"$expected\")" >&2
        missing=1
    fi
done <<'EXPECTED'
drops a write it accepted on 503|it lost 1 of the 1 writes it accepted
keeps a reader waiting through every retry|its user waited
ignores Retry-After|it did not wait as long as Retry-After said
retries without backoff|requests within one second during the outage, more than 3
calls outside its pact|it made calls its pact (modernising-lpa) does not include: GET /lpas/{uid}/updates
EXPECTED
grep -E "^[0-9]+ scenarios" "$bad_log"
# Every scenario is written to catch at least one of its misbehaviours.
if ! grep -qE "^[0-9]+ scenarios \([0-9]+ failed\)" "$bad_log"; then
    echo "  NOT CAUGHT: a scenario passed for the badly-behaved example" >&2
    missing=1
fi
if [ "$missing" -ne 0 ]; then
    cat "$bad_log"
    echo "FAIL: a misbehaviour of the badly-behaved example went unnamed" >&2
    exit 1
fi
echo "-- the well-behaved example against a store that is already running (as in compose), one scenario at a time"
cargo build --locked -q -p simulator --bin lpa-sim
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
token="consumer-under-test-$RANDOM$RANDOM"
"$CARGO_TARGET_DIR/debug/lpa-sim" serve --listen "127.0.0.1:$port" --admin-token "$token" \
    --db-timeout-ms 1500 --contracts contracts/pacts >"$report_dir/consumer-under-test-store.log" 2>&1 &
store_pid=$!
trap 'kill "$store_pid" 2>/dev/null || true' EXIT
for _ in $(seq 50); do
    "$CARGO_TARGET_DIR/debug/lpa-sim" probe --url "http://127.0.0.1:$port/health-check" --timeout-ms 200 2>/dev/null && break
    sleep 0.2
done
running_config="$report_dir/consumer-under-test-running-store.toml"
sed -e "s|^contracts = .*|url = \"http://127.0.0.1:$port\"\nadmin_token = \"$token\"|" \
    -e "s|python3 service.py|python3 $PWD/examples/consumer/service.py|" \
    examples/consumer/well-behaved.toml >"$running_config"
running_log="$report_dir/consumer-under-test-running-store.log"
if ! LPA_CONSUMER_UNDER_TEST="$running_config" LPA_FEATURES_JUNIT="$report_dir/consumer-under-test-running-store.xml" \
    cargo test --locked -q -p features --test features -- --tags @consumer-under-test --concurrency 1 \
    >"$running_log" 2>&1; then
    cat "$running_log"
    echo "FAIL: the well-behaved example consumer failed against a running store" >&2
    exit 1
fi
grep -E "^[0-9]+ scenarios" "$running_log"
kill "$store_pid" 2>/dev/null || true

echo "consumer under test: the well-behaved example passes, the badly-behaved one fails as it should (reports in $report_dir)"
