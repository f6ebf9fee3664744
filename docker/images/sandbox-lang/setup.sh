#!/bin/bash
# Runs inside `docker build` for one language sandbox image: setup.sh LANGUAGE
# languages/LANGUAGE.sh sets PACKAGES (Debian packages), defines language_version (prints the
# version shown by GET /api/v1/languages) and may define prepare (runs before apt-get install).
set -euo pipefail
language=${1:?usage: setup.sh LANGUAGE}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
[[ "$language" =~ ^[a-z0-9]+$ ]] && [ -f "$here/languages/$language.sh" ] ||
  { echo "setup.sh: no recipe languages/$language.sh" >&2; exit 1; }
# shellcheck source=/dev/null
. "$here/languages/$language.sh"

export DEBIAN_FRONTEND=noninteractive
if declare -F prepare >/dev/null; then prepare; fi
apt-get update -qq
# shellcheck disable=SC2086 # PACKAGES is a list of package names
apt-get install -y -qq --no-install-recommends $PACKAGES >/dev/null
apt-get clean
rm -rf /var/lib/apt/lists/* /var/cache/apt/* /var/log/apt /var/log/dpkg.log

groupadd --gid 10001 sandbox
useradd --uid 10001 --gid 10001 --home-dir /home/sandbox --create-home --shell /bin/bash sandbox
# 1777 because Docker gives a --tmpfs mounted here the mode (not the owner) of this folder.
install -d -o 10001 -g 10001 -m 1777 /sandbox /build

install -m 0755 "$here/run-task" /usr/local/bin/run-task
echo "$language" >/etc/runcell-sandbox-language
language_version | head -n 1 | tr -d '\r' | cut -c1-80 >/etc/runcell-language-version
[ -s /etc/runcell-language-version ] || { echo "setup.sh: empty version for $language" >&2; exit 1; }

# No setuid/setgid binaries: nothing in the sandbox can gain privileges by exec.
find / -xdev -perm /6000 -type f -exec chmod a-s {} +
