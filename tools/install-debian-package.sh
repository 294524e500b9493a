#!/usr/bin/env bash
# Installs one Debian package with apt-get, for the build's setup scripts (server/setup-redis.sh,
# integration-tests/setup-promtool.sh): as root or through sudo, non-interactive, and with service
# starts forbidden for this install where no policy says otherwise (a package such as redis-server
# or prometheus would start a system-wide daemon; the tests start their own or need none).
# Usage: install-debian-package.sh NAME-FOR-MESSAGES PACKAGE. Fails loudly when it cannot install.
set -euo pipefail

who="$1"
package="$2"
say() { echo "$who: $*" >&2; }
die() {
  say "ERROR: $*"
  exit 1
}

command -v apt-get >/dev/null 2>&1 || die "no apt-get: install $package by hand"
if [[ $(id -u) -eq 0 ]]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo)
else
  die "need root or sudo to run: apt-get install -y $package"
fi

policy=/usr/sbin/policy-rc.d
if [[ ! -e "$policy" ]]; then
  printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null
  "${sudo[@]}" chmod 755 "$policy"
  trap '"${sudo[@]}" rm -f "$policy"' EXIT
fi

say "installing $package with apt-get"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -q || die "apt-get update failed"
"${sudo[@]}" apt-get install -y -q --no-install-recommends "$package" ||
  die "apt-get install $package failed"
