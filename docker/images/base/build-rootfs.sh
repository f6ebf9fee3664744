#!/usr/bin/env bash
# Builds the root filesystem of runcell/base:bookworm into TARGET (a directory that must not
# exist yet). Runs on a Debian host as root; needs debootstrap and the Debian mirror.
#   usage: build-rootfs.sh TARGET
# Mirrors: RUNCELL_DEBIAN_MIRROR (default http://deb.debian.org/debian) and
#          RUNCELL_DEBIAN_SECURITY_MIRROR (default http://deb.debian.org/debian-security).
# Downloaded .debs are kept in RUNCELL_DEBOOTSTRAP_CACHE when it is set.
set -euo pipefail

target=${1:?usage: build-rootfs.sh TARGET}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
suite=bookworm
mirror=${RUNCELL_DEBIAN_MIRROR:-http://deb.debian.org/debian}
security_mirror=${RUNCELL_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}

if [ -e "$target" ]; then
  echo "build-rootfs: $target already exists" >&2
  exit 1
fi

packages=$(grep -v '^[[:space:]]*\(#\|$\)' "$here/packages.txt" | paste -sd, -)

unmount_all() {
  # debootstrap and chroot may leave proc/sys/dev mounts behind on failure.
  local m
  for m in $(awk -v t="$target" 'index($2, t) == 1 { print $2 }' /proc/mounts | sort -r); do
    umount -l "$m" 2>/dev/null || true
  done
}
trap unmount_all EXIT

debootstrap_args=(--variant=minbase --include="$packages" --components=main)
if [ -n "${RUNCELL_DEBOOTSTRAP_CACHE:-}" ]; then
  mkdir -p "$RUNCELL_DEBOOTSTRAP_CACHE"
  debootstrap_args+=(--cache-dir="$RUNCELL_DEBOOTSTRAP_CACHE")
fi
debootstrap "${debootstrap_args[@]}" "$suite" "$target" "$mirror" >"$target.debootstrap.log" 2>&1 || {
  tail -n 30 "$target.debootstrap.log" >&2
  exit 1
}
rm -f "$target.debootstrap.log"

cp -a "$here/overlay/." "$target/"

rm -f "$target/etc/apt/sources.list"
cat >"$target/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $mirror
Suites: $suite $suite-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $security_mirror
Suites: $suite-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF

# Point releases and security fixes published since the suite's release.
export DEBIAN_FRONTEND=noninteractive
{
  chroot "$target" apt-get update -qq &&
    chroot "$target" apt-get -y -qq -o Dpkg::Options::=--force-confold upgrade &&
    chroot "$target" apt-get clean
} >"$target.upgrade.log" 2>&1 || {
  tail -n 30 "$target.upgrade.log" >&2
  exit 1
}
rm -f "$target.upgrade.log"

# Drop what the dpkg path-excludes in the overlay will keep out of later installs.
find "$target/usr/share/doc" -mindepth 1 ! -name copyright ! -type d -delete 2>/dev/null || true
find "$target/usr/share/doc" -mindepth 1 -type d -empty -delete 2>/dev/null || true
rm -rf "$target"/usr/share/{man,info,groff,lintian,linda}/*
find "$target/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} + 2>/dev/null || true

# Caches, logs and host-specific files.
rm -rf "$target"/var/lib/apt/lists/* "$target"/var/cache/apt/* "$target"/var/cache/debconf/*-old \
  "$target"/var/lib/dpkg/*-old "$target"/var/log/* "$target"/tmp/* "$target"/var/tmp/* \
  "$target"/root/.cache
: >"$target/etc/resolv.conf"
: >"$target/etc/machine-id"
rm -f "$target/etc/hostname"
