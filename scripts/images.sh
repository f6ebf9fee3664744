#!/usr/bin/env bash
# Builds every container image Runcell needs, locally and without a registry.
#
#   bash scripts/images.sh [--force] [NAME...]
#
# NAME is an image key (base, sandbox-python, sandbox-javascript, sandbox-typescript,
# sandbox-bash, sandbox-<language> for every recipe in docker/images/sandbox-lang/languages,
# node-v5, node-v2), a language name (go), a group (sandbox, node, all) or a full reference such
# as runcell/node:v5. Default: all. Parents are always brought up to date first.
# `runcell` (or runcell/runcell:local) also builds the service image itself
# (scripts/build-runcell-image.sh); it is not part of `all`.
#
# Each image carries the label runcell.inputs-hash: a hash of its Dockerfile and context files,
# its build arguments and the ID of its parent image. An image whose label matches is left alone,
# so a second run with nothing changed only inspects images.
#
# Environment: RUNCELL_DEBIAN_MIRROR, RUNCELL_DEBIAN_SECURITY_MIRROR (base image mirrors),
# RUNCELL_IMAGES_CACHE_DIR (downloaded .debs, default /var/cache/runcell-images),
# RUNCELL_IMAGES_FORCE=1 (same as --force).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
IMAGES_DIR="$ROOT/docker/images"
if [ "$(id -u)" = 0 ]; then
  CACHE_DIR=${RUNCELL_IMAGES_CACHE_DIR:-/var/cache/runcell-images}
else
  CACHE_DIR=${RUNCELL_IMAGES_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/runcell-images}
fi
DEBIAN_MIRROR=${RUNCELL_DEBIAN_MIRROR:-http://deb.debian.org/debian}
DEBIAN_SECURITY_MIRROR=${RUNCELL_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
FORCE=${RUNCELL_IMAGES_FORCE:-0}

# BuildKit needs the buildx plugin (absent here) and may fetch its frontend from a registry;
# the classic builder works offline with a local FROM image.
export DOCKER_BUILDKIT=0

# Language sandboxes: one recipe each in docker/images/sandbox-lang/languages/<name>.sh.
LANGUAGE_SANDBOXES=(c cpp go rust java ruby php lua perl)
ORDER=(base sandbox-python sandbox-javascript sandbox-typescript sandbox-bash node-v5 node-v2)
for lang in "${LANGUAGE_SANDBOXES[@]}"; do ORDER+=("sandbox-$lang"); done
declare -A REF=(
  [base]=runcell/base:bookworm
  [sandbox-python]=runcell/sandbox-python:1
  [sandbox-javascript]=runcell/sandbox-javascript:1
  [sandbox-typescript]=runcell/sandbox-typescript:1
  [sandbox-bash]=runcell/sandbox-bash:1
  [node-v5]=runcell/node:v5
  [node-v2]=runcell/node:v2
)
# Build context folder (under docker/images) and build arguments of each Dockerfile image.
declare -A CONTEXT=(
  [sandbox-python]=sandbox [sandbox-javascript]=sandbox [sandbox-typescript]=sandbox
  [sandbox-bash]=sandbox [node-v5]=node-v5 [node-v2]=node-v2
)
declare -A BUILD_ARGS=(
  [sandbox-python]="LANGUAGE=python" [sandbox-javascript]="LANGUAGE=javascript"
  [sandbox-typescript]="LANGUAGE=typescript" [sandbox-bash]="LANGUAGE=bash"
  [node-v5]="" [node-v2]=""
)
# How each sandbox image reports its language's version (GET /api/v1/languages reads it from the
# image label runcell.language-version, stamped after the build).
declare -A VERSION_CMD=(
  [sandbox-python]="python3 -c 'import platform; print(platform.python_version())'"
  [sandbox-javascript]="node -p process.versions.node"
  [sandbox-typescript]="node -p process.versions.node"
  [sandbox-bash]='echo "${BASH_VERSINFO[0]}.${BASH_VERSINFO[1]}.${BASH_VERSINFO[2]}"'
)
for lang in "${LANGUAGE_SANDBOXES[@]}"; do
  VERSION_CMD[sandbox-$lang]="run-task --version"
  REF[sandbox-$lang]=runcell/sandbox-$lang:1
  CONTEXT[sandbox-$lang]=sandbox-lang
  BUILD_ARGS[sandbox-$lang]="LANGUAGE=$lang"
done

say() { printf '%s\n' "$*"; }
die() { printf 'images: %s\n' "$*" >&2; exit 1; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1fs", b - a }'; }

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; }

# --- arguments ---------------------------------------------------------------------------------
declare -A WANTED=()
BUILD_SERVICE_IMAGE=0
want() {
  local key
  case "$1" in
    runcell | runcell/runcell:local) BUILD_SERVICE_IMAGE=1 ;;
    all) for key in "${ORDER[@]}"; do WANTED[$key]=1; done ;;
    sandbox | sandboxes) for key in "${ORDER[@]}"; do [[ $key != sandbox-* ]] || WANTED[$key]=1; done ;;
    node | runtimes) WANTED[node-v5]=1; WANTED[node-v2]=1 ;;
    *)
      if [ -n "${REF[sandbox-$1]:-}" ]; then WANTED[sandbox-$1]=1; return; fi
      for key in "${ORDER[@]}"; do
        if [ "$1" = "$key" ] || [ "$1" = "${REF[$key]}" ]; then WANTED[$key]=1; return; fi
      done
      die "unknown image '$1' (known: ${ORDER[*]}, sandbox, node, all)"
      ;;
  esac
}
for arg in "$@"; do
  case "$arg" in
    -h | --help) usage; exit 0 ;;
    -f | --force) FORCE=1 ;;
    -*) die "unknown option '$arg'" ;;
    *) want "$arg" ;;
  esac
