#!/bin/bash
# Runs inside `docker build` for one sandbox image: setup.sh LANGUAGE
set -euo pipefail
language=${1:?usage: setup.sh LANGUAGE}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

case "$language" in
  python | javascript | bash) ;;
  typescript)
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends esbuild >/dev/null
    rm -rf /var/lib/apt/lists/*
    ;;
  *)
    echo "setup.sh: unknown language '$language'" >&2
    exit 1
    ;;
esac

groupadd --gid 10001 sandbox
useradd --uid 10001 --gid 10001 --home-dir /home/sandbox --create-home --shell /bin/bash sandbox
# 1777 because Docker gives a --tmpfs mounted here the mode (not the owner) of this folder.
install -d -o 10001 -g 10001 -m 1777 /sandbox

sed "s/@LANGUAGE@/$language/" "$here/run-task" >/usr/local/bin/run-task
chmod 0755 /usr/local/bin/run-task
echo "$language" >/etc/runcell-sandbox-language

# No setuid/setgid binaries: nothing in the sandbox can gain privileges by exec.
find / -xdev -perm /6000 -type f -exec chmod a-s {} +
