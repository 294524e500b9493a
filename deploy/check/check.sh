#!/usr/bin/env bash
# Offline checks of the deployment files: no container engine and no cluster needed.
#
#   deploy/check/check.sh           manifests and Dockerfile (needs node/npm, and kubectl or kustomize)
#   deploy/check/check.sh --image   also emulates the image (needs a JDK 17+; the runtime part
#                                   needs root and util-linux's unshare/setpriv):
#                                   - runs the Dockerfile's build command on a clean copy of
#                                     exactly the paths that its build stage COPYs;
#                                   - starts the jar as UID/GID 10001 with no capabilities, no new
#                                     privileges, a read-only root filesystem and a writable /tmp
#                                     only (what the Deployment's securityContext imposes), checks
#                                     health, reflection and one call, then stops it with SIGTERM.
#   FRESH_M2=1 ... --image          builds with an empty Maven repository (downloads everything,
#                                   like a first image build); default: reuse ~/.m2.
#
# What this cannot check: a real `docker build`, the base images, a real cluster (admission,
# CNI enforcement of the NetworkPolicy, the kubelet's probes). See deploy/README.md.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then kill -TERM "$server_pid"; fi
  rm -rf "$work"
}
trap cleanup EXIT

step() { printf '\n== %s\n' "$*"; }

step "npm dependencies of the checks (deploy/check/package.json)"
if [[ ! -d "$here/node_modules" || "$here/package.json" -nt "$here/node_modules" ]]; then
  (cd "$here" && npm install --no-audit --no-fund --no-package-lock --loglevel=error)
  touch "$here/node_modules"
fi
echo "ok"

render() {
  if command -v kubectl >/dev/null; then kubectl kustomize "$1"
  elif command -v kustomize >/dev/null; then kustomize build "$1"
  else echo "neither kubectl nor kustomize on PATH" >&2; return 1
  fi
}

