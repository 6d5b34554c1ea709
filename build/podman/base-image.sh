#!/usr/bin/env bash
# Builds the workspace base image (busybox-static, nothing else) as an OCI archive that can be uploaded with
# POST /v1/workspaces/{workspace}/images. No registry and no network: the root filesystem is made here.
#   build/podman/base-image.sh OUTPUT.oci.tar
# Idempotent: an existing OUTPUT is kept. Needs podman and busybox-static (apt-get install podman busybox-static);
# CONTAINERS_CONF should name build/podman/containers.conf.
set -euo pipefail

out="${1:?usage: base-image.sh OUTPUT.oci.tar}"
[ -s "$out" ] && exit 0

busybox="${HEROA_BUSYBOX:-/bin/busybox}"
# The image holds nothing but this file, so it must be statically linked (ldd fails on a static executable).
if ! "$busybox" --list >/dev/null 2>&1 || ldd "$busybox" >/dev/null 2>&1; then
  echo "base-image.sh: $busybox is missing or not statically linked; install it: apt-get install busybox-static" >&2
  exit 1
fi

tag="localhost/heroa-base:1"
work="$(mktemp -d "${TMPDIR:-/tmp}/heroa-base.XXXXXX")"
trap 'rm -rf "$work"' EXIT

rootfs="$work/rootfs"
mkdir -p "$rootfs/bin" "$rootfs/tmp" "$rootfs/etc" "$rootfs/home/task" "$rootfs/proc" "$rootfs/sys" "$rootfs/dev"
chmod 1777 "$rootfs/tmp"
cp "$busybox" "$rootfs/bin/busybox"
for applet in $("$busybox" --list); do
  [ "$applet" = busybox ] || ln -sf busybox "$rootfs/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\ntask:x:1000:1000:task:/home/task:/bin/sh\n' >"$rootfs/etc/passwd"
printf 'root:x:0:\ntask:x:1000:\n' >"$rootfs/etc/group"
chown 1000:1000 "$rootfs/home/task" 2>/dev/null || true
# Fixed file times keep the layer the same from build to build (the image config still records the import time).
find "$rootfs" -exec touch -h -d '2000-01-01T00:00:00Z' {} +

tar --sort=name --numeric-owner -C "$rootfs" -cf "$work/rootfs.tar" .
podman import --quiet --change 'CMD ["/bin/sh"]' --change 'ENV PATH=/bin' "$work/rootfs.tar" "$tag" >/dev/null
mkdir -p "$(dirname "$out")"
podman save --quiet --format oci-archive -o "$work/image.oci.tar" "$tag"
podman rmi --force "$tag" >/dev/null 2>&1 || true
mv "$work/image.oci.tar" "$out"
