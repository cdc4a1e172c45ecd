#!/usr/bin/env bash
# Checks the dependency graph with cargo-deny against deny.toml: licences, bans (one version
# per crate, bar the listed third-party duplicates) and sources (crates.io only), always; the
# RustSec advisories only when a copy of the advisory database is already on the machine, since
# CI cannot fetch it (it lives on GitHub, which CI does not reach).
#
# cargo-deny is installed from crates.io on first use, outside the clone so later runs reuse it;
# several processes may run this at once (one installs, the others wait for it).
#
#   LPA_TOOLS_ROOT      where cargo-deny is installed (default: ~/.cache/lpa-store-harness/tools)
#   LPA_ADVISORY_DB     a directory of advisory databases as cargo-deny keeps them, such as a
#                       copy of the $CARGO_HOME/advisory-dbs that `cargo deny fetch db` fills on
#                       a machine that reaches GitHub (it holds advisory-db-3157b0e258782691/,
#                       a clone of RustSec/advisory-db); default: $CARGO_HOME/advisory-dbs
set -euo pipefail
cd "$(dirname "$0")/.."
source ci/env.sh

# The version the project is checked with; it builds with rust-version 1.88 or later.
version="0.20.2"
root="${LPA_TOOLS_ROOT:-$HOME/.cache/lpa-store-harness/tools}"
deny="$root/bin/cargo-deny"

installed() { [ -x "$deny" ] && [ "$("$deny" --version 2>/dev/null)" = "cargo-deny $version" ]; }

if ! installed; then
    mkdir -p "$root"
    exec 9>"$root/cargo-deny.lock"
    if ! flock -w 1200 9; then
        echo "deny: another install held $root/cargo-deny.lock for 20 minutes; giving up" >&2
        exit 1
    fi
    if ! installed; then
        echo "deny: installing cargo-deny $version into $root (a few minutes, once)"
        # A build directory of its own, not the project's shared target directory, removed after.
        build=$(mktemp -d)
        trap 'rm -rf "$build"' EXIT
        cargo install cargo-deny --version "=$version" --locked --root "$root" \
            --target-dir "$build" -j 2 --quiet
        rm -rf "$build"
    fi
    exec 9>&-
fi

# Advisories need the RustSec database, from GitHub; run them only on a local copy that is
# there and fresh (cargo-deny refuses one not fetched for 90 days: `maximum-db-staleness`).
db_root="${LPA_ADVISORY_DB:-${CARGO_HOME:-$HOME/.cargo}/advisory-dbs}"
# cargo-deny's directory for its default database, https://github.com/RustSec/advisory-db.
db="$db_root/advisory-db-3157b0e258782691"
checks=(bans licenses sources)
config=deny.toml
if [ ! -d "$db/.git" ]; then
    skipped="no advisory database at $db (CI cannot fetch it from GitHub; see LPA_ADVISORY_DB in ci/deny.sh)"
else
    # When it was last fetched, as cargo-deny reckons it.
    if [ -f "$db/.git/FETCH_HEAD" ]; then
        fetched=$(stat -c %Y "$db/.git/FETCH_HEAD")
    else
        fetched=$(git -C "$db" log -1 --format=%ct HEAD 2>/dev/null || echo 0)
        head=$(stat -c %Y "$db/.git/HEAD")
        if [ "$head" -gt "$fetched" ]; then fetched=$head; fi
    fi
    age_days=$(( ($(date +%s) - fetched) / 86400 ))
    if [ "$age_days" -ge 90 ]; then
        skipped="the advisory database at $db was last fetched $age_days days ago (stale past 90)"
    else
        checks=(advisories "${checks[@]}")
        if [ -n "${LPA_ADVISORY_DB:-}" ]; then
            # deny.toml with db-path pointing there (cargo-deny has no option for it).
            config=$(mktemp)
            trap 'rm -f "$config"' EXIT
            sed "/^\[advisories\]/a db-path = '$db_root'" deny.toml >"$config"
        fi
    fi
fi

if [ -n "${skipped:-}" ]; then
    echo "deny: checking ${checks[*]}; advisories skipped: $skipped"
else
    echo "deny: checking ${checks[*]} (advisory database $db, fetched $age_days days ago)"
fi
# The crates' sources come from crates.io here; cargo-deny itself then runs offline, so it never
# tries to fetch the advisory database from GitHub.
cargo fetch --locked --quiet
"$deny" deny --workspace --locked --offline --config "$config" check "${checks[@]}"
