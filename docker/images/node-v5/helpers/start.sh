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
extract_start=$(opr_uptime)
if [ -n "$archive" ]; then
  opr_log "Code extraction started."
  opr_extract "$archive" "$FUNCTION_DIR"
  opr_log "Code extraction finished."
  opr_timing extract "$extract_start"
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
opr_log "Environment preparation started."
prepare_start=$(opr_uptime)
opr_timing prepare "$prepare_start"
opr_log "Environment preparation finished."
opr_success "Runtime started."

# The server's output passes through unchanged; its ready line records the startup time.
start_uptime=$(opr_uptime)
bash -c "$server_command" 2>&1 | {
  recorded=false
  while IFS= read -r line; do
    printf '%s\n' "$line"
    if [ "$recorded" = false ] && [[ "$line" == *"HTTP server successfully started"* ]]; then
      opr_timing startup "$start_uptime"
      recorded=true
    fi
  done
}
