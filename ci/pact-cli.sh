#!/usr/bin/env bash
# Makes the official Pact CLI (`pact`: verifier, stub server, mock server, broker client)
# available, from its PyPI package `pact-python-cli`, in a virtual environment of its own, and
# prints the path of the `pact` binary on stdout (progress goes to stderr).
#
# The tests that run the official verifier call this script, so a machine without the CLI gets
# it installed rather than a skipped test. It is safe to run at the same time from several
# processes (one installs, the others wait for it) and quick when the CLI is already there.
#
#   LPA_PACT_CLI_VENV   where the virtual environment lives
#                       (default: ~/.cache/lpa-store-harness/pact-cli)
#   LPA_PACT_CLI_PYTHON the Python that makes it (default: python3)
set -euo pipefail

# The version the project is tested with; the package's version carries an epoch ("1!").
version="1!0.10.9"
venv="${LPA_PACT_CLI_VENV:-$HOME/.cache/lpa-store-harness/pact-cli}"
python="${LPA_PACT_CLI_PYTHON:-python3}"
pact="$venv/bin/pact"
stamp="$venv/.installed-$version"

if [ -x "$pact" ] && [ -f "$stamp" ]; then
    echo "$pact"
    exit 0
fi

mkdir -p "$(dirname "$venv")"
exec 9>"$venv.lock"
if ! flock -w 600 9; then
    echo "pact-cli: another install held $venv.lock for 10 minutes; giving up" >&2
    exit 1
fi
if [ -x "$pact" ] && [ -f "$stamp" ]; then
    echo "$pact"
    exit 0
fi

if ! "$python" -c 'import venv, ensurepip' >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "pact-cli: installing python3-venv" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >&2
        apt-get install -y -qq python3-venv >&2
    else
        echo "pact-cli: $python cannot make a virtual environment (install python3-venv)" >&2
        exit 1
    fi
fi

echo "pact-cli: installing pact-python-cli $version into $venv" >&2
rm -rf "$venv"
"$python" -m venv "$venv" >&2
"$venv/bin/pip" install --quiet --disable-pip-version-check "pact-python-cli==$version" >&2
PACT_DO_NOT_TRACK=true "$pact" verifier --version >&2
touch "$stamp"
echo "$pact"
