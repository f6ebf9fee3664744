#!/bin/bash
# helpers/start.sh "<server command>"
# Extracts the build artifact found in /mnt/code into /usr/local/server/src/function, loads the
# build's .open-runtimes settings and runs the server command from /usr/local/server.
set -e
shopt -s dotglob
. /usr/local/server/helpers/lib.sh

server_command=${1:-bash helpers/server.sh}

archive=
for candidate in code.sqfs code.tar code.tar.gz code.gz; do
  if [ -f "$CODE_DIR/$candidate" ]; then
    archive=$CODE_DIR/$candidate
    break
  fi
done
mkdir -p "$FUNCTION_DIR"
if [ -n "$archive" ]; then
  opr_log "Code extraction started."
  opr_extract "$archive" "$FUNCTION_DIR"
  opr_log "Code extraction finished."
elif [ -f "$CODE_DIR/.extracted" ]; then
  # OPEN_RUNTIMES_BUILD_COMPRESSION=skip left the files themselves.
  for item in "$CODE_DIR"/*; do
    [ "$(basename "$item")" = .extracted ] && continue
    ln -sfn "$item" "$FUNCTION_DIR/"
  done
  opr_log "Code already extracted, skipping extraction."
else
  opr_error "Code archive not found in $CODE_DIR (expected code.sqfs, code.tar, code.tar.gz or code.gz)."
  exit 1
fi

# Settings recorded by build.sh; an empty value never hides the one the container was given.
if [ -f "$FUNCTION_DIR/.open-runtimes" ]; then
  while IFS='=' read -r key value; do
    [[ "$key" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || continue
    value=$(eval "printf '%s' $value" 2>/dev/null) || continue
    [ -n "$value" ] && export "$key=$value"
  done <"$FUNCTION_DIR/.open-runtimes"
fi

cd "$SERVER_DIR"
opr_success "Runtime started."
exec bash -c "$server_command"
