#!/bin/bash
# Shared by build.sh and start.sh (sourced).

# Artifacts are named code.tar.gz whatever their compression; the format comes from the first bytes.
extract_archive() {
  local archive=$1 dest=$2 magic
  mkdir -p "$dest"
  magic=$(head -c 4 "$archive" | od -An -vtx1 | tr -d ' \n')
  case "$magic" in
    1f8b*) tar -xzf "$archive" -C "$dest" ;;
    28b52ffd) (set -o pipefail && zstd -dcq "$archive" | tar -xf - -C "$dest") ;;
    68737173) unsquashfs -q -f -n -d "$dest" "$archive" >/dev/null ;;
    504b0304) unzip -qo "$archive" -d "$dest" ;;
    *) tar -xf "$archive" -C "$dest" ;;
  esac
}
