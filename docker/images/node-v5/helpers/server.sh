#!/bin/bash
# Starts the v5 HTTP server on port 3000 (run by start.sh from /usr/local/server).
set -e
cd /usr/local/server
exec node src/server.js
