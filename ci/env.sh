# Shared settings for the ci/ scripts; sourced, not run.
# A target directory outside the clone lets every run on this machine reuse earlier builds.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/lpa-store-harness/target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
# Snapshots are reviewed by people: CI never writes them, and a missing one fails.
export INSTA_UPDATE="${INSTA_UPDATE:-no}"
# No incremental compilation: CI builds each change once, and the incremental caches of the
# workspace's crates took gigabytes of a disk the Postgres containers share.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
