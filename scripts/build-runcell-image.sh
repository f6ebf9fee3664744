#!/usr/bin/env bash
# Builds the Runcell service image (default tag runcell/runcell:local) without a registry.
#
#   bash scripts/build-runcell-image.sh [--force]
#
# The build runs on the host: `nest build` on a copy of the sources, then a copy of node_modules
# pruned to production dependencies (`npm prune --omit=dev --offline`), staged with package.json
# as the Docker build context of docker/runcell/Dockerfile. When the base image's Node.js is older
# than 20.19 (runcell/base:bookworm ships Debian's Node.js 18), the host's `node` binary is staged
# too; the host must then run the same Debian release as the base image.
#
# The image carries the label runcell.inputs-hash (sources, lockfile, Dockerfile, base image ID,
# staged Node.js binary); an image whose label matches is left alone.
#
# Environment: RUNCELL_IMAGE (tag, default runcell/runcell:local), BASE_IMAGE (default
# runcell/base:bookworm; e.g. node:20-bookworm-slim where a registry is reachable),
# RUNCELL_IMAGES_FORCE=1 (same as --force).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
IMAGE=${RUNCELL_IMAGE:-runcell/runcell:local}
BASE_IMAGE=${BASE_IMAGE:-runcell/base:bookworm}
FORCE=${RUNCELL_IMAGES_FORCE:-0}
MIN_NODE=20.19

# The classic builder works offline with a local FROM image (BuildKit here lacks buildx).
export DOCKER_BUILDKIT=0

say() { printf 'runcell-image: %s\n' "$*"; }
die() { printf 'runcell-image: %s\n' "$*" >&2; exit 1; }

for arg in "$@"; do
  case "$arg" in
    -f | --force) FORCE=1 ;;
    -h | --help) sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$arg'" ;;
  esac
done

command -v docker >/dev/null 2>&1 || die "the docker CLI is not installed"
docker version --format '{{.Server.Version}}' >/dev/null 2>&1 || die "Docker is not reachable"
command -v node >/dev/null 2>&1 || die "Node.js is needed on the host to build the image"
[ -d "$ROOT/node_modules" ] || die "node_modules is missing: run npm install first"

# One build at a time per machine (parallel test workers, images.sh).
LOCK_FILE=${TMPDIR:-/var/tmp}/runcell-image.lock
exec 9>"$LOCK_FILE"
flock -w 900 9 || die "another build holds $LOCK_FILE"

base_id=$(docker image inspect --format '{{.Id}}' "$BASE_IMAGE" 2>/dev/null) ||
  die "the base image $BASE_IMAGE is missing (runcell/base:bookworm: npm run images)"

version_at_least() { # version minimum
  node -e 'const [a, b] = process.argv.slice(1).map((v) => v.replace(/^v/, "").split(".").map(Number));
    process.exit(a[0] > b[0] || (a[0] === b[0] && a[1] >= b[1]) ? 0 : 1)' "$1" "$2"
}

# Node.js of the base image; the host's binary is staged when it is missing or too old.
base_node=$(docker run --rm --network none --entrypoint node "$BASE_IMAGE" --version 2>/dev/null || true)
host_node=""
if [ -z "$base_node" ] || ! version_at_least "$base_node" "$MIN_NODE"; then
  host_node=$(readlink -f "$(command -v node)")
  version_at_least "$(node --version)" "$MIN_NODE" ||
    die "$BASE_IMAGE has Node.js ${base_node:-none} and the host $(node --version); $MIN_NODE+ is needed"
fi

# sha256 over the path and content of every build input, plus the given strings.
inputs_hash() {
  {
    printf 'extra %s\n' "$@"
    (cd "$ROOT" && find src migrations docker/runcell docker/seccomp package.json package-lock.json \
      tsconfig.json tsconfig.build.json nest-cli.json -type f ! -name '*.spec.ts' -print0 |
      LC_ALL=C sort -z | xargs -0 sha256sum)
    [ -z "$host_node" ] || sha256sum <"$host_node"
  } | sha256sum | cut -d' ' -f1
}

