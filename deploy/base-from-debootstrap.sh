#!/usr/bin/env bash
# Makes the NODE_IMAGE the Containerfile builds on without any container registry: a Debian 12 root file
# system from Debian's packages (debootstrap) with this machine's Node.js (≥ 20) and npm copied in, imported
# as a local image. For air-gapped build machines; elsewhere use the official node:20-bookworm-slim.
# Behind a TLS-inspecting proxy, CA_BUNDLE=/path/to/ca-bundle.crt puts that bundle in the image for npm.
#   sudo deploy/base-from-debootstrap.sh [IMAGE_NAME]   then
#   podman build -f deploy/Containerfile --build-arg NODE_IMAGE=IMAGE_NAME -t radnb:latest .
set -euo pipefail
image="${1:-localhost/radnb-base:bookworm-node20}"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
node="$(command -v node)"
npm_dir="$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")"
major="$("$node" -p 'process.versions.node.split(".")[0]')"
[ "$major" -ge 20 ] || { echo "node on PATH is $("$node" --version); radnb needs 20 or newer" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
debootstrap --variant=minbase bookworm "$work/rootfs" "$mirror"
install -m 0755 "$node" "$work/rootfs/usr/local/bin/node"
mkdir -p "$work/rootfs/usr/local/lib/node_modules"
cp -a "$npm_dir" "$work/rootfs/usr/local/lib/node_modules/npm"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$work/rootfs/usr/local/bin/npm"
changes=(--change 'CMD ["/bin/bash"]')
if [ -n "${CA_BUNDLE:-}" ]; then
  install -D -m 0644 "$CA_BUNDLE" "$work/rootfs/etc/ssl/certs/ca-certificates.crt"
  changes+=(--change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt')
fi
tar -C "$work/rootfs" -c . | podman import "${changes[@]}" - "$image"
echo "made $image ($("$node" --version), npm $("$work/rootfs/usr/local/bin/node" "$work/rootfs/usr/local/bin/npm" --version))"
