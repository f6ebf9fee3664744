#!/bin/bash
# helpers/build.sh "<install command>"
# Copies /mnt/code to /usr/local/build, runs the command there and packs the result into
# /mnt/code/code.tar.gz (or code.sqfs). Package-manager caches under /usr/local/cache/build are
# restored from and saved to /cache/stores.sqfs (mounted by the executor for cached builds; like
# the published images, a build without that mount reports a miss and saves inside the container).
set -e
shopt -s dotglob
. /usr/local/server/helpers/lib.sh

install_command=${1:-}

export OPEN_RUNTIMES_BUILD_CACHE_ROOT=${OPEN_RUNTIMES_BUILD_CACHE_ROOT:-/usr/local/cache/build}
export OPEN_RUNTIMES_BUILD_CACHE_ARTIFACT=${OPEN_RUNTIMES_BUILD_CACHE_ARTIFACT:-/cache/stores.sqfs}
export npm_config_cache=$OPEN_RUNTIMES_BUILD_CACHE_ROOT/npm
export YARN_CACHE_FOLDER=$OPEN_RUNTIMES_BUILD_CACHE_ROOT/yarn
export npm_config_store_dir=$OPEN_RUNTIMES_BUILD_CACHE_ROOT/pnpm
export XDG_CACHE_HOME=$OPEN_RUNTIMES_BUILD_CACHE_ROOT/xdg-cache
mkdir -p "$OPEN_RUNTIMES_BUILD_CACHE_ROOT"

cache_enabled=false
mkdir -p "$(dirname "$OPEN_RUNTIMES_BUILD_CACHE_ARTIFACT")" 2>/dev/null && cache_enabled=true

# --- build cache: restore -----------------------------------------------------------------------
if [ "$cache_enabled" = true ]; then
  if [ -f "$OPEN_RUNTIMES_BUILD_CACHE_ARTIFACT" ]; then
    rm -rf "${OPEN_RUNTIMES_BUILD_CACHE_ROOT:?}"/*
    if unsquashfs -q -f -n -d "$OPEN_RUNTIMES_BUILD_CACHE_ROOT" "$OPEN_RUNTIMES_BUILD_CACHE_ARTIFACT" >/dev/null 2>&1; then
      opr_log "Build cache hit."
    else
      opr_log "Build cache warning: could not restore the cache, starting fresh."
      rm -rf "${OPEN_RUNTIMES_BUILD_CACHE_ROOT:?}"/*
    fi
  else
    opr_log "Build cache miss."
  fi
fi

# --- stage ----------------------------------------------------------------------------------
opr_log "Environment preparation started."
if [ ! -d "$CODE_DIR" ] || [ -z "$(ls -A "$CODE_DIR" 2>/dev/null)" ]; then
  opr_error "Error: No source code found. Ensure your source isn't empty."
  exit 1
fi
mkdir -p "$BUILD_DIR"
cp -R "$CODE_DIR"/* "$BUILD_DIR"
# A previous artifact in the source folder is not part of the source.
rm -f "$BUILD_DIR"/code.sqfs "$BUILD_DIR"/code.tar "$BUILD_DIR"/code.tar.gz "$BUILD_DIR"/code.gz
opr_log "Environment preparation finished."

# --- install ---------------------------------------------------------------------------------
cd "$BUILD_DIR"
opr_log "Build command execution started."
bash -c "$install_command"
opr_log "Build command execution finished."

# --- pack ------------------------------------------------------------------------------------
opr_log "Build packaging started."
cd "$BUILD_DIR"
if [ -n "$OPEN_RUNTIMES_OUTPUT_DIRECTORY" ]; then
  if [ ! -d "$OPEN_RUNTIMES_OUTPUT_DIRECTORY" ] || [ -z "$(ls -A "$OPEN_RUNTIMES_OUTPUT_DIRECTORY" 2>/dev/null)" ]; then
    opr_error "Error: No build output found. Ensure your output directory isn't empty."
    exit 1
  fi
  cd "$OPEN_RUNTIMES_OUTPUT_DIRECTORY"
fi

compression=${OPEN_RUNTIMES_BUILD_COMPRESSION:-gzip}
if [ "$compression" = auto ]; then
  size_kb=$(du -sk . | cut -f1)
  if [ "${size_kb:-0}" -lt 5120 ]; then compression=none; else compression=gzip; fi
  opr_log "Auto compression: $compression (size=${size_kb}KB)"
fi
case "$compression" in
  none | gzip | zstd | squashfs | skip) ;;
  *) compression=gzip ;;
esac

{
  printf 'OPEN_RUNTIMES_ENTRYPOINT=%q\n' "${OPEN_RUNTIMES_ENTRYPOINT:-}"
  printf 'OPEN_RUNTIMES_CLEANUP=%q\n' "${OPEN_RUNTIMES_CLEANUP:-none}"
  printf 'OPEN_RUNTIMES_COMPRESSION=%q\n' "$compression"
} >.open-runtimes

excludes=(--exclude=./code.sqfs --exclude=./code.tar --exclude=./code.tar.gz --exclude=./code.gz)
out=$CODE_DIR
rm -f "$out"/code.sqfs "$out"/code.tar "$out"/code.tar.gz "$out"/code.gz
case "$compression" in
  none) tar "${excludes[@]}" -cf "$out/code.tar.gz" . ;;
  zstd) tar "${excludes[@]}" -cf - . | zstd -qf -o "$out/code.tar.gz" ;;
  squashfs)
    mksquashfs . "$out/code.sqfs" -comp lz4 -b 128K -noappend -no-xattrs -no-progress -quiet \
      -e code.sqfs code.tar code.tar.gz code.gz >/dev/null
    ;;
  skip)
    cp -R . "$out/"
    touch "$out/.extracted"
    ;;
  *) tar "${excludes[@]}" -czf "$out/code.tar.gz" . ;;
esac
opr_log "Build packaging finished."

# --- build cache: save -------------------------------------------------------------------------
if [ "$cache_enabled" = true ]; then
  tmp_artifact="$OPEN_RUNTIMES_BUILD_CACHE_ARTIFACT.tmp"
  if mksquashfs "$OPEN_RUNTIMES_BUILD_CACHE_ROOT" "$tmp_artifact" -comp lz4 -b 1M -noappend -no-xattrs \
    -no-progress -quiet >/dev/null 2>&1 && mv -f "$tmp_artifact" "$OPEN_RUNTIMES_BUILD_CACHE_ARTIFACT"; then
    opr_log "Build cache saved. ($(wc -c <"$OPEN_RUNTIMES_BUILD_CACHE_ARTIFACT" | tr -d ' ') bytes)"
  else
    rm -f "$tmp_artifact"
    opr_log "Build cache warning: could not save the cache, build result preserved."
  fi
fi

opr_success "Build finished."