hash=$(inputs_hash "base=$BASE_IMAGE@$base_id" "node=${host_node:+host}")
current=$(docker image inspect --format '{{ index .Config.Labels "runcell.inputs-hash" }}' "$IMAGE" 2>/dev/null || true)
if [ "$FORCE" != 1 ] && [ "$current" = "$hash" ]; then
  say "$IMAGE up to date"
  exit 0
fi

start=$(date +%s)
work=$(mktemp -d "${TMPDIR:-/var/tmp}/runcell-image.XXXXXX")
trap 'rm -rf --one-file-system "$work"' EXIT
src="$work/src" ctx="$work/context"
mkdir -p "$src" "$ctx/app" "$ctx/node"

say "compiling (nest build)"
cp -a "$ROOT/src" "$ROOT/migrations" "$ROOT/package.json" "$ROOT/package-lock.json" \
  "$ROOT/tsconfig.json" "$ROOT/tsconfig.build.json" "$ROOT/nest-cli.json" "$src/"
ln -s "$(readlink -f "$ROOT/node_modules")" "$src/node_modules"
(cd "$src" && npx --no-install nest build >"$work/build.log" 2>&1) ||
  { cat "$work/build.log" >&2; die "nest build failed"; }
cp -a "$src/dist" "$ctx/app/dist"
rm -f "$ctx/app/dist"/.tsbuildinfo*
cp "$ROOT/package.json" "$ROOT/package-lock.json" "$ctx/app/"
# The sandbox seccomp profile is read at run time from docker/seccomp (found from dist/ upwards).
mkdir -p "$ctx/app/docker"
cp -a "$ROOT/docker/seccomp" "$ctx/app/docker/seccomp"

say "staging production dependencies (npm prune --omit=dev)"
cp -a "$(readlink -f "$ROOT/node_modules")" "$ctx/app/node_modules"
(cd "$ctx/app" && npm prune --omit=dev --offline --ignore-scripts --no-audit --no-fund \
  --loglevel=error >"$work/prune.log" 2>&1) || { cat "$work/prune.log" >&2; die "npm prune failed"; }
find "$ctx/app/node_modules" -type f \( -name '*.d.ts' -o -name '*.map' -o -name '*.ts.map' \) -delete
rm -f "$ctx/app/package-lock.json"

if [ -n "$host_node" ]; then
  say "staging the host's Node.js $(node --version) (base has ${base_node:-none})"
  mkdir -p "$ctx/node/bin"
  cp "$host_node" "$ctx/node/bin/node"
fi

say "building $IMAGE from $BASE_IMAGE"
old_id=$(docker image inspect --format '{{.Id}}' "$IMAGE" 2>/dev/null || true)
if ! docker build --rm --force-rm --pull=false \
  --build-arg "BASE_IMAGE=$BASE_IMAGE" \
  --label runcell.managed=true --label runcell.image=runcell \
  --label "runcell.inputs-hash=$hash" \
  -f "$ROOT/docker/runcell/Dockerfile" -t "$IMAGE" "$ctx" >"$work/docker.log" 2>&1; then
  tail -n 40 "$work/docker.log" >&2
  die "docker build failed"
fi
new_id=$(docker image inspect --format '{{.Id}}' "$IMAGE")
# The replaced image is left untagged; remove it unless a container still uses it.
if [ -n "$old_id" ] && [ "$old_id" != "$new_id" ]; then docker image rm "$old_id" >/dev/null 2>&1 || true; fi
# The classic builder leaves the assemble stage behind as a dangling image.
docker image prune --force --filter label=runcell.build-stage=assemble >/dev/null 2>&1 || true

size=$(docker image inspect --format '{{.Size}}' "$IMAGE" | awk '{ printf "%.0f MB", $1 / 1000000 }')
say "built $IMAGE in $(($(date +%s) - start))s ($size)"
