#!/bin/bash
# /usr/local/src/build.sh: builds the function source in /usr/code into /usr/code/code.tar.gz.
# Callers run: tar -zxf /tmp/code.tar.gz -C /usr/code && cd /usr/local/src/ && ./build.sh
set -e
shopt -s dotglob

CODE_DIR=/usr/code
BUILD_DIR=/usr/builds

if [ ! -d "$CODE_DIR" ] || [ -z "$(ls -A "$CODE_DIR" 2>/dev/null)" ]; then
  echo "No source code found. Ensure your source isn't empty." >&2
  exit 1
fi

mkdir -p "$BUILD_DIR"
rm -rf "${BUILD_DIR:?}"/*
cp -R "$CODE_DIR"/* "$BUILD_DIR"
rm -f "$BUILD_DIR/code.tar.gz"
cd "$BUILD_DIR"

if [ -f package.json ]; then
  npm install
fi

printf 'INTERNAL_RUNTIME_ENTRYPOINT=%q\n' "${INTERNAL_RUNTIME_ENTRYPOINT:-}" >.open-runtimes

tar --exclude=./code.tar.gz -czf "$CODE_DIR/code.tar.gz.tmp" .
mv -f "$CODE_DIR/code.tar.gz.tmp" "$CODE_DIR/code.tar.gz"
echo "Build finished."
