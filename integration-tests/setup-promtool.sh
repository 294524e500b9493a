#!/usr/bin/env bash
# Installs promtool (Debian package prometheus) if it is missing, for AlertRulesIT: `promtool check
# rules` and `promtool test rules` on deploy/observability/prometheus-alerts*.yaml. The build runs
# this script before the integration tests (exec-maven-plugin, pre-integration-test); skip it with
# -Dpromtool.setup.skip. Idempotent; fails loudly when it cannot install. The package would start a
# Prometheus server; where no policy says otherwise, service starts are forbidden for this install.
set -euo pipefail

say() { echo "setup-promtool: $*" >&2; }
die() {
  say "ERROR: $*"
  exit 1
}

if command -v promtool >/dev/null 2>&1; then
  say "$(promtool --version 2>&1 | head -1)"
  exit 0
fi

command -v apt-get >/dev/null 2>&1 ||
  die "promtool not found and no apt-get: install Prometheus's promtool by hand"
if [[ $(id -u) -eq 0 ]]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo)
else
  die "need root or sudo to run: apt-get install -y prometheus"
fi

policy=/usr/sbin/policy-rc.d
if [[ ! -e "$policy" ]]; then
  printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null
  "${sudo[@]}" chmod 755 "$policy"
  trap '"${sudo[@]}" rm -f "$policy"' EXIT
fi

say "installing prometheus (for promtool) with apt-get"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -q || die "apt-get update failed"
"${sudo[@]}" apt-get install -y -q --no-install-recommends prometheus ||
  die "apt-get install prometheus failed"
command -v promtool >/dev/null 2>&1 || die "promtool still not found after installing prometheus"
say "$(promtool --version 2>&1 | head -1)"
