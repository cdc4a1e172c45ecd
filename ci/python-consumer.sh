#!/usr/bin/env bash
# A consumer team in another language checks its pact against the simulator before publishing:
# the Python example in examples/python-consumer/ writes its pact with pact-python, and
# `lpa-contracts verify --simulator` verifies it. Then a deliberately broken expectation must
# fail verification, with a message naming the interaction and the field.
#
# Steps: make (or reuse) a virtual environment with the pinned requirements; run the consumer
# tests, writing the pact to a temporary folder; verify it (exit 0, every interaction passed);
# run the broken test into a folder of its own; verify that (exit 1, the interaction and field
# named). Any other outcome exits non-zero. Every wait is bounded.
#
#   LPA_PY_EXAMPLE_VENV    the virtual environment
#                          (default: ~/.cache/lpa-store-harness/python-consumer; reused when its
#                          requirements are unchanged)
#   LPA_PY_EXAMPLE_PYTHON  the Python that makes it (default: python3.11, else python3; 3.11+)
#   LPA_CONTRACTS_BIN      the lpa-contracts binary (default: $CARGO_TARGET_DIR/debug/lpa-contracts,
#                          or target/debug/lpa-contracts; built with cargo when missing)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
example="$repo/examples/python-consumer"
export PACT_DO_NOT_TRACK=true
# The tests leave nothing in the example folder: no bytecode, no pytest cache (below).
export PYTHONDONTWRITEBYTECODE=1

consumer=python-example-consumer
issuer=opg.poas.makeregister
broken_interaction="a request for an LPA with the donor's full name"
broken_field=fullName

say() { echo "python-consumer: $*"; }
fail() {
    echo "python-consumer: FAILED: $*" >&2
    exit 1
}

# -- the virtual environment ------------------------------------------------------------------
venv="${LPA_PY_EXAMPLE_VENV:-$HOME/.cache/lpa-store-harness/python-consumer}"
if [ -n "${LPA_PY_EXAMPLE_PYTHON:-}" ]; then
    python="$LPA_PY_EXAMPLE_PYTHON"
elif command -v python3.11 >/dev/null 2>&1; then
    python=python3.11
else
    python=python3
fi
requirements="$example/requirements.txt"
stamp="$venv/.installed-$(sha256sum "$requirements" | cut -c1-16)"

if [ -x "$venv/bin/python" ] && [ -f "$stamp" ]; then
    say "reusing the virtual environment $venv"
else
    mkdir -p "$(dirname "$venv")"
    exec 9>"$venv.lock"
    flock -w 600 9 || fail "another install held $venv.lock for 10 minutes"
    if [ -x "$venv/bin/python" ] && [ -f "$stamp" ]; then
        say "reusing the virtual environment $venv (installed meanwhile)"
    else
        "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
            || fail "pact-python 4 needs Python 3.11 or later; $python is $("$python" --version 2>&1) (set LPA_PY_EXAMPLE_PYTHON)"
        say "making the virtual environment $venv with $("$python" --version 2>&1)"
        rm -rf "$venv"
        timeout 120 "$python" -m venv "$venv" || fail "$python could not make a virtual environment (install python3-venv)"
        say "installing the pinned requirements ($requirements)"
        timeout 600 "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements" \
            || fail "pip could not install $requirements"
        touch "$stamp"
    fi
    exec 9>&-
fi
say "$("$venv/bin/python" -m pip list --disable-pip-version-check 2>/dev/null \
    | awk '$1 ~ /^(pact-python|pact-python-ffi|pytest|requests|PyJWT)$/ {printf "%s %s, ", $1, $2}' \
    | sed 's/, $//')"

# -- lpa-contracts ------------------------------------------------------------------------------
if [ -n "${LPA_CONTRACTS_BIN:-}" ]; then
    bin="$LPA_CONTRACTS_BIN"
    [ -x "$bin" ] || fail "LPA_CONTRACTS_BIN=$bin is not an executable"
else
    bin="${CARGO_TARGET_DIR:-$repo/target}/debug/lpa-contracts"
    if [ ! -x "$bin" ]; then
        say "building lpa-contracts (cargo build -p verifier --bin lpa-contracts)"
        timeout 1800 cargo build --quiet -p verifier --bin lpa-contracts || fail "lpa-contracts did not build"
    fi
fi
say "verifier: $bin"

work=$(mktemp -d "${TMPDIR:-/tmp}/lpa-python-consumer.XXXXXX")
trap 'rm -rf "$work"' EXIT

# pytest's cache would land in the example folder; the tests need nothing from it.
run_pytest() {
    (cd "$example" && timeout 300 "$venv/bin/python" -m pytest -q -p no:cacheprovider "$@")
}

interactions_in() {
    "$venv/bin/python" -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["interactions"]))' "$1"
}

verify() {
    timeout 300 "$bin" verify --simulator --pacts "$1" --issuer "$consumer=$issuer" >"$2" 2>&1
}

# -- the consumer tests write the pact ----------------------------------------------------------
say "== consumer tests (pact-python): the pact goes to $work/pacts"
LPA_PY_PACT_DIR="$work/pacts" run_pytest || fail "the consumer tests failed"
pact="$work/pacts/$consumer-data-lpa-store.json"
[ -f "$pact" ] || fail "the consumer tests wrote no pact at $pact"
count=$(interactions_in "$pact")
say "the pact holds $count interactions"

# -- the simulator verifies it ------------------------------------------------------------------
say "== lpa-contracts verify --simulator --pacts $work/pacts"
status=0
verify "$work/pacts" "$work/verify.out" || status=$?
cat "$work/verify.out"
[ "$status" = 0 ] || fail "verification exited $status, expected 0"
grep -qF "PASSED: $count passed, 0 failed, 0 errors" "$work/verify.out" \
    || fail "verification did not report all $count interactions passed"
say "verified: $count of $count interactions passed"

# -- a broken expectation must fail -------------------------------------------------------------
say "== the broken expectation (test_broken_expectation.py): its pact goes to $work/broken"
LPA_PY_BROKEN_EXPECTATION=1 LPA_PY_PACT_DIR="$work/broken" run_pytest test_broken_expectation.py \
    || fail "the broken consumer test failed against the mock server (it should pass there)"
say "== lpa-contracts verify --simulator --pacts $work/broken (must fail)"
status=0
verify "$work/broken" "$work/broken.out" || status=$?
cat "$work/broken.out"
[ "$status" = 1 ] || fail "verification of the broken pact exited $status, expected 1"
grep -qF "FAIL    $consumer: $broken_interaction" "$work/broken.out" \
    || fail "the failure does not name the interaction \"$broken_interaction\""
message=$(grep -m1 -F "missing the following keys: $broken_field" "$work/broken.out" | sed 's/^ *//') \
    || fail "the failure does not name the field $broken_field"
say "the broken pact failed as it should: \"$broken_interaction\": $message"

say "passed: $count interactions verified; the broken expectation was refused"
