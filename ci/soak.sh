#!/usr/bin/env bash
# A bounded soak of lpa-sim on Postgres in queue mode: 32 workers across the three consumers
# while the database flaps and the store is killed with SIGKILL and restarted twice; a ledger
# of every request and answer proves nothing accepted was lost or applied twice.
#   ci/soak.sh [SECONDS]        default 60; LPA_SOAK_PROFILE=dev for an unoptimised build
# Needs Docker and the Postgres image (ci/docker.sh, ci/postgres-image.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
source ci/env.sh

seconds=${1:-60}
profile=${LPA_SOAK_PROFILE:-release}
cargo build --locked -q --profile "$profile" -p simulator --bin lpa-sim
cargo run --locked -q --profile "$profile" -p testkit --example soak -- "$seconds"
