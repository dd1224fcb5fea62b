# shellcheck shell=bash
# Mount helpers shared by prepare-chroot.sh and run.sh (sourced, not run).

# Mount points at or below $1, deepest first (so nested mounts go before their parents).
mounts_under() {
  local root
  root=$(realpath -m "$1")
  awk -v r="$root" '$5 == r || index($5, r "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r
}

# Unmounts everything at or below $1; lazily where a plain unmount is refused (a process still inside).
unmount_all() {
  local m
  for m in $(mounts_under "$1"); do
    umount "$m" 2>/dev/null || umount -l "$m" || return 1
  done
  [ -z "$(mounts_under "$1")" ]
}

# /proc and /sys inside the chroot: PoCL reads both (without /sys it aborts: "Not enough memory").
mount_chroot() {
  mkdir -p "$1/proc" "$1/sys"
  mount -t proc proc "$1/proc"
  mount -t sysfs sysfs "$1/sys" 2>/dev/null || mount --bind /sys "$1/sys"
}
