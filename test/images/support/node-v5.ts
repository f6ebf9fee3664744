/** How callers start a runcell/node:v5 runtime from /tmp/code.tar.gz (runtime and build suites). */
export const START =
  'cp /tmp/code.tar.gz /mnt/code/code.tar.gz && nohup helpers/start.sh "bash helpers/server.sh"';
