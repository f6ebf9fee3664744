#!/bin/bash
# Shared by build.sh and start.sh (sourced).
# shellcheck disable=SC2034 # the paths are used by the scripts that source this file

SERVER_DIR=/usr/local/server
FUNCTION_DIR=$SERVER_DIR/src/function
BUILD_DIR=/usr/local/build
CODE_DIR=/mnt/code
TIMINGS_FILE=/mnt/telemetry/timings.txt

opr_log() {
  echo -e "\e[90m$(date +'[%H:%M:%S]') \e[31m[\e[0mopen-runtimes\e[31m]\e[97m $* \e[0m"
}

opr_error() {
  echo -e "\e[90m$(date +'[%H:%M:%S]') \e[31m[\e[0mopen-runtimes\e[31m]\e[31m $* \e[0m"
}

opr_success() {
  echo -e "\e[90m$(date +'[%H:%M:%S]') \e[31m[\e[0mopen-runtimes\e[31m]\e[32m $* \e[0m"
}

# Build artifacts are named code.tar.gz whatever their compression, so the format comes from
# the first bytes of the file.
opr_archive_format() {
  local magic
  magic=$(head -c 4 "$1" 2>/dev/null | od -An -vtx1 | tr -d ' \n')
  case "$magic" in
    68737173) echo squashfs ;;
    1f8b*) echo gzip ;;
    28b52ffd) echo zstd ;;
    504b0304) echo zip ;;
    *) echo tar ;;
  esac
}

opr_extract() {
  local archive=$1 dest=$2
  mkdir -p "$dest"
  case "$(opr_archive_format "$archive")" in
    squashfs) unsquashfs -q -f -n -d "$dest" "$archive" >/dev/null ;;
    gzip) tar -xzf "$archive" -C "$dest" ;;
    zstd) (set -o pipefail && zstd -dcq "$archive" | tar -xf - -C "$dest") ;;
    zip) unzip -qo "$archive" -d "$dest" ;;
    *) tar -xf "$archive" -C "$dest" ;;
  esac
}

opr_uptime() {
  awk '{print $1}' /proc/uptime
}

# Appends `<name>=<seconds since start>` to the timings /__opr/timings serves; never fails.
opr_timing() {
  local name=$1 since=$2
  mkdir -p "$(dirname "$TIMINGS_FILE")" 2>/dev/null || true
  awk -v s="$since" -v n="$name" '{ printf "%s=%.3f\n", n, $1 - s }' /proc/uptime >>"$TIMINGS_FILE" 2>/dev/null || true
}
