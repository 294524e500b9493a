#!/usr/bin/env bash
# Installs promtool (Debian package prometheus) if it is missing, for AlertRulesIT: `promtool check
# rules` and `promtool test rules` on deploy/observability/prometheus-alerts*.yaml. The build runs
# this script before the integration tests (exec-maven-plugin, pre-integration-test); skip it with
# -Dpromtool.setup.skip. Idempotent; fails loudly when it cannot install (tools/install-debian-package.sh,
# which also keeps the package from starting a Prometheus server).
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

"$(dirname "${BASH_SOURCE[0]}")/../tools/install-debian-package.sh" setup-promtool prometheus
command -v promtool >/dev/null 2>&1 || die "promtool still not found after installing prometheus"
say "$(promtool --version 2>&1 | head -1)"
