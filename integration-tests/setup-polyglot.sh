#!/usr/bin/env bash
# Installs what the polyglot client checks in integration-tests need, and fails loudly if it can't:
#   - Python: Debian's python3-grpcio and python3-grpc-tools (apt, only when missing; they work
#     with Debian's own /usr/bin/python3, not with a pyenv or venv interpreter),
#   - Node: @grpc/grpc-js, @grpc/proto-loader and @bufbuild/buf (buf curl), pinned in
#     src/test/node/package.json and package-lock.json, installed with `npm ci`.
# Run it once per machine (and again after package.json changes); .ci/run calls it before the build.
# Idempotent: a second run installs nothing from apt and re-creates node_modules from the lock file.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
node_dir="$here/src/test/node"
python=/usr/bin/python3
apt_packages=(python3-grpcio python3-grpc-tools)

say() { echo "setup-polyglot: $*" >&2; }
die() {
  say "ERROR: $*"
  exit 1
}

# --- Python (Debian packages) -------------------------------------------------------------------
[[ -x "$python" ]] || die "$python not found: the Python client needs Debian's python3 (apt-get install python3)"

python_ok() { "$python" -c 'import grpc, grpc_tools.protoc, google.protobuf' >/dev/null 2>&1; }

if python_ok; then
  say "python: grpc and grpc_tools already importable by $python"
else
  missing=()
  for pkg in "${apt_packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$pkg")
    fi
  done
  ((${#missing[@]} > 0)) ||
    die "${apt_packages[*]} are installed but $python cannot import grpc and grpc_tools"
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found: install ${missing[*]} (Debian packages) by hand"
  if [[ $(id -u) -eq 0 ]]; then
    sudo=()
  elif command -v sudo >/dev/null 2>&1; then
    sudo=(sudo)
  else
    die "need root or sudo to run: apt-get install -y ${missing[*]}"
  fi
  say "installing ${missing[*]} with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -q || die "apt-get update failed"
  "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" ||
    die "apt-get install ${missing[*]} failed"
fi
python_ok || die "$python cannot import grpc and grpc_tools after installing ${apt_packages[*]}"
say "python: $("$python" -c 'import grpc; print("grpcio", grpc.__version__)')"

# --- Node (npm, pinned by the lock file) --------------------------------------------------------
command -v node >/dev/null 2>&1 || die "node not found: the Node client and buf need Node.js 18+ and npm"
command -v npm >/dev/null 2>&1 || die "npm not found: the Node client and buf need Node.js 18+ and npm"
node_major="$(node -p 'process.versions.node.split(".")[0]')"
((node_major >= 18)) || die "Node.js $(node --version) is too old: need 18 or newer"

say "npm ci in ${node_dir#"$here/"}"
(cd "$node_dir" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed in $node_dir"

buf="$node_dir/node_modules/.bin/buf"
[[ -x "$buf" ]] || die "$buf is missing after npm ci"
buf_version="$("$buf" --version 2>&1)" || die "buf does not run: $buf_version"
(cd "$node_dir" && node -e 'require("@grpc/grpc-js"); require("@grpc/proto-loader")') ||
  die "node cannot load @grpc/grpc-js and @grpc/proto-loader after npm ci"
say "node $(node --version), buf $buf_version"
say "ready: run ./mvnw -B verify (or see README, 'Calling from other languages')"
