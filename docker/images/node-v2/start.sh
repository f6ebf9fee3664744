#!/bin/bash
# /usr/local/src/start.sh (the image's CMD): extracts /tmp/code.tar.gz into /usr/code, loads the
# build's .open-runtimes settings and starts the v2 server on port 3000.
set -e
shopt -s dotglob
. /usr/local/src/lib.sh

CODE_DIR=/usr/code

if [ -f /tmp/code.tar.gz ]; then
  extract_archive /tmp/code.tar.gz "$CODE_DIR"
elif [ -z "$(ls -A "$CODE_DIR" 2>/dev/null)" ]; then
  echo "Code archive /tmp/code.tar.gz not found." >&2
  exit 1
fi

# An empty recorded value never hides the one the container was given.
if [ -f "$CODE_DIR/.open-runtimes" ]; then
  while IFS='=' read -r key value; do
    [[ "$key" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || continue
    value=$(eval "printf '%s' $value" 2>/dev/null) || continue
    [ -n "$value" ] && export "$key=$value"
  done <"$CODE_DIR/.open-runtimes"
fi

cd /usr/local/src
exec node server.js
