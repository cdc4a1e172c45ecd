#!/usr/bin/env bash
# Prints the Debian mirror this machine's apt already uses (its main archive, not security),
# so nothing in the repository names a mirror host.
set -euo pipefail
shopt -s nullglob

for file in /etc/apt/sources.list.d/*.sources; do
    uri=$(awk '
        /^URIs:/ { uris = $2 }
        /^Suites:/ { for (i = 2; i <= NF; i++) if ($i !~ /security/) suite = 1 }
        /^$/ { if (uris && suite) { print uris; exit } uris = ""; suite = 0 }
        END { if (uris && suite) print uris }' "$file" | head -n 1)
    if [ -n "$uri" ]; then echo "$uri"; exit 0; fi
done
for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$file" ] || continue
    uri=$(awk '$1 == "deb" && $0 !~ /security/ { print ($2 ~ /^\[/ ? $3 : $2); exit }' "$file")
    if [ -n "$uri" ]; then echo "$uri"; exit 0; fi
done
echo "apt-mirror: no Debian mirror found in the apt configuration" >&2
exit 1