step "YAML parses (every deploy/**/*.yaml)"
(cd "$here" && node --input-type=module -e '
  import fs from "node:fs"; import { parseAllDocuments } from "yaml";
  let bad = 0;
  for (const f of process.argv.slice(1)) {
    const docs = parseAllDocuments(fs.readFileSync(f, "utf8"));
    const errs = docs.flatMap((d) => d.errors);
    if (errs.length) { bad++; console.log(`FAIL ${f}: ${errs[0].message}`); } else console.log(`ok   ${f}`);
  }
  process.exit(bad ? 1 : 0);' $(find "$root/deploy" -name '*.yaml' -not -path '*/node_modules/*' | sort))

step "kustomize renders the base and the TLS overlay"
render "$root/deploy/kubernetes" > "$work/base.yaml"
render "$root/deploy/overlays/tls" > "$work/tls.yaml"
echo "ok: base $(grep -c '^kind:' "$work/base.yaml") objects, tls overlay $(grep -c '^kind:' "$work/tls.yaml") objects"

examples=("$root/deploy/kubernetes/secret.example.yaml" "$root/deploy/kubernetes/servicemonitor.example.yaml"
  "$root/deploy/overlays/tls/certificate.example.yaml")

step "JSON-schema validation (kubernetes-models)"
(cd "$here" && node schema-check.mjs "$work/base.yaml" "$work/tls.yaml" "${examples[@]}")

step "strict field check (kubernetes-types + tsc)"
(cd "$here" && node strict-check.mjs "$work/base.yaml" "$work/tls.yaml" "${examples[0]}")

step "cross-file consistency"
(cd "$here" && node consistency-check.mjs "$work/base.yaml" "$root")
echo "-- TLS overlay"
(cd "$here" && node consistency-check.mjs "$work/tls.yaml" "$root")

step "Dockerfile lint (dockerfile-utils)"
(cd "$here" && npx --no-install dockerfile-utils lint "$root/Dockerfile") && echo "ok"

if [[ "${1:-}" != "--image" ]]; then
  printf '\nall checks passed (image emulation skipped: pass --image)\n'
  exit 0
fi

step "image build emulation: the Dockerfile's build command on a clean copy of its COPY sources"
mkdir -p "$work/src"
# Sources of the build stage's COPY instructions (those without --from), e.g. `COPY proto/ proto/`.
mapfile -t sources < <(awk '/^FROM .* AS build/{b=1; next} /^FROM /{b=0} b && /^COPY / && !/--from/ {for (i = 2; i < NF; i++) print $i}' "$root/Dockerfile")
echo "COPY sources: ${sources[*]}"
(cd "$root" && git ls-files -z -- "${sources[@]}" | xargs -0 tar -cf - ) | tar -xf - -C "$work/src"
maven_args=()
if [[ "${FRESH_M2:-0}" == "1" ]]; then
  maven_args=("-Dmaven.repo.local=$work/m2/repository")
  export MAVEN_USER_HOME="$work/m2"
fi
# The RUN instruction's command, with the image path /socialcheck.jar redirected here.
run_cmd="$(awk '/^RUN --mount=type=cache/{r=1} r{print} r && !/\\$/{exit}' "$root/Dockerfile" \
  | sed -e 's/\\$//' -e 's/^RUN --mount=[^ ]*//' | tr -s ' \n' ' ')"
run_cmd="${run_cmd// \/socialcheck.jar/ $work/socialcheck.jar}"
echo "RUN:$run_cmd"
start=$(date +%s)
(cd "$work/src" && MAVEN_ARGS="${maven_args[*]:-}" sh -c "$run_cmd")
echo "ok: $(du -h "$work/socialcheck.jar" | cut -f1) jar in $(( $(date +%s) - start ))s"

if [[ "$(id -u)" != "0" ]] || ! command -v unshare >/dev/null || ! command -v setpriv >/dev/null; then
  printf '\nbuild emulated; runtime emulation skipped (needs root, unshare and setpriv)\n'
  exit 0
fi

step "runtime emulation: UID 10001, no capabilities, read-only root, writable /tmp only"
# Outside /tmp: the server gets a fresh, empty /tmp (the emptyDir) like in the pod.
app="$(mktemp -d /var/tmp/socialcheck-check.XXXXXX)"
trap 'cleanup; rm -rf "$app"' EXIT
chmod 0755 "$app" && install -m 0444 "$work/socialcheck.jar" "$app/socialcheck.jar"
port=$(( 40000 + RANDOM % 20000 ))
cat > "$work/run.sh" <<RUN
#!/bin/sh
set -e
mount --make-rprivate /
mount --bind / / && mount -o remount,bind,ro /
mount -t tmpfs -o size=64m,mode=1777 tmpfs /tmp
exec setpriv --reuid 10001 --regid 10001 --clear-groups --inh-caps=-all --bounding-set=-all --no-new-privs \\
  env -i PATH=/usr/bin:/bin JAVA_HOME="${JAVA_HOME:-}" \\
  JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError" \\
  java -jar $app/socialcheck.jar serve --host 127.0.0.1 --port $port --demo-time-scale 0.01
RUN
chmod 0755 "$work/run.sh"
unshare --mount "$work/run.sh" > "$work/server.log" 2>&1 &
server_pid=$!
buf() { "$here/node_modules/.bin/buf" curl --protocol grpc --http2-prior-knowledge "$@"; }
for _ in $(seq 1 60); do
  if buf -d '{}' "http://127.0.0.1:$port/grpc.health.v1.Health/Check" > "$work/health.json" 2>/dev/null; then break; fi
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log"; echo "FAIL: server exited"; exit 1; }
  sleep 0.5
done
expect() {
  local what="$1"
  shift
  if "$@"; then echo "ok   $what"; else echo "FAIL $what"; cat "$work/server.log"; exit 1; fi
}
health_is_serving() {
  buf -d "{\"service\":\"$1\"}" "http://127.0.0.1:$port/grpc.health.v1.Health/Check" | grep -q '"SERVING"'
}
lists_service() { buf --list-services "http://127.0.0.1:$port" | grep -qx socialcheck.v1.SocialAccountService; }
finds_on_github() {
  buf -d '{"email":"user@email.com"}' "http://127.0.0.1:$port/socialcheck.v1.SocialAccountService/HasSocialAccount" \
    | grep -q '"foundOn": "github"'
}
runs_confined() {
  grep -E '^(Uid|Gid|CapEff|NoNewPrivs):' "/proc/$server_pid/status" | tr -s '\t' ' ' > "$work/status"
  sed 's/^/     /' "$work/status"
  grep -qx 'Uid: 10001 10001 10001 10001' "$work/status" && grep -qx 'CapEff: 0000000000000000' "$work/status" \
    && grep -qx 'NoNewPrivs: 1' "$work/status"
}
expect 'health "" SERVING' health_is_serving ""
expect "health socialcheck.v1.SocialAccountService SERVING" health_is_serving socialcheck.v1.SocialAccountService
expect "reflection lists socialcheck.v1.SocialAccountService" lists_service
expect "HasSocialAccount (demo catalog): found on github" finds_on_github
expect "runs as 10001, no capabilities, no new privileges" runs_confined
kill -TERM "$server_pid"
rc=0
wait "$server_pid" || rc=$?
server_pid=""
# A JVM ended by SIGTERM exits with 143 (128 + 15) after its shutdown hooks have run.
stopped_gracefully() { grep -q ' - stopped' "$work/server.log" && [[ "$rc" == 0 || "$rc" == 143 ]]; }
expect "SIGTERM: graceful shutdown (exit status $rc)" stopped_gracefully
printf '\nall checks passed, image build and runtime emulated\n'