done
[ ${#WANTED[@]} -gt 0 ] || [ "$BUILD_SERVICE_IMAGE" = 1 ] || want all
# Every Dockerfile image is FROM the base, so the base is always checked first.
WANTED[base]=1

# --- preconditions -----------------------------------------------------------------------------
command -v docker >/dev/null 2>&1 || die "the docker CLI is not installed"
docker_err=$(docker version --format '{{.Server.Version}}' 2>&1 >/dev/null) ||
  die "Docker is not reachable: ${docker_err%.}. Start it (e.g. 'setsid nohup dockerd > /var/log/dockerd.log 2>&1 &') and retry."

mkdir -p "$CACHE_DIR"
exec 9>"$CACHE_DIR/images.lock"
flock -w 900 9 || die "another images.sh run holds $CACHE_DIR/images.lock"

# --- helpers -----------------------------------------------------------------------------------
label_of() { docker image inspect --format "{{ index .Config.Labels \"$2\" }}" "$1" 2>/dev/null || true; }
id_of() { docker image inspect --format '{{.Id}}' "$1" 2>/dev/null || true; }

# sha256 over the relative path, executable bit and content of every file under DIR, plus
# any extra strings given (build arguments, parent image ID, mirrors).
# A language sandbox (LANGUAGE=x among the extras) hashes its own recipe only, so a new language
# does not rebuild the others.
hash_inputs() {
  local dir=$1 f extra
  local select=(-type f)
  shift
  for extra in "$@"; do
    if [[ $extra == LANGUAGE=* ]] && [ -d "$dir/languages" ]; then
      select=(-type f "(" -not -path "./languages/*" -o -path "./languages/${extra#LANGUAGE=}.sh" ")")
    fi
  done
  {
    printf 'extra %s\n' "$@"
    (cd "$dir" && find . "${select[@]}" -print0 | LC_ALL=C sort -z | while IFS= read -r -d '' f; do
      if [ -x "$f" ]; then printf 'file %s x ' "$f"; else printf 'file %s - ' "$f"; fi
      sha256sum <"$f" | cut -d' ' -f1
    done)
  } | sha256sum | cut -d' ' -f1
}

CLEANUP_DIRS=()
cleanup() { [ ${#CLEANUP_DIRS[@]} -eq 0 ] || rm -rf --one-file-system "${CLEANUP_DIRS[@]}"; }
trap cleanup EXIT

STALE_IDS=()
remember_stale() {
  if [ -n "$1" ] && [ "$1" != "$2" ]; then STALE_IDS+=("$1"); fi
}

ensure_debootstrap() {
  command -v debootstrap >/dev/null 2>&1 && return 0
  [ "$(id -u)" = 0 ] || die "debootstrap is missing and installing it needs root"
  say "installing debootstrap (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq debootstrap >/dev/null 2>&1 ||
    { apt-get update -qq && apt-get install -y -qq debootstrap >/dev/null; } ||
    die "could not install debootstrap with apt-get"
}

build_base() {
  local ref=$1 hash=$2 work
  [ "$(id -u)" = 0 ] || die "building $ref needs root (debootstrap)"
  ensure_debootstrap
  work=$(mktemp -d /var/tmp/runcell-base.XXXXXX)
  CLEANUP_DIRS+=("$work")
  RUNCELL_DEBIAN_MIRROR=$DEBIAN_MIRROR RUNCELL_DEBIAN_SECURITY_MIRROR=$DEBIAN_SECURITY_MIRROR \
    RUNCELL_DEBOOTSTRAP_CACHE="$CACHE_DIR/debootstrap" \
    bash "$IMAGES_DIR/base/build-rootfs.sh" "$work/rootfs"
  tar --numeric-owner -C "$work/rootfs" \
    --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' -cf - . |
    docker import \
      --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      --change 'ENV LANG=C.UTF-8' \
      --change 'CMD ["bash"]' \
      --change 'LABEL runcell.managed=true' \
      --change 'LABEL runcell.image=base' \
      --change "LABEL runcell.inputs-hash=$hash" \
      - "$ref" >/dev/null
}

build_dockerfile() {
  local key=$1 ref=$2 hash=$3 ctx="$IMAGES_DIR/${CONTEXT[$1]}" log arg
  local args=(--label runcell.managed=true --label "runcell.image=$key" --label "runcell.inputs-hash=$hash")
  for arg in ${BUILD_ARGS[$key]}; do args+=(--build-arg "$arg"); done
  log=$(mktemp)
  if ! docker build --rm --force-rm "${args[@]}" -t "$ref" "$ctx" >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    rm -f "$log"
    die "building $ref failed"
  fi
  rm -f "$log"
}

# Adds the label runcell.language-version (what the image's VERSION_CMD prints) to a sandbox.
stamp_version() {
  local key=$1 ref=$2 version
  version=$(docker run --rm --network none --read-only --user 10001:10001 --entrypoint bash "$ref" \
    -c "${VERSION_CMD[$key]}" 2>/dev/null | head -n 1 | tr -cd 'A-Za-z0-9._+~-' | cut -c1-64)
  [ -n "$version" ] || die "could not read the language version of $ref"
  printf 'FROM %s\n' "$ref" | docker build -q --label "runcell.language-version=$version" -t "$ref" - >/dev/null ||
    die "could not label $ref with its language version"
}

# --- main --------------------------------------------------------------------------------------
total_start=$(now)
built=0
for key in "${ORDER[@]}"; do
  [ -n "${WANTED[$key]:-}" ] || continue
  ref=${REF[$key]}
  if [ "$key" = base ]; then
    hash=$(hash_inputs "$IMAGES_DIR/base" "mirror=$DEBIAN_MIRROR" "security=$DEBIAN_SECURITY_MIRROR")
  else
    parent_id=$(id_of "${REF[base]}")
    [ -n "$parent_id" ] || die "${REF[base]} is missing"
    # shellcheck disable=SC2086 # BUILD_ARGS holds zero or more NAME=value words
    hash=$(hash_inputs "$IMAGES_DIR/${CONTEXT[$key]}" "parent=$parent_id" ${BUILD_ARGS[$key]})
  fi
  if [ "$FORCE" != 1 ] && [ "$(label_of "$ref" runcell.inputs-hash)" = "$hash" ]; then
    if [ -n "${VERSION_CMD[$key]:-}" ] && [ -z "$(label_of "$ref" runcell.language-version)" ]; then
      stamp_version "$key" "$ref"
    fi
    printf '%-20s %-30s up to date\n' "$key" "$ref"
    continue
  fi
  old_id=$(id_of "$ref")
  start=$(now)
  # A progress hint on terminals only; logs get one line per image.
  [ ! -t 1 ] || printf '%-20s %-30s building...\r' "$key" "$ref"
  if [ "$key" = base ]; then build_base "$ref" "$hash"; else build_dockerfile "$key" "$ref" "$hash"; fi
  [ -z "${VERSION_CMD[$key]:-}" ] || stamp_version "$key" "$ref"
  remember_stale "$old_id" "$(id_of "$ref")"
  built=$((built + 1))
  size=$(docker image inspect --format '{{.Size}}' "$ref" | awk '{ printf "%.0f MB", $1 / 1000000 }')
  printf '%-20s %-30s built in %s (%s)\n' "$key" "$ref" "$(elapsed "$start")" "$size"
done

# Replaced images are left untagged; remove them unless a container still uses them.
for ((i = ${#STALE_IDS[@]} - 1; i >= 0; i--)); do
  docker image rm "${STALE_IDS[$i]}" >/dev/null 2>&1 || true
done

say "images: $built built, total $(elapsed "$total_start")"

if [ "$BUILD_SERVICE_IMAGE" = 1 ]; then
  RUNCELL_IMAGES_FORCE=$FORCE bash "$ROOT/scripts/build-runcell-image.sh"
fi
