#!/usr/bin/env bash
# Prepares a Debian trixie chroot with PoCL 6 (a CPU OpenCL device) for the OpenCL tests.
# PoCL 6 needs glibc >= 2.38, newer than the host's, so everything that touches OpenCL runs inside it.
#
#   tests/opencl/prepare-chroot.sh          prints the chroot's path on stdout (progress on stderr)
#
# Idempotent: reuses a ready chroot, else unpacks the cached zstd tarball, else builds it with
# debootstrap (and caches it). Unmounts whatever an interrupted run left mounted inside it.
# Environment: EDGE_POCL_ROOT (chroot, default /var/lib/edge-pocl/trixie), EDGE_POCL_CACHE (tarball
# folder, default /var/cache/edge-pocl), EDGE_POCL_MIRROR (Debian mirror, default: the one apt uses).
# Needs root.
set -euo pipefail

root=${EDGE_POCL_ROOT:-/var/lib/edge-pocl/trixie}
cache=${EDGE_POCL_CACHE:-/var/cache/edge-pocl}
# ocl-icd-opencl-dev only for the libOpenCL.so link: ILGPU binds the library name "OpenCL".
packages=(pocl-opencl-icd ocl-icd-libopencl1 ocl-icd-opencl-dev)
# The cache key changes with the package list, so a changed list never reuses an old tarball.
key="trixie-pocl-$(printf '%s\n' "${packages[@]}" | sha256sum | cut -c1-12)"
tarball="$cache/$key.tar.zst"
ready_marker="$root/etc/edge-pocl-ready"

# shellcheck source=tests/opencl/mounts.sh
source "$(dirname "${BASH_SOURCE[0]}")/mounts.sh"

step="start"
reported="" locked=""
fail() { echo "prepare-chroot: FAILED at step '$step': $*" >&2; reported=1; exit 1; }
on_exit() {
  local rc=$?
  [ "$rc" -ne 0 ] && [ -z "$reported" ] && echo "prepare-chroot: FAILED at step '$step' (exit $rc)" >&2
  # Never leave /proc or /sys mounted inside, also not after a failure or Ctrl-C; but only with the lock
  # held, else they may be another run's mounts.
  if [ -n "$locked" ]; then
    unmount_all "$root" || echo "prepare-chroot: could not unmount everything under $root" >&2
    rm -f "$tarball.tmp"
  fi
  exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT TERM

[ "$(id -u)" -eq 0 ] || fail "needs root (debootstrap, chroot, mount)"

# Serialises prepare and run: a second caller must not unmount or replace a chroot in use.
if [ -z "${EDGE_POCL_LOCK_HELD:-}" ]; then
  mkdir -p "$cache"
  exec 9>"$cache/.lock"
  flock 9
fi
locked=1

step="unmount stale mounts"
unmount_all "$root" || fail "cannot unmount what an earlier run left under $root"

step="install host tools"
need=()
command -v debootstrap >/dev/null || need+=(debootstrap)
command -v zstd >/dev/null || need+=(zstd)
if [ ${#need[@]} -gt 0 ]; then
  echo "prepare-chroot: installing ${need[*]} on the host" >&2
  apt-get update -qq || fail "apt-get update"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null \
    || fail "apt-get install ${need[*]}"
fi

if [ -f "$ready_marker" ] && [ "$(cat "$ready_marker")" = "$key" ]; then
  echo "prepare-chroot: reusing $root" >&2
  echo "$root"
  exit 0
fi

# Not ready (absent, half-built, or built from another package list): start over.
step="remove incomplete chroot"
if [ -e "$root" ]; then
  # --one-file-system: never follows into a mount that unmount_all could not remove.
  rm -rf --one-file-system "$root" || fail "cannot remove $root"
fi
mkdir -p "$root" "$cache"

if [ -f "$tarball" ]; then
  step="unpack $tarball"
  start=$SECONDS
  zstd -dc -T0 "$tarball" | tar -x -C "$root" --numeric-owner || fail "corrupt tarball (delete $tarball)"
  [ -f "$ready_marker" ] || fail "tarball $tarball has no ready marker (delete it)"
  echo "prepare-chroot: unpacked $tarball in $((SECONDS - start)) s" >&2
  echo "$root"
  exit 0
fi

step="find the Debian mirror"
mirror=${EDGE_POCL_MIRROR:-}
if [ -z "$mirror" ]; then
  # First Debian archive URI in apt's sources (deb822 "URIs:" or one-line "deb URI suite"), not the security one.
  mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null \
    | sed -n -e 's/^URIs:[[:space:]]*//p' -e 's/^deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\?\([^[:space:]]\+\).*/\2/p' \
    | tr ' ' '\n' | grep -E '/debian/?$' | grep -v security | head -n1 || true)
fi
[ -n "$mirror" ] || fail "no Debian mirror in /etc/apt/sources.list*; set EDGE_POCL_MIRROR"

step="debootstrap trixie from $mirror"
start=$SECONDS
echo "prepare-chroot: debootstrap --variant=minbase trixie from $mirror" >&2
debootstrap --variant=minbase trixie "$root" "$mirror" >"$cache/debootstrap.log" 2>&1 9>&- \
  || fail "see $cache/debootstrap.log (last lines: $(tail -n 3 "$cache/debootstrap.log" | tr '\n' ' '))"

step="apt-get install ${packages[*]} in the chroot"
cp /etc/resolv.conf "$root/etc/resolv.conf"
mount_chroot "$root"
chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
  sh -c "apt-get update -qq && apt-get install -y -qq --no-install-recommends ${packages[*]} && apt-get clean" \
  >"$cache/apt.log" 2>&1 9>&- || fail "see $cache/apt.log (last lines: $(tail -n 3 "$cache/apt.log" | tr '\n' ' '))"
unmount_all "$root"
rm -rf "${root:?}"/var/lib/apt/lists/* "${root:?}"/var/cache/apt/*.bin
echo "$key" >"$ready_marker"
echo "prepare-chroot: built in $((SECONDS - start)) s" >&2

step="cache $tarball"
tar -C "$root" --numeric-owner -cf - . | zstd -q -f -T0 -3 -o "$tarball.tmp" || fail "cannot write $tarball.tmp"
mv "$tarball.tmp" "$tarball"
echo "prepare-chroot: cached $tarball ($(du -h "$tarball" | cut -f1))" >&2
echo "$root"
