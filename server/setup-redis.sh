#!/usr/bin/env bash
# Installs redis-server (Debian package) if it is missing, for the tests that share a real Redis
# between server replicas (the tests start their own redis-server on a free loopback port and stop
# it after; nothing is left running). The build runs this script before the server's tests
# (exec-maven-plugin, process-test-classes); skip it with -Dredis.setup.skip (or -DskipTests).
# Idempotent: with redis-server present it installs nothing. Fails loudly when it cannot install.
set -euo pipefail

say() { echo "setup-redis: $*" >&2; }
die() {
  say "ERROR: $*"
  exit 1
}

find_redis() {
  command -v redis-server 2>/dev/null || { [[ -x /usr/bin/redis-server ]] && echo /usr/bin/redis-server; }
}

if redis="$(find_redis)" && [[ -n "$redis" ]]; then
  say "$("$redis" --version)"
  exit 0
fi

command -v apt-get >/dev/null 2>&1 ||
  die "redis-server not found and no apt-get: install Redis 7 by hand (e.g. brew install redis)"
if [[ $(id -u) -eq 0 ]]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo)
else
  die "need root or sudo to run: apt-get install -y redis-server"
fi

# The package would start a system-wide Redis on port 6379; the tests start their own. Where no
# policy says otherwise (Docker images have one), forbid service starts for this install only.
policy=/usr/sbin/policy-rc.d
if [[ ! -e "$policy" ]]; then
  printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null
  "${sudo[@]}" chmod 755 "$policy"
  trap '"${sudo[@]}" rm -f "$policy"' EXIT
fi

say "installing redis-server with apt-get"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -q || die "apt-get update failed"
"${sudo[@]}" apt-get install -y -q --no-install-recommends redis-server ||
  die "apt-get install redis-server failed"
redis="$(find_redis)" || die "redis-server still not found after installing it"
say "$("$redis" --version)"
