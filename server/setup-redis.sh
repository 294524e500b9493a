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

"$(dirname "${BASH_SOURCE[0]}")/../tools/install-debian-package.sh" setup-redis redis-server
redis="$(find_redis)" || die "redis-server still not found after installing it"
say "$("$redis" --version)"
