#!/usr/bin/env bash
# Builds the harness's container image, lpa-store-harness:<version> and :latest, with no
# registry: a minimal root made from Debian's packages (the C library, libgcc, CA
# certificates) and the binaries lpa-sim and lpa-contracts, put together `FROM scratch`.
#
#   ci/image.sh                 release binaries (what people run)
#   ci/image.sh --if-missing    nothing to do when the image is already there
#   LPA_IMAGE_PROFILE=dev       the unoptimised binaries the tests build anyway, for CI
#   LPA_IMAGE=name              another image name
#
# The image runs as a non-root user (10001), listens on 0.0.0.0:8080, stops gracefully on
# SIGTERM, takes every flag from its environment variable too, and has a health check
# (`lpa-sim probe`). Its admin routes are closed unless LPA_SIM_ADMIN_TOKEN is set, since the
# listener is not loopback.
set -euo pipefail
cd "$(dirname "$0")/.."
source ci/env.sh

image=${LPA_IMAGE:-lpa-store-harness}
profile=${LPA_IMAGE_PROFILE:-release}
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' simulator/Cargo.toml | head -n 1)

if [ "${1:-}" = "--if-missing" ] && docker image inspect "$image:$version" >/dev/null 2>&1; then
    echo "image: $image:$version present"
    exit 0
fi

echo "image: building lpa-sim and lpa-contracts ($profile profile)"
cargo build --locked -q --profile "$profile" -p simulator --bin lpa-sim -p verifier --bin lpa-contracts
case "$profile" in
    dev) out="$CARGO_TARGET_DIR/debug" ;;
    *) out="$CARGO_TARGET_DIR/$profile" ;;
esac

work=$(mktemp -d /tmp/lpa-image.XXXXXX)
trap 'rm -rf "$work"' EXIT
root="$work/root"
mkdir -p "$root/usr/local/bin" "$root/etc/ssl/certs" "$root/tmp" "$root/data" "$work/debs"

echo "image: the root, from Debian's packages"
( cd "$work/debs" && { apt-get download -q libc6 libgcc-s1 >/dev/null 2>&1 \
    || { apt-get update -qq && apt-get download -q libc6 libgcc-s1 >/dev/null; }; } )
for deb in "$work"/debs/*.deb; do
    dpkg-deb -x "$deb" "$root"
done
# Debian keeps its libraries under /usr/lib and links /lib to it.
ln -s usr/lib "$root/lib"
ln -s usr/lib64 "$root/lib64" 2>/dev/null || true
rm -rf "$root/usr/share/doc" "$root/usr/share/lintian" "$root/usr/share/locale" \
    "$root/usr/lib/x86_64-linux-gnu/gconv" "$root/usr/bin" "$root/usr/sbin" "$root/sbin"
cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/"

for binary in lpa-sim lpa-contracts; do
    cp "$out/$binary" "$root/usr/local/bin/"
    strip --strip-debug "$root/usr/local/bin/$binary"
done
echo "root:x:0:0:root:/root:/sbin/nologin" >"$root/etc/passwd"
echo "lpa:x:10001:10001:lpa store harness:/data:/sbin/nologin" >>"$root/etc/passwd"
printf 'root:x:0:\nlpa:x:10001:\n' >"$root/etc/group"
chmod 1777 "$root/tmp"
chown 10001:10001 "$root/data"
chmod 0700 "$root/data"

# A tar keeps the owners and modes (COPY of a folder would make everything root's).
tar --numeric-owner -C "$root" -cf "$work/root.tar" .
rm -rf "$root"

cat >"$work/Dockerfile" <<'DOCKERFILE'
FROM scratch
LABEL org.opencontainers.image.title="lpa-store-harness"
ADD root.tar /
ENV PATH=/usr/local/bin \
    LPA_SIM_LISTEN=0.0.0.0:8080 \
    PACT_DO_NOT_TRACK=true \
    TMPDIR=/tmp
USER 10001:10001
WORKDIR /data
EXPOSE 8080
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=5s --timeout=3s --start-period=2s --retries=3 CMD ["lpa-sim", "probe"]
CMD ["lpa-sim", "serve"]
DOCKERFILE

echo "image: docker build"
DOCKER_BUILDKIT=0 docker build -q -t "$image:$version" -t "$image:latest" "$work" >/dev/null
# The image this replaced, untagged now: removed, so rebuilds do not fill the disk.
docker image prune -f --filter "label=org.opencontainers.image.title=lpa-store-harness" >/dev/null
size=$(docker image inspect "$image:$version" --format '{{.Size}}')
echo "image: built $image:$version and $image:latest ($((size / 1024 / 1024)) MiB)"
